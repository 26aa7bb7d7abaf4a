"""Every example's PDF, read back: ICH M11 headings numbered in order, no duplicated chapter,
no internal code or rule expression in the body, placebo rows, checklist items on their page.

One export per example (module fixture); the PDFs are read with pypdf (outline, text) and
``pdftotext`` (layout), as a reviewer would read them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pypdf
import pytest
import yaml
from conftest import Exported, export_and_read, heading_pages, outline

from papdesigner.export.sections import m11_sections, sort_key
from papdesigner.model import load_protocol
from papdesigner.model.templates import examples_dir, template_names
from papdesigner.paths import resource
from papdesigner.rules import default_catalogue

EXAMPLES = template_names()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Exported]:
    folder = tmp_path_factory.mktemp("m11")
    return {
        name: export_and_read(
            load_protocol(examples_dir() / f"{name}.pap.json"), folder / f"{name}.pdf"
        )
        for name in EXAMPLES
    }


def _numbered(ex: Exported) -> list[tuple[str, str]]:
    """(number, title) of every numbered body heading in the outline, in document order."""
    out = []
    for _, title, _ in outline(ex.reader):
        number, _, rest = title.partition("  ")
        if rest and number[0].isdigit():
            out.append((number, rest))
    return out


def _template_level2() -> list[str]:
    """The M11 template's level-2 sections of chapters 1-11 (not sponsor-added ones)."""
    data = yaml.safe_load(resource("catalogues", "m11_sections.yaml").read_text("utf-8"))
    return [
        str(e["number"])
        for e in data["sections"]
        if re.fullmatch(r"\d+\.\d+", str(e["number"]))
        and int(str(e["number"]).split(".")[0]) <= 11
        and not e.get("added")
    ]


CONDITIONAL_LEVEL2 = {"6.9"}
"""Level-2 sections printed only when the protocol has content for them (none today)."""


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_m11_heading_is_present_numbered_and_in_order(
    exported: dict[str, Exported], name: str
) -> None:
    numbered = _numbered(exported[name])
    numbers = [n for n, _ in numbered]
    assert numbers == sorted(numbers, key=sort_key)
    assert len(numbers) == len(set(numbers))
    assert set(numbers) <= set(m11_sections())
    # Every chapter 1-14 once, every level-2 section of the template in chapters 1-11.
    chapters = [n for n in numbers if "." not in n]
    assert chapters == [str(i) for i in range(1, 15)]
    missing = set(_template_level2()) - set(numbers) - CONDITIONAL_LEVEL2
    assert not missing, sorted(missing, key=sort_key)
    # Every body heading of chapters 1-11 carries a number: no unnumbered heading between
    # the table of contents and the appendices.
    titles = [t for _, t, _ in outline(exported[name].reader)]
    body = titles[
        titles.index("1  Protocol summary") : titles.index("12  Appendix: supporting details")
    ]
    assert all(re.match(r"\d+(\.\d+)*  ", t) for t in body), [t for t in body if "  " not in t]


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_chapter_or_section_is_printed_twice(exported: dict[str, Exported], name: str) -> None:
    titles = [t.lower() for _, t in _numbered(exported[name])]
    assert len(titles) == len(set(titles))
    for topic in ("informed consent process", "glossary", "references"):
        assert sum(topic in t for t in titles) == 1, topic
    # The supporting-details appendix is never empty: prior amendments are always listed.
    pages = heading_pages(exported[name].reader)
    assert "12.3" in pages


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_glossary_repeats_neither_its_title_nor_a_term_as_its_meaning(
    exported: dict[str, Exported], name: str
) -> None:
    ex = exported[name]
    pages = heading_pages(ex.reader)
    chapter = "\n".join(ex.texts[pages["13"] - 1 : pages["14"]])
    chapter = chapter[chapter.index("13 Appendix: glossary") : chapter.index("14 Appendix")]
    lines = [" ".join(line.split()).lower() for line in chapter.splitlines()]
    assert "glossary of terms and abbreviations" not in lines  # the chapter's title, again
    assert not [a for a, b in pairwise(lines) if a == b and len(a) > 3]


