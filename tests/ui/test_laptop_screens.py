"""Issue 12, point 3, on real simulated screens: the app started on a 1366x768 and a
1024x700 screen (Qt's offscreen platform with a screen configuration), in its own process.

The window and every dialog must lie within the screen's available area.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

_SCRIPT = r"""
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
settings_dir = sys.argv[1]
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
app = QApplication([])
from papdesigner.diff import diff_protocols
from papdesigner.model.templates import template_path
from papdesigner.ui.amendment_dialog import AmendmentDialog
from papdesigner.ui.dialogs.dosing_session import NewDosingSessionDialog
from papdesigner.ui.dialogs.new_protocol import NewProtocolWizard
from papdesigner.ui.guide import GuideDialog
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.search import SearchDialog
from papdesigner.ui.settings import AppSettings
from papdesigner.ui.steps import STEP_KEYS

window = MainWindow(settings=AppSettings())
window.open_file(str(template_path("mdma-ptsd")))
window.show()
for key in STEP_KEYS:
    window.show_step(key)
    window.editor(key).finish_building()
window.show_step("sessions")
for _ in range(5):
    app.processEvents()
p = window.document.protocol
changed = p.model_copy(deep=True)
changed.metadata.title = "Another title"
shown = {"window": window}
dialogs = {
    "amendment": AmendmentDialog(diff_protocols(p, changed), parent=window),
    "dosing session": NewDosingSessionDialog(p, window),
    "new protocol": NewProtocolWizard(window),
    "guide": GuideDialog(window),
    "search": SearchDialog(window.document, window),
}
for dialog in dialogs.values():
    dialog.show()
    app.processEvents()
shown.update(dialogs)
available = app.primaryScreen().availableGeometry()
out = {"available": available.getRect()}
for name, widget in shown.items():
    out[name] = widget.frameGeometry().getRect()
out["window minimum"] = window.minimumSizeHint().toTuple()
out["sessions pane"] = [
    window.editor("sessions").timeline_area.height(),
    window.editor("sessions").height(),
]
for dialog in dialogs.values():
    dialog.close()
window.document.history.mark_clean()
window.close()
print(json.dumps(out))
"""


def _run(tmp_path: Path, width: int, height: int) -> dict[str, list[int]]:
    screen = tmp_path / "screen.json"
    screen.write_text(
        json.dumps(
            {
                "synchronousWindowSystemEvents": False,
                "windowFrameMargins": False,
                "screens": [
                    {
                        "name": "screen",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
        "PAPDESIGNER_LIBRARY": str(tmp_path / "library.sqlite"),
    }
    settings = tmp_path / "settings"
    settings.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(settings)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, list[int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _inside(rect: list[int], available: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = available
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize("size", [(1366, 768), (1024, 700)])
def test_window_and_dialogs_fit_the_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    result = _run(tmp_path, *size)
    available = result.pop("available")
    minimum = result.pop("window minimum")
    timeline, step = result.pop("sessions pane")
    assert minimum[0] <= size[0] and minimum[1] <= size[1]
    assert timeline <= step * 0.45
    for name, rect in result.items():
        assert _inside(rect, available), (name, rect, available)
