"""The embedded Unicode fonts of the PDF (DejaVu, shipped in ``resources/fonts``).

Scripts DejaVu does not have (Chinese, Japanese, Korean, Devanagari, Thai) are drawn
with the fallback fonts of :mod:`papdesigner.export.scripts`.

Fonts are registered with reportlab once per process. :func:`printable_logical`
prepares user text for print (and :func:`printable` also puts one line in visual
order):

* characters no embedded font can draw (most emoji) become a visible ``[U+1F9EA]``
  code, so a reviewer sees that something was there instead of an empty box. So do
  all characters beyond U+FFFF: reportlab writes a broken ToUnicode entry for them,
  which would make the PDF text unsearchable;
* Arabic letters are joined (presentation forms, :func:`papdesigner.export.bidi.shape`).
  Text stays in logical order: lines are put in visual order when they are drawn
  (:mod:`papdesigner.export.bidi`), after line breaking, so wrapped right-to-left
  paragraphs read correctly. Metadata (``shape=False``) keeps the plain letters.
"""

from __future__ import annotations

import re
from functools import cache

from papdesigner.export.bidi import shape as join_arabic
from papdesigner.export.bidi import visual
from papdesigner.export.scripts import beyond_body, drawable_points
from papdesigner.paths import resource

SANS = "PapSans"
SANS_BOLD = "PapSans-Bold"
SANS_ITALIC = "PapSans-Oblique"
MONO = "PapMono"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}

# Characters that XML 1.0 (and so the template output) cannot carry at all.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@cache
def register_fonts() -> frozenset[int]:
    """Register the fonts with reportlab (once) and return the code points they cover."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    covered: set[int] = set()
    for name, filename in _FILES.items():
        font = TTFont(name, str(resource("fonts", filename)))
        pdfmetrics.registerFont(font)
        if name == SANS:
            covered.update(font.face.charToGlyph)
    for bold, italic, face in ((0, 0, SANS), (1, 0, SANS_BOLD), (0, 1, SANS_ITALIC)):
        addMapping(SANS, bold, italic, face)
    addMapping(SANS, 1, 1, SANS_BOLD)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(MONO, bold, italic, MONO)
    return frozenset(covered)


@cache
def _undrawable() -> re.Pattern[str]:
    """A pattern matching one character that the body font has no glyph for."""
    points = sorted(p for p in drawable_points() | {10, 9, 13} if p <= 0xFFFF)
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    body = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{body}]")


def printable_logical(text: str, *, shape: bool = True) -> str:
    """Return ``text`` ready for print, still in logical order (see the module docstring).

    For text that the export's paragraphs draw (they put each line in visual order)
    and for metadata (``shape=False``: plain Arabic letters).
    """
    text = _XML_INVALID.sub("", text)
    if beyond_body(text):  # else every character is drawn: no need to load the fallback fonts
        text = _undrawable().sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    if shape:
        text = join_arabic(text, register_fonts())
    return text


def printable(text: str) -> str:
    """Return ``text`` ready to draw as one line: printable, and in visual order.

    For callers that draw the string as it is (``drawString``, a plain reportlab
    Paragraph that does not wrap it); text that may wrap belongs in a
    :class:`papdesigner.export.flowables.WrapOnceParagraph` with
    :func:`printable_logical`, so that every line is ordered after line breaking.
    """
    return visual(printable_logical(text))
