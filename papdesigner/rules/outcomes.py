"""Per rule of an active set: fired, passed or not applicable (``Report.rule_outcomes``).

The engine knows which rules had findings; a rule without one either passed or had
nothing to check. It had nothing when its scope is empty, or when its ``when`` is
false for every element. Only rules with a ``when`` and no finding need one more
evaluation, and those of a set share a few CEL calls
(:attr:`~papdesigner.rules.loader.CompiledRuleSet.selects_all`). A ``when`` that
cannot be evaluated counts as applying: compliance that cannot be shown is not
assumed, and "not applicable" must never hide a rule that ran into trouble.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from papdesigner.rules.expr import CelEvalError, compile_cached
from papdesigner.rules.loader import CompiledRule, CompiledRuleSet, selects_source
from papdesigner.rules.report import RuleOutcome, RuleOutcomeKind


def element_count(rule: CompiledRule, view: dict[str, Any]) -> int:
    """How many elements the rule's scope holds in this view (1 for the protocol itself)."""
    scope = rule.spec.scope
    return 1 if scope is None else len(view[scope])


def first_guess(rule: CompiledRule, fired: bool, count: int) -> RuleOutcomeKind | None:
    """The outcome known without evaluating more, or None when the ``when`` must decide."""
    if fired:
        return "fired"
    if count == 0:
        return "not_applicable"
    return None if rule.spec.when else "passed"


def outcomes_of(
    ruleset: CompiledRuleSet,
    guesses: Iterable[tuple[CompiledRule, RuleOutcomeKind | None]],
    top: Any,
) -> list[RuleOutcome]:
    """Resolve the undecided guesses of one set and return its outcomes, in rule order."""
    guessed = list(guesses)
    pending = {rule.spec.id for rule, outcome in guessed if outcome is None}
    selects = _selects(ruleset, pending, top) if pending else {}
    return [
        RuleOutcome(
            rule_id=rule.spec.id,
            ruleset=ruleset.id,
            outcome=outcome or ("passed" if selects[rule.spec.id] else "not_applicable"),
        )
        for rule, outcome in guessed
    ]


def _selects(ruleset: CompiledRuleSet, pending: set[str], top: Any) -> dict[str, bool]:
    """Per pending rule id: does its ``when`` select some element? (a few calls per set)"""
    ids, programs = ruleset.selects_all
    values: list[Any] | None = [] if programs is not None else None
    for program in programs or ():
        try:
            chunk = program.evaluate_in(top)
        except CelEvalError:
            values = None  # some rule's when errors: ask rule by rule
            break
        if values is not None and isinstance(chunk, list):
            values.extend(chunk)
    if values is not None and len(values) == len(ids):
        return {i: v is not False for i, v in zip(ids, values, strict=True) if i in pending}
    rules = {r.spec.id: r for r in ruleset.active_rules}
    return {i: _selects_one(rules[i], top) for i in pending}


def _selects_one(rule: CompiledRule, top: Any) -> bool:
    try:
        value = compile_cached(selects_source(rule.spec)).evaluate_in(top)
    except CelEvalError:
        return True
    return value is not False
