"""Files and the library from the window: save as, recent, versions, autosave, recovery, export."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QPushButton

from papdesigner.model import fingerprint, load_protocol
from papdesigner.model.commands import SetValue
from papdesigner.model.templates import template_path
from papdesigner.ui.dialogs.library_dialogs import RecoveryDialog, VersionHistoryDialog
from papdesigner.ui.main_window import MainWindow

pytestmark = pytest.mark.ui

MakeWindow = Callable[..., MainWindow]


def test_save_as_writes_the_protocol_file(make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window()
    window.settings.set_author("Tester")
    window.document.push(SetValue(("metadata", "acronym"), "SAVED-AS"))
    target = tmp_path / "copy.pap.json"
    assert window.files.save_as(target)
    assert fingerprint(load_protocol(target)) == fingerprint(window.document.protocol)
    assert window.document.file_path == target.resolve()
    versions = window.files.library().history(str(window.document.protocol.id))
    assert [v.author for v in versions] == ["Tester"]
    recent = window.settings.recent()[0]
    assert (recent.kind, recent.ref) == ("file", str(target.resolve()))


def test_save_as_asks_where_and_adds_the_suffix(
    make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.settings.set_author("Tester")
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "chosen"), "")
    )
    assert window.files.save_as()
    assert (tmp_path / "chosen.pap.json").is_file()


def test_recent_menu_reopens_a_file(make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window()
    window.settings.set_author("Tester")
    target = tmp_path / "recent.pap.json"
    assert window.files.save_as(target)
    window.action_set.recent_menu.aboutToShow.emit()
    entry = next(
        a for a in window.action_set.recent_menu.actions() if "recent.pap.json" in a.text()
    )
    window.open_file(str(template_path("lsd-anxiety")))  # another file first
    entry.trigger()
    assert window.document.file_path == target.resolve()


def test_versions_are_listed_opened_and_exported(
    make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    assert window.files.save_as(tmp_path / "v.pap.json", message="First", author="Tester")
    window.document.push(SetValue(("metadata", "acronym"), "V2"))
    assert window.files.save("Second", "Tester")
    listed: list[Any] = []

    def pick_oldest(dialog: VersionHistoryDialog) -> int:
        listed.extend(v.message for v in dialog.versions)
        dialog.table.selectRow(1)  # newest first: row 1 is the first version
        return VersionHistoryDialog.OPEN

    monkeypatch.setattr(VersionHistoryDialog, "exec", pick_oldest)
    window.files.show_history()
    assert listed == ["First", "Second"]
    assert window.document.protocol.metadata.acronym != "V2"
    assert window.document.is_modified()  # an older state: saving makes it the newest again

    def export_newest(dialog: VersionHistoryDialog) -> int:
        dialog.table.selectRow(0)
        return VersionHistoryDialog.EXPORT

    monkeypatch.setattr(VersionHistoryDialog, "exec", export_newest)
    target = tmp_path / "v2.pap.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.files.show_history()
    assert load_protocol(target).metadata.acronym == "V2"


def test_history_of_an_unsaved_protocol_explains(
    make_window: MakeWindow, message_boxes: list[Any]
) -> None:
    window = make_window()
    window.files.show_history()
    assert "no saved versions yet" in message_boxes[-1][1]


_CRASH = textwrap.dedent(
    """
    import os
    from papdesigner.model.templates import new_from_template
    from papdesigner.store import Library
    library = Library.open()
    protocol = new_from_template("psilocybin-trd")
    protocol.metadata.title = "Unsaved work before the crash"
    library.autosave(str(protocol.id), protocol)
    library.flush_autosave(force=True)
    os._exit(1)  # a crash: no clean close
    """
)


def test_edits_lost_in_a_crash_are_offered_back(
    make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CRASH], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1, done.stderr
    window = make_window()
    offered: list[str] = []

    def recover(dialog: RecoveryDialog) -> int:
        offered.extend(dialog.list.item(i).text() for i in range(dialog.list.count()))
        return RecoveryDialog.RECOVER

    monkeypatch.setattr(RecoveryDialog, "exec", recover)
    assert window.files.offer_recovery()
    assert offered and offered[0].startswith("Unsaved work before the crash")
    assert window.document.protocol.metadata.title == "Unsaved work before the crash"
    assert window.document.is_modified()
    window.files.close_library()
    assert not make_window().files.offer_recovery()  # recovered once, not offered again


def test_every_edit_is_offered_to_autosave(
    make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.files.start_autosave()
    library = window.files.library()
    offered: list[str] = []
    real = library.autosave

    def spy(key: str, protocol: Any, **kwargs: Any) -> bool:
        offered.append(protocol.metadata.short_title)
        return bool(real(key, protocol, **kwargs))

    monkeypatch.setattr(library, "autosave", spy)
    window.document.push(SetValue(("metadata", "short_title"), "Autosaved"))
    assert offered == ["Autosaved"]
    assert library.flush_autosave(force=True) in (0, 1)


def test_export_can_be_cancelled(make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window()
    target = tmp_path / "cancelled.pdf"

    def press_cancel() -> None:
        dialog = window.exporter.progress_dialog
        if dialog is None:
            QTimer.singleShot(5, press_cancel)
        else:
            dialog.findChild(QPushButton).click()  # the user presses Cancel

    QTimer.singleShot(0, press_cancel)
    assert window.exporter.export(target, offer_open=False) is None
    assert window.exporter.last_error == "cancelled"
    assert not target.exists()
    assert "cancelled" in window.statusBar().currentMessage()


def test_export_failure_is_explained(
    make_window: MakeWindow, tmp_path: Path, message_boxes: list[Any]
) -> None:
    window = make_window()
    assert window.exporter.export(tmp_path / "missing" / "x.pdf", offer_open=False) is None
    assert message_boxes[-1][0] == "The PDF could not be exported"
    assert "missing" in message_boxes[-1][1]


def test_export_offers_to_open_the_pdf(
    make_window: MakeWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[Any],
) -> None:
    window = make_window()
    result = window.exporter.export(tmp_path / "open.pdf", report=window.report)
    assert result is not None
    assert message_boxes[-1][0] == "PDF exported"
    assert f"{result.pages} pages" in message_boxes[-1][1]


def test_saving_an_approved_protocol_asks_for_the_amendment_record(
    make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from papdesigner.ui.amendment_dialog import AmendmentDialog

    window = make_window()
    window.document.push(SetValue(("regulatory", "ethics", "approved"), True))
    target = tmp_path / "approved.pap.json"
    assert window.files.save_as(target, message="Approved by the IRB", author="Tester")
    window.document.push(SetValue(("sessions", 0, "window_days"), 10))
    asked: list[int] = []

    def answer(dialog: AmendmentDialog) -> int:
        asked.append(len(dialog.changes))
        dialog.primary.setCurrentIndex(1)
        dialog.summary.setText("Wider screening window")
        dialog.rationale.setPlainText("Recruitment at rural sites needs more time.")
        dialog.accept()
        return AmendmentDialog.DialogCode.Accepted

    monkeypatch.setattr(AmendmentDialog, "exec", answer)
    assert window.files.save("Amendment 1", "Tester")
    assert asked == [1]
    history = window.files.library().history(str(window.document.protocol.id))
    assert history[-1].amendment["summary"] == "Wider screening window"

    monkeypatch.setattr(AmendmentDialog, "exec", lambda _d: AmendmentDialog.DialogCode.Rejected)
    window.document.push(SetValue(("sessions", 0, "window_days"), 11))
    before = target.read_bytes()
    assert not window.files.save("Not this time", "Tester")
    assert window.document.is_modified()
    assert target.read_bytes() == before  # cancelled: neither a version nor the file
