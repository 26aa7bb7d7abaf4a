"""Where the shipped data lives, in a source checkout and in an installed wheel.

The repository keeps ``resources/`` and ``templates/`` at its top level (a fixed
layout); the wheel carries them inside the package as ``papdesigner/_data/``.
Everything that reads shipped data goes through these functions, so the two
layouts never leak into the rest of the code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _data_root(name: str) -> Path:
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    msg = f"papdesigner data folder {name!r} not found (looked in {installed} and {checkout})"
    raise FileNotFoundError(msg)


def resources_dir() -> Path:
    """Return the folder with shipped rule sets, catalogues, examples, fonts and icons."""
    return _data_root("resources")


def templates_dir() -> Path:
    """Return the folder with the built-in jinja2 templates for the PDF text."""
    return _data_root("templates")


def resource(*parts: str) -> Path:
    """Return the path of one shipped resource, e.g. ``resource("examples", "x.pap.json")``."""
    return resources_dir().joinpath(*parts)
