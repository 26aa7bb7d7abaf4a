"""File → Export USDM…, Export Registration… and Import USDM… in a real window."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMenu

from papdesigner.interop.usdm_export import export_usdm
from papdesigner.interop.usdm_import import read_usdm
from papdesigner.model import load_protocol
from papdesigner.model.templates import template_path
from papdesigner.ui.main_window import MainWindow

pytestmark = pytest.mark.ui

MakeWindow = Callable[..., MainWindow]
OFFICIAL = Path(__file__).resolve().parent.parent / "interop" / "reference" / "examples"


def _file_menu_texts(window: MainWindow) -> list[str]:
    menu = next(
        a.menu()
        for a in window.menuBar().actions()
        if isinstance(a.menu(), QMenu) and a.text() == "&File"
    )
    assert isinstance(menu, QMenu)
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_file_menu_has_the_interop_actions_after_export_pdf(make_window: MakeWindow) -> None:
    texts = _file_menu_texts(make_window())
    start = texts.index("&Export PDF…")
    assert texts[start + 1 : start + 4] == [
        "Export &USDM…",
        "Export &Registration…",
        "&Import USDM…",
    ]


def test_export_usdm_writes_the_document(
    make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    target = tmp_path / "study.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.interop_actions.export_usdm.trigger()
    assert json.loads(target.read_text(encoding="utf-8")) == export_usdm(window.document.protocol)
    assert (
        "USDM 4.0.0 written to study.json with 0 amendment records"
        in window.status.currentMessage()
    )


def test_export_registration_reports_missing_items(
    make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    target = tmp_path / "registration.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.interop_actions.export_registration.trigger()
    assert "WHO Trial Registration Data Set" in target.read_text(encoding="utf-8")
    assert "of 24 WHO items filled" in window.status.currentMessage()


def test_import_opens_an_official_study_and_lists_the_notes(
    make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, message_boxes: list[tuple[str, str]]
) -> None:
    window = make_window()
    source = OFFICIAL / "CDISC_Pilot_Study.json"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    window.interop_actions.import_usdm.trigger()
    expected = read_usdm(source).protocol
    # the study has no id: each import is a new protocol with a new UUID
    assert window.document.protocol.model_copy(update={"id": expected.id}) == expected
    assert window.document.is_modified()
    title, text = message_boxes[-1]
    assert title == "Imported with notes"
    assert "BiomedicalConcept" in text
    assert window.status.currentMessage().startswith("Imported CDISC_Pilot_Study.json: 3 arms")


def test_import_of_a_bad_file_shows_one_line_and_keeps_the_document(
    make_window: MakeWindow, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    window = make_window()
    before = window.document.protocol
    bad = tmp_path / "bad.json"
    bad.write_text('{"usdmVersion": "4.0.0", "study": {"versions": 3}}', encoding="utf-8")
    from papdesigner.ui.interop_actions import import_usdm

    assert not import_usdm(window, bad)
    assert window.document.protocol is before
    title, text = message_boxes[-1]
    assert title == "Cannot import the USDM file"
    assert "at $.study.versions: expected a list, found a number" in text


def test_own_export_imports_back_to_the_same_protocol(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    from papdesigner.ui.interop_actions import export_usdm as export_action
    from papdesigner.ui.interop_actions import import_usdm

    window = make_window("lsd-anxiety")
    target = tmp_path / "lsd.json"
    assert export_action(window, target)
    assert import_usdm(window, target)
    assert window.document.protocol == load_protocol(template_path("lsd-anxiety"))
