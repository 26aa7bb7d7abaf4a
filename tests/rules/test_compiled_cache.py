"""The rule-set compile cache: same results with and without it, and safe when damaged.

Real files throughout: rule sets written to a temporary folder, the cache in a
temporary folder named by ``$PAPDESIGNER_CACHE_DIR``, entries damaged on disk.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papdesigner.cli import main
from papdesigner.model import load_protocol
from papdesigner.paths import resource
from papdesigner.rules import check, clear_cache
from papdesigner.rules.catalogue import shipped_rules_dir
from papdesigner.rules.compiled_cache import cached_ruleset, remember
from papdesigner.rules.loader import Catalogue, load_catalogue

EXAMPLES = sorted(resource("examples").glob("*.pap.json"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder for this test only."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(folder))
    clear_cache()
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "rulesets").glob("*.json"))


def _kept(file: Path) -> bool:
    """Does the cache hold a usable entry for this rule-set file?"""
    return cached_ruleset(file, file.read_bytes(), "test") is not None


def _compiled_now(catalogue: Catalogue) -> list[bool]:
    """For every set: is its applies_when program compiled already?"""
    return [s.applies._compiled is not None for s in catalogue.rulesets]


def _cli_output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    clear_cache()
    code = main(list(args))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_check_output_is_byte_identical_with_and_without_the_cache(
    example: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = {}
    for label, folder in (("off", "off"), ("filling", str(cache)), ("warm", str(cache))):
        monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", folder)
        runs[label] = (
            _cli_output(capsys, "check", str(example)),
            _cli_output(capsys, "check", "--format", "json", str(example)),
        )
    assert runs["off"] == runs["filling"] == runs["warm"]
    assert len(_entries(cache)) == len(list(shipped_rules_dir().glob("*.yaml")))
    (_, text), (_, json_text) = runs["warm"]
    assert "findings" in json_text and text.strip()


def test_a_warm_cache_compiles_only_what_a_check_evaluates(cache: Path) -> None:
    cold = load_catalogue([(shipped_rules_dir(), "shipped")])
    assert all(_compiled_now(cold))  # first load: everything compiled and checked
    warm = load_catalogue([(shipped_rules_dir(), "shipped")])
    assert not any(_compiled_now(warm))
    example = next(p for p in EXAMPLES if p.name == "mdma-ptsd.pap.json")
    protocol = load_protocol(example)
    report = check(protocol, catalogue=warm)
    assert report.to_json_data() == check(protocol, catalogue=cold).to_json_data()
    active = {s.id for s in report.rulesets if s.active}
    inactive = [s for s in warm.rulesets if s.id not in active]
    assert inactive, "the example should leave some sets inactive"
    for ruleset in inactive:  # a set that does not apply never compiles its rules
        assert all(r.quick._compiled is None for r in ruleset.rules)


def test_a_kept_set_equals_the_set_loaded_from_its_file(cache: Path) -> None:
    fresh = load_catalogue([(shipped_rules_dir(), "shipped")])
    kept = load_catalogue([(shipped_rules_dir(), "shipped")])
    assert len(kept.rulesets) == len(fresh.rulesets) > 0
    for a, b in zip(fresh.rulesets, kept.rulesets, strict=True):
        for field in dataclasses.fields(a):  # spec, file, origin and any later field
            if field.name not in ("applies", "rules"):
                assert getattr(a, field.name) == getattr(b, field.name), field.name
        assert a.applies.source_text == b.applies.source_text
        for ra, rb in zip(a.rules, b.rules, strict=True):
            assert (ra.spec, ra.line) == (rb.spec, rb.line)
            texts = [(p.source, p.source_text) if p else None for p in (ra.quick, ra.batch)]
            assert texts == [(p.source, p.source_text) for p in (rb.quick, rb.batch)]
            va, vb = ra.values_batch, rb.values_batch
            assert (va and va.source_text) == (vb and vb.source_text)


def test_only_problem_free_files_are_remembered(
    kit: Any, write_set: Callable[..., Path], cache: Path
) -> None:
    folder = write_set("GOOD", [kit.rule("G-1")])
    write_set("BROKEN", [kit.rule("B-1", require=["p.sessions.size( >"])])
    for _ in range(2):  # the broken file's problem is reported on every load
        catalogue = kit.catalogue(folder)
        assert [(Path(p.file).name, p.rule_id) for p in catalogue.problems] == [
            ("broken.yaml", "B-1")
        ]
    assert len(_entries(cache)) == 1
    assert _kept(folder / "good.yaml")
    assert not _kept(folder / "broken.yaml")


def test_an_edited_file_is_compiled_again(
    kit: Any, write_set: Callable[..., Path], cache: Path
) -> None:
    folder = write_set("EDIT", [kit.rule("E-1")])
    assert kit.catalogue(folder).problems == []
    assert kit.catalogue(folder).problems == []  # from the cache
    write_set("EDIT", [kit.rule("E-1", require=["p.sesions.exists(s, s.day >"])])
    ((problem,),) = [kit.catalogue(folder).problems]
    assert problem.rule_id == "E-1" and "require[0]" in problem.message


def _damage(entry: Path, how: str) -> None:
    if how == "edited":  # well-formed, plausible, and wrong: the rule would always pass
        text = entry.read_bytes()
        assert b"(false)" in text
        entry.write_bytes(text.replace(b"(false)", b"(true)"))
    elif how == "truncated":
        entry.write_bytes(entry.read_bytes()[:10])
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "garbage":
        entry.write_bytes(os.urandom(200))
    elif how == "longer":
        entry.write_bytes(entry.read_bytes() + b"\n")
    elif how == "folder":
        entry.unlink()
        entry.mkdir()


@pytest.mark.parametrize("how", ["edited", "truncated", "empty", "garbage", "longer", "folder"])
def test_a_damaged_entry_is_ignored_and_rebuilt(
    how: str, kit: Any, write_set: Callable[..., Path], cache: Path
) -> None:
    folder = write_set("DMG", [kit.rule("D-1", require=["false"])])
    kit.catalogue(folder)
    (entry,) = _entries(cache)
    _damage(entry, how)
    assert not _kept(folder / "dmg.yaml")
    catalogue = kit.catalogue(folder)
    assert catalogue.problems == [] and all(_compiled_now(catalogue))  # loaded in full
    if how != "folder":  # a folder in the entry's place cannot be replaced by a file
        assert _kept(folder / "dmg.yaml")


def test_entries_cannot_be_planted_or_moved_between_files(
    kit: Any, write_set: Callable[..., Path], cache: Path
) -> None:
    """A broken file stays broken whatever sits in the cache folder."""
    folder = write_set("GOOD", [kit.rule("G-1")])
    kit.catalogue(folder)
    (good_entry,) = _entries(cache)
    write_set("BAD", [kit.rule("X-1", require=["nonsense("])])
    # A copy of a valid entry under every plausible name, then a new secret.
    raw = (folder / "bad.yaml").read_bytes()
    for name in (hashlib.sha256(raw).hexdigest(), "bad", "bad.yaml"):
        shutil.copy(good_entry, cache / "rulesets" / f"{name}.json")
    problems = kit.catalogue(folder).problems
    assert [p.rule_id for p in problems] == ["X-1"]
    (cache / "secret").write_bytes(os.urandom(32))  # someone else's secret
    assert not _kept(folder / "good.yaml")
    assert [p.rule_id for p in kit.catalogue(folder).problems] == ["X-1"]


def test_a_damaged_secret_is_replaced(
    kit: Any, write_set: Callable[..., Path], cache: Path
) -> None:
    folder = write_set("SEC", [kit.rule("S-1")])
    kit.catalogue(folder)
    secret = cache / "secret"
    secret.write_bytes(b"short")
    assert not _kept(folder / "sec.yaml")
    assert kit.catalogue(folder).problems == []
    assert len(secret.read_bytes()) == 32
    assert _kept(folder / "sec.yaml")


def test_a_cache_folder_that_cannot_be_created_is_no_cache(
    kit: Any, write_set: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(blocker / "cache"))
    folder = write_set("RO", [kit.rule("R-1")])
    for _ in range(2):
        catalogue = kit.catalogue(folder)
        assert catalogue.problems == [] and all(_compiled_now(catalogue))
    (ruleset,) = catalogue.rulesets
    assert not remember(folder / "ro.yaml", (folder / "ro.yaml").read_bytes(), ruleset)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_folder_is_no_cache(
    kit: Any, write_set: Callable[..., Path], cache: Path
) -> None:
    (cache / "rulesets").mkdir(parents=True)
    (cache / "rulesets").chmod(stat.S_IRUSR | stat.S_IXUSR)
    folder = write_set("RO", [kit.rule("R-1")])
    try:
        for _ in range(2):
            catalogue = kit.catalogue(folder)
            assert catalogue.problems == [] and all(_compiled_now(catalogue))
        assert list((cache / "rulesets").iterdir()) == []
    finally:
        (cache / "rulesets").chmod(stat.S_IRWXU)


def test_the_cli_works_with_an_unusable_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = EXAMPLES[0]
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", "off")
    expected = _cli_output(capsys, "check", str(example))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PAPDESIGNER_CACHE_DIR", str(blocker))
    assert _cli_output(capsys, "check", str(example)) == expected
    assert capsys.readouterr().err == ""


def test_no_temporary_files_are_left_behind(
    kit: Any, write_set: Callable[..., Path], cache: Path
) -> None:
    folder = write_set("TMP", [kit.rule("T-1")])
    kit.catalogue(folder)
    names = [p.name for p in (cache / "rulesets").iterdir()]
    assert names == [_entries(cache)[0].name]  # nothing half-written
    assert stat.S_IMODE((cache / "secret").stat().st_mode) == 0o600
