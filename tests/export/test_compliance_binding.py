"""What a PDF vouches for comes from the protocol: bound reports, stated sets, verify re-checks.

The attacks of issue 17: a doctored ``--report``, a ``--ruleset`` subset presented as the
whole, a made-up report passed through the API, and a template folder that replaces the
compliance report. Real CLI runs, real PDFs read back with pypdf.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
from pypdf import PdfReader

from papdesigner.cli import main
from papdesigner.export import export_pdf, verify_pdf
from papdesigner.export.finish import KEY_COMPLIANCE, RECORD_KEY
from papdesigner.export.recheck import recheck
from papdesigner.export.statement import (
    Statement,
    applicable_left_out,
    statement_from_json,
    statement_of,
)
from papdesigner.model.fileformat import load_protocol
from papdesigner.paths import resource, templates_dir
from papdesigner.rules import check, default_catalogue

EXAMPLES = sorted(resource("examples").glob("*.pap.json"))
MDMA = resource("examples") / "mdma-ptsd.pap.json"
COUNTS = re.compile(r"Unwaived errors\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)")


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    """The MDMA example without its waivers, SUSAR timeline and DEA registration:
    unwaived errors in two rule sets (FDA-PSY, US-IND-SAFETY)."""
    data = json.loads(MDMA.read_text(encoding="utf-8"))
    data["metadata"]["title"] = ""
    data["waivers"] = []
    data["safety"]["susar_report_days"] = None
    data["regulatory"]["dea_schedule1_registration"] = ""
    path = tmp_path / "bad.pap.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _saved_report(capsys: pytest.CaptureFixture[str], protocol: Path, path: Path) -> Any:
    code, out, _ = _cli(capsys, "check", str(protocol), "--format", "json")
    assert code in (0, 1)
    path.write_text(out, encoding="utf-8")
    return json.loads(out)


def _printed_counts(pdf: Path) -> tuple[int, ...]:
    """Errors, warnings, infos, waived, unwaived errors as Appendix A prints them."""
    for page in pypdf.PdfReader(pdf).pages:
        found = COUNTS.search(page.extract_text() or "")
        if found:
            return tuple(int(n) for n in found.groups())
    raise AssertionError("no compliance counts in the PDF")


def _refused(capsys: pytest.CaptureFixture[str], protocol: Path, report: Path, out: Path) -> str:
    args = ["export", str(protocol), "-o", str(out), "--report", str(report)]
    code, stdout, err = _cli(capsys, *args)
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and err.startswith(f"papdesigner: --report {report}: ")
    assert not out.exists()
    return err


def test_doctored_report_is_refused(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    report = _saved_report(capsys, bad, report_path)
    assert report["summary"]["errors"] > 0
    report["findings"] = [f for f in report["findings"] if f["severity"] != "error"]
    report["summary"]["errors"] = 0
    report_path.write_text(json.dumps(report), encoding="utf-8")
    err = _refused(capsys, bad, report_path, tmp_path / "out.pdf")
    assert "findings differ from a check of this protocol" in err


def test_only_the_summary_doctored_is_refused(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    report = _saved_report(capsys, bad, report_path)
    report["summary"]["errors"] = 0
    report_path.write_text(json.dumps(report), encoding="utf-8")
    _refused(capsys, bad, report_path, tmp_path / "out.pdf")


def test_report_of_another_version_is_refused(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    _saved_report(capsys, MDMA, report_path)  # the compliant original, not bad
    err = _refused(capsys, bad, report_path, tmp_path / "out.pdf")
    assert "another version of the protocol" in err


def test_report_without_fingerprint_is_refused(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    report = _saved_report(capsys, bad, report_path)
    del report["protocol"]["fingerprint"]
    report_path.write_text(json.dumps(report), encoding="utf-8")
    assert "no fingerprint" in _refused(capsys, bad, report_path, tmp_path / "out.pdf")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("version", "9.9", "is version"),
        ("sha256", "0" * 64, "other contents"),
        ("id", "NO-SUCH-SET", "is not loaded here"),
    ],
)
def test_report_with_other_rule_sets_is_refused(
    field: str,
    value: str,
    expected: str,
    *,
    bad: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    report_path = tmp_path / "report.json"
    report = _saved_report(capsys, bad, report_path)
    report["rulesets"][0][field] = value
    report_path.write_text(json.dumps(report), encoding="utf-8")
    assert expected in _refused(capsys, bad, report_path, tmp_path / "out.pdf")


def test_untouched_report_is_used_and_verifies(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    report = _saved_report(capsys, bad, report_path)
    out = tmp_path / "out.pdf"
    code, stdout, _ = _cli(capsys, "export", str(bad), "-o", str(out), "--report", str(report_path))
    assert code == 0 and "DRAFT (unwaived errors remain" in stdout
    errors = report["summary"]["errors"]
    assert _printed_counts(out)[4] == errors
    code, stdout, _ = _cli(capsys, "verify", str(out), str(bad))
    assert code == 0 and f"re-checked: {errors} unwaived errors" in stdout


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_printed_status_equals_check(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Appendix A's counts, the DRAFT mark and the recorded statement equal ``check``."""
    out = tmp_path / "out.pdf"
    assert _cli(capsys, "export", str(example), "-o", str(out), "-q")[0] == 0
    summary = check(load_protocol(example)).summary
    expected = (summary.errors, summary.warnings, summary.infos, summary.waived, summary.errors)
    assert _printed_counts(out) == expected
    with pikepdf.open(out) as pdf:
        statement = statement_from_json(str(pdf.Root[RECORD_KEY][KEY_COMPLIANCE]))
    assert statement.summary == summary.model_dump() and statement.left_out == ()
    assert _cli(capsys, "verify", str(out), str(example))[0] == 0


