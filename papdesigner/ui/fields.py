"""Field editors: one widget bound to one JSON path of the protocol.

A :class:`FieldEditor` reads its value from the document, pushes a ``SetValue``
command when the user changes it (typing merges into one undo step until the
field loses focus), reloads itself when a change touches its path, and shows
problems (a refused edit, a compliance finding) in a line right below it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QTextDocument, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model.commands import MISSING, SetValue
from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.problems import ProblemLabel

TYPING = "typing"
"""Merge key of edits made keystroke by keystroke (or arrow click by arrow click)."""

Choices = Sequence[tuple[Any, str]]


class FieldEditor(QObject):
    """Base of the field editors: binding, refresh, problems, focus handling."""

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        editor: QWidget,
        *,
        help_text: str = "",
    ) -> None:
        super().__init__(editor)
        self.document = document
        self.relative_path = path
        self.base: JsonPath = ()
        self.label = label
        self.editor = editor
        self.missing_when_empty = False
        """Store an empty (None) value by deleting the dictionary key (narrative sections)."""
        self._loading = False
        self.container = QWidget()
        layout = QVBoxLayout(self.container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.problems = ProblemLabel()
        layout.addWidget(self.problems)
        editor.setAccessibleName(label)
        if help_text:
            editor.setToolTip(help_text)
            editor.setAccessibleDescription(help_text)
        editor.installEventFilter(self)
        for child in editor.findChildren(QWidget):
            child.installEventFilter(self)

    # ---- binding --------------------------------------------------------------------------------

    @property
    def path(self) -> JsonPath:
        """The absolute JSON path this field edits."""
        return (*self.base, *self.relative_path)

    def set_base(self, base: JsonPath) -> None:
        """Point the field at another item (a list editor selected another row)."""
        self.base = base
        self.problems.clear()
        self.refresh()

    def refresh(self) -> None:
        """Show the document's current value (unless the widget already shows it)."""
        value = self.document.json(self.path)
        if self._loading or self._same(self.value(), value):
            return
        self._loading = True
        try:
            self.load(value)
        finally:
            self._loading = False

    def on_change(self, change: Change) -> None:
        """Refresh if the change touches this field."""
        if change.touches(self.path):
            self.refresh()

    def commit(self, value: Any, *, typing: bool = False) -> None:
        """Push the user's new value; show the reason under the field if it is refused."""
        if self._loading or self._same(value, self.document.json(self.path)):
            return
        stored = MISSING if value is None and self.missing_when_empty else value
        command = SetValue(
            self.path, stored, f"Change {self.label.lower()}", TYPING if typing else None
        )
        if self.document.push(command):
            self.problems.set_refusal("")
        else:
            self.problems.set_refusal(self._last_refusal())

    def _last_refusal(self) -> str:
        error = self.document.last_error
        if error is None:
            return "The value was not accepted."
        # A refusal about this very field reads better without its own path; another
        # place is named in words, never as a JSON path.
        from papdesigner.model.labels import humanize, place_label

        if error.path == self.path:
            return humanize(error.message)
        return f"{place_label(error.path)}: {humanize(error.message)}"

    @staticmethod
    def _same(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, int | float) and not isinstance(b, bool):
            return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
        return bool(a == b)

    # ---- subclass interface ---------------------------------------------------------------------

    def value(self) -> Any:
        """Return the JSON value the widget shows."""
        raise NotImplementedError

    def load(self, value: Any) -> None:
        """Show ``value`` (signals of the widget are ignored while loading)."""
        raise NotImplementedError

    # ---- focus ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """End the typing run on focus-out, and put back the stored value if it was refused."""
        if event.type() == QEvent.Type.FocusOut:
            self.document.history.seal()
            if self.problems.has_refusal():
                self.refresh()
        elif event.type() == QEvent.Type.FocusIn and watched is self.editor:
            self.problems.set_notice("")  # a new visit: the last input notice has been read
        return super().eventFilter(watched, event)

    def focus(self) -> None:
        """Give the editor keyboard focus."""
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)


# --- text -----------------------------------------------------------------------------------


