"""Text snippets for search hits, made in Python from the indexed text.

FTS5's ``snippet()`` needs the query's match context; for a prefix word (every
search word is one) FTS5 rebuilds the word's whole merged doclist for each row it
is asked about, about 1 ms per row in a library of 10,000 protocols. Reading the
indexed columns by rowid and finding the first matching word with a regular
expression costs a few microseconds instead.

The snippet shows the first match in the first column that has one (title,
acronym, numbers, substances, indication, then the text), with every occurrence of
a query word in ``[brackets]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

CONTEXT_BEFORE = 60
CONTEXT_AFTER = 110


def query_words(text: str) -> list[str]:
    """Return the tokens FTS5 would see in the query: runs of letters and digits."""
    return [w for w in re.findall(r"\w+", text) if w.strip("_")]


def fold(text: str) -> str:
    """Lower-case and strip diacritics, as the ``remove_diacritics`` tokenizer does."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def make_snippet(columns: Sequence[str], words: Sequence[str]) -> str:
    """Return a one-line snippet around the first word-prefix match, or "" if none."""
    lowered = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    if not lowered:
        return ""
    for column in columns:
        found = _around_first(column, column.lower(), lowered)
        if found:
            return found
    folded_words = sorted({fold(w) for w in lowered}, key=len, reverse=True)
    # "ü" matches "Use" in the index; an ASCII column then needs the folded pass too.
    query_folds = set(folded_words) != set(lowered)
    for column in columns:
        if query_folds or any(ord(ch) > 127 for ch in column):
            folded = fold(column)
            found = _around_first(folded, folded, folded_words)
            if found:
                return found
    return ""


def _first_match(lowered: str, words: Sequence[str]) -> int:
    """Return where the earliest word-prefix occurrence of any word starts, or -1.

    ``str.find`` scans in C; a regular expression with alternatives over 16 KB of
    narrative costs a hundred times more.
    """
    best = -1
    for word in words:
        at = lowered.find(word)
        while at > 0 and lowered[at - 1].isalnum():
            at = lowered.find(word, at + 1)
        if at >= 0 and (best < 0 or at < best):
            best = at
    return best


def _around_first(text: str, lowered: str, words: Sequence[str]) -> str:
    if len(lowered) != len(text):  # lower() changed the length: positions would drift
        lowered, text = fold(text), fold(text)
    at = _first_match(lowered, words)
    if at < 0:
        return ""
    start = max(0, at - CONTEXT_BEFORE)
    end = min(len(text), at + CONTEXT_AFTER)
    if start > 0:
        space = text.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    alternatives = "|".join(re.escape(w) for w in words)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)
    fragment = pattern.sub(lambda m: f"[{m.group(0)}]", text[start:end])
    fragment = " ".join(fragment.split())
    return ("…" if start > 0 else "") + fragment + ("…" if end < len(text) else "")
