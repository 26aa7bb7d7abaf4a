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
from xml.sax.saxutils import escape

from papdesigner.diff.report import Summary, SummaryRow, extent_text

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable

from papdesigner import __version__

CREATOR = f"papdesigner {__version__}"
_MARGIN_MM = 15


def write_summary_pdf(summary: Summary, target: str | os.PathLike[str]) -> Path:
    """Write the summary of changes as a PDF to ``target`` atomically; return the path."""
    from papdesigner.model.fileformat import write_bytes_atomic

    path = Path(target)
    write_bytes_atomic(path, render_summary_pdf(summary))
    return path


def render_summary_pdf(summary: Summary) -> bytes:
    """Return the summary of changes as PDF bytes."""
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from papdesigner.export.fonts import register_fonts

    register_fonts()
    buffer = io.BytesIO()
    title = _doc_title(summary)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=_MARGIN_MM * mm,
        rightMargin=_MARGIN_MM * mm,
        topMargin=_MARGIN_MM * mm + 6,
        bottomMargin=_MARGIN_MM * mm,
        title=title,
        author=summary.b.title,
        subject=f"Changes from {summary.a.label} to {summary.b.label}",
        keywords=f"A sha256:{summary.a.fingerprint} B sha256:{summary.b.fingerprint}",
        creator=CREATOR,
    )
    story = _story(summary, doc.width)
    doc.build(story, canvasmaker=_canvas_class(summary))
    return buffer.getvalue()


def _doc_title(summary: Summary) -> str:
    name = summary.b.protocol_number or summary.b.title or "protocol"
    return f"Summary of changes: {name}"


# --- page furniture --------------------------------------------------------------------------


def _canvas_class(summary: Summary) -> Any:
    """A canvas that draws header and "page N of M" once the page count is known."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from papdesigner.export.fonts import MONO, SANS, SANS_BOLD, printable
    from papdesigner.export.scripts import single_font
    from papdesigner.export.styles import MUTED, RULE

    width, height = landscape(A4)
    margin = _MARGIN_MM * mm
    left_text = printable(f"{_doc_title(summary)} · {summary.a.label} → {summary.b.label}")
    prints = f"A {summary.a.fingerprint[:16]}…  B {summary.b.fingerprint[:16]}…"

    class SummaryCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            self.saveState()
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            top = height - margin + 2
            self.setFont(single_font(left_text, SANS_BOLD), 7.5)
            self.drawString(margin, top, left_text[:150])
            self.line(margin, top - 4, width - margin, top - 4)
            self.setFont(MONO, 6.5)
            self.drawString(margin, margin - 12, "SHA-256 " + prints)
            self.setFont(SANS, 7)
            self.drawRightString(width - margin, margin - 12, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return SummaryCanvas


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

    from papdesigner.export.styles import HEADER_FILL, RULE

    table = Table(
        rows, colWidths=list(widths), repeatRows=1 if header else 0, splitInRow=1, hAlign="LEFT"
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
    """One row per change; a section's cell spans its rows. Reason columns need a record."""
    from papdesigner.export.styles import stylesheet

    s = stylesheet()
    with_notes = summary.record is not None
    heads = ["Section", "What changed", "Before", "After"]
    fractions = [0.14, 0.28, 0.29, 0.29]
    if with_notes:
        heads += ["Reason", "Substantial"]
        fractions = [0.13, 0.22, 0.21, 0.21, 0.15, 0.08]
    rows: list[list[Any]] = [[_p(h, s["cellhead"]) for h in heads]]
    spans: list[tuple[Any, ...]] = []
    for section, section_rows in summary.sections:
        first = len(rows)
        for index, row in enumerate(section_rows):
            label = section.label if index == 0 else ""
            rows.append(_change_cells(label, row, with_notes))
        if len(section_rows) > 1:
            spans.append(("SPAN", (0, first), (0, len(rows) - 1)))
    return _table(rows, _split(width, fractions), extra=spans)


def _change_cells(section: str, row: SummaryRow, with_notes: bool) -> list[Any]:

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
    cells = [_p(section, s["cell"]), _markup_p(what, s["cell"]), before, after]
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
