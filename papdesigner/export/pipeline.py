"""The steps of an export, each a plain function (the API module wires them together)."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import TYPE_CHECKING

from papdesigner.export.markup import (
    COMPLIANCE_HEADING,
    DocumentBlocks,
    TemplateError,
    parse_blocks,
    render,
)
from papdesigner.export.view import ProtocolView, print_view
from papdesigner.model.protocol import Protocol

TRIAL_CONTEXTS = ("ind_trial", "cta_trial", "investigator_initiated")

if TYPE_CHECKING:
    from papdesigner.export.document import PageFacts
    from papdesigner.export.finish import Record
    from papdesigner.export.results import RenderedPdf, Steps
    from papdesigner.rules.report import Report


def make_view(
    protocol: Protocol,
    report: Report | None,
    today: dt.date | None = None,
    left_out: tuple[str, ...] = (),
) -> ProtocolView:
    """Derive the print view (``today``: the export date it prints; ``left_out``: applicable
    rule sets the report did not check)."""
    return print_view(protocol, report, today=today, left_out=left_out)


def make_blocks(
    protocol: Protocol, view: ProtocolView, template_dir: str | os.PathLike[str] | None
) -> DocumentBlocks:
    """Render the templates and parse them into blocks."""
    text = render({"p": protocol, "v": view}, template_dir)
    blocks = parse_blocks(text)
    if COMPLIANCE_HEADING not in blocks.headings:
        msg = "the templates must include pdf/appendix_compliance.xml.j2 (the compliance report)"
        raise TemplateError(msg)
    return blocks


def page_facts(protocol: Protocol, view: ProtocolView) -> PageFacts:
    """The running header, footer and metadata."""
    from papdesigner.export.document import PageFacts
    from papdesigner.export.fonts import printable_logical

    m = protocol.metadata
    number = m.protocol_number or "no protocol number"
    date = f" ({m.version_date.isoformat()})" if m.version_date else ""
    from papdesigner.model.vocab import label

    keywords = dict.fromkeys(
        [
            *m.keywords,
            *protocol.substances(),
            label(protocol.indication.condition),
            "clinical trial protocol",
            "papdesigner",
        ]
    )
    draft = " (DRAFT)" if view.draft else ""

    def meta(text: str) -> str:
        # Document information is read by viewers and search: logical order, plain letters.
        return printable_logical(text, shape=False)

    kind = "Clinical trial protocol" if protocol.context in TRIAL_CONTEXTS else "Protocol"
    return PageFacts(
        header_left=f"Protocol {number} · Version {m.version}{date}{draft}",
        header_right=m.short_title or m.acronym or m.title,
        fingerprint=view.fingerprint,
        draft=view.draft,
        title=meta(m.title or "Untitled protocol"),
        author=meta(m.principal_investigator.name or m.sponsor.name or "unknown"),
        subject=meta(f"{kind} {number}, version {m.version}{date}{draft}"),
        keywords=meta(", ".join(k for k in keywords if k)),
        creator=f"papdesigner {view.app_version}",
    )


def make_pdf(
    protocol: Protocol, view: ProtocolView, blocks: DocumentBlocks, steps: Steps, record: Record
) -> RenderedPdf:
    """Lay out the blocks, save the PDF and finish it (PDF/A, verification record)."""
    from papdesigner.export.document import build_pdf
    from papdesigner.export.figures import schema_drawing, timeline_drawing
    from papdesigner.export.finish import finish_pdf
    from papdesigner.export.fonts import register_fonts
    from papdesigner.export.layout import Layout
    from papdesigner.export.results import RenderedPdf

    register_fonts()
    figures = {
        "timeline": lambda width: timeline_drawing(protocol, width),
        "schema": lambda width: schema_drawing(protocol, width),
    }
    layout = Layout(blocks, figures)
    story = layout.story()
    steps.total = max(len(story), 1)
    steps.step(0.15, "laying out pages")
    facts = page_facts(protocol, view)
    buffer = io.BytesIO()
    pages = build_pdf(buffer, story, facts, layout.book, on_flowable=steps.flowable)
    steps.step(0.92, "recording the verification digest")
    finished = finish_pdf(buffer.getvalue(), record)
    return RenderedPdf(finished.data, pages, view.fingerprint, finished.digest, view.draft)
