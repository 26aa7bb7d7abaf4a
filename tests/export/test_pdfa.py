"""The exported PDF as an archival document: PDF/A-2b identification, output intent,
language, embedded fonts, printable annotations, reproducible bytes.

No offline PDF/A validator is available here (veraPDF needs Java and a download);
these tests check each requirement that papdesigner's own finishing step is
responsible for, read back with pikepdf.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
from conftest import Exported

from papdesigner.export import render_pdf
from papdesigner.rules import check


def test_xmp_identifies_pdfa_2b_and_matches_the_document_information(rich: Exported) -> None:
    with pikepdf.open(rich.result.path) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert meta["dc:title"] == str(pdf.docinfo["/Title"]) == rich.protocol.metadata.title
        assert meta["xmp:CreatorTool"] == str(pdf.docinfo["/Creator"])
        created = str(pdf.docinfo["/CreationDate"])
        assert meta["xmp:CreateDate"].startswith(f"{created[2:6]}-{created[6:8]}-{created[8:10]}")


def test_srgb_output_intent_language_and_title_display(rich: Exported) -> None:
    with pikepdf.open(rich.result.path) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True


def test_every_font_is_embedded_and_every_annotation_printable(rich: Exported) -> None:
    fonts = 0
    with pikepdf.open(rich.result.path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.get("/FontDescriptor")
                if font.Subtype == "/Type0":
                    descriptor = font.DescendantFonts[0].FontDescriptor
                assert descriptor is not None, font.get("/BaseFont")
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts += 1
            for annot in page.get("/Annots") or ():
                assert int(annot.F) & 4
    assert fonts > 0


def test_same_protocol_and_day_give_the_same_bytes(rich: Exported) -> None:
    day = dt.date(2026, 11, 30)
    report = check(rich.protocol)
    first = render_pdf(rich.protocol, report=report, today=day)
    second = render_pdf(rich.protocol, report=report, today=day)
    assert first.data == second.data
    other_day = render_pdf(rich.protocol, report=report, today=dt.date(2026, 12, 1))
    assert other_day.data != first.data


def test_export_date_is_printed_and_recorded(rich: Exported, tmp_path: Path) -> None:
    day = dt.date(2026, 11, 30)
    rendered = render_pdf(rich.protocol, report=check(rich.protocol), today=day)
    (tmp_path / "dated.pdf").write_bytes(rendered.data)
    with pikepdf.open(tmp_path / "dated.pdf") as pdf:
        assert str(pdf.Root.PapdesignerVerification.Exported) == "2026-11-30"
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20261130")
