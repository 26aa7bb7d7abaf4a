"""Property tests: any valid protocol can be checked, and no shipped rule errors on it."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from protocol_strategies import protocols

from papdesigner.model import Protocol
from papdesigner.rules import check, default_catalogue
from papdesigner.rules.loader import Catalogue


def _all_active(catalogue: Catalogue) -> Catalogue:
    """The shipped sets with every set forced on, so every rule meets every protocol."""
    from dataclasses import replace

    from papdesigner.rules.expr import compile_expr

    always = compile_expr("true")
    return Catalogue(rulesets=[replace(s, applies=always) for s in catalogue.rulesets])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol=protocols())
def test_shipped_rules_never_error_on_valid_protocols(protocol: Protocol) -> None:
    report = check(protocol, catalogue=_all_active(default_catalogue()))
    broken = [(f.rule_id, f.path, f.problems) for f in report.findings if f.problems]
    assert broken == []
    # A missing number must not be read as a quantity ("(none mg)", "for none days").
    unit_of_nothing = re.compile(r"\bnone (mg|µg|ug|days?|hours?|weeks?)\b|\bweek (none|not set)\b")
    misread = [(f.rule_id, f.message) for f in report.findings if unit_of_nothing.search(f.message)]
    assert misread == []
    assert report.summary.errors + report.summary.warnings + report.summary.infos + (
        report.summary.waived
    ) == len(report.findings)
    json.dumps(report.to_json_data())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol=protocols())
def test_check_is_deterministic(protocol: Protocol) -> None:
    first = check(protocol).to_json_data()
    assert check(protocol).to_json_data() == first
