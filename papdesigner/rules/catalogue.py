"""Where rule sets come from, and the cached catalogue of loaded sets.

Shipped sets live in ``resources/rulesets``; an institution's own sets go in the
user data folder (``platformdirs.user_data_dir("papdesigner")/rulesets``); the CLI
adds folders with ``--rules-dir``. The catalogue is loaded once and kept until one
of its files changes (checked by size and modification time, a few stat calls), so
the GUI can re-check on every edit without re-reading YAML.
"""

from __future__ import annotations

import threading
from pathlib import Path

import platformdirs

from papdesigner.paths import resource
from papdesigner.rules.loader import Catalogue, load_catalogue, ruleset_files

_lock = threading.Lock()
_Signature = tuple[tuple[str, int, int], ...]
_cache: dict[tuple[tuple[Path, str], ...], tuple[_Signature, Catalogue]] = {}


def shipped_rules_dir() -> Path:
    """The folder of rule sets shipped with papdesigner."""
    return resource("rulesets")


def user_rules_dir() -> Path:
    """The folder where a user or institution keeps its own rule sets (may not exist)."""
    return Path(platformdirs.user_data_dir("papdesigner", appauthor=False)) / "rulesets"


def _sources(extra_dirs: tuple[Path, ...]) -> list[tuple[Path, str]]:
    sources = [(shipped_rules_dir(), "shipped"), (user_rules_dir(), "user")]
    sources.extend((Path(d), f"dir:{d}") for d in extra_dirs)
    return sources


def _signature(sources: list[tuple[Path, str]]) -> _Signature:
    marks = []
    for directory, _origin in sources:
        for path in ruleset_files(directory):
            try:
                st = path.stat()
            except OSError:
                continue
            marks.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(marks)


def default_catalogue(extra_dirs: tuple[Path, ...] = ()) -> Catalogue:
    """Return the shipped + user (+ extra) rule sets, reloading only when a file changed."""
    sources = _sources(extra_dirs)
    key = tuple(sources)
    signature = _signature(sources)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == signature:
            return cached[1]
        catalogue = load_catalogue(sources)
        _cache[key] = (signature, catalogue)
        return catalogue


def clear_cache() -> None:
    """Forget every loaded catalogue (tests; after installing a rule set by hand)."""
    with _lock:
        _cache.clear()
