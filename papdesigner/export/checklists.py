"""Reporting checklists (SPIRIT 2013, SPIRIT 2025, ReSPCT 2025) for the PDF appendices.

The item lists are data in ``resources/checklists/*.yaml``. Each checklist names
the completeness rule set that checks it (``ruleset``, e.g. SPIRIT-2013) and the
prefix of that set's rule ids (``rule_prefix``, e.g. ``SP13-``); rule ``SP13-10``
and its second check ``SP13-10-PROVIDERS`` belong to item 10.

Whether an item is addressed is decided in one place, the check report, whenever
the item has a rule (:mod:`papdesigner.export.checklist_status`). What this module
keeps of its own is *where* an item is printed: each item names the headings of
the PDF that address it (``refs``) and the protocol fields behind them
(``fields``); free-text sections add themselves through the items listed in
``resources/catalogues/narrative_sections.yaml``. The layout resolves each heading
to the page it was drawn on. Only an item without a rule is decided by this
mapping (it counts as addressed when one of its fields holds a value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from papdesigner.model.protocol import Protocol
from papdesigner.model.yamlload import safe_load
from papdesigner.paths import resource

CHECKLIST_IDS = ("spirit2013", "spirit2025", "respct2025")
_RULE_ITEM = re.compile(r"^0*(\d+[a-z]?)(?:-[A-Z][A-Z0-9]*)*$")


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
    min_fields: int = 1
    """How many of ``fields`` must hold a value for the item to count as addressed."""


@dataclass(frozen=True)
class Checklist:
    """A whole checklist with its citation and the rule set that checks its items."""

    id: str
    title: str
    citation: str
    items: tuple[ChecklistItem, ...]
    ruleset: str = ""
    rule_prefix: str = ""

    def item_of_rule(self, rule_id: str) -> str | None:
        """The item number a rule of :attr:`ruleset` checks ("SP13-02a" -> "2a"), if any."""
        if not self.rule_prefix or not rule_id.startswith(self.rule_prefix):
            return None
        match = _RULE_ITEM.match(rule_id[len(self.rule_prefix) :])
        return match.group(1) if match else None


def _item(raw: dict[str, Any]) -> ChecklistItem:
    return ChecklistItem(
        no=str(raw["item"]),
        section=str(raw["section"]),
        topic=str(raw["topic"]),
        text=str(raw["text"]),
        confidence=str(raw["confidence"]),
        refs=tuple(raw.get("refs") or ()),
        fields=tuple(raw.get("fields") or ()),
        min_fields=int(raw.get("min_fields") or 1),
    )


@cache
def load_checklists() -> tuple[Checklist, ...]:
    """Read the shipped checklists (once per process), in appendix order."""
    result = []
    for checklist_id in CHECKLIST_IDS:
        path = resource("checklists", f"{checklist_id}.yaml")
        data = safe_load(path.read_text(encoding="utf-8"))
        items = tuple(_item(raw) for raw in data["items"])
        result.append(
            Checklist(
                data["id"],
                data["title"],
                " ".join(data["citation"].split()),
                items,
                ruleset=str(data.get("ruleset") or ""),
                rule_prefix=str(data.get("rule_prefix") or ""),
            )
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


@dataclass(frozen=True)
class ItemPlaces:
    """Where the PDF prints an item: headings in the order to cite them, and the mapping's verdict.

    ``keys`` lists the headings whose fields hold a value first, then the free-text
    sections, then the item's other headings (for an item that a rule finds
    addressed through something the field list does not name). ``mapped`` is the
    mapping's own verdict, used only for items without a rule.
    """

    keys: tuple[str, ...]
    mapped: bool


def item_places(protocol: Protocol, item: ChecklistItem, narrative: tuple[str, ...]) -> ItemPlaces:
    """Return where ``item`` is printed; ``narrative`` = keys of its filled free-text sections."""
    filled = sum(1 for f in item.fields if field_has_value(protocol, f))
    structured = not item.fields or filled >= min(item.min_fields, len(item.fields))
    first = item.refs if structured else ()
    rest = () if structured else item.refs
    keys = tuple(dict.fromkeys((*first, *narrative, *rest)))
    return ItemPlaces(keys, mapped=bool(first or narrative))
