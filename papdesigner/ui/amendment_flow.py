"""Saving a version of an approved protocol: ask for the amendment record, then save.

The main window calls :func:`save_version_with_amendment` wherever it saves a version to the
library. When the last saved version was approved by the ethics committee
(``regulatory.ethics.approved``), the new version is an amendment: the amendment dialog shows
the changes since that version and asks for number, reasons, rationale and substantial flags,
and the record is saved with the version (covered by its hash). Cancel saves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from papdesigner.diff import diff_protocols
from papdesigner.diff.amendment import amendment_required, next_amendment_number
from papdesigner.ui.amendment_dialog import AmendmentDialog

if TYPE_CHECKING:
    from papdesigner.model.protocol import Protocol
    from papdesigner.store import Library, VersionInfo


def _run_dialog(dialog: AmendmentDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


def save_version_with_amendment(
    parent: QWidget | None,
    library: Library,
    protocol: Protocol,
    author: str,
    message: str = "",
    *,
    draft_key: str | None = None,
    ask: Callable[[AmendmentDialog], bool] = _run_dialog,
) -> VersionInfo | None:
    """Save ``protocol`` as a new version, with an amendment record when one is due.

    Returns the saved version, or None when the user cancelled the amendment dialog.
    ``ask`` shows the dialog and says whether the user confirmed it (tests replace it).
    Library errors (a stale head, a read-only library) propagate to the caller.
    """
    from papdesigner.store import NotFoundError

    try:
        head = library.head(protocol.id)
    except NotFoundError:
        head = None
    base = library.load_version(head.id) if head is not None else None
    payload = None
    if base is not None and amendment_required(base):
        diff = diff_protocols(base, protocol)
        previous = [v.amendment for v in library.history(protocol.id)]
        dialog = AmendmentDialog(diff, number=next_amendment_number(previous), parent=parent)
        if not ask(dialog):
            return None
        record = dialog.record()
        if record is None:
            return None
        payload = record.model_copy(update={"base_version": head.hash if head else ""}).model_dump(
            mode="json"
        )
    return library.save_version(
        protocol,
        author,
        message,
        amendment=payload,
        expected_head=head.hash if head is not None else None,
        draft_key=draft_key,
    )
