"""``papdesigner library list|search|history|show|import|export|verify|archive``.

Every subcommand takes ``--library PATH`` (default: ``$PAPDESIGNER_LIBRARY``, else
the user data directory). Reading commands open the library read-only and never
create it. Exit codes: 0 success, 1 ``verify`` found problems, 2 bad input or a
library error, with one line per problem on stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    check_output_path,
    report_error,
)
from papdesigner.model.vocab import CONDITIONS, CONTEXTS, SUBSTANCES

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(subparsers: Subparsers) -> None:
    """Add the ``library`` command and its subcommands."""
    common = _common_options()
    parser = subparsers.add_parser(
        "library",
        help="the local library of saved protocol versions",
        description="Keep every version of every protocol: list, search, history, import, "
        "export and verify the tamper-evident history.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="library_command", metavar="SUBCOMMAND")
    _add_list(commands, common)
    _add_search(commands, common)
    _add_history(commands, common)
    _add_show(commands, common)
    _add_import(commands, common)
    _add_export(commands, common)
    _add_verify(commands, common)
    _add_archive(commands, common)
    parser.set_defaults(handler=_missing_subcommand)


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="library file (default: $PAPDESIGNER_LIBRARY, else the user data directory)",
    )
    return common


def _output_options() -> argparse.ArgumentParser:
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--format", choices=["text", "json"], default="text")
    return output


def _filter_options() -> argparse.ArgumentParser:
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--substance", choices=SUBSTANCES)
    filters.add_argument("--indication", choices=CONDITIONS, metavar="CONDITION")
    filters.add_argument("--context", choices=CONTEXTS)
    filters.add_argument(
        "--jurisdiction", type=str.upper, metavar="CODE", help='country ("US") or region ("US-OR")'
    )
    filters.add_argument("--all", action="store_true", help="include archived protocols")
    return filters


def _positive(text: str) -> int:
    """An argparse type: a whole number of 1 or more (``--limit 0`` would list nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return value


def _missing_subcommand(args: argparse.Namespace) -> int:
    names = ", ".join(_SUBCOMMANDS)
    msg = f"library: choose a subcommand: {names} (see 'papdesigner library --help')"
    raise CliError(msg)


_SUBCOMMANDS = ("list", "search", "history", "show", "import", "export", "verify", "archive")


# --- opening --------------------------------------------------------------------------------


@contextmanager
def _library(args: argparse.Namespace, *, write: bool = False) -> Iterator[Any]:
    from papdesigner.store import Library, LibraryError

    path = getattr(args, "library", None)
    if write:
        _refuse_missing_folder(path)
    try:
        lib = Library.open(path, readonly=not write, create=write)
    except LibraryError as exc:
        raise CliError(str(exc)) from None
    try:
        yield lib
    except (LibraryError, ValueError) as exc:
        raise CliError(str(exc)) from None
    finally:
        lib.close()


def _refuse_missing_folder(explicit: str | None) -> None:
    """A library the user named must be in a folder that exists.

    Only the default location (the user data directory) is created on first save;
    ``--library ~/Dokuments/lib.sqlite3`` with a typo must not create folders.
    """
    from papdesigner.store.location import default_library_path, resolve_library_path

    path = resolve_library_path(explicit)
    if path != default_library_path() and not path.parent.is_dir():
        raise CliError(f"{path}: folder {path.parent} does not exist")


def _filters(args: argparse.Namespace) -> Any:
    from papdesigner.store import Filters

    return Filters(
        substance=args.substance,
        indication=args.indication,
        context=args.context,
        jurisdiction=args.jurisdiction,
        include_archived=args.all,
    )


def _when(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _to_json(item) for key, item in value.items()}
    return value


def _print_json(value: Any) -> None:
    print(json.dumps(_to_json(value), indent=2, ensure_ascii=False))


# --- list and search ----------------------------------------------------------------------


def _add_list(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "list",
        help="list protocols, most recently saved first",
        parents=[common, _filter_options(), _output_options()],
    )
    parser.add_argument("--limit", type=_positive, default=50, metavar="N")
    parser.set_defaults(handler=_run_list)


def _summary_line(summary: Any) -> str:
    archived = " (archived)" if summary.archived else ""
    return (
        f"{_when(summary.updated_at)}  {summary.id[:8]}  {_clip(summary.acronym or '-', 12):<12}  "
        f"{_clip(summary.protocol_number or '-', 20):<20}  #{summary.version_count:<3} "
        f"{_clip(summary.title or '(untitled)', 56)}{archived}"
    )


def _run_list(args: argparse.Namespace) -> int:
    with _library(args) as lib:
        heads = lib.heads(limit=args.limit, filters=_filters(args))
    if args.format == "json":
        _print_json(heads)
    elif not heads:
        print("no protocols")
    for summary in heads if args.format == "text" else []:
        print(_summary_line(summary))
    return EXIT_OK


def _add_search(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "search",
        help="full-text search over titles, numbers, substances, indications and text",
        parents=[common, _filter_options(), _output_options()],
    )
    parser.add_argument("query", nargs="+", help="words; each must start a word in the protocol")
    parser.add_argument("--limit", type=_positive, default=20, metavar="N")
    parser.set_defaults(handler=_run_search)


def _run_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    if not any(ch.isalnum() for ch in query):
        raise CliError("search needs at least one word")
    with _library(args) as lib:
        hits = lib.search(query, filters=_filters(args), limit=args.limit)
    if args.format == "json":
        _print_json(hits)
        return EXIT_OK
    if not hits:
        print(f"no protocol matches {query!r}")
    elif hits[0].rank is None:
        print("many protocols match: the most recently saved are shown first")
    for hit in hits:
        print(_summary_line(hit.protocol))
        print(f"    {_clip(hit.snippet, 110)}")
    return EXIT_OK


# --- history and show ---------------------------------------------------------------------


def _add_history(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "history",
        help="every saved version of a protocol, oldest first",
        parents=[common, _output_options()],
    )
    parser.add_argument("protocol", metavar="PROTOCOL", help="id (or prefix), acronym or number")
    parser.set_defaults(handler=_run_history)


def _run_history(args: argparse.Namespace) -> int:
    with _library(args) as lib:
        summary = lib.resolve_protocol(args.protocol)
        versions = lib.history(summary.id)
    if args.format == "json":
        _print_json({"protocol": summary, "versions": versions})
        return EXIT_OK
    print(f"{summary.id}  {summary.acronym or summary.title}")
    for info in versions:
        amended = " [amendment]" if info.amendment is not None else ""
        print(
            f"#{info.number:<3} {_when(info.created_at)}  {info.short_hash}  "
            f"v{_clip(info.document_version, 8):<8} {_clip(info.author, 16):<16} "
            f"{_clip(info.message, 60)}{amended}"
        )
    return EXIT_OK


def _add_show(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "show",
        help="details of one version (PROTOCOL, PROTOCOL@N or a version hash prefix)",
        parents=[common, _output_options()],
    )
    parser.add_argument("ref", metavar="REF", help="PROTOCOL, PROTOCOL@N or a version hash prefix")
    parser.add_argument(
        "--document", action="store_true", help="print the protocol file of the version instead"
    )
    parser.set_defaults(handler=_run_show)


def _run_show(args: argparse.Namespace) -> int:
    with _library(args) as lib:
        info = lib.resolve(args.ref)
        data = lib.document(info.id) if args.document else b""
    if args.document:
        sys.stdout.write(data.decode("utf-8"))
        return EXIT_OK
    if args.format == "json":
        _print_json(info)
        return EXIT_OK
    rows = [
        ("protocol", info.protocol_id),
        ("version", f"#{info.number} (library id {info.id})"),
        ("title", info.title),
        ("document version", info.document_version),
        ("saved", f"{_when(info.created_at)} by {info.author}"),
        ("message", info.message),
        ("hash", info.hash),
        ("parent", info.parent_hash or "(first version)"),
        ("fingerprint", info.fingerprint),
        ("size", f"{info.size} bytes"),
    ]
    for name, value in rows:
        print(f"{name + ':':<18}{value}")
    if info.amendment is not None:
        print("amendment:")
        print(json.dumps(info.amendment, indent=2, ensure_ascii=False))
    return EXIT_OK


# --- import and export ----------------------------------------------------------------------


def _add_import(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "import",
        help="import *.pap.json files (folders: every *.pap.json in them)",
        parents=[common],
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="*.pap.json files or folders")
    parser.add_argument("--author", help="author of the new versions (default: your user name)")
    parser.add_argument("-m", "--message", help='message (default: "Imported from FILE")')
    parser.add_argument("-r", "--recursive", action="store_true", help="look into sub-folders")
    parser.set_defaults(handler=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from papdesigner.store import default_author

    status = EXIT_OK
    counts = {"imported": 0, "unchanged": 0, "error": 0}
    with _library(args, write=True) as lib:
        for result in lib.import_paths(
            args.paths, args.author or default_author(), args.message, recursive=args.recursive
        ):
            counts[result.status] += 1
            if result.status == "error":
                status = report_error(result.error or result.path, EXIT_USAGE)
                continue
            _print_import(result)
    print(
        f"{counts['imported']} imported, {counts['unchanged']} already in the library, "
        f"{counts['error']} failed"
    )
    return status


def _print_import(result: Any) -> None:
    info = result.version
    verb = "imported as" if result.status == "imported" else "already in the library as"
    print(f"{result.path}: {verb} version #{info.number} of {info.protocol_id} ({info.short_hash})")
    if result.status == "imported" and not result.canonical:
        print(f"{result.path}: note: stored in canonical form; an export will not be this file")
    for warning in result.warnings:
        print(f"{result.path}: warning: {warning}")


def _add_export(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "export",
        help="write a version to a *.pap.json file, byte-identical to what was saved",
        parents=[common],
    )
    parser.add_argument("ref", metavar="REF", help="PROTOCOL, PROTOCOL@N or a version hash prefix")
    parser.add_argument("-o", "--output", metavar="FILE", help="file to write ('-' for stdout)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(handler=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    if not args.output:
        raise CliError("export needs -o FILE (or -o - for standard output)")
    with _library(args) as lib:
        info = lib.resolve(args.ref)
        if args.output == "-":
            sys.stdout.buffer.write(lib.document(info.id))
            sys.stdout.flush()
            return EXIT_OK
        out = Path(args.output)
        check_output_path(out, force=args.force, inputs=[lib.path])
        lib.export_version(info.id, out)
    print(f"{out}: version #{info.number} of {info.protocol_id} ({info.short_hash})")
    return EXIT_OK


# --- verify and archive ---------------------------------------------------------------------


def _add_verify(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "verify",
        help="check every version's content and hash links; exit 1 if anything changed",
        parents=[common, _output_options()],
    )
    parser.add_argument(
        "--quick", action="store_true", help="skip re-deriving each version's fingerprint"
    )
    parser.add_argument(
        "--head",
        action="append",
        default=[],
        metavar="ID:HASH",
        help="a library head recorded elsewhere (e.g. in a submission); it must still be "
        "in the library with that hash (repeatable)",
    )
    parser.add_argument(
        "--pdf",
        action="append",
        default=[],
        metavar="FILE",
        help="an exported PDF: the library head it records must still be in the library "
        "(repeatable)",
    )
    parser.set_defaults(handler=_run_verify)


def _recorded_heads(values: list[str]) -> list[tuple[str, int, str]]:
    heads = []
    for value in values:
        version_id, _, digest = value.partition(":")
        if not version_id.isdigit() or len(digest) != 64 or digest.strip("0123456789abcdef"):
            raise CliError(f"--head {value!r}: expected ID:HASH (a version id and its hash)")
        heads.append((f"the recorded head {value[:24]}…", int(version_id), digest))
    return heads


def _heads_in_pdfs(paths: list[str]) -> list[tuple[str, int, str]]:
    from papdesigner.export.library_head import recorded_head
    from papdesigner.export.pdfread import UnreadablePdfError

    heads = []
    for path in paths:
        try:
            head = recorded_head(path)
        except (UnreadablePdfError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise CliError(f"{path}: cannot read the PDF ({reason})") from None
        if head is None:
            raise CliError(f"{path}: the PDF records no library head (exported outside the app)")
        heads.append((f"the PDF {Path(path).name}", head[0], head[1]))
    return heads


def _run_verify(args: argparse.Namespace) -> int:
    recorded = _recorded_heads(args.head) + _heads_in_pdfs(args.pdf)
    with _library(args) as lib:
        report = lib.verify(full=not args.quick, recorded_heads=recorded)
        head = lib.library_head()
    if args.format == "json":
        payload = _to_json(report)
        payload["ok"] = report.ok
        payload["library_head"] = {"id": head[0], "hash": head[1]} if head else None
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return EXIT_OK if report.ok else EXIT_FINDINGS
    for problem in report.problems:
        print(f"{problem.kind}: {problem.message}")
    checked = f"{report.versions_checked} versions of {report.protocols_checked} protocols"
    if not report.ok:
        print(f"FAILED: {len(report.problems)} problems in {checked}")
        return EXIT_FINDINGS
    print(f"OK: {checked} verified")
    if report.witnessed:
        print(f"head witness: {report.witnessed} committed versions all present and unchanged")
    if head is not None:
        print(f"library head: version {head[0]}, hash {head[1]}")
    return EXIT_OK


def _add_archive(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "archive",
        help="hide a protocol from the lists (its versions are kept)",
        parents=[common],
    )
    parser.add_argument("protocol", metavar="PROTOCOL", help="id (or prefix), acronym or number")
    parser.add_argument("--undo", action="store_true", help="show an archived protocol again")
    parser.set_defaults(handler=_run_archive)


def _run_archive(args: argparse.Namespace) -> int:
    with _library(args, write=True) as lib:
        summary = lib.resolve_protocol(args.protocol)
        lib.archive(summary.id, archived=not args.undo)
    state = "shown again" if args.undo else "archived"
    print(f"{summary.id}: {state}")
    return EXIT_OK
