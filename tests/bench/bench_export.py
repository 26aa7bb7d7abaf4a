"""Benchmark: PDF export of the largest example, against a bare reportlab build of the same story.

Budget (DESIGN.md section 7): <= 0.5 s on the 2-core reference machine for the
largest example (about 40 pages, with table of contents and page references).
Run it directly::

    python tests/bench/bench_export.py [--runs 9] [--process-runs 9]

Printed medians (wall time and, because the machine is shared, CPU time of this
process too):

* ``export``: :func:`papdesigner.export.render_pdf` with a precomputed check
  report: view, templates, blocks, story, the one layout pass with header/footer,
  watermark, table of contents, outline and checklist page references, and the
  verification digests. The write to disk is measured apart (``write``).
* ``bare build``: the same story (built fresh each run, not timed) laid out by a
  plain ``SimpleDocTemplate`` in one pass with no page decoration, metadata or
  digests: what reportlab alone costs for this content.
* ``story``: building the flowables from the templates, timed apart.
* the ratio export / bare build: the overhead of everything papdesigner adds.

Then whole ``papdesigner export`` processes (check included, PDF written) are timed
against a floor process (see ``processes.py``; target: at most 3 x the floor), and
the lower bound of any export process is printed: the floor plus the story and the
bare build of the same pages.
It asserts nothing: numbers are read by people, not by tests.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from processes import compare

from papdesigner.export import export_pdf, render_pdf
from papdesigner.export.pipeline import make_blocks, make_view
from papdesigner.model import Protocol, load_protocol
from papdesigner.paths import resource
from papdesigner.rules import Report, check


def timed(
    fn: Callable[[], object], runs: int, prepare: Callable[[], object] | None = None
) -> tuple[float, float]:
    """Median (wall ms, CPU ms) of ``fn`` over ``runs`` calls after 2 warm-ups."""
    walls, cpus = [], []
    for i in range(runs + 2):
        if prepare is not None:
            prepare()
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        if i >= 2:
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def largest_example() -> tuple[str, Protocol]:
    """The shipped example that exports to the most pages (by sessions, then file size)."""
    files = sorted(resource("examples").glob("*.pap.json"))
    return max(
        ((f.name, load_protocol(f)) for f in files),
        key=lambda item: (len(item[1].sessions), len(item[1].model_dump_json())),
    )


def story_maker(protocol: Protocol, report: Report) -> Callable[[], list[object]]:
    """Return a function that builds a fresh story (flowables are consumed by a build)."""
    from papdesigner.export.figures import schema_drawing, timeline_drawing
    from papdesigner.export.layout import Layout

    view = make_view(protocol, report)
    blocks = make_blocks(protocol, view, None)
    figures = {
        "timeline": lambda w: timeline_drawing(protocol, w),
        "schema": lambda w: schema_drawing(protocol, w),
    }

    def make() -> list[object]:
        layout = Layout(blocks, figures)
        story = layout.story()
        make.book = layout.book  # type: ignore[attr-defined]
        return story

    return make


def bare_build(story: list[object], book: object) -> int:
    """A plain single-pass platypus build of ``story`` (forms defined so it can save)."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    from papdesigner.export.styles import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_SIZE

    class BareCanvas(Canvas):  # type: ignore[misc]
        def save(self) -> None:
            book.define_forms(self)  # type: ignore[attr-defined]
            super().save()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    )
    doc.build(story, canvasmaker=BareCanvas)
    return doc.page


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--process-runs", type=int, default=9, help="0: skip the processes")
    args = parser.parse_args()
    os.environ["PAPDESIGNER_CACHE_DIR"] = "off"  # in memory after the first export anyway
    name, protocol = largest_example()
    report = check(protocol)

    cold = time.perf_counter()
    rendered = render_pdf(protocol, report=report)
    cold_ms = (time.perf_counter() - cold) * 1000
    export = timed(lambda: render_pdf(protocol, report=report), args.runs)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out.pdf"
        write = timed(lambda: export_pdf(protocol, target, report=report), args.runs)

    make = story_maker(protocol, report)
    story_time = timed(make, args.runs)
    holder: dict[str, list[object]] = {}
    bare = timed(
        lambda: bare_build(holder["story"], make.book),  # type: ignore[attr-defined]
        args.runs,
        prepare=lambda: holder.update(story=make()),
    )
    bare_pages = bare_build(make(), make.book)  # type: ignore[attr-defined]

    print(
        f"largest example: {name} ({len(protocol.sessions)} sessions), "
        f"{rendered.pages} pages exported ({bare_pages} in the bare build)"
    )
    print(f"first export in this process (fonts, imports): {cold_ms:8.1f} ms")
    print(f"{'median of ' + str(args.runs):<34}{'wall ms':>10}{'cpu ms':>10}")
    rows = [
        ("export (render_pdf, in memory)", export),
        ("export_pdf (with atomic write)", write),
        ("story only (templates to flowables)", story_time),
        ("bare single-pass reportlab build", bare),
    ]
    for label, (wall, cpu) in rows:
        print(f"{label:<34}{wall:>10.1f}{cpu:>10.1f}")
    print(
        f"ratio export / bare build: wall {export[0] / bare[0]:.2f}, cpu {export[1] / bare[1]:.2f}"
    )
    whole = (bare[0] + story_time[0], bare[1] + story_time[1])
    print(
        f"ratio export / (story + bare build): wall {export[0] / whole[0]:.2f}, "
        f"cpu {export[1] / whole[1]:.2f}"
    )
    verdict = "within" if export[0] <= 500 else "over"
    print(f"budget 500 ms: median wall {export[0]:.0f} ms ({verdict} on this machine)")
    if args.process_runs:
        with tempfile.TemporaryDirectory() as folder:
            out = str(Path(folder) / "out.pdf")
            path = str(resource("examples", name))
            command = ["export", path, "-o", out, "-q"]
            floor = compare({f"papdesigner export {name}": command}, args.process_runs)
        print_lower_bound(floor, story_time[0], bare[0])


def print_lower_bound(floor_ms: float, story_ms: float, bare_ms: float) -> None:
    """What no export process can go below on this machine, next to the 3 x target.

    A process that writes these pages must at least start like the floor process and
    then have reportlab lay them out (the bare build) from flowables someone built (the
    story), even with nothing else: no check, no PDF/A, no page decoration, and no
    cost of a first build in a fresh process. The sum of those medians, measured in
    this run, is a lower bound; everything the export adds comes on top of it.
    """
    bound = floor_ms + story_ms + bare_ms
    print(
        f"lower bound for a whole export process (floor + story + bare build, medians): "
        f"{bound:.0f} ms = {bound / floor_ms:.2f} x floor (target 3 x = {3 * floor_ms:.0f} ms)"
    )


if __name__ == "__main__":
    main()
