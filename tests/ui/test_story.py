"""The whole story of a user, driven through the real window (offscreen).

Create a protocol from a template with the wizard, change a dose in a dosing
session by typing, see the new finding appear, jump to it, undo it with Ctrl+Z
and see it disappear, waive another finding with a justification, save to the
library, reopen it, export the PDF and verify it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDoubleSpinBox

from papdesigner.export import verify_pdf
from papdesigner.ui.compliance_dock import ComplianceDock
from papdesigner.ui.dialogs.new_protocol import NewProtocolWizard
from papdesigner.ui.dialogs.waive import WaiveDialog
from papdesigner.ui.editors.sessions import SessionsEditor
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.table_list import TableListEditor

pytestmark = pytest.mark.ui

JUSTIFICATION = "The same co-therapy team is part of the manualised model; see section 6.3."


def _answer_wizard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for the user clicking through the wizard: MDMA for PTSD under an IND, in Oregon."""

    def run(wizard: NewProtocolWizard) -> int:
        wizard.restart()
        page = wizard.questions
        for combo, value in (
            (page.substance, "mdma"),
            (page.condition, "ptsd"),
            (page.context, "ind_trial"),
            (page.country, "US"),
            (page.region, "US-OR"),
        ):
            combo.setCurrentIndex(combo.findData(value))
        page.site_name.setText("Portland clinic")
        wizard.next()
        assert wizard.templates.chosen().name == "mdma-ptsd"  # best match listed first
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewProtocolWizard, "exec", run)


def _dose_cell(window: MainWindow, session_index: int) -> QDoubleSpinBox:
    editor = window.editor("sessions")
    assert isinstance(editor, SessionsEditor)
    editor.sessions.select(session_index)
    table = next(
        part
        for rel, part, _w in editor.sessions.detail.parts
        if rel == ("dosing", "administrations")
    )
    assert isinstance(table, TableListEditor)
    spin = table.cells[0][2].editor
    assert isinstance(spin, QDoubleSpinBox)
    return spin


def _findings(window: MainWindow, rule_id: str) -> list[Any]:
    return [f for f in window.report.findings if f.rule_id == rule_id]


@dataclass
class Story:
    """What the stages of the story share."""

    window: MainWindow
    qtbot: Any
    monkeypatch: pytest.MonkeyPatch
    tmp_path: Path
    settle: Callable[[MainWindow], None]
    index: int = -1
    path: str = ""


def test_the_whole_story(
    make_window: Callable[..., MainWindow],
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    settle: Callable[[MainWindow], None],
) -> None:
    story = Story(make_window(None), qtbot, monkeypatch, tmp_path, settle)
    create_from_template(story)
    change_a_dose(story)
    see_the_finding_and_jump_to_it(story)
    undo_it(story)
    waive_another_finding(story)
    save_and_reopen(story)
    export_and_verify(story)


def create_from_template(story: Story) -> None:
    """1. New from template (the wizard picks the MDMA example for MDMA and PTSD)."""
    window = story.window
    _answer_wizard(story.monkeypatch)
    assert window.new_from_template()
    protocol = window.document.protocol
    assert protocol.substances()[0] == "mdma"
    assert [s.region for s in protocol.sites] == ["US-OR"]
    assert protocol.waivers == []
    assert window.document.is_modified()
    story.settle(window)
    assert window.report is not None


def change_a_dose(story: Story) -> None:
    """2. Type a new dose into the first administration of the second dosing session."""
    window = story.window
    protocol = window.document.protocol
    story.index = [i for i, s in enumerate(protocol.sessions) if s.kind == "dosing"][1]
    window.show_step("sessions")
    spin = _dose_cell(window, story.index)
    assert spin.value() == 120
    spin.setFocus()
    spin.selectAll()
    story.qtbot.keyClicks(spin, "100")
    assert _dose(window, story.index) == 100
    assert window.document.history.undo_labels()[0] == "Change dose"  # typing = one step
    assert window.action_set.undo.text() == "&Undo Change dose"


