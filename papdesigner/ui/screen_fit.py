"""Keep windows and dialogs within the screen they appear on.

A 1366x768 laptop leaves about 1366x730 to windows; the main window's preferred
1400x880 and some dialogs were larger, which put buttons off-screen. Every top-level
window is fitted to its screen's available geometry when it is first shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QScrollArea, QWidget

PREFERRED_WINDOW = QSize(1400, 880)
"""The main window's size on a large screen."""


def fitted(preferred: QSize, available: QRect, share: float = 0.96) -> QSize:
    """``preferred`` shrunk to at most ``share`` of the available screen area."""
    return QSize(
        min(preferred.width(), int(available.width() * share)),
        min(preferred.height(), int(available.height() * share)),
    )


def available_geometry(widget: QWidget) -> QRect:
    """The part of the widget's screen that windows may use (without panels and docks)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, preferred: QSize | None = None) -> None:
    """Resize ``widget`` to fit its screen (keeping ``preferred`` if it fits) and move it
    so that the whole frame, with its buttons, is on the screen."""
    available = available_geometry(widget)
    size = fitted(preferred or widget.size(), available, share=1.0)
    frame = widget.frameGeometry().size() - widget.size()  # title bar and borders
    size = QSize(
        min(size.width(), available.width() - frame.width()),
        min(size.height(), available.height() - frame.height()),
    )
    if size != widget.size():
        widget.resize(size)
    x = min(max(widget.x(), available.left()), available.right() - widget.frameGeometry().width())
    y = min(max(widget.y(), available.top()), available.bottom() - widget.frameGeometry().height())
    if (x, y) != (widget.x(), widget.y()):
        widget.move(max(x, available.left()), max(y, available.top()))


class DialogFitter(QObject):
    """Application event filter: every dialog is fitted to its screen when shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Fit a dialog that is about to be shown."""
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            fit_to_screen(watched)
        return False


class _WholeBodyScroll(QScrollArea):
    """A scroll area whose preferred size is its whole content (QScrollArea caps it)."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """The body's own preferred size, plus room for a vertical scroll bar."""
        body = self.widget()
        if body is None:
            return super().sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return body.sizeHint() + QSize(bar + 2, 2)


def scrolling_body(body: QWidget) -> QScrollArea:
    """``body`` in a frameless scroll area that asks for its full size when there is room."""
    area = _WholeBodyScroll()
    area.setWidget(body)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop between the fields
    area.setMinimumHeight(min(body.sizeHint().height(), 240))
    area.setMinimumWidth(min(body.sizeHint().width() + 24, 640))
    return area
