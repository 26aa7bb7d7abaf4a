"""The dialog shown when a save would overwrite someone else's work.

It says what changed on each side since this window opened the protocol (in the
words of the amendment summary) and offers three ways on, none of which loses
anything: keep both (the default), reload theirs (yours is kept in a new file
first), or overwrite knowingly (theirs is kept as a library version first).
Escape and Cancel do nothing, so the edits stay unsaved in the window.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MAX_LINES = 40
"""Changes listed per side; the rest are counted."""
VISIBLE_ROWS = 8
"""Rows a list shows before it scrolls."""


@dataclass(frozen=True)
class ConflictText:
    """Everything the dialog says, prepared by the file controller."""

    title: str
    what_happened: str
    theirs: tuple[str, ...]
    yours: tuple[str, ...]
    keep_both: str
    reload_theirs: str
    overwrite: str


class ConflictDialog(QDialog):
    """Ask how to go on after the file or the library changed behind the window's back."""

    CANCEL = 0
    KEEP_BOTH = 10
    RELOAD_THEIRS = 11
    OVERWRITE = 12

    def __init__(
        self, text: ConflictText, parent: QWidget | None = None, *, can_reload: bool = True
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(text.title)
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{html.escape(text.title)}</b>")
        layout.addWidget(heading)
        intro = QLabel(text.what_happened)
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        _add_changes(layout, "Their changes", text.theirs)
        if text.yours:
            _add_changes(layout, "Your unsaved changes", text.yours)
        layout.addWidget(QLabel("<b>What should happen to your edits?</b>"))
        grid = QGridLayout()
        self.keep_both = self._option(grid, 0, "Keep &both", text.keep_both, self.KEEP_BOTH)
        self.reload_theirs = self._option(
            grid, 1, "&Reload theirs", text.reload_theirs, self.RELOAD_THEIRS
        )
        self.reload_theirs.setEnabled(can_reload)
        self.overwrite = self._option(
            grid, 2, "&Overwrite knowingly", text.overwrite, self.OVERWRITE
        )
        self.cancel = self._option(
            grid,
            3,
            "Cancel",
            "Do nothing now: your edits stay unsaved in this window.",
            self.CANCEL,
        )
        layout.addLayout(grid)
        # The default never discards anything: keep both when there is something of
        # yours to keep, otherwise reloading theirs loses nothing.
        default = self.keep_both if text.yours or not can_reload else self.reload_theirs
        default.setDefault(True)
        default.setFocus()

    def _option(self, grid: QGridLayout, row: int, label: str, tip: str, code: int) -> QPushButton:
        button = QPushButton(label)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: self.done(code))
        explanation = QLabel(tip)
        explanation.setWordWrap(True)
        button.setAccessibleDescription(tip)
        grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(explanation, row, 1)
        grid.setColumnStretch(1, 1)
        return button


def _add_changes(layout: QVBoxLayout, title: str, lines: tuple[str, ...]) -> None:
    label = QLabel(f"{title} ({len(lines)}):" if lines else f"{title}:")
    layout.addWidget(label)
    view = QPlainTextEdit()
    view.setReadOnly(True)
    shown = [f"• {line}" for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(f"… and {len(lines) - MAX_LINES} more")
    view.setPlainText("\n".join(shown) or "No differences in the protocol's content.")
    rows = min(max(len(shown), 1), VISIBLE_ROWS) + 1
    view.setFixedHeight(view.fontMetrics().lineSpacing() * rows + 12)
    view.setAccessibleName(title)
    label.setBuddy(view)
    layout.addWidget(view)
