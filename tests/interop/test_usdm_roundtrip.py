"""Export -> import -> export is stable, and the imported protocol equals the original."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, example, exported
from hypothesis import HealthCheck, given, settings
from protocol_strategies import protocols
from usdm_checks import dangling_references, duplicate_ids, schema_errors, unknown_attributes

from papdesigner.diff.amendment import (
    AmendmentImpact,
    AmendmentReason,
    AmendmentRecord,
    ChangeNote,
    SectionRef,
)
from papdesigner.interop.usdm_export import export_usdm, usdm_json
from papdesigner.interop.usdm_import import import_usdm
from papdesigner.model import Protocol, load_protocol

IDS = [p.name.removesuffix(".pap.json") for p in EXAMPLES]


def _dump(items: list) -> list:
    return [i.model_dump(mode="json") for i in items]


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_export_import_export_gives_equal_json(path: Path) -> None:
    first = exported(path)
    result = import_usdm(json.loads(json.dumps(first)), "first.json")
    assert result.own_export
    assert result.notes == []
    assert export_usdm(result.protocol) == first


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_imported_protocol_equals_the_original(path: Path) -> None:
    original = example(path)
    imported = import_usdm(exported(path)).protocol
    assert _dump(imported.sessions) == _dump(original.sessions)  # days, doses, staff, setting
    assert [s.day for s in imported.sessions] == [s.day for s in original.sessions]
    doses = [
        (a.arm_id, a.product_id, a.dose, a.unit)
        for s in imported.sessions
        if s.dosing
        for a in s.dosing.administrations
    ]
    assert doses == [
        (a.arm_id, a.product_id, a.dose, a.unit)
        for s in original.sessions
        if s.dosing
        for a in s.dosing.administrations
    ]
    assert _dump(imported.arms) == _dump(original.arms)
    assert _dump(imported.roles) == _dump(original.roles)
    assert _dump(imported.settings) == _dump(original.settings)
    assert imported == original


def test_cli_round_trip_writes_a_protocol_that_validates(tmp_path: Path) -> None:
    source = EXAMPLES[0]
    usdm = tmp_path / "study.json"
    back = tmp_path / "back.pap.json"
    run = [sys.executable, "-m", "papdesigner"]
    exported_run = subprocess.run(
        [*run, "export", str(source), "--format", "usdm", "-o", str(usdm)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert exported_run.returncode == 0, exported_run.stderr
    imported_run = subprocess.run(
        [*run, "import", str(usdm), "-o", str(back)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert imported_run.returncode == 0, imported_run.stderr
    assert "protocol from a papdesigner export" in imported_run.stdout
    validated = subprocess.run(
        [*run, "validate", str(back)], capture_output=True, text=True, timeout=120, check=False
    )
    assert validated.returncode == 0, validated.stderr
    assert load_protocol(back) == load_protocol(source)


def _record(number: str, **extra: object) -> AmendmentRecord:
    return AmendmentRecord(
        number=number,
        date=dt.date(2026, 3, 1),
        summary=f"Amendment {number} summary",
        primary_reason=AmendmentReason(code="C207609"),
        secondary_reasons=[AmendmentReason(code="C17649", other_reason="Sponsor's decision")],
        rationale="New safety data",
        substantial=True,
        impacts=[AmendmentImpact(type="C215665", text="More monitoring", substantial=True)],
        changes=[
            ChangeNote(
                change="sessions.dose1",
                summary="Longer observation",
                rationale="Safety",
                substantial=True,
                sections=[SectionRef(number="6.1", title="Dosing sessions")],
            )
        ],
        **extra,  # type: ignore[arg-type]
    )


def test_amendment_records_become_study_amendments() -> None:
    protocol = example(EXAMPLES[1])
    records = [_record("1"), _record("2", scope="country", scope_codes=["US"])]
    document = json.loads(usdm_json(protocol, records))
    amendments = document["study"]["versions"][0]["amendments"]
    assert [a["number"] for a in amendments] == ["1", "2"]
    assert amendments[1]["previousId"] == amendments[0]["id"]
    first = amendments[0]
    assert first["primaryReason"]["code"]["decode"] == "New Safety Information Available"
    assert first["secondaryReasons"][0]["otherReason"] == "Sponsor's decision"
    assert first["impacts"][0]["isSubstantial"] is True
    section = first["changes"][0]["changedSections"][0]
    assert (section["sectionNumber"], section["sectionTitle"]) == ("6.1", "Dosing sessions")
    assert amendments[1]["geographicScopes"][0]["type"]["decode"] == "Country"
    assert schema_errors(document) == []
    assert unknown_attributes(document) == []
    assert dangling_references(document) == []
    result = import_usdm(document)
    assert result.protocol == protocol
    assert any("StudyAmendment" in note for note in result.notes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocols())
def test_any_valid_protocol_round_trips(protocol: Protocol) -> None:
    document = json.loads(usdm_json(protocol))
    assert duplicate_ids(document) == []
    assert dangling_references(document) == []
    assert unknown_attributes(document) == []
    imported = import_usdm(document).protocol
    assert imported == protocol
    assert export_usdm(imported) == document


def test_blank_short_title_and_acronym_round_trip() -> None:
    protocol = example(EXAMPLES[0])
    meta = protocol.metadata.model_copy(update={"acronym": " ", "short_title": "\t"})
    protocol = protocol.model_copy(update={"metadata": meta})
    assert import_usdm(json.loads(usdm_json(protocol))).protocol == protocol
