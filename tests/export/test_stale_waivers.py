"""The compliance appendix lists waivers that match no finding, with the reason."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from conftest import export_and_read
from protocols import REPORT_WITH_ERROR, rich_data

from papdesigner.export import ExportError, export_pdf
from papdesigner.export.compliance import compliance_view
from papdesigner.model.protocol import Protocol
from papdesigner.rules import Report


def _text(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_real_check_lists_stale_waivers_with_reason(tmp_path: Path) -> None:
    data = rich_data()
    data["waivers"] = [
        {"rule_id": "GONE-1", "path": None, "justification": "Rule of an <old> & retired set"},
        {"rule_id": "CS-17", "path": "$.sessions[0].staff", "justification": "Pilot site"},
    ]
    exported = export_and_read(Protocol.model_validate(data), tmp_path / "stale.pdf")
    stale = exported.report.unmatched_waivers
    assert [u.rule_id for u in stale] == ["GONE-1", "CS-17"]
    text = _text(exported.reader)
    appendix = text[text.index("Waivers that match no finding") :]
    assert "Why it matches nothing" in appendix
    assert "GONE-1 whole protocol Rule of an <old> & retired set rule id unknown" in appendix
    assert "CS-17" in appendix and stale[1].reason.split(" (")[0] in appendix


def test_no_section_without_stale_waivers_and_old_reports_still_print(tmp_path: Path) -> None:
    """A report saved before the key existed has no ``unmatched_waivers``: nothing is listed."""
    protocol = Protocol.model_validate(rich_data())
    old = Report.model_validate(REPORT_WITH_ERROR)
    assert compliance_view(protocol, old).unmatched_waivers == ()
    exported = export_and_read(protocol, tmp_path / "old.pdf", REPORT_WITH_ERROR)
    assert "Waivers that match no finding" not in _text(exported.reader)


def test_hostile_entries_are_refused_in_one_line(tmp_path: Path) -> None:
    """Report data given to the API is read as the typed report: a bad entry is named."""
    protocol = Protocol.model_validate(rich_data())
    report = {
        **REPORT_WITH_ERROR,
        "unmatched_waivers": [
            "not a mapping",
            {"index": "x", "rule_id": None, "path": None, "reason": 7},
        ],
    }
    target = tmp_path / "hostile.pdf"
    with pytest.raises(ExportError) as caught:
        export_pdf(protocol, target, report=report)
    message = str(caught.value)
    assert message.startswith("the check report cannot be read: unmatched_waivers.0")
    assert "\n" not in message
    assert not target.exists()


def test_waived_finding_prints_the_reports_waiver() -> None:
    protocol = Protocol.model_validate(rich_data())
    finding = {
        **REPORT_WITH_ERROR["findings"][0],
        "waived": True,
        "waiver": {"justification": "Pilot site", "author": "A. B.", "date": "2026-03-01"},
    }
    report = Report.model_validate({**REPORT_WITH_ERROR, "findings": [finding]})
    (shown,) = compliance_view(protocol, report).rulesets[0].findings
    assert shown.waiver is not None and shown.waiver.justification == "Pilot site"
