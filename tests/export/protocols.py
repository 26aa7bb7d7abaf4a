"""Protocols built in code for the export tests (a rich two-arm trial and hostile variants)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from papdesigner.model.protocol import Protocol

HOSTILE = [
    "<b>bold?</b> & <font color=red>red</font>",
    "{{ x }} {% if %} %s %(name)s \\n",
    "שלום עולם — مرحبا بالعالم",
    "emoji 😀🧪🍄 and Zoë Ñúñez, µg ≥ 25 mg",
]


def _session(sid: str, kind: str, day: int, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": sid,
        "kind": kind,
        "title": kw.pop("title", f"{kind.title()} {sid}"),
        "day": day,
        "window_days": kw.pop("window", 0),
        "duration_hours": kw.pop("hours", 1.5),
        "setting_id": kw.pop("setting", "room1"),
        "staff": kw.pop("staff", [{"role_id": "lead", "count": 1, "present_throughout": True}]),
        "assessments": kw.pop("assessments", []),
    }
    base.update(kw)
    return base


def _dosing(day: int, sid: str, high: float, low: float) -> dict[str, Any]:
    return _session(
        sid,
        "dosing",
        day,
        title=f"Dosing session {sid[-1]}",
        hours=8,
        staff=[
            {"role_id": "lead", "count": 1, "present_throughout": True},
            {"role_id": "monitor", "count": 1, "present_throughout": True},
        ],
        assessments=["vitals", "C-SSRS", "MEQ-30", "5D-ASC"],
        dosing={
            "administrations": [
                {"arm_id": "psi", "product_id": "psilo", "dose": high, "unit": "mg"},
                {
                    "arm_id": "psi",
                    "product_id": "psilo",
                    "dose": high / 2,
                    "unit": "mg",
                    "at_hours": 1.5,
                    "supplemental": True,
                    "optional": True,
                },
                {"arm_id": "ctl", "product_id": "psilo", "dose": low, "unit": "mg"},
            ],
            "observation_hours": 8,
            "discharge_criteria": "Alert, oriented, vital signs within normal limits, "
            "cleared by the study physician.",
            "transport_plan": "Escorted home by a pre-identified adult; no driving until next day.",
        },
    )


def rich_data() -> dict[str, Any]:
    """A complete two-arm psilocybin trial as protocol-file data."""
    sessions = [
        _session(
            "scr",
            "screening",
            -28,
            window=7,
            title="Screening visit",
            assessments=["MADRS", "C-SSRS", "vitals", "QIDS-SR"],
        ),
        _session("prep1", "preparation", -7, assessments=["MADRS"]),
        _session("prep2", "preparation", -3),
        _session("prep3", "preparation", -1, assessments=["vitals"]),
        _dosing(1, "dose1", 25, 1),
        _session("int1", "integration", 2, assessments=["C-SSRS"]),
        _session("int2", "integration", 8, window=2, assessments=["MADRS"]),
        _dosing(22, "dose2", 25, 1),
        _session("int3", "integration", 23, assessments=["C-SSRS"]),
        _session("int4", "integration", 29, window=2, assessments=["MADRS", "QIDS-SR"]),
        _session("fu6", "follow_up", 43, window=3, assessments=["MADRS", "C-SSRS", "QIDS-SR"]),
        _session("fu12", "follow_up", 85, window=7, assessments=["MADRS", "C-SSRS", "QIDS-SR"]),
        _session("fu26", "follow_up", 183, window=14, assessments=["MADRS", "C-SSRS"]),
    ]
    return {
        "format": "papdesigner-protocol",
        "schema_version": 2,
        "id": "6f1c1f3e-8d7a-4a55-9a55-0c4f3a1b2c3d",
        "metadata": {
            "title": "Psilocybin with psychological support for treatment-resistant depression: "
            "a randomised, double-blind, dose-controlled phase 2 trial protocol",
            "short_title": "PSI-TRD-2",
            "acronym": "PSILOTRD",
            "protocol_number": "PAP-2026-017",
            "version": "2.1",
            "version_date": "2026-03-14",
            "phase": "2",
            "sponsor": {
                "name": "Clinique Universitaire de Montréal",
                "address": "1 Rue Saint-Denis",
                "contact": "trials@example.org",
                "signatory": "Dr Renée Lefèvre",
            },
            "principal_investigator": {
                "name": "Dr Zoë Ñúñez",
                "affiliation": "Département de psychiatrie",
                "email": "z.nunez@example.org",
            },
            "registrations": [{"registry": "ClinicalTrials.gov", "identifier": "NCT09999999"}],
            "funding": "Public research grant; psilocybin supplied free of charge.",
            "keywords": ["psilocybin", "depression"],
        },
        "context": "ind_trial",
        "regulatory": {
            "ind_status": "ind",
            "ind_number": "IND 999999",
            "ethics": {
                "committee_name": "Comité d'éthique de la recherche",
                "approved": True,
                "approval_date": "2026-02-01",
                "reference": "CER-2026-11",
            },
        },
        "sites": [
            {"id": "mtl", "name": "Montréal research unit", "country": "US", "region": "US-OR"}
        ],
        "indication": {
            "condition": "treatment_resistant_depression",
            "description": "Major depressive episode without response to two adequate "
            "antidepressant trials.",
        },
        "products": [
            {
                "id": "psilo",
                "substance": "psilocybin",
                "name": "COMP360-like psilocybin",
                "form": "synthetic",
                "schedule": "I",
            }
        ],
        "arms": [
            {
                "id": "psi",
                "label": "Psilocybin 25 mg",
                "role": "experimental",
                "planned_participants": 30,
            },
            {
                "id": "ctl",
                "label": "Psilocybin 1 mg",
                "role": "low_dose_comparator",
                "planned_participants": 30,
            },
        ],
        "roles": [
            {
                "id": "lead",
                "title": "Lead therapist",
                "kind": "lead_therapist",
                "qualifications": {
                    "degree": "doctoral",
                    "licensed": True,
                    "independent_practice": True,
                    "mental_health_experience_years": 5,
                    "psychedelic_training_hours": 100,
                    "bls_certified": True,
                    "profession": "clinical psychologist",
                },
            },
            {
                "id": "monitor",
                "title": "Assistant monitor",
                "kind": "assistant_monitor",
                "qualifications": {
                    "degree": "bachelor",
                    "psychedelic_training_hours": 40,
                    "bls_certified": True,
                },
            },
        ],
        "settings": [
            {
                "id": "room1",
                "name": "Dosing suite A",
                "location": "Indoor, urban hospital, 3rd floor",
                "ambiance": "Living-room style, soft furnishings",
                "nature_access": "Window onto a garden",
                "objects_decor": "Plants, blankets",
                "lighting": "Dimmable warm light",
                "sensory_reduction": "Eyeshades and headphones offered",
                "bathroom": "En-suite, private",
                "positioning": "Participant on a couch; therapists seated beside",
                "music": "Standardised playlist",
                "emergency_equipment": "Crash cart, AED, oxygen",
            }
        ],
        "sessions": sessions,
        "eligibility": {
            "age_min": 18,
            "age_max": 65,
            "inclusion": [
                {"id": "IN1", "text": "MADRS ≥ 20 at screening"},
                {"id": "IN2", "text": "Failure of ≥ 2 adequate antidepressant trials"},
            ],
            "exclusion": [
                {"id": "EX1", "text": "Personal or first-degree family history of psychosis"},
                {"id": "EX2", "text": "Uncontrolled hypertension (> 140/90 mmHg)"},
            ],
        },
        "medications": {
            "washouts": [{"medication_class": "SSRIs", "min_days": 14, "supervised_taper": True}],
            "prohibited": ["MAO inhibitors", "Lithium"],
            "rescue": ["Lorazepam 1 mg"],
        },
        "psychotherapy": {
            "model": "Psychological support (ACE-informed)",
            "manual_reference": "Study therapy manual v3, 2025",
            "touch_policy": "Supportive touch (hand, shoulder) only with prior consent.",
            "recording": {"audio": True, "video": True, "consent": True},
            "preparation_protocol": "Three sessions building rapport and intentions.",
            "integration_protocol": "Meaning-making after each dosing session.",
        },
        "blinding": {
            "participants": True,
            "therapists": True,
            "outcome_assessors": True,
            "raters_independent": True,
            "expectancy_measure": "SETS",
            "unblinding_procedure": "Emergency unblinding by the study physician.",
        },
        "objectives": [
            {
                "id": "O1",
                "level": "primary",
                "text": "Compare change in depression severity.",
                "endpoints": [
                    {
                        "id": "E1",
                        "text": "Change from baseline in MADRS total",
                        "instrument": "MADRS",
                        "timepoint_week": 6,
                    }
                ],
            },
            {
                "id": "O2",
                "level": "secondary",
                "text": "Compare response and remission rates.",
                "endpoints": [
                    {
                        "id": "E2",
                        "text": "MADRS response (≥ 50 % reduction)",
                        "instrument": "MADRS",
                        "timepoint_week": 12,
                    }
                ],
            },
        ],
        "safety": {
            "vitals_schedule": "Before dosing and hourly for 8 h",
            "suicidality_instrument": "C-SSRS",
            "adverse_event_plan": "All AEs recorded from consent to final visit; SAEs within 24 h.",
            "stopping_rules": "Stop dosing for serious suicidality or SAE related to drug.",
            "dsmb": "Independent DSMB meets every 6 months.",
            "emergency_plan": "Hospital rapid response team on call.",
        },
        "statistics": {
            "sample_size": 60,
            "power": 0.8,
            "alpha": 0.05,
            "primary_analysis": "Mixed model for repeated measures, ITT population.",
            "missing_data": "Multiple imputation under MAR.",
        },
        "follow_up": {"duration_weeks": 26, "timepoints_weeks": [6, 12, 26]},
        "consent": {
            "form_reference": "ICF v2.1",
            "process": "Obtained by the PI.",
            "touch_consent": True,
            "recording_consent": True,
        },
        "narrative": {
            "background": "Depression affects many people.\n\nTreatment resistance is common.",
            "rationale": "Psilocybin showed rapid effects in earlier trials.",
            "recruitment": "Referral from outpatient clinics.",
            "data_management": "Electronic CRF with audit trail.",
        },
        "waivers": [],
    }


def rich_protocol(**overrides: Any) -> Protocol:
    """The rich protocol, with top-level overrides."""
    data = rich_data()
    data.update(overrides)
    return Protocol.model_validate(data)


def hostile_protocol() -> Protocol:
    """The rich protocol with hostile text in titles, names, narrative and an empty section."""
    data = rich_data()
    long_text = ("A very long paragraph. " * 900)[:20_000]
    data["metadata"]["title"] = " / ".join(HOSTILE) + " " + long_text  # the title fills pages
    data["metadata"]["short_title"] = HOSTILE[1]
    data["metadata"]["protocol_number"] = "<P&1> {{ n }}"
    data["metadata"]["principal_investigator"]["name"] = HOSTILE[3]
    data["metadata"]["sponsor"]["name"] = HOSTILE[2]
    data["arms"][0]["label"] = HOSTILE[0]
    data["sessions"][1]["title"] = HOSTILE[1] + " " + "x" * 300
    data["sessions"][2]["description"] = long_text
    data["settings"][0]["ambiance"] = HOSTILE[2]
    data["eligibility"]["inclusion"][0]["text"] = HOSTILE[0]
    data["narrative"] = {
        "background": long_text,
        "rationale": HOSTILE[1] + "\n\n" + HOSTILE[3],
        "recruitment": "",
    }
    data["psychotherapy"]["model"] = "y" * 5000  # one unbreakable word
    return Protocol.model_validate(data)


def empty_protocol() -> Protocol:
    """A protocol with nothing filled in."""
    return Protocol()


REPORT_WITH_ERROR: dict[str, Any] = {
    "protocol": {"id": "x", "title": "t", "version": "1"},
    "rulesets": [{"id": "TEST-SET", "version": "1", "active": True, "reason": "always"}],
    "findings": [
        {
            "rule_id": "TEST-001",
            "ruleset": "TEST-SET",
            "severity": "error",
            "message": "A <b>problem</b> & more",
            "path": "$.sessions[0]",
            "citation": "Test source §1",
            "provenance": "verified",
            "waived": False,
            "clauses": [{"expr": "x > 1", "value": False}],
        }
    ],
    "summary": {"errors": 1, "warnings": 0, "infos": 0, "waived": 0},
}

TODAY = dt.date(2026, 4, 1)
