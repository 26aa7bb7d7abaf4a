"""Size limits of a protocol file, enforced when it is loaded (before the model is built).

A real phase 3 protocol has tens of sites, hundreds of sessions and a title of a few
hundred characters. The limits below are several times that, and low enough that
every command (validate, check, export, diff) on the largest accepted protocol
finishes in seconds and well under 500 MB (``tests/bench/bench_limits.py``
measures it). They are checked on the parsed JSON in one pass, so a hostile file
(100,000 sessions, a 9 MB title) is refused at once with one line naming the JSON
path and the limit, instead of being validated, checked or laid out for minutes.

Input files are opened only when they are regular files (:func:`read_regular_file`):
a named pipe would make a command wait forever, a device read without end.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papdesigner.model.jsonpath import PathPart

WILDCARD = "*"
"""Stands for any list index in a limit's pattern (``sessions.*.staff``)."""

DEFAULT_LIST_ITEMS = 100
"""Items in a list that :data:`LIST_ITEMS` does not name."""

LIST_ITEMS: dict[str, int] = {
    "metadata.registrations": 20,
    "sites": 100,
    "products": 30,
    "arms": 20,
    "roles": 50,
    "settings": 100,
    "sessions": 300,
    "sessions.*.arm_ids": 20,
    "sessions.*.staff": 10,
    "sessions.*.assessments": 40,
    "sessions.*.dosing.administrations": 20,
    "objectives": 50,
    "objectives.*.endpoints": 20,
    "waivers": 500,
}
"""Most items in one list, by the list's path (``*`` for any index)."""

TOTAL_ITEMS: dict[str, int] = {
    "sessions.*.assessments": 6_000,
    "sessions.*.staff": 1_500,
    "sessions.*.dosing.administrations": 1_000,
    "objectives.*.endpoints": 500,
}
"""Most items in all lists of one kind together (all sessions' assessments, ...)."""

MAX_NARRATIVE_KEYS = 200
"""Named narrative sections (``narrative`` holds one text per key)."""

TITLE_CHARS = 1_000
"""The protocol's title: a few hundred characters at most in practice."""

SHORT_TEXT_CHARS = 500
"""Names, labels, titles, ids, codes and the items of lists of names (keywords, ...)."""

LONG_TEXT_CHARS = 30_000
"""One free-text field (a rationale, a description, a narrative section): about 10 pages."""

TOTAL_TEXT_CHARS = 500_000
"""All text of the protocol together: about 150 printed pages, ten times a shipped example."""

SHORT_TEXT_KEYS = frozenset(
    {
        "id",
        "title",
        "short_title",
        "acronym",
        "protocol_number",
        "version",
        "name",
        "label",
        "registry",
        "identifier",
        "country",
        "region",
        "email",
        "profession",
        "code",
        "instrument",
        "role_id",
        "arm_id",
        "product_id",
        "setting_id",
        "site_id",
        "rule_id",
        "path",
        "author",
        "medication_class",
        "committee_name",
        "signatory",
        "ind_number",
        "manufacturer",
        "schedule",
        "licence_id",
        "format",
        "kind",
        "unit",
        "route",
    }
)
"""Keys whose text is a name or code, not prose (limited to :data:`SHORT_TEXT_CHARS`)."""

SHORT_ITEM_LISTS = frozenset(
    {
        "metadata.keywords",
        "regulatory.state_approvals",
        "sessions.*.assessments",
        "sessions.*.arm_ids",
        "medications.prohibited",
        "medications.rescue",
    }
)
"""Lists whose items are names (limited to :data:`SHORT_TEXT_CHARS` each)."""


class LimitError(ValueError):
    """A protocol over one of the limits; ``path`` is where, ``str()`` says which limit."""

    def __init__(self, path: tuple[PathPart, ...], message: str) -> None:
        self.path = path
        super().__init__(message)


def check_limits(raw: Any) -> None:
    """Raise :class:`LimitError` for the first part of parsed JSON that is over a limit.

    One walk over the data, linear in its size; values of the wrong type are left
    for the model's validation to report.
    """
    walker = _Walker()
    walker.value(raw, (), "")


