"""Going on after someone else changed the file or the library: keep both, reload, overwrite.

:class:`ConflictResolver` shows the conflict dialog for a :class:`FileController`
and carries out the choice so that nothing is lost whichever button is pressed:
keep both saves yours as a new file (a separate protocol in the library), reload
theirs first saves your edits to such a file, overwrite first keeps theirs as a
library version (or, if it cannot be read, as a file beside it).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from papdesigner.ui.dialogs.conflict import ConflictDialog
from papdesigner.ui.errors import show_error
from papdesigner.ui.file_conflicts import (
    Conflict,
    as_new_protocol,
    conflict_text,
    copy_path_for,
    file_stem,
    find_conflict,
)
from papdesigner.ui.settings import RecentEntry

if TYPE_CHECKING:
    from papdesigner.model.protocol import Protocol
    from papdesigner.ui.files import FileController


class ConflictResolver:
    """Asks about a conflict and carries out the answer for one file controller."""

    def __init__(self, files: FileController) -> None:
        self.files = files

    def resolve(self, conflict: Conflict, target: Path, message: str | None, author: str) -> bool:
        """Ask how to go on after someone else changed the file or the library."""
        yours = self.files.document.protocol
        copy_path = copy_path_for(
            target,
            Path(self.files.settings.folder("export")),
            file_stem(self.files.document.protocol),
            "yours",
        )
        text = conflict_text(
            conflict,
            self.files.document.title(),
            self.files.base_protocol,
            yours,
            copy_path,
            has_edits=True,
        )
        dialog = ConflictDialog(text, self.files.window, can_reload=conflict.theirs is not None)
        code = dialog.exec()
        if code == ConflictDialog.KEEP_BOTH:
            return self._keep_both(yours, copy_path, message, author)
        if code == ConflictDialog.RELOAD_THEIRS:
            return self._reload_theirs(conflict, target, copy_path, author)
        if code == ConflictDialog.OVERWRITE:
            return self._overwrite(conflict, target, message, author)
        self.files.sig_status.emit(
            "Not saved: the protocol changed elsewhere; your edits are still here"
        )
        return False

    def _keep_both(
        self, yours: Protocol, copy_path: Path, message: str | None, author: str
    ) -> bool:
        mine = as_new_protocol(yours)
        if not self.files.write(copy_path, mine, message, author, bind=False):
            return False
        self.files.discard_draft()
        self.files.origin = "file"
        self.files.document.replace(mine, copy_path, None)
        self.files.read_only = False
        self.files.opened(mine, copy_path, match_library=True)
        self.files.claim_quietly(mine)
        self.files.remember(RecentEntry("file", str(copy_path), self.files.document.title()))
        self.files.sig_status.emit(f"Kept both: yours is saved to {copy_path}; theirs is unchanged")
        return True

    def _reload_theirs(
        self, conflict: Conflict, target: Path, copy_path: Path, author: str
    ) -> bool:
        theirs = conflict.theirs
        if theirs is None:
            return False
        if self.files.document.is_modified():
            if not self.files.write(
                copy_path, as_new_protocol(self.files.document.protocol), None, author, bind=False
            ):
                return False
            kept = f"; your edits are saved to {copy_path}"
        else:
            kept = ""
        self.files.discard_draft()
        self._show_theirs(conflict, target)
        self.files.sig_status.emit(f"Reloaded theirs{kept}")
        return False  # the window's own edits were not saved over theirs

    def _show_theirs(self, conflict: Conflict, target: Path) -> None:
        theirs = conflict.theirs
        assert theirs is not None
        path = self.files.document.file_path
        self.files.document.replace(theirs, path, self.files.document.library_id)
        self.files.opened(theirs, path, match_library=True)
        if conflict.source == "library" and path is not None:
            self.files.mark_modified()  # the file does not hold the library's version yet

    def _overwrite(
        self, conflict: Conflict, target: Path, message: str | None, author: str
    ) -> bool:
        kept = self._keep_theirs(conflict, target, author)
        if kept is None:
            return False
        if not self.files.write(target, self.files.document.protocol, message, author):
            return False
        self.files.sig_status.emit(f"Overwrote theirs in {target}; {kept}")
        return True

    def _keep_theirs(self, conflict: Conflict, target: Path, author: str) -> str | None:
        """Make sure their version survives an overwrite; say where it is."""
        from papdesigner.store import LibraryError

        if not conflict.file_changed:
            return f"theirs stays in the library as version {conflict.head.number}"
        library = self.files.library(quiet=True)
        if conflict.theirs is not None and library is not None:
            try:
                results = list(
                    library.import_paths([target], author, "Kept before being overwritten")
                )
            except LibraryError as exc:
                results, error = [], str(exc)
            else:
                error = results[0].error if results and results[0].error else ""
            if results and results[0].version is not None:
                return f"theirs is kept as library version {results[0].version.number}"
        else:
            error = conflict.theirs_error or self.files.library_error
        backup = copy_path_for(target, target.parent, target.stem, "theirs")
        try:
            shutil.copy2(target, backup)
        except OSError as exc:
            show_error(
                self.files.window, "Cannot keep their version", f"{backup}: {exc.strerror or exc}"
            )
            return None
        return f"theirs is kept in {backup}" + (f" ({error})" if error else "")

    def offer_reload(self, path: Path) -> None:
        conflict = find_conflict(
            path, self.files.disk, None, str(self.files.document.protocol.id), None
        )
        if conflict is None:
            return
        edited = self.files.document.is_modified()
        copy_path = copy_path_for(path, path.parent, path.stem, "yours")
        text = conflict_text(
            conflict,
            self.files.document.title(),
            self.files.base_protocol,
            self.files.document.protocol,
            copy_path,
            has_edits=edited,
        )
        dialog = ConflictDialog(text, self.files.window, can_reload=conflict.theirs is not None)
        code = dialog.exec()
        author = self.files.settings.author()
        if code == ConflictDialog.RELOAD_THEIRS and (not edited or self.files.author_for(author)):
            self._reload_theirs(conflict, path, copy_path, self.files.settings.author())
        elif code == ConflictDialog.KEEP_BOTH and self.files.author_for(author):
            self._keep_both(
                self.files.document.protocol, copy_path, None, self.files.settings.author()
            )
        elif code == ConflictDialog.OVERWRITE and self.files.author_for(author):
            self._overwrite(conflict, path, None, self.files.settings.author())
        else:
            self.files.sig_status.emit(
                f"{path.name} changed on disk; saving here will show what changed and ask"
            )
