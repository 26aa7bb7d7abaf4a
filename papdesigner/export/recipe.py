"""The export recipe: a digest of everything in this build that shapes a PDF's pages.

``verify`` re-creates a PDF from its protocol and compares the pages. That is only
meaningful with the same code, templates, rule sets, catalogues and fonts; the
recipe digest recorded in each PDF says whether this build is the one that made it,
so a different build is reported as such instead of as an altered page.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from papdesigner import __version__
from papdesigner.paths import resources_dir, templates_dir

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_DATA_SUFFIXES = {".py", ".yaml", ".yml", ".j2", ".json", ".icc", ".txt", ".ttf", ".otf", ".ttc"}


def _files(root: Path, pattern: str) -> list[Path]:
    return sorted(p for p in root.rglob(pattern) if p.is_file() and p.suffix in _DATA_SUFFIXES)


def _feed(h: hashlib._Hash, root: Path, files: list[Path]) -> None:
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.suffix in {".ttf", ".otf", ".ttc"}:
            # Large font files: name and size identify the shipped font well enough here.
            h.update(str(path.stat().st_size).encode() + b"\0")
        else:
            h.update(hashlib.sha256(path.read_bytes()).digest())


@cache
def recipe_digest() -> str:
    """The digest of this build's code and shipped data (computed once per process)."""
    h = hashlib.sha256(f"papdesigner {__version__}\n".encode())
    _feed(h, _PACKAGE_DIR, [p for p in _files(_PACKAGE_DIR, "*.py") if "_data" not in p.parts])
    _feed(h, templates_dir(), _files(templates_dir(), "*"))
    _feed(
        h, resources_dir(), [p for p in _files(resources_dir(), "*") if "examples" not in p.parts]
    )
    return h.hexdigest()


def folder_digest(folder: str | os.PathLike[str]) -> str:
    """The digest of a user's template folder (file names and contents)."""
    root = Path(folder)
    h = hashlib.sha256(b"templates\n")
    _feed(h, root, _files(root, "*"))
    return h.hexdigest()
