"""Paragraph styles and page geometry of the exported protocol (reportlab)."""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from papdesigner.export.fonts import MONO, SANS, SANS_BOLD, SANS_ITALIC

PAGE_SIZE = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#666666")
RULE = colors.HexColor("#B0B7C3")
HEADER_FILL = colors.HexColor("#E8ECF2")
ACCENT = colors.HexColor("#1F4E79")
ERROR = colors.HexColor("#B00020")
WARNING = colors.HexColor("#8A5A00")


@cache
def stylesheet() -> dict[str, ParagraphStyle]:
    """Return the named paragraph styles (built once per process)."""
    base = ParagraphStyle(
        "body",
        fontName=SANS,
        fontSize=9.5,
        leading=13,
        textColor=INK,
        spaceAfter=5,
        splitLongWords=1,
        allowWidows=0,
        allowOrphans=0,
        bulletFontName=SANS,
    )

    def derive(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=kw.pop("parent", base), **kw)

    styles = {"body": base}
    styles["small"] = derive("small", fontSize=8, leading=10.5)
    styles["muted"] = derive("muted", textColor=MUTED, fontSize=8.5, leading=11)
    styles["missing"] = derive("missing", fontName=SANS_ITALIC, textColor=MUTED)
    styles["caption"] = derive(
        "caption",
        fontName=SANS_ITALIC,
        fontSize=8,
        leading=10.5,
        textColor=MUTED,
        spaceBefore=2,
        spaceAfter=10,
    )
    # No keepWithNext: it moved a lead and a whole long table to the next page together.
    # The layout keeps a lead with the start of what follows (layout.StartBreak).
    styles["lead"] = derive("lead", fontName=SANS_BOLD, spaceBefore=4, spaceAfter=2)
    styles["title"] = derive(
        "title", fontName=SANS_BOLD, fontSize=20, leading=25, textColor=ACCENT, spaceAfter=10
    )
    styles["subtitle"] = derive("subtitle", fontSize=12, leading=16, textColor=INK, spaceAfter=14)
    styles["draft"] = derive("draft", fontName=SANS_BOLD, textColor=ERROR, spaceBefore=8)
    styles["mono"] = derive("mono", fontName=MONO, fontSize=7.5, leading=10)
    styles["cell"] = derive("cell", fontSize=8, leading=10, spaceAfter=0)
    styles["cellhead"] = derive("cellhead", parent=styles["cell"], fontName=SANS_BOLD)
    styles["cellright"] = derive("cellright", parent=styles["cell"], alignment=TA_RIGHT)
    styles["cellmuted"] = derive(
        "cellmuted", parent=styles["cell"], fontName=SANS_ITALIC, textColor=MUTED
    )
    styles["cellcenter"] = derive("cellcenter", parent=styles["cell"], alignment=TA_CENTER)
    styles["bullet"] = derive("bullet", leftIndent=12, bulletIndent=2, spaceAfter=2)
    styles["signature"] = derive("signature", fontSize=9, leading=12, spaceBefore=18)
    for level, size in ((1, 14), (2, 11.5), (3, 10)):
        styles[f"h{level}"] = derive(
            f"h{level}",
            fontName=SANS_BOLD,
            fontSize=size,
            leading=size * 1.25,
            textColor=ACCENT if level < 3 else INK,
            spaceBefore=14 if level == 1 else 9,
            spaceAfter=5,
        )
    styles["toc1"] = derive("toc1", fontName=SANS_BOLD, fontSize=9.5, leading=12, spaceAfter=0)
    styles["toc2"] = derive("toc2", fontSize=8.8, leading=10.8, spaceAfter=0, leftIndent=10)
    return styles
