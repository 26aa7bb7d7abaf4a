"""``papdesigner check`` and ``papdesigner rulesets``: exit codes, JSON shape, text output."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papdesigner.cli import main
from papdesigner.rules import user_rules_dir

BASES = Path(__file__).resolve().parent / "bases"
IND = str(BASES / "ind-psilocybin.pap.json")
CS = ["--ruleset", "CLIN-SAFETY-COMMON"]  # other sets may be added; these tests are about one


def _write(tmp_path: Path, data: dict[str, Any], name: str = "p.pap.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _one_monitor(kit: Any) -> dict[str, Any]:
    data = kit.base()
    data["sessions"][3]["staff"][1]["present_throughout"] = False
    return data


def test_clean_protocol_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", IND, *CS]) == 0
    out = capsys.readouterr().out
    assert "active   CLIN-SAFETY-COMMON" in out
    assert "Summary: 0 errors" in out
    assert "\033[" not in out  # not a terminal: no colour


def test_unwaived_error_exits_1_and_text_shows_clauses(
    kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", _write(tmp_path, _one_monitor(kit)), *CS]) == 1
    out = capsys.readouterr().out
    assert "CS-17 Session 4 › Staff" in out  # the place in words first ...
    assert "at: $.sessions[3].staff" in out  # ... the JSON path as a detail line
    assert "false it.monitor_count >= 2" in out
    assert "fix: Add a second monitor" in out


def test_waived_error_exits_0(kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _one_monitor(kit)
    data["waivers"] = [
        {"rule_id": "CS-17", "path": "$.sessions[3].staff", "justification": "Pilot"}
    ]
    assert main(["check", _write(tmp_path, data), "--format", "json", *CS]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"errors": 0, "warnings": 0, "infos": 0, "waived": 1}
    assert report["findings"][0]["waived"] is True


def test_json_report_shape(kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", _write(tmp_path, _one_monitor(kit)), "--format", "json", *CS]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"protocol", "rulesets", "findings", "summary"}
    assert report["protocol"]["version"] == "1.0"
    (finding,) = report["findings"]
    assert finding["rule_id"] == "CS-17" and finding["ruleset"] == "CLIN-SAFETY-COMMON"
    assert finding["clauses"] == [
        {"expr": "it.monitor_count >= 2", "value": False, "error": None, "role": "require"}
    ]


def test_several_files_give_a_json_array(
    kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, _one_monitor(kit))
    assert main(["check", IND, bad, "--format", "json", *CS]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in reports] == [IND, bad]
    assert [r["summary"]["errors"] for r in reports] == [0, 1]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["check", "missing.pap.json"], "no such file"),
        (["check", IND, "--ruleset", "NOPE"], "unknown rule set 'NOPE'"),
        (["check", IND, "--rules-dir", "/nonexistent/rules"], "not a folder"),
        (["rulesets", "show", "NOPE"], "unknown rule set 'NOPE'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert reason in err
    assert len(err.strip().splitlines()) == 1


def test_not_a_protocol_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.pap.json"
    path.write_text("{not json")
    assert main(["check", str(path)]) == 2
    assert str(path) in capsys.readouterr().err


def test_ruleset_filter_is_case_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", IND, "--ruleset", "clin-safety-common", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in report["rulesets"]] == ["CLIN-SAFETY-COMMON"]


def test_rules_dir_and_user_sets_load_beside_shipped(
    kit: Any, write_set: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_set("LOCAL", [kit.rule("LOC-1", require=["p.metadata.phase == '3'"])])
    user = user_rules_dir()
    user.mkdir(parents=True)
    (user / "mine.yaml").write_text(
        kit.set_text("MINE", [kit.rule("MINE-1", severity="info", require=["false"])])
    )
    args = ["--ruleset", "LOCAL", "--ruleset", "MINE", "--ruleset", "CLIN-SAFETY-COMMON"]
    assert main(["check", IND, "--rules-dir", str(folder), "--format", "json", *args]) == 1
    report = json.loads(capsys.readouterr().out)
    origins = {s["id"]: s["origin"] for s in report["rulesets"]}
    assert origins["CLIN-SAFETY-COMMON"] == "shipped" and origins["MINE"] == "user"
    assert origins["LOCAL"].startswith("dir:")
    assert {f["rule_id"] for f in report["findings"]} == {"LOC-1", "MINE-1"}


def test_broken_rules_dir_set_is_bad_input(
    write_set: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A set named with --rules-dir that does not load must fail a CI gate, not pass it."""
    folder = write_set("BROKEN", [], text="id: BROKEN\nrules: [\n")
    assert main(["check", IND, "--rules-dir", str(folder), *CS]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err  # one line, not a warning per problem
    assert "--rules-dir: 1 problem in the rule sets given" in captured.err
    assert "broken.yaml" in captured.err
    assert captured.out == ""


def test_broken_set_in_the_user_folder_only_warns(capsys: pytest.CaptureFixture[str]) -> None:
    import platformdirs

    user_sets = Path(platformdirs.user_data_dir("papdesigner")) / "rulesets"
    user_sets.mkdir(parents=True)
    (user_sets / "broken.yaml").write_text("id: BROKEN\nrules: [\n", encoding="utf-8")
    assert main(["check", IND, *CS]) == 0
    captured = capsys.readouterr()
    assert "warning: rule set not loaded" in captured.err and "broken.yaml" in captured.err
    assert "not loaded:" in captured.out


def test_rulesets_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rulesets", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["ID", "VERSION", "RULES", "ORIGIN"]
    assert "CLIN-SAFETY-COMMON" in out
    assert main(["rulesets", "show", "clin-safety-common"]) == 0
    out = capsys.readouterr().out
    assert "CS-17 [error, verified]" in out and "require:   it.monitor_count >= 2" in out
    assert main(["rulesets", "list", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == [] and data["rulesets"][0]["rules"] > 0
    assert main(["rulesets", "show", "CLIN-SAFETY-COMMON", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rules"][0]["id"] == "CS-01"


def test_rulesets_list_exits_1_on_load_problems(
    write_set: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_set("BROKEN", [], text="id: BROKEN\n")
    assert main(["rulesets", "list", "--rules-dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "Not loaded (" in out and "broken.yaml:1: rules: required key is missing" in out


def test_rulesets_test_runs_an_institutions_fixtures(
    kit: Any, write_set: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_set(
        "INST", [kit.rule("INST-1", require=["p.safety.dsmb != ''"], at=".safety.dsmb")]
    )
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "ind-psilocybin.pap.json").write_text(Path(IND).read_text())
    (fixtures / "INST-1.yaml").write_text(
        "rule: INST-1\npass: [{base: ind-psilocybin}]\n"
        "fail: [{base: ind-psilocybin, set: {'$.safety.dsmb': ''},\n"
        "        expect_paths: ['$.safety.dsmb']}]\n"
    )
    assert main(["rulesets", "test", str(fixtures), "--rules-dir", str(folder)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    (fixtures / "INST-1.yaml").write_text(
        "rule: INST-1\npass: [{base: ind-psilocybin, set: {'$.safety.dsmb': ''}}]\nfail: []\n"
    )
    assert main(["rulesets", "test", str(fixtures), "--rules-dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL INST-1" in out and "expected no finding" in out


def test_rulesets_test_bases_add_to_the_shipped_examples(
    kit: Any, write_set: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--bases used to replace the default folders: fixtures on the examples then failed."""
    folder = write_set(
        "INST", [kit.rule("INST-1", require=["p.safety.dsmb != ''"], at=".safety.dsmb")]
    )
    fixtures, bases = tmp_path / "fixtures", tmp_path / "bases"
    fixtures.mkdir()
    bases.mkdir()
    (bases / "mine.pap.json").write_text(Path(IND).read_text())
    (fixtures / "INST-1.yaml").write_text(
        "rule: INST-1\npass: [{base: psilocybin-trd}, {base: mine}]\n"
        "fail: [{base: mine, set: {'$.safety.dsmb': ''}, expect_paths: ['$.safety.dsmb']}]\n"
    )
    argv = ["rulesets", "test", str(fixtures), "--bases", str(bases), "--rules-dir", str(folder)]
    assert main(argv) == 0, capsys.readouterr().out
    assert "1 passed, 0 failed" in capsys.readouterr().out


def test_rulesets_test_reports_broken_fixtures_and_bases_as_failures(
    kit: Any, write_set: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_set(
        "INST", [kit.rule("INST-1", require=["p.safety.dsmb != ''"], at=".safety.dsmb")]
    )
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "broken.pap.json").write_text('{"sessions": [', encoding="utf-8")
    (fixtures / "latin.yaml").write_bytes("rule: INST-\xe9".encode("latin-1"))
    (fixtures / "INST-1.yaml").write_text(
        "rule: INST-1\npass: [{base: broken}]\n"
        "fail: [{base: broken, expect_paths: ['$.safety.dsmb']}]\n"
    )
    assert main(["rulesets", "test", str(fixtures), "--rules-dir", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "FAIL latin.yaml" in out and "not UTF-8 text" in out
    assert "broken.pap.json: not valid JSON" in out
    assert "0 passed, 2 failed" in out


@pytest.mark.parametrize("setup", ["empty folder", "missing bases"])
def test_rulesets_test_refuses_a_folder_with_nothing_to_run(
    setup: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty folder used to print "0 passed, 0 failed" and exit 0: a typo went unnoticed."""
    argv = ["rulesets", "test", str(tmp_path)]
    if setup == "missing bases":
        (tmp_path / "X-1.yaml").write_text("rule: X-1\n")
        argv += ["--bases", str(tmp_path / "nope")]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert ("no fixture files" if setup == "empty folder" else "--bases") in err


def test_rulesets_schema_is_a_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rulesets", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"id", "applies_when", "rules"} <= set(schema["properties"])
    assert schema["$defs"]["RuleSpec"]["additionalProperties"] is False


def test_real_subprocess_run() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "papdesigner", "check", IND, "--format", "json", *CS],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["errors"] == 0
