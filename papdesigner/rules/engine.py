"""Evaluate loaded rule sets over a protocol and build the :class:`Report`.

For each active set and each rule, one CEL call evaluates the rule over its whole
scope (``batch``). Only when that call errors, because some element makes a
clause fail to evaluate, does the engine go element by element and clause by
clause, so that the report says exactly which element and clause broke. A clause
that errors or yields a non-boolean counts as not satisfied: compliance that
cannot be shown is not assumed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from typing import Any

from papdesigner.model.fileformat import fingerprint
from papdesigner.model.jsonpath import PathPart, format_path
from papdesigner.model.protocol import Protocol, Waiver
from papdesigner.rules.expr import CelEvalError, activation, compile_cached, on_element
from papdesigner.rules.loader import Catalogue, CompiledRule, CompiledRuleSet, LoadProblem
from papdesigner.rules.messages import render
from papdesigner.rules.outcomes import element_count, first_guess, outcomes_of
from papdesigner.rules.report import (
    Clause,
    Finding,
    LoadProblemRef,
    ProtocolRef,
    Report,
    RuleNotInForce,
    RuleOutcome,
    RuleOutcomeKind,
    RuleSetStatus,
    WaiverRef,
    summarise,
)
from papdesigner.rules.schema import SEVERITY_RANK, in_force
from papdesigner.rules.stale import path_key, unmatched_waivers
from papdesigner.rules.view import build_view

Data = dict[str, Any]


def run_check(
    protocol: Protocol,
    catalogue: Catalogue,
    only: Sequence[str] | None = None,
    *,
    on: dt.date | None = None,
    turned_on: Collection[str] = (),
) -> Report:
    """Check a protocol against the sets of a catalogue (or only the sets named in ``only``).

    Rules are applied as in force ``on`` a day (today by default): a rule whose
    source expired or is not yet effective is listed in ``rules_not_in_force``
    instead of being applied. Sets named in ``turned_on`` apply even when their own
    condition does not hold (the user turned them on; their status says so).
    """
    day = on or dt.date.today()
    not_in_force: list[RuleNotInForce] = []
    view = build_view(protocol)
    top = activation(view)  # the one activation of this check: see expr.activation
    _ensure_convertible(top, view)
    wanted = {s.upper() for s in only} if only else None
    forced = {s.upper() for s in turned_on}
    statuses: list[RuleSetStatus] = []
    keyed: list[tuple[tuple[Any, ...], Finding]] = []
    outcomes: list[RuleOutcome] = []
    waivers = _WaiverIndex(protocol.waivers)
    for set_index, ruleset in enumerate(catalogue.rulesets):
        if wanted is not None and ruleset.id not in wanted:
            continue
        status = _status(ruleset, top, forced=ruleset.id in forced)
        statuses.append(status)
        if not status.active:
            continue
        quick = _quick_all(ruleset, top)
        guesses: list[tuple[CompiledRule, RuleOutcomeKind | None]] = []
        for rule_index, rule in enumerate(ruleset.active_rules):
            lapsed = _not_in_force(ruleset, rule, day)
            if lapsed is not None:
                not_in_force.append(lapsed)
                continue
            passed = quick[rule_index] if quick is not None else None
            found = _evaluate(ruleset, rule, view, top, waivers, passed=passed)
            for element_index, finding in found:
                rank = SEVERITY_RANK[finding.severity]
                keyed.append(((set_index, rank, rule_index, element_index), finding))
            guesses.append((rule, first_guess(rule, bool(found), element_count(rule, view))))
        outcomes.extend(outcomes_of(ruleset, guesses, top))
    keyed.sort(key=lambda pair: pair[0])
    findings = [f for _, f in keyed]
    return Report(
        protocol=ProtocolRef(
            id=str(protocol.id),
            title=protocol.metadata.title,
            version=protocol.metadata.version,
            fingerprint=fingerprint(protocol),
        ),
        rulesets=statuses,
        findings=findings,
        summary=summarise(findings),
        load_problems=[_problem_ref(p) for p in catalogue.problems],
        unmatched_waivers=unmatched_waivers(protocol.waivers, catalogue, statuses, findings),
        checked_on=day.isoformat(),
        rules_not_in_force=not_in_force,
        rule_outcomes=outcomes,
    )


def _not_in_force(
    ruleset: CompiledRuleSet, rule: CompiledRule, day: dt.date
) -> RuleNotInForce | None:
    spec = rule.spec
    status = in_force(spec, day)
    if status == "in_force":
        return None
    return RuleNotInForce(
        rule_id=spec.id,
        ruleset=ruleset.id,
        title=spec.title,
        status=status,
        effective_from=spec.effective_from.isoformat() if spec.effective_from else None,
        effective_until=spec.effective_until.isoformat() if spec.effective_until else None,
    )


def applicable_rulesets(
    protocol: Protocol,
    catalogue: Catalogue,
    *,
    among: Iterable[str] | None = None,
) -> tuple[str, ...]:
    """The ids of the catalogue's rule sets whose ``applies_when`` holds for ``protocol``.

    The one definition of "which rule sets apply" (the check, the PDF's list of sets
    left out and the GUI use it); no rule is evaluated. ``among`` limits the answer to
    those set ids (case-insensitive). A set whose condition cannot be decided does
    not apply (as in the report, which says why). Ids are in catalogue (id) order.
    Raises :class:`ProtocolNotCheckableError` like a check.
    """
    wanted = {i.upper() for i in among} if among is not None else None
    rulesets = [s for s in catalogue.rulesets if wanted is None or s.id in wanted]
    if not rulesets:
        return ()
    view = build_view(protocol)
    top = activation(view)
    _ensure_convertible(top, view)
    return tuple(ruleset.id for ruleset in rulesets if _status(ruleset, top).active)


class ProtocolNotCheckableError(ValueError):
    """The protocol holds a value the rule engine cannot represent (an integer beyond 64 bits).

    Without this every set would be reported as "could not decide whether it applies"
    and the check would pass with no finding: compliance that cannot be shown is not
    assumed, so the check refuses instead.
    """


INT_RANGE = (-(2**63), 2**64)
"""What the CEL binding holds: int64, and uint64 above it."""


@cache
def _probe() -> Any:
    return compile_cached("size(p) >= 0")  # touching p converts the whole view


def _ensure_convertible(top: Any, view: Data) -> None:
    try:
        _probe().evaluate_in(top)
    except CelEvalError as exc:
        found = _out_of_range(view, ())
        if found is None:
            msg = f"the rule engine cannot read the protocol ({exc})"
        else:
            where, number = found
            msg = f"{format_path(where)}: the number {number} is beyond what the rule engine holds"
        raise ProtocolNotCheckableError(msg) from None


def _out_of_range(
    value: Any, path: tuple[PathPart, ...]
) -> tuple[tuple[PathPart, ...], int] | None:
    """The first integer the binding cannot hold, and where (walked only after a failure)."""
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = INT_RANGE
        return None if low <= value < high else (path, value)
    children: Any = value.items() if isinstance(value, dict) else ()
    if isinstance(value, list):
        children = enumerate(value)
    for key, item in children:
        found = _out_of_range(item, (*path, key))
        if found is not None:
            return found
    return None


def _problem_ref(problem: LoadProblem) -> LoadProblemRef:
    return LoadProblemRef(
        file=problem.file, line=problem.line, rule_id=problem.rule_id, message=problem.message
    )


TURNED_ON_REASON = "turned on by hand (its own condition does not hold)"


def _status(ruleset: CompiledRuleSet, top: Any, *, forced: bool = False) -> RuleSetStatus:
    spec = ruleset.spec
    described = spec.applies_description.rstrip(".")
    try:
        active = ruleset.applies.evaluate_in(top)
    except CelEvalError as exc:
        active, reason = False, f"could not decide whether it applies ({exc})"
    else:
        if not isinstance(active, bool):
            active, reason = False, "could not decide whether it applies (not a boolean)"
        elif active:
            reason = f"applies to {described}"
        else:
            reason = f"does not apply: it covers {described}"
    if forced and not active:
        active, reason = True, TURNED_ON_REASON
    return RuleSetStatus(
        id=spec.id,
        version=spec.version,
        active=active,
        reason=reason,
        title=spec.title,
        authority=spec.authority,
        source_status=spec.source.status,
        origin=ruleset.origin,
        rules=sum(1 for r in ruleset.rules if r.spec.status == "active"),
        user_set=ruleset.user_set,
        sha256=ruleset.sha256,
        as_of=spec.as_of or "",
        authority_kind=spec.authority_kind or "",
    )


# --- one rule -------------------------------------------------------------------------------


def _elements(rule: CompiledRule, view: Data) -> list[Data]:
    scope = rule.spec.scope
    return [view] if scope is None else list(view[scope])


def _quick_all(ruleset: CompiledRuleSet, top: Any) -> list[Any] | None:
    """Every rule's quick pass, a call per chunk; None when some rule errors (then rule by rule)."""
    programs = ruleset.quick_all
    if programs is None:
        return None
    results: list[Any] = []
    for program in programs:
        try:
            chunk = program.evaluate_in(top)
        except CelEvalError:
            return None
        if not isinstance(chunk, list):
            return None
        results.extend(chunk)
    return results if len(results) == len(ruleset.active_rules) else None


