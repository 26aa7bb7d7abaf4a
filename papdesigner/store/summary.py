"""What the library indexes about a protocol's head: list columns, filter facets, search text.

All of it is derived from the head version and rewritten whenever a new head is
saved; none of it is part of the tamper-evident history.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from papdesigner.model.protocol import Protocol
from papdesigner.model.vocab import label

FACETS = ("substance", "indication", "context", "jurisdiction")


@dataclass(frozen=True)
class HeadSummary:
    """The columns of the ``protocols`` row, the facet rows and the search document."""

    columns: dict[str, str]
    facets: tuple[tuple[str, str], ...]
    search: dict[str, str]


def summarize(protocol: Protocol) -> HeadSummary:
    """Return what the library lists, filters and searches for this protocol."""
    meta = protocol.metadata
    substances = protocol.substances()
    jurisdictions = protocol.jurisdictions()
    columns = {
        "title": meta.title,
        "acronym": meta.acronym,
        "protocol_number": meta.protocol_number,
        "document_version": meta.version,
        "context": protocol.context,
        "condition": protocol.indication.condition,
        "substances": json.dumps(substances),
        "jurisdictions": json.dumps(jurisdictions),
    }
    facets = (
        *(("substance", s) for s in substances),
        ("indication", protocol.indication.condition),
        ("context", protocol.context),
        *(("jurisdiction", j) for j in jurisdictions),
    )
    unique = tuple(dict.fromkeys(facets))
    search = _search_document(protocol)
    search["facets"] = "\n".join(facet_phrase(facet, value) for facet, value in unique)
    return HeadSummary(columns, unique, search)


def facet_phrase(facet: str, value: str) -> str:
    """Return a filter value as the words the search index stores ("jurisdiction us or")."""
    return " ".join([facet, *re.findall(r"[0-9A-Za-z]+", value)]).lower()


def _search_document(protocol: Protocol) -> dict[str, str]:
    meta = protocol.metadata
    numbers = [meta.protocol_number, *(r.identifier for r in meta.registrations)]
    substances = [label(p.substance) + " " + p.name for p in protocol.products]
    indication = [label(protocol.indication.condition), protocol.indication.description]
    text = [
        *protocol.narrative.values(),
        meta.sponsor.name,
        meta.principal_investigator.name,
        " ".join(meta.keywords),
        protocol.psychotherapy.model,
        *(objective.text for objective in protocol.objectives),
    ]
    return {
        "title": _join([meta.title, meta.short_title]),
        "acronym": meta.acronym,
        "protocol_number": _join(numbers),
        "substances": _join(substances),
        "indication": _join(indication),
        "text": _join(text),
    }


def _join(parts: list[str]) -> str:
    return "\n".join(part for part in parts if part)
