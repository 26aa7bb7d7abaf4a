"""Benchmark of the library with 10,000 versions of realistic protocols.

Budgets (DESIGN.md section 7 and issue 5): search <= 5 ms median; save a version with
fsync <= 20 ms; open the library and list the 100 most recent <= 50 ms. Also prints
bytes per version on disk against the raw JSON size, and, for information, loading a
version, an autosave write and a full ``verify``.

Run it directly (it asserts nothing; people read the numbers)::

    python tests/bench/bench_store.py                     # 500 protocols x 20 versions
    python tests/bench/bench_store.py --protocols 10000   # 10,000 protocols x 1 version

Method: the library is filled through ``Library.save_version`` (with fsync turned
off for the fill only), from the shipped examples when there are any, else from the
realistic protocols of ``tests/store/store_factory.py`` (about 60 KB each as a file,
30 sessions, several pages of narrative); each later version is a small edit.
Timings are medians of many runs on a warm page cache. Each timing comes with a
baseline measured in the same run on the same machine, and the ratio to it:
search against a naive ``LIKE`` scan of the titles, a save against writing the same
file atomically with fsync, opening against a bare ``sqlite3.connect`` + ``SELECT``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))

from store_factory import edited, realistic_protocol

from papdesigner.model import Protocol, canonical_json, dumps_protocol, load_protocol
from papdesigner.model.fileformat import write_bytes_atomic
from papdesigner.paths import resource
from papdesigner.store import Filters, Library


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 3) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bases(count: int) -> list[Protocol]:
    """``count`` distinct protocols: the shipped examples re-identified, or factory ones."""
    examples = [load_protocol(p) for p in sorted(resource("examples").glob("*.pap.json"))]
    out = []
    for index in range(count):
        if examples:
            p = examples[index % len(examples)].model_copy(deep=True)
            p.id = uuid.UUID(int=random.Random(index).getrandbits(128), version=4)
            p.metadata.acronym = f"{p.metadata.acronym or 'EX'}-{index}"
            p.metadata.protocol_number = f"{p.metadata.protocol_number or 'EX'}-{index:05d}"
        else:
            p = realistic_protocol(index)
        out.append(p)
    return out


def fill(path: Path, protocols: int, versions: int) -> tuple[float, list[int]]:
    """Save ``versions`` versions spread over ``protocols`` protocols; return s and sizes."""
    per_protocol = max(1, versions // protocols)
    sizes = []
    started = time.perf_counter()
    with Library.open(path, durable=False) as library:
        for base in bases(protocols):
            for step in range(per_protocol):
                p = base if step == 0 else edited(base, step)
                info = library.save_version(p, "bench", f"step {step}")
                sizes.append(info.size)
    return time.perf_counter() - started, sizes


def bench_search(path: Path, runs: int) -> None:
    """Search medians per query, overall, and against a LIKE scan of the titles."""
    with Library.open(path, readonly=True) as library:
        sample = library.heads(limit=500)
        rng = random.Random(7)
        picks = [rng.choice(sample) for _ in range(3)]
        queries = [
            "psilocybin",
            "depression",
            "treatment-resistant depression psilocybin",
            "MADRS week",
            "supervision training hours",
            picks[0].acronym,
            picks[1].protocol_number[:7],
            picks[2].protocol_number,
            "nothing-matches-this",
        ]
        all_times = []
        print("search (limit 50):")
        for query in queries:
            ms = median_ms(lambda q=query: library.search(q), runs)
            hits = len(library.search(query))
            all_times.append(ms)
            print(f"  {query[:42]!r:<46} {ms:7.3f} ms  ({hits} hits)")
        filtered = median_ms(
            lambda: library.search("psilocybin", Filters(jurisdiction="US", substance="lsd")), runs
        )
        like = median_ms(
            lambda: library.db.conn.execute(
                "SELECT id FROM protocols WHERE title LIKE ? LIMIT 50", ["%depress%"]
            ).fetchall(),
            runs,
        )
    overall = statistics.median(all_times)
    print(f"  median over queries             {overall:7.3f} ms   budget 5 ms")
    print(f"  with two filters                {filtered:7.3f} ms")
    print(f"  baseline LIKE scan of titles    {like:7.3f} ms   ratio {overall / like:.2f}")


def bench_save(path: Path, runs: int, tmp: Path) -> None:
    """Save with fsync into the full library, against an atomic fsync'd file write."""
    with Library.open(path) as library:
        heads = library.heads(limit=runs)
        protos = [library.load_version(h.head_version_id) for h in heads]
        steps = iter(range(10_000, 10_000 + 10 * runs))
        cycle = iter(protos * 10)
        save = median_ms(
            lambda: library.save_version(edited(next(cycle), next(steps)), "bench", "timed save"),
            runs,
        )
        prepared = [edited(p, 1) for p in protos]
        items = iter(prepared * 10)
        save_only = median_ms(
            lambda: library.save_version(next(items), "bench", "prepared"), len(prepared) - 3
        )
        data = dumps_protocol(protos[0]).encode()
        target = tmp / "baseline.pap.json"
        baseline = median_ms(lambda: write_bytes_atomic(target, data), runs)
        clock = iter(range(100_000))
        autosave = median_ms(
            lambda: library.autosave("bench", edited(protos[0], next(clock))), runs
        )
    print("save a version (fsync):")
    print(f"  edit + save (median)            {save:7.3f} ms   budget 20 ms")
    print(f"  save of a prepared protocol     {save_only:7.3f} ms")
    print(
        f"  baseline atomic file write      {baseline:7.3f} ms   ratio {save_only / baseline:.2f}"
    )
    print(f"  autosave write (interval 0)     {autosave:7.3f} ms")


