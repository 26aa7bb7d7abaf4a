"""The summary of changes as HTML for the GUI's compare view (Qt's rich-text subset).

Two columns side by side, A and B, one row per change under its section heading: added
elements on green, removed ones on red, changed values on amber, long texts with deleted words
struck through and inserted words underlined. Each row carries an anchor named after the
change's key, and its "what" links to ``jump:<JSON path>`` so the view can take the user to
the field. User text is escaped: it is shown as typed, never as markup.
"""

from __future__ import annotations

from html import escape

from papdesigner.diff.compliance import counts_text
from papdesigner.diff.describe import ChangeText
from papdesigner.diff.report import Summary, SummaryRow, extent_text

ADDED = "#E3F4E1"
REMOVED = "#FBE3E4"
MODIFIED = "#FFF4D6"
INSERTED_INK = "#1B6E20"
DELETED_INK = "#B00020"
_ROW_FILL = {"added": ADDED, "removed": REMOVED, "modified": MODIFIED}
JUMP_SCHEME = "jump:"


def _t(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def summary_to_html(summary: Summary) -> str:
    """Return the whole compare view: versions, amendment, changes by section, compliance."""
    parts = ["<html><body>", _versions(summary)]
    if summary.record is not None:
        parts.append(_record(summary))
    counts = summary.diff.counts()
    if summary.diff:
        parts.append(
            f"<p><b>{extent_text(summary)}:</b> "
            f'<span style="background:{ADDED}">&nbsp;{counts["added"]} added&nbsp;</span> '
            f'<span style="background:{REMOVED}">&nbsp;{counts["removed"]} removed&nbsp;</span> '
            f'<span style="background:{MODIFIED}">&nbsp;{counts["modified"]} changed&nbsp;</span>'
            "</p>"
        )
    else:
        same = summary.a.fingerprint == summary.b.fingerprint
        parts.append(
            "<p><b>No changes:</b> "
            + ("the two versions are identical." if same else "only the order of lists differs.")
            + "</p>"
        )
    parts += [f"<p><i>Note: {_t(n)}</i></p>" for n in summary.notes]
    if summary.diff:
        parts.append(_changes(summary))
    if summary.compliance is not None:
        parts.append(_compliance(summary))
    parts.append("</body></html>")
    return "".join(parts)


def _versions(summary: Summary) -> str:
    rows = "".join(
        f"<tr><td><b>{tag}</b></td><td>{_t(info.label)}</td><td>{_t(info.source)}</td>"
        f'<td><span style="font-family:monospace">{info.fingerprint}</span></td></tr>'
        for tag, info in (("A", summary.a), ("B", summary.b))
    )
    return (
        '<table cellspacing="0" cellpadding="3">'
        "<tr><th></th><th align=left>Version</th><th align=left>Source</th>"
        f"<th align=left>SHA-256</th></tr>{rows}</table>"
    )


def _record(summary: Summary) -> str:
    record = summary.record
    assert record is not None
    date = f" of {record.date.isoformat()}" if record.date else ""
    flag = "substantial" if record.substantial else "not substantial"
    lines = [
        f"<h3>Amendment {_t(record.number)}{date} ({flag})</h3>",
        f"<p><b>Primary reason:</b> {_t(record.primary_reason.text)}",
    ]
    if record.secondary_reasons:
        reasons = "; ".join(r.text for r in record.secondary_reasons)
        lines.append(f"<br><b>Secondary reasons:</b> {_t(reasons)}")
    if record.summary:
        lines.append(f"<br><b>Summary:</b> {_t(record.summary)}")
    if record.rationale:
        lines.append(f"<br><b>Rationale:</b> {_t(record.rationale)}")
    lines.append("</p>")
    return "".join(lines)


def _changes(summary: Summary) -> str:
    out = [
        '<table width="100%" cellspacing="0" cellpadding="4" border="1" '
        'style="border-collapse:collapse; border-color:#B0B7C3">'
        f'<tr><th width="30%" align=left>What changed</th>'
        f'<th width="35%" align=left>A: {_t(summary.a.label)}</th>'
        f'<th width="35%" align=left>B: {_t(summary.b.label)}</th></tr>'
    ]
    for section, rows in summary.sections:
        out.append(
            f'<tr><td colspan="3" style="background:#E8ECF2"><b>{_t(section.label)}</b></td></tr>'
        )
        out += [_row(row) for row in rows]
    out.append("</table>")
    return "".join(out)


def _row(row: SummaryRow) -> str:
    change, text = row.change, row.text
    fill = _ROW_FILL[change.kind]
    what = f'<a name="{escape(change.key, quote=True)}"></a>'
    what += f'<a href="{JUMP_SCHEME}{escape(change.path, quote=True)}">{_t(text.what)}</a>'
    if text.detail:
        what += f"<br><i>{_t(text.detail)}</i>"
    if row.note is not None:
        if row.note.substantial:
            what += "<br><b>Substantial</b>"
        if row.note.rationale:
            what += f"<br>Reason: {_t(row.note.rationale)}"
    before, after = _sides(text)
    a_fill = "" if change.kind == "added" else f' style="background:{fill}"'
    b_fill = "" if change.kind == "removed" else f' style="background:{fill}"'
    return f"<tr><td>{what}</td><td{a_fill}>{before}</td><td{b_fill}>{after}</td></tr>"


def _sides(text: ChangeText) -> tuple[str, str]:
    if not text.words:
        return _t(text.before) or "&nbsp;", _t(text.after) or "&nbsp;"
    before, after = [], []
    for op, words in text.words:
        if op == "=":
            before.append(_t(words))
            after.append(_t(words))
        elif op == "-":
            before.append(f'<s><span style="color:{DELETED_INK}">{_t(words)}</span></s>')
        else:
            after.append(f'<u><span style="color:{INSERTED_INK}">{_t(words)}</span></u>')
    return "".join(before), "".join(after)


def _compliance(summary: Summary) -> str:
    delta = summary.compliance
    assert delta is not None
    a, b = delta.counts_a, delta.counts_b
    out = [
        "<h3>Compliance</h3>",
        f"<p>A: {counts_text(a)}<br>B: {counts_text(b)}</p>",
    ]
    if delta.empty:
        out.append("<p>No finding introduced or resolved by this amendment.</p>")
    for title, items in (
        ("Rule sets turned on", delta.rulesets_on),
        ("Rule sets turned off", delta.rulesets_off),
    ):
        if items:
            out.append(f"<p><b>{title}:</b> {_t(', '.join(items))}</p>")
    for title, fill, findings in (
        ("Introduced", REMOVED, delta.introduced),
        ("Resolved", ADDED, delta.resolved),
        ("Newly waived", MODIFIED, delta.waived),
        ("Waiver withdrawn", REMOVED, delta.unwaived),
    ):
        if not findings:
            continue
        out.append(f"<p><b>{title} ({len(findings)})</b></p><ul>")
        out += [
            f'<li style="background:{fill}">{_t(f.severity)} <b>{_t(f.rule_id)}</b> at '
            f"{_t(f.place)}: {_t(f.message)} <i>[{_t(f.citation)}]</i></li>"
            for f in findings
        ]
        out.append("</ul>")
    return "".join(out)
