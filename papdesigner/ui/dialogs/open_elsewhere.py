"""The question asked when a protocol is already open in another window or process."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class OpenElsewhereDialog(QDialog):
    """Open read-only (the default), as a copy, or for editing here as well."""

    CANCEL = 0
    READ_ONLY = 10
    COPY = 11
    EDIT = 12

    def __init__(self, title: str, holder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open in another window")
        layout = QVBoxLayout(self)
        who = f" ({holder})" if holder else ""
        text = QLabel(
            f"“{title}” is open in another papdesigner window{who}.\n\n"
            "Read-only: look at it here; Save asks for a new file, so the other window's "
            "file is never written from here.\n"
            "As a copy: edit a separate protocol with a new identity; its first save asks for "
            "a file.\n"
            "Edit here too: both windows may save; if the other saves first, saving here shows "
            "what changed and asks what to keep."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        row = QHBoxLayout()
        self.read_only = self._button(row, "Open &read-only", self.READ_ONLY)
        self.copy = self._button(row, "Open as a &copy", self.COPY)
        self.edit = self._button(row, "&Edit here too", self.EDIT)
        self.cancel = self._button(row, "Cancel", self.CANCEL)
        layout.addLayout(row)
        self.read_only.setDefault(True)
        self.read_only.setFocus()

    def _button(self, row: QHBoxLayout, label: str, code: int) -> QPushButton:
        button = QPushButton(label)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: self.done(code))
        row.addWidget(button)
        return button
