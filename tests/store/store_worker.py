"""A separate process that uses a library, for the crash, concurrency and disk-full tests.

Run as ``python store_worker.py MODE ARGS...``. Every mode prints one line per
event, flushed at once, so the parent knows exactly what was committed before it
killed the process:

- ``save-loop LIB SEED EXPORT``: save versions of three protocols forever, autosave
  and export along the way; prints ``COMMITTED <id> <hash>`` after each save
  returned and ``EXPORTED <hash>`` after each export returned.
- ``save-n LIB SEED N GO``: wait for file GO to exist, then save N versions of one
  shared protocol and N of its own; prints ``DONE``.
- ``hold-lock LIB SECONDS``: take the library's write lock, print ``LOCKED``, hold it.
- ``autosave-and-wait LIB SEED``: autosave one protocol, print ``AUTOSAVED``, sleep.
- ``full-disk FOLDER``: on a tiny file system, save until the disk is full, then check
  the library and print one JSON report.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_factory import edited, realistic_protocol

from papdesigner.store import Library, LibraryError, LibraryFullError


def say(line: str) -> None:
    """Print one event line and make sure the parent can read it before we die."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def save_loop(path: str, seed: int, export: str) -> None:
    """Save, autosave and export in a loop until killed."""
    bases = [
        realistic_protocol(seed * 3 + k, sessions=10, narrative_paragraphs=1) for k in range(3)
    ]
    library = Library.open(path, autosave_interval=0)
    say("READY")
    step = 0
    while True:
        base = bases[step % 3]
        info = library.save_version(edited(base, step), "worker", f"step {step}")
        say(f"COMMITTED {info.id} {info.hash}")
        if step % 3 == 0:
            library.autosave(str(base.id), edited(base, step + 1))
        if step % 5 == 0:
            library.export_version(info.id, export)
            say(f"EXPORTED {info.hash}")
        step += 1


def save_n(path: str, seed: int, count: int, go: str) -> None:
    """Save ``count`` versions of a shared protocol and of an own one, racing another worker."""
    shared = realistic_protocol(1000, sessions=6, narrative_paragraphs=1)
    own = realistic_protocol(seed, sessions=6, narrative_paragraphs=1)
    library = Library.open(path, busy_timeout=30)
    while not Path(go).exists():
        time.sleep(0.005)
    for step in range(count):
        library.save_version(edited(shared, seed * 1000 + step), f"worker{seed}", f"shared {step}")
        library.save_version(edited(own, step), f"worker{seed}", f"own {step}")
    library.close()
    say("DONE")


def hold_lock(path: str, seconds: float) -> None:
    """Hold the write lock the way a long write transaction of another process would."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    say("LOCKED")
    time.sleep(seconds)
    conn.execute("COMMIT")
    say("RELEASED")


def autosave_and_wait(path: str, seed: int) -> None:
    """Leave a working copy behind, then wait to be killed."""
    library = Library.open(path)
    protocol = realistic_protocol(seed, sessions=6)
    library.save_version(protocol, "worker", "saved")
    library.autosave(str(protocol.id), edited(protocol, 1))
    say("AUTOSAVED")
    time.sleep(60)


def full_disk(folder: str) -> None:
    """Fill a small file system, try to save, then free space and check the library."""
    root = Path(folder)
    report: dict[str, object] = {}
    library = Library.open(root / "lib.sqlite3")
    base = realistic_protocol(5, sessions=30, narrative_paragraphs=6)
    saved = [library.save_version(base, "w", "before the disk filled").hash]
    _fill(root / "filler")
    try:
        for step in range(1, 200):
            saved.append(library.save_version(edited(base, step), "w", f"s{step}").hash)
    except LibraryFullError as exc:
        report["error"] = str(exc)
    report["saved"] = len(saved)
    try:
        library.autosave(str(base.id), edited(base, 99_999))
        report["autosave"] = "written"
    except LibraryError as exc:
        report["autosave"] = type(exc).__name__
    try:
        library.close()
    except LibraryError as exc:
        report["close"] = type(exc).__name__
    _check_after_full(root, saved, report)
    say(json.dumps(report))


def _fill(path: Path) -> None:
    """Write zeros until the file system refuses, in big and then small pieces."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 512):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def _check_after_full(root: Path, saved: list[str], report: dict[str, object]) -> None:
    with Library.open(root / "lib.sqlite3", readonly=True) as library:
        report["integrity"] = library.db.conn.execute("PRAGMA integrity_check").fetchone()[0]
        report["verify_ok"] = library.verify().ok
        versions = library.db.conn.execute("SELECT hash, id FROM versions").fetchall()
        report["all_saved_present"] = set(saved) <= {h for h, _ in versions}
        report["all_load"] = all(library.load_version(i) is not None for _, i in versions)
    (root / "filler").unlink()
    with Library.open(root / "lib.sqlite3") as library:
        try:
            library.save_version(realistic_protocol(6, sessions=4), "w", "after freeing space")
            report["save_after_free"] = "ok"
        except LibraryError as exc:
            report["save_after_free"] = str(exc)
        report["verify_after_free"] = library.verify().ok


def main(argv: list[str]) -> None:
    """Dispatch on the mode."""
    mode, *args = argv
    if mode == "save-loop":
        save_loop(args[0], int(args[1]), args[2])
    elif mode == "save-n":
        save_n(args[0], int(args[1]), int(args[2]), args[3])
    elif mode == "hold-lock":
        hold_lock(args[0], float(args[1]))
    elif mode == "autosave-and-wait":
        autosave_and_wait(args[0], int(args[1]))
    elif mode == "full-disk":
        full_disk(args[0])
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
