"""File names made from user text (acronyms, protocol numbers, versions): safe on every system.

One definition for every suggested file name (saved protocols, PDFs, previews, summaries of
changes): letters and digits of any script stay, as do ``-``, ``_`` and ``.``; anything else
(path separators, ``<>:"|?*``, spaces, control characters) becomes ``-``. Leading and
trailing ``-`` and ``.`` are dropped (no hidden file, no name Windows trims), runs of ``-``
are joined, and the result is at most :data:`MAX_STEM` characters.
"""

from __future__ import annotations

import re

from papdesigner.model.protocol import Protocol

MAX_STEM = 80
"""Longest stem suggested; with a suffix it stays far below every file system's limit."""
KEEP = "-_."
_RUNS = re.compile(r"-{2,}")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def safe_file_stem(text: str, fallback: str = "protocol") -> str:
    """Return ``text`` as a file name stem that every system accepts (``fallback`` if empty)."""
    kept = "".join(c if c.isalnum() or c in KEEP else "-" for c in text)
    stem = _RUNS.sub("-", kept).strip("-.")[:MAX_STEM].strip("-.")
    if not stem or stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        return fallback
    return stem


def protocol_file_stem(protocol: Protocol) -> str:
    """A stem for a protocol's files: its acronym, else number, else short title."""
    meta = protocol.metadata
    return safe_file_stem(meta.acronym or meta.protocol_number or meta.short_title)
