"""The head witness: a record, outside the database, of every version the library committed.

A hash chain shows every change to a version *before* the newest one, but not the
loss of the newest versions, nor a middle version rewritten with every later hash
recomputed: the chain that is left is consistent. To catch those without an
outside copy, each commit appends one line ``<version id> <version hash>`` to a
small file beside the library (``<library>.heads``). ``verify`` then checks that
every witnessed version is still there with the same hash.

The order matters for concurrent use: a writer appends its line only after its
commit, and ``verify`` reads the witness *before* it opens its snapshot, so every
line it reads names a version its snapshot can see. A writer that dies between
the commit and the append leaves its version unwitnessed, which is safe (that
version is then only covered by the chain).

What the witness cannot show: someone who can write both files can rewrite the
witness too. Only a head recorded somewhere else (an exported PDF, a submission)
rules that out; :func:`check_recorded_heads` compares such heads with the library.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from papdesigner.store.records import Problem

MAX_WITNESS_BYTES = 64 * 1024 * 1024
"""A witness larger than this is not read whole (about a million versions)."""

_LINE = re.compile(r"^(\d{1,18}) ([0-9a-f]{64})$")


def witness_path(library_path: Path) -> Path:
    """Return the witness file of a library."""
    return library_path.with_name(library_path.name + ".heads")


def record_commit(library_path: Path, version_id: int, version_hash: str) -> None:
    """Append one committed version to the witness (best effort, after the commit).

    A failure to write is not an error of the save: the version is committed and
    the chain still covers it.
    """
    line = f"{version_id} {version_hash}\n".encode("ascii")
    try:
        fd = os.open(witness_path(library_path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError:
        return
    try:
        os.write(fd, line)  # one write of an O_APPEND file: lines never interleave
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_witness(library_path: Path) -> tuple[dict[int, str], list[Problem]]:
    """Return the witnessed ``{version id: hash}`` and problems with the witness itself.

    A missing witness gives no problems (an older library, or one that never
    committed); an unreadable or damaged one is reported.
    """
    path = witness_path(library_path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [Problem("witness", f"{path}: cannot read the head witness ({exc.strerror})")]
    if size > MAX_WITNESS_BYTES:
        return {}, [Problem("witness", f"{path}: the head witness is larger than it can be")]
    try:
        text = path.read_bytes().decode("ascii", "replace")
    except OSError as exc:
        return {}, [Problem("witness", f"{path}: cannot read the head witness ({exc.strerror})")]
    return _parse(path, text.splitlines())


def _parse(path: Path, lines: Iterable[str]) -> tuple[dict[int, str], list[Problem]]:
    seen: dict[int, str] = {}
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        match = _LINE.match(line)
        if match is None:
            if line.strip():
                problems.append(
                    Problem("witness", f"{path} line {number}: not a version id and hash")
                )
            continue
        version_id, version_hash = int(match.group(1)), match.group(2)
        if seen.setdefault(version_id, version_hash) != version_hash:
            problems.append(
                Problem("witness", f"{path} line {number}: version {version_id} witnessed twice")
            )
    return seen, problems


def check_witnessed(conn: sqlite3.Connection, witnessed: dict[int, str]) -> Iterator[Problem]:
    """Report witnessed versions that are gone or whose hash changed (inside the snapshot)."""
    for version_id, expected in sorted(witnessed.items()):
        row = conn.execute(
            "SELECT hash, protocol_id, number FROM versions WHERE id = ?", [version_id]
        ).fetchone()
        if row is None:
            yield Problem(
                "truncated",
                f"version id {version_id} was committed (the head witness records it) but is "
                "no longer in the library: newer versions were deleted",
                version_id,
            )
        elif row[0] != expected:
            yield Problem(
                "rewritten",
                f"version #{row[2]} of protocol {row[1]} (id {version_id}) has another hash than "
                "when it was committed: it and the versions after it were rewritten",
                version_id,
                row[1],
            )


def check_recorded_heads(
    conn: sqlite3.Connection, heads: Iterable[tuple[str, int, str]]
) -> Iterator[Problem]:
    """Compare library heads recorded elsewhere (``(where, id, hash)``) with the library."""
    for where, version_id, expected in heads:
        row = conn.execute("SELECT hash FROM versions WHERE id = ?", [version_id]).fetchone()
        if row is None:
            yield Problem(
                "truncated",
                f"{where} records library version {version_id}, which is no longer in the "
                "library: versions were deleted",
                version_id,
            )
        elif row[0] != expected:
            yield Problem(
                "rewritten",
                f"{where} records library version {version_id} with another hash: the library "
                "was rewritten since",
                version_id,
            )
