"""The embedded Unicode fonts of the PDF (DejaVu, shipped in ``resources/fonts``).

Fonts are registered with reportlab once per process. :func:`printable` prepares
user text for print:

* characters the fonts cannot draw (most emoji, CJK) become a visible ``[U+1F9EA]``
  code, so a reviewer sees that something was there instead of an empty box. So do
  all characters beyond U+FFFF: reportlab writes a broken ToUnicode entry for them,
  which would make the PDF text unsearchable;
* runs of right-to-left text (Hebrew, Arabic) are put in visual order, because
  reportlab draws left to right without the Unicode bidirectional algorithm (that
  needs the optional rlbidi package). Numbers inside a run keep their order and
  mirrored brackets are swapped. Arabic letters are not joined (no shaping).
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
    points = sorted(p for p in register_fonts() | {10, 9, 13} if p <= 0xFFFF)
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    body = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{body}]")


_RTL_CHARS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_RTL_NEUTRAL = " \\d.,:;!?()\\[\\]\\-\u2010-\u2015'\"/"
_RTL_RUN = re.compile(f"[{_RTL_CHARS}](?:[{_RTL_CHARS}{_RTL_NEUTRAL}]*[{_RTL_CHARS}])?")
_TOKENS = re.compile(r"\d+(?:[.,:]\d+)*|.", re.DOTALL)
_MIRROR = str.maketrans("()[]", ")(][")


def _visual(match: re.Match[str]) -> str:
    tokens = _TOKENS.findall(match.group())
    return "".join(reversed(tokens)).translate(_MIRROR)


def printable(text: str) -> str:
    """Return ``text`` ready for print (see the module docstring)."""
    text = _XML_INVALID.sub("", text)
    text = _undrawable().sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    return _RTL_RUN.sub(_visual, text)
