"""The add / duplicate / remove / move-up / move-down buttons shared by the list editors."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from papdesigner.ui.icons import icon
from papdesigner.ui.shortcuts import keys_of


class ListButtons(QWidget):
    """A row of small tool buttons; the owner connects the callbacks it supports."""

    def __init__(self, item_name: str, *, duplicate: bool = False) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.add = self._button(layout, "add", f"Add {item_name}")
        self.duplicate = (
            self._button(layout, "duplicate", f"Duplicate {item_name}") if duplicate else None
        )
        self.remove = self._button(layout, "remove", f"Remove {item_name}")
        self.up = self._button(layout, "up", f"Move {item_name} up (Alt+Up)")
        self.down = self._button(layout, "down", f"Move {item_name} down (Alt+Down)")
        layout.addStretch(1)

    @staticmethod
    def _button(layout: QHBoxLayout, icon_name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(icon_name))
        button.setIconSize(QSize(16, 16))
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (", maxsplit=1)[0])
        button.setAutoRaise(True)
        layout.addWidget(button)
        return button

    def set_enabled(self, *, has_item: bool, can_up: bool, can_down: bool) -> None:
        """Enable the buttons that make sense for the current selection."""
        self.remove.setEnabled(has_item)
        if self.duplicate is not None:
            self.duplicate.setEnabled(has_item)
        self.up.setEnabled(can_up)
        self.down.setEnabled(can_down)


def bind_move_keys(widget: QWidget, up: Callable[[], None], down: Callable[[], None]) -> None:
    """Alt+Up / Alt+Down on ``widget`` (and its children) move the current item."""
    for keys, slot in zip(keys_of("move_item"), (up, down), strict=True):
        shortcut = QShortcut(QKeySequence(keys), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
