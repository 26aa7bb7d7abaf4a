"""Look at an exported PDF inside papdesigner, and print it.

The preview uses QtPdf (the PySide6-Pdf wheel), which renders PDF pages itself:
no system viewer is needed, so the hand-off to the ethics board works on a machine
without one. Printing draws the rendered pages on a :class:`QPrinter` chosen in the
system print dialog.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

NO_VIEWER = (
    "No program to open PDF files was found on this computer. The PDF is at:\n{path}\n\n"
    "Use Preview in papdesigner to read and print it, or open the file with any PDF reader."
)
"""What "Open PDF" says when the system has no viewer for PDF files."""


def open_in_system_viewer(parent: QWidget, path: Path) -> bool:
    """Open ``path`` with the system's PDF viewer; say so plainly if there is none."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QMessageBox.information(parent, "No PDF viewer", NO_VIEWER.format(path=path))
    return False


class PdfPreviewDialog(QDialog):
    """The pages of one PDF, scrolled continuously, with Print and Open buttons."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"Preview — {path.name}")
        self.pdf = QPdfDocument(self)
        error = self.pdf.load(str(path))
        self.view = QPdfView(self)
        self.view.setAccessibleName("PDF pages")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.info = QLabel()
        self.info.setAccessibleName("PDF information")
        if error != QPdfDocument.Error.None_:
            self.info.setText(f"The PDF could not be read ({error.name}): {path}")
        else:
            self.info.setText(f"{path.name}: {self.page_count()} pages")
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("Print the PDF on a printer of this computer")
        self.print_button.setEnabled(self.page_count() > 0)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.open_button = QPushButton("Open in PDF viewer")
        self.open_button.clicked.connect(lambda: open_in_system_viewer(self, self.path))
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(900, 1000)  # fitted to the screen when shown (screen_fit.DialogFitter)

    def page_count(self) -> int:
        """Number of pages of the loaded PDF (0 if it could not be read)."""
        return int(self.pdf.pageCount())

    def render_page(self, index: int, width: int) -> Any:
        """Page ``index`` as an image ``width`` pixels wide (a QImage)."""
        points = self.pdf.pagePointSize(index)
        height = round(width * points.height() / max(points.width(), 1.0))
        return self.pdf.render(index, QSize(width, height))

    def print_to(self, printer: QPrinter) -> int:
        """Draw every page on ``printer``, one sheet each; return the number printed."""
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        printed = 0
        try:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            for index in range(self.page_count()):
                if index:
                    printer.newPage()
                image = self.render_page(index, area.width())
                scaled = image.scaled(
                    area.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                painter.drawImage(0, 0, scaled)
                printed += 1
        finally:
            painter.end()
        return printed

    def print_with_dialog(self) -> int:
        """Ask for a printer and print; return the number of pages sent."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.path.name)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        return self.print_to(printer)


def preview_protocol(window: Any) -> PdfPreviewDialog | None:
    """Export the window's protocol to a temporary PDF and show it in a preview.

    The temporary folder lives as long as the dialog; nothing is left behind.
    """
    folder = tempfile.TemporaryDirectory(prefix="papdesigner-preview-")
    from papdesigner.model.filenames import protocol_file_stem

    stem = protocol_file_stem(window.document.protocol)
    report = window.runner.report if window.runner.is_current() else None
    result = window.exporter.export(
        Path(folder.name) / f"{stem}-preview.pdf",
        report=report,
        offer_open=False,
        remember_folder=False,
    )
    if result is None:
        folder.cleanup()
        return None
    dialog = PdfPreviewDialog(result.path, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.destroyed.connect(lambda *_a: folder.cleanup())
    dialog.show()
    return dialog
