"""Appending immutable versions and reading them back with their hashes checked.

:func:`append_version` runs inside the caller's write transaction: it links the new
version to the protocol's previous version (``parent_hash``) and to the library's
previous version (``prev_hash``), inserts it, and moves the protocol's head, its
facets and its search row to the new content. Either all of that commits or none.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from papdesigner.store import codec
from papdesigner.store.errors import LibraryCorruptError, NotFoundError, StaleHeadError
from papdesigner.store.listing import format_time, parse_time
from papdesigner.store.records import VersionInfo
from papdesigner.store.schema import SEARCH_COLUMNS
from papdesigner.store.summary import HeadSummary

VERSION_COLUMNS = (
    "id, protocol_id, number, parent_hash, hash, fingerprint, author, created_at, message, "
    "title, document_version, size, amendment"
)

RECORD_COLUMNS = ", ".join(("id", "parent_id", *codec.HASHED_FIELDS, "hash"))
"""Every column needed to recompute and check a version's hash (not the document)."""


@dataclass(frozen=True)
class NewVersion:
    """Everything :func:`append_version` stores, prepared outside the transaction."""

    protocol_id: str
    document: codec.EncodedDocument
    summary: HeadSummary
    author: str
    message: str
    amendment: str | None
    expected_head: str | None = None


def append_version(db: Database, new: NewVersion, now: dt.datetime) -> VersionInfo:
    """Insert ``new`` as the protocol's next version; call inside a write transaction."""
    conn = db.conn
    parent = conn.execute(
        "SELECT id, number, hash FROM versions WHERE protocol_id = ? ORDER BY number DESC LIMIT 1",
        [new.protocol_id],
    ).fetchone()
    if new.expected_head is not None and (parent is None or parent[2] != new.expected_head):
        current = "has no versions" if parent is None else f"is now version #{parent[1]}"
        raise StaleHeadError(
            f"protocol {new.protocol_id} {current}, saved by another process; "
            "reload it before saving"
        )
    last = conn.execute("SELECT id, hash FROM versions ORDER BY id DESC LIMIT 1").fetchone()
    record: dict[str, Any] = {
        "id": (last[0] + 1) if last else 1,
        "protocol_id": new.protocol_id,
        "number": (parent[1] + 1) if parent else 1,
        "parent_id": parent[0] if parent else None,
        "parent_hash": parent[2] if parent else None,
        "prev_hash": last[1] if last else None,
        "fingerprint": new.document.fingerprint,
        "content_sha256": new.document.content_sha256,
        "size": len(new.document.data),
        "title": new.summary.columns["title"],
        "document_version": new.summary.columns["document_version"],
        "author": new.author,
        "created_at": format_time(now),
        "message": new.message,
        "amendment": new.amendment,
    }
    record["hash"] = codec.version_hash(record)
    pk = _protocol_pk(db, new.protocol_id, record["created_at"])
    db.table("versions").insert({**record, "document": new.document.compressed})
    _move_head(db, pk, record, new.summary)
    return version_from_record(record)


def _protocol_pk(db: Database, protocol_id: str, created_at: str) -> int:
    row = db.conn.execute("SELECT pk FROM protocols WHERE id = ?", [protocol_id]).fetchone()
    if row is not None:
        return int(row[0])
    # The head columns are filled in by _move_head in the same transaction.
    placeholder = {"id": protocol_id, "created_at": created_at, "updated_at": created_at}
    pk = db.table("protocols").insert({**placeholder, "version_count": 0}).last_pk
    if not isinstance(pk, int):
        raise TypeError(f"protocols row for {protocol_id} got no integer key")
    return pk