def _evaluate(
    ruleset: CompiledRuleSet,
    rule: CompiledRule,
    view: Data,
    top: Any,
    waivers: _WaiverIndex,
    *,
    passed: Any = None,
) -> list[tuple[int, Finding]]:
    elements = _elements(rule, view)
    if not elements:
        return []
    if _all_true(passed, len(elements)):
        return []
    outcomes = _batch(rule, top, len(elements))
    if outcomes is None:
        outcomes = [_one(rule, top, i) for i in range(len(elements))]
    failing = [i for i, outcome in enumerate(outcomes) if outcome is not None]
    if not failing:
        return []
    values = _values(rule, top, failing, len(elements))
    found = []
    for index in failing:
        clauses = outcomes[index] or []
        value_map, problems = values[index]
        context: Data = {"it": elements[index], "p": view, **value_map}
        finding = _finding(
            ruleset, rule, context, clauses=clauses, problems=problems, waivers=waivers
        )
        found.append((index, finding))
    return found


def _all_true(passed: Any, count: int) -> bool:
    """True when a quick pass says every element passes (or is filtered out)."""
    return isinstance(passed, list) and len(passed) == count and all(v is True for v in passed)


Outcome = list[Clause] | None
"""The clauses of a failing element, or None when the element passes or is filtered out."""


