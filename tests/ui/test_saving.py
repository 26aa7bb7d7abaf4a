"""Saving never loses work: the user's path through the real window (issue 11).

Open a file, edit, Ctrl+S: the file holds the edit and the library has a version.
The file changed behind the window's back: a dialog, and nothing is lost whichever
button is pressed. Two processes on one protocol: the second is warned and both
saves survive. Restart: the latest saved state is reopened.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from papdesigner.model import load_protocol, save_protocol
from papdesigner.model.commands import SetValue
from papdesigner.model.templates import template_path
from papdesigner.store import Library
from papdesigner.ui.dialogs.author import AuthorDialog
from papdesigner.ui.dialogs.conflict import ConflictDialog
from papdesigner.ui.dialogs.open_elsewhere import OpenElsewhereDialog
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.settings import AppSettings

pytestmark = pytest.mark.ui

MakeWindow = Callable[..., MainWindow]
SECOND = Path(__file__).resolve().parent / "second_instance.py"


@pytest.fixture
def protocol_file(tmp_path: Path) -> Path:
    """A copy of the MDMA example in a folder of the user's own."""
    target = tmp_path / "work" / "mdma-ptsd.pap.json"
    target.parent.mkdir()
    shutil.copyfile(template_path("mdma-ptsd"), target)
    return target


def _open(make_window: MakeWindow, path: Path, author: str | None = "Dr A. Coordinator") -> Any:
    window = make_window(None)
    if author:
        window.settings.set_author(author)
    assert window.open_file(str(path))
    return window


