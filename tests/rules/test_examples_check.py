"""The jurisdiction rule sets on the shipped examples, intact, broken and moved elsewhere.

Every shipped example must pass ``papdesigner check`` (exit 0: no unwaived error). A copy
broken in one way must gain the findings of the rules that guard against it, at the path
the user has to change. Findings are compared with those of the intact (or moved) copy, so
warnings an example carries on purpose do not disturb the tests.

The examples cover FDA-PSY (three US IND trials) and OR-OAR-333-333 (an Oregon service
centre). The other jurisdiction sets have no example of their own, so an example is first
moved there (its sites, context and the approvals that jurisdiction asks for), then broken:
Colorado and New Mexico from the Oregon example, the Australian sets (Victoria too) from the
MDMA trial and the psilocybin trial, the Canadian and EU sets from the psilocybin trial; US IND
safety reporting is broken in place in the alcohol trial, the Swiss note in the LSD trial.
Moving an example also shows that the sets stay apart: Oregon's single facilitator and groups
of 25 are never judged by the FDA set, and an Oregon service moved to Colorado is judged by
Colorado's rules.

Breakers find the sessions, roles and criteria they change by kind, id or code, never by a
fixed index, so that the examples can keep growing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from papdesigner.cli import main
from papdesigner.model.fileformat import load_protocol
from papdesigner.model.protocol import Protocol, Site
from papdesigner.paths import resource
from papdesigner.rules import Report, check, shipped_rules_dir
from papdesigner.rules.loader import Catalogue, load_catalogue

EXAMPLES = sorted(resource("examples").glob("*.pap.json"))
CATALOGUE: Catalogue = load_catalogue([(shipped_rules_dir(), "shipped")])
JURISDICTION_SETS: tuple[str, ...] = (
    "FDA-PSY",
    "OR-OAR-333-333",
    "CO-NMHA",
    "AU-TGA-AP",
    "AU-ACT",
    "AU-SA",
    "CA-HC-SAP",
    "EU-EMA",
    "AU-VIC",
    "EU-CTR-536",
    "US-IND-SAFETY",
    "CA-HC-CT",
    "CH-NARCA",
    "US-NM-MPA",
)

Found = set[tuple[str, str]]
Change = Callable[[Protocol], "Found"]
T = TypeVar("T")


def _example(name: str) -> Protocol:
    return load_protocol(resource("examples", f"{name}.pap.json"))


def _check(protocol: Protocol) -> Report:
    return check(protocol, catalogue=CATALOGUE)


def _found(report: Report) -> Found:
    return {(f.rule_id, f.path) for f in report.findings if not f.waived}


def _active(report: Report) -> set[str]:
    return {s.id for s in report.rulesets if s.active}


def _index(items: Sequence[T], test: Callable[[T], bool]) -> int:
    """Index of the first item that passes ``test`` (the example must have one)."""
    return next(i for i, item in enumerate(items) if test(item))


def _dosing(p: Protocol, nth: int = 0) -> int:
    return [i for i, s in enumerate(p.sessions) if s.kind == "dosing"][nth]


# --- moving an example to another jurisdiction ---------------------------------------------


def _to_colorado(p: Protocol) -> None:
    """The Oregon service centre, run as a Colorado healing center."""
    for site in p.sites:
        site.region = "US-CO"
        site.licence_id = "HC-EXAMPLE-0001"
    for setting in p.settings:
        setting.location_type = "co_healing_center"


def _to_australia(p: Protocol, region: str) -> None:
    """A trial example, run as Authorised Prescriber treatment in an Australian state."""
    p.context = "au_authorised_prescriber"
    p.sites = [Site(id="clinic", name="Example psychiatry clinic", country="AU", region=region)]
    p.regulatory.ind_status = "not_applicable"
    p.regulatory.ethics.nhmrc_registered = True
    p.regulatory.ethics.approved = True
    p.regulatory.ethics.approval_date = dt.date(2026, 2, 1)
    p.regulatory.tga_ap_pathway = "standard"
    p.regulatory.tga_ap_application_date = dt.date(2026, 2, 15)
    p.regulatory.prescriber_specialty = "psychiatry"
    p.regulatory.prescriber_specialist_registration = True
    p.regulatory.sa_chief_psychiatrist_notification_days = 1
    p.regulatory.state_approvals = ["ACT Chief Health Officer approval CHO-2026-01"]
    p.regulatory.periodic_reporting = "Six-monthly reports to the TGA"


def _to_canada(p: Protocol) -> None:
    p.context = "ca_special_access"
    p.sites = [Site(id="clinic", name="Example psychiatry clinic", country="CA", region="CA-ON")]
    p.regulatory.ind_status = "not_applicable"


def _to_germany(p: Protocol) -> None:
    p.context = "cta_trial"
    p.sites = [Site(id="charite", name="University hospital", country="DE")]
    p.regulatory.ind_status = "not_applicable"


def _to_victoria(p: Protocol) -> None:
    """Authorised Prescriber treatment in Victoria: notice given, the physician gives the drug."""
    _to_australia(p, "AU-VIC")
    p.regulatory.vic_notice_of_intention = True
    for session in p.sessions:
        if session.dosing is not None:
            session.dosing.administered_by = "physician"


def _to_germany_as_eu_trial(p: Protocol) -> None:
    """A trial moved to Germany with the facts the EU Regulation's protocol section asks for."""
    _to_germany(p)
    p.regulatory.eu_trial_number = "2026-512345-21-00"
    p.regulatory.gcp_compliance_statement = True
    p.regulatory.patients_involved_in_design = False
    for product in p.products:
        product.medicinal_product_role = "investigational"


