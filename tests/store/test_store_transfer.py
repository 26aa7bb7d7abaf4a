"""Import of *.pap.json files and folders, and export back to files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_factory import edited, realistic_protocol

from papdesigner.model import dumps_protocol, fingerprint, load_protocol, save_protocol
from papdesigner.model.protocol import Protocol, Session
from papdesigner.store import Library


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with two valid protocols, three broken files and a non-protocol file."""
    box = tmp_path / "protocols"
    box.mkdir()
    save_protocol(realistic_protocol(31, sessions=6), box / "a.pap.json")
    save_protocol(realistic_protocol(32, sessions=6), box / "b.pap.json")
    (box / "broken.pap.json").write_text('{"format": "papdesigner-protocol", "id": ', "utf-8")
    (box / "wrong.pap.json").write_text('{"metadata": {"phase": "7"}}', "utf-8")
    (box / "binary.pap.json").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (box / "notes.txt").write_text("not a protocol", "utf-8")
    return box


def test_folder_import_reports_bad_files_and_imports_the_rest(lib: Library, folder: Path) -> None:
    results = {Path(r.path).name: r for r in lib.import_paths([folder], "ana")}

    assert set(results) == {
        "a.pap.json",
        "b.pap.json",
        "broken.pap.json",
        "wrong.pap.json",
        "binary.pap.json",
    }
    assert results["a.pap.json"].status == "imported"
    assert results["b.pap.json"].status == "imported"
    for name in ("broken.pap.json", "wrong.pap.json", "binary.pap.json"):
        result = results[name]
        assert result.status == "error"
        assert result.error is not None and name in result.error
        assert "\n" not in result.error
    assert "$.metadata.phase" in (results["wrong.pap.json"].error or "")
    assert len(lib.heads()) == 2
    assert results["a.pap.json"].version.message == "Imported from a.pap.json"  # type: ignore[union-attr]


def test_reimport_is_unchanged_and_new_content_is_a_new_version(lib: Library, folder: Path) -> None:
    list(lib.import_paths([folder], "ana"))
    again = list(lib.import_paths([folder / "a.pap.json"], "ana"))
    assert [r.status for r in again] == ["unchanged"]

    changed = edited(load_protocol(folder / "a.pap.json"), 1)
    save_protocol(changed, folder / "a.pap.json")
    [result] = lib.import_paths([folder / "a.pap.json"], "ben", "from a colleague")
    assert result.status == "imported"
    assert result.version is not None and result.version.number == 2
    assert result.version.message == "from a colleague"


def test_reimporting_an_old_version_does_not_revert_the_head(lib: Library, tmp_path: Path) -> None:
    p = realistic_protocol(33, sessions=6)
    v1 = lib.save_version(p, "ana", "v1")
    lib.save_version(edited(p, 1), "ana", "v2")
    old = lib.export_version(v1.id, tmp_path / "old.pap.json")

    [result] = lib.import_paths([old], "ana")

    assert result.status == "unchanged"
    assert result.version is not None and result.version.number == 1
    assert lib.head(p.id).number == 2


def test_non_canonical_file_is_flagged_and_exported_in_canonical_form(
    lib: Library, tmp_path: Path
) -> None:
    p = realistic_protocol(34, sessions=6)
    compact = tmp_path / "compact.pap.json"
    compact.write_text(json.dumps(json.loads(dumps_protocol(p)), sort_keys=True), "utf-8")

    [result] = lib.import_paths([compact], "ana")
    assert result.status == "imported" and not result.canonical
    exported = lib.export_version(result.version.id, tmp_path / "out.pap.json")  # type: ignore[union-attr]

    # The file's own key order is gone (the narrative keys stay as the file had them).
    assert exported.read_bytes() == dumps_protocol(load_protocol(compact)).encode("utf-8")
    assert fingerprint(load_protocol(exported)) == fingerprint(p)


def test_older_schema_file_is_upgraded_on_import(lib: Library, tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "model" / "data" / "v0-psilocybin-draft.json"
    if not source.exists():
        pytest.skip("the model tests' v0 sample is not present")
    [result] = lib.import_paths([source], "ana")
    assert result.status == "imported" and not result.canonical
    loaded = lib.load_version(result.version.id)  # type: ignore[union-attr]
    assert loaded.schema_version == 2


def test_integrity_problems_are_warnings_not_errors(lib: Library, tmp_path: Path) -> None:
    p = realistic_protocol(35, sessions=6)
    broken = p.model_copy(deep=True)
    broken.sessions.append(Session(id="extra", kind="integration", day=30, setting_id="nowhere"))
    save_protocol(broken, tmp_path / "wip.pap.json")

    [result] = lib.import_paths([tmp_path / "wip.pap.json"], "ana")

    assert result.status == "imported"
    assert any("unknown setting 'nowhere'" in w for w in result.warnings)


def test_recursive_import_and_empty_folder(lib: Library, tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    save_protocol(realistic_protocol(36, sessions=4), nested / "deep.pap.json")
    empty = tmp_path / "empty"
    empty.mkdir()

    [flat] = lib.import_paths([tmp_path / "a"], "ana")
    assert flat.status == "error" and "no .pap.json files" in (flat.error or "")
    [deep] = lib.import_paths([tmp_path / "a"], "ana", recursive=True)
    assert deep.status == "imported"
    [none] = lib.import_paths([empty], "ana")
    assert none.status == "error"
    [missing] = lib.import_paths([tmp_path / "missing.pap.json"], "ana")
    assert missing.status == "error" and "no such file" in (missing.error or "")


def test_export_replaces_a_file_atomically(
    lib: Library, protocol: Protocol, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.pap.json"
    target.write_text("old content", "utf-8")
    info = lib.save_version(protocol, "ana", "v1")

    lib.export_version(info.id, target)

    assert target.read_bytes() == lib.document(info.id)
    assert [p.name for p in target.parent.iterdir()] == ["out.pap.json"]  # no temporary left over
