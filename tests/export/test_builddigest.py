"""Digests recorded at export time equal what ``verify`` recomputes from the saved file.

The export computes them from reportlab's objects (no re-parse); verify reads the
PDF with pypdf. Both must agree on every example and on the rich, hostile and empty
protocols, or a fresh export would fail verification.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from protocols import REPORT_WITH_ERROR, empty_protocol, hostile_protocol, rich_protocol

from papdesigner.export import builddigest, render_pdf, verify_pdf
from papdesigner.export.integrity import compute_digests, open_pdf
from papdesigner.model.protocol import Protocol

# Every example is covered by test_examples.py (which exports it, checks that the build
# computed the digests and that verify agrees); here the protocols made in code.
CASES: list[tuple[str, Any]] = [("rich", None), ("hostile", REPORT_WITH_ERROR), ("empty", None)]


def _protocol(name: str) -> Protocol:
    made = {"rich": rich_protocol, "hostile": hostile_protocol, "empty": empty_protocol}
    return made[name]()


@pytest.mark.parametrize(("name", "report"), CASES, ids=[c[0] for c in CASES])
def test_build_digests_equal_the_digests_of_the_saved_file(
    name: str, report: Any, recorded: dict[str, Any], tmp_path: Path
) -> None:
    protocol = _protocol(name)
    rendered = render_pdf(protocol, report=report)
    built = recorded["digests"]
    assert built is not None, "the build fell back to reading the file"
    assert built == compute_digests(open_pdf(rendered.data), rendered.fingerprint)
    path = tmp_path / "out.pdf"
    path.write_bytes(rendered.data)
    assert verify_pdf(path).ok  # intact
    # A PDF printed from a made-up report is intact, but its compliance status fails the re-check.
    assert verify_pdf(path, protocol).ok is (report is None)


def test_fallback_reads_the_saved_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(builddigest, "_annotation_text", _unsupported)
    protocol = rich_protocol()
    path = tmp_path / "fallback.pdf"
    path.write_bytes(render_pdf(protocol).data)
    assert verify_pdf(path, protocol).ok


def _unsupported(*_: object) -> bytes:
    raise builddigest._Unsupported


def test_structures_the_export_never_makes_are_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    monkeypatch.setattr(rl_config, "useA85", 0)  # as the export saves (binary Flate streams)

    def digests(draw: Any, compress: int = 1) -> Any:
        canvas = Canvas(io.BytesIO(), pageCompression=compress)
        canvas.drawString(10, 100, "x")
        draw(canvas)
        canvas.save()
        return builddigest.digests_from_build(canvas._doc, b"<< /Title (t) >>", "f" * 64)

    assert digests(lambda c: None) is not None  # plain text on a compressed page: computed
    assert digests(lambda c: None, compress=0) is None
    assert digests(lambda c: c.linkURL("https://example.org", (10, 10, 50, 50))) is None
    assert digests(lambda c: c.textAnnotation("a note", Rect=(10, 10, 50, 50))) is None
    monkeypatch.setattr(rl_config, "useA85", 1)
    assert digests(lambda c: None) is None  # ASCII85-wrapped streams: not reproduced
