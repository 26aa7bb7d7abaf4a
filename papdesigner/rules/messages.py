"""Render a rule's message and fix templates for one element.

Placeholders are ``{it.<dotted path>}``, ``{p.<dotted path>}``, a name from the
rule's ``values`` map, ``{path}`` or ``{rule_id}``, each with an optional format
spec (``{it.duration_hours:.1f}``). A placeholder that cannot be resolved is left
in the text as written and reported, so a broken template is visible, never fatal.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

_MISSING = object()


def lookup(data: Any, dotted: str) -> Any:
    """Follow ``a.b.c`` through nested mappings (and list indices); return _MISSING if absent."""
    current = data
    for part in dotted.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
    return current


def display(value: Any) -> str:
    """Show a value the way a reviewer reads it: 25.0 -> "25", [a, b] -> "a, b", null -> "none".

    Blank text is "none" too: "instrument named:   ." told a reader nothing.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, list):
        return ", ".join(display(v) for v in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {display(v)}" for k, v in value.items()) or "none"
    return str(value)


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def render(template: str, context: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Fill a template from ``context`` (keys ``it``, ``p``, value names...).

    Returns the text and a list of problems (unresolvable placeholders). A field
    (``{it.x}``, ``{p.x}``) that is null or blank shows as "none", and loses the quotes
    around it: ``specialty is "{p.x}"`` reads ``specialty is none``, not ``"none"``
    (which looks like a word the user typed). An empty text from ``values:`` stays
    empty, so ``''`` works as an optional suffix.
    """
    out: list[str] = []
    problems: list[str] = []
    unquote_next = False
    for raw, field_name, spec, _conversion in string.Formatter().parse(template):
        literal = raw[1:] if unquote_next and raw.startswith('"') else raw
        unquote_next = False
        if field_name is None:
            out.append(literal)
            continue
        value = _resolve(field_name, context)
        if value is _MISSING:
            problems.append(f"placeholder {{{field_name}}} could not be resolved")
            out += [literal, "{" + field_name + (f":{spec}" if spec else "") + "}"]
            continue
        if value == "" and "." not in field_name:
            out.append(literal)  # a values: '' is an optional part left out on purpose
            continue
        if _absent(value) and literal.endswith('"'):
            literal, unquote_next = literal[:-1], True
        out += [literal, _formatted(value, spec or "", field_name, problems)]
    return "".join(out), problems


def _resolve(field_name: str, context: Mapping[str, Any]) -> Any:
    if field_name in context:
        return context[field_name]
    head, _, rest = field_name.partition(".")
    if head in context and rest:
        return lookup(context[head], rest)
    return _MISSING


def _formatted(value: Any, spec: str, field_name: str, problems: list[str]) -> str:
    if not spec:
        return display(value)
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        problems.append(f"placeholder {{{field_name}:{spec}}} does not fit value {value!r}")
        return display(value)
