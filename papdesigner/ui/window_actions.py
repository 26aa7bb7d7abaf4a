"""The main window's actions, menus and toolbar, declared in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from papdesigner.ui.icons import icon
from papdesigner.ui.shortcuts import keys_of, shortcuts_html
from papdesigner.ui.theme import THEMES


@dataclass
class WindowActions:
    """Every action of the main window (menus, toolbar and shortcuts share them)."""

    new: QAction
    open: QAction
    open_library: QAction
    save: QAction
    save_as: QAction
    save_copy: QAction
    save_note: QAction
    history: QAction
    export_pdf: QAction
    preview_pdf: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    check: QAction
    next_finding: QAction
    previous_finding: QAction
    next_step: QAction
    previous_step: QAction
    show_compliance: QAction
    about: QAction
    shortcuts: QAction
    find: QAction
    guide: QAction
    themes: QActionGroup
    recent_menu: QMenu
    undo_history_menu: QMenu


def _action(
    window: QMainWindow,
    name: str,
    text: str,
    slot: Callable[[], object] | None = None,
    *,
    icon_name: str = "",
    tip: str = "",
) -> QAction:
    """The action ``name`` (a :class:`WindowActions` field), with its keys from ``SHORTCUTS``."""
    action = QAction(text, window)
    action.setObjectName(name)
    if icon_name:
        action.setIcon(icon(icon_name))
    keys = keys_of(name)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even when the toolbar is hidden
    return action


def build_actions(window: QMainWindow, slots: dict[str, Callable[[], object]]) -> WindowActions:
    """Create the actions, wired to ``slots`` by name."""
    s = slots
    actions = WindowActions(
        new=_action(
            window,
            "new",
            "&New protocol…",
            s["new"],
            icon_name="new",
            tip="Start a blank protocol or a copy of an example",
        ),
        open=_action(
            window,
            "open",
            "&Open file…",
            s["open"],
            icon_name="open",
            tip="Open a *.pap.json protocol file",
        ),
        open_library=_action(
            window,
            "open_library",
            "Open from &library…",
            s["open_library"],
            icon_name="library",
            tip="Open a protocol saved in the library",
        ),
        save=_action(
            window,
            "save",
            "&Save",
            s["save"],
            icon_name="save",
            tip="Save to the protocol's file and record a version in the library",
        ),
        save_as=_action(
            window,
            "save_as",
            "Save &As…",
            s["save_as"],
            tip="Save to another *.pap.json file; this window then edits that file",
        ),
        save_copy=_action(
            window,
            "save_copy",
            "Save a &copy…",
            s["save_copy"],
            tip="Write a copy to another file; this window keeps editing its own file",
        ),
        save_note=_action(
            window,
            "save_note",
            "Save with a &note…",
            s["save_note"],
            tip="Save, recording a note on what changed (e.g. “Sent to IRB”) and the author",
        ),
        history=_action(
            window,
            "history",
            "Version &history…",
            s["history"],
            icon_name="history",
            tip="Saved versions of this protocol",
        ),
        export_pdf=_action(
            window,
            "export_pdf",
            "&Export PDF…",
            s["export_pdf"],
            icon_name="export",
            tip="Export the protocol as a PDF for the ethics board",
        ),
        preview_pdf=_action(
            window,
            "preview_pdf",
            "&Preview and print PDF…",
            s["preview_pdf"],
            tip="Show the PDF in papdesigner and print it (no PDF viewer needed)",
        ),
        quit=_action(window, "quit", "&Quit", s["quit"]),
        undo=_action(window, "undo", "&Undo", s["undo"], icon_name="undo"),
        redo=_action(window, "redo", "&Redo", s["redo"], icon_name="redo"),
        check=_action(
            window,
            "check",
            "&Check now",
            s["check"],
            icon_name="check",
            tip="Check the protocol against the rule sets now",
        ),
        next_finding=_action(window, "next_finding", "&Next finding", s["next_finding"]),
        previous_finding=_action(
            window, "previous_finding", "&Previous finding", s["previous_finding"]
        ),
        next_step=_action(window, "next_step", "Next step", s["next_step"]),
        previous_step=_action(window, "previous_step", "Previous step", s["previous_step"]),
        show_compliance=_action(window, "show_compliance", "&Compliance panel"),
        about=_action(window, "about", "&About papdesigner", s["about"]),
        shortcuts=_action(window, "shortcuts", "&Keyboard shortcuts", s["shortcuts"]),
        find=_action(
            window,
            "find",
            "&Find in protocol…",
            s["find"],
            tip="Search every field of the protocol and jump to it",
        ),
        guide=_action(
            window, "guide", "&User guide", s["guide"], tip="A short tour of papdesigner"
        ),
        themes=QActionGroup(window),
        recent_menu=QMenu("Open &recent", window),
        undo_history_menu=QMenu("Undo &history", window),
    )
    for theme in THEMES:
        action = QAction(theme.capitalize(), actions.themes)
        action.setCheckable(True)
        action.setData(theme)
    return actions


def build_menus(window: QMainWindow, a: WindowActions) -> None:
    """Fill the menu bar."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for item in (
        a.new,
        a.open,
        a.open_library,
        a.recent_menu,
        None,
        a.save,
        a.save_as,
        a.save_note,
        a.save_copy,
        a.history,
        None,
        a.export_pdf,
        a.preview_pdf,
        None,
        a.quit,
    ):
        _add(file_menu, item)
    edit = bar.addMenu("&Edit")
    for item in (a.undo, a.redo, a.undo_history_menu, None, a.find):
        _add(edit, item)
    view = bar.addMenu("&View")
    for item in (a.previous_step, a.next_step, None, a.show_compliance):
        _add(view, item)
    appearance = view.addMenu("&Appearance")
    appearance.addActions(a.themes.actions())
    check = bar.addMenu("&Check")
    for item in (a.check, a.next_finding, a.previous_finding):
        _add(check, item)
    help_menu = bar.addMenu("&Help")
    for item in (a.guide, a.shortcuts, a.about):
        _add(help_menu, item)


def _add(menu: QMenu, item: QAction | QMenu | None) -> None:
    if item is None:
        menu.addSeparator()
    elif isinstance(item, QMenu):
        menu.addMenu(item)
    else:
        menu.addAction(item)


def build_toolbar(window: QMainWindow, a: WindowActions) -> QToolBar:
    """The main toolbar."""
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("MainToolbar")
    bar.setIconSize(QSize(20, 20))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for item in (a.new, a.open, a.save, None, a.undo, a.redo, None, a.check, a.export_pdf):
        if item is None:
            bar.addSeparator()
        else:
            bar.addAction(item)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar


SHORTCUTS_HELP = shortcuts_html()
"""Help > Keyboard shortcuts: the table every action takes its keys from."""