def _to_canada_as_trial(p: Protocol) -> None:
    p.context = "cta_trial"
    p.sites = [Site(id="clinic", name="Example research hospital", country="CA", region="CA-ON")]
    p.regulatory.ind_status = "not_applicable"
    p.regulatory.ca_cta_status = "authorised"
    p.regulatory.ca_controlled_substance_exemption = "authorised"


def _to_new_mexico(p: Protocol) -> None:
    for site in p.sites:
        site.region = "US-NM"


def _to_germany_for_depression(p: Protocol) -> None:
    """EU-EMA covers depression: the alcohol trial, moved and re-aimed at depression."""
    _to_germany(p)
    p.indication.condition = "major_depressive_disorder"


# --- the cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """An example, where it is moved (optional), how it is broken, and what must be found."""

    name: str
    example: str
    rulesets: tuple[str, ...]  # the sets the expected findings come from
    breaker: Change  # damages the protocol and returns the expected (rule id, path) pairs
    move: Callable[[Protocol], None] | None = None


def _ssri_without_washout(p: Protocol) -> Found:
    p.medications.washouts = [w for w in p.medications.washouts if w.medication_class != "SSRI"]
    return {("FDA-PSY-25", "$.medications")}


def _mdma_maoi_allowed(p: Protocol) -> Found:
    p.medications.prohibited = [c for c in p.medications.prohibited if c != "MAOI"]
    p.medications.washouts = [w for w in p.medications.washouts if w.medication_class != "MAOI"]
    p.eligibility.exclusion = [c for c in p.eligibility.exclusion if c.code != "maoi_use"]
    return {("FDA-PSY-25", "$.medications"), ("CS-14", "$.medications.prohibited")}


def _mdma_large_supplement(p: Protocol) -> Found:
    d = _dosing(p, 1)
    admins = p.sessions[d].dosing.administrations  # type: ignore[union-attr]
    extra = _index(admins, lambda a: a.supplemental and a.arm_id == "mdma")
    admins[extra].dose = admins[extra].dose + 20.0  # 80 mg after 120 mg: more than half
    first = _index(admins, lambda a: not a.supplemental and a.arm_id == "mdma")
    return {("CS-22", f"$.sessions[{d}].dosing.administrations[{first}]")}


def _one_monitor(p: Protocol) -> Found:
    d = _dosing(p)
    staff = p.sessions[d].staff
    leads = {r.id for r in p.roles if r.kind == "lead_therapist"}
    keep = _index(staff, lambda x: x.present_throughout and x.role_id in leads)
    for i, x in enumerate(staff):
        x.present_throughout = i == keep
        x.count = 1
    path = f"$.sessions[{d}].staff"
    return {("FDA-PSY-19", path), ("CS-17", path)}


def _no_ind(p: Protocol) -> Found:
    p.regulatory.ind_status = "not_applicable"
    return {("FDA-PSY-02", "$.regulatory.ind_status")}


def _no_dea_registration(p: Protocol) -> Found:
    p.regulatory.dea_schedule1_registration = ""
    return {("FDA-PSY-05", "$.regulatory.dea_schedule1_registration")}


def _oregon_group_understaffed(p: Protocol) -> Found:
    g = _index(p.sessions, lambda s: s.kind == "dosing" and s.format == "group")
    fac = _index(p.sessions[g].staff, lambda x: x.role_id == "facilitator")
    p.sessions[g].staff[fac].count = 1
    return {("OR-21", f"$.sessions[{g}].staff")}


