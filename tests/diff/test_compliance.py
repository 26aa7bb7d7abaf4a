"""The compliance delta: findings matched by rule and by place (identity, not position)."""

from __future__ import annotations

from typing import Any

from papdesigner.diff import diff_protocols
from papdesigner.diff.compliance import check_delta, compliance_delta
from papdesigner.model.protocol import Protocol, Session
from papdesigner.rules import Finding, Report, RuleSetStatus, Summary
from papdesigner.rules.report import ProtocolRef


def finding(rule: str, path: str, severity: str = "warning", waived: bool = False) -> Finding:
    return Finding(
        rule_id=rule,
        ruleset="TEST",
        severity=severity,
        message=f"{rule} fails",
        path=path,
        citation="Test doc §1",
        provenance="verified",
        waived=waived,
    )


def report(*findings: Finding, active: tuple[str, ...] = ("TEST",)) -> Report:
    counts: dict[str, Any] = {"errors": 0, "warnings": 0, "infos": 0, "waived": 0}
    for f in findings:
        counts["waived" if f.waived else f.severity + "s"] += 1
    return Report(
        protocol=ProtocolRef(id="x", title="t", version="1"),
        rulesets=[RuleSetStatus(id=r, version="1", active=True, reason="") for r in active],
        findings=list(findings),
        summary=Summary(**counts),
    )


def test_findings_follow_their_element_when_positions_shift(v1: Protocol) -> None:
    b = v1.model_copy(deep=True)
    b.sessions.insert(0, Session(id="pre", kind="screening", day=-40))
    diff = diff_protocols(v1, b)
    # integ2 is sessions[5] in A and sessions[6] in B: the same finding, not resolved + introduced
    delta = compliance_delta(
        diff,
        report(finding("R1", "$.sessions[5].assessments"), finding("R2", "$.sessions[0]")),
        report(finding("R1", "$.sessions[6].assessments"), finding("R3", "$.sessions[0]")),
    )
    assert [f.rule_id for f in delta.introduced] == ["R3"]
    assert delta.introduced[0].place == "Screening session pre"
    assert [f.rule_id for f in delta.resolved] == ["R2"]
    assert delta.resolved[0].place == "session “Screening visit” (screen)"
    assert delta.unchanged == 1


def test_waivers_and_rule_sets(v1: Protocol) -> None:
    diff = diff_protocols(v1, v1)
    delta = compliance_delta(
        diff,
        report(finding("R1", "$"), finding("R2", "$.safety", waived=True), active=("A", "B")),
        report(finding("R1", "$", waived=True), finding("R2", "$.safety"), active=("B", "C")),
    )
    assert [f.rule_id for f in delta.waived] == ["R1"]
    assert [f.rule_id for f in delta.unwaived] == ["R2"]
    assert (delta.rulesets_on, delta.rulesets_off) == (["C"], ["A"])
    assert not delta.empty
    text = "\n".join(delta.to_text_lines())
    assert "Waived in B (1):" in text and "Rule sets turned on: C" in text


def test_order_is_by_severity_then_rule(v1: Protocol) -> None:
    diff = diff_protocols(v1, v1)
    delta = compliance_delta(
        diff,
        report(),
        report(finding("B", "$", "info"), finding("Z", "$", "error"), finding("A", "$", "info")),
    )
    assert [(f.severity, f.rule_id) for f in delta.introduced] == [
        ("error", "Z"),
        ("info", "A"),
        ("info", "B"),
    ]
    assert delta.to_json()["introduced"][0]["rule_id"] == "Z"


def test_shipped_rules_symmetry(v1: Protocol) -> None:
    """With the real rule sets: what A→B introduces, B→A resolves."""
    b = v1.model_copy(deep=True)
    b.sessions = [s for s in b.sessions if s.id != "fu12"]
    b.sessions[0].assessments = []
    forward = check_delta(diff_protocols(v1, b), v1, b)
    backward = check_delta(diff_protocols(b, v1), b, v1)
    ids = sorted((f.rule_id, f.path) for f in forward.introduced)
    assert ids == sorted((f.rule_id, f.path) for f in backward.resolved)
    assert sorted(f.rule_id for f in forward.resolved) == sorted(
        f.rule_id for f in backward.introduced
    )
    assert not check_delta(diff_protocols(v1, v1), v1, v1).introduced


def test_counts_read_in_the_singular_too() -> None:
    """The summary of changes said "1 errors, 1 warnings"."""
    from papdesigner.diff.compliance import counts_text

    counts = {"errors": 1, "warnings": 2, "infos": 1, "waived": 0}
    assert counts_text(counts) == "1 error, 2 warnings, 1 info, 0 waived"
