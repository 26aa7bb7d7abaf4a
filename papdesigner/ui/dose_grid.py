"""The dose overview of Interventions & dosing: arms down, dosing sessions across.

Each cell lists what the arm receives in that session, product first ("MDMA
hydrochloride: 120 mg +60 mg at 1.5 h (optional)"; a placebo product reads
"Placebo …"); a cell with no administration says "none". The main dose is edited in
the cell itself (F2, typing or a double-click) or in the row below the grid, which
also sets the product and unit. Every change is one undoable command: setting a dose
where there was none adds an administration, a dose of 0 removes the arm's
administrations from that session. Supplemental doses and timing stay in the
session's own details (Sessions & schedule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model import vocab
from papdesigner.model.commands import InsertItem, RemoveItem, SetValue
from papdesigner.model.history import Change
from papdesigner.model.protocol import Administration, Protocol, Session
from papdesigner.model.timeline import dose_text, format_number
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import EditedProtocol

Index = QModelIndex | QPersistentModelIndex
NONE_TEXT = "none"
"""What a cell says when the arm receives nothing in that session."""
MAX_DOSE = 10_000.0


@dataclass(frozen=True)
class Cell:
    """Where one cell's administrations live: session index, arm id, and their indices."""

    session_index: int
    arm_id: str
    admin_indices: tuple[int, ...]

    @property
    def main_index(self) -> int | None:
        """Index of the initial (first, not supplemental) administration, if any."""
        return self.admin_indices[0] if self.admin_indices else None


def dosing_sessions(protocol: Protocol) -> list[int]:
    """Indices of the dosing sessions, in study-day order."""
    sessions = protocol.sessions
    return sorted(
        (i for i, s in enumerate(sessions) if s.dosing is not None),
        key=lambda i: (sessions[i].day, sessions[i].id),
    )


def cell_of(protocol: Protocol, session_index: int, arm_id: str) -> Cell:
    """The administrations of ``arm_id`` in one session, the initial dose first."""
    session = protocol.sessions[session_index]
    admins = session.dosing.administrations if session.dosing else []
    mine = [i for i, a in enumerate(admins) if a.arm_id == arm_id]
    mine.sort(key=lambda i: (admins[i].supplemental, admins[i].at_hours))
    return Cell(session_index, arm_id, tuple(mine))


def cell_text(protocol: Protocol, cell: Cell) -> str:
    """What the arm receives in the session, product first; "none" if nothing."""
    session = protocol.sessions[cell.session_index]
    if session.dosing is None or not cell.admin_indices:
        return NONE_TEXT
    admins = [session.dosing.administrations[i] for i in cell.admin_indices]
    products = list(dict.fromkeys(a.product_id for a in admins))
    doses = dose_text(admins, protocol)
    if len(products) > 1:
        return doses  # dose_text names each product itself
    product = protocol.product(products[0])
    return f"{product.name if product and product.name else products[0]}: {doses}"


def session_header(session: Session) -> str:
    """A column title: the day and the session's title."""
    return f"Day {session.day}\n{session.title or session.id}"


