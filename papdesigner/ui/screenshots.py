"""Take the README's screenshots from the real application.

    python -m papdesigner.ui.screenshots [OUT_DIR]      # default: docs/screenshots

The script opens the MDMA example in a real main window (offscreen on a
1366x768 screen unless a display is set), walks through the main steps as a user
would — overview, sessions & schedule after changing a dose, the compliance dock
with a finding's clauses, the dose overview, Find in protocol, the export with its
progress dialog, the PDF preview, a blank protocol's "what to do first" list, the
dark palette — and saves one PNG per step. Settings and the library live in a
temporary folder, so the user's own are never touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QSettings, QTimer
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

SIZE = (1366, 768)
"""A common laptop screen: the window is taken at the size of the whole screen."""

_SCREEN = (
    '{"synchronousWindowSystemEvents": false, "windowFrameMargins": false, "screens": '
    '[{"name": "laptop", "x": 0, "y": 0, "width": %d, "height": %d, '
    '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
)


def _settle(app: QApplication, window: QWidget, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents()
    window.repaint()


def save(pixmap: QPixmap, path: Path) -> None:
    """Write a compact PNG (256 colours: UI screenshots need no more)."""
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_Indexed8)
    image.save(str(path), quality=9)  # PNG from the suffix; low quality = high compression
    print(f"wrote {path} ({path.stat().st_size // 1024} kB)")


def composite(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window with a dialog drawn where it sits (a grab shows one window only)."""
    shot = window.grab()
    painter = QPainter(shot)
    corner = dialog.geometry().topLeft() - window.geometry().topLeft()
    centred = QPoint((shot.width() - dialog.width()) // 2, (shot.height() - dialog.height()) // 3)
    painter.drawPixmap(corner if shot.rect().contains(corner) else centred, dialog.grab())
    painter.end()
    return shot


def take(out: Path) -> list[Path]:
    """Drive the app through the main steps and save the screenshots to ``out``."""
    from papdesigner.model.commands import SetValue
    from papdesigner.model.templates import template_path
    from papdesigner.ui.main_window import MainWindow
    from papdesigner.ui.settings import AppSettings
    from papdesigner.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(settings=AppSettings())
    window.resize(*SIZE)
    window.open_file(str(template_path("mdma-ptsd")))
    window.show()
    written: list[Path] = []

    def shot(name: str, pixmap: QPixmap | None = None) -> None:
        _settle(app, window)
        path = out / f"{name}.png"
        save(pixmap or window.grab(), path)
        written.append(path)

    def check() -> None:
        window.runner.check_now()
        window.runner.wait()
        _settle(app, window)

    check()
    window.show_step("overview")
    shot("overview")

    protocol = window.document.protocol
    index = [i for i, s in enumerate(protocol.sessions) if s.kind == "dosing"][1]
    window.document.push(SetValue(("sessions", index, "dosing", "administrations", 0, "dose"), 100))
    check()
    window.show_step("sessions")
    window.editor("sessions").sessions.select(index)  # type: ignore[attr-defined]
    shot("sessions")

    window.dock.select_finding("CS-22", f"$.sessions[{index}].dosing.administrations[0]")
    window.dock.jump_to_current()
    shot("compliance-dock")

    window.editor("sessions").tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    shot("schedule-of-activities")

    _new_views(app, window, out, shot, check)
    window.document.history.mark_clean()  # the blank protocol is left without asking
    window.open_file(str(template_path("mdma-ptsd")))
    check()

    apply_theme(app, "dark")
    window.show_step("sessions")
    window.editor("sessions").tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
    shot("dark-palette")
    apply_theme(app, "light")
    window.document.history.mark_clean()
    window.close()
    return written


def _new_views(
    app: QApplication,
    window: Any,
    out: Path,
    shot: Callable[[str, QPixmap | None], None],
    check: Callable[[], None],
) -> None:
    """Dose overview, Find, export, preview and a blank protocol's list of what to do."""
    _dose_overview(window)
    shot("dose-overview", None)
    finder = window.find_in_protocol()
    finder.query.setText("CAPS-5")
    _settle(app, finder)
    shot("search", composite(window, finder))
    finder.close()
    window.show_step("review")
    _export_with_progress(app, window, out, shot)
    _preview(app, window, shot)
    _blank(window, check)
    shot("blank-protocol", None)


def _dose_overview(window: Any) -> None:
    """Interventions & dosing scrolled to the dose grid, a cell of the placebo arm chosen."""
    from papdesigner.ui.form import ensure_visible

    window.show_step("interventions")
    editor = window.editor("interventions")
    grid = editor.dose_grid
    ensure_visible(grid)
    rows = grid.model.rowCount()
    grid.table.setCurrentIndex(grid.model.index(rows - 1, 1))
    grid.table.setFocus()


def _preview(app: QApplication, window: Any, shot: Callable[[str, QPixmap | None], None]) -> None:
    """The PDF preview of the protocol, with its Print button."""
    from papdesigner.ui.pdf_preview import PdfPreviewDialog

    with tempfile.TemporaryDirectory() as folder:
        result = window.exporter.export(Path(folder) / "protocol.pdf", offer_open=False)
        dialog = PdfPreviewDialog(result.path, window)
        dialog.resize(760, 700)
        dialog.show()
        for _ in range(20):
            app.processEvents()
        shot("preview", composite(window, dialog))
        dialog.close()


def _blank(window: Any, check: Callable[[], None]) -> None:
    """A blank protocol from the New wizard's answers: what to do first, grouped."""
    from papdesigner.ui.dialogs.new_protocol import Answers, build_blank

    answers = Answers(
        "psilocybin", "major_depressive_disorder", "cta_trial", "Leiden", "NL", None, ""
    )
    window.files.new_protocol(build_blank(answers))
    check()
    window.show_step("overview")
    first = window.dock.tree.topLevelItem(0)
    if first is not None:
        window.dock.tree.setCurrentItem(first)


def _export_with_progress(
    app: QApplication, window: QWidget, out: Path, shot: Callable[[str, QPixmap | None], None]
) -> None:
    """Export a PDF; grab the window with its progress dialog half-way."""
    taken: list[bool] = []

    def grab_progress() -> None:
        dialog = window.exporter.progress_dialog  # type: ignore[attr-defined]
        if dialog is None or dialog.value() < 20:
            QTimer.singleShot(20, grab_progress)
            return
        if not taken:
            taken.append(True)
            dialog.show()
            app.processEvents()
            shot("export", composite(window, dialog))

    QTimer.singleShot(0, grab_progress)
    with tempfile.TemporaryDirectory() as folder:
        window.exporter.export(Path(folder) / "protocol.pdf", offer_open=False)  # type: ignore[attr-defined]
    if not taken:
        shot("export", None)
    del out


def main() -> int:
    """Take the screenshots with private settings and library folders."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m papdesigner.ui.screenshots",
        description="Take the README's screenshots from the real application.",
    )
    parser.add_argument(
        "out", nargs="?", default="docs/screenshots", metavar="OUT_DIR", help="folder for the PNGs"
    )
    out = Path(parser.parse_args().out)
    with tempfile.TemporaryDirectory() as home:
        if not os.environ.get("DISPLAY"):
            screen = Path(home) / "screen.json"
            screen.write_text(_SCREEN % SIZE, encoding="utf-8")
            os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
        os.environ["PAPDESIGNER_LIBRARY"] = str(Path(home) / "library.sqlite")
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
        take(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
