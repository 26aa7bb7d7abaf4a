"""The amendment record asked for when a new version of an approved protocol is saved.

Every change after ethics approval is an amendment, and the board asks what changed, why, and
whether it is substantial. What changed comes from the structural diff and is listed, one row
per change with its ICH M11 section; the author gives the amendment number, the reasons (USDM
code list), the rationale, the impacts, and for each change a reason and a "substantial" tick.
Ticking any change or impact substantial ticks the amendment substantial.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from papdesigner.diff import AmendmentRecord, ProtocolDiff, amendment_terms, describe
from papdesigner.diff.amendment import OTHER_REASON

_COLUMNS = ("Section", "What changed", "Before", "After", "Reason", "Substantial")
_REASON, _SUBSTANTIAL = 4, 5


class AmendmentDialog(QDialog):
    """Ask for the amendment record of ``diff`` (last saved version → the version to save)."""

    def __init__(
        self,
        diff: ProtocolDiff,
        *,
        number: str = "1",
        existing: AmendmentRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.diff = diff
        self.changes = [c for _, changes in diff.by_section() for c in changes]
        """The changes in document order (by section), one table row each."""
        self.setWindowTitle("Amendment to an approved protocol")
        self.resize(1100, 860)
        intro = QLabel(
            "This protocol was approved by its ethics committee, so this version is an "
            f"<b>amendment</b>: {len(diff)} change(s) since the approved version. Say why, and "
            "whether it is substantial; the summary of changes for the board is built from this."
        )
        intro.setWordWrap(True)
        form = self._form(number)
        self.impacts = self._impacts_box()
        self.table = self._changes_table()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save version")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(form)
        top_layout.addWidget(self.impacts)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.table)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.primary.currentIndexChanged.connect(self._sync_other)
        self.table.itemChanged.connect(lambda _item: self._sync_substantial())
        if existing is not None:
            self._fill(existing)
        self._sync_other()
        self._sync_substantial()
        self.result_record: AmendmentRecord | None = None

    # --- parts ---------------------------------------------------------------------------------

    def _form(self, number: str) -> QFormLayout:
        terms = amendment_terms()
        self.number = QLineEdit(number)
        self.number.setAccessibleName("Amendment number")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("One sentence for the title page")
        self.primary = QComboBox()
        self.primary.setAccessibleName("Primary reason")
        self.primary.addItem("Choose the primary reason…", None)
        for term in terms.reasons.values():
            self.primary.addItem(term.decode, term.code)
        self.other = QLineEdit()
        self.other.setPlaceholderText("The reason in words (required for Other)")
        self.secondary = QListWidget()
        self.secondary.setAccessibleName("Secondary reasons")
        self.secondary.setMaximumHeight(84)
        for term in terms.reasons.values():
            item = QListWidgetItem(term.decode)
            item.setData(Qt.ItemDataRole.UserRole, term.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.secondary.addItem(item)
        self.rationale = QPlainTextEdit()
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlaceholderText("Why the protocol is amended")
        self.rationale.setMaximumHeight(60)
        self.substantial = QCheckBox("Substantial amendment")
        form = QFormLayout()
        form.addRow("Number:", self.number)
        form.addRow("Date:", self.date)
        form.addRow("Summary:", self.summary)
        form.addRow("Primary reason:", self.primary)
        form.addRow("", self.other)
        form.addRow("Secondary reasons:", self.secondary)
        form.addRow("Rationale:", self.rationale)
        form.addRow("", self.substantial)
        return form

    def _impacts_box(self) -> QGroupBox:
        box = QGroupBox("Impacts (leave empty where there is none)")
        grid = QGridLayout(box)
        self.impact_rows: dict[str, tuple[QLineEdit, QCheckBox]] = {}
        for row, term in enumerate(amendment_terms().impacts.values()):
            text = QLineEdit()
            text.setAccessibleName(f"Impact on {term.decode}")
            flag = QCheckBox("substantial")
            flag.setAccessibleName(f"Substantial impact on {term.decode}")
            flag.toggled.connect(lambda _on: self._sync_substantial())
            grid.addWidget(QLabel(term.decode + ":"), row, 0)
            grid.addWidget(text, row, 1)
            grid.addWidget(flag, row, 2)
            self.impact_rows[term.code] = (text, flag)
        return box

    def _changes_table(self) -> QTableWidget:
        table = QTableWidget(len(self.changes), len(_COLUMNS))
        table.setAccessibleName("Changes")
        table.setHorizontalHeaderLabels(list(_COLUMNS))
        table.verticalHeader().setVisible(False)
        table.setWordWrap(True)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        for row, change in enumerate(self.changes):
            text = describe(change, self.diff)
            cells = [change.section.label, text.what, text.before or "—", text.after or "—"]
            if text.detail:
                cells[1] += f" ({text.detail})"
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(value)
                table.setItem(row, column, item)
            reason = QTableWidgetItem("")
            reason.setData(Qt.ItemDataRole.UserRole, change.key)
            table.setItem(row, _REASON, reason)
            flag = QTableWidgetItem("")
            flag.setFlags(
                (flag.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable
            )
            flag.setCheckState(Qt.CheckState.Unchecked)
            table.setItem(row, _SUBSTANTIAL, flag)
        header = table.horizontalHeader()
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.Interactive,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
            )
        ):
            header.setSectionResizeMode(column, mode)
        table.setColumnWidth(0, 170)
        # Row heights follow the column widths, known only once the table is laid out.
        header.sectionResized.connect(lambda *_: table.resizeRowsToContents())
        return table

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Fit the rows to their text once the dialog has its size."""
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def _fill(self, record: AmendmentRecord) -> None:
        self.number.setText(record.number)
        if record.date is not None:
            self.date.setDate(QDate(record.date.year, record.date.month, record.date.day))
        self.summary.setText(record.summary)
        self.primary.setCurrentIndex(max(self.primary.findData(record.primary_reason.code), 0))
        self.other.setText(record.primary_reason.other_reason)
        codes = {r.code for r in record.secondary_reasons}
        for i in range(self.secondary.count()):
            item = self.secondary.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in codes:
                item.setCheckState(Qt.CheckState.Checked)
        self.rationale.setPlainText(record.rationale)
        self.substantial.setChecked(record.substantial)
        for impact in record.impacts:
            text, flag = self.impact_rows[impact.type]
            text.setText(impact.text)
            flag.setChecked(impact.substantial)
        for row in range(self.table.rowCount()):
            note = record.note(self._cell(row, _REASON).data(Qt.ItemDataRole.UserRole))
            if note is not None:
                self._cell(row, _REASON).setText(note.rationale)
                state = Qt.CheckState.Checked if note.substantial else Qt.CheckState.Unchecked
                self._cell(row, _SUBSTANTIAL).setCheckState(state)

    # --- behaviour -----------------------------------------------------------------------------

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every cell is filled in _changes_table
        return item

    def _sync_other(self) -> None:
        self.other.setEnabled(self.primary.currentData() == OTHER_REASON)

    def _any_flagged(self) -> bool:
        rows = range(self.table.rowCount())
        flagged = any(
            self._cell(r, _SUBSTANTIAL).checkState() == Qt.CheckState.Checked for r in rows
        )
        return flagged or any(flag.isChecked() for _, flag in self.impact_rows.values())

    def _sync_substantial(self) -> None:
        # A substantial change makes the amendment substantial; the author cannot untick it.
        if not hasattr(self, "substantial"):
            return
        flagged = self._any_flagged()
        if flagged:
            self.substantial.setChecked(True)
        self.substantial.setEnabled(not flagged)

    def data(self) -> dict[str, Any]:
        """Return what the form says, as amendment-record JSON data."""
        date = self.date.date()
        secondary = [
            {"code": self.secondary.item(i).data(Qt.ItemDataRole.UserRole)}
            for i in range(self.secondary.count())
            if self.secondary.item(i).checkState() == Qt.CheckState.Checked
        ]
        impacts = [
            {"type": code, "text": text.text().strip(), "substantial": flag.isChecked()}
            for code, (text, flag) in self.impact_rows.items()
            if text.text().strip() or flag.isChecked()
        ]
        changes = []
        for row, change in enumerate(self.changes):
            changes.append(
                {
                    "change": change.key,
                    "rationale": self._cell(row, _REASON).text().strip(),
                    "substantial": self._cell(row, _SUBSTANTIAL).checkState()
                    == Qt.CheckState.Checked,
                    "sections": [{"number": change.section.number, "title": change.section.title}],
                }
            )
        return {
            "number": self.number.text().strip(),
            "date": dt.date(date.year(), date.month(), date.day()).isoformat(),
            "summary": self.summary.text().strip(),
            "primary_reason": {
                "code": self.primary.currentData(),
                "other_reason": self.other.text().strip(),
            },
            "secondary_reasons": secondary,
            "rationale": self.rationale.toPlainText().strip(),
            "substantial": self.substantial.isChecked(),
            "impacts": impacts,
            "changes": changes,
            "base_fingerprint": self.diff.fingerprint_a,
        }

    def accept(self) -> None:
        """Validate the record; keep the dialog open and say what is wrong if it is not."""
        if self.primary.currentData() is None:
            self.error.setText("Choose the primary reason for the amendment.")
            return
        try:
            self.result_record = AmendmentRecord.model_validate(self.data())
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            self.error.setText(f"{where}: {first['msg']}" if where else str(first["msg"]))
            return
        self.error.setText("")
        super().accept()

    def record(self) -> AmendmentRecord | None:
        """The record the user confirmed (None before Save or after Cancel)."""
        return self.result_record
