"""Dialogs around the library: save a version, browse versions, open, recover drafts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

_ITEM = Qt.ItemDataRole.UserRole


class SaveVersionDialog(QDialog):
    """Ask for the version message (what changed) and the author."""

    def __init__(self, title: str, author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save with a note")
        self.message = QPlainTextEdit()
        self.message.setTabChangesFocus(True)
        self.message.setPlaceholderText('What changed in this version, e.g. "Sent to IRB"')
        self.message.setAccessibleName("Version message")
        self.message.setMaximumHeight(90)
        self.author = QLineEdit(author)
        self.author.setAccessibleName("Author")
        form = QFormLayout()
        form.addRow(
            QLabel(
                f"Save <b>{title}</b> to its file and as a new, immutable version in the "
                "library, with a note on what changed."
            )
        )
        form.addRow("Message:", self.message)
        form.addRow("Author:", self.author)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str]:
        """The message and the author."""
        return self.message.toPlainText().strip(), self.author.text().strip()


class VersionHistoryDialog(QDialog):
    """Every saved version of one protocol; open one or export it to a file."""

    OPEN, EXPORT, COMPARE = 10, 11, 12

    def __init__(self, versions: list[Any], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Version history — {title}")
        self.resize(760, 420)
        self.versions = versions
        self.table = QTableWidget(len(versions), 5)
        self.table.setHorizontalHeaderLabels(["#", "Saved", "Author", "Message", "Hash"])
        self.table.setAccessibleName("Versions")
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, info in enumerate(reversed(versions)):
            cells = [
                str(info.number),
                info.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                info.author,
                info.message or "—",
                info.short_hash,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(_ITEM, info)
                self.table.setItem(row, column, item)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            3, self.table.horizontalHeader().ResizeMode.Stretch
        )
        if versions:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _i: self.done(self.OPEN))
        open_button = QPushButton("Open this version")
        export_button = QPushButton("Export to file…")
        compare_button = QPushButton("Compare versions…")
        compare_button.setToolTip(
            "Changes between two versions (or your unsaved edits), summary of changes"
        )
        close = QPushButton("Close")
        open_button.clicked.connect(lambda: self.done(self.OPEN))
        export_button.clicked.connect(lambda: self.done(self.EXPORT))
        compare_button.clicked.connect(lambda: self.done(self.COMPARE))
        close.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(compare_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        note = QLabel(
            "Versions are immutable and chained by hash; opening one starts editing from it."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def chosen(self) -> Any:
        """The selected version's info."""
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(_ITEM) if item is not None else None


class LibraryBrowserDialog(QDialog):
    """Search the library and pick a protocol to open."""

    def __init__(self, library: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open from library")
        self.resize(620, 440)
        self.library = library
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles, numbers, substances, text…")
        self.search.setAccessibleName("Search the library")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Protocols in the library")
        self.list.itemActivated.connect(lambda _i: self.accept())
        self.search.textChanged.connect(self._on_search_text_changed)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self._show(library.heads(limit=200))

    def _on_search_text_changed(self, text: str) -> None:
        if not text.strip():
            self._show(self.library.heads(limit=200))
            return
        try:
            hits = self.library.search(text)
        except ValueError:
            hits = []
        self._show([hit.protocol for hit in hits])

    def _show(self, summaries: list[Any]) -> None:
        self.list.clear()
        for summary in summaries:
            text = _summary_text(summary)
            item = QListWidgetItem(text, self.list)
            item.setData(_ITEM, summary)
        if self.list.count():
            self.list.setCurrentRow(0)

    def chosen(self) -> Any:
        """The selected protocol summary."""
        item = self.list.currentItem()
        return item.data(_ITEM) if item is not None else None


def _summary_text(summary: Any) -> str:
    title = summary.title or "Untitled protocol"
    number = f" ({summary.protocol_number})" if summary.protocol_number else ""
    plural = "s" if summary.version_count != 1 else ""
    saved = summary.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{title}{number} · {summary.version_count} version{plural}, last saved {saved}"


class RecoveryDialog(QDialog):
    """After a crash: offer to recover unsaved edits."""

    RECOVER, DISCARD = 20, 21

    def __init__(self, drafts: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved edits?")
        self.list = QListWidget()
        self.list.setAccessibleName("Unsaved working copies")
        for draft in drafts:
            when = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(
                f"{draft.title or draft.key} — autosaved {when} on {draft.host}", self.list
            )
            item.setData(_ITEM, draft)
        self.list.setCurrentRow(0)
        intro = QLabel(
            "papdesigner did not close normally last time. These unsaved edits were kept:"
        )
        intro.setWordWrap(True)
        recover = QPushButton("Recover")
        recover.setDefault(True)
        discard = QPushButton("Discard")
        later = QPushButton("Decide later")
        recover.clicked.connect(lambda: self.done(self.RECOVER))
        discard.clicked.connect(lambda: self.done(self.DISCARD))
        later.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(recover, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(discard, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(later, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def chosen(self) -> Any:
        """The selected draft."""
        item = self.list.currentItem()
        return item.data(_ITEM) if item is not None else None
