"""The summary-of-changes PDF: read back with pypdf, rendered with pdftoppm, hostile text."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from papdesigner.cli import main
from papdesigner.diff import AmendmentRecord, build_summary, diff_protocols
from papdesigner.diff.pdf import write_summary_pdf
from papdesigner.model.protocol import Protocol

DATA = Path(__file__).resolve().parent / "data"
DOSE_KEY = "sessions[id=dose1].dosing.administrations[arm_id=high,product_id=psilo].dose"


def text_of(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture(scope="module")
def amendment_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI's PDF for the v1 → v2 amendment with a record."""
    folder = tmp_path_factory.mktemp("pdf")
    record = {
        "number": "1",
        "date": "2025-09-15",
        "primary_reason": {"code": "C207609"},
        "rationale": "Headaches at 25 mg in the first 20 participants.",
        "substantial": True,
        "changes": [{"change": DOSE_KEY, "rationale": "DSMB letter", "substantial": True}],
    }
    (folder / "a.json").write_text(json.dumps(record), encoding="utf-8")
    out = folder / "summary.pdf"
    code = main(
        [
            "diff",
            str(DATA / "trd_v1.pap.json"),
            str(DATA / "trd_v2.pap.json"),
            "--format",
            "pdf",
            "-o",
            str(out),
            "--amendment",
            str(folder / "a.json"),
        ]
    )
    assert code == 0
    return out


def test_pdf_content(amendment_pdf: Path, base_protocol: Protocol) -> None:
    text = text_of(amendment_pdf)
    for expected in (
        "Summary of changes",
        "PSI-TRD-001",
        "Amendment 1 of 2025-09-15",
        "New Safety Information Available",
        "10 changes in 7 sections",
        "6.1 Description of Investigational Trial Intervention",
        "25 mg",
        "20 mg",
        "DSMB letter",
        "Removed exclusion criterion EX-5",
        "Compliance delta",
    ):
        assert expected in text, expected
    from papdesigner.model import fingerprint

    assert fingerprint(base_protocol) in text


def test_pdf_metadata_names_both_fingerprints(amendment_pdf: Path, base_protocol: Protocol) -> None:
    from papdesigner.model import fingerprint

    meta = PdfReader(amendment_pdf).metadata
    assert meta is not None
    assert meta.title == "Summary of changes: PSI-TRD-001"
    # computed, not written out: every new optional model field changes the fingerprint
    assert f"A sha256:{fingerprint(base_protocol)[:8]}" in (meta.get("/Keywords") or "")
    assert " B sha256:" in (meta.get("/Keywords") or "")


def test_every_page_is_numbered(amendment_pdf: Path) -> None:
    reader = PdfReader(amendment_pdf)
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        # the total is a form drawn after the layout (the export's machinery): its own text run
        assert f"Page {number} of {total}" in " ".join((page.extract_text() or "").split())


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_renders(amendment_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(amendment_pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(p.stat().st_size > 1000 for p in pages)


def test_user_text_is_printed_literally(v1: Protocol, tmp_path: Path) -> None:
    hostile = "<b>bold</b> & <font color=red>{{ x }}</font> µg ≥ 🧠"
    b = v1.model_copy(deep=True)
    b.sessions[1].title = hostile
    b.narrative["background"] = "Psilocybin <i>is</i> a serotonergic psychedelic & more."
    record = AmendmentRecord.model_validate(
        {"number": "<2>", "primary_reason": {"code": "C17649", "other_reason": "A & <B>"}}
    )
    out = write_summary_pdf(build_summary(diff_protocols(v1, b), record=record), tmp_path / "s.pdf")
    text = text_of(out)
    assert "<b>bold</b> & <font color=red>{{ x }}</font> µg ≥ [U+1F9E0]" in text
    assert "Amendment <2>" in text
    assert "Other: A & <B>" in text


def test_pdf_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["diff", str(DATA / "trd_v1.pap.json"), str(DATA / "trd_v2.pap.json"), "--format", "pdf"]
    )
    assert code == 2
    assert "--format pdf needs -o OUT" in capsys.readouterr().err


def test_identical_versions_pdf(v1: Protocol, tmp_path: Path) -> None:
    out = write_summary_pdf(build_summary(diff_protocols(v1, v1)), tmp_path / "same.pdf")
    assert "No changes in protocol content." in text_of(out)


def test_a_long_change_does_not_push_the_changes_off_page_one(v1: Protocol, tmp_path: Path) -> None:
    """A change longer than a page left page 1 empty under the versions table."""
    b = v1.model_copy(deep=True)
    b.sessions[1].description = "a long description " * 400
    out = tmp_path / "long.pdf"
    write_summary_pdf(build_summary(diff_protocols(v1, b)), out)
    reader = PdfReader(out)
    first = " ".join((reader.pages[0].extract_text() or "").split())
    assert len(reader.pages) >= 2
    assert "1 change in 1 section: 0 added, 0 removed, 1 modified" in first
    assert "long description" in first
