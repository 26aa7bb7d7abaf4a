"""Reading a PDF someone hands to ``verify``: bounded in size, one clear error.

A PDF under verification is untrusted input. It is read only when it is a regular
file no larger than :data:`MAX_PDF_BYTES` (an exported protocol is well under a
megabyte per ten pages), and parsed with pikepdf (qpdf), which repairs or refuses
damaged files without running anything they contain.
"""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

MAX_PDF_BYTES = 256 * 1024 * 1024


class UnreadablePdfError(ValueError):
    """The file is not a PDF that can be read at all."""


def read_pdf_bytes(path: Path) -> bytes:
    """Return the bytes of ``path`` after checking it is a regular file of bounded size.

    Raises OSError subclasses for missing or unreadable files, and
    :class:`UnreadablePdfError` for a pipe, device or an oversized file.
    """
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "is a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        msg = "not a regular file (a pipe, device or socket cannot be verified)"
        raise UnreadablePdfError(msg)
    if info.st_size > MAX_PDF_BYTES:
        size = f"{info.st_size:,} bytes; limit {MAX_PDF_BYTES:,}"
        msg = f"too large to be an exported protocol ({size})"
        raise UnreadablePdfError(msg)
    with path.open("rb") as handle:
        return handle.read(MAX_PDF_BYTES + 1)


def open_pdf(data: bytes) -> Any:
    """Open PDF bytes with pikepdf (a context manager); raise :class:`UnreadablePdfError`."""
    import pikepdf

    if b"%PDF-" not in data[:1024]:
        msg = "not a PDF (no %PDF header)"
        raise UnreadablePdfError(msg)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
        _ = len(pdf.pages)
    except pikepdf.PasswordError:
        msg = "the PDF is encrypted with a password; an exported protocol never is"
        raise UnreadablePdfError(msg) from None
    except Exception as exc:  # qpdf reports damaged files with several exception types
        first = str(exc).splitlines()[0] if str(exc) else ""
        msg = f"not a readable PDF ({type(exc).__name__}: {first})"
        raise UnreadablePdfError(msg) from None
    return pdf
