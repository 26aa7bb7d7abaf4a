"""Blocks (from :mod:`papdesigner.export.markup`) to reportlab flowables."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from reportlab.lib.units import cm, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from papdesigner.export.bidi import has_rtl
from papdesigner.export.flowables import (
    HeadingParagraph,
    Mark,
    PageBook,
    PageRef,
    VerticalLabel,
)
from papdesigner.export.flowables import WrapOnceParagraph as Paragraph
from papdesigner.export.fonts import SANS, SANS_BOLD
from papdesigner.export.markup import (
    Anchor,
    Block,
    Bullets,
    Cell,
    DocumentBlocks,
    Figure,
    Heading,
    Missing,
    Para,
    Simple,
    TableBlock,
)
from papdesigner.export.scripts import needs_fallback
from papdesigner.export.styles import (
    FRAME_WIDTH,
    HEADER_FILL,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    PAGE_SIZE,
    RULE,
    stylesheet,
)

FigureMaker = Callable[[float], Flowable]
TOC_LEVELS = 2
_WIDTH = re.compile(r"^(\d+(?:\.\d+)?)(cm|mm|%|pt)?$")


def column_widths(specs: list[str], columns: int, total: float = FRAME_WIDTH) -> list[float]:
    """Turn width specs ("2cm", "20%", "40", "*") into points; "*" shares what is left."""
    specs = (specs + ["*"] * columns)[:columns]
    fixed: list[float | None] = []
    for spec in specs:
        match = _WIDTH.match(spec)
        if match is None:
            fixed.append(None)
            continue
        value, unit = float(match.group(1)), match.group(2)
        factor = {"cm": cm, "mm": mm, "%": total / 100, "pt": 1.0, None: 1.0}[unit]
        fixed.append(value * factor)
    rest = max(total - sum(w for w in fixed if w is not None), 0)
    stars = sum(1 for w in fixed if w is None) or 1
    widths = [w if w is not None else rest / stars for w in fixed]
    scale = min(1.0, total / sum(widths)) if sum(widths) else 1.0
    return [w * scale for w in widths]


class Layout:
    """Builds the story for one document; holds the page book shared with the canvas."""

    def __init__(self, doc: DocumentBlocks, figures: dict[str, FigureMaker]) -> None:
        self.doc = doc
        self.figures = figures
        self.book = PageBook()
        self.styles = stylesheet()

    def story(self) -> list[Flowable]:
        """Return the flowables of every block, in order.

        Headings, leads and anchors that open a piece of content form a run. One
        :class:`StartBreak` before the run moves it to the next page unless the run and
        the start of its content fit (a table's header and first row, two lines of text, a
        whole figure): a heading or lead never ends a page, and long tables still split
        between rows as designed instead of moving whole and leaving a page half empty.
        """
        out: list[Flowable] = []
        run: list[Flowable] = []
        floor = 0.0
        for block in self.doc.blocks:
            parts = self.block(block)
            if isinstance(block, Heading | Anchor) or _is_lead(block):
                run.extend(parts)
                if isinstance(block, Heading):
                    floor = max(floor, heading_room(block.level))
                continue
            if run:
                out.extend(_open(run, parts[0] if parts else None, floor))
                run, floor = [], 0.0
            out.extend(parts)
        if run:
            out.extend(_open(run, None, floor))
        return out

    def block(self, block: Block) -> list[Flowable]:  # noqa: PLR0911 - one return per block kind
        if isinstance(block, Heading):
            return self.heading(block)
        if isinstance(block, Para):
            return [Paragraph(block.markup, self.styles.get(block.style, self.styles["body"]))]
        if isinstance(block, Bullets):
            return [Paragraph(i, self.styles["bullet"], bulletText="•") for i in block.items]
        if isinstance(block, TableBlock):
            return [self.table(block), Spacer(1, 6)]
        if isinstance(block, Figure):
            return self.figure(block)
        if isinstance(block, Missing):
            return [Paragraph(block.markup, self.styles["missing"])]
        if isinstance(block, Anchor):
            return [Mark(self.book, block.key)]
        return self.simple(block)

    def simple(self, block: Simple) -> list[Flowable]:
        if block.kind == "toc":
            return toc_table(self)
        if block.kind == "pagebreak":
            return [PageBreak()]
        return [Spacer(1, block.height)]

    def heading(self, h: Heading) -> list[Flowable]:
        text = f"{h.number}  {h.title}" if h.number else h.title
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        para = HeadingParagraph(
            escaped,
            self.styles[f"h{h.level}"],
            self.book,
            key=h.key,
            outline=text,
            level=h.level - 1,
        )
        return [para]

    def figure(self, block: Figure) -> list[Flowable]:
        maker = self.figures.get(block.name)
        if maker is None:
            from papdesigner.export.markup import TemplateError

            msg = f"unknown figure {block.name!r} (known: {', '.join(sorted(self.figures))})"
            raise TemplateError(msg)
        parts: list[Flowable] = [maker(FRAME_WIDTH)]
        if block.caption:
            parts.append(Paragraph(block.caption, self.styles["caption"]))
        return [KeepTogether(parts)]

    # --- tables -------------------------------------------------------------------------------

    def cell(self, cell: Cell, width: float) -> Flowable | str:
        """The flowable of one cell; a short plain text stays a string (much faster to lay out)."""
        styles = self.styles
        if cell.kind == "secref":
            numbers = dict.fromkeys(self._number(k) for k in cell.keys if k in self.doc.addressed)
            return _plain_or(", ".join(n for n in numbers if n) or "—", width, styles["cell"])
        if cell.kind == "pageref":
            target = self.doc.first_addressed(cell.keys) if cell.ok else None
            if target is None:
                return Paragraph("—", styles["cellright"])
            return PageRef(self.book, target.key)
        if cell.vertical:
            plain = unescape(re.sub(r"<[^>]*>", "", cell.markup))
            return VerticalLabel(plain, SANS_BOLD, 7)
        if cell.header:
            return _plain_or(cell.markup, width, styles["cellhead"])
        style = {"center": "cellcenter", "right": "cellright"}.get(cell.align, "cell")
        return _plain_or(cell.markup, width, styles[style])

    def _number(self, key: str) -> str:
        if key == "title_page":
            return "Title page"
        heading = self.doc.headings.get(key)
        if heading is not None:
            return heading.section
        return self.doc.anchor_sections.get(key, "")

    def table(self, block: TableBlock) -> Table:
        """A table that splits between rows (and inside a tall row), repeating its header."""
        columns = max(sum(c.span for c in row) for row in block.rows)
        widths = column_widths(block.widths, columns)
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = []
        for r, row in enumerate(block.rows):
            cells: list[Any] = []
            for cell in row:
                col = len(cells)
                if cell.span > 1:
                    commands.append(("SPAN", (col, r), (col + cell.span - 1, r)))
                width = sum(widths[col : col + cell.span]) - 2 * CELL_PADDING
                content = self.cell(cell, width)
                if isinstance(content, str):
                    commands.extend(_string_cell_style(cell, col, r))
                cells.append(content)
                cells.extend([""] * (cell.span - 1))
            data.append(cells + [""] * (columns - len(cells)))
        # Splitting inside a row is only for rows that may not fit on a page at all: for
        # ordinary rows it would leave a repeated header and half a row at a page's foot.
        tall = any(
            _may_be_tall(c, sum(widths[i : i + c.span]))
            for row in block.rows
            for i, c in enumerate(row)
        )
        table = Table(
            data,
            colWidths=widths,
            repeatRows=block.header_rows,
            splitInRow=1 if tall else 0,
            hAlign="LEFT",
        )
        table.setStyle(TableStyle(_table_style(block) + commands))
        return table


def heading_room(level: int) -> float:
    """Least room below which a heading of ``level`` starts on the next page."""
    # A chapter does not start in the last few lines of a page even when its start is short.
    return float((5 if level == 1 else 3) * cm)


def _is_lead(block: Block) -> bool:
    return isinstance(block, Para) and block.style == "lead"


def _open(run: list[Flowable], content: Flowable | None, floor: float) -> list[Flowable]:
    """``run`` (headings, leads, anchors), preceded by its break unless it is only anchors."""
    if all(isinstance(f, Mark) for f in run):
        return run
    return [StartBreak(run, content, floor), *run]


START_LINES = 2
"""Lines of a paragraph that must fit below a heading or lead (orphans are not allowed)."""
MAX_START = 0.8 * (PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM)
"""Never ask for more room than a fresh page has: the break would repeat on every page."""


class StartBreak(CondPageBreak):  # type: ignore[misc]
    """A conditional page break sized when laid out: room for a run and its content's start.

    Measuring at layout time uses the real width and row heights (a header row of vertical
    labels is much taller than one of text), which a fixed height could only guess.
    """

    def __init__(self, run: list[Flowable], content: Flowable | None, floor: float) -> None:
        super().__init__(floor)
        self.run = run
        self.content = content
        self.floor = floor

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        canv = self.canv
        need = sum(_height(f, canv, avail_width, avail_height) for f in self.run)
        need += content_start(self.content, canv, avail_width, avail_height)
        self.height = min(max(self.floor, need), MAX_START)
        size: tuple[float, float] = super().wrap(avail_width, avail_height)
        return size


def _height(flowable: Flowable, canv: Any, width: float, height: float) -> float:
    """Height of ``flowable`` with the space around it."""
    _, h = flowable.wrapOn(canv, width, height)
    return float(h + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def content_start(content: Flowable | None, canv: Any, width: float, height: float) -> float:
    """Height of the least part of ``content`` that may stand at a page's foot."""
    if content is None or getattr(content, "locChanger", False):
        return 0.0  # nothing, or a page break: nothing to keep
    if isinstance(content, Table):
        content.wrapOn(canv, width, height)
        rows = content._rowHeights[: content.repeatRows + 1]  # the rows it measured
        return float(sum(rows)) + float(content.getSpaceBefore())
    total = _height(content, canv, width, height)
    if isinstance(content, Paragraph) and getattr(content, "blPara", None) is not None:
        lines = len(content.blPara.lines)
        # A paragraph splits only if START_LINES stay on each page (no orphan or widow
        # line), so a shorter one moves whole and its whole height must fit.
        if lines >= 2 * START_LINES:
            return total * START_LINES / lines
    return total


