"""The open protocol as the widgets see it: a Qt face on the Qt-free History.

Widgets take an :class:`EditedProtocol` in their constructor, read the protocol
from it, push commands to change it, and listen to :attr:`sig_changed` to refresh
what they show. Nothing else in the UI mutates the protocol.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from papdesigner.model.commands import MISSING, Command, CommandError, get_json
from papdesigner.model.history import Change, History
from papdesigner.model.jsonpath import JsonPath
from papdesigner.model.protocol import Protocol


class EditedProtocol(QObject):
    """One open protocol: its history, where it is stored, and signals for the views."""

    sig_changed = Signal(object)
    """Emitted with the :class:`~papdesigner.model.history.Change` after every edit."""

    sig_refused = Signal(str, object)
    """Emitted with the message and the JSON path (tuple) of an edit that was refused."""

    sig_state_changed = Signal()
    """Emitted when the undo/redo labels, the clean state or the file location change."""

    def __init__(self, protocol: Protocol, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = History(protocol)
        self.file_path: Path | None = None
        """The ``*.pap.json`` file the protocol was opened from or exported to, if any."""
        self.library_id: str | None = None
        """The protocol's id in the library once it was saved there."""
        self.last_error: CommandError | None = None
        """Why the latest refused edit was refused."""
        self.history.changed.connect(self._on_history_changed)

    # ---- reading --------------------------------------------------------------------------------

    @property
    def protocol(self) -> Protocol:
        """The protocol being edited; read it freely, change it only with :meth:`push`."""
        return self.history.protocol

    def json(self, path: JsonPath) -> Any:
        """Return the JSON value at ``path`` (None if the place does not exist)."""
        try:
            value = get_json(self.protocol, path)
        except CommandError:
            return None
        return None if value is MISSING else value

    def title(self) -> str:
        """A short name for window titles and dialogs."""
        meta = self.protocol.metadata
        return meta.short_title or meta.acronym or meta.title or "Untitled protocol"

    def is_modified(self) -> bool:
        """True if there are edits since the last save."""
        return not self.history.is_clean()

    # ---- changing -------------------------------------------------------------------------------

    def push(self, command: Command) -> bool:
        """Apply an edit; on refusal emit :attr:`sig_refused` and return False."""
        try:
            self.history.push(command)
        except CommandError as exc:
            self.last_error = exc
            self.sig_refused.emit(str(exc), exc.path)
            return False
        self.last_error = None
        return True

    def undo(self) -> None:
        """Undo the latest step (end any typing run first)."""
        self.history.seal()
        self.history.undo()

    def redo(self) -> None:
        """Redo the latest undone step."""
        self.history.redo()

    def replace(self, protocol: Protocol, file_path: Path | None, library_id: str | None) -> None:
        """Show another protocol (after Open or New): empty history, clean."""
        self.file_path = file_path
        self.library_id = library_id
        self.history.reset(protocol)
        self.sig_state_changed.emit()

    def mark_saved(self, *, file_path: Path | None = None, library_id: str | None = None) -> None:
        """Record a successful save: the current state is clean."""
        if file_path is not None:
            self.file_path = file_path
        if library_id is not None:
            self.library_id = library_id
        self.history.mark_clean()
        self.sig_state_changed.emit()

    def _on_history_changed(self, change: Change) -> None:
        self.sig_changed.emit(change)
        self.sig_state_changed.emit()
