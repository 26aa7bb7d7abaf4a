"""The engine: clause values, CEL edge cases, fallback evaluation, waivers, order, report shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papdesigner.rules.engine import run_check


def _run(
    kit: Any,
    write_set: Callable[..., Path],
    rules: list[str],
    data: dict[str, Any] | None = None,
    applies: str = "true",
) -> Any:
    folder = write_set("T", rules, applies)
    catalogue = kit.catalogue(folder)
    assert catalogue.problems == []
    return run_check(kit.protocol(data or kit.base()), catalogue)


def test_passing_rule_gives_no_finding(kit: Any, write_set: Callable[..., Path]) -> None:
    report = _run(kit, write_set, [kit.rule("T-1", require=["size(p.sessions) > 0"])])
    assert report.findings == []
    assert report.summary.errors == 0


def test_failing_protocol_rule_points_at_root_plus_at(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    rule = kit.rule("T-1", require=["true", "p.metadata.phase == '3'"], at=".metadata.phase")
    (finding,) = _run(kit, write_set, [rule]).findings
    assert finding.path == "$.metadata.phase"
    assert [(c.expr, c.value) for c in finding.clauses] == [
        ("true", True),
        ("p.metadata.phase == '3'", False),
    ]


def test_scope_gives_one_finding_per_failing_element(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    rule = kit.rule("T-1", scope="sessions", when="it.kind != 'screening'", require=["it.day < 5"])
    report = _run(kit, write_set, [rule])
    days = {s["id"]: s["day"] for s in kit.base()["sessions"]}
    expected = [f"$.sessions[{i}]" for i, d in enumerate(days.values()) if d >= 5]
    assert [f.path for f in report.findings] == expected


def test_empty_scope_gives_nothing(kit: Any, write_set: Callable[..., Path]) -> None:
    data = kit.base()
    data["medications"]["washouts"] = []
    report = _run(kit, write_set, [kit.rule("T-1", scope="washouts", require=["false"])], data)
    assert report.findings == []


@pytest.mark.parametrize(
    ("clause", "error_part"),
    [
        ("it.no_such_field == 1", "no_such_field"),  # missing field
        ("it.duration_hours > 1 && p.statistics.power > 2", None),  # null vs number
        ("it.title", "expected true or false"),  # wrong type: a string
        ("it.day / 0 == 1", "divide by zero"),
    ],
)
def test_clause_errors_become_failed_clauses(
    kit: Any, write_set: Callable[..., Path], clause: str, error_part: str | None
) -> None:
    data = kit.base()
    data["statistics"]["power"] = None
    rule = kit.rule("T-1", scope="dosing_sessions", require=["true", clause])
    (finding,) = _run(kit, write_set, [rule], data).findings
    assert finding.path == "$.sessions[3]"
    first, second = finding.clauses
    assert (first.value, first.error) == (True, None)
    assert second.value is None and second.error
    if error_part:
        assert error_part in second.error
    assert finding.problems  # the report says the rule set has a bug


def test_fallback_isolates_the_element_that_errors(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    # duration_hours is null in one session only: that one errors, the others are judged normally.
    data = kit.base()
    data["sessions"][4]["duration_hours"] = None
    rule = kit.rule("T-1", scope="sessions", require=["it.duration_hours >= 2.0"])
    report = _run(kit, write_set, [rule], data)
    by_path = {f.path: f for f in report.findings}
    assert by_path["$.sessions[4]"].clauses[0].error
    failing = [p for p, f in by_path.items() if f.clauses[0].value is False]
    short = [
        f"$.sessions[{i}]"
        for i, s in enumerate(data["sessions"])
        if (s.get("duration_hours") or 99) < 2
    ]
    assert sorted(failing) == sorted(short)
    assert "$.sessions[3]" not in by_path  # 8 hours: passes


def test_when_error_is_reported_as_when_clause(kit: Any, write_set: Callable[..., Path]) -> None:
    rule = kit.rule("T-1", scope="dosing_sessions", when="it.nope", require=["false"])
    (finding,) = _run(kit, write_set, [rule]).findings
    assert finding.clauses[0].role == "when"
    assert finding.clauses[0].value is None


def test_int_double_and_null_semantics(kit: Any, write_set: Callable[..., Path]) -> None:
    rules = [
        kit.rule(
            "T-1", scope="dosing_sessions", require=["it.max_total_dose_mg == 25", "it.day >= 1.0"]
        ),
        kit.rule("T-2", require=["p.first_dosing_day == 1", "p.eligibility.age_max in [65, 70.5]"]),
        kit.rule("T-3", scope="dosing_sessions", require=["it.days_since_previous_dosing == null"]),
        kit.rule("T-4", require=["has(p.narrative.background)", "!has(p.narrative.recruitment)"]),
    ]
    assert _run(kit, write_set, rules).findings == []


def test_messages_resolve_placeholders_and_values(kit: Any, write_set: Callable[..., Path]) -> None:
    rule = kit.rule(
        "T-1",
        scope="dosing_sessions",
        require=["false"],
        message="{it.title} on day {it.day}: {dose} mg of {p.substances} "
        "({rule_id} at {path}) {it.duration_hours:.1f}",
        values={"dose": "it.max_total_dose_mg"},
    )
    (finding,) = _run(kit, write_set, [rule]).findings
    assert finding.message == (
        "Dosing session on day 1: 25 mg of psilocybin (T-1 at $.sessions[3]) 8.0"
    )
    assert finding.problems == []


def test_unresolvable_placeholder_is_kept_and_reported(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    data = kit.base()
    data["sessions"][3]["setting_id"] = None
    rule = kit.rule(
        "T-1", scope="dosing_sessions", require=["false"], message="room {it.setting.name}"
    )
    (finding,) = _run(kit, write_set, [rule], data).findings
    assert finding.message == "room {it.setting.name}"
    assert any("it.setting.name" in p for p in finding.problems)


def test_inactive_set_yields_no_findings_and_says_why(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    report = _run(
        kit, write_set, [kit.rule("T-1", require=["false"])], applies="p.context == 'cta_trial'"
    )
    assert report.findings == []
    (status,) = report.rulesets
    assert status.active is False
    assert status.reason == "does not apply: it covers test protocols"


def test_applies_when_error_makes_the_set_inactive(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    report = _run(kit, write_set, [kit.rule("T-1", require=["false"])], applies="p.nope == 1")
    assert report.rulesets[0].active is False
    assert "could not decide" in report.rulesets[0].reason


def test_waivers_match_rule_and_path(kit: Any, write_set: Callable[..., Path]) -> None:
    data = kit.base()
    data["waivers"] = [
        {
            "rule_id": "T-1",
            "path": "$.sessions[4]",
            "justification": "Phone call",
            "author": "PI",
            "date": "2026-01-02",
        },
        {"rule_id": "T-2", "path": None, "justification": "All of them"},
        {"rule_id": "T-1", "path": "$.sessions[99]", "justification": "Matches nothing"},
    ]
    rules = [
        kit.rule("T-1", scope="integration_sessions", require=["false"]),
        kit.rule("T-2", severity="warning", scope="integration_sessions", require=["false"]),
    ]
    report = _run(kit, write_set, rules, data)
    waived = {(f.rule_id, f.path): f.waived for f in report.findings}
    assert waived == {
        ("T-1", "$.sessions[4]"): True,
        ("T-1", "$.sessions[5]"): False,
        ("T-2", "$.sessions[4]"): True,
        ("T-2", "$.sessions[5]"): True,
    }
    t1 = next(f for f in report.findings if f.waived and f.rule_id == "T-1")
    assert t1.waiver is not None and t1.waiver.justification == "Phone call"
    assert t1.waiver.date == "2026-01-02"
    assert report.summary.model_dump() == {"errors": 1, "warnings": 0, "infos": 0, "waived": 3}
    assert report.has_unwaived_errors


def test_a_blank_justification_waives_nothing(kit: Any, write_set: Callable[..., Path]) -> None:
    """A waiver of "   " hid an error from the exit code."""
    data = kit.base()
    data["waivers"] = [{"rule_id": "T-1", "path": None, "justification": " \n\t "}]
    report = _run(kit, write_set, [kit.rule("T-1", require=["false"])], data)
    (finding,) = report.findings
    assert not finding.waived and report.has_unwaived_errors


def test_order_is_severity_then_rule_then_element_and_stable(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    rules = [
        kit.rule("T-1", severity="info", scope="sessions", require=["false"]),
        kit.rule("T-2", severity="error", scope="integration_sessions", require=["false"]),
        kit.rule("T-3", severity="warning", require=["false"]),
        kit.rule("T-4", severity="error", require=["false"]),
    ]
    first = _run(kit, write_set, rules)
    order = [(f.rule_id, f.path) for f in first.findings]
    assert [r for r, _ in order][:4] == ["T-2", "T-2", "T-4", "T-3"]
    info_paths = [p for r, p in order if r == "T-1"]
    assert info_paths == [f"$.sessions[{i}]" for i in range(len(kit.base()["sessions"]))]
    again = _run(kit, write_set, rules)
    assert json.dumps(first.to_json_data()) == json.dumps(again.to_json_data())


def test_retired_rules_are_not_evaluated(kit: Any, write_set: Callable[..., Path]) -> None:
    report = _run(kit, write_set, [kit.rule("T-1", require=["false"], status="retired")])
    assert report.findings == []
    assert report.rulesets[0].rules == 0


def test_report_json_has_the_design_shape(kit: Any, write_set: Callable[..., Path]) -> None:
    data = _run(kit, write_set, [kit.rule("T-1", require=["false"])]).to_json_data()
    assert {"protocol", "rulesets", "findings", "summary"} <= set(data)
    assert {"id", "title", "version"} <= set(data["protocol"])
    assert {"id", "version", "active", "reason"} <= set(data["rulesets"][0])
    assert {
        "rule_id",
        "ruleset",
        "severity",
        "message",
        "path",
        "citation",
        "provenance",
        "waived",
        "clauses",
    } <= set(data["findings"][0])
    assert {"expr", "value"} <= set(data["findings"][0]["clauses"][0])
    assert set(data["summary"]) == {"errors", "warnings", "infos", "waived"}
    json.dumps(data)  # serialisable as is


def test_only_restricts_the_sets(kit: Any, write_set: Callable[..., Path]) -> None:
    write_set("A", [kit.rule("A-1", require=["false"])])
    folder = write_set("B", [kit.rule("B-1", require=["false"])])
    catalogue = kit.catalogue(folder)
    report = run_check(kit.protocol(kit.base()), catalogue, ["b"])
    assert [s.id for s in report.rulesets] == ["B"]
    assert [f.rule_id for f in report.findings] == ["B-1"]


def test_a_value_the_engine_cannot_hold_refuses_the_check(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    """Every set used to read "could not decide whether it applies": a check with no finding."""
    from papdesigner.rules.engine import ProtocolNotCheckableError

    folder = write_set("T", [kit.rule("T-1", require=["true"])])
    protocol = kit.protocol(kit.base())
    protocol.sessions[3].window_days = 2**70  # the file loader refuses this; the model does not
    with pytest.raises(ProtocolNotCheckableError) as info:
        run_check(protocol, kit.catalogue(folder))
    message = str(info.value)
    assert message.startswith("$.sessions[3].window_days: the number 1180591620717411303424")
    assert len(message) < 200  # not the binding's dump of the whole view


def test_long_cel_diagnostics_are_clipped(kit: Any, write_set: Callable[..., Path]) -> None:
    long_key = "k" * 2000
    report = _run(kit, write_set, [kit.rule("T-1", require=[f"p.narrative.{long_key} == 'x'"])])
    (finding,) = report.findings
    (clause,) = finding.clauses
    assert clause.error and len(clause.error) <= 300
