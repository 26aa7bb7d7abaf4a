"""The page machinery: page templates, running header, "page N of M", watermark, metadata.

One single layout pass builds the whole PDF: numbers only known at the end (the
page count, the pages of headings) are form XObjects defined just before saving
(see :mod:`papdesigner.export.flowables`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate

from papdesigner.export.bidi import visual
from papdesigner.export.flowables import PageBook
from papdesigner.export.fonts import MONO, SANS, SANS_BOLD, printable_logical
from papdesigner.export.scripts import is_shaped, single_font
from papdesigner.export.styles import (
    ERROR,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    PAGE_SIZE,
    RULE,
)


@dataclass(frozen=True)
class PageFacts:
    """What every page shows around the content, and the document metadata."""

    header_left: str
    header_right: str
    fingerprint: str
    draft: bool
    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    footer_left: str = ""
    """Replaces the fingerprint in the footer (the summary of changes shows two)."""


def _make_canvas(book: PageBook, facts: PageFacts) -> Callable[..., Canvas]:
    class DocumentCanvas(Canvas):  # type: ignore[misc]
        """Defines the page-number forms and the metadata just before saving.

        The verification record and the PDF/A metadata are added afterwards
        (:mod:`papdesigner.export.finish`).
        """

        def save(self) -> None:
            book.total_pages = len(self._doc.Pages.pages)
            book.define_forms(self)
            self.setTitle(facts.title)
            self.setAuthor(facts.author)
            self.setSubject(facts.subject)
            self.setKeywords(facts.keywords)
            self.setCreator(facts.creator)
            super().save()

    return DocumentCanvas


def _fit_text(text: str, font: str, size: float, width: float) -> str:
    text = " ".join(printable_logical(text).split())
    font = single_font(text, font)
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low] + "…"


class PdfLayout(BaseDocTemplate):  # type: ignore[misc]
    """A4 document: a title page template and a body template with header/footer.

    The protocol is portrait; the summary of changes uses the same machinery in landscape.
    """

    def __init__(
        self,
        target: Any,
        facts: PageFacts,
        book: PageBook,
        on_flowable: Callable[[], None],
        page_size: tuple[float, float] = PAGE_SIZE,
    ) -> None:
        self.page_size = page_size
        super().__init__(
            target,
            pagesize=page_size,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=facts.title,
            author=facts.author,
            subject=facts.subject,
            creator=facts.creator,
            initialFontName=SANS,
            initialFontSize=9.5,
        )
        self.facts, self.book, self.on_flowable = facts, book, on_flowable
        self._header: tuple[str, str] | None = None
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate("title", [frame], onPage=self._title_page, onPageEnd=self._page_end),
                PageTemplate("body", [frame], onPage=self._body_page, onPageEnd=self._page_end),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab hook name
        self.on_flowable()

    def _page_end(self, canvas: Canvas, doc: Any) -> None:
        """After the page's content: the DRAFT mark goes on top, so filled table cells
        cannot hide it (it is transparent, so the text under it stays readable)."""
        self._watermark(canvas)

    def _watermark(self, canvas: Canvas) -> None:
        if not self.facts.draft:
            return
        canvas.saveState()
        canvas.setFillColor(ERROR)
        canvas.setFillAlpha(0.09)
        canvas.setFont(SANS_BOLD, 120)
        canvas.translate(self.page_size[0] / 2, self.page_size[1] / 2)
        canvas.rotate(50)
        canvas.drawCentredString(0, -40, "DRAFT")
        canvas.restoreState()

    def _footer(self, canvas: Canvas, *, full_fingerprint: bool = False) -> None:
        canvas.setFillColor(MUTED)
        y = MARGIN_BOTTOM - 12
        right = self.page_size[0] - MARGIN_X
        canvas.setFont(MONO, 6.5)
        # The title page always shows the whole fingerprint at the same place (verify reads it).
        shown = self.facts.fingerprint if full_fingerprint else self.facts.fingerprint[:16] + "…"
        canvas.drawString(MARGIN_X, y, self.facts.footer_left or f"SHA-256 {shown}")
        canvas.setFont(SANS, 7)
        number_width = stringWidth("999", SANS, 7)
        canvas.drawRightString(right - number_width, y, f"Page {canvas.getPageNumber()} of ")
        canvas.saveState()
        canvas.translate(right - number_width, y)
        canvas.doForm(self.book.form_for("#total", "left", SANS, 7))
        canvas.restoreState()

    def _title_page(self, canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        self._footer(canvas, full_fingerprint=canvas.getPageNumber() == 1)
        canvas.restoreState()

    def _header_texts(self, width: float) -> tuple[str, str]:
        """The running header's two texts, shortened to fit (the same on every page)."""
        if self._header is None:
            left = _fit_text(self.facts.header_left, SANS_BOLD, 7.5, width * 0.68)
            room = width - stringWidth(left, single_font(left, SANS_BOLD), 7.5) - 20
            right = _fit_text(self.facts.header_right, SANS, 7.5, room)
            self._header = (visual(left), visual(right))
        return self._header

    def _body_page(self, canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        width = self.page_size[0] - 2 * MARGIN_X
        y = self.page_size[1] - MARGIN_TOP + 10
        canvas.setFillColor(MUTED)
        left, right = self._header_texts(width)
        left_font, right_font = single_font(left, SANS_BOLD), single_font(right, SANS)
        canvas.setFont(left_font, 7.5)
        canvas.drawString(MARGIN_X, y, left, shaping=is_shaped(left_font))
        canvas.setFont(right_font, 7.5)
        canvas.drawRightString(
            self.page_size[0] - MARGIN_X, y, right, shaping=is_shaped(right_font)
        )
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y - 4, self.page_size[0] - MARGIN_X, y - 4)
        self._footer(canvas)
        canvas.restoreState()


def build_pdf(
    target: Any,
    story: list[Flowable],
    facts: PageFacts,
    book: PageBook,
    *,
    on_flowable: Callable[[], None] = lambda: None,
    page_size: tuple[float, float] = PAGE_SIZE,
) -> int:
    """Lay out ``story`` into ``target`` (a file object); return the page count."""
    from reportlab import rl_config

    doc = PdfLayout(target, facts, book, on_flowable, page_size)
    # Binary Flate streams: ASCII85 only makes the file larger and slower to write and read.
    saved, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build([NextPageTemplate("body"), *story], canvasmaker=_make_canvas(book, facts))
    finally:
        rl_config.useA85 = saved
    return book.total_pages
