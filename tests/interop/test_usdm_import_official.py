"""Every official USDM example imports to a valid protocol with the same arms and objectives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OFFICIAL

from papdesigner.interop.import_context import plain_text
from papdesigner.interop.usdm_import import read_usdm
from papdesigner.model import load_protocol

IDS = [p.stem for p in OFFICIAL]


def _design(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["study"]["versions"][0]["studyDesigns"][0]


@pytest.mark.parametrize("path", OFFICIAL, ids=IDS)
def test_official_example_imports_with_the_same_arms_and_objectives(path: Path) -> None:
    design = _design(path)
    result = read_usdm(path)
    protocol = result.protocol
    assert not result.own_export
    assert [a.label for a in protocol.arms] == [a["label"] or a["name"] for a in design["arms"]]
    assert [o.text for o in protocol.objectives] == [
        plain_text(o["text"]) for o in design["objectives"]
    ]
    assert [len(o.endpoints) for o in protocol.objectives] == [
        len(o["endpoints"]) for o in design["objectives"]
    ]
    criteria = protocol.eligibility.inclusion + protocol.eligibility.exclusion
    assert len(criteria) == len(design["eligibilityCriteria"])
    main = next(t for t in design["scheduleTimelines"] if t["mainTimeline"])
    scheduled = {i.get("encounterId") for i in main["instances"]} - {None}
    assert len(protocol.sessions) == len(scheduled)


@pytest.mark.parametrize("path", OFFICIAL, ids=IDS)
def test_official_example_report_lists_what_was_not_mapped(path: Path) -> None:
    notes = read_usdm(path).notes
    unmapped = next(n for n in notes if n.startswith("not imported"))
    assert "BiomedicalConcept" in unmapped
    assert any("context" in n for n in notes)


def test_days_follow_the_timings_of_the_pilot_study() -> None:
    """CDISC pilot: screening two weeks before baseline, then weeks 2, 4, 6, 8 after it."""
    path = next(p for p in OFFICIAL if p.name == "CDISC_Pilot_Study.json")
    sessions = read_usdm(path).protocol.sessions
    days = {s.title: s.day for s in sessions}
    assert days["Baseline"] == 1
    assert days["Screening 1"] < 0
    assert days["Week 2"] == 15
    assert days["Week 8"] == 57
    assert [s.kind for s in sessions][:1] == ["screening"]


@pytest.mark.parametrize("path", OFFICIAL, ids=IDS)
def test_cli_import_writes_a_protocol_that_validates(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "study.pap.json"
    run = [sys.executable, "-m", "papdesigner"]
    imported = subprocess.run(
        [*run, "import", str(path), "-o", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert "Not mapped or mapped approximately:" in imported.stdout
    validated = subprocess.run(
        [*run, "validate", str(out)], capture_output=True, text=True, timeout=120, check=False
    )
    assert validated.returncode == 0, validated.stderr
    assert load_protocol(out).arms


@pytest.mark.parametrize("path", OFFICIAL, ids=IDS)
def test_sites_with_alpha3_countries_are_imported(path: Path) -> None:
    version = json.loads(path.read_text(encoding="utf-8"))["study"]["versions"][0]
    sites = [s for o in version["organizations"] for s in o["managedSites"]]
    imported = read_usdm(path).protocol.sites
    assert [s.name for s in imported] == [s["label"] or s["name"] for s in sites]
    alpha3 = {"GBR": "GB", "FRA": "FR", "DNK": "DK", "USA": "US"}
    assert [s.country for s in imported] == [alpha3[s["country"]["code"]] for s in sites]
