"""Pydantic models of the catalogue entries (one model per ``resources/catalogues/*.yaml``).

Entries are immutable and forbid unknown keys. Checks that need another catalogue
(a figure's source must be a key of ``sources.yaml``) read the set of known keys
from the pydantic validation context, which :mod:`.loading` supplies.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from papdesigner.model.vocab import DoseUnit, Substance

Confidence = Literal["verified", "secondary", "uncertain"]
"""How sure we are that the source says this (regulatory-facts.md section 0)."""

RuleId = Annotated[
    str,
    StringConstraints(pattern=r"^(FDA-PSY|OR|CO|AU|CA|EU|E6|M11|SP13|RSP|CS)-[0-9A-Za-z]+$"),
]
"""A rule row of the regulatory reference, e.g. ``CS-22`` or ``OR-18``."""

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _as_text(value: Any) -> Any:
    # Checklist item numbers such as 8 or 15 may be written unquoted in YAML.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _items(text: str) -> frozenset[str]:
    return frozenset(text.split())


SPIRIT_2013_ITEMS = _items(
    "1 2a 2b 3 4 5a 5b 5c 5d 6a 6b 7 8 9 10 11a 11b 11c 11d 12 13 14 15 16a 16b 16c 17a 17b "
    "18a 18b 19 20a 20b 20c 21a 21b 22 23 24 25 26a 26b 27 28 29 30 31a 31b 31c 32 33"
)
"""SPIRIT 2013 item numbers with sub-items (51 rows; checklists.md section 3)."""

SPIRIT_2025_ITEMS = _items(
    "1a 1b 2 3a 3b 3c 3d 4 5 6 7a 7b 8 9a 9b 10 11 12 13 14a 14b 15a 15b 15c 15d 16 17 18 19 "
    "20 21a 21b 22 23 24a 24b 24c 25a 25b 26 27a 27b 27c 27d 28a 28b 29 30 31 32a 32b 33 34"
)
"""SPIRIT 2025 item numbers with sub-items (53 rows; checklists.md section 2)."""


def _in(items: frozenset[str], name: str) -> Any:
    def check(value: str) -> str:
        if value not in items:
            msg = f"{value!r} is not a {name} item"
            raise ValueError(msg)
        return value

    return AfterValidator(check)


Spirit2013Item = Annotated[str, BeforeValidator(_as_text), _in(SPIRIT_2013_ITEMS, "SPIRIT 2013")]
Spirit2025Item = Annotated[str, BeforeValidator(_as_text), _in(SPIRIT_2025_ITEMS, "SPIRIT 2025")]


class Entry(BaseModel):
    """Base of every catalogue entry: immutable, unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def key(self) -> str:
        """Return the entry's identifier within its catalogue."""
        raise NotImplementedError


def _known_source(value: str | None, info: ValidationInfo) -> str | None:
    known = (info.context or {}).get("sources")
    if value is not None and known is not None and value not in known:
        msg = f"unknown source {value!r} (not a key of sources.yaml)"
        raise ValueError(msg)
    return value


# --- entries ------------------------------------------------------------------------------


class Source(Entry):
    """A document that figures cite, keyed as in section 1 of the regulatory reference."""

    key_: NonEmpty = Field(alias="key")
    title: NonEmpty
    read: NonEmpty
    locator: NonEmpty
    in_section_1: bool = True

    def key(self) -> str:
        """Return the source key, e.g. ``S-MAPS``."""
        return self.key_


FigureKind = Literal[
    "dose",
    "supplemental_dose",
    "total_dose_per_session",
    "max_total_dose_per_session",
    "supplemental_offset",
    "acute_effects",
    "planned_session",
    "minimum_session",
    "dosing_interval",
]
_FIGURE_UNITS: dict[str, tuple[str, ...]] = {
    "supplemental_offset": ("h",),
    "acute_effects": ("h",),
    "planned_session": ("h",),
    "minimum_session": ("h",),
    "dosing_interval": ("d",),
}
_DOSE_UNITS = ("mg", "ug", "mg/kg")


