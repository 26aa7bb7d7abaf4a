"""Naming protocols and versions on the command line.

A protocol is named by its id or an unambiguous id prefix (at least 4
characters), its acronym or its protocol number (both case-insensitive). A
version is named ``PROTOCOL`` (its head), ``PROTOCOL@N`` (its N-th version) or by
a prefix of the version hash (at least 6 hex digits).
"""

from __future__ import annotations

import re
import sqlite3

from papdesigner.store.errors import LibraryError, NotFoundError

_HEX = re.compile(r"^[0-9a-f]{6,64}$")
_SHORT_HEX = re.compile(r"^[0-9a-f]{1,5}$")
MIN_ID_PREFIX = 4


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def matching_protocols(conn: sqlite3.Connection, name: str) -> list[str]:
    """Return the ids of the protocols that ``name`` can mean."""
    name = name.strip()
    if not name:
        return []
    ids: list[str] = []
    if len(name) >= MIN_ID_PREFIX:
        ids += [
            row[0]
            for row in conn.execute(
                "SELECT id FROM protocols WHERE id LIKE ? ESCAPE '\\'", [_like_prefix(name.lower())]
            )
        ]
    ids += [
        row[0]
        for row in conn.execute(
            "SELECT id FROM protocols WHERE acronym = ? COLLATE NOCASE "
            "OR protocol_number = ? COLLATE NOCASE",
            [name, name],
        )
    ]
    return list(dict.fromkeys(ids))


def resolve_protocol(conn: sqlite3.Connection, name: str) -> str:
    """Return the one protocol id ``name`` means; raise NotFoundError or LibraryError."""
    ids = matching_protocols(conn, name)
    if not ids:
        raise NotFoundError(f"no protocol {name!r} in the library")
    if len(ids) > 1:
        shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
        raise LibraryError(f"{name!r} is ambiguous: it matches protocols {shown}")
    return ids[0]


def resolve_version(conn: sqlite3.Connection, ref: str) -> int:
    """Return the id of the version ``ref`` names; raise NotFoundError or LibraryError."""
    ref = ref.strip()
    base, at, number = ref.rpartition("@") if "@" in ref else (ref, "", "")
    if at:
        if not number.isdigit() or int(number) < 1:
            raise LibraryError(f"{ref!r}: after '@' comes a version number (1, 2, ...)")
        protocol_id = resolve_protocol(conn, base)
        row = conn.execute(
            "SELECT id FROM versions WHERE protocol_id = ? AND number = ?",
            [protocol_id, int(number)],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"protocol {base!r} has no version {number}")
        return int(row[0])
    candidates: dict[int, str] = {}
    if _HEX.match(ref.lower()):
        for version_id, number, protocol_id, full_hash in conn.execute(
            "SELECT id, number, protocol_id, hash FROM versions WHERE hash LIKE ?",
            [ref.lower() + "%"],
        ):
            candidates[int(version_id)] = (
                f"version #{number} of {protocol_id[:8]} ({full_hash[:12]})"
            )
    for protocol_id in matching_protocols(conn, ref):
        head = conn.execute(
            "SELECT head_version_id FROM protocols WHERE id = ?", [protocol_id]
        ).fetchone()
        candidates[int(head[0])] = f"protocol {protocol_id}"
    if not candidates:
        hint = ""
        if _SHORT_HEX.match(ref.lower()):
            hint = " (a version hash prefix needs at least 6 hex digits)"
        raise NotFoundError(f"no protocol or version {ref!r} in the library{hint}")
    if len(candidates) > 1:
        shown = ", ".join(list(candidates.values())[:5])
        raise LibraryError(f"{ref!r} is ambiguous: it matches {shown}")
    return next(iter(candidates))
