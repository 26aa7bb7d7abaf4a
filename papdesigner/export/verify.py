"""``verify``: does a PDF match a protocol, and is it as exported?

See :mod:`papdesigner.export.integrity` for what the digests cover and what they
cannot detect.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papdesigner.export.integrity import (
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


def _match(pdf_fingerprint: str, protocol: Protocol | None) -> tuple[bool, str]:
    if protocol is None:
        return True, "PDF is intact (no protocol given to compare)"
    actual = protocol_fingerprint(protocol)
    if actual != pdf_fingerprint:
        return False, (
            f"protocol changed since export: PDF fingerprint {pdf_fingerprint[:16]}…, "
            f"protocol fingerprint {actual[:16]}…"
        )
    return True, "PDF is intact and matches the protocol"


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


def verify_pdf(pdf: str | os.PathLike[str], protocol: Protocol | None = None) -> Verification:
    """Check that the PDF is intact and, with ``protocol``, that it was exported from it.

    Raises :class:`UnreadablePdfError` (or OSError) when the file cannot be read at all.
    """
    reader = open_pdf(Path(pdf).read_bytes())
    recorded_fp = metadata_value(reader, KEY_FINGERPRINT)
    recorded_digest = metadata_value(reader, KEY_DIGEST)
    pages = len(reader.pages)
    if not _HEX64.match(recorded_fp) or not _HEX64.match(recorded_digest):
        return Verification(False, "no papdesigner verification data in this PDF", pages)
    problem = _integrity_problem(reader, recorded_fp, recorded_digest)
    if problem is not None:
        return Verification(False, problem, pages, recorded_fp)
    ok, reason = _match(recorded_fp, protocol)
    return Verification(ok, reason, pages, recorded_fp)


__all__ = ["UnreadablePdfError", "Verification", "verify_pdf"]
