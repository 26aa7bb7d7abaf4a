"""Closed vocabularies of the protocol file format (DESIGN.md section 3).

These literals are part of the file-format contract: values may be added, never
renamed. Human-readable labels for the UI and the PDF live in ``LABELS``.
"""

from __future__ import annotations

from typing import Literal, get_args

Context = Literal[
    "ind_trial",
    "cta_trial",
    "au_authorised_prescriber",
    "ca_special_access",
    "us_state_service",
    "investigator_initiated",
]
Phase = Literal["1", "1/2", "2", "2/3", "3", "4", "n/a"]
Condition = Literal[
    "treatment_resistant_depression",
    "major_depressive_disorder",
    "ptsd",
    "anxiety_life_threatening_illness",
    "alcohol_use_disorder",
    "tobacco_use_disorder",
    "other",
]
Substance = Literal["psilocybin", "mdma", "lsd", "other", "placebo"]
Allocation = Literal["unspecified", "randomised", "non_randomised"]
ProductForm = Literal["synthetic", "botanical", "whole_fungi", "extract"]
ArmRole = Literal[
    "experimental",
    "active_comparator",
    "placebo",
    "active_placebo",
    "low_dose_comparator",
    "waitlist",
    "psychotherapy_only",
]
RoleKind = Literal[
    "lead_therapist",
    "co_therapist",
    "assistant_monitor",
    "facilitator",
    "physician",
    "nurse",
    "rater",
    "other",
    "licensee_representative",
    "owner_licensee",
    "handler_licensee",
    "support_person",
]
MONITOR_ROLE_KINDS: tuple[str, ...] = (
    "lead_therapist",
    "co_therapist",
    "assistant_monitor",
    "facilitator",
    "physician",
    "nurse",
)
"""Role kinds whose people count as session monitors. A rater, a licensee representative,
a support person or a role of unknown kind ("other") never does (issue 10)."""
Degree = Literal["none", "bachelor", "master", "doctoral", "md"]
SessionKind = Literal["screening", "preparation", "dosing", "integration", "follow_up", "other"]
SessionFormat = Literal["individual", "group"]
DoseUnit = Literal["mg", "ug", "mg/kg"]
Route = Literal["oral", "sublingual", "intravenous", "intranasal", "other"]
ObjectiveLevel = Literal["primary", "secondary", "exploratory"]
LocationType = Literal[
    "clinical_research_unit",
    "hospital",
    "outpatient_clinic",
    "or_service_center",
    "co_healing_center",
    "other",
]
MedicationPolicy = Literal["washout", "continue_justified", "mixed"]
RegistrationKind = Literal["ind", "planned", "exempt", "not_applicable"]
AuthorisationStatus = Literal["not_applicable", "planned", "submitted", "authorised"]
"""Where an application to a regulator stands (Health Canada CTA, CDSA exemption)."""
MedicinalProductRole = Literal["", "investigational", "auxiliary"]
"""EU CTR 536/2014: an investigational or an auxiliary medicinal product ("" = not said)."""
DepartureMode = Literal[
    "named_driver",
    "taxi_or_rideshare",
    "site_transport",
    "public_transport",
    "on_foot",
    "client_drives",
]
"""How a participant leaves after a dosing session (None in the file = not stated)."""
FacilitationApproach = Literal["non_directive", "directive", "mixed"]
FACILITATION_LABELS: dict[str, str] = {"mixed": "Mixed: partly directive"}
"""Labels of facilitation approaches that differ from :data:`LABELS` ("mixed" there is a
medication policy)."""
TouchPolicy = Literal["no_touch", "on_request_with_written_consent", "other"]
EmergencyEscalation = Literal["immediate", "after_assessment"]
ApprovalStatus = Literal["not_sought", "applied", "approved"]

DEGREE_RANK: dict[str, int] = {"none": 0, "bachelor": 1, "master": 2, "doctoral": 3, "md": 3}
"""Order of degrees, for rules such as "at least a graduate degree"."""

SESSION_KINDS: tuple[str, ...] = get_args(SessionKind)
CONTEXTS: tuple[str, ...] = get_args(Context)
CONDITIONS: tuple[str, ...] = get_args(Condition)
SUBSTANCES: tuple[str, ...] = get_args(Substance)

LABELS: dict[str, str] = {
    "unspecified": "Not specified",
    "or_service_center": "Oregon psilocybin service center",
    "co_healing_center": "Colorado healing center",
    "bachelor": "Bachelor's degree",
    "master": "Master's degree",
    "doctoral": "Doctoral degree",
    "md": "Medical degree (MD)",
    "co_therapist": "Co-therapist",
    "low_dose_comparator": "Low-dose comparator",
    "continue_justified": "Continue, with justification",
    "mixed": "Washout for some medicines, continuation of others",
    "randomised": "Randomised",
    "non_randomised": "Not randomised",
    "ind_trial": "US IND clinical trial",
    "cta_trial": "Clinical trial under a CTA/CTN",
    "au_authorised_prescriber": "Australian Authorised Prescriber treatment",
    "ca_special_access": "Health Canada Special Access Program",
    "us_state_service": "US state-licensed psilocybin service",
    "investigator_initiated": "Investigator-initiated study",
    "treatment_resistant_depression": "Treatment-resistant depression",
    "major_depressive_disorder": "Major depressive disorder",
    "ptsd": "Post-traumatic stress disorder",
    "anxiety_life_threatening_illness": "Anxiety in life-threatening illness",
    "alcohol_use_disorder": "Alcohol use disorder",
    "tobacco_use_disorder": "Tobacco use disorder",
    "psilocybin": "Psilocybin",
    "mdma": "MDMA",
    "lsd": "LSD",
    "other": "Other",
    "screening": "Screening",
    "preparation": "Preparation",
    "dosing": "Dosing",
    "integration": "Integration",
    "follow_up": "Follow-up",
    "ug": "µg",
    "mg": "mg",
    "mg/kg": "mg/kg",
    "not_applicable": "Not applicable",
    "planned": "Planned",
    "submitted": "Submitted",
    "authorised": "Authorised",
    "investigational": "Investigational medicinal product",
    "auxiliary": "Auxiliary medicinal product",
    "licensee_representative": "Licensee representative",
    "owner_licensee": "Owner licensee",
    "handler_licensee": "Handler licensee",
    "support_person": "Volunteer or support person",
    "named_driver": "Driven by a named adult",
    "taxi_or_rideshare": "Taxi or ride service",
    "site_transport": "Transport arranged by the site",
    "public_transport": "Public transport",
    "on_foot": "On foot",
    "client_drives": "Drives themselves",
    "non_directive": "Non-directive",
    "directive": "Directive",
    "no_touch": "No supportive touch",
    "on_request_with_written_consent": "Only on request, with prior written consent",
    "immediate": "Emergency services are called immediately",
    "after_assessment": "Emergency services are called after an assessment",
    "not_sought": "Not sought",
    "applied": "Applied for",
    "approved": "Approved",
}


def label(value: str) -> str:
    """Return the human-readable label of a vocabulary value (the value itself if unknown)."""
    return LABELS.get(value, value.replace("_", " ").capitalize())
