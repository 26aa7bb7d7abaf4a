"""Step 9, Safety: monitoring, adverse events, stopping rules and emergencies."""

from __future__ import annotations

from papdesigner.ui import choices
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.editors.facts import safety_facts
from papdesigner.ui.fields import CheckField, ChoiceField, IntField, TextAreaField
from papdesigner.ui.list_fields import StringListField


class SafetyEditor(StepEditor):
    """Safety monitoring fields and the safety narrative."""

    key = "safety"

    def build(self) -> None:
        """Lay out the safety sections."""
        d, form = self.document, self.form
        s = ("safety",)
        monitoring = form.section("Monitoring")
        form.add_all(
            monitoring,
            [
                ChoiceField(
                    d,
                    (*s, "suicidality_instrument"),
                    "Suicidality instrument",
                    choices.instruments(),
                    optional=True,
                    editable=True,
                ),
                TextAreaField(d, (*s, "vitals_schedule"), "Vital signs schedule", lines=2),
                TextAreaField(
                    d, (*s, "echocardiogram_schedule"), "Echocardiogram schedule", lines=2
                ),
                TextAreaField(d, (*s, "pregnancy_testing"), "Pregnancy testing", lines=2),
                IntField(
                    d,
                    (*s, "contraception_days_after_last_dose"),
                    "Contraception after last dose",
                    minimum=0,
                    maximum=365,
                    unit="days",
                    optional=True,
                ),
                CheckField(
                    d, (*s, "hppd_followup"), "Follow-up for persisting perception disorder (HPPD)"
                ),
                CheckField(
                    d, (*s, "participant_support_contact"), "24-hour participant support contact"
                ),
            ],
        )
        events = form.section("Adverse events and emergencies")
        form.add_all(
            events,
            [
                TextAreaField(d, (*s, "adverse_event_plan"), "Adverse event plan", lines=3),
                IntField(
                    d,
                    (*s, "susar_report_days"),
                    "Serious unexpected reaction report",
                    minimum=0,
                    maximum=90,
                    unit="calendar days",
                    optional=True,
                    help_text="Days to report a serious and unexpected suspected adverse reaction "
                    "to the regulator (US IND: at most 15)",
                ),
                IntField(
                    d,
                    (*s, "susar_fatal_report_days"),
                    "Fatal or life-threatening report",
                    minimum=0,
                    maximum=90,
                    unit="calendar days",
                    optional=True,
                    help_text="Days to report an unexpected fatal or life-threatening suspected "
                    "adverse reaction (US IND: at most 7)",
                ),
                StringListField(
                    d,
                    (*s, "adverse_events_of_special_interest"),
                    "Adverse events of special interest",
                    item_name="event",
                ),
                TextAreaField(d, (*s, "stopping_rules"), "Stopping rules", lines=3),
                TextAreaField(d, (*s, "dsmb"), "Data and safety monitoring board", lines=2),
                TextAreaField(d, (*s, "emergency_plan"), "Emergency plan", lines=3),
                *safety_facts(d),
            ],
        )
        reporting = form.section(
            "Adverse event definitions and reporting",
            "Protocol-specific facts for chapter 9 of the PDF; empty ones print as not specified.",
        )
        form.add_all(
            reporting,
            [
                TextAreaField(d, (*s, "ae_collection_period"), "Collection period", lines=2),
                TextAreaField(d, (*s, "ae_severity_scale"), "Severity grading scale", lines=2),
                TextAreaField(d, (*s, "ae_causality_scale"), "Causality assessment", lines=2),
                IntField(
                    d,
                    (*s, "sae_sponsor_report_hours"),
                    "SAE report to sponsor within",
                    minimum=0,
                    maximum=720,
                    unit="hours",
                    optional=True,
                ),
                TextAreaField(d, (*s, "ethics_reporting"), "Reporting to the IRB/EC", lines=2),
                TextAreaField(d, (*s, "pregnancy_reporting"), "Pregnancy procedure", lines=2),
                TextAreaField(d, (*s, "overdose_management"), "Overdose management", lines=2),
            ],
        )
        self.add_narrative("Discontinuation and safety narrative")
