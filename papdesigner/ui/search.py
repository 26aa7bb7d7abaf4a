"""Find in protocol (Ctrl+F): search every value of the protocol and jump to its field.

The index is the protocol's JSON: every text and number, with the place it sits
in written as people read it ("Sessions & schedule › Dosing session 1 › Title").
Closed-vocabulary values are searched and shown by their label ("Post-traumatic
stress disorder", not ``ptsd``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model.jsonpath import JsonPath
from papdesigner.model.labels import place_label, value_label
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.steps import step, step_of_path

MAX_RESULTS = 200


@dataclass(frozen=True)
class Hit:
    """One place whose value matches: where (path and readable place) and what it says."""

    path: JsonPath
    place: str
    text: str


def leaves(node: Any, path: JsonPath = (), data: Any = None) -> Iterator[Hit]:
    """Every scalar value of a JSON tree, with its path and readable place."""
    root = node if data is None else data
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key), root)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from leaves(item, (*path, index), root)
    elif node is not None and node != "":
        yield Hit(path, place_label(path, root), value_label(node))


def search(protocol: Any, query: str, limit: int = MAX_RESULTS) -> list[Hit]:
    """Places whose value (or its label) contains every word of ``query``, in file order."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return []
    found: list[Hit] = []
    data = protocol.model_dump(mode="json")
    narrative = _narrative_m11() if data.get("narrative") else {}
    for hit in leaves(data):
        place = f"{step(step_of_path(hit.path, narrative)).title} › {hit.place}"
        if all(word in f"{hit.text} {place}".lower() for word in words):
            found.append(Hit(hit.path, place, hit.text))
            if len(found) >= limit:
                break
    return found


def _narrative_m11() -> dict[str, tuple[str, ...]]:
    from papdesigner.ui import choices

    return choices.narrative_m11()


def snippet(text: str, query: str, width: int = 90) -> str:
    """The part of ``text`` around the first query word, on one line."""
    flat = " ".join(text.split())
    words = query.lower().split()
    at = flat.lower().find(words[0]) if words else -1
    start = max(at - width // 3, 0) if at >= 0 else 0
    cut = flat[start : start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(flat) else "")


class SearchDialog(QDialog):
    """A search box with the matching places; Enter (or a double-click) jumps to one."""

    sig_jump_requested = Signal(object)
    """Emitted with the JSON path (a tuple) of the chosen result."""

    def __init__(self, document: EditedProtocol, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setWindowTitle("Find in protocol")
        self.query = QLineEdit()
        self.query.setPlaceholderText("Words to find in any field (e.g. sponsor name, MADRS)")
        self.query.setAccessibleName("Find")
        self.query.setClearButtonEnabled(True)
        self.query.textChanged.connect(self.run)
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.count = QLabel("Type to search every field of the protocol.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        self.query.installEventFilter(self)
        self.resize(620, 460)

    def run(self, query: str) -> list[Hit]:
        """Search and list the results."""
        hits = search(self.document.protocol, query)
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.place}\n    {snippet(hit.text, query)}")
            item.setData(Qt.ItemDataRole.UserRole, hit.path)
            item.setToolTip(hit.text[:500])
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        more = " (first 200 shown)" if len(hits) >= MAX_RESULTS else ""
        self.count.setText(
            f"{len(hits)} places{more}. Enter goes to the selected one."
            if hits
            else ("Nothing found." if query.strip() else "Type to search.")
        )
        return hits

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt API)
        """Up/Down in the search box move through the results; Enter jumps."""
        pressed = isinstance(event, QKeyEvent) and event.type() == event.Type.KeyPress
        if watched is self.query and pressed:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
                self.results.setCurrentRow(min(max(row, 0), self.results.count() - 1))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.jump_to_current()
                return True
        return super().eventFilter(watched, event)

    def jump_to_current(self) -> bool:
        """Jump to the selected result and close the search."""
        item = self.results.currentItem()
        if item is None:
            return False
        path = tuple(item.data(Qt.ItemDataRole.UserRole))
        self.accept()  # close first: the field then gets the focus in the main window
        self.sig_jump_requested.emit(path)
        return True

    def _on_results_item_activated(self, _item: QListWidgetItem) -> None:
        self.jump_to_current()
