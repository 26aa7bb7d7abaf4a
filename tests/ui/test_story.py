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


def test_the_whole_story(
    make_window: Callable[..., MainWindow],
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    settle: Callable[[MainWindow], None],
) -> None:
    window = make_window(None)

    # 1. New from template.
    _answer_wizard(monkeypatch)
    assert window.new_from_template()
    protocol = window.document.protocol
    assert protocol.substances()[0] == "mdma"
    assert [s.region for s in protocol.sites] == ["US-OR"]
    assert protocol.waivers == []
    assert window.document.is_modified()
    settle(window)
    assert window.report is not None

    # 2. Change a dose in a dosing session, by typing into the dose field.
    dosing = [i for i, s in enumerate(protocol.sessions) if s.kind == "dosing"]
    index = dosing[1]
    window.show_step("sessions")
    spin = _dose_cell(window, index)
    assert spin.value() == 120
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "100")
    assert window.document.protocol.sessions[index].dosing.administrations[0].dose == 100
    assert window.document.history.undo_labels()[0] == "Change dose"  # typing = one step
    assert window.actions.undo.text() == "&Undo Change dose"

    # 3. The new finding appears in the dock and next to the field.
    settle(window)
    path = f"$.sessions[{index}].dosing.administrations[0]"
    assert [f.path for f in _findings(window, "CS-22")] == [path]
    dock: ComplianceDock = window.dock
    assert dock.select_finding("CS-22", path)
    assert "Clauses" in dock.details.toPlainText()
    assert "false" in dock.details.toPlainText()

    # 4. Jump to it: the sessions step shows the session; the finding names the whole
    #    administration, so its row gets the focus and every cell of it is flashed.
    window.show_step("overview")
    dock.jump_to_current()
    assert window.current_step() == "sessions"
    spin = _dose_cell(window, index)
    row = spin.parentWidget().parentWidget()  # the cell container, then the table viewport
    assert row.isAncestorOf(QApplication.focusWidget())
    assert spin.property("highlighted") is True
    spin.setFocus()

    # 5. Undo with Ctrl+Z while the dose field has focus: the finding disappears.
    qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.protocol.sessions[index].dosing.administrations[0].dose == 120
    settle(window)
    assert _findings(window, "CS-22") == []

    # 6. Waive another finding with a justification (undoable).
    other = next(f for f in window.report.findings if not f.waived)
    assert dock.select_finding(other.rule_id, other.path)

    def fill(dialog: WaiveDialog) -> int:
        assert not dialog.ok.isEnabled()  # no justification, no waiver
        dialog.justification.setPlainText(JUSTIFICATION)
        dialog.author.setText("Dr A. Coordinator")
        assert dialog.ok.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(WaiveDialog, "exec", fill)
    dock.waive_current()
    assert window.document.history.undo_label() == f"Waive {other.rule_id}"
    settle(window)
    waived = next(
        f for f in window.report.findings if f.rule_id == other.rule_id and f.path == other.path
    )
    assert waived.waived
    assert waived.waiver.justification == JUSTIFICATION

    # 7. Save to the library with a version message, then reopen it in a new window.
    assert window.files.save("Sent to the IRB", "Dr A. Coordinator")
    assert not window.document.is_modified()
    protocol_id = str(window.document.protocol.id)
    saved_title = window.document.title()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.files.open_library_protocol(protocol_id)
    reopened = second.document.protocol
    assert reopened.waivers[0].justification == JUSTIFICATION
    assert reopened.sessions[index].dosing.administrations[0].dose == 120
    assert second.document.title() == saved_title
    assert not second.document.is_modified()
    second.files.close_library()
    second.close()

    # 8. Export the PDF (progress dialog, cancellable) and verify it.
    settle(window)
    target = tmp_path / "story.pdf"
    result = window.exporter.export(target, report=window.report, offer_open=False)
    assert result is not None and result.pages > 5
    assert verify_pdf(target, window.document.protocol).ok
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert JUSTIFICATION.split(";")[0] in " ".join(text.split())
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(
            [pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(target), str(tmp_path / "p")],
            check=True,
        )
        assert (tmp_path / "p-01.png").stat().st_size > 1000 or (
            tmp_path / "p-1.png"
        ).stat().st_size > 1000
