"""papdesigner's USDM extension attributes: what USDM has no class for.

Each extension attribute carries one papdesigner object as JSON text in ``valueString``; its
``url`` names the kind (``urn:papdesigner:usdm:1:session``). The README section "USDM and
registration export" lists them. On import, the standard USDM attributes (names, labels,
texts) win over the copy in the extension, so an edit made in another USDM tool is kept.
"""

from __future__ import annotations

URL_PREFIX = "urn:papdesigner:usdm:1:"

KINDS = (
    "protocol",  # Study: every protocol part USDM has no class for (regulatory, safety...)
    "site",  # StudySite: the site's region, address and licence
    "product",  # AdministrableProduct: substance, form, schedule, 5-HT2B agonism
    "arm",  # StudyArm: the arm's role and planned participants
    "role",  # StudyRole: staff role kind, qualifications, integration duty
    "setting",  # InterventionalStudyDesign: one per room (ReSPCT physical environment)
    "session",  # Encounter: day, window, arms, staffing, setting, dosing, discharge
    "objective",  # Objective: id and level as papdesigner has them
    "endpoint",  # Endpoint: instrument and time point
    "criterion",  # EligibilityCriterion: catalogue code and justification
)


def extension_url(kind: str) -> str:
    """Return the URL of an extension kind."""
    if kind not in KINDS:
        msg = f"unknown papdesigner extension {kind!r}"
        raise ValueError(msg)
    return URL_PREFIX + kind
