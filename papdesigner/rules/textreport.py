"""Plain-text rendering of a check report, grouped by rule set and severity.

Used by ``papdesigner check --format text``. Colour is applied only through a
:class:`Style` the caller picks (ANSI on a terminal, nothing otherwise), so the
same text is testable and pipe-friendly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from papdesigner.model.labels import humanize, path_place
from papdesigner.rules.report import Clause, Finding, Report, RuleSetStatus

_GROUPS = (("error", "errors"), ("warning", "warnings"), ("info", "infos"))


@dataclass(frozen=True)
class Style:
    """How to emphasise text; the default adds nothing."""

    ansi: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.ansi else text

    def severity(self, severity: str, text: str) -> str:
        """Colour by severity: red errors, yellow warnings, blue infos."""
        return self._wrap({"error": "1;31", "warning": "1;33", "info": "1;34"}[severity], text)

    def bold(self, text: str) -> str:
        """Emphasise a heading."""
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        """De-emphasise secondary text (citations, inactive sets, waived findings)."""
        return self._wrap("2", text)


def render_report(report: Report, source: str, style: Style | None = None) -> str:
    """Return the whole report as text, ending with a newline."""
    style = style or Style()
    lines = [style.bold(f"{source}: {report.protocol.title or '(untitled)'}")]
    lines.append(f"  version {report.protocol.version}, id {report.protocol.id}")
    lines.append("")
    lines.append("Rule sets:")
    lines.extend(_ruleset_line(s, style) for s in report.rulesets)
    for status in report.rulesets:
        findings = report.findings_for(status.id)
        if findings:
            lines.append("")
            lines.extend(_ruleset_section(status, findings, style))
    for problem in report.load_problems:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        rule = f" rule {problem.rule_id}:" if problem.rule_id else ""
        lines.append(style.dim(f"not loaded: {where}:{rule} {problem.message}"))
    lines.extend(_unmatched_section(report))
    for lapsed in report.rules_not_in_force:
        when = lapsed.effective_until or lapsed.effective_from
        word = "expired on" if lapsed.status == "expired" else "in force from"
        lines.append(style.dim(f"not applied: {lapsed.rule_id} {lapsed.title} ({word} {when})"))
    lines.append("")
    lines.append(_summary_line(report, style))
    return "\n".join(lines) + "\n"


def _ruleset_line(status: RuleSetStatus, style: Style) -> str:
    mark = "active  " if status.active else "inactive"
    as_of = f" (sources as of {status.as_of})" if status.as_of else ""
    text = f"  {mark} {status.id} {status.version}{user_label(status)}{as_of}: {status.reason}"
    return text if status.active else style.dim(text)


def user_label(status: RuleSetStatus) -> str:
    """ " (user rule set)" for a set papdesigner does not ship; a look-alike id is not official."""
    return " (user rule set)" if status.user_set else ""


def _ruleset_section(status: RuleSetStatus, findings: list[Finding], style: Style) -> Iterator[str]:
    yield style.bold(f"{status.id}{user_label(status)}: {status.title}")
    for severity, plural in _GROUPS:
        group = [f for f in findings if f.severity == severity and not f.waived]
        if group:
            yield style.severity(severity, f"  {plural} ({len(group)})")
            for finding in group:
                yield from _finding_lines(finding, style)
    waived = [f for f in findings if f.waived]
    if waived:
        yield style.dim(f"  waived ({len(waived)})")
        for finding in waived:
            yield from (style.dim(line) for line in _finding_lines(finding, Style()))


def _finding_lines(finding: Finding, style: Style) -> Iterator[str]:
    # Labels first (the place, the message without paths or codes); the JSON path and
    # the rule's clauses follow as detail lines for whoever edits the file by hand.
    yield f"    {style.severity(finding.severity, finding.rule_id)} {path_place(finding.path)}"
    yield f"      {humanize(finding.message)}"
    if finding.waiver is not None:
        yield f"      waived: {finding.waiver.justification}"
    elif finding.fix:
        yield f"      fix: {humanize(finding.fix)}"
    yield style.dim(f"      source: {finding.citation} [{finding.provenance}]")
    yield style.dim(f"      at: {finding.path}")
    for clause in finding.clauses:
        yield f"        {_clause_text(clause)}"
    for problem in finding.problems:
        yield f"      rule-set problem: {problem}"


def _unmatched_section(report: Report) -> Iterator[str]:
    """Waivers that match no finding: not an error, but a reader should not trust them."""
    if not report.unmatched_waivers:
        return
    yield ""
    yield f"Waivers that match no finding ({len(report.unmatched_waivers)}):"
    for waiver in report.unmatched_waivers:
        where = path_place(waiver.path) if waiver.path is not None else "whole protocol"
        detail = f" (at {waiver.path})" if waiver.path is not None else ""
        yield f"  waiver {waiver.index + 1} {waiver.rule_id} {where}{detail}: {waiver.reason}"


def _clause_text(clause: Clause) -> str:
    value = "error" if clause.error else ("true " if clause.value else "false")
    label = "when " if clause.role == "when" else ""
    suffix = f"  ({clause.error})" if clause.error else ""
    expr = " ".join(clause.expr.split())  # a folded YAML expression, on one line
    return f"{value} {label}{expr}{suffix}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _summary_line(report: Report, style: Style) -> str:
    s = report.summary
    parts = [
        style.severity("error", _plural(s.errors, "error")) if s.errors else "0 errors",
        style.severity("warning", _plural(s.warnings, "warning")) if s.warnings else "0 warnings",
        _plural(s.infos, "info"),
        f"{s.waived} waived",
    ]
    active = sum(1 for r in report.rulesets if r.active)
    return f"Summary: {', '.join(parts)} ({active} of {len(report.rulesets)} rule sets active)"
