"""A second papdesigner process with a real main window on one protocol file.

Run as ``python second_instance.py FILE``. It prints ``OPENED`` once the file is
open, then reads commands from stdin: ``EDIT <short title>`` changes the short
title, ``SAVE`` presses Save (it prints ``SAVED`` or ``NOT SAVED``), ``QUIT``
closes the window.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from papdesigner.model.commands import SetValue
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.settings import AppSettings


def main(path: str) -> None:
    """Open ``path`` and follow the commands on stdin."""
    app = QApplication([])
    settings = AppSettings()
    settings.set_author("The other window")
    window = MainWindow(settings=settings)
    if not window.open_file(path):
        print("NOT OPENED", flush=True)
        return
    print("OPENED", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command.startswith("EDIT "):
            window.document.push(SetValue(("metadata", "short_title"), command[5:]))
        elif command == "SAVE":
            print("SAVED" if window.files.save() else "NOT SAVED", flush=True)
        elif command == "QUIT":
            break
        app.processEvents()
    window.document.history.mark_clean()
    window.close()


if __name__ == "__main__":
    main(sys.argv[1])
