"""SIGKILL at random moments, fifty times: the library is never corrupted.

A worker process (``store_worker.py save-loop``) saves versions of three protocols
in a loop, autosaves and exports along the way, and prints a line after each save
returned. The test kills it with SIGKILL at a random moment, then opens the library
as the next app start would and checks: SQLite's integrity check passes, every
version the worker reported as committed is there and its content matches its
hashes, every hash chain still links (nothing half-written is visible), the last
export is either absent or a complete copy of a saved version, and any recovered
draft loads. One round in ten kills a worker that is still creating a new library.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from papdesigner.model import load_protocol
from papdesigner.store import Library
from papdesigner.store.codec import sha256_hex

WORKER = Path(__file__).resolve().parent / "store_worker.py"
ROUNDS = 100  # the issue asks for 100 kills or more; each round starts a Python worker (~0.5 s)
MAX_KILL_DELAY_S = 0.25


def _run_and_kill(library: Path, export: Path, delay: float, wait_ready: bool) -> list[str]:
    """Start a worker, SIGKILL it ``delay`` seconds after it is ready; return its lines."""
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), "save-loop", str(library), "1", str(export)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    lines = []
    if wait_ready:
        ready = worker.stdout.readline().strip()
        if ready != "READY":
            worker.kill()
            _, err = worker.communicate(timeout=30)
            pytest.fail(f"worker did not start: {ready!r} {err[-2000:]}")
        lines.append(ready)
    time.sleep(delay)
    os.kill(worker.pid, signal.SIGKILL)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL, err[-2000:]
    return lines + out.splitlines()


def _check(library_path: Path, lines: list[str], export: Path, *, full: bool) -> int:
    """Check the library after a kill; return how many versions it holds."""
    committed = [line.split()[1:] for line in lines if line.startswith("COMMITTED ")]
    with Library.open(library_path) as library:
        conn = library.db.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        report = library.verify(full=full)
        assert report.ok, report.problems[:5]
        for version_id, version_hash in committed:
            info = library.version(int(version_id))
            assert info.hash == version_hash
            library.document(info.id)  # raises if the content does not match its hashes
        if export.exists():
            data = export.read_bytes()
            row = conn.execute(
                "SELECT id FROM versions WHERE content_sha256 = ?", [sha256_hex(data)]
            ).fetchone()
            assert row is not None, "the export is not a complete copy of a saved version"
            load_protocol(export)
        for draft in library.recoverable_drafts():
            library.recover_draft(draft)
            library.discard_draft(draft.key)
        return int(report.versions_checked)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_corrupts_the_library(tmp_path: Path) -> None:
    rng = random.Random(20251125)
    library_path = tmp_path / "library.sqlite3"
    export = tmp_path / "export.pap.json"
    reported = 0
    held = 0
    for round_number in range(ROUNDS):
        if round_number % 10 == 9:  # kill while a new library is being created
            # Each fresh library has its own export: a worker killed before its first
            # export must not be judged by the export of an earlier round's library.
            fresh = tmp_path / f"fresh-{round_number}.sqlite3"
            fresh_export = tmp_path / f"fresh-{round_number}.pap.json"
            lines = _run_and_kill(fresh, fresh_export, rng.uniform(0, 0.6), False)
            if fresh.exists():
                _check(fresh, lines, fresh_export, full=True)
            continue
        lines = _run_and_kill(library_path, export, rng.uniform(0, MAX_KILL_DELAY_S), True)
        reported += sum(line.startswith("COMMITTED ") for line in lines)
        held = _check(library_path, lines, export, full=round_number % 20 == 0)
    assert held >= reported > ROUNDS  # every reported commit survived, and there were many
    final = _check(library_path, [], export, full=True)
    assert final == held
