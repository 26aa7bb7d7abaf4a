"""Files and the library from the window's point of view.

New from template, Open (a file or a protocol in the library), Save (a new
version in the library, with a message), Save As / Export to ``*.pap.json``,
version history, recent protocols, autosave with recovery after a crash, and the
unsaved-changes prompt. The library is opened lazily, the first time it is
needed, so starting the app never waits for it.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from papdesigner.model.fileformat import (
    FILE_SUFFIX,
    ProtocolFileError,
    load_protocol,
    save_protocol,
)
from papdesigner.model.protocol import Protocol
from papdesigner.ui.dialogs.library_dialogs import (
    LibraryBrowserDialog,
    RecoveryDialog,
    SaveVersionDialog,
    VersionHistoryDialog,
)
from papdesigner.ui.document import ProtocolDocument
from papdesigner.ui.errors import show_error
from papdesigner.ui.settings import AppSettings, RecentEntry

AUTOSAVE_FLUSH_MS = 1000
FILE_FILTER = f"papdesigner protocols (*{FILE_SUFFIX});;JSON files (*.json)"


class FileController(QObject):
    """Opens, saves and autosaves the window's document."""

    sig_status = Signal(str)
    """Emitted with a short message for the status bar ("Saved version 3")."""

    sig_recent_changed = Signal()
    """Emitted when the list of recent protocols changed."""

    sig_jump_requested = Signal(str)
    """Emitted with a JSON path the user wants to see (from the compare dialog)."""

    def __init__(self, document: ProtocolDocument, settings: AppSettings, window: QWidget) -> None:
        super().__init__(window)
        self.document = document
        self.settings = settings
        self.window = window
        self._library: Any = None
        self.library_error = ""
        self.base_version_id: int | None = None
        self._flush = QTimer(self)
        self._flush.setInterval(AUTOSAVE_FLUSH_MS)
        self._flush.timeout.connect(self._on_flush_timeout)
        document.sig_changed.connect(self._on_document_changed)

    # ---- the library ------------------------------------------------------------------------

    def library(self, *, quiet: bool = False) -> Any:
        """The library, opened on first use; None (after an error dialog) if it cannot open."""
        if self._library is not None:
            return self._library
        from papdesigner.store import Library, LibraryError

        try:
            self._library = Library.open()
        except LibraryError as exc:
            self.library_error = str(exc)
            if not quiet:
                show_error(self.window, "The library cannot be opened", str(exc))
            return None
        self._flush.start()
        return self._library

    def close_library(self) -> None:
        """Flush autosaves and close the library cleanly (drafts are discarded)."""
        self._flush.stop()
        if self._library is not None:
            from papdesigner.store import LibraryError

            with suppress(LibraryError):  # best effort: drafts then stay recoverable
                self._library.close()
            self._library = None

    # ---- autosave and recovery ----------------------------------------------------------------

    def _on_document_changed(self, _change: object) -> None:
        if self.document.is_modified() and self._library is not None:
            self._autosave()

    def _autosave(self) -> None:
        from papdesigner.store import LibraryError

        try:
            self._library.autosave(
                str(self.document.protocol.id),
                self.document.protocol,
                base_version_id=self.base_version_id,
            )
        except LibraryError as exc:
            self.sig_status.emit(f"Autosave failed: {exc}")

    def _on_flush_timeout(self) -> None:
        from papdesigner.store import LibraryError

        if self._library is None:
            return
        try:
            if self.document.is_modified():
                self._autosave()
            self._library.flush_autosave()
        except LibraryError as exc:
            self.sig_status.emit(f"Autosave failed: {exc}")

    def start_autosave(self) -> None:
        """Open the library quietly so that edits are autosaved from now on."""
        if self.library(quiet=True) is not None and self.document.is_modified():
            self._autosave()

    def offer_recovery(self) -> bool:
        """After a crash, offer to recover unsaved edits; return True if one was recovered."""
        from papdesigner.store import LibraryError

        library = self.library(quiet=True)
        if library is None:
            return False
        try:
            drafts = library.recoverable_drafts()
        except LibraryError as exc:
            self.sig_status.emit(f"Could not look for unsaved edits: {exc}")
            return False
        if not drafts:
            return False
        dialog = RecoveryDialog(drafts, self.window)
        result = dialog.exec()
        draft = dialog.chosen()
        try:
            if result == RecoveryDialog.RECOVER and draft is not None:
                protocol = library.recover_draft(draft)
                self.document.replace(protocol, None, draft.protocol_id)
                self._mark_modified()
                self.sig_status.emit("Recovered unsaved edits; save them to keep them")
                return True
            if result == RecoveryDialog.DISCARD and draft is not None:
                library.discard_draft(draft)
        except LibraryError as exc:
            show_error(self.window, "Recovery failed", str(exc))
        return False

    def _mark_modified(self) -> None:
        # A recovered or older state is not what the library holds as head: not clean.
        self.document.history.mark_dirty()
        self.document.sig_state_changed.emit()

    # ---- prompts ------------------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved edits; True if the caller may go on."""
        if not self.document.is_modified():
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to “{self.document.title()}” in the library before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._discard_draft()
            return True
        return False

    def _discard_draft(self) -> None:
        from papdesigner.store import LibraryError

        if self._library is not None:
            with suppress(LibraryError):  # nothing to discard
                self._library.discard_draft(str(self.document.protocol.id))

    # ---- opening -----------------------------------------------------------------------------

    def open_file(self, path: str | Path) -> bool:
        """Open a ``*.pap.json`` file; a bad file gets a one-line error dialog."""
        try:
            protocol = load_protocol(path)
        except ProtocolFileError as exc:
            show_error(self.window, "Cannot open protocol", str(exc))
            return False
        file_path = Path(path).resolve()
        self.document.replace(protocol, file_path, None)
        self.base_version_id = None
        self.settings.set_folder("open", file_path.parent)
        self._remember(RecentEntry("file", str(file_path), self.document.title()))
        self.sig_status.emit(f"Opened {file_path.name}")
        return True

    def open_dialog(self) -> bool:
        """Ask for a file and open it."""
        if not self.confirm_discard():
            return False
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open protocol", self.settings.folder("open"), FILE_FILTER
        )
        return bool(path) and self.open_file(path)

    def open_library_protocol(self, protocol_id: str) -> bool:
        """Open the newest version of a protocol in the library."""
        from papdesigner.store import LibraryError

        library = self.library()
        if library is None:
            return False
        try:
            head = library.head(protocol_id)
            protocol = library.load_version(head.id)
        except LibraryError as exc:
            show_error(self.window, "Cannot open protocol", str(exc))
            return False
        self.document.replace(protocol, None, str(protocol.id))
        self.base_version_id = head.id
        self._remember(RecentEntry("library", str(protocol.id), self.document.title()))
        self.sig_status.emit(f"Opened version {head.number} from the library")
        return True

    def open_from_library(self) -> bool:
        """Browse the library and open the chosen protocol."""
        if not self.confirm_discard():
            return False
        library = self.library()
        if library is None:
            return False
        dialog = LibraryBrowserDialog(library, self.window)
        if dialog.exec() != LibraryBrowserDialog.DialogCode.Accepted or dialog.chosen() is None:
            return False
        return self.open_library_protocol(dialog.chosen().id)

    def open_recent(self, entry: RecentEntry) -> bool:
        """Open a recent protocol."""
        if not self.confirm_discard():
            return False
        if entry.kind == "library":
            return self.open_library_protocol(entry.ref)
        return self.open_file(entry.ref)

    def new_protocol(self, protocol: Protocol) -> None:
        """Start editing a new protocol (from the template wizard); it is unsaved."""
        self.document.replace(protocol, None, None)
        self.base_version_id = None
        self._mark_modified()
        self.sig_status.emit("New protocol — save it to the library to keep it")

    # ---- saving ------------------------------------------------------------------------------

    def save(self, message: str | None = None, author: str | None = None) -> bool:
        """Save a new version to the library (asking for a message unless given)."""
        from papdesigner.store import LibraryError

        library = self.library()
        if library is None:
            return False
        if message is None or author is None:
            dialog = SaveVersionDialog(self.document.title(), self.settings.author(), self.window)
            if dialog.exec() != SaveVersionDialog.DialogCode.Accepted:
                return False
            message, author = dialog.values()
        author = author or _default_author()
        self.settings.set_author(author)
        protocol = self.document.protocol
        from papdesigner.ui.amendment_flow import save_version_with_amendment

        try:
            # An approved protocol's next version is an amendment: the flow asks for its record.
            info = save_version_with_amendment(
                self.window, library, protocol, author, message, draft_key=str(protocol.id)
            )
        except LibraryError as exc:
            show_error(self.window, "Save failed", str(exc))
            return False
        if info is None:
            self.sig_status.emit("Not saved: the amendment record was cancelled")
            return False
        self.base_version_id = info.id
        self.document.mark_saved(library_id=str(protocol.id))
        self._remember(RecentEntry("library", str(protocol.id), self.document.title()))
        self.sig_status.emit(f"Saved version {info.number} ({info.short_hash})")
        return True

    def save_as(self, path: str | Path | None = None) -> bool:
        """Write the protocol to a ``*.pap.json`` file (asking where unless given)."""
        if path is None:
            suggested = str(Path(self.settings.folder("export")) / _file_name(self.document))
            chosen, _ = QFileDialog.getSaveFileName(
                self.window, "Save protocol file", suggested, FILE_FILTER
            )
            if not chosen:
                return False
            path = chosen if chosen.endswith(".json") else chosen + FILE_SUFFIX
        target = Path(path)
        try:
            save_protocol(self.document.protocol, target)
        except OSError as exc:
            show_error(self.window, "Cannot write the file", f"{target}: {exc.strerror or exc}")
            return False
        self.document.file_path = target.resolve()
        self.settings.set_folder("export", target.resolve().parent)
        self._remember(RecentEntry("file", str(target.resolve()), self.document.title()))
        self.document.sig_state_changed.emit()
        self.sig_status.emit(f"Wrote {target.name}")
        return True

    # ---- history -----------------------------------------------------------------------------

    def show_history(self) -> None:
        """List the saved versions of this protocol; open or export one."""
        from papdesigner.store import LibraryError, NotFoundError

        library = self.library()
        if library is None:
            return
        try:
            versions = library.history(str(self.document.protocol.id))
        except NotFoundError:
            QMessageBox.information(
                self.window,
                "Version history",
                "This protocol has no saved versions yet. Save it to the library first.",
            )
            return
        except LibraryError as exc:
            show_error(self.window, "Cannot read the history", str(exc))
            return
        dialog = VersionHistoryDialog(versions, self.document.title(), self.window)
        result = dialog.exec()
        info = dialog.chosen()
        if result == VersionHistoryDialog.COMPARE:
            self.compare_versions()
            return
        if info is None:
            return
        if result == VersionHistoryDialog.OPEN and self.confirm_discard():
            self._open_version(info)
        elif result == VersionHistoryDialog.EXPORT:
            self._export_version(info)

    def compare_versions(self) -> None:
        """Compare two saved versions (or the unsaved edits with the last version)."""
        from papdesigner.store import LibraryError
        from papdesigner.ui.compare_dialog import CompareDialog, library_sources

        if self.library() is None:
            return
        current = self.document.protocol if self.document.is_modified() else None
        try:
            sources = library_sources(self._library, str(self.document.protocol.id), current)
        except LibraryError as exc:
            show_error(self.window, "Cannot compare versions", str(exc))
            return
        if len(sources) < 2:
            QMessageBox.information(
                self.window, "Compare versions", "There is only one version to look at."
            )
            return
        dialog = CompareDialog(sources, a_index=1, b_index=0, parent=self.window)
        dialog.sig_jump.connect(self.sig_jump_requested)
        dialog.exec()

    def _open_version(self, info: Any) -> None:
        from papdesigner.store import LibraryError

        try:
            protocol = self._library.load_version(info.id)
            head = self._library.head(info.protocol_id)
        except LibraryError as exc:
            show_error(self.window, "Cannot open the version", str(exc))
            return
        self.document.replace(protocol, None, info.protocol_id)
        self.base_version_id = info.id
        if head.id != info.id:
            self._mark_modified()  # saving it makes it the newest version again
        self.sig_status.emit(f"Opened version {info.number}")

    def _export_version(self, info: Any) -> None:
        from papdesigner.store import LibraryError

        suggested = str(
            Path(self.settings.folder("export"))
            / f"{_file_stem(self.document)}-v{info.number}{FILE_SUFFIX}"
        )
        path, _ = QFileDialog.getSaveFileName(self.window, "Export version", suggested, FILE_FILTER)
        if not path:
            return
        try:
            self._library.export_version(info.id, path)
        except LibraryError as exc:
            show_error(self.window, "Export failed", str(exc))
            return
        self.sig_status.emit(f"Wrote version {info.number} to {Path(path).name}")

    # ---- recent ------------------------------------------------------------------------------

    def _remember(self, entry: RecentEntry) -> None:
        self.settings.add_recent(entry)
        self.sig_recent_changed.emit()


def _default_author() -> str:
    from papdesigner.store import default_author

    return default_author()


def _file_stem(document: ProtocolDocument) -> str:
    meta = document.protocol.metadata
    stem = meta.acronym or meta.protocol_number or meta.short_title or "protocol"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-")
    return safe or "protocol"


def _file_name(document: ProtocolDocument) -> str:
    return f"{_file_stem(document)}{FILE_SUFFIX}"
