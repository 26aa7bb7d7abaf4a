"""``papdesigner export --format usdm|registration`` options, and amendments from a real library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, example

from papdesigner.diff.amendment import AmendmentReason, AmendmentRecord
from papdesigner.store import Library

RUN = [sys.executable, "-m", "papdesigner"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RUN, *args], capture_output=True, text=True, timeout=120, check=False)


def test_amendment_records_come_from_the_library(tmp_path: Path) -> None:
    protocol = example(EXAMPLES[1])
    library_path = tmp_path / "library.sqlite"
    record = AmendmentRecord(
        number="1",
        summary="Observation extended",
        primary_reason=AmendmentReason(code="C207609"),
        rationale="New safety data",
    )
    with Library.open(library_path) as library:
        library.save_version(protocol, "Test Author", "approved version")
        changed = protocol.model_copy(update={"narrative": {"background": "Updated."}})
        library.save_version(changed, "Test Author", "amendment 1", record.model_dump(mode="json"))
    source = tmp_path / "protocol.pap.json"
    source.write_text(changed.model_dump_json(), encoding="utf-8")
    out = tmp_path / "study.json"
    result = _run(
        "export", str(source), "--format", "usdm", "--library", str(library_path), "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "with 1 amendments" in result.stdout
    amendments = json.loads(out.read_text(encoding="utf-8"))["study"]["versions"][0]["amendments"]
    assert [(a["number"], a["summary"]) for a in amendments] == [("1", "Observation extended")]


def test_a_protocol_not_in_the_library_is_one_line(tmp_path: Path) -> None:
    library_path = tmp_path / "library.sqlite"
    Library.open(library_path).close()
    result = _run(
        "export", str(EXAMPLES[0]), "--format", "usdm", "--library", str(library_path),
        "-o", str(tmp_path / "out.json"),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("papdesigner: --library")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.json").exists()


def test_pdf_options_are_refused_for_other_formats(tmp_path: Path) -> None:
    result = _run(
        "export", str(EXAMPLES[0]), "--format", "usdm", "--report", "r.json",
        "-o", str(tmp_path / "out.json"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "--report applies to the PDF export only" in result.stderr
    result = _run("export", str(EXAMPLES[0]), "--format", "registration", "--library", "x")
    assert result.returncode == 2
    assert "--library applies to --format usdm only" in result.stderr


def test_default_output_name_follows_the_format(tmp_path: Path) -> None:
    source = tmp_path / "trial.pap.json"
    source.write_bytes(EXAMPLES[0].read_bytes())
    assert _run("export", str(source), "--format", "usdm", "-q").returncode == 0
    assert _run("export", str(source), "--format", "registration", "-q").returncode == 0
    assert (tmp_path / "trial.usdm.json").is_file()
    assert (tmp_path / "trial.registration.md").is_file()
