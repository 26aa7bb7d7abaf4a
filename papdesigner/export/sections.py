"""ICH M11 section numbers for the headings of the exported protocol.

A template heading that corresponds to an ICH M11 section says so (``<h2 key="dosing"
m11="6.3">``) and is printed with that number; the numbers and their titles come from
``resources/catalogues/m11_sections.yaml``, the catalogue the amendment diff
(:mod:`papdesigner.diff.sections`) uses to place every change. So the PDF and a
summary of changes cite the same numbers. A heading with no M11 counterpart has no
number of its own (it never takes a number that M11 gives to another section).
"""

from __future__ import annotations

from functools import cache

from papdesigner.model.yamlload import safe_load
from papdesigner.paths import resource


@cache
def m11_sections() -> dict[str, str]:
    """Return M11 section number -> title for the numbered sections of the protocol body.

    The title page ("") and the catalogue's non-M11 entries (the compliance appendix,
    "A") are left out: only numbers of the form 1, 6.3, 6.10.1 name body headings.
    """
    data = safe_load(resource("catalogues", "m11_sections.yaml").read_text(encoding="utf-8"))
    sections: dict[str, str] = {}
    for entry in data.get("sections") or ():
        number = str(entry.get("number") or "")
        if number and all(part.isdigit() for part in number.split(".")):
            sections[number] = str(entry.get("title") or "")
    return sections


def sort_key(number: str) -> tuple[int, ...]:
    """Document order of M11 numbers: 6.3 < 6.9.2 < 6.10 < 6.10.1."""
    return tuple(int(part) for part in number.split("."))
