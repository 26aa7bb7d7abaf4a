"""Benchmark of the amendment diff (issue 7 budget: <= 50 ms on the largest example).

Run: ``/work/venv/bin/python tests/bench/bench_diff.py [--repeat N]``

For the largest shipped example (most sessions) and a realistic amendment of it (a fourth
integration session, a lower dose, a dropped exclusion criterion, a rewritten vitals schedule),
prints the median of:

- baseline: dumping both versions to JSON data and fingerprinting them (work any comparison
  must do; measured in the same run so the ratio does not depend on the machine);
- diff: ``diff_protocols`` (dump, fingerprints, structural diff, section mapping);
- describe: the plain-language text of every change;
- apply: rebuilding B from A and the changes;
- the same diff on a protocol with ten times the sessions, to show the cost is linear.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from papdesigner.diff import apply_to_data, describe, diff_protocols  # noqa: E402
from papdesigner.model import fingerprint, load_protocol  # noqa: E402
from papdesigner.model.fileformat import protocol_to_dict  # noqa: E402
from papdesigner.model.protocol import Criterion, Protocol, Session  # noqa: E402
from papdesigner.model.templates import examples_dir  # noqa: E402


def largest_example() -> tuple[Path, Protocol]:
    """Return the shipped example with the most sessions (the test fixture if none ship)."""
    paths = sorted(examples_dir().glob("*.pap.json")) or [
        ROOT / "tests" / "diff" / "data" / "trd_v1.pap.json"
    ]
    loaded = [(p, load_protocol(p)) for p in paths]
    return max(loaded, key=lambda item: (len(item[1].sessions), len(item[1].model_dump_json())))


def amend(protocol: Protocol) -> Protocol:
    """Return a realistic amendment of ``protocol``."""
    b = protocol.model_copy(deep=True)
    b.metadata.version = "2.0"
    last_day = max((s.day for s in b.sessions), default=1)
    b.sessions.append(Session(id="bench_integ", kind="integration", day=last_day + 7))
    for session in b.sessions:
        if session.dosing and session.dosing.administrations:
            session.dosing.administrations[0].dose *= 0.8
            break
    if b.eligibility.exclusion:
        b.eligibility.exclusion.pop()
    b.eligibility.inclusion.append(Criterion(id="bench_in", text="Able to attend all visits"))
    b.safety.vitals_schedule += " Every 30 minutes for the first 2 hours."
    return b


def scaled(protocol: Protocol, factor: int) -> Protocol:
    """Return the protocol with its sessions repeated ``factor`` times under new ids."""
    big = protocol.model_copy(deep=True)
    big.sessions = [
        s.model_copy(update={"id": f"{s.id}_{k}", "day": s.day + 100 * k}, deep=True)
        for k in range(factor)
        for s in protocol.sessions
    ]
    return big


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """Return the median wall time of ``action`` in milliseconds (after one warm-up)."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Measure and print the medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    path, a = largest_example()
    b = amend(a)
    diff = diff_protocols(a, b)
    print(f"example: {path.name}: {len(a.sessions)} sessions, {len(diff)} changes")

    def baseline() -> None:
        protocol_to_dict(a), protocol_to_dict(b), fingerprint(a), fingerprint(b)

    def describe_all() -> None:
        for change in diff.changes:
            describe(change, diff)

    base = median_ms(baseline, args.repeat)
    rows = [
        ("baseline: dump + fingerprint both", base),
        ("diff_protocols", median_ms(lambda: diff_protocols(a, b), args.repeat)),
        ("describe every change", median_ms(describe_all, args.repeat)),
        ("apply changes to A", median_ms(lambda: apply_to_data(diff.changes, diff.a), args.repeat)),
    ]
    big_a = scaled(a, 10)
    big_b = amend(big_a)
    big = median_ms(lambda: diff_protocols(big_a, big_b), max(args.repeat // 10, 5))
    rows.append((f"diff_protocols, {len(big_a.sessions)} sessions", big))
    for name, ms in rows:
        print(f"{name:<40} {ms:8.2f} ms   {ms / base:6.2f} x baseline")
    print(f"budget: diff <= 50 ms: {'met' if rows[1][1] <= 50 else 'MISSED'}")
    print(f"10x sessions / 1x: {big / rows[1][1]:.1f} (linear would be about 10)")


if __name__ == "__main__":
    main()
