"""Realistic protocols for the library tests and the store benchmark.

``realistic_protocol(seed)`` builds a complete multi-session PAP protocol (sites,
products, arms, staff roles, settings, about thirty sessions, eligibility,
objectives, safety, statistics and several paragraphs of narrative per section),
about the size of a real protocol file. ``edited(protocol, step)`` makes the kind
of small change a coordinator saves as a new version. Everything is seeded, so a
seed always gives the same protocol.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from papdesigner.model.protocol import (
    Administration,
    Arm,
    Blinding,
    Criterion,
    Dosing,
    Eligibility,
    Endpoint,
    FollowUp,
    Indication,
    Investigator,
    Medications,
    Metadata,
    Objective,
    Product,
    Protocol,
    Psychotherapy,
    Qualifications,
    Registration,
    Role,
    Safety,
    Session,
    Setting,
    Site,
    Sponsor,
    StaffAssignment,
    Statistics,
    Washout,
)

_WORD_TEXT = (
    "participant participants session sessions dosing preparation integration therapist "
    "therapists monitor monitoring psilocybin MDMA LSD depression treatment-resistant anxiety "
    "trauma PTSD alcohol tobacco craving remission response relapse baseline week weeks "
    "follow-up visit assessment rating scale MADRS HAM-D QIDS CAPS-5 C-SSRS vital signs blood "
    "pressure heart rate adverse event serious unexpected reaction challenging experience "
    "psychological support music eyeshades room couch lighting safety emergency physician "
    "nurse psychiatrist psychologist consent capacity withdrawal randomisation allocation "
    "concealment blinding expectancy placebo niacin low-dose comparator active control "
    "efficacy tolerability pharmacokinetics plasma hepatic cardiac QTc electrocardiogram "
    "echocardiogram valvular contraindication lithium antidepressant SSRI SNRI taper washout "
    "supervised clinical setting set expectation rapport therapeutic alliance manualised "
    "protocol fidelity adherence supervision training hours licensed independent practice "
    "mental health experience data management confidentiality pseudonymised records "
    "monitoring committee interim analysis stopping rules primary endpoint secondary "
    "exploratory mixed model repeated measures intention-to-treat missing data imputation "
    "sensitivity analysis power sample size effect size variance recruitment referral "
    "screening eligibility exclusion inclusion history psychosis bipolar mania family "
    "first-degree relative suicidality ideation behaviour emergency plan transport home "
    "discharge criteria observation overnight"
)
_WORDS = tuple(_WORD_TEXT.split())

_SECTIONS = (
    "background",
    "rationale",
    "recruitment",
    "data_management",
    "ethics",
    "dissemination",
    "monitoring",
    "quality_assurance",
    "risk_benefit",
    "publication_policy",
)

_INDICATIONS = (
    ("treatment_resistant_depression", "Treatment-resistant major depressive disorder"),
    ("major_depressive_disorder", "Moderate to severe major depressive disorder"),
    ("ptsd", "Chronic post-traumatic stress disorder"),
    ("alcohol_use_disorder", "Alcohol use disorder, moderate to severe"),
    ("anxiety_life_threatening_illness", "Anxiety and demoralisation in advanced cancer"),
    ("tobacco_use_disorder", "Tobacco use disorder in adult daily smokers"),
)

_SUBSTANCES = (
    ("psilocybin", "Synthetic psilocybin 25 mg capsules", "mg", 25.0),
    ("mdma", "MDMA hydrochloride 40 mg capsules", "mg", 120.0),
    ("lsd", "LSD base 100 µg oral solution", "ug", 100.0),
)

_SITES = (
    ("US", "US-OR"),
    ("US", "US-CO"),
    ("US", "US-CA"),
    ("AU", "AU-VIC"),
    ("CA", "CA-ON"),
    ("GB", None),
    ("DE", None),
    ("NL", None),
)

_CONTEXTS = ("ind_trial", "cta_trial", "investigator_initiated", "au_authorised_prescriber")


def sentence(rng: random.Random, words: int = 14) -> str:
    """Return one pseudo-clinical sentence."""
    chosen = [rng.choice(_WORDS) for _ in range(words)]
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."


def paragraph(rng: random.Random, sentences: int = 6) -> str:
    """Return a paragraph of pseudo-clinical sentences."""
    return " ".join(sentence(rng, rng.randint(9, 22)) for _ in range(sentences))


def realistic_protocol(seed: int, sessions: int = 30, narrative_paragraphs: int = 4) -> Protocol:
    """Return a complete, internally consistent protocol built from ``seed``."""
    rng = random.Random(seed)
    substance, product_name, unit, dose = _SUBSTANCES[seed % len(_SUBSTANCES)]
    condition, condition_text = _INDICATIONS[seed % len(_INDICATIONS)]
    acronym = "".join(rng.choice("ABCDEFGHJKLMNPRSTVW") for _ in range(4)) + f"-{seed % 100}"
    sites = _sites(rng, seed)
    return Protocol(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        metadata=Metadata(
            title=f"A randomised, double-blind trial of {substance}-assisted therapy for "
            f"{condition_text.lower()} ({acronym})",
            short_title=f"{substance.upper()} for {condition.replace('_', ' ')}",
            acronym=acronym,
            protocol_number=f"{substance[:3].upper()}-{condition[:3].upper()}-{seed:05d}",
            version="1.0",
            version_date=dt.date(2025, 1, 1) + dt.timedelta(days=seed % 300),
            phase=rng.choice(["2", "2/3", "3"]),
            sponsor=Sponsor(name=f"Clinical Research Institute {seed % 17}", address="1 Main St"),
            principal_investigator=Investigator(
                name=f"Dr. Investigator {seed}", affiliation="University Hospital", email="pi@x.org"
            ),
            registrations=[
                Registration(registry="ClinicalTrials.gov", identifier=f"NCT{seed:08d}")
            ],
            keywords=[substance, condition, "psychotherapy"],
        ),
        context=_CONTEXTS[seed % len(_CONTEXTS)],
        sites=sites,
        indication=Indication(condition=condition, description=paragraph(rng, 3)),
        products=[Product(id="drug", substance=substance, name=product_name)],
        arms=[
            Arm(id="active", label=f"{dose:g} {unit}", description=paragraph(rng, 2)),
            Arm(id="control", label="Low-dose comparator", role="low_dose_comparator"),
        ],
        roles=_roles(rng),
        settings=_settings(rng),
        sessions=_sessions(rng, sessions, unit, dose),
        eligibility=_eligibility(rng),
        medications=Medications(
            washouts=[
                Washout(medication_class="SSRI", min_days=14, supervised_taper=True),
                Washout(medication_class="lithium", min_days=30),
            ],
            prohibited=["MAO inhibitors", "antipsychotics"],
            rescue=["lorazepam 1 mg"],
        ),
        psychotherapy=Psychotherapy(
            model="Accept-Connect-Embody", rationale=paragraph(rng, 4), touch_policy=sentence(rng)
        ),
        blinding=Blinding(participants=True, outcome_assessors=True, rationale=paragraph(rng, 2)),
        objectives=_objectives(rng),
        safety=Safety(
            vitals_schedule=sentence(rng),
            suicidality_instrument="C-SSRS",
            adverse_event_plan=paragraph(rng, 3),
            stopping_rules=paragraph(rng, 2),
            dsmb="Independent data safety monitoring board",
            emergency_plan=paragraph(rng, 2),
        ),
        statistics=Statistics(
            sample_size=60 + seed % 200, power=0.8, alpha=0.05, primary_analysis=paragraph(rng)
        ),
        follow_up=FollowUp(duration_weeks=26, timepoints_weeks=[1, 3, 6, 12, 26]),
        narrative={key: paragraph(rng, 7) * 1 for key in _SECTIONS[: 4 + seed % 7]}
        | {
            "background": "\n\n".join(paragraph(rng, 8) for _ in range(narrative_paragraphs)),
        },
    )


def _sites(rng: random.Random, seed: int) -> list[Site]:
    picks = [_SITES[(seed + i) % len(_SITES)] for i in range(1 + seed % 3)]
    return [
        Site(id=f"site{i + 1}", name=f"Site {i + 1} {rng.choice(_WORDS)}", country=c, region=r)
        for i, (c, r) in enumerate(picks)
    ]


def _roles(rng: random.Random) -> list[Role]:
    lead = Qualifications(
        degree="doctoral",
        licensed=True,
        independent_practice=True,
        mental_health_experience_years=8,
        psychedelic_training_hours=120,
        bls_certified=True,
        profession="clinical psychologist",
    )
    return [
        Role(id="lead", title="Lead therapist", kind="lead_therapist", qualifications=lead),
        Role(id="co", title="Co-therapist", kind="co_therapist", responsibilities=sentence(rng)),
        Role(id="md", title="Study physician", kind="physician"),
        Role(id="rn", title="Research nurse", kind="nurse"),
        Role(id="rater", title="Blinded rater", kind="rater"),
    ]


def _settings(rng: random.Random) -> list[Setting]:
    return [
        Setting(
            id="room",
            name="Dosing suite",
            location=sentence(rng),
            lighting=sentence(rng),
            music=sentence(rng),
            sensory_reduction="Eyeshades and headphones offered",
            bathroom="Private bathroom adjoining the room",
            emergency_equipment="Crash cart, defibrillator, oxygen",
        ),
        Setting(id="office", name="Therapy office", location=sentence(rng)),
    ]


def _sessions(rng: random.Random, count: int, unit: str, dose: float) -> list[Session]:
    out = [Session(id="screen", kind="screening", title="Screening visit", day=-28, window_days=7)]
    out += [
        Session(
            id=f"prep{i}",
            kind="preparation",
            title=f"Preparation session {i}",
            day=-14 + 5 * i,
            duration_hours=2,
            setting_id="office",
            staff=[StaffAssignment(role_id="lead"), StaffAssignment(role_id="co")],
            assessments=["MADRS", "C-SSRS"],
            description=paragraph(rng, 2),
        )
        for i in range(1, 3)
    ]
    day = 1
    for i in range(1, max(count - 3, 1) + 1):
        kind = "dosing" if i in (1, 8) else ("integration" if i < 14 else "follow_up")
        out.append(_session(rng, i, kind, day=day, unit=unit, dose=dose))
        day += 1 if kind == "dosing" else rng.randint(2, 14)
    return out


def _session(rng: random.Random, i: int, kind: str, *, day: int, unit: str, dose: float) -> Session:
    dosing = None
    if kind == "dosing":
        dosing = Dosing(
            administrations=[
                Administration(arm_id="active", product_id="drug", dose=dose, unit=unit),
                Administration(arm_id="control", product_id="drug", dose=dose / 25, unit=unit),
            ],
            observation_hours=8,
            discharge_criteria=sentence(rng),
            transport_plan="Escorted home by a named adult",
        )
    return Session(
        id=f"s{i}",
        kind=kind,
        title=f"{kind.replace('_', '-').capitalize()} session {i}",
        day=day,
        window_days=0 if kind == "dosing" else 2,
        duration_hours=8 if kind == "dosing" else 1.5,
        setting_id="room" if kind == "dosing" else "office",
        staff=[StaffAssignment(role_id="lead"), StaffAssignment(role_id="co", count=1)],
        assessments=["vitals", "C-SSRS"] if kind == "dosing" else ["MADRS", "QIDS-SR"],
        dosing=dosing,
        description=paragraph(rng, 2),
    )


def _eligibility(rng: random.Random) -> Eligibility:
    return Eligibility(
        age_min=18,
        age_max=65,
        inclusion=[Criterion(id=f"IN-{i}", text=sentence(rng)) for i in range(1, 13)],
        exclusion=[
            Criterion(id=f"EX-{i}", text=sentence(rng), justification=sentence(rng))
            for i in range(1, 19)
        ],
    )


def _objectives(rng: random.Random) -> list[Objective]:
    return [
        Objective(
            id=f"obj{i}",
            level=level,
            text=sentence(rng),
            endpoints=[
                Endpoint(
                    id=f"ep{i}{j}", text=sentence(rng), instrument="MADRS", timepoint_week=3 * j
                )
                for j in range(1, 3)
            ],
        )
        for i, level in enumerate(["primary", "secondary", "secondary", "exploratory"], start=1)
    ]


def edited(protocol: Protocol, step: int) -> Protocol:
    """Return a copy with one small, realistic edit (what a coordinator saves as a version)."""
    rng = random.Random(step)
    copy = protocol.model_copy(deep=True)
    match step % 4:
        case 0:
            copy.narrative["rationale"] = paragraph(rng, 5)
        case 1:
            session = copy.sessions[min(len(copy.sessions) - 1, 4)]
            session.description = paragraph(rng, 2)
        case 2:
            copy.eligibility.exclusion.append(
                Criterion(id=f"EX-v{step}", text=sentence(rng), justification=sentence(rng))
            )
        case _:
            copy.metadata.version = f"1.{step}"
            copy.statistics.sample_size = (copy.statistics.sample_size or 60) + 1
    return copy
