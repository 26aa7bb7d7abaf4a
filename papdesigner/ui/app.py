"""Start the desktop application."""

from __future__ import annotations

import sys


def run_app(file: str | None) -> int:
    """Create the QApplication and the main window, optionally opening ``file``; run the loop."""
    from PySide6.QtWidgets import QApplication

    from papdesigner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("papdesigner")
    app.setOrganizationName("papdesigner")
    window = MainWindow()
    if file is not None:
        window.open_file(file)
    window.show()
    return int(app.exec())
