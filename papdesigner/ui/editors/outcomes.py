"""Step 10, Outcomes & statistics: objectives with endpoints, sample size, follow-up."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from papdesigner.model import vocab
from papdesigner.model.commands import unique_id
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui import choices
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.fields import (
    ChoiceField,
    FieldEditor,
    FloatField,
    IntField,
    TextAreaField,
    TextField,
)
from papdesigner.ui.form import Form
from papdesigner.ui.item_list import ItemListEditor
from papdesigner.ui.list_fields import StringListField
from papdesigner.ui.table_list import Column, TableListEditor


def _new_objective(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    objective_id = unique_id((o.id for o in document.protocol.objectives), "obj")
    return {"id": objective_id, "level": "secondary", "text": "New objective"}


def _new_endpoint(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    taken = (e.id for o in document.protocol.objectives for e in o.endpoints)
    return {"id": unique_id(taken, "ep"), "text": "", "instrument": None, "timepoint_week": None}


def _objective_line(item: dict[str, Any]) -> str:
    text = str(item.get("text") or item.get("id"))
    return f"{vocab.label(str(item.get('level')))}: {text[:60]}"


def _text(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return TextField(document, path, label)


def _instrument(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return ChoiceField(document, path, label, choices.instruments(), optional=True, editable=True)


def _week(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
    return FloatField(
        document, path, label, maximum=520, step=1, decimals=1, unit="wk", optional=True
    )


def _objective_detail(form: Form) -> None:
    d = form.document
    section = form.section("Objective")
    form.add_all(
        section,
        [
            TextField(d, ("id",), "Id"),
            ChoiceField(d, ("level",), "Level", vocabulary(vocab.ObjectiveLevel)),
            TextAreaField(d, ("text",), "Objective", lines=2),
        ],
    )
    endpoints = TableListEditor(
        d,
        ("endpoints",),
        [
            Column("id", "Id", _text),
            Column("text", "Endpoint", _text, stretch=True),
            Column("instrument", "Instrument", _instrument),
            Column("timepoint_week", "Week", _week),
        ],
        item_name="endpoint",
        new_item=_new_endpoint,
        title="Endpoints",
    )
    form.add_part(section, ("endpoints",), endpoints, endpoints)


class OutcomesEditor(StepEditor):
    """Objectives (master-detail with endpoints), statistics and follow-up."""

    key = "outcomes"

    def build(self) -> None:
        """Lay out objectives, statistics and follow-up."""
        d, form = self.document, self.form
        objectives = form.section("Objectives and endpoints")
        self.objectives = ItemListEditor(
            d,
            ("objectives",),
            item_name="objective",
            summary=_objective_line,
            new_item=_new_objective,
            build_detail=_objective_detail,
            orientation=Qt.Orientation.Vertical,  # endpoints need the full width
        )
        self.objectives.setMinimumHeight(560)
        form.add_part(objectives, ("objectives",), self.objectives, self.objectives)
        stats = form.section("Statistics")
        st = ("statistics",)
        form.add_all(
            stats,
            [
                IntField(
                    d,
                    (*st, "sample_size"),
                    "Sample size",
                    minimum=0,
                    maximum=100_000,
                    unit="participants",
                    optional=True,
                ),
                FloatField(
                    d,
                    (*st, "power"),
                    "Power",
                    minimum=0.01,
                    maximum=0.99,
                    step=0.05,
                    decimals=2,
                    optional=True,
                ),
                FloatField(
                    d,
                    (*st, "alpha"),
                    "Alpha",
                    minimum=0.001,
                    maximum=0.5,
                    step=0.005,
                    decimals=3,
                    optional=True,
                ),
                TextAreaField(d, (*st, "primary_analysis"), "Primary analysis", lines=3),
                TextAreaField(d, (*st, "missing_data"), "Missing data", lines=2),
                TextAreaField(d, (*st, "sensitivity_analyses"), "Sensitivity analyses", lines=2),
                TextAreaField(d, (*st, "interim_analysis"), "Interim analysis", lines=2),
                TextAreaField(d, (*st, "analysis_sets"), "Analysis sets", lines=2),
                TextAreaField(
                    d, (*st, "estimand_strategy"), "Intercurrent events and strategies", lines=2
                ),
                TextAreaField(d, (*st, "secondary_analyses"), "Secondary analyses", lines=2),
                TextAreaField(d, (*st, "safety_analyses"), "Safety analyses", lines=2),
                TextAreaField(d, (*st, "multiplicity"), "Multiplicity adjustment", lines=2),
            ],
        )
        follow = form.section("Follow-up")
        form.add_all(
            follow,
            [
                FloatField(
                    d,
                    ("follow_up", "duration_weeks"),
                    "Duration",
                    maximum=520,
                    decimals=1,
                    unit="weeks",
                    optional=True,
                ),
                StringListField(
                    d,
                    ("follow_up", "timepoints_weeks"),
                    "Time points (weeks)",
                    item_name="time point",
                    new_text="4",
                    numbers=True,
                ),
            ],
        )
        self.add_narrative("Assessments and analysis")
