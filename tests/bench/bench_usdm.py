"""Benchmark of the USDM export and import (no budget in the design notes; reports the cost).

Run: ``python tests/bench/bench_usdm.py [--repeat N]``

For the shipped example with the most sessions, and a copy with ten times the sessions (to show
the cost is linear), prints the median of:

- baseline: dumping the protocol to JSON text (work any export must do; measured in the same run
  so the ratios do not depend on the machine);
- export: ``usdm_json`` (the USDM 4.0.0 wrapper as JSON text);
- import: ``import_usdm`` of that export (parsed JSON data -> protocol);
- official: reading CDISC's largest official example (Alexion Wilson's, about 1 MB) from disk.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from papdesigner.interop.usdm_export import usdm_json  # noqa: E402
from papdesigner.interop.usdm_import import import_usdm, read_usdm  # noqa: E402
from papdesigner.model import load_protocol  # noqa: E402
from papdesigner.model.protocol import Protocol  # noqa: E402
from papdesigner.model.templates import examples_dir  # noqa: E402

OFFICIAL = (
    ROOT / "tests" / "interop" / "reference" / "examples" / "Alexion_NCT04573309_Wilsons.json"
)


def largest_example() -> Protocol:
    """The shipped example with the most sessions."""
    loaded = [load_protocol(p) for p in sorted(examples_dir().glob("*.pap.json"))]
    return max(loaded, key=lambda p: len(p.sessions))


def scaled(protocol: Protocol, factor: int) -> Protocol:
    """``protocol`` with ``factor`` times the sessions (ids made unique, days shifted)."""
    sessions = list(protocol.sessions)
    for copy in range(1, factor):
        for session in protocol.sessions:
            if session.day >= 1:  # screening stays before day 1
                shifted = {"id": f"{session.id}_{copy}", "day": session.day + 400 * copy}
                sessions.append(session.model_copy(update=shifted))
    return protocol.model_copy(update={"sessions": sessions})


def median_ms(work: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``work`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, protocol: Protocol, repeat: int) -> float:
    """Print the medians for one protocol; return the export median."""
    text = usdm_json(protocol)
    data = json.loads(text)
    baseline = median_ms(protocol.model_dump_json, repeat)
    export = median_ms(lambda: usdm_json(protocol), repeat)
    imported = median_ms(lambda: import_usdm(data), repeat)
    print(
        f"{name}: {len(protocol.sessions)} sessions, {len(text) / 1024:.0f} KB | baseline "
        f"{baseline:.2f} ms | export {export:.1f} ms ({export / baseline:.0f}x) | "
        f"import {imported:.1f} ms ({imported / baseline:.0f}x)"
    )
    return export


def main() -> int:
    """Run the benchmark and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    protocol = largest_example()
    small = report("largest example", protocol, args.repeat)
    large = report("10x sessions", scaled(protocol, 10), max(3, args.repeat // 3))
    print(f"export cost ratio 10x / 1x: {large / small:.1f} (linear is about 10)")
    official = median_ms(lambda: read_usdm(OFFICIAL), max(3, args.repeat // 3))
    print(f"read official Alexion example: {official:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
