"""The UI's one way to run work off the GUI thread (ui/background.py), with real threads."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from papdesigner.ui.background import BackgroundRunner, BackgroundTask, TaskControl

pytestmark = pytest.mark.ui


def _finish(qtbot: Any, task: BackgroundTask) -> BackgroundTask:
    qtbot.waitUntil(lambda: task.finished, timeout=5000)
    return task


def test_work_runs_in_a_worker_and_its_outcome_arrives_in_the_gui_thread(qtbot: Any) -> None:
    runner = BackgroundRunner()
    worked_in: list[str] = []
    seen: list[tuple[str, object]] = []

    def work(control: TaskControl) -> int:
        worked_in.append(threading.current_thread().name)
        for step in range(3):
            control.progress(step / 2, f"step {step}")
        return 42

    task = runner.start(work, tag="first")
    task.sig_progress.connect(
        lambda fraction, what: seen.append((threading.current_thread().name, (fraction, what)))
    )
    task.sig_finished.connect(lambda done: seen.append((threading.current_thread().name, done)))
    _finish(qtbot, task)

    main = threading.main_thread().name
    assert worked_in and worked_in[0] != main
    assert [who for who, _ in seen] == [main] * 4  # every receiver ran in the GUI thread
    assert [what for _, what in seen[:3]] == [(0.0, "step 0"), (0.5, "step 1"), (1.0, "step 2")]
    assert (task.result, task.error, task.tag) == (42, "", "first")


def test_an_exception_ends_the_task_with_one_line_of_words(qtbot: Any) -> None:
    runner = BackgroundRunner()

    def broken(_control: TaskControl) -> None:
        raise ValueError("the protocol holds no arms")

    task = _finish(qtbot, runner.start(broken))
    assert (task.result, task.error) == (None, "ValueError: the protocol holds no arms")
    custom = _finish(qtbot, runner.start(broken, describe=lambda exc: f"could not: {exc}"))
    assert custom.error == "could not: the protocol holds no arms"


def test_cancel_is_seen_by_the_work_and_tasks_run_one_at_a_time_in_order(qtbot: Any) -> None:
    runner = BackgroundRunner()
    release = threading.Event()
    order: list[str] = []

    def slow(control: TaskControl) -> str:
        release.wait(5)
        order.append("slow")
        return "cancelled" if control.cancelled() else "ran to the end"

    def quick(_control: TaskControl) -> str:
        order.append("quick")
        return "done"

    first = runner.start(slow)
    second = runner.start(quick)
    first.cancel()
    release.set()
    assert runner.wait(5000)
    _finish(qtbot, second)
    assert first.result == "cancelled"
    assert order == ["slow", "quick"]
