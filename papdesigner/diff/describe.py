"""Plain-language text for each change: what changed, the value before and the value after.

A reviewer reads "Session “Dosing 1” (dose1) › administration of Psilocybin to arm
Psilocybin 25 mg › dose: 25 mg → 20 mg", not a JSON path. Ids are resolved to names in the
version they belong to (A for "before", B for "after"), vocabulary values are shown with their
labels, and numbers carry their units.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from papdesigner.diff.changes import Difference, ProtocolDiff
from papdesigner.diff.structure import ElementKey, element_keys
from papdesigner.model.vocab import label

NOT_SET = "not set"

FIELD_LABELS: dict[str, str] = {
    "age_max": "maximum age",
    "age_min": "minimum age",
    "arm_id": "arm",
    "arm_ids": "arms",
    "at_hours": "time after session start",
    "bls_certified": "BLS certified",
    "contraception_days_after_last_dose": "contraception after last dose",
    "day": "study day",
    "dsmb": "DSMB",
    "duration_hours": "duration",
    "duration_weeks": "follow-up duration",
    "follow_up": "follow-up",
    "ht2b_agonist": "5-HT2B agonist",
    "hppd_followup": "HPPD follow-up",
    "mental_health_experience_years": "mental-health experience",
    "min_days": "minimum washout",
    "observation_hours": "observation time",
    "product_id": "product",
    "psychedelic_training_hours": "psychedelic-therapy training",
    "role_id": "role",
    "setting_id": "setting",
    "site_id": "site",
    "timepoint_week": "timepoint",
    "timepoints_weeks": "follow-up timepoints",
    "window_days": "visit window",
}

ELEMENT_NOUNS: dict[tuple[str, ...], str] = {
    ("sites",): "site",
    ("products",): "product",
    ("arms",): "arm",
    ("roles",): "role",
    ("settings",): "setting",
    ("sessions",): "session",
    ("sessions", "*", "staff"): "staff",
    ("sessions", "*", "dosing", "administrations"): "administration",
    ("eligibility", "inclusion"): "inclusion criterion",
    ("eligibility", "exclusion"): "exclusion criterion",
    ("objectives",): "objective",
    ("objectives", "*", "endpoints"): "endpoint",
    ("medications", "washouts"): "washout",
    ("metadata", "registrations"): "registration",
    ("waivers",): "waiver",
    ("sessions", "*", "dosing"): "dosing",
}

VOCAB_FIELDS = frozenset(
    {
        "kind",
        "role",
        "substance",
        "form",
        "unit",
        "route",
        "format",
        "level",
        "condition",
        "context",
        "phase",
        "degree",
        "location_type",
        "policy",
        "ind_status",
    }
)

REFERENCES: dict[str, tuple[str, str]] = {
    "arm_id": ("arms", "label"),
    "arm_ids": ("arms", "label"),
    "product_id": ("products", "name"),
    "role_id": ("roles", "title"),
    "setting_id": ("settings", "name"),
    "site_id": ("sites", "name"),
}
"""Fields holding ids: the list they point into and the field that names the element."""

LONG_TEXT = 80
"""Texts at least this long (or with a line break) get a word-level comparison."""


@dataclass(frozen=True, slots=True)
class ChangeText:
    """What a reviewer reads about one change."""

    what: str
    before: str
    after: str
    words: tuple[tuple[Literal["=", "-", "+"], str], ...] = ()
    detail: str = ""
    """For a list of values: which values were added and removed ("added C-SSRS")."""

    @property
    def one_line(self) -> str:
        """Return "what: before → after" (or "Added ...: value") on one line."""
        if self.detail:
            return f"{self.what}: {self.detail}"
        if self.before and self.after:
            return f"{self.what}: {_short(self.before)} → {_short(self.after)}"
        return f"{self.what}: {_short(self.before or self.after)}"


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe(change: Difference, diff: ProtocolDiff) -> ChangeText:
    """Return the plain-language text of one change of ``diff``."""
    data = diff.a if change.kind == "removed" else diff.b
    chain = _chain(change, data)
    if change.kind == "added":
        what = f"Added {chain}" if change.is_element else f"{_cap(chain)} (added)"
        return ChangeText(what, "", _value(change.after, change, diff.b))
    if change.kind == "removed":
        what = f"Removed {chain}" if change.is_element else f"{_cap(chain)} (removed)"
        return ChangeText(what, _value(change.before, change, diff.a), "")
    before = _value(change.before, change, diff.a, side="a")
    after = _value(change.after, change, diff.b, side="b")
    if change.items_added or change.items_removed:
        parts = []
        if change.items_added:
            parts.append("added " + _items(change.items_added, change, diff.b))
        if change.items_removed:
            parts.append("removed " + _items(change.items_removed, change, diff.a))
        return ChangeText(_cap(chain), before, after, detail="; ".join(parts))
    words: tuple[tuple[Literal["=", "-", "+"], str], ...] = ()
    if isinstance(change.before, str) and isinstance(change.after, str) and _is_long(change):
        words = word_diff(change.before, change.after)
    return ChangeText(_cap(chain), before, after, words)


def describe_all(diff: ProtocolDiff) -> list[tuple[Difference, ChangeText]]:
    """Return every change with its text, in diff order."""
    return [(change, describe(change, diff)) for change in diff.changes]


def _is_long(change: Difference) -> bool:
    texts = (str(change.before), str(change.after))
    return any(len(t) >= LONG_TEXT or "\n" in t for t in texts)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- where: element names and field labels ------------------------------------------------


def field_label(name: str) -> str:
    """Return the reader's name of a field (``window_days`` → "visit window")."""
    return FIELD_LABELS.get(name, name.replace("_", " "))


