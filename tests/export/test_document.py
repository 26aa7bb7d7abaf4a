"""The exported document read back with pypdf: order, outline, TOC and checklist page references."""

from __future__ import annotations

import itertools
import re

from conftest import Exported, heading_pages, outline

M11_ORDER = [
    "Protocol summary",
    "Introduction",
    "Trial objectives and associated estimands",
    "Trial design",
    "Trial population",
    "Trial intervention and concomitant therapy",
    "Participant discontinuation",
    "Trial assessments and procedures",
    "Adverse events, serious adverse events",
    "Statistical considerations",
    "Trial oversight and other general considerations",
    "Appendix: supporting details",
    "Appendix: glossary",
    "Appendix: references",
    "Compliance report",
    "SPIRIT 2013 checklist",
    "SPIRIT 2025 checklist",
    "ReSPCT 2025 checklist",
    "Signature page",
]


def test_top_level_sections_in_ich_m11_order(rich: Exported) -> None:
    top = [title for level, title, _ in outline(rich.reader) if level == 0]
    assert top[0] == "Table of contents"
    positions = [next(i for i, t in enumerate(top) if name in t) for name in M11_ORDER]
    assert positions == sorted(positions)
    assert [t.split("  ")[0] for t in top[1:15]] == [str(n) for n in range(1, 15)]
    assert [t.split("  ")[0] for t in top[15:]] == [f"Appendix {c}" for c in "ABCDE"]


def test_every_bookmark_points_at_a_page_showing_its_heading(rich: Exported) -> None:
    for _, title, page in outline(rich.reader):
        number, _, name = title.partition("  ")
        text = " ".join(rich.texts[page - 1].split())
        assert (name or number)[:40] in text, (title, page)


def test_toc_page_numbers_are_the_real_pages(rich: Exported) -> None:
    """Walk the TOC text and the outline together: every row's page is its heading's page."""
    expected = [
        (t.partition("  ")[2] or t, page) for level, t, page in outline(rich.reader) if level <= 1
    ]
    expected = [e for e in expected if e[0] != "Table of contents"]
    body = heading_pages(rich.reader)["1"]
    lines = [line.strip() for text in rich.texts[1 : body - 1] for line in text.splitlines()]
    lines = [line for line in lines if line]
    checked, position = 0, 0
    for index, line in enumerate(lines):
        title, page = expected[position] if position < len(expected) else ("", 0)
        if title and line == title[: len(line)] and len(line) > 3:
            number = next(x for x in lines[index + 1 :] if x.isdigit())
            assert int(number) == page, (title, number, page)
            checked += 1
            position += 1
        while position < len(expected) and expected[position][0] in ("", "…"):
            position += 1
    assert checked == len(expected) > 60


def _section_ranges(exported: Exported) -> dict[str, tuple[int, int]]:
    """Numbered heading -> (first page, last page) of its section, sub-sections included."""
    numbered = [
        (title.split("  ", 1)[0], page)
        for _, title, page in outline(exported.reader)
        if "  " in title
    ]
    ranges = {}
    for index, (number, page) in enumerate(numbered):
        after = (p for n, p in numbered[index + 1 :] if not n.startswith(number + "."))
        ranges[number] = (page, next(after, len(exported.reader.pages)))
    return ranges


def test_checklist_page_references_point_at_the_addressed_section(rich: Exported) -> None:
    """The page of a checklist row lies in the first section the row cites."""
    headings = heading_pages(rich.reader)
    ranges = _section_ranges(rich)
    start = headings["Appendix B"]
    checked = 0
    for index in range(start - 1, headings["Appendix E"] - 1):
        text = re.sub(r",\s*\n", ", ", rich.texts[index])
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for section, page in itertools.pairwise(lines):
            match = re.fullmatch(r"(\d+\.\d+(?:\.\d+)*|Title page)(,.*)?", section)
            if match and page.isdigit() and match.group(1) != page:
                first = match.group(1)
                low, high = (1, 1) if first == "Title page" else ranges[first]
                assert low <= int(page) <= high, (section, page, low, high)
                checked += 1
    assert checked >= 60


def test_metadata_and_fingerprint(rich: Exported) -> None:
    meta = rich.reader.metadata
    protocol = rich.protocol
    assert meta["/Title"] == protocol.metadata.title
    assert meta["/Author"] == "Dr Zoë Ñúñez"
    assert "PAP-2026-017" in meta["/Subject"] and "version 2.1" in meta["/Subject"]
    assert "psilocybin" in meta["/Keywords"]
    record = rich.reader.trailer["/Root"]["/PapdesignerVerification"]
    assert record["/Fingerprint"] == rich.result.fingerprint
    assert rich.result.fingerprint in rich.texts[0].replace("\n", "")
    assert len(record["/PageDigests"].split()) == len(rich.reader.pages)


def test_header_and_page_n_of_m_on_every_page(rich: Exported) -> None:
    total = len(rich.reader.pages)
    for number, text in enumerate(rich.texts, start=1):
        flat = " ".join(text.split())
        assert f"Page {number} of {total}" in flat
        if number > 1:
            assert "Protocol PAP-2026-017 · Version 2.1" in flat


def test_unicode_fonts_are_embedded(rich: Exported) -> None:
    fonts = set()
    for page in rich.reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts.add(font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"] or "/DescendantFonts" in font
    assert any("DejaVu" in str(name) or "Pap" in str(name) for name in fonts)
    assert "µg" in " ".join(rich.texts) or "≥" in " ".join(rich.texts)


def test_draft_watermark_follows_unwaived_errors(rich: Exported) -> None:
    drafted = rich.result.draft
    assert drafted == ("DRAFT" in rich.texts[3])
    assert "unwaived error" in rich.texts[0] if drafted else "DRAFT" not in rich.texts[0]
