"""The summary-of-changes PDF an ethics board reads with an amendment.

Landscape A4, in the fonts and colours of the protocol export: the two versions with their
SHA-256 fingerprints, the amendment record (number, reasons, rationale, impacts, substantial),
one table of every change (section, what changed, before, after, reason, substantial) in
document order, and the compliance delta. Long texts show deleted words struck through in
"before" and inserted words underlined in "after". User text is data: it is escaped before it
reaches reportlab's paragraph markup, so ``<b>`` or ``&`` in a title prints as typed.

reportlab is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.diff.report import Summary, SummaryRow, extent_text
from papdesigner.export.xmltext import escape

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable

    from papdesigner.export.document import PageFacts

from papdesigner import __version__

CREATOR = f"papdesigner {__version__}"


def write_summary_pdf(summary: Summary, target: str | os.PathLike[str]) -> Path:
    """Write the summary of changes as a PDF to ``target`` atomically; return the path."""
    from papdesigner.model.fileformat import write_bytes_atomic

    path = Path(target)
    write_bytes_atomic(path, render_summary_pdf(summary))
    return path


def render_summary_pdf(summary: Summary) -> bytes:
    """Return the summary of changes as PDF bytes.

    Laid out by the export's document machinery (:func:`papdesigner.export.document.build_pdf`):
    the same page templates, running header, "Page N of M" and metadata as the protocol, in
    landscape. It records no verification digests: it is about two versions, not one.
    """
    import io

    from reportlab.lib.pagesizes import A4, landscape

    from papdesigner.export.document import build_pdf
    from papdesigner.export.flowables import PageBook
    from papdesigner.export.fonts import register_fonts
    from papdesigner.export.styles import MARGIN_X

    register_fonts()
    page_size = landscape(A4)
    buffer = io.BytesIO()
    story = _story(summary, page_size[0] - 2 * MARGIN_X)
    build_pdf(buffer, story, _facts(summary), PageBook(), page_size=page_size)
    return buffer.getvalue()


def _doc_title(summary: Summary) -> str:
    name = summary.b.protocol_number or summary.b.title or "protocol"
    return f"Summary of changes: {name}"


def _facts(summary: Summary) -> PageFacts:
    """Header, footer and metadata: both versions and their fingerprints."""
    from papdesigner.export.document import PageFacts
    from papdesigner.export.fonts import printable_logical

    title = _doc_title(summary)
    prints = f"A {summary.a.fingerprint[:16]}…  B {summary.b.fingerprint[:16]}…"
    return PageFacts(
        header_left=f"{title} · {summary.a.label} → {summary.b.label}",
        header_right="",
        fingerprint=summary.b.fingerprint,
        draft=False,
        title=printable_logical(title, shape=False),
        author=printable_logical(summary.b.title, shape=False),
        subject=printable_logical(
            f"Changes from {summary.a.label} to {summary.b.label}", shape=False
        ),
        keywords=f"A sha256:{summary.a.fingerprint} B sha256:{summary.b.fingerprint}",
        creator=CREATOR,
        footer_left=f"SHA-256 {prints}",
    )


# --- content -----------------------------------------------------------------------------------


def _p(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of user text: made printable and escaped, line breaks kept."""
    return _markup_p(_safe(text).replace("\n", "<br/>"), style)


