"""Knowing whether the app session that wrote a draft is still running.

Each app session that autosaves holds an exclusive OS lock on its own small file
in ``<library>.sessions/``. The operating system releases that lock when the
process ends in any way (clean exit, crash, SIGKILL, power loss), so "can I take
the lock?" answers "is that session dead?" without trusting process ids, which
are reused. ``flock`` (POSIX) and ``msvcrt.locking`` (Windows) both lock per open
file, so two sessions inside one process are told apart correctly.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO


def lock_folder(library_path: Path) -> Path:
    """Return the folder that holds the session lock files of a library."""
    return library_path.with_name(library_path.name + ".sessions")


def _lock_path(folder: Path, session_id: str) -> Path:
    return folder / f"{session_id}.lock"


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class SessionLock:
    """The lock that marks one app session as alive for as long as it is held."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle: IO[bytes] | None = handle

    @classmethod
    def acquire(cls, folder: Path, session_id: str) -> SessionLock:
        """Create and lock this session's file; raise OSError if that is impossible."""
        folder.mkdir(parents=True, exist_ok=True)
        path = _lock_path(folder, session_id)
        handle = path.open("a+b")
        if not _try_lock(handle):
            handle.close()
            raise OSError(f"{path}: already locked by another session")
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        return cls(path, handle)

    def release(self) -> None:
        """Remove the file and release the lock (idempotent)."""
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._handle.close()
        self._handle = None


def session_is_alive(folder: Path, session_id: str) -> bool:
    """Return True while the session's process still holds its lock.

    A missing lock file means the session is gone. When the lock can be taken the
    owner is dead; the file is then removed.
    """
    path = _lock_path(folder, session_id)
    try:
        handle = path.open("r+b")
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell (permissions): never take over a live session's drafts
    with handle:
        if not _try_lock(handle):
            return True
        with contextlib.suppress(OSError):
            path.unlink()
    return False
