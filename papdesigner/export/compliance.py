"""The compliance appendix: the check report (:class:`papdesigner.rules.Report`) as printed.

The report comes from :func:`papdesigner.rules.check`, or from a saved ``papdesigner
check --format json`` output bound to a fresh check; findings are grouped by rule
set in print order, and the protocol's waivers are listed next to them so the
appendix prints each justification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from papdesigner.model.protocol import Protocol
from papdesigner.rules.schema import SEVERITY_RANK

if TYPE_CHECKING:
    from papdesigner.rules.report import Finding, LoadProblemRef, Report, RuleSetStatus


@dataclass(frozen=True)
class WaiverView:
    """A waiver as printed: what it acknowledges, why, by whom and when."""

    rule_id: str
    path: str
    justification: str
    author: str
    date: str


@dataclass(frozen=True)
class UnmatchedWaiverView:
    """A waiver that matches no finding of the check, and why (it waives nothing)."""

    rule_id: str
    path: str
    justification: str
    reason: str


@dataclass(frozen=True)
class RulesetView:
    """One rule set of the report, active or not, with its findings."""

    id: str
    title: str
    version: str
    active: bool
    reason: str
    source: str
    findings: tuple[Finding, ...]
    user_set: bool = False
    """Not shipped with papdesigner: printed as a user rule set (its id proves nothing)."""


@dataclass(frozen=True)
class ComplianceView:
    """The whole report, or ``available=False`` when no report could be made."""

    available: bool
    rulesets: tuple[RulesetView, ...]
    errors: int
    warnings: int
    infos: int
    waived: int
    unwaived_errors: int
    waivers: tuple[WaiverView, ...]
    not_applicable: frozenset[str] = frozenset()
    """Rules of the active sets that had nothing to check in this protocol (from the report)."""
    load_problems: tuple[str, ...] = ()
    unmatched_waivers: tuple[UnmatchedWaiverView, ...] = ()
    left_out: tuple[str, ...] = ()
    """Rule sets that apply to the protocol but were not checked (a ``--ruleset`` subset)."""

    @property
    def draft(self) -> bool:
        """A draft while unwaived errors remain, it was not checked, or applicable sets were not."""
        return not self.available or self.unwaived_errors > 0 or bool(self.left_out)

    @property
    def active(self) -> tuple[RulesetView, ...]:
        """The rule sets that applied to this protocol."""
        return tuple(r for r in self.rulesets if r.active)

    @property
    def inactive(self) -> tuple[RulesetView, ...]:
        """The rule sets that did not apply, with the reason."""
        return tuple(r for r in self.rulesets if not r.active)


def _protocol_waivers(protocol: Protocol) -> list[WaiverView]:
    return [
        WaiverView(
            rule_id=w.rule_id,
            path=w.path or "whole protocol",
            justification=w.justification,
            author=w.author,
            date=w.date.isoformat() if w.date else "",
        )
        for w in protocol.waivers
    ]


def _with_waiver(finding: Finding, protocol: Protocol) -> Finding:
    """A waived finding with its waiver; reports saved before 2026-10 named none: the
    protocol's waiver of that rule and place (else of the whole rule) is joined in."""
    if not finding.waived or finding.waiver is not None:
        return finding
    from papdesigner.rules.report import WaiverRef
    from papdesigner.rules.stale import path_key

    mine = [w for w in protocol.waivers if w.rule_id == finding.rule_id]
    here = path_key(finding.path)
    found = next((w for w in mine if w.path is not None and path_key(w.path) == here), None)
    found = found or next((w for w in mine if w.path is None), None)
    if found is None:
        return finding
    date = found.date.isoformat() if found.date else None
    waiver = WaiverRef(
        justification=found.justification, author=found.author, date=date, path=found.path
    )
    return finding.model_copy(update={"waiver": waiver})


def _source_text(ruleset: RuleSetStatus) -> str:
    parts = [ruleset.authority, ruleset.source_status]
    if ruleset.as_of:
        parts.append(f"sources as of {ruleset.as_of}")  # issue 10: the day the sources were read
    return ", ".join(p for p in parts if p)


def _problem_text(problem: LoadProblemRef) -> str:
    line = f" line {problem.line}" if problem.line else ""
    rule = f" rule {problem.rule_id}" if problem.rule_id else ""
    return f"{problem.file}{line}{rule}: {problem.message}"


def _ruleset_views(report: Report, findings: list[Finding]) -> tuple[RulesetView, ...]:
    rulesets = [
        RulesetView(
            id=r.id,
            title=r.title,
            version=r.version,
            active=r.active,
            reason=r.reason,
            source=_source_text(r),
            findings=tuple(f for f in findings if f.ruleset == r.id),
            user_set=r.user_set,
        )
        for r in report.rulesets
    ]
    known = {r.id for r in rulesets}
    for orphan in dict.fromkeys(f.ruleset for f in findings if f.ruleset not in known):
        group = tuple(f for f in findings if f.ruleset == orphan)
        rulesets.append(RulesetView(orphan, "", "", True, "", "", group))
    return tuple(rulesets)


def compliance_view(
    protocol: Protocol, report: Report | None, left_out: tuple[str, ...] = ()
) -> ComplianceView:
    """Turn a check report into the appendix view (None: not checked).

    ``left_out`` names the rule sets that apply to the protocol but that the report
    did not check; the view is then a draft and the appendix says so.
    """
    waivers = tuple(_protocol_waivers(protocol))
    if report is None:
        return ComplianceView(False, (), 0, 0, 0, 0, 0, waivers)
    findings = sorted(
        (_with_waiver(f, protocol) for f in report.findings),
        key=lambda f: (SEVERITY_RANK.get(f.severity, 3), f.waived, f.path, f.rule_id),
    )
    summary = report.summary
    return ComplianceView(
        available=True,
        rulesets=_ruleset_views(report, findings),
        errors=summary.errors,
        warnings=summary.warnings,
        infos=summary.infos,
        waived=summary.waived,
        unwaived_errors=sum(1 for f in findings if f.severity == "error" and not f.waived),
        waivers=waivers,
        not_applicable=report.rules_with_outcome("not_applicable"),
        load_problems=tuple(_problem_text(p) for p in report.load_problems),
        unmatched_waivers=tuple(
            UnmatchedWaiverView(
                rule_id=u.rule_id,
                path=u.path or "whole protocol",
                justification=u.justification,
                reason=u.reason,
            )
            for u in report.unmatched_waivers
        ),
        left_out=left_out,
    )