def _markup_p(markup: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of markup whose text may need the export's fallback fonts (CJK, ...)."""
    from reportlab.platypus import Paragraph

    from papdesigner.export.bidi import has_rtl
    from papdesigner.export.scripts import paragraph_style, with_fallback_fonts

    prepared = with_fallback_fonts(markup)
    return Paragraph(prepared.markup, paragraph_style(style, prepared, rtl=has_rtl(markup)))


def _safe(text: str) -> str:
    from papdesigner.export.fonts import printable

    return escape(printable(text))


_MIN_ROOM_PT = 90
"""Room the overview line needs below it (itself and the first rows), else a new page."""


def _story(summary: Summary, width: float) -> list[Flowable]:
    from reportlab.platypus import CondPageBreak, Spacer

    from papdesigner.export.styles import stylesheet

    styles = stylesheet()
    b = summary.b
    story: list[Flowable] = [
        _p("Summary of changes", styles["title"]),
        _p(" · ".join(x for x in (b.protocol_number, b.title) if x), styles["subtitle"]),
        _versions_table(summary, width),
        Spacer(1, 8),
    ]
    if summary.record is not None:
        story += _record_block(summary, width)
    counts = summary.diff.counts()
    overview = (
        f"{extent_text(summary)}: "
        f"{counts['added']} added, {counts['removed']} removed, {counts['modified']} modified."
        if summary.diff
        else "No changes in protocol content."
    )
    # The overview line must not drag a changes table longer than a page onto page 2
    # (that left page 1 empty under the versions): it only asks for room for itself
    # and a few rows, and the table splits with its header repeated.
    story.append(CondPageBreak(_MIN_ROOM_PT))
    story.append(_p(overview, styles["lead"]))
    story += [_p(note, styles["muted"]) for note in summary.notes]
    if summary.diff:
        story.append(_changes_table(summary, width))
    if summary.compliance is not None:
        story += _compliance_block(summary, width)
    return story


def _table(
    rows: list[list[Any]],
    widths: Sequence[float],
    header: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    from papdesigner.export.layout import TALL_CELL_CHARS
    from papdesigner.export.styles import HEADER_FILL, RULE

    # As in the protocol's tables: split inside a row only where a row may not fit a page;
    # for ordinary rows it leaves a repeated header and half a row at a page's foot.
    tall = any(_cell_chars(cell) > TALL_CELL_CHARS for row in rows for cell in row)
    table = Table(
        rows,
        colWidths=list(widths),
        repeatRows=1 if header else 0,
        splitInRow=1 if tall else 0,
        hAlign="LEFT",
    )
    style: list[tuple[Any, ...]] = [
        *extra,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    table.setStyle(TableStyle(style))
    return table


def _cell_chars(cell: Any) -> int:
    """The length of a cell's text (a Paragraph keeps its markup in ``text``)."""
    return len(getattr(cell, "text", cell if isinstance(cell, str) else "") or "")


def _versions_table(summary: Summary, width: float) -> Flowable:
    from papdesigner.export.styles import stylesheet

    s = stylesheet()
    rows: list[list[Any]] = [
        [_p(h, s["cellhead"]) for h in ("", "Version", "Date", "Source", "SHA-256 fingerprint")]
    ]
    for tag, info in (("A (before)", summary.a), ("B (after)", summary.b)):
        rows.append(
            [
                _p(tag, s["cellhead"]),
                _p(info.version, s["cell"]),
                _p(info.version_date, s["cell"]),
                _p(info.source, s["cell"]),
                _p(info.fingerprint, s["mono"]),
            ]
        )
    return _table(rows, _split(width, [0.1, 0.07, 0.09, 0.3, 0.44]))


def _split(width: float, fractions: Sequence[float]) -> list[float]:
    return [width * f for f in fractions]


def _record_block(summary: Summary, width: float) -> list[Flowable]:
    from papdesigner.export.styles import stylesheet

    record = summary.record
    assert record is not None
    s = stylesheet()
    date = f" of {record.date.isoformat()}" if record.date else ""
    rows: list[tuple[str, str]] = [
        ("Substantial", "Yes" if record.substantial else "No"),
        ("Primary reason", record.primary_reason.text),
    ]
    if record.secondary_reasons:
        rows.append(("Secondary reasons", "; ".join(r.text for r in record.secondary_reasons)))
    if record.summary:
        rows.append(("Summary", record.summary))
    if record.rationale:
        rows.append(("Rationale", record.rationale))
    for impact in record.impacts:
        flag = " (substantial)" if impact.substantial else ""
        rows.append((f"Impact on {impact.label}{flag}", impact.text or "—"))
    if record.scope != "global":
        rows.append(("Scope", f"{record.scope}: {', '.join(record.scope_codes)}"))
    table = _table(
        [[_p(k, s["cellhead"]), _p(v, s["cell"])] for k, v in rows],
        _split(width, [0.2, 0.8]),
        header=False,
    )
    return [_p(f"Amendment {record.number}{date}", s["h2"]), table]


_KIND_COLOURS = {"added": "#1B6E20", "removed": "#B00020"}


def _changes_table(summary: Summary, width: float) -> Flowable:
    """One row per change under a full-width row per section. Reason columns need a record.

    A section is its own row, not a cell spanning the section's changes: a spanned cell
    cannot split across pages, so a section with more changes than a page holds made
    the layout fail (every pair of shipped examples did).
    """
    from papdesigner.export.styles import HEADER_FILL, stylesheet

    s = stylesheet()
    with_notes = summary.record is not None
    heads = ["What changed", "Before", "After"]
    fractions = [0.3, 0.35, 0.35]
    if with_notes:
        heads += ["Reason", "Substantial"]
        fractions = [0.25, 0.25, 0.25, 0.17, 0.08]
    rows: list[list[Any]] = [[_p(h, s["cellhead"]) for h in heads]]
    extra: list[tuple[Any, ...]] = []
    for section, section_rows in summary.sections:
        extra.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        extra.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), HEADER_FILL))
        rows.append([_p(section.label, s["cellhead"])] + [""] * (len(heads) - 1))
        rows.extend(_change_cells(row, with_notes) for row in section_rows)
    return _table(rows, _split(width, fractions), extra=extra)


