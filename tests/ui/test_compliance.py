"""Live compliance: debounced threaded checks, the dock, waivers, rule-set choice, step marks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from papdesigner.model.commands import SetValue
from papdesigner.model.protocol import Protocol
from papdesigner.ui.compliance import ComplianceRunner
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.main_window import MainWindow
from papdesigner.ui.steps import STEP_KEYS, finding_path, step_of_path, step_states

pytestmark = pytest.mark.ui

Settle = Callable[[MainWindow], None]


def _supplement(window: MainWindow) -> tuple[int, str]:
    """Change a supplemental MDMA dose so that CS-22 fires; return the session index and path."""
    protocol = window.document.protocol
    index = next(
        i for i, s in enumerate(protocol.sessions) if s.dosing and len(s.dosing.administrations) > 1
    )
    window.document.push(SetValue(("sessions", index, "dosing", "administrations", 1, "dose"), 75))
    return index, f"$.sessions[{index}].dosing.administrations[0]"


def test_typing_runs_one_check_after_a_pause(document: EditedProtocol, qtbot: Any) -> None:
    runner = ComplianceRunner(document)
    reports: list[Any] = []
    runner.sig_report.connect(reports.append)
    for n in range(5):
        document.push(SetValue(("metadata", "title"), f"T{n}", merge_key="typing"))
    assert reports == []  # nothing yet: the check waits for a pause
    qtbot.waitUntil(lambda: len(reports) == 1, timeout=5000)
    runner.wait()
    assert runner.is_current()
    assert reports[0].protocol.title == "T4"


def test_a_late_result_of_an_old_state_is_dropped(document: EditedProtocol, qtbot: Any) -> None:
    runner = ComplianceRunner(document)
    reports: list[Any] = []
    runner.sig_report.connect(reports.append)
    runner.check_now()
    document.push(SetValue(("metadata", "title"), "Newer"))
    runner.check_now()
    qtbot.waitUntil(lambda: bool(reports), timeout=5000)
    runner.wait()
    qtbot.wait(50)
    assert [r.protocol.title for r in reports] == ["Newer"]


def test_findings_are_grouped_by_rule_set_and_severity(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    _supplement(window)
    settle(window)
    window.dock.set_grouping("ruleset")
    tree = window.dock.tree
    titles = {r.id: r.title for r in window.report.rulesets}
    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    ids = [t.data(0, Qt.ItemDataRole.UserRole + 1) for t in tops]
    assert set(ids) == {f.ruleset for f in window.report.findings}
    for top, ruleset_id in zip(tops, ids, strict=True):
        assert top.text(0) == f"{ruleset_id} · {titles[ruleset_id]}"
        groups = [top.child(j).text(0).split(" (")[0] for j in range(top.childCount())]
        assert groups == sorted(groups, key=["Errors", "Warnings", "Notes", "Waived"].index)


def test_details_show_citation_provenance_and_clauses(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    _, path = _supplement(window)
    settle(window)
    assert window.dock.select_finding("CS-22", path)
    text = window.dock.details.toPlainText()
    finding = window.dock.current_finding()
    assert finding.citation in text
    assert "Provenance: verified" in text
    for clause in finding.clauses:
        assert clause.expr in text
    assert "✘ false" in text and "✔ true" in text


def test_findings_show_next_to_their_field(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    window.show_step("sessions")
    index, path = _supplement(window)
    settle(window)
    sessions = window.editor("sessions").sessions  # type: ignore[attr-defined]
    sessions.select(index)
    table = next(p for rel, p, _w in sessions.detail.parts if rel == ("dosing", "administrations"))
    assert any("MDMA" in text for _sev, text in table.problems.lines())
    assert sessions.list.item(index).data(Qt.ItemDataRole.AccessibleDescriptionRole) == "warning"
    assert window.navigator.status("sessions") == "done"  # warnings do not make a step incomplete
    assert finding_path(path)[:2] == ("sessions", index)


def test_waive_and_unwaive_are_undoable(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    _, path = _supplement(window)
    settle(window)
    dock = window.dock
    dock.select_finding("CS-22", path)
    assert dock.waive(dock.current_finding(), "Dose reduction per the manual", "A. B.")
    settle(window)
    assert dock.select_finding("CS-22", path)
    assert dock.current_finding().waived
    assert dock.waive_button.text() == "Remove waiver"
    assert window.report.summary.waived >= 1
    window.document.undo()
    settle(window)
    dock.select_finding("CS-22", path)
    assert not dock.current_finding().waived
    window.document.redo()
    settle(window)
    dock.select_finding("CS-22", path)
    assert dock.remove_waiver(dock.current_finding())
    assert window.document.history.undo_label() == "Remove waiver of CS-22"


def test_turning_a_rule_set_off_is_remembered(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    active = [r.id for r in window.report.rulesets if r.active]
    assert "FDA-PSY" in active
    action = next(a for a in window.dock.rulesets_menu.actions() if a.text().startswith("FDA-PSY"))
    action.setChecked(False)
    settle(window)
    assert "FDA-PSY" not in [r.id for r in window.report.rulesets]
    assert all(f.ruleset != "FDA-PSY" for f in window.report.findings)
    assert "FDA-PSY" not in window.status.rulesets.accessibleDescription()
    assert window.settings.ruleset_choice(str(window.document.protocol.id)) == ({"FDA-PSY"}, set())
    again = next(a for a in window.dock.rulesets_menu.actions() if a.text().startswith("FDA-PSY"))
    again.setChecked(True)
    settle(window)
    assert "FDA-PSY" in [r.id for r in window.report.rulesets]


def test_a_rule_set_that_does_not_apply_can_be_turned_on(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    idle = next(r for r in window.report.rulesets if not r.active)
    action = next(a for a in window.dock.rulesets_menu.actions() if a.text().startswith(idle.id))
    assert not action.isChecked() and "does not apply" in action.text()
    action.setChecked(True)
    settle(window)
    status = next(r for r in window.report.rulesets if r.id == idle.id)
    assert status.active
    assert status.reason.startswith("turned on by hand")
    assert idle.id in window.status.rulesets.accessibleDescription()
    reset = window.dock.rulesets_menu.actions()[-1]
    assert reset.text().startswith("Back to automatic")
    reset.trigger()
    settle(window)
    assert not next(r for r in window.report.rulesets if r.id == idle.id).active
    assert window.settings.ruleset_choice(str(window.document.protocol.id)) == (set(), set())


def test_next_finding_jumps_to_the_field(
    make_window: Callable[..., MainWindow], settle: Settle
) -> None:
    window = make_window()
    _supplement(window)
    settle(window)
    window.action_set.next_finding.trigger()
    finding = window.dock.current_finding()
    assert finding is not None
    assert window.current_step() == step_of_path(
        finding_path(finding.path), window._narrative_m11()
    )


def test_status_bar_counts_and_rule_sets(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    s = window.report.summary
    assert f"{s.errors} errors" in window.status.counts.text()
    assert f"{s.warnings} warnings" in window.status.counts.text()
    active = [r.id for r in window.report.rulesets if r.active]
    assert window.status.rulesets.accessibleDescription() == ", ".join(active)
    assert all(r.id in window.status.rulesets.toolTip() for r in window.report.rulesets)
    assert window.status.rulesets.text().startswith(f"Rule sets: {active[0]}")


# --- steps: Qt-free mapping and completeness ---------------------------------------------------


def test_every_path_belongs_to_one_step() -> None:
    assert step_of_path(("sessions", 3, "dosing", "administrations", 0, "dose")) == "sessions"
    assert step_of_path(("regulatory", "ethics", "committee_name")) == "ethics"
    assert step_of_path(("regulatory", "ind_number")) == "sites"
    assert step_of_path(("waivers", 0)) == "ethics"
    assert step_of_path(()) == "review"
    assert step_of_path(("narrative", "insurance"), {"insurance": ("11",)}) == "ethics"
    assert (
        step_of_path(("narrative", "dose_rationale"), {"dose_rationale": ("6.2.1",)})
        == "interventions"
    )
    assert finding_path("not a path") == ()


def test_an_empty_protocol_is_not_started_and_errors_win() -> None:
    states = step_states(Protocol(), [])
    assert states["overview"].status in ("empty", "partial")
    assert states["sessions"].status == "empty"
    assert states["review"].status == "partial"
    states = step_states(
        Protocol(), [("$.sessions[0].day", "error", False), ("$.roles", "error", True)]
    )
    assert states["sessions"].status == "error" and states["sessions"].errors == 1
    assert states["team"].errors == 0  # a waived finding does not count
    assert set(states) == set(STEP_KEYS)
