"""The amendment record saved with a new version of an approved protocol.

Every change to a protocol after approval is an amendment; an ethics board asks what changed,
why, and whether it is substantial. The record holds the answers in the shape of ICH M11's
amendment details and CDISC USDM's ``StudyAmendment`` (number, summary, primary and secondary
reasons, impacts with an ``isSubstantial`` flag, geographic scope) with one ``StudyChange`` per
change of the structural diff (summary, rationale, changed sections, substantial). What changed
is not typed in: it comes from the diff, and each note points at its change by the change's
``key``.

Reason, impact and scope codes are the USDM controlled terminology shipped in
``resources/catalogues/usdm_amendment_terms.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from papdesigner.diff.changes import ProtocolDiff
from papdesigner.model.protocol import Protocol
from papdesigner.paths import resource

OTHER_REASON = "C17649"
"""USDM code "Other": the reason must then be said in words."""


@dataclass(frozen=True)
class Term:
    """One coded value: code and the text shown for it."""

    code: str
    decode: str


@dataclass(frozen=True)
class AmendmentTerms:
    """The amendment code lists (reasons, impacts, scopes) and where they come from."""

    reasons: dict[str, Term]
    impacts: dict[str, Term]
    scopes: dict[str, Term]
    source: str
    provenance: str


def _terms(raw: dict[str, Any], name: str) -> dict[str, Term]:
    block = raw.get(name) or {}
    return {str(t["code"]): Term(str(t["code"]), str(t["decode"])) for t in block.get("terms", [])}


@cache
def amendment_terms() -> AmendmentTerms:
    """Return the shipped USDM amendment code lists (read once per process)."""
    path = resource("catalogues", "usdm_amendment_terms.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return AmendmentTerms(
        reasons=_terms(raw, "reasons"),
        impacts=_terms(raw, "impacts"),
        scopes=_terms(raw, "geographic_scopes"),
        source=str(raw.get("source", "")),
        provenance=str(raw.get("provenance", "uncertain")),
    )


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class AmendmentReason(_Part):
    """Why the protocol is amended (USDM ``StudyAmendmentReason``)."""

    code: str = Field(description="USDM code list C207415")
    other_reason: str = Field("", description="The reason in words, required for code Other")

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str) -> str:
        reasons = amendment_terms().reasons
        if code not in reasons:
            choices = ", ".join(f"{t.code} {t.decode}" for t in reasons.values())
            msg = f"unknown amendment reason code {code!r} (choose from: {choices})"
            raise ValueError(msg)
        return code

    @model_validator(mode="after")
    def _other_needs_words(self) -> AmendmentReason:
        if self.code == OTHER_REASON and not self.other_reason.strip():
            msg = "reason 'Other' needs the reason in words (other_reason)"
            raise ValueError(msg)
        return self

    @property
    def text(self) -> str:
        """Return the reason as read: the code's text, or the words for Other."""
        if self.code == OTHER_REASON:
            return f"Other: {self.other_reason}"
        return amendment_terms().reasons[self.code].decode


class AmendmentImpact(_Part):
    """An impact of the amendment (USDM ``StudyAmendmentImpact``): on safety, rights, data."""

    type: str = Field(description="USDM code list C215481")
    text: str = ""
    substantial: bool = False

    @field_validator("type")
    @classmethod
    def _known_type(cls, code: str) -> str:
        impacts = amendment_terms().impacts
        if code not in impacts:
            choices = ", ".join(f"{t.code} {t.decode}" for t in impacts.values())
            msg = f"unknown amendment impact code {code!r} (choose from: {choices})"
            raise ValueError(msg)
        return code

    @property
    def label(self) -> str:
        """Return the impact's code text, e.g. "Study Subject Safety"."""
        return amendment_terms().impacts[self.type].decode


class SectionRef(_Part):
    """A changed section (USDM ``DocumentContentReference``: sectionNumber, sectionTitle)."""

    number: str
    title: str


