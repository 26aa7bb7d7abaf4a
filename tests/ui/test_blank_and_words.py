"""Issue 12, points 5 and 6: a blank protocol, example text "to replace", words for people."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from papdesigner.model.commands import SetValue
from papdesigner.model.leftovers import template_leftovers
from papdesigner.ui.compliance_dock import _LEFTOVER_ROLE
from papdesigner.ui.dialogs.new_protocol import (
    BLANK,
    Answers,
    NewProtocolWizard,
    build_blank,
    build_protocol,
)
from papdesigner.ui.main_window import MainWindow

pytestmark = pytest.mark.ui

ANSWERS = Answers("psilocybin", "major_depressive_disorder", "cta_trial", "Leiden", "NL", None, "")
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _tops(window: MainWindow) -> list[Any]:
    tree = window.dock.tree
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def _children(item: Any) -> list[Any]:
    return [item.child(i) for i in range(item.childCount())]


def test_the_wizard_offers_a_blank_protocol(qtbot: Any) -> None:
    wizard = NewProtocolWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    first = wizard.templates.list.item(0)
    assert first.text().startswith("Blank protocol")
    wizard.templates.list.setCurrentRow(0)
    assert wizard.templates.chosen() == BLANK
    protocol = wizard.protocol()
    assert protocol is not None and not protocol.sessions and not protocol.arms
    assert [s.country for s in protocol.sites] == ["US"]


def test_a_blank_protocol_has_the_answers_and_no_example_text(
    make_window: Callable[..., MainWindow], settle: Callable[[MainWindow], None]
) -> None:
    window = make_window()
    protocol = build_blank(ANSWERS)
    assert protocol.context == "cta_trial"
    assert protocol.indication.condition == "major_depressive_disorder"
    assert [(s.name, s.country) for s in protocol.sites] == [("Leiden", "NL")]
    assert [(p.substance, p.name) for p in protocol.products] == [("psilocybin", "Psilocybin")]
    assert template_leftovers(protocol) == []
    window.files.new_protocol(protocol)
    settle(window)
    tops = _tops(window)
    assert not any(t.text(0).startswith("Example text") for t in tops)
    findings = [f for f in window.report.findings if not f.waived]
    # Duplicates are grouped: one row per place, far fewer rows than findings.
    assert len(tops) < len(findings) / 2
    # The summary leads with what to do first, in words.
    assert "Start with:" in window.dock.summary.text()
    first = tops[0]
    assert "$." not in first.text(0) and first.childCount() >= 2


def test_a_copied_example_marks_its_texts_to_replace_until_edited(
    make_window: Callable[..., MainWindow], settle: Callable[[MainWindow], None]
) -> None:
    window = make_window()
    window.files.new_protocol(build_protocol("mdma-ptsd", ANSWERS))
    settle(window)
    (group,) = [t for t in _tops(window) if t.text(0).startswith("Example text to replace")]
    rows = {c.text(0).split(":")[0]: c for c in _children(group)}
    for label in ("Acronym", "Protocol number", "Sponsor", "Principal investigator"):
        assert label in rows
    assert rows["Sponsor"].data(0, _LEFTOVER_ROLE) == "$.metadata.sponsor.name"
    # The field itself says so.
    window.show_step("overview")
    sponsor = next(
        f
        for f in window.editor("overview").form.fields
        if f.path == ("metadata", "sponsor", "name")
    )
    assert any("To replace" in text for _sev, text in sponsor.problems.lines())
    # Double-click jumps to it; editing it clears the mark.
    window.dock.tree.setCurrentItem(rows["Sponsor"])
    window.dock.jump_to_current()
    assert QApplication.focusWidget() is sponsor.editor
    window.document.push(SetValue(("metadata", "sponsor", "name"), "Leiden UMC", "Sponsor"))
    settle(window)
    (group,) = [t for t in _tops(window) if t.text(0).startswith("Example text to replace")]
    assert "Sponsor" not in {c.text(0).split(":")[0] for c in _children(group)}
    assert not any("To replace" in text for _sev, text in sponsor.problems.lines())


def test_the_dock_speaks_in_labels_with_paths_as_detail(
    make_window: Callable[..., MainWindow], settle: Callable[[MainWindow], None]
) -> None:
    window = make_window()
    window.files.new_protocol(build_blank(ANSWERS))
    settle(window)
    for mode in ("place", "ruleset"):
        window.dock.set_grouping(mode)
        items = window.dock.finding_items()
        assert items
        for item in items:
            text = item.text(0)
            assert "$." not in text, text
            assert not CODE.search(text.split(" · ", 1)[1]), text
    window.dock.tree.setCurrentItem(window.dock.finding_items()[0])
    details = window.dock.details.toPlainText()
    where = details[details.index("Where:") :]
    assert where.splitlines()[0].strip() != "Where:" and "$." not in where.splitlines()[0]
    assert "at $." in details  # the path, as a detail
    # Field lines too.
    assert all("$." not in p.text for p in window.problems)


def test_a_refused_edit_is_said_above_the_step_in_words(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    window.show_step("sessions")
    timeline: Any = window.editor("sessions").timeline
    first = timeline._ordered_ids()[0]
    other = window.document.protocol.sessions[-1]
    # Giving a session another's id is refused by the model: the notice bar says why.
    index = next(i for i, s in enumerate(window.document.protocol.sessions) if s.id == first)
    assert not window.document.push(SetValue(("sessions", index, "id"), other.id, "Same id"))
    notice = window.notice.message()
    assert notice.startswith("Not applied:") and "$." not in notice
    assert window.notice.isVisibleTo(window)
    window.show_step("overview")
    assert not window.notice.isVisibleTo(window)
