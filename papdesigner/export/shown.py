"""What each page of a PDF shows, as digests, and what else the file carries.

``verify`` answers "does every page show exactly what this protocol produces?" by
comparing these digests of a PDF with those of a fresh export of the protocol. A
page's digest covers everything that decides its appearance:

* geometry: the effective media, crop, bleed, trim and art boxes, the rotation and
  the user unit (a crop or a 180° turn changes what a reader sees);
* content: every content stream, decoded, in order, and the page's transparency group;
* resources: fonts (their programs, widths, encodings and ToUnicode maps), images,
  form XObjects, graphics states, colour spaces, patterns and shadings — each
  stream by its decoded data.

Annotations are not part of a page digest: a reviewer's sticky note, highlight or
signature field is listed separately (:func:`list_annotations`) so that an annotated
copy can be told apart from an altered one. Attachments and scripts are reported
by :func:`extras`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

SHOWN_VERSION = "papdesigner-shown-2"
_BOXES = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox")
_INHERITABLE = ("/MediaBox", "/CropBox", "/Rotate", "/Resources")
_SKIPPED_KEYS = frozenset({"/Parent", "/P", "/Length", "/Filter", "/DecodeParms", "/StructParents"})
_MAX_DEPTH = 40


@dataclass(frozen=True)
class PageShown:
    """The three parts of what one page shows, each a SHA-256 hex digest."""

    geometry: str
    content: str
    resources: str

    @property
    def digest(self) -> str:
        """One digest over the three parts."""
        joined = f"{SHOWN_VERSION}\n{self.geometry}\n{self.content}\n{self.resources}"
        return hashlib.sha256(joined.encode("ascii")).hexdigest()

    def difference(self, other: PageShown) -> str:
        """Say in words which part differs from ``other`` ("" when none)."""
        parts = [
            ("its size, crop or rotation", self.geometry, other.geometry),
            ("its drawn text and graphics", self.content, other.content),
            ("its fonts or images", self.resources, other.resources),
        ]
        return ", ".join(name for name, a, b in parts if a != b)


@dataclass(frozen=True)
class Annotation:
    """One annotation: on which page, of which kind, where, and what it says or links to."""

    page: int
    subtype: str
    rect: tuple[float, ...]
    target: str
    contents: str

    @property
    def label(self) -> str:
        """A short description for a person: kind and page."""
        kind = self.subtype.lstrip("/") or "annotation"
        return f"{kind} on page {self.page}"


@dataclass(frozen=True)
class Extras:
    """What a PDF carries besides its pages."""

    attachments: tuple[str, ...]
    scripts: bool
    form_fields: tuple[str, ...]
    signature_fields: tuple[str, ...]


class _Hasher:
    """Digests of PDF objects; indirect objects are hashed once (and cycles cut)."""

    def __init__(self) -> None:
        self._done: dict[tuple[int, int], bytes] = {}

    def digest(self, obj: Any, depth: int = 0) -> bytes:
        import pikepdf

        key = obj.objgen if isinstance(obj, pikepdf.Object) and obj.is_indirect else None
        if key is not None:
            if key in self._done:
                return self._done[key]
            self._done[key] = b"<cycle>"
        value = self._direct(obj, depth)
        if key is not None:
            self._done[key] = value
        return value

    def _direct(self, obj: Any, depth: int) -> bytes:
        import pikepdf

        h = hashlib.sha256()
        if depth > _MAX_DEPTH:
            return b"<too deep>"
        if isinstance(obj, pikepdf.Stream):
            h.update(b"stream")
            h.update(self._mapping(obj.stream_dict, depth))
            h.update(hashlib.sha256(obj.read_bytes()).digest())
        elif isinstance(obj, pikepdf.Dictionary):
            h.update(self._mapping(obj, depth))
        elif isinstance(obj, pikepdf.Array):
            h.update(b"array")
            for item in obj:
                h.update(self.digest(item, depth + 1))
        else:
            h.update(_scalar(obj).encode("utf-8", "replace"))
        return h.digest()

    def _mapping(self, obj: Any, depth: int) -> bytes:
        h = hashlib.sha256(b"dict")
        for name in sorted(str(k) for k in obj.keys()):  # noqa: SIM118 - pikepdf mapping
            if name in _SKIPPED_KEYS:
                continue
            h.update(name.encode("utf-8", "replace"))
            h.update(self.digest(obj[name], depth + 1))
        return h.digest()


def _scalar(obj: Any) -> str:
    if isinstance(obj, Decimal | float | int) and not isinstance(obj, bool):
        return f"n:{round(float(obj), 3)}"
    return f"{type(obj).__name__}:{obj}"


def _inherited(page: Any, key: str) -> Any:
    node, hops = page, 0
    while node is not None and hops < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        hops += 1
    return None


def _box(page: Any, key: str) -> tuple[float, ...]:
    value = _inherited(page, key) if key in _INHERITABLE else page.get(key)
    if value is None:
        # Crop defaults to media; the other boxes default to crop.
        fallback = "/MediaBox" if key == "/CropBox" else "/CropBox"
        return _box(page, fallback) if key != "/MediaBox" else (0.0, 0.0, 612.0, 792.0)
    return tuple(round(float(v), 2) for v in value)


def _geometry(page: Any) -> str:
    boxes = [_box(page, key) for key in _BOXES]
    rotate = int(_inherited(page, "/Rotate") or 0) % 360
    unit = float(page.get("/UserUnit", 1))
    return hashlib.sha256(repr((boxes, rotate, unit)).encode()).hexdigest()


def _content(page: Any, hasher: _Hasher) -> str:
    import pikepdf

    h = hashlib.sha256()
    contents = page.get("/Contents")
    streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or ())
    for stream in streams:
        # Streams are joined as a reader joins them; where the split falls does not show.
        h.update(stream.read_bytes() + b"\n")
    group = page.get("/Group")
    if group is not None:
        h.update(hasher.digest(group))
    return h.hexdigest()


def _page_shown(page: Any, hasher: _Hasher) -> PageShown:
    resources = _inherited(page, "/Resources")
    resources_digest = hasher.digest(resources).hex() if resources is not None else ""
    return PageShown(_geometry(page), _content(page, hasher), resources_digest)


def shown_pages(pdf: Any) -> tuple[PageShown, ...]:
    """What each page of an open ``pikepdf.Pdf`` shows, in page order."""
    hasher = _Hasher()
    return tuple(_page_shown(page.obj, hasher) for page in pdf.pages)


def document_digest(fingerprint: str, pages: tuple[PageShown, ...]) -> str:
    """One digest over the fingerprint and every page, as recorded in the PDF."""
    h = hashlib.sha256(SHOWN_VERSION.encode())
    h.update(b"\n" + fingerprint.encode("ascii", "replace"))
    for page in pages:
        h.update(b"\n" + page.digest.encode("ascii"))
    return h.hexdigest()


def _destination(dest: Any, page_numbers: dict[tuple[int, int], int]) -> str:
    """A link destination with its page named by number (page objects change on a save)."""
    import pikepdf

    if isinstance(dest, pikepdf.Array) and len(dest) > 0:
        first = dest[0]
        page = page_numbers.get(first.objgen, -1) if isinstance(first, pikepdf.Object) else -1
        rest = [_scalar(v) for v in list(dest)[1:]]
        return f"page {page} {' '.join(rest)}"
    return _scalar(dest)


def _target(annot: Any, page_numbers: dict[tuple[int, int], int]) -> str:
    dest = annot.get("/Dest")
    action = annot.get("/A")
    if action is not None:
        uri = action.get("/URI")
        if uri is not None:
            return f"uri:{uri}"
        if action.get("/D") is not None:
            return f"goto:{_destination(action.get('/D'), page_numbers)}"
        return f"action:{action.get('/S')}"
    return f"dest:{_destination(dest, page_numbers)}" if dest is not None else ""


def _page_annotations(
    number: int, page: Any, page_numbers: dict[tuple[int, int], int]
) -> Iterator[Annotation]:
    for annot in page.get("/Annots") or ():
        rect = tuple(round(float(v), 1) for v in (annot.get("/Rect") or ()))
        yield Annotation(
            page=number,
            subtype=str(annot.get("/Subtype", "")),
            rect=rect,
            target=_target(annot, page_numbers),
            contents=str(annot.get("/Contents", "")),
        )


def list_annotations(pdf: Any) -> tuple[Annotation, ...]:
    """Every annotation of every page, in page order."""
    page_numbers = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    found: list[Annotation] = []
    for number, page in enumerate(pdf.pages, start=1):
        found.extend(_page_annotations(number, page.obj, page_numbers))
    return tuple(found)


def _name_tree_keys(node: Any, depth: int = 0) -> Iterator[str]:
    if node is None or depth > 16:
        return
    names = node.get("/Names")
    if names is not None:
        yield from (str(names[i]) for i in range(0, len(names), 2))
    for kid in node.get("/Kids") or ():
        yield from _name_tree_keys(kid, depth + 1)


def _fields(root: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    form = root.get("/AcroForm")
    plain: list[str] = []
    signatures: list[str] = []
    for field in (form.get("/Fields") if form is not None else None) or ():
        name = str(field.get("/T", "unnamed"))
        (signatures if field.get("/FT") == "/Sig" else plain).append(name)
    return tuple(plain), tuple(signatures)


def extras(pdf: Any) -> Extras:
    """Attachments, scripts and form fields of an open ``pikepdf.Pdf``."""
    root = pdf.Root
    names = root.get("/Names")
    attached = list(_name_tree_keys(names.get("/EmbeddedFiles") if names is not None else None))
    attached += [a.label for a in list_annotations(pdf) if a.subtype == "/FileAttachment"]
    scripts = names is not None and names.get("/JavaScript") is not None
    opening = root.get("/OpenAction")
    scripts = scripts or "/AA" in root
    if opening is not None and not isinstance(opening, list) and "/S" in opening:
        scripts = scripts or str(opening.get("/S")) in ("/JavaScript", "/Launch")
    plain, signatures = _fields(root)
    return Extras(tuple(attached), scripts, plain, signatures)
