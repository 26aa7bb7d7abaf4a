"""What every step editor shares: a scrolling form, change routing, findings and jumps."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui import choices
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import TextAreaField
from papdesigner.ui.form import FieldProblem, Form, scrolling
from papdesigner.ui.steps import step


class StepEditor(QWidget):
    """The centre of the window for one step; subclasses fill :attr:`form` in ``build``."""

    key = ""
    scrolls = True
    """False for steps whose content (a master-detail list) scrolls by itself."""

    def __init__(self, document: EditedProtocol) -> None:
        super().__init__()
        self.document = document
        self.step = step(self.key)
        self.setAccessibleName(self.step.title)
        self.form = Form(document)
        self._later: list[Callable[[], None]] = []
        self._problems: list[FieldProblem] = []
        heading = QLabel(f"<h2>{self.step.title}</h2>")
        heading.setAccessibleName(self.step.title)
        self.form.insert_top(heading)
        self.build()
        if self.scrolls:
            self.form.finish()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.wrap(self.form))
        document.sig_changed.connect(self.on_change)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        """After the first paint, build what was left for later (below the fold)."""
        super().paintEvent(event)
        if self._later:
            QTimer.singleShot(0, self.finish_building)

    def finish_building(self) -> None:
        """Build what was left for after the first paint (idempotent)."""
        later, self._later = self._later, []
        for build in later:
            build()
        if later:
            self.show_problems(self._problems)

    def build(self) -> None:
        """Add the step's sections and fields to :attr:`form`."""
        raise NotImplementedError

    def wrap(self, form: Form) -> QWidget:
        """Put the form in a scroll area unless the step's lists scroll by themselves."""
        return scrolling(form) if self.scrolls else form

    def on_change(self, change: Change) -> None:
        """Route a document change to the form."""
        self.form.on_change(change)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Show the findings that point into this step."""
        self._problems = problems
        self.form.show_problems(problems)

    def reveal(self, path: JsonPath) -> bool:
        """Jump to the field ``path`` names."""
        self.finish_building()
        return self.form.reveal(path)

    def add_narrative(self, title: str = "Narrative") -> None:
        """Add the free-text sections of the step's M11 chapters (from the catalogue).

        They sit at the bottom of the step; reading the catalogue waits until the
        top of the step has been painted.
        """
        if not self.step.m11:
            return
        layout: QFormLayout = self.form.section(title, "Free text of the protocol document.")
        self._later.append(lambda: self._fill_narrative(layout))

    def _fill_narrative(self, layout: QFormLayout) -> None:
        for key, section_title, guidance in choices.narrative_sections(self.step.m11):
            self.form.add(
                layout,
                TextAreaField(
                    self.document,
                    ("narrative", key),
                    section_title,
                    help_text=guidance,
                    placeholder=guidance,
                    optional_key=True,
                ),
            )
