"""Per-rule outcomes in the report: fired, passed, not applicable (what the PDF checklists read)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papdesigner.model.fileformat import load_protocol
from papdesigner.model.templates import examples_dir
from papdesigner.rules import applicable_rulesets, check, default_catalogue
from papdesigner.rules.engine import run_check
from papdesigner.rules.report import Report


def _outcomes(
    kit: Any, write_set: Callable[..., Path], rules: list[str], data: dict[str, Any] | None = None
) -> dict[str, str]:
    catalogue = kit.catalogue(write_set("T", rules))
    assert catalogue.problems == []
    report = run_check(kit.protocol(data or kit.base()), catalogue)
    return {o.rule_id: o.outcome for o in report.rule_outcomes}


def test_each_rule_gets_the_outcome_it_had(kit: Any, write_set: Callable[..., Path]) -> None:
    data = kit.base()
    data["medications"]["washouts"] = []
    rules = [
        kit.rule("T-FIRED", require=["false"]),
        kit.rule("T-PASSED", require=["true"]),
        kit.rule("T-EMPTY", scope="washouts", require=["false"]),
        kit.rule("T-NONE-SELECTED", scope="sessions", when="it.day < -1000", require=["false"]),
        kit.rule("T-SELECTED", scope="sessions", when="it.day >= -1000", require=["true"]),
    ]
    assert _outcomes(kit, write_set, rules, data) == {
        "T-FIRED": "fired",
        "T-PASSED": "passed",
        "T-EMPTY": "not_applicable",
        "T-NONE-SELECTED": "not_applicable",
        "T-SELECTED": "passed",
    }


@pytest.mark.parametrize("when", ["it.nope", "it.title"], ids=["errors", "not-a-boolean"])
def test_a_when_that_cannot_be_decided_never_counts_as_not_applicable(
    kit: Any, write_set: Callable[..., Path], when: str
) -> None:
    """A rule that ran into trouble is reported; it is never hidden as 'does not apply'."""
    rules = [
        kit.rule("T-BAD", scope="sessions", when=when, require=["true"]),
        kit.rule("T-NONE", scope="sessions", when="it.day < -1000", require=["false"]),
    ]
    outcomes = _outcomes(kit, write_set, rules)
    assert outcomes["T-BAD"] in ("fired", "passed")
    assert outcomes["T-NONE"] == "not_applicable"


def test_inactive_and_retired_rules_have_no_outcome(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    write_set("A", [kit.rule("A-1", require=["false"])], "p.context == 'cta_trial'")
    folder = write_set("B", [kit.rule("B-1", require=["true"]), kit.rule("B-2", status="retired")])
    report = run_check(kit.protocol(kit.base()), kit.catalogue(folder))
    assert [(o.rule_id, o.ruleset, o.outcome) for o in report.rule_outcomes] == [
        ("B-1", "B", "passed")
    ]


def test_shipped_sets_on_every_example() -> None:
    """Every in-force rule of every active set has one outcome; findings are 'fired'."""
    for path in sorted(examples_dir().glob("*.pap.json")):
        report = check(load_protocol(path))
        ids = [o.rule_id for o in report.rule_outcomes]
        assert len(ids) == len(set(ids))
        active = {s.id for s in report.rulesets if s.active}
        catalogue = default_catalogue()
        lapsed = {r.rule_id for r in report.rules_not_in_force}
        expected = {
            rule.spec.id
            for ruleset_id in active
            for rule in catalogue.get(ruleset_id).active_rules  # type: ignore[union-attr]
        } - lapsed
        assert set(ids) == expected
        assert {f.rule_id for f in report.findings} == report.rules_with_outcome("fired")
        again = Report.model_validate_json(report.model_dump_json())
        assert again == report


def test_applicable_rulesets_agrees_with_the_report() -> None:
    catalogue = default_catalogue()
    for path in sorted(examples_dir().glob("*.pap.json")):
        protocol = load_protocol(path)
        report = check(protocol, catalogue=catalogue)
        active = tuple(s.id for s in report.rulesets if s.active)
        assert applicable_rulesets(protocol, catalogue) == active
        some = [s.id for s in catalogue.rulesets[:3]]
        assert applicable_rulesets(protocol, catalogue, among=[i.lower() for i in some]) == tuple(
            i for i in active if i in some
        )
