"""Crisp icons at any scale, in the colours of the current palette.

Icons are small SVG drawings (24 x 24 view box) kept here as data. An
:class:`_SvgIconEngine` renders them at the exact device-pixel size Qt asks for,
so they stay sharp on high-DPI screens, and paints the outline in the palette's
text colour at paint time, so they read in light and dark palettes alike.
Status colours (error, warning, info, done) are fixed, colour-blind-safe hues.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

_STROKE = (
    'fill="none" stroke="{ink}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'
)

_SHAPES: dict[str, str] = {
    "new": '<path d="M6 3h8l4 4v14H6z" {s}/><path d="M14 3v4h4M12 11v6M9 14h6" {s}/>',
    "open": '<path d="M3 7h6l2 2h10v10H3z" {s}/><path d="M3 19l3-7h16l-3 7" {s}/>',
    "save": '<path d="M5 3h11l3 3v15H5z" {s}/><path d="M8 3v5h7V3M8 21v-7h8v7" {s}/>',
    "export": '<path d="M6 3h8l4 4v14H6z" {s}/><path d="M12 10v7M9 14l3 3 3-3" {s}/>',
    "undo": '<path d="M9 7L4 12l5 5" {s}/><path d="M4 12h11a5 5 0 0 1 0 10h-3" {s}/>',
    "redo": '<path d="M15 7l5 5-5 5" {s}/><path d="M20 12H9a5 5 0 0 0 0 10h3" {s}/>',
    "history": '<circle cx="12" cy="12" r="9" {s}/><path d="M12 7v5l3 3" {s}/>',
    "check": '<path d="M9 3h6v3H9zM6 5h2M16 5h2M6 5v16h12V5" {s}/><path d="M9 14l2 2 4-4" {s}/>',
    "add": '<path d="M12 5v14M5 12h14" {s}/>',
    "remove": '<path d="M5 12h14" {s}/>',
    "up": '<path d="M12 19V5M6 11l6-6 6 6" {s}/>',
    "down": '<path d="M12 5v14M6 13l6 6 6-6" {s}/>',
    "duplicate": '<path d="M8 8h12v12H8z" {s}/><path d="M4 16V4h12" {s}/>',
    "waive": '<path d="M12 3l8 3v6c0 5-4 8-8 9-4-1-8-4-8-9V6z" {s}/><path d="M9 12l2 2 4-4" {s}/>',
    "library": '<path d="M4 4h4v16H4zM10 4h4v16h-4z" {s}/><path d="M16 5l4-1 3 15-4 1z" {s}/>',
    "dosing": '<path d="M12 3l9 9-9 9-9-9z" {s}/>',
    "error": '<circle cx="12" cy="12" r="10" fill="#D55E00"/>'
    '<path d="M8 8l8 8M16 8l-8 8" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/>',
    "warning": '<path d="M12 2l11 20H1z" fill="#E69F00"/>'
    '<path d="M12 9v6M12 18.5v.5" stroke="#000" stroke-width="2.4" stroke-linecap="round"/>',
    "info": '<circle cx="12" cy="12" r="10" fill="#0072B2"/>'
    '<path d="M12 11v6M12 7v.5" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/>',
    "done": '<circle cx="12" cy="12" r="10" fill="#009E73"/>'
    '<path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="#fff" stroke-width="2.4" '
    'stroke-linecap="round" stroke-linejoin="round"/>',
    "partial": '<circle cx="12" cy="12" r="9" fill="none" stroke="#E69F00" stroke-width="2.4"/>'
    '<path d="M12 3a9 9 0 0 1 0 18z" fill="#E69F00"/>',
    "empty": '<circle cx="12" cy="12" r="9" fill="none" stroke="{ink}" stroke-width="2" '
    'stroke-dasharray="3 3"/>',
    "waived": '<circle cx="12" cy="12" r="10" fill="#7F7F7F"/>'
    '<path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="#fff" stroke-width="2.4" '
    'stroke-linecap="round" stroke-linejoin="round"/>',
    "app": '<rect x="1" y="1" width="22" height="22" rx="5" fill="#0072B2"/>'
    '<path d="M12 5l6 6-6 6-6-6z" fill="#fff"/><circle cx="12" cy="11" r="2" fill="#D55E00"/>',
}

SEVERITY_ICON = {"error": "error", "warning": "warning", "info": "info"}


def _svg(name: str, ink: str) -> bytes:
    body = _SHAPES[name].replace("{s}", _STROKE).replace("{ink}", ink)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">{body}</svg>').encode()


def _ink(mode: QIcon.Mode) -> str:
    palette = QApplication.palette()
    group = (
        QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
    )
    return palette.color(group, QPalette.ColorRole.WindowText).name()


class _SvgIconEngine(QIconEngine):
    """Paints one of the SVG shapes at whatever size and pixel ratio is requested."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        del state
        renderer = QSvgRenderer(QByteArray(_svg(self._name, _ink(mode))))
        renderer.render(painter, rect)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def scaledPixmap(  # noqa: N802 (Qt API)
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        pixmap = self.pixmap(size * scale, mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name)

    def key(self) -> str:
        return "papdesigner-svg"


@cache
def icon(name: str) -> QIcon:
    """Return the icon called ``name`` (see the keys of ``_SHAPES``)."""
    if name not in _SHAPES:
        msg = f"no icon called {name!r}"
        raise KeyError(msg)
    return QIcon(_SvgIconEngine(name))


def icon_names() -> list[str]:
    """Every available icon name."""
    return sorted(_SHAPES)