RULE_EXPRESSION = re.compile(r"\b(?:p|it)\.[a-z_]+|&&|\|\||==|!=|\bsize\(")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _body_text(ex: Exported) -> str:
    """Layout text of the title page to the end of chapter 14 (before Appendix A)."""
    end = heading_pages(ex.reader)["Appendix A"]
    return "\n".join(ex.texts[: end - 1])


@pytest.mark.parametrize("name", EXAMPLES)
def test_body_has_no_internal_codes_or_rule_expressions(
    exported: dict[str, Exported], name: str
) -> None:
    ex = exported[name]
    body = _body_text(ex)
    joined = " ".join(body.split())
    assert not SNAKE_CASE.findall(joined), sorted(set(SNAKE_CASE.findall(joined)))
    assert not RULE_EXPRESSION.findall(joined), RULE_EXPRESSION.findall(joined)[:5]
    rule_ids = {r.spec.id for rs in default_catalogue().rulesets for r in rs.active_rules}
    found = sorted(r for r in rule_ids if re.search(rf"(?<![\w-]){re.escape(r)}(?![\w-])", joined))
    assert not found, found
    # Raw vocabulary values that a label replaces.
    for raw in ("Md,", "Or service center", "Other, synthetic", "Co therapist"):
        assert raw not in joined, raw
    # Session ids (dose1, prep2) are never shown as codes.
    ids = {s.id for s in ex.protocol.sessions}
    assert not [i for i in ids if f"({i})" in joined]


def test_rule_ids_appear_in_the_compliance_appendix_with_their_titles(
    exported: dict[str, Exported],
) -> None:
    ex = exported["mdma-ptsd"]
    pages = heading_pages(ex.reader)
    appendix = " ".join(" ".join(ex.texts[pages["Appendix A"] - 1 : pages["Appendix B"]]).split())
    for finding in ex.report.findings:
        assert finding.rule_id in "".join(appendix.split())


@pytest.mark.parametrize("name", ["mdma-ptsd", "lsd-anxiety"])
def test_placebo_arms_receive_placebo_in_every_table(
    exported: dict[str, Exported], name: str
) -> None:
    ex = exported[name]
    text = " ".join(" ".join(ex.texts).split())
    assert "no dose" not in text
    pages = heading_pages(ex.reader)
    synopsis = " ".join(" ".join(ex.texts[pages["1.1"] - 1 : pages["1.2"]]).split())
    assert "placebo (matching" in synopsis
    dosing = " ".join(" ".join(ex.texts[pages["6.3"] - 1 : pages["6.3.1"]]).split())
    placebo_rows = dosing.count("placebo (matching")
    admins = [
        a
        for s in ex.protocol.sessions
        if s.dosing
        for a in s.dosing.administrations
        if a.product_id == "placebo"
    ]
    assert placebo_rows >= len(admins) > 0
    schema = " ".join(" ".join(ex.texts[pages["1.2"] - 1 : pages["1.3"]]).split())
    assert "placebo" in schema


def _pdftotext_pages(path: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return out.split("\f")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("name", ["mdma-ptsd", "psilocybin-trd"])
def test_checklist_items_point_at_the_page_that_prints_their_content(
    exported: dict[str, Exported], name: str
) -> None:
    """ReSPCT 19/21/22/23/25 and SPIRIT 30: the page shows the item's own text."""
    ex = exported[name]
    pages = _pdftotext_pages(ex.result.path)
    reader = pypdf.PdfReader(ex.result.path)
    start = heading_pages(reader)["Appendix D"]
    respct = "\n".join(pages[start - 1 :])
    pt = ex.protocol.psychotherapy
    checked = 0
    for item, text in (
        ("19", pt.narrative_framing),
        ("21", pt.preparation_protocol),
        ("22", pt.integration_protocol),
        ("23", pt.additional_support),
        ("25", pt.cultural_safety),
    ):
        if not text.strip():
            continue
        row = re.search(rf"^\s*{item}\s+.*?(\d+)\s*$", respct, re.M)
        assert row, item
        page = int(row.group(1))
        words = " ".join(text.split()[:6])
        assert words in " ".join(pages[page - 1].split()), (item, page)
        checked += 1
    assert checked >= 3
