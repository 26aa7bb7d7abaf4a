"""The schedule of activities: instruments down, sessions across, a tick per assessment.

Ticking a cell adds the instrument to that session's ``assessments`` (one undo
step); unticking removes it. Rows are the instruments any session uses, plus
any the user added with "Add instrument" (kept until ticked somewhere).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model import vocab
from papdesigner.model.commands import SetValue
from papdesigner.model.history import Change
from papdesigner.ui import choices
from papdesigner.ui.document import EditedProtocol

Index = QModelIndex | QPersistentModelIndex


class ScheduleModel(QAbstractTableModel):
    """Rows = instruments, columns = sessions in day order; cells are check boxes."""

    def __init__(self, document: EditedProtocol) -> None:
        super().__init__()
        self.document = document
        self.extra_rows: list[str] = []
        self._names = dict(choices.instruments())
        self._rows: list[str] = []
        self._columns: list[int] = []
        self.reload()

    def reload(self) -> None:
        """Re-read sessions and instruments from the protocol."""
        self.beginResetModel()
        sessions = self.document.protocol.sessions
        self._columns = sorted(
            range(len(sessions)), key=lambda i: (sessions[i].day, sessions[i].id)
        )
        used = list(
            dict.fromkeys(a for s in sorted(sessions, key=lambda s: s.day) for a in s.assessments)
        )
        self._rows = used + [r for r in self.extra_rows if r not in used]
        self.endResetModel()

    def instrument(self, row: int) -> str:
        """The instrument id of a row."""
        return self._rows[row]

    def session_index(self, column: int) -> int:
        """The index in ``protocol.sessions`` of a column."""
        return self._columns[column]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        """Number of instruments."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        """Number of sessions."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802 (Qt API)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Session titles with their day across; instrument names down."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            session = self.document.protocol.sessions[self._columns[section]]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"Day {session.day}\n{session.title or vocab.label(session.kind)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                kind = vocab.label(session.kind)
                return f"{kind} session {session.id}, window ±{session.window_days} d"
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._rows[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._names.get(self._rows[section], "Not in the instrument catalogue")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A check state per cell, with a readable tooltip."""
        if not index.isValid():
            return None
        session = self.document.protocol.sessions[self._columns[index.column()]]
        instrument = self._rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            ticked = instrument in session.assessments
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            state = "scheduled" if instrument in session.assessments else "not scheduled"
            return f"{instrument} at {session.title or session.id} (day {session.day}): {state}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells are checkable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsSelectable
        )

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Tick or untick: push the change of the session's assessments."""
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        return self.toggle(index.row(), index.column(), _is_checked(value))

    def toggle(self, row: int, column: int, on: bool) -> bool:
        """Schedule (``on``) or unschedule an instrument at a session, as one undo step."""
        session_index = self._columns[column]
        session = self.document.protocol.sessions[session_index]
        instrument = self._rows[row]
        current = list(session.assessments)
        if on == (instrument in current):
            return False
        title = session.title or session.id
        if on:
            new, label = [*current, instrument], f"Add {instrument} to {title}"
        else:
            new, label = (
                [a for a in current if a != instrument],
                f"Remove {instrument} from {title}",
            )
        return self.document.push(SetValue(("sessions", session_index, "assessments"), new, label))


def _is_checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return int(value) == Qt.CheckState.Checked.value


class ScheduleGrid(QWidget):
    """The schedule-of-activities grid with an "Add instrument" row picker."""

    def __init__(self, document: EditedProtocol) -> None:
        super().__init__()
        self.document = document
        self.model = ScheduleModel(document)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Schedule of activities")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # arrows move between cells; Tab leaves the grid
        self.picker = QComboBox()
        self.picker.setAccessibleName("Instrument to add")
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.picker.setMinimumContentsLength(16)
        for value, text in choices.instruments():
            self.picker.addItem(text, value)
        self.add_button = QPushButton("Add row")
        self.add_button.setToolTip("Add the chosen instrument as a row, then tick the sessions")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        picker_row = QHBoxLayout()
        picker_row.addWidget(QLabel("Instrument:"))
        picker_row.addWidget(self.picker, 1)
        picker_row.addWidget(self.add_button)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.setToolTip("Save the schedule of activities as a spreadsheet (CSV)")
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        note = QLabel(
            "Tick a cell to schedule an assessment at a session (Space toggles the current cell)."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(picker_row)
        self.csv_note = QLabel()
        self.csv_note.setAccessibleName("Schedule export result")
        export_row = QHBoxLayout()  # a row of its own: the step stays usable on narrow screens
        export_row.addWidget(self.csv_button)
        export_row.addWidget(self.csv_note, 1)
        layout.addLayout(export_row)
        document.sig_changed.connect(self._on_document_changed)

    def _on_add_button_clicked(self) -> None:
        instrument = self.picker.currentData()
        if instrument and instrument not in self.model.extra_rows:
            self.model.extra_rows.append(instrument)
            self.model.reload()
        row = next(
            (r for r in range(self.model.rowCount()) if self.model.instrument(r) == instrument), 0
        )
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.setFocus()

    def _on_csv_button_clicked(self) -> None:
        name = (self.document.protocol.metadata.acronym or "protocol").replace("/", "-")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export schedule of activities", f"{name}-schedule.csv", "CSV (*.csv)"
        )
        if path:
            self.export_csv(Path(path))

    def export_csv(self, target: Path) -> bool:
        """Write the schedule as CSV to ``target``; say where it went or why it failed."""
        from papdesigner.export.soa_csv import schedule_csv

        temporary = target.with_name(f".{target.name}.tmp")
        try:
            temporary.write_text(schedule_csv(self.document.protocol), encoding="utf-8-sig")
            temporary.replace(target)  # never a half-written file under the real name
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            QMessageBox.warning(
                self, "Schedule not exported", f"Could not write {target}: {exc.strerror}"
            )
            return False
        self.csv_note.setText(f"Schedule exported to {target}")
        return True

    def _on_document_changed(self, change: Change) -> None:
        if change.touches(("sessions",)):
            current = self.table.currentIndex()
            self.model.reload()
            if current.isValid():
                self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