def _move_head(db: Database, pk: int, record: dict[str, Any], summary: HeadSummary) -> None:
    """Point the protocol at its new head and re-index it.

    The search row of a protocol is keyed by its head's version id, which grows with
    every save, so "most recently saved matches first" is a reverse rowid scan.
    """
    conn = db.conn
    old_head = conn.execute("SELECT head_version_id FROM protocols WHERE pk = ?", [pk]).fetchone()
    db.table("protocols").update(
        pk,
        {
            **summary.columns,
            "head_version_id": record["id"],
            "head_hash": record["hash"],
            "version_count": record["number"],
            "updated_at": record["created_at"],
        },
    )
    conn.execute("DELETE FROM protocol_facets WHERE protocol_pk = ?", [pk])
    conn.executemany(
        "INSERT INTO protocol_facets (facet, value, protocol_pk) VALUES (?, ?, ?)",
        [(facet, value, pk) for facet, value in summary.facets],
    )
    if old_head is not None and old_head[0] is not None:
        conn.execute("DELETE FROM search_index WHERE rowid = ?", [old_head[0]])
    conn.execute(
        f"INSERT INTO search_index (rowid, {', '.join(SEARCH_COLUMNS)}) "
        f"VALUES (?{', ?' * len(SEARCH_COLUMNS)})",
        [record["id"], *(summary.search[name] for name in SEARCH_COLUMNS)],
    )


def version_from_record(record: dict[str, Any]) -> VersionInfo:
    """Map a version record (column name -> value) to :class:`VersionInfo`."""
    amendment = record["amendment"]
    return VersionInfo(
        id=int(record["id"]),
        protocol_id=record["protocol_id"],
        number=int(record["number"]),
        hash=record["hash"],
        parent_hash=record["parent_hash"],
        fingerprint=record["fingerprint"],
        author=record["author"],
        created_at=parse_time(record["created_at"]),
        message=record["message"],
        title=record["title"],
        document_version=record["document_version"],
        size=int(record["size"]),
        amendment=json.loads(amendment) if amendment is not None else None,
    )


def _record(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}


def get_version(conn: sqlite3.Connection, version_id: int) -> VersionInfo:
    """Return one version's metadata; raise NotFoundError if there is no such version."""
    cursor = conn.execute(f"SELECT {VERSION_COLUMNS} FROM versions WHERE id = ?", [version_id])
    row = cursor.fetchone()
    if row is None:
        raise NotFoundError(f"no version {version_id} in the library")
    return version_from_record(_record(cursor, row))


def history(conn: sqlite3.Connection, protocol_id: str) -> list[VersionInfo]:
    """Return every version of a protocol, oldest first (empty if the protocol is unknown)."""
    cursor = conn.execute(
        f"SELECT {VERSION_COLUMNS} FROM versions WHERE protocol_id = ? ORDER BY number",
        [protocol_id],
    )
    return [version_from_record(_record(cursor, row)) for row in cursor.fetchall()]


def find_by_content(
    conn: sqlite3.Connection, protocol_id: str, content_sha256: str
) -> VersionInfo | None:
    """Return the protocol's oldest version with exactly this document, if any."""
    cursor = conn.execute(
        f"SELECT {VERSION_COLUMNS} FROM versions WHERE protocol_id = ? AND content_sha256 = ? "
        "ORDER BY number LIMIT 1",
        [protocol_id, content_sha256],
    )
    row = cursor.fetchone()
    return version_from_record(_record(cursor, row)) if row else None


def read_checked_document(conn: sqlite3.Connection, version_id: int) -> bytes:
    """Return a version's file bytes after checking them against the recorded hashes.

    Raise :class:`LibraryCorruptError` when the document or the record was altered.
    """
    cursor = conn.execute(
        f"SELECT {RECORD_COLUMNS}, document FROM versions WHERE id = ?", [version_id]
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFoundError(f"no version {version_id} in the library")
    record = _record(cursor, row)
    where = f"version #{record['number']} of protocol {record['protocol_id']}"
    if codec.version_hash(record) != record["hash"]:
        raise LibraryCorruptError(f"{where} was altered: its record no longer matches its hash")
    try:
        data = codec.decompress_document(record["document"])
    except codec.DocumentError as exc:
        raise LibraryCorruptError(f"{where}: {exc}") from None
    if codec.sha256_hex(data) != record["content_sha256"]:
        raise LibraryCorruptError(f"{where} was altered: its content no longer matches its hash")
    return data
