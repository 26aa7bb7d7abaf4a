"""The folder where papdesigner keeps caches it can always rebuild (Qt-free, stdlib only).

``$PAPDESIGNER_CACHE_DIR`` when set (tests point it at a temporary folder; ``off``
turns every cache off), else the user cache folder as platformdirs defines it
(``~/.cache/papdesigner`` on Linux). Nothing in it is needed for a correct result:
a cache that is missing, unreadable, unwritable or damaged only makes a start slower.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ENV_VAR = "PAPDESIGNER_CACHE_DIR"
OFF = "off"


def cache_dir(part: str) -> Path | None:
    """The sub-folder ``part`` of the cache folder (not created here); None when caching is off."""
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env.lower() == OFF:
        return None
    if from_env:
        return Path(from_env).expanduser() / part
    import platformdirs  # only when no folder is given: it is not free to import

    return platformdirs.user_cache_path("papdesigner", appauthor=False) / part


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename; False if it failed.

    A reader sees either no file or the whole file, never half of one, even when two
    processes write the same entry at once. Failure (read-only folder, full disk) is
    not an error for a cache.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False
    return True
