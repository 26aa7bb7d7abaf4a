"""``verify``: does every page of a PDF show exactly what its protocol produces?

With the protocol file, the PDF is re-created from it (same export date, rule sets
and template folder as recorded in the PDF, same build of papdesigner) and every
page is compared with the re-created one by what it shows (:mod:`.shown`): text,
drawings, geometry, rotation, fonts and images. Annotations, comments and form
fields that a reviewer added are listed separately and do not fail verification;
attachments and scripts do. Signatures are validated offline (:mod:`.signing`).
The compliance status the PDF states is re-checked first: the same rule sets must
give the same counts, and no applicable shipped set may be left out unsaid
(:mod:`.recheck`).

Without the protocol file only the digests recorded in the PDF can be recomputed.
That shows the file is consistent, not that it is authentic: the digests carry no
key, so anyone with this program can recompute them after an edit. The verdict says so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.export import finish
from papdesigner.export.pdfread import UnreadablePdfError, open_pdf, read_pdf_bytes
from papdesigner.export.shown import (
    Annotation,
    PageShown,
    document_digest,
    extras,
    list_annotations,
    shown_pages,
)
from papdesigner.model.fileformat import fingerprint as protocol_fingerprint
from papdesigner.model.protocol import Protocol

if TYPE_CHECKING:
    from papdesigner.rules import Catalogue

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
WITHOUT_KEY = (
    "integrity only: without the protocol file these digests can be recomputed by anyone "
    "who edits the PDF; give the protocol file to compare every page, or check a signature"
)


@dataclass(frozen=True)
class Verification:
    """The outcome of a verification.

    ``reason`` is one line for a person; ``notes`` are further lines (reviewer
    annotations, signatures, the limits of the check).
    """

    ok: bool
    reason: str
    pages: int = 0
    fingerprint: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recorded:
    """The verification record read from a PDF's document information."""

    format: str
    fingerprint: str
    digest: str
    pages: tuple[str, ...]
    exported: dt.date | None
    recipe: str
    recreate: dict[str, Any] = field(default_factory=dict)
    compliance: str = ""


@dataclass(frozen=True)
class Recreation:
    """What ``verify`` may use to re-create a PDF: extra rule-set folders, a template folder.

    ``catalogue`` is the rule sets already loaded from ``rules_dirs`` (the command line
    loads them once to refuse a broken set); None loads them here.
    """

    rules_dirs: Sequence[str | os.PathLike[str]] = ()
    template_dir: str | os.PathLike[str] | None = None
    catalogue: Catalogue | None = None


def _info(pdf: Any, key: str) -> str:
    import pikepdf

    record = pdf.Root.get(finish.RECORD_KEY)
    if not isinstance(record, pikepdf.Dictionary):
        return ""
    value = record.get(key)
    return str(value) if isinstance(value, pikepdf.String) else ""


def _recorded(pdf: Any) -> Recorded:
    try:
        exported: dt.date | None = dt.date.fromisoformat(_info(pdf, finish.KEY_EXPORTED))
    except ValueError:
        exported = None
    try:
        recreate = json.loads(_info(pdf, finish.KEY_RECREATE) or "{}")
    except ValueError:
        recreate = {}
    return Recorded(
        format=_info(pdf, finish.KEY_FORMAT),
        fingerprint=_info(pdf, finish.KEY_FINGERPRINT),
        digest=_info(pdf, finish.KEY_DIGEST),
        pages=tuple(_info(pdf, finish.KEY_PAGES).split()),
        exported=exported,
        recipe=_info(pdf, finish.KEY_RECIPE),
        recreate=recreate if isinstance(recreate, dict) else {},
        compliance=_info(pdf, finish.KEY_COMPLIANCE),
    )


def _differing_pages(given: tuple[str, ...], expected: tuple[str, ...]) -> list[int]:
    return [i + 1 for i, (a, b) in enumerate(zip(given, expected, strict=True)) if a != b]


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:8])
    more = f" and {len(numbers) - 8} more" if len(numbers) > 8 else ""
    return f"page{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _check_digests(recorded: Recorded, shown: tuple[PageShown, ...]) -> str | None:
    """Why the recomputed digests disagree with the recorded ones, or None."""
    digests = tuple(p.digest for p in shown)
    if len(recorded.pages) != len(digests):
        return f"the PDF has {len(digests)} pages but {len(recorded.pages)} were exported"
    changed = _differing_pages(digests, recorded.pages)
    if changed:
        return f"{_page_list(changed)} changed after export"
    if document_digest(recorded.fingerprint, shown) != recorded.digest:
        return "the recorded fingerprint or digests were altered"
    return None


