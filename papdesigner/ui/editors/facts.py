"""Fields for the structured facts the rule sets decide on (schema 2, issue 10).

Each function returns the fields of one step, so that each editor adds them with one
line next to the prose they make precise. "Not stated" is the unset value of every
fact: a rule that needs it asks instead of guessing.
"""

from __future__ import annotations

from typing import Any

from papdesigner.model import vocab
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import ChoiceField, FieldEditor, tri_state_field
from papdesigner.ui.list_fields import StringListField


def _choice(
    d: EditedProtocol,
    path: JsonPath,
    label: str,
    literal: Any,
    labels: dict[str, str] | None = None,
) -> ChoiceField:
    choices = vocabulary(literal, labels)
    return ChoiceField(d, path, label, choices, optional=True, none_label="Not stated")


def regulatory_facts(d: EditedProtocol) -> list[FieldEditor]:
    """Psychiatry registration, TGA reporting plans and the ACT approval."""
    r = ("regulatory",)
    return [
        tri_state_field(
            d, (*r, "prescriber_registered_in_psychiatry"), "Prescriber registered in psychiatry"
        ),
        tri_state_field(d, (*r, "tga_six_monthly_reporting"), "Six-monthly reports to the TGA"),
        tri_state_field(
            d, (*r, "tga_adverse_event_reporting"), "Adverse events reported to the TGA"
        ),
        tri_state_field(d, (*r, "tga_defect_reporting"), "Product defects reported to the TGA"),
        _choice(
            d, (*r, "act_cho_approval"), "ACT Chief Health Officer approval", vocab.ApprovalStatus
        ),
    ]


def dosing_facts(d: EditedProtocol, dosing: JsonPath) -> list[FieldEditor]:
    """The transport plan's advice not to drive, and how the participant leaves."""
    return [
        tri_state_field(d, (*dosing, "no_driving_advice"), "Plan advises not to drive"),
        _choice(d, (*dosing, "departure"), "Leaves by", vocab.DepartureMode),
    ]


def therapy_facts(d: EditedProtocol) -> list[FieldEditor]:
    """Facilitation approach and supportive touch policy."""
    t = ("psychotherapy",)
    return [
        _choice(
            d,
            (*t, "facilitation_approach"),
            "Facilitation approach",
            vocab.FacilitationApproach,
            vocab.FACILITATION_LABELS,
        ),
        _choice(d, (*t, "supportive_touch"), "Supportive touch", vocab.TouchPolicy),
    ]


def safety_facts(d: EditedProtocol) -> list[FieldEditor]:
    """When emergency services are called."""
    return [
        _choice(
            d, ("safety", "emergency_escalation"), "Emergency escalation", vocab.EmergencyEscalation
        )
    ]


def medication_facts(d: EditedProtocol) -> list[FieldEditor]:
    """Medication classes that participants continue."""
    return [
        StringListField(
            d, ("medications", "continued_classes"), "Classes continued", item_name="class"
        )
    ]
