"""The last step of an export: make the PDF a PDF/A-2b and record what verify needs.

reportlab writes the pages; pikepdf then adds what PDF/A-2b (ISO 19005-2, level B)
asks of a document that reportlab does not write itself:

* XMP metadata with the PDF/A identification (``pdfaid:part`` 2, ``conformance`` B)
  and the same title, author, subject, keywords and dates as the document information;
* an sRGB output intent (``GTS_PDFA1``) with an embedded ICC profile, because the
  pages draw in DeviceRGB;
* the document language (``/Lang``) and a viewer preference to show the title;
* the print flag on every annotation (our links), which PDF/A requires.

All fonts are embedded by reportlab already (TrueType subsets). The document is not
tagged: reportlab writes no structure tree (see the README's "PDF/A" section).

The verification record goes into the document catalog: the protocol's
fingerprint, the export date and recipe (see :mod:`.recipe`) that let ``verify``
re-create the pages, the compliance statement (:mod:`.statement`) it re-checks,
and the digests of what every page shows (:mod:`.shown`).
Dates and the file identifier are fixed by the export date, so the same protocol
exported on the same day by the same build gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

from papdesigner.export.shown import document_digest, shown_pages
from papdesigner.paths import resource

FORMAT = "2"
RECORD_KEY = "/PapdesignerVerification"
"""The catalog entry holding the record (the catalog survives every viewer's save)."""
KEY_FORMAT = "/Format"
KEY_FINGERPRINT = "/Fingerprint"
KEY_DIGEST = "/Digest"
KEY_PAGES = "/PageDigests"
KEY_EXPORTED = "/Exported"
KEY_RECIPE = "/Recipe"
KEY_RECREATE = "/Recreate"
KEY_COMPLIANCE = "/Compliance"
"""The compliance statement (:mod:`.statement`), re-checked by ``verify``."""
KEY_LIBRARY_HEAD = "/LibraryHead"
"""The library version the export came from (not covered by the digest; see library_head)."""
ICC_PROFILE = ("color", "sRGB-IEC61966-2.1.icc")


@dataclass(frozen=True)
class Record:
    """What an export records for ``verify``.

    ``recreate`` holds the export's choices that a re-creation must repeat beyond the
    compliance statement (which names the rule sets): a custom template folder's
    digest, as a JSON-able mapping.
    """

    fingerprint: str
    exported: dt.date
    recipe: str
    recreate: dict[str, object]
    language: str = "en"
    library_head: str | None = None
    compliance: str = ""


@dataclass(frozen=True)
class Finished:
    """The final PDF bytes and its document digest."""

    data: bytes
    digest: str


def _add_output_intent(pdf: object) -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    icc = pdf.make_stream(resource(*ICC_PROFILE).read_bytes())
    icc["/N"] = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier="sRGB IEC61966-2.1",
        Info="sRGB IEC61966-2.1",
        DestOutputProfile=icc,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])


def _flag_annotations_printable(pdf: object) -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots") or ():
            annot.F = 4


def _pdf_date(day: dt.date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def _write_xmp(pdf: object, record: Record) -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    info = pdf.docinfo
    stamp = dt.datetime.combine(record.exported, dt.time(), tzinfo=dt.UTC).isoformat()
    info["/CreationDate"] = _pdf_date(record.exported)
    info["/ModDate"] = _pdf_date(record.exported)
    info["/Producer"] = "papdesigner (ReportLab, pikepdf)"
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = str(info.get("/Title", ""))
        meta["dc:creator"] = [str(info.get("/Author", ""))]
        meta["dc:description"] = str(info.get("/Subject", ""))
        meta["pdf:Keywords"] = str(info.get("/Keywords", ""))
        meta["pdf:Producer"] = str(info["/Producer"])
        meta["xmp:CreatorTool"] = str(info.get("/Creator", ""))
        meta["xmp:CreateDate"] = stamp
        meta["xmp:ModifyDate"] = stamp
        meta["xmp:MetadataDate"] = stamp
        meta["dc:language"] = [record.language]


def _record(pdf: object, record: Record) -> str:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    pages = shown_pages(pdf)
    digest = document_digest(record.fingerprint, pages)
    recreate = json.dumps(record.recreate, sort_keys=True, separators=(",", ":"))
    entries = {
        KEY_FORMAT: FORMAT,
        KEY_FINGERPRINT: record.fingerprint,
        KEY_EXPORTED: record.exported.isoformat(),
        KEY_RECIPE: record.recipe,
        KEY_RECREATE: recreate,
        KEY_PAGES: " ".join(page.digest for page in pages),
        KEY_DIGEST: digest,
    }
    if record.compliance:
        entries[KEY_COMPLIANCE] = record.compliance
    if record.library_head is not None:
        entries[KEY_LIBRARY_HEAD] = record.library_head
    pdf.Root[RECORD_KEY] = pikepdf.Dictionary({k: pikepdf.String(v) for k, v in entries.items()})
    return digest


def finish_pdf(data: bytes, record: Record) -> Finished:
    """Return ``data`` (reportlab's PDF) as a PDF/A-2b with the verification record."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.Root.Lang = pikepdf.String(record.language)
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=False)
        _add_output_intent(pdf)
        _flag_annotations_printable(pdf)
        _write_xmp(pdf, record)
        digest = _record(pdf, record)
        out = io.BytesIO()
        # reportlab's identifier is random; one derived from the content keeps exports
        # reproducible (qpdf derives both halves when the file has none).
        del pdf.trailer["/ID"]
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return Finished(out.getvalue(), digest)
