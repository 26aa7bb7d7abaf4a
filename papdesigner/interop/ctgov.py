"""A ClinicalTrials.gov-style record, read from the protocol's USDM export.

Every data element of CDISC's ClinicalTrials.gov mapping (``resources/catalogues/
ctgov_mapping.yaml``) is filled from the USDM attribute the mapping names, in papdesigner's
own USDM export of the protocol, so the record says exactly what a registry feed built on the
mapping would send. Elements the mapping leaves unmapped, or that apply to observational
studies only, are listed with that status rather than left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import yaml

from papdesigner.interop.usdm_export import export_usdm
from papdesigner.model.protocol import Protocol
from papdesigner.paths import resource

FILLED, MISSING, NOT_MAPPED, NOT_APPLICABLE = (
    "filled",
    "no value in the USDM export",
    "not mapped to USDM",
    "not applicable (observational studies)",
)
SPECIAL = {
    (
        "Name of the Sponsor",
        "AssignedPerson.label",
    ): "not applicable (the sponsor is an organisation)",
    ("Enrollment", "StudyDesignPopulation.plannedEnrollmentNumberRange"): (
        "not applicable (the planned enrolment is a number, not a range)"
    ),
}
"""Rows that do not apply to a papdesigner export, with the reason shown."""
NO_COHORTS = "not applicable (no cohorts)"
SPONSOR, PI = "C70793", "C19924"
TITLE_TYPES = {"Brief Title": "C207615", "Acronym": "C94108", "Official Title": "C207616"}


@cache
def _mapping() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        resource("catalogues", "ctgov_mapping.yaml").read_text(encoding="utf-8")
    )
    return data


class _Study:
    """Look-ups in one USDM export."""

    def __init__(self, wrapper: dict[str, Any]) -> None:
        self.version = wrapper["study"]["versions"][0]
        self.design = self.version["studyDesigns"][0]
        self.by_id = {o["id"]: o for o in self.version["organizations"]}

    def role(self, code: str) -> dict[str, Any] | None:
        return next((r for r in self.version["roles"] if r["code"]["code"] == code), None)

    def sponsor_org_ids(self) -> list[str]:
        role = self.role(SPONSOR)
        return list(role["organizationIds"]) if role else []

    def secondary_identifiers(self) -> Iterator[dict[str, Any]]:
        sponsors = set(self.sponsor_org_ids())
        return (i for i in self.version["studyIdentifiers"] if i["scopeId"] not in sponsors)

    def endpoints(self, level: str) -> list[str]:
        return [
            e["text"]
            for o in self.design["objectives"]
            for e in o["endpoints"]
            if e["level"]["decode"].startswith(level)
        ]

    def arm_interventions(self, attribute: str) -> str:
        interventions = {i["id"]: i for i in self.version["studyInterventions"]}
        elements = {e["id"]: e for e in self.design["elements"]}
        lines = []
        for arm in self.design["arms"]:
            ids = [
                i
                for cell in self.design["studyCells"]
                if cell["armId"] == arm["id"]
                for element_id in cell["elementIds"]
                for i in elements[element_id]["studyInterventionIds"]
            ]
            values = [_text(interventions[i][attribute]) for i in dict.fromkeys(ids)]
            if values:
                lines.append(f"{arm['label']}: {', '.join(values)}")
        return "; ".join(lines)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("decode") or value.get("standardCode", {}).get("decode", ""))
    return str(value)


def _age(study: _Study, end: str, unit: bool) -> str:
    age = study.design["population"].get("plannedAge")
    if not age:
        return ""
    quantity = age[end]
    return _text(quantity["unit"]) if unit else f"{quantity['value']:g}"


def _masking(study: _Study) -> str:
    masked = [r for r in study.version["roles"] if (r.get("masking") or {}).get("isMasked")]
    if not masked:
        return "None (Open Label)"
    return ", ".join(dict.fromkeys(r["code"]["decode"] for r in masked))


Getter = Callable[[_Study], str]

GETTERS: dict[tuple[str, str], Getter] = {
    ("Unique Protocol Identification Number", "StudyIdentifier.text"): lambda s: next(
        i["text"] for i in s.version["studyIdentifiers"] if i["scopeId"] in s.sponsor_org_ids()
    ),
    ("Secondary ID", "StudyIdentifier.text"): lambda s: "; ".join(
        i["text"] for i in s.secondary_identifiers()
    ),
    ("Type", "Organization.type"): lambda s: "; ".join(
        s.by_id[i["scopeId"]]["type"]["decode"] for i in s.secondary_identifiers()
    ),
    ("Description", "Organization.name"): lambda s: "; ".join(
        s.by_id[i["scopeId"]]["name"] for i in s.secondary_identifiers()
    ),
    ("Study Type", "StudyDesign.studyType"): lambda s: _text(s.design["studyType"]),
    ("Investigator Name", "AssignedPerson.text"): lambda s: "; ".join(
        p["personName"]["text"] for p in (s.role(PI) or {}).get("assignedPersons", [])
    ),
    ("Official Title", "AssignedPerson.jobTitle"): lambda s: "; ".join(
        p["jobTitle"] for p in (s.role(PI) or {}).get("assignedPersons", [])
    ),
    ("Name of the Sponsor", "Organization.label"): lambda s: "; ".join(
        s.by_id[i].get("label") or "" for i in s.sponsor_org_ids()
    ),
    ("Study Phase", "StudyDesign.studyPhase"): lambda s: _text(s.design["studyPhase"]),
    ("Interventional Study Model", "InterventionalStudyDesign.model"): lambda s: _text(
        s.design["model"]
    ),
    ("Number of Arms", "StudyDesign.arms"): lambda s: str(len(s.design["arms"])),
    ("Masking", "StudyRole.code"): _masking,
    ("Masking Description", "Masking.text"): lambda s: "; ".join(
        f"{r['label']}: {r['masking']['text']}" for r in s.version["roles"] if r.get("masking")
    ),
    ("Allocation", "StudyDesign.arms"): lambda s: (
        "N/A (one arm)" if len(s.design["arms"]) == 1 else ""
    ),
    ("Allocation", "StudyDesign.characteristics"): lambda s: "; ".join(
        c["decode"] for c in s.design["characteristics"] if "Random" in c["decode"]
    ),
    (
        "Enrollment",
        "StudyDesignPopulation.plannedEnrollmentNumberQuantity",
    ): lambda s: _text(
        (s.design["population"].get("plannedEnrollmentNumber") or {}).get("value", "")
    ),
    ("Arm Title", "StudyArm.label"): lambda s: "; ".join(a["label"] for a in s.design["arms"]),
    ("Arm Type", "StudyArm.type"): lambda s: "; ".join(
        f"{a['label']}: {a['type']['decode']}" for a in s.design["arms"]
    ),
    ("Arm Description", "StudyArm.description"): lambda s: "; ".join(
        f"{a['label']}: {a['description']}" for a in s.design["arms"] if a.get("description")
    ),
    ("Intervention Type", "StudyIntervention.type"): lambda s: s.arm_interventions("type"),
    ("Intervention Name", "StudyIntervention.label"): lambda s: s.arm_interventions("label"),
    ("Minimum Age", "Quantity.value"): lambda s: _age(s, "minValue", unit=False),
    ("Maximum Age", "Quantity.value"): lambda s: _age(s, "maxValue", unit=False),
    ("Unit of Time", "Quantity.unit"): lambda s: _age(s, "minValue", unit=True),
    ("Accepts Healthy Volunteers", "StudyDesignPopulation.includesHealthySubjects"): lambda s: (
        "Yes" if s.design["population"]["includesHealthySubjects"] else "No"
    ),
    ("Eligibility Criteria", "EligibilityCriterionItem.text"): lambda s: "; ".join(
        f"{'Exclusion' if c['category']['code'] == 'C25370' else 'Inclusion'}: {i['text']}"
        for c in s.design["eligibilityCriteria"]
        for i in s.version["eligibilityCriterionItems"]
        if i["id"] == c["criterionItemId"]
    ),
    ("Sex", "StudyDesignPopulation.plannedSex"): lambda s: ", ".join(
        c["decode"] for c in s.design["population"]["plannedSex"]
    ),
}
"""(ClinicalTrials.gov variable, USDM Class.attribute) -> value in the USDM export."""


def _title(study: _Study, variable: str) -> str:
    code = TITLE_TYPES[variable]
    return next((t["text"] for t in study.version["titles"] if t["type"]["code"] == code), "")


def _outcome(study: _Study, element: str) -> str:
    level = "Primary" if "Primary Outcome" in element else "Secondary"
    if "Other" in element:
        level = "Exploratory"
    return "; ".join(study.endpoints(level))


def _value(study: _Study, row: dict[str, str]) -> tuple[str, str]:
    """(value, status) of one mapping row."""
    usdm = f"{row['usdm_class']}.{row['usdm_attribute']}"
    if row["status"] == "Not Mapped":
        return "", NOT_MAPPED
    if "Observational" in row["element"] or "observational" in row["requirement"].lower():
        return "", NOT_APPLICABLE
    if "cohorts" in row["target_path"]:
        return "", NO_COHORTS
    if (row["variable"], usdm) in SPECIAL:
        return "", SPECIAL[(row["variable"], usdm)]
    getter = GETTERS.get((row["variable"], usdm))
    if usdm == "StudyTitle.text":
        value = _title(study, row["variable"])
    elif usdm == "Endpoint.text":
        value = _outcome(study, row["element"])
    elif getter is not None:
        value = getter(study)
    else:
        value = ""
    return value, FILLED if value else MISSING


def ctgov_record(protocol: Protocol) -> dict[str, Any]:
    """The ClinicalTrials.gov-style record: one row per mapped data element, with its value."""
    study = _Study(export_usdm(protocol))
    mapping = _mapping()
    rows = []
    for row in mapping["elements"]:
        value, status = _value(study, row)
        rows.append(
            {
                "element": row["element"],
                "variable": row["variable"],
                "requirement": row["requirement"],
                "usdm": f"{row['usdm_class']}.{row['usdm_attribute']}".strip("."),
                "value": value,
                "status": status,
            }
        )
    return {"source": mapping["source"], "elements": rows}
