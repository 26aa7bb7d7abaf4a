"""Start the desktop application.

``run_app(file)`` is what ``papdesigner open [FILE]`` calls. With no file it
reopens what was last worked on at its latest saved state (its file, or its
newest library version), or the psilocybin example the first time.
Only Qt and the model are imported before the window is painted; the rule
engine, the library and reportlab load afterwards, when first needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from papdesigner.ui.main_window import MainWindow

FIRST_EXAMPLE = "psilocybin-trd"
LIBRARY_DELAY_MS = 200
"""How long after the protocol is shown the library is opened (recovery, autosave)."""
QUIT_AFTER_ENV = "PAPDESIGNER_QUIT_AFTER_MS"
"""Set to a number of milliseconds to close the window by itself (smoke tests, benchmarks)."""


def _initial_file() -> str | None:
    """The most recent protocol file that still exists, else the first example."""
    from papdesigner.model.templates import template_path
    from papdesigner.ui.settings import AppSettings

    for entry in AppSettings().recent():
        if entry.kind == "file" and entry.exists():
            return entry.ref
    try:
        return str(template_path(FIRST_EXAMPLE))
    except KeyError:
        return None


def _last_library_protocol() -> str | None:
    """The protocol id when the most recent entry is a protocol from the library."""
    from papdesigner.ui.settings import AppSettings

    recent = [e for e in AppSettings().recent() if e.exists()]
    return recent[0].ref if recent and recent[0].kind == "library" else None


def open_initial(window: MainWindow, file: str | None) -> None:
    """Attach the window to ``file``, or to what was last worked on at its latest saved state."""
    library_id = _last_library_protocol() if file is None else None
    target = file if file is not None else _initial_file()
    window.attach(file=str(Path(target)) if target is not None and not library_id else None)
    if library_id is not None and not window.files.open_library_protocol(library_id):
        fallback = _initial_file()
        if fallback is not None:
            window.files.open_file(fallback)


def run_app(file: str | None, *, quit_after_ms: int | None = None) -> int:
    """Create the QApplication and the main window, open ``file`` (or the last one); run.

    ``quit_after_ms`` closes the window after that many milliseconds (smoke tests).
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("papdesigner")
    app.setOrganizationName("papdesigner")
    app.setApplicationDisplayName("papdesigner")

    from papdesigner.ui.errors import install_excepthook
    from papdesigner.ui.main_window import MainWindow
    from papdesigner.ui.settings import AppSettings
    from papdesigner.ui.theme import apply_theme

    settings = AppSettings()
    apply_theme(app, settings.theme())
    install_excepthook()
    window = MainWindow(settings=settings, deferred=True)

    def finish_start() -> None:
        # After the first paint: the model, the document, then the library (recovery).
        open_initial(window, file)
        # The library opens later still, once the protocol is on screen.
        QTimer.singleShot(LIBRARY_DELAY_MS, window.files.offer_recovery)
        QTimer.singleShot(LIBRARY_DELAY_MS, window.files.start_autosave)

    window.sig_first_painted.connect(finish_start)
    window.show()
    if quit_after_ms is None and os.environ.get(QUIT_AFTER_ENV, "").isdigit():
        quit_after_ms = int(os.environ[QUIT_AFTER_ENV])
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    return int(app.exec())


def main() -> int:
    """Entry point of a GUI launcher: ``papdesigner-gui [FILE]``."""
    return run_app(sys.argv[1] if len(sys.argv) > 1 else None)