def _change_cells(row: SummaryRow, with_notes: bool) -> list[Any]:

    from papdesigner.export.styles import stylesheet

    s = stylesheet()
    text = row.text
    what = _safe(text.what)
    colour = _KIND_COLOURS.get(row.change.kind)
    if colour is not None:
        word = "Added" if row.change.kind == "added" else "Removed"
        suffix = f" ({word.lower()})"
        if what.startswith(word + " "):
            what = f'<font color="{colour}"><b>{word}</b></font>{what[len(word) :]}'
        elif what.endswith(suffix):
            what = f'{what[: -len(suffix)]} <font color="{colour}"><b>{suffix.strip()}</b></font>'
    if text.detail:
        what += f"<br/><i>{_safe(text.detail)}</i>"
    if text.words:
        before = _markup_p(_marked(text.words, "-"), s["cell"])
        after = _markup_p(_marked(text.words, "+"), s["cell"])
    else:
        before = _p(text.before or "—", s["cell"])
        after = _p(text.after or "—", s["cell"])
    cells = [_markup_p(what, s["cell"]), before, after]
    if with_notes:
        note = row.note
        cells.append(_p(note.rationale if note else "", s["cell"]))
        cells.append(_p("Yes" if note and note.substantial else "No", s["cellcenter"]))
    return cells


def _marked(runs: tuple[tuple[str, str], ...], side: str) -> str:
    """Render word runs for one side: deletions struck in red, insertions underlined in green."""
    out = []
    for op, words in runs:
        if op == "=":
            out.append(_safe(words))
        elif op == side == "-":
            out.append(f'<strike><font color="#B00020">{_safe(words)}</font></strike>')
        elif op == side == "+":
            out.append(f'<u><font color="#1B6E20">{_safe(words)}</font></u>')
    return "".join(out).replace("\n", "<br/>")


def _compliance_block(summary: Summary, width: float) -> list[Flowable]:
    from reportlab.platypus import Spacer

    from papdesigner.export.styles import stylesheet

    delta = summary.compliance
    assert delta is not None
    s = stylesheet()
    counts = [[_p(h, s["cellhead"]) for h in ("", "Errors", "Warnings", "Infos", "Waived")]]
    for tag, c in (("A (before)", delta.counts_a), ("B (after)", delta.counts_b)):
        counts.append(
            [_p(tag, s["cellhead"])]
            + [_p(str(c[k]), s["cellright"]) for k in ("errors", "warnings", "infos", "waived")]
        )
    out: list[Flowable] = [
        Spacer(1, 10),
        _p("Compliance delta", s["h2"]),
        _p(
            "Findings of the rule sets that this amendment introduces or resolves, matched by "
            "rule and by protocol element.",
            s["muted"],
        ),
        _table(counts, _split(width * 0.5, [0.32, 0.17, 0.17, 0.17, 0.17])),
    ]
    if delta.empty:
        out.append(_p("No finding introduced or resolved by this amendment.", s["body"]))
    for title, items in (
        ("Rule sets turned on", delta.rulesets_on),
        ("Rule sets turned off", delta.rulesets_off),
    ):
        if items:
            out.append(_p(f"{title}: {', '.join(items)}", s["body"]))
    for title, findings in (
        ("Introduced", delta.introduced),
        ("Resolved", delta.resolved),
        ("Newly waived", delta.waived),
        ("Waiver withdrawn", delta.unwaived),
    ):
        if findings:
            out.append(_p(f"{title} ({len(findings)})", s["h3"]))
            heads = ("Severity", "Rule", "Where", "Finding", "Source")
            rows: list[list[Any]] = [[_p(h, s["cellhead"]) for h in heads]]
            rows += [
                [
                    _p(f.severity, s["cell"]),
                    _p(f.rule_id, s["cell"]),
                    _p(f.place, s["cell"]),
                    _p(f.message, s["cell"]),
                    _p(f"{f.citation} ({f.provenance})", s["cell"]),
                ]
                for f in findings
            ]
            out.append(_table(rows, _split(width, [0.07, 0.12, 0.2, 0.36, 0.25])))
    return out
