"""PDF export of a protocol and verification of exported PDFs (Qt-free).

Public API::

    from papdesigner.export import export_pdf, verify_pdf
    result = export_pdf(protocol, "out.pdf", report=report, progress=cb, cancel=stop)
    outcome = verify_pdf("out.pdf", protocol)      # outcome.ok, outcome.reason

reportlab is imported only when a PDF is built, so importing this package is cheap.
"""

from papdesigner.export.api import export_pdf, render_pdf
from papdesigner.export.pdfread import UnreadablePdfError
from papdesigner.export.results import ExportCancelled, ExportError, ExportResult, RenderedPdf
from papdesigner.export.verify import Verification, verify_pdf

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