class ChangeNote(_Part):
    """What the author says about one change of the diff (USDM ``StudyChange``)."""

    change: str = Field(min_length=1, description="The key of the change in the structural diff")
    summary: str = Field("", description="What changed, in the author's words (optional)")
    rationale: str = ""
    substantial: bool = False
    sections: list[SectionRef] = Field(default_factory=list)


class AmendmentRecord(_Part):
    """An amendment: number, reasons, rationale, substantial flag and per-change notes."""

    format: Literal["papdesigner-amendment"] = "papdesigner-amendment"
    number: str = Field(min_length=1, description='Amendment number, e.g. "2"')
    date: dt.date | None = None
    summary: str = Field("", description="Summary of the amendment for the title page")
    primary_reason: AmendmentReason
    secondary_reasons: list[AmendmentReason] = Field(default_factory=list)
    rationale: str = Field("", description="Why the protocol is amended, overall")
    substantial: bool = False
    impacts: list[AmendmentImpact] = Field(default_factory=list)
    scope: Literal["global", "region", "country"] = "global"
    scope_codes: list[str] = Field(
        default_factory=list, description="ISO 3166 codes of the countries or regions amended"
    )
    changes: list[ChangeNote] = Field(default_factory=list)
    base_fingerprint: str = Field("", description="Fingerprint of the version amended")
    base_version: str = Field("", description="Library version id of the version amended")

    @model_validator(mode="after")
    def _consistent(self) -> AmendmentRecord:
        flagged = [n.change for n in self.changes if n.substantial]
        flagged += [i.label for i in self.impacts if i.substantial]
        if flagged and not self.substantial:
            msg = (
                "the amendment is marked not substantial, but these are marked substantial: "
                + ", ".join(flagged)
            )
            raise ValueError(msg)
        if self.scope != "global" and not self.scope_codes:
            msg = f"a {self.scope} amendment names its {self.scope} codes (scope_codes)"
            raise ValueError(msg)
        keys = [n.change for n in self.changes]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            msg = "more than one note for change " + ", ".join(duplicates)
            raise ValueError(msg)
        return self

    def note(self, change_key: str) -> ChangeNote | None:
        """Return the note about a change, or None."""
        return next((n for n in self.changes if n.change == change_key), None)

    def stale_notes(self, diff: ProtocolDiff) -> list[ChangeNote]:
        """Return notes whose change is not in ``diff`` (the versions changed since)."""
        keys = {c.key for c in diff.changes}
        return [n for n in self.changes if n.change not in keys]


def notes_for(diff: ProtocolDiff, record: AmendmentRecord | None = None) -> list[ChangeNote]:
    """Return one note per change of ``diff``: the record's where it has one, else an empty one.

    Each note carries the change's section, so a record saved with a version keeps the section
    numbers it was reviewed with.
    """
    notes = []
    for change in diff.changes:
        existing = record.note(change.key) if record is not None else None
        section = SectionRef(number=change.section.number, title=change.section.title)
        if existing is not None:
            notes.append(existing.model_copy(update={"sections": [section]}))
        else:
            notes.append(ChangeNote(change=change.key, sections=[section]))
    return notes


def amendment_required(base: Protocol | None) -> bool:
    """Return whether saving over ``base`` (the last saved version) makes an amendment.

    Every change to a protocol after its ethics approval is an amendment, so a new version of
    a protocol whose last saved version is approved needs an amendment record.
    """
    return base is not None and base.regulatory.ethics.approved


def next_amendment_number(previous: list[Any]) -> str:
    """Suggest the next amendment number from the records saved with earlier versions."""
    numbers = []
    for payload in previous:
        if isinstance(payload, dict) and str(payload.get("number", "")).isdigit():
            numbers.append(int(payload["number"]))
    count = sum(1 for p in previous if p is not None)
    return str(max([count, *numbers]) + 1)
