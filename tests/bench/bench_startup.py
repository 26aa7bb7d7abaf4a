"""Benchmark: GUI cold start to first painted window, against a bare PySide6 window.

Budget (DESIGN.md section 7): papdesigner's start-up <= 2 x a bare PySide6 window
measured on the same machine in the same run. Run it directly::

    python tests/bench/bench_startup.py [--runs 9] [--file PROTOCOL]  # psilocybin-trd by default

Each run is a fresh Python process (a cold start of the interpreter, Qt and our
code; the operating system's file cache stays warm, as on a desktop, and compiled
bytecode is kept, as pip does for an installed package). The parent
notes ``time.monotonic()`` before starting the child; the child prints the same
clock at the first paint event of its top-level window and exits at once. Both
kinds alternate, so background load hits them alike. Qt runs offscreen unless
``DISPLAY`` is set (e.g. under ``xvfb-run``). Prints medians, the fastest runs and
the ratio; asserts nothing.

The window paints its frame (navigator, menus, toolbar) first and opens the
protocol right after; the benchmark also prints when the first step's editor,
with the protocol in it, is painted. A third kind of child, a bare window that
loads the protocol file with papdesigner's model (pydantic) before it shows, is a
lower bound for "protocol shown": no window can show a protocol it has not read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(tempfile.gettempdir()) / "papdesigner-bench-pycache"

_PROBE = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject

WAIT_FOR_EDITOR = len(sys.argv) > 1  # the app: also time the step editor's first paint

class FirstPaint(QObject):
    window_painted = False

    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint or not watched.isWidgetType():
            return False
        if watched.isWindow() and not self.window_painted:
            self.window_painted = True
            print(f"{time.monotonic():.6f}", flush=True)
            if not WAIT_FOR_EDITOR:
                os._exit(0)
        elif type(watched).__name__.endswith("Editor") and self.window_painted:
            print(f"{time.monotonic():.6f}", flush=True)
            os._exit(0)
        return False

PROBE = FirstPaint()
"""

BARE = (
    _PROBE
    + """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
app.installEventFilter(PROBE)
window = QLabel("bare PySide6 window")
window.resize(1400, 880)
window.show()
app.exec()
"""
)

MODEL_THEN_BARE = (
    _PROBE
    + """
WAIT_FOR_EDITOR = False  # the file argument is the protocol to read, not the app's
from papdesigner.model import load_protocol
protocol = load_protocol(sys.argv[1])
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
app.installEventFilter(PROBE)
window = QLabel(protocol.metadata.title)
window.resize(1400, 880)
window.show()
app.exec()
"""
)
"""A bare window that first loads the protocol (pydantic and the model): a lower bound
for showing a protocol, since the app cannot show one before it has read it."""

APP = (
    _PROBE
    + """
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
app.installEventFilter(PROBE)
from papdesigner.cli import main
main(["open", sys.argv[1]])
"""
)


def one_run(script: str, *args: str) -> tuple[float, float]:
    """Seconds from starting the child to its window's first paint, and to its last probe."""
    env = dict(os.environ)
    # Like an installed app (pip compiles bytecode at install): keep compiled modules,
    # in a cache folder outside the source tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["PAPDESIGNER_QUIT_AFTER_MS"] = "20000"  # never hang if the probe misses the paint
    # Rebuildable caches (rule sets, templates) as after a first start, but not the user's.
    env["PAPDESIGNER_CACHE_DIR"] = str(CACHE.with_name("papdesigner-bench-cache"))
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        msg = f"child failed ({done.returncode}): {done.stderr.strip()[-400:]}"
        raise RuntimeError(msg)
    return float(lines[0]) - start, float(lines[-1]) - start


def main() -> None:
    """Alternate bare and app starts; print medians, fastest runs and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--file", default=str(ROOT / "resources" / "examples" / "psilocybin-trd.pap.json")
    )
    args = parser.parse_args()
    one_run(BARE)  # warm the file cache once for both
    one_run(APP, args.file)
    bare, app, shown, model_bare = [], [], [], []
    for _ in range(args.runs):
        bare.append(one_run(BARE)[0])
        painted, editor = one_run(APP, args.file)
        app.append(painted)
        shown.append(editor)
        model_bare.append(one_run(MODEL_THEN_BARE, args.file)[0])
    platform = "xcb (DISPLAY set)" if os.environ.get("DISPLAY") else "offscreen"
    print(f"cold start to first paint, {args.runs} runs each, Qt platform {platform}")
    for name, times in (
        ("bare PySide6 window", bare),
        ("papdesigner open FILE", app),
        ("  ... protocol shown", shown),
        ("bare window, model first", model_bare),
    ):
        print(
            f"  {name:24} median {statistics.median(times) * 1000:7.1f} ms"
            f"   fastest {min(times) * 1000:7.1f} ms"
        )
    ratio = statistics.median(app) / statistics.median(bare)
    print(f"  ratio (medians)          {ratio:7.2f} x   budget <= 2.00 x")
    print(f"  ratio (fastest)          {min(app) / min(bare):7.2f} x")
    shown_ratio = statistics.median(shown) / statistics.median(bare)
    print(f"  protocol shown (medians) {shown_ratio:7.2f} x   target <= 2.50 x")
    bound = statistics.median(model_bare) / statistics.median(bare)
    print(f"  lower bound (medians)    {bound:7.2f} x   bare window that reads the protocol first")


if __name__ == "__main__":
    main()
