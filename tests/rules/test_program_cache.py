"""The compiled-program cache: a warm check reads programs back instead of compiling them,
gives the same report, and never trusts a damaged, planted or moved entry.

Real files throughout: the cache in a temporary folder named by
``$PAPDESIGNER_CACHE_DIR``, the shipped rule sets, entries damaged on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from papdesigner.model import load_protocol
from papdesigner.model.cachefiles import seal, secret
from papdesigner.paths import resource
from papdesigner.rules import check, clear_cache
from papdesigner.rules import program_cache as kept
from papdesigner.rules.catalogue import shipped_rules_dir
from papdesigner.rules.expr import compile_cached, compile_expr
from papdesigner.rules.loader import load_catalogue

EXAMPLE = resource("examples", "mdma-ptsd.pap.json")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder for this test only."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(folder))
    clear_cache()
    compile_cached.cache_clear()
    return folder


def _programs(cache: Path) -> list[Path]:
    return sorted((cache / "cel").glob("*.bin"))


def _fresh_report() -> dict[str, object]:
    """A check as a new process makes it: fresh rule sets, no program compiled yet."""
    compile_cached.cache_clear()
    catalogue = load_catalogue([(shipped_rules_dir(), "shipped")])
    return check(load_protocol(EXAMPLE), catalogue=catalogue).to_json_data()


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for every program looked up in the cache, whether an entry was found."""
    found: list[bool] = []
    real = kept.kept_program

    def spy(text: str) -> bytes | None:
        data = real(text)
        found.append(data is not None)
        return data

    monkeypatch.setattr(kept, "kept_program", spy)
    return found


def test_a_warm_check_reads_every_program_back_and_reports_the_same(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", "off")
    uncached = _fresh_report()
    assert not cache.exists()  # caching off writes nothing
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(cache))
    _fresh_report()  # fills the rule-set cache
    assert _fresh_report() == uncached  # fills the program cache
    filled = _programs(cache)
    assert filled
    found = _reads(monkeypatch)
    assert _fresh_report() == uncached
    assert found and all(found)
    assert _programs(cache) == filled  # nothing new was compiled or written


def test_a_program_entry_moved_to_another_programs_name_is_refused(cache: Path) -> None:
    first, second = "[1 + 2]", "[size(p) > 1000]"
    compile_expr(first, keep=True)
    compile_expr(second, keep=True)
    assert kept.kept_program(first) is not None
    entries = _programs(cache)
    assert len(entries) == 2
    contents = [entry.read_bytes() for entry in entries]
    entries[0].write_bytes(contents[1])  # the two entries swapped
    entries[1].write_bytes(contents[0])
    assert kept.kept_program(first) is None
    assert kept.kept_program(second) is None
    assert compile_expr(first, keep=True).evaluate({"p": {}, "it": None}) == [3]


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage", "flipped", "folder"])
def test_a_damaged_program_entry_is_ignored_and_rebuilt(cache: Path, how: str) -> None:
    text = "[p.sessions.size() >= 2]"
    compile_expr(text, keep=True)
    (entry,) = _programs(cache)
    data = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif how == "flipped":  # one byte of the program changed, the seal kept
        entry.write_bytes(data[:-1] + bytes([data[-1] ^ 0x01]))
    else:
        entry.unlink()
        entry.mkdir()
    assert kept.kept_program(text) is None
    program = compile_expr(text, keep=True)
    assert program.evaluate({"p": {"sessions": [1, 2]}, "it": None}) == [True]
    assert program.evaluate({"p": {"sessions": [1]}, "it": None}) == [False]
    if how != "folder":  # rebuilt in place
        assert kept.kept_program(text) is not None


def test_an_authentic_entry_the_runtime_cannot_read_falls_back_to_compiling(cache: Path) -> None:
    """Sealed with the real secret (as only papdesigner could) but not a program."""
    text = "[p.sessions.size() >= 2]"
    compile_expr(text, keep=True)
    (entry,) = _programs(cache)
    key = secret(create=False)
    assert key is not None
    entry.write_bytes(seal(key, entry.name, b"not a compiled program"))
    assert kept.kept_program(text) == b"not a compiled program"
    program = compile_expr(text, keep=True)
    assert program.evaluate({"p": {"sessions": [1, 2]}, "it": None}) == [True]


def test_a_new_secret_voids_every_program_entry(cache: Path) -> None:
    text = "[1 + 1]"
    compile_expr(text, keep=True)
    assert kept.kept_program(text) is not None
    (cache / "secret").write_bytes(os.urandom(32))
    assert kept.kept_program(text) is None


def test_an_unwritable_cache_folder_still_compiles(cache: Path) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("a file where the cache folder should be")
    program = compile_expr("[2 * 21]", keep=True)
    assert program.evaluate({"p": {}, "it": None}) == [42]
    assert kept.kept_program("[2 * 21]") is None


def test_programs_about_one_element_are_not_kept(cache: Path) -> None:
    """The engine's per-element fallbacks name an index of one protocol: never kept."""
    program = compile_cached("[p.sessions[3].day > 0]")
    assert program.evaluate({"p": {"sessions": [{}, {}, {}, {"day": 2}]}, "it": None}) == [True]
    assert _programs(cache) == []
