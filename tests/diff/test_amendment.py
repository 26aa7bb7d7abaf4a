"""The amendment record: USDM codes, consistency of the substantial flags, notes per change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from papdesigner.diff import (
    AmendmentRecord,
    amendment_terms,
    diff_protocols,
    notes_for,
)
from papdesigner.model.protocol import Protocol

USDM_API = Path(__file__).resolve().parents[1] / "interop" / "reference" / "USDM_API.json"
"""The CDISC USDM 4.0.0 API (a copy of the shared reference, beside the interop tests)."""


def record(**extra: Any) -> AmendmentRecord:
    data: dict[str, Any] = {"number": "1", "primary_reason": {"code": "C207609"}}
    data.update(extra)
    return AmendmentRecord.model_validate(data)


def test_minimal_record() -> None:
    r = record()
    assert r.primary_reason.text == "New Safety Information Available"
    assert not r.substantial
    assert r.scope == "global"


def test_unknown_reason_code_lists_the_choices() -> None:
    with pytest.raises(ValidationError, match=r"unknown amendment reason code 'C999'.*C207612"):
        record(primary_reason={"code": "C999"})


def test_other_reason_needs_words() -> None:
    with pytest.raises(ValidationError, match="needs the reason in words"):
        record(primary_reason={"code": "C17649"})
    r = record(primary_reason={"code": "C17649", "other_reason": "Funding change"})
    assert r.primary_reason.text == "Other: Funding change"


def test_substantial_flags_must_agree() -> None:
    with pytest.raises(ValidationError, match=r"marked not substantial.*sessions\[id=x\]"):
        record(changes=[{"change": "sessions[id=x]", "substantial": True}])
    with pytest.raises(ValidationError, match="Study Subject Safety"):
        record(impacts=[{"type": "C215665", "text": "Lower dose", "substantial": True}])
    ok = record(substantial=True, changes=[{"change": "sessions[id=x]", "substantial": True}])
    assert ok.note("sessions[id=x]") is not None


def test_one_note_per_change_and_scope_codes() -> None:
    with pytest.raises(ValidationError, match="more than one note"):
        record(changes=[{"change": "a"}, {"change": "a"}])
    with pytest.raises(ValidationError, match="names its country codes"):
        record(scope="country")
    assert record(scope="country", scope_codes=["US", "AU"]).scope_codes == ["US", "AU"]


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        record(reason="typo")


def test_json_round_trip() -> None:
    r = record(
        date="2025-09-15",
        summary="Lower the high dose",
        secondary_reasons=[{"code": "C207605"}],
        substantial=True,
        impacts=[{"type": "C215665", "text": "Fewer adverse events expected", "substantial": True}],
        changes=[{"change": "k", "rationale": "Headaches at 25 mg", "substantial": True}],
    )
    again = AmendmentRecord.model_validate_json(r.model_dump_json())
    assert again == r


def test_notes_for_a_diff(base_protocol: Protocol) -> None:
    b = base_protocol.model_copy(deep=True)
    b.roles[1].title = "Co-therapist"
    b.eligibility.exclusion.pop()
    diff = diff_protocols(base_protocol, b)
    r = record(
        changes=[
            {"change": "roles[id=assist].title", "rationale": "Job title used by the clinic"},
            {"change": "sessions[id=gone].title", "rationale": "stale"},
        ]
    )
    notes = notes_for(diff, r)
    assert [n.change for n in notes] == [c.key for c in diff.changes]
    assert notes[0].rationale == "Job title used by the clinic"
    assert notes[0].sections[0].number == "6.3"
    assert notes[1].rationale == ""
    assert notes[1].sections[0].title == "Exclusion Criteria"
    assert [n.change for n in r.stale_notes(diff)] == ["sessions[id=gone].title"]


def test_code_lists_are_usdm_terminology() -> None:
    terms = amendment_terms()
    assert len(terms.reasons) == 15
    assert {"C17649", "C48660"} <= set(terms.reasons)
    assert all(
        code.startswith("C2076") for code in terms.reasons if code not in {"C17649", "C48660"}
    )
    assert [t.decode for t in terms.impacts.values()] == [
        "Study Subject Safety",
        "Study Subject Rights",
        "Study Data Reliability",
        "Study Data Robustness",
    ]
    assert terms.provenance == "secondary"


@pytest.mark.skipif(not USDM_API.is_file(), reason="shared USDM reference not beside the checkout")
def test_record_fields_correspond_to_usdm() -> None:
    """Each USDM attribute the record stands for exists in the USDM v4 API of the reference."""
    schemas = json.loads(Path(USDM_API).read_text(encoding="utf-8"))["components"]["schemas"]
    mapping = {
        "StudyAmendment-Input": [
            "number",
            "summary",
            "primaryReason",
            "secondaryReasons",
            "changes",
            "impacts",
            "geographicScopes",
        ],
        "StudyAmendmentReason-Input": ["code", "otherReason"],
        "StudyAmendmentImpact-Input": ["type", "text", "isSubstantial"],
        "StudyChange-Input": ["summary", "rationale", "changedSections"],
        "DocumentContentReference-Input": ["sectionNumber", "sectionTitle"],
    }
    for schema, fields in mapping.items():
        assert set(fields) <= set(schemas[schema]["properties"]), schema
