"""The optional fields the 2026 rule sets check: defaults, bad values and references on load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from papdesigner.cli import main
from papdesigner.model.fileformat import ProtocolFileError, dumps_protocol, load_protocol
from papdesigner.paths import resource

EXAMPLE = resource("examples", "mdma-ptsd.pap.json")


def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def _dosing(data: dict[str, Any]) -> int:
    return next(i for i, s in enumerate(data["sessions"]) if s["kind"] == "dosing")


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "p.pap.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_file_without_the_new_fields_loads_with_unknown_values(tmp_path: Path) -> None:
    data = _data()
    for key in ("eu_trial_number", "ca_cta_status", "vic_notice_of_intention"):
        del data["regulatory"][key]
    del data["safety"]["susar_report_days"]
    del data["documents"]["identification_check"]
    del data["sessions"][_dosing(data)]["dosing"]["administered_by"]
    p = load_protocol(_write(tmp_path, data))
    assert p.regulatory.eu_trial_number == ""
    assert p.regulatory.ca_cta_status == "not_applicable"
    assert p.regulatory.vic_notice_of_intention is None
    assert p.safety.susar_report_days is None
    assert p.documents.identification_check is False
    assert p.sessions[_dosing(data)].dosing.administered_by is None  # type: ignore[union-attr]
    assert "susar_report_days" in dumps_protocol(p)


def test_unknown_administering_role_names_the_json_path(tmp_path: Path) -> None:
    data = _data()
    d = _dosing(data)
    data["sessions"][d]["dosing"]["administered_by"] = "ghost"
    with pytest.raises(
        ProtocolFileError,
        match=rf"\$\.sessions\[{d}\]\.dosing\.administered_by: unknown role 'ghost'",
    ):
        load_protocol(_write(tmp_path, data))


BAD_VALUES = [
    ("safety", "susar_report_days", -1),
    ("safety", "susar_fatal_report_days", "seven"),
    ("regulatory", "ca_cta_status", "approved"),
    ("regulatory", "vic_notice_of_intention", "yes please"),
]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=[f"{p}.{k}" for p, k, _ in BAD_VALUES])
def test_a_bad_value_is_one_line_with_its_path_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: tuple[str, str, object]
) -> None:
    part, key, value = bad
    data = _data()
    data[part][key] = value
    assert main(["validate", str(_write(tmp_path, data))]) == 2
    err = capsys.readouterr().err.strip()
    assert f"$.{part}.{key}" in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_a_bad_product_role_is_rejected(tmp_path: Path) -> None:
    data = _data()
    data["products"][0]["medicinal_product_role"] = "comparator"
    with pytest.raises(ProtocolFileError, match=r"\$\.products\[0\]\.medicinal_product_role"):
        load_protocol(_write(tmp_path, data))
