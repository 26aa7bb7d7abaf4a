"""What a protocol file looked like when the window last read or wrote it.

The window remembers the file's SHA-256 (and size and modification time, for the
message), so that a save can tell whether someone else changed the file since:
another window, another program, a synchronised copy. Only the content counts:
touching a file without changing it is not a change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20


@dataclass(frozen=True)
class DiskState:
    """A file's content hash, size and modification time."""

    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> DiskState | None:
        """Read ``path``'s state; None when it does not exist or cannot be read."""
        digest = hashlib.sha256()
        try:
            with path.open("rb") as handle:
                stat = path.stat()
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        except OSError:
            return None
        return cls(digest.hexdigest(), stat.st_size, stat.st_mtime_ns)

    def same_content(self, other: DiskState | None) -> bool:
        """True when ``other`` holds exactly the same bytes."""
        return other is not None and other.sha256 == self.sha256

    def modified_text(self) -> str:
        """When the file was last written, in local time ("14:05:31")."""
        moment = dt.datetime.fromtimestamp(self.mtime_ns / 1e9)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
