"""Re-check the compliance statement of an exported PDF against the protocol (for ``verify``).

The statement (:mod:`.statement`) names the rule sets the export checked, with their
versions and file digests, the counts it printed, and the applicable sets it left
out. Verification runs the same check again and compares: a PDF that claims fewer
unwaived errors than the protocol has, or hides that applicable shipped rule sets
were left out, fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papdesigner.export.statement import (
    SUMMARY_KEYS,
    Statement,
    applicable_left_out,
    ruleset_mismatch,
)
from papdesigner.model.protocol import Protocol

if TYPE_CHECKING:
    from papdesigner.rules import Catalogue, Report


def recheck(statement: Statement, protocol: Protocol, catalogue: Catalogue) -> str | None:
    """Why the statement does not hold for ``protocol`` (None when a fresh check agrees)."""
    return recheck_with_report(statement, protocol, catalogue)[0]


def recheck_with_report(
    statement: Statement, protocol: Protocol, catalogue: Catalogue
) -> tuple[str | None, Report | None]:
    """:func:`recheck`, also returning the fresh check (for re-creating the PDF with it).

    The check repeats the statement's rule sets, and the ones it says were active stay
    active (a set the user turned on applies although its own condition does not); a
    set it hides is caught by the left-out comparison.
    """
    from papdesigner.rules import check
    from papdesigner.rules.engine import ProtocolNotCheckableError

    for checked in statement.rulesets:
        problem = ruleset_mismatch(checked, catalogue)
        if problem:
            return f"cannot re-check its compliance status: {problem}", None
    ids = [s.id for s in statement.rulesets]
    stated_on = [s.id for s in statement.rulesets if s.active]
    try:
        fresh = check(protocol, ids or None, catalogue=catalogue, turned_on=stated_on)
        left_out = applicable_left_out(protocol, ids, catalogue)
    except ProtocolNotCheckableError as exc:
        return f"cannot re-check its compliance status: {exc}", None
    if ids:
        problem = _disagreement(statement, fresh)
        if problem is not None:
            return problem, fresh
    hidden = [i for i in left_out if i not in statement.left_out and _shipped(i, catalogue)]
    if hidden:
        return (
            f"it does not say that rule set{'s' if len(hidden) > 1 else ''} "
            f"{', '.join(hidden)}, which apply to the protocol, were not checked"
        ), fresh
    return None, fresh


def _disagreement(statement: Statement, fresh: Report) -> str | None:
    """Why the stated counts or active sets differ from ``fresh``, or None."""
    counts = fresh.summary.model_dump()
    stated = {k: statement.summary.get(k, 0) for k in SUMMARY_KEYS}
    if any(counts[k] != stated[k] for k in SUMMARY_KEYS):
        return (
            f"its compliance status does not match the protocol: the PDF states "
            f"{_counts(stated)}, a check with the same rule sets finds {_counts(counts)}"
        )
    active = {s.id: s.active for s in fresh.rulesets}
    wrong = [s.id for s in statement.rulesets if active.get(s.id) != s.active]
    if wrong:
        return f"its compliance status does not match the protocol: {wrong[0]} " + (
            "applies to it" if active.get(wrong[0]) else "does not apply to it"
        )
    return None


def _shipped(ruleset_id: str, catalogue: Catalogue) -> bool:
    loaded = catalogue.get(ruleset_id)
    return loaded is not None and not loaded.user_set


def _counts(counts: dict[str, int]) -> str:
    return (
        f"{counts['errors']} unwaived error{'s' if counts['errors'] != 1 else ''}, "
        f"{counts['warnings']} warning{'s' if counts['warnings'] != 1 else ''}, "
        f"{counts['infos']} info, {counts['waived']} waived"
    )


def coverage_text(statement: Statement) -> str:
    """One clause for the verify line: what the re-checked status covers."""
    active = [s for s in statement.rulesets if s.active]
    user = sum(1 for s in active if s.user_set)
    users = f" ({user} user rule set{'s' if user != 1 else ''})" if user else ""
    errors = statement.unwaived_errors
    text = (
        f"compliance status re-checked: {errors} unwaived error{'s' if errors != 1 else ''} "
        f"in {len(active)} applicable rule set{'s' if len(active) != 1 else ''}{users}"
    )
    if statement.left_out:
        text += f"; left out (DRAFT): {', '.join(statement.left_out)}"
    return text
