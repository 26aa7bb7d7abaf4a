"""The PDF numbers its sections as ICH M11 does, and a summary of changes cites the same numbers.

The amendment diff places every change in an M11 section (resources/catalogues/
m11_sections.yaml). For a wide set of real edits of the largest example, the section
the diff cites must be the PDF section (or a parent of the PDF sub-section) that
prints the changed text; and no PDF heading carries a number M11 gives to another
section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import outline

from papdesigner.diff import diff_protocols
from papdesigner.diff.sections import default_section_map
from papdesigner.export import export_pdf
from papdesigner.export.markup import (
    Bullets,
    DocumentBlocks,
    Heading,
    Missing,
    Para,
    TableBlock,
    TemplateError,
    parse_blocks,
)
from papdesigner.export.pipeline import make_blocks, make_view
from papdesigner.export.sections import m11_sections, sort_key
from papdesigner.model import load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.model.templates import examples_dir, template_names
from papdesigner.rules import check

Edit = Callable[[dict[str, Any]], None]
MARK = "Zqx7 changed text"


def _dosing(data: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in data["sessions"] if s.get("dosing"))


def _set(path: str, value: Any = MARK) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        node = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        node[parts[-1]] = value

    return edit


def _append(path: str, value: Any = MARK) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        node = data
        for part in path.split("."):
            node = node[int(part)] if part.isdigit() else node[part]
        node.append(value)

    return edit


def _dose(data: dict[str, Any]) -> None:
    _dosing(data)["dosing"]["administrations"][0]["dose"] = 123.4


def _discharge(data: dict[str, Any]) -> None:
    _dosing(data)["dosing"]["discharge_criteria"] = MARK


# (what is edited, the edit, the text the PDF then shows)
EDITS: list[tuple[str, Edit, str]] = [
    ("indication", _set("indication.description"), MARK),
    ("objective", _set("objectives.0.text"), MARK),
    ("arm description", _set("arms.0.description"), MARK),
    ("site name", _set("sites.0.name"), MARK),
    ("follow-up length", _set("follow_up.duration_weeks", 97), "97 weeks"),
    ("follow-up weeks", _append("follow_up.timepoints_weeks", 97), "and 97, counted from day 1"),
    ("stopping rules", _set("safety.stopping_rules"), MARK),
    ("age justification", _set("eligibility.age_justification"), MARK),
    ("inclusion criterion", _set("eligibility.inclusion.0.text"), MARK),
    ("exclusion criterion", _set("eligibility.exclusion.0.text"), MARK),
    ("contraception", _set("safety.contraception_days_after_last_dose", 987), "987 days"),
    ("product", _set("products.0.name"), MARK),
    ("dose", _dose, "123.4 mg"),
    ("psychotherapy model", _set("psychotherapy.model"), MARK),
    ("touch policy", _set("psychotherapy.touch_policy"), MARK),
    ("discharge criteria", _discharge, MARK),
    ("role", _set("roles.0.responsibilities"), MARK),
    ("room", _set("settings.0.lighting"), MARK),
    ("blinding rationale", _set("blinding.rationale"), MARK),
    ("expectancy measure", _set("blinding.expectancy_measure"), MARK),
    ("unblinding", _set("blinding.unblinding_procedure"), MARK),
    ("rescue medication", _append("medications.rescue"), MARK),
    ("prohibited medication", _append("medications.prohibited"), MARK),
    ("washout", _set("medications.washouts.0.note"), MARK),
    ("session title", _set("sessions.0.title"), MARK),
    ("vital signs", _set("safety.vitals_schedule"), MARK),
    ("pregnancy testing", _set("safety.pregnancy_testing"), MARK),
    ("suicidality", _set("safety.suicidality_instrument"), MARK),
    ("emergency plan", _set("safety.emergency_plan"), MARK),
    ("adverse event plan", _set("safety.adverse_event_plan"), MARK),
    ("special interest", _append("safety.adverse_events_of_special_interest"), MARK),
    ("primary analysis", _set("statistics.primary_analysis"), MARK),
    ("interim analysis", _set("statistics.interim_analysis"), MARK),
    ("sample size", _set("statistics.sample_size", 987), "987 participants"),
    ("planned per arm", _set("arms.0.planned_participants", 986), " 986"),
    ("ethics committee", _set("regulatory.ethics.committee_name"), MARK),
    ("consent process", _set("consent.process"), MARK),
    ("DMC", _set("safety.dsmb"), MARK),
    ("background", _set("narrative.background"), MARK),
    ("recruitment", _set("narrative.recruitment"), MARK),
    ("data management", _set("narrative.data_management"), MARK),
]


def _texts(block: object) -> list[str]:
    if isinstance(block, Para | Missing):
        return [block.markup]
    if isinstance(block, Bullets):
        return block.items
    if isinstance(block, TableBlock):
        return [cell.markup for row in block.rows for cell in row]
    return []


def printed_in(blocks: DocumentBlocks, text: str) -> set[str]:
    """The section numbers (own or nearest numbered parent) under which ``text`` is printed."""
    stack: list[Heading] = []
    found = set()
    for block in blocks.blocks:
        if isinstance(block, Heading):
            stack = [h for h in stack if h.level < block.level] + [block]
        elif any(text in t for t in _texts(block)):
            found.add(stack[-1].section if stack else "")
    return found


@pytest.fixture(scope="module")
def mdma() -> Protocol:
    return load_protocol(examples_dir() / "mdma-ptsd.pap.json")


def _blocks(protocol: Protocol, *, checked: bool = False) -> DocumentBlocks:
    report = check(protocol) if checked else None  # the body does not need it
    return make_blocks(protocol, make_view(protocol, report), None)


@pytest.mark.parametrize(("what", "edit", "shown"), EDITS, ids=[e[0] for e in EDITS])
def test_summary_of_changes_cites_the_section_that_prints_the_change(
    mdma: Protocol, what: str, edit: Edit, shown: str
) -> None:
    data = mdma.model_dump(mode="json")
    edit(data)
    changed = Protocol.model_validate(data)
    sections = {c.section.number for c in diff_protocols(mdma, changed).changes}
    assert len(sections) == 1, (what, sections)
    cited = sections.pop()
    printed = printed_in(_blocks(changed), shown)
    assert printed, f"{what}: {shown!r} is not printed"
    assert any(p == cited or p.startswith(cited + ".") for p in printed), (what, cited, printed)


@pytest.mark.parametrize("name", template_names())
def test_numbered_headings_are_m11_sections_in_m11_order(name: str) -> None:
    protocol = load_protocol(examples_dir() / f"{name}.pap.json")
    blocks = _blocks(protocol, checked=True)
    catalogue = m11_sections()
    body = [
        h.number
        for h in blocks.headings.values()
        if h.number and not h.number.startswith(("Appendix", "A.", "B.", "C.", "D.", "E."))
    ]
    assert body == sorted(body, key=sort_key)
    assert set(body) <= set(catalogue)
    # Every section the diff can cite for a field of the file has its heading in the PDF.
    citable = {s.number for s in default_section_map().mapping.values()} - {"", "A"}
    assert citable <= set(body) | {"12"}, citable - set(body)


def test_pdf_outline_and_toc_show_the_m11_numbers(mdma: Protocol, tmp_path: Path) -> None:
    reader = pypdf.PdfReader(export_pdf(mdma, tmp_path / "m.pdf").path)
    titles = [title for _, title, _ in outline(reader)]
    for expected in (
        "6.3  Investigational trial intervention administration",
        "6.7.4  Emergency unblinding at the site",
        "6.10.1  Prohibited concomitant therapy",
        "4.3  Trial stopping rules",
        "8.4.6  Suicidal ideation and behaviour risk monitoring",
        "10.11  Sample size determination",
    ):
        assert expected in titles
    assert "8.1.1  Session plan" in titles  # sponsor-added sub-heading at the end of 8.1
    toc = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[1:3])
    assert re.search(r"6\.3 Investigational trial intervention administration \d+", toc)


def test_unknown_or_repeated_m11_number_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="does not list"):
        parse_blocks('<h1 key="a" m11="6.99">Rationale</h1>')
    with pytest.raises(TemplateError, match=r"both claim ICH M11 section 6\.3"):
        parse_blocks('<h2 key="a" m11="6.3">A</h2><h2 key="b" m11="6.3">B</h2>')
    blocks = parse_blocks('<h1 key="a" m11="6">Six</h1><h2 key="b">Plain</h2><h3 key="c">Sub</h3>')
    assert [(h.number, h.section) for h in blocks.headings.values()] == [
        ("6", "6"),
        ("", "6"),
        ("", "6"),
    ]
