"""Files and the library from the window's point of view.

One model: a protocol opened from a file saves to that file (atomically), and
every save also records an immutable version in the library. A protocol from
the library, a template or a copy asks for a file on its first save. Save As
moves the window to another file; Save a copy writes one and stays. Nothing is
overwritten silently: the window remembers the file's content and the library
version it started from, and a save that would overwrite someone else's work
shows what changed and asks (:mod:`papdesigner.ui.file_conflicts`). A file
watcher notices changes on disk. A protocol open in another window is opened
read-only, as a copy or for editing by choice. Also: version history, recent
protocols, autosave with recovery after a crash, the unsaved-changes prompt. The
library is opened lazily, so starting the app never waits for it.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from papdesigner.model.fileformat import (
    FILE_SUFFIX,
    ProtocolFileError,
    load_protocol,
    save_protocol,
)
from papdesigner.model.protocol import Protocol
from papdesigner.model.templates import examples_dir
from papdesigner.ui.dialogs.author import AuthorDialog
from papdesigner.ui.dialogs.library_dialogs import (
    LibraryBrowserDialog,
    RecoveryDialog,
    SaveVersionDialog,
    VersionHistoryDialog,
)
from papdesigner.ui.dialogs.open_elsewhere import OpenElsewhereDialog
from papdesigner.ui.disk_state import DiskState
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.errors import show_error
from papdesigner.ui.file_conflicts import as_new_protocol, file_stem, find_conflict
from papdesigner.ui.file_resolve import ConflictResolver
from papdesigner.ui.settings import AppSettings, RecentEntry

AUTOSAVE_FLUSH_MS = 1000
_OPEN_MODES = {
    OpenElsewhereDialog.EDIT: "edit",
    OpenElsewhereDialog.READ_ONLY: "read_only",
    OpenElsewhereDialog.COPY: "copy",
}
DISK_SETTLE_MS = 250
LIBRARY_MATCH_DELAY_MS = 150
"""How long after opening a file its library version is looked up: after the first paint
(the library's import and open cost ~70 ms that the protocol need not wait for)."""
"""How long after a file-change notice the file is read (an atomic replace fires twice)."""
FILE_FILTER = f"papdesigner protocols (*{FILE_SUFFIX});;JSON files (*.json)"


class FileController(QObject):
    """Opens, saves and autosaves the window's document."""

    sig_status = Signal(str)
    """Emitted with a short message for the status bar ("Saved version 3")."""

    sig_recent_changed = Signal()
    """Emitted when the list of recent protocols changed."""

    sig_jump_requested = Signal(str)
    """Emitted with a JSON path the user wants to see (from the compare dialog)."""

    def __init__(self, document: EditedProtocol, settings: AppSettings, window: QWidget) -> None:
        super().__init__(window)
        self.document = document
        self.settings = settings
        self.window = window
        self._library: Any = None
        self.library_error = ""
        self._base_version_id: int | None = None
        self._unmatched: Protocol | None = None
        """A protocol just opened whose library version is still to be looked up."""
        self._match_timer = QTimer(self)
        self._match_timer.setSingleShot(True)
        self._match_timer.setInterval(LIBRARY_MATCH_DELAY_MS)
        self._match_timer.timeout.connect(self._settle_library_match)
        self.base_protocol: Protocol | None = None
        """The protocol as opened or last saved: what "your changes" are measured from."""
        self.disk: DiskState | None = None
        """The file's content when the window last read or wrote it."""
        self.read_only = False
        """True when the protocol is open in another window and Save must not write its file."""
        self.origin = "new"
        """Where the protocol came from: "file", "template", "library", "copy" or "new"."""
        self._open_lock: Any = None
        self._locked_id: str | None = None
        self._asking = False
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_file_changed)
        self._disk_timer = QTimer(self)
        self._disk_timer.setSingleShot(True)
        self._disk_timer.setInterval(DISK_SETTLE_MS)
        self._disk_timer.timeout.connect(self.check_disk)
        self.resolver = ConflictResolver(self)
        self._flush = QTimer(self)
        self._flush.setInterval(AUTOSAVE_FLUSH_MS)
        self._flush.timeout.connect(self._on_flush_timeout)
        document.sig_changed.connect(self._on_document_changed)

    @property
    def base_version_id(self) -> int | None:
        """The library version the window's edits started from (None: none matched).

        Looked up shortly after a file is opened, or at once when read before that.
        """
        self._settle_library_match()
        return self._base_version_id

    @base_version_id.setter
    def base_version_id(self, version_id: int | None) -> None:
        self._unmatched = None  # a known version replaces a pending look-up
        self._base_version_id = version_id

    def _settle_library_match(self) -> None:
        protocol, self._unmatched = self._unmatched, None
        if protocol is not None:
            self._base_version_id = self._matching_version(protocol)

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

    def library_head(self) -> tuple[int, str] | None:
        """The library's newest version ``(id, hash)``, or None (no library, nothing saved)."""
        from papdesigner.store import LibraryError

        library = self.library(quiet=True)
        if library is None:
            return None
        try:
            head: tuple[int, str] | None = library.library_head()
        except LibraryError:
            return None
        return head

    def close_library(self) -> None:
        """Flush autosaves and close the library cleanly (drafts are discarded)."""
        self._flush.stop()
        self._match_timer.stop()
        self._unmatched = None  # nothing to match against once the library is closed
        self.release()
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
                self._show_recovered(protocol, draft)
                where = self.location_text()
                self.sig_status.emit(f"Recovered unsaved edits ({where}); save them to keep them")
                return True
            if result == RecoveryDialog.DISCARD and draft is not None:
                library.discard_draft(draft)
        except LibraryError as exc:
            show_error(self.window, "Recovery failed", str(exc))
        return False

    def _show_recovered(self, protocol: Protocol, draft: Any) -> None:
        """Show recovered edits; they stay unsaved, bound to the open file if it is theirs."""
        same = str(self.document.protocol.id) == str(protocol.id) and not self.read_only
        path = self.document.file_path if same else None
        if not same:
            self.base_protocol, self.disk, self.origin = None, None, "new"
        self.document.replace(protocol, path, draft.protocol_id)
        self.base_version_id = draft.base_version_id
        self.watch(path)
        self.mark_modified()

    def mark_modified(self) -> None:
        # A recovered or older state is not what the library holds as head: not clean.
        self.document.history.mark_dirty()
        self.document.sig_state_changed.emit()

    # ---- prompts ------------------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved edits; True if the caller may go on."""
        if not self.document.is_modified():
            return True
        path = self.document.file_path
        where = (
            f"to {path.name}"
            if path is not None and not self.read_only
            else "to a file (you choose where)"
        )
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to “{self.document.title()}” {where} before closing it? "
            "Saving also records a version in the library.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.discard_draft()
            return True
        return False

    def discard_draft(self) -> None:
        from papdesigner.store import LibraryError

        if self._library is not None:
            with suppress(LibraryError):  # nothing to discard
                self._library.discard_draft(str(self.document.protocol.id))

    def location_text(self) -> str:
        """Where Save writes, for the window title ("mdma.pap.json", "not saved to a file")."""
        path = self.document.file_path
        if self.read_only:
            return f"{path.name if path else 'copy'} (read-only: open in another window)"
        if path is not None:
            return path.name
        if self.origin == "template":
            return "example: Save asks for a file"
        if self.document.library_id:
            return "from the library: Save asks for a file"
        return "not saved to a file yet"

    # ---- opening -----------------------------------------------------------------------------

    def open_file(self, path: str | Path) -> bool:
        """Open a ``*.pap.json`` file; a bad file gets a one-line error dialog.

        A shipped example opens as a template: its first save asks for a file of
        your own. A protocol open in another window asks first (read-only, a copy,
        or edit here too).
        """
        try:
            protocol = load_protocol(path)
        except ProtocolFileError as exc:
            show_error(self.window, "Cannot open protocol", str(exc))
            return False
        file_path = Path(path).resolve()
        template = is_template(file_path)
        mode = "edit" if template else self._claim(protocol)
        if mode is None:
            return False
        if mode == "copy":
            protocol = as_new_protocol(protocol)
        bound = None if template or mode == "copy" else file_path
        self.origin = "template" if template else "copy" if mode == "copy" else "file"
        self.document.replace(protocol, bound, None)
        self.read_only = mode == "read_only"
        self.opened(protocol, bound, match_library=True)
        if mode == "copy":
            self.mark_modified()
        self.settings.set_folder("open", file_path.parent)
        if bound is not None:
            self.remember(RecentEntry("file", str(file_path), self.document.title()))
        self.sig_status.emit(self._opened_message(file_path, template=template, mode=mode))
        return True

    def _opened_message(self, path: Path, *, template: bool, mode: str) -> str:
        if template:
            return f"Opened the example {path.name} — Save asks for a file of your own"
        if mode == "copy":
            return f"Opened a copy of {path.name} — Save asks for a file"
        if mode == "read_only":
            return f"Opened {path} read-only: it is open in another window"
        return f"Opened {path}"

    def open_dialog(self) -> bool:
        """Ask for a file and open it."""
        if not self.confirm_discard():
            return False
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open protocol", self.settings.folder("open"), FILE_FILTER
        )
        return bool(path) and self.open_file(path)

    def open_library_protocol(self, protocol_id: str) -> bool:
        """Open the newest version of a protocol in the library (Save then asks for a file)."""
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
        mode = self._claim(protocol)
        if mode is None:
            return False
        if mode == "copy":
            protocol = as_new_protocol(protocol)
        self.origin = "copy" if mode == "copy" else "library"
        self.document.replace(protocol, None, str(protocol.id))
        self.read_only = mode == "read_only"
        self.opened(protocol, None, match_library=False)
        self.base_version_id = head.id if mode != "copy" else None
        if mode == "copy":
            self.mark_modified()
        self.remember(RecentEntry("library", str(protocol.id), self.document.title()))
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
        self.origin = "new"
        self.document.replace(protocol, None, None)
        self.read_only = False
        self.opened(protocol, None, match_library=False)
        self.mark_modified()
        self.sig_status.emit("New protocol — Save asks where to keep its file")

    def opened(self, protocol: Protocol, path: Path | None, *, match_library: bool) -> None:
        """Remember what was opened: the file's content and the library version it matches."""
        self.base_protocol = protocol.model_copy(deep=True)
        self.disk = DiskState.of(path) if path is not None else None
        self.base_version_id = None
        if match_library:  # looked up after the protocol is painted, or when first needed
            self._unmatched = self.base_protocol  # a copy: edits cannot change what is matched
            self._match_timer.start()
        self.watch(path)
        self.document.sig_state_changed.emit()

    def _matching_version(self, protocol: Protocol) -> int | None:
        from papdesigner.store import LibraryError

        library = self.library(quiet=True)
        if library is None:
            return None
        try:
            info = library.version_with_content(protocol)
        except LibraryError:
            return None
        return info.id if info is not None else None

    def _claim(self, protocol: Protocol) -> str | None:
        """Lock the protocol for this window; ask when another holds it.

        Return "edit", "read_only", "copy", or None when the user cancelled.
        """
        from papdesigner.store.location import resolve_library_path
        from papdesigner.store.openlocks import ProtocolOpenLock, holder

        key = str(protocol.id)
        if self._open_lock is not None and self._locked_id == key:
            return "edit"
        try:
            library_path = resolve_library_path(None)
            lock = ProtocolOpenLock.try_acquire(library_path, key)
        except (OSError, ValueError):
            return "edit"  # cannot tell: nothing to warn about
        if lock is not None:
            self._hold(lock, key)
            return "edit"
        dialog = OpenElsewhereDialog(
            self._title_of(protocol), holder(library_path, key), self.window
        )
        mode = _OPEN_MODES.get(dialog.exec())
        if mode is not None:
            self._hold(None, None)  # the other window keeps the lock
        return mode

    @staticmethod
    def _title_of(protocol: Protocol) -> str:
        meta = protocol.metadata
        return meta.short_title or meta.acronym or meta.title or "Untitled protocol"

    def _hold(self, lock: Any, key: str | None) -> None:
        if self._open_lock is not None:
            self._open_lock.release()
        self._open_lock, self._locked_id = lock, key

    def release(self) -> None:
        """Let go of the open protocol (its lock) and stop watching its file."""
        self._hold(None, None)
        self.watch(None)

    # ---- saving ------------------------------------------------------------------------------

    def save(self, message: str | None = None, author: str | None = None) -> bool:
        """Save to the protocol's file (atomically) and record a library version.

        A protocol with no file of its own (from the library, a template, a copy, or
        opened read-only) asks for one first. Nothing is ever overwritten silently:
        when the file or the library changed since it was opened, a dialog says what
        changed and asks.
        """
        path = self.document.file_path
        if path is None or self.read_only:
            return self.save_as(message=message, author=author)
        return self._save_to(path, message, author)

    def save_with_note(self) -> bool:
        """Save after asking for a note on what changed (and the author, changeable here)."""
        dialog = SaveVersionDialog(self.document.title(), self.settings.author(), self.window)
        if dialog.exec() != SaveVersionDialog.DialogCode.Accepted:
            return False
        message, author = dialog.values()
        if not author:
            self.sig_status.emit("Not saved: a version needs an author")
            return False
        return self.save(message, author)

    def save_as(
        self,
        path: str | Path | None = None,
        *,
        message: str | None = None,
        author: str | None = None,
    ) -> bool:
        """Save to a new file (asking where unless given); the window then edits that file."""
        target = Path(path) if path is not None else self._ask_path("Save protocol as")
        if target is None:
            return False
        # Another file of the user's choosing: the file dialog asked about replacing it.
        # Read-only ends only when the save succeeds (in _bind_saved).
        return self._save_to(target.resolve(), message, author)

    def save_copy(self, path: str | Path | None = None) -> bool:
        """Write the protocol to another file; the window keeps editing its own file."""
        target = Path(path) if path is not None else self._ask_path("Save a copy")
        if target is None:
            return False
        try:
            save_protocol(self.document.protocol, target)
        except OSError as exc:
            show_error(self.window, "Cannot write the file", f"{target}: {exc.strerror or exc}")
            return False
        self.sig_status.emit(
            f"Saved a copy to {target.resolve()} (this window still edits {self.location_text()})"
        )
        return True

    def _ask_path(self, caption: str) -> Path | None:
        current = self.document.file_path
        folder = current.parent if current else Path(self.settings.folder("export"))
        suggested = str(folder / _file_name(self.document))
        chosen, _ = QFileDialog.getSaveFileName(self.window, caption, suggested, FILE_FILTER)
        if not chosen:
            return None
        return Path(chosen if chosen.endswith(".json") else chosen + FILE_SUFFIX)

    def author_for(self, given: str | None) -> str | None:
        """The author of the next version: given, remembered, or asked for once."""
        name = " ".join((given or self.settings.author()).split())
        if not name:
            dialog = AuthorDialog(self.window)
            if dialog.exec() != AuthorDialog.DialogCode.Accepted or not dialog.author():
                self.sig_status.emit("Not saved: a version needs an author")
                return None
            name = dialog.author()
        self.settings.set_author(name)
        return name

    def _save_to(self, target: Path, message: str | None, author: str | None) -> bool:
        name = self.author_for(author)
        if name is None:
            return False
        library = self.library(quiet=True)
        same_file = target == self.document.file_path
        conflict = find_conflict(
            target if same_file else None,
            self.disk if same_file else None,
            library,
            str(self.document.protocol.id),
            self.base_version_id,
        )
        if conflict is not None:
            return self.resolver.resolve(conflict, target, message, name)
        return self.write(target, self.document.protocol, message, name)

    def write(
        self,
        target: Path,
        protocol: Protocol,
        message: str | None,
        author: str,
        *,
        bind: bool = True,
    ) -> bool:
        """Record a library version, then write the file; bind the window to it."""
        from papdesigner.store import LibraryError, StaleHeadError
        from papdesigner.ui.amendment_flow import save_version_with_amendment

        library = self.library(quiet=True)
        info, library_problem = None, self.library_error if library is None else ""
        if library is not None:
            try:
                info = save_version_with_amendment(
                    self.window,
                    library,
                    protocol,
                    author,
                    message or f"Saved to {target.name}",
                    draft_key=str(protocol.id) if bind else None,
                )
            except StaleHeadError:
                # Another window saved between the check and this save: ask again, never
                # write the file over theirs.
                self.sig_status.emit(
                    "Not saved: another window saved this protocol a moment ago; "
                    "save again to see what changed"
                )
                return False
            except LibraryError as exc:
                library_problem = str(exc)
            else:
                if info is None:
                    self.sig_status.emit("Not saved: the amendment record was cancelled")
                    return False
        try:
            save_protocol(protocol, target)
        except OSError as exc:
            recorded = f" (library version {info.number} was recorded)" if info else ""
            show_error(
                self.window, "Cannot write the file", f"{target}: {exc.strerror or exc}{recorded}"
            )
            return False
        if bind:
            self._bind_saved(target, protocol, info)
        self.sig_status.emit(_saved_message(target, info, library_problem))
        return True

    def _bind_saved(self, target: Path, protocol: Protocol, info: Any) -> None:
        self.disk = DiskState.of(target)
        self.base_protocol = protocol.model_copy(deep=True)
        if info is not None:
            self.base_version_id = info.id
        if self._locked_id != str(protocol.id):
            self.claim_quietly(protocol)
        self.origin = "file"
        self.read_only = False
        self.document.mark_saved(file_path=target, library_id=str(protocol.id) if info else None)
        self.watch(target)
        self.settings.set_folder("export", target.parent)
        self.remember(RecentEntry("file", str(target), self.document.title()))

    def claim_quietly(self, protocol: Protocol) -> None:
        from papdesigner.store.location import resolve_library_path
        from papdesigner.store.openlocks import ProtocolOpenLock

        try:
            lock = ProtocolOpenLock.try_acquire(resolve_library_path(None), str(protocol.id))
        except (OSError, ValueError):
            lock = None
        self._hold(lock, str(protocol.id) if lock is not None else None)

    # ---- the file watcher ------------------------------------------------------------------------

    def watch(self, path: Path | None) -> None:
        files = self._watcher.files()
        if files:
            self._watcher.removePaths(files)
        if path is not None and path.exists():
            self._watcher.addPath(str(path))

    def _on_file_changed(self, _path: str) -> None:
        # An atomic replace fires more than once and drops the watch: settle, then look.
        self._disk_timer.start()

    def check_disk(self) -> bool:
        """Look at the open file now; offer to reload it if someone else changed it.

        Return True when the file had changed (whatever the user then chose).
        """
        path = self.document.file_path
        if path is None or self.disk is None or self._asking:
            return False
        self.watch(path)  # an atomic replace dropped the watch
        now = DiskState.of(path)
        if now is None or self.disk.same_content(now):
            return False
        self._asking = True
        try:
            self.resolver.offer_reload(path)
        finally:
            self._asking = False
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
        # An older state shown in this window: saving writes it to the window's file and
        # makes it the newest version again. The file is not what it holds: not clean.
        self.document.replace(protocol, self.document.file_path, info.protocol_id)
        self.base_version_id = head.id
        if head.id != info.id:
            self.mark_modified()
        self.sig_status.emit(f"Opened version {info.number}")

    def _export_version(self, info: Any) -> None:
        from papdesigner.store import LibraryError

        suggested = str(
            Path(self.settings.folder("export"))
            / f"{file_stem(self.document.protocol)}-v{info.number}{FILE_SUFFIX}"
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

    def remember(self, entry: RecentEntry) -> None:
        self.settings.add_recent(entry)
        self.sig_recent_changed.emit()


def is_template(path: Path) -> bool:
    """True for a shipped example: it is never saved over."""
    try:
        return path.resolve().is_relative_to(examples_dir().resolve())
    except OSError:
        return False


def _saved_message(target: Path, info: Any, library_problem: str) -> str:
    if info is None:
        return f"Saved to {target}; no library version was recorded: {library_problem}"
    return f"Saved to {target} and as library version {info.number} ({info.short_hash})"


def _file_name(document: EditedProtocol) -> str:
    return f"{file_stem(document.protocol)}{FILE_SUFFIX}"
