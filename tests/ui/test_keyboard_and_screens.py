"""Issue 12, points 1–3: the timeline's focus frame, keyboard traps, small screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget

from papdesigner.model.commands import SetValue
from papdesigner.ui.fields import DateField
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.screen_fit import PREFERRED_WINDOW, available_geometry, fitted
from papdesigner.ui.settings import AppSettings
from papdesigner.ui.steps import STEP_KEYS
from papdesigner.ui.table_list import TableListEditor

pytestmark = pytest.mark.ui


def _all_steps_built(window: MainWindow) -> None:
    for key in STEP_KEYS:
        window.show_step(key)
        window.editor(key).finish_building()
    QApplication.processEvents()


# ---- 1. the timeline with keyboard focus ------------------------------------------------------


def test_the_focused_timeline_is_painted_as_a_timeline_not_a_block(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    window.show_step("sessions")
    editor: Any = window.editor("sessions")
    timeline = editor.timeline
    timeline._choose(timeline._ordered_ids()[2])  # a selected label is drawn with a filled box
    timeline.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(timeline.hasFocus)
    image = timeline.grab().toImage()
    highlight = timeline.palette().highlight().color()
    base = timeline.palette().base().color()
    band = timeline.palette().alternateBase().color()
    counts = {"highlight": 0, "background": 0}
    total = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            colour = QColor(image.pixel(x, y))
            total += 1
            if colour == highlight:
                counts["highlight"] += 1
            elif colour in (base, band):
                counts["background"] += 1
    assert counts["highlight"] < total * 0.05  # the frame and one label, not a solid block
    assert counts["background"] > total * 0.6  # the lanes still show their background
    # The dashed focus frame is there: the top pixel row is tinted with the highlight hue
    # (antialiased, so blended with the background).
    top_row = [QColor(image.pixel(x, 1)) for x in range(5, image.width() - 5)]
    tinted = [c for c in top_row if c.blue() - c.red() > 40]
    assert len(tinted) > len(top_row) * 0.2


# ---- 2. keyboard traps ---------------------------------------------------------------------------


def _tab_until_outside(qtbot: Any, inside: QWidget, presses: int) -> bool:
    for _ in range(presses):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is not None and not inside.isAncestorOf(now):
            return True
    return False


def test_tab_leaves_every_table(make_window: Callable[..., MainWindow], qtbot: Any) -> None:
    window = make_window("psilocybin-trd")
    _all_steps_built(window)
    checked = 0
    for key in STEP_KEYS:
        window.show_step(key)
        editor = window.editor(key)
        tables = [t for t in editor.findChildren(TableListEditor) if t.cells]
        for table in tables:
            if not table.isVisibleTo(window):
                continue
            first = table.cells[0][0]
            first.focus()
            container = first.container
            qtbot.waitUntil(lambda c=container: c.isAncestorOf(QApplication.focusWidget()))
            cells = sum(len(row) for row in table.cells)
            assert _tab_until_outside(qtbot, table.table, cells + 3), (key, table.item_name)
            checked += 1
    assert checked >= 4  # registrations, criteria, staffing, endpoints ... all visited


def test_tab_leaves_the_review_table_and_the_schedule_grid(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    window.show_step("review")
    review: Any = window.editor("review")
    review.table.setFocus()
    qtbot.keyClick(review.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not review.table
    window.show_step("sessions")
    sessions: Any = window.editor("sessions")
    sessions.tabs.setCurrentWidget(sessions.grid)
    grid = sessions.grid.table
    grid.setFocus()
    grid.setCurrentIndex(grid.model().index(0, 0))
    qtbot.keyClick(grid, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not grid


def test_tab_leaves_a_date_that_is_not_set(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    window.show_step("ethics")
    editor = window.editor("ethics")
    editor.finish_building()
    dates = [f for f in editor.form.fields if isinstance(f, DateField)]
    assert dates
    date = dates[0]
    window.document.push(SetValue(date.path, None, "Clear the date"))
    assert date.date.text() == "not set"
    date.focus()
    qtbot.waitUntil(date.date.hasFocus)
    qtbot.keyClick(date.date, Qt.Key.Key_Tab)
    assert not date.date.hasFocus()
    assert not date.date.isAncestorOf(QApplication.focusWidget())


def test_next_step_puts_the_focus_into_the_step(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    window.show_step("overview")
    window.navigator.setFocus()
    qtbot.keyClick(window.navigator, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_step() == STEP_KEYS[1]
    focus = QApplication.focusWidget()
    assert focus is not None and window.stack.currentWidget().isAncestorOf(focus)


def test_ctrl_q_quits(make_window: Callable[..., MainWindow], qtbot: Any) -> None:
    window = make_window()
    field = window.editor("overview").form.fields[0]
    field.focus()
    qtbot.waitUntil(field.editor.hasFocus)
    qtbot.keyClick(field.editor, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_ctrl_e_in_a_text_field_exports_and_types_nothing(
    make_window: Callable[..., MainWindow], qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def save_name(_parent: Any, title: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append(title)
        return "", ""  # the user cancels the file dialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    window = make_window()
    fields = window.editor("overview").form.fields
    number = next(f for f in fields if f.path == ("metadata", "protocol_number"))
    before = window.document.protocol.metadata.protocol_number
    number.focus()
    qtbot.waitUntil(number.editor.hasFocus)
    number.line.setCursorPosition(0)  # type: ignore[attr-defined]
    qtbot.keyClick(number.editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked, "Ctrl+E did not reach the Export PDF action"
    assert number.line.cursorPosition() == 0  # type: ignore[attr-defined]
    assert window.document.protocol.metadata.protocol_number == before


# ---- 3. screen sizes -----------------------------------------------------------------------------

LAPTOP = QRect(0, 0, 1366, 738)  # 1366x768 less a 30 px panel
SMALL = QSize(1024, 700)


def test_the_default_window_fits_a_1366x768_screen() -> None:
    size = fitted(PREFERRED_WINDOW, LAPTOP)
    assert size.width() <= 1366 and size.height() <= 738
    assert fitted(PREFERRED_WINDOW, QRect(0, 0, 2560, 1400)) == PREFERRED_WINDOW


def test_a_new_window_fits_the_screen_it_opens_on(qtbot: Any) -> None:
    window = MainWindow(settings=AppSettings())
    qtbot.addWidget(window)
    available = available_geometry(window)
    assert window.width() <= available.width()
    assert window.height() <= available.height()


def test_every_step_works_at_1024x700(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    _all_steps_built(window)
    minimum = window.minimumSizeHint()
    assert minimum.width() <= SMALL.width(), minimum
    assert minimum.height() <= SMALL.height(), minimum
    window.resize(SMALL)
    window.show_step("sessions")
    QApplication.processEvents()
    editor: Any = window.editor("sessions")
    assert window.width() <= SMALL.width()
    assert editor.timeline_area.height() <= editor.height() * 0.45
    assert editor.tabs.height() >= 250
    assert editor.sessions.detail_area.width() >= 250  # the form is usable, not ~100 px


def test_171_sessions_keep_the_window_short(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    sessions = window.document.json(("sessions",))
    template = next(s for s in sessions if s["kind"] == "integration")
    many = list(sessions)
    for n in range(171 - len(sessions)):
        many.append({**template, "id": f"extra{n}", "title": f"Visit {n}", "day": 30 + n % 9})
    assert window.document.push(SetValue(("sessions",), many, "Add visits"))
    window.show_step("sessions")
    window.resize(SMALL)
    QApplication.processEvents()
    editor: Any = window.editor("sessions")
    assert editor.timeline.height() > SMALL.height()  # the lanes are tall ...
    assert window.minimumSizeHint().height() <= SMALL.height()  # ... but scroll in their pane
    assert editor.timeline_area.height() <= editor.height() * 0.45


def _dialogs(window: MainWindow) -> list[QDialog]:
    from papdesigner.diff import diff_protocols
    from papdesigner.ui.amendment_dialog import AmendmentDialog
    from papdesigner.ui.dialogs.dosing_session import NewDosingSessionDialog
    from papdesigner.ui.dialogs.new_protocol import NewProtocolWizard

    p = window.document.protocol
    changed = p.model_copy(deep=True)
    changed.metadata.title = "Another title"
    return [
        AmendmentDialog(diff_protocols(p, changed), parent=window),
        NewDosingSessionDialog(p, window),
        NewProtocolWizard(window),
    ]


def test_dialogs_stay_within_the_screen(make_window: Callable[..., MainWindow], qtbot: Any) -> None:
    window = make_window()
    available = available_geometry(window)
    for dialog in _dialogs(window):
        qtbot.addWidget(dialog)
        minimum = dialog.minimumSizeHint()
        assert minimum.width() <= SMALL.width() and minimum.height() <= SMALL.height(), dialog
        dialog.show()
        QApplication.processEvents()
        frame = dialog.frameGeometry()
        assert available.contains(frame), (type(dialog).__name__, frame, available)
        dialog.close()