def _oregon_session_too_short(p: Protocol) -> Found:
    i = _index(p.sessions, lambda s: s.kind == "dosing" and s.format == "individual")
    p.sessions[i].duration_hours = 4.0  # 20 + 5 mg = 25 mg needs 5 h
    return {("OR-18", f"$.sessions[{i}].duration_hours")}


def _oregon_group_of_26(p: Protocol) -> Found:
    g = _index(p.sessions, lambda s: s.kind == "dosing" and s.format == "group")
    p.sessions[g].group_size = 26
    room = _index(p.settings, lambda s: s.id == p.sessions[g].setting_id)
    p.settings[room].max_occupancy = 40
    return {("OR-22", f"$.sessions[{g}].group_size"), ("OR-21", f"$.sessions[{g}].staff")}


def _oregon_synthetic(p: Protocol) -> Found:
    p.products[0].form = "synthetic"
    return {("OR-29", "$.products[0].form")}


def _colorado_no_bls(p: Protocol) -> Found:
    r = _index(p.roles, lambda r: r.kind == "facilitator")
    p.roles[r].qualifications.bls_certified = False
    return {("CO-02", f"$.roles[{r}].qualifications.bls_certified")}


def _colorado_unobserved(p: Protocol) -> Found:
    d = _dosing(p)
    p.sessions[d].dosing.observed_ingestion = False  # type: ignore[union-attr]
    return {("CO-05", f"$.sessions[{d}].dosing.observed_ingestion")}


def _australia_wrong_indication(p: Protocol) -> Found:
    p.indication.condition = "major_depressive_disorder"
    m = _index(p.products, lambda x: x.substance == "mdma")
    return {("AU-01", f"$.products[{m}].substance")}


def _sa_late_notification(p: Protocol) -> Found:
    p.regulatory.sa_chief_psychiatrist_notification_days = 3
    return {("AU-13", "$.regulatory.sa_chief_psychiatrist_notification_days")}


def _act_remote_dosing(p: Protocol) -> Found:
    d = _dosing(p)
    p.sessions[d].remote = True
    return {("AU-12", f"$.sessions[{d}].dosing.supervised")}


def _australia_application_before_hrec(p: Protocol) -> Found:
    p.regulatory.tga_ap_application_date = dt.date(2026, 1, 10)
    return {("AU-03", "$.regulatory.tga_ap_application_date")}


def _canada_no_failed_treatment(p: Protocol) -> Found:
    for c in p.eligibility.inclusion:
        if c.code in ("trd_two_failed_trials", "conventional_treatment_failed"):
            c.code = None
    return {("CA-02", "$.eligibility.inclusion")}


def _eu_no_subjective_measure(p: Protocol) -> Found:
    d = _dosing(p)
    subjective = {"MEQ-30", "5D-ASC", "EBI", "CEQ"}
    p.sessions[d].assessments = [a for a in p.sessions[d].assessments if a not in subjective]
    return {("EU-05", f"$.sessions[{d}].assessments")}


def _eu_no_expectancy(p: Protocol) -> Found:
    p.blinding.expectancy_measure = ""
    return {("EU-03", "$.blinding")}


def _victoria_therapist_doses(p: Protocol) -> Found:
    d = _dosing(p, 1)
    p.sessions[d].dosing.administered_by = "lead"  # type: ignore[union-attr]
    return {("VIC-02", f"$.sessions[{d}].dosing.administered_by")}


def _eu_no_trial_number(p: Protocol) -> Found:
    p.regulatory.eu_trial_number = ""
    return {("EUCTR-15b", "$.regulatory.eu_trial_number")}


def _late_fatal_safety_report(p: Protocol) -> Found:
    p.safety.susar_fatal_report_days = 15
    return {("IND-SR-7", "$.safety.susar_fatal_report_days")}


def _canada_no_cdsa_exemption(p: Protocol) -> Found:
    p.regulatory.ca_controlled_substance_exemption = "not_applicable"
    return {("CA-CT-02", "$.regulatory.ca_controlled_substance_exemption")}


def _oregon_no_id_check(p: Protocol) -> Found:
    p.documents.identification_check = False
    return {("OR-40", "$.documents.identification_check")}


def _switzerland_no_foph_licence(p: Protocol) -> Found:
    p.regulatory.state_approvals = []
    return {("CH-01", "$.regulatory.state_approvals")}


def _new_mexico_no_approval(p: Protocol) -> Found:
    p.sites[0].licence_id = ""
    return {("NM-01", "$.sites[0].licence_id")}