class TextField(FieldEditor):
    """A one-line text (``str``; with ``optional`` an empty text is stored as null)."""

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        *,
        help_text: str = "",
        placeholder: str = "",
        optional: bool = False,
        max_length: int = 0,
        length_reason: str = "",
    ) -> None:
        self.line = QLineEdit()
        self.line.setPlaceholderText(placeholder)
        self.optional = optional
        self.max_length = max_length
        """Typed or pasted text is cut to this many characters, with a notice (0: no limit).
        Not QLineEdit.setMaxLength: that would cut a longer stored value on display."""
        self.length_reason = length_reason
        if max_length:
            help_text = (help_text + "\n" if help_text else "") + (
                f"At most {max_length} characters{': ' + length_reason if length_reason else ''}."
            )
        super().__init__(document, path, label, self.line, help_text=help_text)
        self.line.textEdited.connect(self._on_line_text_edited)

    def _on_line_text_edited(self, text: str) -> None:
        if self.max_length and len(text) > self.max_length:
            cursor = min(self.line.cursorPosition(), self.max_length)
            text = text[: self.max_length]
            self.line.setText(text)
            self.line.setCursorPosition(cursor)
            why = f" ({self.length_reason})" if self.length_reason else ""
            self.problems.set_notice(
                f"{self.label} is limited to {self.max_length} characters{why}; "
                f"the text was cut after character {self.max_length}."
            )
        self.commit(self._stored(text), typing=True)

    def _stored(self, text: str) -> str | None:
        return None if self.optional and not text.strip() else text

    def value(self) -> Any:
        """The text, or None for an empty optional field."""
        return self._stored(self.line.text())

    def load(self, value: Any) -> None:
        """Show the text; keep the cursor where it was if possible."""
        cursor = self.line.cursorPosition()
        self.line.setText("" if value is None else str(value))
        self.line.setCursorPosition(min(cursor, len(self.line.text())))


