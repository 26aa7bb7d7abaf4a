"""The verification digests of a PDF, computed from reportlab's objects as it is saved.

:func:`papdesigner.export.integrity.compute_digests` defines the digests over a
saved PDF read back with pypdf; ``papdesigner verify`` uses it. Parsing the file
again only to record them cost the export about 60 ms, so this module computes
the same values from the objects reportlab has just written:

* a page's decoded content stream is the text reportlab compressed (UTF-8);
* a form XObject's decoded data is its stream; its subtype is ``/Form``;
* a link annotation becomes the same list that ``_annotation_text`` builds from
  the parsed file: numbers as reportlab formats them (``fp_str``) read back as
  floats, the destination page as ``"<page>"``, absent keys as ``"None"``;
* the title, author, subject and keywords are read from the formatted document
  information with pypdf's own object parser (one small dictionary), so their
  text decoding is pypdf's.

Anything else (another annotation type, an image or a nested form, uncompressed
page streams) makes :func:`digests_from_build` return None, and the caller parses
the saved file instead. A test compares both ways on every example.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from papdesigner.export.integrity import DIGEST_VERSION, DO_OPERATOR, Digests, hashed_metadata


class _Unsupported(Exception):  # noqa: N818 - internal signal, never escapes this module
    """The document holds something this module does not reproduce."""


def _number(value: Any) -> float:
    """A number as pypdf reads it back from reportlab's formatting."""
    from reportlab.lib.rl_accel import fp_str

    text = fp_str(value) if type(value) in (float, int) else str(value)
    return float(text)


def _object(doc: Any, ref: Any) -> Any:
    name = getattr(ref, "name", None)
    if name is None or name not in doc.idToObject:
        raise _Unsupported
    return doc.idToObject[name]


def _stream_bytes(content: Any) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode("utf8")
    raise _Unsupported


def _page_content(page: Any) -> bytes:
    from reportlab.pdfbase.pdfdoc import PDFZCompress

    stream = page.Contents
    if stream is None or list(stream.filters or ()) != [PDFZCompress]:
        raise _Unsupported
    return _stream_bytes(stream.content)


def _form_digest(doc: Any, ref: Any, cache: dict[str, bytes]) -> bytes:
    from reportlab.pdfbase.pdfdoc import PDFFormXObject

    name = ref.name
    if name not in cache:
        form = _object(doc, ref)
        if not isinstance(form, PDFFormXObject):
            raise _Unsupported
        data = _stream_bytes(form.stream)
        if DO_OPERATOR.search(data):
            raise _Unsupported  # a form drawing forms: not produced by the export
        cache[name] = hashlib.sha256(b"/Form" + data).digest()
    return cache[name]


def _plain_number(value: Any) -> float:
    return round(_number(value), 1)


def _annotation_text(doc: Any, ref: Any) -> bytes:
    from reportlab.pdfbase.pdfdoc import Destination, LinkAnnotation, PDFDestinationXYZ, PDFPage

    annot = _object(doc, ref)
    if type(annot) is not LinkAnnotation or annot.otherkw or annot.Contents != "":
        raise _Unsupported
    dest = annot.Destination
    if not isinstance(dest, Destination) or not isinstance(dest.fmt, PDFDestinationXYZ):
        raise _Unsupported
    page = _object(doc, dest.page) if not isinstance(dest.page, PDFPage) else dest.page
    if not isinstance(page, PDFPage):
        raise _Unsupported
    fmt = dest.fmt
    target = ["<page>", "/XYZ", *(_plain_number(v) for v in (fmt.left, fmt.top, fmt.zoom))]
    rect = [_plain_number(v) for v in annot.Rect]
    return repr(["/Link", rect, target, "None", "", "None"]).encode("utf-8", "replace")


def _page_digest(doc: Any, page: Any, forms: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    box = [round(_number(v), 2) for v in page.MediaBox.sequence]
    h.update(repr(box).encode())
    data = _page_content(page)
    h.update(hashlib.sha256(data).digest())
    xobjects = page.XObjects.dict if page.XObjects is not None else {}
    for name in dict.fromkeys(DO_OPERATOR.findall(data)):
        ref = xobjects.get(name.decode("latin-1"))
        if ref is not None:
            h.update(name + _form_digest(doc, ref, forms))
    for ref in page.Annots.sequence if page.Annots is not None else ():
        h.update(_annotation_text(doc, ref))
    return h.hexdigest()


def _metadata(info_bytes: bytes) -> list[str]:
    """The hashed metadata values as pypdf decodes them from the written dictionary."""
    from pypdf.generic import DictionaryObject

    info = DictionaryObject.read_from_stream(io.BytesIO(info_bytes), None)
    return hashed_metadata(lambda k: "" if info.get(k) is None else str(info.get(k)))


def digests_from_build(doc: Any, info_bytes: bytes, fingerprint: str) -> Digests | None:
    """The digests of the PDF reportlab just saved from ``doc``, or None when unsure.

    ``info_bytes`` is the document information dictionary as written.
    """
    try:
        forms: dict[str, bytes] = {}
        pages = tuple(_page_digest(doc, page, forms) for page in doc.Pages.pages)
        metadata = _metadata(info_bytes)
    except _Unsupported:
        return None
    h = hashlib.sha256(DIGEST_VERSION.encode())
    h.update(b"\n" + fingerprint.encode())
    for value in metadata:
        h.update(b"\n" + value.encode("utf-8", "replace"))
    for page in pages:
        h.update(b"\n" + page.encode())
    return Digests(h.hexdigest(), pages)
