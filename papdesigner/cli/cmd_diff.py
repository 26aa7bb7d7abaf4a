"""``papdesigner diff A B``: the summary of changes between two versions of a protocol."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from papdesigner.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    check_output_path,
    load_or_fail,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import ValidationError

    from papdesigner.diff import AmendmentRecord, Summary
    from papdesigner.diff.changes import ProtocolDiff
    from papdesigner.diff.compliance import ComplianceDelta
    from papdesigner.model.protocol import Protocol


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
    parser.add_argument(
        "a",
        metavar="A",
        help="the earlier version: a .pap.json file, or lib:REF for a library version "
        "(REF = PROTOCOL for its newest version, PROTOCOL@N for its N-th, or a version hash "
        "prefix; PROTOCOL = acronym, protocol number or id prefix)",
    )
    parser.add_argument("b", metavar="B", help="the later version, as A")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="the library file for lib:REF (default: the user's library)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "pdf"),
        default="text",
        help="output format (default text); pdf is the summary-of-changes document for an "
        "ethics board and needs -o",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write to this file, not stdout")
    parser.add_argument(
        "--amendment",
        metavar="FILE",
        help="an amendment record (JSON): number, reasons, rationale, per-change notes; "
        "default: the record saved with library version B, if any",
    )
    parser.add_argument(
        "--no-compliance",
        action="store_true",
        help="leave out the compliance delta (rule findings introduced and resolved)",
    )
    parser.add_argument(
        "--exit-code", action="store_true", help="exit 1 when the versions differ (as git diff)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load both versions, compare them and print or write the summary."""
    from papdesigner.diff import build_summary, diff_protocols, summary_to_json, summary_to_text
    from papdesigner.diff.compliance import check_delta

    if args.format == "pdf" and not args.output:
        raise CliError("--format pdf needs -o OUT (a PDF is not written to the terminal)")
    if args.output:
        check_output_path(Path(args.output), inputs=_input_files(args))
    a, _ = _load_side(args.a, args.library)
    b, saved_record = _load_side(args.b, args.library)
    record = _load_record(args.amendment) if args.amendment else saved_record
    diff = diff_protocols(a, b)
    compliance = None if args.no_compliance else _delta(check_delta, diff, a, b)
    summary = build_summary(
        diff, source_a=args.a, source_b=args.b, record=record, compliance=compliance
    )
    if args.format == "pdf":
        _write_pdf(summary, args.output)
        return EXIT_FINDINGS if args.exit_code and diff else EXIT_OK
    if args.format == "json":
        text = json.dumps(summary_to_json(summary), indent=2, ensure_ascii=False) + "\n"
    else:
        text = summary_to_text(summary)
    _write(text, args.output)
    return EXIT_FINDINGS if args.exit_code and diff else EXIT_OK


def _delta(
    check_delta: Callable[[ProtocolDiff, Protocol, Protocol], ComplianceDelta],
    diff: ProtocolDiff,
    a: Protocol,
    b: Protocol,
) -> ComplianceDelta:
    """The compliance delta; a value the rule engine cannot hold is bad input."""
    from papdesigner.rules.engine import ProtocolNotCheckableError

    try:
        return check_delta(diff, a, b)
    except ProtocolNotCheckableError as exc:
        raise CliError(f"cannot compare the findings: {exc} (use --no-compliance)") from None


LIBRARY_PREFIX = "lib:"
MAX_RECORD_BYTES = 1024 * 1024
"""Largest amendment record accepted; a real one is a few kilobytes of JSON."""


def _input_files(args: argparse.Namespace) -> list[str | Path]:
    """Every file the command reads: the two sides (or the library) and the record."""
    from papdesigner.store.location import resolve_library_path

    files: list[str | Path] = [args.amendment] if args.amendment else []
    for spec in (args.a, args.b):
        uses_library = spec.startswith(LIBRARY_PREFIX)
        files.append(resolve_library_path(args.library) if uses_library else spec)
    return files


def _load_side(spec: str, library: str | None) -> tuple[Protocol, AmendmentRecord | None]:
    """Load one side: a protocol file, or a library version with its amendment record."""
    if not spec.startswith(LIBRARY_PREFIX):
        return load_or_fail(spec), None
    from papdesigner.store import Library, LibraryError

    ref = spec.removeprefix(LIBRARY_PREFIX)
    try:
        with Library.open(library, readonly=True, create=False) as lib:
            info = lib.resolve(ref)
            protocol = lib.load_version(info.id)
    except LibraryError as exc:
        raise CliError(f"{spec}: {exc}") from None
    return protocol, _saved_record(spec, info.amendment)


def _saved_record(spec: str, payload: object) -> AmendmentRecord | None:
    """Return the amendment record saved with a version (None if it has none)."""
    if payload is None:
        return None
    from pydantic import ValidationError

    from papdesigner.diff import AmendmentRecord

    try:
        return AmendmentRecord.model_validate(payload)
    except ValidationError as exc:
        raise CliError(f"{spec}: the saved amendment record is not valid ({_first(exc)})") from None


def _first(exc: ValidationError) -> str:
    from papdesigner.model.jsonpath import format_path

    first = exc.errors(include_url=False)[0]
    where = format_path(p for p in first["loc"] if isinstance(p, str | int))
    return f"{where}: {first['msg']}"


def _load_record(name: str) -> AmendmentRecord:
    from pydantic import ValidationError

    from papdesigner.diff import AmendmentRecord
    from papdesigner.model.limits import read_regular_file

    path = Path(name)
    try:
        if path.is_dir():
            raise CliError(f"{name}: is a folder, not an amendment record")
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise CliError(f"{name}: too large for an amendment record (at most 1 MB)")
        raw = read_regular_file(path, MAX_RECORD_BYTES).decode("utf-8-sig")
    except OSError as exc:
        raise CliError(f"{name}: cannot read amendment record ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        msg = f"{name}: not UTF-8 text (invalid byte at offset {exc.start})"
        raise CliError(msg) from None
    try:
        return AmendmentRecord.model_validate_json(raw)
    except ValidationError as exc:
        raise CliError(f"{name} at {_first(exc)}") from None


def _write_pdf(summary: Summary, output: str) -> None:
    from papdesigner.diff.pdf import write_summary_pdf

    try:
        write_summary_pdf(summary, output)
    except OSError as exc:
        raise CliError(f"{output}: cannot write ({exc.strerror or exc})") from None


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from papdesigner.model.fileformat import write_text_atomic

    try:
        write_text_atomic(Path(output), text)
    except OSError as exc:
        raise CliError(f"{output}: cannot write ({exc.strerror or exc})") from None
