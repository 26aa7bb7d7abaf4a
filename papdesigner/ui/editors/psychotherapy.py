"""Step 8, Psychotherapy & integration: the therapeutic frame, recording and blinding."""

from __future__ import annotations

from papdesigner.model import vocab
from papdesigner.model.protocol import Blinding, Psychotherapy
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.editors.facts import therapy_facts
from papdesigner.ui.fields import CheckField, ChoiceField, TextAreaField, TextField
from papdesigner.ui.list_fields import StringListField

_THERAPY_TEXTS = (
    ("rationale", "Rationale"),
    ("preparation_protocol", "Preparation protocol"),
    ("integration_protocol", "Integration protocol"),
    ("narrative_framing", "Narrative framing"),
    ("touch_policy", "Touch policy"),
    ("additional_support", "Support after the trial"),
    ("cultural_safety", "Cultural safety"),
    ("training", "Training and adherence"),
)


def _help(model: type[Psychotherapy] | type[Blinding], name: str) -> str:
    return model.model_fields[name].description or ""


class PsychotherapyEditor(StepEditor):
    """Therapy model and manual, session protocols, recording, blinding."""

    key = "psychotherapy"

    def build(self) -> None:
        """Lay out therapy, recording and blinding sections."""
        d, form = self.document, self.form
        base = ("psychotherapy",)
        therapy = form.section("Therapeutic framework")
        form.add_all(
            therapy,
            [
                TextField(
                    d,
                    (*base, "model"),
                    "Therapy model",
                    placeholder="e.g. ACT-informed psychological support",
                ),
                TextField(d, (*base, "manual_reference"), "Manual reference"),
                *(
                    TextAreaField(
                        d, (*base, name), label, help_text=_help(Psychotherapy, name), lines=3
                    )
                    for name, label in _THERAPY_TEXTS
                ),
                StringListField(d, (*base, "bias_controls"), "Bias controls", item_name="control"),
                *therapy_facts(d),
            ],
        )
        recording = form.section("Recording of sessions")
        form.add_all(
            recording,
            [
                CheckField(d, (*base, "recording", "audio"), "Audio recording"),
                CheckField(d, (*base, "recording", "video"), "Video recording"),
                CheckField(d, (*base, "recording", "consent"), "Separate consent to recording"),
            ],
        )
        blinding = form.section("Blinding and expectancy")
        b = ("blinding",)
        form.add_all(
            blinding,
            [
                ChoiceField(
                    d, (*b, "allocation"), "Assignment to arms", vocabulary(vocab.Allocation)
                ),
                CheckField(d, (*b, "participants"), "Participants blinded"),
                CheckField(d, (*b, "therapists"), "Therapists blinded"),
                CheckField(d, (*b, "outcome_assessors"), "Outcome assessors blinded"),
                CheckField(d, (*b, "raters_independent"), "Raters independent of the therapy team"),
                TextField(d, (*b, "expectancy_measure"), "Expectancy measure"),
                TextField(d, (*b, "integrity_measure"), "Blinding integrity measure"),
                TextAreaField(d, (*b, "unblinding_procedure"), "Unblinding procedure", lines=2),
                TextAreaField(d, (*b, "rationale"), "Blinding rationale", lines=2),
            ],
        )