def _ctrl_s(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def _short_title(path: Path) -> str:
    return load_protocol(path).metadata.short_title


def _history(window: MainWindow) -> list[Any]:
    library = window.files.library()
    return list(library.history(str(window.document.protocol.id)))


def _answer(monkeypatch: pytest.MonkeyPatch, button: str, seen: list[Any]) -> None:
    """Answer the conflict dialog by clicking one of its real buttons."""

    def press(dialog: ConflictDialog) -> int:
        seen.append(dialog)
        getattr(dialog, button).click()
        return dialog.result()

    monkeypatch.setattr(ConflictDialog, "exec", press)


def test_ctrl_s_writes_the_opened_file_and_records_a_version(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any
) -> None:
    window = _open(make_window, protocol_file)
    assert "mdma-ptsd.pap.json" in window.windowTitle()
    window.document.push(SetValue(("metadata", "short_title"), "Edited then saved"))

    _ctrl_s(qtbot, window)

    assert _short_title(protocol_file) == "Edited then saved"
    versions = _history(window)
    assert [(v.number, v.author) for v in versions] == [(1, "Dr A. Coordinator")]
    library = window.files.library()
    assert library.load_version(versions[-1].id).metadata.short_title == "Edited then saved"
    assert not window.document.is_modified()
    message = window.statusBar().currentMessage()
    assert f"Saved to {protocol_file.resolve()} and as library version 1" in message
    assert not list(protocol_file.parent.glob("*.tmp*"))  # the atomic write left nothing behind


def test_an_author_is_asked_once_and_none_means_no_save(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _open(make_window, protocol_file, author=None)
    window.document.push(SetValue(("metadata", "short_title"), "Needs an author"))
    before = protocol_file.read_bytes()
    _ctrl_s(qtbot, window)  # the careful default answer cancels the author dialog
    assert protocol_file.read_bytes() == before
    assert window.document.is_modified()
    assert "needs an author" in window.statusBar().currentMessage()

    asked: list[bool] = []

    def type_name(dialog: AuthorDialog) -> int:
        asked.append(True)
        ok = dialog.buttons.buttons()[0]
        assert not ok.isEnabled()  # empty: OK is not possible
        dialog.name.setText("  Dr   B. Nurse ")
        dialog.buttons.accepted.emit()
        return dialog.result()

    monkeypatch.setattr(AuthorDialog, "exec", type_name)
    _ctrl_s(qtbot, window)
    window.document.push(SetValue(("metadata", "short_title"), "Second save"))
    _ctrl_s(qtbot, window)
    assert asked == [True]
    assert [v.author for v in _history(window)] == ["Dr B. Nurse", "Dr B. Nurse"]
    assert window.settings.author() == "Dr B. Nurse"


def test_an_example_is_never_saved_over(
    make_window: MakeWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = make_window()  # the shipped MDMA example
    window.settings.set_author("Tester")
    example = template_path("mdma-ptsd")
    before = example.read_bytes()
    window.document.push(SetValue(("metadata", "short_title"), "Mine now"))
    chosen = tmp_path / "mine"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(chosen), ""))
    _ctrl_s(qtbot, window)
    assert example.read_bytes() == before
    assert _short_title(tmp_path / "mine.pap.json") == "Mine now"
    assert window.document.file_path == (tmp_path / "mine.pap.json").resolve()


def _edit_behind_the_back(path: Path, short_title: str) -> None:
    theirs = load_protocol(path)
    theirs.metadata.short_title = short_title
    save_protocol(theirs, path)


@pytest.mark.parametrize("button", ["keep_both", "reload_theirs", "overwrite", "cancel"])
def test_a_file_changed_behind_the_windows_back_loses_nothing(
    make_window: MakeWindow,
    protocol_file: Path,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    button: str,
) -> None:
    window = _open(make_window, protocol_file)
    window.files.watch(None)  # this test drives the save; the watcher has its own test
    window.document.push(SetValue(("metadata", "acronym"), "OURS"))
    _edit_behind_the_back(protocol_file, "Theirs")
    seen: list[ConflictDialog] = []
    _answer(monkeypatch, button, seen)

    _ctrl_s(qtbot, window)

    assert len(seen) == 1
    dialog = seen[0]
    assert dialog.keep_both.isDefault()  # the default never discards anyone's work
    texts = [w.toPlainText() for w in dialog.findChildren(type(_plain_text()))]
    assert any("Theirs" in t for t in texts), texts  # their change, in words
    assert any("OURS" in t for t in texts), texts  # and yours
    files = {p.name: load_protocol(p) for p in protocol_file.parent.glob("*.pap.json")}
    on_disk = [(p.metadata.short_title, p.metadata.acronym) for p in files.values()]
    versions = Library.open(readonly=True)
    try:
        stored = [
            versions.load_version(v.id).metadata
            for summary in versions.heads()
            for v in versions.history(summary.id)
        ]
    finally:
        versions.close()
    everything = [*on_disk, *((m.short_title, m.acronym) for m in stored)]
    shown = window.document.protocol.metadata
    everything.append((shown.short_title, shown.acronym))
    assert any(title == "Theirs" for title, _ in everything), everything
    assert any(acronym == "OURS" for _, acronym in everything), everything
    if button == "keep_both":
        assert _short_title(protocol_file) == "Theirs"
        assert window.document.file_path is not None
        assert window.document.file_path.name == "mdma-ptsd (yours).pap.json"
        assert load_protocol(window.document.file_path).metadata.acronym == "OURS"
    elif button == "reload_theirs":
        assert shown.short_title == "Theirs"
        assert load_protocol(protocol_file.parent / "mdma-ptsd (yours).pap.json").metadata.acronym
    elif button == "overwrite":
        assert load_protocol(protocol_file).metadata.acronym == "OURS"
        assert any(m.short_title == "Theirs" for m in stored)
    else:
        assert window.document.is_modified() and shown.acronym == "OURS"
        assert _short_title(protocol_file) == "Theirs"


def _plain_text() -> Any:
    from PySide6.QtWidgets import QPlainTextEdit

    return QPlainTextEdit()


def test_the_file_watcher_offers_to_reload(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _open(make_window, protocol_file)
    seen: list[ConflictDialog] = []
    _answer(monkeypatch, "reload_theirs", seen)
    _edit_behind_the_back(protocol_file, "Changed by someone else")
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0].reload_theirs.isDefault()  # nothing unsaved here: reloading loses nothing
    assert window.document.protocol.metadata.short_title == "Changed by someone else"
    assert not window.document.is_modified()


def test_an_old_file_does_not_silently_replace_newer_library_versions(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = protocol_file.parent / "old-copy.pap.json"
    shutil.copyfile(protocol_file, old)
    window = _open(make_window, protocol_file)
    window.document.push(SetValue(("metadata", "short_title"), "Newer in the library"))
    _ctrl_s(qtbot, window)
    window.close()
    later = _open(make_window, old)  # an older copy of the same protocol
    later.document.push(SetValue(("metadata", "acronym"), "OLD-EDIT"))
    seen: list[ConflictDialog] = []
    _answer(monkeypatch, "cancel", seen)
    _ctrl_s(qtbot, later)
    assert seen, "saving an old copy over a newer library version must ask"
    said = " ".join(label.text() for label in seen[0].findChildren(type(_label())))
    assert "library has a newer version" in said


def _label() -> Any:
    from PySide6.QtWidgets import QLabel

    return QLabel()


def test_two_processes_on_one_protocol_warn_and_keep_both_saves(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = subprocess.Popen(
        [sys.executable, str(SECOND), str(protocol_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert other.stdin is not None and other.stdout is not None
    try:
        assert other.stdout.readline().strip() == "OPENED"
        warned: list[str] = []

        def edit_here_too(dialog: OpenElsewhereDialog) -> int:
            warned.append(dialog.findChildren(type(_label()))[0].text())
            assert dialog.read_only.isDefault()
            dialog.edit.click()
            return dialog.result()

        monkeypatch.setattr(OpenElsewhereDialog, "exec", edit_here_too)
        window = _open(make_window, protocol_file)
        assert warned and "open in another papdesigner window (process" in warned[0]
        other.stdin.write("EDIT Saved by the other process\nSAVE\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "SAVED"
        window.document.push(SetValue(("metadata", "acronym"), "MINE"))
        seen: list[ConflictDialog] = []
        _answer(monkeypatch, "keep_both", seen)
        _ctrl_s(qtbot, window)
        assert seen
    finally:
        _out, err = other.communicate("QUIT\n", timeout=60)
    assert other.returncode == 0, err[-2000:]
    assert _short_title(protocol_file) == "Saved by the other process"
    assert window.document.file_path is not None
    assert load_protocol(window.document.file_path).metadata.acronym == "MINE"
    with Library.open(readonly=True) as library:
        authors = {v.author for s in library.heads() for v in library.history(s.id)}
    assert authors == {"The other window", "Dr A. Coordinator"}


def test_a_read_only_window_never_writes_the_other_windows_file(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open(make_window, protocol_file)
    second = _open(make_window, protocol_file)  # the careful default answer: read-only
    assert "read-only" in second.windowTitle()
    assert not first.files.read_only
    second.document.push(SetValue(("metadata", "acronym"), "READER"))
    before = protocol_file.read_bytes()
    _ctrl_s(qtbot, second)  # the careful default answer cancels the file dialog
    assert second.files.read_only and protocol_file.read_bytes() == before
    _ctrl_s(qtbot, second)  # still read-only after a cancelled Save As
    assert protocol_file.read_bytes() == before
    elsewhere = protocol_file.parent / "reader"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(elsewhere), ""))
    _ctrl_s(qtbot, second)
    assert protocol_file.read_bytes() == before
    assert load_protocol(protocol_file.parent / "reader.pap.json").metadata.acronym == "READER"
    assert not second.files.read_only  # it now edits its own file


def test_restart_reopens_the_latest_saved_state(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any
) -> None:
    from papdesigner.ui.app import open_initial

    window = _open(make_window, protocol_file)
    window.document.push(SetValue(("metadata", "short_title"), "Latest state"))
    _ctrl_s(qtbot, window)
    window.close()

    restarted = MainWindow(settings=AppSettings(), deferred=True)
    qtbot.addWidget(restarted)
    open_initial(restarted, None)
    assert restarted.document.file_path == protocol_file.resolve()
    assert restarted.document.protocol.metadata.short_title == "Latest state"
    assert not restarted.document.is_modified()

    protocol_id = str(restarted.document.protocol.id)
    assert restarted.files.open_library_protocol(protocol_id)
    restarted.close()
    again = MainWindow(settings=AppSettings(), deferred=True)
    qtbot.addWidget(again)
    open_initial(again, None)
    assert str(again.document.protocol.id) == protocol_id
    assert again.document.protocol.metadata.short_title == "Latest state"
    again.close()


def test_the_close_prompt_offers_saving_to_the_file(
    make_window: MakeWindow,
    protocol_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str]],
) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = _open(make_window, protocol_file)
    window.document.push(SetValue(("metadata", "short_title"), "Saved on close"))
    asked: list[str] = []

    def save(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", save)
    assert window.close()
    assert "to mdma-ptsd.pap.json" in asked[0]
    assert _short_title(protocol_file) == "Saved on close"


def test_an_exported_pdf_records_the_library_head_and_library_verify_checks_it(
    make_window: MakeWindow,
    protocol_file: Path,
    qtbot: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sqlite3

    from papdesigner.cli import main
    from papdesigner.export import verify_pdf
    from papdesigner.export.library_head import recorded_head
    from papdesigner.store import resolve_library_path
    from papdesigner.store.witness import witness_path

    window = _open(make_window, protocol_file)
    window.document.push(SetValue(("metadata", "short_title"), "Exported"))
    _ctrl_s(qtbot, window)
    head = window.files.library_head()
    assert head is not None
    pdf = tmp_path / "exported.pdf"
    # As File > Export does: the live report only when it belongs to the protocol as it is.
    current = window.runner.report if window.runner.is_current() else None
    result = window.exporter.export(pdf, report=current, offer_open=False)
    assert result is not None
    assert recorded_head(pdf) == head
    assert verify_pdf(pdf, window.document.protocol).ok  # the entry does not upset verify
    library = str(resolve_library_path(None))
    assert main(["library", "verify", "--library", library, "--pdf", str(pdf)]) == 0
    window.close()

    # Someone deletes the newest version and the witness beside the library.
    conn = sqlite3.connect(library)
    conn.execute("DROP TRIGGER IF EXISTS versions_are_kept")
    conn.execute("DELETE FROM versions WHERE id = ?", [head[0]])
    conn.execute("DELETE FROM protocols")
    conn.commit()
    conn.close()
    witness_path(Path(library)).unlink()
    capsys.readouterr()
    assert main(["library", "verify", "--library", library, "--pdf", str(pdf)]) == 1
    assert "the PDF exported.pdf records library version" in capsys.readouterr().out


def test_save_with_a_note_records_the_note_and_a_changed_author(
    make_window: MakeWindow, protocol_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papdesigner.ui.dialogs.library_dialogs import SaveVersionDialog

    window = _open(make_window, protocol_file)
    window.document.push(SetValue(("metadata", "short_title"), "Sent"))

    def fill(dialog: SaveVersionDialog) -> int:
        dialog.message.setPlainText("Sent to the IRB")
        dialog.author.setText("Dr C. Investigator")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SaveVersionDialog, "exec", fill)
    window.action_set.save_note.trigger()
    newest = _history(window)[-1]
    assert (newest.message, newest.author) == ("Sent to the IRB", "Dr C. Investigator")
    assert _short_title(protocol_file) == "Sent"
    assert window.settings.author() == "Dr C. Investigator"


_CRASH_ON = """
import sys
from papdesigner.model import load_protocol
from papdesigner.store import Library
library = Library.open()
protocol = load_protocol(sys.argv[1])
protocol.metadata.short_title = "Unsaved before the crash"
library.autosave(str(protocol.id), protocol)
library.flush_autosave(force=True)
import os
os._exit(1)
"""


def test_recovered_edits_are_offered_never_merged_and_save_to_their_file(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papdesigner.ui.dialogs.library_dialogs import RecoveryDialog

    crashed = subprocess.run(
        [sys.executable, "-c", _CRASH_ON, str(protocol_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert crashed.returncode == 1, crashed.stderr
    window = _open(make_window, protocol_file)
    before = protocol_file.read_bytes()
    assert window.document.protocol.metadata.short_title != "Unsaved before the crash"
    monkeypatch.setattr(RecoveryDialog, "exec", lambda _d: RecoveryDialog.RECOVER)
    assert window.files.offer_recovery()
    assert window.document.protocol.metadata.short_title == "Unsaved before the crash"
    assert window.document.is_modified()
    assert protocol_file.read_bytes() == before  # offered, not written anywhere
    assert window.document.file_path == protocol_file.resolve()
    _ctrl_s(qtbot, window)
    assert _short_title(protocol_file) == "Unsaved before the crash"


def test_save_a_copy_writes_another_file_and_keeps_editing_the_original(
    make_window: MakeWindow, protocol_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _open(make_window, protocol_file)
    window.document.push(SetValue(("metadata", "short_title"), "In the copy"))
    copy = protocol_file.parent / "for-the-sponsor"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(copy), ""))
    window.action_set.save_copy.trigger()
    assert _short_title(protocol_file.parent / "for-the-sponsor.pap.json") == "In the copy"
    assert window.document.file_path == protocol_file.resolve()
    assert window.document.is_modified()  # the window's own file is not saved yet
    assert "for-the-sponsor.pap.json" in window.statusBar().currentMessage()


def test_the_library_version_of_an_opened_file_is_found_after_the_first_paint(
    make_window: MakeWindow, protocol_file: Path, qtbot: Any
) -> None:
    first = _open(make_window, protocol_file)
    first.document.push(SetValue(("metadata", "short_title"), "Saved once"))
    _ctrl_s(qtbot, first)
    saved = _history(first)[-1].id
    first.files.close_library()
    first.close()

    # Read at once (a save right after opening): looked up there and then.
    eager = _open(make_window, protocol_file)
    assert eager.files.base_version_id == saved
    eager.files.close_library()
    eager.close()

    # Left alone: the look-up runs by itself shortly after the protocol is shown,
    # and an edit made before it does not change which version the file matches.
    patient = _open(make_window, protocol_file)
    patient.document.push(SetValue(("metadata", "short_title"), "Edited before the look-up"))
    qtbot.waitUntil(lambda: patient.files._library is not None, timeout=3000)
    assert patient.files.base_version_id == saved
    _ctrl_s(qtbot, patient)  # no conflict: the file and the library agree
    assert _short_title(protocol_file) == "Edited before the look-up"
    assert [v.number for v in _history(patient)] == [1, 2]


def test_an_unedited_example_is_not_said_to_be_saved(
    make_window: MakeWindow, protocol_file: Path
) -> None:
    example = make_window("mdma-ptsd")
    assert example.status.saved.text() == "No changes yet — example: Save asks for a file"
    own = _open(make_window, protocol_file)
    assert own.status.saved.text() == "Saved — mdma-ptsd.pap.json"
