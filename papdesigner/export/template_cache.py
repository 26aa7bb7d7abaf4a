"""Compiled PDF templates kept between exports (a jinja2 bytecode cache, sealed).

jinja2 compiles the 19 templates of the PDF text from source on every export, about
0.15 s of a command-line export. jinja2's own ``FileSystemBytecodeCache`` would keep
them, but it unpickles and runs whatever file it finds under an expected name. This
cache stores the same bytes, sealed with an HMAC under the cache's secret (see
:mod:`papdesigner.model.cachefiles`), and hands jinja2 only entries that pass the check;
anything else is ignored and rebuilt. jinja2 itself then discards an entry whose
template source changed (it compares a checksum of the source).

An entry's name covers the template's name and file, the jinja2 and Python versions
and the code that configures the environment (``markup.py``), since options such as
``trim_blocks`` change the compiled code without changing the template.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from papdesigner.model.cachefiles import cache_dir, read_sealed, write_sealed

MAX_ENTRY_BYTES = 8 * 1024 * 1024
"""Far above any compiled template's size; a larger file is not an entry."""


class SealedBytecodeCache(jinja2.BytecodeCache):
    """A jinja2 bytecode cache whose entries are used only when their seal checks out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill ``bucket`` from an authentic entry; leave it empty otherwise."""
        payload = read_sealed(self._file(bucket), MAX_ENTRY_BYTES)
        if payload is not None:
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a freshly compiled template (silently nothing when the folder is unusable)."""
        write_sealed(self._file(bucket), bucket.bytecode_to_string())

    def _file(self, bucket: Bucket) -> Path:
        digest = hashlib.sha256((_code_fingerprint() or b"") + bucket.key.encode("utf-8"))
        return self.folder / f"{digest.hexdigest()}.jbc"


def bytecode_cache() -> SealedBytecodeCache | None:
    """The cache for the templates' compiled code; None when caching is off."""
    folder = cache_dir("templates")
    if folder is None or _code_fingerprint() is None:
        return None
    return SealedBytecodeCache(folder)


@cache
def _code_fingerprint() -> bytes | None:
    """Versions and configuring code; None when the code cannot be read (then no cache)."""
    here = Path(__file__).parent
    digest = hashlib.sha256(f"{jinja2.__version__}|{sys.version}".encode())
    try:
        for name in ("markup.py", "template_cache.py"):
            digest.update((here / name).read_bytes())
    except OSError:
        return None
    return digest.digest()
