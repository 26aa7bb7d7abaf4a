"""The session timeline: study days across, one lane per arm, sessions drawn by kind.

The layout (x positions, lanes, stacking, dose labels) comes from the Qt-free
:mod:`papdesigner.model.timeline`, the same numbers the PDF figure uses. This
widget only paints them, hit-tests clicks, and turns a drag (or Shift+arrow)
into an undoable change of the session's study day.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from papdesigner.model.commands import SetValue
from papdesigner.model.history import Change
from papdesigner.model.timeline import KIND_STYLES, Marker, Timeline, build_timeline
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.problems import is_dark

_LEFT, _RIGHT, _TOP, _BOTTOM = 150, 40, 34, 34
_MARKER = 16
_ROW = 38
_DRAG_THRESHOLD = 4


@dataclass
class _Drag:
    session_id: str
    start_x: float
    day: int
    moved: bool = False


class TimelineView(QWidget):
    """Paints the timeline; click selects a session, drag moves its day (undoable)."""

    sig_session_selected = Signal(str)
    """Emitted with the id of the session the user clicked (or chose with the keyboard)."""

    sig_height_changed = Signal()
    """Emitted when the lanes need another height (sessions added, stacked or removed)."""

    def __init__(self, document: EditedProtocol) -> None:
        super().__init__()
        self.document = document
        self.selected_id: str | None = None
        self.timeline: Timeline = build_timeline(document.protocol)
        self._drag: _Drag | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Session timeline")
        self.setWhatsThis(
            "Click a session to select it; drag it sideways to move its study day.\n"
            "Keyboard: Left/Right select, Shift+Left/Right move by one day."
        )
        self.setAccessibleDescription(self.whatsThis())
        document.sig_changed.connect(self._on_document_changed)
        self._relayout()

    # ---- geometry -------------------------------------------------------------------------------

    def _plot_width(self) -> float:
        return max(self.width() - _LEFT - _RIGHT, 50)

    def _lane_height(self) -> float:
        return (self.timeline.max_stack + 1) * _ROW + 12

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Tall enough for every lane."""
        return QSize(900, int(_TOP + _BOTTOM + len(self.timeline.lanes) * self._lane_height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Never squash the lanes (the step scrolls them); narrow enough for small screens."""
        return QSize(320, self.sizeHint().height())

    def marker_centre(self, marker: Marker) -> QPointF:
        """Where a marker is drawn, in widget coordinates."""
        x = _LEFT + marker.x * self._plot_width()
        y = _TOP + marker.lane * self._lane_height() + 18 + marker.stack * _ROW
        return QPointF(x, y)

    def marker_at(self, point: QPointF) -> Marker | None:
        """The marker under a point, if any."""
        for marker in self.timeline.markers:
            centre = self.marker_centre(marker)
            if abs(centre.x() - point.x()) <= _MARKER and abs(centre.y() - point.y()) <= _MARKER:
                return marker
        return None

    def x_of_day(self, day: int) -> float:
        """Widget x of a study day (interpolated between the session days on the axis)."""
        return _LEFT + self._x_of_day(day, 1.02 if day > 0 else -0.02) * self._plot_width()

    def day_at(self, x: float) -> int:
        """The study day at widget x, interpolating between the session days on the axis."""
        ticks = self.timeline.ticks
        if not ticks:
            return 1
        fraction = (x - _LEFT) / self._plot_width()
        xs = [t.x for t in ticks]
        days = [t.day for t in ticks]
        if len(ticks) == 1:
            return days[0]
        i = min(max(bisect.bisect_left(xs, fraction), 1), len(xs) - 1)
        x0, x1, d0, d1 = xs[i - 1], xs[i], days[i - 1], days[i]
        span = (x1 - x0) or 1.0
        day = round(d0 + (fraction - x0) / span * (d1 - d0))
        return day if day != 0 else (1 if fraction >= x0 and d1 > 0 else -1)

    # ---- selection ------------------------------------------------------------------------------

    def select(self, session_id: str | None) -> None:
        """Highlight a session (from the list); no signal is emitted."""
        if session_id != self.selected_id:
            self.selected_id = session_id
            self.update()

    def _choose(self, session_id: str) -> None:
        self.select(session_id)
        self.sig_session_selected.emit(session_id)

    def _ordered_ids(self) -> list[str]:
        return [s.id for s in sorted(self.document.protocol.sessions, key=lambda s: (s.day, s.id))]

    # ---- moving ---------------------------------------------------------------------------------

    def move_session(self, session_id: str, day: int, *, merge: bool = False) -> bool:
        """Push the change of a session's study day; False (with a tooltip) if refused."""
        protocol = self.document.protocol
        index = next((i for i, s in enumerate(protocol.sessions) if s.id == session_id), None)
        if index is None or protocol.sessions[index].day == day:
            return False
        title = protocol.sessions[index].title or session_id
        command = SetValue(
            ("sessions", index, "day"),
            day,
            f"Move {title} to day {day}",
            "nudge" if merge else None,
        )
        if self.document.push(command):
            return True
        error = self.document.last_error
        QToolTip.showText(
            self.mapToGlobal(self.rect().center()), error.message if error else "Refused", self
        )
        return False

    # ---- events ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """Select the session under the mouse and start a possible drag."""
        marker = self.marker_at(event.position())
        if marker is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._choose(marker.session_id)
        self._drag = _Drag(marker.session_id, event.position().x(), marker.day)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """Follow a drag with a ghost marker at the target day."""
        if self._drag is None:
            marker = self.marker_at(event.position())
            self.setCursor(Qt.CursorShape.OpenHandCursor if marker else Qt.CursorShape.ArrowCursor)
            return
        if abs(event.position().x() - self._drag.start_x) >= _DRAG_THRESHOLD:
            self._drag.moved = True
        if self._drag.moved:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            self._drag.day = self.day_at(event.position().x())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """Finish a drag: move the session to the day under the mouse."""
        drag, self._drag = self._drag, None
        self.setCursor(Qt.CursorShape.ArrowCursor)
        if drag is not None and drag.moved:
            self.move_session(drag.session_id, self.day_at(event.position().x()))
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """Left/Right choose a session; Shift+Left/Right move it by a day."""
        key = event.key()
        if key not in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            super().keyPressEvent(event)
            return
        step = -1 if key == Qt.Key.Key_Left else 1
        ids = self._ordered_ids()
        if not ids:
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self.selected_id:
            session = self.document.protocol.session(self.selected_id)
            if session is not None:
                day = session.day + step
                self.move_session(session.id, day if day != 0 else day + step, merge=True)
            return
        current = ids.index(self.selected_id) if self.selected_id in ids else -1
        self._choose(ids[min(max(current + step, 0), len(ids) - 1)])

    def event(self, event: QEvent) -> bool:
        """A tooltip per marker: title, kind, day, window and doses."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            marker = self.marker_at(QPointF(event.pos()))
            if marker is not None:
                QToolTip.showText(event.globalPos(), self.marker_text(marker), self)
                return True
        return super().event(event)

    def marker_text(self, marker: Marker) -> str:
        """What the tooltip says about a marker."""
        kind = KIND_STYLES.get(marker.kind, KIND_STYLES["other"]).label
        window = f" (±{marker.window_days} d)" if marker.window_days else ""
        lines = [f"{marker.title}", f"{kind}, day {marker.day}{window}"]
        lines += [d.text for d in marker.doses]
        return "\n".join(lines)

    def focusOutEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        """End a run of day nudges: the next one is a new undo step."""
        self.document.history.seal()
        super().focusOutEvent(event)  # type: ignore[arg-type]

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        """Recompute stacking for the new width."""
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._relayout()

    def _on_document_changed(self, change: Change) -> None:
        if (
            change.touches(("sessions",))
            or change.touches(("arms",))
            or change.touches(("products",))
        ):
            self._relayout()

    def _relayout(self) -> None:
        # Markers closer than this stack; labels are drawn for dosing sessions only
        # (the dose) and for the selected session, so markers can sit close together.
        separation = (_MARKER * 1.6) / self._plot_width()
        self.timeline = build_timeline(self.document.protocol, min_separation=separation)
        height = self.sizeHint().height()
        if height != self.height():
            self.setFixedHeight(height)
            self.sig_height_changed.emit()
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """A text version of the timeline for screen readers."""
        parts = [f"day {m.day}: {m.title}" for m in self.timeline.markers if m.lane == 0]
        return "; ".join(parts) or "No sessions"

    # ---- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        """Draw lanes, axis, markers, labels and the drag ghost."""
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        if self.timeline.empty:
            painter.setPen(palette.text().color())
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "No sessions yet — add one below."
            )
            return
        self._paint_lanes(painter)
        self._paint_axis(painter)
        for marker in self.timeline.markers:
            self._paint_marker(painter, marker)
        self._paint_labels(painter)
        self._paint_ghost(painter)
        if self.hasFocus():
            pen = QPen(palette.highlight().color(), 1, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)  # an outline only: not the last label's fill
            painter.drawRect(self.rect().adjusted(1, 1, -2, -2))

    def _paint_lanes(self, painter: QPainter) -> None:
        palette = self.palette()
        text = palette.text().color()
        band = palette.alternateBase().color()
        metrics = QFontMetrics(self.font())
        for index, lane in enumerate(self.timeline.lanes):
            top = _TOP + index * self._lane_height()
            if index % 2:
                painter.fillRect(QRectF(0, top, self.width(), self._lane_height()), band)
            painter.setPen(text)
            label = metrics.elidedText(lane.label, Qt.TextElideMode.ElideRight, _LEFT - 16)
            painter.drawText(QRectF(8, top, _LEFT - 12, 36), Qt.AlignmentFlag.AlignVCenter, label)

    def _paint_axis(self, painter: QPainter) -> None:
        palette = self.palette()
        y = self.height() - _BOTTOM + 6
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawLine(QPointF(_LEFT, y), QPointF(_LEFT + self._plot_width(), y))
        metrics = QFontMetrics(self.font())
        last_right = -1e9
        painter.setPen(palette.text().color())
        for tick in self.timeline.ticks:
            x = _LEFT + tick.x * self._plot_width()
            painter.drawLine(QPointF(x, y), QPointF(x, y + 4))
            text = str(tick.day)
            width = metrics.horizontalAdvance(text)
            if x - width / 2 > last_right + 4:
                painter.drawText(QPointF(x - width / 2, y + 18), text)
                last_right = x + width / 2
        painter.drawText(QPointF(8, y + 18), "Study day")
        self._paint_legend(painter)

    def _paint_legend(self, painter: QPainter) -> None:
        kinds = [k for k in KIND_STYLES if any(m.kind == k for m in self.timeline.markers)]
        x = float(_LEFT)
        metrics = QFontMetrics(self.font())
        for kind in kinds:
            style = KIND_STYLES[kind]
            self._shape(painter, style.shape, QPointF(x + 6, 14), 10, QColor(style.colour))
            painter.setPen(self.palette().text().color())
            painter.drawText(QPointF(x + 16, 19), style.label)
            x += 30 + metrics.horizontalAdvance(style.label)

    def _paint_marker(self, painter: QPainter, marker: Marker) -> None:
        centre = self.marker_centre(marker)
        style = KIND_STYLES.get(marker.kind, KIND_STYLES["other"])
        colour = QColor(style.colour)
        if is_dark(self.palette()):
            colour = colour.lighter(125)
        if marker.session_id == self.selected_id:
            painter.setPen(QPen(self.palette().highlight().color(), 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(centre, _MARKER * 0.95, _MARKER * 0.95)
        self._shape(painter, style.shape, centre, _MARKER, colour)

    def _paint_labels(self, painter: QPainter) -> None:
        """Dose labels where they fit, then the selected session's label on top."""
        metrics = QFontMetrics(self.font())
        taken: dict[tuple[int, int], list[tuple[float, float]]] = {}
        selected = [m for m in self.timeline.markers if m.session_id == self.selected_id]
        for marker in self.timeline.markers:
            if not marker.doses or marker in selected:
                continue
            text = metrics.elidedText(
                " / ".join(d.text for d in marker.doses), Qt.TextElideMode.ElideRight, 130
            )
            rect = self._label_rect(marker, text, metrics)
            spans = taken.setdefault((marker.lane, marker.stack), [])
            if any(rect.left() < right + 6 and rect.right() + 6 > left for left, right in spans):
                continue  # no room: the tooltip still tells the dose
            spans.append((rect.left(), rect.right()))
            painter.setPen(self.palette().text().color())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        for marker in selected:
            label = marker.title
            if marker.doses:
                label += ": " + " / ".join(d.text for d in marker.doses)
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, 260)
            rect = self._label_rect(marker, text, metrics).adjusted(-4, -1, 4, 1)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette().highlight())
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(self.palette().highlightedText().color())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _label_rect(self, marker: Marker, text: str, metrics: QFontMetrics) -> QRectF:
        centre = self.marker_centre(marker)
        width = metrics.horizontalAdvance(text) + 2
        left = min(max(centre.x() - width / 2, 2.0), self.width() - width - 2)
        return QRectF(left, centre.y() + _MARKER / 2 + 1, width, metrics.height())

    def _paint_ghost(self, painter: QPainter) -> None:
        if self._drag is None or not self._drag.moved:
            return
        markers = [m for m in self.timeline.markers if m.session_id == self._drag.session_id]
        if not markers:
            return
        x = self.x_of_day(self._drag.day)
        for marker in markers:
            y = self.marker_centre(marker).y()
            ghost = QColor(KIND_STYLES.get(marker.kind, KIND_STYLES["other"]).colour)
            ghost.setAlphaF(0.45)
            self._shape(painter, KIND_STYLES[marker.kind].shape, QPointF(x, y), _MARKER, ghost)
            painter.setPen(self.palette().highlight().color())
            painter.drawText(QPointF(x + _MARKER, y - _MARKER / 2), f"day {self._drag.day}")

    def _x_of_day(self, day: int, fallback: float) -> float:
        ticks = self.timeline.ticks
        for before, after in itertools.pairwise(ticks):
            if before.day <= day <= after.day:
                share = (day - before.day) / ((after.day - before.day) or 1)
                return before.x + share * (after.x - before.x)
        return min(max(fallback, -0.02), 1.02)

    @staticmethod
    def _shape(painter: QPainter, shape: str, centre: QPointF, size: float, colour: QColor) -> None:
        half = size / 2
        painter.setPen(QPen(colour.darker(140), 1.2))
        painter.setBrush(colour)
        cx, cy = centre.x(), centre.y()
        if shape == "circle":
            painter.drawEllipse(centre, half, half)
        elif shape == "diamond":
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(cx, cy - half),
                        QPointF(cx + half, cy),
                        QPointF(cx, cy + half),
                        QPointF(cx - half, cy),
                    ]
                )
            )
        elif shape == "triangle":
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(cx, cy - half),
                        QPointF(cx + half, cy + half),
                        QPointF(cx - half, cy + half),
                    ]
                )
            )
        elif shape == "triangle_down":
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(cx - half, cy - half),
                        QPointF(cx + half, cy - half),
                        QPointF(cx, cy + half),
                    ]
                )
            )
        elif shape == "cross":
            path = QPainterPath()
            path.moveTo(cx - half, cy - half)
            path.lineTo(cx + half, cy + half)
            path.moveTo(cx + half, cy - half)
            path.lineTo(cx - half, cy + half)
            painter.setPen(QPen(colour, 3))
            painter.drawPath(path)
        else:
            painter.drawRect(QRectF(cx - half, cy - half, size, size))
