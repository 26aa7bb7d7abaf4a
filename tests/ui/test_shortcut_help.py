"""Help > Keyboard shortcuts lists exactly the keys the window's actions have (issue 15).

The help is read from the real dialog the Help menu opens, and the keys from every
QAction of a real window, so a key added to an action but not to the help (or the
other way round) fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from papdesigner.ui.guide import guide_html
from papdesigner.ui.main_window import MainWindow

pytestmark = pytest.mark.ui

_ROW = re.compile(r"<tr><td><b>(.*?)</b></td><td>(.*?)</td></tr>")


def _help_rows(html: str) -> dict[str, str]:
    """Each key shown in a help table, mapped to what the help says it does."""
    rows: dict[str, str] = {}
    for keys, what in _ROW.findall(html):
        for key in re.split(r" or | / ", unescape(keys)):
            rows[key] = unescape(what)
    return rows


def _action_keys(window: MainWindow) -> dict[str, QAction]:
    """Every key sequence bound to an action of the window (menus, toolbar, hidden ones)."""
    bound: dict[str, QAction] = {}
    for action in {*window.findChildren(QAction), *window.actions()}:
        for sequence in action.shortcuts():
            key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            assert key not in bound, f"{key} is bound to two actions"
            bound[key] = action
    return bound


def _shown_help(window: MainWindow, message_boxes: list[tuple[str, str]]) -> str:
    window.action_set.shortcuts.trigger()
    title, text = message_boxes[-1]
    assert title == "Keyboard shortcuts"
    return text


def test_every_action_key_is_in_the_help_and_every_help_key_works(
    make_window: Callable[..., MainWindow], message_boxes: list[tuple[str, str]]
) -> None:
    window = make_window()
    helped = _help_rows(_shown_help(window, message_boxes))
    bound = _action_keys(window)

    assert {"Ctrl+H", "F1", "Ctrl+Q", "Ctrl+Y"} <= bound.keys()  # the keys the help had lost
    missing = sorted(key for key in bound if key not in helped)
    assert not missing, f"actions with keys the help does not list: {missing}"

    list_keys = {
        s.key().toString(QKeySequence.SequenceFormat.PortableText)
        for s in window.editor("sites").findChildren(QShortcut)
    }
    timeline = {"Left", "Right", "Shift+Left", "Shift+Right"}  # the timeline's own key handler
    dead = sorted(key for key in helped if key not in bound.keys() | list_keys | timeline)
    assert not dead, f"the help lists keys nothing is bound to: {dead}"
    assert {"Alt+Up", "Alt+Down"} <= list_keys


def test_the_help_says_what_each_key_does_in_the_actions_own_words(
    make_window: Callable[..., MainWindow], message_boxes: list[tuple[str, str]]
) -> None:
    window = make_window()
    helped = _help_rows(_shown_help(window, message_boxes))
    a = window.action_set
    # A key's help line is about the action it triggers, not a neighbour's.
    expected = {
        a.history: ("Ctrl+H", "history"),
        a.redo: ("Ctrl+Y", "Redo"),
        a.quit: ("Ctrl+Q", "Quit"),
        a.guide: ("F1", "guide"),
        a.open_library: ("Ctrl+Shift+O", "library"),
    }
    for action, (key, word) in expected.items():
        assert key in [s.toString() for s in action.shortcuts()]
        assert word in helped[key], (key, helped[key])


def test_the_user_guide_lists_the_same_keys_as_the_help(
    make_window: Callable[..., MainWindow], message_boxes: list[tuple[str, str]]
) -> None:
    window = make_window()
    assert _help_rows(guide_html()) == _help_rows(_shown_help(window, message_boxes))