def test_subset_is_stated_as_a_subset_and_is_a_draft(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "subset.pdf"
    code, stdout, _ = _cli(
        capsys, "export", str(bad), "-o", str(out), "--ruleset", "CLIN-SAFETY-COMMON"
    )
    assert code == 0 and "applicable rule sets were left out" in stdout
    assert _printed_counts(out)[4] == 0  # no error in CLIN-SAFETY-COMMON alone...
    text = " ".join(p.extract_text() or "" for p in pypdf.PdfReader(out).pages)
    flat = " ".join(text.split())
    assert "Not every applicable rule set was checked: " in flat  # ...but that is not the whole
    assert "SPIRIT-2025" in flat.split("Not every applicable rule set was checked: ")[1][:200]
    assert "DRAFT: not every applicable rule set was checked" in flat
    code, stdout, _ = _cli(capsys, "verify", str(out), str(bad))
    assert code == 0 and "left out (DRAFT): " in stdout and "SPIRIT-2025" in stdout


def test_made_up_report_through_the_api_fails_verify(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A caller can print any report, but verify re-checks it and says the PDF is wrong."""
    protocol = load_protocol(bad)
    real = check(protocol).to_json_data()
    forged = {
        **real,
        "findings": [f for f in real["findings"] if f["severity"] != "error"],
        "summary": {**real["summary"], "errors": 0},
    }
    out = tmp_path / "forged.pdf"
    result = export_pdf(protocol, out, report=forged)
    assert not result.draft and _printed_counts(out)[4] == 0
    outcome = verify_pdf(out, protocol)
    assert not outcome.ok
    assert "compliance status does not match the protocol" in outcome.reason
    assert "PDF states 0 unwaived errors" in outcome.reason
    code, _, err = _cli(capsys, "verify", str(out), str(bad))
    assert code == 1 and err.count("\n") == 1


def test_report_for_another_protocol_through_the_api_is_refused(bad: Path, tmp_path: Path) -> None:
    from papdesigner.export import ExportError

    other = check(load_protocol(MDMA))
    with pytest.raises(ExportError, match="another version"):
        export_pdf(load_protocol(bad), tmp_path / "x.pdf", report=other)
    assert not (tmp_path / "x.pdf").exists()


def test_statement_hiding_a_left_out_set_fails_the_recheck(bad: Path) -> None:
    protocol = load_protocol(bad)
    catalogue = default_catalogue()
    partial = check(protocol, ["CLIN-SAFETY-COMMON"], catalogue=catalogue)
    honest = statement_of(partial, ["ICH-M11", "SPIRIT-2025"])
    assert recheck(honest, protocol, catalogue) is not None  # FDA-PSY etc. also apply
    left_out = applicable_left_out(protocol, ["CLIN-SAFETY-COMMON"], catalogue)
    complete = statement_of(partial, left_out)
    assert recheck(complete, protocol, catalogue) is None
    hiding = Statement(complete.rulesets, (), complete.summary)
    reason = recheck(hiding, protocol, catalogue)
    assert reason is not None and "were not checked" in reason


def test_template_folder_cannot_replace_the_compliance_report(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "templates" / "pdf"
    folder.mkdir(parents=True)
    (folder / "appendix_compliance.xml.j2").write_text(
        '<h1 key="appx_compliance" appendix="yes">Compliance report</h1><p>0 unwaived errors</p>',
        encoding="utf-8",
    )
    out = tmp_path / "out.pdf"
    args = ["export", str(bad), "-o", str(out), "--template-dir", str(tmp_path / "templates")]
    code, _, err = _cli(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and "cannot be replaced" in err
    assert not out.exists()


def test_template_folder_cannot_leave_the_compliance_report_out(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "templates" / "pdf"
    folder.mkdir(parents=True)
    built_in = templates_dir() / "pdf" / "document.xml.j2"
    text = built_in.read_text(encoding="utf-8").replace(
        '{% include "pdf/appendix_compliance.xml.j2" %}', ""
    )
    (folder / "document.xml.j2").write_text(text, encoding="utf-8")
    out = tmp_path / "out.pdf"
    args = ["export", str(bad), "-o", str(out), "--template-dir", str(tmp_path / "templates")]
    code, _, err = _cli(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and "must include" in err
    assert not out.exists()


def test_verify_does_not_read_a_huge_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(3 * 1024**3)  # sparse 3 GB
    code, _, err = _cli(capsys, "verify", str(huge))
    assert code == 2 and err.count("\n") == 1 and "too large to be an exported protocol" in err


def test_export_does_not_read_a_huge_report(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)
    err = _refused(capsys, bad, huge, tmp_path / "out.pdf")
    assert "too large for a check report" in err


LOOK_ALIKE = """\
id: FDA-PSY-2025
title: FDA psychedelic guidance 2025
authority: Not the FDA
version: "1.0"
source: {title: Nothing, date: "2025", status: test}
applies_when: "true"
applies_description: every protocol
rules:
  - id: FAKE-1
    title: Looks official
    severity: warning
    citation: Nowhere, section 1
    provenance: uncertain
    rationale: None.
    message: "MESSAGE"
    fix: Nothing.
    require: ["false"]
"""


def test_user_sets_are_labelled_in_the_pdf_and_bound_by_content(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from papdesigner.rules import user_rules_dir

    folder = user_rules_dir()
    folder.mkdir(parents=True, exist_ok=True)
    user_set = folder / "fda-psy-2025.yaml"
    user_set.write_text(LOOK_ALIKE.replace("MESSAGE", "looks official"), encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert _cli(capsys, "export", str(bad), "-o", str(out), "-q")[0] == 0
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages)
    assert "FDA-PSY-2025 (user rule set, not shipped with papdesigner)" in text
    assert "FDA-PSY (user rule set" not in text
    code, stdout, _ = _cli(capsys, "verify", str(out), str(bad))
    assert code == 0 and "(1 user rule set)" in stdout
    user_set.write_text(LOOK_ALIKE.replace("MESSAGE", "changed later"), encoding="utf-8")
    code, _, err = _cli(capsys, "verify", str(out), str(bad))
    assert code == 1 and "FDA-PSY-2025 version 1.0 has other contents here" in err


def test_saved_report_round_trips_with_its_rule_outcomes(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``check --format json`` parses back into the same typed report, outcomes included."""
    from papdesigner.rules import Report

    report_path = tmp_path / "report.json"
    saved = _saved_report(capsys, bad, report_path)
    fresh = check(load_protocol(bad))
    assert Report.model_validate(saved) == fresh
    outcomes = {o["rule_id"]: o["outcome"] for o in saved["rule_outcomes"]}
    assert {f["rule_id"] for f in saved["findings"]} <= {
        r for r, o in outcomes.items() if o == "fired"
    }
    assert set(outcomes.values()) == {"fired", "passed", "not_applicable"}
    out = tmp_path / "out.pdf"
    code, _, _ = _cli(capsys, "export", str(bad), "-o", str(out), "--report", str(report_path))
    assert code == 0 and out.exists()


def test_doctored_rule_outcome_is_refused(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Turning a rule that applies into "not applicable" would change a checklist row."""
    report_path = tmp_path / "report.json"
    report = _saved_report(capsys, bad, report_path)
    passed = next(o for o in report["rule_outcomes"] if o["outcome"] == "passed")
    passed["outcome"] = "not_applicable"
    report_path.write_text(json.dumps(report), encoding="utf-8")
    err = _refused(capsys, bad, report_path, tmp_path / "out.pdf")
    assert "findings differ from a check of this protocol" in err


def test_report_saved_before_rule_outcomes_still_binds(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    report = _saved_report(capsys, bad, report_path)
    del report["rule_outcomes"]
    report_path.write_text(json.dumps(report), encoding="utf-8")
    out = tmp_path / "out.pdf"
    code, _, _ = _cli(capsys, "export", str(bad), "-o", str(out), "--report", str(report_path))
    assert code == 0 and out.exists()


def test_a_pdf_checked_with_a_set_turned_on_by_hand_verifies(tmp_path: Path) -> None:
    """The GUI lets a user turn on a set whose condition does not hold; verify repeats it."""
    protocol = load_protocol(MDMA)
    report = check(protocol, turned_on=["OR-OAR-333-333"])
    out = tmp_path / "with-oregon.pdf"
    export_pdf(protocol, out, report=report)
    outcome = verify_pdf(out, protocol)
    assert outcome.ok, outcome.reason
    active = sum(1 for s in report.rulesets if s.active)
    assert active == sum(1 for s in check(protocol).rulesets if s.active) + 1
    assert f"in {active} applicable rule sets" in outcome.notes[0]
