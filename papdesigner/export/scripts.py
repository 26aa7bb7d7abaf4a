"""Every script in the PDF: fallback fonts per run of text, line breaking, unsupported scripts.

The body font (DejaVu Sans) draws Latin, Greek, Cyrillic, Hebrew and Arabic. Text
in other scripts is drawn with an embedded fallback font, chosen per run of
characters (:func:`with_fallback_fonts` wraps each run in ``<font face=...>``):

* Chinese, Japanese and Korean: WenQuanYi Micro Hei. Such paragraphs break lines
  between characters (reportlab's ``wordWrap="CJK"``, which also keeps closing
  punctuation off the start of a line), since these scripts put no spaces between words;
* Devanagari (Hindi, Marathi, Nepali) and Thai: Noto Sans Devanagari and Noto Sans
  Thai, shaped with HarfBuzz (``uharfbuzz``, through reportlab's ``shaping``), which
  forms conjuncts and places vowel signs. Thai has no spaces between words either;
  a Thai line that has no space to break at is broken between characters.

Letters no embedded font can draw (Bengali, Tamil, Khmer, ...) are refused before an
export starts (:func:`unsupported_text`), with one line naming the script and where
the text is. Other characters no font has (most emoji) are printed as their code,
``[U+1F9EA]`` (see :mod:`papdesigner.export.fonts`). A word longer than a line is
split between characters (``splitLongWords``), in every script.

This module has no reportlab styles of its own, so the summary-of-changes PDF can
use it as the protocol PDF does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from typing import Any

from papdesigner.paths import resource


@dataclass(frozen=True)
class FallbackFont:
    """An embedded font for scripts the body font does not have."""

    name: str
    filename: str
    scripts: str
    shaped: bool = False
    """Needs a shaping engine (HarfBuzz) to be drawn correctly."""
    cjk: bool = False
    """Its text breaks lines between characters."""


FALLBACK_FONTS = (
    FallbackFont("PapCJK", "wqy-microhei.ttc", "Chinese, Japanese, Korean", cjk=True),
    FallbackFont("PapDeva", "NotoSansDevanagari-Regular.ttf", "Devanagari", shaped=True),
    FallbackFont("PapThai", "NotoSansThai-Regular.ttf", "Thai", shaped=True),
)

SUPPORTED_SCRIPTS = (
    "Latin, Greek, Cyrillic, Hebrew, Arabic, Chinese, Japanese, Korean, Devanagari and Thai"
)
"""What the PDF prints, in words (error messages and the README)."""

_STICKY = frozenset({"Mn", "Mc", "Me", "Cf", "Zs"})
"""Marks, joiners and spaces stay in the font of the run they follow (shaping needs them)."""


@cache
def fallback_coverage() -> dict[str, frozenset[int]]:
    """Register the fallback fonts with reportlab (once); return each one's code points.

    The shaped fonts are left out when the shaping engine is not installed: their
    scripts are then refused before an export, rather than printed wrongly.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    covered: dict[str, frozenset[int]] = {}
    for fallback in FALLBACK_FONTS:
        if fallback.shaped and not shaping_available():
            continue
        font = TTFont(fallback.name, str(resource("fonts", fallback.filename)), subfontIndex=0)
        pdfmetrics.registerFont(font)
        for bold in (0, 1):
            for italic in (0, 1):  # one weight: bold and italic runs use the regular face
                addMapping(fallback.name, bold, italic, fallback.name)
        covered[fallback.name] = frozenset(p for p in font.face.charToGlyph if p > 0x20)
    return covered


