"""The "New dosing session" dialog: dose per arm, staffing and observation in one go.

A dosing session is where most safety rules look (monitors present throughout,
observation time, discharge, transport), so adding one asks for those fields
up front, prefilled from the previous dosing session when there is one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model import vocab
from papdesigner.model.commands import unique_id
from papdesigner.model.protocol import Protocol, Session
from papdesigner.ui.screen_fit import scrolling_body

_DEFAULT_MONITORS = {
    "lead_therapist": 1,
    "co_therapist": 1,
    "assistant_monitor": 1,
    "facilitator": 1,
}


def _previous_dosing(protocol: Protocol) -> Session | None:
    dosing = [s for s in protocol.sessions if s.kind == "dosing"]
    return max(dosing, key=lambda s: s.day) if dosing else None


class NewDosingSessionDialog(QDialog):
    """Collects a new dosing session; :meth:`session` returns it as protocol JSON."""

    def __init__(self, protocol: Protocol, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New dosing session")
        self.protocol = protocol
        self.previous = _previous_dosing(protocol)
        layout = QVBoxLayout(self)
        body = QWidget()
        sections = QVBoxLayout(body)
        sections.setContentsMargins(0, 0, 0, 0)
        for section in (self._basics(), self._doses(), self._staffing(), self._observation()):
            sections.addWidget(section)
        # The sections scroll on a short screen; the buttons below always stay in view.
        layout.addWidget(scrolling_body(body), 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add dosing session")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    # ---- sections -------------------------------------------------------------------------------

    def _basics(self) -> QGroupBox:
        box = QGroupBox("Session")
        form = QFormLayout(box)
        count = sum(1 for s in self.protocol.sessions if s.kind == "dosing") + 1
        self.title = QLineEdit(f"Dosing session {count}")
        self.day = QSpinBox()
        self.day.setRange(1, 3650)
        self.day.setSuffix(" (study day)")
        self.day.setValue(self.previous.day + 7 if self.previous else 1)
        self.duration = QDoubleSpinBox()
        self.duration.setRange(0.5, 48)
        self.duration.setSuffix(" h")
        self.duration.setValue(self.previous.duration_hours or 8 if self.previous else 8)
        self.setting = QComboBox()
        for setting in self.protocol.settings:
            self.setting.addItem(setting.name or setting.id, setting.id)
        self.setting.addItem("— none —", None)
        if self.previous and self.previous.setting_id:
            self.setting.setCurrentIndex(max(self.setting.findData(self.previous.setting_id), 0))
        for label, widget in (
            ("Title", self.title),
            ("Day", self.day),
            ("Duration", self.duration),
            ("Setting", self.setting),
        ):
            widget.setAccessibleName(label)
            form.addRow(f"{label}:", widget)
        return box

    def _doses(self) -> QGroupBox:
        box = QGroupBox("Dose per arm")
        grid = QGridLayout(box)
        self.dose_rows: list[tuple[str, QComboBox, QDoubleSpinBox, QComboBox]] = []
        arms = self.protocol.arms or []
        if not arms or not self.protocol.products:
            grid.addWidget(QLabel("Add an arm and a product first (step 4) to enter doses."), 0, 0)
            return box
        for row, arm in enumerate(arms):
            earlier = self._earlier_admin(arm.id)
            product = QComboBox()
            for p in self.protocol.products:
                product.addItem(p.name or p.id, p.id)
            dose = QDoubleSpinBox()
            dose.setRange(0, 10_000)
            dose.setDecimals(3)
            unit = QComboBox()
            for value in ("mg", "ug", "mg/kg"):
                unit.addItem(vocab.label(value), value)
            if earlier is not None:
                product.setCurrentIndex(max(product.findData(earlier.product_id), 0))
                dose.setValue(earlier.dose)
                unit.setCurrentIndex(max(unit.findData(earlier.unit), 0))
            for widget, what in ((product, "product"), (dose, "dose"), (unit, "unit")):
                widget.setAccessibleName(f"{arm.label or arm.id} {what}")
            grid.addWidget(QLabel(arm.label or arm.id), row, 0)
            grid.addWidget(product, row, 1)
            grid.addWidget(dose, row, 2)
            grid.addWidget(unit, row, 3)
            self.dose_rows.append((arm.id, product, dose, unit))
        grid.addWidget(
            QLabel("A dose of 0 leaves that arm without an administration."), len(arms), 0, 1, 4
        )
        return box

    def _earlier_admin(self, arm_id: str) -> Any:
        if self.previous is None or self.previous.dosing is None:
            return None
        return next(
            (
                a
                for a in self.previous.dosing.administrations
                if a.arm_id == arm_id and not a.supplemental
            ),
            None,
        )

    def _staffing(self) -> QGroupBox:
        box = QGroupBox("Staffing (people present)")
        grid = QGridLayout(box)
        self.staff_rows: list[tuple[str, QSpinBox, QCheckBox]] = []
        earlier = {s.role_id: s for s in self.previous.staff} if self.previous else {}
        if not self.protocol.roles:
            grid.addWidget(QLabel("Add roles first (step 5) to staff the session."), 0, 0)
        for row, role in enumerate(self.protocol.roles):
            count = QSpinBox()
            count.setRange(0, 20)
            throughout = QCheckBox("present throughout")
            if role.id in earlier:
                count.setValue(earlier[role.id].count)
                throughout.setChecked(earlier[role.id].present_throughout)
            else:
                count.setValue(0 if earlier else _DEFAULT_MONITORS.get(role.kind, 0))
                throughout.setChecked(True)
            count.setAccessibleName(f"{role.title} count")
            throughout.setAccessibleName(f"{role.title} present throughout")
            grid.addWidget(QLabel(role.title or role.id), row, 0)
            grid.addWidget(count, row, 1)
            grid.addWidget(throughout, row, 2)
            self.staff_rows.append((role.id, count, throughout))
        return box

    def _observation(self) -> QGroupBox:
        box = QGroupBox("Observation and discharge")
        form = QFormLayout(box)
        dosing = self.previous.dosing if self.previous else None
        self.observation = QDoubleSpinBox()
        self.observation.setRange(0, 48)
        self.observation.setSuffix(" h")
        self.observation.setValue(dosing.observation_hours or 8 if dosing else 8)
        self.overnight = QCheckBox("Overnight stay")
        self.overnight.setChecked(bool(dosing and dosing.overnight_stay))
        self.discharge = QPlainTextEdit(dosing.discharge_criteria if dosing else "")
        self.discharge.setTabChangesFocus(True)
        self.discharge.setMaximumHeight(70)
        self.transport = QLineEdit(dosing.transport_plan if dosing else "")
        for label, widget in (
            ("Observation", self.observation),
            ("Discharge criteria", self.discharge),
            ("Transport plan", self.transport),
        ):
            widget.setAccessibleName(label)
            form.addRow(f"{label}:", widget)
        form.addRow(self.overnight)
        return box

    # ---- result ---------------------------------------------------------------------------------

    def session(self) -> dict[str, Any]:
        """The new session as protocol JSON."""
        session_id = unique_id((s.id for s in self.protocol.sessions), "dose")
        administrations = [
            {
                "arm_id": arm_id,
                "product_id": product.currentData(),
                "dose": dose.value(),
                "unit": unit.currentData(),
            }
            for arm_id, product, dose, unit in self.dose_rows
            if dose.value() > 0
        ]
        staff = [
            {
                "role_id": role_id,
                "count": count.value(),
                "present_throughout": throughout.isChecked(),
            }
            for role_id, count, throughout in self.staff_rows
            if count.value() > 0
        ]
        return {
            "id": session_id,
            "kind": "dosing",
            "title": self.title.text().strip(),
            "day": self.day.value(),
            "duration_hours": self.duration.value(),
            "setting_id": self.setting.currentData(),
            "staff": staff,
            "dosing": {
                "administrations": administrations,
                "observation_hours": self.observation.value(),
                "discharge_criteria": self.discharge.toPlainText().strip(),
                "overnight_stay": self.overnight.isChecked(),
                "transport_plan": self.transport.text().strip(),
            },
        }
