"""Compare two versions of a protocol side by side and export the summary of changes.

The dialog lists the versions of a protocol (from the library's history, and the unsaved
edits), shows every change between the two chosen ones under its ICH M11 section with the A
value beside the B value, highlighted by kind, plus the compliance delta. "Export summary of
changes…" writes the PDF an ethics board reads. Clicking a change emits :attr:`sig_jump` with
the JSON path of the field, so the main window can take the user there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from papdesigner.diff import (
    AmendmentRecord,
    Summary,
    build_summary,
    diff_protocols,
    summary_to_text,
)
from papdesigner.diff.html import JUMP_SCHEME, summary_to_html
from papdesigner.model.protocol import Protocol

if TYPE_CHECKING:
    from papdesigner.store import Library


@dataclass(frozen=True)
class VersionSource:
    """One version the user can pick: how it is named, and how to load it."""

    label: str
    source: str
    load: Callable[[], tuple[Protocol, AmendmentRecord | None]]


def library_sources(
    library: Library, protocol_id: str, current: Protocol | None = None
) -> list[VersionSource]:
    """Return the versions of a protocol, newest first, after the unsaved edits if any."""
    sources: list[VersionSource] = []
    if current is not None:
        frozen = current.model_copy(deep=True)
        sources.append(
            VersionSource("Current edits (not saved)", "current edits", lambda: (frozen, None))
        )
    for info in reversed(library.history(protocol_id)):
        when = info.created_at.date().isoformat()
        name = f"Version {info.number} · {when} · {info.document_version or '?'}"
        if info.amendment:
            name += f" · amendment {info.amendment.get('number', '')}"
        if info.message:
            name += f" · {info.message}"
        sources.append(
            VersionSource(
                name,
                f"library version {info.number} ({info.short_hash})",
                _loader(library, info.id, info.amendment),
            )
        )
    return sources


def _loader(
    library: Library, version_id: int, payload: Any
) -> Callable[[], tuple[Protocol, AmendmentRecord | None]]:
    def load() -> tuple[Protocol, AmendmentRecord | None]:
        record = None
        if payload is not None:
            try:
                record = AmendmentRecord.model_validate(payload)
            except ValueError:
                record = None  # an unreadable record must not hide the changes themselves
        return library.load_version(version_id), record

    return load


class CompareDialog(QDialog):
    """Two versions side by side, changes highlighted, and the summary-of-changes export."""

    sig_jump = Signal(str)
    """Emitted with the JSON path of a change the user clicked (in version B)."""

    def __init__(
        self,
        sources: list[VersionSource],
        a_index: int = 1,
        b_index: int = 0,
        parent: QWidget | None = None,
        compliance: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare versions")
        self.resize(1100, 760)
        self.sources = sources
        self.compliance = compliance
        self.summary: Summary | None = None
        self._cache: dict[int, tuple[Protocol, AmendmentRecord | None]] = {}
        self.combo_a = self._combo("Version A (before)")
        self.combo_b = self._combo("Version B (after)")
        swap = QPushButton("Swap")
        swap.setToolTip("Exchange A and B")
        swap.clicked.connect(self._swap)
        pickers = QHBoxLayout()
        pickers.addWidget(QLabel("Compare"))
        pickers.addWidget(self.combo_a, 1)
        pickers.addWidget(QLabel("with"))
        pickers.addWidget(self.combo_b, 1)
        pickers.addWidget(swap)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setAccessibleName("Changes")
        self.view.anchorClicked.connect(self._on_anchor)
        self.export_button = QPushButton("Export summary of changes…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.copy_button = QPushButton("Copy as text")
        self.copy_button.clicked.connect(self.copy_text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(pickers)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        last = max(len(sources) - 1, 0)
        self.combo_a.setCurrentIndex(min(a_index, last))
        self.combo_b.setCurrentIndex(min(b_index, last))
        self.combo_a.currentIndexChanged.connect(self.refresh)
        self.combo_b.currentIndexChanged.connect(self.refresh)
        self.refresh()

    @classmethod
    def for_protocols(
        cls,
        a: Protocol,
        b: Protocol,
        parent: QWidget | None = None,
        *,
        record: AmendmentRecord | None = None,
        names: tuple[str, str] = ("A", "B"),
    ) -> CompareDialog:
        """Return a dialog comparing two protocols held in memory."""
        sources = [
            VersionSource(names[1], names[1], lambda: (b, record)),
            VersionSource(names[0], names[0], lambda: (a, None)),
        ]
        return cls(sources, a_index=1, b_index=0, parent=parent)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for source in self.sources:
            combo.addItem(source.label)
        return combo

    def _swap(self) -> None:
        a, b = self.combo_a.currentIndex(), self.combo_b.currentIndex()
        self.combo_a.blockSignals(True)
        self.combo_a.setCurrentIndex(b)
        self.combo_a.blockSignals(False)
        self.combo_b.setCurrentIndex(a)

    def _load(self, index: int) -> tuple[Protocol, AmendmentRecord | None]:
        if index not in self._cache:
            self._cache[index] = self.sources[index].load()
        return self._cache[index]

    def refresh(self) -> None:
        """Compare the two chosen versions and show the result."""
        ia, ib = self.combo_a.currentIndex(), self.combo_b.currentIndex()
        if ia < 0 or ib < 0:
            self.view.setPlainText("There is nothing to compare.")
            self.export_button.setEnabled(False)
            return
        try:
            a, _ = self._load(ia)
            b, record = self._load(ib)
        except Exception as exc:  # a library error must reach the user, not end the dialog
            self.summary = None
            self.view.setPlainText(f"Cannot load the version: {exc}")
            self.export_button.setEnabled(False)
            return
        diff = diff_protocols(a, b)
        delta = None
        if self.compliance:
            from papdesigner.diff.compliance import check_delta

            delta = check_delta(diff, a, b)
        self.summary = build_summary(
            diff,
            source_a=self.sources[ia].source,
            source_b=self.sources[ib].source,
            record=record,
            compliance=delta,
        )
        self.view.setHtml(summary_to_html(self.summary))
        self.export_button.setEnabled(True)

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith(JUMP_SCHEME):
            self.sig_jump.emit(text.removeprefix(JUMP_SCHEME))

    def _on_export_clicked(self) -> None:
        self.export_pdf()

    def copy_text(self) -> None:
        """Put the plain-text summary on the clipboard (for an e-mail to the board)."""
        if self.summary is not None:
            QGuiApplication.clipboard().setText(summary_to_text(self.summary))

    def suggested_file_name(self) -> str:
        """Return "PSI-TRD-001-changes-1.0-to-2.0.pdf" for the save dialog."""
        if self.summary is None:
            return "summary-of-changes.pdf"
        s = self.summary
        from papdesigner.model.filenames import safe_file_stem

        name = safe_file_stem(
            f"{s.b.protocol_number or s.b.title} changes {s.a.version} to {s.b.version}"
        )
        return f"{name}.pdf"

    def export_pdf(self, path: str | None = None) -> bool:
        """Write the summary-of-changes PDF (asking where unless ``path`` is given)."""
        if self.summary is None:
            return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export summary of changes", self.suggested_file_name(), "PDF (*.pdf)"
            )
            if not path:
                return False
        from papdesigner.diff.pdf import write_summary_pdf

        try:
            write_summary_pdf(self.summary, path)
        except OSError as exc:
            QMessageBox.critical(
                self, "Cannot export", f"{path}: cannot write the file ({exc.strerror or exc})"
            )
            return False
        return True
