"""Right-to-left text (Hebrew, Arabic) in correct visual order, with Arabic letters joined.

reportlab draws every line left to right in the order of the string and does not
join Arabic letters (its own bidi support needs the rlbidi package, which is not on
PyPI). So:

* Arabic letters are replaced by their joined presentation forms (initial, medial,
  final, isolated; the lam-alef ligatures) with ``arabic-reshaper``, in logical
  order, before lines are broken (:func:`shape`; called by ``printable_logical``), so line
  widths are measured on the glyphs that are drawn;
* lines are broken in logical order, as reportlab does, and each line is put in
  visual order only when it is drawn, with the Unicode Bidirectional Algorithm
  (UAX #9) of ``python-bidi`` (its reference Python implementation, which also
  mirrors brackets): :func:`visual` for one line, :func:`visual_lines` for the lines
  of a paragraph, where text runs of different styles (bold, muted) are reordered
  as one line. A paragraph whose first strong character is right-to-left is right
  aligned. Wrapped paragraphs therefore read top to bottom, each line right to left.

Text without a right-to-left character is never touched (one regex search).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from itertools import chain, groupby
from typing import Any

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def has_rtl(text: str) -> bool:
    """True when ``text`` holds a right-to-left character (or an RTL mark)."""
    return _RTL.search(text) is not None


@cache
def _reshaper(covered: frozenset[int]) -> Any:
    """An Arabic reshaper that only makes the ligatures the body font can draw."""
    from arabic_reshaper import ArabicReshaper
    from arabic_reshaper.ligatures import LETTERS_LIGATURES, SENTENCES_LIGATURES, WORDS_LIGATURES

    config: dict[str, Any] = {"delete_harakat": False, "shift_harakat_position": False}
    for name, (_match, forms) in chain(SENTENCES_LIGATURES, WORDS_LIGATURES, LETTERS_LIGATURES):
        config[name] = all(ord(ch) in covered for form in forms for ch in form)
    return ArabicReshaper(configuration=config)


def shape(text: str, covered: frozenset[int]) -> str:
    """Join the Arabic letters of ``text`` (logical order kept); other text is unchanged."""
    if _ARABIC.search(text) is None:
        return text
    shaped: str = _reshaper(covered).reshape(text)
    return shaped


def is_rtl(text: str) -> bool:
    """True when the paragraph's base direction is right to left (first strong character)."""
    from bidi.algorithm import get_base_level

    return bool(get_base_level(text))


def _reorder(text: str, rtl: bool) -> tuple[str, list[int]]:
    """UAX #9 for one line: the visual text and, per visual character, its logical index."""
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    storage["base_level"] = int(rtl)
    storage["base_dir"] = "R" if rtl else "L"
    algorithm.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["logical"] = index
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    algorithm.reorder_resolved_levels(storage, False)
    algorithm.apply_mirroring(storage, False)
    chars = storage["chars"]
    return "".join(c["ch"] for c in chars), [c["logical"] for c in chars]


def visual(text: str, rtl: bool | None = None) -> str:
    """One line in visual order (``rtl``: base direction; None = from its first strong char)."""
    if not has_rtl(text):
        return text
    return _reorder(text, is_rtl(text) if rtl is None else rtl)[0]


def _visual_words(words: Sequence[str], rtl: bool) -> list[str]:
    """A line of plain words (one style): reorder the joined line, split it again."""
    return _reorder(" ".join(words), rtl)[0].split(" ")


def _visual_frags(frags: Sequence[Any], rtl: bool) -> list[Any]:
    """A line of style runs: reorder their joined text, cut it back into runs of one style."""
    if any(hasattr(f, "cbDefn") for f in frags):
        return list(frags)  # inline objects (links, images) keep their order
    texts = [getattr(f, "text", "") for f in frags]
    owner = [i for i, t in enumerate(texts) for _ in t]
    line, order = _reorder("".join(texts), rtl)
    out = []
    position = 0
    for run_owner, run in groupby(order, key=lambda logical: owner[logical]):
        size = len(list(run))
        out.append(frags[run_owner].clone(text=line[position : position + size]))
        position += size
    # Runs without text (the end of a forced line break) stay at the end of the line.
    out.extend(f for f in frags if not getattr(f, "text", ""))
    return out


def paragraph_text(bl_para: Any) -> str:
    """The logical text of a broken paragraph (reportlab ``blPara``, kind 0 or 1)."""
    if bl_para.kind == 0:
        return " ".join(w for _, words in bl_para.lines for w in words)
    return "".join(getattr(f, "text", "") for line in bl_para.lines for f in line.words)


def visual_lines(bl_para: Any, rtl: bool) -> Any:
    """A copy of a broken paragraph whose lines are in visual order (the original is kept)."""
    if bl_para.kind == 0:
        lines = [
            (space, _visual_words(words, rtl) if has_rtl(" ".join(words)) else words)
            for space, words in bl_para.lines
        ]
        return bl_para.clone(lines=lines)
    lines = [
        line.clone(words=_visual_frags(line.words, rtl))
        if has_rtl("".join(getattr(f, "text", "") for f in line.words))
        else line
        for line in bl_para.lines
    ]
    return bl_para.clone(lines=lines)
