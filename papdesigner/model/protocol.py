"""The protocol: pydantic v2 models of a ``*.pap.json`` file (DESIGN.md section 3).

Field names that appear in DESIGN.md are a contract and are never renamed. Fields
added beyond the design carry what the shipped rule sets need to check (regulatory
approvals, consent documents, coded eligibility criteria, ReSPCT setting items).

Every model forbids unknown keys, so a typo in a file is reported with its JSON
path instead of being silently dropped. Field order is the order of keys in a
saved file. Cross-references (a session's ``role_id`` and so on) are checked by
:func:`papdesigner.model.integrity.check_integrity`, not here, so that a protocol
can be edited step by step.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from papdesigner.model.vocab import (
    Allocation,
    ApprovalStatus,
    ArmRole,
    AuthorisationStatus,
    Condition,
    Context,
    Degree,
    DepartureMode,
    DoseUnit,
    EmergencyEscalation,
    FacilitationApproach,
    LocationType,
    MedicationPolicy,
    MedicinalProductRole,
    ObjectiveLevel,
    Phase,
    ProductForm,
    RegistrationKind,
    RoleKind,
    Route,
    SessionFormat,
    SessionKind,
    Substance,
    TouchPolicy,
)

FORMAT_NAME = "papdesigner-protocol"
SCHEMA_VERSION = 2

Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]
"""A stable id inside one protocol (``"dose1"``, ``"lead"``, ``"EX-3"``)."""

NarrativeKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class Part(BaseModel):
    """Base of every protocol part: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# --- metadata -----------------------------------------------------------------------------


class Sponsor(Part):
    """The organisation that takes responsibility for the trial."""

    name: str = ""
    address: str = ""
    contact: str = ""
    signatory: str = Field("", description="Person authorised to sign the protocol for the sponsor")


class Investigator(Part):
    """The principal investigator."""

    name: str = ""
    affiliation: str = ""
    email: str = ""


class Registration(Part):
    """A trial registration, e.g. ClinicalTrials.gov or ANZCTR."""

    registry: str
    identifier: str


class VersionEntry(Part):
    """One earlier or current version of the protocol, for the version history table."""

    version: str = ""
    date: dt.date | None = None
    summary: str = Field("", description="What changed and why (the amendment summary)")


class Metadata(Part):
    """Title page facts."""

    title: str = ""
    short_title: str = ""
    acronym: str = ""
    protocol_number: str = ""
    version: str = "1.0"
    version_date: dt.date | None = None
    phase: Phase = "2"
    sponsor: Sponsor = Field(default_factory=Sponsor)
    principal_investigator: Investigator = Field(default_factory=Investigator)
    registrations: list[Registration] = Field(default_factory=list)
    funding: str = ""
    keywords: list[str] = Field(default_factory=list)
    medical_monitor: str = Field("", description="Sponsor's medical monitor or medical expert")
    emergency_contact: str = Field("", description="24-hour emergency contact for sites")
    version_history: list[VersionEntry] = Field(
        default_factory=list, description="Prior versions and amendments, oldest first"
    )


# --- regulatory -------------------------------------------------------------------------


class EthicsApproval(Part):
    """Ethics committee (IRB / HREC / REC) review."""

    committee_name: str = ""
    approved: bool = False
    approval_date: dt.date | None = None
    reference: str = ""
    nhmrc_registered: bool | None = Field(
        None, description="Australia: the HREC is registered with the NHMRC"
    )


