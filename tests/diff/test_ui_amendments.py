"""The compare dialog and the amendment dialog, as real widgets (offscreen Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from papdesigner.diff import AmendmentRecord, diff_protocols
from papdesigner.model.protocol import Protocol
from papdesigner.store import Library
from papdesigner.ui.amendment_dialog import _REASON, _SUBSTANTIAL, AmendmentDialog
from papdesigner.ui.amendment_flow import save_version_with_amendment
from papdesigner.ui.compare_dialog import CompareDialog, library_sources

pytestmark = pytest.mark.ui
DOSE_KEY = "sessions[id=dose1].dosing.administrations[arm_id=high,product_id=psilo].dose"


@pytest.fixture
def amended(base_protocol: Protocol) -> Protocol:
    """Version 2.0: the high dose lowered to 20 mg and a fourth integration session."""
    from papdesigner.model.protocol import Session

    b = base_protocol.model_copy(deep=True)
    b.metadata.version = "2.0"
    dosing = b.session("dose1").dosing  # type: ignore[union-attr]
    assert dosing is not None
    dosing.administrations[0].dose = 20
    b.sessions.append(Session(id="integ4", kind="integration", title="Integration 4", day=43))
    return b


def test_compare_dialog_shows_both_sides(
    qtbot: QtBot, base_protocol: Protocol, amended: Protocol, tmp_path: Path
) -> None:
    dialog = CompareDialog.for_protocols(base_protocol, amended, names=("v1.0", "v2.0"))
    qtbot.addWidget(dialog)
    text = dialog.view.toPlainText()
    assert "3 changes in 3 sections" in text
    assert "1.3 Schedule of Activities" in text
    assert "Added session “Integration 4” (integ4)" in text
    assert "25 mg" in text and "20 mg" in text
    assert "Compliance" in text
    html = dialog.view.toHtml()
    assert "#e3f4e1" in html.lower()  # the added row is highlighted
    # clicking a change asks to jump to its field in version B
    with qtbot.waitSignal(dialog.sig_jump) as jumped:
        dialog.view.anchorClicked.emit(QUrl("jump:$.sessions[9]"))
    assert jumped.args == ["$.sessions[9]"]
    # export
    target = tmp_path / "changes.pdf"
    assert dialog.export_pdf(str(target))
    assert "Summary of changes" in (PdfReader(target).pages[0].extract_text() or "")
    assert dialog.suggested_file_name() == "PSI-TRD-001-changes-1.0-to-2.0.pdf"


def test_swap_and_copy(qtbot: QtBot, base_protocol: Protocol, amended: Protocol) -> None:
    dialog = CompareDialog.for_protocols(base_protocol, amended, names=("v1.0", "v2.0"))
    qtbot.addWidget(dialog)
    dialog._swap()
    assert dialog.summary is not None
    assert dialog.summary.a.version == "2.0"
    assert "Removed session “Integration 4” (integ4)" in dialog.view.toPlainText()
    dialog.copy_text()
    clip = QApplication.clipboard().text()
    assert clip.startswith("Summary of changes: PSI-TRD-001")


def test_library_versions_in_the_compare_dialog(
    qtbot: QtBot, base_protocol: Protocol, amended: Protocol, tmp_path: Path
) -> None:
    with Library.open(tmp_path / "lib.sqlite") as lib:
        lib.save_version(base_protocol, "Maya", "approved")
        lib.save_version(amended, "Maya", "amendment 1")
        edits = amended.model_copy(deep=True)
        edits.sessions[0].title = "Screening (extended)"
        sources = library_sources(lib, str(base_protocol.id), edits)
        assert [s.label.split(" · ")[0] for s in sources] == [
            "Current edits (not saved)",
            "Version 2",
            "Version 1",
        ]
        dialog = CompareDialog(sources, a_index=2, b_index=0)
        qtbot.addWidget(dialog)
        text = dialog.view.toPlainText()
        assert "4 changes" in text and "Screening (extended)" in text
        dialog.combo_a.setCurrentIndex(1)
        assert "1 change in 1 section" in dialog.view.toPlainText()


def test_amendment_dialog_builds_a_record(
    qtbot: QtBot, base_protocol: Protocol, amended: Protocol
) -> None:
    diff = diff_protocols(base_protocol, amended)
    dialog = AmendmentDialog(diff, number="3")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    dose_row = [c.key for c in dialog.changes].index(DOSE_KEY)
    dialog.primary.setCurrentIndex(dialog.primary.findData("C207609"))
    dialog.rationale.setPlainText("Headaches at 25 mg")
    dialog.table.item(dose_row, _REASON).setText("DSMB letter of 2 August")
    assert not dialog.substantial.isChecked()
    from PySide6.QtCore import Qt

    dialog.table.item(dose_row, _SUBSTANTIAL).setCheckState(Qt.CheckState.Checked)
    assert dialog.substantial.isChecked() and not dialog.substantial.isEnabled()
    dialog.accept()
    record = dialog.record()
    assert record is not None
    assert record.number == "3"
    assert record.substantial
    assert record.base_fingerprint == diff.fingerprint_a
    note = record.note(DOSE_KEY)
    assert note is not None and note.substantial and note.rationale == "DSMB letter of 2 August"
    assert note.sections[0].number == "6.1"


def test_amendment_dialog_says_what_is_missing(
    qtbot: QtBot, base_protocol: Protocol, amended: Protocol
) -> None:
    dialog = AmendmentDialog(diff_protocols(base_protocol, amended))
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.record() is None
    assert dialog.error.text() == "Choose the primary reason for the amendment."
    dialog.primary.setCurrentIndex(dialog.primary.findData("C17649"))  # Other, without words
    assert dialog.other.isEnabled()
    dialog.accept()
    assert dialog.record() is None
    assert "reason in words" in dialog.error.text()
    dialog.number.setText("")
    dialog.other.setText("Funding")
    dialog.accept()
    assert "number" in dialog.error.text()


def test_amendment_dialog_edits_an_existing_record(
    qtbot: QtBot, base_protocol: Protocol, amended: Protocol
) -> None:
    existing = AmendmentRecord.model_validate(
        {
            "number": "2",
            "primary_reason": {"code": "C207605"},
            "secondary_reasons": [{"code": "C207611"}],
            "substantial": True,
            "impacts": [{"type": "C215665", "text": "Lower dose", "substantial": True}],
            "changes": [{"change": DOSE_KEY, "rationale": "IRB", "substantial": True}],
        }
    )
    dialog = AmendmentDialog(diff_protocols(base_protocol, amended), existing=existing)
    qtbot.addWidget(dialog)
    dialog.accept()
    again = dialog.record()
    assert again is not None
    assert again.primary_reason.code == "C207605"
    assert [r.code for r in again.secondary_reasons] == ["C207611"]
    assert again.impacts[0].text == "Lower dose"
    assert again.note(DOSE_KEY).rationale == "IRB"  # type: ignore[union-attr]


def test_saving_an_approved_protocol_asks_for_the_amendment(
    qtbot: QtBot, base_protocol: Protocol, amended: Protocol, tmp_path: Path
) -> None:
    assert base_protocol.regulatory.ethics.approved
    shown: list[AmendmentDialog] = []

    def confirm(dialog: AmendmentDialog) -> bool:
        qtbot.addWidget(dialog)
        shown.append(dialog)
        dialog.primary.setCurrentIndex(dialog.primary.findData("C207609"))
        dialog.rationale.setPlainText("Lower dose")
        dialog.accept()
        return dialog.record() is not None

    with Library.open(tmp_path / "lib.sqlite") as lib:
        first = save_version_with_amendment(None, lib, base_protocol, "Maya", ask=confirm)
        assert first is not None and first.amendment is None and not shown  # first save: none
        second = save_version_with_amendment(None, lib, amended, "Maya", "v2", ask=confirm)
        assert second is not None and len(shown) == 1
        assert shown[0].number.text() == "1"
        assert second.amendment["rationale"] == "Lower dose"
        assert second.amendment["base_version"] == first.hash
        cancelled = save_version_with_amendment(
            None,
            lib,
            amended.model_copy(update={"metadata": amended.metadata}),
            "M",
            ask=lambda d: False,
        )
        assert cancelled is None
        assert len(lib.history(str(base_protocol.id))) == 2


def test_unapproved_protocols_save_without_asking(
    base_protocol: Protocol, amended: Protocol, tmp_path: Path
) -> None:
    draft = base_protocol.model_copy(deep=True)
    draft.regulatory.ethics.approved = False

    def never(dialog: AmendmentDialog) -> bool:
        raise AssertionError("no amendment dialog for a protocol that is not approved")

    with Library.open(tmp_path / "lib.sqlite") as lib:
        save_version_with_amendment(None, lib, draft, "Maya", ask=never)
        saved = save_version_with_amendment(None, lib, amended, "Maya", ask=never)
        assert saved is not None and saved.amendment is None
