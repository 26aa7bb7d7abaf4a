"""The ICH M11 section catalogue and the mapping of protocol paths to sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from papdesigner.diff.sections import (
    Section,
    SectionCatalogueError,
    default_section_map,
    load_section_map,
    parse_pattern,
)
from papdesigner.model.catalogues import narrative_sections

# regulatory-facts.md section 9: the 14 numbered top-level sections of ICH M11.
TOP_LEVEL = {
    "1": "Protocol Summary",
    "2": "Introduction",
    "3": "Trial Objectives and Associated Estimands",
    "4": "Trial Design",
    "5": "Trial Population",
    "6": "Trial Intervention and Concomitant Therapy",
    "7": "Participant Discontinuation of Trial Intervention and Discontinuation or "
    "Withdrawal from Trial",
    "8": "Trial Assessments and Procedures",
    "9": "Adverse Events, Serious Adverse Events, Product Complaints, Pregnancy and "
    "Postpartum Information, and Special Safety Situations",
    "10": "Statistical Considerations",
    "11": "Trial Oversight and Other General Considerations",
    "12": "Appendix: Supporting Details",
    "13": "Appendix: Glossary of Terms and Abbreviations",
    "14": "Appendix: References",
}


def test_top_level_sections_match_the_reference() -> None:
    sections = default_section_map().sections
    for number, title in TOP_LEVEL.items():
        assert sections[number].title == title


def test_every_subsection_has_its_parent() -> None:
    for number in default_section_map().sections:
        if "." in number:
            assert number.rsplit(".", 1)[0] in default_section_map().sections or (
                number.split(".")[0] in default_section_map().sections
            )


def test_longest_pattern_wins() -> None:
    m = default_section_map()
    assert m.section_for(("sessions", "*", "title")).number == "1.3"
    assert m.section_for(("sessions", "*", "dosing", "observation_hours")).number == "6.3"
    assert (
        m.section_for(("sessions", "*", "dosing", "administrations", "*", "dose")).number == "6.1"
    )
    assert m.section_for(("some_future_field",)).number == "12"
    assert m.section_for(()).number == "12"


def test_narrative_sections_follow_the_narrative_catalogue() -> None:
    m = default_section_map()
    for entry in narrative_sections():
        assert m.section_for(("narrative", entry.key())).number == entry.m11[0]
    assert m.section_for(("narrative", "unknown_key")).number == "12"


def test_document_order() -> None:
    numbers = ["10", "1.3", "", "A", "2", "1", "6.10.1", "6.7.4", "6.10"]
    ordered = sorted((Section(n, n) for n in numbers), key=Section.sort_key)
    assert [s.number for s in ordered] == [
        "",
        "1",
        "1.3",
        "2",
        "6.7.4",
        "6.10",
        "6.10.1",
        "10",
        "A",
    ]


def test_parse_pattern() -> None:
    assert parse_pattern("$") == ()
    assert parse_pattern("$.sessions[*].dosing") == ("sessions", "*", "dosing")
    for bad in ("sessions", "$sessions", "$.a..b", "$.a[0]", "$.a-b"):
        with pytest.raises(ValueError, match="pattern"):
            parse_pattern(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sections: [", "cannot read"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("sections:\n  - {number: '1'}\n", r"sections\[0\] needs"),
        ("sections:\n  - {number: '1', title: A}\n  - {number: '1', title: B}\n", "twice"),
        ("sections:\n  - {number: '1', title: A}\nmapping:\n  '$.x': '2'\n", "unknown section"),
        ("sections:\n  - {number: '1', title: A}\nmapping:\n  'x': '1'\n", "must start"),
    ],
)
def test_bad_catalogues_are_reported(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m11.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SectionCatalogueError, match=message) as info:
        load_section_map(path)
    assert str(path) in str(info.value)
