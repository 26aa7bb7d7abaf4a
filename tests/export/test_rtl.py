"""Right-to-left text: each drawn line in visual order, lines top to bottom, Arabic joined.

The lines a paragraph draws are recorded from reportlab's text object; a wrapped
Hebrew paragraph must read top to bottom (its first logical words on the first
line) and right to left within each line, right aligned. Exported PDFs are checked
with poppler's word boxes.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from papdesigner.export import export_pdf, verify_pdf
from papdesigner.export.bidi import has_rtl, is_rtl, visual
from papdesigner.export.flowables import WrapOnceParagraph
from papdesigner.export.fonts import printable, printable_logical, register_fonts
from papdesigner.export.styles import FRAME_WIDTH, MARGIN_X, stylesheet
from papdesigner.model import load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.model.templates import examples_dir

HEBREW = (
    "מחקר זה בודק את היעילות והבטיחות של טיפול בפסילוסיבין בשילוב פסיכותרפיה במבוגרים "
    "עם דיכאון עמיד לטיפול והמשתתפים עוברים שלושה מפגשי הכנה ושני מפגשי אינטגרציה"
)
ARABIC = "مرحبا بالعالم"


@pytest.mark.parametrize(
    ("logical", "shown"),
    [
        ("שלום (עולם) 123", "123 (םלוע) םולש"),  # numbers stay left to right, brackets mirror
        ("abc (שלום) def", "abc (םולש) def"),  # a right-to-left run inside English
        ("שלום abc def", "abc def םולש"),  # English inside a right-to-left line
        ("plain English (no change)", "plain English (no change)"),
    ],
)
def test_one_line_in_visual_order(logical: str, shown: str) -> None:
    assert visual(logical) == shown


def test_base_direction_is_the_first_strong_character() -> None:
    assert is_rtl("שלום abc") and not is_rtl("abc שלום") and not is_rtl("123")
    assert has_rtl("a ש") and not has_rtl("Zoë ≥ 25 µg")


def _drawn_lines(paragraph: WrapOnceParagraph, width: float, monkeypatch: Any) -> list[str]:
    drawn: list[str] = []
    original = PDFTextObject._formatText

    def record(self: PDFTextObject, text: str) -> Any:
        drawn.append(text)
        return original(self, text)

    monkeypatch.setattr(PDFTextObject, "_formatText", record)
    canvas = Canvas(io.BytesIO())
    paragraph.wrap(width, 1000)
    paragraph.drawOn(canvas, 0, 0)
    return drawn


def test_wrapped_hebrew_paragraph_reads_top_to_bottom_and_right_to_left(monkeypatch: Any) -> None:
    register_fonts()
    paragraph = WrapOnceParagraph(HEBREW, stylesheet()["body"])
    lines = _drawn_lines(paragraph, 200, monkeypatch)
    assert len(lines) >= 3
    # Read each drawn line right to left: together they give the text in logical order.
    assert " ".join(line.strip()[::-1] for line in lines) == HEBREW
    assert lines[0].strip().endswith("מחקר"[::-1])  # the first word, at the right of line 1
    # The logical paragraph is untouched (so it can still be split across pages).
    assert paragraph.blPara.lines[0][1][0] == "מחקר"


def test_style_runs_of_a_line_are_reordered_together(monkeypatch: Any) -> None:
    register_fonts()
    paragraph = WrapOnceParagraph("שלום <b>עולם</b> טוב", stylesheet()["body"])
    drawn = "".join(_drawn_lines(paragraph, 300, monkeypatch))
    assert drawn == "בוט םלוע םולש"


def test_arabic_letters_are_joined_and_keep_their_meaning() -> None:
    shaped = printable_logical(ARABIC)
    assert shaped != ARABIC
    assert all("\ufe70" <= ch <= "\ufeff" or ch == " " for ch in shaped)
    assert unicodedata.normalize("NFKC", shaped) == ARABIC
    # lam-alef is a mandatory ligature; the body font draws it
    assert "\ufefb" in printable_logical("لا")
    assert printable_logical(ARABIC, shape=False) == ARABIC  # metadata keeps the plain letters


def test_printable_gives_one_line_in_visual_order_for_direct_drawing() -> None:
    # the amendment PDF draws printable() strings as they are
    assert printable("Site שלום עולם, room 2") == "Site םלוע םולש, room 2"
    assert printable(ARABIC) == visual(printable_logical(ARABIC))


def _protocol_with(text: str) -> Protocol:
    protocol = load_protocol(examples_dir() / "psilocybin-trd.pap.json")
    data = protocol.model_dump(mode="json")
    data["narrative"]["background"] = text
    data["sites"][0]["name"] = "מרכז רפואי תל אביב"
    return Protocol.model_validate(data)


def test_exported_hebrew_paragraph_is_right_aligned_on_every_line(tmp_path: Path) -> None:
    protocol = _protocol_with(HEBREW + " " + HEBREW)
    result = export_pdf(protocol, tmp_path / "rtl.pdf")
    assert verify_pdf(result.path, protocol).ok
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(result.path), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox
    )
    vocabulary = set(HEBREW.split())
    right_edges: dict[float, float] = {}
    for _x0, y0, x1, word in words:
        if word[::-1] in vocabulary:  # poppler gives the glyphs of a word in drawn order
            right_edges[float(y0)] = max(right_edges.get(float(y0), 0.0), float(x1))
    assert len(right_edges) >= 3  # the paragraph wraps
    frame_right = MARGIN_X + FRAME_WIDTH
    assert all(abs(x - frame_right) < 1.5 for x in right_edges.values()), right_edges
