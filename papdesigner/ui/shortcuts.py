"""Every keyboard shortcut of the main window, defined once.

The window's actions take their keys from :data:`SHORTCUTS`, and Help > Keyboard
shortcuts and the user guide list the same rows, so the help cannot drift from
the keys that work. Keys are written in Qt's portable form ("Ctrl+S"); Qt shows
and binds them as Cmd on macOS. Rows that are not window actions are keys a widget
handles itself (list items, the timeline); they are listed in the help too.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Shortcut:
    """One row of the shortcut table."""

    action: str
    """The name of the window action (a ``WindowActions`` field), or of a widget's own keys."""
    keys: tuple[str, ...]
    """Key sequences in Qt's portable text form; the first is the one shown in tooltips."""
    description: str
    """What the keys do, as the help says it."""
    window_action: bool = True
    """False for keys a widget handles itself (they are not actions of the window)."""


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("new", ("Ctrl+N",), "New protocol (blank or from an example)"),
    Shortcut("open", ("Ctrl+O",), "Open a protocol file"),
    Shortcut("open_library", ("Ctrl+Shift+O",), "Open a protocol from the library"),
    Shortcut("save", ("Ctrl+S",), "Save to the protocol's file and record a library version"),
    Shortcut("save_as", ("Ctrl+Shift+S",), "Save As another file"),
    Shortcut("history", ("Ctrl+H",), "Version history of this protocol"),
    Shortcut("export_pdf", ("Ctrl+E",), "Export PDF"),
    Shortcut("preview_pdf", ("Ctrl+P",), "Preview and print the PDF"),
    Shortcut("find", ("Ctrl+F",), "Find in the protocol (jumps to the field)"),
    # One sequence only: two equal shortcuts on one action make the key ambiguous (it never fires).
    Shortcut("quit", ("Ctrl+Q",), "Quit"),
    Shortcut("undo", ("Ctrl+Z",), "Undo (typing in one field is one step)"),
    Shortcut("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo"),
    Shortcut("previous_step", ("Ctrl+PgUp",), "Previous step"),
    Shortcut("next_step", ("Ctrl+PgDown",), "Next step"),
    Shortcut("check", ("F5",), "Check now"),
    Shortcut("next_finding", ("F8",), "Next finding (jumps to its field)"),
    Shortcut("previous_finding", ("Shift+F8",), "Previous finding (jumps to its field)"),
    Shortcut("show_compliance", ("Ctrl+Shift+C",), "Show or hide the compliance panel"),
    Shortcut("guide", ("F1",), "User guide"),
    Shortcut("move_item", ("Alt+Up", "Alt+Down"), "Move the current list item up / down", False),
    Shortcut(
        "timeline_choose",
        ("Left", "Right"),
        "Timeline: choose the previous / next session",
        False,
    ),
    Shortcut(
        "timeline_move",
        ("Shift+Left", "Shift+Right"),
        "Timeline: move the chosen session by a day",
        False,
    ),
)
"""The one table of keys: actions are built from it and the help lists it."""

WINDOW_KEYS_IN_TEXT_FIELDS = ("undo", "redo", "export_pdf", "find", "quit", "preview_pdf")
"""Actions whose keys a text field would otherwise claim for itself (see ``_UndoKeysToWindow``)."""


def keys_of(action: str) -> tuple[str, ...]:
    """The key sequences of a window action or widget keys (empty when it has no shortcut)."""
    return next((s.keys for s in SHORTCUTS if s.action == action), ())


def keys_text(shortcut: Shortcut) -> str:
    """The keys of a row as the help shows them ("Ctrl+Shift+Z or Ctrl+Y")."""
    joiner = " or " if shortcut.window_action else " / "
    return joiner.join(shortcut.keys)


def help_rows() -> list[tuple[str, str]]:
    """``(keys, what they do)`` for every row, in table order."""
    return [(keys_text(s), s.description) for s in SHORTCUTS]


def shortcuts_html(cellspacing: int = 6) -> str:
    """The table as HTML, for Help > Keyboard shortcuts and the user guide."""
    rows = "".join(
        f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
        for keys, what in help_rows()
    )
    return f'<table cellspacing="{cellspacing}">{rows}</table>'
