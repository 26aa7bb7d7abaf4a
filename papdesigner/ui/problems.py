"""The line under a field that says what is wrong with it.

Two kinds of problem meet here: a *refusal* (the value just typed was not
accepted, e.g. a dose of 0) and *findings* of the live compliance check whose
path points at the field. Each line carries a severity icon and text; colours
are chosen to read in light and dark palettes.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

_COLOURS = {
    # (on a light background, on a dark background): colour-blind-safe hues
    "error": ("#B3261E", "#FF8A80"),
    "warning": ("#8A5A00", "#FFCC66"),
    "info": ("#005A8C", "#8FD0FF"),
    "waived": ("#5F5F5F", "#B0B0B0"),
}
_SYMBOL = {"error": "✖", "warning": "▲", "info": "ℹ", "waived": "✓"}


def is_dark(palette: QPalette) -> bool:
    """True if the palette draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21; 4.5 is enough for text)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def severity_rank(severity: str) -> int:
    """Sort key of a severity: 0 for an error, then warning, info; 3 for anything else.

    The rules layer's ``SEVERITY_RANK``, imported on first use: importing the rules
    package costs ~60 ms that the first paint of a protocol need not wait for.
    """
    from papdesigner.rules.schema import SEVERITY_RANK

    return SEVERITY_RANK.get(severity, 3)


def severity_colour(severity: str, palette: QPalette) -> str:
    """Return a readable colour (``#rrggbb``) for a severity on this palette."""
    light, dark = _COLOURS.get(severity, _COLOURS["info"])
    return dark if is_dark(palette) else light


class ProblemLabel(QLabel):
    """Shows a refusal and the findings of one field; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(self.textFormat().RichText)
        self.setVisible(False)
        self._refusal = ""
        self._notice = ""
        self._findings: list[tuple[str, str]] = []

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        """Recolour the lines when the palette changes (light ↔ dark)."""
        super().changeEvent(event)
        changed = event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
        )
        if changed and (self._refusal or self._notice or self._findings):
            self._render()

    def set_refusal(self, message: str) -> None:
        """Show (or, with "", clear) why the last edit of the field was refused."""
        self._refusal = message
        self._render()

    def set_notice(self, message: str) -> None:
        """Show (or, with "", clear) why typed input was not taken as it was (a key that a
        number field rejects, text cut at a length limit). It stays until cleared."""
        self._notice = message
        self._render()

    def notice(self) -> str:
        """The notice shown, or ""."""
        return self._notice

    def has_refusal(self) -> bool:
        """True while a refusal is shown."""
        return bool(self._refusal)

    def set_findings(self, findings: list[tuple[str, str]]) -> None:
        """Show ``(severity, message)`` findings that point at the field."""
        self._findings = findings
        self._render()

    def clear(self) -> None:
        """Forget everything shown."""
        self._refusal = ""
        self._notice = ""
        self._findings = []
        self._render()

    def lines(self) -> list[tuple[str, str]]:
        """What is shown, as ``(severity, text)`` pairs (refusal first)."""
        shown = [("error", f"Not applied: {self._refusal}")] if self._refusal else []
        if self._notice:
            shown.append(("warning", self._notice))
        return shown + self._findings

    def _render(self) -> None:
        lines = self.lines()
        palette = self.palette()
        html = "<br>".join(
            f'<span style="color:{severity_colour(sev, palette)}">{_SYMBOL.get(sev, "•")} '
            f"{escape(text)}</span>"
            for sev, text in lines
        )
        self.setText(html)
        self.setAccessibleName("; ".join(text for _sev, text in lines))
        self.setVisible(bool(lines))
