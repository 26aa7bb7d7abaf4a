"""Live compliance: re-check the protocol shortly after edits, off the UI thread.

Each edit restarts a short timer (typing does not trigger a check per key);
when it fires, a snapshot of the protocol is checked by the rule engine in a
worker thread. Results of an older snapshot that arrive late are dropped, so
the panel always shows the check of the latest state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from papdesigner.model.history import Change
from papdesigner.model.protocol import Protocol
from papdesigner.ui.background import BackgroundRunner, BackgroundTask, TaskControl
from papdesigner.ui.document import EditedProtocol

if TYPE_CHECKING:
    from papdesigner.rules import Report

DEBOUNCE_MS = 250


@dataclass(frozen=True)
class RuleSetChoice:
    """The user's override of which rule sets apply: some turned off, some turned on.

    Without an override a rule set applies when its own ``applies_when`` holds
    for the protocol's context, sites, substances and indication.
    """

    off: frozenset[str] = frozenset()
    on: frozenset[str] = frozenset()

    def run_check(self, protocol: Protocol) -> Report:
        """Check ``protocol`` with the engine, honouring the override."""
        from papdesigner.rules import check, default_catalogue

        catalogue = default_catalogue()
        only = [s.id for s in catalogue.rulesets if s.id not in self.off] if self.off else None
        return check(protocol, rulesets=only, catalogue=catalogue, turned_on=self.on)


class ComplianceRunner(QObject):
    """Debounced, threaded checks of one document; emits :attr:`sig_report`."""

    sig_report = Signal(object)
    """Emitted with the :class:`papdesigner.rules.Report` of the latest protocol state."""

    sig_failed = Signal(str)
    """Emitted with a one-line reason when the check itself failed."""

    sig_started = Signal()
    """Emitted when a check starts (the status bar shows "Checking…")."""

    def __init__(self, document: EditedProtocol, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.choice = RuleSetChoice()
        """Which rule sets the user turned off or on for this protocol."""
        self.report: Any = None
        self.report_revision = -1
        """The history revision the current report belongs to."""
        self._generation = 0
        self._revisions: dict[int, int] = {}
        self._background = BackgroundRunner(self)  # one check at a time, in order
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
        choice = self.choice
        self.sig_started.emit()

        def check(_control: TaskControl) -> Any:
            return choice.run_check(snapshot)

        task = self._background.start(check, tag=self._generation)
        task.sig_finished.connect(self._on_check_finished)

    def is_current(self) -> bool:
        """True if the report belongs to the protocol as it is now."""
        return self.report is not None and self.report_revision == self.document.history.revision

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until running checks are done (for tests and before an export)."""
        return self._background.wait(timeout_ms)

    @Slot(object)
    def _on_check_finished(self, task: BackgroundTask) -> None:
        generation: int = task.tag
        revision = self._revisions.pop(generation, -1)
        if generation != self._generation:
            return  # an older snapshot; a newer check is on its way
        if task.error:
            self.sig_failed.emit(task.error)
            return
        self.report, self.report_revision = task.result, revision
        self.sig_report.emit(task.result)
