"""Amendment records (papdesigner/diff/amendment.py) -> USDM ``StudyAmendment`` instances.

The record already has USDM's shape: number, summary, primary and secondary reasons, impacts
with ``isSubstantial``, geographic scope and one note per change (``StudyChange`` with its
changed sections, which point at the protocol document).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from papdesigner.diff.amendment import AmendmentReason, AmendmentRecord, amendment_terms
from papdesigner.interop.builder import Builder, Instance, ddf
from papdesigner.interop.terms import Term

if TYPE_CHECKING:
    from papdesigner.interop.usdm_export import ExportContext

SCOPE_TYPES = {"global": "Global", "country": "Country", "region": "Region"}


def amendments(
    ctx: ExportContext, records: Sequence[AmendmentRecord], document_id: str
) -> list[Instance]:
    """Return one ``StudyAmendment`` per record, oldest first, linked by ``previousId``."""
    made = [_amendment(ctx.builder, record, document_id) for record in records]
    for before, after in itertools.pairwise(made):
        after["previousId"] = before["id"]
        after["instanceType"] = after.pop("instanceType")
    return made


def _reason(b: Builder, reason: AmendmentReason) -> Instance:
    term = amendment_terms().reasons[reason.code]
    return b.make(
        "StudyAmendmentReason",
        code=b.code(Term(term.code, term.decode)),
        otherReason=reason.other_reason or None,
    )


def _scopes(b: Builder, record: AmendmentRecord) -> list[Instance]:
    kind = ddf("GeographicScope.type", SCOPE_TYPES[record.scope])
    if record.scope == "global":
        return [b.make("GeographicScope", type=b.code(kind))]
    return [
        b.make(
            "GeographicScope",
            type=b.code(kind),
            code=b.make(
                "AliasCode",
                standardCode=b.other_code(code, "ISO 3166", "2020-08", code),
                standardCodeAliases=[],
            ),
        )
        for code in record.scope_codes
    ]


def _changes(b: Builder, record: AmendmentRecord, document_id: str) -> list[Instance]:
    changes = []
    for note in record.changes:
        sections = [
            b.make(
                "DocumentContentReference",
                sectionNumber=section.number,
                sectionTitle=section.title,
                appliesToId=document_id,
            )
            for section in note.sections
        ]
        changes.append(
            b.make(
                "StudyChange",
                name=note.change,
                summary=note.summary or note.change,
                rationale=note.rationale,
                changedSections=sections,
            )
        )
    return changes


def _amendment(b: Builder, record: AmendmentRecord, document_id: str) -> Instance:
    impacts = [
        b.make(
            "StudyAmendmentImpact",
            type=b.code(Term(impact.type, impact.label)),
            text=impact.text,
            isSubstantial=impact.substantial,
            notes=[],
        )
        for impact in record.impacts
    ]
    return b.make(
        "StudyAmendment",
        name=f"amendment_{record.number}",
        label=f"Amendment {record.number}",
        description=record.rationale or None,
        number=record.number,
        summary=record.summary,
        primaryReason=_reason(b, record.primary_reason),
        secondaryReasons=[_reason(b, r) for r in record.secondary_reasons],
        changes=_changes(b, record, document_id),
        impacts=impacts,
        geographicScopes=_scopes(b, record),
        enrollments=[],
        dateValues=[],
        notes=[],
    )
