"""The registration export (WHO data set and ClinicalTrials.gov-style record) for every example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, OFFICIAL, example

from papdesigner.interop.ctgov import FILLED, NOT_MAPPED, ctgov_record
from papdesigner.interop.registration import (
    country_names,
    registration_data,
    registration_markdown,
    who_items,
)

IDS = [p.name.removesuffix(".pap.json") for p in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_who_items_are_filled_from_the_protocol(path: Path) -> None:
    protocol = example(path)
    items = {i.label: i for i in who_items(protocol)}
    assert [i.number for i in who_items(protocol)] == list(range(1, 25))
    meta = protocol.metadata
    assert items["Public Title"].value == meta.short_title
    assert items["Primary Sponsor"].value == meta.sponsor.name
    assert items["Source(s) of Monetary or Material Support"].value == meta.funding
    if meta.registrations:
        first = meta.registrations[0]
        assert items["Primary Registry and Trial Identifying Number"].value == (
            f"{first.registry}: {first.identifier}"
        )
    for site in protocol.sites:
        assert country_names()[site.country] in items["Countries of Recruitment"].value
    for arm in protocol.arms:
        assert arm.label in items["Intervention(s)"].value
    primary = [e.text for o in protocol.objectives if o.level == "primary" for e in o.endpoints]
    for text in primary:
        assert text in items["Primary Outcome(s)"].value
    size = protocol.statistics.sample_size
    assert items["Sample Size"].missing == (size is None)
    # the protocol model has no field for these, so they are always listed as missing
    for label in ("Date of Registration in Primary Registry", "Recruitment Status"):
        assert items[label].missing


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_markdown_lists_every_item_and_the_missing_ones(path: Path) -> None:
    protocol = example(path)
    text = registration_markdown(protocol)
    items = who_items(protocol)
    for item in items:
        assert f"{item.number}. **{item.label}**" in text
    missing_section = text.split("## Missing items", 1)[1].split("##", 1)[0]
    assert [line[2:] for line in missing_section.strip().splitlines()] == [
        i.label for i in items if i.missing
    ]
    assert "## ClinicalTrials.gov-style record" in text


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_ctgov_record_follows_the_cdisc_mapping(path: Path) -> None:
    protocol = example(path)
    rows = ctgov_record(protocol)["elements"]
    by_variable = {(r["element"], r["variable"]): r for r in rows}
    brief = by_variable[("Study Identification", "Brief Title")]
    assert brief["value"] == protocol.metadata.short_title
    assert brief["usdm"] == "StudyTitle.text"
    arms = by_variable[("Study Design. Interventional Study Design", "Number of Arms")]
    assert arms["value"] == str(len(protocol.arms))
    assert {r["status"] for r in rows if r["variable"] == "Time Frame"} == {NOT_MAPPED}
    sponsor_id = by_variable[("Study Identification", "Unique Protocol Identification Number")]
    assert sponsor_id["value"] == (protocol.metadata.protocol_number or str(protocol.id))
    assert all(r["status"] == FILLED for r in rows if r["value"])


def test_cli_writes_markdown_and_json(tmp_path: Path) -> None:
    source = EXAMPLES[1]
    run = [sys.executable, "-m", "papdesigner", "export", str(source), "--format", "registration"]
    for out in (tmp_path / "reg.md", tmp_path / "reg.json"):
        result = subprocess.run(
            [*run, "-o", str(out)], capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "items filled" in result.stdout
    data = json.loads((tmp_path / "reg.json").read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(registration_data(example(source))))
    assert (tmp_path / "reg.md").read_text(encoding="utf-8") == registration_markdown(
        example(source)
    )


@pytest.mark.parametrize("path", OFFICIAL, ids=[p.stem for p in OFFICIAL])
def test_registration_of_an_imported_official_study(path: Path) -> None:
    from papdesigner.interop.usdm_import import read_usdm

    protocol = read_usdm(path).protocol
    items = {i.label: i for i in who_items(protocol)}
    assert items["Scientific Title"].value.startswith(protocol.metadata.title)
    assert not items["Intervention(s)"].missing
    for arm in protocol.arms:
        assert arm.label in items["Intervention(s)"].value
    text = registration_markdown(protocol)
    assert text.count("**missing**") == sum(1 for i in items.values() if i.missing)
