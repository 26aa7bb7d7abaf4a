"""The structured facts of issue 10 are printed in words that follow from the data."""

from __future__ import annotations

import subprocess
from pathlib import Path

from papdesigner.export import export_pdf
from papdesigner.export.fact_sentences import (
    regulatory_sentences,
    touch_sentence,
    transport_sentence,
)
from papdesigner.model.fileformat import load_protocol
from papdesigner.model.protocol import Dosing, Psychotherapy, Regulatory
from papdesigner.paths import resource


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def test_the_oregon_pdf_states_the_facts_in_words(tmp_path: Path) -> None:
    protocol = load_protocol(resource("examples") / "oregon-service-center.pap.json")
    export_pdf(protocol, tmp_path / "or.pdf")
    text = _text(tmp_path / "or.pdf")
    assert "The facilitation approach is non-directive." in text
    assert "only when the participant asks for it and has given prior written consent" in text
    assert "emergency services are called immediately" in text
    assert "the transport plan advises them not to drive after the session" in text
    assert "sources as of 2026-11" in text  # the compliance appendix dates each set


def test_changed_facts_change_the_words(tmp_path: Path) -> None:
    protocol = load_protocol(resource("examples") / "oregon-service-center.pap.json")
    protocol.psychotherapy.facilitation_approach = "directive"
    protocol.safety.emergency_escalation = None
    for session in protocol.sessions:
        if session.dosing is not None:
            session.dosing.departure = "client_drives"
            session.dosing.no_driving_advice = False
    export_pdf(protocol, tmp_path / "changed.pdf")
    text = _text(tmp_path / "changed.pdf")
    assert "The facilitation approach is directive." in text
    assert "In a medical emergency, emergency services are called" not in text  # unstated
    assert "drives themselves; the transport plan does not advise them against driving" in text


def test_unstated_facts_say_so_or_stay_silent() -> None:
    assert transport_sentence(Dosing()) == (
        "How the participant leaves is not stated; whether the plan advises them not to drive "
        "is not stated."
    )
    assert touch_sentence(Psychotherapy()) == ""
    assert regulatory_sentences(Regulatory()) == []
    stated = Regulatory(tga_six_monthly_reporting=False, act_cho_approval="applied")
    assert regulatory_sentences(stated) == [
        "No six-monthly reports to the TGA are planned.",
        "Approval of the ACT Chief Health Officer has been applied for.",
    ]
