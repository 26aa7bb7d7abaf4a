"""What every step editor shares: a scrolling form, change routing, findings and jumps."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from papdesigner.model.commands import JsonPath
from papdesigner.model.history import Change
from papdesigner.ui import choices
from papdesigner.ui.document import ProtocolDocument
from papdesigner.ui.fields import TextAreaField
from papdesigner.ui.form import FieldProblem, Form, scrolling
from papdesigner.ui.steps import step


class StepEditor(QWidget):
    """The centre of the window for one step; subclasses fill :attr:`form` in ``build``."""

    key = ""
    scrolls = True
    """False for steps whose content (a master-detail list) scrolls by itself."""

    def __init__(self, document: ProtocolDocument) -> None:
        super().__init__()
        self.document = document
        self.step = step(self.key)
        self.setAccessibleName(self.step.title)
        self.form = Form(document)
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
        self.form.show_problems(problems)

    def reveal(self, path: JsonPath) -> bool:
        """Jump to the field ``path`` names."""
        return self.form.reveal(path)

    def add_narrative(self, title: str = "Narrative") -> None:
        """Add the free-text sections of the step's M11 chapters (from the catalogue)."""
        sections = choices.narrative_sections(self.step.m11)
        if not sections:
            return
        layout: QFormLayout = self.form.section(title, "Free text of the protocol document.")
        for key, section_title, guidance in sections:
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
