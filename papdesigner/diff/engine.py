"""The structural diff: walk two protocols' JSON data side by side and list what differs.

Works on the plain JSON form of a protocol (``protocol_to_dict``), so every field the model has
today or gains later is compared without code changes here. Lists are matched as
:mod:`papdesigner.diff.structure` says. The walk visits fields in file order and list elements
in B's order, so the same two versions always give the same changes in the same order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from papdesigner.diff.changes import ChangeKind, Difference, ProtocolDiff
from papdesigner.diff.sections import SectionMap, default_section_map
from papdesigner.diff.structure import ElementKey, element_keys, is_plain_list, key_fields
from papdesigner.model.fileformat import fingerprint, protocol_to_dict
from papdesigner.model.jsonpath import PathPart
from papdesigner.model.protocol import Protocol


@dataclass(frozen=True, slots=True)
class _Where:
    """The place being compared: positions in A and B, identity key, pattern."""

    path_a: tuple[PathPart, ...]
    path_b: tuple[PathPart, ...]
    key: str
    pattern: tuple[str, ...]
    steps: tuple[str | ElementKey, ...]

    def field(self, name: str) -> _Where:
        key = f"{self.key}.{name}" if self.key else name
        return _Where(
            (*self.path_a, name),
            (*self.path_b, name),
            key,
            (*self.pattern, name),
            (*self.steps, name),
        )

    def element(self, element: ElementKey, index_a: int | None, index_b: int | None) -> _Where:
        return _Where(
            (*self.path_a, index_a) if index_a is not None else self.path_a,
            (*self.path_b, index_b) if index_b is not None else self.path_b,
            self.key + element.step(),
            (*self.pattern, "*"),
            (*self.steps, element),
        )


class _Walker:
    def __init__(self, sections: SectionMap) -> None:
        self.sections = sections
        self.out: list[Difference] = []

    def emit(
        self,
        kind: ChangeKind,
        where: _Where,
        *,
        before: Any = None,
        after: Any = None,
        added: tuple[Any, ...] = (),
        removed: tuple[Any, ...] = (),
    ) -> None:
        self.out.append(
            Difference(
                kind=kind,
                key=where.key,
                steps=where.steps,
                pattern=where.pattern,
                path_a=None if kind == "added" else where.path_a,
                path_b=None if kind == "removed" else where.path_b,
                section=self.sections.section_for(where.pattern),
                before=before,
                after=after,
                items_added=added,
                items_removed=removed,
            )
        )

    def value(self, a: Any, b: Any, where: _Where) -> None:
        if _same(a, b):
            return
        if isinstance(a, dict) and isinstance(b, dict):
            self.mapping(a, b, where)
        elif isinstance(a, list) and isinstance(b, list):
            self.sequence(a, b, where)
        else:
            self.emit("modified", where, before=a, after=b)

    def mapping(self, a: dict[str, Any], b: dict[str, Any], where: _Where) -> None:
        for name, value_a in a.items():
            if name in b:
                self.value(value_a, b[name], where.field(name))
            else:
                self.emit("removed", where.field(name), before=value_a)
        for name, value_b in b.items():
            if name not in a:
                self.emit("added", where.field(name), after=value_b)

    def sequence(self, a: list[Any], b: list[Any], where: _Where) -> None:
        fields = key_fields(where.pattern, a, b)
        if fields is not None:
            self.keyed(a, b, fields, where)
        elif is_plain_list(a, b):
            self.multiset(a, b, where)
        else:
            self.emit("modified", where, before=a, after=b)

    def keyed(self, a: list[Any], b: list[Any], fields: tuple[str, ...], where: _Where) -> None:
        keys_a = element_keys(a, fields)
        keys_b = element_keys(b, fields)
        index_a = {k: i for i, k in enumerate(keys_a)}
        index_b = {k: i for i, k in enumerate(keys_b)}
        for i, k in enumerate(keys_a):
            if k not in index_b:
                self.emit("removed", where.element(k, i, None), before=a[i])
        for j, k in enumerate(keys_b):
            matched = index_a.get(k)
            if matched is None:
                self.emit("added", where.element(k, None, j), after=b[j])
            else:
                self.value(a[matched], b[j], where.element(k, matched, j))

    def multiset(self, a: list[Any], b: list[Any], where: _Where) -> None:
        count_a = Counter(_tagged(v) for v in a)
        count_b = Counter(_tagged(v) for v in b)
        if count_a == count_b:
            return  # same values in another order: no change
        added = _take(b, count_b - count_a)
        removed = _take(a, count_a - count_b)
        self.emit("modified", where, before=a, after=b, added=added, removed=removed)


def _tagged(value: Any) -> tuple[bool, Any]:
    # True == 1 in Python; a boolean and a number are different values in a protocol.
    return (isinstance(value, bool), value)


def _take(values: list[Any], wanted: Counter[tuple[bool, Any]]) -> tuple[Any, ...]:
    left = Counter(wanted)
    picked = []
    for value in values:
        tag = _tagged(value)
        if left[tag] > 0:
            left[tag] -= 1
            picked.append(value)
    return tuple(picked)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if type(a) is not type(b) and not (_is_number(a) and _is_number(b)):
        return False
    return bool(a == b)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def diff_data(
    a: dict[str, Any], b: dict[str, Any], sections: SectionMap | None = None
) -> list[Difference]:
    """Return the changes from JSON data ``a`` to ``b`` (two protocols as plain JSON)."""
    walker = _Walker(sections or default_section_map())
    walker.value(a, b, _Where((), (), "", (), ()))
    return walker.out


def diff_protocols(a: Protocol, b: Protocol, sections: SectionMap | None = None) -> ProtocolDiff:
    """Compare two versions of a protocol; see :class:`ProtocolDiff`."""
    data_a = protocol_to_dict(a)
    data_b = protocol_to_dict(b)
    notes = []
    if a.id != b.id:
        notes.append(f"A and B are different protocols (ids {a.id} and {b.id}).")
    return ProtocolDiff(
        a=data_a,
        b=data_b,
        changes=tuple(diff_data(data_a, data_b, sections)),
        fingerprint_a=fingerprint(a),
        fingerprint_b=fingerprint(b),
        notes=tuple(notes),
    )
