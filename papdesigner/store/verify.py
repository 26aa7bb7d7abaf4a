"""Walking every hash chain of a library and reporting what no longer matches.

Two chains run through the versions: each protocol's versions link to their
parent (``parent_hash``), and all versions of the library link to the one saved
before them (``prev_hash``, in id order). For every version ``verify`` recomputes
the hash of its record, decompresses its document and checks the document's
SHA-256 and canonical fingerprint, and checks both links. Editing a stored byte,
deleting or reordering versions, or rewriting a head all show up as problems.

What a hash chain cannot show on its own is the loss of the newest versions, or
a rewrite followed by recomputing every hash after it: the head witness beside
the library (:mod:`.witness`) and library heads recorded elsewhere (``library
verify --head``, e.g. from a submission to an ethics board) rule that out.
:meth:`Library.verify` reads everything inside one snapshot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from papdesigner.store import codec
from papdesigner.store.records import Problem, VerifyReport
from papdesigner.store.schema import IMMUTABILITY_TRIGGERS
from papdesigner.store.versions import RECORD_COLUMNS


@dataclass
class _ChainEnd:
    id: int
    number: int
    hash: str


def verify_library(conn: sqlite3.Connection, *, full: bool = True) -> VerifyReport:
    """Check every version and head; ``full=False`` skips re-deriving fingerprints."""
    problems: list[Problem] = [*_check_database(conn), *_check_guards(conn)]
    ends: dict[str, _ChainEnd] = {}
    count = 0
    previous: tuple[int, str] | None = None
    cursor = conn.execute(f"SELECT {RECORD_COLUMNS}, document FROM versions ORDER BY id")
    names = [d[0] for d in cursor.description]
    for row in cursor:
        record = dict(zip(names, row, strict=True))
        count += 1
        problems += _check_library_link(record, previous)
        problems += _check_record(record, full=full)
        problems += _check_protocol_link(record, ends.get(record["protocol_id"]))
        ends[record["protocol_id"]] = _ChainEnd(record["id"], record["number"], record["hash"])
        previous = (record["id"], record["hash"])
    problems += _check_heads(conn, ends)
    return VerifyReport(count, len(ends), tuple(problems))


def library_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """Return ``(id, hash)`` of the newest version in the library, or None when empty."""
    row = conn.execute("SELECT id, hash FROM versions ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _where(record: dict[str, Any]) -> str:
    return f"version #{record['number']} of protocol {record['protocol_id']} (id {record['id']})"


def _problem(kind: str, record: dict[str, Any], message: str) -> Problem:
    return Problem(kind, f"{_where(record)}: {message}", record["id"], record["protocol_id"])


def _check_database(conn: sqlite3.Connection) -> Iterator[Problem]:
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    if rows != ["ok"]:
        yield Problem("database", "SQLite integrity check failed: " + "; ".join(rows[:5]))


def _check_guards(conn: sqlite3.Connection) -> Iterator[Problem]:
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    for name, sql in IMMUTABILITY_TRIGGERS.items():
        if " ".join(str(found.get(name, "")).split()) != " ".join(sql.split()):
            yield Problem(
                "guard",
                f"the guard {name!r} that keeps versions immutable was removed or changed",
            )


def _check_library_link(record: dict[str, Any], previous: tuple[int, str] | None) -> list[Problem]:
    expected_id = previous[0] + 1 if previous else 1
    problems = []
    if record["id"] != expected_id:
        problems.append(
            _problem("missing", record, f"versions {expected_id} to {record['id'] - 1} are missing")
        )
    expected_prev = previous[1] if previous else None
    if record["prev_hash"] != expected_prev:
        problems.append(
            _problem("link", record, "its link to the library's previous version is broken")
        )
    return problems


def _check_record(record: dict[str, Any], *, full: bool) -> list[Problem]:
    problems = []
    if codec.version_hash(record) != record["hash"]:
        problems.append(_problem("record", record, "its recorded details no longer match its hash"))
    try:
        data = codec.decompress_document(record["document"])
    except codec.DocumentError as exc:
        return [*problems, _problem("content", record, str(exc))]
    if codec.sha256_hex(data) != record["content_sha256"] or len(data) != record["size"]:
        problems.append(_problem("content", record, "its content no longer matches its hash"))
    elif full:
        try:
            fingerprint = codec.document_fingerprint(data)
        except codec.DocumentError as exc:
            return [*problems, _problem("content", record, str(exc))]
        if fingerprint != record["fingerprint"]:
            problems.append(
                _problem("content", record, "its content does not give its recorded fingerprint")
            )
    return problems


def _check_protocol_link(record: dict[str, Any], parent: _ChainEnd | None) -> list[Problem]:
    if parent is None:
        if record["number"] != 1 or record["parent_hash"] is not None:
            return [_problem("missing", record, "the protocol's earlier versions are missing")]
        return []
    problems = []
    if record["number"] != parent.number + 1:
        problems.append(
            _problem("missing", record, f"follows version #{parent.number}; versions are missing")
        )
    if record["parent_hash"] != parent.hash or record["parent_id"] != parent.id:
        problems.append(_problem("link", record, "its link to its parent version is broken"))
    return problems


def _check_heads(conn: sqlite3.Connection, ends: dict[str, _ChainEnd]) -> Iterator[Problem]:
    rows = conn.execute("SELECT id, head_version_id, head_hash, version_count FROM protocols")
    seen = set()
    for protocol_id, head_id, head_hash, count in rows:
        seen.add(protocol_id)
        end = ends.get(protocol_id)
        if end is None:
            message = f"protocol {protocol_id}: all its versions are missing"
            yield Problem("missing", message, None, protocol_id)
        elif (head_id, head_hash, count) != (end.id, end.hash, end.number):
            yield Problem(
                "head",
                f"protocol {protocol_id}: its head does not point at its newest version "
                f"#{end.number}",
                head_id,
                protocol_id,
            )
    for protocol_id in sorted(set(ends) - seen):
        message = f"protocol {protocol_id}: has versions but no protocol entry"
        yield Problem("missing", message, None, protocol_id)
