"""What an export produces and how it reports progress (shared by :mod:`.api` and :mod:`.pipeline`).

A module of its own so that the pipeline can use these types without importing
the API that drives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


class ExportCancelled(Exception):  # noqa: N818 - a cancellation, not an error
    """The caller cancelled the export; no file was written."""


class ExportError(Exception):
    """The export failed for a reason a user can act on; ``str()`` is one line."""


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    path: Path
    pages: int
    fingerprint: str
    digest: str
    draft: bool
    seconds: float


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF in memory, with its facts."""

    data: bytes
    pages: int
    fingerprint: str
    digest: str
    draft: bool


class Steps:
    """Progress reporting and cancellation checks, cheap enough to call per flowable."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None) -> None:
        self.progress, self.cancel = progress, cancel
        self.total, self.done = 1, 0

    def step(self, fraction: float, message: str) -> None:
        """Report ``fraction`` done with ``message``; raise ExportCancelled if cancelled."""
        if self.cancel is not None and self.cancel():
            raise ExportCancelled("export cancelled")
        if self.progress is not None:
            self.progress(min(max(fraction, 0.0), 1.0), message)

    def flowable(self) -> None:
        """Count one laid-out flowable (reports progress every 25)."""
        self.done += 1
        if self.done % 25 == 0:
            # Split flowables count again, so the share of the layout is capped.
            self.step(min(0.15 + 0.75 * self.done / self.total, 0.9), "laying out pages")
