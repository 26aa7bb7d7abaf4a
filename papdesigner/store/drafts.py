"""Autosave: working copies of unsaved edits, and finding them again after a crash.

A draft belongs to one app session (a row in ``sessions`` plus a held OS lock, see
:mod:`papdesigner.store.sessions`). A clean close deletes the session and its
drafts. After a crash the session row stays behind while its lock is gone: its
drafts are then *recoverable*, and the next session can adopt or discard them.

:class:`AutosaveThrottle` decides when a write is due: at most one write per key
every ``interval`` seconds, the newest state always written eventually (on the
next ``autosave`` or ``flush``), and nothing written when the content did not
change since the last write.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from papdesigner.model.protocol import Protocol
from papdesigner.store import codec
from papdesigner.store.listing import format_time, parse_time
from papdesigner.store.records import DraftInfo
from papdesigner.store.sessions import session_is_alive

DRAFT_COLUMNS = (
    "d.session_id, d.key, d.protocol_id, d.base_version_id, d.title, d.saved_at, s.host, d.size"
)


@dataclass
class PendingDraft:
    """The newest unsaved state of one key, waiting for its turn to be written."""

    protocol: Protocol
    base_version_id: int | None


@dataclass
class AutosaveThrottle:
    """Rate limiting of draft writes per key, on a monotonic clock."""

    interval: float
    clock: Callable[[], float]
    pending: dict[str, PendingDraft] = field(default_factory=dict)
    last_write: dict[str, float] = field(default_factory=dict)
    last_digest: dict[str, str] = field(default_factory=dict)

    def offer(self, key: str, draft: PendingDraft) -> None:
        """Remember the newest state of ``key``."""
        self.pending[key] = draft

    def due(self, force: bool = False) -> list[str]:
        """Return the keys whose pending state may be written now."""
        now = self.clock()
        return [
            key
            for key in self.pending
            if force or now - self.last_write.get(key, float("-inf")) >= self.interval
        ]

    def written(self, key: str, digest: str) -> None:
        """Record that ``key`` was just written (or found unchanged)."""
        self.pending.pop(key, None)
        self.last_write[key] = self.clock()
        self.last_digest[key] = digest

    def forget(self, key: str) -> None:
        """Drop everything known about ``key`` (its draft was saved or discarded)."""
        self.pending.pop(key, None)
        self.last_write.pop(key, None)
        self.last_digest.pop(key, None)


def start_session(db: Database, session_id: str, now: dt.datetime) -> None:
    """Record a live app session (its lock must already be held)."""
    db.table("sessions").insert(
        {
            "id": session_id,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": format_time(now),
        }
    )


def write_draft(
    db: Database,
    *,
    session_id: str,
    key: str,
    draft: PendingDraft,
    encoded: codec.EncodedDocument,
    now: dt.datetime,
) -> None:
    """Insert or replace the session's draft for ``key``; call inside a write transaction.

    Plain SQL on purpose: sqlite-utils' ``upsert`` probes the SQLite version by
    creating a scratch table, and when that probe fails (a full disk) it falls back
    to ``INSERT OR IGNORE``, which silently drops the row.
    """
    row = {
        "session_id": session_id,
        "key": key,
        "protocol_id": str(draft.protocol.id),
        "base_version_id": draft.base_version_id,
        "title": draft.protocol.metadata.title,
        "saved_at": format_time(now),
        "size": len(encoded.data),
        "content_sha256": encoded.content_sha256,
        "document": encoded.compressed,
    }
    columns = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    db.execute(f"INSERT OR REPLACE INTO drafts ({columns}) VALUES ({marks})", row)


def delete_draft(conn: sqlite3.Connection, session_id: str, key: str) -> int:
    """Delete one draft; return how many rows went (0 or 1)."""
    cursor = conn.execute("DELETE FROM drafts WHERE session_id = ? AND key = ?", [session_id, key])
    return cursor.rowcount


def end_session(conn: sqlite3.Connection, session_id: str) -> None:
    """Delete a session and all its drafts (a clean close)."""
    conn.execute("DELETE FROM drafts WHERE session_id = ?", [session_id])
    conn.execute("DELETE FROM sessions WHERE id = ?", [session_id])


def dead_sessions(conn: sqlite3.Connection, lock_dir: Path, own: str | None) -> list[str]:
    """Return the ids of sessions that ended without a clean close."""
    rows = conn.execute("SELECT id FROM sessions ORDER BY started_at").fetchall()
    return [sid for (sid,) in rows if sid != own and not session_is_alive(lock_dir, sid)]


def recoverable(conn: sqlite3.Connection, dead: list[str]) -> list[DraftInfo]:
    """Return the drafts of dead sessions that hold edits not saved as a version, newest first."""
    if not dead:
        return []
    marks = ", ".join("?" * len(dead))
    rows = conn.execute(
        f"SELECT {DRAFT_COLUMNS} FROM drafts d JOIN sessions s ON s.id = d.session_id "
        f"WHERE d.session_id IN ({marks}) AND NOT EXISTS (SELECT 1 FROM versions v "
        "WHERE v.protocol_id = d.protocol_id AND v.content_sha256 = d.content_sha256) "
        "ORDER BY d.saved_at DESC",
        dead,
    ).fetchall()
    return [_draft_info(row) for row in rows]


def _draft_info(row: tuple[object, ...]) -> DraftInfo:
    return DraftInfo(
        session_id=str(row[0]),
        key=str(row[1]),
        protocol_id=str(row[2]) if row[2] is not None else None,
        base_version_id=int(str(row[3])) if row[3] is not None else None,
        title=str(row[4]),
        saved_at=parse_time(str(row[5])),
        host=str(row[6]),
        size=int(str(row[7])),
    )


def draft_document(conn: sqlite3.Connection, session_id: str, key: str) -> bytes | None:
    """Return the file bytes of one draft, or None if it is gone."""
    row = conn.execute(
        "SELECT document FROM drafts WHERE session_id = ? AND key = ?", [session_id, key]
    ).fetchone()
    return codec.decompress_document(row[0]) if row else None


def adopt(conn: sqlite3.Connection, from_session: str, key: str, to_session: str) -> None:
    """Move a recovered draft into the current session (replacing its draft of that key)."""
    conn.execute("DELETE FROM drafts WHERE session_id = ? AND key = ?", [to_session, key])
    conn.execute(
        "UPDATE drafts SET session_id = ? WHERE session_id = ? AND key = ?",
        [to_session, from_session, key],
    )


def prune_sessions(conn: sqlite3.Connection, dead: list[str]) -> None:
    """Forget dead sessions whose drafts are all gone or already saved as versions."""
    for session_id in dead:
        conn.execute(
            "DELETE FROM drafts WHERE session_id = ? AND EXISTS (SELECT 1 FROM versions v "
            "WHERE v.protocol_id = drafts.protocol_id "
            "AND v.content_sha256 = drafts.content_sha256)",
            [session_id],
        )
        left = conn.execute("SELECT 1 FROM drafts WHERE session_id = ? LIMIT 1", [session_id])
        if left.fetchone() is None:
            conn.execute("DELETE FROM sessions WHERE id = ?", [session_id])
