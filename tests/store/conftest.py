"""Fixtures of the library tests: a fresh library file per test and realistic protocols.

The helper modules of this folder (``store_factory``, ``store_worker``) are imported
by name, so the folder goes on ``sys.path`` (the suite runs in importlib mode).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from store_factory import realistic_protocol  # noqa: E402

from papdesigner.model.protocol import Protocol  # noqa: E402
from papdesigner.store import Library  # noqa: E402


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    """Where this test's library lives (not created yet)."""
    return tmp_path / "library.sqlite3"


@pytest.fixture
def lib(library_path: Path) -> Iterator[Library]:
    """A fresh, writable library, closed cleanly after the test."""
    library = Library.open(library_path)
    yield library
    library.close()


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    """A complete protocol of realistic size (about 60 KB as a file)."""
    return realistic_protocol(1)


@pytest.fixture(scope="session")
def small_protocol() -> Protocol:
    """A complete but smaller protocol, for tests that save many versions."""
    return realistic_protocol(7, sessions=8, narrative_paragraphs=1)
