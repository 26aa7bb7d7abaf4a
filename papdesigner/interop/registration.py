"""The WHO Trial Registration Data Set (SPIRIT 2025 item 1b), filled from the protocol.

:func:`who_items` returns the 24 items of the data set (``resources/catalogues/who_trds.yaml``)
each with its value from the protocol, or marked missing when the protocol does not record it;
the PDF synopsis can show the same list. :func:`registration_markdown` and
:func:`registration_json` add a ClinicalTrials.gov-style record (``ctgov``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import yaml

from papdesigner.model.protocol import Protocol
from papdesigner.model.vocab import label
from papdesigner.paths import resource


@dataclass(frozen=True)
class RegistrationItem:
    """One item of the WHO Trial Registration Data Set."""

    number: int
    label: str
    value: str
    """The item's value as read from the protocol ('' when missing)."""
    source: str
    """Where in the protocol the value comes from (a JSON path, for a detail line)."""

    @property
    def missing(self) -> bool:
        """True when the protocol does not record this item."""
        return not self.value.strip()


@cache
def _catalogue() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        resource("catalogues", "who_trds.yaml").read_text(encoding="utf-8")
    )
    return data


@cache
def country_names() -> dict[str, str]:
    """ISO 3166 code -> country name, from the jurisdictions catalogue."""
    raw = yaml.safe_load(resource("catalogues", "jurisdictions.yaml").read_text(encoding="utf-8"))
    return {str(e["code"]): str(e["name"]) for e in raw.get("entries", [])}


