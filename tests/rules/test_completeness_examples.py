"""The completeness rule sets on the shipped examples, intact and deliberately broken.

SPIRIT-2013, SPIRIT-2025, RESPCT-2025, ICH-E6R3 and ICH-M11 check that a protocol says
something about each checklist item or template section. Every shipped example must pass
them without an unwaived error; a copy with one section removed or one setting item blanked
must gain exactly the findings of the items that section or field addresses, at the path the
user has to fill in. Findings are compared with those of the intact example, so warnings an
example carries on purpose do not disturb the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papdesigner.model.fileformat import load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.paths import resource
from papdesigner.rules import Report, check, shipped_rules_dir
from papdesigner.rules.loader import Catalogue, load_catalogue

COMPLETENESS_SETS = ("SPIRIT-2013", "SPIRIT-2025", "RESPCT-2025", "ICH-E6R3", "ICH-M11")
TRIALS = ("ind_trial", "cta_trial", "investigator_initiated")
EXAMPLES = sorted(resource("examples").glob("*.pap.json"))
BASE = Path(__file__).resolve().parent / "bases" / "trial-complete.pap.json"

Found = set[tuple[str, str]]

# The shipped sets only (never a user's own sets), loaded and compiled once for the module.
CATALOGUE: Catalogue = load_catalogue([(shipped_rules_dir(), "shipped")])


def _check(protocol: Protocol) -> Report:
    return check(protocol, rulesets=COMPLETENESS_SETS, catalogue=CATALOGUE)


def _name(path: Path) -> str:
    return path.name.removesuffix(".pap.json")


def _load(path: Path) -> Protocol:
    return load_protocol(path)


def _trial_examples() -> list[Path]:
    return [p for p in EXAMPLES if _load(p).context in TRIALS]


def _found(protocol: Protocol) -> Found:
    report = _check(protocol)
    return {(f.rule_id, f.path) for f in report.findings if not f.waived}


def _new_findings(path: Path, breaker: Callable[[Protocol], None]) -> Found:
    """Findings that appear when ``breaker`` damages a fresh copy of the example."""
    intact = _found(_load(path))
    broken = _load(path)
    breaker(broken)
    return _found(broken) - intact


def _without(*keys: str) -> Callable[[Protocol], None]:
    def breaker(p: Protocol) -> None:
        p.narrative = {k: v for k, v in p.narrative.items() if k not in keys}

    return breaker


def _dosing_rooms(p: Protocol) -> list[int]:
    used = {s.setting_id for s in p.sessions if s.kind == "dosing"}
    return [i for i, setting in enumerate(p.settings) if setting.id in used]


def _dosing_sessions(p: Protocol) -> list[int]:
    return [i for i, s in enumerate(p.sessions) if s.kind == "dosing"]


# --- intact examples --------------------------------------------------------------------------


def test_there_are_examples_of_trials_and_of_a_service() -> None:
    contexts = {_load(p).context for p in EXAMPLES}
    assert contexts & set(TRIALS), "no trial example to test the SPIRIT, E6 and M11 sets on"


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_example_has_no_unwaived_completeness_error(path: Path) -> None:
    report = _check(_load(path))
    errors = [
        f"{f.rule_id} {f.path}: {f.message}"
        for f in report.findings
        if f.severity == "error" and not f.waived
    ]
    assert errors == []
    assert all(not f.problems for f in report.findings)


# --- broken copies: narrative sections --------------------------------------------------------


@pytest.mark.parametrize("path", _trial_examples(), ids=_name)
def test_removed_recruitment_section_is_reported_by_both_spirit_versions(path: Path) -> None:
    where = "$.narrative.recruitment"
    assert _new_findings(path, _without("recruitment")) == {("SP13-15", where), ("SP25-20", where)}


@pytest.mark.parametrize("path", _trial_examples(), ids=_name)
def test_removed_confidentiality_section_is_reported(path: Path) -> None:
    where = "$.narrative.confidentiality"
    assert _new_findings(path, _without("confidentiality")) == {
        ("SP13-27", where),
        ("SP25-33", where),
    }


@pytest.mark.parametrize("path", _trial_examples(), ids=_name)
def test_removed_randomisation_section_is_one_finding_per_allocation_item(path: Path) -> None:
    if len(_load(path).arms) < 2:
        pytest.skip("single-arm trial: allocation items do not apply")
    where = "$.narrative.randomisation"
    expected = {
        (rule, where)
        for rule in (
            "SP13-16a",
            "SP13-16b",
            "SP13-16c",
            "SP25-21a",
            "SP25-21b",
            "SP25-22",
            "SP25-23",
            "E6-B4c",
        )
    }
    assert _new_findings(path, _without("randomisation")) == expected


@pytest.mark.parametrize("path", _trial_examples(), ids=_name)
def test_removed_glossary_is_an_m11_info(path: Path) -> None:
    assert _new_findings(path, _without("abbreviations")) == {
        ("M11-13", "$.narrative.abbreviations")
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_removed_autonomy_and_interruption_sections_are_respct_13_and_17(path: Path) -> None:
    found = _new_findings(path, _without("participant_autonomy", "session_interruptions"))
    assert found == {
        ("RSP-13", "$.narrative.participant_autonomy"),
        ("RSP-17", "$.narrative.session_interruptions"),
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_experience_measures_are_asked_of_trials_only(path: Path) -> None:
    def breaker(p: Protocol) -> None:
        _without("experience_measures")(p)
        for session in p.sessions:
            session.assessments = [a for a in session.assessments if a != "WAI-SR"]

    found = _new_findings(path, breaker)
    if _load(path).context in TRIALS:
        where = "$.narrative.experience_measures"
        assert found == {(f"RSP-{item}", where) for item in range(26, 31)}
    else:
        assert found == set()


# --- broken copies: setting items and dosing sessions ------------------------------------------

SETTING_ITEMS = [
    ("location", "RSP-01"),
    ("lighting", "RSP-05"),
    ("sensory_reduction", "RSP-06"),
    ("bathroom", "RSP-07"),
    ("positioning", "RSP-09"),
    ("music", "RSP-11"),
]


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_blank_setting_items_of_a_dosing_room(path: Path) -> None:
    room = _dosing_rooms(_load(path))[0]
    for field, rule in SETTING_ITEMS:

        def breaker(p: Protocol, field: str = field) -> None:
            setattr(p.settings[room], field, "  ")

        assert _new_findings(path, breaker) == {(rule, f"$.settings[{room}].{field}")}, field


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_blank_setting_item_of_a_room_never_used_for_dosing_is_not_reported(path: Path) -> None:
    protocol = _load(path)
    others = [i for i in range(len(protocol.settings)) if i not in _dosing_rooms(protocol)]
    if not others:
        pytest.skip("every room of this example is used for dosing")

    def breaker(p: Protocol) -> None:
        p.settings[others[0]].lighting = ""

    assert _new_findings(path, breaker) == set()


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_every_dosing_session_without_release_conditions_is_reported(path: Path) -> None:
    sessions = _dosing_sessions(_load(path))

    def breaker(p: Protocol) -> None:
        for i in sessions:
            dosing = p.sessions[i].dosing
            assert dosing is not None
            dosing.discharge_criteria = ""

    expected = {("RSP-16", f"$.sessions[{i}].dosing.discharge_criteria") for i in sessions}
    assert _new_findings(path, breaker) == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=_name)
def test_dosing_session_without_a_room(path: Path) -> None:
    first = _dosing_sessions(_load(path))[0]

    def breaker(p: Protocol) -> None:
        p.sessions[first].setting_id = None

    assert _new_findings(path, breaker) == {("RSP-01-SESSION", f"$.sessions[{first}].setting_id")}


# --- contexts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _trial_examples()[:1], ids=_name)
def test_treatment_protocol_is_checked_for_treatment_items_only(path: Path) -> None:
    protocol = _load(path)
    protocol.context = "au_authorised_prescriber"
    protocol.narrative = {
        k: v for k, v in protocol.narrative.items() if k not in {"recruitment", "confidentiality"}
    }
    report = _check(protocol)
    active = {s.id for s in report.rulesets if s.active}
    assert active == {"SPIRIT-2013", "SPIRIT-2025", "RESPCT-2025"}
    rules = {f.rule_id for f in report.findings}
    assert {"SP13-27", "SP25-33"} <= rules  # confidentiality matters for any treatment
    assert not rules & {"SP13-15", "SP25-20"}  # recruitment is a trial matter
    assert not rules & {f"RSP-{item}" for item in range(26, 31)}


def test_state_service_gets_respct_only() -> None:
    services = [p for p in EXAMPLES if _load(p).context == "us_state_service"]
    if not services:
        pytest.skip("no state service example")
    report = _check(_load(services[0]))
    assert {s.id for s in report.rulesets if s.active} == {"RESPCT-2025"}


# --- property: narrative-only rules fire exactly when all the sections they accept are gone -----

_KEY = re.compile(r"'([a-z_]+)' in p\.narrative_keys")
_KEYS = re.compile(r"\[([^\]]*)\]\.exists\(k, k in p\.narrative_keys\)")


def _accepted_sections(require: list[str]) -> set[str]:
    text = " ".join(require)
    keys = set(_KEY.findall(text))
    for listed in _KEYS.findall(text):
        keys.update(re.findall(r"'([a-z_]+)'", listed))
    return keys


def _narrative_only_rules() -> dict[str, set[str]]:
    """Rule id -> the narrative sections that satisfy it, for rules that need nothing else."""
    base = _load(BASE)
    stripped = _load(BASE)
    stripped.narrative = {}
    firing = {f.rule_id for f in _check(stripped).findings}
    assert not _found(base), "the complete base must pass every completeness rule"
    rules = {}
    for ruleset in CATALOGUE.rulesets:
        if ruleset.id not in COMPLETENESS_SETS:
            continue
        for rule in ruleset.rules:
            spec = rule.spec
            if spec.scope is None and len(spec.require) == 1 and spec.id in firing:
                keys = _accepted_sections(spec.require)
                only = _KEY.sub("", _KEYS.sub("", spec.require[0])).replace("||", "").strip()
                if keys and not only:
                    rules[spec.id] = keys
    return rules


NARRATIVE_RULES = _narrative_only_rules()
SECTIONS = sorted(set().union(*NARRATIVE_RULES.values()))


def test_most_completeness_rules_accept_a_narrative_section() -> None:
    assert len(NARRATIVE_RULES) >= 40
    assert "SP13-15" in NARRATIVE_RULES and NARRATIVE_RULES["SP13-15"] == {"recruitment"}
    assert NARRATIVE_RULES["SP13-23"] == {"monitoring", "quality_assurance"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(removed=st.sets(st.sampled_from(SECTIONS)))
def test_narrative_rules_fire_exactly_when_every_accepted_section_is_removed(
    removed: set[str],
) -> None:
    protocol = _load(BASE)
    protocol.narrative = {k: v for k, v in protocol.narrative.items() if k not in removed}
    fired = {rule for rule, _ in _found(protocol)}
    expected = {rule for rule, keys in NARRATIVE_RULES.items() if keys <= removed}
    assert fired & set(NARRATIVE_RULES) == expected