class Regulatory(Part):
    """Regulatory status and approvals that the rule sets check."""

    ind_status: RegistrationKind = "not_applicable"
    ind_number: str = ""
    pre_ind_meeting: bool | None = None
    pre_ind_meeting_note: str = ""
    dea_schedule1_registration: str = Field(
        "", description="US DEA Schedule I researcher registration"
    )
    ethics: EthicsApproval = Field(default_factory=EthicsApproval)
    ctn_or_cta: str = Field("", description="Clinical trial notification or application reference")
    tga_ap_pathway: Literal["", "standard", "established_history"] = ""
    tga_ap_application_date: dt.date | None = None
    state_approvals: list[str] = Field(default_factory=list)
    sa_chief_psychiatrist_notification_days: int | None = Field(None, ge=0)
    periodic_reporting: str = Field("", description="Reports to the regulator and their schedule")
    prescriber_specialty: str = ""
    prescriber_specialist_registration: bool | None = None
    prescriber_pat_training: str = ""
    import_permit: str = ""
    eu_trial_number: str = Field("", description="EU CTR 536/2014: the EU trial number (CTIS)")
    gcp_compliance_statement: bool | None = Field(
        None,
        description="The protocol states that the trial follows the protocol, the applicable "
        "clinical trials regulation and good clinical practice",
    )
    patients_involved_in_design: bool | None = Field(
        None, description="Patients were involved in designing the trial"
    )
    patient_involvement: str = Field("", description="How patients were involved in the design")
    vic_notice_of_intention: bool | None = Field(
        None,
        description="Victoria: notice of intention (Form 7, DPCS Regulations 2017 reg 17A) given",
    )
    ca_cta_status: AuthorisationStatus = Field(
        "not_applicable",
        description="Health Canada clinical trial application (Food and Drug Regulations C.05)",
    )
    ca_controlled_substance_exemption: AuthorisationStatus = Field(
        "not_applicable",
        description="Health Canada authority to use a controlled substance in the trial "
        "(CDSA section 56 exemption or Part J letter of authorization)",
    )
    # Structured facts the rule sets decide on (schema 2); None = not stated, so a rule asks.
    prescriber_registered_in_psychiatry: bool | None = Field(
        None, description="The prescriber is registered as a specialist in psychiatry"
    )
    tga_six_monthly_reporting: bool | None = Field(
        None, description="Australia: six-monthly reports to the TGA for each authorisation"
    )
    tga_adverse_event_reporting: bool | None = Field(
        None, description="Australia: adverse events are reported to the TGA"
    )
    tga_defect_reporting: bool | None = Field(
        None, description="Australia: product defects are reported to the TGA"
    )
    act_cho_approval: ApprovalStatus | None = Field(
        None, description="ACT: approval of the ACT Chief Health Officer"
    )


# --- sites, indication, products, arms, roles ----------------------------------------------


class Site(Part):
    """A place where the trial or service runs."""

    id: Identifier
    name: str
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    region: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")] | None = None
    address: str = ""
    licence_id: str = Field("", description="Licence of a service centre or healing centre")


class Indication(Part):
    """The condition studied."""

    condition: Condition = "other"
    description: str = ""


class Product(Part):
    """An investigational or service product."""

    id: Identifier
    substance: Substance
    name: str
    form: ProductForm = "synthetic"
    manufacturer: str = ""
    schedule: str = Field("", description='Controlled-substance schedule, e.g. "I" (US CSA)')
    ht2b_agonist: bool | None = Field(None, description="Known 5-HT2B receptor agonism")
    description: str = ""
    medicinal_product_role: MedicinalProductRole = Field(
        "", description="EU CTR: investigational or auxiliary medicinal product"
    )


class Arm(Part):
    """A study arm (group of participants receiving the same intervention)."""

    id: Identifier
    label: str
    role: ArmRole = "experimental"
    description: str = ""
    planned_participants: int | None = Field(None, ge=0)


class Qualifications(Part):
    """Formal qualifications of one role."""

    degree: Degree = "none"
    licensed: bool = False
    independent_practice: bool = False
    mental_health_experience_years: float = Field(0, ge=0)
    psychedelic_training_hours: float = Field(0, ge=0)
    bls_certified: bool = False
    profession: str = Field("", description='e.g. "psychiatrist", "clinical psychologist"')


class Role(Part):
    """A staff role (lead therapist, assistant monitor, facilitator...)."""

    id: Identifier
    title: str
    kind: RoleKind = "other"
    qualifications: Qualifications = Field(default_factory=Qualifications)
    responsibilities: str = ""
    delivers_integration: bool | None = Field(
        None, description="Whether people in this role also deliver post-dosing psychotherapy"
    )


# --- setting (ReSPCT physical environment) ------------------------------------------------