class TextAreaField(FieldEditor):
    """Multi-line narrative text."""

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        *,
        help_text: str = "",
        placeholder: str = "",
        lines: int = 2,
        optional_key: bool = False,
    ) -> None:
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(placeholder)
        self.text.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._min_lines, self._max_lines = lines, max(lines, 14)
        self.text.textChanged.connect(self._fit)
        super().__init__(document, path, label, self.text, help_text=help_text)
        self.missing_when_empty = optional_key
        self.text.textChanged.connect(lambda: self.commit(self.value(), typing=True))

    def _fit(self) -> None:
        """Grow with the text, between ``lines`` and 14 lines (then scroll)."""
        metrics = self.text.fontMetrics()
        # The widget's own width: in a resize event the viewport has not followed yet.
        width = self.text.width() - 2 * self.text.frameWidth()
        if width < 80:
            width = 480  # not laid out yet; the resize that follows fits again
        layout = QTextDocument()
        layout.setDefaultFont(self.text.font())
        layout.setDocumentMargin(self.text.document().documentMargin())
        layout.setPlainText(self.text.toPlainText() or " ")
        layout.setTextWidth(width)
        line = metrics.lineSpacing()
        lines = max(1, round((layout.size().height() - 2 * layout.documentMargin()) / line))
        shown = min(max(lines, self._min_lines), self._max_lines)
        margin = int(layout.documentMargin())
        height = shown * line + 2 * margin + 2 * self.text.frameWidth() + 2
        if self.text.height() != height:
            self.text.setFixedHeight(height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Refit the height when the width changes."""
        if watched is self.text and event.type() == QEvent.Type.Resize:
            self._fit()
        return super().eventFilter(watched, event)

    def value(self) -> Any:
        """The text (None when empty and the field is an optional dictionary entry)."""
        text = self.text.toPlainText()
        return None if self.missing_when_empty and not text else text

    def load(self, value: Any) -> None:
        """Show the text, keeping the cursor position."""
        cursor = self.text.textCursor().position()
        self.text.setPlainText("" if value is None else str(value))
        text_cursor = self.text.textCursor()
        text_cursor.setPosition(min(cursor, len(self.text.toPlainText())))
        self.text.setTextCursor(text_cursor)


# --- numbers -----------------------------------------------------------------------------------


NOT_SET = "not set"


class IntField(FieldEditor):
    """A whole number with an optional unit; ``optional`` adds a "not set" value below minimum."""

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        *,
        minimum: int = -10_000,
        maximum: int = 100_000,
        unit: str = "",
        optional: bool = False,
        help_text: str = "",
    ) -> None:
        self.spin = QSpinBox()
        self.optional = optional
        self.spin.setRange(minimum - 1 if optional else minimum, maximum)
        if optional:
            self.spin.setSpecialValueText(NOT_SET)
        if unit:
            self.spin.setSuffix(f" {unit}")
        self.spin.setAccelerated(True)
        _configure_spin(self.spin)
        super().__init__(document, path, label, self.spin, help_text=help_text)
        self.spin.valueChanged.connect(lambda _v: self.commit(self.value(), typing=True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Say why a typed key is not taken, under the field."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            notice = rejected_key_notice(self.spin, self.label, event.text(), self.optional)
            if notice:
                self.problems.set_notice(notice)
        return super().eventFilter(watched, event)

    def value(self) -> Any:
        """The number, or None at the "not set" position."""
        if self.optional and self.spin.value() == self.spin.minimum():
            return None
        return self.spin.value()

    def load(self, value: Any) -> None:
        """Show the number (None shows "not set")."""
        self.spin.setValue(self.spin.minimum() if value is None else int(value))


class FloatField(FieldEditor):
    """A decimal number with a unit; ``optional`` adds a "not set" value below minimum."""

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        *,
        minimum: float = 0.0,
        maximum: float = 100_000.0,
        step: float = 1.0,
        decimals: int = 2,
        unit: str = "",
        optional: bool = False,
        help_text: str = "",
    ) -> None:
        self.spin = QDoubleSpinBox()
        self.optional = optional
        self.spin.setDecimals(decimals)
        self.spin.setSingleStep(step)
        self.spin.setRange(minimum - step if optional else minimum, maximum)
        if optional:
            self.spin.setSpecialValueText(NOT_SET)
        if unit:
            self.spin.setSuffix(f" {unit}")
        _configure_spin(self.spin)
        super().__init__(document, path, label, self.spin, help_text=help_text)
        self.spin.valueChanged.connect(lambda _v: self.commit(self.value(), typing=True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Say why a typed key is not taken, under the field."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            notice = rejected_key_notice(self.spin, self.label, event.text(), self.optional)
            if notice:
                self.problems.set_notice(notice)
        return super().eventFilter(watched, event)

    def value(self) -> Any:
        """The number, or None at the "not set" position."""
        if self.optional and self.spin.value() <= self.spin.minimum():
            return None
        return float(self.spin.value())

    def load(self, value: Any) -> None:
        """Show the number (None shows "not set")."""
        self.spin.setValue(self.spin.minimum() if value is None else float(value))


def _range_text(spin: QSpinBox | QDoubleSpinBox, optional: bool) -> str:
    low = spin.minimum() + (spin.singleStep() if optional else 0)

    def shown(value: float) -> str:
        return (
            f"{value:,.{spin.decimals()}f}".rstrip("0").rstrip(".")
            if isinstance(spin, QDoubleSpinBox)
            else f"{int(value):,}"
        )

    unit = spin.suffix().strip()
    return f"from {shown(low)} to {shown(spin.maximum())}" + (f" {unit}" if unit else "")


def rejected_key_notice(
    spin: QSpinBox | QDoubleSpinBox, label: str, typed: str, optional: bool
) -> str:
    """Why a key typed into a number field is not accepted ("" if it is).

    A spin box drops a key it cannot take without a sound ("-5" became 5 mg): the
    field says so instead.
    """
    line = spin.lineEdit()
    if not typed or not typed.isprintable() or line is None:
        return ""
    text = line.text()
    start, end = (
        (line.selectionStart(), line.selectionStart() + len(line.selectedText()))
        if line.hasSelectedText()
        else (line.cursorPosition(), line.cursorPosition())
    )
    candidate = text[:start] + typed + text[end:]
    state = spin.validate(candidate, start + len(typed))
    state_value = state[0] if isinstance(state, tuple) else state
    if state_value != QValidator.State.Invalid:
        return ""
    where = _range_text(spin, optional)
    if typed == "-" and spin.minimum() >= 0 - (spin.singleStep() if optional else 0):
        return f"“-” was not accepted: {label.lower()} cannot be negative ({where})."
    if typed.isdigit():
        return f"“{candidate.strip()}” was not accepted: {label.lower()} goes {where}."
    return f"“{typed}” was not accepted: {label.lower()} takes a number {where}."


def _configure_spin(spin: QAbstractSpinBox) -> None:
    # A scroll wheel passing over a form must not change doses: wheel only with focus.
    spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    spin.setKeyboardTracking(True)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setMinimumWidth(120)
    spin.setMaximumWidth(240)  # a dose is short; a full-width spin box reads badly
    spin.installEventFilter(_WHEEL_GUARD)


class _WheelGuard(QObject):
    """Ignore wheel events on spin boxes and combos that do not have focus."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        wheel = event.type() == QEvent.Type.Wheel
        if wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


_WHEEL_GUARD = _WheelGuard()


# --- dates, booleans, choices ---------------------------------------------------------------


_NO_DATE = QDate(1900, 1, 1)


class _DateEdit(QDateEdit):
    """A date edit that Tab leaves, as every other field (Left/Right still move between
    day, month and year). QDateEdit's Tab walks its sections and, at "not set", never
    reached the next field."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 (Qt API)
        """Move the focus to the next (or previous) widget, not the next section."""
        return QWidget.focusNextPrevChild(self, next)


class DateField(FieldEditor):
    """A date with a calendar pop-up; the earliest date shows "not set" (stored as null)."""

    def __init__(
        self, document: EditedProtocol, path: JsonPath, label: str, *, help_text: str = ""
    ) -> None:
        self.date = _DateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMinimumDate(_NO_DATE)
        self.date.setSpecialValueText(NOT_SET)
        _configure_spin(self.date)
        super().__init__(document, path, label, self.date, help_text=help_text)
        self.date.dateChanged.connect(lambda _d: self.commit(self.value()))

    def value(self) -> Any:
        """The ISO date, or None."""
        qdate = self.date.date()
        return None if qdate == _NO_DATE else qdate.toString("yyyy-MM-dd")

    def load(self, value: Any) -> None:
        """Show the date; an empty value shows "not set"."""
        if not value:
            self.date.setDate(_NO_DATE)
            return
        day = dt.date.fromisoformat(str(value))
        self.date.setDate(QDate(day.year, day.month, day.day))


class CheckField(FieldEditor):
    """A yes/no value."""

    def __init__(
        self, document: EditedProtocol, path: JsonPath, label: str, *, help_text: str = ""
    ) -> None:
        self.check = QCheckBox(label)
        super().__init__(document, path, label, self.check, help_text=help_text)
        self.check.toggled.connect(lambda on: self.commit(bool(on)))

    def value(self) -> Any:
        """True if ticked."""
        return self.check.isChecked()

    def load(self, value: Any) -> None:
        """Tick or untick."""
        self.check.setChecked(bool(value))


class ChoiceField(FieldEditor):
    """One value out of a list (a closed vocabulary, a catalogue, or the protocol's own ids).

    ``choices`` may be a callable of the protocol, re-read whenever the protocol
    changes, for references to sites, roles, arms and settings. With
    ``editable``, free text is allowed too (a catalogue that suggests but does
    not restrict).
    """

    def __init__(
        self,
        document: EditedProtocol,
        path: JsonPath,
        label: str,
        choices: Choices | Callable[[EditedProtocol], Choices],
        *,
        optional: bool = False,
        editable: bool = False,
        none_label: str = "— none —",
        help_text: str = "",
    ) -> None:
        self.combo = QComboBox()
        self.combo.setEditable(editable)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(18)
        self.combo.setMaximumWidth(560)
        self.combo.installEventFilter(_WHEEL_GUARD)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._choices = choices
        self.optional = optional
        self.none_label = none_label
        super().__init__(document, path, label, self.combo, help_text=help_text)
        self._fill()
        self.combo.activated.connect(lambda _i: self.commit(self.value()))
        line = self.combo.lineEdit() if editable else None
        if line is not None:
            line.textEdited.connect(lambda _t: self.commit(self.value(), typing=True))

    def _current_choices(self) -> list[tuple[Any, str]]:
        choices = self._choices(self.document) if callable(self._choices) else self._choices
        items = list(choices)
        if self.optional:
            items.insert(0, (None, self.none_label))
        return items

    def _fill(self) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        for value, text in self._current_choices():
            self.combo.addItem(text, value)
        self.combo.blockSignals(False)

    def on_change(self, change: Change) -> None:
        """Re-read dynamic choices (a role was renamed or added), then refresh."""
        if callable(self._choices):
            self._loading = True
            self._fill()
            self._loading = False
            self.load(self.document.json(self.path))
        else:
            super().on_change(change)

    def value(self) -> Any:
        """The chosen value (free text of an editable combo if it matches no choice)."""
        if self.combo.isEditable():
            text = self.combo.currentText().strip()
            index = self.combo.findText(text, Qt.MatchFlag.MatchFixedString)
            if index >= 0:
                return self.combo.itemData(index)
            return text or None
        return self.combo.currentData()

    def load(self, value: Any) -> None:
        """Select the value; an unknown value is shown as it is, marked "(unknown)"."""
        index = self.combo.findData(value)
        if index < 0 and value is not None:
            self.combo.addItem(value if self.combo.isEditable() else f"{value} (unknown)", value)
            index = self.combo.count() - 1
        elif index < 0:
            index = 0 if self.optional else -1
        if self.combo.isEditable() and index >= 0:
            if self.combo.currentText() != self.combo.itemText(index):
                self.combo.setCurrentIndex(index)
            return
        self.combo.setCurrentIndex(index)


YES_NO_UNKNOWN: Choices = ((True, "Yes"), (False, "No"))


def tri_state_field(
    document: EditedProtocol, path: JsonPath, label: str, *, help_text: str = ""
) -> ChoiceField:
    """A ``bool | None`` field: Yes, No or "not stated"."""
    return ChoiceField(
        document,
        path,
        label,
        YES_NO_UNKNOWN,
        optional=True,
        none_label="Not stated",
        help_text=help_text,
    )


def caption(text: str) -> QLabel:
    """A small explanatory line for a form."""
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setForegroundRole(widget.foregroundRole())
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * 0.92)
    widget.setFont(font)
    return widget
