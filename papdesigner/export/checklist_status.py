"""The status of every checklist row, from the same check report as the compliance appendix.

One source of truth: an item that has a completeness rule (SP13-*, SP25-*, RSP-*)
takes its status from the report of that rule set, exactly as Appendix A prints it:

* a finding of one of the item's rules (waived or not) -> ``not_addressed``;
* the rule set is not active for the protocol, or every rule of the item does not
  apply (empty scope, ``when`` false: the report's per-rule outcome
  ``not_applicable``, decided by the rule engine) -> ``not_applicable``;
* otherwise -> ``addressed``, with the page where the PDF prints it.

An item without a rule keeps the export's own field mapping
(:func:`papdesigner.export.checklists.item_places`). When the report does not
cover the checklist's rule set at all (a check restricted with ``--ruleset``), the
whole checklist falls back to the mapping and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from papdesigner.export.checklists import (
    CHECKLIST_IDS,
    Checklist,
    ChecklistItem,
    item_places,
    load_checklists,
)
from papdesigner.export.compliance import ComplianceView, RulesetView
from papdesigner.model.catalogues import narrative_sections
from papdesigner.model.protocol import Protocol

Status = Literal["addressed", "not_addressed", "not_applicable"]
State = Literal["checked", "not_applicable", "not_checked"]


@dataclass(frozen=True)
class ChecklistRow:
    """An item as it applies to one protocol."""

    item: ChecklistItem
    status: Status
    keys: tuple[str, ...] = ()
    """Headings that print the item, in citing order (only for addressed items)."""
    rule_ids: tuple[str, ...] = ()
    """The item's rules with a finding (not addressed) in report order."""
    waived: bool = False
    """True when every finding of the item is waived."""
    by_rule: bool = False
    """True when the status comes from the check report, False from the field mapping."""

    @property
    def has_content(self) -> bool:
        """True when the item is addressed (the row then cites sections and a page)."""
        return self.status == "addressed"


@dataclass(frozen=True)
class ChecklistView:
    """A checklist resolved against one protocol and its check report."""

    checklist: Checklist
    rows: tuple[ChecklistRow, ...]
    state: State
    reason: str = ""
    """Why the checklist does not apply, or why it was not checked (from the report)."""

    def count(self, status: Status) -> int:
        """How many rows have ``status``."""
        return sum(1 for r in self.rows if r.status == status)

    @property
    def addressed(self) -> int:
        """How many items the protocol addresses."""
        return self.count("addressed")

    @property
    def by_rule(self) -> int:
        """How many rows take their status from a rule."""
        return sum(1 for r in self.rows if r.by_rule)


