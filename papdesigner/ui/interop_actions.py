"""File → Export USDM…, Export Registration… and Import USDM…: the interop actions.

Small and additive: :func:`install_interop_actions` adds three actions to the File menu after
"Export PDF…". Exports write the protocol as it is now; the USDM export adds the amendment
records saved with this protocol's versions in the library. An import opens the protocol as a
new unsaved document and shows what could not be mapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from papdesigner.ui.errors import show_error

if TYPE_CHECKING:
    from papdesigner.ui.main_window import MainWindow

USDM_FILTER = "CDISC USDM JSON (*.json)"
REGISTRATION_FILTER = "Markdown (*.md);;JSON (*.json)"
MAX_NOTES_SHOWN = 12


@dataclass
class InteropActions:
    """The three actions (kept so tests and other menus can reach them)."""

    export_usdm: QAction
    export_registration: QAction
    import_usdm: QAction


def install_interop_actions(window: MainWindow) -> InteropActions:
    """Create the actions and put them in the File menu after "Export PDF…"."""
    actions = InteropActions(
        export_usdm=_action(window, "Export &USDM…", "Export the design as CDISC USDM 4.0 JSON"),
        export_registration=_action(
            window,
            "Export &Registration…",
            "Export the WHO Trial Registration Data Set and a ClinicalTrials.gov-style record",
        ),
        import_usdm=_action(window, "&Import USDM…", "Open a protocol from a CDISC USDM 4.0 file"),
    )
    actions.export_usdm.triggered.connect(lambda _checked=False: export_usdm(window))
    actions.export_registration.triggered.connect(
        lambda _checked=False: export_registration(window)
    )
    actions.import_usdm.triggered.connect(lambda _checked=False: import_usdm(window))
    menu = _file_menu(window)
    if menu is not None:
        added = [actions.export_usdm, actions.export_registration, actions.import_usdm]
        anchor = _after(menu, window.action_set.export_pdf)
        if anchor is None:
            menu.addActions(added)
        else:
            menu.insertActions(anchor, added)
    return actions


def _action(window: MainWindow, text: str, tip: str) -> QAction:
    action = QAction(text, window)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    window.addAction(action)  # enabled with the window's other actions once a document is open
    return action


def _file_menu(window: MainWindow) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and window.action_set.export_pdf in menu.actions():
            return menu
    return None


def _after(menu: QMenu, action: QAction) -> QAction | None:
    """The action that follows ``action`` in the menu (insert before it); None = the end."""
    items = menu.actions()
    index = items.index(action)
    return items[index + 1] if index + 1 < len(items) else None


def _stem(window: MainWindow) -> str:
    path = window.document.file_path
    if path is not None:
        return path.name.removesuffix(".json").removesuffix(".pap")
    return "protocol"


def _save_path(window: MainWindow, title: str, suffix: str, filters: str) -> Path | None:
    folder = Path(window.settings.folder("export"))
    path, _ = QFileDialog.getSaveFileName(
        window, title, str(folder / f"{_stem(window)}{suffix}"), filters
    )
    if not path:
        return None
    target = Path(path)
    window.settings.set_folder("export", target.parent)
    return target


def _write(window: MainWindow, target: Path, text: str) -> bool:
    from papdesigner.model.fileformat import write_text_atomic

    try:
        write_text_atomic(target, text)
    except OSError as exc:
        show_error(window, "Export failed", f"{target}: cannot write ({exc.strerror or exc})")
        return False
    return True


def library_amendments(window: MainWindow) -> tuple[list[Any], int]:
    """(valid amendment records of this protocol's library versions, number of unreadable ones)."""
    from pydantic import ValidationError

    from papdesigner.diff.amendment import AmendmentRecord
    from papdesigner.store import LibraryError

    library = window.files.library(quiet=True)
    if library is None:
        return [], 0
    try:
        versions = library.history(window.document.protocol.id)
    except LibraryError:
        return [], 0  # not saved in the library yet: no amendments
    records, bad = [], 0
    for info in versions:
        if info.amendment is None:
            continue
        try:
            records.append(AmendmentRecord.model_validate(info.amendment))
        except ValidationError:
            bad += 1
    return records, bad


def export_usdm(window: MainWindow, target: Path | None = None) -> bool:
    """Ask where, then write the protocol as CDISC USDM 4.0.0 JSON."""
    from papdesigner.interop.usdm_export import usdm_json

    target = target or _save_path(window, "Export USDM", ".usdm.json", USDM_FILTER)
    if target is None:
        return False
    records, bad = library_amendments(window)
    if not _write(window, target, usdm_json(window.document.protocol, records)):
        return False
    skipped = f"; {bad} unreadable amendment records left out" if bad else ""
    window.status.showMessage(
        f"USDM 4.0.0 written to {target.name} with {len(records)} amendment records{skipped}", 8000
    )
    return True


def export_registration(window: MainWindow, target: Path | None = None) -> bool:
    """Ask where, then write the registration data set (Markdown, or JSON for a .json name)."""
    from papdesigner.interop.registration import (
        registration_json,
        registration_markdown,
        who_items,
    )

    target = target or _save_path(
        window, "Export registration data", ".registration.md", REGISTRATION_FILTER
    )
    if target is None:
        return False
    protocol = window.document.protocol
    is_json = target.suffix.lower() == ".json"
    text = registration_json(protocol) if is_json else registration_markdown(protocol)
    if not _write(window, target, text):
        return False
    items = who_items(protocol)
    missing = sum(1 for i in items if i.missing)
    window.status.showMessage(
        f"Registration data written to {target.name}: {len(items) - missing} of "
        f"{len(items)} WHO items filled, {missing} missing",
        8000,
    )
    return True


def import_usdm(window: MainWindow, source: Path | None = None) -> bool:
    """Ask for a USDM file, open its protocol as a new document, show what was not mapped."""
    from papdesigner.interop.usdm_import import read_usdm
    from papdesigner.interop.usdm_read import UsdmInputError

    if not window.files.confirm_discard():
        return False
    if source is None:
        path, _ = QFileDialog.getOpenFileName(
            window, "Import USDM", window.settings.folder("open"), USDM_FILTER
        )
        if not path:
            return False
        source = Path(path)
    try:
        result = read_usdm(source)
    except UsdmInputError as exc:
        show_error(window, "Cannot import the USDM file", str(exc))
        return False
    window.files.new_protocol(result.protocol)
    window.show_step("overview")
    protocol = result.protocol
    summary = (
        f"Imported {source.name}: {len(protocol.arms)} arms, {len(protocol.sessions)} sessions, "
        f"{len(protocol.objectives)} objectives — save it to the library to keep it"
    )
    window.status.showMessage(summary, 10000)
    if result.notes:
        shown = result.notes[:MAX_NOTES_SHOWN]
        more = len(result.notes) - len(shown)
        text = "\n".join(f"• {n}" for n in shown) + (f"\n… and {more} more" if more > 0 else "")
        QMessageBox.information(
            window, "Imported with notes", f"Not mapped or mapped roughly:\n{text}"
        )
    return True
