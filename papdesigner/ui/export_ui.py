"""PDF export from the window: choose a file, show progress (cancellable), then open it.

The export runs in a worker thread; a local event loop keeps the window
painting and responsive while it runs, and the Cancel button stops it between
two steps (no file is written then).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from papdesigner.model.protocol import Protocol
from papdesigner.ui.document import ProtocolDocument
from papdesigner.ui.errors import show_error
from papdesigner.ui.gc_guard import install_gc_guard
from papdesigner.ui.settings import AppSettings


class _ExportWorker(QObject):
    sig_progress = Signal(float, str)
    sig_finished = Signal(object, str)  # result or None, error message ("cancelled" if so)

    def __init__(
        self, protocol: Protocol, target: Path, report: Any, library_head: Any = None
    ) -> None:
        super().__init__()
        self.protocol, self.target, self.report = protocol, target, report
        self.library_head = library_head
        self.stop = threading.Event()

    def run(self) -> None:
        from papdesigner.export import ExportCancelled, ExportError, export_pdf

        try:
            result = export_pdf(
                self.protocol,
                self.target,
                report=self.report,
                progress=self.sig_progress.emit,
                cancel=self.stop.is_set,
                library_head=self.library_head,
            )
        except ExportCancelled:
            self.sig_finished.emit(None, "cancelled")
        except ExportError as exc:
            self.sig_finished.emit(None, str(exc))
        except Exception as exc:  # a bug in the export: reported in words, not a traceback
            self.sig_finished.emit(None, f"{type(exc).__name__}: {exc}")
        else:
            self.sig_finished.emit(result, "")


class ExportController(QObject):
    """Runs PDF exports for a window."""

    sig_status = Signal(str)
    """Emitted with a status-bar message about the export."""

    def __init__(self, document: ProtocolDocument, settings: AppSettings, window: QWidget) -> None:
        super().__init__(window)
        install_gc_guard()  # the export runs in a QThread: garbage must be collected here
        self.document = document
        self.settings = settings
        self.window = window
        self.last_result: Any = None
        self.last_error = ""
        self.progress_dialog: QProgressDialog | None = None
        self._outcome: dict[str, Any] = {}
        self.library_head: Callable[[], tuple[int, str] | None] = lambda: None
        """Gives the library head to record in the PDF (the window sets it)."""

    def choose_target(self) -> Path | None:
        """Ask where to write the PDF."""
        meta = self.document.protocol.metadata
        stem = meta.acronym or meta.protocol_number or "protocol"
        safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in f"{stem}-v{meta.version}")
        suggested = str(Path(self.settings.folder("pdf")) / f"{safe}.pdf")
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export PDF", suggested, "PDF documents (*.pdf)"
        )
        if not path:
            return None
        return Path(path if path.lower().endswith(".pdf") else path + ".pdf")

    def export(
        self,
        target: Path | None = None,
        *,
        report: Any = None,
        offer_open: bool = True,
        remember_folder: bool = True,
    ) -> Any:
        """Export the current protocol; return the result (None if cancelled or failed).

        ``remember_folder=False`` for a preview's temporary file: the next Export dialog
        still suggests the user's own folder.
        """
        target = target or self.choose_target()
        if target is None:
            return None
        if remember_folder:
            self.settings.set_folder("pdf", target.resolve().parent)
        worker = _ExportWorker(
            self.document.protocol.model_copy(deep=True), target, report, self.library_head()
        )
        dialog = self._progress_dialog(target)
        thread = QThread(self)
        worker.moveToThread(thread)
        loop = QEventLoop(self)
        self._outcome = {}
        # Bound methods of this (main-thread) object: Qt queues the worker's signals to us.
        worker.sig_progress.connect(self._on_worker_progress)
        worker.sig_finished.connect(self._on_worker_finished)
        worker.sig_finished.connect(thread.quit)
        dialog.canceled.connect(worker.stop.set)
        thread.started.connect(worker.run)
        thread.finished.connect(loop.quit)
        thread.start()
        loop.exec()
        thread.wait()
        dialog.close()
        self.progress_dialog = None
        return self._conclude(
            self._outcome.get("result"), self._outcome.get("error", ""), offer_open
        )

    def _on_worker_progress(self, fraction: float, message: str) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setValue(int(fraction * 100))
            self.progress_dialog.setLabelText(message[:1].upper() + message[1:] + "…")

    def _on_worker_finished(self, result: Any, error: str) -> None:
        self._outcome = {"result": result, "error": error}

    def _progress_dialog(self, target: Path) -> QProgressDialog:
        dialog = QProgressDialog(f"Exporting {target.name}…", "Cancel", 0, 100, self.window)
        dialog.setWindowTitle("Export PDF")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        self.progress_dialog = dialog
        return dialog

    def _conclude(self, result: Any, error: str, offer_open: bool) -> Any:
        self.last_result, self.last_error = result, error
        if result is None:
            if error == "cancelled":
                self.sig_status.emit("Export cancelled; no file was written")
            else:
                self.sig_status.emit("Export failed")
                show_error(self.window, "The PDF could not be exported", error)
            return None
        draft = " (DRAFT: unwaived errors remain)" if result.draft else ""
        self.sig_status.emit(f"Exported {result.path.name}: {result.pages} pages{draft}")
        if offer_open:
            self._offer_open(result)
        return result

    def _offer_open(self, result: Any) -> None:
        box = QMessageBox(self.window)
        box.setWindowTitle("PDF exported")
        box.setIcon(QMessageBox.Icon.Information)
        draft = "\n\nIt is marked DRAFT because unwaived errors remain." if result.draft else ""
        facts = f"{result.pages} pages, fingerprint {result.fingerprint[:12]}…"
        box.setText(f"{result.path.name}: {facts}{draft}")
        preview_button = box.addButton("Preview and print", QMessageBox.ButtonRole.AcceptRole)
        open_button = box.addButton("Open PDF", QMessageBox.ButtonRole.ActionRole)
        folder_button = box.addButton("Show folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        from papdesigner.ui.pdf_preview import PdfPreviewDialog, open_in_system_viewer

        if box.clickedButton() is preview_button:
            PdfPreviewDialog(result.path, self.window).exec()
        elif box.clickedButton() is open_button:
            open_in_system_viewer(self.window, result.path)
        elif box.clickedButton() is folder_button and not QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(result.path.parent))
        ):
            QMessageBox.information(
                self.window, "No file manager", f"The PDF is in this folder:\n{result.path.parent}"
            )
