"""The embedded Unicode fonts of the PDF (DejaVu, shipped in ``resources/fonts``).

Fonts are registered with reportlab once per process. :func:`printable` replaces
characters the fonts cannot draw (emoji, most CJK) by a visible ``[U+1F600]``
code, so a reviewer sees that something was there instead of an empty box.
"""

from __future__ import annotations

import re
from functools import cache

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
    points = sorted(register_fonts() | {ord("\n"), ord("\t"), ord("\r")})
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    body = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{body}]")


def printable(text: str) -> str:
    """Return ``text`` with XML-invalid characters dropped and undrawable ones spelled out."""
    text = _XML_INVALID.sub("", text)
    return _undrawable().sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
