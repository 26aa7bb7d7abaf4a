"""Step 7, Sessions & schedule: the timeline, the sessions, and the schedule of activities."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QWidget,
)

from papdesigner.model import vocab
from papdesigner.model.commands import InsertItem, SetValue, unique_id
from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui import choices
from papdesigner.ui.dialogs.dosing_session import NewDosingSessionDialog
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.editors.facts import dosing_facts
from papdesigner.ui.editors.session_fields import SessionFormatField, SessionKindField
from papdesigner.ui.fields import (
    CheckField,
    ChoiceField,
    FieldEditor,
    FloatField,
    IntField,
    TextAreaField,
    TextField,
)
from papdesigner.ui.form import FieldProblem, Form, starts_with
from papdesigner.ui.item_list import ItemListEditor
from papdesigner.ui.list_fields import TickListField
from papdesigner.ui.soa_grid import ScheduleGrid
from papdesigner.ui.table_list import CellFactory, Column, TableListEditor
from papdesigner.ui.timeline_view import TimelineView

_DEFAULT_DAY = {"screening": -14, "preparation": -7, "integration": 2, "follow_up": 28, "other": 1}


def _session_line(item: dict[str, Any]) -> str:
    kind = vocab.label(str(item.get("kind")))
    return f"Day {item.get('day')}: {item.get('title') or kind} ({kind})"


def _cell(factory: type[FieldEditor], **options: Any) -> CellFactory:
    def make(document: EditedProtocol, path: JsonPath, label: str) -> FieldEditor:
        return factory(document, path, label, **options)

    return make


def _staff_columns() -> list[Column]:
    return [
        Column("role_id", "Role", _cell(ChoiceField, choices=choices.roles), stretch=True),
        Column("count", "Count", _cell(IntField, minimum=1, maximum=50)),
        Column("present_throughout", "Present throughout", _cell(CheckField)),
    ]


def _dose_columns() -> list[Column]:
    return [
        Column("arm_id", "Arm", _cell(ChoiceField, choices=choices.arms), stretch=True),
        Column("product_id", "Product", _cell(ChoiceField, choices=choices.products)),
        Column("dose", "Dose", _cell(FloatField, minimum=0.001, maximum=10_000, decimals=3)),
        Column("unit", "Unit", _cell(ChoiceField, choices=choices.vocabulary(vocab.DoseUnit))),
        Column("route", "Route", _cell(ChoiceField, choices=choices.vocabulary(vocab.Route))),
        Column("at_hours", "At", _cell(FloatField, maximum=48, step=0.5, decimals=2, unit="h")),
        Column("supplemental", "Supplemental", _cell(CheckField)),
        Column("optional", "Optional", _cell(CheckField)),
    ]


def _new_staff(document: EditedProtocol, _path: JsonPath) -> dict[str, Any] | None:
    roles = document.protocol.roles
    return {"role_id": roles[0].id, "count": 1, "present_throughout": True} if roles else None


def _new_dose(document: EditedProtocol, _path: JsonPath) -> dict[str, Any] | None:
    p = document.protocol
    if not p.arms or not p.products:
        return None
    return {"arm_id": p.arms[0].id, "product_id": p.products[0].id, "dose": 1.0, "unit": "mg"}


class SessionDetail:
    """Builds the detail form of one session; shows the dosing section only for dosing sessions."""

    def __init__(self, form: Form) -> None:
        self.form = form
        d = form.document
        main = form.section("Session")
        form.add_all(
            main,
            [
                TextField(d, ("title",), "Title"),
                TextField(d, ("id",), "Id"),
                SessionKindField(d, ("kind",)),
                IntField(
                    d,
                    ("day",),
                    "Study day",
                    minimum=-365,
                    maximum=3650,
                    help_text="Day 1 is the first day of treatment; screening days are negative",
                ),
                IntField(d, ("window_days",), "Visit window", minimum=0, maximum=60, unit="± days"),
                FloatField(
                    d,
                    ("duration_hours",),
                    "Duration",
                    minimum=0.25,
                    maximum=48,
                    step=0.5,
                    unit="h",
                    optional=True,
                ),
                SessionFormatField(d, ("format",)),
                IntField(d, ("group_size",), "Group size", minimum=1, maximum=100, optional=True),
                ChoiceField(d, ("setting_id",), "Setting", choices.settings, optional=True),
                TickListField(
                    d,
                    ("arm_ids",),
                    "Arms",
                    choices.arms,
                    none_means="None ticked: every arm attends.",
                ),
                CheckField(d, ("remote",), "Held remotely"),
                TextAreaField(d, ("description",), "Description", lines=3),
            ],
        )
        self.assessments = QLabel()
        self.assessments.setWordWrap(True)
        main.addRow("Assessments:", self.assessments)
        staff = form.section(
            "Staffing", "Who is present; monitors present throughout count for safety rules."
        )
        staff_table = TableListEditor(
            d, ("staff",), _staff_columns(), item_name="staff member", new_item=_new_staff
        )
        form.add_part(staff, ("staff",), staff_table, staff_table)
        dosing = form.section("Dosing")
        box = dosing.parentWidget()
        assert box is not None
        self.dosing_box: QWidget = box
        doses = TableListEditor(
            d,
            ("dosing", "administrations"),
            _dose_columns(),
            item_name="administration",
            new_item=_new_dose,
            title="Administrations",
        )
        form.add_part(dosing, ("dosing", "administrations"), doses, doses)
        dp = ("dosing",)
        form.add_all(
            dosing,
            [
                FloatField(
                    d,
                    (*dp, "observation_hours"),
                    "Observation",
                    maximum=72,
                    step=0.5,
                    unit="h",
                    optional=True,
                ),
                TextAreaField(d, (*dp, "discharge_criteria"), "Discharge criteria", lines=2),
                CheckField(d, (*dp, "overnight_stay"), "Overnight stay"),
                TextField(d, (*dp, "transport_plan"), "Transport plan"),
                *dosing_facts(d, dp),
                CheckField(d, (*dp, "observed_ingestion"), "Ingestion observed by staff"),
                CheckField(d, (*dp, "supervised"), "Supervised throughout"),
                IntField(
                    d, (*dp, "onsite_support_staff"), "Other staff on site", minimum=0, maximum=50
                ),
                ChoiceField(
                    d,
                    (*dp, "administered_by"),
                    "Drug given by",
                    choices.roles,
                    optional=True,
                    help_text="The role whose members give the drug (Victoria: a doctor or nurse)",
                ),
            ],
        )

    def refresh(self) -> None:
        """Show or hide the dosing section and update the assessments line."""
        base = self.form.base
        is_dosing = self.form.document.json((*base, "dosing")) is not None
        self.dosing_box.setVisible(is_dosing)
        names = self.form.document.json((*base, "assessments")) or []
        self.assessments.setText(
            (", ".join(names) if names else "none")
            + "  (tick them in the Schedule of activities tab)"
        )


class SessionsEditor(StepEditor):
    """Timeline on top; below it the session list with details, and the SoA grid."""

    key = "sessions"
    scrolls = False

    def build(self) -> None:
        """Lay out timeline, sessions list and schedule grid."""
        d = self.document
        self.timeline = TimelineView(d)
        self.details: SessionDetail | None = None
        self.sessions = ItemListEditor(
            d,
            ("sessions",),
            item_name="session",
            summary=_session_line,
            new_item=self._new_session,
            build_detail=self._build_detail,
        )
        self._add_menu()
        self.sort_button = QPushButton("Sort by day")
        self.sort_button.setToolTip("Put the sessions in study-day order (one undo step)")
        self.sort_button.clicked.connect(self.sort_by_day)
        button_row = self.sessions.buttons.layout()
        assert button_row is not None
        button_row.addWidget(self.sort_button)
        self.grid = ScheduleGrid(d)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.sessions, "Sessions")
        self.tabs.addTab(self.grid, "Schedule of activities")
        self.tabs.setAccessibleName("Sessions and schedule")
        # The timeline scrolls inside its pane, whose height the user drags: with many
        # sessions (or a short screen) it no longer pushes the list off the window.
        self.timeline_area = QScrollArea()
        self.timeline_area.setWidget(self.timeline)
        self.timeline_area.setWidgetResizable(True)
        self.timeline_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.timeline_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline_area.setMinimumHeight(90)
        self.timeline_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the timeline takes focus
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.timeline_area)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.form.add_widget(self.splitter, 1)
        self.timeline.sig_height_changed.connect(self._fit_timeline_pane)
        self._fit_timeline_pane()
        self.sessions.sig_selected.connect(self._on_sessions_selected)
        self.timeline.sig_session_selected.connect(self._on_timeline_session_selected)
        self._on_sessions_selected(self.sessions.current_index())

    def _fit_timeline_pane(self) -> None:
        """Show the whole timeline when it is short; at most 42 % of the step when it is tall."""
        wanted = self.timeline.sizeHint().height() + 2
        self.timeline_area.setMaximumHeight(wanted)
        total = max(self.splitter.height(), 400)
        top = min(wanted, int(total * 0.42))
        self.splitter.setSizes([top, total - top])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """Keep the timeline pane's share when the window is resized."""
        super().resizeEvent(event)
        self._fit_timeline_pane()

    def _build_detail(self, form: Form) -> None:
        self.details = SessionDetail(form)

    def _add_menu(self) -> None:
        menu = QMenu(self)
        for kind in vocab.SESSION_KINDS:
            action = menu.addAction(
                f"{vocab.label(kind)} session…"
                if kind == "dosing"
                else f"{vocab.label(kind)} session"
            )
            action.triggered.connect(lambda _checked=False, k=kind: self.add_session(k))
        button = self.sessions.buttons.add
        button.setMenu(menu)
        button.setPopupMode(button.ToolButtonPopupMode.InstantPopup)
        button.setToolTip("Add a session of a chosen kind")

    def _new_session(self, _document: EditedProtocol, _path: JsonPath) -> None:
        return None  # the add button opens the kind menu instead

    def add_session(self, kind: str, session: dict[str, Any] | None = None) -> bool:
        """Add a session of ``kind`` (a dosing session through its dialog unless given)."""
        p = self.document.protocol
        if session is None and kind == "dosing":
            dialog = NewDosingSessionDialog(p, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            session = dialog.session()
        if session is None:
            session = {
                "id": unique_id((s.id for s in p.sessions), kind.replace("_", "")),
                "kind": kind,
                "title": f"{vocab.label(kind)} session",
                "day": _DEFAULT_DAY.get(kind, 1),
            }
        label = f"Add {vocab.label(kind).lower()} session"
        if not self.document.push(InsertItem(("sessions",), len(p.sessions), session, label)):
            return False
        self.sessions.select(len(self.document.protocol.sessions) - 1)
        self.tabs.setCurrentWidget(self.sessions)
        return True

    def sort_by_day(self) -> bool:
        """Reorder the sessions by study day (ties keep their order), as one undo step."""
        items = self.document.json(("sessions",)) or []
        ordered = sorted(items, key=lambda item: item.get("day", 0))
        if ordered == items:
            return False
        selected = self.timeline.selected_id
        if not self.document.push(SetValue(("sessions",), ordered, "Sort sessions by day")):
            return False
        index = next((i for i, s in enumerate(ordered) if s.get("id") == selected), -1)
        if index >= 0:
            self.sessions.select(index)
        return True

    # ---- syncing the timeline and the list ------------------------------------------------------

    def _on_sessions_selected(self, index: int) -> None:
        sessions = self.document.protocol.sessions
        self.timeline.select(sessions[index].id if 0 <= index < len(sessions) else None)
        if self.details is not None:
            self.details.refresh()

    def _on_timeline_session_selected(self, session_id: str) -> None:
        index = next(
            (i for i, s in enumerate(self.document.protocol.sessions) if s.id == session_id), -1
        )
        self.tabs.setCurrentWidget(self.sessions)
        self.sessions.select(index)

    def on_change(self, change: Change) -> None:
        """Route the change to the list and keep the detail's dosing section in step."""
        self.sessions.on_change(change)
        if self.details is not None:
            self.details.refresh()
        self._on_sessions_selected(self.sessions.current_index())

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Findings go to the session list (marks) and the selected session's fields."""
        self.sessions.show_problems([p for p in problems if starts_with(p.path, ("sessions",))])

    def reveal(self, path: JsonPath) -> bool:
        """Show the sessions tab and the session the path names."""
        self.tabs.setCurrentWidget(self.sessions)
        return self.sessions.reveal(path)
