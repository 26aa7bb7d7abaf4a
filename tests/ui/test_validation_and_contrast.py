"""Issue 12, points 7 and 10: validation at the field with a visible reason; dark contrast."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from papdesigner.model.commands import SetValue
from papdesigner.ui.editors.ethics import ApprovalField
from papdesigner.ui.editors.overview import ACRONYM_MAX, TITLE_MAX
from papdesigner.ui.fields import FloatField, TextField
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.problems import contrast_ratio
from papdesigner.ui.theme import apply_theme

pytestmark = pytest.mark.ui


def _field(window: MainWindow, step: str, path: tuple[Any, ...]) -> Any:
    window.show_step(step)
    editor = window.editor(step)
    editor.finish_building()
    return next(f for f in editor.form.fields if f.path == path)


def test_a_minus_sign_in_a_dose_is_refused_with_a_reason(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    window.show_step("sessions")
    sessions: Any = window.editor("sessions")
    index = next(i for i, s in enumerate(window.document.protocol.sessions) if s.dosing)
    sessions.sessions.select(index)
    table = next(
        p for r, p, _w in sessions.sessions.detail.parts if r == ("dosing", "administrations")
    )
    dose = next(c for c in table.cells[0] if c.relative_path[-1] == "dose")
    assert isinstance(dose, FloatField)
    dose.focus()
    qtbot.waitUntil(dose.spin.hasFocus)
    dose.spin.selectAll()
    qtbot.keyClicks(dose.spin, "-5")
    notice = dose.problems.notice()
    assert "“-” was not accepted" in notice and "cannot be negative" in notice
    assert "10,000" in notice  # the range is said
    assert dose.problems.isVisibleTo(window)
    assert window.document.json(dose.path) == 5.0  # the 5 was taken, and the user was told


def test_a_number_above_the_range_is_refused_with_a_reason(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    field = _field(window, "outcomes", ("statistics", "sample_size"))
    field.focus()
    qtbot.waitUntil(field.spin.hasFocus)
    field.spin.selectAll()
    qtbot.keyClicks(field.spin, "99999999")
    assert "was not accepted" in field.problems.notice()
    assert "goes from" in field.problems.notice()


def test_the_title_and_acronym_are_limited_and_say_so(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    title = _field(window, "overview", ("metadata", "title"))
    assert isinstance(title, TextField)
    assert f"At most {TITLE_MAX} characters" in title.line.toolTip()
    title.focus()
    qtbot.waitUntil(title.line.hasFocus)
    title.line.selectAll()
    title.line.insert("x" * 10_000)  # a paste
    assert len(window.document.protocol.metadata.title) == TITLE_MAX
    assert f"limited to {TITLE_MAX} characters" in title.problems.notice()
    acronym = _field(window, "overview", ("metadata", "acronym"))
    acronym.focus()
    qtbot.waitUntil(acronym.line.hasFocus)
    acronym.line.end(False)
    qtbot.keyClicks(acronym.line, "Z" * (ACRONYM_MAX + 5))
    assert len(window.document.protocol.metadata.acronym) == ACRONYM_MAX
    assert "page header" in acronym.problems.notice()
    # A stored value longer than the limit (an older file) is shown whole, never cut.
    long_title = "y" * (TITLE_MAX + 50)
    window.document.push(SetValue(("metadata", "title"), long_title, "Long title"))
    assert title.line.text() == long_title


def test_approved_needs_a_date_and_a_reference(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    e = ("regulatory", "ethics")
    window.document.push(SetValue((*e, "approved"), False, "Not approved"))
    window.document.push(SetValue((*e, "approval_date"), None, "No date"))
    window.document.push(SetValue((*e, "reference"), "", "No reference"))
    approved = _field(window, "ethics", (*e, "approved"))
    assert isinstance(approved, ApprovalField)
    approved.focus()
    qtbot.keyClick(approved.check, Qt.Key.Key_Space)
    assert window.document.json((*e, "approved")) is False
    assert not approved.check.isChecked()
    shown = " ".join(text for _sev, text in approved.problems.lines())
    assert "enter the approval date and the approval reference first" in shown
    window.document.push(SetValue((*e, "approval_date"), "2026-11-01", "Date"))
    window.document.push(SetValue((*e, "reference"), "REC 26/123", "Reference"))
    qtbot.keyClick(approved.check, Qt.Key.Key_Space)
    assert window.document.json((*e, "approved")) is True


def test_status_counts_stay_readable_after_switching_to_the_dark_palette(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    try:
        apply_theme(app, "light")
        QApplication.processEvents()
        for theme in ("dark", "light"):
            apply_theme(app, theme)
            QApplication.processEvents()
            html = window.status.counts.text()
            colours = re.findall(r"color:(#[0-9A-Fa-f]{6})", html)
            assert len(colours) == 2
            background = window.status.palette().color(QPalette.ColorRole.Window).name()
            for colour in colours:
                assert contrast_ratio(colour, background) >= 4.5, (theme, colour, background)
    finally:
        app.setPalette(original)