def _chain(change: Difference, data: dict[str, Any]) -> str:
    return place_name(change.steps, data)


def place_name(steps: Sequence[str | ElementKey], data: dict[str, Any]) -> str:
    """Return "session “Dosing 1” (dose1) › administration of ... › dose" for a place.

    Field names that only lead to a list element ("eligibility › exclusion") are left out:
    the element's own name says what it is.
    """
    parts: list[str] = []
    fields: list[str] = []
    node: Any = data
    pattern: list[str] = []
    for step in steps:
        if isinstance(step, ElementKey):
            element = _find(node, step)
            noun = ELEMENT_NOUNS.get(tuple(pattern), "")
            parts.append(element_name(element, tuple(pattern), data, noun))
            fields = []
            node = element
            pattern.append("*")
        elif step.isdigit():
            fields.append(f"item {int(step) + 1}")
            node = node[int(step)] if isinstance(node, list) and int(step) < len(node) else None
            pattern.append("*")
        else:
            fields.append(field_label(step))
            node = node.get(step) if isinstance(node, dict) else None
            pattern.append(step)
    return " › ".join(parts + fields) if parts or fields else "protocol"


def _find(node: Any, key: ElementKey) -> Any:
    if isinstance(node, list):
        for item, item_key in zip(node, element_keys(node, key.fields), strict=True):
            if item_key == key:
                return item
    return None


def element_name(element: Any, pattern: tuple[str, ...], data: dict[str, Any], noun: str) -> str:
    """Return a short name of a list element, e.g. 'session “Integration 3” (integ3)'."""
    if not isinstance(element, dict):
        return noun or "element"
    noun = noun or _singular(pattern[-1] if pattern else "element")
    special = _NAMERS.get(noun)
    if special is not None:
        return special(element, data)
    ident = element.get("id")
    name = next(
        (element[f] for f in ("title", "label", "name") if isinstance(element.get(f), str)), ""
    )
    if name:
        return f"{noun} “{name}” ({ident})" if ident is not None else f"{noun} “{name}”"
    if noun == "session":
        return f"{label(str(element.get('kind', '')))} session {ident}".strip()
    return f"{noun} {ident}" if ident is not None else noun


def _name_administration(element: dict[str, Any], data: dict[str, Any]) -> str:
    product = _ref(element.get("product_id"), "product_id", data, with_id=False)
    arm = _ref(element.get("arm_id"), "arm_id", data, with_id=False)
    when = element.get("at_hours") or 0
    timing = f" at +{_number(when)} h" if when else ""
    return f"administration of {product} to arm {arm}{timing}"


def _name_waiver(element: dict[str, Any], data: dict[str, Any]) -> str:
    where = f" at {element['path']}" if element.get("path") else ""
    return f"waiver of {element.get('rule_id', '')}{where}"


def _name_staff(element: dict[str, Any], data: dict[str, Any]) -> str:
    return f"staff {_ref(element.get('role_id'), 'role_id', data, with_id=False)}"


def _name_objective(element: dict[str, Any], data: dict[str, Any]) -> str:
    return f"{element.get('level', '')} objective {element.get('id')}".strip()


_NAMERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], str]] = {
    "staff": _name_staff,
    "administration": _name_administration,
    "washout": lambda e, data: f"washout of {e.get('medication_class', '')}",
    "registration": lambda e, data: f"registration in {e.get('registry', '')}",
    "waiver": _name_waiver,
    "objective": _name_objective,
}


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def _ref(value: Any, field: str, data: dict[str, Any], *, with_id: bool = True) -> str:
    """Return the name of the element an id points to ("Room A (room1)"), or the id."""
    target = REFERENCES.get(field)
    if target is None or not isinstance(value, str):
        return str(value)
    items = data.get(target[0])
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and item.get("id") == value:
                name = item.get(target[1])
                if isinstance(name, str) and name and name != value:
                    return f"{name} ({value})" if with_id else f"“{name}”"
    return value


