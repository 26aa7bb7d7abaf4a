"""Benchmark: every command on the largest accepted protocol against the largest shipped example.

Issue 16's target: at the largest protocol the limits of
:mod:`papdesigner.model.limits` accept (every count at its limit, the text filling
the whole-protocol limit; ``tests/support/limits_protocols.py``), each command
(validate, check, export, diff) finishes within 10x its time on the largest shipped
example and under 500 MB. Each command runs as a subprocess, as a user runs it;
its peak resident memory is the ``ru_maxrss`` of the resource usage
of that one child (``os.wait4``).

Run it directly::

    python tests/bench/bench_limits.py [--runs 3]

It prints medians of wall time, the ratio largest / example, the peak memory and
whether each command stays within its bound. It asserts nothing: numbers are read
by people, not by tests. It also says whether the check on the largest protocol
hit the rule engine's iteration budget (it must not).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from limits_protocols import example, largest_protocol, write

TIME_RATIO_BOUND = 10.0
MEMORY_BOUND_MB = 500.0


def _commands(path: Path, other: Path, out: Path) -> dict[str, list[str]]:
    return {
        "validate": ["validate", str(path)],
        "check": ["check", str(path)],
        "export": ["export", str(path), "-o", str(out / f"{path.stem}.pdf")],
        "diff": ["diff", str(other), str(path)],
    }


class Run:
    """One finished command: wall seconds, peak resident memory (MB), exit code, output."""

    def __init__(self, seconds: float, peak_mb: float, code: int, stdout: str, stderr: str) -> None:
        self.seconds, self.peak_mb, self.code = seconds, peak_mb, code
        self.stdout, self.stderr = stdout, stderr


def _run(args: list[str], cwd: Path) -> Run:
    """Run one command; its own peak RSS comes from ``os.wait4`` (this child's rusage only)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PAPDESIGNER_LIBRARY": str(cwd / "lib")}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "papdesigner", *args], stdout=out, stderr=err, cwd=cwd, env=env
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, child.returncode, out.read(), err.read())


def measure(args: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS (MB) over ``runs`` runs."""
    done = [_run(args, cwd) for _ in range(runs)]
    for run in done:
        if run.code not in (0, 1):
            print(f"  {args[0]} failed: {run.stderr.strip()}")
    return statistics.median(r.seconds for r in done), max(r.peak_mb for r in done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        small = write(cwd / "example.pap.json", example())
        small_b = write(cwd / "example-b.pap.json", _edited(example()))
        large = write(cwd / "largest.pap.json", largest_protocol(1.0))
        large_b = write(cwd / "largest-b.pap.json", _edited(largest_protocol(1.0)))
        print(
            f"example: {small.stat().st_size / 1024:.0f} KB; largest: "
            f"{large.stat().st_size / 1024:.0f} KB; {runs} runs each; medians"
        )
        print(
            f"{'command':10} {'example s':>10} {'largest s':>10} {'ratio':>7} {'peak MB':>8}",
            "within",
        )
        base = {
            name: measure(args, cwd, runs) for name, args in _commands(small, small_b, cwd).items()
        }
        for name, args in _commands(large, large_b, cwd).items():
            seconds, peak = measure(args, cwd, runs)
            ratio = seconds / base[name][0]
            ok = ratio <= TIME_RATIO_BOUND and peak <= MEMORY_BOUND_MB
            print(
                f"{name:10} {base[name][0]:10.2f} {seconds:10.2f} {ratio:7.1f} {peak:8.0f}  "
                f"{'yes' if ok else 'NO'}"
            )
        report = _run(["check", str(large), "--format", "json"], cwd)
        budget = "iteration budget" in report.stdout
        print(
            "rule engine iteration budget reached on the largest protocol:",
            "YES" if budget else "no",
        )


def _edited(data: dict[str, object]) -> dict[str, object]:
    """A second version for diff: a changed title and one session less."""
    metadata = data["metadata"]
    assert isinstance(metadata, dict)
    metadata["title"] = "Amended: " + str(metadata["title"])[:900]
    sessions = data["sessions"]
    assert isinstance(sessions, list)
    data["sessions"] = sessions[:-1]
    return data


if __name__ == "__main__":
    main()
