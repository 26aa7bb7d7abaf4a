"""``papdesigner diff lib:REF lib:REF``: versions from a real library file, with their records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papdesigner.cli import main
from papdesigner.diff import AmendmentRecord, diff_protocols
from papdesigner.model.fileformat import fingerprint
from papdesigner.model.protocol import Protocol
from papdesigner.store import Library

DOSE_KEY = "sessions[id=dose1].dosing.administrations[arm_id=high,product_id=psilo].dose"


@pytest.fixture
def library(tmp_path: Path, base_protocol: Protocol) -> Path:
    """A library with version 1 of the trial and an amended version 2 with its record."""
    path = tmp_path / "library.sqlite"
    v2 = base_protocol.model_copy(deep=True)
    v2.metadata.version = "2.0"
    dosing = v2.session("dose1").dosing  # type: ignore[union-attr]
    assert dosing is not None
    dosing.administrations[0].dose = 20
    record = AmendmentRecord.model_validate(
        {
            "number": "1",
            "primary_reason": {"code": "C207609"},
            "substantial": True,
            "base_fingerprint": fingerprint(base_protocol),
            "changes": [{"change": DOSE_KEY, "rationale": "Headaches", "substantial": True}],
        }
    )
    with Library.open(path) as lib:
        lib.save_version(base_protocol, "Maya Okafor", "Approved by the IRB")
        lib.save_version(v2, "Maya Okafor", "Amendment 1", amendment=record.model_dump(mode="json"))
    assert diff_protocols(base_protocol, v2)
    return path


def test_library_versions_with_the_saved_record(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["diff", "lib:PSI-TRD@1", "lib:PSI-TRD@2", "--library", str(library)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "(lib:PSI-TRD@1)" in out and "(lib:PSI-TRD@2)" in out
    assert "Amendment 1 (substantial)" in out
    assert "› dose: 25 mg → 20 mg  [substantial]\n      Reason: Headaches\n" in out
    assert "recorded against another version" not in out


def test_file_against_library_head(
    library: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    v1 = Path(__file__).resolve().parent / "data" / "trd_v1.pap.json"
    code = main(["diff", str(v1), "lib:PSI-TRD", "--library", str(library), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [c["key"] for c in report["changes"]] == ["metadata.version", DOSE_KEY]
    assert report["amendment"]["number"] == "1"


def test_record_against_another_base_is_noted(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["diff", "lib:PSI-TRD@2", "lib:PSI-TRD@2", "--library", str(library)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Note: Amendment 1 was recorded against another version" in out
    flat = " ".join(out.split())
    assert f"name changes that are not in this comparison: {DOSE_KEY}" in flat


@pytest.mark.parametrize(
    ("ref", "message"),
    [("lib:NOPE@1", "lib:NOPE@1: no protocol 'NOPE'"), ("lib:PSI-TRD@9", "has no version 9")],
)
def test_unknown_versions(
    library: Path, capsys: pytest.CaptureFixture[str], ref: str, message: str
) -> None:
    code = main(["diff", ref, "lib:PSI-TRD", "--library", str(library)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_missing_library_is_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.sqlite"
    code = main(["diff", "lib:X", "lib:Y", "--library", str(missing)])
    assert code == 2
    assert not missing.exists()
    assert capsys.readouterr().err.startswith("papdesigner: lib:X: ")
