"""The schedule of activities as CSV: one row per assessment, one column per session.

Sessions are in study-day order, as in the grid and the PDF; a cell holds "X" where
the assessment is scheduled. Spreadsheets open the file as it is (UTF-8 with a BOM).
"""

from __future__ import annotations

import csv
import io

from papdesigner.model import vocab
from papdesigner.model.protocol import Protocol


def schedule_rows(protocol: Protocol) -> list[list[str]]:
    """The table: a header row (sessions), then one row per assessment."""
    sessions = sorted(protocol.sessions, key=lambda s: (s.day, s.id))
    header = ["Assessment"] + [f"Day {s.day}: {s.title or vocab.label(s.kind)}" for s in sessions]
    instruments = list(dict.fromkeys(a for s in sessions for a in s.assessments))
    rows = [header]
    for instrument in instruments:
        rows.append([instrument] + ["X" if instrument in s.assessments else "" for s in sessions])
    return rows


def schedule_csv(protocol: Protocol) -> str:
    """The schedule of activities as CSV text (comma-separated, quoted where needed)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(schedule_rows(protocol))
    return buffer.getvalue()
