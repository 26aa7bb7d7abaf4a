"""Organisations, study identifiers and study roles of a USDM export.

The sponsor is an organisation with the sponsor role and the sponsor study identifier (the
protocol number); each registry is an organisation scoping its registration number; each
site is a healthcare facility managing one study site. The principal investigator and the
protocol's staff roles are study roles (staff roles apply to the study design).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papdesigner.interop.builder import Builder, Instance, ddf, sdtm
from papdesigner.model.protocol import Protocol, Role, Site

if TYPE_CHECKING:
    from papdesigner.interop.usdm_export import ExportContext

ROLE_CODES = {
    "physician": "Clinical Trial Physician",
    "rater": "Outcomes Assessor",
}
"""Staff role kind -> USDM study role decode; every other kind is a "Care Provider"."""

DESIGN_ID_KEY = "design"

THERAPIST_KINDS = {"lead_therapist", "co_therapist", "assistant_monitor", "facilitator"}
"""Staff kinds ``blinding.therapists`` covers (``rater`` is covered by outcome assessors)."""

MASKED_TEXT = "Blinded to the allocated arm"


def organisations_and_roles(
    ctx: ExportContext, version_id: str
) -> tuple[list[Instance], list[Instance], list[Instance]]:
    """Return (organizations, roles, studyIdentifiers) of the study version."""
    b = ctx.builder
    protocol = ctx.protocol
    sponsor = _sponsor(b, protocol)
    identifiers = [
        b.make("StudyIdentifier", text=_sponsor_identifier(protocol), scopeId=sponsor["id"])
    ]
    organisations = [sponsor]
    registries: dict[str, Instance] = {}
    for registration in protocol.metadata.registrations:
        registry = registries.get(registration.registry)
        if registry is None:
            registry = _organisation(b, registration.registry, "Clinical Study Registry")
            registries[registration.registry] = registry
            organisations.append(registry)
        identifiers.append(
            b.make("StudyIdentifier", text=registration.identifier, scopeId=registry["id"])
        )
    organisations += [_site_organisation(ctx, site) for site in protocol.sites]
    sponsor_role = b.make(
        "StudyRole",
        name="sponsor",
        label="Sponsor",
        code=b.code(ddf("StudyRole.code", "Sponsor")),
        appliesToIds=[version_id],
        assignedPersons=[],
        organizationIds=[sponsor["id"]],
        notes=[],
    )
    roles = [sponsor_role, *_investigator(b, protocol, version_id)]
    ctx.ids[DESIGN_ID_KEY] = b.new_id("InterventionalStudyDesign")
    roles += [_staff_role(ctx, role) for role in protocol.roles]
    if protocol.blinding.participants:
        roles.append(
            b.make(
                "StudyRole",
                name="participants",
                label="Participants",
                code=b.code(ddf("StudyRole.code", "Study Subject")),
                appliesToIds=[ctx.ids[DESIGN_ID_KEY]],
                assignedPersons=[],
                organizationIds=[],
                masking=b.make("Masking", text=MASKED_TEXT, isMasked=True),
                notes=[],
            )
        )
    return organisations, roles, identifiers


def _sponsor_identifier(protocol: Protocol) -> str:
    """The sponsor's number for the study: the protocol number, else the protocol's UUID."""
    return protocol.metadata.protocol_number.strip() or str(protocol.id)


def _organisation(b: Builder, name: str, decode: str) -> Instance:
    return b.make(
        "Organization",
        name=name,
        type=b.code(ddf("Organization.type", decode)),
        identifierScheme="",
        identifier="",
        managedSites=[],
    )


def _sponsor(b: Builder, protocol: Protocol) -> Instance:
    sponsor = protocol.metadata.sponsor
    address = b.make("Address", text=sponsor.address, lines=[]) if sponsor.address else None
    return b.make(
        "Organization",
        name=sponsor.name,
        label=sponsor.name or None,
        type=b.code(sdtm("organization_sponsor", "sponsor")),
        identifierScheme="",
        identifier="",
        legalAddress=address,
        managedSites=[],
    )


def country_code(b: Builder, code: str) -> Instance:
    """Return an ISO 3166-1 alpha-2 country ``Code``."""
    return b.other_code(code, "ISO 3166 1 alpha2", "2020-08", code)


def _site_organisation(ctx: ExportContext, site: Site) -> Instance:
    b = ctx.builder
    study_site = b.make(
        "StudySite", name=site.id, label=site.name, country=country_code(b, site.country)
    )
    study_site["extensionAttributes"].append(b.extension("site", site.model_dump(mode="json")))
    ctx.ids[f"site:{site.id}"] = study_site["id"]
    address = (
        b.make("Address", text=site.address, lines=[], country=country_code(b, site.country))
        if site.address
        else None
    )
    return b.make(
        "Organization",
        name=site.name,
        type=b.code(ddf("Organization.type", "Healthcare Facility")),
        identifierScheme="papdesigner site id",
        identifier=site.id,
        legalAddress=address,
        managedSites=[study_site],
    )


def _investigator(b: Builder, protocol: Protocol, version_id: str) -> list[Instance]:
    pi = protocol.metadata.principal_investigator
    if not pi.name.strip():
        return []
    person = b.make(
        "AssignedPerson",
        name="principal_investigator",
        label=pi.name,
        description=pi.affiliation or None,
        personName=b.make("PersonName", text=pi.name, givenNames=[], prefixes=[], suffixes=[]),
        jobTitle="Principal investigator",
    )
    return [
        b.make(
            "StudyRole",
            name="principal_investigator",
            label="Principal investigator",
            code=b.code(ddf("StudyRole.code", "Principal investigator")),
            appliesToIds=[version_id],
            assignedPersons=[person],
            organizationIds=[],
            notes=[],
        )
    ]


def _masked(protocol: Protocol, role: Role) -> bool:
    blinding = protocol.blinding
    if role.kind == "rater":
        return blinding.outcome_assessors
    return role.kind in THERAPIST_KINDS and blinding.therapists


def _staff_role(ctx: ExportContext, role: Role) -> Instance:
    b = ctx.builder
    masked = _masked(ctx.protocol, role)
    instance = b.make(
        "StudyRole",
        name=role.id,
        label=role.title,
        description=role.responsibilities or None,
        code=b.code(ddf("StudyRole.code", ROLE_CODES.get(role.kind, "Care Provider"))),
        appliesToIds=[ctx.ids[DESIGN_ID_KEY]],
        assignedPersons=[],
        organizationIds=[],
        masking=b.make("Masking", text=MASKED_TEXT, isMasked=True) if masked else None,
        notes=[],
    )
    instance["extensionAttributes"].append(b.extension("role", role.model_dump(mode="json")))
    return instance
