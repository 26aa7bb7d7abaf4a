"""Sentences for the PDF from the structured facts the rule sets decide on (issue 10).

Each function turns one fact into words that follow from the data: a fact that is not
stated gives no sentence (or says that it is not stated where the reader needs to know),
never a guess from the prose next to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from papdesigner.model.protocol import Dosing, Medications, Psychotherapy, Regulatory, Safety

_DEPARTURE = {
    "named_driver": "is driven home by a named adult",
    "taxi_or_rideshare": "leaves by taxi or ride service",
    "site_transport": "leaves by transport the site arranges",
    "public_transport": "leaves by public transport",
    "on_foot": "leaves on foot",
    "client_drives": "drives themselves",
}


def transport_sentence(dosing: Dosing) -> str:
    """How the participant leaves and whether the plan advises against driving."""
    how = _DEPARTURE.get(dosing.departure or "", "")
    leaves = f"The participant {how}" if how else "How the participant leaves is not stated"
    advice = {
        True: "the transport plan advises them not to drive after the session",
        False: "the transport plan does not advise them against driving",
        None: "whether the plan advises them not to drive is not stated",
    }[dosing.no_driving_advice]
    return f"{leaves}; {advice}."


def touch_sentence(therapy: Psychotherapy) -> str:
    """The supportive touch policy in one sentence."""
    return {
        "no_touch": "No supportive touch is offered.",
        "on_request_with_written_consent": (
            "Supportive touch is offered only when the participant asks for it and has given "
            "prior written consent."
        ),
        "other": (
            "Supportive touch may be offered other than only on request with prior written "
            "consent, as the touch policy describes."
        ),
        None: "",
    }[therapy.supportive_touch]


def facilitation_sentence(therapy: Psychotherapy) -> str:
    """The facilitation approach, if stated."""
    return {
        "non_directive": "The facilitation approach is non-directive.",
        "directive": "The facilitation approach is directive.",
        "mixed": "The facilitation approach is partly directive.",
        None: "",
    }[therapy.facilitation_approach]


def escalation_sentence(safety: Safety) -> str:
    """When emergency services are called, if stated."""
    return {
        "immediate": "In a medical emergency, emergency services are called immediately.",
        "after_assessment": (
            "In a medical emergency, emergency services are called after staff have assessed "
            "the situation."
        ),
        None: "",
    }[safety.emergency_escalation]


def _yes_no(value: bool | None, yes: str, no: str) -> list[str]:
    return [] if value is None else [yes if value else no]


def regulatory_sentences(reg: Regulatory) -> list[str]:
    """Psychiatry registration, TGA reporting plans and the ACT approval, as far as stated."""
    lines = _yes_no(
        reg.prescriber_registered_in_psychiatry,
        "The prescriber is registered in psychiatry.",
        "The prescriber is not registered in psychiatry.",
    )
    lines += _yes_no(
        reg.tga_six_monthly_reporting,
        "Six-monthly reports go to the TGA for each authorisation.",
        "No six-monthly reports to the TGA are planned.",
    )
    lines += _yes_no(
        reg.tga_adverse_event_reporting,
        "Adverse events are reported to the TGA.",
        "Adverse events are not reported to the TGA.",
    )
    lines += _yes_no(
        reg.tga_defect_reporting,
        "Product defects are reported to the TGA.",
        "Product defects are not reported to the TGA.",
    )
    cho = {
        "approved": "The ACT Chief Health Officer has approved the treatment.",
        "applied": "Approval of the ACT Chief Health Officer has been applied for.",
        "not_sought": "Approval of the ACT Chief Health Officer has not been sought.",
    }
    if reg.act_cho_approval is not None:
        lines.append(cho[reg.act_cho_approval])
    return lines


def continued_sentence(meds: Medications) -> str:
    """Which medication classes participants continue, if any are listed."""
    if not meds.continued_classes:
        return ""
    return (
        "Participants continue these medication classes: " + ", ".join(meds.continued_classes) + "."
    )


TEMPLATE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "transport_sentence": transport_sentence,
    "touch_sentence": touch_sentence,
    "facilitation_sentence": facilitation_sentence,
    "escalation_sentence": escalation_sentence,
    "regulatory_sentences": regulatory_sentences,
    "continued_sentence": continued_sentence,
}
"""Globals of the PDF templates."""
