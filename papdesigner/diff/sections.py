"""Where a change belongs in an ICH M11 protocol: section number and title.

The data lives in ``resources/catalogues/m11_sections.yaml``: the sections, and a mapping from
JSON-path patterns (``$.sessions[*].dosing``) to section numbers. The longest pattern that is a
prefix of a change's path wins, so the file says "sessions belong to the schedule of
activities, except their dosing, which is intervention administration" in two lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from papdesigner.model.catalogues import narrative_sections
from papdesigner.paths import resource

_PATTERN_PART = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*|\*)$")


@dataclass(frozen=True, slots=True)
class Section:
    """One protocol section: M11 number ("" for the title page), title and NCI Thesaurus code."""

    number: str
    title: str
    ncit: str | None = None

    @property
    def label(self) -> str:
        """Return "6.1 Description of ..." (or just the title for an unnumbered section)."""
        return f"{self.number} {self.title}" if self.number else self.title

    def sort_key(self) -> tuple[tuple[int, int | str], ...]:
        """Order sections as in the document: title page, 1, 1.1, ..., 10, 11, then appendices."""
        if not self.number:
            return ()
        return tuple((0, int(p)) if p.isdigit() else (1, p) for p in self.number.split("."))


class SectionCatalogueError(ValueError):
    """The section catalogue is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class SectionMap:
    """Sections by number and the pattern mapping, loaded once."""

    sections: dict[str, Section]
    mapping: dict[tuple[str, ...], Section]
    source: str
    provenance: str

    def section_for(self, pattern: Sequence[str]) -> Section:
        """Return the section of a change whose path has this pattern (``*`` for list items)."""
        parts = tuple(pattern)
        for end in range(len(parts), -1, -1):
            found = self.mapping.get(parts[:end])
            if found is not None:
                return found
        # Unreachable with the shipped file, whose "$" entry maps the empty prefix.
        return self.sections.get("12", Section("12", "Appendix: Supporting Details"))


def parse_pattern(text: str) -> tuple[str, ...]:
    """Split ``$.sessions[*].dosing`` into ``("sessions", "*", "dosing")``."""
    if not text.startswith("$"):
        msg = f"pattern must start with '$': {text!r}"
        raise ValueError(msg)
    body = text[1:].replace("[*]", ".*")
    if not body:
        return ()
    if not body.startswith("."):
        msg = f"malformed pattern {text!r}"
        raise ValueError(msg)
    parts = tuple(body[1:].split("."))
    for part in parts:
        if not _PATTERN_PART.match(part):
            msg = f"malformed pattern {text!r} (part {part!r})"
            raise ValueError(msg)
    return parts


def load_section_map(path: Path) -> SectionMap:
    """Read and check a section catalogue; raise SectionCatalogueError naming what is wrong."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        msg = f"{path}: cannot read section catalogue ({exc})"
        raise SectionCatalogueError(msg) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("sections"), list):
        msg = f"{path}: expected a mapping with a 'sections' list"
        raise SectionCatalogueError(msg)
    sections: dict[str, Section] = {}
    for i, entry in enumerate(raw["sections"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
            msg = f"{path}: sections[{i}] needs a number and a title"
            raise SectionCatalogueError(msg)
        number = str(entry.get("number", ""))
        if number in sections:
            msg = f"{path}: section {number!r} is listed twice"
            raise SectionCatalogueError(msg)
        sections[number] = Section(number, entry["title"], entry.get("ncit"))
    mapping: dict[tuple[str, ...], Section] = {}
    for pattern_text, number in (raw.get("mapping") or {}).items():
        try:
            pattern = parse_pattern(str(pattern_text))
        except ValueError as exc:
            raise SectionCatalogueError(f"{path}: mapping: {exc}") from None
        if str(number) not in sections:
            msg = f"{path}: mapping {pattern_text!r} names unknown section {number!r}"
            raise SectionCatalogueError(msg)
        mapping[pattern] = sections[str(number)]
    return SectionMap(
        sections, mapping, str(raw.get("source", "")), str(raw.get("provenance", "uncertain"))
    )


@cache
def default_section_map() -> SectionMap:
    """Return the shipped ICH M11 section catalogue (read once per process).

    Narrative sections are placed where the narrative-section catalogue puts them in the
    exported PDF, so the summary of changes and the document agree.
    """
    base = load_section_map(resource("catalogues", "m11_sections.yaml"))
    mapping = dict(base.mapping)
    for entry in narrative_sections():
        pattern = ("narrative", entry.key())
        section = base.sections.get(entry.m11[0])
        if section is not None and pattern not in mapping:
            mapping[pattern] = section
    return SectionMap(base.sections, mapping, base.source, base.provenance)
