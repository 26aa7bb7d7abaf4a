"""A short-lived frame drawn around a widget, to show where a jump landed."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEasingCurve, QRect, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

FLASH_MS = 1800


class _Frame(QWidget):
    """Transparent overlay painting a fading rounded frame in the highlight colour."""

    def __init__(self, target: QWidget) -> None:
        top = target.window()
        super().__init__(top)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Only the visible part of the target: a cell half scrolled out of its table must
        # not get a frame drawn over the neighbouring panels.
        visible = target.visibleRegion().boundingRect()
        corner = target.mapTo(top, visible.topLeft())
        self.setGeometry(QRect(corner, visible.size()).adjusted(-3, -3, 3, 3))
        self._target = target
        self._alpha = 1.0
        self._animation = QVariantAnimation(self)
        self._animation.setStartValue(1.0)
        self._animation.setEndValue(0.0)
        self._animation.setDuration(FLASH_MS)
        self._animation.setEasingCurve(QEasingCurve.Type.InQuad)
        self._animation.valueChanged.connect(self._on_animation_value_changed)
        self._animation.finished.connect(self.deleteLater)

    def start(self) -> None:
        self.show()
        self.raise_()
        self._animation.start()

    def _on_animation_value_changed(self, value: float) -> None:
        if not shiboken6.isValid(self._target) or not self._target.isVisible():
            self._animation.stop()
            self.deleteLater()  # the target went away (another tab, another step)
            return
        self._alpha = float(value)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        del event
        colour = QColor(self.palette().color(self.palette().ColorRole.Highlight))
        colour.setAlphaF(self._alpha)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 5, 5)


def flash(target: QWidget) -> None:
    """Draw a fading frame around ``target`` and mark it (``highlighted`` property) for tests."""
    target.setProperty("highlighted", True)
    if target.isVisible() and not target.visibleRegion().isEmpty():
        _Frame(target).start()
