"""A notice bar above the step: refusals shown where the user is looking.

An edit refused outside a field (a drag on the timeline, a list operation) used to
be said only in the status bar for eight seconds. The bar stays until the user
closes it (Esc or ✕), goes to another step, or makes the next edit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from papdesigner.ui.problems import severity_colour


class NoticeBar(QFrame):
    """One line of text with a close button; hidden when there is nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Notice")
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close this notice (Esc)")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide_notice)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self.setVisible(False)

    def show_notice(self, message: str) -> None:
        """Show ``message`` (it replaces any earlier one)."""
        colour = severity_colour("error", self.palette())
        self.text.setText(f'<span style="color:{colour}">✖</span> {message}')
        self.text.setAccessibleDescription(message)
        self.setVisible(True)

    def message(self) -> str:
        """The notice shown ("" when hidden)."""
        return self.text.accessibleDescription() if self.isVisible() else ""

    def hide_notice(self) -> None:
        """Hide the bar."""
        self.setVisible(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """Esc closes the notice."""
        if event.key() == Qt.Key.Key_Escape:
            self.hide_notice()
            return
        super().keyPressEvent(event)
