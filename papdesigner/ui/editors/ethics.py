"""Step 11, Ethics & consent: ethics review, consent materials, client documents, waivers."""

from __future__ import annotations

from typing import Any

from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.fields import (
    CheckField,
    DateField,
    FieldEditor,
    TextAreaField,
    TextField,
    tri_state_field,
)
from papdesigner.ui.table_list import Column, TableListEditor

_DOCUMENTS = (
    ("client_information_form", "Client information form"),
    ("transportation_plan", "Transportation plan"),
    ("bill_of_rights", "Client bill of rights"),
    ("safety_support_plan", "Safety and support plan"),
    ("physical_touch_contract", "Physical touch agreement"),
    ("data_withhold_offer", "Offer to withhold data"),
    ("facilitator_records", "Facilitator records"),
    ("identification_check", "Client identification checked before services"),
)

_CONSENT_FLAGS = (
    ("touch_consent", "Consent to supportive touch"),
    ("recording_consent", "Consent to recording"),
    ("facilitator_change_consent", "Consent to a change of facilitator"),
    ("others_present_consent", "Consent to others being present"),
)


def _text(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return TextField(document, path, label)


def _where(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return TextField(document, path, label, optional=True, placeholder="whole protocol")


def _long(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return TextAreaField(document, path, label, lines=2)


def _date(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return DateField(document, path, label)


class ApprovalField(CheckField):
    """The "Approved" tick: only with an approval date and reference to cite.

    An approval that names neither cannot be cited in the protocol or checked by a
    reader; the tick is refused, with the reason under it, until both are entered.
    """

    def commit(self, value: Any, *, typing: bool = False) -> None:
        """Refuse ticking while the date or the reference is missing."""
        if value is True and not self._loading:
            ethics = self.path[:-1]
            missing = [
                what
                for key, what in (
                    ("approval_date", "the approval date"),
                    ("reference", "the approval reference"),
                )
                if not self.document.json((*ethics, key))
            ]
            if missing:
                self.problems.set_refusal(
                    f"enter {' and '.join(missing)} first, then tick Approved."
                )
                self._loading = True
                self.check.setChecked(False)
                self._loading = False
                return
        super().commit(value, typing=typing)


class EthicsEditor(StepEditor):
    """Ethics committee, consent, state-programme documents and the recorded waivers."""

    key = "ethics"

    def build(self) -> None:
        """Lay out the ethics, consent, documents and waiver sections."""
        d, form = self.document, self.form
        e = ("regulatory", "ethics")
        ethics = form.section("Ethics review")
        form.add_all(
            ethics,
            [
                TextField(d, (*e, "committee_name"), "Ethics committee"),
                ApprovalField(d, (*e, "approved"), "Approved"),
                DateField(d, (*e, "approval_date"), "Approval date"),
                TextField(d, (*e, "reference"), "Approval reference"),
                tri_state_field(d, (*e, "nhmrc_registered"), "HREC registered with the NHMRC"),
            ],
        )
        consent = form.section("Informed consent")
        form.add_all(
            consent,
            [
                TextField(d, ("consent", "form_reference"), "Consent form reference"),
                TextAreaField(d, ("consent", "process"), "Consent process", lines=3),
                *(CheckField(d, ("consent", name), label) for name, label in _CONSENT_FLAGS),
            ],
        )
        documents = form.section(
            "Client documents",
            "Required by US state psilocybin service programmes (Oregon, Colorado).",
        )
        form.add_all(
            documents, [CheckField(d, ("documents", name), label) for name, label in _DOCUMENTS]
        )
        waivers = form.section(
            "Waivers",
            "Findings acknowledged with a justification. Waive a finding from the compliance "
            "panel; edit or remove waivers here.",
        )
        table = TableListEditor(
            d,
            ("waivers",),
            [
                Column("rule_id", "Rule", _text),
                Column("path", "Where", _where),
                Column("justification", "Justification", _long, stretch=True),
                Column("author", "Author", _text),
                Column("date", "Date", _date),
            ],
            item_name="waiver",
            new_item=None,
        )
        form.add_part(waivers, ("waivers",), table, table)
        self.add_narrative("Oversight, ethics and dissemination")
