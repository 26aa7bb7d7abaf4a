"""Bad and hostile USDM files: one line naming the file and JSON path, exit 2, nothing written."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, exported
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papdesigner.interop.usdm_import import import_usdm
from papdesigner.interop.usdm_read import UsdmInputError, parse_json


def _design(d: dict[str, Any]) -> dict[str, Any]:
    return d["study"]["versions"][0]["studyDesigns"][0]


def _mutated(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(exported(EXAMPLES[1]))
    change(document)
    return document


def _session_ext(d: dict[str, Any]) -> dict[str, Any]:
    return _design(d)["encounters"][0]["extensionAttributes"][0]


CASES = {
    "array root": (lambda: [], "at $: expected a JSON object, found a list"),
    "no version": (
        lambda: {"study": {}},
        "at $: not a USDM file: the wrapper has no 'usdmVersion'",
    ),
    "version 3": (
        lambda: {"usdmVersion": "3.0.0", "study": {}},
        "at $.usdmVersion: USDM version '3.0.0' is not supported",
    ),
    "titles not a list": (
        lambda: _mutated(lambda d: d["study"]["versions"][0].update(titles=5)),
        "at $.study.versions[0].titles: expected a list, found a number",
    ),
    "arm label a number": (
        lambda: _mutated(lambda d: _design(d)["arms"][1].update(label=7)),
        "at $.study.versions[0].studyDesigns[0].arms[1].label: expected text, found a number",
    ),
    "dangling encounter": (
        lambda: _mutated(
            lambda d: _design(d)["scheduleTimelines"][0]["instances"][2].update(encounterId="X")
        ),
        "scheduleTimelines[0].instances[2].encounterId: id 'X' names no instance of the file",
    ),
    "duplicate id": (
        lambda: _mutated(lambda d: _design(d)["arms"][1].update(id=_design(d)["arms"][0]["id"])),
        "arms[1].id: id 'StudyArm_1' is used twice "
        "(first at $.study.versions[0].studyDesigns[0].arms[0])",
    ),
    "extension not JSON": (
        lambda: _mutated(lambda d: _session_ext(d).update(valueString="{oops")),
        "encounters[0].extensionAttributes[0].valueString: "
        "the papdesigner session extension is not JSON",
    ),
    "infinite dose in extension": (
        lambda: _mutated(lambda d: _session_ext(d).update(valueString='{"day": Infinity}')),
        "valueString: the papdesigner session extension is not valid JSON: Infinity",
    ),
    "export from a newer papdesigner": (
        lambda: _mutated(
            lambda d: d["study"]["extensionAttributes"][0].update(
                valueString=json.dumps(
                    {
                        **json.loads(d["study"]["extensionAttributes"][0]["valueString"]),
                        "schema_version": 99,
                    }
                )
            )
        ),
        "$.study.extensionAttributes[0].valueString: "
        "papdesigner protocol: schema_version 99 is newer",
    ),
    "session day not a number": (
        lambda: _mutated(
            lambda d: _design(d)["encounters"].__setitem__(
                0, _with_session(_design(d)["encounters"][0], day="soon")
            )
        ),
        "encounters[0].extensionAttributes[0].valueString: papdesigner session day:",
    ),
    "session of an unknown arm": (
        lambda: _mutated(
            lambda d: _design(d)["encounters"].__setitem__(
                0, _with_session(_design(d)["encounters"][0], arm_ids=["nobody"])
            )
        ),
        "the imported protocol is inconsistent at $.sessions[0].arm_ids[0]",
    ),
    "activity ids not texts": (
        lambda: _mutated(
            lambda d: _design(d)["scheduleTimelines"][0]["instances"][0].update(activityIds=[1])
        ),
        "instances[0].activityIds[0]: expected text, found a number",
    ),
}


def _with_session(encounter: dict[str, Any], **change: Any) -> dict[str, Any]:
    encounter = copy.deepcopy(encounter)
    ext = encounter["extensionAttributes"][0]
    ext["valueString"] = json.dumps({**json.loads(ext["valueString"]), **change})
    return encounter


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_names_the_json_path(name: str) -> None:
    make, expected = CASES[name]
    with pytest.raises(UsdmInputError) as caught:
        import_usdm(make(), "study.json")
    message = str(caught.value)
    assert message.startswith("study.json")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "file is empty"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b'{"a": 1e999}', "too large"),
        (b'{"a": 123456789012345678901234567890}', "too large"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": ', "not valid JSON"),
    ],
)
def test_unreadable_json_is_one_line(text: bytes, expected: str) -> None:
    with pytest.raises(UsdmInputError) as caught:
        parse_json(text, "study.json")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def _run_import(path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "papdesigner", "import", str(path), "-o", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("name", ["titles not a list", "extension not JSON", "version 3"])
def test_cli_exit_2_one_line_and_nothing_written(name: str, tmp_path: Path) -> None:
    source = tmp_path / "study.json"
    source.write_text(json.dumps(CASES[name][0]()), encoding="utf-8")
    out = tmp_path / "out.pap.json"
    result = _run_import(source, out)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"papdesigner: {source} at $")
    assert "internal error" not in lines[0]
    assert not out.exists()
    assert result.stdout == ""


def test_cli_refuses_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    for source, expected in ((tmp_path, "is a folder"), (tmp_path / "none.json", "no such file")):
        result = _run_import(source, tmp_path / "out.pap.json")
        assert result.returncode == 2
        assert expected in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


JSON_VALUES = st.recursive(SCALARS, _containers, max_leaves=8)


def _slots(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _slots(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:3]):
            found += _slots(value, (*path, index))
    return found


SLOTS = _slots(exported(EXAMPLES[2]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SLOTS), JSON_VALUES)
def test_any_mutated_export_imports_or_fails_with_one_line(
    slot: tuple[Any, ...], value: Any
) -> None:
    document = copy.deepcopy(exported(EXAMPLES[2]))
    parent: Any = document
    for part in slot[:-1]:
        parent = parent[part]
    parent[slot[-1]] = value
    try:
        import_usdm(document, "study.json")
    except UsdmInputError as exc:
        message = str(exc)
        assert message.startswith("study.json")
        assert "\n" not in message


RAW_FILES = st.one_of(
    st.binary(max_size=200),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(SLOTS).flatmap(
        lambda slot: JSON_VALUES.map(lambda value: _replaced(slot, value))
    ),
)


def _replaced(slot: tuple[Any, ...], value: Any) -> bytes:
    document = copy.deepcopy(exported(EXAMPLES[2]))
    parent: Any = document
    for part in slot[:-1]:
        parent = parent[part]
    parent[slot[-1]] = value
    return json.dumps(document).encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RAW_FILES)
def test_cli_import_of_any_file_is_a_protocol_or_one_line(raw: bytes) -> None:
    import contextlib
    import io
    import tempfile

    from papdesigner.cli import main

    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "study.json", Path(folder) / "out.pap.json"
        source.write_bytes(raw)
        stderr, stdout = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            code = main(["import", str(source), "-o", str(out), "-q"])
        if code == 0:
            assert out.is_file()
            return
        assert code == 2
        lines = stderr.getvalue().strip().splitlines()
        assert len(lines) == 1
        assert "internal error" not in lines[0]
        assert lines[0].startswith(f"papdesigner: {source}")
        assert not out.exists()


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "study.json"
    os.mkfifo(fifo)
    result = _run_import(fifo, tmp_path / "out.pap.json")
    assert result.returncode == 2
    assert "not a regular file" in result.stderr


def test_many_encounters_with_one_name_get_distinct_session_ids() -> None:
    """Foreign names become ids: equal names get numbered suffixes, never a clash."""
    document = copy.deepcopy(exported(EXAMPLES[1]))
    design = _design(document)
    for encounter in design["encounters"]:
        encounter["name"] = "Visit"
        encounter["extensionAttributes"] = []
    document["study"]["extensionAttributes"] = []
    sessions = import_usdm(document).protocol.sessions
    ids = [s.id for s in sessions]
    assert ids[:3] == ["Visit", "Visit_2", "Visit_3"]
    assert len(set(ids)) == len(ids) == len(design["encounters"])
