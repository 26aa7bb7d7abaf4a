"""The shipped catalogues: integrity of the data, the loaders, and hostile catalogue files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papdesigner.model import catalogues as cat
from papdesigner.model.catalogues import (
    CATALOGUE_NAMES,
    CatalogueError,
    ReferenceCatalogue,
    expand_jurisdictions,
    load_reference_catalogue,
)
from papdesigner.model.vocab import SUBSTANCES
from papdesigner.paths import resource

RULE_ID = re.compile(r"^(FDA-PSY|OR|CO|AU|CA|EU|E6|M11|SP13|RSP|CS)-[0-9A-Za-z]+$")


# --- every catalogue ------------------------------------------------------------------------


@pytest.mark.parametrize("name", CATALOGUE_NAMES)
def test_every_shipped_catalogue_loads_with_unique_non_empty_keys(name: str) -> None:
    catalogue = load_reference_catalogue(name)
    keys = catalogue.keys()
    assert len(keys) == len(catalogue) > 0
    assert len(set(keys)) == len(keys)
    assert all(key.strip() for key in keys)
    assert resource("catalogues", f"{name}.yaml").is_file()


def test_every_catalogue_name_has_its_file() -> None:
    shipped = {p.stem for p in resource("catalogues").glob("*.yaml")}
    assert shipped >= set(CATALOGUE_NAMES)  # other modules keep their own catalogues here too


def test_accessors_are_cached_and_agree_with_the_loader() -> None:
    assert cat.instruments() is cat.instruments()
    assert cat.instruments().keys() == load_reference_catalogue("instruments").keys()


def test_catalogue_lookup_api() -> None:
    instruments = cat.instruments()
    assert "MADRS" in instruments
    assert instruments["MADRS"].domain == "depression"
    assert instruments.get("NOPE") is None
    with pytest.raises(KeyError, match="not in the instruments catalogue"):
        instruments["NOPE"]
    hamd = instruments.resolve("HAM-D")
    assert hamd is not None
    assert hamd.id == "HAMD-17"
    assert "HAM-D" not in instruments  # aliases resolve but are not ids
    assert next(iter(instruments)).key() == instruments.keys()[0]
    assert "instruments" in repr(instruments)


# --- sourced figures ------------------------------------------------------------------------


def test_every_substance_of_the_file_format_is_catalogued() -> None:
    assert set(cat.substances().keys()) == set(SUBSTANCES)


def _figures() -> list[tuple[str, cat.Figure]]:
    return [(s.id, f) for s in cat.substances() for f in s.figures]


def test_every_figure_names_a_known_source_rules_and_confidence() -> None:
    sources = cat.sources()
    assert _figures()
    for substance, figure in _figures():
        assert figure.source in sources, (substance, figure.label)
        assert figure.rules, (substance, figure.label)
        assert all(RULE_ID.match(rule) for rule in figure.rules)
        assert figure.confidence in ("verified", "secondary", "uncertain")


def test_mdma_figures_are_the_phase_3_regimen() -> None:
    mdma = cat.substances()["mdma"]
    (initial,) = mdma.figures_of("dose")
    (supplement,) = mdma.figures_of("supplemental_dose")
    (offset,) = mdma.figures_of("supplemental_offset")
    (total,) = mdma.figures_of("total_dose_per_session")
    assert initial.values == (80, 120)
    assert supplement.values == tuple(v / 2 for v in initial.values)
    assert (offset.low, offset.high, offset.unit) == (1.5, 2, "h")
    assert total.high == max(initial.values) + max(supplement.values) == 180
    assert {f.rules for f in (initial, supplement, offset, total)} == {("CS-22",)}
    assert mdma.acute_effects_hours is None  # the reference gives a session length, not this


def test_psilocybin_and_lsd_figures_trace_to_their_rules() -> None:
    psilocybin = cat.substances()["psilocybin"]
    assert psilocybin.figures_of("dose")[0].values == (1, 10, 25)
    effects = psilocybin.acute_effects_hours
    assert effects is not None
    assert (effects.low, effects.high, effects.rules) == (4, 6, ("CS-28",))
    (cap,) = psilocybin.figures_of("max_total_dose_per_session")
    assert (cap.high, cap.confidence) == (50, "secondary")
    lsd = cat.substances()["lsd"]
    assert lsd.dose_units == ("ug",)
    assert lsd.figures_of("dose")[0].values == (200,)
    lsd_effects = lsd.acute_effects_hours
    assert lsd_effects is not None
    assert lsd_effects.confidence == "uncertain"  # CS-29: duration never read in a source
    assert cat.substances()["other"].figures == ()


def test_sources_outside_section_1_say_which_rule_cites_them() -> None:
    for source in cat.sources():
        if not source.in_section_1:
            assert "cited" in source.locator


# --- instruments ----------------------------------------------------------------------------

REQUIRED_INSTRUMENTS = [
    "MADRS",
    "HAMD-17",
    "QIDS-SR",
    "PHQ-9",
    "BDI-II",
    "CAPS-5",
    "PCL-5",
    "GAD-7",
    "STAI",
    "HADS",
    "C-SSRS",
    "MEQ-30",
    "5D-ASC",
    "EBI",
    "CEQ",
    "AUDIT",
    "TLFB",
    "PACS",
    "vitals",
    "ECG",
    "pregnancy-test",
    "UDS",
    "safety-labs",
    "WAI-SR",
    "SETS",
    "CEQ-CE",
    "blinding-guess",
]


def test_required_instruments_are_present() -> None:
    missing = [i for i in REQUIRED_INSTRUMENTS if i not in cat.instruments()]
    assert missing == []


def test_rating_scales_cite_their_original_publication() -> None:
    for instrument in cat.instruments():
        assert instrument.name and instrument.full_name
        if instrument.kind in ("clinician_rated", "self_report"):
            assert re.search(r"(19|20)\d\d", instrument.reference), instrument.id
        assert instrument.typical_minutes is None or instrument.typical_minutes > 0


def test_each_domain_the_examples_need_has_an_instrument() -> None:
    domains = {i.domain for i in cat.instruments()}
    assert domains >= {
        "depression",
        "ptsd",
        "anxiety",
        "suicidality",
        "subjective_effects",
        "substance_use",
        "safety",
        "therapeutic_process",
        "blinding",
    }


# --- jurisdictions --------------------------------------------------------------------------

EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]


def test_jurisdictions_cover_the_programmes_and_the_eu() -> None:
    jurisdictions = cat.jurisdictions()
    for code in [
        "US",
        "US-OR",
        "US-CO",
        "US-CA",
        "US-NY",
        "AU",
        "AU-ACT",
        "AU-SA",
        "AU-NSW",
        "AU-VIC",
        "CA",
        "CA-ON",
        "CA-BC",
        "GB",
        "NL",
        "DE",
        "CZ",
        "CH",
        "NO",
    ]:
        assert code in jurisdictions, code
    assert len(EU) == 27
    for code in EU:
        assert "EU" in jurisdictions[code].groups, code
    assert "EU" not in jurisdictions["CH"].groups
    assert "EU" not in jurisdictions["GB"].groups
    assert jurisdictions["NO"].name == "Norway"  # not YAML's boolean false


def test_regions_belong_to_a_catalogued_country() -> None:
    jurisdictions = cat.jurisdictions()
    for entry in jurisdictions:
        if entry.parent is not None:
            assert entry.parent in jurisdictions
            assert entry.code.startswith(entry.parent + "-")


def test_expand_jurisdictions_adds_countries_and_groups() -> None:
    assert expand_jurisdictions(["US-OR"]) == ["US", "US-OR"]
    assert expand_jurisdictions(["DE"]) == ["DE", "EEA", "EU"]
    assert expand_jurisdictions(["NO", "AU-SA"]) == ["AU", "AU-SA", "EEA", "NO"]
    assert expand_jurisdictions(["XX"]) == ["XX"]
    assert expand_jurisdictions([]) == []


# --- criteria, medication classes -----------------------------------------------------------

REQUIRED_CRITERIA = [
    "psychosis_personal",
    "psychosis_family",
    "bipolar_i",
    "mania_history",
    "active_si_with_intent",
    "active_sud",
    "uncontrolled_hypertension",
    "cardiovascular_disease",
    "qtc_prolongation",
    "valvulopathy",
    "pulmonary_hypertension",
    "pregnancy_or_breastfeeding",
    "lithium_30d",
    "seizure_disorder",
    "hepatic_impairment",
    "trd_two_failed_trials",
    "madrs_min_20",
    "caps5_min_28",
    "ptsd_6_months",
    "age_21_plus",
]


def test_required_criterion_codes_are_present_with_labels_and_rules() -> None:
    criteria = cat.criteria()
    for code in REQUIRED_CRITERIA:
        assert code in criteria, code
    for criterion in criteria:
        assert criterion.label.strip()
        assert all(RULE_ID.match(rule) for rule in criterion.rules)
    assert criteria["lithium_30d"].rules[0] == "CS-15"
    assert set(criteria["valvulopathy"].rules) == {"FDA-PSY-26"}


def test_medication_classes_carry_their_interaction_source() -> None:
    classes = cat.medication_classes()
    for needed in [
        "SSRI",
        "SNRI",
        "fluoxetine",
        "MAOI",
        "TCA",
        "lithium",
        "antipsychotic",
        "benzodiazepine",
        "stimulant",
        "bupropion",
        "mirtazapine",
        "trazodone",
        "efavirenz",
    ]:
        assert needed in classes, needed
    for entry in classes:
        assert entry.interaction.strip()
        if entry.confidence != "uncertain":
            assert entry.source in cat.sources() and entry.rules, entry.id
    assert classes["fluoxetine"].parent == "SSRI"
    assert classes["SSRI"].washout_min_days == 14
    assert classes["fluoxetine"].washout_min_days == 42
    assert "CS-14" in classes["MAOI"].rules


# --- narrative sections ---------------------------------------------------------------------

REQUIRED_SECTIONS = [
    "background",
    "rationale",
    "benefit_risk",
    "trial_design_rationale",
    "recruitment",
    "randomisation",
    "data_management",
    "monitoring",
    "oversight",
    "quality_assurance",
    "ethics",
    "consent_process",
    "confidentiality",
    "insurance",
    "dissemination",
    "publication_policy",
    "source_access",
    "discontinuation",
    "protocol_deviations",
    "ancillary_care",
    "post_trial_care",
    "references",
]


def test_narrative_sections_map_to_checklists() -> None:
    sections = cat.narrative_sections()
    for key in REQUIRED_SECTIONS:
        assert key in sections, key
    for section in sections:
        assert section.title.strip() and section.guidance.strip()
        assert section.m11
        assert set(section.spirit2013) <= cat.SPIRIT_2013_ITEMS
        assert set(section.spirit2025) <= cat.SPIRIT_2025_ITEMS
    assert sections["ethics"].spirit2013 == ("24",)
    assert sections["ethics"].spirit2025 == ("30",)
    assert sections["references"].m11 == ("14",)
    assert len(cat.SPIRIT_2013_ITEMS) == 51
    assert len(cat.SPIRIT_2025_ITEMS) == 53


# --- hostile catalogue files ----------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


HEAD = "catalogue: {name}\nversion: 1\nentries:\n"

CRITERION_A = HEAD + "  - code: a\n    label: A\n    list: inclusion\n    category: demographic\n"

BAD_FILES = [
    (
        "jurisdictions",
        HEAD + "  - code: NO\n    name: Norway\n",
        "$.entries[0].code",
        "found False",
    ),
    ("jurisdictions", HEAD + '  - code: "US-OR"\n    name: Oregon\n', "$.entries[0]", "parent"),
    (
        "jurisdictions",
        HEAD + '  - code: "US-OR"\n    name: Oregon\n    parent: "XX"\n',
        "$.entries[0]",
        "does not belong to XX",
    ),
    (
        "jurisdictions",
        HEAD + '  - code: "XX-AB"\n    name: Nowhere\n    parent: "XX"\n',
        "$.entries[0].parent",
        "unknown parent",
    ),
    ("criteria", HEAD + "  - code: a\n    code: b\n", "line 5", "duplicate key 'code'"),
    (
        "criteria",
        CRITERION_A + "    colour: red\n",
        "$.entries[0].colour",
        "unknown key",
    ),
    (
        "criteria",
        CRITERION_A + "    rules: [NOT-A-RULE]\n",
        "$.entries[0].rules[0]",
        "pattern",
    ),
    (
        "criteria",
        CRITERION_A + "  - code: a\n    label: B\n    list: exclusion\n    category: demographic\n",
        "$.entries[1]",
        "duplicate key or alias 'a'",
    ),
    (
        "instruments",
        HEAD + "  - id: X\n    name: X\n    full_name: X\n    domain: other\n"
        "    kind: self_report\n",
        "$.entries[0]",
        "reference publication",
    ),
    (
        "substances",
        HEAD + "  - id: lsd\n    label: LSD\n    dose_units: [ug]\n    figures:\n"
        "      - {what: dose, label: d, low: 1, high: 2, unit: ug, source: S-NOPE, rules: [CS-29],"
        " confidence: verified}\n",
        "$.entries[0].figures[0].source",
        "unknown source 'S-NOPE'",
    ),
    (
        "substances",
        HEAD + "  - id: lsd\n    label: LSD\n    dose_units: [ug]\n    figures:\n"
        "      - {what: acute_effects, label: d, low: 12, high: 10, unit: h, source: S-HOLZE,"
        " rules: [CS-29], confidence: uncertain}\n",
        "$.entries[0].figures[0]",
        "above high",
    ),
    (
        "substances",
        HEAD + "  - id: lsd\n    label: LSD\n    dose_units: [ug]\n    figures:\n"
        "      - {what: acute_effects, label: d, low: 10, unit: mg, source: S-HOLZE,"
        " rules: [CS-29], confidence: uncertain}\n",
        "$.entries[0].figures[0]",
        "is in h",
    ),
    (
        "narrative_sections",
        HEAD + "  - key: x\n    title: X\n    m11: ['2']\n    spirit2013: [16]\n    guidance: g\n",
        "$.entries[0].spirit2013[0]",
        "not a SPIRIT 2013 item",
    ),
    (
        "narrative_sections",
        HEAD + "  - key: x\n    title: X\n    m11: ['15']\n    guidance: g\n",
        "$.entries[0].m11[0]",
        "pattern",
    ),
    (
        "medication_classes",
        HEAD + "  - id: X\n    label: X\n    interaction: i\n    confidence: verified\n",
        "$.entries[0]",
        "needs a source",
    ),
    (
        "criteria",
        "catalogue: instruments\nversion: 1\nentries: []\n",
        "catalogue.yaml",
        "is the 'instruments' catalogue",
    ),
    ("criteria", "- just\n- a list\n", "catalogue.yaml", "expected a mapping"),
    ("criteria", "entries: [1, 2\n", "line", "not valid YAML"),
    ("criteria", "? [a, b]\n: c\n", "line", "plain value"),
    ("criteria", "", "catalogue.yaml", "expected a mapping"),
]


@pytest.mark.parametrize(("name", "text", "where", "what"), BAD_FILES)
def test_bad_catalogue_files_fail_with_file_and_path(
    tmp_path: Path, name: str, text: str, where: str, what: str
) -> None:
    path = _write(tmp_path, text.replace("{name}", name))
    with pytest.raises(CatalogueError) as info:
        load_reference_catalogue(name, path)
    message = str(info.value)
    assert str(path) in message
    assert where in message
    assert what in message
    assert "\n" not in message


def test_missing_and_unknown_catalogues_are_reported(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no such catalogue file"):
        load_reference_catalogue("criteria", tmp_path / "absent.yaml")
    with pytest.raises(CatalogueError, match="unknown catalogue 'colours'"):
        load_reference_catalogue("colours")


def test_oversized_catalogue_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "# " + "x" * (cat.loading.MAX_CATALOGUE_BYTES + 1))
    with pytest.raises(CatalogueError, match="larger than a catalogue"):
        load_reference_catalogue("criteria", path)


def test_a_catalogue_file_may_cite_other_sources(tmp_path: Path) -> None:
    text = HEAD.replace("{name}", "medication_classes") + (
        "  - {id: X, label: X, interaction: i, source: S-LOCAL, rules: [CS-12],"
        " confidence: secondary}\n"
    )
    loaded = load_reference_catalogue(
        "medication_classes", _write(tmp_path, text), source_keys=["S-LOCAL"]
    )
    assert isinstance(loaded, ReferenceCatalogue)
    assert loaded["X"].source == "S-LOCAL"


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_the_loader(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)
    try:
        load_reference_catalogue("criteria", path)
    except CatalogueError as exc:
        assert str(path) in str(exc)
