"""Every command on hostile and extreme inputs: exit 0, 1 or 2 with one line, never a hang.

Issue 16: files far over a limit are refused at load with one line naming the JSON
path and the limit; a protocol near the limits (a fraction of them here, the full
limits in ``tests/bench/bench_limits.py``) goes through every command; named pipes
are refused at once. Subprocess timeouts only guard against a hang; they are no
performance assertion.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from limits_protocols import example, hostile_files, largest_protocol, write

from papdesigner.model import ProtocolFileError, loads_protocol
from papdesigner.model.limits import LIST_ITEMS, check_limits

HANG_GUARD_S = 240
"""Far above any run: a command that takes this long is taken to hang."""

OVER_LIMIT = {
    "many-sessions": "$.sessions",
    "many-arms": "$.arms",
    "many-waivers": "$.waivers",
    "many-narrative-keys": "$.narrative",
    "many-assessments": "$.sessions[0].assessments",
    "huge-title": "$.metadata.title",
    "huge-rationale": "$.psychotherapy.rationale",
    "huge-label": "$.arms[0].label",
    "roles-x-sessions": "$.roles",
}
"""Files that break one limit, and the JSON path the refusal must name."""


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PAPDESIGNER_LIBRARY": str(cwd / "lib")}
    return subprocess.run(
        [sys.executable, "-m", "papdesigner", *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        cwd=cwd,
        env=env,
        check=False,
    )


def _commands(path: Path, baseline: Path, out: Path) -> dict[str, list[str]]:
    return {
        "validate": ["validate", str(path)],
        "check": ["check", str(path)],
        "export": ["export", str(path), "-o", str(out / f"{path.stem}.pdf")],
        "diff": ["diff", str(baseline), str(path)],
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return hostile_files(folder, scale=0.05)


@pytest.mark.slow
def test_every_command_ends_with_a_result_or_one_line(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    baseline = write(tmp_path / "baseline.pap.json", example())
    failures = []
    for name, path in inputs.items():
        for command, args in _commands(path, baseline, tmp_path).items():
            result = _run(args, tmp_path)
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            where = f"{command} {name}: exit {result.returncode}, stderr {result.stderr[:300]!r}"
            if (
                result.returncode not in (0, 1, 2)
                or len(lines) > 1
                or "internal error" in result.stderr
                or "Traceback" in result.stderr
            ):
                failures.append(where)
            elif result.returncode == 2 and not lines:
                failures.append(f"{where} (exit 2 without a message)")
            elif name in OVER_LIMIT and (
                result.returncode != 2
                or OVER_LIMIT[name] not in result.stderr
                or "at most" not in result.stderr
            ):
                failures.append(f"{where} (expected a refusal at {OVER_LIMIT[name]})")
    assert not failures, "\n".join(failures)


def test_a_protocol_near_the_limits_goes_through_every_command(tmp_path: Path) -> None:
    path = write(tmp_path / "near.pap.json", largest_protocol(0.2))
    baseline = write(tmp_path / "baseline.pap.json", example())
    for command, args in _commands(path, baseline, tmp_path).items():
        result = _run(args, tmp_path)
        assert result.returncode in (0, 1), f"{command}: {result.stderr}"
        assert "iteration budget" not in result.stdout, command
    assert (tmp_path / "near.pap.pdf").read_bytes().startswith(b"%PDF-")


def test_the_largest_accepted_protocol_loads() -> None:
    import json

    protocol = loads_protocol(json.dumps(largest_protocol(1.0)))
    assert len(protocol.sessions) == LIST_ITEMS["sessions"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", ["validate", "check", "export", "diff"])
def test_a_named_pipe_is_refused_at_once(tmp_path: Path, command: str) -> None:
    pipe = tmp_path / "pipe.pap.json"
    os.mkfifo(pipe)  # nobody ever writes to it: reading would wait forever
    baseline = write(tmp_path / "baseline.pap.json", example())
    result = _run(_commands(pipe, baseline, tmp_path)[command], tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"papdesigner: {pipe}: not a regular file (a named pipe); give a file"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_other_inputs_refuse_a_named_pipe_too(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    baseline = write(tmp_path / "baseline.pap.json", example())
    record = _run(["diff", str(baseline), str(baseline), "--amendment", str(pipe)], tmp_path)
    report = _run(["export", str(baseline), "--report", str(pipe), "-o", "x.pdf"], tmp_path)
    for result in (record, report):
        assert result.returncode == 2
        assert "named pipe" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_not_read_without_end(tmp_path: Path) -> None:
    result = _run(["validate", "/dev/zero"], tmp_path)
    assert result.returncode == 2
    assert "not a regular file (a device)" in result.stderr


@pytest.mark.parametrize(
    ("change", "path", "limit"),
    [
        (lambda d: d.update(sessions=d["sessions"] * 20), "$.sessions", "at most 300"),
        (lambda d: d["metadata"].update(title="t" * 1_001), "$.metadata.title", "at most 1,000"),
        (lambda d: d["arms"][0].update(label="a" * 501), "$.arms[0].label", "at most 500"),
        (
            lambda d: d["psychotherapy"].update(rationale="r" * 30_001),
            "$.psychotherapy.rationale",
            "at most 30,000",
        ),
        (
            lambda d: d["narrative"].update({f"k{i}": "x" for i in range(200)}),
            "$.narrative",
            "at most 200",
        ),
        (
            lambda d: d["sessions"][0].update(assessments=["x"] * 41),
            "$.sessions[0].assessments",
            "at most 40",
        ),
        (
            lambda d: d.update(narrative={f"k{i}": "x" * 29_000 for i in range(18)}),
            "$.narrative.k",
            "at most 500,000",
        ),
    ],
)
def test_a_limit_is_named_with_its_path(change: object, path: str, limit: str) -> None:
    import json

    data = example()
    change(data)  # type: ignore[operator]
    with pytest.raises(ProtocolFileError) as caught:
        loads_protocol(json.dumps(data), source="trial.pap.json")
    message = str(caught.value)
    assert message.startswith(f"trial.pap.json at {path}")
    assert limit in message and "\n" not in message


def test_the_limits_walk_ignores_values_of_the_wrong_type() -> None:
    check_limits({"sessions": "not a list", "narrative": [1, 2], "arms": [{"label": 3}]})
