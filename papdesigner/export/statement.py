"""The compliance statement of an exported PDF: which rule sets, which result, what was left out.

The PDF prints its compliance status (Appendix A, the DRAFT mark); this statement is the
same status as data, recorded in the PDF's document information
(``/PapdesignerCompliance``, covered by the document digest), so that
``papdesigner verify`` can re-check it: it runs the check again with the rule sets
named here (same ids, versions and file digests) and compares the result, and it
recomputes which applicable shipped sets the export left out. A PDF made from a
doctored report, a ``--ruleset`` subset presented as the whole, or a template that
changed what is printed, therefore fails verification.

Reports are bound to a protocol by its fingerprint: :func:`bind_report` refuses a
saved report made for another version of the protocol, with other rule sets, or
whose findings differ from a fresh check (it returns the fresh check).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from papdesigner.model.fileformat import fingerprint
from papdesigner.model.protocol import Protocol

if TYPE_CHECKING:
    from papdesigner.rules import Catalogue, Report

STATEMENT_FORMAT = 1
MAX_STATEMENT_CHARS = 200_000
"""A statement longer than this is not one papdesigner wrote (a few hundred sets at most)."""
SUMMARY_KEYS = ("errors", "warnings", "infos", "waived")


class ReportBindingError(ValueError):
    """A saved report that does not belong to this protocol and these rule sets (one line)."""


@dataclass(frozen=True)
class CheckedSet:
    """One rule set the export's check covered."""

    id: str
    version: str
    active: bool
    user_set: bool
    sha256: str


@dataclass(frozen=True)
class Statement:
    """What the PDF states about compliance."""

    rulesets: tuple[CheckedSet, ...]
    left_out: tuple[str, ...]
    summary: Mapping[str, int]

    @property
    def unwaived_errors(self) -> int:
        """Error findings that no waiver acknowledges."""
        return int(self.summary.get("errors", 0))

    @property
    def draft(self) -> bool:
        """Unwaived errors remain, or rule sets that apply were not checked."""
        return self.unwaived_errors > 0 or bool(self.left_out)

    def to_json(self) -> str:
        """Compact JSON, as recorded in the PDF."""
        data = {
            "format": STATEMENT_FORMAT,
            "rulesets": [
                {
                    "id": s.id,
                    "version": s.version,
                    "active": s.active,
                    "user_set": s.user_set,
                    "sha256": s.sha256,
                }
                for s in self.rulesets
            ],
            "left_out": list(self.left_out),
            "summary": {k: int(self.summary.get(k, 0)) for k in SUMMARY_KEYS},
        }
        return json.dumps(data, separators=(",", ":"), sort_keys=True)


def statement_from_json(text: str) -> Statement:
    """Parse a recorded statement; raise ValueError when it is not one papdesigner wrote."""
    if len(text) > MAX_STATEMENT_CHARS:
        msg = "the recorded compliance statement is too long"
        raise ValueError(msg)
    try:
        data = json.loads(text)
        if data.get("format") != STATEMENT_FORMAT:
            msg = "unknown compliance statement format"
            raise ValueError(msg)
        rulesets = tuple(
            CheckedSet(
                str(r["id"]), str(r["version"]), bool(r["active"]), bool(r["user_set"]), r["sha256"]
            )
            for r in data["rulesets"]
        )
        summary = {k: int(data["summary"][k]) for k in SUMMARY_KEYS}
        left_out = tuple(str(i) for i in data["left_out"])
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        msg = "the recorded compliance statement cannot be read"
        raise ValueError(msg) from None
    return Statement(rulesets, left_out, summary)


def statement_of(report: Report, left_out: Iterable[str]) -> Statement:
    """The statement of a check report and the applicable sets it left out."""
    rulesets = tuple(
        CheckedSet(s.id, s.version, s.active, s.user_set, s.sha256) for s in report.rulesets
    )
    return Statement(rulesets, tuple(sorted(left_out)), report.summary.model_dump())


