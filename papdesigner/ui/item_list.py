"""A master-detail editor for a list of protocol parts (sites, roles, sessions, ...).

The list on the left shows one line per item with a mark for its worst
finding; the form on the right edits the selected item. Add, duplicate, remove
and reorder are undoable commands; the selection follows the item (by id)
across undo and redo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model.commands import Command, InsertItem, MoveItem, RemoveItem
from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.form import FieldProblem, Form, ensure_visible, scrolling, starts_with
from papdesigner.ui.highlight import flash
from papdesigner.ui.icons import SEVERITY_ICON, icon
from papdesigner.ui.list_buttons import ListButtons, bind_move_keys
from papdesigner.ui.problems import severity_rank

NARROW_WIDTH = 560
"""Below this width the detail form goes under the list instead of beside it."""

Summary = Callable[[dict[str, Any]], str]
NewItem = Callable[[EditedProtocol, JsonPath], "dict[str, Any] | Command | None"]


class ItemListEditor(QWidget):
    """List of items + detail form; the detail form is built by ``build_detail``."""

    sig_selected = Signal(int)
    """Emitted with the index of the newly selected item (-1 for none)."""

    def __init__(
        self,
        document: EditedProtocol,
        relative: JsonPath,
        *,
        item_name: str,
        summary: Summary,
        new_item: NewItem,
        build_detail: Callable[[Form], None],
        duplicate: bool = True,
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
    ) -> None:
        super().__init__()
        self.document = document
        self.relative = relative
        self.base: JsonPath = ()
        self.item_name = item_name
        self._summary = summary
        self._new_item = new_item
        self._problems: list[FieldProblem] = []
        self._current_id: str | None = None
        """Id of the selected item, remembered so that the selection follows it across edits."""

        self.list = QListWidget()
        self.list.setAccessibleName(f"{item_name.capitalize()} list")
        self.list.setIconSize(QSize(14, 14))
        self.list.setMinimumWidth(180)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.buttons = ListButtons(item_name, duplicate=duplicate)
        self.buttons.add.clicked.connect(self.add_item)
        self.buttons.remove.clicked.connect(self.remove_current)
        self.buttons.up.clicked.connect(lambda: self.move_current(-1))
        self.buttons.down.clicked.connect(lambda: self.move_current(+1))
        if self.buttons.duplicate is not None:
            self.buttons.duplicate.clicked.connect(self.duplicate_current)
        bind_move_keys(self.list, lambda: self.move_current(-1), lambda: self.move_current(+1))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.buttons)

        self.detail = Form(document)
        build_detail(self.detail)
        self.detail.finish()
        self.empty_note = QLabel(f"No {item_name} selected. Use + to add one.")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.empty_note)
        self.detail_area = scrolling(self.detail)
        right_layout.addWidget(self.detail_area, 1)

        self._orientation = orientation
        self.splitter = QSplitter(orientation)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._populate()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """On a narrow window put the detail below the list (side by side left it ~100 px)."""
        super().resizeEvent(event)
        if self._orientation != Qt.Orientation.Horizontal:
            return
        narrow = event.size().width() < NARROW_WIDTH
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)

    # ---- paths and items -----------------------------------------------------------------------

    @property
    def list_path(self) -> JsonPath:
        """Absolute path of the edited list."""
        return (*self.base, *self.relative)

    def items(self) -> list[dict[str, Any]]:
        """The list's items as JSON."""
        value = self.document.json(self.list_path)
        return value if isinstance(value, list) else []

    def current_index(self) -> int:
        """Index of the selected item, -1 if none."""
        return self.list.currentRow()

    def select(self, index: int) -> None:
        """Select the item at ``index`` (clamped); the detail form follows."""
        count = self.list.count()
        self.list.setCurrentRow(min(max(index, -1), count - 1) if count else -1)

    # ---- Part protocol --------------------------------------------------------------------------

    def set_base(self, base: JsonPath) -> None:
        """Edit the list below another base path (a nested list of another item)."""
        self.base = base
        self._populate(keep_id=None)

    def on_change(self, change: Change) -> None:
        """Refresh the list lines and the detail form."""
        if not change.touches(self.list_path):
            return
        structural = change.reason == "reset" or self.list_path in change.paths
        if structural or self.list.count() != len(self.items()):
            self._populate(keep_id=self._current_id)
        else:
            self._refresh_lines()
            self.detail.on_change(change)

    def reveal(self, path: JsonPath) -> bool:
        """Select the item the path points into and reveal the field in the detail form."""
        if not starts_with(path, self.list_path):
            return False
        rest = path[len(self.list_path) :]
        if not rest or not isinstance(rest[0], int) or rest[0] >= self.list.count():
            ensure_visible(self.list)
            self.list.setFocus()
            flash(self.list)
            return True
        self.select(rest[0])
        if len(rest) == 1:
            ensure_visible(self.list)
            self.list.setFocus()
            flash(self.list)
            return True
        return self.detail.reveal(path)

    def show_problems(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        """Mark items with findings; show the selected item's findings in its form."""
        self._problems = problems
        self._refresh_marks()
        inside = [p for p in problems if len(p.path) > len(self.list_path)]
        self.detail.show_problems(inside)
        return [p for p in problems if len(p.path) <= len(self.list_path)]

    # ---- editing --------------------------------------------------------------------------------

    def add_item(self) -> None:
        """Append a new item (or run the owner's add command) and select it."""
        made = self._new_item(self.document, self.list_path)
        if made is None:
            return
        count = len(self.items())
        command = made if isinstance(made, Command) else InsertItem(self.list_path, count, made)
        if self.document.push(command):
            self.select(len(self.items()) - 1 if not isinstance(made, Command) else self._last())
            self._focus_first_field()

    def _last(self) -> int:
        return self.list.count() - 1

    def duplicate_current(self) -> None:
        """Insert a copy of the selected item after it, with a fresh id."""
        index = self.current_index()
        if index < 0:
            return
        copy = dict(self.items()[index])
        if "id" in copy:
            copy["id"] = _fresh_id(str(copy["id"]), {str(i.get("id")) for i in self.items()})
        if self.document.push(
            InsertItem(self.list_path, index + 1, copy, f"Duplicate {self.item_name}")
        ):
            self.select(index + 1)

    def remove_current(self) -> None:
        """Remove the selected item (undoable; refused if something still refers to it)."""
        index = self.current_index()
        if index >= 0 and self.document.push(
            RemoveItem(self.list_path, index, f"Remove {self.item_name}")
        ):
            self.select(min(index, self.list.count() - 1))

    def move_current(self, step: int) -> None:
        """Move the selected item up (-1) or down (+1)."""
        index = self.current_index()
        target = index + step
        if index < 0 or not 0 <= target < self.list.count():
            return
        if self.document.push(MoveItem(self.list_path, index, target, f"Move {self.item_name}")):
            self.select(target)

    def _focus_first_field(self) -> None:
        if self.detail.fields:
            self.detail.fields[0].focus()

    # ---- display --------------------------------------------------------------------------------

    def _selected_id(self) -> str | None:
        index = self.current_index()
        items = self.items()
        if 0 <= index < len(items):
            value = items[index].get("id") if isinstance(items[index], dict) else None
            return str(value) if value is not None else None
        return None

    def _populate(self, keep_id: str | None = None) -> None:
        previous = self.current_index()
        items = self.items()
        self.list.blockSignals(True)
        self.list.clear()
        for item in items:
            QListWidgetItem(self._summary(item), self.list)
        target = next(
            (
                i
                for i, item in enumerate(items)
                if keep_id is not None and item.get("id") == keep_id
            ),
            min(previous, len(items) - 1) if previous >= 0 else (0 if items else -1),
        )
        self.list.setCurrentRow(target)
        self.list.blockSignals(False)
        self._refresh_marks()
        self._on_list_current_row_changed(target)

    def _refresh_lines(self) -> None:
        for index, item in enumerate(self.items()):
            line = self.list.item(index)
            text = self._summary(item)
            if line is not None and line.text() != text:
                line.setText(text)

    def _refresh_marks(self) -> None:
        worst: dict[int, str] = {}
        depth = len(self.list_path)
        for problem in self._problems:
            if len(problem.path) > depth and isinstance(problem.path[depth], int):
                index = problem.path[depth]
                assert isinstance(index, int)
                if severity_rank(problem.severity) < severity_rank(worst.get(index, "none")):
                    worst[index] = problem.severity
        for index in range(self.list.count()):
            line = self.list.item(index)
            severity = worst.get(index)
            line.setIcon(icon(SEVERITY_ICON[severity]) if severity else icon("empty"))
            line.setData(Qt.ItemDataRole.AccessibleDescriptionRole, severity or "no findings")

    def _on_list_current_row_changed(self, index: int) -> None:
        self._current_id = self._selected_id()
        has_item = index >= 0
        self.empty_note.setVisible(not has_item)
        self.detail_area.setVisible(has_item)
        if has_item:
            self.detail.set_base((*self.list_path, index))
            self.detail.show_problems(
                [p for p in self._problems if len(p.path) > len(self.list_path)]
            )
        self.buttons.set_enabled(
            has_item=has_item, can_up=index > 0, can_down=has_item and index < self.list.count() - 1
        )
        self.sig_selected.emit(index)


def _fresh_id(stem: str, taken: set[str]) -> str:
    base = stem.rstrip("0123456789") or "item"
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"
