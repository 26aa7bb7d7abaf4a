"""Each step editor against the model: every field shows the protocol, edits go through history."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from papdesigner.model.commands import MISSING, SetValue
from papdesigner.model.templates import template_names
from papdesigner.ui.dialogs.dosing_session import NewDosingSessionDialog
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.editors.sessions import SessionsEditor
from papdesigner.ui.fields import FieldEditor
from papdesigner.ui.item_list import ItemListEditor
from papdesigner.ui.main_window import _EDITORS
from papdesigner.ui.steps import STEP_KEYS
from papdesigner.ui.table_list import TableListEditor

pytestmark = pytest.mark.ui


def build(document: EditedProtocol, key: str, qtbot: Any) -> StepEditor:
    module_name, class_name = _EDITORS[key]
    module = importlib.import_module(f"papdesigner.ui.editors.{module_name}")
    editor: StepEditor = getattr(module, class_name)(document)
    qtbot.addWidget(editor)
    editor.finish_building()  # what a shown editor builds after its first paint
    return editor


@pytest.mark.parametrize("name", template_names())
def test_every_field_of_every_step_shows_the_protocol(name: str, qtbot: Any) -> None:
    from papdesigner.model.templates import new_from_template

    document = EditedProtocol(new_from_template(name))
    for key in STEP_KEYS:
        editor = build(document, key, qtbot)
        for field in editor.findChildren(FieldEditor):
            if document.json(field.path[:-1]) is None:
                continue  # e.g. the dosing fields of a session that is not a dosing session
            stored = document.json(field.path)
            assert field._same(field.value(), stored), (key, field.path, field.value(), stored)
            assert field.editor.accessibleName(), (key, field.path)


def test_editors_cover_the_protocol_format(document: EditedProtocol, qtbot: Any) -> None:
    """Every scalar field of the file format is editable in some step (or is an id/format key)."""
    edited: set[tuple[Any, ...]] = set()
    for key in STEP_KEYS:
        for field in build(document, key, qtbot).findChildren(FieldEditor):
            edited.add(tuple(p if isinstance(p, str) else 0 for p in field.path))
    missing = []
    elsewhere = {
        ("sessions", 0, "assessments"),  # the schedule-of-activities grid edits these
        ("metadata", "version_history"),  # empty here; the overview's version table edits it
    }
    for path in _scalar_paths(document.protocol.model_dump(mode="json")):
        generic = tuple(p if isinstance(p, str) else 0 for p in path)
        if generic[0] in ("format", "schema_version", "id", "narrative"):
            continue
        if any(generic[: len(x)] == x for x in elsewhere):
            continue
        if not any(generic[: len(e)] == e or e[: len(generic)] == generic for e in edited):
            missing.append(generic)
    assert sorted(set(missing)) == [], sorted(set(missing))


def _scalar_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _scalar_paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value[:1]) for p in _scalar_paths(v, (*prefix, i))] or [
            prefix
        ]
    return [prefix]


def test_a_change_in_the_model_shows_in_the_editor(document: EditedProtocol, qtbot: Any) -> None:
    editor = build(document, "overview", qtbot)
    title = next(f for f in editor.form.fields if f.path == ("metadata", "title"))
    document.push(SetValue(("metadata", "title"), "A new title"))
    assert title.value() == "A new title"
    document.undo()
    assert title.value() == document.protocol.metadata.title


def test_narrative_sections_of_a_step(document: EditedProtocol, qtbot: Any) -> None:
    editor = build(document, "ethics", qtbot)
    insurance = next(f for f in editor.form.fields if f.path == ("narrative", "insurance"))
    insurance.text.setPlainText("Covered by the sponsor's clinical trial insurance.")
    assert document.protocol.narrative["insurance"].startswith("Covered")
    document.push(SetValue(("narrative", "insurance"), MISSING))
    assert insurance.text.toPlainText() == ""


# --- master-detail lists ------------------------------------------------------------------


def test_item_list_add_select_duplicate_move_remove(document: EditedProtocol, qtbot: Any) -> None:
    editor = build(document, "team", qtbot)
    roles: ItemListEditor = editor.roles  # type: ignore[attr-defined]
    count = len(document.protocol.roles)
    roles.add_item()
    assert len(document.protocol.roles) == count + 1
    assert roles.current_index() == count
    assert roles.detail.base == ("roles", count)
    assert document.history.undo_label() == "Add role"
    roles.duplicate_current()
    assert document.protocol.roles[count + 1].title == document.protocol.roles[count].title
    assert document.protocol.roles[count + 1].id != document.protocol.roles[count].id
    moved_id = document.protocol.roles[count + 1].id
    roles.move_current(-1)
    assert document.protocol.roles[count].id == moved_id
    assert roles.current_index() == count
    roles.remove_current()
    assert moved_id not in [r.id for r in document.protocol.roles]


def test_the_selection_follows_the_item_across_undo(document: EditedProtocol, qtbot: Any) -> None:
    editor = build(document, "team", qtbot)
    roles: ItemListEditor = editor.roles  # type: ignore[attr-defined]
    roles.select(2)
    chosen = document.protocol.roles[2].id
    roles.move_current(-1)
    document.undo()
    assert document.protocol.roles[2].id == chosen
    assert roles.current_index() == 2


def test_a_role_in_use_cannot_be_removed(document: EditedProtocol, qtbot: Any) -> None:
    editor = build(document, "team", qtbot)
    roles: ItemListEditor = editor.roles  # type: ignore[attr-defined]
    used = {s.role_id for session in document.protocol.sessions for s in session.staff}
    index = next(i for i, r in enumerate(document.protocol.roles) if r.id in used)
    roles.select(index)
    roles.remove_current()
    assert document.protocol.roles[index].id in used
    assert "unknown role" in str(document.last_error)


def test_table_rows_add_move_remove(document: EditedProtocol, qtbot: Any) -> None:
    editor = build(document, "population", qtbot)
    table = next(p for rel, p, _w in editor.form.parts if rel == ("eligibility", "inclusion"))
    assert isinstance(table, TableListEditor)
    count = len(document.protocol.eligibility.inclusion)
    table.add_row()
    assert len(document.protocol.eligibility.inclusion) == count + 1
    new_id = document.protocol.eligibility.inclusion[-1].id
    assert new_id not in {c.id for c in document.protocol.eligibility.exclusion}
    table._current_row = count
    table.move_row(-1)
    assert document.protocol.eligibility.inclusion[count - 1].id == new_id
    table._current_row = count - 1
    table.remove_row()
    assert new_id not in [c.id for c in document.protocol.eligibility.inclusion]


# --- sessions -----------------------------------------------------------------------------------


def _sessions(document: EditedProtocol, qtbot: Any) -> SessionsEditor:
    editor = build(document, "sessions", qtbot)
    assert isinstance(editor, SessionsEditor)
    return editor


def test_turning_a_session_into_a_dosing_session_is_one_step(
    document: EditedProtocol, qtbot: Any
) -> None:
    editor = _sessions(document, qtbot)
    index = next(i for i, s in enumerate(document.protocol.sessions) if s.kind == "integration")
    editor.sessions.select(index)
    kind = next(f for f in editor.sessions.detail.fields if f.relative_path == ("kind",))
    kind.combo.setCurrentIndex(kind.combo.findData("dosing"))
    kind.combo.activated.emit(kind.combo.currentIndex())
    session = document.protocol.sessions[index]
    assert session.kind == "dosing" and session.dosing is not None
    assert editor.details is not None and editor.details.dosing_box.isVisibleTo(editor)
    assert document.history.undo_label() == "Change kind to Dosing"
    document.undo()
    assert document.protocol.sessions[index].kind == "integration"
    assert document.protocol.sessions[index].dosing is None


def test_a_refused_kind_change_says_why(document: EditedProtocol, qtbot: Any) -> None:
    editor = _sessions(document, qtbot)
    index = next(i for i, s in enumerate(document.protocol.sessions) if s.kind == "integration")
    editor.sessions.select(index)
    kind = next(f for f in editor.sessions.detail.fields if f.relative_path == ("kind",))
    kind.combo.setCurrentIndex(kind.combo.findData("screening"))
    kind.combo.activated.emit(kind.combo.currentIndex())
    assert document.protocol.sessions[index].kind == "integration"
    assert kind.combo.currentData() == "integration"
    assert "screening must come before day 1" in kind.problems.lines()[0][1]


def test_group_format_sets_a_group_size(document: EditedProtocol, qtbot: Any) -> None:
    editor = _sessions(document, qtbot)
    editor.sessions.select(0)
    fmt = next(f for f in editor.sessions.detail.fields if f.relative_path == ("format",))
    fmt.combo.setCurrentIndex(fmt.combo.findData("group"))
    fmt.combo.activated.emit(fmt.combo.currentIndex())
    assert document.protocol.sessions[0].format == "group"
    assert document.protocol.sessions[0].group_size == 2


def test_new_dosing_session_dialog_offers_staffing_and_observation(
    document: EditedProtocol, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = _sessions(document, qtbot)
    last = max((s for s in document.protocol.sessions if s.kind == "dosing"), key=lambda s: s.day)

    def accept(dialog: NewDosingSessionDialog) -> int:
        assert dialog.day.value() == last.day + 7
        staffed = {role for role, count, _t in dialog.staff_rows if count.value() > 0}
        assert staffed == {s.role_id for s in last.staff}  # prefilled from the previous one
        assert dialog.observation.value() == last.dosing.observation_hours
        dialog.observation.setValue(10)
        dialog.overnight.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewDosingSessionDialog, "exec", accept)
    count = len(document.protocol.sessions)
    assert editor.add_session("dosing")
    new = document.protocol.sessions[count]
    assert new.kind == "dosing" and new.day == last.day + 7
    assert new.dosing.observation_hours == 10 and new.dosing.overnight_stay
    assert [a.dose for a in new.dosing.administrations] == [
        a.dose for a in last.dosing.administrations if not a.supplemental
    ]
    assert document.history.undo_label() == "Add dosing session"
    assert editor.sessions.current_index() == count
    document.undo()
    assert len(document.protocol.sessions) == count


def test_other_sessions_are_added_with_a_sensible_day(document: EditedProtocol, qtbot: Any) -> None:
    editor = _sessions(document, qtbot)
    assert editor.add_session("screening")
    assert document.protocol.sessions[-1].day < 0
    assert editor.add_session("follow_up")
    assert document.protocol.sessions[-1].day > 1
