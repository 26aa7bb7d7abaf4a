"""Noticing that a save would overwrite someone else's work, and saying what changed.

A window remembers the file's content (:class:`~papdesigner.ui.disk_state.DiskState`)
and the library version its edits started from. :func:`find_conflict` compares both
with what is there now; :func:`conflict_text` words the dialog with the amendment
diff (``papdesigner.diff``), the same sentences the summary of changes uses.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papdesigner.model.fileformat import FILE_SUFFIX, ProtocolFileError, load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.ui.dialogs.conflict import ConflictText
from papdesigner.ui.disk_state import DiskState


@dataclass(frozen=True)
class Conflict:
    """What changed behind the window's back since it opened (or last saved) the protocol."""

    file_path: Path | None
    file_changed: bool
    disk: DiskState | None
    head: Any  # the library's newest VersionInfo when it moved, else None
    theirs: Protocol | None
    theirs_error: str = ""

    @property
    def source(self) -> str:
        """Where "theirs" comes from: "file" or "library"."""
        return "file" if self.file_changed else "library"


def find_conflict(
    file_path: Path | None,
    remembered: DiskState | None,
    library: Any,
    protocol_id: str,
    base_version_id: int | None,
) -> Conflict | None:
    """Return the conflict a save to ``file_path`` would cause, or None.

    The file conflicts when its bytes differ from what the window last read or wrote
    (a deleted file does not: saving writes it again). The library conflicts when
    the protocol's newest version is not the one the edits started from.
    """
    disk = DiskState.of(file_path) if file_path is not None else None
    file_changed = remembered is not None and disk is not None and not remembered.same_content(disk)
    head = _library_head(library, protocol_id)
    head_moved = head is not None and head.id != base_version_id
    if not file_changed and not head_moved:
        return None
    theirs, error = None, ""
    if file_changed and file_path is not None:
        try:
            theirs = load_protocol(file_path)
        except ProtocolFileError as exc:
            error = str(exc)
    elif head is not None:
        from papdesigner.store import LibraryError

        try:
            theirs = library.load_version(head.id)
        except LibraryError as exc:
            error = str(exc)
    return Conflict(file_path, file_changed, disk, head if head_moved else None, theirs, error)


def _library_head(library: Any, protocol_id: str) -> Any:
    if library is None:
        return None
    from papdesigner.store import LibraryError, NotFoundError

    try:
        return library.head(protocol_id)
    except NotFoundError:
        return None
    except LibraryError:
        return None  # the save itself reports a library that cannot be read


def change_lines(before: Protocol | None, after: Protocol | None) -> tuple[str, ...]:
    """The changes from ``before`` to ``after``, one readable line each."""
    if before is None or after is None:
        return ()
    # Imported here: the diff package is not needed to show a protocol, only on a conflict.
    from papdesigner.diff.describe import describe_all
    from papdesigner.diff.engine import diff_protocols

    diff = diff_protocols(before, after)
    return tuple(text.one_line for _change, text in describe_all(diff))


def conflict_text(
    conflict: Conflict,
    title: str,
    base: Protocol | None,
    yours: Protocol,
    copy_path: Path,
    *,
    has_edits: bool,
) -> ConflictText:
    """Word the conflict dialog: what happened, both sides' changes, what each button does."""
    if conflict.file_changed and conflict.file_path is not None and conflict.disk is not None:
        happened = (
            f"The file {conflict.file_path} was changed on disk at "
            f"{conflict.disk.modified_text()} by another window, another program or a copy, "
            "since this window opened or saved it."
        )
    else:
        head = conflict.head
        happened = (
            f"The library has a newer version of this protocol (version {head.number}, saved "
            f"{head.created_at:%Y-%m-%d %H:%M} by {head.author}) than the one this window "
            "started from."
        )
    if conflict.theirs_error:
        happened += f"\n\nTheir version cannot be read: {conflict.theirs_error}"
    theirs_label = (
        "their version (the file)" if conflict.source == "file" else "the library's newest version"
    )
    return ConflictText(
        title=f"“{title}” changed since you opened it",
        what_happened=happened,
        theirs=change_lines(base, conflict.theirs),
        yours=change_lines(base, yours) if has_edits else (),
        keep_both=(
            f"Save yours as a new file, {copy_path.name}, beside it (a separate protocol in the "
            f"library); {theirs_label} stays as it is. This window then shows yours."
        ),
        reload_theirs=(
            f"Show {theirs_label} here. "
            + (f"Your edits are first saved to {copy_path.name}." if has_edits else "")
        ).strip(),
        overwrite=(
            "Save yours over theirs. Theirs is first kept as a version in the library, "
            "so Version history can bring it back."
        ),
    )


def copy_path_for(path: Path | None, folder: Path, stem: str, label: str) -> Path:
    """A file name beside ``path`` (or in ``folder``) that does not exist yet."""
    base_folder = path.parent if path is not None else folder
    base_stem = path.name.removesuffix(FILE_SUFFIX).removesuffix(".json") if path else stem
    for counter in range(1, 1000):
        suffix = f" ({label})" if counter == 1 else f" ({label} {counter})"
        candidate = base_folder / f"{base_stem}{suffix}{FILE_SUFFIX}"
        if not candidate.exists():
            return candidate
    return base_folder / f"{base_stem} ({label} {uuid.uuid4().hex[:8]}){FILE_SUFFIX}"


def as_new_protocol(protocol: Protocol) -> Protocol:
    """A copy of ``protocol`` with a new identity (its own history in the library)."""
    return protocol.model_copy(update={"id": uuid.uuid4()}, deep=True)


def file_stem(protocol: Protocol) -> str:
    """A file name stem for a protocol: its acronym or number, safe on every system."""
    from papdesigner.model.filenames import protocol_file_stem

    return protocol_file_stem(protocol)