def see_the_finding_and_jump_to_it(story: Story) -> None:
    """3-4. The new finding is listed with its clauses; jumping lands on the dose's row."""
    window = story.window
    story.settle(window)
    story.path = f"$.sessions[{story.index}].dosing.administrations[0]"
    assert [f.path for f in _findings(window, "CS-22")] == [story.path]
    dock: ComplianceDock = window.dock
    assert dock.select_finding("CS-22", story.path)
    assert "Clauses" in dock.details.toPlainText()
    assert "false" in dock.details.toPlainText()
    window.show_step("overview")
    dock.jump_to_current()
    assert window.current_step() == "sessions"
    spin = _dose_cell(window, story.index)
    # The finding names the whole administration: its row gets the focus, every cell flashes.
    row = spin.parentWidget().parentWidget()  # the cell container, then the table viewport
    assert row.isAncestorOf(QApplication.focusWidget())
    assert spin.property("highlighted") is True


def undo_it(story: Story) -> None:
    """5. Ctrl+Z in the dose field undoes the change; the finding disappears."""
    window = story.window
    spin = _dose_cell(window, story.index)
    spin.setFocus()
    story.qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _dose(window, story.index) == 120
    story.settle(window)
    assert _findings(window, "CS-22") == []


def waive_another_finding(story: Story) -> None:
    """6. Waive another finding with a justification (an undoable edit)."""
    window, dock = story.window, story.window.dock
    other = next(f for f in window.report.findings if not f.waived)
    assert dock.select_finding(other.rule_id, other.path)

    def fill(dialog: WaiveDialog) -> int:
        assert not dialog.ok.isEnabled()  # no justification, no waiver
        dialog.justification.setPlainText(JUSTIFICATION)
        dialog.author.setText("Dr A. Coordinator")
        assert dialog.ok.isEnabled()
        return QDialog.DialogCode.Accepted

    story.monkeypatch.setattr(WaiveDialog, "exec", fill)
    dock.waive_current()
    assert window.document.history.undo_label() == f"Waive {other.rule_id}"
    story.settle(window)
    waived = next(
        f for f in window.report.findings if (f.rule_id, f.path) == (other.rule_id, other.path)
    )
    assert waived.waived
    assert waived.waiver.justification == JUSTIFICATION


def save_and_reopen(story: Story) -> None:
    """7. Save to a file (and a library version with a message); reopen it in a second window."""
    window = story.window
    target = story.tmp_path / "story.pap.json"
    assert window.files.save_as(target, message="Sent to the IRB", author="Dr A. Coordinator")
    assert not window.document.is_modified()
    assert target.is_file()
    second = MainWindow()
    story.qtbot.addWidget(second)
    assert second.files.open_library_protocol(str(window.document.protocol.id))
    reopened = second.document.protocol
    assert reopened.waivers[0].justification == JUSTIFICATION
    assert reopened.sessions[story.index].dosing.administrations[0].dose == 120
    assert second.document.title() == window.document.title()
    assert not second.document.is_modified()
    second.files.close_library()
    second.close()


def export_and_verify(story: Story) -> None:
    """8. Export the PDF, verify it against the protocol, read it and render its first page."""
    window = story.window
    story.settle(window)
    target = story.tmp_path / "story.pdf"
    result = window.exporter.export(target, report=window.report, offer_open=False)
    assert result is not None and result.pages > 5
    assert verify_pdf(target, window.document.protocol).ok
    text = " ".join("".join(page.extract_text() for page in PdfReader(target).pages).split())
    assert JUSTIFICATION.split(";", maxsplit=1)[0] in text
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        prefix = story.tmp_path / "page"
        subprocess.run(
            [pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(target), str(prefix)],
            check=True,
        )
        (png,) = story.tmp_path.glob("page-*.png")
        assert png.stat().st_size > 1000


def _dose(window: MainWindow, index: int) -> float:
    dosing = window.document.protocol.sessions[index].dosing
    assert dosing is not None
    return dosing.administrations[0].dose