def bench_open(path: Path, runs: int) -> None:
    """Open the library and list the 100 most recent, against connect + SELECT."""

    def open_and_list(readonly: bool | None) -> None:
        library = Library.open(path, readonly=readonly)
        library.heads(limit=100)
        library.close()

    def bare() -> None:
        conn = sqlite3.connect(path)
        conn.execute(
            "SELECT id, title FROM protocols ORDER BY updated_at DESC LIMIT 100"
        ).fetchall()
        conn.close()

    rw = median_ms(lambda: open_and_list(None), runs)
    ro = median_ms(lambda: open_and_list(True), runs)
    baseline = median_ms(bare, runs)
    print("open the library and list the 100 most recent:")
    print(f"  read-write (the GUI)            {rw:7.3f} ms   budget 50 ms")
    print(f"  read-only (the CLI)             {ro:7.3f} ms")
    print(f"  baseline connect + SELECT       {baseline:7.3f} ms   ratio {rw / baseline:.2f}")


def bench_space_and_reads(path: Path, sizes: list[int], runs: int) -> None:
    """Bytes per version on disk against the JSON sizes; loading and verifying."""
    with Library.open(path) as library:
        conn = library.db.conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        count = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        stored = conn.execute("SELECT sum(length(document)) FROM versions").fetchone()[0]
        ids = [r[0] for r in conn.execute("SELECT id FROM versions ORDER BY random() LIMIT 200")]
        it = iter(ids * 10)
        load = median_ms(lambda: library.load_version(next(it)), runs)
        canonical = statistics.mean(len(canonical_json(library.load_version(i))) for i in ids[:50])
        started = time.perf_counter()
        quick = library.verify(full=False)
        quick_s = time.perf_counter() - started
        started = time.perf_counter()
        full = library.verify()
        full_s = time.perf_counter() - started
    on_disk = path.stat().st_size
    raw = statistics.mean(sizes)
    print(f"space ({count} versions, file {on_disk / 1e6:.1f} MB):")
    print(f"  raw JSON per version (file form) {raw:9.0f} B  (canonical JSON {canonical:.0f} B)")
    print(f"  compressed document per version  {stored / count:9.0f} B")
    print(
        f"  file bytes per version           {on_disk / count:9.0f} B   ratio to raw JSON "
        f"{on_disk / count / raw:.3f}"
    )
    print("reads:")
    print(f"  load a version (checked)         {load:7.3f} ms")
    print(f"  verify --quick                   {quick_s:7.2f} s  ok={quick.ok}")
    print(f"  verify (full)                    {full_s:7.2f} s  ok={full.ok}")


def main() -> None:
    """Build (or reuse) a library and print every measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--protocols", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--library", type=Path, help="reuse (or keep) this library file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        path = args.library or tmp / "bench.sqlite3"
        if path.exists():
            with Library.open(path, readonly=True) as library:
                sizes = [info.size for info in library.history(library.heads(1)[0].id)]
            print(f"reusing {path}")
        else:
            seconds, sizes = fill(path, args.protocols, args.versions)
            print(
                f"filled {len(sizes)} versions of {args.protocols} protocols in {seconds:.1f} s "
                f"({seconds / len(sizes) * 1000:.2f} ms per save without fsync)"
            )
        bench_search(path, args.runs)
        bench_open(path, min(args.runs, 100))
        bench_space_and_reads(path, sizes, min(args.runs, 100))
        bench_save(path, min(args.runs, 100), tmp)


if __name__ == "__main__":
    main()