CELL_PADDING = 3
TALL_CELL_CHARS = 2500
"""A cell with more text than this may be taller than a page; its table splits inside rows."""
TALL_CELL_HEIGHT = 0.4 * (PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM)


def _may_be_tall(cell: Cell, width: float) -> bool:
    """True when ``cell`` might not fit on a page: long text, or long for a narrow column.

    A generous estimate (every character a full em wide, as in Chinese) from the
    length alone: measuring each cell would cost a layout pass.
    """
    if len(cell.markup) > TALL_CELL_CHARS:
        return True
    per_line = max((width - 2 * CELL_PADDING) / 8.0, 1.0)  # 8 pt text, 1 em per character
    return bool(len(cell.markup) / per_line * 10.0 > TALL_CELL_HEIGHT)  # 10 pt leading


def _plain_or(markup: str, width: float, style: Any) -> Flowable | str:
    """Return plain text when ``markup`` has no tags and fits on one line, else a Paragraph."""
    if "<" not in markup:
        text = unescape(markup)
        # Right-to-left text goes through a Paragraph, which draws it in visual order;
        # text in a fallback font's script, through one that switches fonts per run.
        fits = stringWidth(text, style.fontName, style.fontSize) <= width
        if fits and not has_rtl(text) and not needs_fallback(text):
            return text
    return Paragraph(markup, style)


