"""Tamper evidence: edit rows with plain SQL (as someone with a SQL shell would) and verify.

Each test builds a small library through the API, changes the file with the
``sqlite3`` module directly (dropping the immutability guard first, as a tamperer
must), and checks that ``verify`` names the altered version and that loading it
refuses to hand out the altered content.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_factory import edited, realistic_protocol

from papdesigner.cli import main
from papdesigner.store import Library, LibraryCorruptError, VersionInfo
from papdesigner.store.codec import version_hash


@pytest.fixture
def chain(library_path: Path) -> Iterator[list[VersionInfo]]:
    """Two protocols, three versions each, interleaved; the library is closed again."""
    a, b = realistic_protocol(11, sessions=8), realistic_protocol(12, sessions=8)
    with Library.open(library_path) as library:
        infos = []
        for step in range(3):
            infos.append(library.save_version(edited(a, step), "ana", f"a{step}"))
            infos.append(library.save_version(edited(b, step), "ben", f"b{step}"))
    yield infos


def _sql(path: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS versions_are_immutable")
    conn.execute("DROP TRIGGER IF EXISTS versions_are_kept")
    for statement in statements:
        conn.execute(statement, params if "?" in statement else ())
    conn.commit()
    conn.close()


def _problems(path: Path) -> set[tuple[str, int | None]]:
    with Library.open(path, readonly=True) as library:
        return {(p.kind, p.version_id) for p in library.verify().problems}


def test_untouched_library_verifies(library_path: Path, chain: list[VersionInfo]) -> None:
    with Library.open(library_path, readonly=True) as library:
        report = library.verify()
    assert report.ok
    assert (report.versions_checked, report.protocols_checked) == (6, 2)


def test_removing_the_guard_alone_is_reported(library_path: Path, chain: list[VersionInfo]) -> None:
    _sql(library_path)
    assert {kind for kind, _ in _problems(library_path)} == {"guard"}


def test_edited_content_is_detected_and_never_loaded(
    library_path: Path, chain: list[VersionInfo]
) -> None:
    target = chain[2]  # protocol a, version 2
    with Library.open(library_path) as library:
        text = library.document(target.id).replace(b'"age_max": 65', b'"age_max": 85')
    _sql(
        library_path,
        "UPDATE versions SET document = ? WHERE id = ?",
        params=(zlib.compress(text), target.id),
    )

    assert ("content", target.id) in _problems(library_path)
    with Library.open(library_path) as library, pytest.raises(LibraryCorruptError, match="altered"):
        library.load_version(target.id)


def test_content_with_recomputed_digest_breaks_the_record_hash(
    library_path: Path, chain: list[VersionInfo]
) -> None:
    import hashlib

    target = chain[2]
    with Library.open(library_path) as library:
        text = library.document(target.id).replace(b'"age_max": 65', b'"age_max": 85')
    _sql(
        library_path,
        "UPDATE versions SET document = ?, content_sha256 = ? WHERE id = ?",
        params=(zlib.compress(text), hashlib.sha256(text).hexdigest(), target.id),
    )

    problems = _problems(library_path)
    assert ("record", target.id) in problems
    assert ("content", target.id) in problems  # the fingerprint no longer matches either


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("author", "someone else"),
        ("message", "Approved by the IRB"),
        ("created_at", "2020-01-01T00:00:00.000000Z"),
        ("fingerprint", "0" * 64),
    ],
)
def test_edited_metadata_is_detected(
    library_path: Path, chain: list[VersionInfo], column: str, value: str
) -> None:
    target = chain[3]
    _sql(library_path, f"UPDATE versions SET {column} = ? WHERE id = ?", params=(value, target.id))
    assert ("record", target.id) in _problems(library_path)
    with Library.open(library_path) as library, pytest.raises(LibraryCorruptError):
        library.document(target.id)


def test_rewritten_version_with_recomputed_hash_breaks_the_links(
    library_path: Path, chain: list[VersionInfo]
) -> None:
    target = chain[2]  # its protocol child is chain[4], its library successor chain[3]
    conn = sqlite3.connect(library_path)
    conn.row_factory = sqlite3.Row
    record = dict(conn.execute("SELECT * FROM versions WHERE id = ?", [target.id]).fetchone())
    conn.close()
    record["message"] = "rewritten history"
    forged = version_hash(record)
    _sql(
        library_path,
        "UPDATE versions SET message = ?, hash = ? WHERE id = ?",
        params=("rewritten history", forged, target.id),
    )

    problems = _problems(library_path)
    assert ("record", target.id) not in problems  # the forged row is self-consistent...
    assert ("link", chain[3].id) in problems  # ...but the next version no longer links to it
    assert ("link", chain[4].id) in problems  # nor does its protocol's next version


def test_deleted_middle_version_is_detected(library_path: Path, chain: list[VersionInfo]) -> None:
    target = chain[2]
    _sql(library_path, "DELETE FROM versions WHERE id = ?", params=(target.id,))

    problems = _problems(library_path)
    assert ("missing", chain[3].id) in problems
    assert ("missing", chain[4].id) in problems


def test_deleted_protocol_history_is_detected(library_path: Path, chain: list[VersionInfo]) -> None:
    protocol_b = chain[1].protocol_id
    _sql(library_path, "DELETE FROM versions WHERE protocol_id = ?", params=(protocol_b,))

    problems = _problems(library_path)
    assert any(kind == "missing" for kind, _ in problems)
    assert any(kind == "link" for kind, _ in problems)


def test_moved_head_is_detected(library_path: Path, chain: list[VersionInfo]) -> None:
    protocol_a = chain[0].protocol_id
    _sql(
        library_path,
        "UPDATE protocols SET head_version_id = ?, head_hash = ? WHERE id = ?",
        params=(chain[0].id, chain[0].hash, protocol_a),
    )
    assert {kind for kind, _ in _problems(library_path)} == {"guard", "head"}


def test_cli_verify_exits_1_and_names_the_version(
    library_path: Path, chain: list[VersionInfo], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["library", "verify", "--library", str(library_path)]) == 0
    assert "OK: 6 versions of 2 protocols verified" in capsys.readouterr().out

    _sql(library_path, "UPDATE versions SET author = 'mallory' WHERE id = ?", params=(chain[1].id,))

    assert main(["library", "verify", "--library", str(library_path)]) == 1
    out = capsys.readouterr().out
    assert f"record: version #1 of protocol {chain[1].protocol_id} (id {chain[1].id})" in out
    assert "FAILED" in out