# --- values -------------------------------------------------------------------------------


def _value(value: Any, change: Difference, data: dict[str, Any], side: str = "") -> str:
    name = change.field_name
    if change.is_element or isinstance(value, dict):
        list_pattern = change.pattern[:-1] if change.is_element else change.pattern
        return summarize(value, tuple(list_pattern), data)
    sibling = _sibling(change, data)
    return format_value(value, name, data, sibling)


def _sibling(change: Difference, data: dict[str, Any]) -> dict[str, Any]:
    """Return the object that holds the changed field (for the unit of a dose, say)."""
    node: Any = data
    for step in change.steps[:-1]:
        node = (
            _find(node, step)
            if isinstance(step, ElementKey)
            else (node.get(step) if isinstance(node, dict) else None)
        )
    return node if isinstance(node, dict) else {}


def _items(values: tuple[Any, ...], change: Difference, data: dict[str, Any]) -> str:
    name = change.field_name
    return ", ".join(format_value(v, name, data, {}) for v in values)


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def format_value(value: Any, name: str, data: dict[str, Any], holder: dict[str, Any]) -> str:
    """Return a value as a reader sees it: labels, names for ids, units for numbers."""
    if value is None or isinstance(value, bool):
        return NOT_SET if value is None else ("yes" if value else "no")
    if isinstance(value, list):
        return _format_list(value, name, data, holder)
    if isinstance(value, dict):
        return summarize(value, (name,), data)
    if isinstance(value, int | float):
        return _with_unit(value, name, holder)
    return _format_text(str(value), name, data)


def _format_list(values: list[Any], name: str, data: dict[str, Any], holder: dict[str, Any]) -> str:
    if not values:
        return "all arms" if name == "arm_ids" else "(none)"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        # "1, 3, 6, 12 weeks" rather than "1 weeks, 3 weeks, ..."
        unit = _unit_of(name)
        numbers = ", ".join(_number(v) for v in values)
        return f"{numbers} {unit}".strip()
    return ", ".join(format_value(v, name, data, holder) for v in values)


def _format_text(text: str, name: str, data: dict[str, Any]) -> str:
    if not text:
        return "(empty)"
    if name in VOCAB_FIELDS:
        return label(text)
    if name in REFERENCES:
        return _ref(text, name, data)
    return text


_UNIT_SUFFIXES = (
    ("_hours", "h"),
    ("_days", "days"),
    ("_weeks", "weeks"),
    ("_week", "weeks"),
    ("_years", "years"),
)


def _unit_of(name: str) -> str:
    """Return the unit a field name implies ("observation_hours" → "h"), or ""."""
    return next((unit for suffix, unit in _UNIT_SUFFIXES if name.endswith(suffix)), "")


def _with_unit(value: float | int, name: str, holder: dict[str, Any]) -> str:
    number = _number(value)
    if name == "dose":
        return f"{number} {label(str(holder.get('unit', '')))}".strip()
    if name == "day":
        return f"day {number}"
    if name == "window_days":
        return f"±{number} days"
    return f"{number} {_unit_of(name)}".strip()


def summarize(element: Any, pattern: tuple[str, ...], data: dict[str, Any]) -> str:
    """Return a one-paragraph description of a whole element (an added session, say)."""
    if not isinstance(element, dict):
        return format_value(element, pattern[-1] if pattern else "", data, {})
    noun = ELEMENT_NOUNS.get(pattern, "")
    special = _SUMMARIES.get(noun)
    if special is not None:
        return special(element, data)
    return _generic(element, data)


def _generic(element: dict[str, Any], data: dict[str, Any]) -> str:
    parts = []
    for name, value in element.items():
        if name == "id" or value in (None, "", [], {}) or isinstance(value, dict):
            continue
        if isinstance(value, list) and not all(not isinstance(v, dict | list) for v in value):
            continue
        text = format_value(value, name, data, element)
        # "...rater.; author: ..." - a sentence's full stop does not also end a list item
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1]
        parts.append(f"{field_label(name)}: {text}")
    return "; ".join(parts) or "(empty)"


def _dosing(d: dict[str, Any], data: dict[str, Any]) -> str:
    doses = [_administration(a, data) for a in d.get("administrations") or []]
    rest = _generic({k: v for k, v in d.items() if k != "administrations"}, data)
    return "; ".join(doses + ([rest] if rest != "(empty)" else [])) or "(empty)"


