"""The summary of changes as data (JSON) and as plain text.

Both read the same :class:`Summary`: the two versions with their fingerprints, every change
with its section and plain-language text, the amendment record's reasons and per-change notes
when there is one, and the compliance delta when it was computed. The PDF reads it too.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from papdesigner.diff.amendment import AmendmentRecord, ChangeNote
from papdesigner.diff.changes import Difference, ProtocolDiff
from papdesigner.diff.compliance import ComplianceDelta
from papdesigner.diff.describe import ChangeText, compact_words, describe
from papdesigner.diff.sections import Section
from papdesigner.model.jsonpath import format_path

REPORT_FORMAT = "papdesigner-diff"
REPORT_VERSION = 1
_INLINE = 48
"""Before and after values up to this length are shown on one line with the change."""


@dataclass(frozen=True)
class VersionInfo:
    """One side of the comparison, as a reviewer identifies it."""

    source: str
    protocol_id: str
    title: str
    protocol_number: str
    version: str
    version_date: str
    fingerprint: str

    @classmethod
    def of(cls, data: dict[str, Any], fingerprint: str, source: str) -> VersionInfo:
        """Read the identifying facts from a protocol's JSON data."""
        meta = data.get("metadata") or {}
        return cls(
            source=source,
            protocol_id=str(data.get("id", "")),
            title=str(meta.get("short_title") or meta.get("title") or ""),
            protocol_number=str(meta.get("protocol_number") or ""),
            version=str(meta.get("version") or ""),
            version_date=str(meta.get("version_date") or ""),
            fingerprint=fingerprint,
        )

    @property
    def label(self) -> str:
        """Return "version 1.0 of 2025-03-03"."""
        date = f" of {self.version_date}" if self.version_date else ""
        return f"version {self.version or '?'}{date}"


@dataclass(frozen=True)
class SummaryRow:
    """One change as the summary shows it, with the author's note when there is one."""

    change: Difference
    text: ChangeText
    note: ChangeNote | None = None


@dataclass(frozen=True)
class Summary:
    """Everything a summary of changes shows."""

    a: VersionInfo
    b: VersionInfo
    diff: ProtocolDiff
    sections: list[tuple[Section, list[SummaryRow]]]
    record: AmendmentRecord | None = None
    compliance: ComplianceDelta | None = None
    notes: list[str] = field(default_factory=list)


def build_summary(
    diff: ProtocolDiff,
    *,
    source_a: str = "A",
    source_b: str = "B",
    record: AmendmentRecord | None = None,
    compliance: ComplianceDelta | None = None,
) -> Summary:
    """Describe every change of ``diff`` and group the rows by section."""
    sections = []
    for section, changes in diff.by_section():
        rows = [
            SummaryRow(c, describe(c, diff), record.note(c.key) if record else None)
            for c in changes
        ]
        sections.append((section, rows))
    notes = list(diff.notes)
    if record is not None:
        base = record.base_fingerprint
        if base and base != diff.fingerprint_a:
            notes.append(
                f"Amendment {record.number} was recorded against another version "
                f"(SHA-256 {base[:12]}…) than A."
            )
        stale = record.stale_notes(diff)
        if stale:
            notes.append(
                f"{len(stale)} note(s) of the amendment record name changes that are not in this "
                "comparison: " + ", ".join(n.change for n in stale)
            )
    return Summary(
        a=VersionInfo.of(diff.a, diff.fingerprint_a, source_a),
        b=VersionInfo.of(diff.b, diff.fingerprint_b, source_b),
        diff=diff,
        sections=sections,
        record=record,
        compliance=compliance,
        notes=notes,
    )


# --- JSON ---------------------------------------------------------------------------------


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """Return the summary as JSON data (the ``diff --format json`` output)."""
    counts = summary.diff.counts()
    result: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "format_version": REPORT_VERSION,
        "a": _version_json(summary.a),
        "b": _version_json(summary.b),
        "summary": {
            "changes": len(summary.diff),
            **counts,
            "sections": [s.number for s, _ in summary.sections],
        },
        "changes": [_row_json(section, row) for section, rows in summary.sections for row in rows],
        "notes": summary.notes,
        "amendment": summary.record.model_dump(mode="json") if summary.record else None,
    }
    if summary.compliance is not None:
        result["compliance"] = summary.compliance.to_json()
    return result


def _version_json(info: VersionInfo) -> dict[str, Any]:
    return {
        "source": info.source,
        "id": info.protocol_id,
        "title": info.title,
        "protocol_number": info.protocol_number,
        "version": info.version,
        "version_date": info.version_date or None,
        "fingerprint": info.fingerprint,
    }


