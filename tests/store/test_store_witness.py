"""Verify reads one snapshot, and the head witness catches what the chain alone cannot.

The chain alone misses deleted newest versions and a middle version rewritten with
every later hash recomputed (issue 17); the witness beside the library and heads
recorded elsewhere catch both. Concurrent imports never cause a false report.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from store_factory import edited, realistic_protocol

from papdesigner.cli import main
from papdesigner.model import save_protocol
from papdesigner.store import Library, VersionInfo
from papdesigner.store.codec import version_hash
from papdesigner.store.witness import witness_path

WORKER = Path(__file__).resolve().parent / "store_worker.py"


@pytest.fixture
def chain(library_path: Path) -> list[VersionInfo]:
    """Two protocols, three versions each, interleaved; the library is closed again."""
    a, b = realistic_protocol(21, sessions=4), realistic_protocol(22, sessions=4)
    with Library.open(library_path) as library:
        infos = []
        for step in range(3):
            infos.append(library.save_version(edited(a, step), "ana", f"a{step}"))
            infos.append(library.save_version(edited(b, step), "ben", f"b{step}"))
    return infos


def _tamper(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS versions_are_immutable")
    conn.execute("DROP TRIGGER IF EXISTS versions_are_kept")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _repair_head(path: Path) -> None:
    """Point every protocol at its newest remaining version, as a careful tamperer would."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT protocol_id, id, hash, number FROM versions v WHERE number = "
        "(SELECT max(number) FROM versions w WHERE w.protocol_id = v.protocol_id)"
    ).fetchall()
    for protocol_id, head_id, head_hash, number in rows:
        conn.execute(
            "UPDATE protocols SET head_version_id = ?, head_hash = ?, version_count = ? "
            "WHERE id = ?",
            [head_id, head_hash, number, protocol_id],
        )
    conn.commit()
    conn.close()


def _kinds(path: Path) -> set[str]:
    with Library.open(path, readonly=True) as library:
        return {p.kind for p in library.verify().problems}


def test_every_commit_is_witnessed(library_path: Path, chain: list[VersionInfo]) -> None:
    lines = witness_path(library_path).read_text().splitlines()
    assert lines == [f"{v.id} {v.hash}" for v in chain]
    with Library.open(library_path, readonly=True) as library:
        report = library.verify()
    assert report.ok and report.witnessed == 6


@pytest.mark.parametrize("deleted", [1, 2])
def test_deleting_the_newest_versions_is_detected(
    library_path: Path, chain: list[VersionInfo], deleted: int
) -> None:
    gone = chain[-deleted:]
    _tamper(library_path, *(("DELETE FROM versions WHERE id = ?", (v.id,)) for v in gone))
    _repair_head(library_path)
    # The chain that is left is consistent: only the witness can tell.
    assert "truncated" in _kinds(library_path)


def test_a_middle_version_rewritten_and_everything_after_rehashed_is_detected(
    library_path: Path, chain: list[VersionInfo]
) -> None:
    conn = sqlite3.connect(library_path)
    conn.row_factory = sqlite3.Row
    records = [dict(r) for r in conn.execute("SELECT * FROM versions ORDER BY id").fetchall()]
    conn.close()
    hashes: dict[int, str] = {}
    for record in records:
        if record["id"] == chain[2].id:
            record["message"] = "rewritten history"
        if record["id"] >= chain[2].id:
            record["prev_hash"] = hashes.get(record["id"] - 1, record["prev_hash"])
            if record["parent_id"] in hashes:
                record["parent_hash"] = hashes[record["parent_id"]]
            record["hash"] = version_hash(record)
            hashes[record["id"]] = record["hash"]
    _tamper(
        library_path,
        *(
            (
                "UPDATE versions SET message = ?, prev_hash = ?, parent_hash = ?, hash = ? "
                "WHERE id = ?",
                (r["message"], r["prev_hash"], r["parent_hash"], r["hash"], r["id"]),
            )
            for r in records
            if r["id"] in hashes
        ),
    )
    _repair_head(library_path)
    kinds = _kinds(library_path)
    assert kinds - {"guard"} == {"rewritten"}  # the chain itself is consistent again


def test_a_recorded_head_catches_a_rewrite_of_the_witness_too(
    library_path: Path, chain: list[VersionInfo], capsys: pytest.CaptureFixture[str]
) -> None:
    newest = chain[-1]
    _tamper(library_path, ("DELETE FROM versions WHERE id = ?", (newest.id,)))
    _repair_head(library_path)
    witness_path(library_path).unlink()  # a tamperer who knows about the witness
    args = ["library", "verify", "--library", str(library_path)]
    assert main(args) == 1  # the guard was dropped: still seen
    capsys.readouterr()
    assert main([*args, "--head", f"{newest.id}:{newest.hash}"]) == 1
    assert "no longer in the library" in capsys.readouterr().out


def test_a_malformed_recorded_head_is_one_line_exit_2(
    library_path: Path, chain: list[VersionInfo], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["library", "verify", "--library", str(library_path), "--head", "7:xyz"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ID:HASH" in err


def test_a_deeply_nested_stored_document_is_reported(
    library_path: Path, chain: list[VersionInfo]
) -> None:
    import hashlib

    target = chain[1]
    deep = b"[" * 200_000 + b"]" * 200_000
    _tamper(
        library_path,
        (
            "UPDATE versions SET document = ?, content_sha256 = ?, size = ? WHERE id = ?",
            (zlib.compress(deep), hashlib.sha256(deep).hexdigest(), len(deep), target.id),
        ),
    )
    with Library.open(library_path, readonly=True) as library:
        problems = library.verify().problems
    messages = [p.message for p in problems if p.version_id == target.id]
    assert any("nested too deeply" in m for m in messages), messages


def test_verify_during_concurrent_imports_reports_nothing(
    library_path: Path, tmp_path: Path
) -> None:
    Library.open(library_path).close()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in range(60, 72):
        save_protocol(realistic_protocol(seed, sessions=3), inbox / f"p{seed}.pap.json")
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "save-n", str(library_path), str(seed), "15", str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (3, 4)
    ]
    time.sleep(0.5)
    go.touch()
    command = ["library", "import", "--library", str(library_path), str(inbox)]
    importer = subprocess.Popen(
        [sys.executable, "-m", "papdesigner", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    runs, false_reports = 0, []
    with Library.open(library_path, readonly=True) as library:
        while any(p.poll() is None for p in (*workers, importer)) or runs < 3:
            report = library.verify(full=False)
            runs += 1
            false_reports += [p.message for p in report.problems]
    for process in (*workers, importer):
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
    assert runs >= 3
    assert false_reports == []
    with Library.open(library_path, readonly=True) as library:
        final = library.verify()
    assert final.ok and final.versions_checked == 2 * 15 * 2 + 12
    assert final.witnessed == final.versions_checked
