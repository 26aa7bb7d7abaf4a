"""Garbage collection only in the GUI thread.

Python's cyclic garbage collector runs in whichever thread happens to allocate
when a threshold is crossed. When that is a worker thread (the live compliance
check, the PDF export) and the garbage holds Qt objects made in the GUI thread,
their C++ destructors run in the worker and Qt crashes: a segmentation fault
seen in CI while a check ran in the background. So, while the application runs,
automatic collection is switched off and a timer in the GUI thread collects
instead, the same generations the thresholds would have collected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500


class GcGuard(QObject):
    """Owns the timer that collects garbage in the GUI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int:
        """Collect the generations whose thresholds were crossed; return objects freed."""
        low, middle, high = self._thresholds
        young, older, oldest = gc.get_count()
        if young <= low:
            return 0
        generation = 0
        if older > middle:
            generation = 2 if oldest > high else 1
        return gc.collect(generation)


def install_gc_guard() -> GcGuard | None:
    """Switch collection to the GUI thread for the running application (idempotent)."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    existing = app.findChild(GcGuard)
    if existing is not None:
        return existing
    return GcGuard(app)
