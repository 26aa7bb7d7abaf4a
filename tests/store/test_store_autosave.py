"""Autosave: rate limiting, clean close, and recovery after a real crash (SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from store_factory import edited, realistic_protocol

from papdesigner.model.protocol import Protocol
from papdesigner.store import Library, LibraryReadOnlyError, NotFoundError

WORKER = Path(__file__).resolve().parent / "store_worker.py"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _draft_rows(library: Library) -> list[tuple[str, str]]:
    return library.db.conn.execute("SELECT session_id, key FROM drafts").fetchall()


def test_autosave_writes_at_most_once_per_interval(
    library_path: Path, small_protocol: Protocol
) -> None:
    clock = FakeClock()
    key = str(small_protocol.id)
    with Library.open(library_path, autosave_interval=3.0, clock=clock) as library:
        assert library.autosave(key, edited(small_protocol, 1)) is True
        clock.now += 1
        assert library.autosave(key, edited(small_protocol, 2)) is False  # too soon: pending
        assert library.flush_autosave() == 0
        clock.now += 2
        assert library.flush_autosave() == 1  # the newest state lands once the interval passed
        [draft_doc] = library.db.conn.execute("SELECT document FROM drafts").fetchall()
        from papdesigner.model import loads_protocol
        from papdesigner.store.codec import decompress_document

        assert loads_protocol(decompress_document(draft_doc[0])) == edited(small_protocol, 2)


def test_unchanged_content_is_not_rewritten(library_path: Path, small_protocol: Protocol) -> None:
    clock = FakeClock()
    key = str(small_protocol.id)
    with Library.open(library_path, autosave_interval=3.0, clock=clock) as library:
        assert library.autosave(key, small_protocol)
        clock.now += 10
        assert library.autosave(key, small_protocol) is False
        clock.now += 10
        assert library.autosave(key, edited(small_protocol, 1)) is True


def test_flush_force_writes_pending_now(library_path: Path, small_protocol: Protocol) -> None:
    clock = FakeClock()
    with Library.open(library_path, clock=clock) as library:
        library.autosave("a", small_protocol)
        library.autosave("a", edited(small_protocol, 1))
        assert library.flush_autosave(force=True) == 1


def test_clean_close_discards_drafts(library_path: Path, small_protocol: Protocol) -> None:
    with Library.open(library_path) as library:
        library.autosave(str(small_protocol.id), small_protocol)
        assert len(_draft_rows(library)) == 1
    with Library.open(library_path) as library:
        assert library.recoverable_drafts() == []
        assert _draft_rows(library) == []
        assert library.db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    assert not (library_path.parent / (library_path.name + ".sessions")).exists()


def test_unclean_close_leaves_a_recoverable_draft(
    library_path: Path, small_protocol: Protocol
) -> None:
    clock = FakeClock()
    key = str(small_protocol.id)
    first = Library.open(library_path, clock=clock)
    base = first.save_version(small_protocol, "ana", "v1")
    first.autosave(key, edited(small_protocol, 1), base_version_id=base.id)
    first.autosave(key, edited(small_protocol, 2), base_version_id=base.id)  # pending
    first.close(clean=False)  # writes what is pending, keeps the drafts

    with Library.open(library_path) as second:
        [draft] = second.recoverable_drafts()
        assert (draft.key, draft.protocol_id, draft.base_version_id) == (key, key, base.id)
        assert draft.title == small_protocol.metadata.title
        restored = second.recover_draft(draft)
        assert restored == edited(small_protocol, 2)
        assert second.recoverable_drafts() == []  # now owned by this session
        with pytest.raises(NotFoundError):
            second.recover_draft(draft)


def test_discarding_a_recovered_draft(library_path: Path, small_protocol: Protocol) -> None:
    first = Library.open(library_path)
    first.autosave("k", small_protocol)
    first.close(clean=False)
    with Library.open(library_path) as second:
        [draft] = second.recoverable_drafts()
        second.discard_draft(draft)
        assert second.recoverable_drafts() == []
        assert second.db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_live_session_drafts_are_not_offered(library_path: Path, small_protocol: Protocol) -> None:
    gui = Library.open(library_path)
    gui.autosave("k", small_protocol)
    with Library.open(library_path) as cli:
        assert cli.recoverable_drafts() == []
    gui.close()


def test_draft_saved_as_a_version_is_not_offered(
    library_path: Path, small_protocol: Protocol
) -> None:
    first = Library.open(library_path)
    first.autosave("k", small_protocol)
    first.save_version(small_protocol, "ana", "saved without draft_key")
    first.close(clean=False)
    with Library.open(library_path) as second:
        assert second.recoverable_drafts() == []


def test_save_version_with_draft_key_drops_the_draft(
    library_path: Path, small_protocol: Protocol
) -> None:
    with Library.open(library_path) as library:
        library.autosave("k", edited(small_protocol, 1))
        library.save_version(edited(small_protocol, 1), "ana", "v1", draft_key="k")
        assert _draft_rows(library) == []


def test_read_only_library_has_no_autosave(library_path: Path, small_protocol: Protocol) -> None:
    Library.open(library_path).close()
    with Library.open(library_path, readonly=True) as library:
        assert library.autosave("k", small_protocol) is False
        assert library.recoverable_drafts() == []
        with pytest.raises(LibraryReadOnlyError):
            library.save_version(small_protocol, "ana", "v1")


def test_draft_survives_sigkill_and_is_recovered(library_path: Path) -> None:
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), "autosave-and-wait", str(library_path), "21"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "AUTOSAVED"
        with Library.open(library_path) as library:  # the worker is alive: nothing to recover
            assert library.recoverable_drafts() == []
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
        if worker.stdout is not None:
            worker.stdout.close()

    expected = edited(realistic_protocol(21, sessions=6), 1)
    with Library.open(library_path) as library:
        [draft] = library.recoverable_drafts()
        assert library.recover_draft(draft) == expected
