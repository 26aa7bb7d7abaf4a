"""Hostile library files and hostile disks: a clear message, and nothing destroyed.

Covers a file that is not a database, another program's database, a library from
a newer papdesigner, read-only files and folders (as an unprivileged user, since
CI runs as root and root ignores permissions), a full disk (SQLite's page limit,
and a real ENOSPC on a tiny tmpfs when the machine allows mounting one), and a
failing schema migration.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from store_factory import edited, realistic_protocol

from papdesigner.cli import main
from papdesigner.model.protocol import Protocol
from papdesigner.store import (
    Library,
    LibraryError,
    LibraryFullError,
    LibraryReadOnlyError,
    NewerSchemaError,
    NotALibraryError,
    schema,
)

WORKER = Path(__file__).resolve().parent / "store_worker.py"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


# --- files that are not (our) libraries -------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"this is a text file, not a database\n",
        b'{"format": "papdesigner-protocol"}',
        b"SQLite format 3\x00" + b"\xff" * 4000,
        bytes(range(256)) * 40,
    ],
    ids=["text", "json", "sqlite-header-then-garbage", "binary"],
)
def test_not_a_database_is_refused_untouched(library_path: Path, content: bytes) -> None:
    library_path.write_bytes(content)
    before = _siblings(library_path)

    for readonly in (None, True, False):
        with pytest.raises(LibraryError) as caught:
            Library.open(library_path, readonly=readonly)
        assert str(library_path) in str(caught.value)
        assert "\n" not in str(caught.value)

    assert library_path.read_bytes() == content
    assert _siblings(library_path) == before


def test_text_file_message_says_what_it_is(library_path: Path) -> None:
    library_path.write_text("hello", "utf-8")
    with pytest.raises(NotALibraryError, match="not a papdesigner library"):
        Library.open(library_path)


def test_another_programs_database_is_refused_untouched(library_path: Path) -> None:
    conn = sqlite3.connect(library_path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('someone')")
    conn.commit()
    conn.close()
    before = _digest(library_path)

    with pytest.raises(NotALibraryError, match="another program"):
        Library.open(library_path)

    assert _digest(library_path) == before


def test_newer_schema_is_refused_untouched(library_path: Path, protocol: Protocol) -> None:
    with Library.open(library_path) as library:
        library.save_version(protocol, "ana", "v1")
    conn = sqlite3.connect(library_path)
    conn.execute(f"PRAGMA user_version = {schema.target_version() + 1}")
    conn.commit()
    conn.close()
    before = _digest(library_path)

    for readonly in (None, True):
        with pytest.raises(NewerSchemaError, match=r"newer papdesigner.*not changed"):
            Library.open(library_path, readonly=readonly)
    assert _digest(library_path) == before


def test_cli_reports_a_bad_library_in_one_line(
    library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library_path.write_text("not a library", "utf-8")
    assert main(["library", "list", "--library", str(library_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a papdesigner library" in err


def test_directory_as_library_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="is a folder"):
        Library.open(tmp_path)


# --- schema -----------------------------------------------------------------------------------


def test_new_library_is_wal_with_foreign_keys_and_marked(lib: Library) -> None:
    conn = lib.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: fsync per commit
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.target_version()


def test_failed_migration_leaves_the_library_unchanged(
    library_path: Path, protocol: Protocol, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library.open(library_path) as library:
        library.save_version(protocol, "ana", "v1")

    def broken_step(db: object) -> None:
        db.execute("CREATE TABLE half_done (x)")  # type: ignore[attr-defined]
        raise RuntimeError("disk went away")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken_step])
    with pytest.raises(LibraryError, match="upgrading the library from schema 1 to 2 failed"):
        Library.open(library_path)
    monkeypatch.undo()

    conn = sqlite3.connect(library_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "half_done" not in tables
    with Library.open(library_path) as library:
        assert library.verify().ok


def test_a_pending_migration_runs_once(
    library_path: Path, protocol: Protocol, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library.open(library_path) as library:
        library.save_version(protocol, "ana", "v1")
    calls = []

    def add_column(db: object) -> None:
        calls.append(1)
        db.execute("ALTER TABLE protocols ADD COLUMN colour TEXT")  # type: ignore[attr-defined]

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_column])
    for _ in range(2):
        with Library.open(library_path) as library:
            assert library.db.conn.execute("PRAGMA user_version").fetchone()[0] == 2
            assert library.verify().ok
    assert calls == [1]


# --- read-only ----------------------------------------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder outside pytest's private temp tree, so an unprivileged user can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="papdesigner-ro-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    shutil.rmtree(folder)


def _as_unprivileged(scenario: Callable[[], dict[str, object]]) -> dict[str, object]:
    """Run ``scenario`` without root's power over permissions; return what it reports."""
    if os.geteuid() != 0:
        return scenario()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: become 'nobody', run, report, and leave without cleanup handlers
        code = 0
        try:
            os.close(reader)
            os.setgid(65534)
            os.setuid(65534)
            payload = json.dumps(scenario()).encode()
        except BaseException as exc:
            payload = json.dumps({"crash": f"{type(exc).__name__}: {exc}"}).encode()
            code = 1
        with os.fdopen(writer, "wb") as out:
            out.write(payload)
        os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as source:
        data = source.read()
    os.waitpid(pid, 0)
    return dict(json.loads(data))


