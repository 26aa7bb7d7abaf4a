"""The sealed jinja2 bytecode cache: same text with and without it, never runs a planted entry.

Real templates, real cache files in a temporary ``$PAPDESIGNER_CACHE_DIR``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.bccache import Bucket

from papdesigner.export.markup import DOCUMENT_TEMPLATE, environment, render
from papdesigner.export.pipeline import make_view
from papdesigner.export.template_cache import SealedBytecodeCache
from papdesigner.model import load_protocol
from papdesigner.paths import resource
from papdesigner.rules import check

EXAMPLE = resource("examples", "mdma-ptsd.pap.json")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache folder, and a fresh jinja2 environment before and after."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(folder))
    environment.cache_clear()
    yield folder
    environment.cache_clear()


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    protocol = load_protocol(EXAMPLE)
    return {"p": protocol, "v": make_view(protocol, check(protocol))}


def _render(context: dict[str, Any]) -> str:
    environment.cache_clear()  # a new process: nothing compiled in memory
    return render(context)


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "templates").glob("*.jbc"))


def test_text_is_identical_with_and_without_the_cache(
    cache: Path, context: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", "off")
    plain = _render(context)
    assert not cache.exists()
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(cache))
    assert _render(context) == plain  # compiles and fills the cache
    entries = _entries(cache)
    assert len(entries) > 5
    stamps = [e.stat().st_mtime_ns for e in entries]
    assert _render(context) == plain  # from the cache
    assert [e.stat().st_mtime_ns for e in _entries(cache)] == stamps  # read, not rewritten


def _hostile_bytecode(env: jinja2.Environment, bucket: Bucket) -> bytes:
    """Valid jinja2 bytecode for this template's key and checksum, printing other text."""
    fake = Bucket(env, bucket.key, bucket.checksum)
    fake.code = env.compile("PLANTED TEXT", "planted", None)
    return fake.bytecode_to_string()


@pytest.mark.parametrize("how", ["unsealed", "other secret", "garbage", "truncated", "empty"])
def test_a_planted_or_damaged_entry_is_never_used(
    how: str, cache: Path, context: dict[str, Any]
) -> None:
    plain = _render(context)
    env = environment()
    loader = env.loader
    assert loader is not None
    bytecode = env.bytecode_cache
    assert isinstance(bytecode, SealedBytecodeCache)
    source, filename, _ = loader.get_source(env, DOCUMENT_TEMPLATE)
    bucket = bytecode.get_bucket(env, DOCUMENT_TEMPLATE, filename, source)
    file = bytecode._file(bucket)
    assert file.exists()
    good = file.read_bytes()
    if how == "unsealed":
        file.write_bytes(_hostile_bytecode(env, bucket))
    elif how == "other secret":
        (cache / "secret").write_bytes(os.urandom(32))
        file.write_bytes(b"0" * 64 + b"\n" + _hostile_bytecode(env, bucket))
    elif how == "garbage":
        file.write_bytes(os.urandom(500))
    elif how == "truncated":
        file.write_bytes(good[: len(good) // 2])
    else:
        file.write_bytes(b"")
    text = _render(context)
    assert "PLANTED TEXT" not in text
    assert text == plain
    assert file.read_bytes() != b""  # rebuilt


def test_an_unusable_cache_folder_still_renders(
    tmp_path: Path, context: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", "off")
    plain = _render(context)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(blocker / "cache"))
    try:
        assert _render(context) == plain
    finally:
        environment.cache_clear()
