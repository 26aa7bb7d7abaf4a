"""Work off the GUI thread, the one way the UI does it (the live check, the PDF export).

:meth:`BackgroundRunner.start` runs a function in the runner's own worker thread
(one task at a time, in order) and returns a :class:`BackgroundTask`, a QObject of
the GUI thread whose typed signals say how the work goes and how it ended. The
worker never touches a widget: what it reports crosses to the GUI thread through
a queued connection first, so every receiver runs in the GUI thread whatever it is
(a bound method, a lambda). The function gets a :class:`TaskControl` to report
progress and to see whether the user asked to cancel. An exception ends the task
with a one-line error text, never a traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from papdesigner.ui.gc_guard import install_gc_guard


@dataclass(frozen=True)
class TaskControl:
    """What the work function is given."""

    progress: Callable[[float, str], None]
    """Report a fraction done (0 to 1) and what is being done."""
    cancelled: Callable[[], bool]
    """True once the user asked to cancel: stop at the next safe point."""


def error_text(exc: Exception) -> str:
    """The default one-line text of an exception that ended a task."""
    return f"{type(exc).__name__}: {exc}"


class BackgroundTask(QObject):
    """One piece of work: its progress and its outcome, as signals in the GUI thread."""

    sig_progress = Signal(float, str)
    """Emitted with the fraction done and what is being done."""

    sig_finished = Signal(object)
    """Emitted with this task once it ended: read :attr:`result` and :attr:`error`."""

    _sig_progress_from_worker = Signal(float, str)
    _sig_finished_from_worker = Signal(object, str)

    def __init__(self, tag: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tag = tag
        """Whatever the starter wants to recognise the task by (a check's generation)."""
        self.result: Any = None
        """What the work function returned (None when it failed)."""
        self.error = ""
        """The one-line error text; empty when the work succeeded."""
        self.finished = False
        self._stop = threading.Event()
        # Emitted in the worker, received here in the GUI thread (this object lives there).
        self._sig_progress_from_worker.connect(self._on_progress)
        self._sig_finished_from_worker.connect(self._on_finished)

    @Slot()
    def cancel(self) -> None:
        """Ask the work to stop (it decides when: see :attr:`TaskControl.cancelled`)."""
        self._stop.set()

    def control(self) -> TaskControl:
        """What the work function is given (called in the worker thread)."""
        return TaskControl(self._sig_progress_from_worker.emit, self._stop.is_set)

    def deliver(self, result: object, error: str) -> None:
        """Hand the outcome to the GUI thread (called in the worker thread)."""
        self._sig_finished_from_worker.emit(result, error)

    @Slot(float, str)
    def _on_progress(self, fraction: float, message: str) -> None:
        self.sig_progress.emit(fraction, message)

    @Slot(object, str)
    def _on_finished(self, result: object, error: str) -> None:
        self.result, self.error, self.finished = result, error, True
        self.sig_finished.emit(self)


class _Runnable(QRunnable):
    def __init__(
        self,
        task: BackgroundTask,
        work: Callable[[TaskControl], object],
        describe: Callable[[Exception], str],
    ) -> None:
        super().__init__()
        self._task, self._work, self._describe = task, work, describe

    def run(self) -> None:
        try:
            result = self._work(self._task.control())
        except Exception as exc:  # reported in words, never a traceback
            self._task.deliver(None, self._describe(exc))
            return
        self._task.deliver(result, "")


class BackgroundRunner(QObject):
    """Runs functions in a worker thread of its own, one at a time, in the order started."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        install_gc_guard()  # before the worker starts: garbage is collected in the GUI thread
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def start(
        self,
        work: Callable[[TaskControl], object],
        *,
        tag: Any = None,
        describe: Callable[[Exception], str] = error_text,
    ) -> BackgroundTask:
        """Start ``work`` in the worker thread; connect to the returned task's signals.

        ``describe`` turns an exception raised by ``work`` into the task's error text.
        Signals arrive through the GUI thread's event loop, so connecting right after
        this call never misses one.
        """
        task = BackgroundTask(tag, self)
        task.sig_finished.connect(self._forget)
        self._pool.start(_Runnable(task, work, describe))
        return task

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until every started task has run (tests; before closing)."""
        return self._pool.waitForDone(timeout_ms)

    @Slot(object)
    def _forget(self, task: BackgroundTask) -> None:
        task.deleteLater()  # its receivers already ran: this signal was connected first
