"""The main window as a desktop app: undo keys, prompts, layout memory, themes, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from papdesigner.model.commands import SetValue
from papdesigner.ui import errors
from papdesigner.ui.icons import icon, icon_names
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.settings import AppSettings
from papdesigner.ui.steps import STEP_KEYS
from papdesigner.ui.theme import apply_theme

pytestmark = pytest.mark.ui


def test_ctrl_z_in_a_text_field_undoes_the_protocol_edit(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    window.show_step("overview")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    title = next(
        f for f in window.editor("overview").form.fields if f.path == ("metadata", "acronym")
    )
    before = window.document.protocol.metadata.acronym
    title.line.setFocus()
    title.line.end(False)
    qtbot.keyClicks(title.line, "-2")
    assert window.document.protocol.metadata.acronym == before + "-2"
    qtbot.keyClick(title.line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.protocol.metadata.acronym == before
    assert title.line.text() == before
    qtbot.keyClick(
        title.line,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.document.protocol.metadata.acronym == before + "-2"


def test_edit_menu_shows_the_undo_stack(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    a = window.action_set
    assert not a.undo.isEnabled() and a.undo.text() == "&Undo"
    window.document.push(SetValue(("metadata", "acronym"), "X"))
    window.document.push(SetValue(("sessions", 0, "window_days"), 3))
    assert a.undo.text() == "&Undo Change window days"
    window.document.undo()
    assert a.redo.text() == "&Redo Change window days"
    assert a.undo.text() == "&Undo Change acronym"
    window.document.push(SetValue(("metadata", "short_title"), "S"))
    a.undo_history_menu.aboutToShow.emit()
    labels = [x.text() for x in a.undo_history_menu.actions()]
    assert labels == ["Undo 1 step: Change short title", "Undo 2 steps: Change acronym"]
    a.undo_history_menu.actions()[1].trigger()
    assert not window.document.history.can_undo()


def test_window_title_and_save_state(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    # The title says where Save writes: an example is never saved over.
    assert window.windowTitle().endswith("[*] — example: Save asks for a file — papdesigner")
    assert not window.isWindowModified()
    window.document.push(SetValue(("metadata", "short_title"), "NEW"))
    assert window.isWindowModified()
    assert window.windowTitle().startswith("NEW[*]")
    assert window.status.saved.text().startswith("● Unsaved changes")


def test_closing_with_unsaved_changes_asks(
    make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.document.push(SetValue(("metadata", "acronym"), "NEW"))
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Cancel
    )
    assert not window.close()
    assert window.isVisible()
    saved: list[bool] = []
    monkeypatch.setattr(window.files, "save", lambda *a, **k: saved.append(True) or True)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Save)
    assert window.close()
    assert saved == [True]


def test_geometry_and_dock_layout_are_remembered(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    window.resize(701, 523)  # within the offscreen screen, which restoreGeometry respects
    window.dock.hide()
    size = window.size()
    window.close()
    again = MainWindow(settings=AppSettings())
    qtbot.addWidget(again)
    again.show()
    # The offscreen screen is 800 px wide, so only the height can be compared exactly.
    assert again.height() == size.height() == 523
    assert not again.dock.isVisible()
    again.close()


def test_keyboard_moves_between_steps(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    window.show_step(STEP_KEYS[0])
    window.action_set.next_step.trigger()
    assert window.current_step() == STEP_KEYS[1]
    window.action_set.previous_step.trigger()
    window.action_set.previous_step.trigger()
    assert window.current_step() == STEP_KEYS[-1]
    assert window.action_set.next_step.shortcut().toString() == "Ctrl+PgDown"


def test_tab_follows_the_form_order(make_window: Callable[..., MainWindow], qtbot: Any) -> None:
    window = make_window()
    window.show_step("overview")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    fields = window.editor("overview").form.fields[:4]
    fields[0].editor.setFocus()
    for expected in fields[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected.editor


def test_every_action_is_described(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    for action in window.toolbar.actions():
        if not action.isSeparator():
            assert action.toolTip() and not action.icon().isNull(), action.text()
    assert window.navigator.accessibleName() == "Steps"
    assert window.dock.tree.accessibleName() == "Findings"
    for row in range(window.navigator.count()):
        assert window.navigator.item(row).toolTip().startswith("Status:")


def test_icons_are_sharp_at_high_dpi() -> None:
    for name in icon_names():
        pixmap = icon(name).pixmap(QSize(16, 16), 2.0)
        assert pixmap.devicePixelRatio() == 2.0
        assert pixmap.width() == 32, name


def _ink(name: str) -> int:
    image: QImage = icon(name).pixmap(32, 32, QIcon.Mode.Normal).toImage()
    colours = [image.pixelColor(x, y) for x in range(32) for y in range(32)]
    return max(c.lightness() for c in colours if c.alpha() > 200)


def test_icons_follow_light_and_dark_palettes(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    light = _ink("save")
    apply_theme(app, "dark")
    dark = _ink("save")
    assert dark > light + 100  # light ink on a dark window
    action = next(a for a in window.action_set.themes.actions() if a.data() == "light")
    action.trigger()
    assert window.settings.theme() == "light"


def test_unexpected_errors_get_a_dialog_and_a_log_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    monkeypatch.setattr(errors, "log_path", lambda: tmp_path / "errors.log")
    try:
        raise KeyError("missing-thing")
    except KeyError as exc:
        errors._excepthook(KeyError, exc, exc.__traceback__)
    title, text = message_boxes[-1]
    assert title == "Something went wrong"
    assert "KeyError: 'missing-thing'" in text
    assert "Traceback" not in text
    assert "Traceback" in (tmp_path / "errors.log").read_text()


def test_opening_a_bad_file_says_why(
    make_window: Callable[..., MainWindow], tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    window = make_window()
    bad = tmp_path / "broken.pap.json"
    bad.write_text('{"format": "papdesigner-protocol", "sessions": [{"id": 3}]}', encoding="utf-8")
    assert not window.open_file(str(bad))
    title, text = message_boxes[-1]
    assert title == "Cannot open protocol"
    assert "broken.pap.json at $.sessions[0]" in text


def test_with_no_file_the_app_opens_the_last_file_or_the_first_example(tmp_path: Path) -> None:
    from papdesigner.model.templates import template_path
    from papdesigner.ui.app import _initial_file
    from papdesigner.ui.settings import RecentEntry

    assert _initial_file() == str(template_path("psilocybin-trd"))
    last = tmp_path / "last.pap.json"
    last.write_text("{}", encoding="utf-8")
    AppSettings().add_recent(RecentEntry("file", str(last), "Last"))
    assert _initial_file() == str(last)
    last.unlink()
    assert _initial_file() == str(template_path("psilocybin-trd"))


def test_the_frame_paints_before_the_document_is_opened(qtbot: Any) -> None:
    from papdesigner.model.templates import template_path

    window = MainWindow(settings=AppSettings(), deferred=True)
    qtbot.addWidget(window)
    assert not window.ready
    assert not window.action_set.save.isEnabled()
    assert window.action_set.quit.isEnabled()
    with qtbot.waitSignal(window.sig_first_painted, timeout=5000):
        window.show()
    window.attach(file=str(template_path("lsd-anxiety")))
    assert window.ready and window.action_set.save.isEnabled()
    assert window.document.protocol.substances()[0] == "lsd"
    assert window.current_step() == "overview"
    window.close()


def test_narrative_sections_are_built_after_the_first_paint(
    make_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    window = make_window()
    overview = window.editor("overview")
    qtbot.waitUntil(lambda: any(f.path[:1] == ("narrative",) for f in overview.form.fields))
    window.reveal("$.narrative.benefit_risk")
    assert QApplication.focusWidget() is next(
        f.editor for f in overview.form.fields if f.path == ("narrative", "benefit_risk")
    )


@pytest.mark.parametrize("module", ["papdesigner.ui.main_window", "papdesigner.cli"])
def test_start_up_modules_do_not_import_the_model(module: str) -> None:
    """The window frame paints before the (slow to import) model loads: keep it so."""
    import subprocess
    import sys

    code = f"import sys, {module}; print('papdesigner.model' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
