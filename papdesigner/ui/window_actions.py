"""The main window's actions, menus and toolbar, declared in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from papdesigner.ui.icons import icon
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
    text: str,
    slot: Callable[[], object] | None = None,
    *,
    icon_name: str = "",
    shortcuts: tuple[QKeySequence | QKeySequence.StandardKey | str, ...] = (),
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
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
    std = QKeySequence.StandardKey
    actions = WindowActions(
        new=_action(
            window,
            "&New protocol…",
            s["new"],
            icon_name="new",
            shortcuts=(std.New,),
            tip="Start a blank protocol or a copy of an example",
        ),
        open=_action(
            window,
            "&Open file…",
            s["open"],
            icon_name="open",
            shortcuts=(std.Open,),
            tip="Open a *.pap.json protocol file",
        ),
        open_library=_action(
            window,
            "Open from &library…",
            s["open_library"],
            icon_name="library",
            shortcuts=("Ctrl+Shift+O",),
            tip="Open a protocol saved in the library",
        ),
        save=_action(
            window,
            "&Save",
            s["save"],
            icon_name="save",
            shortcuts=(std.Save,),
            tip="Save to the protocol's file and record a version in the library",
        ),
        save_as=_action(
            window,
            "Save &As…",
            s["save_as"],
            shortcuts=("Ctrl+Shift+S",),
            tip="Save to another *.pap.json file; this window then edits that file",
        ),
        save_copy=_action(
            window,
            "Save a &copy…",
            s["save_copy"],
            tip="Write a copy to another file; this window keeps editing its own file",
        ),
        save_note=_action(
            window,
            "Save with a &note…",
            s["save_note"],
            tip="Save, recording a note on what changed (e.g. “Sent to IRB”) and the author",
        ),
        history=_action(
            window,
            "Version &history…",
            s["history"],
            icon_name="history",
            shortcuts=("Ctrl+H",),
            tip="Saved versions of this protocol",
        ),
        export_pdf=_action(
            window,
            "&Export PDF…",
            s["export_pdf"],
            icon_name="export",
            shortcuts=("Ctrl+E",),
            tip="Export the protocol as a PDF for the ethics board",
        ),
        preview_pdf=_action(
            window,
            "&Preview and print PDF…",
            s["preview_pdf"],
            shortcuts=("Ctrl+P",),
            tip="Show the PDF in papdesigner and print it (no PDF viewer needed)",
        ),
        # One sequence only: std.Quit is Ctrl+Q on Linux too, and two equal shortcuts on one
        # action made Ctrl+Q ambiguous (it never fired).
        quit=_action(window, "&Quit", s["quit"], shortcuts=("Ctrl+Q",)),
        undo=_action(window, "&Undo", s["undo"], icon_name="undo", shortcuts=("Ctrl+Z",)),
        redo=_action(
            window, "&Redo", s["redo"], icon_name="redo", shortcuts=("Ctrl+Shift+Z", "Ctrl+Y")
        ),
        check=_action(
            window,
            "&Check now",
            s["check"],
            icon_name="check",
            shortcuts=("F5",),
            tip="Check the protocol against the rule sets now",
        ),
        next_finding=_action(window, "&Next finding", s["next_finding"], shortcuts=("F8",)),
        previous_finding=_action(
            window, "&Previous finding", s["previous_finding"], shortcuts=("Shift+F8",)
        ),
        next_step=_action(window, "Next step", s["next_step"], shortcuts=("Ctrl+PgDown",)),
        previous_step=_action(
            window, "Previous step", s["previous_step"], shortcuts=("Ctrl+PgUp",)
        ),
        show_compliance=_action(window, "&Compliance panel", shortcuts=("Ctrl+Shift+C",)),
        about=_action(window, "&About papdesigner", s["about"]),
        shortcuts=_action(window, "&Keyboard shortcuts", s["shortcuts"]),
        find=_action(
            window,
            "&Find in protocol…",
            s["find"],
            shortcuts=("Ctrl+F",),
            tip="Search every field of the protocol and jump to it",
        ),
        guide=_action(
            window, "&User guide", s["guide"], shortcuts=("F1",), tip="A short tour of papdesigner"
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


SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+N", "New protocol (blank or from an example)"),
    ("Ctrl+O / Ctrl+Shift+O", "Open a file / open from the library"),
    ("Ctrl+S", "Save to the protocol's file and record a library version"),
    ("Ctrl+Shift+S", "Save As another file"),
    ("Ctrl+E", "Export PDF"),
    ("Ctrl+P", "Preview and print the PDF"),
    ("Ctrl+F", "Find in the protocol (jumps to the field)"),
    ("Ctrl+Q", "Quit"),
    ("F1", "User guide"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo (typing in one field is one step)"),
    ("Ctrl+PgUp / Ctrl+PgDown", "Previous / next step"),
    ("F5", "Check now"),
    ("F8 / Shift+F8", "Next / previous finding (jumps to its field)"),
    ("Ctrl+Shift+C", "Show or hide the compliance panel"),
    ("Alt+Up / Alt+Down", "Move the current list item up / down"),
    ("Left / Right", "Timeline: choose the previous / next session"),
    ("Shift+Left / Shift+Right", "Timeline: move the chosen session by a day"),
)
"""Keys and what they do, shown by Help > Keyboard shortcuts."""

SHORTCUTS_HELP = (
    '<table cellspacing="6">'
    + "".join(f"<tr><td><b>{keys}</b></td><td>{what}</td></tr>" for keys, what in SHORTCUTS)
    + "</table>"
)