@cache
def shaping_available() -> bool:
    """True when HarfBuzz (``uharfbuzz``) can be imported for reportlab's shaping."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _fonts_by_name() -> dict[str, FallbackFont]:
    return {f.name: f for f in FALLBACK_FONTS}


def _char_class(points: frozenset[int]) -> str:
    """A regex character class of ``points`` (BMP only), as ranges."""
    ranges: list[tuple[int, int]] = []
    for point in sorted(p for p in points if p <= 0xFFFF):
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


@cache
def _needs_fallback() -> re.Pattern[str]:
    """One character the body font lacks and some fallback font has."""
    from papdesigner.export.fonts import register_fonts

    body = register_fonts()
    extra: set[int] = set()
    for points in fallback_coverage().values():
        extra.update(p for p in points if p not in body)
    return re.compile(f"[{_char_class(frozenset(extra))}]" if extra else r"(?!x)x")


def drawable_points() -> frozenset[int]:
    """Every code point some embedded font draws (body font and fallbacks)."""
    from papdesigner.export.fonts import register_fonts

    points = set(register_fonts())
    for covered in fallback_coverage().values():
        points.update(covered)
    return frozenset(points)


@cache
def _beyond_body() -> re.Pattern[str]:
    """One character the body font does not draw (white space counts as drawn)."""
    from papdesigner.export.fonts import register_fonts

    return re.compile(f"[^{_char_class(register_fonts() | {9, 10, 13, 32})}]")


def beyond_body(text: str) -> bool:
    """True when ``text`` holds a character the body font does not draw.

    Most protocols have none: then the fallback fonts are never loaded (the CJK
    font alone takes ~70 ms to read), and no text is looked at twice.
    """
    return _beyond_body().search(text) is not None


def needs_fallback(text: str) -> bool:
    """True when ``text`` holds a character only a fallback font draws."""
    return beyond_body(text) and _needs_fallback().search(text) is not None


def _font_for(char: str, current: str | None) -> str | None:
    """The fallback font for ``char`` (None: the body font), keeping marks with their run."""
    from papdesigner.export.fonts import register_fonts

    point = ord(char)
    coverage = fallback_coverage()
    if current is not None and (
        unicodedata.category(char) in _STICKY and point in coverage[current]
    ):
        return current
    if point in register_fonts():
        return None
    return next((name for name, points in coverage.items() if point in points), None)


def font_runs(text: str) -> Iterator[tuple[str | None, str]]:
    """Split plain text into (fallback font or None for the body font, text) runs."""
    if not needs_fallback(text):
        yield None, text
        return
    current: str | None = None
    start = 0
    for index, char in enumerate(text):
        font = _font_for(char, current)
        if font != current and index > start:
            yield current, text[start:index]
            start = index
        current = font
    if start < len(text):
        yield current, text[start:]


@dataclass(frozen=True)
class Prepared:
    """Paragraph markup with fallback fonts, and how the paragraph must be broken and drawn."""

    markup: str
    cjk: bool = False
    shaped: bool = False


_TAG = re.compile(r"(<[^>]*>)")


def with_fallback_fonts(markup: str) -> Prepared:
    """Wrap each run of ``markup``'s text that needs a fallback font in ``<font face=...>``.

    ``markup`` is reportlab paragraph markup (tags and escaped text); tags are left
    as they are. One regex search when nothing needs a fallback font.
    """
    if not needs_fallback(markup):
        return Prepared(markup)
    out: list[str] = []
    used: set[str] = set()
    for piece in _TAG.split(markup):
        if piece.startswith("<"):
            out.append(piece)
            continue
        for font, run in _single_font_words(font_runs(piece)):
            if font is None:
                out.append(run)
            else:
                used.add(font)
                out.append(f'<font face="{font}">{run}</font>')
    fonts = _fonts_by_name()
    return Prepared(
        "".join(out),
        cjk=any(fonts[name].cjk for name in used),
        shaped=any(fonts[name].shaped for name in used),
    )


_SPACE = re.compile(r"(\s+)")
WORD_BREAK = " "
"""Between the parts of a split word (reportlab's words end only at ordinary white space)."""


def _single_font_words(runs: Iterator[tuple[str | None, str]]) -> Iterator[tuple[str | None, str]]:
    """Runs in which no word mixes a shaped font with another font.

    reportlab shapes a word with the font of its first character, so ``“हिन्दी”``
    with the quotes in the body font came out as missing glyphs. Such a word is
    drawn wholly in the shaped font when that font has all its characters (Noto
    Sans Devanagari has the quotes), else split into single-font words with a
    space between them (``“ ไทย ”``: Noto Sans Thai has no quotes).
    """
    items = list(runs)
    shaped = {f.name for f in FALLBACK_FONTS if f.shaped}
    if not any(font in shaped for font, _ in items):
        yield from items
        return
    coverage = fallback_coverage()
    chars = [(font, c) for font, run in items for c in run]
    text = "".join(c for _, c in chars)
    pos = 0
    for word in _SPACE.split(text):
        fonts = [font for font, _ in chars[pos : pos + len(word)]]
        pos += len(word)
        used = list(dict.fromkeys(fonts))
        main = next((f for f in used if f in shaped), None)
        if main is not None and len(used) > 1 and all(ord(c) in coverage[main] for c in word):
            yield main, word
            continue
        groups = groupby(zip(fonts, word, strict=True), key=lambda pair: pair[0])
        for index, (font, group) in enumerate(groups):
            part = "".join(c for _, c in group)
            yield font, (WORD_BREAK + part) if index and main is not None else part


def paragraph_style(style: Any, prepared: Prepared, *, rtl: bool) -> Any:
    """The style a paragraph of ``prepared`` text needs: CJK line breaking, shaping."""
    changes: dict[str, Any] = {}
    if prepared.cjk and not rtl:  # the right-to-left drawing works on word-broken lines
        changes["wordWrap"] = "CJK"
    if prepared.shaped:
        changes["shaping"] = 1
    if not changes:
        return style
    return _derived(style, tuple(sorted(changes.items())))


_DERIVED: dict[tuple[int, tuple[tuple[str, Any], ...]], Any] = {}


def _derived(style: Any, changes: tuple[tuple[str, Any], ...]) -> Any:
    key = (id(style), changes)
    found = _DERIVED.get(key)
    if found is None or found[0] is not style:
        found = (
            style,
            style.clone(f"{style.name}+{'+'.join(k for k, _ in changes)}", **dict(changes)),
        )
        _DERIVED[key] = found
    return found[1]


def is_shaped(font: str) -> bool:
    """True for a fallback font whose text must be shaped (``drawString(..., shaping=...)``)."""
    found = _fonts_by_name().get(font)
    return found is not None and found.shaped


def single_font(text: str, font: str) -> str:
    """The font to draw ``text`` with as one string (a header, a label in a figure).

    ``font`` when it has every character, else the first fallback font that has
    them all (WenQuanYi also has Latin letters and digits), else ``font``.
    """
    if not needs_fallback(text):
        return font
    coverage = fallback_coverage()
    points = {ord(c) for c in text if not c.isspace()}
    for name, covered in coverage.items():
        if points <= covered:
            return name
    runs = [f for f, _ in font_runs(text) if f is not None]
    return runs[0] if runs else font


# --- scripts no font draws ------------------------------------------------------------------


@cache
def _undrawable_letter() -> re.Pattern[str]:
    """One character outside every embedded font (letters are then looked at one by one)."""
    return re.compile(f"[^{_char_class(drawable_points() | {9, 10, 13, 32})}]")


def script_of(char: str) -> str:
    """The script of a letter in words, from its Unicode name ("BENGALI LETTER KA": Bengali)."""
    name = unicodedata.name(char, "")
    if not name:
        return f"U+{ord(char):04X}"
    first = name.split()[0]
    return first.capitalize() if first.isalpha() else f"U+{ord(char):04X}"


def unprintable_script(text: str) -> str | None:
    """The script of the first letter in ``text`` no embedded font draws (None: all print).

    Only letters of the Basic Multilingual Plane count: a symbol, emoji or mark
    without a glyph, and any character beyond U+FFFF (rare ideographs, historic
    scripts), is printed as its code instead (see :mod:`papdesigner.export.fonts`).
    """
    if not beyond_body(text):
        return None
    for match in _undrawable_letter().finditer(text):
        char = match.group()
        if ord(char) <= 0xFFFF and unicodedata.category(char).startswith("L"):
            return script_of(char)
    return None


def unsupported_text(
    data: Any, path: tuple[str | int, ...] = ()
) -> tuple[str, tuple[str | int, ...]] | None:
    """The first (script, JSON path) of text in ``data`` that the PDF cannot print, or None."""
    if isinstance(data, str):
        script = unprintable_script(data)
        return (script, path) if script else None
    items: Any = ()
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    for key, value in items:
        found = unsupported_text(value, (*path, key))
        if found is not None:
            return found
    return None
