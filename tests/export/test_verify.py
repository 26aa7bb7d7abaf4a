"""verify: passes on fresh exports, fails on a changed protocol and on altered PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from conftest import Exported
from protocols import rich_protocol
from pypdf.generic import NameObject, TextStringObject

from papdesigner.cli import main
from papdesigner.export import UnreadablePdfError, verify_pdf
from papdesigner.model import save_protocol


def _rewrite(source: Path, target: Path, change: object) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(source))
    change(writer)  # type: ignore[operator]
    with target.open("wb") as handle:
        writer.write(handle)


def test_fresh_export_verifies_with_and_without_protocol(rich: Exported) -> None:
    assert verify_pdf(rich.result.path, rich.protocol).ok
    outcome = verify_pdf(rich.result.path)
    assert outcome.ok and outcome.pages == len(rich.reader.pages)


def test_changed_protocol_is_reported(rich: Exported) -> None:
    changed = rich.protocol.model_copy(deep=True)
    changed.sessions[4].dosing.administrations[0].dose = 30  # type: ignore[union-attr]
    outcome = verify_pdf(rich.result.path, changed)
    assert not outcome.ok
    assert "protocol changed since export" in outcome.reason


def test_edited_page_text_is_detected(rich: Exported, tmp_path: Path) -> None:
    index = next(
        i for i in range(4, 30) if b" Tj" in rich.reader.pages[i].get_contents().get_data()
    )

    def edit(writer: pypdf.PdfWriter) -> None:
        # move one text object by a point: what a hand edit of the PDF's text amounts to
        page = writer.pages[index]
        content = page.get_contents()
        data = content.get_data()
        content.set_data(data.replace(b"BT 1 0 0 1 ", b"BT 1 0 0 1 1", 1))
        page.replace_contents(content)

    _rewrite(rich.result.path, tmp_path / "edited.pdf", edit)
    outcome = verify_pdf(tmp_path / "edited.pdf", rich.protocol)
    assert not outcome.ok
    assert f"page {index + 1} was altered" in outcome.reason


def test_removed_page_is_detected(rich: Exported, tmp_path: Path) -> None:
    _rewrite(rich.result.path, tmp_path / "short.pdf", lambda w: w.remove_page(len(w.pages) - 1))
    outcome = verify_pdf(tmp_path / "short.pdf")
    assert not outcome.ok and "pages" in outcome.reason


def test_added_annotation_is_detected(rich: Exported, tmp_path: Path) -> None:
    from pypdf.annotations import FreeText

    def annotate(writer: pypdf.PdfWriter) -> None:
        note = FreeText(text="Dose is 50 mg", rect=(50, 550, 200, 650))
        writer.add_annotation(page_number=3, annotation=note)

    _rewrite(rich.result.path, tmp_path / "annotated.pdf", annotate)
    outcome = verify_pdf(tmp_path / "annotated.pdf")
    assert not outcome.ok and "page 4" in outcome.reason


def test_swapped_fingerprint_metadata_is_detected(rich: Exported, tmp_path: Path) -> None:
    other = "0" * 64

    def swap(writer: pypdf.PdfWriter) -> None:
        writer.add_metadata({NameObject("/PapdesignerFingerprint"): TextStringObject(other)})

    _rewrite(rich.result.path, tmp_path / "swapped.pdf", swap)
    assert not verify_pdf(tmp_path / "swapped.pdf").ok


def test_flipped_byte_in_a_page_stream_is_detected(rich: Exported, tmp_path: Path) -> None:
    data = bytearray(rich.result.path.read_bytes())
    ref = rich.reader.pages[4].raw_get("/Contents")
    start = data.index(f"\n{ref.idnum} 0 obj".encode())
    at = data.index(b"stream", start) + 30
    data[at] ^= 0x55
    (tmp_path / "flipped.pdf").write_bytes(bytes(data))
    outcome = verify_pdf(tmp_path / "flipped.pdf")
    assert not outcome.ok and ("page 5" in outcome.reason or "damaged" in outcome.reason)


def test_not_a_pdf_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_text("hello")
    with pytest.raises(UnreadablePdfError):
        verify_pdf(tmp_path / "x.pdf")


def test_foreign_pdf_has_no_verification_data(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_path / "blank.pdf").write_bytes(buffer.getvalue())
    outcome = verify_pdf(tmp_path / "blank.pdf")
    assert not outcome.ok and "no papdesigner verification data" in outcome.reason


def test_cli_export_and_verify_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    protocol_file = tmp_path / "trial.pap.json"
    save_protocol(rich_protocol(), protocol_file)
    assert main(["export", str(protocol_file), "-o", str(tmp_path / "out.pdf")]) == 0
    assert "pages, fingerprint" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "out.pdf"), str(protocol_file)]) == 0
    save_protocol(rich_protocol(context="cta_trial"), protocol_file)
    assert main(["verify", str(tmp_path / "out.pdf"), str(protocol_file)]) == 1
    err = capsys.readouterr().err
    assert "protocol changed since export" in err and len(err.strip().splitlines()) == 1
    assert main(["verify", str(tmp_path / "missing.pdf")]) == 2
    assert main(["verify", str(protocol_file)]) == 2
    assert main(["export", str(tmp_path / "missing.pap.json")]) == 2
