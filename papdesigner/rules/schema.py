"""The rule-set file format: pydantic models of ``resources/rulesets/<id>.yaml``.

This is the authoring contract (see ``AUTHORING.md``). Unknown keys are errors,
so a misspelt ``requires:`` is reported instead of silently checking nothing.
The models describe the text of a file; compiling its expressions is the
loader's job (:mod:`papdesigner.rules.loader`).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from papdesigner.model.jsonpath import parse_path

Severity = Literal["error", "warning", "info"]
Provenance = Literal["verified", "secondary", "uncertain"]
RuleStatus = Literal["active", "retired"]
AuthorityKind = Literal["law", "regulation", "guidance", "reporting_guideline", "convention"]
"""How strongly a rule's source binds: a statute, a regulation (or a condition imposed
under one), an agency or professional guidance, a reporting guideline, or a practice
convention of published trials. Only law and regulation, or core safety, justify an error."""

BINDING_AUTHORITIES: frozenset[str] = frozenset({"law", "regulation"})

SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

RULESET_ID = r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$"
RULE_ID = r"^[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*$"
VALUE_NAME = r"^[a-z][a-z0-9_]*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Expression = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_RESERVED_PLACEHOLDERS = {"path", "rule_id"}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _date_text(value: object) -> object:
    """YAML turns 2023-06-26 into a date; keep the author's spelling as text."""
    return value.isoformat() if isinstance(value, dt.date) else value


class Source(_Spec):
    """The document a rule set encodes."""

    title: Text
    date: str = Field(description='Date or version of the document, e.g. "2023-06" or "2025-01-01"')
    url: str = ""
    status: Text = Field(description='e.g. "draft guidance", "in force", "published checklist"')
    note: str = Field("", description="What was read and how sure we are of it")

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: object) -> object:
        return _date_text(value)


class RuleSpec(_Spec):
    """One rule: what it checks, where, how sure we are of its source, and how to fix it."""

    id: Annotated[str, StringConstraints(pattern=RULE_ID, max_length=40)]
    title: Text
    severity: Severity
    citation: Text = Field(description="Document section / paragraph / item")
    provenance: Provenance
    provenance_note: str = ""
    rationale: Text
    message: Text = Field(description="Template; placeholders {it.x}, {p.x}, {<value name>}")
    fix: Text
    status: RuleStatus = "active"
    authority_kind: AuthorityKind | None = Field(
        None, description="Overrides the set's authority_kind for this rule's source"
    )
    core_safety: bool = Field(
        False, description="A core safety expectation: an error even where the source is guidance"
    )
    effective_from: dt.date | None = Field(None, description="The source applies from this day")
    effective_until: dt.date | None = Field(
        None, description="The source applies until this day (exclusive); later the rule is expired"
    )
    scope: str | None = Field(
        None, description="A named list of the resolved view; None = protocol"
    )
    at: str = Field("", description='Path suffix appended to the element path, e.g. ".dosing"')
    when: Expression | None = None
    require: list[Expression] = Field(min_length=1)
    values: dict[Annotated[str, StringConstraints(pattern=VALUE_NAME)], Expression] = Field(
        default_factory=dict, description="Named CEL values shown in the message as {name}"
    )

    @field_validator("at")
    @classmethod
    def _at_is_path_suffix(cls, value: str) -> str:
        if value:
            parse_path("$" + value)  # raises ValueError with a clear message
            if not value.startswith((".", "[")):
                msg = f"'at' must start with '.' or '[': {value!r}"
                raise ValueError(msg)
        return value

    @field_validator("values")
    @classmethod
    def _no_reserved_names(cls, value: dict[str, str]) -> dict[str, str]:
        clash = sorted(set(value) & (_RESERVED_PLACEHOLDERS | {"it", "p"}))
        if clash:
            msg = f"value names {clash} are reserved"
            raise ValueError(msg)
        return value

    @field_validator("message", "fix")
    @classmethod
    def _placeholders_parse(cls, value: str) -> str:
        placeholders(value)  # raises ValueError on unbalanced braces
        return value


class RuleSetSpec(_Spec):
    """A rule set file: header and rules."""

    id: Annotated[str, StringConstraints(pattern=RULESET_ID, max_length=40)]
    title: Text
    authority: Text
    version: Text
    source: Source
    applies_when: Expression
    applies_description: Text
    as_of: str | None = Field(
        None, description="When the set's sources were read (YYYY-MM-DD or YYYY-MM)"
    )
    authority_kind: AuthorityKind | None = Field(
        None, description="How strongly the set's source binds (a rule may override it)"
    )
    rules: list[RuleSpec] = Field(
        description="At least one in the file; rules that fail to load are left out"
    )

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of_is_a_date(cls, value: object) -> object:
        value = _date_text(value)
        if isinstance(value, str):
            # A day (2026-11-30) or, where only the month is known, a month (2026-11).
            dt.date.fromisoformat(value if len(value) > 7 else value + "-01")
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        # `version: 1.0` in YAML is a float; the author meant the text "1.0".
        return str(value) if isinstance(value, int | float) else value


MAX_FORMAT_NUMBER = 100
"""Largest width or precision in a message placeholder (``{x:>999999999}`` is 1 GB of text)."""


def _bounded_spec(spec: str) -> bool:
    """True when a format spec has no nested field and no number above MAX_FORMAT_NUMBER."""
    if "{" in spec or "}" in spec:
        return False
    return all(int(number) <= MAX_FORMAT_NUMBER for number in re.findall(r"\d+", spec))


InForce = Literal["in_force", "expired", "not_yet_effective"]


def rule_authority(ruleset: RuleSetSpec, rule: RuleSpec) -> AuthorityKind | None:
    """The authority of a rule's source: its own, else its set's (None if neither says)."""
    return rule.authority_kind or ruleset.authority_kind


def in_force(rule: RuleSpec, on: dt.date) -> InForce:
    """Whether a rule's source applies on a day.

    ``effective_until`` is the first day the source no longer applies ("effective
    until 1/1/2025" in the Oregon rules means replaced on that day).
    """
    if rule.effective_until is not None and on >= rule.effective_until:
        return "expired"
    if rule.effective_from is not None and on < rule.effective_from:
        return "not_yet_effective"
    return "in_force"


def placeholders(template: str) -> list[tuple[str, str]]:
    """Return ``(field, format_spec)`` for each ``{...}`` in a message template.

    Raises ValueError for unbalanced braces or conversions (``{x!r}``), which
    messages have no use for.
    """
    found: list[tuple[str, str]] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        msg = f"bad placeholder in {template!r}: {exc}"
        raise ValueError(msg) from None
    for _literal, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if conversion or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*", field_name):
            msg = f"bad placeholder {{{field_name}}} in {template!r}"
            raise ValueError(msg)
        if spec and not _bounded_spec(spec):
            msg = (
                f"format {{{field_name}:{spec}}}: widths and precisions above "
                f"{MAX_FORMAT_NUMBER} are not allowed (a message would be huge)"
            )
            raise ValueError(msg)
        found.append((field_name, spec or ""))
    return found


def placeholder_problem(field_name: str, value_names: set[str]) -> str | None:
    """Say why a placeholder cannot be resolved by any evaluation context, or None if it can."""
    head = field_name.split(".", 1)[0]
    if head in {"it", "p"}:
        return None if "." in field_name else f"{{{field_name}}} names a whole object"
    if field_name in value_names or field_name in _RESERVED_PLACEHOLDERS:
        return None
    return f"unknown placeholder {{{field_name}}} (use it.<field>, p.<field> or a name in values)"
