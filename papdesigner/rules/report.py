"""The check report: what ``papdesigner check --format json`` prints and the GUI and PDF read.

The JSON shape is the contract of DESIGN.md section 4. Fields beyond it (titles,
fix hints, waiver details, load problems) are additions, never renames.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from papdesigner.rules.schema import Provenance, Severity


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProtocolRef(_Frozen):
    """Which protocol was checked."""

    id: str
    title: str
    version: str
    fingerprint: str = Field(
        default="", description="SHA-256 fingerprint of the protocol checked (binds the report)"
    )


class RuleSetStatus(_Frozen):
    """One rule set: whether it applied to this protocol, and why."""

    id: str
    version: str
    active: bool
    reason: str
    title: str = ""
    authority: str = ""
    source_status: str = ""
    origin: str = "shipped"
    rules: int = 0
    user_set: bool = Field(
        default=False, description="Not shipped with papdesigner (user folder or --rules-dir)"
    )
    sha256: str = Field(default="", description="SHA-256 of the rule-set file checked with")
    as_of: str = Field("", description="The day the set's sources were read (ISO date), or blank")
    authority_kind: str = ""


class Clause(_Frozen):
    """One ``require`` clause (or the ``when`` filter) and its value for this element."""

    expr: str
    value: bool | None
    error: str | None = None
    role: Literal["when", "require"] = "require"


class WaiverRef(_Frozen):
    """The waiver that acknowledged a finding."""

    justification: str
    author: str = ""
    date: str | None = None
    path: str | None = None


class Finding(_Frozen):
    """One element that failed one rule."""

    rule_id: str
    ruleset: str
    severity: Severity
    message: str
    path: str
    citation: str
    provenance: Provenance
    waived: bool = False
    clauses: list[Clause] = Field(default_factory=list)
    title: str = ""
    fix: str = ""
    waiver: WaiverRef | None = None
    problems: list[str] = Field(
        default_factory=list, description="Evaluation or message problems (a rule-set bug)"
    )


class Summary(_Frozen):
    """Counts of unwaived findings by severity, and of waived findings."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    waived: int = 0


class LoadProblemRef(_Frozen):
    """A rule set or rule that could not be loaded (so was not checked)."""

    file: str
    line: int | None
    rule_id: str | None
    message: str


UnmatchedWhy = Literal[
    "blank_justification",
    "unknown_rule",
    "rule_retired",
    "ruleset_not_checked",
    "ruleset_inactive",
    "no_finding",
    "no_finding_here",
]
"""Why a waiver matches no finding (the text shown is in ``rules.stale.REASONS``)."""


class UnmatchedWaiver(_Frozen):
    """A waiver of the protocol that matches no finding of this check, and why."""

    index: int = Field(description="Position in protocol.waivers")
    rule_id: str
    path: str | None
    justification: str
    ruleset: str | None = Field(description="The rule set of the rule, None if the id is unknown")
    code: UnmatchedWhy
    reason: str


class RuleNotInForce(_Frozen):
    """A rule of an active set that was not applied because its source is not in force."""

    rule_id: str
    ruleset: str
    title: str
    status: Literal["expired", "not_yet_effective"]
    effective_from: str | None = None
    effective_until: str | None = None


RuleOutcomeKind = Literal["fired", "passed", "not_applicable"]
"""What one rule did: had a finding; applied and had none; selected nothing to check."""


class RuleOutcome(_Frozen):
    """What one in-force rule of an active set did in this check.

    ``not_applicable``: the rule's scope is empty, or its ``when`` is false for every
    element. A ``when`` that cannot be evaluated counts as applying (the engine
    reports such a rule as a finding, never as passed).
    """

    rule_id: str
    ruleset: str
    outcome: RuleOutcomeKind


class Report(_Frozen):
    """The whole result of checking one protocol against the rule sets."""

    protocol: ProtocolRef
    rulesets: list[RuleSetStatus]
    findings: list[Finding]
    summary: Summary
    load_problems: list[LoadProblemRef] = Field(default_factory=list)
    unmatched_waivers: list[UnmatchedWaiver] = Field(default_factory=list)
    checked_on: str = Field("", description="The day of the check (ISO date): rules in force then")
    rules_not_in_force: list[RuleNotInForce] = Field(default_factory=list)
    rule_outcomes: list[RuleOutcome] = Field(
        default_factory=list,
        description="Per rule of the active sets: fired, passed or not applicable "
        "(absent from reports saved before 2026-12)",
    )

    @property
    def has_unwaived_errors(self) -> bool:
        """True when an error-severity finding is not waived (``check`` exits 1)."""
        return self.summary.errors > 0

    def to_json_data(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (the DESIGN.md shape plus additions)."""
        return self.model_dump(mode="json")

    def findings_for(self, ruleset_id: str) -> list[Finding]:
        """Return the findings of one rule set, in report order."""
        return [f for f in self.findings if f.ruleset == ruleset_id]

    def rules_with_outcome(self, outcome: RuleOutcomeKind) -> frozenset[str]:
        """Return the ids of the rules that had this outcome (e.g. ``"not_applicable"``)."""
        return frozenset(o.rule_id for o in self.rule_outcomes if o.outcome == outcome)


def summarise(findings: list[Finding]) -> Summary:
    """Count findings: unwaived ones by severity, waived ones apart."""
    counts = {"error": 0, "warning": 0, "info": 0}
    waived = 0
    for finding in findings:
        if finding.waived:
            waived += 1
        else:
            counts[finding.severity] += 1
    return Summary(
        errors=counts["error"], warnings=counts["warning"], infos=counts["info"], waived=waived
    )
