"""How full each page of an exported PDF is, read back with ``pdftotext -bbox`` (poppler)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from papdesigner.export.styles import MARGIN_BOTTOM, MARGIN_TOP, PAGE_SIZE

_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_WORD = re.compile(
    r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>'
)
FRAME_TOP = MARGIN_TOP
FRAME_BOTTOM = PAGE_SIZE[1] - MARGIN_BOTTOM
FRAME_HEIGHT = FRAME_BOTTOM - FRAME_TOP


@dataclass(frozen=True)
class PageText:
    """The text lines inside the body frame of one page, top to bottom."""

    number: int
    lines: list[str]
    bottom: float
    """Lowest text edge, measured from the top of the frame (points); 0 for an empty page."""

    @property
    def fill(self) -> float:
        """Share of the frame height down to the last line of text (0..1)."""
        return float(self.bottom / FRAME_HEIGHT)

    @property
    def last_line(self) -> str:
        return self.lines[-1] if self.lines else ""


def page_texts(pdf: Path) -> list[PageText]:
    """Every page's body text (running header and footer left out), with its fill."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for number, body in enumerate(_PAGE.findall(html), start=1):
        rows: dict[int, list[str]] = {}
        bottom = 0.0
        for top, low, word in _WORD.findall(body):
            y_top, y_low = float(top), float(low)
            if y_top < FRAME_TOP - 1 or y_low > FRAME_BOTTOM + 1:
                continue  # running header, footer, or the DRAFT mark's corners
            rows.setdefault(round(y_low), []).append(word)
            bottom = max(bottom, y_low - FRAME_TOP)
        lines = [" ".join(rows[y]) for y in sorted(rows)]
        pages.append(PageText(number, lines, bottom))
    return pages


def mostly_empty(pages: list[PageText], threshold: float = 0.6) -> list[int]:
    """Numbers of the pages whose text ends above ``threshold`` of the frame height.

    The last page and pages that end a part on purpose (title page) are included: callers
    compare counts, not absolute emptiness.
    """
    return [p.number for p in pages if p.fill < threshold]
