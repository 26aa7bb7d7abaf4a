"""The PDF timeline figure: dose labels of close dosing sessions never overlap (issue 12)."""

from __future__ import annotations

import itertools
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from papdesigner.export.figures import timeline_drawing
from papdesigner.export.fonts import register_fonts
from papdesigner.model import load_protocol
from papdesigner.model.templates import template_path


def setup_module() -> None:
    register_fonts()  # the figure measures text in the PDF's own fonts


def _strings(node: Drawing | Group) -> list[String]:
    found: list[String] = []
    for child in node.contents:
        if isinstance(child, String):
            found.append(child)
        elif isinstance(child, Group):
            found.extend(_strings(child))
    return found


def _close_dosing_protocol() -> object:
    protocol = load_protocol(template_path("mdma-ptsd"))
    dosing = [s for s in protocol.sessions if s.kind == "dosing"]
    for offset, session in enumerate(dosing):
        session.day = 1 + 2 * offset  # days 1, 3, 5: the labels compete for the same band
    return protocol


def test_dose_labels_of_close_sessions_do_not_overlap(tmp_path: Path) -> None:
    drawing = timeline_drawing(_close_dosing_protocol(), 480)  # type: ignore[arg-type]
    labels = [s for s in _strings(drawing) if "mg" in s.text and s.textAnchor == "middle"]
    assert labels, "no dose label was drawn"
    by_row: dict[float, list[tuple[float, float]]] = {}
    for label in labels:
        half = stringWidth(label.text, label.fontName, label.fontSize) / 2
        by_row.setdefault(round(label.y, 1), []).append((label.x - half, label.x + half))
    for spans in by_row.values():
        spans.sort()
        for (_l1, right), (left, _r2) in itertools.pairwise(spans):
            assert left >= right, spans
    del tmp_path


def test_a_lone_dose_label_is_drawn_whole() -> None:
    drawing = timeline_drawing(load_protocol(template_path("mdma-ptsd")), 480)
    texts = [s.text for s in _strings(drawing)]
    assert "120 mg +60" in texts and "80 mg +40" in texts