def saved_statement(report: Mapping[str, Any]) -> Statement:
    """The statement of a saved report's JSON (read leniently: it is compared, not trusted)."""
    rulesets = tuple(
        CheckedSet(
            str(r.get("id", "")),
            str(r.get("version", "")),
            bool(r.get("active")),
            bool(r.get("user_set")),
            str(r.get("sha256", "")),
        )
        for r in report.get("rulesets") or ()
        if isinstance(r, Mapping)
    )
    summary_data = report.get("summary")
    summary = summary_data if isinstance(summary_data, Mapping) else {}
    counts = {k: _count(summary.get(k)) for k in SUMMARY_KEYS}
    return Statement(rulesets, (), counts)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def applicable_left_out(
    protocol: Protocol, checked: Iterable[str], catalogue: Catalogue
) -> tuple[str, ...]:
    """The ids of the catalogue's sets that apply to ``protocol`` but are not in ``checked``."""
    from papdesigner.rules import applicable_rulesets

    done = {i.upper() for i in checked}
    rest = [s.id for s in catalogue.rulesets if s.id not in done]
    if not rest:
        return ()
    return tuple(sorted(applicable_rulesets(protocol, catalogue, among=rest)))


def report_fingerprint(report: Mapping[str, Any]) -> str:
    """The protocol fingerprint a report records ("" for reports without one)."""
    ref = report.get("protocol")
    return str(ref.get("fingerprint") or "") if isinstance(ref, Mapping) else ""


def bind_report(protocol: Protocol, saved: Mapping[str, Any], catalogue: Catalogue) -> Report:
    """Return a fresh check that reproduces ``saved``, or raise :class:`ReportBindingError`.

    The saved report must name this protocol's fingerprint, rule sets the catalogue
    holds in the same version and file digest, and the very findings and counts a
    check of the protocol with those sets gives.
    """
    from papdesigner.rules import check

    recorded = report_fingerprint(saved)
    actual = fingerprint(protocol)
    if not recorded:
        msg = "the report does not name the protocol it checked (no fingerprint); check again"
        raise ReportBindingError(msg)
    if recorded != actual:
        msg = (
            f"the report is for another version of the protocol (fingerprint "
            f"{recorded[:16]}…, protocol {actual[:16]}…); check again"
        )
        raise ReportBindingError(msg)
    stated = saved_statement(saved)
    if not stated.rulesets:
        msg = "the report names no rule set"
        raise ReportBindingError(msg)
    for checked in stated.rulesets:
        problem = ruleset_mismatch(checked, catalogue)
        if problem:
            raise ReportBindingError(problem)
    fresh = check(protocol, [s.id for s in stated.rulesets], catalogue=catalogue)
    outcomes = "rule_outcomes" in saved  # reports saved before 2026-12 have none
    if _comparable(fresh.to_json_data(), outcomes) != _comparable(saved, outcomes):
        msg = (
            "the report's findings differ from a check of this protocol with the same rule sets "
            "(edited after it was made?); check again"
        )
        raise ReportBindingError(msg)
    return fresh


def ruleset_mismatch(checked: CheckedSet, catalogue: Catalogue) -> str | None:
    """Why the catalogue cannot reproduce a check with ``checked`` (None when it can)."""
    loaded = catalogue.get(checked.id)
    if loaded is None:
        return f"rule set {checked.id} is not loaded here (give its folder with --rules-dir)"
    if loaded.spec.version != checked.version:
        return (
            f"rule set {checked.id} is version {loaded.spec.version} here, "
            f"not version {checked.version}"
        )
    if checked.sha256 and loaded.sha256 != checked.sha256:
        return f"rule set {checked.id} version {checked.version} has other contents here"
    if checked.user_set != loaded.user_set:
        kind = "a user rule set" if loaded.user_set else "a shipped rule set"
        return f"rule set {checked.id} is {kind} here"
    return None


def _comparable(report: Mapping[str, Any], outcomes: bool) -> Any:
    """What must be equal between a saved report and a fresh check: sets, findings, counts
    and, with ``outcomes``, what each rule did (fired, passed, not applicable)."""
    sets = [
        (str(r.get("id")), bool(r.get("active")))
        for r in report.get("rulesets") or ()
        if isinstance(r, Mapping)
    ]
    findings = [
        (
            str(f.get("rule_id")),
            str(f.get("ruleset")),
            str(f.get("severity")),
            str(f.get("path")),
            str(f.get("message")),
            bool(f.get("waived")),
        )
        for f in report.get("findings") or ()
        if isinstance(f, Mapping)
    ]
    summary = report.get("summary")
    counts = [_count(summary.get(k)) if isinstance(summary, Mapping) else 0 for k in SUMMARY_KEYS]
    did = [
        (str(o.get("rule_id")), str(o.get("ruleset")), str(o.get("outcome")))
        for o in (report.get("rule_outcomes") or () if outcomes else ())
        if isinstance(o, Mapping)
    ]
    return sets, findings, counts, did
