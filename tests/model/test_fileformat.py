"""The *.pap.json contract: round trips, canonical JSON, fingerprints, atomic writes, bad input."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from protocol_strategies import protocols

from papdesigner.model import (
    Protocol,
    ProtocolFileError,
    canonical_json,
    dumps_protocol,
    fileformat,
    fingerprint,
    load_protocol,
    loads_protocol,
    save_protocol,
)
from papdesigner.model.protocol import Arm, Session, StaffAssignment

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(protocols())
def test_save_then_load_gives_the_same_protocol(
    tmp_path_factory: pytest.TempPathFactory, protocol: Protocol
) -> None:
    path = tmp_path_factory.mktemp("rt") / "p.pap.json"
    save_protocol(protocol, path)
    loaded = load_protocol(path)
    assert loaded == protocol
    assert fingerprint(loaded) == fingerprint(protocol)
    assert path.read_text(encoding="utf-8") == dumps_protocol(loaded)


@SLOW
@given(protocols())
def test_fingerprint_ignores_key_order_and_whitespace(protocol: Protocol) -> None:
    data = json.loads(dumps_protocol(protocol))
    reordered = json.dumps(_reverse_keys(data), indent=7, ensure_ascii=True)
    assert fingerprint(loads_protocol(reordered)) == fingerprint(protocol)
    assert canonical_json(loads_protocol(reordered)) == canonical_json(protocol)


def _reverse_keys(value: object) -> object:
    if isinstance(value, dict):
        return {k: _reverse_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse_keys(v) for v in value]
    return value


def test_fingerprint_changes_with_content() -> None:
    protocol = Protocol()
    before = fingerprint(protocol)
    protocol.metadata.title = "Changed"
    assert fingerprint(protocol) != before
    assert len(before) == 64


def test_canonical_json_is_compact_sorted_utf8() -> None:
    protocol = Protocol(metadata={"title": "µg ≥ 25"})  # type: ignore[arg-type]
    raw = canonical_json(protocol)
    assert b"\n" not in raw and b": " not in raw
    assert "µg ≥ 25".encode() in raw
    decoded = json.loads(raw)
    assert list(decoded) == sorted(decoded)


def test_saved_file_has_stable_key_order() -> None:
    text = dumps_protocol(Protocol())
    keys = list(json.loads(text))
    assert keys[:4] == ["format", "schema_version", "id", "metadata"]
    assert text.endswith("\n") and text.startswith('{\n  "format": "papdesigner-protocol"')


# --- bad input: exit path is always a ProtocolFileError naming the file and JSON path ----------


def _write(tmp_path: Path, content: bytes | str, name: str = "bad.pap.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def _valid_dict() -> dict[str, object]:
    protocol = Protocol(
        arms=[Arm(id="a", label="A")],
        sessions=[Session(id="s1", kind="preparation", day=1, staff=[])],
    )
    return json.loads(dumps_protocol(protocol))


BAD_INPUTS = {
    "not json": (b"hello world", "not valid JSON"),
    "truncated": (
        b'{"format": "papdesigner-protocol", "metadata": {"title": "x"',
        "not valid JSON",
    ),
    "empty": (b"", "file is empty"),
    "array": (b"[1, 2]", "expected a JSON object, found an array"),
    "non-utf8": (b'{"metadata": {"title": "caf\xe9"}}', "not UTF-8"),
    "nan": (b'{"statistics": {"power": NaN}}', "NaN is not valid JSON"),
    "duplicate key": (
        b'{"context": "ind_trial", "context": "cta_trial"}',
        "duplicate key 'context'",
    ),
    "deep nesting": (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    "other format": (b'{"format": "something-else"}', "not a papdesigner protocol"),
    "newer schema": (b'{"schema_version": 99}', "newer than this papdesigner"),
    "integer beyond JSON tools": (
        b'{"id": "00000000-0000-0000-0000-000000000001", "statistics": {"sample_size": 1'
        + b"0" * 30
        + b"}}",
        "at $.statistics.sample_size: a number of 31 characters is too large",
    ),
    "4301-digit integer": (b'{"follow_up": {"duration_weeks": ' + b"9" * 4301 + b"}}", "too large"),
    "infinite decimal": (
        b'{"statistics": {"power": 1e400}}',
        "at $.statistics.power: the number 1e400 is too large",
    ),
    "lone surrogate": (
        b'{"id": "00000000-0000-0000-0000-000000000001", "metadata": {"title": "a \\udcff b"}}',
        "at $.metadata.title: text contains an invalid character",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_files_fail_with_one_clear_line(tmp_path: Path, case: str) -> None:
    content, expected = BAD_INPUTS[case]
    path = _write(tmp_path, content)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ProtocolFileError) as info:
        load_protocol(path)
    message = str(info.value)
    assert str(path) in message and expected in message
    assert "\n" not in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_wrong_type_names_the_json_path(tmp_path: Path) -> None:
    data = _valid_dict()
    data["sessions"][0]["day"] = "tomorrow"  # type: ignore[index]
    path = _write(tmp_path, json.dumps(data))
    with pytest.raises(ProtocolFileError) as info:
        load_protocol(path)
    assert info.value.path == ("sessions", 0, "day")
    assert "$.sessions[0].day" in str(info.value)
    assert "'tomorrow'" in str(info.value)


def test_unknown_key_names_the_json_path(tmp_path: Path) -> None:
    data = _valid_dict()
    data["metadata"]["titel"] = "typo"  # type: ignore[index]
    with pytest.raises(ProtocolFileError, match=r"\$\.metadata\.titel: unknown key"):
        load_protocol(_write(tmp_path, json.dumps(data)))


def test_unknown_reference_names_the_json_path(tmp_path: Path) -> None:
    data = _valid_dict()
    data["sessions"][0]["staff"] = [{"role_id": "ghost"}]  # type: ignore[index]
    with pytest.raises(
        ProtocolFileError, match=r"\$\.sessions\[0\]\.staff\[0\]\.role_id: unknown role 'ghost'"
    ):
        load_protocol(_write(tmp_path, json.dumps(data)))


def test_negative_dose_is_rejected_at_its_path(tmp_path: Path) -> None:
    data = json.loads(
        dumps_protocol(
            Protocol(
                arms=[Arm(id="a", label="A")],
                products=[{"id": "p", "substance": "lsd", "name": "LSD"}],  # type: ignore[list-item]
                sessions=[
                    Session.model_validate(
                        {
                            "id": "d1",
                            "kind": "dosing",
                            "day": 1,
                            "dosing": {
                                "administrations": [{"arm_id": "a", "product_id": "p", "dose": 100}]
                            },
                        }
                    )
                ],
            )
        )
    )
    data["sessions"][0]["dosing"]["administrations"][0]["dose"] = -5
    with pytest.raises(ProtocolFileError) as info:
        load_protocol(_write(tmp_path, json.dumps(data)))
    assert info.value.path == ("sessions", 0, "dosing", "administrations", 0, "dose")


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.pap.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(ProtocolFileError, match=r"50\.0 MB; protocol files are at most 10 MB"):
        load_protocol(path)


def test_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProtocolFileError, match="is a directory"):
        load_protocol(tmp_path)
    with pytest.raises(ProtocolFileError, match="no such file"):
        load_protocol(tmp_path / "missing.pap.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "{}")
    path.chmod(0)
    with pytest.raises(ProtocolFileError, match="permission denied"):
        load_protocol(path)


def test_integrity_can_be_skipped_for_editing(tmp_path: Path) -> None:
    data = _valid_dict()
    data["sessions"][0]["staff"] = [{"role_id": "ghost"}]  # type: ignore[index]
    path = _write(tmp_path, json.dumps(data))
    protocol = load_protocol(path, check_references=False)
    assert protocol.sessions[0].staff == [StaffAssignment(role_id="ghost")]


# --- atomic writes ------------------------------------------------------------------------


def test_failed_save_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "p.pap.json"
    save_protocol(Protocol(metadata={"title": "old"}), target)  # type: ignore[arg-type]
    old = target.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileformat.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        save_protocol(Protocol(metadata={"title": "new"}), target)  # type: ignore[arg-type]
    assert target.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["p.pap.json"]


def test_save_keeps_file_permissions(tmp_path: Path) -> None:
    target = tmp_path / "p.pap.json"
    save_protocol(Protocol(), target)
    target.chmod(0o640)
    save_protocol(Protocol(), target)
    assert target.stat().st_mode & 0o777 == 0o640


def test_new_file_gets_the_umask_permissions_not_private_ones(tmp_path: Path) -> None:
    """A saved protocol or an exported PDF is a document to share, not a secret (was 0600)."""
    old = os.umask(0o027)
    try:
        fileformat._umask.cache_clear()
        save_protocol(Protocol(), tmp_path / "new.pap.json")
    finally:
        os.umask(old)
        fileformat._umask.cache_clear()
    assert (tmp_path / "new.pap.json").stat().st_mode & 0o777 == 0o640


def test_write_errors_name_the_target_not_the_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as folder:
        save_protocol(Protocol(), tmp_path)
    assert folder.value.filename == str(tmp_path) and folder.value.filename2 is None
    missing = tmp_path / "no" / "such" / "p.pap.json"
    with pytest.raises(FileNotFoundError) as nowhere:
        save_protocol(Protocol(), missing)
    assert nowhere.value.filename == str(missing)
    assert list(tmp_path.iterdir()) == []


def test_a_file_without_an_id_is_refused_at_dollar_id(tmp_path: Path) -> None:
    """Without the check every load made up a new id, so the fingerprint changed each time."""
    data = _valid_dict()
    del data["id"]
    path = _write(tmp_path, json.dumps(data))
    with pytest.raises(ProtocolFileError, match=r"at \$\.id: required value is missing"):
        load_protocol(path)
    with pytest.raises(ProtocolFileError, match=r"\$\.id"):
        loads_protocol("{}")


def test_a_wrong_value_is_reported_before_a_missing_id(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"metadata": {"title": 5}}')
    with pytest.raises(ProtocolFileError, match=r"\$\.metadata\.title"):
        load_protocol(path)


def test_an_escaped_surrogate_pair_is_a_real_character(tmp_path: Path) -> None:
    """Only a lone surrogate is refused; "\\ud83e\\udde0" is the brain emoji, written as escapes."""
    data = _valid_dict()
    data["metadata"]["title"] = "\U0001f9e0"  # type: ignore[index]
    text = json.dumps(data)  # ensure_ascii: the emoji becomes a surrogate pair escape
    assert "\\ud83e\\udde0" in text
    assert load_protocol(_write(tmp_path, text)).metadata.title == "\U0001f9e0"
    with pytest.raises(ProtocolFileError, match=r"\$\.metadata\.title"):
        loads_protocol(text.replace("\\ud83e\\udde0", "\\udde0"))


def test_the_largest_integers_that_json_tools_hold_are_accepted(tmp_path: Path) -> None:
    data = _valid_dict()
    data["sessions"][0]["window_days"] = 2**53 - 1  # type: ignore[index]
    data["sessions"][0]["day"] = -(2**53 - 1)  # type: ignore[index]
    data["sessions"][0]["kind"] = "screening"  # type: ignore[index]
    protocol = load_protocol(_write(tmp_path, json.dumps(data)))
    assert protocol.sessions[0].window_days == 2**53 - 1
    data["sessions"][0]["window_days"] = 2**53  # type: ignore[index]
    with pytest.raises(ProtocolFileError, match=r"\$\.sessions\[0\]\.window_days: the number"):
        load_protocol(_write(tmp_path, json.dumps(data)))


def test_saving_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.pap.json"
    link = tmp_path / "link.pap.json"
    save_protocol(Protocol(metadata={"title": "old"}), real)  # type: ignore[arg-type]
    link.symlink_to(real)
    save_protocol(Protocol(metadata={"title": "new"}), link)  # type: ignore[arg-type]
    assert link.is_symlink()
    assert load_protocol(real).metadata.title == "new"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    """``-o /dev/null`` renamed a regular file over the device; a pipe stands in for it here."""
    import stat
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    fileformat.write_bytes_atomic(pipe, b"through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
