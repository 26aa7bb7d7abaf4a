"""Pages are filled: a lead keeps only the start of its table, no heading or lead ends a page.

Pages are read back from real PDFs with ``pdftotext -bbox`` (:mod:`pagefill`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from pagefill import mostly_empty, page_texts
from reportlab.platypus import SimpleDocTemplate

from papdesigner.export import export_pdf
from papdesigner.export.fonts import register_fonts
from papdesigner.export.layout import Layout
from papdesigner.export.markup import DocumentBlocks, Heading, Para, parse_blocks
from papdesigner.export.pipeline import make_blocks, make_view
from papdesigner.export.styles import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_SIZE
from papdesigner.model import load_protocol
from papdesigner.model.templates import examples_dir, template_names

MDMA_MOSTLY_EMPTY = 5
"""Pages of the mdma-ptsd export whose text ends above 60 % of the frame: the title page, the
synopsis before the schema figure, the figure page before the full-page schedule of activities,
the end of Appendix D and the signature page. Each is a deliberate page end."""


def _plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", markup)).split())


def _openers(blocks: DocumentBlocks) -> set[str]:
    """The one-line texts of every lead and heading, as pdftotext reads them back."""
    leads = {_plain(b.markup) for b in blocks.blocks if isinstance(b, Para) and b.style == "lead"}
    heads = {
        _plain(f"{b.number}  {b.title}" if b.number else b.title)
        for b in blocks.blocks
        if isinstance(b, Heading)
    }
    return leads | heads


@pytest.mark.parametrize("name", template_names())
def test_no_lead_or_heading_ends_a_page(name: str, tmp_path: Path) -> None:
    protocol = load_protocol(examples_dir() / f"{name}.pap.json")
    result = export_pdf(protocol, tmp_path / f"{name}.pdf")
    openers = _openers(make_blocks(protocol, make_view(protocol, None), None))
    pages = page_texts(result.path)
    assert len(pages) == result.pages
    ends = [(p.number, p.last_line) for p in pages[:-1] if _plain(p.last_line) in openers]
    assert ends == []
    if name == "mdma-ptsd":
        assert len(mostly_empty(pages)) <= MDMA_MOSTLY_EMPTY, mostly_empty(pages)


def _build(text: str, path: Path) -> Path:
    """Lay out block-language ``text`` on the export's page geometry."""
    register_fonts()
    story = Layout(parse_blocks(text), {}).story()
    SimpleDocTemplate(
        str(path),
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    ).build(story)
    return path


@pytest.mark.parametrize("filler_lines", range(20, 56, 5))
def test_a_lead_keeps_the_start_of_its_table_not_all_of_it(
    filler_lines: int, tmp_path: Path
) -> None:
    # A table shorter than a page but longer than what is left: it splits below its lead.
    filler = "".join(f"<p>Filler line {i}.</p>" for i in range(filler_lines))
    rows = "".join(f"<tr><td>{i}</td><td>Row {i} of the table</td></tr>" for i in range(35))
    table = f'<table header="1"><tr><th>No</th><th>Item</th></tr>{rows}</table>'
    text = f'<h1 key="s1">Section</h1>{filler}<p style="lead">The lead</p>{table}<p>After.</p>'
    pages = page_texts(_build(text, tmp_path / "lead.pdf"))
    lead_page = next(p for p in pages if "The lead" in p.lines)
    assert lead_page.last_line != "The lead"
    assert "0 Row 0 of the table" in lead_page.lines
    if lead_page.number > 1:  # moved only because not even the first rows fitted
        assert pages[lead_page.number - 2].fill > 0.85