class Figure(Entry):
    """One sourced number or range: a dose, a duration or an interval."""

    what: FigureKind
    label: NonEmpty
    low: float | None = Field(None, ge=0)
    high: float | None = Field(None, ge=0)
    values: tuple[float, ...] = ()
    unit: Literal["mg", "ug", "mg/kg", "h", "d"]
    source: NonEmpty
    rules: tuple[RuleId, ...] = Field(min_length=1)
    confidence: Confidence
    note: str = ""

    _check_source = field_validator("source")(_known_source)

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        if self.low is None and self.high is None:
            raise ValueError("a figure needs low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        lo, hi = self.low or 0.0, self.high if self.high is not None else float("inf")
        if any(not lo <= v <= hi for v in self.values):
            raise ValueError("values must lie between low and high")
        allowed = _FIGURE_UNITS.get(self.what, _DOSE_UNITS)
        if self.unit not in allowed:
            raise ValueError(f"a {self.what} figure is in {' or '.join(allowed)}, not {self.unit}")
        return self


class SubstanceInfo(Entry):
    """A substance (``products[].substance``) with its usual units and sourced figures."""

    id: Substance
    label: NonEmpty
    dose_units: tuple[DoseUnit, ...] = Field(min_length=1)
    figures: tuple[Figure, ...] = ()

    def key(self) -> str:
        """Return the substance id, e.g. ``psilocybin``."""
        return self.id

    @model_validator(mode="after")
    def _dose_units_listed(self) -> SubstanceInfo:
        for figure in self.figures:
            if figure.unit in _DOSE_UNITS and figure.unit not in self.dose_units:
                raise ValueError(f"figure {figure.label!r} uses {figure.unit}, not a dose unit")
        return self

    def figures_of(self, what: FigureKind) -> tuple[Figure, ...]:
        """Return the figures of one kind, in catalogue order."""
        return tuple(f for f in self.figures if f.what == what)

    @property
    def acute_effects_hours(self) -> Figure | None:
        """The duration of acute effects, or None where no source gives one."""
        return next(iter(self.figures_of("acute_effects")), None)


Domain = Literal[
    "depression",
    "ptsd",
    "anxiety",
    "suicidality",
    "subjective_effects",
    "substance_use",
    "safety",
    "therapeutic_process",
    "blinding",
    "other",
]
InstrumentKind = Literal["clinician_rated", "self_report", "procedure", "laboratory"]


class Instrument(Entry):
    """An assessment a session schedules and an endpoint names (``"MADRS"``, ``"vitals"``)."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]*$")]
    name: NonEmpty
    full_name: NonEmpty
    domain: Domain
    kind: InstrumentKind
    typical_minutes: int | None = Field(None, ge=1, le=600)
    reference: str = ""
    aliases: tuple[str, ...] = ()
    note: str = ""

    def key(self) -> str:
        """Return the instrument id used in protocol files."""
        return self.id

    @model_validator(mode="after")
    def _rated_scales_cite(self) -> Instrument:
        if self.kind in ("clinician_rated", "self_report") and not self.reference.strip():
            raise ValueError(f"a {self.kind} instrument needs its reference publication")
        return self


Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]


class Jurisdiction(Entry):
    """A country (ISO 3166-1 alpha-2) or region (ISO 3166-2) a site can be in."""

    code: Code
    name: NonEmpty
    parent: Code | None = None
    groups: tuple[NonEmpty, ...] = ()
    note: str = ""

    def key(self) -> str:
        """Return the ISO code."""
        return self.code

    @model_validator(mode="after")
    def _parent_matches(self) -> Jurisdiction:
        is_region = "-" in self.code
        if is_region != (self.parent is not None):
            raise ValueError("a region (XX-YYY) names its country as parent; a country has none")
        if self.parent is not None and not self.code.startswith(self.parent + "-"):
            raise ValueError(f"region {self.code} does not belong to {self.parent}")
        return self


CriterionCategory = Literal[
    "diagnosis",
    "severity",
    "treatment_history",
    "psychiatric",
    "substance_use",
    "cardiovascular",
    "medical",
    "medication",
    "reproductive",
    "demographic",
    "participation",
]


class CriterionCode(Entry):
    """An eligibility criterion code (``Criterion.code``) that rule sets look for."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    label: NonEmpty
    list: Literal["inclusion", "exclusion"]
    category: CriterionCategory
    rules: tuple[RuleId, ...] = ()
    note: str = ""

    def key(self) -> str:
        """Return the criterion code."""
        return self.code


class MedicationClass(Entry):
    """A medication class or single drug named in washouts, prohibitions and rescue lists."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    label: NonEmpty
    parent: str | None = None
    examples: tuple[NonEmpty, ...] = ()
    interaction: NonEmpty
    washout_min_days: int | None = Field(None, ge=0)
    source: str | None = None
    rules: tuple[RuleId, ...] = ()
    confidence: Confidence
    note: str = ""

    _check_source = field_validator("source")(_known_source)

    def key(self) -> str:
        """Return the class id, e.g. ``SSRI``."""
        return self.id

    @model_validator(mode="after")
    def _sourced(self) -> MedicationClass:
        if self.confidence != "uncertain" and (self.source is None or not self.rules):
            raise ValueError("an interaction note needs a source and rules unless uncertain")
        if self.washout_min_days is not None and self.source is None:
            raise ValueError("a washout figure needs a source")
        return self


M11Section = Annotated[str, StringConstraints(pattern=r"^(1[0-4]|[1-9])(\.[1-9]\d?){0,2}$")]
"""An ICH M11 section number: top level 1-14, optionally a sub-section ("2", "1.3", "6.2.1")."""


class NarrativeSection(Entry):
    """A free-text section of a protocol and the checklist items it addresses."""

    key_: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")] = Field(alias="key")
    title: NonEmpty
    m11: tuple[M11Section, ...] = Field(min_length=1)
    spirit2013: tuple[Spirit2013Item, ...] = ()
    spirit2025: tuple[Spirit2025Item, ...] = ()
    e6: tuple[Annotated[str, StringConstraints(pattern=r"^B\.\d{1,2}$")], ...] = ()
    respct: tuple[Annotated[int, Field(ge=1, le=30)], ...] = ()
    rules: tuple[RuleId, ...] = ()
    guidance: NonEmpty

    def key(self) -> str:
        """Return the narrative key used in ``protocol.narrative``."""
        return self.key_