def _read_only_scenario(path: Path, protocol: Protocol) -> Callable[[], dict[str, object]]:
    def scenario() -> dict[str, object]:
        report: dict[str, object] = {}
        with Library.open(path) as library:
            report["readonly"] = library.readonly
            report["heads"] = [s.acronym for s in library.heads()]
            report["search"] = len(library.search(protocol.metadata.acronym))
            report["verify"] = library.verify().ok
            try:
                library.save_version(edited(protocol, 1), "ana", "v2")
                report["save"] = "saved"
            except LibraryReadOnlyError as exc:
                report["save"] = str(exc)
        try:
            Library.open(path, readonly=False)
            report["open_rw"] = "opened"
        except LibraryReadOnlyError as exc:
            report["open_rw"] = str(exc)
        return report

    return scenario


@pytest.mark.parametrize("folder_writable", [True, False], ids=["file-ro", "file-and-folder-ro"])
def test_read_only_library_can_be_read_but_not_written(
    shared_dir: Path, protocol: Protocol, folder_writable: bool
) -> None:
    path = shared_dir / "library.sqlite3"
    with Library.open(path) as library:
        library.save_version(protocol, "ana", "v1")
    before = _digest(path)
    path.chmod(0o444)
    shared_dir.chmod(0o777 if folder_writable else 0o555)

    report = _as_unprivileged(_read_only_scenario(path, protocol))

    assert "crash" not in report, report
    assert report["readonly"] is True
    assert report["heads"] == [protocol.metadata.acronym]
    assert report["search"] == 1
    assert report["verify"] is True
    assert "read-only" in str(report["save"])
    assert "read-only" in str(report["open_rw"])
    assert _digest(path) == before


# --- full disk ----------------------------------------------------------------------------------


def test_page_limit_full_disk_is_reported_and_rolled_back(lib: Library, protocol: Protocol) -> None:
    first = lib.save_version(protocol, "ana", "v1")
    conn = lib.db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 1}")

    big = edited(realistic_protocol(99, sessions=60, narrative_paragraphs=30), 1)
    with pytest.raises(LibraryFullError, match="disk is full; nothing was saved"):
        lib.save_version(big, "ana", "too big")
    with pytest.raises(LibraryFullError):
        lib.autosave("k", big)

    assert [s.head_version_id for s in lib.heads()] == [first.id]
    assert lib.verify().ok
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    conn.execute("PRAGMA max_page_count = 1073741823")
    assert lib.flush_autosave(force=True) == 1  # the pending draft was kept
    assert lib.save_version(big, "ana", "fits now").number == 1
    assert lib.verify().ok


def _can_mount_tmpfs() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            "mount -t tmpfs -o size=64k tmpfs /mnt",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs root and mount namespaces")
def test_real_full_disk_on_a_tiny_tmpfs(tmp_path: Path) -> None:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    script = (
        f"mount -t tmpfs -o size=2m tmpfs {mount_point} && "
        f"exec {sys.executable} {WORKER} full-disk {mount_point}"
    )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert "disk is full" in report["error"]
    assert report["saved"] >= 1
    assert report["integrity"] == "ok"
    assert report["verify_ok"] is True
    assert report["all_saved_present"] is True
    assert report["all_load"] is True
    assert report["save_after_free"] == "ok"
    assert report["verify_after_free"] is True
