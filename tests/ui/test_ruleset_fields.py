"""The facts the 2026 rule sets check (EU, Canada, Victoria, IND, Oregon) are edited in the GUI."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from papdesigner.model.commands import InsertItem, RemoveItem, SetValue
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.editors.sessions import SessionsEditor
from papdesigner.ui.fields import FieldEditor
from papdesigner.ui.main_window import _EDITORS

pytestmark = pytest.mark.ui


def _editor(document: EditedProtocol, key: str, qtbot: Any) -> StepEditor:
    module_name, class_name = _EDITORS[key]
    module = importlib.import_module(f"papdesigner.ui.editors.{module_name}")
    editor: StepEditor = getattr(module, class_name)(document)
    qtbot.addWidget(editor)
    editor.finish_building()
    return editor


def _field(editor: StepEditor, path: JsonPath) -> FieldEditor:
    return next(f for f in editor.findChildren(FieldEditor) if f.path == path)


@pytest.mark.parametrize(
    ("key", "path", "value"),
    [
        ("sites", ("regulatory", "eu_trial_number"), "2026-512345-21-00"),
        ("sites", ("regulatory", "ca_cta_status"), "submitted"),
        ("sites", ("regulatory", "ca_controlled_substance_exemption"), "planned"),
        ("sites", ("regulatory", "gcp_compliance_statement"), True),
        ("sites", ("regulatory", "vic_notice_of_intention"), False),
        ("safety", ("safety", "susar_fatal_report_days"), 5),
        ("ethics", ("documents", "identification_check"), True),
        ("interventions", ("products", 0, "medicinal_product_role"), "investigational"),
    ],
)
def test_a_rule_fact_is_edited_through_history(
    document: EditedProtocol, qtbot: Any, key: str, path: JsonPath, value: object
) -> None:
    editor = _editor(document, key, qtbot)
    field = _field(editor, path)
    before = document.json(path)
    field.commit(value)
    assert document.json(path) == value
    assert field._same(field.value(), value)
    document.undo()
    assert document.json(path) == before


def test_who_gives_the_drug_is_chosen_from_the_roles(document: EditedProtocol, qtbot: Any) -> None:
    editor = _editor(document, "sessions", qtbot)
    assert isinstance(editor, SessionsEditor)
    dosing = next(i for i, s in enumerate(document.protocol.sessions) if s.kind == "dosing")
    editor.sessions.select(dosing)  # type: ignore[attr-defined]
    path = ("sessions", dosing, "dosing", "administered_by")
    field = _field(editor, path)
    labels = [field.combo.itemText(i) for i in range(field.combo.count())]  # type: ignore[attr-defined]
    assert any("Physician" in label or "physician" in label for label in labels), labels
    field.commit("physician")
    assert document.protocol.sessions[dosing].dosing.administered_by == "physician"  # type: ignore[union-attr]


def test_a_role_that_gives_the_drug_cannot_be_removed(document: EditedProtocol, qtbot: Any) -> None:
    """The role is on no session's staff: only the dosing details refer to it."""
    dosing = next(i for i, s in enumerate(document.protocol.sessions) if s.kind == "dosing")
    end = len(document.protocol.roles)
    document.push(
        InsertItem(
            ("roles",), end, {"id": "dosing-nurse", "title": "Dosing nurse", "kind": "nurse"}
        )
    )
    document.push(SetValue(("sessions", dosing, "dosing", "administered_by"), "dosing-nurse"))
    document.push(RemoveItem(("roles",), end))
    assert document.protocol.roles[end].id == "dosing-nurse"
    assert "unknown role" in str(document.last_error)
    document.undo()  # the administered_by edit
    document.push(RemoveItem(("roles",), end))
    assert [r.id for r in document.protocol.roles].count("dosing-nurse") == 0
