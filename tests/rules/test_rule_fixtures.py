"""Every shipped rule has fixtures that pass and fail exactly as its author says.

One parametrised test per rule (ids from every shipped rule set). The fixture format
is in papdesigner/rules/AUTHORING.md: tests/rules/fixtures/<RULE-ID>.yaml, with bases
from tests/rules/bases/ or resources/examples/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from papdesigner.paths import resource
from papdesigner.rules import shipped_rules_dir
from papdesigner.rules.fixtures import FixtureError, read_fixture_file, run_case
from papdesigner.rules.loader import Catalogue, CompiledRule, load_catalogue
from papdesigner.rules.schema import placeholders

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
BASES = (HERE / "bases", resource("examples"))


_CATALOGUE = load_catalogue([(shipped_rules_dir(), "shipped")])


def _shipped() -> Catalogue:
    """The shipped sets, loaded once (the per-test user folder must not force reloads)."""
    return _CATALOGUE


def _rules() -> list[tuple[str, CompiledRule]]:
    return [
        (ruleset.id, rule)
        for ruleset in _shipped().rulesets
        if ruleset.origin == "shipped"
        for rule in ruleset.rules
        if rule.spec.status == "active"
    ]


RULES = _rules()
_RAW: dict[Path, dict[str, Any]] = {}


def test_shipped_rule_sets_load_without_problems() -> None:
    problems = [str(p) for p in _shipped().problems]
    assert problems == []
    assert RULES, "no shipped rules found"


def test_every_fixture_file_belongs_to_a_shipped_rule() -> None:
    known = {rule.spec.id for _, rule in RULES}
    orphans = sorted(p.stem for p in FIXTURES.glob("*.yaml") if p.stem not in known)
    assert orphans == [], f"fixture files for unknown or retired rules: {orphans}"


@pytest.mark.parametrize(("ruleset_id", "rule"), RULES, ids=[r.spec.id for _, r in RULES])
def test_rule_metadata(ruleset_id: str, rule: CompiledRule) -> None:
    spec = rule.spec
    assert spec.citation.strip()
    assert spec.rationale.strip()
    assert spec.fix.strip()
    assert spec.provenance in {"verified", "secondary", "uncertain"}
    for text in (spec.message, spec.fix):
        for name, _ in placeholders(text):
            assert name.split(".")[0] in {"it", "p", "path", "rule_id", *spec.values}, name
    assert ruleset_id


_WORDING = {
    r"\(s\)": "a '(s)' plural: compute the word in a values: expression",
    r"  ": "a double space (a blank value?)",
    r'""': "empty quotes around a value",
    r" [.,;:]": "a space before punctuation (a blank value?)",
    r"[{}]": "a placeholder left in the text",
    r"\b(None|True|False|null)\b": "a programming literal instead of words",
    r"\d\.0\b": "a whole number shown with '.0'",
    r"\b1 (are|were|have)\b": "'1 are': compute the verb in a values: expression",
}


def _wording(texts: list[str]) -> list[str]:
    """What reads wrong in a finding's message or fix, as a reviewer would see it."""
    return [
        f"{why}: {text!r}"
        for text in texts
        for pattern, why in _WORDING.items()
        if re.search(pattern, text)
    ]


@pytest.mark.parametrize(("ruleset_id", "rule"), RULES, ids=[r.spec.id for _, r in RULES])
def test_rule_fixtures(ruleset_id: str, rule: CompiledRule) -> None:
    rule_id = rule.spec.id
    path = FIXTURES / f"{rule_id}.yaml"
    assert path.is_file(), f"{rule_id} has no fixture file {path.relative_to(HERE.parent.parent)}"
    try:
        fixture = read_fixture_file(path)
    except FixtureError as exc:
        pytest.fail(str(exc))
    assert fixture.rule == rule_id, f"{path.name} declares rule {fixture.rule}"
    assert fixture.pass_, f"{rule_id}: needs at least one pass case"
    assert fixture.fail, f"{rule_id}: needs at least one fail case"
    failures: list[str] = []
    active_pass = False
    for kind, cases in (("pass", fixture.pass_), ("fail", fixture.fail)):
        for index, case in enumerate(cases):
            result = run_case(kind, case, rule_id, _shipped(), base_folders=BASES, raw_cache=_RAW)
            label = f"{kind}[{index}] {case.name or case.base}"
            failures.extend(f"{label}: {error}" for error in result.errors)
            failures.extend(f"{label}: {problem}" for problem in _wording(result.texts))
            active_pass = active_pass or (kind == "pass" and result.active)
    assert active_pass, f"{rule_id}: no pass case has rule set {ruleset_id} active"
    assert not failures, "\n".join(failures)