CASES = [
    Case("SSRI with no washout", "psilocybin-trd", ("FDA-PSY",), _ssri_without_washout),
    Case("MDMA without MAOI prohibition", "mdma-ptsd", ("FDA-PSY",), _mdma_maoi_allowed),
    Case(
        "MDMA supplement above half", "mdma-ptsd", ("CLIN-SAFETY-COMMON",), _mdma_large_supplement
    ),
    Case("one monitor at dosing", "psilocybin-aud", ("FDA-PSY",), _one_monitor),
    Case("no IND", "psilocybin-trd", ("FDA-PSY",), _no_ind),
    Case("no DEA registration", "mdma-ptsd", ("FDA-PSY",), _no_dea_registration),
    Case(
        "Oregon group understaffed",
        "oregon-service-center",
        ("OR-OAR-333-333",),
        _oregon_group_understaffed,
    ),
    Case(
        "Oregon session too short",
        "oregon-service-center",
        ("OR-OAR-333-333",),
        _oregon_session_too_short,
    ),
    Case("Oregon group of 26", "oregon-service-center", ("OR-OAR-333-333",), _oregon_group_of_26),
    Case(
        "Oregon synthetic psilocybin",
        "oregon-service-center",
        ("OR-OAR-333-333",),
        _oregon_synthetic,
    ),
    Case(
        "Colorado facilitator without BLS",
        "oregon-service-center",
        ("CO-NMHA",),
        _colorado_no_bls,
        _to_colorado,
    ),
    Case(
        "Colorado ingestion not observed",
        "oregon-service-center",
        ("CO-NMHA",),
        _colorado_unobserved,
        _to_colorado,
    ),
    Case(
        "Australia MDMA for depression",
        "mdma-ptsd",
        ("AU-TGA-AP",),
        _australia_wrong_indication,
        lambda p: _to_australia(p, "AU-SA"),
    ),
    Case(
        "Australia AP before HREC",
        "psilocybin-trd",
        ("AU-TGA-AP",),
        _australia_application_before_hrec,
        lambda p: _to_australia(p, "AU-VIC"),
    ),
    Case(
        "SA late notification",
        "mdma-ptsd",
        ("AU-SA",),
        _sa_late_notification,
        lambda p: _to_australia(p, "AU-SA"),
    ),
    Case(
        "ACT remote dosing",
        "psilocybin-trd",
        ("AU-ACT",),
        _act_remote_dosing,
        lambda p: _to_australia(p, "AU-ACT"),
    ),
    Case(
        "Canada SAP without failed treatment",
        "psilocybin-trd",
        ("CA-HC-SAP",),
        _canada_no_failed_treatment,
        _to_canada,
    ),
    Case(
        "EU without subjective-effects measure",
        "psilocybin-trd",
        ("EU-EMA",),
        _eu_no_subjective_measure,
        _to_germany,
    ),
    Case(
        "EU without expectancy measure",
        "psilocybin-aud",
        ("EU-EMA",),
        _eu_no_expectancy,
        _to_germany_for_depression,
    ),
    Case(
        "Victoria therapist gives MDMA",
        "mdma-ptsd",
        ("AU-VIC",),
        _victoria_therapist_doses,
        _to_victoria,
    ),
    Case(
        "EU trial without EU trial number",
        "psilocybin-trd",
        ("EU-CTR-536",),
        _eu_no_trial_number,
        _to_germany_as_eu_trial,
    ),
    Case(
        "IND fatal report in 15 days",
        "psilocybin-aud",
        ("US-IND-SAFETY",),
        _late_fatal_safety_report,
    ),
    Case(
        "Canadian trial without CDSA authority",
        "psilocybin-trd",
        ("CA-HC-CT",),
        _canada_no_cdsa_exemption,
        _to_canada_as_trial,
    ),
    Case(
        "Oregon without ID check", "oregon-service-center", ("OR-OAR-333-333",), _oregon_no_id_check
    ),
    Case(
        "Switzerland without FOPH licence",
        "lsd-anxiety",
        ("CH-NARCA",),
        _switzerland_no_foph_licence,
    ),
    Case(
        "New Mexico setting without approval",
        "oregon-service-center",
        ("US-NM-MPA",),
        _new_mexico_no_approval,
        _to_new_mexico,
    ),
]


# --- tests -----------------------------------------------------------------------------------


def test_there_are_examples() -> None:
    assert {p.name.removesuffix(".pap.json") for p in EXAMPLES} >= {
        "psilocybin-trd",
        "mdma-ptsd",
        "lsd-anxiety",
        "psilocybin-aud",
        "oregon-service-center",
    }


