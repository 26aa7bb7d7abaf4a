"""Errors of the library, each with a one-line message that names the library file.

SQLite reports problems as ``sqlite3.Error`` with a terse text ("database is
locked", "file is not a database"). :func:`translated` turns those into the
subclasses below, so the GUI and the CLI can show the user what happened and
what to do, and can react by type (wait and retry on busy, offer read-only mode).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LibraryError(Exception):
    """Any failure of the library; ``str()`` is one line naming the library file."""


class NotALibraryError(LibraryError):
    """The file is not a papdesigner library (not SQLite, or another program's database)."""


class NewerSchemaError(LibraryError):
    """The library was written by a newer papdesigner; it is left untouched."""


class LibraryReadOnlyError(LibraryError):
    """A write was attempted on a library that can only be read."""


class LibraryBusyError(LibraryError):
    """Another process held the write lock for longer than the wait allowed."""


class LibraryFullError(LibraryError):
    """The disk (or the library's size limit) is full; the write was rolled back."""


class LibraryCorruptError(LibraryError):
    """The file is damaged or a stored version no longer matches its recorded hash."""


class NotFoundError(LibraryError, KeyError):
    """No protocol, version or draft matches the given id or reference."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class StaleHeadError(LibraryError):
    """The protocol's head moved (another process saved) since the caller last looked."""


def _matches(exc: sqlite3.Error, code: str, text: str) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(code) or text in str(exc)


def describe_sqlite_error(path: Path, exc: sqlite3.Error, busy_wait_s: float) -> LibraryError:
    """Return the library error that explains a SQLite failure to a user."""
    known: list[tuple[str, str, type[LibraryError], str]] = [
        (
            "SQLITE_BUSY",
            "database is locked",
            LibraryBusyError,
            f"the library is in use by another papdesigner process (waited {busy_wait_s:g} s "
            "for its lock); try again in a moment",
        ),
        (
            "SQLITE_FULL",
            "disk is full",
            LibraryFullError,
            "the disk is full; nothing was saved (free some space and save again)",
        ),
        (
            "SQLITE_READONLY",
            "readonly database",
            LibraryReadOnlyError,
            "the library is read-only; nothing can be saved",
        ),
        (
            "SQLITE_NOTADB",
            "not a database",
            NotALibraryError,
            "not a papdesigner library (not a SQLite database)",
        ),
        (
            "SQLITE_CORRUPT",
            "malformed",
            LibraryCorruptError,
            f"the library file is damaged ({exc}); restore it from a backup",
        ),
        ("SQLITE_CANTOPEN", "unable to open", LibraryError, f"cannot open the library ({exc})"),
        (
            "SQLITE_IOERR",
            "disk I/O error",
            LibraryError,
            f"the disk reported an error ({exc}); nothing was saved",
        ),
    ]
    for code, text, kind, message in known:
        if _matches(exc, code, text):
            return kind(f"{path}: {message}")
    return LibraryError(f"{path}: {exc}")


@contextmanager
def translated(path: Path, busy_wait_s: float) -> Iterator[None]:
    """Re-raise any ``sqlite3.Error`` inside the block as a :class:`LibraryError`."""
    try:
        yield
    except sqlite3.Error as exc:
        raise describe_sqlite_error(path, exc, busy_wait_s) from exc
