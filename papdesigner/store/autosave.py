"""This app session's working copies, and the drafts that crashed sessions left behind.

:class:`Autosaver` is the autosave half of :class:`~papdesigner.store.library.Library`:
it rate-limits draft writes (see :class:`~papdesigner.store.drafts.AutosaveThrottle`),
starts the session (lock file + ``sessions`` row) on the first write, finds the drafts
of dead sessions, adopts or discards them, and ends the session on a clean close.
The library checks that it is open and writable before calling in.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlite_utils import Database

from papdesigner.model.fileformat import ProtocolFileError, loads_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.store import drafts
from papdesigner.store.codec import EncodedDocument, encode_document
from papdesigner.store.connection import OpenedDatabase, write_transaction
from papdesigner.store.errors import (
    LibraryBusyError,
    LibraryCorruptError,
    LibraryError,
    NotFoundError,
    translated,
)
from papdesigner.store.records import DraftInfo
from papdesigner.store.sessions import SessionLock, lock_folder

BUSY_TIMEOUT_S = 0.25
"""An autosave never freezes the GUI behind another writer: it retries on the next tick."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Autosaver:
    """Working copies of one app session in one library."""

    def __init__(self, opened: OpenedDatabase, interval: float, clock: Callable[[], float]) -> None:
        """Prepare; nothing is written until the first autosave or recovery."""
        self._opened = opened
        self._throttle = drafts.AutosaveThrottle(interval, clock)
        self.session_id: str | None = None
        self._lock: SessionLock | None = None

    @contextmanager
    def _writing(self) -> Iterator[Database]:
        opened = self._opened
        with write_transaction(opened.conn, opened.path, opened.busy_timeout_s):
            yield opened.db

    def offer(self, key: str, protocol: Protocol, base_version_id: int | None) -> bool:
        """Remember the newest state of ``key``; return True if it was written now."""
        self._throttle.offer(key, drafts.PendingDraft(protocol, base_version_id))
        return key in self.flush(force=False)

    def flush(self, force: bool) -> list[str]:
        """Write the pending states that are due; return the keys written."""
        written = []
        for key in self._throttle.due(force):
            pending = self._throttle.pending[key]
            encoded = encode_document(pending.protocol)
            if self._throttle.last_digest.get(key) == encoded.content_sha256:
                self._throttle.written(key, encoded.content_sha256)
                continue
            if not self._write(key, pending, encoded):
                continue  # another writer holds the lock: retry on the next tick
            self._throttle.written(key, encoded.content_sha256)
            written.append(key)
        return written

    def _write(self, key: str, pending: drafts.PendingDraft, encoded: EncodedDocument) -> bool:
        conn = self._opened.conn
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        try:
            session_id = self._ensure_session()
            with self._writing() as db:
                drafts.write_draft(
                    db, session_id=session_id, key=key, draft=pending, encoded=encoded, now=_now()
                )
        except LibraryBusyError:
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self._opened.busy_timeout_s * 1000)}")
        return True

    def _ensure_session(self) -> str:
        if self.session_id is not None:
            return self.session_id
        session_id = uuid.uuid4().hex
        try:
            lock = SessionLock.acquire(lock_folder(self._opened.path), session_id)
        except OSError as exc:
            raise LibraryError(f"{self._opened.path}: cannot start autosave ({exc})") from None
        try:
            with self._writing() as db:
                drafts.start_session(db, session_id, _now())
        except BaseException:
            lock.release()
            raise
        self.session_id, self._lock = session_id, lock
        return session_id

    def saved(self, db: Database, key: str) -> None:
        """Drop this session's draft of ``key`` inside the transaction that saved it."""
        if self.session_id is not None:
            drafts.delete_draft(db.conn, self.session_id, key)

    def forget(self, key: str) -> None:
        """Forget a pending state of ``key`` (after its save committed)."""
        self._throttle.forget(key)

    def recoverable(self) -> list[DraftInfo]:
        """Return the drafts of sessions that ended without a clean close, newest first."""
        opened = self._opened
        with translated(opened.path, opened.busy_timeout_s):
            dead = drafts.dead_sessions(opened.conn, lock_folder(opened.path), self.session_id)
            return drafts.recoverable(opened.conn, dead)

    def recover(self, draft: DraftInfo) -> Protocol:
        """Return a draft's protocol and make the draft this session's own."""
        session_id = self._ensure_session()
        with self._writing() as db:
            data = drafts.draft_document(db.conn, draft.session_id, draft.key)
            if data is None:
                raise NotFoundError(f"draft {draft.key!r} was already recovered or discarded")
            try:
                protocol = loads_protocol(data, source=f"draft {draft.key}", check_references=False)
            except ProtocolFileError as exc:
                raise LibraryCorruptError(f"{self._opened.path}: {exc}") from None
            if draft.session_id != session_id:
                drafts.adopt(db.conn, draft.session_id, draft.key, session_id)
                drafts.prune_sessions(db.conn, [draft.session_id])
        self._throttle.written(draft.key, encode_document(protocol).content_sha256)
        return protocol

    def discard(self, draft: DraftInfo | str) -> None:
        """Delete a recovered draft, or (given a key) this session's draft of that key."""
        if isinstance(draft, str):
            session_id, key = self.session_id, draft
            self._throttle.forget(key)
        else:
            session_id, key = draft.session_id, draft.key
        if session_id is None:
            return
        with self._writing() as db:
            drafts.delete_draft(db.conn, session_id, key)
            if session_id != self.session_id:
                drafts.prune_sessions(db.conn, [session_id])

    def end(self, clean: bool) -> None:
        """Clean: delete the session and its drafts. Unclean: write what is pending, keep all."""
        if self.session_id is None:
            return
        if clean:
            with self._writing() as db:
                drafts.end_session(db.conn, self.session_id)
        else:
            self.flush(force=True)

    def release(self) -> None:
        """Release the session lock (the OS would on exit anyway) and tidy its folder."""
        if self._lock is None:
            return
        self._lock.release()
        self._lock = None
        with suppress(OSError):  # only succeeds once no other session is left
            lock_folder(self._opened.path).rmdir()
