"""Severity follows authority (issue 10, section 2); every set says when it was read (section 3)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from papdesigner.model.fileformat import load_protocol
from papdesigner.rules import shipped_rules_dir
from papdesigner.rules.engine import run_check
from papdesigner.rules.loader import load_catalogue
from papdesigner.rules.schema import BINDING_AUTHORITIES, rule_authority

CATALOGUE = load_catalogue([(shipped_rules_dir(), "shipped")])
SETS = [rs for rs in CATALOGUE.rulesets if rs.origin == "shipped"]
EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "oregon-service-center.pap.json"


@pytest.mark.parametrize("ruleset", SETS, ids=lambda rs: rs.id)
def test_every_set_has_an_as_of_date_and_an_authority(ruleset: object) -> None:
    spec = ruleset.spec  # type: ignore[attr-defined]
    assert spec.as_of, f"{spec.id} has no as_of date"
    assert spec.as_of <= dt.date.today().isoformat()
    assert spec.authority_kind is not None, f"{spec.id} has no authority_kind"


@pytest.mark.parametrize("ruleset", SETS, ids=lambda rs: rs.id)
def test_errors_only_where_the_source_binds_or_for_core_safety(ruleset: object) -> None:
    spec = ruleset.spec  # type: ignore[attr-defined]
    wrong = [
        f"{rule.id} ({rule_authority(spec, rule)})"
        for rule in spec.rules
        if rule.status == "active"
        and rule.severity == "error"
        and rule_authority(spec, rule) not in BINDING_AUTHORITIES
        and not rule.core_safety
    ]
    assert wrong == [], f"errors resting on non-binding sources in {spec.id}: {wrong}"


def test_one_fact_one_severity() -> None:
    """Rules that check the same thing (same scope and clauses) on sources of the same force
    (binding or core safety, or neither) have the same severity: a fact is not an error in one
    set and a warning in another for no reason of authority."""
    by_check: dict[tuple[object, ...], set[tuple[str, str]]] = defaultdict(set)
    for rs in SETS:
        for rule in rs.spec.rules:
            if rule.status == "active":
                binds = rule_authority(rs.spec, rule) in BINDING_AUTHORITIES or rule.core_safety
                key = (rule.scope, rule.when, tuple(sorted(rule.require)), binds)
                by_check[key].add((rule.id, rule.severity))
    mixed = [sorted(v) for v in by_check.values() if len({s for _, s in v}) > 1]
    assert mixed == []
    severities = {r.spec.id: r.spec.severity for rs in SETS for r in rs.rules}
    assert severities["RSP-16"] == severities["FDA-PSY-22"]


def test_the_audited_rules_are_warnings() -> None:
    severities = {r.spec.id: r.spec.severity for rs in SETS for r in rs.rules}
    for rule_id in ("FDA-PSY-14", "AU-15", "AU-07", "FDA-PSY-02-NUMBER"):
        assert severities[rule_id] == "warning", rule_id
    respct = next(rs for rs in SETS if rs.id == "RESPCT-2025")
    assert {r.spec.severity for r in respct.rules} <= {"warning", "info"}


def test_report_carries_as_of_and_the_check_day() -> None:
    report = run_check(load_protocol(EXAMPLE), CATALOGUE, on=dt.date(2026, 12, 5))
    data = report.to_json_data()
    assert data["checked_on"] == "2026-12-05"
    oregon = next(s for s in data["rulesets"] if s["id"] == "OR-OAR-333-333")
    assert oregon["as_of"] == "2026-11"
    for key in ("protocol", "rulesets", "findings", "summary"):  # DESIGN.md section 4 keys kept
        assert key in data


def test_an_expired_rule_is_reported_not_applied(tmp_path: Path) -> None:
    source = (shipped_rules_dir() / "or-oar-333-333.yaml").read_text(encoding="utf-8")
    marker = "  - id: OR-30\n"
    assert marker in source
    expired = source.replace(marker, marker + "    effective_until: 2026-01-01\n", 1)
    (tmp_path / "or-oar-333-333.yaml").write_text(expired, encoding="utf-8")
    catalogue = load_catalogue([(tmp_path, "user")])
    assert catalogue.problems == []
    protocol = load_protocol(EXAMPLE)
    protocol.psychotherapy.facilitation_approach = "directive"  # OR-30 would fail if applied
    report = run_check(protocol, catalogue, on=dt.date(2026, 12, 5))
    assert [f for f in report.findings if f.rule_id == "OR-30"] == []
    lapsed = [(r.rule_id, r.status, r.effective_until) for r in report.rules_not_in_force]
    assert lapsed == [("OR-30", "expired", "2026-01-01")]
    before = run_check(protocol, catalogue, on=dt.date(2024, 12, 31))
    # OR-30 encodes the rule text in force from 1 January 2025
    assert ("OR-30", "not_yet_effective") in [
        (r.rule_id, r.status) for r in before.rules_not_in_force
    ]
    during = run_check(protocol, catalogue, on=dt.date(2025, 6, 1))
    assert [f.rule_id for f in during.findings if f.rule_id == "OR-30"] == ["OR-30"]
    assert during.rules_not_in_force == []
