"""How the lists of a protocol are matched between two versions.

Elements of a list are matched by identity, not by position, so that moving a session in the
list is no change and renaming it is a change of its title rather than a removal and an
addition:

- any list whose elements all carry an ``id`` is matched by ``id`` (sites, products, arms,
  roles, settings, sessions, objectives, endpoints, inclusion and exclusion criteria, and any
  such list a later schema adds);
- a few lists without ids are matched by the fields that identify an element
  (:data:`KEYED_LISTS`): a session's staff by role, a dosing session's administrations by arm
  and product, washouts by medication class, registrations by registry, waivers by rule and path;
- lists of plain values (assessments, arm ids, prohibited medications, ...) are compared as
  multisets: their order carries no meaning in a protocol;
- anything else is compared as a whole.

When two elements share a key (two administrations of the same product to the same arm, a
supplemental dose), the n-th of A is matched with the n-th of B.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

KEYED_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("sessions", "*", "staff"): ("role_id",),
    ("sessions", "*", "dosing", "administrations"): ("arm_id", "product_id"),
    ("medications", "washouts"): ("medication_class",),
    ("metadata", "registrations"): ("registry",),
    ("waivers",): ("rule_id", "path"),
}
"""Lists without ids, by JSON-path pattern (``*`` = any list element): the identifying fields."""

_PLAIN = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True, slots=True)
class ElementKey:
    """What identifies one list element: the values of its key fields and its occurrence."""

    fields: tuple[str, ...]
    values: tuple[Any, ...]
    occurrence: int = 0

    def step(self) -> str:
        """Return the key-path step, e.g. ``[id=dose1]`` or ``[arm_id=exp,product_id=psi@1]``."""
        pairs = ",".join(f"{f}={_show(v)}" for f, v in zip(self.fields, self.values, strict=True))
        more = f"@{self.occurrence}" if self.occurrence else ""
        return f"[{pairs}{more}]"


def _show(value: Any) -> str:
    if isinstance(value, str) and _PLAIN.match(value):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def key_fields(pattern: Sequence[str], *lists: Sequence[Any]) -> tuple[str, ...] | None:
    """Return the fields that identify elements of the list(s) at ``pattern``, or None.

    ``lists`` are the same list in each version being compared; all of them must fit the rule.
    """
    items = [item for values in lists for item in values]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    if all("id" in item for item in items):
        return ("id",)
    fields = KEYED_LISTS.get(tuple(pattern))
    if fields is not None and all(all(f in item for f in fields) for item in items):
        return fields
    return None


def element_keys(items: Sequence[dict[str, Any]], fields: tuple[str, ...]) -> list[ElementKey]:
    """Return the key of each element, numbering elements that share key values."""
    seen: dict[tuple[Any, ...], int] = {}
    keys = []
    for item in items:
        values = tuple(_hashable(item.get(f)) for f in fields)
        n = seen.get(values, 0)
        seen[values] = n + 1
        keys.append(ElementKey(fields, values, n))
    return keys


def is_plain_list(*lists: Sequence[Any]) -> bool:
    """Return whether every element of the lists is a plain JSON value (not an object or list)."""
    return all(not isinstance(item, dict | list) for values in lists for item in values)


def steps_for_path(data: Any, parts: Sequence[str | int]) -> tuple[str | ElementKey, ...]:
    """Turn a position path (``sessions, 3, title``) into identity steps of that version.

    List indices become element keys where the list is matched by key, so the same place
    has the same steps in two versions even when the lists are ordered differently.
    Positions of lists compared as a whole stay indices; so does a position past the end.
    """
    steps: list[str | ElementKey] = []
    pattern: list[str] = []
    node = data
    for part in parts:
        if isinstance(part, int):
            fields = key_fields(pattern, node) if isinstance(node, list) else None
            inside = isinstance(node, list) and 0 <= part < len(node)
            if fields is not None and inside:
                steps.append(element_keys(node, fields)[part])
            else:
                steps.append(str(part))
            node = node[part] if inside else None
            pattern.append("*")
        else:
            steps.append(part)
            node = node.get(part) if isinstance(node, dict) else None
            pattern.append(part)
    return tuple(steps)


def key_of_steps(steps: Sequence[str | ElementKey]) -> str:
    """Return the identity key of steps, spelled as a change's ``key``."""
    key = ""
    for step in steps:
        if isinstance(step, ElementKey):
            key += step.step()
        elif step.isdigit():
            key += f"[{step}]"
        else:
            key = f"{key}.{step}" if key else step
    return key
