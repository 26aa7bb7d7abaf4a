"""``papdesigner diff A B``: text and JSON summaries, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from papdesigner.cli import main

DATA = Path(__file__).resolve().parent / "data"
V1 = str(DATA / "trd_v1.pap.json")
V2 = str(DATA / "trd_v2.pap.json")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_summary_of_a_real_amendment(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, V1, V2)
    assert (code, err) == (0, "")
    assert out.startswith("Summary of changes: PSI-TRD-001 “Psilocybin for TRD”\n")
    assert "version 1.0 of 2025-03-03" in out
    assert "version 2.0 of 2025-09-15" in out
    assert "10 changes in 7 sections: 1 added, 1 removed, 8 modified" in out
    assert (
        "\n1.3 Schedule of Activities\n"
        "  ~ Session “Integration 2” (integ2) › assessments: added C-SSRS\n" in out
    )
    assert "  + Added session “Integration 4” (integ4)\n" in out
    assert (
        "  - Removed exclusion criterion EX-5\n      Use of a psychedelic in the past 12 months\n"
        in out
    )
    assert "› dose: 25 mg → 20 mg" in out
    assert "~ Role “Co-therapist” (assist) › title: Assisting therapist → Co-therapist" in out
    # sections in document order
    order = [
        out.index(s) for s in ("\nTitle Page", "\n1.3 ", "\n4.1 ", "\n5.3 ", "\n6.1 ", "\n8.4.2 ")
    ]
    assert order == sorted(order)


def test_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, V1, V2, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["format"] == "papdesigner-diff"
    assert report["summary"]["changes"] == 10
    assert report["summary"]["added"] == 1
    assert report["a"]["version"] == "1.0"
    assert len(report["b"]["fingerprint"]) == 64
    dose = next(c for c in report["changes"] if c["key"].endswith(".dose"))
    assert dose["before"] == 25.0 and dose["after"] == 20.0
    assert dose["before_text"] == "25 mg"
    assert dose["path"] == "$.sessions[3].dosing.administrations[0].dose"
    assert dose["section"] == {
        "number": "6.1",
        "title": "Description of Investigational Trial Intervention",
        "ncit": "C218561",
    }
    added = next(c for c in report["changes"] if c["kind"] == "added")
    assert added["path_a"] is None and added["path_b"] == "$.sessions[7]"
    assert report["amendment"] is None


def test_identical_versions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, V1, V1, "--exit-code")
    assert code == 0
    assert "No changes: the two versions are identical." in out


def test_exit_code_when_different(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, V1, V2, "--exit-code")[0] == 1


def test_amendment_record_in_the_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = "sessions[id=dose1].dosing.administrations[arm_id=high,product_id=psilo].dose"
    amendment = {
        "number": "1",
        "date": "2025-09-15",
        "primary_reason": {"code": "C207609"},
        "secondary_reasons": [{"code": "C207605"}],
        "rationale": "Headache and blood-pressure rises at 25 mg in the first 20 participants.",
        "substantial": True,
        "changes": [{"change": key, "rationale": "Safety signal at 25 mg", "substantial": True}],
    }
    path = tmp_path / "amendment.json"
    path.write_text(json.dumps(amendment), encoding="utf-8")
    code, out, _ = run(capsys, V1, V2, "--amendment", str(path))
    assert code == 0
    assert "Amendment 1 of 2025-09-15 (substantial)" in out
    assert "  Primary reason: New Safety Information Available" in out
    assert "  Secondary reasons: IRB/IEC Feedback" in out
    assert "› dose: 25 mg → 20 mg  [substantial]\n      Reason: Safety signal at 25 mg\n" in out


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "changes.json"
    code, out, _ = run(capsys, V1, V2, "--format", "json", "-o", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["changes"] == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.pap.json", V2], "missing.pap.json: no such file"),
        ([V1, V2, "--amendment", "nowhere.json"], "nowhere.json: cannot read amendment record"),
    ],
)
def test_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_bad_amendment_record_names_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"number": "1", "primary_reason": {"code": "X1"}}', encoding="utf-8")
    code, _, err = run(capsys, V1, V2, "--amendment", str(path))
    assert code == 2
    assert (
        f"{path} at $.primary_reason.code: Value error, unknown amendment reason code 'X1'" in err
    )
    assert err.count("\n") == 1


def test_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "papdesigner", "diff", V1, V2, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["removed"] == 1


def test_compliance_delta_in_the_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, V1, V2, "--format", "json")
    compliance = json.loads(out)["compliance"]
    assert code == 0
    assert set(compliance) >= {"a", "b", "introduced", "resolved", "rulesets_on"}
    assert compliance["a"]["errors"] >= 0
    code, out, _ = run(capsys, V1, V2)
    assert "\nCompliance: findings of the rule sets\n  A: " in out
    code, out, _ = run(capsys, V1, V2, "--format", "json", "--no-compliance")
    assert "compliance" not in json.loads(out)
