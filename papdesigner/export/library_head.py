"""The library head an exported PDF came from, recorded in its verification record.

An exported PDF leaves the computer (to an ethics board, a sponsor). When it
records the library's newest version at export time (``/LibraryHead`` =
``<version id>:<version hash>`` in the catalog's ``/PapdesignerVerification``),
``papdesigner library verify --pdf FILE`` can later check that this version is
still in the library with that hash: a library whose newest versions were
deleted, or whose history was rewritten and re-hashed, fails the check even
when its own witness was rewritten too.

The entry is not covered by the PDF's digest: it is a statement to compare
against the library, not proof that the PDF is intact (``papdesigner verify``
checks that).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_VALUE = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


def format_head(head: tuple[int, str]) -> str:
    """The recorded form of a library head: ``<version id>:<version hash>``."""
    return f"{head[0]}:{head[1]}"


def parse_head(value: str) -> tuple[int, str] | None:
    """Read a recorded head; None when ``value`` is not one."""
    match = _VALUE.match(value.strip())
    return (int(match.group(1)), match.group(2)) if match else None


def recorded_head(pdf: str | os.PathLike[str]) -> tuple[int, str] | None:
    """Return the library head a PDF records, or None when it records none.

    Raises :class:`~papdesigner.export.pdfread.UnreadablePdfError` for a file that
    is not a readable PDF (or too large to be one of ours), OSError when it cannot
    be read.
    """
    from papdesigner.export.finish import KEY_LIBRARY_HEAD, RECORD_KEY
    from papdesigner.export.pdfread import open_pdf, read_pdf_bytes

    with open_pdf(read_pdf_bytes(Path(pdf))) as document:
        record = document.Root.get(RECORD_KEY)
        value = record.get(KEY_LIBRARY_HEAD) if record is not None else None
        return parse_head(str(value)) if value is not None else None
