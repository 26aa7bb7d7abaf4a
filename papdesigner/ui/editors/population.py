"""Step 3, Population: eligibility criteria and the concomitant medication policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from papdesigner.model import vocab
from papdesigner.model.commands import unique_id
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui import choices
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.editors.facts import medication_facts
from papdesigner.ui.fields import (
    CheckField,
    ChoiceField,
    FieldEditor,
    IntField,
    TextAreaField,
    TextField,
)
from papdesigner.ui.list_fields import StringListField
from papdesigner.ui.table_list import Column, TableListEditor


def _criterion_ids(document: EditedProtocol) -> list[str]:
    eligibility = document.protocol.eligibility
    return [c.id for c in (*eligibility.inclusion, *eligibility.exclusion)]


def _new_criterion(prefix: str) -> Callable[[EditedProtocol, JsonPath], dict[str, Any]]:
    def make(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
        return {"id": unique_id(_criterion_ids(document), prefix), "text": "", "code": None}

    return make


def _code(list_name: str) -> Callable[[EditedProtocol, JsonPath, str], FieldEditor]:
    def make(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
        return ChoiceField(
            document,
            path,
            label,
            choices.criteria(list_name),
            optional=True,
            none_label="— uncoded —",
        )

    return make


def _id(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return TextField(document, path, label)


def _long_text(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return TextAreaField(document, path, label, lines=2)


def _medication_class(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return ChoiceField(document, path, label, choices.medication_classes(), editable=True)


def _days(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return IntField(document, path, label, minimum=0, maximum=365, unit="days")


def _check(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return CheckField(document, path, label)


def _new_washout(_document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    return {"medication_class": "SSRI", "min_days": 14, "supervised_taper": True}


class PopulationEditor(StepEditor):
    """Ages, inclusion and exclusion criteria (coded from the catalogue), washouts."""

    key = "population"

    def build(self) -> None:
        """Lay out eligibility and medication sections."""
        d, form = self.document, self.form
        ages = form.section("Age")
        form.add_all(
            ages,
            [
                IntField(
                    d,
                    ("eligibility", "age_min"),
                    "Minimum age",
                    minimum=0,
                    maximum=120,
                    unit="years",
                    optional=True,
                ),
                IntField(
                    d,
                    ("eligibility", "age_max"),
                    "Maximum age",
                    minimum=0,
                    maximum=120,
                    unit="years",
                    optional=True,
                ),
                TextAreaField(
                    d, ("eligibility", "age_justification"), "Age justification", lines=2
                ),
            ],
        )
        for list_name, title in (
            ("inclusion", "Inclusion criteria"),
            ("exclusion", "Exclusion criteria"),
        ):
            section = form.section(
                title, "Code a criterion from the catalogue so that the rule sets can recognise it."
            )
            table = TableListEditor(
                d,
                ("eligibility", list_name),
                [
                    Column("id", "Id", _id),
                    Column("text", "Criterion", _long_text, stretch=True),
                    Column("code", "Catalogue code", _code(list_name)),
                    Column("justification", "Justification", _long_text, stretch=True),
                ],
                item_name=f"{list_name} criterion",
                new_item=_new_criterion("in" if list_name == "inclusion" else "ex"),
            )
            form.add_part(section, ("eligibility", list_name), table, table)
        meds = form.section("Concomitant medications")
        form.add_all(
            meds,
            [
                ChoiceField(
                    d,
                    ("medications", "policy"),
                    "Policy",
                    choices.vocabulary(vocab.MedicationPolicy),
                ),
                TextAreaField(d, ("medications", "policy_justification"), "Justification", lines=2),
                *medication_facts(d),
            ],
        )
        washouts = TableListEditor(
            d,
            ("medications", "washouts"),
            [
                Column("medication_class", "Medication class", _medication_class, stretch=True),
                Column("min_days", "Minimum washout", _days),
                Column("supervised_taper", "Supervised taper", _check),
                Column("note", "Note", _long_text, stretch=True),
            ],
            item_name="washout",
            new_item=_new_washout,
            title="Washouts",
        )
        form.add_part(meds, ("medications", "washouts"), washouts, washouts)
        form.add_all(
            meds,
            [
                StringListField(
                    d, ("medications", "prohibited"), "Prohibited", item_name="medication"
                ),
                StringListField(
                    d, ("medications", "rescue"), "Rescue medications", item_name="medication"
                ),
            ],
        )
        self.add_narrative("Recruitment and participation")
