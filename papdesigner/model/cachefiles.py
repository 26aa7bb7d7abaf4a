"""The folder where papdesigner keeps caches it can always rebuild, and sealed entries in it.

``$PAPDESIGNER_CACHE_DIR`` when set (tests point it at a temporary folder; ``off``
turns every cache off), else the user cache folder as platformdirs defines it
(``~/.cache/papdesigner`` on Linux). Nothing in it is needed for a correct result:
a cache that is missing, unreadable, unwritable or damaged only makes a start slower.

Entries are *sealed*: each carries an HMAC, under a random secret kept in the cache
folder (mode 0600), of its name and content. An entry that was damaged, truncated,
copied under another name, or written by anything but papdesigner fails the check
and is ignored, so its content is never trusted, unpickled or run.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from functools import cache
from pathlib import Path

ENV_VAR = "PAPDESIGNER_CACHE_DIR"
OFF = "off"
SECRET_BYTES = 32


def cache_root() -> Path | None:
    """The cache folder (not created here); None when caching is off."""
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env.lower() == OFF:
        return None
    if from_env:
        return Path(from_env).expanduser()
    return _user_cache_folder()


@cache
def _user_cache_folder() -> Path:
    """The platform's user cache folder for papdesigner (asked once: it is not free)."""
    import platformdirs  # only when no folder is given: it is not free to import

    return platformdirs.user_cache_path("papdesigner", appauthor=False)


def cache_dir(part: str) -> Path | None:
    """The sub-folder ``part`` of the cache folder (not created here); None when off."""
    root = cache_root()
    return None if root is None else root / part


def secret(*, create: bool) -> bytes | None:
    """The cache's secret; made on first use when ``create``; None when there is none.

    A damaged secret is replaced when ``create``: every old entry then lapses.
    """
    root = cache_root()
    if root is None:
        return None
    file = root / "secret"
    try:
        with file.open("rb") as handle:
            found = handle.read(SECRET_BYTES + 1)
        if len(found) == SECRET_BYTES:
            return found
    except OSError:
        pass
    if not create:
        return None
    fresh = os.urandom(SECRET_BYTES)
    return fresh if write_atomically(file, fresh) else None


def seal(key: bytes, name: str, payload: bytes) -> bytes:
    """An entry's bytes: a tag over ``name`` and ``payload``, then the payload."""
    return _tag(key, name, payload) + b"\n" + payload


def unseal(key: bytes, name: str, content: bytes) -> bytes | None:
    """The payload of a sealed entry, or None when the entry is not authentic."""
    tag, newline, payload = content.partition(b"\n")
    if not newline or not hmac.compare_digest(tag, _tag(key, name, payload)):
        return None
    return payload


def _tag(key: bytes, name: str, payload: bytes) -> bytes:
    message = name.encode("utf-8") + b"\0" + payload
    return hmac.new(key, message, hashlib.sha256).hexdigest().encode("ascii")


def read_sealed(path: Path, limit: int) -> bytes | None:
    """The payload of the sealed entry at ``path`` (at most ``limit`` bytes); None when the
    entry is absent, unreadable, too large or not authentic, or there is no secret yet."""
    key = secret(create=False)
    content = read_entry(path, limit) if key is not None else None
    if key is None or content is None:
        return None
    return unseal(key, path.name, content)


def write_sealed(path: Path, payload: bytes) -> bool:
    """Seal ``payload`` under the entry's name and write it atomically; False if it failed."""
    key = secret(create=True)
    return key is not None and write_atomically(path, seal(key, path.name, payload))


def read_entry(path: Path, limit: int) -> bytes | None:
    """The bytes of a cache file of at most ``limit`` bytes; None when absent or unreadable."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


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