def _hazards(pdf: Any) -> str | None:
    found = extras(pdf)
    if found.attachments:
        return f"the PDF carries attached files the export does not make ({found.attachments[0]})"
    if found.scripts:
        return "the PDF carries scripts or automatic actions the export does not make"
    return None


def _annotation_notes(given: tuple[Annotation, ...], original: set[Annotation]) -> list[str]:
    added = [a for a in given if a not in original]
    if not added:
        return []
    kinds = ", ".join(a.label for a in added[:6]) + (" …" if len(added) > 6 else "")
    return [f"{len(added)} reviewer annotation(s) or form field(s) added: {kinds}"]


def _record_problem(recorded: Recorded) -> str | None:
    if recorded.format == "1":
        return (
            "made by an earlier papdesigner (verification format 1): export the protocol "
            "again to get a PDF that can be verified page by page"
        )
    if not (_HEX64.match(recorded.fingerprint) and _HEX64.match(recorded.digest)):
        return "no papdesigner verification data in this PDF"
    return None


@dataclass(frozen=True)
class _Read:
    """What verify reads from the PDF in one pass."""

    recorded: Recorded
    pages: int
    shown: tuple[PageShown, ...]
    annotations: tuple[Annotation, ...]
    problem: str | None


def _read(data: bytes, compare_digests: bool) -> _Read:
    with open_pdf(data) as pdf:
        recorded = _recorded(pdf)
        problem = _record_problem(recorded)
        if problem is not None:
            return _Read(recorded, len(pdf.pages), (), (), problem)
        try:
            return _read_pages(pdf, recorded, compare_digests)
        except Exception as exc:  # a damaged file: qpdf repairs it into unexpected shapes
            damaged = (
                f"PDF is damaged or was altered: its pages cannot be read ({type(exc).__name__})"
            )
            return _Read(recorded, len(pdf.pages), (), (), damaged)


def _read_pages(pdf: Any, recorded: Recorded, compare_digests: bool) -> _Read:
    hazard = _hazards(pdf)
    shown = shown_pages(pdf) if hazard is None else ()
    if hazard is None and compare_digests:
        hazard = _check_digests(recorded, shown)
    problem = f"PDF was altered: {hazard}" if hazard else None
    return _Read(recorded, len(pdf.pages), shown, list_annotations(pdf), problem)


def verify_pdf(
    pdf_path: str | os.PathLike[str],
    protocol: Protocol | None = None,
    *,
    recreation: Recreation | None = None,
    trusted_certificates: Sequence[bytes] = (),
) -> Verification:
    """Verify the PDF at ``pdf_path``; with ``protocol``, page by page against a re-creation.

    Raises :class:`UnreadablePdfError` (or OSError) when the file cannot be read at all.
    """
    from papdesigner.export.signing import signature_notes

    data = read_pdf_bytes(Path(pdf_path))
    read = _read(data, compare_digests=protocol is None)
    facts = (read.pages, read.recorded.fingerprint)
    if read.problem is not None:
        return Verification(False, read.problem, *facts)
    signed_ok, signatures = signature_notes(data, trusted_certificates)
    if not signed_ok:
        return Verification(False, signatures[0], *facts, tuple(signatures[1:]))
    if protocol is None:
        return Verification(True, "PDF is intact", *facts, (*signatures, WITHOUT_KEY))
    from papdesigner.export.recreate import compare_with_protocol

    outcome = compare_with_protocol(protocol, read.recorded, read.shown, recreation or Recreation())
    if not outcome.ok:
        return Verification(False, outcome.reason, *facts)
    notes = [*outcome.notes, *_annotation_notes(read.annotations, outcome.annotations)]
    reason = "every page shows exactly what this protocol produces"
    return Verification(True, reason, *facts, (*notes, *signatures))


def fingerprint_problem(recorded_fingerprint: str, protocol: Protocol) -> str | None:
    """Why ``protocol`` is not the one the PDF was exported from, or None."""
    actual = protocol_fingerprint(protocol)
    if actual == recorded_fingerprint:
        return None
    return (
        f"protocol changed since export: PDF fingerprint {recorded_fingerprint[:16]}…, "
        f"protocol fingerprint {actual[:16]}…"
    )


__all__ = ["Recreation", "UnreadablePdfError", "Verification", "verify_pdf"]
