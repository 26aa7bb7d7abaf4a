"""JSON paths in the one spelling used everywhere: ``$.sessions[3].dosing.administrations[0].dose``.

Findings, validation errors and waivers name places in a protocol with these
paths; the UI jumps to the field a path names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PathPart = str | int
"""One step of a path: a key of an object or an index of a list."""
JsonPath = tuple[PathPart, ...]
"""A JSON path split into keys and indices: ``("sessions", 3, "dosing")``."""
_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_\-]*)|\[(\d+)\]|\[\"((?:[^\"\\]|\\.)*)\"\]")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def format_path(parts: Iterable[PathPart]) -> str:
    """Return the JSON path of a sequence of keys and list indices (``()`` is ``$``)."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


def parse_path(path: str) -> tuple[PathPart, ...]:
    """Split a JSON path written by :func:`format_path` back into keys and indices.

    Raises ValueError for anything else, so a malformed waiver path is caught early.
    """
    if not path.startswith("$"):
        msg = f"JSON path must start with '$': {path!r}"
        raise ValueError(msg)
    parts: list[PathPart] = []
    pos = 1
    while pos < len(path):
        match = _TOKEN.match(path, pos)
        if match is None:
            msg = f"malformed JSON path {path!r} at character {pos}"
            raise ValueError(msg)
        key, index, quoted = match.groups()
        if index is not None:
            parts.append(int(index))
        elif key is not None:
            parts.append(key)
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted))
        pos = match.end()
    return tuple(parts)
