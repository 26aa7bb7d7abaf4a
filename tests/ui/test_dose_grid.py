"""Issue 12, point 4: the arm × dosing-session dose overview in Interventions & dosing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from papdesigner.model.commands import InsertItem
from papdesigner.ui.dose_grid import NONE_TEXT, DoseGrid, cell_of, cell_text, dosing_sessions
from papdesigner.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


def _grid(window: MainWindow) -> DoseGrid:
    window.show_step("interventions")
    grid: DoseGrid = window.editor("interventions").dose_grid  # type: ignore[attr-defined]
    return grid


def _arm_without_doses(window: MainWindow) -> int:
    p = window.document.protocol
    for row, arm in enumerate(p.arms):
        if all(not cell_of(p, s, arm.id).admin_indices for s in dosing_sessions(p)):
            return row
    # Every arm receives something: take the last arm's doses away through the grid.
    grid = _grid(window)
    row = len(p.arms) - 1
    for column in range(grid.model.columnCount()):
        grid.model.set_dose(row, column, 0)
    return row


@pytest.mark.parametrize("name", ["mdma-ptsd", "psilocybin-trd", "lsd-anxiety"])
def test_every_cell_names_the_product_or_says_none(
    make_window: Callable[..., MainWindow], name: str
) -> None:
    window = make_window(name)
    grid = _grid(window)
    p = window.document.protocol
    assert grid.model.rowCount() == len(p.arms)
    assert grid.model.columnCount() == sum(s.dosing is not None for s in p.sessions)
    for row in range(grid.model.rowCount()):
        for column in range(grid.model.columnCount()):
            text = grid.model.index(row, column).data()
            cell = grid.model.cell(row, column)
            assert "no dose" not in text
            if cell.admin_indices:
                session = p.sessions[cell.session_index]
                assert session.dosing is not None
                product = p.product(session.dosing.administrations[cell.main_index].product_id)  # type: ignore[index]
                assert product is not None and text.startswith(product.name)
            else:
                assert text == NONE_TEXT


def test_typing_a_dose_in_an_empty_cell_adds_an_administration(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    grid = _grid(window)
    row = _arm_without_doses(window)
    index = grid.model.index(row, 0)
    assert index.data() == NONE_TEXT
    grid.table.setFocus()
    grid.table.setCurrentIndex(index)
    qtbot.keyClick(grid.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor.accessibleName() == "Dose"
    editor.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(editor, "75")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: grid.model.index(row, 0).data() != NONE_TEXT)
    text = grid.model.index(row, 0).data()
    assert "75 mg" in text and text != NONE_TEXT
    assert window.document.history.undo_label().startswith("Add dose for")
    window.document.undo()
    assert grid.model.index(row, 0).data() == NONE_TEXT


def test_changing_and_removing_a_dose_are_undoable(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    grid = _grid(window)
    p = window.document.protocol
    row, column = next(
        (r, c)
        for r in range(grid.model.rowCount())
        for c in range(grid.model.columnCount())
        if grid.model.cell(r, c).admin_indices
    )
    before = grid.model.index(row, column).data()
    assert grid.model.setData(grid.model.index(row, column), 100.0)
    assert "100 mg" in grid.model.index(row, column).data()
    assert grid.model.set_dose(row, column, 0)
    assert grid.model.index(row, column).data() == NONE_TEXT
    window.document.undo()
    window.document.undo()
    assert grid.model.index(row, column).data() == before
    del p


def test_a_placebo_product_reads_placebo_in_the_grid(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    grid = _grid(window)
    p = window.document.protocol
    placebo = {"id": "placebo_caps", "substance": "other", "name": "Placebo capsules"}
    window.document.push(InsertItem(("products",), len(p.products), placebo, "Add placebo"))
    row = _arm_without_doses(window)
    grid.table.setCurrentIndex(grid.model.index(row, 0))
    grid.product.setCurrentIndex(grid.product.findData("placebo_caps"))
    grid.dose.setValue(1)
    assert grid.apply_editor_row()
    text = grid.model.index(row, 0).data()
    assert text.startswith("Placebo capsules:")
    protocol = window.document.protocol
    cell = cell_of(protocol, grid.model.cell(row, 0).session_index, protocol.arms[row].id)
    assert cell_text(protocol, cell) == text


def test_the_session_details_button_opens_the_session(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    grid = _grid(window)
    grid.table.setCurrentIndex(grid.model.index(0, 1))
    session_index = grid.model.cell(0, 1).session_index
    grid.details.click()
    assert window.current_step() == "sessions"
    sessions: Any = window.editor("sessions")
    assert sessions.sessions.current_index() == session_index
