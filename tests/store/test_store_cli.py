"""``papdesigner library ...`` against real library files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from store_factory import edited, realistic_protocol

from papdesigner.cli import main
from papdesigner.model import save_protocol
from papdesigner.store import Library


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Two protocol files and a broken one."""
    box = tmp_path / "in"
    box.mkdir()
    first = realistic_protocol(41, sessions=6)
    first.metadata.acronym = "ALPHA"
    first.metadata.protocol_number = "PSI-001"
    second = realistic_protocol(42, sessions=6)
    second.metadata.acronym = "BETA"
    save_protocol(first, box / "alpha.pap.json")
    save_protocol(second, box / "beta.pap.json")
    (box / "bad.pap.json").write_text("[1, 2", "utf-8")
    return box


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["library", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_history_show_export_verify(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", str(files), "--author", "Dr Ana")
    assert code == 2  # one bad file
    assert "2 imported, 0 already in the library, 1 failed" in out
    assert err.count("\n") == 1 and "bad.pap.json" in err and "Traceback" not in err

    code, out, _ = run(capsys, "list")
    assert code == 0 and "ALPHA" in out and "BETA" in out

    code, out, _ = run(capsys, "history", "alpha", "--format", "json")
    history = json.loads(out)
    assert history["protocol"]["acronym"] == "ALPHA"
    assert [v["author"] for v in history["versions"]] == ["Dr Ana"]

    code, out, _ = run(capsys, "show", "PSI-001@1")
    assert code == 0 and "Imported from alpha.pap.json" in out and "fingerprint:" in out

    target = tmp_path / "alpha-out.pap.json"
    code, out, _ = run(capsys, "export", "ALPHA", "-o", str(target))
    assert code == 0
    assert target.read_bytes() == (files / "alpha.pap.json").read_bytes()

    code, out, _ = run(capsys, "export", "ALPHA", "-o", str(target))
    assert code == 2  # refuses to overwrite without --force

    code, out, _ = run(capsys, "verify")
    assert code == 0 and out.startswith("OK: 2 versions of 2 protocols verified")


def test_search_filters_and_json(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(files / "alpha.pap.json"), str(files / "beta.pap.json"))
    code, out, _ = run(capsys, "search", "alpha", "--format", "json")
    hits = json.loads(out)
    assert code == 0 and [h["protocol"]["acronym"] for h in hits] == ["ALPHA"]

    code, out, _ = run(capsys, "search", "zzzzzz")
    assert code == 0 and "no protocol matches" in out

    code, _, err = run(capsys, "list", "--substance", "ketamine")
    assert code == 2 and "invalid choice: 'ketamine'" in err and err.count("\n") == 1

    code, _, err = run(capsys, "search", "x", "--jurisdiction", "Oregon")
    assert code == 2 and "jurisdiction" in err and err.count("\n") == 1


def test_archive_and_show_document(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(files / "alpha.pap.json"))
    code, out, _ = run(capsys, "archive", "ALPHA")
    assert code == 0 and "archived" in out
    _, out, _ = run(capsys, "list")
    assert "ALPHA" not in out
    _, out, _ = run(capsys, "list", "--all")
    assert "ALPHA" in out and "(archived)" in out
    _, out, _ = run(capsys, "show", "alpha", "--document")
    assert out == (files / "alpha.pap.json").read_text("utf-8")


def test_refs_by_hash_prefix_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    p = realistic_protocol(43, sessions=4)
    with Library.open() as library:  # $PAPDESIGNER_LIBRARY, as the commands below
        v1 = library.save_version(p, "ana", "v1")
        library.save_version(edited(p, 1), "ana", "v2")
    code, out, _ = run(capsys, "show", v1.hash[:10], "--format", "json")
    assert code == 0 and json.loads(out)["number"] == 1
    code, _, err = run(capsys, "show", f"{p.metadata.acronym}@9")
    assert code == 2 and "has no version 9" in err
    code, _, err = run(capsys, "show", f"{p.metadata.acronym}@x")
    assert code == 2 and "version number" in err
    code, _, err = run(capsys, "history", "zz")
    assert code == 2 and "no protocol 'zz'" in err
    code, _, err = run(capsys, "show", "fffff")  # looks like a hash, too short to be one
    assert code == 2 and "at least 6 hex digits" in err and err.count("\n") == 1


def test_an_ambiguous_hash_names_the_versions_as_users_know_them() -> None:
    """The message used to say "version 7", the library's internal row id."""
    import sqlite3

    from papdesigner.store.errors import LibraryError
    from papdesigner.store.refs import resolve_version

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE versions (id, number, protocol_id, hash)")
    conn.execute("CREATE TABLE protocols (id, acronym, protocol_number, head_version_id)")
    conn.executemany(
        "INSERT INTO versions VALUES (?, ?, ?, ?)",
        [
            (7, 2, "0b1e" + "0" * 32, "abcdef01" + "1" * 56),
            (9, 1, "77aa" + "0" * 32, "abcdef02" + "2" * 56),
        ],
    )
    with pytest.raises(LibraryError) as info:
        resolve_version(conn, "abcdef")
    assert "version #2 of 0b1e0000 (abcdef011111)" in str(info.value)
    assert "version #1 of 77aa0000" in str(info.value)
    assert "version 7" not in str(info.value)


def test_read_commands_never_create_a_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "lib.sqlite3"
    for command in (["list"], ["search", "x"], ["verify"], ["history", "x"]):
        code, _, err = run(capsys, *command, "--library", str(missing))
        assert code == 2 and "no library here yet" in err
    assert not missing.parent.exists()


def test_library_option_before_or_after_the_subcommand(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "other.sqlite3"
    code, _, _ = (
        main(["library", "--library", str(elsewhere), "import", str(files / "alpha.pap.json")]),
        None,
        None,
    )
    capsys.readouterr()
    assert code == 0 and elsewhere.exists()
    code, out, _ = run(capsys, "list", "--library", str(elsewhere))
    assert "ALPHA" in out
    code, out, _ = run(capsys, "list")  # $PAPDESIGNER_LIBRARY is another file
    assert code == 2


def test_real_entry_point_in_a_subprocess(files: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PAPDESIGNER_LIBRARY": str(tmp_path / "sub.sqlite3")}
    imported = subprocess.run(
        [sys.executable, "-m", "papdesigner", "library", "import", str(files / "beta.pap.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "papdesigner", "library", "list", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0
    assert [s["acronym"] for s in json.loads(listed.stdout)] == ["BETA"]