def _batch(rule: CompiledRule, top: Any, count: int) -> list[Outcome] | None:
    """Evaluate every element at once; None means "fall back to one by one"."""
    try:
        passed = rule.quick.evaluate_in(top)
    except CelEvalError:
        return None
    if _all_true(passed, count):
        return [None] * count
    try:
        rows = rule.batch.evaluate_in(top)
    except CelEvalError:
        return None
    if not isinstance(rows, list) or len(rows) != count:
        return None
    outcomes: list[Outcome] = []
    for row in rows:
        if any(type(v) is not bool for v in row):
            return None
        if not row[0] or all(row[1:]):
            outcomes.append(None)
        else:
            outcomes.append(_clauses(rule, row[1:], [None] * (len(row) - 1)))
    return outcomes


def _one(rule: CompiledRule, top: Any, index: int) -> Outcome:
    """Evaluate one element clause by clause, so an error is pinned to its clause."""
    spec = rule.spec
    if spec.when is not None:
        value, error = _eval_bool(on_element(spec.scope, index, f"({spec.when})"), top)
        if error is not None:
            return [Clause(expr=spec.when, value=None, error=error, role="when")]
        if not value:
            return None
    results = [_eval_bool(on_element(spec.scope, index, f"({c})"), top) for c in spec.require]
    if all(value is True for value, _ in results):
        return None
    return _clauses(rule, [v for v, _ in results], [e for _, e in results])


