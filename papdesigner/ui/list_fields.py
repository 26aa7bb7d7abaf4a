"""Fields whose value is a list: free-text lines, and a set of ticked references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.model.timeline import format_number
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import Choices, FieldEditor
from papdesigner.ui.list_buttons import ListButtons, bind_move_keys


class StringListField(FieldEditor):
    """A list of short texts (prohibited medications, bias controls...), one per line."""

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        *,
        item_name: str = "entry",
        help_text: str = "",
        new_text: str = "New entry",
        numbers: bool = False,
    ) -> None:
        self.numbers = numbers
        """Lines are numbers (weeks): stored as numbers, shown without trailing zeros."""
        self.list = QListWidget()
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.buttons = ListButtons(item_name)
        self._new_text = new_text
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)
        super().__init__(document, path, label, box, help_text=help_text)
        self.list.setAccessibleName(label)
        self.list.itemChanged.connect(lambda _item: self.commit(self.value()))
        self.list.currentRowChanged.connect(self._update_buttons)
        self.buttons.add.clicked.connect(self._add)
        self.buttons.remove.clicked.connect(self._remove)
        self.buttons.up.clicked.connect(lambda: self._move(-1))
        self.buttons.down.clicked.connect(lambda: self._move(+1))
        bind_move_keys(self.list, lambda: self._move(-1), lambda: self._move(+1))
        self._update_buttons()

    def value(self) -> Any:
        """The lines, in order (numbers where the field holds numbers and the text is one)."""
        texts = [self.list.item(i).text() for i in range(self.list.count())]
        return [_number(t) for t in texts] if self.numbers else texts

    def load(self, value: Any) -> None:
        """Show the lines."""
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for entry in value or []:
            text = format_number(entry) if isinstance(entry, int | float) else str(entry)
            item = QListWidgetItem(text, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.setCurrentRow(min(row, self.list.count() - 1))
        self.list.blockSignals(False)
        _fit_rows(self.list, self.list.count())
        self._update_buttons()

    def focus(self) -> None:
        """Focus the list."""
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add(self) -> None:
        self.commit([*self.value(), self._new_text])
        self.list.setCurrentRow(self.list.count() - 1)
        self.list.setFocus()
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            values = self.value()
            del values[row]
            self.commit(values)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        values = self.value()
        target = row + step
        if 0 <= row < len(values) and 0 <= target < len(values):
            values.insert(target, values.pop(row))
            self.commit(values)
            self.list.setCurrentRow(target)

    def _update_buttons(self, *_args: object) -> None:
        row = self.list.currentRow()
        count = self.list.count()
        self.buttons.set_enabled(has_item=row >= 0, can_up=row > 0, can_down=0 <= row < count - 1)


class TickListField(FieldEditor):
    """A set of references ticked from a list (the arms a session is for).

    Choices come from the protocol and are re-read on every change; nothing
    ticked is stored as an empty list, which means "all" where the format says so.
    """

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        choices: Callable[[EditedProtocol], Choices],
        *,
        none_means: str = "",
        help_text: str = "",
    ) -> None:
        self.list = QListWidget()
        self._choices = choices
        self.note = QLabel(none_means)
        self.note.setWordWrap(True)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.note)
        super().__init__(document, path, label, box, help_text=help_text)
        self.list.setAccessibleName(label)
        self._fill()
        self.list.itemChanged.connect(lambda _item: self.commit(self.value()))

    def _fill(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for value, text in self._choices(self.document):
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        _fit_rows(self.list, self.list.count())

    def on_change(self, change: Change) -> None:
        """The choices may have changed (an arm added or renamed)."""
        self._fill()
        self.load(self.document.json(self.path))

    def value(self) -> Any:
        """The ticked values, in the order of the choices."""
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def load(self, value: Any) -> None:
        """Tick the values in ``value``."""
        chosen = set(value or [])
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)

    def focus(self) -> None:
        """Focus the list."""
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)


def _number(text: str) -> float | str:
    """The number a line holds, or the text itself (so validation can name the problem)."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def _fit_rows(widget: QListWidget, rows: int) -> None:
    """Make a short list exactly as tall as its rows (2 to 8), so the page scrolls, not the list."""
    row = widget.sizeHintForRow(0) if widget.count() else widget.fontMetrics().height() + 4
    shown = min(max(rows, 2), 8)
    widget.setFixedHeight(shown * row + 2 * widget.frameWidth() + 4)
