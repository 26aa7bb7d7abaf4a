"""Keep compiled CEL programs between starts, so a check does not compile them again.

The rule-set cache (:mod:`.compiled_cache`) keeps every set's rules and the CEL text
of its programs; the programs a check evaluates were still compiled on every start:
the few large programs per applicable set that evaluate all its rules in one call
(about 1-3 ms each to parse and type-check, 50 ms for the sets a protocol meets).
The runtime can write a compiled program as bytes and read it back in a fraction of a
millisecond, so those bytes are kept here, one entry per program text.

An entry is a file in ``<cache>/cel`` named by a digest of the program's text, the
source of the modules that compile it and the CEL runtime's build; its content is
sealed by an HMAC under the cache's per-user secret (see
:mod:`papdesigner.model.cachefiles`). A new papdesigner or a new runtime therefore
never finds an old entry, and an entry that was damaged, planted or moved is refused
before the runtime reads it (then the text is compiled, as without a cache). Nothing
here raises.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from papdesigner.model.cachefiles import cache_dir, read_sealed, write_sealed
from papdesigner.rules.compiled_cache import code_fingerprint

FORMAT = b"papdesigner-cel-program-1"
MAX_ENTRY_BYTES = 8 * 1024 * 1024
"""Far above any program a rule set compiles to (the largest are tens of kilobytes)."""


def kept_program(text: str) -> bytes | None:
    """The compiled bytes kept for the CEL ``text``, or None."""
    file = _entry(text)
    return read_sealed(file, MAX_ENTRY_BYTES) if file is not None else None


def keep_program(text: str, compiled: bytes) -> bool:
    """Keep the compiled bytes of ``text``; False when the cache cannot be written."""
    file = _entry(text)
    return file is not None and write_sealed(file, compiled)


def _entry(text: str) -> Path | None:
    """The entry file for ``text``; None when caching is off or the code cannot be read."""
    folder = cache_dir("cel")
    code = code_fingerprint()
    if folder is None or code is None:
        return None
    digest = hashlib.sha256(b"\0".join((FORMAT, code, text.encode("utf-8", "surrogatepass"))))
    return folder / f"{digest.hexdigest()}.bin"
