"""User rule sets that try to break every check: each is reported as broken, the rest still run.

The sets are placed in the user data folder (``user_rules_dir()``), which every check
loads, so a crash there would break every check of every protocol.
"""

from __future__ import annotations

import json
import resource
from pathlib import Path
from typing import Any

import pytest

from papdesigner.cli import main
from papdesigner.rules import clear_cache, user_rules_dir

BASES = Path(__file__).resolve().parent / "bases"
IND = str(BASES / "ind-psilocybin.pap.json")
SHIPPED_PROBE = "CLIN-SAFETY-COMMON"


@pytest.fixture(autouse=True)
def _fresh_catalogue() -> Any:
    clear_cache()
    yield
    clear_cache()


def _user_set(name: str, text: str) -> Path:
    folder = user_rules_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _json_check(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", IND, "--format", "json", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out)


def _shipped_ran(report: dict[str, Any]) -> bool:
    statuses = {s["id"]: s for s in report["rulesets"]}
    return statuses[SHIPPED_PROBE]["active"] and statuses[SHIPPED_PROBE]["origin"] == "shipped"


def _problems(report: dict[str, Any], file_name: str) -> list[str]:
    return [p["message"] for p in report["load_problems"] if p["file"].endswith(file_name)]


def test_650_ordinary_rules_beyond_cels_expression_limit_still_run(
    kit: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The per-set quick pass would be one 100k+ character expression; it is cut in chunks."""
    clause = " && ".join(f"p.metadata.title != 'not this title number {i}'" for i in range(4))
    rules = [kit.rule(f"BIG-{i}", severity="info", require=[clause]) for i in range(650)]
    last = kit.rule("BIG-LAST", severity="warning", message="last rule ran", require=["false"])
    rules.append(last)
    _user_set("big-set.yaml", kit.set_text("BIG-SET", rules))
    code, report = _json_check(capsys)
    assert code in (0, 1)
    assert _shipped_ran(report)
    assert [f["rule_id"] for f in report["findings"] if f["ruleset"] == "BIG-SET"] == ["BIG-LAST"]
    assert _problems(report, "big-set.yaml") == []


def test_one_over_budget_expression_is_a_load_problem(
    kit: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = " || ".join(f"p.metadata.title == 'title {i}'" for i in range(5000))
    _user_set("huge.yaml", kit.set_text("HUGE", [kit.rule("HUGE-1", require=[huge])]))
    code, report = _json_check(capsys)
    assert code in (0, 1)
    assert _shipped_ran(report)
    problems = _problems(report, "huge.yaml")
    assert problems and "limit" in problems[0]
    statuses = {s["id"]: s for s in report["rulesets"]}
    assert statuses.get("HUGE", {"rules": 0})["rules"] == 0  # the rule was not loaded


@pytest.mark.parametrize(
    "body",
    [
        "rules:\n  - " + "[" * 600 + "]" * 600 + "\n",
        "x:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(600)) + "  " * 601 + "b\n",
    ],
    ids=["flow-lists", "block-mappings"],
)
def test_yaml_nested_600_deep_is_a_load_problem(
    body: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _user_set("deep.yaml", "id: DEEP\n" + body)
    code, report = _json_check(capsys)
    assert code in (0, 1)
    assert _shipped_ran(report)
    assert any("nested more than" in p for p in _problems(report, "deep.yaml"))


def test_message_format_that_grows_to_a_gigabyte_is_refused(
    kit: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    message = "title {p.metadata.title:>999999999}"
    _user_set("wide.yaml", kit.set_text("WIDE", [kit.rule("WIDE-1", message=message)]))
    code, report = _json_check(capsys)
    assert code in (0, 1)
    assert _shipped_ran(report)
    assert any("not allowed" in p for p in _problems(report, "wide.yaml"))
    assert all(len(f["message"]) < 10_000 for f in report["findings"])


def test_sparse_8_gb_yaml_is_not_read(capsys: pytest.CaptureFixture[str]) -> None:
    path = user_rules_dir() / "sparse.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(8 * 1024**3)  # sparse: no disk space, but 8 GB if read whole
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, report = _json_check(capsys)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert code in (0, 1)
    assert _shipped_ran(report)
    assert any("too large" in p for p in _problems(report, "sparse.yaml"))
    assert grown_kb < 512 * 1024  # far below the file's size: it was never read whole
    path.unlink()


def test_look_alike_user_set_is_labelled_everywhere(
    kit: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = kit.rule("FAKE-1", severity="warning", message="looks official", require=["false"])
    _user_set("fda-psy-2025.yaml", kit.set_text("FDA-PSY-2025", [rule]))
    _, report = _json_check(capsys)
    statuses = {s["id"]: s for s in report["rulesets"]}
    assert statuses["FDA-PSY-2025"]["user_set"] is True
    assert statuses["FDA-PSY"]["user_set"] is False
    main(["check", IND])
    text = capsys.readouterr().out
    assert "FDA-PSY-2025 1.0 (user rule set)" in text
    assert "FDA-PSY-2025 (user rule set): Test set FDA-PSY-2025" in text
    assert "FDA-PSY 1" in text and "FDA-PSY (user rule set)" not in text


def test_broken_rules_dir_set_is_one_line_even_with_broken_user_sets(
    kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _user_set("deep.yaml", "id: DEEP\nrules: " + "[" * 100 + "]" * 100 + "\n")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "mine.yaml").write_text("id: MINE\nrules: [\n", encoding="utf-8")
    assert main(["check", IND, "--rules-dir", str(folder)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "mine.yaml" in captured.err
