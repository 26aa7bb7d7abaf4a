"""The status bar: finding counts, active rule sets, check progress and save state."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from papdesigner.ui.problems import severity_colour


class _ClickableLabel(QLabel):
    sig_clicked = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.sig_clicked.emit()
        super().mousePressEvent(event)


class StatusBar(QStatusBar):
    """Permanent widgets at the right; transient messages at the left."""

    sig_counts_clicked = Signal()
    """Emitted when the user clicks the finding counts (shows the compliance panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = _ClickableLabel("Checking…")
        self.counts.setAccessibleName("Finding counts")
        self.counts.setToolTip(
            "Unwaived findings of the live check; click to show the compliance panel"
        )
        self.counts.sig_clicked.connect(self.sig_counts_clicked)
        self.rulesets = QLabel()
        self.rulesets.setAccessibleName("Active rule sets")
        self.saved = QLabel()
        self.saved.setAccessibleName("Save state")
        for widget in (self.rulesets, self.counts, self.saved):
            widget.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(widget)
        self._report: Any = None

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        """Recolour the counts for a new palette: light-theme red on a dark bar was unreadable."""
        super().changeEvent(event)
        palette_events = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in palette_events and self._report is not None:
            self.show_report(self._report)

    def show_report(self, report: Any) -> None:
        """Show counts and the active rule sets of a report."""
        self._report = report
        s = report.summary
        palette = self.palette()
        error = severity_colour("error", palette)
        warning = severity_colour("warning", palette)
        self.counts.setText(
            f'<span style="color:{error}">✖ {s.errors} errors</span>  '
            f'<span style="color:{warning}">▲ {s.warnings} warnings</span>  {s.waived} waived'
        )
        self.counts.setAccessibleDescription(
            f"{s.errors} errors, {s.warnings} warnings, {s.waived} waived"
        )
        active = [r.id for r in report.rulesets if r.active]
        shown = ", ".join(active[:2]) + (f" +{len(active) - 2}" if len(active) > 2 else "")
        self.rulesets.setText(f"Rule sets: {shown or 'none apply'}")
        self.rulesets.setToolTip("\n".join(f"{r.id}: {r.reason}" for r in report.rulesets))
        self.rulesets.setAccessibleDescription(", ".join(active) or "none apply")

    def show_checking(self) -> None:
        """Say that a check is running (keeps the old counts visible)."""
        self.counts.setToolTip("Checking…")

    def show_saved(self, *, modified: bool, where: str, stored: bool = True) -> None:
        """Show whether there are unsaved edits, and where the protocol lives.

        ``stored`` is False for a protocol that lives in no file and no library yet (an
        example or a new protocol): without edits it is unchanged, not "saved".
        """
        if modified:
            self.saved.setText(f"● Unsaved changes — {where}")
        else:
            self.saved.setText(f"{'Saved' if stored else 'No changes yet'} — {where}")
