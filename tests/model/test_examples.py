"""The shipped example protocols: valid, canonical, catalogue-clean and true to their designs."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from papdesigner.cli import main
from papdesigner.model import (
    Protocol,
    check_integrity,
    dumps_protocol,
    fingerprint,
    load_protocol,
    save_protocol,
)
from papdesigner.model import catalogues as cat
from papdesigner.model.protocol import Administration, Session
from papdesigner.model.templates import examples_dir, template_names, template_path

EXAMPLES = [
    "psilocybin-trd",
    "mdma-ptsd",
    "lsd-anxiety",
    "psilocybin-aud",
    "oregon-service-center",
]
CLINICAL = [name for name in EXAMPLES if name != "oregon-service-center"]
RESPCT_ROOM_ITEMS = [
    "location",
    "ambiance",
    "nature_access",
    "objects_decor",
    "lighting",
    "sensory_reduction",
    "bathroom",
    "positioning",
    "music",
    "emergency_equipment",
]


def load(name: str) -> Protocol:
    return load_protocol(template_path(name))


def of_kind(p: Protocol, kind: str) -> list[Session]:
    return [s for s in p.sessions if s.kind == kind]


def admins(session: Session) -> list[Administration]:
    assert session.dosing is not None, session.id
    return session.dosing.administrations


def total_dose(session: Session, arm_id: str) -> float:
    return sum(a.dose for a in admins(session) if a.arm_id == arm_id)


def role_kind(p: Protocol, role_id: str) -> str:
    role = p.role(role_id)
    assert role is not None, role_id
    return role.kind


# --- every example --------------------------------------------------------------------------


def test_the_five_examples_are_shipped_as_templates() -> None:
    assert template_names() == sorted(EXAMPLES)
    assert examples_dir().is_dir()


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_loads_without_integrity_or_catalogue_problems(name: str) -> None:
    protocol = load(name)
    assert check_integrity(protocol) == []
    assert [str(p) for p in cat.unknown_references(protocol)] == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_file_is_canonical_and_its_fingerprint_stable(name: str, tmp_path: Path) -> None:
    path = template_path(name)
    protocol = load_protocol(path)
    assert path.read_text(encoding="utf-8") == dumps_protocol(protocol)
    copy = tmp_path / path.name
    save_protocol(protocol, copy)
    again = load_protocol(copy)
    assert fingerprint(again) == fingerprint(protocol)
    assert copy.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("name", EXAMPLES)
def test_new_from_template_gets_a_fresh_id_and_validates(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine.pap.json"
    assert main(["new", "--template", name, "-o", str(out)]) == 0
    assert main(["validate", "-q", str(out)]) == 0
    template, mine = load(name), load_protocol(out)
    assert mine.id != template.id
    assert mine.waivers == []
    assert mine.model_copy(update={"id": template.id, "waivers": template.waivers}) == template
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_fills_every_part_of_the_model(name: str) -> None:
    p = load(name)
    meta = p.metadata
    assert all([meta.title, meta.short_title, meta.acronym, meta.protocol_number, meta.funding])
    assert meta.version_date is not None
    assert all([meta.sponsor.name, meta.sponsor.address, meta.sponsor.contact])
    assert meta.principal_investigator.name and meta.principal_investigator.email
    assert p.sites and p.products and p.arms and p.roles and p.settings and p.objectives
    assert p.indication.description
    assert p.eligibility.inclusion and p.eligibility.exclusion
    assert p.psychotherapy.model and p.psychotherapy.rationale and p.psychotherapy.touch_policy
    assert p.safety.adverse_event_plan and p.safety.emergency_plan and p.safety.stopping_rules
    assert p.statistics.primary_analysis
    assert p.follow_up.duration_weeks and p.follow_up.timepoints_weeks
    assert p.consent.form_reference and p.consent.process
    for role in p.roles:
        assert role.qualifications.profession and role.responsibilities
    for setting in p.settings:
        missing = [item for item in RESPCT_ROOM_ITEMS if not getattr(setting, item).strip()]
        assert missing == [], setting.id
    for session in p.sessions:
        assert session.title and session.description and session.staff, session.id
        assert session.duration_hours is not None
    for waiver in p.waivers:  # a template may acknowledge a finding, always with its reasons
        assert waiver.rule_id and waiver.author and waiver.date is not None
        assert len(waiver.justification.split()) >= 20


@pytest.mark.parametrize("name", EXAMPLES)
def test_narrative_is_real_prose_in_catalogue_sections(name: str) -> None:
    p = load(name)
    sections = cat.narrative_sections()
    for key in [
        "background",
        "rationale",
        "benefit_risk",
        "recruitment",
        "data_management",
        "consent_process",
        "confidentiality",
        "references",
    ]:
        assert key in p.narrative, key
    for key, text in p.narrative.items():
        assert key in sections
        assert len(text.split()) >= 8, key
        assert "lorem" not in text.lower() and "TODO" not in text


@pytest.mark.parametrize("name", CLINICAL)
def test_clinical_example_covers_the_trial_sections(name: str) -> None:
    p = load(name)
    for key in [
        "ethics",
        "dissemination",
        "randomisation",
        "monitoring",
        "oversight",
        "quality_assurance",
        "insurance",
        "post_trial_care",
        "trial_design_rationale",
        "product_handling",
        "discontinuation",
    ]:
        assert key in p.narrative, key
    assert p.blinding.participants and p.blinding.raters_independent
    assert p.blinding.expectancy_measure and p.blinding.integrity_measure
    assert p.statistics.sample_size == sum(a.planned_participants or 0 for a in p.arms)
    assert p.safety.dsmb and p.safety.participant_support_contact and p.safety.hppd_followup


@pytest.mark.parametrize("name", CLINICAL)
def test_clinical_example_keeps_standard_safety_conventions(name: str) -> None:
    p = load(name)
    exclusions = {c.code for c in p.eligibility.exclusion}
    assert exclusions >= {"psychosis_personal", "psychosis_family", "bipolar_i"}
    assert "active_si_with_intent" in exclusions
    assert p.safety.suicidality_instrument == "C-SSRS"
    for session in of_kind(p, "dosing") + of_kind(p, "integration"):
        assert "C-SSRS" in session.assessments, session.id
    for session in of_kind(p, "dosing"):
        monitors = sum(s.count for s in session.staff if s.present_throughout)
        assert monitors >= 2, session.id
        assert "pregnancy-test" in session.assessments
        assert session.dosing is not None and session.dosing.discharge_criteria
        assert session.dosing.transport_plan
    assert (p.safety.contraception_days_after_last_dose or 0) >= 10


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_dose_is_a_catalogue_figure(name: str) -> None:
    """Doses and session lengths come from the sourced substance figures, not from thin air."""
    p = load(name)
    for session in of_kind(p, "dosing"):
        assert session.dosing is not None
        for admin in session.dosing.administrations:
            product = p.product(admin.product_id)
            assert product is not None
            if product.substance == "placebo":
                # A placebo matches an active dose given in the same session.
                active = [b for b in session.dosing.administrations if b is not admin]
                assert any((b.dose, b.unit) == (admin.dose, admin.unit) for b in active)
                continue
            info = cat.substances()[product.substance]
            assert admin.unit in info.dose_units
            figures = [f for f in info.figures if f.unit == admin.unit]
            assert any(_within(admin.dose, f) for f in figures), (session.id, admin.dose)
        for arm in p.arms:
            if any(a.arm_id == arm.id for a in session.dosing.administrations):
                _check_total(p, session, arm.id)


def _within(value: float, figure: cat.Figure) -> bool:
    if figure.values:
        return value in figure.values
    return (figure.low or 0) <= value <= (figure.high if figure.high is not None else math.inf)


def _check_total(p: Protocol, session: Session, arm_id: str) -> None:
    assert session.dosing is not None
    product = p.product(session.dosing.administrations[0].product_id)
    assert product is not None
    info = cat.substances()[product.substance]
    caps = info.figures_of("total_dose_per_session") + info.figures_of("max_total_dose_per_session")
    for cap in caps:
        assert cap.high is None or total_dose(session, arm_id) <= cap.high
    lengths = info.figures_of("planned_session")
    if lengths and p.context != "us_state_service":
        floor = lengths[0].low if lengths[0].low is not None else lengths[0].high
        assert session.duration_hours is not None and floor is not None
        assert session.duration_hours >= floor, session.id


# --- psilocybin for treatment-resistant depression ------------------------------------------


def test_psilocybin_trd_is_the_comp360_dose_finding_design() -> None:
    p = load("psilocybin-trd")
    assert p.context == "ind_trial" and p.indication.condition == "treatment_resistant_depression"
    assert {s.country for s in p.sites} == {"US"}
    (dosing,) = of_kind(p, "dosing")
    assert {a.arm_id: a.dose for a in admins(dosing)} == {
        "psi25": 25.0,
        "psi10": 10.0,
        "psi1": 1.0,
    }
    assert dosing.duration_hours is not None and dosing.duration_hours >= 6
    primary = next(o for o in p.objectives if o.level == "primary").endpoints[0]
    assert (primary.instrument, primary.timepoint_week) == ("MADRS", 3)
    assert p.follow_up.duration_weeks is not None and p.follow_up.duration_weeks >= 12
    inclusion = {c.code for c in p.eligibility.inclusion}
    assert {"madrs_min_20", "trd_two_failed_trials"} <= inclusion
    washouts = {w.medication_class: w for w in p.medications.washouts}
    assert washouts["SSRI"].min_days >= 14 and washouts["SSRI"].supervised_taper
    assert washouts["fluoxetine"].min_days >= 42
    assert "lithium_30d" in {c.code for c in p.eligibility.exclusion}


def test_psilocybin_trd_monitors_meet_the_fda_qualifications() -> None:
    p = load("psilocybin-trd")
    (dosing,) = of_kind(p, "dosing")
    kinds = {role_kind(p, s.role_id): s for s in dosing.staff}
    assert (
        kinds["lead_therapist"].present_throughout and kinds["assistant_monitor"].present_throughout
    )
    lead = next(r for r in p.roles if r.kind == "lead_therapist").qualifications
    assert (
        lead.degree in ("master", "doctoral", "md") and lead.licensed and lead.independent_practice
    )
    assistant = next(r for r in p.roles if r.kind == "assistant_monitor").qualifications
    assert assistant.degree != "none" and assistant.mental_health_experience_years >= 1


# --- MDMA for PTSD --------------------------------------------------------------------------


def test_mdma_ptsd_has_the_maps_session_structure() -> None:
    p = load("mdma-ptsd")
    prep, dosing, integ = (of_kind(p, k) for k in ("preparation", "dosing", "integration"))
    assert (len(prep), len(dosing), len(integ)) == (3, 3, 9)
    assert max(s.day for s in prep) < min(s.day for s in dosing)
    days = [s.day for s in dosing]
    assert all(21 <= later - earlier <= 35 for earlier, later in itertools.pairwise(days))
    bounds = [*days, math.inf]
    for start, end in itertools.pairwise(bounds):
        assert sum(1 for s in integ if start < s.day < end) == 3


def test_mdma_ptsd_doses_follow_cs22() -> None:
    p = load("mdma-ptsd")
    initials = []
    for session in of_kind(p, "dosing"):
        assert session.dosing is not None
        admins = [a for a in session.dosing.administrations if a.arm_id == "mdma"]
        (first,) = [a for a in admins if not a.supplemental]
        (extra,) = [a for a in admins if a.supplemental]
        initials.append(first.dose)
        assert extra.dose == first.dose / 2 and extra.optional
        assert 1.5 <= extra.at_hours - first.at_hours <= 2
        assert first.dose + extra.dose <= 180
        assert session.duration_hours is not None and session.duration_hours >= 8
        assert session.dosing.overnight_stay and session.dosing.transport_plan
        placebo = [a for a in session.dosing.administrations if a.arm_id == "placebo"]
        assert [(a.product_id, a.dose, a.supplemental, a.optional) for a in placebo] == [
            ("placebo", a.dose, a.supplemental, a.optional) for a in admins
        ]
    assert initials == [80, 120, 120]


def test_mdma_ptsd_safety_and_blinding() -> None:
    p = load("mdma-ptsd")
    assert "MAOI" in p.medications.prohibited
    exclusions = {c.code for c in p.eligibility.exclusion}
    assert {"uncontrolled_hypertension", "cardiovascular_disease", "qtc_prolongation"} <= exclusions
    assert p.safety.pregnancy_testing and p.safety.contraception_days_after_last_dose == 10
    assert p.psychotherapy.recording.video and p.psychotherapy.recording.consent
    assert p.consent.recording_consent
    primary = next(o for o in p.objectives if o.level == "primary").endpoints[0]
    assert primary.instrument == "CAPS-5"
    assert p.blinding.raters_independent and p.blinding.outcome_assessors
    assert {a.role for a in p.arms} == {"experimental", "placebo"}
    for session in of_kind(p, "dosing"):
        present = {role_kind(p, s.role_id) for s in session.staff if s.present_throughout}
        assert {"lead_therapist", "co_therapist"} <= present


# --- LSD for anxiety ------------------------------------------------------------------------


def test_lsd_anxiety_is_two_200ug_sessions_per_participant() -> None:
    p = load("lsd-anxiety")
    assert p.context in ("cta_trial", "investigator_initiated")
    assert {s.country for s in p.sites} == {"CH"}
    dosing = of_kind(p, "dosing")
    for arm in p.arms:
        lsd = [a for s in dosing for a in admins(s) if a.arm_id == arm.id and a.product_id == "lsd"]
        assert [(a.dose, a.unit) for a in lsd] == [(200.0, "ug"), (200.0, "ug")]
    assert all(s.duration_hours is not None and s.duration_hours >= 10 for s in dosing)
    primary = next(o for o in p.objectives if o.level == "primary").endpoints[0]
    assert primary.instrument == "STAI"
    assert p.product("placebo") is not None


# --- psilocybin for alcohol use disorder -----------------------------------------------------


def test_psilocybin_aud_is_an_illustrative_tlfb_trial() -> None:
    p = load("psilocybin-aud")
    assert p.context == "ind_trial" and p.indication.condition == "alcohol_use_disorder"
    primary = next(o for o in p.objectives if o.level == "primary").endpoints[0]
    assert primary.instrument == "TLFB" and "heavy drinking days" in primary.text
    assert "otivational enhancement" in p.psychotherapy.model
    assert "illustrative" in p.narrative["rationale"]
    doses = {a.dose for s in of_kind(p, "dosing") for a in admins(s)}
    assert doses <= {1.0, 10.0, 25.0}


# --- Oregon service centre ------------------------------------------------------------------

# OAR 333-333-5250 minimum duration (hours) and 5230 facilitator:client ratio, by total mg,
# each boundary resolved to the stricter tier (regulatory-facts.md Appendix C).
DURATION_TIERS = [(2.5, 1), (5, 1), (10, 2), (25, 4), (35, 5), (50, 6)]
RATIO_TIERS = [(5, 25), (10, 15), (15, 8), (25, 6), (35, 4), (50, 2)]


def oregon_minimum_hours(total_mg: float) -> float:
    return next(h for limit, h in DURATION_TIERS if total_mg < limit or limit == 50)


def oregon_clients_per_facilitator(largest_mg: float) -> int:
    return next(r for limit, r in RATIO_TIERS if largest_mg < limit or limit == 50)


def test_oregon_tier_helpers_match_the_rule_tables() -> None:
    assert oregon_minimum_hours(20) == 4
    assert oregon_minimum_hours(25) == 5
    assert oregon_minimum_hours(35) == 6
    assert oregon_clients_per_facilitator(20) == 6
    assert oregon_clients_per_facilitator(5) == 15
    assert oregon_clients_per_facilitator(25) == 4


def test_oregon_is_a_licensed_non_clinical_service() -> None:
    p = load("oregon-service-center")
    assert p.context == "us_state_service"
    (site,) = p.sites
    assert (site.country, site.region) == ("US", "US-OR") and site.licence_id
    (product,) = p.products
    assert product.substance == "psilocybin" and product.form == "whole_fungi"
    assert p.eligibility.age_min is not None and p.eligibility.age_min >= 21
    assert "age_21_plus" in {c.code for c in p.eligibility.inclusion}
    categories = {cat.criteria()[c.code].category for c in p.eligibility.inclusion if c.code}
    assert "diagnosis" not in categories  # no diagnosis-based inclusion (OR-26)
    assert p.indication.condition == "other"
    assert all(p.documents.model_dump().values())
    assert p.consent.touch_consent and p.consent.others_present_consent
    assert not any(p.blinding.model_dump(include={"participants", "therapists"}).values())


def test_oregon_sessions_follow_the_oar() -> None:
    p = load("oregon-service-center")
    facilitators = {r.id for r in p.roles if r.kind == "facilitator"}
    (prep,) = of_kind(p, "preparation")
    assert prep.format == "individual"
    for dosing in of_kind(p, "dosing"):
        gap = dosing.day - prep.day - (1 if prep.day < 0 < dosing.day else 0)
        earliest, latest = gap - prep.window_days, gap + prep.window_days
        assert earliest >= 1 and latest <= 90  # OR-02: >= 24 h and <= 90 days
        setting = p.setting(dosing.setting_id)
        assert setting is not None and setting.location_type == "or_service_center"
        assert dosing.dosing is not None and dosing.dosing.onsite_support_staff >= 1
        arm = dosing.arm_ids[0]
        total = total_dose(dosing, arm)
        assert total <= 50
        assert dosing.duration_hours is not None
        assert dosing.duration_hours >= oregon_minimum_hours(total)
        staff = sum(s.count for s in dosing.staff if s.role_id in facilitators)
        assert all(s.present_throughout for s in dosing.staff if s.role_id in facilitators)
        if dosing.format == "group":
            size = dosing.group_size or 0
            assert size <= min(25, setting.max_occupancy or 25)
            assert setting.space_per_client_attested
            assert staff >= math.ceil(size / oregon_clients_per_facilitator(total))
    integ = of_kind(p, "integration")
    assert any(not s.arm_ids for s in integ)  # offered to every client
    assert "non-directive" in p.psychotherapy.model.lower()


def test_oregon_group_session_is_eight_clients_at_20mg_with_two_facilitators() -> None:
    p = load("oregon-service-center")
    (group,) = [s for s in of_kind(p, "dosing") if s.format == "group"]
    assert group.group_size == 8
    assert total_dose(group, "group") == 20
    assert math.ceil(8 / oregon_clients_per_facilitator(20)) == 2
    assert sum(s.count for s in group.staff if s.role_id == "facilitator") == 2


# --- the rule engine --------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_has_no_unwaived_rule_errors(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(template_path(name))]) == 0, capsys.readouterr().out