def _eval_bool(source: str, top: Any) -> tuple[bool | None, str | None]:
    try:
        value = compile_cached(source).evaluate_in(top)
    except CelEvalError as exc:
        return None, str(exc)
    if type(value) is not bool:
        return None, f"expected true or false, got {type(value).__name__} {value!r}"
    return value, None


def _clauses(
    rule: CompiledRule, values: Sequence[Any], errors: Sequence[str | None]
) -> list[Clause]:
    return [
        Clause(expr=expr, value=value, error=error)
        for expr, value, error in zip(rule.spec.require, values, errors, strict=True)
    ]


ValueResult = tuple[Data, list[str]]


def _values(rule: CompiledRule, top: Any, failing: list[int], count: int) -> dict[int, ValueResult]:
    """The rule's named values for the failing elements: all at once, else one by one."""
    names = list(rule.spec.values)
    if rule.values_batch is None:
        return {i: ({}, []) for i in failing}
    try:
        rows = rule.values_batch.evaluate_in(top)
        if isinstance(rows, list) and len(rows) == count:
            return {i: (dict(zip(names, rows[i], strict=True)), []) for i in failing}
    except CelEvalError:
        pass  # some element (maybe a passing one) makes a value error: go one by one
    return {i: _values_one(rule, top, i) for i in failing}


def _values_one(rule: CompiledRule, top: Any, index: int) -> ValueResult:
    out: Data = {}
    problems: list[str] = []
    for name, expr in rule.spec.values.items():
        try:
            out[name] = compile_cached(on_element(rule.spec.scope, index, f"({expr})")).evaluate_in(
                top
            )
        except CelEvalError as exc:
            problems.append(f"value {name}: {exc}")
    return out, problems


def _finding(
    ruleset: CompiledRuleSet,
    rule: CompiledRule,
    context: Data,
    *,
    clauses: list[Clause],
    problems: list[str],
    waivers: _WaiverIndex,
) -> Finding:
    spec = rule.spec
    path = context["it"]["path"] + spec.at
    context = {**context, "path": path, "rule_id": spec.id}
    problems = [f"{c.role} {c.expr!r}: {c.error}" for c in clauses if c.error] + problems
    message, message_problems = render(spec.message, context)
    fix, fix_problems = render(spec.fix, context)
    waiver = waivers.match(spec.id, path)
    return Finding(
        rule_id=spec.id,
        ruleset=ruleset.id,
        severity=spec.severity,
        message=message,
        path=path,
        citation=spec.citation,
        provenance=spec.provenance,
        waived=waiver is not None,
        clauses=clauses,
        title=spec.title,
        fix=fix,
        waiver=waiver,
        problems=problems + message_problems + fix_problems,
    )


# --- waivers --------------------------------------------------------------------------------


class _WaiverIndex:
    """Waivers by rule id; a waiver with no path covers every finding of its rule.

    A waiver whose justification is blank waives nothing: the file format asks for a
    justification, and "   " is not one (it hid an error from the exit code).
    Each rule's waivers are indexed by path, so matching a finding is one look-up
    however many waivers and findings there are; the first matching waiver in file
    order wins.
    """

    def __init__(self, waivers: Sequence[Waiver]) -> None:
        self._by_path: dict[tuple[str, Any], int] = {}
        self._whole_rule: dict[str, int] = {}
        self._waivers = list(waivers)
        for index, waiver in enumerate(self._waivers):
            if not waiver.justification.strip():
                continue
            if waiver.path is None:
                self._whole_rule.setdefault(waiver.rule_id, index)
            else:
                self._by_path.setdefault((waiver.rule_id, path_key(waiver.path)), index)

    def match(self, rule_id: str, path: str) -> WaiverRef | None:
        candidates = [
            i
            for i in (self._whole_rule.get(rule_id), self._by_path.get((rule_id, path_key(path))))
            if i is not None
        ]
        if not candidates:
            return None
        waiver = self._waivers[min(candidates)]
        return WaiverRef(
            justification=waiver.justification,
            author=waiver.author,
            date=waiver.date.isoformat() if waiver.date else None,
            path=waiver.path,
        )
