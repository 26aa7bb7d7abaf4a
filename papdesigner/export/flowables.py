"""Flowables that know where they land: headings (bookmarks, outline) and page references.

Page numbers that are only known once the whole document is laid out (the total
page count, the page of a heading referred to from the table of contents or a
checklist) are drawn as PDF form XObjects that are *defined after the last page*.
The document is therefore laid out in a single pass and every page reference is
the real page of the heading, never an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from papdesigner.export.bidi import has_rtl, is_rtl, paragraph_text, visual, visual_lines
from papdesigner.export.fonts import SANS
from papdesigner.export.scripts import (
    is_shaped,
    paragraph_style,
    single_font,
    with_fallback_fonts,
)


@dataclass
class PageBook:
    """Shared by the flowables and the canvas of one build: pages of anchors, forms used."""

    pages: dict[str, int] = field(default_factory=dict)
    forms: dict[str, tuple[str, str, float, str]] = field(default_factory=dict)
    outline_level: int = -1
    total_pages: int = 0

    def dest(self, key: str) -> str:
        """Return the PDF destination name of an anchor key."""
        return f"k.{key}"

    def form_for(self, key: str, align: str, font: str, size: float) -> str:
        """Return the form name that will show the page of ``key`` (``"#total"``: page count)."""
        name = f"pg{len(self.forms)}"
        spec = (key, align, size, font)
        for existing, value in self.forms.items():
            if value == spec:
                return existing
        self.forms[name] = spec
        return name

    def page_text(self, key: str) -> str:
        """The text a page form shows once the layout is complete."""
        if key == "#total":
            return str(self.total_pages)
        return str(self.pages.get(key, "?"))

    def define_forms(self, canvas: Any) -> None:
        """Define every page-number form on the canvas (called just before saving)."""
        for name, (key, align, size, font) in self.forms.items():
            # The bounding box must hold text drawn left of the origin (right-aligned).
            canvas.beginForm(name, lowerx=-200, lowery=-20, upperx=200, uppery=40)
            canvas.setFont(font, size)
            text = self.page_text(key)
            if align == "right":
                canvas.drawRightString(0, 0, text)
            else:
                canvas.drawString(0, 0, text)
            canvas.endForm()


class Mark(Flowable):  # type: ignore[misc]
    """Zero-size flowable recording its page under ``key`` and bookmarking it."""

    def __init__(self, book: PageBook, key: str) -> None:
        super().__init__()
        self.book, self.key = book, key
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        self.book.pages.setdefault(self.key, canvas.getPageNumber())
        canvas.bookmarkHorizontal(self.book.dest(self.key), 0, 0)


class WrapOnceParagraph(Paragraph):  # type: ignore[misc]
    """A Paragraph that does not break its lines again for the width it was last wrapped to.

    Platypus wraps a table cell's paragraph when the table measures its rows, again for
    every piece of a table split across pages, and once more when it draws the cell:
    two to three line breaks of the same text at the same width. ``Paragraph.wrap``
    depends only on the width (and the paragraph's own style and text), so the last
    result is kept; a different width breaks the lines again, exactly as before.
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None
    blPara: Any  # noqa: N815 - reportlab's attribute: the lines of the last wrap
    style: Any

    def __init__(self, text: str | None, style: Any, *args: Any, **kwargs: Any) -> None:
        # Text in scripts the body font lacks gets its fallback font, line breaking and
        # shaping here, so every paragraph of the export prints every script.
        # The pieces of a split paragraph come as fragments (``text`` None), already done.
        if isinstance(text, str):
            prepared = with_fallback_fonts(text)
            style = paragraph_style(style, prepared, rtl=has_rtl(text))
            text = prepared.markup
        super().__init__(text, style, *args, **kwargs)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # A split may drop the lines (``del self.blPara``): then they are broken again.
        if self._wrapped is not None and self._wrapped[0] == avail_width and "blPara" in vars(self):
            return self._wrapped[1]
        size: tuple[float, float] = super().wrap(avail_width, avail_height)
        self._wrapped = (avail_width, size)
        return size

    def draw(self) -> None:
        """Draw; lines holding right-to-left text are drawn in visual order (:mod:`.bidi`)."""
        logical = self.blPara
        source = getattr(self, "text", None)  # the markup; None for the pieces of a split
        if isinstance(source, str) and not has_rtl(source):
            super().draw()
            return
        text = paragraph_text(logical)
        if not has_rtl(text):
            super().draw()
            return
        rtl = is_rtl(text)
        style = self.style
        self.blPara = visual_lines(logical, rtl)
        if rtl and style.alignment == TA_LEFT:
            self.style = style.clone(style.name, alignment=TA_RIGHT)
        try:
            super().draw()
        finally:
            self.blPara, self.style = logical, style


class HeadingParagraph(WrapOnceParagraph):
    """A heading that records its page and adds itself to the bookmarks and the outline."""

    def __init__(
        self, text: str, style: Any, book: PageBook, *, key: str, outline: str, level: int
    ) -> None:
        super().__init__(text, style)
        self.book, self.key, self.outline, self.level = book, key, outline, level

    def draw(self) -> None:
        canvas = self.canv
        self.book.pages.setdefault(self.key, canvas.getPageNumber())
        dest = self.book.dest(self.key)
        canvas.bookmarkHorizontal(dest, 0, self.height + 4)
        level = min(self.level, self.book.outline_level + 1)
        canvas.addOutlineEntry(self.outline, dest, level=level, closed=level >= 1)
        self.book.outline_level = level
        super().draw()


class PageRef(Flowable):  # type: ignore[misc]
    """The page number of an anchor, right-aligned in its cell and linked to the anchor."""

    def __init__(
        self,
        book: PageBook,
        key: str,
        *,
        font: str = SANS,
        size: float = 8,
        align: str = "right",
        link_left: float = 0,
    ) -> None:
        super().__init__()
        self.book, self.key, self.font, self.size, self.align = book, key, font, size, align
        self.form = book.form_for(key, align, font, size)
        self.link_left = link_left  # the link also covers this much to the left (a TOC row)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = min(avail_width, stringWidth("999", self.font, self.size) + 2)
        self.width = max(self.width, avail_width if self.align == "right" else self.width)
        self.height = self.size * 1.25
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        x = self.width if self.align == "right" else 0
        canvas.translate(x, self.size * 0.25)
        canvas.doForm(self.form)
        canvas.restoreState()
        canvas.linkRect(
            "",
            self.book.dest(self.key),
            (-self.link_left, 0, self.width, self.height),
            relative=1,
            thickness=0,
        )


class VerticalLabel(Flowable):  # type: ignore[misc]
    """A short label drawn bottom-to-top, for narrow column headers (schedule of activities)."""

    def __init__(self, text: str, font: str, size: float, max_height: float = 80) -> None:
        super().__init__()
        self.text, self.font, self.size = text, font, size
        self.max_height = max_height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.font = single_font(self.text, self.font)
        self.text = _fit(self.text, self.font, self.size, self.max_height)
        self.width = self.size * 1.3
        self.height = stringWidth(self.text, self.font, self.size) + 2
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(self.font, self.size)
        canvas.translate(self.width / 2 + self.size * 0.35, 1)
        canvas.rotate(90)
        canvas.drawString(0, 0, visual(self.text), shaping=is_shaped(self.font))
        canvas.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"
