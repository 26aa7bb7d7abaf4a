"""Undoable edit commands: every change to a protocol is one of these values.

A command names the place it changes by a JSON path (the one spelling of
:mod:`papdesigner.model.jsonpath`) and carries plain JSON values, so a command
is a small, comparable, loggable value. ``apply(protocol)`` changes the protocol
in place and returns the *inverse* command; applying the inverse restores the
protocol exactly (its canonical JSON is unchanged).

Values are validated by pydantic on the way in: a command assigns to the nearest
pydantic model field above the path, so the model's own types, bounds and
patterns decide. A value that does not validate raises :class:`CommandError`
naming the JSON path and the reason, and leaves the protocol untouched.

The history (:mod:`papdesigner.model.history`) adds the integrity check, merging
of typing into one step, and undo/redo stacks on top of these commands.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from papdesigner.model.jsonpath import JsonPath, PathPart, format_path
from papdesigner.model.protocol import Protocol


class _Missing:
    """Marks a dictionary key that does not exist (distinct from a JSON null)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""The value of a dictionary key that is absent; ``SetValue(path, MISSING)`` deletes it."""


class CommandError(ValueError):
    """An edit was refused; ``str()`` is one line naming the JSON path and the reason."""

    def __init__(self, path: Sequence[PathPart], message: str) -> None:
        self.path: JsonPath = tuple(path)
        self.message = message
        super().__init__(f"{format_path(self.path)}: {message}")


# --- reading and writing by path -----------------------------------------------------------


def to_json(value: Any) -> Any:
    """Return ``value`` as plain JSON data (models dumped, dates as ISO strings)."""
    if value is MISSING:
        return MISSING
    return to_jsonable_python(value)


def get_value(protocol: Protocol, path: Sequence[PathPart]) -> Any:
    """Return the object at ``path`` (a model, list, dict or scalar); CommandError if absent."""
    node: Any = protocol
    for depth, part in enumerate(path):
        node = _child(node, part, path[: depth + 1])
    return node


def _child(node: Any, part: PathPart, where: Sequence[PathPart]) -> Any:
    if isinstance(node, BaseModel) and isinstance(part, str):
        if part in type(node).model_fields:
            return getattr(node, part)
    elif isinstance(node, list) and isinstance(part, int) and not isinstance(part, bool):
        if 0 <= part < len(node):
            return node[part]
    elif isinstance(node, dict) and isinstance(part, str) and part in node:
        return node[part]
    raise CommandError(where, "no such place in the protocol")


def get_json(protocol: Protocol, path: Sequence[PathPart]) -> Any:
    """Return the JSON value at ``path``, or MISSING for an absent dictionary key."""
    try:
        return to_json(get_value(protocol, path))
    except CommandError:
        parent = get_value(protocol, path[:-1]) if path else protocol
        if isinstance(parent, dict) and isinstance(path[-1], str):
            return MISSING
        raise


def _split(protocol: Protocol, path: Sequence[PathPart]) -> tuple[BaseModel, int]:
    """Find the deepest model field on ``path``: return the model and the index of the field."""
    if not path:
        raise CommandError(path, "the whole protocol cannot be replaced by an edit")
    node: Any = protocol
    owner: BaseModel = protocol
    field_index = 0
    for depth, part in enumerate(path[:-1]):
        if isinstance(node, BaseModel):
            owner, field_index = node, depth
        node = _child(node, part, path[: depth + 1])
    if isinstance(node, BaseModel):
        if not isinstance(path[-1], str) or path[-1] not in type(node).model_fields:
            raise CommandError(path, "no such field")
        owner, field_index = node, len(path) - 1
    return owner, field_index


def _replace_within(container: Any, rest: Sequence[PathPart], new: Any, where: JsonPath) -> Any:
    """Return a copy of a list/dict value with the item at ``rest`` replaced by ``new``."""
    if not rest:
        return new
    head, tail = rest[0], rest[1:]
    if isinstance(container, list) and isinstance(head, int) and 0 <= head < len(container):
        copy = list(container)
        copy[head] = _replace_within(container[head], tail, new, where)
        return copy
    if isinstance(container, dict) and isinstance(head, str):
        copy_d = dict(container)
        if not tail and new is MISSING:
            copy_d.pop(head, None)
        elif tail and head not in copy_d:
            raise CommandError(where, "no such place in the protocol")
        else:
            copy_d[head] = _replace_within(copy_d.get(head), tail, new, where)
        return copy_d
    raise CommandError(where, "no such place in the protocol")


def assign(protocol: Protocol, path: Sequence[PathPart], value: Any) -> None:
    """Validate ``value`` and store it at ``path``; CommandError (protocol unchanged) if invalid.

    The value is assigned to the deepest pydantic model field on the path, so the
    model validates it; list and dict items below that field are replaced by a
    copy-on-write of the field's value.
    """
    where = tuple(path)
    owner, field_index = _split(protocol, where)
    field_name = where[field_index]
    assert isinstance(field_name, str)
    rest = where[field_index + 1 :]
    if not rest and value is MISSING:
        raise CommandError(where, "a field of the protocol cannot be deleted")
    new_value = _replace_within(getattr(owner, field_name), rest, value, where)
    try:
        setattr(owner, field_name, new_value)
    except ValidationError as exc:
        raise _validation_error(where[:field_index], exc) from None


def _validation_error(model_path: JsonPath, exc: ValidationError) -> CommandError:
    first = exc.errors(include_url=False)[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and "[" in p))
    return CommandError((*model_path, *loc), _plain_message(first))


def _plain_message(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        return "unknown key (not part of the protocol format)"
    if error["type"] == "missing":
        return "required value is missing"
    if error["type"] == "literal_error":
        return message.replace("Input should be", "must be one of").replace("'", "")
    return message[0].lower() + message[1:] if message else "invalid value"


def _list_at(protocol: Protocol, path: JsonPath) -> list[Any]:
    value = get_value(protocol, path)
    if not isinstance(value, list):
        raise CommandError(path, "is not a list")
    return value


def _field_label(path: Sequence[PathPart]) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1].replace("_", " ") if names else "protocol"


_PLURAL = re.compile(r"(ies|s)$")


def _item_label(list_path: Sequence[PathPart]) -> str:
    name = _field_label(list_path)
    if name.endswith("ies"):
        return name[:-3] + "y"
    return _PLURAL.sub("", name) if name.endswith("s") and not name.endswith("ss") else name


# --- the commands -----------------------------------------------------------------------------


class Command(ABC):
    """An edit of a protocol that knows how to undo itself."""

    label: str

    @abstractmethod
    def apply(self, protocol: Protocol) -> Command:
        """Change ``protocol`` in place and return the command that undoes the change."""

    @abstractmethod
    def paths(self) -> tuple[JsonPath, ...]:
        """Return the JSON paths whose values this command changes (for selective refresh)."""

    def merge(self, following: Command) -> Command | None:
        """Return one command doing ``self`` then ``following``, or None if they stay apart."""
        del following
        return None

    def unchanged(self, protocol: Protocol, inverse: Command) -> bool:
        """Return True if applying this command (whose inverse is given) changed nothing."""
        del protocol, inverse
        return False


@dataclass(frozen=True)
class SetValue(Command):
    """Set the value at ``path`` (a field, a list item or a dictionary entry).

    ``merge_key`` groups consecutive edits of one field into one undo step
    (typing): two SetValue commands with the same path and the same non-empty
    ``merge_key`` merge. ``MISSING`` as a value removes a dictionary entry.
    """

    path: JsonPath
    value: Any
    label: str = ""
    merge_key: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", tuple(self.path))
        if not self.label:
            object.__setattr__(self, "label", f"Change {_field_label(self.path)}")

    def apply(self, protocol: Protocol) -> Command:
        """Assign the value; the inverse assigns the previous value."""
        old = get_json(protocol, self.path)
        assign(protocol, self.path, self.value)
        return SetValue(self.path, old, self.label, self.merge_key)

    def paths(self) -> tuple[JsonPath, ...]:
        """The path that was set."""
        return (self.path,)

    def merge(self, following: Command) -> Command | None:
        """Typing in one field: keep the latest value under one undo step."""
        if (
            isinstance(following, SetValue)
            and self.merge_key is not None
            and following.merge_key == self.merge_key
            and following.path == self.path
        ):
            return following
        return None

    def unchanged(self, protocol: Protocol, inverse: Command) -> bool:
        """True when the stored value equals the previous one (after validation)."""
        return isinstance(inverse, SetValue) and get_json(protocol, self.path) == inverse.value


@dataclass(frozen=True)
class InsertItem(Command):
    """Insert ``value`` into the list at ``list_path`` before ``index`` (``len`` appends)."""

    list_path: JsonPath
    index: int
    value: Any
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "list_path", tuple(self.list_path))
        if not self.label:
            object.__setattr__(self, "label", f"Add {_item_label(self.list_path)}")

    def apply(self, protocol: Protocol) -> Command:
        """Insert the validated item; the inverse removes it again."""
        items = list(_list_at(protocol, self.list_path))
        if not 0 <= self.index <= len(items):
            raise CommandError((*self.list_path, self.index), "index out of range")
        items.insert(self.index, self.value)
        assign(protocol, self.list_path, items)
        return RemoveItem(self.list_path, self.index, self.label)

    def paths(self) -> tuple[JsonPath, ...]:
        """The list whose items changed."""
        return (self.list_path,)


@dataclass(frozen=True)
class RemoveItem(Command):
    """Remove the item at ``index`` from the list at ``list_path``."""

    list_path: JsonPath
    index: int
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "list_path", tuple(self.list_path))
        if not self.label:
            object.__setattr__(self, "label", f"Remove {_item_label(self.list_path)}")

    def apply(self, protocol: Protocol) -> Command:
        """Remove the item; the inverse inserts a copy of it at the same place."""
        items = list(_list_at(protocol, self.list_path))
        if not 0 <= self.index < len(items):
            raise CommandError((*self.list_path, self.index), "index out of range")
        removed = to_json(items.pop(self.index))
        assign(protocol, self.list_path, items)
        return InsertItem(self.list_path, self.index, removed, self.label)

    def paths(self) -> tuple[JsonPath, ...]:
        """The list whose items changed."""
        return (self.list_path,)


@dataclass(frozen=True)
class MoveItem(Command):
    """Move the item at ``source`` of a list so that it ends up at index ``target``."""

    list_path: JsonPath
    source: int
    target: int
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "list_path", tuple(self.list_path))
        if not self.label:
            object.__setattr__(self, "label", f"Move {_item_label(self.list_path)}")

    def apply(self, protocol: Protocol) -> Command:
        """Move the item; the inverse moves it back."""
        items = list(_list_at(protocol, self.list_path))
        for index in (self.source, self.target):
            if not 0 <= index < len(items):
                raise CommandError((*self.list_path, index), "index out of range")
        items.insert(self.target, items.pop(self.source))
        assign(protocol, self.list_path, items)
        return MoveItem(self.list_path, self.target, self.source, self.label)

    def paths(self) -> tuple[JsonPath, ...]:
        """The list whose order changed."""
        return (self.list_path,)

    def unchanged(self, protocol: Protocol, inverse: Command) -> bool:
        """Moving an item onto itself changes nothing."""
        del protocol, inverse
        return self.source == self.target


@dataclass(frozen=True)
class Composite(Command):
    """Several commands applied in order as one undo step (all or nothing)."""

    commands: tuple[Command, ...]
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "commands", tuple(self.commands))
        if not self.label:
            first = self.commands[0].label if self.commands else "Edit"
            object.__setattr__(self, "label", first)

    def apply(self, protocol: Protocol) -> Command:
        """Apply every command; if one fails, undo the ones already applied and re-raise."""
        inverses: list[Command] = []
        try:
            for command in self.commands:
                inverses.append(command.apply(protocol))
        except Exception:
            for inverse in reversed(inverses):
                inverse.apply(protocol)
            raise
        return Composite(tuple(reversed(inverses)), self.label)

    def paths(self) -> tuple[JsonPath, ...]:
        """Every path of every command, without repeats, in order."""
        return tuple(dict.fromkeys(p for c in self.commands for p in c.paths()))


# --- helpers for building commands ------------------------------------------------------------


def unique_id(existing: Iterable[str], prefix: str) -> str:
    """Return ``prefix`` followed by the smallest number not yet used (``"session3"``)."""
    taken = set(existing)
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def append_item(
    protocol: Protocol, list_path: Sequence[PathPart], value: Any, label: str = ""
) -> InsertItem:
    """Return the command that appends ``value`` to the list at ``list_path``."""
    items = _list_at(protocol, tuple(list_path))
    return InsertItem(tuple(list_path), len(items), to_json(value), label)


def add_waiver(
    protocol: Protocol,
    rule_id: str,
    path: str | None,
    justification: str,
    *,
    author: str = "",
    date: str | None = None,
) -> InsertItem:
    """Return the command that records a waiver of one finding (``path`` None = whole protocol)."""
    if not justification.strip():
        raise CommandError(("waivers",), "a waiver needs a justification")
    waiver = {
        "rule_id": rule_id,
        "path": path,
        "justification": justification.strip(),
        "author": author,
        "date": date,
    }
    return append_item(protocol, ("waivers",), waiver, f"Waive {rule_id}")
