"""The main window (a first, minimal version: it shows the open protocol's outline)."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMessageBox, QTreeWidget, QTreeWidgetItem

from papdesigner.model import Protocol, ProtocolFileError, load_protocol
from papdesigner.model.vocab import label


class MainWindow(QMainWindow):
    """Top-level window of papdesigner."""

    def __init__(self) -> None:
        super().__init__()
        self.protocol: Protocol | None = None
        self.outline = QTreeWidget()
        self.outline.setHeaderLabels(["Protocol", "Detail"])
        self.setCentralWidget(self.outline)
        self.resize(1100, 720)
        self.setWindowTitle("papdesigner")

    def open_file(self, path: str) -> bool:
        """Load a protocol file; show a clear error dialog if it cannot be read."""
        try:
            protocol = load_protocol(path)
        except ProtocolFileError as exc:
            QMessageBox.critical(self, "Cannot open protocol", str(exc))
            return False
        self.show_protocol(protocol)
        return True

    def show_protocol(self, protocol: Protocol) -> None:
        """Display the protocol's outline."""
        self.protocol = protocol
        self.setWindowTitle(f"{protocol.metadata.title or 'Untitled protocol'} — papdesigner")
        self.outline.clear()
        for session in sorted(protocol.sessions, key=lambda s: s.day):
            QTreeWidgetItem(
                self.outline,
                [session.title or session.id, f"{label(session.kind)}, day {session.day}"],
            )
        self.outline.resizeColumnToContents(0)
