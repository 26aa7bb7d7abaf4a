"""Opening a library file safely, and the one way the library writes: a short transaction.

Opening never changes a file that is not ours: the header is read first, and a
file that is not SQLite, a SQLite database of another program, or a library
written by a newer papdesigner is refused with a clear message before anything
is written. A library whose file or folder cannot be written opens read-only.

Every write runs in ``BEGIN IMMEDIATE ... COMMIT``: the write lock is taken at the
start (so two writers never deadlock), another process waiting for it blocks for
at most the busy timeout and then gets :class:`LibraryBusyError`. The database is
in WAL mode with ``synchronous=FULL``, so a commit is on disk when it returns and
readers are never blocked by a writer.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from papdesigner.store import schema
from papdesigner.store.errors import (
    LibraryError,
    LibraryReadOnlyError,
    NewerSchemaError,
    NotALibraryError,
    translated,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_S = 5.0


@dataclass
class OpenedDatabase:
    """A connection to a library, how it was opened, and its sqlite-utils wrapper."""

    path: Path
    conn: sqlite3.Connection
    db: Database
    readonly: bool
    busy_timeout_s: float


def open_database(
    path: Path,
    *,
    readonly: bool | None,
    create: bool,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    durable: bool = True,
) -> OpenedDatabase:
    """Open (and if needed create or upgrade) the library at ``path``.

    ``readonly=None`` opens for writing when the file and its folder are writable and
    read-only otherwise; ``True`` never writes; ``False`` raises
    :class:`LibraryReadOnlyError` when writing is impossible. ``durable=False`` turns
    off fsync; it is meant for bulk loads in benchmarks, never for user data.
    """
    _check_existing_file(path, create=create)
    writable = _can_write(path)
    if readonly is False and not writable:
        raise LibraryReadOnlyError(f"{path}: the library is read-only (no write permission)")
    use_readonly = bool(readonly) or not writable
    if use_readonly and not path.exists():
        raise LibraryError(f"{path}: no library here yet (nothing has been saved)")
    if not use_readonly:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path, use_readonly, busy_timeout_s)
    try:
        with translated(path, busy_timeout_s):
            _configure(conn, durable=durable, readonly=use_readonly)
            _check_header(path, conn, readonly=use_readonly)
            if not use_readonly:
                _prepare_for_writing(path, conn, busy_timeout_s)
    except BaseException:
        conn.close()
        raise
    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    return OpenedDatabase(path, conn, db, use_readonly, busy_timeout_s)


def _check_existing_file(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise LibraryError(f"{path}: is a folder, not a library file")
    if not path.exists():
        if not create:
            raise LibraryError(f"{path}: no library here yet (nothing has been saved)")
        return
    if not path.is_file():
        # /dev/null as a library made SQLite create /dev/null-journal beside it.
        raise LibraryError(f"{path}: not a library file (a device, pipe or socket)")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise LibraryError(f"{path}: cannot read the library ({exc.strerror or exc})") from None
    if head and head != SQLITE_MAGIC:
        raise NotALibraryError(f"{path}: not a papdesigner library (not a SQLite database)")


def _can_write(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path()
    existing_folder = folder
    while not existing_folder.exists() and existing_folder != existing_folder.parent:
        existing_folder = existing_folder.parent
    if path.exists():
        # WAL mode needs the folder too: SQLite creates the -wal and -shm files there.
        return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
    return os.access(existing_folder, os.W_OK | os.X_OK)


def _connect(path: Path, readonly: bool, busy_timeout_s: float) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else "?mode=rwc")
    with translated(path, busy_timeout_s):
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_s)
        if readonly and not _readable(conn):
            # A read-only folder cannot hold the -shm file WAL readers need. With no
            # -wal file there is nothing uncommitted, so reading the file as immutable
            # shows exactly its content.
            conn.close()
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise LibraryError(
                    f"{path}: the library has unsaved journal data and its folder is "
                    "read-only; open it once with write access"
                )
            conn = sqlite3.connect(
                path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True, timeout=0
            )
    return conn


def _readable(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
            return False
        raise
    return True


def _configure(conn: sqlite3.Connection, *, durable: bool, readonly: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    # Library files come from other people too: never run functions from their schema.
    conn.execute("PRAGMA trusted_schema = OFF")
    if not readonly:
        conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'OFF'}")
        conn.execute("PRAGMA fullfsync = ON")  # macOS: flush the drive cache too


def _check_header(path: Path, conn: sqlite3.Connection, *, readonly: bool) -> None:
    app_id, version, objects = schema.read_header(conn)
    target = schema.target_version()
    if app_id != schema.APPLICATION_ID and (app_id != 0 or objects > 0):
        raise NotALibraryError(
            f"{path}: not a papdesigner library (a SQLite database of another program)"
        )
    if version > target:
        raise NewerSchemaError(
            f"{path}: the library was written by a newer papdesigner (library schema "
            f"{version}, this one understands up to {target}); update papdesigner. "
            "The library was not changed"
        )
    if readonly and version < target:
        what = "is empty" if version == 0 else f"uses the older library schema {version}"
        raise LibraryError(f"{path}: the library {what}; open it once with write access")


def _prepare_for_writing(path: Path, conn: sqlite3.Connection, busy_timeout_s: float) -> None:
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    if schema.read_header(conn)[1] == schema.target_version():
        return
    current = schema.read_header(conn)[1]
    try:
        with write_transaction(conn, path, busy_timeout_s):
            # Re-read under the write lock: another process may have just upgraded it.
            current = schema.read_header(conn)[1]
            if current < schema.target_version():
                schema.apply_migrations(Database(conn, execute_plugins=False), current)
    except LibraryError:
        raise
    except Exception as exc:
        raise LibraryError(
            f"{path}: upgrading the library from schema {current} to "
            f"{schema.target_version()} failed ({exc}); the library was left unchanged"
        ) from exc


@contextmanager
def write_transaction(
    conn: sqlite3.Connection, path: Path, busy_timeout_s: float
) -> Iterator[sqlite3.Connection]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction; roll back on any exception."""
    with translated(path, busy_timeout_s):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block's reads inside one read transaction: one consistent snapshot.

    Without it every statement sees the newest commit, so a walk that reads the
    versions and then the heads can see a writer's commit between the two and
    report a mismatch that never existed. In WAL mode the snapshot starts at the
    first read and never blocks writers.
    """
    if conn.in_transaction:  # already inside a transaction: that is the snapshot
        yield conn
        return
    conn.execute("BEGIN DEFERRED")
    try:
        yield conn
    finally:
        _rollback(conn)


def _rollback(conn: sqlite3.Connection) -> None:
    # Some errors (SQLITE_FULL, an I/O error) already rolled the transaction back.
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
