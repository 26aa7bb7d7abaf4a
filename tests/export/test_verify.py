"""verify: an exported PDF is compared page by page with a re-creation from its protocol.

Annotated copies pass with a note; every forgery class that the reviews found (an
incremental update with recomputed digests, crops, rotation, overlays, swapped fonts,
attachments) fails, even when the forger recomputes the recorded digests.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pypdf
import pytest
from conftest import Exported
from protocols import rich_protocol

from papdesigner.cli import main
from papdesigner.export import UnreadablePdfError, verify_pdf
from papdesigner.export.finish import Record, _record
from papdesigner.export.verify import WITHOUT_KEY, _recorded
from papdesigner.model import save_protocol
from papdesigner.rules import check


def _forge(source: Path, target: Path, change: Callable[[pikepdf.Pdf], None]) -> Path:
    """Apply ``change`` and recompute the recorded digests, as a capable forger would."""
    with pikepdf.open(source) as pdf:
        change(pdf)
        recorded = _recorded(pdf)
        assert recorded.exported is not None
        _record(
            pdf,
            Record(
                recorded.fingerprint,
                recorded.exported,
                recorded.recipe,
                recorded.recreate,
                compliance=recorded.compliance,
            ),
        )
        pdf.save(target)
    return target


def _incremental(source: Path, target: Path, change: Callable[[pypdf.PdfWriter], None]) -> Path:
    """Apply ``change`` as an incremental update: the original bytes stay as they were."""
    writer = pypdf.PdfWriter(source, incremental=True)
    change(writer)
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def _text_page(rich: Exported) -> int:
    return next(i for i in range(4, 30) if b" Tj" in rich.reader.pages[i].get_contents().get_data())


# --- what passes ------------------------------------------------------------------------


def test_fresh_export_verifies_page_by_page(rich: Exported) -> None:
    outcome = verify_pdf(rich.result.path, rich.protocol)
    assert outcome.ok, outcome.reason
    assert outcome.reason == "every page shows exactly what this protocol produces"
    assert outcome.pages == len(rich.reader.pages)
    errors = check(rich.protocol).summary.errors
    assert outcome.notes == (
        f"compliance status re-checked: {errors} unwaived errors in 8 applicable rule sets",
    )


def test_without_the_protocol_it_says_integrity_is_not_authenticity(rich: Exported) -> None:
    outcome = verify_pdf(rich.result.path)
    assert outcome.ok and outcome.reason == "PDF is intact"
    assert WITHOUT_KEY in outcome.notes


def test_sticky_note_and_highlight_pass_with_a_note(rich: Exported, tmp_path: Path) -> None:
    from pypdf.annotations import Highlight, Text
    from pypdf.generic import ArrayObject, FloatObject

    def annotate(writer: pypdf.PdfWriter) -> None:
        writer.add_annotation(3, Text(text="Check this dose", rect=(50, 550, 70, 570)))
        quad = ArrayObject([FloatObject(v) for v in (80, 600, 200, 600, 80, 590, 200, 590)])
        writer.add_annotation(5, Highlight(rect=(80, 590, 200, 600), quad_points=quad))

    copy = _incremental(rich.result.path, tmp_path / "annotated.pdf", annotate)
    outcome = verify_pdf(copy, rich.protocol)
    assert outcome.ok, outcome.reason
    assert outcome.notes[0].startswith("compliance status re-checked: ")
    assert outcome.notes[1:] == (
        "2 reviewer annotation(s) or form field(s) added: Text on page 4, Highlight on page 6",
    )


def test_empty_signature_field_and_new_xmp_pass(rich: Exported, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    with pikepdf.open(rich.result.path) as pdf:
        with pdf.open_metadata() as meta:
            meta["dc:description"] = "Reviewed by the board on 2026-12-01"
        buffer = io.BytesIO()
        pdf.save(buffer)
    writer = IncrementalPdfFileWriter(io.BytesIO(buffer.getvalue()))
    append_signature_field(writer, SigFieldSpec("Chair", on_page=0, box=(50, 50, 250, 90)))
    out = io.BytesIO()
    writer.write(out)
    (tmp_path / "fielded.pdf").write_bytes(out.getvalue())
    outcome = verify_pdf(tmp_path / "fielded.pdf", rich.protocol)
    assert outcome.ok, outcome.reason
    assert "Widget on page 1" in outcome.notes[1]


# --- forgeries --------------------------------------------------------------------------


def _edit_text(index: int) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[index]
        data = page.Contents.read_bytes()
        page.Contents.write(data.replace(b"BT 1 0 0 1 ", b"BT 1 0 0 1 1", 1))

    return edit


def test_edit_with_recomputed_digests_fails_against_the_protocol(
    rich: Exported, tmp_path: Path
) -> None:
    index = _text_page(rich)
    forged = _forge(rich.result.path, tmp_path / "forged.pdf", _edit_text(index))
    # Without the protocol a forger who recomputes the digests is not caught, and the
    # verdict says that this is only integrity...
    alone = verify_pdf(forged)
    assert alone.ok and WITHOUT_KEY in alone.notes
    # ...against the protocol file the page no longer shows what the protocol produces.
    outcome = verify_pdf(forged, rich.protocol)
    assert not outcome.ok
    assert outcome.reason == (
        f"PDF was altered: page {index + 1} does not show what this protocol produces "
        "(its drawn text and graphics differ)"
    )


def test_incremental_update_of_a_page_fails(rich: Exported, tmp_path: Path) -> None:
    index = _text_page(rich)

    def edit(writer: pypdf.PdfWriter) -> None:
        page = writer.pages[index]
        content = page.get_contents()
        assert content is not None
        content.set_data(content.get_data().replace(b"BT 1 0 0 1 ", b"BT 1 0 0 1 1", 1))
        page.replace_contents(content)

    forged = _incremental(rich.result.path, tmp_path / "incremental.pdf", edit)
    forged = _forge(forged, tmp_path / "incremental-rehashed.pdf", lambda pdf: None)
    outcome = verify_pdf(forged, rich.protocol)
    assert not outcome.ok and f"page {index + 1}" in outcome.reason


def _crop(pdf: pikepdf.Pdf) -> None:
    x0, y0, x1, y1 = (float(v) for v in pdf.pages[2].MediaBox)
    pdf.pages[2].CropBox = [x0, (y0 + y1) / 2, x1, y1]


def _rotate(pdf: pikepdf.Pdf) -> None:
    pdf.pages[2].Rotate = 180


def _white_box(pdf: pikepdf.Pdf) -> None:
    pdf.pages[2].contents_add(pdf.make_stream(b"q 1 1 1 rg 60 300 400 200 re f Q"))


def _invisible_text(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[2].Resources.Font.keys()))
    hidden = f"BT 3 Tr {font} 9 Tf 60 300 Td (approved) Tj ET".encode()
    pdf.pages[2].contents_add(pdf.make_stream(hidden))


def _swap_fonts(pdf: pikepdf.Pdf) -> None:
    fonts = list(pdf.pages[2].Resources.Font.values())
    first, second = fonts[0].FontDescriptor, fonts[1].FontDescriptor
    first.FontFile2, second.FontFile2 = second.FontFile2, first.FontFile2


FORGERIES: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "half-page crop": (_crop, "page 3 does not show what this protocol produces (its size, crop"),
    "180° rotation": (_rotate, "page 3 does not show what this protocol produces (its size, crop"),
    "white overlay": (_white_box, "page 3 does not show what this protocol produces (its drawn"),
    "invisible text": (_invisible_text, "page 3 does not show what this protocol produces (its dr"),
    # The swapped fonts are shared: the first page that uses them is reported.
    "swapped fonts": (_swap_fonts, "page 1 does not show what this protocol produces (its fonts"),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_forgery_class_fails_with_the_page_and_what_differs(
    rich: Exported, tmp_path: Path, name: str
) -> None:
    change, expected = FORGERIES[name]
    forged = _forge(rich.result.path, tmp_path / "forged.pdf", change)
    outcome = verify_pdf(forged, rich.protocol)
    assert not outcome.ok
    assert outcome.reason.startswith(f"PDF was altered: {expected}"), outcome.reason


def test_attachment_fails_with_or_without_the_protocol(rich: Exported, tmp_path: Path) -> None:
    def attach(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["corrected-doses.txt"] = pikepdf.AttachedFileSpec(pdf, b"dose 500 mg")

    forged = _forge(rich.result.path, tmp_path / "attached.pdf", attach)
    for protocol in (None, rich.protocol):
        outcome = verify_pdf(forged, protocol)
        assert not outcome.ok
        assert "attached files" in outcome.reason and "corrected-doses.txt" in outcome.reason


def test_pdf_from_a_doctored_report_fails(rich: Exported, tmp_path: Path) -> None:
    from papdesigner.export import export_pdf
    from papdesigner.rules import check

    report = check(rich.protocol).to_json_data()
    report["findings"] = [f for f in report["findings"] if f["severity"] != "error"]
    report["summary"]["errors"] = 0
    doctored = export_pdf(rich.protocol, tmp_path / "clean.pdf", report=report)
    assert not doctored.draft  # the doctored report hid the errors...
    outcome = verify_pdf(doctored.path, rich.protocol)
    assert not outcome.ok  # ...and verify, checking the protocol again, refuses the PDF
    assert "its compliance status does not match the protocol" in outcome.reason
    assert "the PDF states 0 unwaived errors" in outcome.reason


def test_removed_page_and_changed_protocol_fail(rich: Exported, tmp_path: Path) -> None:
    def drop(pdf: pikepdf.Pdf) -> None:
        del pdf.pages[-1]

    forged = _forge(rich.result.path, tmp_path / "short.pdf", drop)
    outcome = verify_pdf(forged, rich.protocol)
    assert not outcome.ok and "it has" in outcome.reason and "pages" in outcome.reason
    changed = rich.protocol.model_copy(deep=True)
    changed.sessions[4].dosing.administrations[0].dose = 30  # type: ignore[union-attr]
    outcome = verify_pdf(rich.result.path, changed)
    assert not outcome.ok and "protocol changed since export" in outcome.reason


def test_edit_without_recomputed_digests_fails_without_the_protocol(
    rich: Exported, tmp_path: Path
) -> None:
    index = _text_page(rich)
    with pikepdf.open(rich.result.path) as pdf:
        _edit_text(index)(pdf)
        pdf.save(tmp_path / "edited.pdf")
    outcome = verify_pdf(tmp_path / "edited.pdf")
    assert not outcome.ok and f"page {index + 1} changed after export" in outcome.reason


def test_another_build_cannot_recreate_and_says_so(rich: Exported, tmp_path: Path) -> None:
    with pikepdf.open(rich.result.path) as pdf:
        pdf.Root.PapdesignerVerification.Recipe = "0" * 64
        pdf.save(tmp_path / "other-build.pdf")
    outcome = verify_pdf(tmp_path / "other-build.pdf", rich.protocol)
    assert not outcome.ok
    assert outcome.reason.startswith("cannot be re-created to compare: exported by a different")


# --- signatures ---------------------------------------------------------------------------


def _certificate(tmp_path: Path, name: str = "Dr Ana Sponsor") -> tuple[Path, Path]:
    """A self-signed certificate as PKCS#12 (passphrase 'secret') and PEM."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, True, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"sponsor", key, cert, None, serialization.BestAvailableEncryption(b"secret")
    )
    (tmp_path / "sponsor.p12").write_bytes(p12)
    (tmp_path / "sponsor.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return tmp_path / "sponsor.p12", tmp_path / "sponsor.pem"


@pytest.fixture(scope="module")
def signed(rich: Exported, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The rich PDF signed by a self-signed sponsor certificate, and that certificate."""
    folder = tmp_path_factory.mktemp("signed")
    p12, pem = _certificate(folder)
    (folder / "pass.txt").write_text("secret\n")
    out = folder / "signed.pdf"
    args = ["sign", str(rich.result.path), "--pkcs12", str(p12), "-o", str(out)]
    assert main([*args, "--passphrase-file", str(folder / "pass.txt")]) == 0
    return out, pem


def test_signed_pdf_verifies_with_its_signature(rich: Exported, signed: tuple[Path, Path]) -> None:
    pdf, pem = signed
    outcome = verify_pdf(pdf, rich.protocol, trusted_certificates=[pem.read_bytes()])
    assert outcome.ok, outcome.reason
    assert any(
        n.startswith("signed by Common Name: Dr Ana Sponsor") and "certificate trusted" in n
        for n in outcome.notes
    ), outcome.notes
    untrusted = verify_pdf(pdf, rich.protocol)
    assert untrusted.ok and any("not checked against a trusted" in n for n in untrusted.notes)


def test_signer_outside_the_trusted_certificates_fails(
    rich: Exported, signed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, other = _certificate(tmp_path, "Someone Else")
    outcome = verify_pdf(signed[0], rich.protocol, trusted_certificates=[other.read_bytes()])
    assert not outcome.ok and "NOT issued by a trusted certificate" in outcome.reason


def test_tampered_signed_pdf_fails(
    rich: Exported, signed: tuple[Path, Path], tmp_path: Path
) -> None:
    data = bytearray(signed[0].read_bytes())
    at = data.index(b"/Title (") + 8
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    (tmp_path / "tampered.pdf").write_bytes(bytes(data))
    outcome = verify_pdf(tmp_path / "tampered.pdf", rich.protocol)
    assert not outcome.ok and "signature of" in outcome.reason and "broken" in outcome.reason


def test_content_changed_after_signing_fails(
    rich: Exported, signed: tuple[Path, Path], tmp_path: Path
) -> None:
    index = _text_page(rich)

    def edit(writer: pypdf.PdfWriter) -> None:
        page = writer.pages[index]
        content = page.get_contents()
        assert content is not None
        content.set_data(content.get_data().replace(b"BT 1 0 0 1 ", b"BT 1 0 0 1 1", 1))
        page.replace_contents(content)

    after = _incremental(signed[0], tmp_path / "after.pdf", edit)
    outcome = verify_pdf(after, rich.protocol)
    assert not outcome.ok


def test_sign_refuses_bad_input(
    rich: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p12, _ = _certificate(tmp_path)
    out = str(tmp_path / "s.pdf")
    os.environ.pop("PAPDESIGNER_SIGN_PASSPHRASE", None)
    assert main(["sign", str(rich.result.path), "--pkcs12", str(p12), "-o", out]) == 2
    assert "cannot read the certificate file" in capsys.readouterr().err
    foreign = tmp_path / "foreign.pdf"
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(foreign)
    assert main(["sign", str(foreign), "--pkcs12", str(p12), "-o", out]) == 2
    err = capsys.readouterr().err
    assert "not a PDF exported by papdesigner" in err and len(err.strip().splitlines()) == 1
    assert not Path(out).exists()


# --- bad input ----------------------------------------------------------------------------


def test_not_a_pdf_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_text("hello")
    with pytest.raises(UnreadablePdfError):
        verify_pdf(tmp_path / "x.pdf")


def test_pipe_and_oversized_file_are_refused_before_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(UnreadablePdfError, match="not a regular file"):
        verify_pdf(fifo)
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(UnreadablePdfError, match="too large"):
        verify_pdf(huge)


def test_foreign_pdf_has_no_verification_data(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(tmp_path / "blank.pdf")
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
    assert "every page shows exactly what this protocol produces" in capsys.readouterr().out
    save_protocol(rich_protocol(context="cta_trial"), protocol_file)
    assert main(["verify", str(tmp_path / "out.pdf"), str(protocol_file)]) == 1
    err = capsys.readouterr().err
    assert "protocol changed since export" in err and len(err.strip().splitlines()) == 1
    assert main(["verify", str(tmp_path / "missing.pdf")]) == 2
    assert main(["verify", str(protocol_file)]) == 2
    assert main(["export", str(tmp_path / "missing.pap.json")]) == 2


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_a_truncated_copy_fails_with_one_line(
    rich: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str], keep: float
) -> None:
    data = rich.result.path.read_bytes()
    cut = tmp_path / "truncated.pdf"
    cut.write_bytes(data[: int(len(data) * keep)])
    for args in ([str(cut), str(tmp_path / "p.pap.json")], [str(cut)]):
        save_protocol(rich.protocol, tmp_path / "p.pap.json")
        code = main(["verify", *args])
        err = capsys.readouterr().err
        assert code in (1, 2) and err.count("\n") == 1, err
        assert "internal error" not in err


def test_key_and_certificate_files_that_cannot_be_read_give_one_line(
    rich: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # would wait forever if opened for reading
    missing = str(tmp_path / "missing.p12")
    runs = {
        "no such file": ["sign", str(rich.result.path), "--pkcs12", missing, "-o", "s.pdf"],
        "named pipe": ["verify", str(rich.result.path), "--trust", str(pipe)],
    }
    for reason, args in runs.items():
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and reason in err, err
