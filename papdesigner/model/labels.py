"""Words for people: field labels, places and messages without internal codes.

Findings point at JSON paths (``$.eligibility.age_max``) and rule messages quote
them; vocabulary values are stored as codes (``major_depressive_disorder``). The
GUI's compliance panel and the CLI text report show labels ("Eligibility › Maximum
age", "Major depressive disorder") and keep the path as a detail line. One
function set, shared, so that both say the same thing.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args, get_origin

from papdesigner.model import vocab
from papdesigner.model.jsonpath import JsonPath, parse_path
from papdesigner.model.vocab import LABELS

FIELD_LABELS: dict[str, str] = {
    "metadata": "Title page",
    "principal_investigator": "Principal investigator",
    "protocol_number": "Protocol number",
    "version_date": "Version date",
    "registrations": "Registrations",
    "regulatory": "Regulatory",
    "ethics": "Ethics review",
    "committee_name": "Ethics committee",
    "ind_number": "IND number",
    "ind_status": "IND status",
    "ctn_or_cta": "CTN/CTA reference",
    "dea_schedule1_registration": "DEA Schedule I registration",
    "eligibility": "Eligibility",
    "age_min": "Minimum age",
    "age_max": "Maximum age",
    "medications": "Medications",
    "products": "Products",
    "arms": "Arms",
    "roles": "Roles",
    "settings": "Settings",
    "sessions": "Sessions",
    "dosing": "Dosing",
    "administrations": "Administrations",
    "at_hours": "Time after start",
    "observation_hours": "Observation",
    "window_days": "Visit window",
    "psychotherapy": "Psychotherapy",
    "safety": "Safety",
    "dsmb": "Data monitoring committee",
    "statistics": "Statistics",
    "follow_up": "Follow-up",
    "consent": "Consent",
    "narrative": "Narrative",
    "objectives": "Objectives",
    "endpoints": "Endpoints",
    "waivers": "Waivers",
    "policy": "Medication policy",
}
"""Labels of JSON keys whose plain capitalised form reads badly; others are derived."""

_SINGULAR = {
    "sessions": "Session",
    "sites": "Site",
    "products": "Product",
    "arms": "Arm",
    "roles": "Role",
    "settings": "Setting",
    "objectives": "Objective",
    "endpoints": "Endpoint",
    "administrations": "Administration",
    "staff": "Staff member",
    "registrations": "Registration",
    "inclusion": "Inclusion criterion",
    "exclusion": "Exclusion criterion",
    "waivers": "Waiver",
    "keywords": "Keyword",
    "assessments": "Assessment",
    "state_approvals": "State approval",
}
_NAME_KEYS = ("title", "label", "name", "text", "id")
_VALUE_LABELS = {
    "not_applicable": "Not applicable",
    "active_comparator": "Active comparator",
    "active_placebo": "Active placebo",
    "psychotherapy_only": "Psychotherapy only",
}


def _vocabulary_values() -> frozenset[str]:
    values: set[str] = set()
    for name in dir(vocab):
        kind = getattr(vocab, name)
        if get_origin(kind) is Literal:
            values.update(str(v) for v in get_args(kind))
    return frozenset(values)


_VOCABULARY = _vocabulary_values()
_PATH = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\[[^\]]*=[^\]]*\])*")
_TOP_KEYS = (
    "metadata|context|regulatory|sites|indication|products|arms|roles|settings|sessions|"
    "eligibility|medications|psychotherapy|blinding|objectives|safety|statistics|follow_up|"
    "consent|documents|narrative|waivers"
)
_BARE_PATH = re.compile(rf"\b(?:{_TOP_KEYS})(?:\.[a-z_][a-z0-9_]*|\[\d+\])+")
"""A path quoted without its ``$`` ("psychotherapy.additional_support")."""
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def field_label(key: str) -> str:
    """A JSON key as a label: ``age_max`` → "Maximum age"; unknown keys are capitalised."""
    return FIELD_LABELS.get(key) or LABELS.get(key) or key.replace("_", " ").capitalize()


def value_label(value: Any) -> str:
    """A stored value as people read it (vocabulary codes by their label)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if not isinstance(value, str):
        return text
    return (
        LABELS.get(text)
        or _VALUE_LABELS.get(text)
        or (text.replace("_", " ").capitalize() if text in _VOCABULARY else text)
    )


def _item_label(container: str, index: int, item: Any) -> str:
    if isinstance(item, dict):
        for key in _NAME_KEYS:
            name = item.get(key)
            if isinstance(name, str) and name.strip():
                return name.strip()[:60]
    return f"{_SINGULAR.get(container, 'Item')} {index + 1}"


def place_label(path: JsonPath, data: Any = None) -> str:
    """Where a path points, in labels: ("sessions", 3, "staff") → "Dosing 2 › Staff".

    With the protocol's JSON (``data``) list items are named by their title or label;
    without it, by their position ("Session 4").
    """
    parts: list[str] = []
    node = data
    container = ""
    for position, part in enumerate(path):
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            parts.append(_item_label(container, part, item))
            node = item
        else:
            indexed = position + 1 < len(path) and isinstance(path[position + 1], int)
            if not indexed:  # "Sessions › Dosing 2" says no more than "Dosing 2"
                parts.append(field_label(part))
            container = part
            node = node.get(part) if isinstance(node, dict) else None
    return " › ".join(parts) or "The whole protocol"


def path_place(text: str | None, data: Any = None) -> str:
    """:func:`place_label` of a path written as text (``$.a.b[0]``); unparsable text as is."""
    if not text:
        return "The whole protocol"
    try:
        return place_label(parse_path(text), data)
    except ValueError:
        return text


def humanize(text: str, data: Any = None) -> str:
    """A message with its JSON paths and vocabulary codes replaced by labels.

    ``"no ethics committee is named ($.regulatory.ethics.committee_name)"`` →
    ``"no ethics committee is named (Regulatory › Ethics review › Ethics committee)"``.
    Only known codes are replaced; other words stay as they are.
    """
    text = _PATH.sub(lambda m: path_place(m.group(0), data) if len(m.group(0)) > 1 else "$", text)
    text = _BARE_PATH.sub(lambda m: path_place("$." + m.group(0), data), text)
    return _CODE.sub(lambda m: _in_sentence(m.group(0)), text)


def code_label(code: str) -> str | None:
    """The label of a vocabulary value or JSON key written as a code (None if unknown)."""
    label = LABELS.get(code) or _VALUE_LABELS.get(code) or FIELD_LABELS.get(code)
    if label is None and code in _VOCABULARY:
        label = code.replace("_", " ").capitalize()
    return label


def _in_sentence(code: str) -> str:
    label = code_label(code)
    if label is None:
        return code
    # "Major depressive disorder" reads "major depressive disorder" mid-sentence; "MDMA" stays.
    return label[0].lower() + label[1:] if label[1:2].islower() else label
