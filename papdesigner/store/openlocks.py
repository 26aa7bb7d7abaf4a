"""Knowing that a protocol is open in another window or process.

A window that edits a protocol holds an exclusive OS lock on a small file named
after the protocol id in the library's session folder (``<library>.sessions/``),
the same mechanism as the autosave session locks (:mod:`.sessions`). The lock is
released when the window lets go of the protocol or when its process ends in any
way, so a crash never leaves a protocol "open" for ever. The file itself stays:
removing it while another process is about to lock it would let two processes
each lock a different file of the same name.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from typing import IO

from papdesigner.store.sessions import _try_lock, lock_folder

MAX_HOLDER_TEXT = 200


class ProtocolOpenLock:
    """This window's claim on one protocol; :meth:`release` gives it up."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle: IO[bytes] | None = handle

    @classmethod
    def try_acquire(cls, library_path: Path, protocol_id: str) -> ProtocolOpenLock | None:
        """Take the lock; None when another window or process holds it.

        Raise OSError when the lock file cannot be made at all (a read-only folder):
        the caller then cannot tell and should not warn.
        """
        path = open_lock_path(library_path, protocol_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+b")
        if not _try_lock(handle):
            handle.close()
            return None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()} on {socket.gethostname()}\n".encode())
        handle.flush()
        return cls(path, handle)

    def release(self) -> None:
        """Give the protocol up (idempotent)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def open_lock_path(library_path: Path, protocol_id: str) -> Path:
    """Return the lock file of a protocol (the id is normalised, so it is a safe name)."""
    return lock_folder(library_path) / f"open-{uuid.UUID(str(protocol_id))}.lock"


def holder(library_path: Path, protocol_id: str) -> str:
    """Describe who holds a protocol's lock ("process 123 on host"), or "" if unknown."""
    try:
        with open_lock_path(library_path, protocol_id).open("rb") as handle:
            text = handle.read(MAX_HOLDER_TEXT).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
    return " ".join(text.split())
