"""Integrity of exported PDFs: a digest over what the pages show, recorded in the PDF.

What is hashed, per page (SHA-256): the page size, the decoded content stream, the
decoded data of every XObject the page draws (recursively: forms carry the page
numbers of the table of contents and the checklists), and each annotation's type,
rectangle, destination and text. The document digest hashes a version tag, the
protocol fingerprint, the title, author, subject and keywords, every page digest in
order, and the compliance statement when there is one. The PDF's document information
records the fingerprint, the document digest, the page digests and the compliance
statement (``/PapdesignerFingerprint``, ``/PapdesignerDigest``,
``/PapdesignerPageDigests``, ``/PapdesignerCompliance``; see :mod:`.statement`).

The export records them without reading its own file back: it computes the same
values from reportlab's objects as it saves (:mod:`papdesigner.export.builddigest`),
and falls back to :func:`compute_digests` for anything that module does not reproduce.

This detects any edit of the printed text or drawings, added, removed or reordered
pages, added annotations (e.g. a sticky note or stamp), and edits of the recorded
fingerprint or of the title metadata. It is integrity, not authenticity: there is
no key, so someone who edits the PDF and recomputes the digests with this code can
forge a consistent file. Fonts are not hashed (a swapped glyph shape goes
unnoticed), nor are form fields, JavaScript or attachments that a viewer may show.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

DIGEST_VERSION = "papdesigner-pdf-digest-1"
KEY_FINGERPRINT = "/PapdesignerFingerprint"
KEY_DIGEST = "/PapdesignerDigest"
KEY_PAGES = "/PapdesignerPageDigests"
KEY_FORMAT = "/PapdesignerFormat"
KEY_COMPLIANCE = "/PapdesignerCompliance"
"""The compliance statement (:mod:`.statement`); hashed into the document digest when present."""
PAGE_DIGEST_CHARS = 16
"""Recorded page digests are short: they only locate a change (full ones feed the digest)."""

DO_OPERATOR = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")
META_KEYS = ("/Title", "/Author", "/Subject", "/Keywords")
OPTIONAL_KEYS = (KEY_COMPLIANCE,)
"""Hashed only when present, so PDFs exported before they existed keep their digest."""


def hashed_metadata(value_of: Callable[[str], str]) -> list[str]:
    """The document-information values the document digest covers, in order."""
    values = [value_of(key) for key in META_KEYS]
    values.extend(f"{key}={value_of(key)}" for key in OPTIONAL_KEYS if value_of(key))
    return values


class UnreadablePdfError(ValueError):
    """The file is not a PDF that can be read at all."""


@dataclass(frozen=True)
class Digests:
    """The digests recomputed from a PDF."""

    document: str
    pages: tuple[str, ...]

    def recorded_pages(self) -> str:
        """The page digests as recorded in the PDF: shortened, space-separated."""
        return " ".join(p[:PAGE_DIGEST_CHARS] for p in self.pages)


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _xobject_digest(stream: Any, cache: dict[int, bytes], depth: int = 0) -> bytes:
    key = id(stream)
    if key in cache:
        return cache[key]
    h = hashlib.sha256()
    h.update(str(stream.get("/Subtype")).encode())
    h.update(stream.get_data())
    if depth < 8:
        for name, child in _used_xobjects(stream.get_data(), stream.get("/Resources")):
            h.update(name + _xobject_digest(child, cache, depth + 1))
    cache[key] = h.digest()
    return cache[key]


def _used_xobjects(content: bytes, resources: Any) -> Iterator[tuple[bytes, Any]]:
    xobjects = _resolve((_resolve(resources) or {}).get("/XObject")) or {}
    for name in dict.fromkeys(DO_OPERATOR.findall(content)):
        ref = xobjects.get("/" + name.decode("latin-1"))
        if ref is not None:
            yield name, _resolve(ref)


def _plain(obj: Any, depth: int = 0) -> Any:
    """A file-layout-independent value: references resolved, pages named, numbers rounded."""
    obj = _resolve(obj)
    if depth > 6:
        return "..."
    if isinstance(obj, dict):
        if obj.get("/Type") == "/Page":
            return "<page>"
        return {str(k): _plain(v, depth + 1) for k, v in sorted(obj.items()) if k != "/Parent"}
    if isinstance(obj, list | tuple):
        return [_plain(v, depth + 1) for v in obj]
    if isinstance(obj, float | int) and not isinstance(obj, bool):
        return round(float(obj), 1)
    return str(obj)


def _annotation_text(annot: Any) -> bytes:
    a = _resolve(annot)
    keys = ("/Subtype", "/Rect", "/Dest", "/A", "/Contents", "/AP")
    return repr([_plain(a.get(k)) for k in keys]).encode("utf-8", "replace")


def _page_digest(page: Any, cache: dict[int, bytes]) -> str:
    h = hashlib.sha256()
    box = [round(float(v), 2) for v in page.mediabox]
    h.update(repr(box).encode())
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    h.update(hashlib.sha256(data).digest())
    for name, xobject in _used_xobjects(data, page.get("/Resources")):
        h.update(name + _xobject_digest(xobject, cache))
    for annot in _resolve(page.get("/Annots")) or ():
        h.update(_annotation_text(annot))
    return h.hexdigest()


def open_pdf(data: bytes) -> Any:
    """Open PDF bytes with pypdf, raising :class:`UnreadablePdfError` with a reason."""
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        msg = "not a PDF (no %PDF header)"
        raise UnreadablePdfError(msg)
    # pypdf logs repairs of damaged files as warnings; the verdict says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _ = len(reader.pages)
    except Exception as exc:  # pypdf raises many types for damaged files
        msg = f"not a readable PDF ({type(exc).__name__}: {exc})"
        raise UnreadablePdfError(msg) from None
    return reader


def metadata_value(reader: Any, key: str) -> str:
    """Return one document-information entry as text ("" when absent)."""
    info = reader.trailer.get("/Info")
    info = _resolve(info) if info is not None else {}
    value = info.get(key)
    return "" if value is None else str(value)


def compute_digests(reader: Any, fingerprint: str) -> Digests:
    """Recompute the page digests and the document digest of an open PDF."""
    cache: dict[int, bytes] = {}
    pages = tuple(_page_digest(page, cache) for page in reader.pages)
    h = hashlib.sha256(DIGEST_VERSION.encode())
    h.update(b"\n" + fingerprint.encode())
    for value in hashed_metadata(lambda key: metadata_value(reader, key)):
        h.update(b"\n" + value.encode("utf-8", "replace"))
    for page in pages:
        h.update(b"\n" + page.encode())
    return Digests(h.hexdigest(), pages)
