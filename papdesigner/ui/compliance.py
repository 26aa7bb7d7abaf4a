"""Live compliance: re-check the protocol shortly after edits, off the UI thread.

Each edit restarts a short timer (typing does not trigger a check per key);
when it fires, a snapshot of the protocol is checked by the rule engine in a
worker thread. Results of an older snapshot that arrive late are dropped, so
the panel always shows the check of the latest state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from papdesigner.model.history import Change
from papdesigner.model.protocol import Protocol
from papdesigner.ui.document import ProtocolDocument
from papdesigner.ui.gc_guard import install_gc_guard

DEBOUNCE_MS = 250


class _Relay(QObject):
    """Carries a worker's result back to the UI thread (queued signal)."""

    sig_done = Signal(int, object, str)


@dataclass(frozen=True)
class RuleSetChoice:
    """The user's override of which rule sets apply: some turned off, some turned on.

    Without an override a rule set applies when its own ``applies_when`` holds
    for the protocol's context, sites, substances and indication.
    """

    off: frozenset[str] = frozenset()
    on: frozenset[str] = frozenset()

    def run_check(self, protocol: Protocol) -> Any:
        """Check ``protocol`` with the engine, honouring the override."""
        from papdesigner.rules import check, default_catalogue

        catalogue = default_catalogue()
        if self.on:
            catalogue = _turned_on(catalogue, self.on)
        only = [s.id for s in catalogue.rulesets if s.id not in self.off] if self.off else None
        report = check(protocol, rulesets=only, catalogue=catalogue)
        if not self.on:
            return report
        reason = "turned on by hand (its own condition does not hold)"
        statuses = [
            s.model_copy(update={"reason": reason}) if s.id in self.on else s
            for s in report.rulesets
        ]
        return report.model_copy(update={"rulesets": statuses})


def _turned_on(catalogue: Any, on: frozenset[str]) -> Any:
    """A copy of the catalogue in which the sets in ``on`` apply whatever their condition."""
    from papdesigner.rules import Catalogue
    from papdesigner.rules.expr import compile_expr

    always = compile_expr("true")
    sets = [replace(s, applies=always) if s.id in on else s for s in catalogue.rulesets]
    return Catalogue(rulesets=sets, problems=list(catalogue.problems))


class _CheckTask(QRunnable):
    def __init__(
        self, generation: int, protocol: Protocol, choice: RuleSetChoice, relay: _Relay
    ) -> None:
        super().__init__()
        self.generation, self.protocol, self.choice, self.relay = (
            generation,
            protocol,
            choice,
            relay,
        )

    def run(self) -> None:
        try:
            report = self.choice.run_check(self.protocol)
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
        install_gc_guard()  # the check runs in a worker: garbage must be collected here
        self.document = document
        self.choice = RuleSetChoice()
        """Which rule sets the user turned off or on for this protocol."""
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
        self._pool.start(_CheckTask(self._generation, snapshot, self.choice, self._relay))

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