def _join(parts: list[str], sep: str = "; ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def _primary_registry(p: Protocol) -> str:
    regs = p.metadata.registrations
    return f"{regs[0].registry}: {regs[0].identifier}" if regs else ""


def _secondary_ids(p: Protocol) -> str:
    found = [f"{r.registry}: {r.identifier}" for r in p.metadata.registrations[1:]]
    if p.metadata.protocol_number:
        found.append(f"Sponsor protocol number: {p.metadata.protocol_number}")
    if p.regulatory.ind_number:
        found.append(f"IND: {p.regulatory.ind_number}")
    if p.regulatory.ctn_or_cta:
        found.append(f"CTA/CTN: {p.regulatory.ctn_or_cta}")
    return _join(found)


def _scientific_contact(p: Protocol) -> str:
    pi = p.metadata.principal_investigator
    return _join([pi.name, pi.affiliation, pi.email], ", ")


def _scientific_title(p: Protocol) -> str:
    meta = p.metadata
    return f"{meta.title} ({meta.acronym})" if meta.title and meta.acronym else meta.title


def _countries(p: Protocol) -> str:
    names = country_names()
    codes = list(dict.fromkeys(s.country for s in p.sites))
    return _join([names.get(c, c) for c in codes], ", ")


def _condition(p: Protocol) -> str:
    indication = p.indication
    text = label(indication.condition) if indication.condition != "other" else ""
    return _join([text, indication.description], ": ")


def _interventions(p: Protocol) -> str:
    lines = []
    for arm in p.arms:
        doses = []
        for session in p.sessions:
            if session.dosing is None or (session.arm_ids and arm.id not in session.arm_ids):
                continue
            for adm in session.dosing.administrations:
                product = p.product(adm.product_id)
                if adm.arm_id == arm.id and product is not None:
                    dose = f"{adm.dose:g} {label(adm.unit)} {adm.route}"
                    doses.append(f"{product.name} {dose} (day {session.day})")
        given = ", ".join(doses) if doses else "no study drug"
        lines.append(f"{arm.label} ({label(arm.role).lower()}): {given}")
    return _join(lines)


def _criteria(p: Protocol) -> str:
    e = p.eligibility
    parts = []
    if e.age_min is not None or e.age_max is not None:
        low = "" if e.age_min is None else f"from {e.age_min}"
        high = "" if e.age_max is None else f"to {e.age_max}"
        parts.append(f"Ages {_join([low, high], ' ')} years")
    if e.inclusion:
        parts.append("Inclusion: " + _join([c.text for c in e.inclusion]))
    if e.exclusion:
        parts.append("Exclusion: " + _join([c.text for c in e.exclusion]))
    return _join(parts, ". ")


def _study_type(p: Protocol) -> str:
    if not p.arms:
        return ""
    b = p.blinding
    blinded = [
        who
        for who, flag in (
            ("participants", b.participants),
            ("therapists", b.therapists),
            ("outcome assessors", b.outcome_assessors),
        )
        if flag
    ]
    masking = f"blinded: {', '.join(blinded)}" if blinded else "open label"
    phase = f"phase {p.metadata.phase}" if p.metadata.phase != "n/a" else "phase not applicable"
    design = "parallel groups" if len(p.arms) > 1 else "single group"
    return f"Interventional; {phase}; {len(p.arms)} arms, {design}; {masking}"


def _outcomes(p: Protocol, level: str) -> str:
    found = []
    for objective in p.objectives:
        if objective.level != level:
            continue
        for endpoint in objective.endpoints:
            when = (
                f" (week {endpoint.timepoint_week:g})"
                if endpoint.timepoint_week is not None
                else ""
            )
            found.append(f"{endpoint.text}{when}")
    return _join(found)


def _ethics(p: Protocol) -> str:
    ethics = p.regulatory.ethics
    if not ethics.committee_name and not ethics.approved:
        return ""
    status = "approved" if ethics.approved else "not yet approved"
    date = f" on {ethics.approval_date.isoformat()}" if ethics.approval_date else ""
    reference = f", reference {ethics.reference}" if ethics.reference else ""
    return f"{ethics.committee_name or 'Ethics committee'}: {status}{date}{reference}"


FILLERS: dict[str, tuple[Callable[[Protocol], str], str]] = {
    "primary_registry": (_primary_registry, "$.metadata.registrations[0]"),
    "registration_date": (lambda p: "", ""),
    "secondary_ids": (_secondary_ids, "$.metadata.registrations"),
    "support": (lambda p: p.metadata.funding, "$.metadata.funding"),
    "primary_sponsor": (lambda p: p.metadata.sponsor.name, "$.metadata.sponsor.name"),
    "secondary_sponsors": (lambda p: "", ""),
    "public_contact": (lambda p: p.metadata.sponsor.contact, "$.metadata.sponsor.contact"),
    "scientific_contact": (_scientific_contact, "$.metadata.principal_investigator"),
    "public_title": (lambda p: p.metadata.short_title, "$.metadata.short_title"),
    "scientific_title": (_scientific_title, "$.metadata.title"),
    "countries": (_countries, "$.sites"),
    "conditions": (_condition, "$.indication"),
    "interventions": (_interventions, "$.arms"),
    "criteria": (_criteria, "$.eligibility"),
    "study_type": (_study_type, "$.arms"),
    "first_enrolment": (lambda p: "", ""),
    "sample_size": (
        lambda p: (
            ""
            if p.statistics.sample_size is None
            else f"{p.statistics.sample_size} participants (target)"
        ),
        "$.statistics.sample_size",
    ),
    "recruitment_status": (lambda p: "", ""),
    "primary_outcomes": (lambda p: _outcomes(p, "primary"), "$.objectives"),
    "secondary_outcomes": (lambda p: _outcomes(p, "secondary"), "$.objectives"),
    "ethics_review": (_ethics, "$.regulatory.ethics"),
    "completion_date": (lambda p: "", ""),
    "summary_results": (lambda p: "", ""),
    "ipd_sharing": (lambda p: p.narrative.get("data_sharing", ""), "$.narrative.data_sharing"),
}
"""Item key -> (how to read it from the protocol, where it comes from); "" = not recorded."""


def who_items(protocol: Protocol) -> list[RegistrationItem]:
    """The WHO Trial Registration Data Set items, each with its value or missing."""
    items = []
    for entry in _catalogue()["items"]:
        fill, source = FILLERS[entry["key"]]
        items.append(
            RegistrationItem(int(entry["number"]), str(entry["label"]), fill(protocol), source)
        )
    return items


registration_items = who_items
"""The name the PDF synopsis uses for the same list."""


def registration_data(protocol: Protocol) -> dict[str, Any]:
    """The registration export as data: WHO items, missing items and the CT.gov record."""
    from papdesigner.interop.ctgov import ctgov_record

    items = who_items(protocol)
    catalogue = _catalogue()
    return {
        "data_set": catalogue["title"],
        "source": catalogue["source"],
        "items": [{**asdict(i), "missing": i.missing} for i in items],
        "missing": [i.label for i in items if i.missing],
        "clinicaltrials_gov": ctgov_record(protocol),
    }


def registration_json(protocol: Protocol) -> str:
    """The registration export as JSON text."""
    return json.dumps(registration_data(protocol), ensure_ascii=False, indent=2) + "\n"


def registration_markdown(protocol: Protocol) -> str:
    """The registration export as Markdown: the WHO items, what is missing, the CT.gov record."""
    data = registration_data(protocol)
    title = protocol.metadata.title or "Untitled protocol"
    lines = [f"# Trial registration data: {title}", "", f"## {data['data_set']}", ""]
    lines += [f"_{data['source']}_", ""]
    for item in data["items"]:
        value = "**missing** (not recorded in the protocol)" if item["missing"] else item["value"]
        lines.append(f"{item['number']}. **{item['label']}**: {value}")
    lines += ["", "## Missing items", ""]
    lines += [f"- {name}" for name in data["missing"]] or ["None."]
    lines += ["", "## ClinicalTrials.gov-style record", ""]
    record = data["clinicaltrials_gov"]
    lines += [f"_{record['source']}_", ""]
    lines += ["| Section | Data element | Requirement | Value |", "|---|---|---|---|"]
    for row in record["elements"]:
        value = row["value"] if row["value"] else f"({row['status']})"
        cells = [row["element"], row["variable"], row["requirement"], value]
        lines.append(
            "| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |"
        )
    return "\n".join(lines) + "\n"