class DoseModel(QAbstractTableModel):
    """Arms × dosing sessions over the document; EditRole is the main dose (0 = none)."""

    def __init__(self, document: EditedProtocol) -> None:
        super().__init__()
        self.document = document
        self._columns: list[int] = []
        self.reload()

    def reload(self) -> None:
        """Re-read arms and dosing sessions."""
        self.beginResetModel()
        self._columns = dosing_sessions(self.document.protocol)
        self.endResetModel()

    # ---- shape ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        """One row per arm."""
        return 0 if parent.isValid() else len(self.document.protocol.arms)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        """One column per dosing session."""
        return 0 if parent.isValid() else len(self._columns)

    def cell(self, row: int, column: int) -> Cell:
        """The administrations behind a cell."""
        protocol = self.document.protocol
        return cell_of(protocol, self._columns[column], protocol.arms[row].id)

    def headerData(  # noqa: N802 (Qt API)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Arms (label and role) down; sessions (day and title) across."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        protocol = self.document.protocol
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return session_header(protocol.sessions[self._columns[section]])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(protocol.arms):
            arm = protocol.arms[section]
            return f"{arm.label or arm.id}\n({vocab.label(arm.role)})"
        return None

    # ---- data -----------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text of the cell; its main dose for editing; a tooltip and accessible text."""
        if not index.isValid():
            return None
        protocol = self.document.protocol
        cell = self.cell(index.row(), index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell_text(protocol, cell)
        if role == Qt.ItemDataRole.EditRole:
            main = self.main_admin(cell)
            return float(main.dose) if main is not None else 0.0
        if role == Qt.ItemDataRole.ToolTipRole:
            arm = protocol.arms[index.row()]
            session = protocol.sessions[cell.session_index]
            return (
                f"{arm.label or arm.id} in {session.title or session.id} (day {session.day}): "
                f"{cell_text(protocol, cell)}\nF2 or typing edits the initial dose; 0 removes it."
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells are editable (the main dose)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Set the main dose of a cell (one undo step)."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.set_dose(index.row(), index.column(), float(value))

    def main_admin(self, cell: Cell) -> Administration | None:
        """The initial administration of a cell, if any."""
        session = self.document.protocol.sessions[cell.session_index]
        if session.dosing is None or cell.main_index is None:
            return None
        return session.dosing.administrations[cell.main_index]

    # ---- editing --------------------------------------------------------------------------------

    def set_dose(
        self, row: int, column: int, dose: float, product_id: str | None = None, unit: str = ""
    ) -> bool:
        """Give the arm ``dose`` in the session (0 removes its administrations)."""
        protocol = self.document.protocol
        cell = self.cell(row, column)
        session = protocol.sessions[cell.session_index]
        arm = protocol.arms[row]
        where = f"{arm.label or arm.id}, {session.title or session.id}"
        base = ("sessions", cell.session_index, "dosing", "administrations")
        main = self.main_admin(cell)
        if dose <= 0:
            return self._remove_all(cell, base, where)
        if main is None:
            item = self._new_admin(cell, dose, product_id, unit)
            if item is None:
                return False
            count = len(session.dosing.administrations) if session.dosing else 0
            label = f"Add dose for {where}"
            return self.document.push(InsertItem(base, count, item, label))
        assert cell.main_index is not None
        path = (*base, cell.main_index)
        ok = True
        if dose != main.dose:
            label = f"Set dose for {where} to {format_number(dose)}"
            ok = self.document.push(SetValue((*path, "dose"), dose, label))
        if ok and product_id and product_id != main.product_id:
            ok = self.document.push(
                SetValue((*path, "product_id"), product_id, f"Change product for {where}")
            )
        if ok and unit and unit != main.unit:
            ok = self.document.push(SetValue((*path, "unit"), unit, f"Change unit for {where}"))
        return ok

    def _remove_all(self, cell: Cell, base: tuple[Any, ...], where: str) -> bool:
        if not cell.admin_indices:
            return False
        if len(cell.admin_indices) == 1:
            return self.document.push(
                RemoveItem(base, cell.admin_indices[0], f"Remove dose for {where}")
            )
        session = self.document.protocol.sessions[cell.session_index]
        assert session.dosing is not None
        kept = [
            a.model_dump(mode="json")
            for i, a in enumerate(session.dosing.administrations)
            if i not in cell.admin_indices
        ]
        return self.document.push(SetValue(base, kept, f"Remove doses for {where}"))

    def _new_admin(
        self, cell: Cell, dose: float, product_id: str | None, unit: str
    ) -> dict[str, Any] | None:
        """A new administration shaped like the session's others (product, unit, route)."""
        protocol = self.document.protocol
        session = protocol.sessions[cell.session_index]
        others = session.dosing.administrations if session.dosing else []
        model = next((a for a in others if not a.supplemental), None)
        product = product_id or (model.product_id if model else None)
        if product is None and protocol.products:
            product = protocol.products[0].id
        if product is None:
            return None  # no product yet: the widget says to add one first
        return {
            "arm_id": cell.arm_id,
            "product_id": product,
            "dose": dose,
            "unit": unit or (model.unit if model else "mg"),
            "route": model.route if model else "oral",
        }


class _DoseDelegate(QStyledItemDelegate):
    """Edits a cell's main dose in a spin box with a clear range (0 removes the dose)."""

    def createEditor(  # noqa: N802 (Qt API)
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        """A spin box from 0 to 10,000 with three decimals."""
        del option, index
        spin = QDoubleSpinBox(parent)
        spin.setRange(0, MAX_DOSE)
        spin.setDecimals(3)
        spin.setSpecialValueText("none (0 removes)")
        spin.setAccessibleName("Dose")
        return spin


class DoseGrid(QWidget):
    """The arm × dosing-session overview with an editing row for the selected cell."""

    sig_session_requested = Signal(int)
    """Emitted with a session index when the user asks for the session's full details."""

    def __init__(self, document: EditedProtocol) -> None:
        super().__init__()
        self.document = document
        self.model = DoseModel(document)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(_DoseDelegate(self.table))
        self.table.setAccessibleName("Doses by arm and session")
        self.table.setTabKeyNavigation(False)  # arrows move between cells; Tab leaves the grid
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(170)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self._build_editor_row()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(self.editor_row)
        layout.addWidget(self.message)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._show_current())
        document.sig_changed.connect(self._on_document_changed)
        self._refresh()

    def _build_editor_row(self) -> None:
        self.where = QLabel()
        self.product = QComboBox()
        self.product.setAccessibleName("Product of the selected cell")
        self.dose = QDoubleSpinBox()
        self.dose.setRange(0, MAX_DOSE)
        self.dose.setDecimals(3)
        self.dose.setSpecialValueText("none")
        self.dose.setAccessibleName("Dose of the selected cell")
        self.unit = QComboBox()
        self.unit.setAccessibleName("Unit of the selected cell")
        for value, text in vocabulary(vocab.DoseUnit):
            self.unit.addItem(text, value)
        self.apply = QPushButton("Set dose")
        self.apply.setToolTip("Give the selected arm this dose in the selected session (undoable)")
        self.apply.clicked.connect(self.apply_editor_row)
        self.details = QPushButton("Session details…")
        self.details.setToolTip(
            "Open the session in Sessions & schedule (supplemental doses, timing)"
        )
        self.details.clicked.connect(self._on_details_clicked)
        # Two short rows rather than one long one: the step stays narrow on small screens.
        self.product.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.product.setMinimumContentsLength(14)
        first = QHBoxLayout()
        first.addWidget(self.where, 1)
        first.addWidget(QLabel("Product:"))
        first.addWidget(self.product, 1)
        second = QHBoxLayout()
        for label, widget in (("Dose", self.dose), ("Unit", self.unit)):
            second.addWidget(QLabel(f"{label}:"))
            second.addWidget(widget)
        second.addWidget(self.apply)
        second.addStretch(1)
        second.addWidget(self.details)
        row = QVBoxLayout()
        row.addLayout(first)
        row.addLayout(second)
        self.editor_row = row
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Dose edit result")

    # ---- showing --------------------------------------------------------------------------------

    def _on_document_changed(self, change: Change) -> None:
        if (
            change.touches(("sessions",))
            or change.touches(("arms",))
            or change.touches(("products",))
        ):
            self._refresh()

    def _refresh(self) -> None:
        current = self.table.currentIndex()
        self.model.reload()
        p = self.document.protocol
        self.product.clear()
        for product in p.products:
            self.product.addItem(product.name or product.id, product.id)
        rows, columns = self.model.rowCount(), self.model.columnCount()
        if not p.arms or not columns or not p.products:
            missing = [
                what
                for what, ok in (
                    ("an arm", bool(p.arms)),
                    ("a product", bool(p.products)),
                    ("a dosing session (Sessions & schedule)", bool(columns)),
                )
                if not ok
            ]
            self.empty.setText("To enter doses, add " + ", ".join(missing) + ".")
        else:
            self.empty.setText("")
        self.empty.setVisible(bool(self.empty.text()))
        self.table.resizeRowsToContents()
        header = self.table.horizontalHeader().height() + 6
        height = header + sum(self.table.rowHeight(r) for r in range(rows))
        self.table.setMinimumHeight(min(max(height, 80), 320))
        if current.isValid() and current.row() < rows and current.column() < columns:
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        elif rows and columns:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._show_current()

    def _show_current(self) -> None:
        index = self.table.currentIndex()
        enabled = index.isValid()
        for widget in (self.product, self.dose, self.unit, self.apply, self.details):
            widget.setEnabled(enabled)
        if not enabled:
            self.where.setText("")
            return
        p = self.document.protocol
        cell = self.model.cell(index.row(), index.column())
        arm = p.arms[index.row()]
        session = p.sessions[cell.session_index]
        self.where.setText(f"<b>{arm.label or arm.id}</b> · {session.title or session.id}")
        main = self.model.main_admin(cell)
        self.dose.setValue(main.dose if main else 0.0)
        if main is not None:
            self.product.setCurrentIndex(max(self.product.findData(main.product_id), 0))
            self.unit.setCurrentIndex(max(self.unit.findData(main.unit), 0))

    # ---- editing --------------------------------------------------------------------------------

    def apply_editor_row(self) -> bool:
        """Apply product, dose and unit of the editing row to the selected cell."""
        index = self.table.currentIndex()
        if not index.isValid():
            return False
        ok = self.model.set_dose(
            index.row(),
            index.column(),
            float(self.dose.value()),
            product_id=self.product.currentData(),
            unit=str(self.unit.currentData() or ""),
        )
        error = self.document.last_error
        if ok:
            self.message.setText("")
        elif error is not None:
            self.message.setText(f"Not applied: {error.message}")
        else:
            self.message.setText("Nothing to change.")
        return ok

    def _on_details_clicked(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.sig_session_requested.emit(
                self.model.cell(index.row(), index.column()).session_index
            )
