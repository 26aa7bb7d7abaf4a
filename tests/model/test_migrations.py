"""Migrations: a hand-written schema-0 file is upgraded to the current format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papdesigner.model import SCHEMA_VERSION, ProtocolFileError, load_protocol
from papdesigner.model.migrations import MigrationError, migrate

V0_FILE = Path(__file__).parent / "data" / "v0-psilocybin-draft.json"


def test_v0_file_upgrades_to_current_schema() -> None:
    original = V0_FILE.read_bytes()
    protocol = load_protocol(V0_FILE)
    assert protocol.schema_version == SCHEMA_VERSION
    assert str(protocol.metadata.version_date) == "2024-03-01"
    prep, dosing = protocol.sessions
    assert (prep.day, prep.duration_hours) == (-7, 2.0)
    assert dosing.day == 1 and dosing.duration_hours == 8.0
    assert [s.role_id for s in dosing.staff] == ["lead", "assistant"]
    admins = dosing.dosing.administrations if dosing.dosing else []
    assert [(a.dose, a.unit) for a in admins] == [(25.0, "mg"), (1000.0, "ug")]
    assert V0_FILE.read_bytes() == original, "loading must never rewrite the input"


def test_migrate_does_not_mutate_its_input() -> None:
    raw = json.loads(V0_FILE.read_text())
    snapshot = json.dumps(raw, sort_keys=True)
    migrate(raw)
    assert json.dumps(raw, sort_keys=True) == snapshot


@pytest.mark.parametrize("bad", ["1", 1.5, True, None])
def test_non_integer_schema_version(bad: object) -> None:
    with pytest.raises(MigrationError, match="must be an integer"):
        migrate({"schema_version": bad})


def test_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "future.pap.json"
    path.write_text(
        json.dumps({"format": "papdesigner-protocol", "schema_version": SCHEMA_VERSION + 1})
    )
    with pytest.raises(ProtocolFileError, match=r"\$\.schema_version: .*update papdesigner"):
        load_protocol(path)


def test_a_schema_1_file_migrates_and_loads_with_new_facts_unset() -> None:
    """A file saved by schema 1 (the Oregon example as shipped before issue 10) still opens."""
    path = Path(__file__).parent / "data" / "schema1-oregon.pap.json"
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 1
    protocol = load_protocol(path)
    assert protocol.schema_version == SCHEMA_VERSION == 2
    assert protocol.psychotherapy.supportive_touch is None
    assert protocol.psychotherapy.facilitation_approach is None
    assert protocol.safety.emergency_escalation is None
    assert all(s.dosing.no_driving_advice is None for s in protocol.sessions if s.dosing)
    assert {r.kind for r in protocol.roles} == {"facilitator", "other"}  # no kind is guessed
    assert protocol.psychotherapy.touch_policy  # the old prose is kept as written
