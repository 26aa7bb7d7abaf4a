"""Remember which rule-set files compiled cleanly, so later starts skip compiling them.

Compiling the CEL of every shipped rule set takes about 0.15 s, on every start, and
most sets never apply to a given protocol. CEL programs cannot be pickled, so what
is kept is a *verdict*: "this exact file, read by this exact code and CEL runtime,
loaded with no problem at all". A file with that verdict is still read, validated
and turned into rule texts as always; only the CEL compile waits until a program is
first evaluated (:func:`papdesigner.rules.expr.compile_lazily`), so the sets that do
not apply are never compiled. Files that had any problem are never remembered and
are compiled in full on every load, so their problems are always reported.

The verdict is an empty-looking file in ``<cache>/rulesets`` whose name is an HMAC
(with a random per-user secret kept beside it) of a digest of the file's bytes, its
name, the source of the modules that compile it and the CEL runtime's build. A
changed file, a new papdesigner or a new CEL runtime therefore never finds an old
verdict; a damaged, truncated, copied or planted entry does not carry the right
name and content and is ignored; nothing in the cache is executed or unpickled. A
cache folder that cannot be read or written only means compiling everything, as
without a cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import cache
from pathlib import Path

from papdesigner.cache_dir import cache_dir, write_atomically

FORMAT = b"papdesigner-ruleset-verdict-1"
SECRET_BYTES = 32
MARKER = b"papdesigner: this rule set compiled with no problem\n"
_CODE_MODULES = ("compiled_cache.py", "expr.py", "loader.py", "schema.py", "view.py")
"""The modules whose text decides whether a rule set compiles (hashed into every key)."""


def known_clean(path: Path, raw: bytes) -> bool:
    """True when a valid verdict says that ``raw`` (the bytes of ``path``) loads cleanly."""
    entry = _entry(path, raw, create_secret=False)
    if entry is None:
        return False
    file, content = entry
    try:
        with file.open("rb") as handle:
            found = handle.read(len(content) + 1)
    except OSError:
        return False
    return hmac.compare_digest(found, content)


def remember_clean(path: Path, raw: bytes) -> bool:
    """Record that ``raw`` loaded with no problem; False when the cache cannot be written."""
    entry = _entry(path, raw, create_secret=True)
    if entry is None:
        return False
    file, content = entry
    return write_atomically(file, content)


def _entry(path: Path, raw: bytes, *, create_secret: bool) -> tuple[Path, bytes] | None:
    folder = cache_dir("rulesets")
    if folder is None:
        return None
    code = _code_fingerprint()
    secret = _secret(folder, create=create_secret) if code is not None else None
    if code is None or secret is None:
        return None
    digest = hashlib.sha256(b"\0".join((FORMAT, code, path.name.encode("utf-8"), raw))).digest()
    name = hmac.new(secret, digest, hashlib.sha256).hexdigest()
    return folder / f"{name}.ok", MARKER + name.encode("ascii")


def _secret(folder: Path, *, create: bool) -> bytes | None:
    """The per-user secret that makes an entry's name unguessable; made on first write."""
    file = folder / "secret"
    try:
        with file.open("rb") as handle:
            secret = handle.read(SECRET_BYTES + 1)
        if len(secret) == SECRET_BYTES:
            return secret
    except OSError:
        pass
    if not create:
        return None
    secret = os.urandom(SECRET_BYTES)  # a damaged secret is replaced: old entries lapse
    return secret if write_atomically(file, secret) else None


@cache
def _code_fingerprint() -> bytes | None:
    """A digest of the compiling code and of the CEL runtime's build; None if unreadable."""
    from cel_expr_python import cel

    here = Path(__file__).parent
    digest = hashlib.sha256()
    try:
        for name in _CODE_MODULES:
            digest.update((here / name).read_bytes())
        runtime = Path(cel.__file__ or "")
        stat = runtime.stat()
    except OSError:  # e.g. a frozen build without source files: no cache at all
        return None
    digest.update(f"{runtime}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.digest()
