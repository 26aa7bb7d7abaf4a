"""The step navigator down the left of the main window, with a completeness mark per step."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from papdesigner.ui.icons import icon
from papdesigner.ui.problems import severity_colour
from papdesigner.ui.steps import STEPS, StepState

_COUNTS_ROLE = Qt.ItemDataRole.UserRole + 1
_STATUS_WORDS = {
    "done": "complete",
    "partial": "incomplete",
    "empty": "not started",
    "error": "has errors",
}


class _CountsDelegate(QStyledItemDelegate):
    """Draws the step normally, then its unwaived error / warning counts at the right."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        counts = index.data(_COUNTS_ROLE)
        if not counts:
            return
        errors, warnings = counts
        parts = [(f"✖{errors}", "error")] if errors else []
        parts += [(f"▲{warnings}", "warning")] if warnings else []
        painter.save()
        right = option.rect.right() - 6
        for text, severity in reversed(parts):
            width = option.fontMetrics.horizontalAdvance(text) + 6
            rect = QRect(right - width, option.rect.top(), width, option.rect.height())
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            colour = option.palette.highlightedText().color() if selected else None
            painter.setPen(colour or QColor(severity_colour(severity, option.palette)))
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text
            )
            right -= width
        painter.restore()

    def sizeHint(  # noqa: N802 (Qt API)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 44, max(hint.height(), 30))


class StepNavigator(QListWidget):
    """One row per step; selecting a row shows that step's editor."""

    sig_step_chosen = Signal(str)
    """Emitted with the key of the step the user chose."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Steps")
        self.setIconSize(QSize(18, 18))
        self.setItemDelegate(_CountsDelegate(self))
        self.setUniformItemSizes(True)
        for number, step in enumerate(STEPS, start=1):
            item = QListWidgetItem(icon("empty"), f"{number}. {step.title}", self)
            item.setData(Qt.ItemDataRole.UserRole, step.key)
        self.currentRowChanged.connect(self._on_current_row_changed)
        self.setMinimumWidth(self.sizeHintForColumn(0) + 6)

    def current_key(self) -> str:
        """The key of the selected step."""
        item = self.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else STEPS[0].key

    def choose(self, key: str) -> None:
        """Select the step with this key."""
        for row in range(self.count()):
            if self.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.setCurrentRow(row)
                return

    def show_states(self, states: dict[str, StepState]) -> None:
        """Update every step's mark, counts, tooltip and accessible description."""
        for row in range(self.count()):
            item = self.item(row)
            state = states.get(str(item.data(Qt.ItemDataRole.UserRole)))
            if state is None:
                continue
            item.setIcon(icon(state.status))
            item.setData(_COUNTS_ROLE, (state.errors, state.warnings))
            summary = _describe(state)
            item.setToolTip(summary)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, summary)
            item.setData(Qt.ItemDataRole.UserRole + 2, state.status)

    def status(self, key: str) -> str:
        """The mark currently shown for a step (for tests and screen readers)."""
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                return str(item.data(Qt.ItemDataRole.UserRole + 2) or "empty")
        return "empty"

    def _on_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self.sig_step_chosen.emit(str(self.item(row).data(Qt.ItemDataRole.UserRole)))


def _describe(state: StepState) -> str:
    lines = [f"Status: {_STATUS_WORDS[state.status]}"]
    if state.missing:
        lines.append("Still needed: " + ", ".join(state.missing))
    if state.errors or state.warnings:
        lines.append(f"Open findings: {state.errors} errors, {state.warnings} warnings")
    return "\n".join(lines)
