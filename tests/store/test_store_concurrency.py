"""Several processes on one library: nothing corrupted, and a lock loser waits or is told why."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_factory import realistic_protocol

from papdesigner.cli import main
from papdesigner.model import save_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.store import Library, LibraryBusyError

WORKER = Path(__file__).resolve().parent / "store_worker.py"


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_writers_and_a_cli_import_at_once(library_path: Path, tmp_path: Path) -> None:
    Library.open(library_path).close()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in range(50, 55):
        save_protocol(realistic_protocol(seed, sessions=6), inbox / f"p{seed}.pap.json")
    go = tmp_path / "go"
    count = 25
    workers = [
        _spawn("save-n", str(library_path), str(seed), str(count), str(go)) for seed in (1, 2)
    ]
    time.sleep(0.5)  # let both workers import and open the library
    go.touch()
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "papdesigner",
            "library",
            "import",
            "--library",
            str(library_path),
            str(inbox),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outputs = [w.communicate(timeout=120) for w in workers]

    assert cli.returncode == 0, cli.stderr
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-2000:]
        assert out.strip() == "DONE"
    with Library.open(library_path, readonly=True) as library:
        report = library.verify()
        assert report.ok, report.problems
        assert report.versions_checked == 2 * count * 2 + 5
        shared = realistic_protocol(1000, sessions=6, narrative_paragraphs=1)
        numbers = [v.number for v in library.history(shared.id)]
        assert numbers == list(range(1, 2 * count + 1))  # one linear chain, no fork
        authors = {v.author for v in library.history(shared.id)}
        assert authors == {"worker1", "worker2"}
        assert library.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def locked(library_path: Path, small_protocol: Protocol) -> Iterator[subprocess.Popen[str]]:
    """A library with one version whose write lock another process holds for 1.5 s."""
    with Library.open(library_path) as library:
        library.save_version(small_protocol, "ana", "v1")
    holder = _spawn("hold-lock", str(library_path), "1.5")
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "LOCKED"
    yield holder
    holder.communicate(timeout=30)


def test_lock_loser_gets_a_clear_error_and_readers_are_not_blocked(
    locked: subprocess.Popen[str], library_path: Path, small_protocol: Protocol
) -> None:
    with Library.open(library_path, readonly=True) as reader:
        assert len(reader.heads()) == 1  # WAL: reading while another process writes

    with Library.open(library_path, busy_timeout=0.2) as library:
        started = time.monotonic()
        with pytest.raises(
            LibraryBusyError, match=r"in use by another papdesigner process \(waited 0.2 s"
        ):
            library.save_version(realistic_protocol(3, sessions=4), "ana", "blocked")
        assert time.monotonic() - started < 1.4
        assert library.autosave("k", small_protocol) is False  # kept pending, GUI not frozen
        locked.communicate(timeout=30)
        assert library.flush_autosave() == 1
        assert library.save_version(realistic_protocol(3, sessions=4), "ana", "now").number == 1


def test_lock_loser_with_patience_waits_and_succeeds(
    locked: subprocess.Popen[str], library_path: Path
) -> None:
    with Library.open(library_path, busy_timeout=20) as library:
        started = time.monotonic()
        info = library.save_version(realistic_protocol(4, sessions=4), "ana", "after waiting")
        waited = time.monotonic() - started
    assert info.number == 1
    assert waited > 0.5


def test_cli_reports_a_held_lock_in_one_line(
    locked: subprocess.Popen[str],
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_open = Library.open.__func__  # type: ignore[attr-defined]

    def impatient(cls: type[Library], *args: object, **kwargs: object) -> Library:
        kwargs["busy_timeout"] = 0.2
        return real_open(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(Library, "open", classmethod(impatient))
    save_protocol(realistic_protocol(5, sessions=4), tmp_path / "x.pap.json")

    code = main(["library", "import", "--library", str(library_path), str(tmp_path / "x.pap.json")])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "in use by another papdesigner process" in err
