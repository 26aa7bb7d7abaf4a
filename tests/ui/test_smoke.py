"""Start ``papdesigner`` as a user would, in its own process, with an example; it must quit cleanly.

A subprocess, not pytest-qt's QApplication: the app creates its own QApplication,
reads its settings and opens the library exactly as it does on a desktop.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from papdesigner.model.templates import template_path

pytestmark = pytest.mark.ui


def _run(*args: str, quit_after: int = 1500) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PAPDESIGNER_QUIT_AFTER_MS=str(quit_after))
    return subprocess.run(
        [sys.executable, "-m", "papdesigner", *args],
        env=env,
        capture_output=True,
        check=False,
        text=True,
        timeout=90,
    )


def test_papdesigner_open_starts_and_quits() -> None:
    done = _run("open", str(template_path("psilocybin-trd")))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_is_one_line_on_stderr(tmp_path: Path) -> None:
    done = _run("open", str(tmp_path / "nope.pap.json"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "no such file" in done.stderr


def test_with_no_file_it_opens_the_first_example() -> None:
    done = _run("open")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