def _session(s: dict[str, Any], data: dict[str, Any]) -> str:
    head = [label(str(s.get("kind", ""))) + " session"]
    if s.get("title"):
        head[0] += f" “{s['title']}”"
    window = f" (±{s['window_days']} days)" if s.get("window_days") else ""
    head.append(f"day {s.get('day')}{window}")
    if s.get("duration_hours"):
        head.append(f"{_number(s['duration_hours'])} h")
    head.append(str(s.get("format", "individual")))
    if s.get("arm_ids"):
        head.append("arms " + format_value(s["arm_ids"], "arm_ids", data, s))
    if s.get("setting_id"):
        head.append("in " + _ref(s["setting_id"], "setting_id", data))
    text = ", ".join(head)
    staff = [_staff(a, data) for a in s.get("staff") or []]
    if staff:
        text += "; staff: " + ", ".join(staff)
    if s.get("assessments"):
        text += "; assessments: " + ", ".join(map(str, s["assessments"]))
    dosing = s.get("dosing") or {}
    doses = [_administration(a, data) for a in dosing.get("administrations") or []]
    if doses:
        text += "; dosing: " + "; ".join(doses)
    return text


def _staff(a: dict[str, Any], data: dict[str, Any]) -> str:
    text = f"{_ref(a.get('role_id'), 'role_id', data)} ×{a.get('count', 1)}"
    return text if a.get("present_throughout", True) else text + " (not throughout)"


def _administration(a: dict[str, Any], data: dict[str, Any]) -> str:
    dose = _with_unit(a.get("dose", 0), "dose", a)
    route = label(str(a.get("route"))).lower()
    text = f"{_ref(a.get('product_id'), 'product_id', data)} {dose} {route}"
    text += f" to arm {_ref(a.get('arm_id'), 'arm_id', data)}"
    if a.get("at_hours"):
        text += f" at +{_number(a['at_hours'])} h"
    if a.get("supplemental"):
        text += " (supplemental)"
    return text


def _criterion(c: dict[str, Any], data: dict[str, Any]) -> str:
    code = f" [{c['code']}]" if c.get("code") else ""
    return f"{c.get('text', '')}{code}"


def _objective(o: dict[str, Any], data: dict[str, Any]) -> str:
    endpoints = [_endpoint(e, data) for e in o.get("endpoints") or []]
    text = f"{label(str(o.get('level', '')))}: {o.get('text', '')}"
    return text + ("; endpoints: " + "; ".join(endpoints) if endpoints else "")


def _endpoint(e: dict[str, Any], data: dict[str, Any]) -> str:
    extra = [str(e["instrument"])] if e.get("instrument") else []
    if e.get("timepoint_week") is not None:
        extra.append(f"week {_number(e['timepoint_week'])}")
    return str(e.get("text", "")) + (f" ({', '.join(extra)})" if extra else "")


def _washout(w: dict[str, Any], data: dict[str, Any]) -> str:
    taper = ", supervised taper" if w.get("supervised_taper") else ""
    return f"{w.get('medication_class', '')}: at least {w.get('min_days')} days{taper}"


_SUMMARIES: dict[str, Callable[[dict[str, Any], dict[str, Any]], str]] = {
    "session": _session,
    "staff": _staff,
    "administration": _administration,
    "inclusion criterion": _criterion,
    "exclusion criterion": _criterion,
    "objective": _objective,
    "endpoint": _endpoint,
    "washout": _washout,
    "dosing": _dosing,
}


# --- word-level comparison of long texts -------------------------------------------------

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(before: str, after: str) -> tuple[tuple[Literal["=", "-", "+"], str], ...]:
    """Return the two texts as runs of kept, deleted and inserted words."""
    a = _WORDS.findall(before)
    b = _WORDS.findall(after)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    runs: list[tuple[Literal["=", "-", "+"], str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("=", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("-", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("+", "".join(b[j1:j2])))
    return tuple(runs)


def compact_words(runs: tuple[tuple[Literal["=", "-", "+"], str], ...], context: int = 6) -> str:
    """Return a word diff as text, ``[-deleted-]{+inserted+}``, long equal runs shortened."""
    out = []
    for index, (op, text) in enumerate(runs):
        if op == "-":
            out.append(f"[-{text}-]")
        elif op == "+":
            out.append(f"{{+{text}+}}")
        else:
            out.append(_trim_context(text, context, index == 0, index == len(runs) - 1))
    return " ".join("".join(out).split())


def _trim_context(text: str, context: int, first: bool, last: bool) -> str:
    words = text.split()
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(words) <= keep_head + keep_tail + 1:
        return text
    head = " ".join(words[:keep_head])
    tail = " ".join(words[len(words) - keep_tail :]) if keep_tail else ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{head} … {tail}{trail}".replace("  ", " ")
