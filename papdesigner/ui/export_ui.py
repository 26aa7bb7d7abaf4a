"""PDF export from the window: choose a file, show progress (cancellable), then open it.

The export runs in a worker thread; a local event loop keeps the window
painting and responsive while it runs, and the Cancel button stops it between
two steps (no file is written then).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from papdesigner.ui.background import BackgroundRunner, BackgroundTask, TaskControl, error_text
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.errors import show_error
from papdesigner.ui.settings import AppSettings


def _export_error(exc: Exception) -> str:
    """The outcome text of a failed export: "cancelled", the export's own words, or the bug."""
    from papdesigner.export import ExportCancelled, ExportError

    if isinstance(exc, ExportCancelled):
        return "cancelled"
    if isinstance(exc, ExportError):
        return str(exc)
    return error_text(exc)  # a bug in the export: reported in words, not a traceback


class ExportController(QObject):
    """Runs PDF exports for a window."""

    sig_status = Signal(str)
    """Emitted with a status-bar message about the export."""

    def __init__(self, document: EditedProtocol, settings: AppSettings, window: QWidget) -> None:
        super().__init__(window)
        self._background = BackgroundRunner(self)
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
        from papdesigner.model.filenames import protocol_file_stem, safe_file_stem

        protocol = self.document.protocol
        safe = safe_file_stem(f"{protocol_file_stem(protocol)}-v{protocol.metadata.version}")
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
        protocol = self.document.protocol.model_copy(deep=True)
        library_head = self.library_head()

        def export(control: TaskControl) -> Any:
            from papdesigner.export import export_pdf

            return export_pdf(
                protocol,
                target,
                report=report,
                progress=control.progress,
                cancel=control.cancelled,
                library_head=library_head,
            )

        dialog = self._progress_dialog(target)
        loop = QEventLoop(self)
        self._outcome = {}
        task = self._background.start(export, describe=_export_error)
        task.sig_progress.connect(self._on_export_progress)
        task.sig_finished.connect(self._on_export_finished)
        task.sig_finished.connect(loop.quit)
        dialog.canceled.connect(task.cancel)
        loop.exec()  # the window keeps painting; Cancel reaches the task
        dialog.close()
        self.progress_dialog = None
        return self._conclude(
            self._outcome.get("result"), self._outcome.get("error", ""), offer_open
        )

    @Slot(float, str)
    def _on_export_progress(self, fraction: float, message: str) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setValue(int(fraction * 100))
            self.progress_dialog.setLabelText(message[:1].upper() + message[1:] + "…")

    @Slot(object)
    def _on_export_finished(self, task: BackgroundTask) -> None:
        self._outcome = {"result": task.result, "error": task.error}

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