class Setting(Part):
    """A room where sessions take place, described with the ReSPCT 2025 items."""

    id: Identifier
    name: str
    location_type: LocationType = "clinical_research_unit"
    site_id: Identifier | None = None
    location: str = Field("", description="ReSPCT 1: where; indoors/outdoors; urban/rural")
    ambiance: str = Field("", description="ReSPCT 2: how the atmosphere is curated")
    nature_access: str = Field("", description="ReSPCT 3: natural elements or access to nature")
    objects_decor: str = Field("", description="ReSPCT 4: objects and decorations")
    lighting: str = Field("", description="ReSPCT 5: lighting and whether it can be adjusted")
    sensory_reduction: str = Field("", description="ReSPCT 6: eyeshades, headphones")
    bathroom: str = Field("", description="ReSPCT 7: bathroom access, privacy, safety")
    positioning: str = Field("", description="ReSPCT 9: seating, couch or bed")
    music: str = Field("", description="ReSPCT 11: music or soundscape")
    emergency_equipment: str = ""
    max_occupancy: int | None = Field(None, ge=1)
    space_per_client_attested: bool = False


# --- sessions ---------------------------------------------------------------------------


class StaffAssignment(Part):
    """How many people of one role attend a session."""

    role_id: Identifier
    count: int = Field(1, ge=1)
    present_throughout: bool = True


class Administration(Part):
    """One administration of a product to one arm within a dosing session."""

    arm_id: Identifier
    product_id: Identifier
    dose: float = Field(gt=0)
    unit: DoseUnit = "mg"
    route: Route = "oral"
    at_hours: float = Field(0, ge=0, description="Offset from session start, in hours")
    supplemental: bool = False
    optional: bool = Field(False, description="Given only if clinically appropriate")


class Dosing(Part):
    """What makes a session a dosing session."""

    administrations: list[Administration] = Field(default_factory=list)
    observation_hours: float | None = Field(None, ge=0)
    discharge_criteria: str = ""
    overnight_stay: bool = False
    transport_plan: str = ""
    observed_ingestion: bool = True
    supervised: bool = True
    onsite_support_staff: int = Field(0, ge=0, description="Other licensee staff on the premises")
    administered_by: Identifier | None = Field(
        None, description="The role whose members give the drug to the participant"
    )
    no_driving_advice: bool | None = Field(
        None, description="The transport plan advises the participant not to drive afterwards"
    )
    departure: DepartureMode | None = Field(
        None, description="How the participant leaves after the session"
    )


class Recording(Part):
    """Audio/video recording of sessions."""

    audio: bool = False
    video: bool = False
    consent: bool = False


class Session(Part):
    """One planned contact with participants."""

    id: Identifier
    kind: SessionKind
    title: str = ""
    day: int = Field(description="Study day; day 1 = first day of treatment, screening is negative")
    window_days: int = Field(0, ge=0)
    arm_ids: list[Identifier] = Field(default_factory=list, description="Empty = every arm")
    duration_hours: float | None = Field(None, gt=0)
    format: SessionFormat = "individual"
    group_size: int | None = Field(None, ge=1)
    setting_id: Identifier | None = None
    staff: list[StaffAssignment] = Field(default_factory=list)
    assessments: list[str] = Field(default_factory=list)
    dosing: Dosing | None = None
    description: str = ""
    remote: bool = False


# --- eligibility, medications -------------------------------------------------------------


class Criterion(Part):
    """One eligibility criterion; ``code`` links it to the criteria catalogue for rules."""

    id: Identifier
    text: str
    code: str | None = None
    justification: str = ""


class Eligibility(Part):
    """Who may take part."""

    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    age_justification: str = ""
    inclusion: list[Criterion] = Field(default_factory=list)
    exclusion: list[Criterion] = Field(default_factory=list)


class Washout(Part):
    """A medication class stopped before dosing."""

    medication_class: str
    min_days: int = Field(ge=0)
    supervised_taper: bool = False
    note: str = ""


class Medications(Part):
    """Concomitant medication policy."""

    policy: MedicationPolicy = "washout"
    policy_justification: str = ""
    washouts: list[Washout] = Field(default_factory=list)
    prohibited: list[str] = Field(default_factory=list)
    rescue: list[str] = Field(default_factory=list)
    continued_classes: list[str] = Field(
        default_factory=list,
        description="Medication classes participants continue (with the policy's justification)",
    )


