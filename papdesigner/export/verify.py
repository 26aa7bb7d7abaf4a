"""``verify``: does a PDF match a protocol, and is it as exported?

See :mod:`papdesigner.export.integrity` for what the digests cover and what they
cannot detect.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.export.integrity import (
    KEY_COMPLIANCE,
    KEY_DIGEST,
    KEY_FINGERPRINT,
    KEY_PAGES,
    PAGE_DIGEST_CHARS,
    UnreadablePdfError,
    compute_digests,
    metadata_value,
    open_pdf,
)
from papdesigner.model.fileformat import fingerprint as protocol_fingerprint
from papdesigner.model.protocol import Protocol

if TYPE_CHECKING:
    from papdesigner.rules import Catalogue

MAX_PDF_BYTES = 256 * 1024 * 1024
"""Largest PDF verify reads; an exported protocol is a few megabytes."""


class PdfTooLargeError(ValueError):
    """The file is larger than any PDF papdesigner exports (it is not read)."""


_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Verification:
    """The outcome of a verification; ``reason`` is one line for a person."""

    ok: bool
    reason: str
    pages: int = 0
    fingerprint: str = ""


def _altered_pages(recorded: str, computed: tuple[str, ...]) -> str:
    short = recorded.split()
    if len(short) != len(computed):
        return f"the PDF has {len(computed)} pages but {len(short)} were exported"
    changed = [
        str(i + 1)
        for i, (a, b) in enumerate(zip(short, computed, strict=True))
        if a != b[:PAGE_DIGEST_CHARS]
    ]
    if changed:
        return f"the content of page {', '.join(changed)} was altered"
    return "the document metadata or recorded fingerprint was altered"


def _match(
    reader: Any, pdf_fingerprint: str, protocol: Protocol | None, catalogue: Catalogue | None
) -> tuple[bool, str]:
    if protocol is None:
        return True, "PDF is intact (no protocol given to compare)"
    actual = protocol_fingerprint(protocol)
    if actual != pdf_fingerprint:
        return False, (
            f"protocol changed since export: PDF fingerprint {pdf_fingerprint[:16]}…, "
            f"protocol fingerprint {actual[:16]}…"
        )
    return _compliance(reader, protocol, catalogue)


def _compliance(reader: Any, protocol: Protocol, catalogue: Catalogue | None) -> tuple[bool, str]:
    """Re-check the PDF's compliance statement against the protocol."""
    from papdesigner.export.recheck import coverage_text, recheck
    from papdesigner.export.statement import statement_from_json
    from papdesigner.rules import default_catalogue

    recorded = metadata_value(reader, KEY_COMPLIANCE)
    if not recorded:
        return True, (
            "PDF is intact and matches the protocol; it records no compliance statement "
            "(exported by an older papdesigner), so its compliance status was not re-checked"
        )
    try:
        statement = statement_from_json(recorded)
    except ValueError as exc:
        return False, f"PDF was altered: {exc}"
    problem = recheck(statement, protocol, catalogue or default_catalogue())
    if problem is not None:
        return False, f"PDF matches the protocol, but {problem}"
    return True, f"PDF is intact and matches the protocol; {coverage_text(statement)}"


def _integrity_problem(reader: Any, fingerprint: str, recorded_digest: str) -> str | None:
    """Why the PDF is not as exported, or None when its digests match."""
    try:
        digests = compute_digests(reader, fingerprint)
    except Exception as exc:  # a damaged stream or object: pypdf raises many types
        return f"PDF is damaged or was altered: its pages cannot be read ({type(exc).__name__})"
    if digests.document != recorded_digest:
        reason = _altered_pages(metadata_value(reader, KEY_PAGES), digests.pages)
        return f"PDF was altered after export: {reason}"
    first_page = re.sub(r"\s+", "", reader.pages[0].extract_text() or "")
    if fingerprint not in first_page:
        return "PDF was altered: the title page does not show the recorded fingerprint"
    return None


def _read_pdf(pdf: str | os.PathLike[str]) -> bytes:
    """The file's bytes; its size is checked first (a 3 GB file is not read)."""
    path = Path(pdf)
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise PdfTooLargeError("not a regular file")
    if info.st_size > MAX_PDF_BYTES:
        raise PdfTooLargeError("larger than any exported PDF (not read)")
    with path.open("rb") as handle:
        data = handle.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        msg = "larger than any exported PDF"
        raise PdfTooLargeError(msg)
    return data


def verify_pdf(
    pdf: str | os.PathLike[str],
    protocol: Protocol | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> Verification:
    """Check that the PDF is intact and, with ``protocol``, that it was exported from it.

    With a protocol, the PDF's compliance statement is re-checked: the rule sets it
    names (from ``catalogue``, default shipped and user sets) are run again and must
    give the counts the PDF states, and no applicable shipped set may be left out
    unsaid. Raises :class:`UnreadablePdfError`, :class:`PdfTooLargeError` (or
    OSError) when the file cannot be read at all.
    """
    reader = open_pdf(_read_pdf(pdf))
    recorded_fp = metadata_value(reader, KEY_FINGERPRINT)
    recorded_digest = metadata_value(reader, KEY_DIGEST)
    pages = len(reader.pages)
    if not _HEX64.match(recorded_fp) or not _HEX64.match(recorded_digest):
        return Verification(False, "no papdesigner verification data in this PDF", pages)
    problem = _integrity_problem(reader, recorded_fp, recorded_digest)
    if problem is not None:
        return Verification(False, problem, pages, recorded_fp)
    ok, reason = _match(reader, recorded_fp, protocol, catalogue)
    return Verification(ok, reason, pages, recorded_fp)


__all__ = ["PdfTooLargeError", "UnreadablePdfError", "Verification", "verify_pdf"]