def test_all_examples_pass_papdesigner_check(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's acceptance command: every example, one call, exit 0."""
    code = main(["check", *(str(p) for p in EXAMPLES)])
    out = capsys.readouterr().out
    assert code == 0, out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_has_no_unwaived_error(path: Path) -> None:
    report = _check(load_protocol(path))
    errors = [
        f"{f.rule_id} {f.path}" for f in report.findings if f.severity == "error" and not f.waived
    ]
    assert errors == []
    assert not report.load_problems


def test_every_jurisdiction_set_is_exercised_by_a_case() -> None:
    covered = {s for case in CASES for s in case.rulesets}
    assert covered >= set(JURISDICTION_SETS)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_copy_gives_expected_findings(case: Case) -> None:
    protocol = _example(case.example)
    if case.move is not None:
        case.move(protocol)
    before = _check(protocol)
    assert set(case.rulesets) <= _active(before), "the case's rule sets must apply"
    broken = protocol.model_copy(deep=True)
    expected = case.breaker(broken)
    after = _check(broken)
    new = _found(after) - _found(before)
    sets_of = {f.rule_id: f.ruleset for f in after.findings}
    expected_here = {(rule, path) for rule, path in expected if sets_of.get(rule) in case.rulesets}
    assert expected <= new, f"missing: {sorted(expected - new)}"
    ours = {(rule, path) for rule, path in new if sets_of[rule] in case.rulesets}
    assert ours == expected_here, f"unexpected: {sorted(ours - expected_here)}"


# --- the sets stay apart ---------------------------------------------------------------------


def test_oregon_service_is_not_judged_as_a_trial() -> None:
    report = _check(_example("oregon-service-center"))
    active = _active(report)
    assert "OR-OAR-333-333" in active
    assert not active & {"FDA-PSY", "CLIN-SAFETY-COMMON", "CO-NMHA", "AU-TGA-AP", "EU-EMA"}


def test_oregon_single_facilitator_and_group_of_25_are_lawful_there() -> None:
    p = _example("oregon-service-center")
    g = _index(p.sessions, lambda s: s.kind == "dosing" and s.format == "group")
    p.sessions[g].group_size = 25
    fac = _index(p.sessions[g].staff, lambda x: x.role_id == "facilitator")
    p.sessions[g].staff[fac].count = 5  # 20 mg: 1:6, so 5 facilitators for 25 clients
    room = _index(p.settings, lambda s: s.id == p.sessions[g].setting_id)
    p.settings[room].max_occupancy = 30
    report = _check(p)
    assert not {rule for rule, _ in _found(report)} & {"OR-21", "OR-22", "FDA-PSY-19", "CS-17"}


def _single_facilitator(p: Protocol) -> int:
    """Staff the individual administration session with one facilitator in the room only."""
    single = _index(p.sessions, lambda s: s.kind == "dosing" and s.format == "individual")
    p.sessions[single].staff = [x for x in p.sessions[single].staff if x.role_id == "facilitator"]
    p.sessions[single].staff[0].count = 1
    p.sessions[single].dosing.onsite_support_staff = 1  # type: ignore[union-attr]
    return single


def test_a_single_facilitator_is_lawful_in_oregon() -> None:
    p = _example("oregon-service-center")
    single = _single_facilitator(p)
    found = _found(_check(p))
    assert not {f for f in found if f[1].startswith(f"$.sessions[{single}]")}


def test_the_same_service_as_an_ind_trial_needs_two_monitors() -> None:
    p = _example("oregon-service-center")
    single = _single_facilitator(p)
    p.context = "ind_trial"
    report = _check(p)
    active = _active(report)
    assert "FDA-PSY" in active and "OR-OAR-333-333" not in active
    assert ("FDA-PSY-19", f"$.sessions[{single}].staff") in _found(report)


def test_moving_the_oregon_service_to_colorado_switches_sets() -> None:
    p = _example("oregon-service-center")
    _to_colorado(p)
    active = _active(_check(p))
    assert "CO-NMHA" in active and "OR-OAR-333-333" not in active


@pytest.mark.parametrize(
    ("region", "overlays"),
    [("AU-ACT", {"AU-ACT"}), ("AU-SA", {"AU-SA"}), ("AU-VIC", {"AU-VIC"})],
)
def test_australian_overlays_follow_the_state(region: str, overlays: set[str]) -> None:
    p = _example("mdma-ptsd")
    _to_australia(p, region)
    active = _active(_check(p))
    assert "AU-TGA-AP" in active and "FDA-PSY" not in active
    assert active & {"AU-ACT", "AU-SA", "AU-VIC"} == overlays
