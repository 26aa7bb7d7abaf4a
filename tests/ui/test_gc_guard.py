"""Garbage is collected in the GUI thread only (a worker-thread collection crashed Qt)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from papdesigner.ui.gc_guard import GcGuard, install_gc_guard


def test_guard_disables_automatic_collection_and_collects_on_its_timer(qapp: Any) -> None:
    guard = install_gc_guard()
    assert isinstance(guard, GcGuard)
    assert install_gc_guard() is guard, "installing twice keeps one guard"
    assert not gc.isenabled()

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    freed_in: list[str] = []

    class Marker:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            freed_in.append(threading.current_thread().name)

    for _ in range(gc.get_threshold()[0] + 10):
        Cycle()
    Marker()
    worker = threading.Thread(target=lambda: [Cycle() for _ in range(5000)], name="worker")
    worker.start()
    worker.join()
    assert freed_in == [], "no collection may run in the worker thread"
    guard.collect()
    gc.collect()  # the marker may sit in an older generation than the one due
    assert freed_in == [threading.main_thread().name]