# --- therapy, blinding, outcomes, safety, statistics --------------------------------------


class Psychotherapy(Part):
    """The therapeutic framework around dosing."""

    model: str = ""
    manual_reference: str = ""
    rationale: str = ""
    bias_controls: list[str] = Field(default_factory=list)
    touch_policy: str = ""
    recording: Recording = Field(default_factory=Recording)
    narrative_framing: str = Field("", description="ReSPCT 19: how the intervention is framed")
    preparation_protocol: str = Field("", description="ReSPCT 21")
    integration_protocol: str = Field("", description="ReSPCT 22")
    additional_support: str = Field("", description="ReSPCT 23: support after the trial")
    cultural_safety: str = Field("", description="ReSPCT 25")
    training: str = Field("", description="Training, supervision and adherence monitoring")
    facilitation_approach: FacilitationApproach | None = Field(
        None, description="Whether the facilitation is non-directive"
    )
    supportive_touch: TouchPolicy | None = Field(
        None, description="Whether supportive touch is offered, and on what condition"
    )


class Blinding(Part):
    """Who is blinded and how unblinding is measured."""

    participants: bool = False
    therapists: bool = False
    outcome_assessors: bool = False
    raters_independent: bool = False
    expectancy_measure: str = ""
    integrity_measure: str = ""
    unblinding_procedure: str = ""
    rationale: str = ""
    allocation: Allocation = Field(
        "unspecified", description="How participants are assigned to arms (M11 6.7.1)"
    )


class Endpoint(Part):
    """A measured outcome."""

    id: Identifier
    text: str
    instrument: str | None = None
    timepoint_week: float | None = Field(None, ge=0)


class Objective(Part):
    """A trial objective with its endpoints."""

    id: Identifier
    level: ObjectiveLevel
    text: str
    endpoints: list[Endpoint] = Field(default_factory=list)


class Safety(Part):
    """Safety monitoring and management."""

    vitals_schedule: str = ""
    suicidality_instrument: str | None = None
    adverse_event_plan: str = ""
    adverse_events_of_special_interest: list[str] = Field(default_factory=list)
    stopping_rules: str = ""
    dsmb: str = ""
    emergency_plan: str = ""
    pregnancy_testing: str = ""
    contraception_days_after_last_dose: int | None = Field(None, ge=0)
    hppd_followup: bool = False
    echocardiogram_schedule: str = ""
    participant_support_contact: bool = False
    susar_report_days: int | None = Field(
        None,
        ge=0,
        description="Calendar days to report a serious and unexpected suspected adverse "
        "reaction to the regulator",
    )
    susar_fatal_report_days: int | None = Field(
        None,
        ge=0,
        description="Calendar days to report an unexpected fatal or life-threatening suspected "
        "adverse reaction to the regulator",
    )
    emergency_escalation: EmergencyEscalation | None = Field(
        None, description="When emergency services are called in a medical emergency"
    )
    ae_collection_period: str = Field("", description="When AEs and SAEs are collected (M11 9.2.1)")
    ae_severity_scale: str = Field("", description="How the intensity of an AE is graded")
    ae_causality_scale: str = Field("", description="How relatedness to the intervention is judged")
    sae_sponsor_report_hours: int | None = Field(
        None, ge=0, description="Hours within which a site reports an SAE to the sponsor"
    )
    ethics_reporting: str = Field("", description="What is reported to the IRB/EC, and when")
    pregnancy_reporting: str = Field(
        "", description="Procedure when a participant or partner becomes pregnant"
    )
    overdose_management: str = Field(
        "", description="Definition and management of an overdose (M11 6.5)"
    )


class Statistics(Part):
    """Sample size and analysis."""

    sample_size: int | None = Field(None, ge=0)
    power: float | None = Field(None, gt=0, lt=1)
    alpha: float | None = Field(None, gt=0, lt=1)
    primary_analysis: str = ""
    missing_data: str = ""
    sensitivity_analyses: str = ""
    interim_analysis: str = ""
    analysis_sets: str = Field("", description="Analysis sets (M11 10.2)")
    estimand_strategy: str = Field(
        "", description="Intercurrent events and strategies, population-level summary (M11 10.4)"
    )
    secondary_analyses: str = Field("", description="Analyses of secondary objectives (M11 10.5)")
    safety_analyses: str = Field("", description="Safety analyses (M11 10.7)")
    multiplicity: str = Field("", description="Multiplicity adjustment (M11 10.10)")


