"""Issue 12, points 8 and 9: preview and print, Find in protocol, the user guide, CSV, sorting."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from papdesigner.model.commands import SetValue
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.pdf_preview import PdfPreviewDialog, open_in_system_viewer
from papdesigner.ui.search import SearchDialog, search

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def exported_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from papdesigner.export import export_pdf
    from papdesigner.model import load_protocol
    from papdesigner.model.templates import template_path

    target = tmp_path_factory.mktemp("pdf") / "mdma.pdf"
    export_pdf(load_protocol(template_path("mdma-ptsd")), target)
    return target


def test_the_preview_shows_every_page_and_prints_them(
    qtbot: Any, exported_pdf: Path, tmp_path: Path
) -> None:
    pages = len(PdfReader(exported_pdf).pages)
    dialog = PdfPreviewDialog(exported_pdf)
    qtbot.addWidget(dialog)
    assert dialog.page_count() == pages > 10
    assert f"{pages} pages" in dialog.info.text()
    image = dialog.render_page(0, 400)
    assert image.width() == 400 and not image.isNull()
    assert len({image.pixel(x, y) for x in range(0, 400, 7) for y in range(0, 500, 7)}) > 3
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed_file = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed_file))
    assert dialog.print_to(printer) == pages
    assert len(PdfReader(printed_file).pages) == pages


def test_a_pdf_that_cannot_be_read_says_so(qtbot: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    dialog = PdfPreviewDialog(broken)
    qtbot.addWidget(dialog)
    assert dialog.page_count() == 0
    assert "could not be read" in dialog.info.text()
    assert not dialog.print_button.isEnabled()


def test_open_pdf_without_a_system_viewer_says_what_to_do(
    exported_pdf: Path,
    message_boxes: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # A desktop without xdg-open (no program on PATH): the real QDesktopServices answers
    # False, and the user is told where the file is and what to use instead.
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not open_in_system_viewer(None, exported_pdf)  # type: ignore[arg-type]
    assert message_boxes
    title, text = message_boxes[-1]
    assert title == "No PDF viewer" and str(exported_pdf) in text and "Preview" in text


def test_find_lists_labelled_places_and_jumps_to_the_field(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    acronym = window.document.protocol.metadata.acronym
    assert acronym
    hits = search(window.document.protocol, acronym.lower())
    assert any(h.path == ("metadata", "acronym") for h in hits)
    # Vocabulary values are found by their label, and shown by it.
    ptsd = search(window.document.protocol, "post-traumatic stress")
    assert any(h.path == ("indication", "condition") for h in ptsd)
    assert all(h.text != "ptsd" for h in ptsd)
    field = next(f for f in window.editor("overview").form.fields if f.path[-1] == "title")
    field.focus()
    qtbot.waitUntil(field.editor.hasFocus)
    qtbot.keyClick(field.editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    finders = window.findChildren(SearchDialog)
    assert finders and finders[-1].isVisible()  # Ctrl+F works inside a text field too
    finder = finders[-1]
    window.show_step("review")
    finder.query.setText("Overview Acronym")
    assert finder.results.count() >= 1
    first = finder.results.currentItem().data(Qt.ItemDataRole.UserRole)
    assert tuple(first) == ("metadata", "acronym")
    qtbot.keyClick(finder.query, Qt.Key.Key_Return)
    assert window.current_step() == "overview"
    focus = QApplication.focusWidget()
    fields = window.editor("overview").form.fields
    acronym_field = next(f for f in fields if f.path == ("metadata", "acronym"))
    assert focus is acronym_field.editor


def test_the_user_guide_names_every_step_and_key(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    guide = window.show_guide()
    text = guide.text.toPlainText()
    for title in ("Overview", "Sessions & schedule", "Review & export"):
        assert title in text
    assert "Ctrl+F" in text and "Ctrl+P" in text and "blank protocol" in text
    guide.close()
    assert window.action_set.guide.shortcut().toString() == "F1"


def test_sessions_sort_by_day_in_one_undo_step(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    sessions = window.document.json(("sessions",))
    shuffled = list(reversed(sessions))
    window.document.push(SetValue(("sessions",), shuffled, "Shuffle"))
    editor: Any = window.editor("sessions")
    editor.sort_button.click()
    days = [s.day for s in window.document.protocol.sessions]
    assert days == sorted(days)
    assert window.document.history.undo_label() == "Sort sessions by day"
    window.document.undo()
    assert [s["id"] for s in window.document.json(("sessions",))] == [s["id"] for s in shuffled]


def test_the_schedule_of_activities_exports_as_csv(
    make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window = make_window()
    editor: Any = window.editor("sessions")
    target = tmp_path / "schedule.csv"
    assert editor.grid.export_csv(target)
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    protocol = window.document.protocol
    assert rows[0][0] == "Assessment"
    assert len(rows[0]) == len(protocol.sessions) + 1
    for row in rows[1:]:
        instrument = row[0]
        ticked = [c for c in row[1:] if c == "X"]
        assert len(ticked) == sum(instrument in s.assessments for s in protocol.sessions)
    assert str(target) in editor.grid.csv_note.text()
    assert not list(tmp_path.glob(".*.tmp"))
