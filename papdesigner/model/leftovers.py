"""Example text left in a protocol: identity and approval facts still equal to a shipped example.

A protocol started from an example keeps the example's acronym, protocol number,
sponsor, investigator, ethics committee and US registrations until someone
replaces them; a PDF with another trial's sponsor must not reach an ethics board.
This is a papdesigner convention (not a regulatory rule): the GUI marks each such
field "to replace" and lists them, until the value is edited.

The shipped example itself (same protocol id) is not reported: it is a demonstration.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from papdesigner.model.jsonpath import JsonPath
from papdesigner.model.protocol import Protocol

FIELDS: tuple[tuple[JsonPath, str], ...] = (
    (("metadata", "title"), "Title"),
    (("metadata", "short_title"), "Short title"),
    (("metadata", "acronym"), "Acronym"),
    (("metadata", "protocol_number"), "Protocol number"),
    (("metadata", "funding"), "Funding"),
    (("metadata", "sponsor", "name"), "Sponsor"),
    (("metadata", "sponsor", "address"), "Sponsor address"),
    (("metadata", "sponsor", "contact"), "Sponsor contact"),
    (("metadata", "sponsor", "signatory"), "Sponsor signatory"),
    (("metadata", "principal_investigator", "name"), "Principal investigator"),
    (("metadata", "principal_investigator", "affiliation"), "PI affiliation"),
    (("metadata", "principal_investigator", "email"), "PI e-mail"),
    (("regulatory", "ethics", "committee_name"), "Ethics committee"),
    (("regulatory", "ethics", "reference"), "Approval reference"),
    (("regulatory", "ind_number"), "IND number"),
    (("regulatory", "dea_schedule1_registration"), "DEA Schedule I registration"),
    (("regulatory", "ctn_or_cta"), "CTN/CTA reference"),
    (("regulatory", "import_permit"), "Import permit"),
)
"""The facts that identify a trial, its people and its approvals (path, field label)."""


@dataclass(frozen=True)
class Leftover:
    """A field whose value is still the text of a shipped example."""

    path: JsonPath
    label: str
    value: str
    example: str
    """The title of the example the text comes from."""

    @property
    def json_path(self) -> str:
        """The path in the ``$.a.b[0]`` notation of findings."""
        text = "$"
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text


def _value(data: Any, path: JsonPath) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _registration_paths(data: dict[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    registrations = _value(data, ("metadata", "registrations")) or []
    for index, item in enumerate(registrations):
        registry = item.get("registry", "") if isinstance(item, dict) else ""
        yield ("metadata", "registrations", index, "identifier"), f"{registry} identifier".strip()


@functools.cache
def _example_values() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """Per shipped example: its id, its title and every identity value it holds."""
    from papdesigner.model.fileformat import ProtocolFileError, load_protocol
    from papdesigner.model.templates import template_names, template_path

    found = []
    for name in template_names():
        try:
            example = load_protocol(template_path(name))
        except ProtocolFileError:
            continue
        data = example.model_dump(mode="json")
        values = {
            str(v)
            for path, _label in (*FIELDS, *_registration_paths(data))
            if (v := _value(data, path)) not in (None, "")
        }
        found.append((str(example.id), example.metadata.title or name, frozenset(values)))
    return tuple(found)


def template_leftovers(protocol: Protocol) -> list[Leftover]:
    """Fields of ``protocol`` that still hold a shipped example's text, in form order."""
    data = protocol.model_dump(mode="json")
    examples = [e for e in _example_values() if e[0] != str(protocol.id)]
    if len(examples) < len(_example_values()):
        return []  # this is a shipped example itself
    leftovers = []
    for path, label in (*FIELDS, *_registration_paths(data)):
        value = _value(data, path)
        if not isinstance(value, str) or len(value.strip()) < 3:
            continue  # short values ("1.0", "I") are not identifying
        source = next((title for _id, title, values in examples if value in values), None)
        if source is not None:
            leftovers.append(Leftover(path, label, value, source))
    return leftovers