def _row_json(section: Section, row: SummaryRow) -> dict[str, Any]:
    change = row.change
    item: dict[str, Any] = {
        "key": change.key,
        "kind": change.kind,
        "path": change.path,
        "path_a": _path(change.path_a),
        "path_b": _path(change.path_b),
        "section": {"number": section.number, "title": section.title, "ncit": section.ncit},
        "what": row.text.what,
        "before": change.before,
        "after": change.after,
        "before_text": row.text.before,
        "after_text": row.text.after,
    }
    if row.text.detail:
        item["detail"] = row.text.detail
    if change.items_added or change.items_removed:
        item["items_added"] = list(change.items_added)
        item["items_removed"] = list(change.items_removed)
    if row.note is not None:
        item["rationale"] = row.note.rationale
        item["substantial"] = row.note.substantial
    return item


def _path(parts: tuple[str | int, ...] | None) -> str | None:
    return None if parts is None else format_path(parts)


# --- text ---------------------------------------------------------------------------------


def summary_to_text(summary: Summary, width: int = 100) -> str:
    """Return the summary as plain text for a terminal or an e-mail."""
    lines = _text_header(summary)
    if summary.record is not None:
        lines += _text_record(summary.record, width)
    counts = summary.diff.counts()
    if not summary.diff:
        same = summary.a.fingerprint == summary.b.fingerprint
        lines.append(
            "No changes: the two versions are identical."
            if same
            else "No changes in protocol content (only the order of lists differs)."
        )
    else:
        lines.append(
            f"{extent_text(summary)}: "
            f"{counts['added']} added, {counts['removed']} removed, {counts['modified']} modified"
        )
    for note in summary.notes:
        lines += _wrap(f"Note: {note}", width, "")
    for section, rows in summary.sections:
        lines.append("")
        lines.append(section.label)
        for row in rows:
            lines += _text_row(row, width)
    if summary.compliance is not None:
        lines.append("")
        for line in summary.compliance.to_text_lines():
            indent = line[: len(line) - len(line.lstrip())]
            lines += _wrap(line.lstrip(), width, indent)
    return "\n".join(lines) + "\n"


def _text_header(summary: Summary) -> list[str]:
    b = summary.b
    name = " ".join(x for x in (b.protocol_number, f"“{b.title}”" if b.title else "") if x)
    lines = [f"Summary of changes: {name}".rstrip(), ""]
    for tag, info in (("A", summary.a), ("B", summary.b)):
        lines.append(f"  {tag}  {info.label}  ({info.source})")
        lines.append(f"     SHA-256 {info.fingerprint}")
    lines.append("")
    return lines


def _text_record(record: AmendmentRecord, width: int) -> list[str]:
    date = f" of {record.date.isoformat()}" if record.date else ""
    flag = "substantial" if record.substantial else "not substantial"
    lines = [f"Amendment {record.number}{date} ({flag})"]
    if record.summary:
        lines += _wrap("Summary: " + record.summary, width, "  ")
    lines.append(f"  Primary reason: {record.primary_reason.text}")
    if record.secondary_reasons:
        lines.append("  Secondary reasons: " + "; ".join(r.text for r in record.secondary_reasons))
    if record.rationale:
        lines += _wrap("Rationale: " + record.rationale, width, "  ")
    for impact in record.impacts:
        mark = " (substantial)" if impact.substantial else ""
        lines += _wrap(f"Impact on {impact.label}{mark}: {impact.text}", width, "  ")
    if record.scope != "global":
        lines.append(f"  Scope: {record.scope} {', '.join(record.scope_codes)}")
    lines.append("")
    return lines


_MARKS = {"added": "+", "removed": "-", "modified": "~"}


def _text_row(row: SummaryRow, width: int) -> list[str]:
    text = row.text
    mark = _MARKS[row.change.kind]
    flag = "  [substantial]" if row.note is not None and row.note.substantial else ""
    short = len(text.before) <= _INLINE and len(text.after) <= _INLINE
    if text.detail:
        lines = _wrap(f"{mark} {text.what}: {text.detail}{flag}", width, "  ")
    elif row.change.kind == "modified" and short and "\n" not in text.before + text.after:
        lines = _wrap(f"{mark} {text.what}: {text.before} → {text.after}{flag}", width, "  ")
    else:
        lines = _wrap(f"{mark} {text.what}{flag}", width, "  ")
        if text.words:
            lines += _wrap(compact_words(text.words), width, "      ")
        else:
            if text.before:
                lines += _wrap(("before: " if text.after else "") + text.before, width, "      ")
            if text.after:
                lines += _wrap(("after:  " if text.before else "") + text.after, width, "      ")
    if row.note is not None and row.note.rationale:
        lines += _wrap("Reason: " + row.note.rationale, width, "      ")
    return lines


def _wrap(text: str, width: int, indent: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        out += textwrap.wrap(
            paragraph,
            width=width,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=True,
            break_on_hyphens=False,
        ) or [indent]
    return out


def extent_text(summary: Summary) -> str:
    """ "1 change in 1 section", "4 changes in 2 sections": the size of an amendment."""
    changes, sections = len(summary.diff), len(summary.sections)
    return (
        f"{changes} change{'' if changes == 1 else 's'} in "
        f"{sections} section{'' if sections == 1 else 's'}"
    )
