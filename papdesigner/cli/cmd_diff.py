"""``papdesigner diff A B``: the summary of changes between two versions of a protocol."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from papdesigner.cli.common import EXIT_FINDINGS, EXIT_OK, CliError, load_or_fail

if TYPE_CHECKING:
    from papdesigner.diff import AmendmentRecord


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``diff`` subcommand."""
    parser = subparsers.add_parser(
        "diff",
        help="summarise the changes between two versions of a protocol (an amendment)",
        description="Compare version A with version B: every change matched by identity "
        "(a renamed session is a change, not a removal and an addition), placed in its ICH M11 "
        "section, with the values before and after. Exit 0, or with --exit-code 1 when the "
        "versions differ; 2 on bad input.",
    )
    parser.add_argument("a", metavar="A", help="the earlier version (a .pap.json file)")
    parser.add_argument("b", metavar="B", help="the later version (a .pap.json file)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write to this file, not stdout")
    parser.add_argument(
        "--amendment",
        metavar="FILE",
        help="an amendment record (JSON): number, reasons, rationale, per-change notes",
    )
    parser.add_argument(
        "--exit-code", action="store_true", help="exit 1 when the versions differ (as git diff)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load both versions, compare them and print or write the summary."""
    from papdesigner.diff import build_summary, diff_protocols, summary_to_json, summary_to_text

    a = load_or_fail(args.a)
    b = load_or_fail(args.b)
    record = _load_record(args.amendment) if args.amendment else None
    diff = diff_protocols(a, b)
    summary = build_summary(diff, source_a=args.a, source_b=args.b, record=record)
    if args.format == "json":
        text = json.dumps(summary_to_json(summary), indent=2, ensure_ascii=False) + "\n"
    else:
        text = summary_to_text(summary)
    _write(text, args.output)
    return EXIT_FINDINGS if args.exit_code and diff else EXIT_OK


def _load_record(name: str) -> AmendmentRecord:
    from pydantic import ValidationError

    from papdesigner.diff import AmendmentRecord
    from papdesigner.model.jsonpath import format_path

    try:
        raw = Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{name}: cannot read amendment record ({exc.strerror or exc})") from None
    try:
        return AmendmentRecord.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = format_path(p for p in first["loc"] if isinstance(p, str | int))
        raise CliError(f"{name} at {where}: {first['msg']}") from None


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from papdesigner.model.fileformat import write_text_atomic

    try:
        write_text_atomic(Path(output), text)
    except OSError as exc:
        raise CliError(f"{output}: cannot write ({exc.strerror or exc})") from None
