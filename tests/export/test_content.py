"""What the reviewer needs is in the PDF: schedule of activities, doses, sessions, findings."""

from __future__ import annotations

from conftest import Exported, heading_pages


def _pages_between(exported: Exported, start: str, end: str) -> str:
    """Text from ``start`` to ``end``, after the title page and the table of contents."""
    first_body = next(
        i
        for i, t in enumerate(exported.texts)
        if "Protocol synopsis" in t and i > 0 and "Table of contents" not in t
    )
    text = "\n".join(exported.texts[first_body:])
    return text[text.index(start) : text.index(end, text.index(start))]


def test_schedule_of_activities_marks_every_assessment(rich: Exported) -> None:
    """Procedures as rows, visits as columns: one X per assessment, per visit kind, and consent."""
    table = _pages_between(rich, "Schedule of activities", "Columns are visits")
    sessions = rich.protocol.sessions
    expected = sum(len(s.assessments) for s in sessions) + len(sessions) + 1
    assert sum(1 for line in table.splitlines() if line.strip() == "X") == expected
    for row in ("Informed consent", "Dosing session", "Vital signs", "MADRS", "C-SSRS"):
        assert row in table
    whole = " ".join(" ".join(rich.texts).split())
    for session in sessions:
        assert session.title in whole


def test_dosing_per_arm_and_supplemental_dose(rich: Exported) -> None:
    text = " ".join(" ".join(rich.texts).split())
    assert "Psilocybin 25 mg: Day 1: 25 mg +12.5 mg at 1.5 h (optional)" in text
    assert "Psilocybin 1 mg: Day 1: 1 mg" in text
    assert "supplemental, 1.5 h after start (optional)" in text


def test_every_session_has_its_plan(rich: Exported) -> None:
    text = " ".join(" ".join(rich.texts).split())
    for session in rich.protocol.sessions:
        assert session.title in text
        assert f"({session.id})" not in text  # ids are internal codes, never printed
    assert "Escorted home by a pre-identified adult" in text
    assert "Alert, oriented, vital signs within normal limits" in text
    assert "Doctoral degree, clinical psychologist, licensed" in text


def test_setting_lists_respct_items(rich: Exported) -> None:
    text = " ".join(" ".join(rich.texts).split())
    for phrase in ("Dimmable warm light", "Eyeshades and headphones offered", "En-suite, private"):
        assert phrase in text


def test_compliance_appendix_lists_findings_with_citation_and_provenance(rich: Exported) -> None:
    report = rich.report
    pages = heading_pages(rich.reader)
    appendix = " ".join(" ".join(rich.texts[pages["Appendix A"] - 1 : pages["Appendix B"]]).split())
    assert report.rulesets
    for ruleset in report.rulesets:
        assert ruleset.id in appendix
        assert ("active" if ruleset.active else "not active") in appendix
    dense = "".join(appendix.split())
    for finding in report.findings:
        assert finding.rule_id in dense
        assert "".join(finding.citation.split())[:25] in dense
        assert f"provenance:{finding.provenance}" in dense


def test_fixed_report_prints_waivers_clauses_and_escaped_messages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pypdf
    from protocols import REPORT_WITH_ERROR, rich_data

    from papdesigner.export import export_pdf
    from papdesigner.model.protocol import Protocol

    data = rich_data()
    data["waivers"] = [
        {
            "rule_id": "TEST-002",
            "path": "$.sessions[1]",
            "justification": "Reviewed with the <IRB> & agreed",
            "author": "Dr Ö",
            "date": "2026-03-01",
        }
    ]
    report = {**REPORT_WITH_ERROR}
    report["findings"] = [
        *REPORT_WITH_ERROR["findings"],
        {
            "rule_id": "TEST-002",
            "ruleset": "TEST-SET",
            "severity": "warning",
            "message": "Second",
            "path": "$.sessions[1]",
            "citation": "Other source §2",
            "provenance": "secondary",
            "waived": True,
            "clauses": [],
        },
    ]
    report["summary"] = {"errors": 1, "warnings": 0, "infos": 0, "waived": 1}
    result = export_pdf(Protocol.model_validate(data), tmp_path / "x.pdf", report=report)
    assert result.draft
    text = " ".join(
        " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "x.pdf").pages).split()
    )
    assert "A <b>problem</b> & more" in text
    assert "x > 1 → False" in text
    assert "Test source §1 provenance: verified" in text
    assert "Waiver: Reviewed with the <IRB> & agreed (Dr Ö, 2026-03-01)" in text
    assert "provenance: secondary" in text
