"""Live compliance: re-check the protocol shortly after edits, off the UI thread.

Each edit restarts a short timer (typing does not trigger a check per key);
when it fires, a snapshot of the protocol is checked by the rule engine in a
worker thread. Results of an older snapshot that arrive late are dropped, so
the panel always shows the check of the latest state.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from papdesigner.model.history import Change
from papdesigner.model.protocol import Protocol
from papdesigner.ui.document import ProtocolDocument

DEBOUNCE_MS = 250


class _Relay(QObject):
    """Carries a worker's result back to the UI thread (queued signal)."""

    sig_done = Signal(int, object, str)


class _CheckTask(QRunnable):
    def __init__(
        self, generation: int, protocol: Protocol, only: list[str] | None, relay: _Relay
    ) -> None:
        super().__init__()
        self.generation, self.protocol, self.only, self.relay = generation, protocol, only, relay

    def run(self) -> None:
        try:
            from papdesigner.rules import check

            report = check(self.protocol, rulesets=self.only)
        except Exception as exc:  # shown in the panel, never a traceback
            self.relay.sig_done.emit(self.generation, None, f"{type(exc).__name__}: {exc}")
            return
        self.relay.sig_done.emit(self.generation, report, "")


class ComplianceRunner(QObject):
    """Debounced, threaded checks of one document; emits :attr:`sig_report`."""

    sig_report = Signal(object)
    """Emitted with the :class:`papdesigner.rules.Report` of the latest protocol state."""

    sig_failed = Signal(str)
    """Emitted with a one-line reason when the check itself failed."""

    sig_started = Signal()
    """Emitted when a check starts (the status bar shows "Checking…")."""

    def __init__(self, document: ProtocolDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.excluded: set[str] = set()
        """Rule set ids the user turned off for this protocol."""
        self.report: Any = None
        self.report_revision = -1
        """The history revision the current report belongs to."""
        self._generation = 0
        self._revisions: dict[int, int] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one check at a time; the engine's cache is not shared
        self._relay = _Relay()
        self._relay.sig_done.connect(self._on_relay_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.check_now)
        document.sig_changed.connect(self._on_document_changed)

    def _on_document_changed(self, change: Change) -> None:
        del change
        self._timer.start()

    def schedule(self) -> None:
        """Check soon (after the debounce delay)."""
        self._timer.start()

    def check_now(self) -> None:
        """Start a check of the current protocol state right away."""
        self._timer.stop()
        self._generation += 1
        self._revisions[self._generation] = self.document.history.revision
        snapshot = self.document.protocol.model_copy(deep=True)
        self.sig_started.emit()
        self._pool.start(_CheckTask(self._generation, snapshot, self._only(), self._relay))

    def _only(self) -> list[str] | None:
        if not self.excluded:
            return None
        from papdesigner.rules import default_catalogue

        return [s.id for s in default_catalogue().rulesets if s.id not in self.excluded]

    def is_current(self) -> bool:
        """True if the report belongs to the protocol as it is now."""
        return self.report is not None and self.report_revision == self.document.history.revision

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until running checks are done (for tests and before an export)."""
        return self._pool.waitForDone(timeout_ms)

    def _on_relay_done(self, generation: int, report: Any, error: str) -> None:
        revision = self._revisions.pop(generation, -1)
        if generation != self._generation:
            return  # an older snapshot; a newer check is on its way
        if report is None:
            self.sig_failed.emit(error)
            return
        self.report, self.report_revision = report, revision
        self.sig_report.emit(report)
