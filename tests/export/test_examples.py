"""Every shipped example exports to a PDF that verifies, with its sessions and checklists."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from conftest import heading_pages

from papdesigner.export import export_pdf, verify_pdf
from papdesigner.model import load_protocol
from papdesigner.model.templates import examples_dir, template_names


@pytest.mark.parametrize("name", template_names())
def test_example_exports_and_verifies(name: str, tmp_path: Path) -> None:
    path = examples_dir() / f"{name}.pap.json"
    protocol = load_protocol(path)
    result = export_pdf(protocol, tmp_path / f"{name}.pdf")
    reader = pypdf.PdfReader(result.path)
    assert len(reader.pages) == result.pages >= 20
    headings = heading_pages(reader)
    for number in [*(str(n) for n in range(1, 15)), *(f"Appendix {c}" for c in "ABCDE")]:
        assert number in headings
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for session in protocol.sessions:
        assert (session.title or session.id) in text
    assert protocol.metadata.protocol_number in text
    assert verify_pdf(result.path, protocol).ok
    changed = protocol.model_copy(deep=True)
    changed.metadata.version += ".1"
    assert not verify_pdf(result.path, changed).ok


def test_there_are_examples_to_export() -> None:
    assert len(template_names()) >= 3
