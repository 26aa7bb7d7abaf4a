"""PDF export of a protocol and verification of exported PDFs (Qt-free).

Public API::

    from papdesigner.export import export_pdf, verify_pdf
    result = export_pdf(protocol, "out.pdf", report=report, progress=cb, cancel=stop)
    outcome = verify_pdf("out.pdf", protocol)      # outcome.ok, outcome.reason

Names are imported on first use (a module ``__getattr__``), so importing one small
module of this package, or the package itself, loads neither reportlab, jinja2 nor
pikepdf.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from papdesigner.export.api import export_pdf, render_pdf
    from papdesigner.export.pdfread import UnreadablePdfError
    from papdesigner.export.results import (
        ExportCancelled,
        ExportError,
        ExportResult,
        RenderedPdf,
    )
    from papdesigner.export.verify import Verification, verify_pdf

_HOMES = {
    "export_pdf": "api",
    "render_pdf": "api",
    "UnreadablePdfError": "pdfread",
    "ExportCancelled": "results",
    "ExportError": "results",
    "ExportResult": "results",
    "RenderedPdf": "results",
    "Verification": "verify",
    "verify_pdf": "verify",
}
"""The module of this package that defines each public name."""

__all__ = [
    "ExportCancelled",
    "ExportError",
    "ExportResult",
    "RenderedPdf",
    "UnreadablePdfError",
    "Verification",
    "export_pdf",
    "render_pdf",
    "verify_pdf",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
