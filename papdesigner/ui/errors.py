"""Error dialogs in plain words, and a last-resort hook that never shows a traceback.

Expected failures (a file that is not a protocol, a full disk, a locked
library) carry a one-line message from the layer that failed; we show it as it
is. An unexpected exception is written to a log file in the user's data folder
and the dialog says what happened in one line and where the details are.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def log_path() -> Path:
    """Where unexpected errors are logged (created on first use)."""
    from platformdirs import user_log_dir

    folder = Path(user_log_dir("papdesigner", appauthor=False))
    return folder / "errors.log"


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Show a modal error dialog with a one-line message (or a few plain lines)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(title)
    box.setInformativeText(message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def _log(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> Path | None:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            handle.writelines(traceback.format_exception(exc_type, exc, tb))
    except OSError:
        return None
    return path


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    where = _log(exc_type, exc, tb)
    detail = f"The details were written to {where}." if where else ""
    message = f"{exc_type.__name__}: {exc}".strip()
    parent = QApplication.activeWindow()
    show_error(
        parent,
        "Something went wrong",
        f"{message}\n\nYour protocol is still open and autosaved. {detail}".strip(),
    )


def install_excepthook() -> None:
    """Route uncaught exceptions in Qt slots to a plain-words dialog (and a log file)."""
    sys.excepthook = _excepthook
