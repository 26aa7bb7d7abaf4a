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
