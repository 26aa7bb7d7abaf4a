"""Benchmark: full check of the largest example against every shipped rule set.

Budget (DESIGN.md section 7): <= 10 ms median on the 2-core reference machine, and
linear in the number of sessions. Run it directly::

    python tests/bench/bench_check.py [--runs 200] [--process-runs 9]

It prints medians for: loading and compiling the shipped rule sets (cold, then from
the rule-set cache in a temporary folder, as every later start does), building
the resolved view, the full check, the same protocol with its sessions multiplied
10 times, and a baseline measured in the same run (``model_dump`` of the protocol,
which every check must do anyway), with ratios. Then it times whole ``papdesigner
check`` processes on that example against a floor process (see ``processes.py``;
target: at most 2 x the floor). It asserts nothing: numbers are read by people, not
by tests.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from processes import compare

from papdesigner.model import Protocol, load_protocol, loads_protocol
from papdesigner.paths import resource
from papdesigner.rules import build_view, check, clear_cache, default_catalogue

BASES = Path(__file__).resolve().parent.parent / "rules" / "bases"


FASTEST: dict[str, float] = {}
"""Fastest single run per label: on a shared machine the median moves with other jobs."""


def median_ms(fn: Callable[[], object], runs: int, label: str = "") -> float:
    """Median wall time of ``fn`` in milliseconds over ``runs`` calls (after 3 warm-ups)."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    if label:
        FASTEST[label] = min(times) * 1000
    return statistics.median(times) * 1000


def largest_example() -> tuple[str, Protocol]:
    """The shipped example (or, before examples exist, test base) with the most sessions."""
    files = sorted(resource("examples").glob("*.pap.json")) or sorted(BASES.glob("*.pap.json"))
    protocols = [(f.name, load_protocol(f)) for f in files]
    return max(protocols, key=lambda item: (len(item[1].sessions), item[0]))


def multiply_sessions(protocol: Protocol, factor: int) -> Protocol:
    """Repeat every non-screening session ``factor`` times, later in time, with new ids."""
    data: dict[str, Any] = json.loads(protocol.model_dump_json())
    sessions = data["sessions"]
    span = max(s["day"] for s in sessions) + 30
    extra = []
    for k in range(1, factor):
        for s in sessions:
            if s["kind"] == "screening":
                continue
            copy_ = copy.deepcopy(s)
            copy_["id"] = f"{s['id']}-x{k}"
            copy_["day"] = s["day"] + k * span
            if copy_["day"] == 0:
                copy_["day"] = 1
            extra.append(copy_)
    data["sessions"] = sessions + extra
    return loads_protocol(json.dumps(data))


def load_times() -> tuple[float, float]:
    """Milliseconds to load the shipped sets with an empty rule-set cache, then a filled one."""
    times = []
    with tempfile.TemporaryDirectory(prefix="papdesigner-bench-cache-") as folder:
        os.environ["PAPDESIGNER_CACHE_DIR"] = folder
        for _ in range(2):
            clear_cache()
            start = time.perf_counter()
            default_catalogue()
            times.append((time.perf_counter() - start) * 1000)
    os.environ["PAPDESIGNER_CACHE_DIR"] = "off"  # the rest of the run is in memory
    return times[0], times[1]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--process-runs", type=int, default=9, help="0: skip the processes")
    args = parser.parse_args()

    cold_ms, warm_ms = load_times()
    catalogue = default_catalogue()
    rules = sum(len(s.rules) for s in catalogue.rulesets)

    name, protocol = largest_example()
    big = multiply_sessions(protocol, 10)
    report = check(protocol)
    active = [s.id for s in report.rulesets if s.active]

    baseline = median_ms(lambda: protocol.model_dump(mode="json"), args.runs)
    view = median_ms(lambda: build_view(protocol), args.runs)
    full = median_ms(lambda: check(protocol), args.runs, "full")
    big_full = median_ms(lambda: check(big), max(args.runs // 5, 20), "big")

    ratio = len(big.sessions) / len(protocol.sessions)
    verdict = "OK" if full <= 10 else "OVER"
    print(
        f"rule sets: {len(catalogue.rulesets)} shipped ({rules} rules); cold load {cold_ms:.1f} ms"
        f", from the cache {warm_ms:.1f} ms"
    )
    print(f"protocol:  {name}, {len(protocol.sessions)} sessions; active: {', '.join(active)}")
    print(f"           {len(report.findings)} findings")
    print(f"baseline   model_dump(mode='json')  {baseline:8.3f} ms")
    print(f"view       build_view               {view:8.3f} ms  ({view / baseline:.1f} x baseline)")
    print(f"check      every shipped set        {full:8.3f} ms  ({full / baseline:.1f} x baseline)")
    print(f"           budget 10 ms: {verdict}; fastest run {FASTEST['full']:.3f} ms")
    print(f"check x10  {len(big.sessions)} sessions         {big_full:8.3f} ms")
    print(f"           {big_full / full:.1f} x the 1x check for {ratio:.1f} x the sessions")
    fast_ratio = FASTEST["big"] / FASTEST["full"]
    print(f"           fastest runs: {FASTEST['big']:.3f} ms, {fast_ratio:.1f} x")
    if args.process_runs:
        path = next(resource("examples").glob(name), None) or BASES / name
        compare({f"papdesigner check {name}": ["check", str(path)]}, args.process_runs)


if __name__ == "__main__":
    main()
