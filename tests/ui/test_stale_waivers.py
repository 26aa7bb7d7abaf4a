"""The compliance dock lists waivers that match no finding and jumps to their path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from papdesigner.model.commands import add_waiver
from papdesigner.ui.compliance_dock import path_resolves
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.steps import STEP_KEYS, finding_path, step_of_path

pytestmark = pytest.mark.ui

Settle = Callable[[MainWindow], None]


def _tops(window: MainWindow) -> list[Any]:
    tree = window.dock.tree
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def _stale_rows(window: MainWindow) -> list[Any]:
    (group,) = [t for t in _tops(window) if t.text(0).startswith("Waivers that match no finding")]
    return [group.child(i) for i in range(group.childCount())]


def _double_click(qtbot: Any, window: MainWindow, item: Any) -> None:
    tree = window.dock.tree
    tree.scrollToItem(item)
    center = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=center)


def test_stale_waivers_are_listed_with_reason_and_jump_when_the_path_resolves(
    make_window: Callable[..., MainWindow], settle: Settle, qtbot: Any
) -> None:
    window = make_window()
    protocol = window.document.protocol
    index = next(i for i, s in enumerate(protocol.sessions) if s.dosing)
    target = f"$.sessions[{index}].dosing.administrations[0]"  # CS-22 passes here
    assert path_resolves(protocol, target)
    for rule_id, path in (("CS-22", target), ("NOPE-1", "$.sessions[999]")):
        assert window.document.push(
            add_waiver(protocol, rule_id, path, "Old waiver", author="A", date="2026-01-01")
        )
    settle(window)
    assert [(u.rule_id, u.code) for u in window.report.unmatched_waivers] == [
        ("CS-22", "no_finding"),
        ("NOPE-1", "unknown_rule"),
    ]
    good, bad = _stale_rows(window)
    assert good.text(0) == f"CS-22 · {target} — no finding at this path (the rule passes)"
    assert bad.text(0) == "NOPE-1 · $.sessions[999] — rule id unknown"
    assert good not in window.dock.finding_items()  # not a finding: next/previous skip it

    expected = step_of_path(finding_path(target), window._narrative_m11())
    window.show_step(next(k for k in STEP_KEYS if k != expected))
    with qtbot.waitSignal(window.dock.sig_jump_requested, timeout=2000) as blocker:
        _double_click(qtbot, window, good)
    assert blocker.args == [target]
    assert window.current_step() == expected
    assert "rule passes" in window.dock.details.toPlainText()
    assert window.dock.jump_button.isEnabled() and not window.dock.waive_button.isEnabled()

    with qtbot.assertNotEmitted(window.dock.sig_jump_requested):
        _double_click(qtbot, window, bad)
    assert not window.dock.jump_button.isEnabled()
    assert "rule id unknown" in window.dock.details.toPlainText()


def test_the_filter_applies_to_stale_waivers(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    protocol = window.document.protocol
    window.document.push(add_waiver(protocol, "NOPE-1", None, "Old", author="", date=None))
    settle(window)
    assert len(_stale_rows(window)) == 1
    window.dock.filter.setText("nothing-like-this")
    tops = [t.text(0) for t in _tops(window)]
    assert not any(t.startswith("Waivers that match no finding") for t in tops)
