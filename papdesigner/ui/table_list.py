"""A table editor for short lists of small parts (staff, doses, washouts, criteria...).

Each cell is an ordinary field editor bound to ``list[row].key``, so cells
validate, merge typing and show their problems exactly like form fields.
The buttons below act on the row that holds the keyboard focus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model.commands import InsertItem, MoveItem, RemoveItem
from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import FieldEditor
from papdesigner.ui.form import FieldProblem, ensure_visible, starts_with
from papdesigner.ui.highlight import flash
from papdesigner.ui.list_buttons import ListButtons, bind_move_keys
from papdesigner.ui.problems import ProblemLabel

CellFactory = Callable[[EditedProtocol, JsonPath, str], FieldEditor]
"""Builds the field of one cell from the document, its relative path and its label."""


@dataclass(frozen=True)
class Column:
    """One column: the item key it edits, its header, and how to build its cell editor."""

    key: str
    header: str
    make: CellFactory
    stretch: bool = False


class TableListEditor(QWidget):
    """Rows of field editors over a list of parts, with add/remove/reorder."""

    def __init__(
        self,
        document: EditedProtocol,
        relative: JsonPath,
        columns: list[Column],
        *,
        item_name: str,
        new_item: Callable[[EditedProtocol, JsonPath], dict[str, Any] | None] | None,
        title: str = "",
    ) -> None:
        super().__init__()
        self.document = document
        self.relative = relative
        self.base: JsonPath = ()
        self.columns = columns
        self.item_name = item_name
        self._new_item = new_item
        self.cells: list[list[FieldEditor]] = []
        self._current_row = -1

        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels([c.header for c in columns])
        self.table.setAccessibleName(title or f"{item_name.capitalize()} table")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # focus goes to the cell editors
        # Tab moves from cell editor to cell editor and then out of the table, like a form;
        # the view's own Tab navigation moved an invisible current cell and never let go.
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        for index, column in enumerate(columns):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column.stretch
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(index, mode)
        self.buttons = ListButtons(item_name)
        self.buttons.add.clicked.connect(self.add_row)
        self.buttons.add.setVisible(new_item is not None)
        self.buttons.remove.clicked.connect(self.remove_row)
        self.buttons.up.clicked.connect(lambda: self.move_row(-1))
        self.buttons.down.clicked.connect(lambda: self.move_row(+1))
        bind_move_keys(self.table, lambda: self.move_row(-1), lambda: self.move_row(+1))
        self.empty_note = QLabel(f"No {item_name} yet.")
        self.problems = ProblemLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if title:
            layout.addWidget(QLabel(f"<b>{title}</b>"))
        layout.addWidget(self.table)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.buttons)
        layout.addWidget(self.problems)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)
        self._rebuild()

    @property
    def list_path(self) -> JsonPath:
        """Absolute path of the edited list."""
        return (*self.base, *self.relative)

    def rows(self) -> list[Any]:
        """The list's items as JSON."""
        value = self.document.json(self.list_path)
        return value if isinstance(value, list) else []

    # ---- Part protocol --------------------------------------------------------------------------

    def set_base(self, base: JsonPath) -> None:
        """Edit the list of another item."""
        self.base = base
        self._rebuild()

    def on_change(self, change: Change) -> None:
        """Rebuild on structural changes, else let the cells refresh themselves."""
        if not change.touches(self.list_path):
            return
        if (
            change.reason == "reset"
            or self.list_path in change.paths
            or len(self.cells) != len(self.rows())
        ):
            self._rebuild()
        else:
            for row in self.cells:
                for cell in row:
                    cell.on_change(change)

    def reveal(self, path: JsonPath) -> bool:
        """Focus the cell ``path`` names (or flash the table)."""
        if not starts_with(path, self.list_path):
            return False
        rest = path[len(self.list_path) :]
        if rest and isinstance(rest[0], int) and rest[0] < len(self.cells):
            row = self.cells[rest[0]]
            # A path into a cell focuses that cell; a path to the whole row, its first cell.
            targets = [c for c in row if starts_with(path, c.path)] or row
            ensure_visible(targets[0].container)
            targets[0].focus()
            for cell in targets:
                flash(cell.editor)
            return True
        ensure_visible(self.table)
        flash(self.table)
        return True

    def show_problems(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        """Put each problem in its cell; problems for whole rows go below the table."""
        placed: dict[int, list[tuple[str, str]]] = {}
        loose: list[tuple[str, str]] = []
        for problem in problems:
            cell = self._cell_for(problem.path)
            if cell is None:
                loose.append((problem.severity, self._row_text(problem)))
            else:
                placed.setdefault(id(cell), []).append((problem.severity, problem.text))
        for row in self.cells:
            for cell in row:
                cell.problems.set_findings(placed.get(id(cell), []))
        self.problems.set_findings(loose)
        self.table.resizeRowsToContents()
        return []

    def _row_text(self, problem: FieldProblem) -> str:
        rest = problem.path[len(self.list_path) :]
        if rest and isinstance(rest[0], int):
            return f"{self.item_name.capitalize()} {rest[0] + 1}: {problem.text}"
        return problem.text

    def _cell_for(self, path: JsonPath) -> FieldEditor | None:
        for row in self.cells:
            for cell in row:
                if starts_with(path, cell.path):
                    return cell
        return None

    # ---- editing --------------------------------------------------------------------------------

    def add_row(self) -> None:
        """Append a row and focus its first cell."""
        item = self._new_item(self.document, self.list_path) if self._new_item else None
        if item is None:
            return
        command = InsertItem(self.list_path, len(self.rows()), item, f"Add {self.item_name}")
        if self.document.push(command) and self.cells:
            self.cells[-1][0].focus()

    def remove_row(self) -> None:
        """Remove the row that has the focus (or the last row)."""
        row = self._current_row if 0 <= self._current_row < len(self.cells) else len(self.cells) - 1
        if row >= 0:
            self.document.push(RemoveItem(self.list_path, row, f"Remove {self.item_name}"))

    def move_row(self, step: int) -> None:
        """Move the focused row up (-1) or down (+1)."""
        row = self._current_row
        target = row + step
        if 0 <= row < len(self.cells) and 0 <= target < len(self.cells):
            column = self._focused_column(row)
            if self.document.push(MoveItem(self.list_path, row, target, f"Move {self.item_name}")):
                self.cells[target][column].focus()

    def _focused_column(self, row: int) -> int:
        focus = QApplication.focusWidget()
        for index, cell in enumerate(self.cells[row]):
            if focus is not None and cell.container.isAncestorOf(focus):
                return index
        return 0

    # ---- display --------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        rows = self.rows()
        self.table.setRowCount(0)
        self.cells = []
        self.table.setRowCount(len(rows))
        for row in range(len(rows)):
            cells = []
            for col, column in enumerate(self.columns):
                cell = column.make(self.document, (*self.relative, row, column.key), column.header)
                cell.base = self.base
                cell.refresh()
                # Cells sit on the window colour, like form rows: check boxes, whose box
                # is drawn in the base colour, stay visible in a dark palette too.
                cell.container.setBackgroundRole(QPalette.ColorRole.Window)
                cell.container.setAutoFillBackground(True)
                self.table.setCellWidget(row, col, cell.container)
                cells.append(cell)
            self.cells.append(cells)
        self.table.resizeRowsToContents()
        self.empty_note.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self._fit_height()
        self._update_buttons()

    def _fit_height(self) -> None:
        # Short tables show every row without an inner scroll bar; the page scrolls.
        height = self.table.horizontalHeader().height() + 4
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setMinimumHeight(min(height, 420))
        self.table.setMaximumHeight(max(height, 60))

    def _update_buttons(self) -> None:
        row = self._current_row
        count = len(self.cells)
        self.buttons.set_enabled(
            has_item=count > 0, can_up=0 < row < count, can_down=0 <= row < count - 1
        )

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not self.isAncestorOf(new):
            return
        for index, row in enumerate(self.cells):
            if any(cell.container.isAncestorOf(new) for cell in row):
                self._current_row = index
                self._update_buttons()
                return