@dataclass
class _Walker:
    text_chars: int = 0

    def __post_init__(self) -> None:
        self.totals: dict[str, int] = {}

    def value(self, value: Any, path: tuple[PathPart, ...], pattern: str) -> None:
        if isinstance(value, str):
            self.text(value, path, pattern)
        elif isinstance(value, dict):
            self.mapping(value, path, pattern)
        elif isinstance(value, list):
            self.items(value, path, pattern)

    def mapping(self, value: dict[str, Any], path: tuple[PathPart, ...], pattern: str) -> None:
        if pattern == "narrative" and len(value) > MAX_NARRATIVE_KEYS:
            raise LimitError(path, _too_many("narrative sections", len(value), MAX_NARRATIVE_KEYS))
        for key, item in value.items():
            self.value(item, (*path, key), f"{pattern}.{key}" if pattern else key)

    def items(self, value: list[Any], path: tuple[PathPart, ...], pattern: str) -> None:
        limit = LIST_ITEMS.get(pattern, DEFAULT_LIST_ITEMS)
        if len(value) > limit:
            raise LimitError(path, _too_many("items", len(value), limit))
        if pattern in TOTAL_ITEMS:
            total = self.totals.get(pattern, 0) + len(value)
            self.totals[pattern] = total
            if total > TOTAL_ITEMS[pattern]:
                what = f"items in all {pattern.replace('.*.', '[…].')} lists together"
                raise LimitError(path, _too_many(what, total, TOTAL_ITEMS[pattern]))
        child = f"{pattern}.{WILDCARD}"
        for index, item in enumerate(value):
            self.value(item, (*path, index), child)

    def text(self, value: str, path: tuple[PathPart, ...], pattern: str) -> None:
        limit = _text_limit(path, pattern)
        if len(value) > limit:
            raise LimitError(
                path, f"text too long: {len(value):,} characters (at most {limit:,} here)"
            )
        self.text_chars += len(value)
        if self.text_chars > TOTAL_TEXT_CHARS:
            raise LimitError(
                path,
                "too much text: this brings the protocol past its limit "
                f"(at most {TOTAL_TEXT_CHARS:,} characters of text in the whole protocol)",
            )


def _text_limit(path: tuple[PathPart, ...], pattern: str) -> int:
    if pattern == "metadata.title":
        return TITLE_CHARS
    parent = pattern.rpartition(".")[0]
    if path and isinstance(path[-1], int):
        return SHORT_TEXT_CHARS if parent in SHORT_ITEM_LISTS else LONG_TEXT_CHARS
    key = path[-1] if path else ""
    return SHORT_TEXT_CHARS if key in SHORT_TEXT_KEYS else LONG_TEXT_CHARS


def _too_many(what: str, count: int, limit: int) -> str:
    return f"too many {what}: {count:,} (at most {limit:,})"


def limit_table() -> Iterator[tuple[str, int]]:
    """Every count limit as (what, most), for documentation and the benchmark."""
    yield from LIST_ITEMS.items()
    for pattern, most in TOTAL_ITEMS.items():
        yield f"{pattern} (all together)", most
    yield "narrative (keys)", MAX_NARRATIVE_KEYS


# --- input files ----------------------------------------------------------------------------


class NotARegularFileError(OSError):
    """An input that is a pipe, device or socket; reading it could wait or run forever."""

    def __str__(self) -> str:
        return self.strerror or "not a regular file"


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """Read at most ``max_bytes + 1`` bytes of ``path``, refusing anything but a regular file.

    The file is opened without blocking (opening a named pipe with no writer would
    wait forever) and checked with ``fstat`` on the open descriptor, so a file
    swapped for a pipe between a check and the open is refused too.
    Raises :class:`NotARegularFileError`, :class:`IsADirectoryError` or another
    :class:`OSError`.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFileError(
                0, f"not a regular file (a {_kind_of(mode)}); give a file", str(path)
            )
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            return handle.read(max_bytes + 1)
    finally:
        if fd >= 0:
            os.close(fd)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"
