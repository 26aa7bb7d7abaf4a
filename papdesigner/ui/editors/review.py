"""Step 12, Review & export: how complete each step is, then save and export."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from papdesigner.model.fileformat import fingerprint
from papdesigner.model.history import Change
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.form import FieldProblem
from papdesigner.ui.icons import icon
from papdesigner.ui.steps import STEPS, StepState

_WORDS = {
    "done": "Complete",
    "partial": "Incomplete",
    "empty": "Not started",
    "error": "Has errors",
}


class ReviewEditor(StepEditor):
    """A table of step states (double-click to go there), the fingerprint, and actions."""

    key = "review"

    sig_step_requested = Signal(str)
    """Emitted with a step key when the user wants to go to that step."""

    def build(self) -> None:
        """Lay out the summary table, protocol facts and the action buttons."""
        summary = self.form.section("Completeness", "Double-click a step to go there.")
        self.table = QTableWidget(len(STEPS) - 1, 4)
        self.table.setHorizontalHeaderLabels(["Step", "Status", "Still needed", "Open findings"])
        self.table.setAccessibleName("Completeness of each step")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(
            2, self.table.horizontalHeader().ResizeMode.Stretch
        )
        self.table.setMinimumHeight(400)
        self.table.itemActivated.connect(self._on_table_item_activated)
        summary.addRow(self.table)
        facts = self.form.section("Protocol file")
        self.facts = QLabel()
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setWordWrap(True)
        facts.addRow(self.facts)
        actions = self.form.section("Save and export")
        self.actions_row = QWidget()
        self.actions_layout = QHBoxLayout(self.actions_row)
        self.actions_layout.setContentsMargins(0, 0, 0, 0)
        actions.addRow(self.actions_row)
        self._show_facts()

    def set_actions(self, actions: list[QAction]) -> None:
        """Show the window's save and export actions as buttons."""
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.actions_layout.addWidget(button)
        self.actions_layout.addStretch(1)

    def show_states(self, states: dict[str, StepState]) -> None:
        """Fill the table from the step states."""
        for row, step in enumerate(s for s in STEPS if s.key != "review"):
            state = states[step.key]
            cells = [
                step.title,
                _WORDS[state.status],
                ", ".join(state.missing) or "—",
                f"{state.errors} errors, {state.warnings} warnings"
                if state.errors or state.warnings
                else "—",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, step.key)
                if column == 1:
                    item.setIcon(icon(state.status))
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(3)
        self.table.resizeRowsToContents()

    def on_change(self, change: Change) -> None:
        """Keep the fingerprint current."""
        del change
        self._show_facts()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Findings for the protocol as a whole are listed in the compliance panel."""
        del problems

    def _show_facts(self) -> None:
        doc = self.document
        where = str(doc.file_path) if doc.file_path else "not written to a file yet"
        library = "saved in the library" if doc.library_id else "not saved in the library yet"
        self.facts.setText(
            f"<b>Id:</b> {doc.protocol.id}<br><b>File:</b> {escape(where)} · {library}<br>"
            f"<b>Fingerprint (SHA-256 of the canonical JSON, embedded in every PDF):</b><br>"
            f"<code>{fingerprint(doc.protocol)}</code>"
        )

    def _on_table_item_activated(self, item: QTableWidgetItem) -> None:
        self.sig_step_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))
