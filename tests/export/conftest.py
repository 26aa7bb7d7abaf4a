"""Fixtures: protocols exported once per test session and read back with pypdf."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from protocols import REPORT_WITH_ERROR, hostile_protocol, rich_protocol

from papdesigner.export import ExportResult, export_pdf
from papdesigner.model.protocol import Protocol


@dataclass
class Exported:
    """A protocol, its exported PDF and the PDF read back."""

    protocol: Protocol
    result: ExportResult
    reader: pypdf.PdfReader
    report: Any = None

    @property
    def texts(self) -> list[str]:
        """Extracted text of every page."""
        if not hasattr(self, "_texts"):
            self._texts = [page.extract_text() or "" for page in self.reader.pages]
        return self._texts


def outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) of every bookmark, depth first."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def heading_pages(reader: pypdf.PdfReader) -> dict[str, int]:
    """Bookmarked heading number ("5.2", "Appendix B") -> page."""
    return {title.split("  ", 1)[0]: page for _, title, page in outline(reader)}


def export_and_read(protocol: Protocol, path: Path, report: Any = None) -> Exported:
    """Export ``protocol`` to ``path`` (checked by the real engine unless given a report)."""
    if report is None:
        from papdesigner.rules import check

        report = check(protocol)
    result = export_pdf(protocol, path, report=report)
    return Exported(protocol, result, pypdf.PdfReader(path), report)


@pytest.fixture(scope="session")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The rich two-arm protocol, checked by the real rule engine."""
    return export_and_read(rich_protocol(), tmp_path_factory.mktemp("rich") / "rich.pdf")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The hostile protocol, with a report whose message holds markup."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.pdf"
    return export_and_read(hostile_protocol(), path, REPORT_WITH_ERROR)
