"""Forms: titled sections of field editors and nested parts, bound below one base path.

A :class:`Form` routes document changes to its fields, places compliance
findings next to the field their path names (or in the form's header when no
field matches), and can *reveal* a path: focus the field and flash it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol as TypingProtocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import CheckField, FieldEditor
from papdesigner.ui.highlight import flash
from papdesigner.ui.problems import ProblemLabel


@dataclass(frozen=True)
class FieldProblem:
    """A compliance finding as a form shows it: where, how bad, what."""

    path: JsonPath
    severity: str
    text: str


class Part(TypingProtocol):
    """What a form needs from a nested editor (a list editor, a table)."""

    def set_base(self, base: JsonPath) -> None:
        """Bind below another base path."""

    def on_change(self, change: Change) -> None:
        """React to a document change."""

    def reveal(self, path: JsonPath) -> bool:
        """Show and focus the place ``path`` names; False if it is not in this part."""

    def show_problems(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        """Show the problems this part can place; return the ones it could not."""


def starts_with(path: JsonPath, prefix: JsonPath) -> bool:
    """True if ``prefix`` is a leading part of ``path`` (or equal to it)."""
    return path[: len(prefix)] == prefix


class Form(QWidget):
    """Sections of fields below a base path (``()`` for the whole protocol)."""

    def __init__(self, document: EditedProtocol, base: JsonPath = ()) -> None:
        super().__init__()
        self.document = document
        self.base = base
        self.fields: list[FieldEditor] = []
        self.parts: list[tuple[JsonPath, Part, QWidget]] = []
        self._outer: dict[int, QVBoxLayout] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.header_problems = ProblemLabel()
        self._layout.addWidget(self.header_problems)

    # ---- building -------------------------------------------------------------------------------

    def section(self, title: str, description: str = "", *, stretch: int = 0) -> QFormLayout:
        """Add a titled group and return its form layout for :meth:`add`.

        ``stretch`` > 0 lets the group take the spare height (a list that fills the step).
        """
        box = QGroupBox(title)
        outer = QVBoxLayout(box)
        if description:
            note = QLabel(description)
            note.setWordWrap(True)
            outer.addWidget(note)
        layout = QFormLayout()
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(layout)
        self._outer[id(layout)] = outer
        self._layout.addWidget(box, stretch)
        return layout

    def add(self, layout: QFormLayout, field: FieldEditor) -> FieldEditor:
        """Add a field as a labelled row (a check box carries its own label)."""
        field.base = self.base
        self.fields.append(field)
        if isinstance(field, CheckField):
            layout.addRow(field.container)
        else:
            label = QLabel(f"{field.label}:")
            label.setBuddy(field.editor)
            layout.addRow(label, field.container)
        field.refresh()
        return field

    def add_all(self, layout: QFormLayout, fields: Iterable[FieldEditor]) -> None:
        """Add several fields in order."""
        for field in fields:
            self.add(layout, field)

    def add_part(
        self,
        layout: QFormLayout,
        relative: JsonPath,
        part: Part,
        widget: QWidget,
        *,
        fill: bool = False,
    ) -> None:
        """Add a nested editor that covers ``relative`` (below the form's base).

        With ``fill`` the editor takes the section's spare height (a form row never grows).
        """
        self.parts.append((relative, part, widget))
        part.set_base(self.base)
        if fill and id(layout) in self._outer:
            self._outer[id(layout)].addWidget(widget, 1)
        else:
            layout.addRow(widget)

    def insert_top(self, widget: QWidget) -> None:
        """Put a widget above everything else (the step's heading)."""
        self._layout.insertWidget(0, widget)

    def add_widget(self, widget: QWidget, stretch: int = 0) -> None:
        """Add a widget below the sections (e.g. a figure)."""
        self._layout.addWidget(widget, stretch)

    def finish(self) -> None:
        """Push the sections to the top."""
        self._layout.addStretch(1)

    # ---- binding --------------------------------------------------------------------------------

    def set_base(self, base: JsonPath) -> None:
        """Bind every field and part below another base path."""
        self.base = base
        self.header_problems.clear()
        for field in self.fields:
            field.set_base(base)
        for _relative, part, _widget in self.parts:
            part.set_base(base)

    def on_change(self, change: Change) -> None:
        """Route a document change to the fields and parts it touches."""
        for field in self.fields:
            field.on_change(change)
        for _relative, part, _widget in self.parts:
            part.on_change(change)

    # ---- findings and jumps ---------------------------------------------------------------------

    def show_problems(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        """Place each problem at the deepest field or part whose path it starts with.

        Problems for this form's own item (or for a place without a field) go to
        the header line; problems outside the form's base are returned.
        """
        mine = [p for p in problems if starts_with(p.path, self.base)]
        rest = [p for p in problems if not starts_with(p.path, self.base)]
        by_field: dict[int, list[tuple[str, str]]] = {id(f): [] for f in self.fields}
        unplaced: list[FieldProblem] = []
        for problem in mine:
            field = self._field_for(problem.path)
            if field is not None:
                by_field[id(field)].append((problem.severity, problem.text))
            else:
                unplaced.append(problem)
        for field in self.fields:
            field.problems.set_findings(by_field[id(field)])
        for relative, part, _widget in self.parts:
            prefix = (*self.base, *relative)
            inside = [p for p in unplaced if starts_with(p.path, prefix)]
            left = part.show_problems(inside)
            unplaced = [p for p in unplaced if p not in inside] + left
        self.header_problems.set_findings([(p.severity, p.text) for p in unplaced])
        return rest

    def _field_for(self, path: JsonPath) -> FieldEditor | None:
        best: FieldEditor | None = None
        for field in self.fields:
            if starts_with(path, field.path) and (best is None or len(field.path) > len(best.path)):
                best = field
        return best

    def reveal(self, path: JsonPath) -> bool:
        """Focus and flash the field (or part) that ``path`` names; False if not here."""
        if not starts_with(path, self.base):
            return False
        for relative, part, _widget in self.parts:
            if starts_with(path, (*self.base, *relative)) and part.reveal(path):
                return True
        field = self._field_for(path)
        target: QWidget = field.editor if field is not None else self.header_problems
        if field is not None:
            ensure_visible(field.container)
            field.focus()
        else:
            ensure_visible(self)
            target = self
        flash(target)
        return True


def ensure_visible(widget: QWidget) -> None:
    """Scroll every enclosing scroll area so that ``widget`` is in view."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 40, 60)
        parent = parent.parentWidget()


def scrolling(widget: QWidget) -> QScrollArea:
    """Wrap a form in a scroll area that resizes it to the available width."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    # No Tab stop of its own (an invisible stop between fields); it still scrolls to the
    # field that gets the focus.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area
