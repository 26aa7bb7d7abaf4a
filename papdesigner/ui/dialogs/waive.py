"""The "Waive finding" dialog: a justification is required, the author is remembered."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class WaiveDialog(QDialog):
    """Asks why a finding is acceptable; OK stays disabled until there is a reason."""

    def __init__(self, finding: Any, author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Waive {finding.rule_id}")
        self.setMinimumWidth(520)
        intro = QLabel(
            f"<b>{escape(finding.rule_id)}</b> ({escape(finding.severity)}): "
            f"{escape(finding.message)}"
            f"<br><i>{escape(finding.citation)}</i><br><br>"
            "A waiver keeps the finding in the report and the PDF, marked as waived, "
            "with your justification. It can be undone."
        )
        intro.setWordWrap(True)
        self.justification = QPlainTextEdit()
        self.justification.setTabChangesFocus(True)
        self.justification.setPlaceholderText("Why this protocol is acceptable as it is (required)")
        self.justification.setAccessibleName("Justification")
        self.author = QLineEdit(author)
        self.author.setAccessibleName("Author")
        self.author.setPlaceholderText("Your name")
        form = QFormLayout()
        form.addRow("Justification:", self.justification)
        form.addRow("Author:", self.author)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Waive")
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.justification.textChanged.connect(self._on_justification_text_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _on_justification_text_changed(self) -> None:
        self.ok.setEnabled(bool(self.justification.toPlainText().strip()))

    def values(self) -> tuple[str, str]:
        """The justification and the author."""
        return self.justification.toPlainText().strip(), self.author.text().strip()
