"""The timeline (click, drag, keyboard) and the schedule-of-activities grid."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.sessions import SessionsEditor
from papdesigner.ui.soa_grid import ScheduleGrid
from papdesigner.ui.timeline_view import TimelineView

pytestmark = pytest.mark.ui


@pytest.fixture
def timeline(document: EditedProtocol, qtbot: Any) -> TimelineView:
    view = TimelineView(document)
    qtbot.addWidget(view)
    view.resize(1000, view.sizeHint().height())
    view.show()
    qtbot.waitExposed(view)
    return view


def _centre(view: TimelineView, session_id: str) -> QPoint:
    marker = next(m for m in view.timeline.markers if m.session_id == session_id and m.lane == 0)
    return view.marker_centre(marker).toPoint()


def _index(document: EditedProtocol, session_id: str) -> int:
    return next(i for i, s in enumerate(document.protocol.sessions) if s.id == session_id)


def test_every_session_is_drawn_in_every_lane_of_its_arms(
    timeline: TimelineView, document: EditedProtocol
) -> None:
    lanes = len(document.protocol.arms)
    assert len(timeline.timeline.lanes) == lanes
    for session in document.protocol.sessions:
        in_lanes = {m.lane for m in timeline.timeline.markers if m.session_id == session.id}
        assert len(in_lanes) == (len(session.arm_ids) or lanes)
    dosing = next(m for m in timeline.timeline.markers if m.kind == "dosing" and m.lane == 0)
    assert "mg" in timeline.marker_text(dosing)


def test_click_selects_a_session(
    timeline: TimelineView, document: EditedProtocol, qtbot: Any
) -> None:
    chosen: list[str] = []
    timeline.sig_session_selected.connect(chosen.append)
    target = document.protocol.sessions[3].id
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=_centre(timeline, target))
    assert chosen == [target]
    assert timeline.selected_id == target


def test_drag_moves_the_day_with_undo(
    timeline: TimelineView, document: EditedProtocol, qtbot: Any
) -> None:
    session = next(s for s in document.protocol.sessions if s.kind == "integration")
    start = _centre(timeline, session.id)
    later_tick = next(t for t in timeline.timeline.ticks if t.day > session.day + 5)
    x = round(timeline.x_of_day(later_tick.day))
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(timeline, QPoint(x, start.y()))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, start.y()))
    moved = document.protocol.sessions[_index(document, session.id)].day
    assert moved == later_tick.day
    assert document.history.undo_label().startswith(f"Move {session.title}")
    document.undo()
    assert document.protocol.sessions[_index(document, session.id)].day == session.day


def test_a_dosing_session_cannot_be_dragged_before_day_one(
    timeline: TimelineView, document: EditedProtocol, qtbot: Any
) -> None:
    dosing = next(s for s in document.protocol.sessions if s.kind == "dosing")
    start = _centre(timeline, dosing.id)
    left = QPoint(160, start.y())
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(timeline, left)
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=left)
    assert document.protocol.sessions[_index(document, dosing.id)].day == dosing.day
    assert "cannot precede day 1" in str(document.last_error)


def test_keyboard_chooses_and_nudges_as_one_step(
    timeline: TimelineView, document: EditedProtocol, qtbot: Any
) -> None:
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    first = timeline.selected_id
    assert first == min(document.protocol.sessions, key=lambda s: (s.day, s.id)).id
    day = document.protocol.session(first).day
    for _ in range(3):
        qtbot.keyClick(timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert document.protocol.session(first).day == day - 3
    assert len(document.history.undo_labels()) == 1  # nudges merge into one undo step
    document.undo()
    assert document.protocol.session(first).day == day


def test_day_zero_is_skipped(qtbot: Any) -> None:
    from papdesigner.model.templates import new_from_template

    document = EditedProtocol(new_from_template("psilocybin-trd"))  # sessions on day -1 and 1
    view = TimelineView(document)
    qtbot.addWidget(view)
    view.resize(1000, 300)
    assert {-1, 1} <= {t.day for t in view.timeline.ticks}
    days = {view.day_at(x) for x in range(150, view.width() - 40, 2)}
    assert 0 not in days
    assert {-1, 1} <= days


def test_the_list_and_the_timeline_select_together(document: EditedProtocol, qtbot: Any) -> None:
    editor = SessionsEditor(document)
    qtbot.addWidget(editor)
    editor.show()
    editor.sessions.select(4)
    assert editor.timeline.selected_id == document.protocol.sessions[4].id
    editor.timeline._choose(document.protocol.sessions[7].id)
    assert editor.sessions.current_index() == 7


def test_schedule_grid_ticks_an_assessment(document: EditedProtocol, qtbot: Any) -> None:
    grid = ScheduleGrid(document)
    qtbot.addWidget(grid)
    model = grid.model
    row, column = next(
        (r, c)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        if model.instrument(r) not in document.protocol.sessions[model.session_index(c)].assessments
    )
    instrument = model.instrument(row)
    index = model.index(row, column)
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    session = document.protocol.sessions[model.session_index(column)]
    assert instrument in session.assessments
    assert document.history.undo_label() == f"Add {instrument} to {session.title}"
    assert (
        model.data(model.index(row, column), Qt.ItemDataRole.CheckStateRole)
        == Qt.CheckState.Checked
    )
    document.undo()
    assert instrument not in document.protocol.sessions[model.session_index(column)].assessments


def test_schedule_grid_adds_an_instrument_row(document: EditedProtocol, qtbot: Any) -> None:
    grid = ScheduleGrid(document)
    qtbot.addWidget(grid)
    grid.picker.setCurrentIndex(grid.picker.findData("EBI"))
    rows = grid.model.rowCount()
    grid.add_button.click()
    assert grid.model.rowCount() == rows + (
        0 if "EBI" in [grid.model.instrument(r) for r in range(rows)] else 1
    )
    row = next(r for r in range(grid.model.rowCount()) if grid.model.instrument(r) == "EBI")
    assert grid.model.toggle(row, 0, True)
    assert "EBI" in document.protocol.sessions[grid.model.session_index(0)].assessments
