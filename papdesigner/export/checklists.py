"""Reporting checklists (SPIRIT 2013, SPIRIT 2025, ReSPCT 2025) for the PDF appendices.

The item lists are data in ``resources/checklists/*.yaml``. Each item names the
headings of the PDF that address it (``refs``) and the protocol fields that must
hold a value for it to count as addressed (``fields``); free-text sections add
themselves through the items listed in ``resources/catalogues/narrative_sections.yaml``.
The page numbers are not guessed: the layout resolves each heading to the page it
was drawn on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from papdesigner.model.protocol import Protocol
from papdesigner.paths import resource

CHECKLIST_IDS = ("spirit2013", "spirit2025", "respct2025")


@dataclass(frozen=True)
class ChecklistItem:
    """One row of a checklist."""

    no: str
    section: str
    topic: str
    text: str
    confidence: str
    refs: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Checklist:
    """A whole checklist with its citation."""

    id: str
    title: str
    citation: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class ChecklistRow:
    """An item as it applies to one protocol: the headings where it is addressed, if any."""

    item: ChecklistItem
    keys: tuple[str, ...]

    @property
    def has_content(self) -> bool:
        """True when some heading of the PDF addresses the item."""
        return bool(self.keys)


def _item(raw: dict[str, Any]) -> ChecklistItem:
    return ChecklistItem(
        no=str(raw["item"]),
        section=str(raw["section"]),
        topic=str(raw["topic"]),
        text=str(raw["text"]),
        confidence=str(raw["confidence"]),
        refs=tuple(raw.get("refs") or ()),
        fields=tuple(raw.get("fields") or ()),
    )


@cache
def load_checklists() -> tuple[Checklist, ...]:
    """Read the shipped checklists (once per process), in appendix order."""
    result = []
    for checklist_id in CHECKLIST_IDS:
        path = resource("checklists", f"{checklist_id}.yaml")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = tuple(_item(raw) for raw in data["items"])
        result.append(
            Checklist(data["id"], data["title"], " ".join(data["citation"].split()), items)
        )
    return tuple(result)


def _values(node: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return [node]
    head, rest = parts[0], parts[1:]
    if head.endswith("[*]"):
        items = _values(node, [head[:-3]])
        return [
            v for item in items if isinstance(item, list) for el in item for v in _values(el, rest)
        ]
    if isinstance(node, dict):
        return _values(node[head], rest) if head in node else []
    if hasattr(node, head):
        return _values(getattr(node, head), rest)
    return []


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict | tuple):
        return bool(value)
    return value is not None and value is not False


def field_has_value(protocol: Protocol, path: str) -> bool:
    """True when the dotted ``path`` (``[*]`` = every element) holds a non-empty value."""
    return any(_filled(v) for v in _values(protocol, path.split(".")))


def rows_for(
    protocol: Protocol, checklist: Checklist, narrative: dict[str, tuple[str, ...]]
) -> tuple[ChecklistRow, ...]:
    """Return the checklist's rows with the headings that address each item.

    ``narrative`` maps an item number to the heading keys of the filled-in free-text
    sections that address it.
    """
    rows = []
    for item in checklist.items:
        structured = not item.fields or any(field_has_value(protocol, f) for f in item.fields)
        keys = (item.refs if structured else ()) + narrative.get(item.no, ())
        rows.append(ChecklistRow(item, keys))
    return tuple(rows)
