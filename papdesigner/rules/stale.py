"""Waivers that match no finding ("stale" waivers) and why.

A waiver that matches nothing hides nothing today, but it misleads a reader, and
one whose path no longer exists (the element moved) leaves the finding at the new
path unwaived. The check report lists each such waiver with the reason, so the
coordinator and the ethics board see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from papdesigner.model.jsonpath import PathPart, parse_path
from papdesigner.model.protocol import Waiver
from papdesigner.rules.loader import Catalogue
from papdesigner.rules.report import Finding, RuleSetStatus, UnmatchedWaiver, UnmatchedWhy

REASONS: dict[UnmatchedWhy, str] = {
    "blank_justification": "justification is blank (the waiver waives nothing)",
    "unknown_rule": "rule id unknown",
    "rule_retired": "rule retired (no longer checked)",
    "ruleset_not_checked": "rule set not selected for this check",
    "ruleset_inactive": "rule set not active",
    "no_finding": "no finding at this path (the rule passes)",
    "no_finding_here": "no finding at this path (the rule fails at other paths)",
}
"""The reason shown for each kind of unmatched waiver."""


def path_key(path: str) -> tuple[PathPart, ...] | str:
    """A path in comparable form: parsed when it parses, else the text itself."""
    try:
        return parse_path(path)
    except ValueError:
        return path


def unmatched_waivers(
    waivers: Sequence[Waiver],
    catalogue: Catalogue,
    statuses: Sequence[RuleSetStatus],
    findings: Sequence[Finding],
) -> list[UnmatchedWaiver]:
    """Return every waiver of the protocol that matches no finding of this check, in file order."""
    paths_by_rule: dict[str, set[tuple[PathPart, ...] | str]] = {}
    for finding in findings:
        paths_by_rule.setdefault(finding.rule_id, set()).add(path_key(finding.path))
    out: list[UnmatchedWaiver] = []
    for index, waiver in enumerate(waivers):
        why, ruleset = _why_unmatched(waiver, catalogue, statuses, paths_by_rule)
        if why is not None:
            out.append(
                UnmatchedWaiver(
                    index=index,
                    rule_id=waiver.rule_id,
                    path=waiver.path,
                    justification=waiver.justification,
                    ruleset=ruleset,
                    code=why,
                    reason=REASONS[why],
                )
            )
    return out


def _why_unmatched(
    waiver: Waiver,
    catalogue: Catalogue,
    statuses: Sequence[RuleSetStatus],
    paths_by_rule: dict[str, set[tuple[PathPart, ...] | str]],
) -> tuple[UnmatchedWhy | None, str | None]:
    """Why a waiver matches nothing (None when it matches), and the rule set of its rule."""
    found = catalogue.rule(waiver.rule_id)
    ruleset_id = found[0].id if found is not None else None
    if not waiver.justification.strip():
        return "blank_justification", ruleset_id
    if found is None:
        return "unknown_rule", None
    ruleset, rule = found
    status = next((s for s in statuses if s.id == ruleset.id), None)
    why: UnmatchedWhy | None = None
    if rule.spec.status != "active":
        why = "rule_retired"
    elif status is None:
        why = "ruleset_not_checked"
    elif not status.active:
        why = "ruleset_inactive"
    else:
        why = _why_no_match(waiver.path, paths_by_rule.get(waiver.rule_id, set()))
    return why, ruleset_id


def _why_no_match(
    path: str | None, finding_paths: set[tuple[PathPart, ...] | str]
) -> UnmatchedWhy | None:
    """A waiver with no path matches any finding of its rule; one with a path, only that one."""
    if not finding_paths:
        return "no_finding"
    if path is None or path_key(path) in finding_paths:
        return None
    return "no_finding_here"