def narrative_keys(protocol: Protocol) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per checklist id and item number: heading keys of the filled free-text sections."""
    items: dict[str, dict[str, tuple[str, ...]]] = {c: {} for c in CHECKLIST_IDS}
    for entry in narrative_sections():
        if not protocol.narrative.get(entry.key(), "").strip():
            continue
        heading = (f"narrative.{entry.key()}",)
        for checklist_id, numbers in (
            ("spirit2013", entry.spirit2013),
            ("spirit2025", entry.spirit2025),
            ("respct2025", tuple(str(n) for n in entry.respct)),
        ):
            for number in numbers:
                items[checklist_id][number] = items[checklist_id].get(number, ()) + heading
    return items


def _mapping_rows(
    protocol: Protocol, checklist: Checklist, narrative: Mapping[str, tuple[str, ...]]
) -> tuple[ChecklistRow, ...]:
    rows = []
    for item in checklist.items:
        places = item_places(protocol, item, narrative.get(item.no, ()))
        if places.mapped:
            rows.append(ChecklistRow(item, "addressed", places.keys))
        else:
            rows.append(ChecklistRow(item, "not_addressed"))
    return tuple(rows)


def _rules_by_item(checklist: Checklist, rule_ids: set[str]) -> dict[str, list[str]]:
    by_item: dict[str, list[str]] = {}
    for rule_id in sorted(rule_ids):
        number = checklist.item_of_rule(rule_id)
        if number is not None:
            by_item.setdefault(number, []).append(rule_id)
    return by_item


def _ruleset_rule_ids(ruleset_id: str) -> set[str]:
    from papdesigner.rules import default_catalogue

    ruleset = default_catalogue().get(ruleset_id)
    return {r.spec.id for r in ruleset.active_rules} if ruleset is not None else set()


def _checked_rows(
    protocol: Protocol,
    checklist: Checklist,
    ruleset: RulesetView,
    narrative: Mapping[str, tuple[str, ...]],
    skipped: frozenset[str],
) -> tuple[ChecklistRow, ...]:
    """Rows of a checklist whose rule set ran: status from the findings, place from the mapping."""
    findings: dict[str, list[tuple[str, bool]]] = {}
    for f in ruleset.findings:
        number = checklist.item_of_rule(f.rule_id)
        if number is not None:
            findings.setdefault(number, []).append((f.rule_id, f.waived))
    known = _ruleset_rule_ids(ruleset.id) | {f.rule_id for f in ruleset.findings}
    rules = _rules_by_item(checklist, known)
    rows = []
    for item in checklist.items:
        places = item_places(protocol, item, narrative.get(item.no, ()))
        item_rules = rules.get(item.no)
        if not item_rules:
            status: Status = "addressed" if places.mapped else "not_addressed"
            rows.append(ChecklistRow(item, status, places.keys if places.mapped else ()))
        elif item.no in findings:
            hits = findings[item.no]
            # The item's own rule first, then its second checks (SP13-30, SP13-30-COMPENSATION).
            rule_ids = tuple(sorted({r for r, _ in hits}, key=lambda r: (r.count("-"), r)))
            waived = all(w for _, w in hits)
            rows.append(ChecklistRow(item, "not_addressed", (), rule_ids, waived, by_rule=True))
        elif all(r in skipped for r in item_rules):
            rows.append(ChecklistRow(item, "not_applicable", by_rule=True))
        else:
            rows.append(ChecklistRow(item, "addressed", places.keys, by_rule=True))
    return tuple(rows)


def checklist_view(
    protocol: Protocol,
    checklist: Checklist,
    compliance: ComplianceView,
    narrative: Mapping[str, tuple[str, ...]],
    skipped: frozenset[str] = frozenset(),
) -> ChecklistView:
    """Resolve one checklist against the protocol and the compliance view of its report.

    ``skipped`` holds the ids of rules that do not apply to the protocol
    (the report's ``not_applicable`` outcomes, :attr:`ComplianceView.not_applicable`).
    """
    ruleset = next((r for r in compliance.rulesets if r.id == checklist.ruleset), None)
    if ruleset is None or not checklist.ruleset:
        reason = (
            f"rule set {checklist.ruleset} was not part of the check"
            if compliance.available and checklist.ruleset
            else "no compliance check was run for this export"
        )
        return ChecklistView(
            checklist, _mapping_rows(protocol, checklist, narrative), "not_checked", reason
        )
    if not ruleset.active:
        rows = tuple(ChecklistRow(i, "not_applicable", by_rule=True) for i in checklist.items)
        return ChecklistView(checklist, rows, "not_applicable", ruleset.reason)
    rows = _checked_rows(protocol, checklist, ruleset, narrative, skipped)
    return ChecklistView(checklist, rows, "checked", ruleset.reason)


def checklist_views(protocol: Protocol, compliance: ComplianceView) -> tuple[ChecklistView, ...]:
    """Every shipped checklist resolved against ``protocol``, in appendix order."""
    checklists = load_checklists()
    narrative = narrative_keys(protocol)
    skipped = compliance.not_applicable
    return tuple(
        checklist_view(protocol, c, compliance, narrative.get(c.id, {}), skipped)
        for c in checklists
    )
