"""``verify``: does a PDF match a protocol, and is it as exported?

See :mod:`papdesigner.export.integrity` for what the digests cover and what they
cannot detect.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from papdesigner.export.integrity import (
    KEY_DIGEST,
    KEY_FINGERPRINT,
    KEY_PAGES,
    PAGE_DIGEST_CHARS,
    PdfReadProblem,
    compute_digests,
    metadata_value,
    open_pdf,
)
from papdesigner.model.fileformat import fingerprint as protocol_fingerprint
from papdesigner.model.protocol import Protocol

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
    changed = [str(i + 1) for i, (a, b) in enumerate(zip(short, computed, strict=True))
               if a != b[:PAGE_DIGEST_CHARS]]
    if changed:
        return f"the content of page {', '.join(changed)} was altered"
    return "the document metadata or recorded fingerprint was altered"


def verify_pdf(pdf: str | os.PathLike[str], protocol: Protocol | None = None) -> Verification:
    """Check that the PDF is intact and, with ``protocol``, that it was exported from it.

    Raises :class:`PdfReadProblem` (or OSError) when the file cannot be read at all.
    """
    reader = open_pdf(Path(pdf).read_bytes())
    recorded_fp = metadata_value(reader, KEY_FINGERPRINT)
    recorded_digest = metadata_value(reader, KEY_DIGEST)
    pages = len(reader.pages)
    if not _HEX64.match(recorded_fp) or not _HEX64.match(recorded_digest):
        return Verification(False, "no papdesigner verification data in this PDF", pages)
    try:
        digests = compute_digests(reader, recorded_fp)
    except Exception as exc:  # a damaged stream or object: pypdf raises many types
        reason = f"PDF is damaged or was altered: its pages cannot be read ({type(exc).__name__})"
        return Verification(False, reason, pages, recorded_fp)
    if digests.document != recorded_digest:
        reason = _altered_pages(metadata_value(reader, KEY_PAGES), digests.pages)
        return Verification(False, f"PDF was altered after export: {reason}", pages, recorded_fp)
    first_page = re.sub(r"\s+", "", reader.pages[0].extract_text() or "")
    if recorded_fp not in first_page:
        return Verification(
            False, "PDF was altered: the title page does not show the recorded fingerprint",
            pages, recorded_fp,
        )
    if protocol is not None:
        actual = protocol_fingerprint(protocol)
        if actual != recorded_fp:
            return Verification(
                False,
                f"protocol changed since export: PDF fingerprint {recorded_fp[:16]}…, "
                f"protocol fingerprint {actual[:16]}…",
                pages,
                recorded_fp,
            )
        return Verification(True, "PDF is intact and matches the protocol", pages, recorded_fp)
    return Verification(True, "PDF is intact (no protocol given to compare)", pages, recorded_fp)


__all__ = ["PdfReadProblem", "Verification", "verify_pdf"]
