"""Asking once for the name recorded on every saved version."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MAX_AUTHOR = 200


class AuthorDialog(QDialog):
    """Ask for the author's name; OK stays disabled while it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is saving?")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Every saved version records who saved it. Your name is asked once and "
            "remembered for the next saves."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_AUTHOR)
        self.name.setPlaceholderText("Your name, e.g. Dr A. Coordinator")
        self.name.setAccessibleName("Author name")
        layout.addWidget(self.name)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._on_text_changed)
        self._on_text_changed("")

    def _on_text_changed(self, text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(text.strip()))

    def author(self) -> str:
        """The name typed, tidied ("" when none)."""
        return " ".join(self.name.text().split())
