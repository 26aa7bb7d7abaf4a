"""The compliance delta of an amendment: rule findings introduced and resolved by it.

Findings of the two versions are matched by rule and place. The place is compared by identity
(the finding's path turned into element keys in its own version), so a finding on the session
``integ2`` is the same finding in A and B even when a session inserted before it moved it from
``$.sessions[5]`` to ``$.sessions[6]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from papdesigner.diff.changes import ProtocolDiff
from papdesigner.diff.describe import place_name
from papdesigner.diff.structure import key_of_steps, steps_for_path
from papdesigner.model.jsonpath import parse_path
from papdesigner.rules.schema import SEVERITY_RANK

if TYPE_CHECKING:
    from papdesigner.model.protocol import Protocol
    from papdesigner.rules import Finding, Report


@dataclass(frozen=True)
class FindingDelta:
    """One finding that differs between the versions, located in the version it belongs to."""

    rule_id: str
    ruleset: str
    severity: str
    message: str
    path: str
    place: str
    citation: str
    provenance: str
    waived: bool

    def to_json(self) -> dict[str, Any]:
        """Return the finding as JSON data."""
        return {
            "rule_id": self.rule_id,
            "ruleset": self.ruleset,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "place": self.place,
            "citation": self.citation,
            "provenance": self.provenance,
            "waived": self.waived,
        }


@dataclass(frozen=True)
class ComplianceDelta:
    """Findings introduced, resolved, newly waived and unwaived; rule sets turned on and off."""

    counts_a: dict[str, int]
    counts_b: dict[str, int]
    introduced: list[FindingDelta] = field(default_factory=list)
    resolved: list[FindingDelta] = field(default_factory=list)
    waived: list[FindingDelta] = field(default_factory=list)
    unwaived: list[FindingDelta] = field(default_factory=list)
    rulesets_on: list[str] = field(default_factory=list)
    rulesets_off: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        """True when the amendment changes nothing in the compliance report."""
        return not (
            self.introduced
            or self.resolved
            or self.waived
            or self.unwaived
            or self.rulesets_on
            or self.rulesets_off
        )

    def to_json(self) -> dict[str, Any]:
        """Return the delta as JSON data (the ``compliance`` member of ``diff --format json``)."""
        return {
            "a": self.counts_a,
            "b": self.counts_b,
            "introduced": [f.to_json() for f in self.introduced],
            "resolved": [f.to_json() for f in self.resolved],
            "waived": [f.to_json() for f in self.waived],
            "unwaived": [f.to_json() for f in self.unwaived],
            "rulesets_on": self.rulesets_on,
            "rulesets_off": self.rulesets_off,
            "unchanged": self.unchanged,
        }

    def to_text_lines(self) -> list[str]:
        """Return the delta as lines of the text summary."""
        lines = [
            "Compliance: findings of the rule sets",
            f"  A: {counts_text(self.counts_a)}",
            f"  B: {counts_text(self.counts_b)}",
        ]
        if self.empty:
            lines.append("  No finding introduced or resolved by this amendment.")
        for title, items in (
            ("Rule sets turned on", self.rulesets_on),
            ("Rule sets turned off", self.rulesets_off),
        ):
            if items:
                lines.append(f"  {title}: {', '.join(items)}")
        for title, mark, findings in (
            ("Introduced in B", "!", self.introduced),
            ("Resolved in B", "✓", self.resolved),
            ("Waived in B", "w", self.waived),
            ("Waiver withdrawn in B", "!", self.unwaived),
        ):
            if findings:
                lines.append(f"  {title} ({len(findings)}):")
                lines += [f"    {mark} {_finding_text(f)}" for f in findings]
        return lines


def counts_text(counts: dict[str, int]) -> str:
    """ "1 error, 2 warnings, 0 infos, 1 waived": the counts of one side, as words."""
    words = [
        f"{counts[key]} {noun if counts[key] == 1 else noun + 's'}"
        for key, noun in (("errors", "error"), ("warnings", "warning"), ("infos", "info"))
    ]
    return ", ".join([*words, f"{counts['waived']} waived"])


def _finding_text(f: FindingDelta) -> str:
    return f"{f.severity} {f.rule_id} at {f.place}: {f.message} [{f.citation}]"


def _identity(finding: Finding, data: dict[str, Any]) -> tuple[str, str]:
    try:
        parts = parse_path(finding.path)
    except ValueError:
        return finding.rule_id, finding.path
    return finding.rule_id, key_of_steps(steps_for_path(data, parts))


def _delta(finding: Finding, data: dict[str, Any]) -> FindingDelta:
    try:
        place = place_name(steps_for_path(data, parse_path(finding.path)), data)
    except ValueError:
        place = finding.path
    return FindingDelta(
        rule_id=finding.rule_id,
        ruleset=finding.ruleset,
        severity=finding.severity,
        message=finding.message,
        path=finding.path,
        place=place,
        citation=finding.citation,
        provenance=finding.provenance,
        waived=finding.waived,
    )


def _ordered(findings: Iterable[FindingDelta]) -> list[FindingDelta]:
    return sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.rule_id, f.path))


def compliance_delta(diff: ProtocolDiff, report_a: Report, report_b: Report) -> ComplianceDelta:
    """Compare the rule reports of the two versions of ``diff``."""
    in_a = {_identity(f, diff.a): f for f in report_a.findings}
    in_b = {_identity(f, diff.b): f for f in report_b.findings}
    introduced = [_delta(f, diff.b) for k, f in in_b.items() if k not in in_a]
    resolved = [_delta(f, diff.a) for k, f in in_a.items() if k not in in_b]
    both = [(in_a[k], f) for k, f in in_b.items() if k in in_a]
    waived = [_delta(b, diff.b) for a, b in both if b.waived and not a.waived]
    unwaived = [_delta(b, diff.b) for a, b in both if a.waived and not b.waived]
    active_a = {r.id for r in report_a.rulesets if r.active}
    active_b = {r.id for r in report_b.rulesets if r.active}
    return ComplianceDelta(
        counts_a=report_a.summary.model_dump(),
        counts_b=report_b.summary.model_dump(),
        introduced=_ordered(introduced),
        resolved=_ordered(resolved),
        waived=_ordered(waived),
        unwaived=_ordered(unwaived),
        rulesets_on=sorted(active_b - active_a),
        rulesets_off=sorted(active_a - active_b),
        unchanged=len(both) - len(waived) - len(unwaived),
    )


def check_delta(diff: ProtocolDiff, a: Protocol, b: Protocol) -> ComplianceDelta:
    """Check both versions against every shipped and user rule set and compare the reports."""
    from papdesigner.rules import check

    return compliance_delta(diff, check(a), check(b))
