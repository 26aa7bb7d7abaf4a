"""The library: the one object the GUI and the CLI use to keep protocols.

Typical use by the GUI::

    lib = Library.open()                       # $PAPDESIGNER_LIBRARY or the user data dir
    for draft in lib.recoverable_drafts():     # after a crash: offer to restore
        protocol = lib.recover_draft(draft)
    lib.autosave(str(protocol.id), protocol)   # on every edit; writes at most every 3 s
    lib.flush_autosave()                       # from a 1 s timer, so the last edit lands
    info = lib.save_version(protocol, author, "Sent to IRB", draft_key=str(protocol.id))
    lib.heads(limit=100)                       # the library view, newest first
    lib.search("psilocybin TRD", Filters(jurisdiction="US-OR"))
    lib.close()                                # clean close: drafts are discarded

A ``Library`` wraps one SQLite connection and must be used from the thread that
opened it; open a second (read-only) ``Library`` for a worker thread. Failures of
the library raise :class:`~papdesigner.store.errors.LibraryError` subclasses with a
one-line message, never a bare ``sqlite3`` error; invalid arguments (an empty
author, an amendment that is not JSON data, an unknown filter value) raise
ValueError.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlite_utils import Database

from papdesigner.model.fileformat import ProtocolFileError, loads_protocol, write_bytes_atomic
from papdesigner.model.protocol import Protocol
from papdesigner.store import refs, transfer, witness
from papdesigner.store.autosave import Autosaver
from papdesigner.store.codec import canonical_amendment, encode_document
from papdesigner.store.connection import (
    DEFAULT_BUSY_TIMEOUT_S,
    OpenedDatabase,
    open_database,
    read_snapshot,
    write_transaction,
)
from papdesigner.store.errors import (
    LibraryCorruptError,
    LibraryError,
    LibraryReadOnlyError,
    NotFoundError,
    translated,
)
from papdesigner.store.listing import (
    SUMMARY_COLUMNS,
    format_time,
    list_heads,
    search_heads,
    summary_from_row,
)
from papdesigner.store.location import resolve_library_path
from papdesigner.store.records import (
    DraftInfo,
    Filters,
    ImportResult,
    ProtocolSummary,
    SearchHit,
    VerifyReport,
    VersionInfo,
)
from papdesigner.store.summary import summarize
from papdesigner.store.verify import library_head, verify_library
from papdesigner.store.versions import (
    NewVersion,
    append_version,
    find_by_content,
    get_version,
    history,
    read_checked_document,
)

AUTOSAVE_INTERVAL_S = 3.0

MAX_AUTHOR = 200
MAX_MESSAGE = 10_000


def default_author() -> str:
    """Return the operating-system user name, the default author of a version."""
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no passwd entry, no USER variable
        return "unknown"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _protocol_key(protocol_id: str | uuid.UUID) -> str:
    try:
        return str(uuid.UUID(str(protocol_id)))
    except ValueError:
        raise NotFoundError(f"{protocol_id!r} is not a protocol id") from None


class Library:
    """A library file opened for reading, or for reading and writing."""

    def __init__(
        self, opened: OpenedDatabase, *, autosave_interval: float, clock: Callable[[], float]
    ) -> None:
        """Wrap an opened database; use :meth:`open`."""
        self._opened = opened
        self._closed = False
        self._autosaver = Autosaver(opened, autosave_interval, clock)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        readonly: bool | None = None,
        create: bool = True,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S,
        autosave_interval: float = AUTOSAVE_INTERVAL_S,
        durable: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> Library:
        """Open the library at ``path`` (default: see :mod:`papdesigner.store.location`).

        ``readonly=None`` opens read-write when possible, read-only otherwise (see
        :attr:`readonly`); ``True`` never writes; ``False`` fails on a read-only file.
        ``create=False`` refuses to create a missing library. A writer waits up to
        ``busy_timeout`` seconds for another process's write lock.
        """
        opened = open_database(
            resolve_library_path(path),
            readonly=readonly,
            create=create,
            busy_timeout_s=busy_timeout,
            durable=durable,
        )
        return cls(opened, autosave_interval=autosave_interval, clock=clock)

    # --- plumbing -------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The library file."""
        return self._opened.path

    @property
    def readonly(self) -> bool:
        """True when this library cannot be written (opened so, or no write permission)."""
        return self._opened.readonly

    @property
    def db(self) -> Database:
        """The sqlite-utils database (for tests and tools; prefer the methods)."""
        self._check_open()
        return self._opened.db

    def _check_open(self) -> None:
        if self._closed:
            raise LibraryError(f"{self.path}: the library is closed")

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        self._check_open()
        with translated(self.path, self._opened.busy_timeout_s):
            yield self._opened.conn

    def _require_writable(self) -> None:
        self._check_open()
        if self.readonly:
            raise LibraryReadOnlyError(f"{self.path}: the library is open read-only")

    @contextmanager
    def _writing(self) -> Iterator[Database]:
        self._require_writable()
        opened = self._opened
        with write_transaction(opened.conn, opened.path, opened.busy_timeout_s):
            yield opened.db

    # --- versions -------------------------------------------------------------------------

    def save_version(
        self,
        protocol: Protocol,
        author: str,
        message: str = "",
        amendment: Any = None,
        *,
        expected_head: str | None = None,
        draft_key: str | None = None,
    ) -> VersionInfo:
        """Save ``protocol`` as a new immutable version on top of its head; return it.

        ``amendment`` is an optional JSON-able payload (an amendment record) stored with
        the version and covered by its hash. With ``expected_head`` (a version hash) the
        save fails with :class:`StaleHeadError` if another process saved since. With
        ``draft_key`` this session's draft of that key is deleted in the same
        transaction. The version is on disk (fsync) when this returns. A version is
        made even when nothing changed since the head (e.g. to record "sent to IRB").
        """
        new = NewVersion(
            protocol_id=str(protocol.id),
            document=encode_document(protocol),
            summary=summarize(protocol),
            author=_checked_author(author),
            message=_checked_message(message),
            amendment=canonical_amendment(amendment),
            expected_head=expected_head,
        )
        with self._writing() as db:
            info = append_version(db, new, _now())
            if draft_key is not None:
                self._autosaver.saved(db, draft_key)
        witness.record_commit(self.path, info.id, info.hash)
        if draft_key is not None:
            self._autosaver.forget(draft_key)
        return info

    def version(self, version_id: int) -> VersionInfo:
        """Return one version's details."""
        with self._reading() as conn:
            return get_version(conn, version_id)

    def history(self, protocol_id: str | uuid.UUID) -> list[VersionInfo]:
        """Return every version of a protocol, oldest first; raise NotFoundError if unknown."""
        with self._reading() as conn:
            versions = history(conn, _protocol_key(protocol_id))
        if not versions:
            raise NotFoundError(f"no protocol {protocol_id} in the library")
        return versions

    def head(self, protocol_id: str | uuid.UUID) -> VersionInfo:
        """Return the newest version of a protocol."""
        return self.version(self.protocol(protocol_id).head_version_id)

    def document(self, version_id: int) -> bytes:
        """Return a version's file bytes, checked against its recorded hashes."""
        with self._reading() as conn:
            return read_checked_document(conn, version_id)

    def load_version(self, version_id: int) -> Protocol:
        """Return the protocol as it was saved in this version (hashes checked)."""
        data = self.document(version_id)
        try:
            return loads_protocol(
                data, source=f"{self.path} version {version_id}", check_references=False
            )
        except ProtocolFileError as exc:
            raise LibraryCorruptError(str(exc)) from None

    def load_head(self, protocol_id: str | uuid.UUID) -> Protocol:
        """Return the newest saved state of a protocol."""
        return self.load_version(self.protocol(protocol_id).head_version_id)

    def version_with_content(self, protocol: Protocol) -> VersionInfo | None:
        """Return the newest version of ``protocol``'s id holding exactly this content, if any.

        The window uses it to know which saved version a file it opens corresponds to.
        """
        from papdesigner.model.fileformat import fingerprint

        with self._reading() as conn:
            row = conn.execute(
                "SELECT id FROM versions WHERE protocol_id = ? AND fingerprint = ? "
                "ORDER BY number DESC LIMIT 1",
                [str(protocol.id), fingerprint(protocol)],
            ).fetchone()
            return get_version(conn, int(row[0])) if row else None

    def export_version(self, version_id: int, target: str | os.PathLike[str]) -> Path:
        """Write a version to a file atomically; the bytes equal what was saved."""
        data = self.document(version_id)
        path = Path(target)
        try:
            write_bytes_atomic(path, data)
        except OSError as exc:
            raise LibraryError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
        return path

    def resolve(self, ref: str) -> VersionInfo:
        """Return the version a command-line reference names (see :mod:`.refs`)."""
        with self._reading() as conn:
            return get_version(conn, refs.resolve_version(conn, ref))

    def resolve_protocol(self, name: str) -> ProtocolSummary:
        """Return the protocol a command-line name means (id prefix, acronym, number)."""
        with self._reading() as conn:
            return self.protocol(refs.resolve_protocol(conn, name))

    # --- protocols, listing, search -------------------------------------------------------

    def protocol(self, protocol_id: str | uuid.UUID) -> ProtocolSummary:
        """Return one protocol's summary; raise NotFoundError if unknown."""
        key = _protocol_key(protocol_id)
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM protocols p WHERE p.id = ?", [key]
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no protocol {key} in the library")
        return summary_from_row(row)

    def heads(self, limit: int = 100, filters: Filters | None = None) -> list[ProtocolSummary]:
        """Return protocols (their newest versions), most recently saved first."""
        with self._reading() as conn:
            return list_heads(conn, filters or Filters(), limit)

    def search(
        self, query: str, filters: Filters | None = None, limit: int = 50, snippets: int = 10
    ) -> list[SearchHit]:
        """Full-text search over title, acronym, numbers, substances, indication and text.

        Every word of ``query`` must match the start of a word; results are ranked,
        best first. The first ``snippets`` hits carry a text snippet with the matches
        in ``[brackets]``; the others an empty one. Raise ValueError for filter values
        outside the file vocabulary.
        """
        with self._reading() as conn:
            return search_heads(conn, query, filters or Filters(), limit, snippets)

    def archive(self, protocol_id: str | uuid.UUID, archived: bool = True) -> None:
        """Hide a protocol from default lists (``archived=False`` shows it again).

        Its versions stay in the library, unchanged.
        """
        key = _protocol_key(protocol_id)
        with self._writing() as db:
            cursor = db.conn.execute(
                "UPDATE protocols SET archived_at = ? WHERE id = ?",
                [format_time(_now()) if archived else None, key],
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no protocol {key} in the library")

    # --- import ---------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        author: str,
        message: str | None = None,
        *,
        recursive: bool = False,
    ) -> Iterator[ImportResult]:
        """Import protocol files and folders of ``*.pap.json`` files, yielding one result per file.

        A generator: each file is imported when its result is taken, so a caller can
        show progress (``list(...)`` imports everything).

        An invalid file gives an ``"error"`` result and the others are still imported;
        a file whose content the library already holds for that protocol is
        ``"unchanged"``. Each file is its own transaction. Library failures (disk
        full, lock held too long) stop the import with a LibraryError.
        """
        checked_author = _checked_author(author)
        for path in transfer.expand_paths([Path(p) for p in paths], recursive=recursive):
            try:
                read = transfer.read_for_import(path)
            except ProtocolFileError as exc:
                yield ImportResult(str(path), "error", error=str(exc))
                continue
            yield self._import_one(read, checked_author, message)

    def _import_one(
        self, read: transfer.ReadFile, author: str, message: str | None
    ) -> ImportResult:
        protocol_id = str(read.protocol.id)
        new = NewVersion(
            protocol_id=protocol_id,
            document=read.encoded,
            summary=summarize(read.protocol),
            author=author,
            message=_checked_message(message or f"Imported from {read.path.name}"),
            amendment=None,
        )
        with self._writing() as db:
            existing = find_by_content(db.conn, protocol_id, read.encoded.content_sha256)
            info = existing or append_version(db, new, _now())
        if existing is None:
            witness.record_commit(self.path, info.id, info.hash)
        status = "unchanged" if existing else "imported"
        return ImportResult(str(read.path), status, info, None, read.canonical, read.warnings)

    # --- integrity ------------------------------------------------------------------------

    def verify(
        self, *, full: bool = True, recorded_heads: Iterable[tuple[str, int, str]] = ()
    ) -> VerifyReport:
        """Walk every hash chain and report versions whose content or links changed.

        Everything is read inside one snapshot, so a concurrent save or import never
        shows up as a problem. The head witness beside the library (see
        :mod:`.witness`) is read first, and ``recorded_heads`` (``(where, id, hash)``
        read from exported PDFs) are checked too: both catch deleted newest
        versions and rewritten chains.
        """
        witnessed, witness_problems = witness.read_witness(self.path)
        with self._reading() as conn, read_snapshot(conn):
            report = verify_library(conn, full=full)
            extra = [
                *witness_problems,
                *witness.check_witnessed(conn, witnessed),
                *witness.check_recorded_heads(conn, recorded_heads),
            ]
        return VerifyReport(
            report.versions_checked,
            report.protocols_checked,
            (*report.problems, *extra),
            witnessed=len(witnessed),
        )

    def library_head(self) -> tuple[int, str] | None:
        """Return ``(id, hash)`` of the newest version saved in the library, or None."""
        with self._reading() as conn, read_snapshot(conn):
            return library_head(conn)

    # --- autosave and recovery ------------------------------------------------------------

    def autosave(self, key: str, protocol: Protocol, *, base_version_id: int | None = None) -> bool:
        """Keep a working copy of unsaved edits; return True if it was written now.

        Call on every edit. A key (usually ``str(protocol.id)``) is written at most
        once per autosave interval; in between, the newest state waits and is written
        by a later call or by :meth:`flush_autosave`. The library keeps a reference to
        ``protocol`` and serialises it when the write is due. When another process
        holds the write lock the write waits for the next call instead of blocking.
        """
        self._check_open()
        if self.readonly:
            return False
        return self._autosaver.offer(key, protocol, base_version_id)

    def flush_autosave(self, force: bool = False) -> int:
        """Write the pending working copies that are due (all with ``force``); return count.

        The GUI calls this from a timer (every second or so) so the last edit lands.
        """
        self._check_open()
        if self.readonly:
            return 0
        return len(self._autosaver.flush(force))

    def recoverable_drafts(self) -> list[DraftInfo]:
        """Return working copies left by sessions that did not close cleanly, newest first.

        Drafts whose content was saved as a version anyway are not listed; drafts of
        sessions that are still running (another window, the CLI) are not either.
        """
        self._check_open()
        if self.readonly:
            return []
        return self._autosaver.recoverable()

    def recover_draft(self, draft: DraftInfo) -> Protocol:
        """Return a recovered working copy and make it this session's draft of that key."""
        self._require_writable()
        return self._autosaver.recover(draft)

    def discard_draft(self, draft: DraftInfo | str) -> None:
        """Delete a working copy: a recovered one, or this session's draft of a key."""
        self._require_writable()
        self._autosaver.discard(draft)

    # --- closing --------------------------------------------------------------------------

    def close(self, clean: bool = True) -> None:
        """Close the library.

        ``clean=True`` (a normal exit) discards this session's working copies.
        ``clean=False`` first writes any pending working copy and keeps them all, so
        the next start offers to recover them, as after a crash.
        """
        if self._closed:
            return
        try:
            if not self.readonly:
                self._autosaver.end(clean)
                with suppress(LibraryError), self._reading() as conn:
                    conn.execute("PRAGMA optimize")  # best effort: keeps query plans good
        finally:
            self._autosaver.release()
            self._closed = True
            self._opened.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(clean=exc_type is None)


def _storable(text: str) -> str:
    """Text SQLite can store: a lone surrogate (an undecodable byte of a file name) becomes '?'."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _checked_author(author: str) -> str:
    cleaned = " ".join(_storable(str(author)).split())
    if not cleaned:
        raise ValueError("a version needs an author")
    if len(cleaned) > MAX_AUTHOR:
        raise ValueError(f"author is longer than {MAX_AUTHOR} characters")
    return cleaned


def _checked_message(message: str) -> str:
    text = _storable(str(message)).strip()
    if len(text) > MAX_MESSAGE:
        raise ValueError(f"message is longer than {MAX_MESSAGE} characters")
    return text
