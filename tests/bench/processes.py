"""Time whole ``papdesigner`` command processes against a floor process, in the same run.

Shared by ``bench_check.py`` and ``bench_export.py``. A command's wall time from
start to exit includes the interpreter, every import and every file it reads, which
is what a user or a CI job waits for. The floor is a process that only imports the
libraries every command needs: ``from pydantic import BaseModel`` (a bare ``import
pydantic`` loads next to nothing: pydantic imports lazily), ``import yaml`` and
``import reportlab.platypus`` (reportlab's layout engine; ``import reportlab`` alone is
a version string). Runs alternate between the floor and the commands so that
background load on a shared machine hits them alike; medians are printed with the
fastest runs and the ratio of medians to the floor. Nothing is asserted.

Every process keeps compiled bytecode (``PYTHONPYCACHEPREFIX``, a folder outside the
source tree, and ``PYTHONDONTWRITEBYTECODE`` unset), like an installed app whose
modules pip compiled at install; the libraries of the floor have theirs already.
Without it, a shell that sets ``PYTHONDONTWRITEBYTECODE`` made every papdesigner run
(not the floor) compile its ~200 modules from source, about 150 ms.

The rule-set compile cache (``papdesigner/rules/compiled_cache.py``) lives in a
temporary folder for the run: "warm" runs find it filled by an earlier run, as every
start after the first does; ``PAPDESIGNER_CACHE_DIR=off`` runs show a first start.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FLOOR = "from pydantic import BaseModel; import yaml; import reportlab.platypus"
"""The floor process's whole program."""

CLI = "import sys; from papdesigner.cli import main; sys.exit(main())"
"""What the installed ``papdesigner`` console script runs."""


def _run(argv: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        list(argv), capture_output=True, env=env, cwd=ROOT, timeout=300, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a check with findings is a normal result
        tail = done.stderr.decode("utf-8", "replace").strip()[-400:]
        msg = f"{' '.join(argv[3:])} failed ({done.returncode}): {tail}"
        raise RuntimeError(msg)
    return elapsed


def compare(commands: dict[str, list[str]], runs: int) -> float:
    """Run the floor and each ``papdesigner`` argument list ``runs`` times; print the table.

    Each command is timed twice: with a warm rule-set cache and with caching off.
    Returns the floor's median in milliseconds.
    """
    with tempfile.TemporaryDirectory(prefix="papdesigner-bench-cache-") as cache:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base["PYTHONPYCACHEPREFIX"] = str(Path(cache) / "pycache")
        warm = {**base, "PAPDESIGNER_CACHE_DIR": cache}
        cold = {**base, "PAPDESIGNER_CACHE_DIR": "off"}
        programs: dict[str, tuple[list[str], dict[str, str]]] = {
            "floor (pydantic, yaml, reportlab)": ([sys.executable, "-c", FLOOR], warm),
        }
        for label, args in commands.items():
            argv = [sys.executable, "-c", CLI, *args]
            programs[label] = (argv, warm)
            programs[f"{label}, no cache"] = (argv, cold)
        for argv, env in programs.values():  # warm the file cache and the rule-set cache
            _run(argv, env)
        times: dict[str, list[float]] = {label: [] for label in programs}
        for _ in range(runs):
            for label, (argv, env) in programs.items():
                times[label].append(_run(argv, env))
    floor = statistics.median(next(iter(times.values())))
    print(f"whole processes, {runs} runs each, alternating (wall ms)")
    print(f"  {'':50}{'median':>8}{'fastest':>9}{'x floor':>9}")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"  {label:50}{median * 1000:8.0f}{min(values) * 1000:9.0f}{median / floor:9.2f}")
    return floor * 1000
