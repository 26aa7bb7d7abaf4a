"""Amendments: compare two protocol versions and summarise the changes for an ethics board.

Qt-free. ``diff_protocols(a, b)`` gives every change, matched by identity and placed in its
ICH M11 section; ``apply_changes`` rebuilds B from A and the changes; ``AmendmentRecord`` holds
the reasons, rationale and substantial flags saved with a version; ``build_summary`` with
``summary_to_text`` / ``summary_to_json`` render the summary of changes.
"""

from papdesigner.diff.amendment import (
    AmendmentImpact,
    AmendmentReason,
    AmendmentRecord,
    ChangeNote,
    amendment_terms,
    notes_for,
)
from papdesigner.diff.apply import ApplyError, apply_changes, apply_to_data, normalized
from papdesigner.diff.changes import Difference, ProtocolDiff
from papdesigner.diff.describe import ChangeText, describe
from papdesigner.diff.engine import diff_data, diff_protocols
from papdesigner.diff.report import Summary, build_summary, summary_to_json, summary_to_text
from papdesigner.diff.sections import Section, default_section_map

__all__ = [
    "AmendmentImpact",
    "AmendmentReason",
    "AmendmentRecord",
    "ApplyError",
    "ChangeNote",
    "ChangeText",
    "Difference",
    "ProtocolDiff",
    "Section",
    "Summary",
    "amendment_terms",
    "apply_changes",
    "apply_to_data",
    "build_summary",
    "default_section_map",
    "describe",
    "diff_data",
    "diff_protocols",
    "normalized",
    "notes_for",
    "summary_to_json",
    "summary_to_text",
]
