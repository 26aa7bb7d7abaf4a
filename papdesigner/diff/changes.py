"""The result of comparing two protocol versions: a list of changes, each placed in a section."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from papdesigner.diff.sections import Section
from papdesigner.diff.structure import ElementKey
from papdesigner.model.jsonpath import PathPart, format_path

ChangeKind = Literal["added", "removed", "modified"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference between version A and version B.

    - ``added``: an element (or object key) exists only in B; ``after`` holds it.
    - ``removed``: it exists only in A; ``before`` holds it.
    - ``modified``: a value differs; ``before`` and ``after`` hold the two values. For a list of
      plain values, ``items_added`` and ``items_removed`` say which values differ.

    ``key`` names the place by identity (``sessions[id=dose1].dosing.observation_hours``) and
    stays the same however the lists are ordered, so a rationale written for a change can be
    found again; ``steps`` is the same as field names and element keys. ``path_a`` and
    ``path_b`` are the positions in each version (None where the place does not exist), in the
    JSON-path parts that findings and the UI use.
    """

    kind: ChangeKind
    key: str
    steps: tuple[str | ElementKey, ...]
    pattern: tuple[str, ...]
    path_a: tuple[PathPart, ...] | None
    path_b: tuple[PathPart, ...] | None
    section: Section
    before: Any = None
    after: Any = None
    items_added: tuple[Any, ...] = ()
    items_removed: tuple[Any, ...] = ()

    @property
    def path(self) -> str:
        """Return the JSON path of the change: in B, or in A for a removal."""
        parts = self.path_b if self.path_b is not None else self.path_a
        return format_path(parts or ())

    @property
    def field_name(self) -> str:
        """Return the last field name of the path (the list name for an element)."""
        names = [p for p in self.pattern if p != "*"]
        return names[-1] if names else ""

    @property
    def is_element(self) -> bool:
        """Return whether the change adds or removes a whole list element."""
        return bool(self.pattern) and self.pattern[-1] == "*"


@dataclass(frozen=True)
class ProtocolDiff:
    """Every change from A to B, in a stable order, with the two versions as JSON data."""

    a: dict[str, Any]
    b: dict[str, Any]
    changes: tuple[Difference, ...]
    fingerprint_a: str = ""
    fingerprint_b: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def counts(self) -> dict[str, int]:
        """Return how many changes of each kind there are (all three kinds always present)."""
        counted = Counter(c.kind for c in self.changes)
        return {kind: counted.get(kind, 0) for kind in ("added", "removed", "modified")}

    def by_section(self) -> list[tuple[Section, list[Difference]]]:
        """Group the changes by section, sections in document order, changes in diff order."""
        groups: dict[Section, list[Difference]] = {}
        for change in self.changes:
            groups.setdefault(change.section, []).append(change)
        return sorted(groups.items(), key=lambda item: item[0].sort_key())

    def change(self, key: str) -> Difference | None:
        """Return the change with this key, or None."""
        return next((c for c in self.changes if c.key == key), None)