def _string_cell_style(cell: Cell, col: int, row: int) -> list[tuple[Any, ...]]:
    where = ((col, row), (col, row))
    commands: list[tuple[Any, ...]] = []
    if cell.header:
        commands.append(("FONTNAME", *where, SANS_BOLD))
    if cell.align in ("center", "right"):
        commands.append(("ALIGN", *where, cell.align.upper()))
    return commands


def _table_style(block: TableBlock) -> list[tuple[Any, ...]]:
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if block.style == "plain":
        return style
    style.append(("GRID", (0, 0), (-1, -1), 0.4, RULE))
    if block.style == "definitions":
        style.append(("BACKGROUND", (0, 0), (0, -1), HEADER_FILL))
    elif block.header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, block.header_rows - 1), HEADER_FILL))
        style.append(("VALIGN", (0, 0), (-1, block.header_rows - 1), "BOTTOM"))
    return style


TOC_WIDTHS = ("2.6cm", "*", "1.2cm")


def toc_rows(layout: Layout) -> list[list[Flowable]]:
    """One row per heading down to :data:`TOC_LEVELS`: number, title, linked page number."""
    widths = column_widths(list(TOC_WIDTHS), 3)
    rows = []
    for block in layout.doc.blocks:
        if not isinstance(block, Heading) or not block.toc or block.level > TOC_LEVELS:
            continue
        style = layout.styles[f"toc{block.level}"]
        title = block.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        # One link per row, over the whole row: cheaper than a link in each paragraph.
        page = PageRef(
            layout.book,
            block.key,
            size=style.fontSize,
            font=style.fontName,
            link_left=widths[0] + widths[1],
        )
        rows.append([Paragraph(block.number, style), Paragraph(title, style), page])
    return rows


def toc_table(layout: Layout) -> list[Flowable]:
    """The table of contents: a table whose page numbers are filled in after layout."""
    rows = toc_rows(layout)
    if not rows:
        return []
    table = Table(rows, colWidths=column_widths(list(TOC_WIDTHS), 3), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, HEADER_FILL),
            ]
        )
    )
    return [table]
