"""No error is decided by words in free text (issue 10, section 1).

Two checks: a scan of every shipped rule set for string matching in the clauses of
error rules, and a behavioural check: rewording every free-text field of every base
and example protocol (keeping blank fields blank) changes neither any error finding
nor any value the resolved view computes (only copied text may differ).
"""

from __future__ import annotations

import json
import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from papdesigner.model.fileformat import loads_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.paths import resource
from papdesigner.rules import shipped_rules_dir
from papdesigner.rules.engine import run_check
from papdesigner.rules.loader import load_catalogue
from papdesigner.rules.view import build_view

CATALOGUE = load_catalogue([(shipped_rules_dir(), "shipped")])
BASES = sorted(
    [
        *(Path(__file__).parent / "bases").glob("*.pap.json"),
        *resource("examples").glob("*.pap.json"),
    ]
)
TEXT_FUNCTIONS = re.compile(r"\.(contains|matches|startsWith|endsWith|lowerAscii|upperAscii)\(")

CODED = {
    # str fields that hold codes from a catalogue or a closed list, not prose
    "code",
    "medication_class",
    "prohibited",
    "rescue",
    "continued_classes",
    "assessments",
    "instrument",
    "suicidality_instrument",
    "schedule",
    "rule_id",
    "path",
}

WORDINGS = (
    "No. Not applicable; none is planned and nothing is done immediately; no touch; client drives.",
    "Non-directive; calls 911 immediately; advised not to drive; six-monthly reports to the TGA; "
    "adverse events and product defects reported; psychiatrist; Chief Health Officer approval; "
    "owner licensee; handler licensee",
)


def _error_rules() -> list[tuple[str, Any]]:
    return [
        (rs.id, rule.spec)
        for rs in CATALOGUE.rulesets
        for rule in rs.rules
        if rule.spec.status == "active" and rule.spec.severity == "error"
    ]


@pytest.mark.parametrize(("ruleset", "spec"), _error_rules(), ids=lambda x: getattr(x, "id", x))
def test_no_error_rule_matches_words(ruleset: str, spec: Any) -> None:
    clauses = [*spec.require, spec.when or ""]
    found = [c for c in clauses if TEXT_FUNCTIONS.search(c)]
    assert found == [], f"{ruleset} {spec.id} decides an error on words: {found}"


def _free_text_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Field name -> nested model, "text", or "texts" for the free-text fields of a model."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        kind = _kind(info.annotation)
        constrained = bool(info.metadata)  # ids, country and region codes have a pattern
        if kind is not None and name not in CODED and not (constrained and kind == "text"):
            out[name] = kind
    return out


def _kind(annotation: Any) -> Any:
    if annotation is str:
        return "text"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args and args[0] is str:
        return "texts"
    if origin is dict and args and args[1] is str:
        return "mapping"
    if origin in (list, typing.Union, types.UnionType):
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _reword(data: Any, model: type[BaseModel], words: str) -> None:
    for name, kind in _free_text_fields(model).items():
        value = data.get(name)
        if kind == "text" and isinstance(value, str) and value.strip():
            data[name] = words
        elif kind == "texts" and isinstance(value, list):
            data[name] = [words if v.strip() else v for v in value]
        elif kind == "mapping" and isinstance(value, dict):
            data[name] = {k: (words if v.strip() else v) for k, v in value.items()}
        elif isinstance(kind, type):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    _reword(item, kind, words)


def _load(raw: dict[str, Any]) -> Protocol:
    return loads_protocol(json.dumps(raw), source="reworded")


def _errors(protocol: Protocol) -> list[tuple[str, str]]:
    report = run_check(protocol, CATALOGUE)
    return sorted((f.rule_id, f.path) for f in report.findings if f.severity == "error")


def _derived_differences(a: Any, b: Any, where: str = "$") -> list[str]:
    """Places where two views differ in something other than copied text."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{where}: keys differ"]
        return [d for k in a for d in _derived_differences(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items vs {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _derived_differences(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, str) and isinstance(b, str):
        return []
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]


@pytest.mark.parametrize("base", BASES, ids=lambda p: p.name)
@pytest.mark.parametrize("words", WORDINGS, ids=["negations", "trigger-words"])
def test_rewording_free_text_changes_no_error_and_no_derived_value(base: Path, words: str) -> None:
    raw = json.loads(base.read_text(encoding="utf-8"))
    original = _load(raw)
    reworded_raw = original.model_dump(mode="json")
    _reword(reworded_raw, Protocol, words)
    reworded = _load(reworded_raw)
    assert reworded != original  # the rewording really changed some text
    assert _errors(reworded) == _errors(original)
    assert _derived_differences(build_view(original), build_view(reworded)) == []
