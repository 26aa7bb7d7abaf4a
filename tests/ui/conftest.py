"""Shared set-up of the GUI tests: offscreen Qt, QSettings in a temp folder, real windows."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from papdesigner.model import load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.model.templates import template_path
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.settings import AppSettings


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path: Path) -> None:
    """Every test gets its own QSettings file (never the user's)."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


@pytest.fixture(autouse=True, name="message_boxes")
def _no_stray_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """A modal box would hang an offscreen test: record it and answer like a careful user."""
    shown: list[tuple[str, str]] = []

    def information(_parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> Any:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    def question(_parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> Any:
        shown.append((title, text))
        return QMessageBox.StandardButton.Discard  # tests that care patch their own answer

    def exec_box(box: QMessageBox) -> int:
        shown.append((box.windowTitle(), f"{box.text()} {box.informativeText()}".strip()))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    monkeypatch.setattr(QMessageBox, "information", information)
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "about", lambda *_a, **_k: None)
    _careful_save_dialogs(monkeypatch, shown)
    return shown


def _careful_save_dialogs(monkeypatch: pytest.MonkeyPatch, shown: list[tuple[str, str]]) -> None:
    """The save flow's own dialogs would hang too: record them and answer without losing work.

    Tests that drive one of them patch its ``exec`` again and click its real buttons.
    """
    from PySide6.QtWidgets import QFileDialog

    from papdesigner.ui.dialogs.author import AuthorDialog
    from papdesigner.ui.dialogs.conflict import ConflictDialog
    from papdesigner.ui.dialogs.open_elsewhere import OpenElsewhereDialog

    def record(answer: int) -> Callable[[QWidget], int]:
        def exec_dialog(dialog: QWidget) -> int:
            shown.append((dialog.windowTitle(), ""))
            return answer

        return exec_dialog

    monkeypatch.setattr(AuthorDialog, "exec", record(0))  # cancelled: nothing is saved
    monkeypatch.setattr(ConflictDialog, "exec", record(ConflictDialog.CANCEL))
    monkeypatch.setattr(OpenElsewhereDialog, "exec", record(OpenElsewhereDialog.READ_ONLY))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))


def example(name: str) -> Protocol:
    """A shipped example protocol."""
    return load_protocol(template_path(name))


@pytest.fixture
def document() -> EditedProtocol:
    """A document holding the MDMA example (it has dosing sessions with supplemental doses)."""
    return EditedProtocol(example("mdma-ptsd"))


def run_check(window: MainWindow) -> None:
    """Run the pending compliance check to its end and deliver its result."""
    app = QApplication.instance()
    assert app is not None
    app.processEvents()
    window.runner.check_now()
    window.runner.wait()
    for _ in range(3):
        app.processEvents()


def activate(qtbot: Any, widget: QWidget) -> None:
    """Make a shown window the active one, so that keyboard focus works (Xvfb has no WM)."""
    widget.activateWindow()
    widget.raise_()
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)


@pytest.fixture
def settle() -> Callable[[MainWindow], None]:
    """The function that finishes a window's compliance check (see :func:`run_check`)."""
    return run_check


@pytest.fixture
def make_window(qtbot: Any) -> Iterator[Callable[..., MainWindow]]:
    """Build a main window on a shipped example (or none), shown and checked."""
    windows: list[MainWindow] = []

    def make(name: str | None = "mdma-ptsd") -> MainWindow:
        window = MainWindow(settings=AppSettings())
        qtbot.addWidget(window)
        if name is not None:
            assert window.open_file(str(template_path(name)))
        window.resize(1400, 900)
        window.show()
        activate(qtbot, window)
        run_check(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.document.history.mark_clean()  # no unsaved-changes prompt at teardown
        window.close()
