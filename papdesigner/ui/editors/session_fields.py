"""Session fields whose change needs more than one edit to stay sound.

Making a session a dosing session adds its dosing details; turning a dosing
session into another kind drops them; switching to group format sets a group
size. Each is one undo step (a history group), checked for integrity as a whole.
"""

from __future__ import annotations

from typing import Any

from papdesigner.model import vocab
from papdesigner.model.commands import CommandError, SetValue
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import ChoiceField


class _GroupedChoice(ChoiceField):
    """A choice whose commit pushes several edits as one step."""

    def edits(self, value: Any) -> list[SetValue]:
        """The edits that make the choice sound."""
        raise NotImplementedError

    def commit(self, value: Any, *, typing: bool = False) -> None:
        """Push the edits as one history group; show a refusal under the field."""
        del typing
        if self._loading or value == self.document.json(self.path):
            return
        history = self.document.history
        try:
            with history.group(f"Change {self.label.lower()} to {vocab.label(str(value))}"):
                for edit in self.edits(value):
                    history.push(edit)
        except CommandError as exc:
            self.problems.set_refusal(exc.message)
            self.refresh()
            return
        self.problems.set_refusal("")


class SessionKindField(_GroupedChoice):
    """The kind of a session; to and from "dosing" adds or removes the dosing details."""

    def __init__(self, document: EditedProtocol, path: JsonPath, label: str = "Kind") -> None:
        super().__init__(document, path, label, vocabulary(vocab.SessionKind))

    def edits(self, value: Any) -> list[SetValue]:
        """Set the kind and add/drop the dosing details."""
        session = self.path[:-1]
        edits = [SetValue(self.path, value)]
        has_dosing = self.document.json((*session, "dosing")) is not None
        if value == "dosing" and not has_dosing:
            edits.append(SetValue((*session, "dosing"), {"observation_hours": None}))
        elif value != "dosing" and has_dosing:
            edits.append(SetValue((*session, "dosing"), None))
        return edits


class SessionFormatField(_GroupedChoice):
    """Individual or group; group format needs a group size of at least 2."""

    def __init__(self, document: EditedProtocol, path: JsonPath, label: str = "Format") -> None:
        super().__init__(document, path, label, vocabulary(vocab.SessionFormat))

    def edits(self, value: Any) -> list[SetValue]:
        """Set the format and a group size that fits it."""
        size_path = (*self.path[:-1], "group_size")
        size = self.document.json(size_path)
        new_size = max(int(size or 0), 2) if value == "group" else None
        return [SetValue(size_path, new_size), SetValue(self.path, value)]
