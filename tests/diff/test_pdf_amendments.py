"""The summary-of-changes PDF builds for ordinary amendments and for every pair of examples.

Each of these failed with a reportlab LayoutError before the changes table stopped spanning
a section's cell over all its rows (issue 17). The PDFs are read back with pypdf, the
words' boxes checked against the page with pdftotext -bbox, and one is rendered.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from papdesigner.cli import main
from papdesigner.paths import resource

EXAMPLES = sorted(resource("examples").glob("*.pap.json"))
PAIRS = list(itertools.permutations(EXAMPLES, 2))
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")


def _data(example: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(example.read_text(encoding="utf-8"))
    return data


def _write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _diff_pdf(a: Path, b: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["diff", str(a), str(b), "--format", "pdf", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    reader = PdfReader(out)
    total = len(reader.pages)
    texts = [page.extract_text() or "" for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in " ".join(text.split())
    return " ".join(" ".join(t.split()) for t in texts)


def _rename_references(value: Any, old: str, new: str) -> None:
    """Point every ``role_id`` (and ``role_ids`` entry) that names ``old`` at ``new``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("role_id") and item == old:
                value[key] = new
            elif key.endswith("role_ids") and isinstance(item, list):
                value[key] = [new if i == old else i for i in item]
            else:
                _rename_references(item, old, new)
    elif isinstance(value, list):
        for item in value:
            _rename_references(item, old, new)


def _inside_pages(pdf: Path) -> None:
    """Every word drawn lies inside its page (nothing overflows a frame off the paper)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("needs poppler-utils (pdftotext)")
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert html.count("<word ") > 100
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        for box in re.findall(
            r'xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)"', page.group(3)
        ):
            x0, y0, x1, y1 = (float(v) for v in box)
            assert x0 >= 0 and y0 >= 0 and x1 <= width + 0.5 and y1 <= height + 0.5


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_role_id_renamed(example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _data(example)
    old = data["roles"][0]["id"]
    data["roles"][0]["id"] = old + "-renamed"
    _rename_references(data, old, old + "-renamed")
    b = _write(tmp_path, "b.pap.json", data)
    text = _diff_pdf(example, b, tmp_path / "out.pdf", capsys)
    assert f"{old}-renamed" in text


def test_every_session_half_an_hour_longer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = resource("examples") / "mdma-ptsd.pap.json"
    data = _data(a)
    for session in data["sessions"]:
        session["duration_hours"] += 0.5
    b = _write(tmp_path, "b.pap.json", data)
    out = tmp_path / "out.pdf"
    text = _diff_pdf(a, b, out, capsys)
    assert f"{len(data['sessions'])} changes" in text
    _inside_pages(out)


def test_exclusion_criteria_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = resource("examples") / "psilocybin-trd.pap.json"
    data = _data(a)
    data["eligibility"]["exclusion"] = [
        {"id": f"NEW-{i}", "text": f"Replacement exclusion criterion number {i}. " * 8}
        for i in range(1, 31)
    ]
    b = _write(tmp_path, "b.pap.json", data)
    out = tmp_path / "out.pdf"
    text = _diff_pdf(a, b, out, capsys)
    assert "NEW-30" in text
    _inside_pages(out)


def test_long_words_and_long_texts_wrap_inside_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = resource("examples") / "lsd-anxiety.pap.json"
    data = _data(a)
    data["metadata"]["title"] = "Unbroken" + "x" * 990  # the longest title the model allows
    data["narrative"]["background"] = (
        "A long background paragraph with words. " * 600 + "Unbroken" + "y" * 2500
    )
    b = _write(tmp_path, "b.pap.json", data)
    out = tmp_path / "out.pdf"
    _diff_pdf(a, b, out, capsys)
    _inside_pages(out)


@pytest.mark.slow
@pytest.mark.parametrize(("a", "b"), PAIRS, ids=[f"{a.stem}->{b.stem}" for a, b in PAIRS])
def test_every_pair_of_examples(
    a: Path, b: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _diff_pdf(a, b, tmp_path / "out.pdf", capsys)
    assert "Summary of changes" in text and "Compliance delta" in text


@needs_poppler
def test_pair_renders_and_stays_on_its_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = EXAMPLES[1], EXAMPLES[3]
    out = tmp_path / "out.pdf"
    _diff_pdf(a, b, out, capsys)
    _inside_pages(out)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(out), str(tmp_path / "pg")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("pg*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 5000 for p in pages)
