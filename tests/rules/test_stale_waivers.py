"""Waivers that match no finding are listed in the report, each with the reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papdesigner.rules.engine import run_check
from papdesigner.rules.stale import REASONS


def _waiver(rule_id: str, path: str | None, justification: str = "Reason") -> dict[str, Any]:
    return {"rule_id": rule_id, "path": path, "justification": justification}


def _sets(kit: Any, write_set: Callable[..., Path]) -> Path:
    write_set("T", [kit.rule("T-1", scope="integration_sessions", require=["false"])])
    write_set("U", [kit.rule("U-1", require=["false"])], applies="false")
    write_set(
        "V",
        [
            kit.rule("V-1", require=["true"]),
            kit.rule("V-2", require=["false"], status="retired"),
        ],
    )
    return write_set("W", [kit.rule("W-1", require=["false"])])


def test_each_reason_and_matching_waivers_are_not_listed(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    catalogue = kit.catalogue(_sets(kit, write_set))
    assert catalogue.problems == []
    data = kit.base()
    data["waivers"] = [
        _waiver("T-1", "$.sessions[4]"),  # matches
        _waiver("T-1", None),  # matches every T-1 finding
        _waiver("T-1", "$.sessions[99]"),  # the rule fails, but elsewhere
        _waiver("NOPE-9", None),
        _waiver("U-1", None),  # set does not apply
        _waiver("V-1", "$.metadata"),  # the rule passes
        _waiver("V-2", None),  # retired
        _waiver("T-1", "$.sessions[5]", " \t "),  # blank: waives nothing
        _waiver("W-1", None),  # set not selected below
    ]
    report = run_check(kit.protocol(data), catalogue, only=["T", "U", "V"])
    got = [(u.index, u.rule_id, u.path, u.ruleset, u.code) for u in report.unmatched_waivers]
    assert got == [
        (2, "T-1", "$.sessions[99]", "T", "no_finding_here"),
        (3, "NOPE-9", None, None, "unknown_rule"),
        (4, "U-1", None, "U", "ruleset_inactive"),
        (5, "V-1", "$.metadata", "V", "no_finding"),
        (6, "V-2", None, "V", "rule_retired"),
        (7, "T-1", "$.sessions[5]", "T", "blank_justification"),
        (8, "W-1", None, "W", "ruleset_not_checked"),
    ]
    reasons = {u.code: u.reason for u in report.unmatched_waivers}
    assert reasons["unknown_rule"] == "rule id unknown"
    assert reasons["ruleset_inactive"] == "rule set not active"
    assert reasons["no_finding"] == "no finding at this path (the rule passes)"
    assert all(reasons[code] == REASONS[code] for code in reasons)
    # a stale waiver changes nothing else: the blank one still leaves T-1 at [5] waived by [1]
    assert report.summary.waived == 2


def test_a_moved_path_is_listed_and_the_finding_at_the_new_path_stays_open(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    folder = write_set("T", [kit.rule("T-1", scope="integration_sessions", require=["false"])])
    data = kit.base()
    data["waivers"] = [_waiver("T-1", "$.sessions[3]")]  # the session now sits at [4]
    report = run_check(kit.protocol(data), kit.catalogue(folder))
    assert not any(f.waived for f in report.findings)
    (stale,) = report.unmatched_waivers
    assert (stale.index, stale.code) == (0, "no_finding_here")


def test_json_report_adds_the_key_and_keeps_the_contract_keys(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    folder = write_set("T", [kit.rule("T-1", require=["true"])])
    data = kit.base()
    data["waivers"] = [_waiver("T-1", "$.sessions[0]")]
    out = json.loads(
        json.dumps(run_check(kit.protocol(data), kit.catalogue(folder)).to_json_data())
    )
    assert {"protocol", "rulesets", "findings", "summary"} <= set(out)
    assert out["unmatched_waivers"] == [
        {
            "index": 0,
            "rule_id": "T-1",
            "path": "$.sessions[0]",
            "justification": "Reason",
            "ruleset": "T",
            "code": "no_finding",
            "reason": "no finding at this path (the rule passes)",
        }
    ]


def test_no_waivers_no_list(kit: Any, write_set: Callable[..., Path]) -> None:
    folder = write_set("T", [kit.rule("T-1", require=["false"])])
    report = run_check(kit.protocol(kit.base()), kit.catalogue(folder))
    assert report.unmatched_waivers == []


# --- papdesigner check: JSON and text ------------------------------------------------------------

CS = ["--ruleset", "CLIN-SAFETY-COMMON"]


def _stale_file(kit: Any, tmp_path: Path) -> str:
    data = kit.base()  # passes CS-17 everywhere
    data["waivers"] = [
        {"rule_id": "CS-17", "path": "$.sessions[3].staff", "justification": "Pilot"},
        {"rule_id": "XX-404", "path": None, "justification": "Old rule"},
    ]
    path = tmp_path / "stale.pap.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_check_json_lists_unmatched_waivers_and_exit_code_is_unchanged(
    kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from papdesigner.cli import main

    assert main(["check", _stale_file(kit, tmp_path), "--format", "json", *CS]) == 0
    report = json.loads(capsys.readouterr().out)
    got = [(u["index"], u["rule_id"], u["reason"]) for u in report["unmatched_waivers"]]
    assert got == [
        (0, "CS-17", "no finding at this path (the rule passes)"),
        (1, "XX-404", "rule id unknown"),
    ]


def test_check_text_has_a_short_section(
    kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from papdesigner.cli import main

    assert main(["check", _stale_file(kit, tmp_path), *CS]) == 0
    out = capsys.readouterr().out
    assert "Waivers that match no finding (2):" in out
    assert (
        "  waiver 1 CS-17 Session 4 › Staff (at $.sessions[3].staff): "
        "no finding at this path (the rule passes)" in out
    )
    assert "  waiver 2 XX-404 whole protocol: rule id unknown" in out
    assert out.index("Waivers that match no finding") < out.index("Summary:")
