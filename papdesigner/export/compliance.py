"""The compliance appendix: a typed view of a check report (DESIGN.md section 4 JSON shape).

The report comes from :func:`papdesigner.rules.check` (as its JSON form) or from a
saved ``papdesigner check --format json`` output; waivers are joined from the
protocol so the appendix prints each justification next to its finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from papdesigner.model.protocol import Protocol
from papdesigner.rules.schema import SEVERITY_RANK


@dataclass(frozen=True)
class Clause:
    """One clause of a rule's check and its truth value for the finding."""

    expr: str
    value: str


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
class FindingView:
    """A finding as printed: message, where, why (citation, provenance) and any waiver."""

    rule_id: str
    ruleset: str
    severity: str
    message: str
    path: str
    citation: str
    provenance: str
    waived: bool
    clauses: tuple[Clause, ...]
    waiver: WaiverView | None


@dataclass(frozen=True)
class RulesetView:
    """One rule set of the report, active or not, with its findings."""

    id: str
    title: str
    version: str
    active: bool
    reason: str
    source: str
    findings: tuple[FindingView, ...]
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


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _waiver_view(rule_id: str, raw: Mapping[str, Any]) -> WaiverView:
    return WaiverView(
        rule_id=rule_id,
        path=_text(raw.get("path")) or "whole protocol",
        justification=_text(raw.get("justification")),
        author=_text(raw.get("author")),
        date=_text(raw.get("date")),
    )


def _protocol_waivers(protocol: Protocol) -> list[WaiverView]:
    return [_waiver_view(w.rule_id, w.model_dump(mode="json")) for w in protocol.waivers]


def _waiver_for(finding: Mapping[str, Any], waivers: list[WaiverView]) -> WaiverView | None:
    rule_id = _text(finding.get("rule_id"))
    if isinstance(finding.get("waiver"), Mapping):
        return _waiver_view(rule_id, finding["waiver"])
    path = _text(finding.get("path"))
    exact = [w for w in waivers if w.rule_id == rule_id and w.path == path]
    if exact:
        return exact[0]
    return next((w for w in waivers if w.rule_id == rule_id and w.path == "whole protocol"), None)


def _unmatched(report: Mapping[str, Any]) -> tuple[UnmatchedWaiverView, ...]:
    """The report's waivers that match no finding (absent from reports saved before 2026-11)."""
    return tuple(
        UnmatchedWaiverView(
            rule_id=_text(raw.get("rule_id")),
            path=_text(raw.get("path")) or "whole protocol",
            justification=_text(raw.get("justification")),
            reason=_text(raw.get("reason")),
        )
        for raw in report.get("unmatched_waivers") or ()
        if isinstance(raw, Mapping)
    )


def _source_text(ruleset: Mapping[str, Any]) -> str:
    parts = [_text(ruleset.get(k)) for k in ("authority", "source_status")]
    as_of = _text(ruleset.get("as_of"))
    if as_of:
        parts.append(f"sources as of {as_of}")  # issue 10: the day the sources were read
    return ", ".join(p for p in parts if p)


def _finding(raw: Mapping[str, Any], waivers: list[WaiverView]) -> FindingView:
    clauses = tuple(
        Clause(_text(c.get("expr")), _text(c.get("value")))
        for c in raw.get("clauses") or ()
        if isinstance(c, Mapping)
    )
    waived = bool(raw.get("waived"))
    return FindingView(
        rule_id=_text(raw.get("rule_id")),
        ruleset=_text(raw.get("ruleset")),
        severity=_text(raw.get("severity")) or "info",
        message=_text(raw.get("message")),
        path=_text(raw.get("path")) or "$",
        citation=_text(raw.get("citation")),
        provenance=_text(raw.get("provenance")),
        waived=waived,
        clauses=clauses,
        waiver=_waiver_for(raw, waivers) if waived else None,
    )


def compliance_view(
    protocol: Protocol, report: Mapping[str, Any] | None, left_out: tuple[str, ...] = ()
) -> ComplianceView:
    """Turn a JSON-shaped check report into the appendix view (None: not checked).

    ``left_out`` names the rule sets that apply to the protocol but that the report
    did not check; the view is then a draft and the appendix says so.
    """
    if report is None:
        return ComplianceView(False, (), 0, 0, 0, 0, 0, tuple(_protocol_waivers(protocol)))
    waivers = _protocol_waivers(protocol)
    findings = [
        _finding(f, waivers) for f in report.get("findings") or () if isinstance(f, Mapping)
    ]
    findings.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 3), f.waived, f.path, f.rule_id))
    rulesets = []
    for raw in report.get("rulesets") or ():
        if not isinstance(raw, Mapping):
            continue
        ruleset_id = _text(raw.get("id"))
        rulesets.append(
            RulesetView(
                id=ruleset_id,
                title=_text(raw.get("title")),
                version=_text(raw.get("version")),
                active=bool(raw.get("active")),
                reason=_text(raw.get("reason")),
                source=_source_text(raw),
                findings=tuple(f for f in findings if f.ruleset == ruleset_id),
                user_set=bool(raw.get("user_set")),
            )
        )
    known = {r.id for r in rulesets}
    for orphan in dict.fromkeys(f.ruleset for f in findings if f.ruleset not in known):
        group = tuple(f for f in findings if f.ruleset == orphan)
        rulesets.append(RulesetView(orphan, "", "", True, "", "", group))
    summary = report.get("summary") or {}
    return ComplianceView(
        available=True,
        rulesets=tuple(rulesets),
        errors=int(summary.get("errors", 0)),
        warnings=int(summary.get("warnings", 0)),
        infos=int(summary.get("infos", 0)),
        waived=int(summary.get("waived", 0)),
        unwaived_errors=sum(1 for f in findings if f.severity == "error" and not f.waived),
        waivers=tuple(waivers),
        load_problems=tuple(
            f"{_text(lp.get('file'))}"
            + (f" line {lp['line']}" if lp.get("line") else "")
            + (f" rule {lp['rule_id']}" if lp.get("rule_id") else "")
            + f": {_text(lp.get('message'))}"
            for lp in report.get("load_problems") or ()
            if isinstance(lp, Mapping)
        ),
        unmatched_waivers=_unmatched(report),
        left_out=left_out,
    )
