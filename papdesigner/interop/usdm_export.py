"""Protocol -> CDISC USDM 4.0.0 JSON (a ``Wrapper`` with one Study and one StudyVersion).

The study version carries titles, identifiers, organisations, roles, interventions and
amendments; the study design (``usdm_design``) carries arms, epochs, encounters, the schedule,
objectives and eligibility. What USDM has no class for travels in papdesigner extension
attributes (``extensions``), so an export imports back without loss.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from papdesigner import __version__
from papdesigner.diff.amendment import AmendmentRecord
from papdesigner.interop.builder import Builder, Instance, ddf
from papdesigner.interop.usdm_amendments import amendments
from papdesigner.interop.usdm_design import study_design
from papdesigner.interop.usdm_parties import organisations_and_roles
from papdesigner.interop.usdm_products import interventions
from papdesigner.model.protocol import Protocol

USDM_VERSION = "4.0.0"

CARRIED_ELSEWHERE = ("sites", "products", "arms", "roles", "settings", "sessions")
"""Protocol lists carried by USDM instances (with their own extensions), not by the study's."""


@dataclass
class ExportContext:
    """State shared by the parts of one export: the builder and ids of instances made so far."""

    protocol: Protocol
    builder: Builder = field(default_factory=Builder)
    ids: dict[str, str] = field(default_factory=dict)
    """papdesigner key (``"arm:placebo"``, ``"product:psi"``) -> USDM id."""


def export_usdm(protocol: Protocol, records: Sequence[AmendmentRecord] = ()) -> dict[str, Any]:
    """Return the USDM 4.0.0 wrapper of ``protocol`` as JSON data.

    ``records`` are the amendment records saved with the protocol's library versions, oldest
    first; each becomes a ``StudyAmendment``.
    """
    ctx = ExportContext(protocol)
    b = ctx.builder
    study_id = str(protocol.id)
    version_id = b.new_id("StudyVersion")
    document = _document(ctx)
    organisations, roles, identifiers = organisations_and_roles(ctx, version_id)
    products, study_interventions = interventions(ctx)
    design, criterion_items = study_design(ctx, [i["id"] for i in study_interventions])
    version: Instance = {
        "id": version_id,
        "extensionAttributes": [],
        "versionIdentifier": protocol.metadata.version,
        "rationale": protocol.narrative.get("rationale", ""),
        "documentVersionIds": [document["versions"][0]["id"]],
        "dateValues": _dates(ctx),
        "amendments": amendments(ctx, records, document["id"]),
        "businessTherapeuticAreas": [],
        "studyIdentifiers": identifiers,
        "referenceIdentifiers": [],
        "studyDesigns": [design],
        "titles": _titles(ctx),
        "eligibilityCriterionItems": criterion_items,
        "narrativeContentItems": [],
        "abbreviations": [],
        "roles": roles,
        "organizations": organisations,
        "studyInterventions": study_interventions,
        "administrableProducts": products,
        "medicalDevices": [],
        "productOrganizationRoles": [],
        "biomedicalConcepts": [],
        "bcCategories": [],
        "bcSurrogates": [],
        "dictionaries": [],
        "conditions": [],
        "notes": [],
        "instanceType": "StudyVersion",
    }
    study: Instance = {
        "id": study_id,
        "extensionAttributes": [b.extension("protocol", _remainder(protocol))],
        "name": _study_name(protocol),
        "description": protocol.metadata.title or None,
        "label": protocol.metadata.short_title or None,
        "versions": [version],
        "documentedBy": [document],
        "instanceType": "Study",
    }
    return {
        "study": {k: v for k, v in study.items() if v is not None},
        "usdmVersion": USDM_VERSION,
        "systemName": "papdesigner",
        "systemVersion": __version__,
    }


def usdm_json(protocol: Protocol, records: Sequence[AmendmentRecord] = ()) -> str:
    """Return the USDM export as indented JSON text (UTF-8, ending with a newline)."""
    return json.dumps(export_usdm(protocol, records), ensure_ascii=False, indent=2) + "\n"


def _study_name(protocol: Protocol) -> str:
    meta = protocol.metadata
    for candidate in (meta.acronym, meta.protocol_number, meta.short_title, meta.title):
        if candidate.strip():
            return candidate
    return str(protocol.id)


def _remainder(protocol: Protocol) -> dict[str, Any]:
    """The protocol without the parts USDM instances carry (criteria, objectives, lists)."""
    data = protocol.model_dump(mode="json", exclude=set(CARRIED_ELSEWHERE) | {"objectives"})
    data["eligibility"].pop("inclusion")
    data["eligibility"].pop("exclusion")
    return data


def _titles(ctx: ExportContext) -> list[Instance]:
    meta = ctx.protocol.metadata
    b = ctx.builder
    titles = [
        b.make(
            "StudyTitle",
            text=meta.title,
            type=b.code(ddf("StudyTitle.type", "Official Study Title")),
        )
    ]
    for text, decode in ((meta.short_title, "Brief Study Title"), (meta.acronym, "Study Acronym")):
        if text.strip():
            titles.append(
                b.make("StudyTitle", text=text, type=b.code(ddf("StudyTitle.type", decode)))
            )
    return titles


def global_scope(b: Builder) -> Instance:
    """Return a ``GeographicScope`` of type Global."""
    return b.make("GeographicScope", type=b.code(ddf("GeographicScope.type", "Global")))


def _dates(ctx: ExportContext) -> list[Instance]:
    b = ctx.builder
    meta, ethics = ctx.protocol.metadata, ctx.protocol.regulatory.ethics
    dates = []
    if meta.version_date is not None:
        dates.append(
            b.make(
                "GovernanceDate",
                name="protocol_version_date",
                label="Protocol version date",
                type=b.code(ddf("GovernanceDate.type", "Issued Date")),
                dateValue=meta.version_date.isoformat(),
                geographicScopes=[global_scope(b)],
            )
        )
    if ethics.approval_date is not None:
        dates.append(
            b.make(
                "GovernanceDate",
                name="ethics_approval_date",
                label="Ethics committee approval date",
                type=b.code(ddf("GovernanceDate.type", "Approval Date")),
                dateValue=ethics.approval_date.isoformat(),
                geographicScopes=[global_scope(b)],
            )
        )
    return dates


def _document(ctx: ExportContext) -> Instance:
    """The protocol document (ICH M11 template) and its one version."""
    b = ctx.builder
    protocol = ctx.protocol
    status = "Approved" if protocol.regulatory.ethics.approved else "Draft"
    version = b.make(
        "StudyDefinitionDocumentVersion",
        version=protocol.metadata.version,
        status=b.code(ddf("StudyDefinitionDocumentVersion.status", status)),
        dateValues=[],
        contents=[],
        notes=[],
    )
    return b.make(
        "StudyDefinitionDocument",
        name="protocol",
        label="Protocol",
        language=b.other_code("en", "ISO 639-1", "2002", "English"),
        type=b.code(ddf("StudyDefinitionDocument.type", "Protocol")),
        templateName="ICH M11",
        versions=[version],
        childIds=[],
        notes=[],
    )