class FollowUp(Part):
    """How long participants are followed after treatment."""

    duration_weeks: float | None = Field(None, ge=0)
    timepoints_weeks: list[float] = Field(default_factory=list)


class Consent(Part):
    """Consent materials."""

    form_reference: str = ""
    process: str = ""
    touch_consent: bool = False
    recording_consent: bool = False
    facilitator_change_consent: bool = False
    others_present_consent: bool = False


class Documents(Part):
    """Client documents required by state service programmes (Oregon, Colorado)."""

    client_information_form: bool = False
    transportation_plan: bool = False
    bill_of_rights: bool = False
    safety_support_plan: bool = False
    physical_touch_contract: bool = False
    data_withhold_offer: bool = False
    facilitator_records: bool = False
    identification_check: bool = Field(
        False, description="Client identification is checked before services are provided"
    )


class Waiver(Part):
    """A finding acknowledged with a justification; it stays in the report, marked waived."""

    rule_id: str = Field(min_length=1)
    path: str | None = None
    justification: str = Field(min_length=1)
    author: str = ""
    date: dt.date | None = None


# --- the protocol -------------------------------------------------------------------------


class Protocol(Part):
    """A whole PAP trial protocol, as stored in a ``*.pap.json`` file."""

    format: Literal["papdesigner-protocol"] = "papdesigner-protocol"
    schema_version: Literal[2] = 2
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    metadata: Metadata = Field(default_factory=Metadata)
    context: Context = "ind_trial"
    regulatory: Regulatory = Field(default_factory=Regulatory)
    sites: list[Site] = Field(default_factory=list)
    indication: Indication = Field(default_factory=Indication)
    products: list[Product] = Field(default_factory=list)
    arms: list[Arm] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    settings: list[Setting] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    medications: Medications = Field(default_factory=Medications)
    psychotherapy: Psychotherapy = Field(default_factory=Psychotherapy)
    blinding: Blinding = Field(default_factory=Blinding)
    objectives: list[Objective] = Field(default_factory=list)
    safety: Safety = Field(default_factory=Safety)
    statistics: Statistics = Field(default_factory=Statistics)
    follow_up: FollowUp = Field(default_factory=FollowUp)
    consent: Consent = Field(default_factory=Consent)
    documents: Documents = Field(default_factory=Documents)
    narrative: dict[NarrativeKey, str] = Field(default_factory=dict)
    waivers: list[Waiver] = Field(default_factory=list)

    # Convenience look-ups used by the rules, the export and the UI.

    def role(self, role_id: str) -> Role | None:
        """Return the role with this id, or None."""
        return next((r for r in self.roles if r.id == role_id), None)

    def setting(self, setting_id: str | None) -> Setting | None:
        """Return the setting with this id, or None."""
        return next((s for s in self.settings if s.id == setting_id), None)

    def product(self, product_id: str) -> Product | None:
        """Return the product with this id, or None."""
        return next((p for p in self.products if p.id == product_id), None)

    def arm(self, arm_id: str) -> Arm | None:
        """Return the arm with this id, or None."""
        return next((a for a in self.arms if a.id == arm_id), None)

    def session(self, session_id: str) -> Session | None:
        """Return the session with this id, or None."""
        return next((s for s in self.sessions if s.id == session_id), None)

    def substances(self) -> list[str]:
        """Return the distinct substances of the products, in product order.

        A placebo product delivers no substance, so it is not listed.
        """
        return list(dict.fromkeys(p.substance for p in self.products if p.substance != "placebo"))

    def jurisdictions(self) -> list[str]:
        """Return the countries and regions of every site ("US", "US-OR"), sorted."""
        codes = {s.country for s in self.sites} | {s.region for s in self.sites if s.region}
        return sorted(codes)
