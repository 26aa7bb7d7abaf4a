"""Field editors against the model: they read it, write it through commands, show refusals."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from papdesigner.model.commands import SetValue
from papdesigner.ui import choices
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import (
    CheckField,
    ChoiceField,
    DateField,
    FloatField,
    IntField,
    TextAreaField,
    TextField,
    tri_state_field,
)
from papdesigner.ui.form import FieldProblem, Form
from papdesigner.ui.list_fields import StringListField, TickListField
from papdesigner.ui.problems import ProblemLabel

pytestmark = pytest.mark.ui

DOSE = ("sessions", 9, "dosing", "administrations", 0, "dose")


def shown(field: Any, qtbot: Any) -> Any:
    """Put a field's widgets in a shown form so that focus and typing work."""
    form = Form(field.document)
    form.add(form.section("Test"), field)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow, timeout=3000)
    document: EditedProtocol = field.document
    document.sig_changed.connect(form.on_change)
    field.test_form = form  # qtbot keeps only a weak reference
    return field


def test_text_field_typing_is_one_undo_step(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(TextField(document, ("metadata", "acronym"), "Acronym"), qtbot)
    assert field.value() == document.protocol.metadata.acronym
    field.line.selectAll()
    qtbot.keyClicks(field.line, "MAPP-X")
    assert document.protocol.metadata.acronym == "MAPP-X"
    assert document.history.undo_labels() == ["Change acronym"]
    document.undo()
    assert field.line.text() == document.protocol.metadata.acronym != "MAPP-X"


def test_a_field_follows_changes_made_elsewhere(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(TextField(document, ("metadata", "title"), "Title"), qtbot)
    document.push(SetValue(("metadata", "title"), "Changed elsewhere"))
    assert field.line.text() == "Changed elsewhere"


def test_a_refused_value_is_explained_under_the_field_and_reverted_on_leaving(
    document: EditedProtocol, qtbot: Any
) -> None:
    field = shown(TextField(document, ("sessions", 0, "id"), "Id"), qtbot)
    other = QLineEdit(field.container)  # another field in the same window
    other.show()
    field.line.setFocus()
    field.line.selectAll()
    qtbot.keyClicks(field.line, "bad id!")
    assert document.protocol.sessions[0].id != "bad id!"
    assert field.problems.isVisibleTo(field.container)
    assert field.problems.lines()[0][1].startswith("Not applied: string should match pattern")
    other.setFocus()
    QApplication.processEvents()
    assert field.line.text() == document.protocol.sessions[0].id


def test_integrity_refusal_names_the_reason(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        IntField(document, ("sessions", 5, "day"), "Study day", minimum=-365, maximum=3650), qtbot
    )
    assert document.protocol.sessions[5].kind == "dosing"
    field.spin.setValue(-3)
    assert document.protocol.sessions[5].day > 0
    assert "a dosing session cannot precede day 1" in field.problems.lines()[0][1]


def test_spin_boxes_with_units_and_not_set(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        IntField(
            document,
            ("eligibility", "age_max"),
            "Maximum age",
            minimum=0,
            maximum=120,
            unit="years",
            optional=True,
        ),
        qtbot,
    )
    assert field.spin.suffix() == " years"
    field.spin.setValue(65)
    assert document.protocol.eligibility.age_max == 65
    field.spin.setValue(field.spin.minimum())
    assert document.protocol.eligibility.age_max is None
    assert field.spin.text() == "not set"


def test_float_field_holds_a_dose(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        FloatField(document, DOSE, "Dose", minimum=0.001, maximum=1000, decimals=3, unit="mg"),
        qtbot,
    )
    assert field.value() == 120.0
    field.spin.setValue(80)
    assert document.protocol.sessions[9].dosing.administrations[0].dose == 80.0


def test_date_field_sets_and_clears(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        DateField(document, ("regulatory", "ethics", "approval_date"), "Approval date"), qtbot
    )
    field.date.setDate(QDate(2026, 5, 4))
    assert str(document.protocol.regulatory.ethics.approval_date) == "2026-05-04"
    field.date.setDate(field.date.minimumDate())
    assert document.protocol.regulatory.ethics.approval_date is None


def test_check_and_tri_state(document: EditedProtocol, qtbot: Any) -> None:
    check = shown(CheckField(document, ("safety", "hppd_followup"), "HPPD follow-up"), qtbot)
    before = document.protocol.safety.hppd_followup
    qtbot.mouseClick(check.check, Qt.MouseButton.LeftButton)
    assert document.protocol.safety.hppd_followup is (not before)
    tri = shown(tri_state_field(document, ("products", 0, "ht2b_agonist"), "5-HT2B agonist"), qtbot)
    for index, expected in ((1, True), (2, False), (0, None)):
        tri.combo.setCurrentIndex(index)
        tri.combo.activated.emit(index)
        assert document.protocol.products[0].ht2b_agonist is expected


def test_choice_of_references_follows_the_protocol(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        ChoiceField(
            document, ("sessions", 5, "setting_id"), "Setting", choices.settings, optional=True
        ),
        qtbot,
    )
    count = field.combo.count()
    document.push(SetValue(("settings", 0, "name"), "Renamed room"))
    assert any("Renamed room" in field.combo.itemText(i) for i in range(field.combo.count()))
    assert field.combo.count() == count
    field.combo.setCurrentIndex(0)
    field.combo.activated.emit(0)
    assert document.protocol.sessions[5].setting_id is None


def test_editable_catalogue_choice_accepts_free_text(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        ChoiceField(
            document,
            ("safety", "suicidality_instrument"),
            "Suicidality",
            choices.instruments(),
            optional=True,
            editable=True,
        ),
        qtbot,
    )
    line = field.combo.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "Local scale")
    assert document.protocol.safety.suicidality_instrument == "Local scale"
    index = field.combo.findData("C-SSRS")
    field.combo.setCurrentIndex(index)
    field.combo.activated.emit(index)
    assert document.protocol.safety.suicidality_instrument == "C-SSRS"


def test_text_area_grows_with_the_text_and_narrative_entries_vanish_when_empty(
    document: EditedProtocol, qtbot: Any
) -> None:
    field = shown(
        TextAreaField(document, ("narrative", "insurance"), "Insurance", optional_key=True), qtbot
    )
    short = field.text.height()
    field.text.setPlainText("line\n" * 8)
    assert field.text.height() > short
    assert document.protocol.narrative["insurance"].startswith("line")
    field.text.setPlainText("")
    assert "insurance" not in document.protocol.narrative


def test_string_list_add_edit_move_remove(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        StringListField(document, ("medications", "rescue"), "Rescue", item_name="medication"),
        qtbot,
    )
    start = list(document.protocol.medications.rescue)
    field.buttons.add.click()
    assert document.protocol.medications.rescue == [*start, "New entry"]
    item = field.list.item(field.list.count() - 1)
    item.setText("Lorazepam 1 mg")
    assert document.protocol.medications.rescue[-1] == "Lorazepam 1 mg"
    if len(start) >= 1:
        field.list.setCurrentRow(field.list.count() - 1)
        field.buttons.up.click()
        assert document.protocol.medications.rescue[-2] == "Lorazepam 1 mg"
    field.list.setCurrentRow(field.list.count() - 1 if not start else field.list.count() - 2)
    field.buttons.remove.click()
    assert "Lorazepam 1 mg" not in document.protocol.medications.rescue


def test_number_list_stores_numbers(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(
        StringListField(
            document, ("follow_up", "timepoints_weeks"), "Weeks", numbers=True, new_text="4"
        ),
        qtbot,
    )
    field.buttons.add.click()
    assert document.protocol.follow_up.timepoints_weeks[-1] == 4.0
    assert field.list.item(field.list.count() - 1).text() == "4"


def test_tick_list_of_arms(document: EditedProtocol, qtbot: Any) -> None:
    field = shown(TickListField(document, ("sessions", 0, "arm_ids"), "Arms", choices.arms), qtbot)
    field.list.item(0).setCheckState(Qt.CheckState.Checked)
    assert document.protocol.sessions[0].arm_ids == [document.protocol.arms[0].id]
    field.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert document.protocol.sessions[0].arm_ids == []


def test_form_places_findings_next_to_fields_and_reveals_them(
    document: EditedProtocol, qtbot: Any
) -> None:
    form = Form(document)
    qtbot.addWidget(form)
    title = TextField(document, ("metadata", "title"), "Title")
    form.add(form.section("Test"), title)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    rest = form.show_problems(
        [
            FieldProblem(("metadata", "title"), "warning", "Too long"),
            FieldProblem(("metadata",), "error", "Metadata incomplete"),
        ]
    )
    assert rest == []
    assert title.problems.lines() == [("warning", "Too long")]
    assert form.header_problems.lines() == [("error", "Metadata incomplete")]
    assert form.reveal(("metadata", "title"))
    assert title.line.hasFocus()
    assert title.line.property("highlighted") is True


def test_every_field_has_an_accessible_name(document: EditedProtocol, qtbot: Any) -> None:
    field = TextField(document, ("metadata", "title"), "Title", help_text="The full title")
    qtbot.addWidget(field.container)
    assert field.line.accessibleName() == "Title"
    assert field.line.accessibleDescription() == "The full title"
    label = ProblemLabel()
    label.set_findings([("error", "Missing")])
    assert label.accessibleName() == "Missing"
    assert isinstance(field.container, QWidget)
