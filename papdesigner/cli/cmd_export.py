"""``papdesigner export FILE -o OUT.pdf``: the PDF protocol an ethics board reviews.

Exit 0 when the PDF was written (a protocol with unwaived errors, or checked with a
``--ruleset`` subset that leaves applicable rule sets out, is exported with a DRAFT
watermark, and a note says so), 2 for bad input (unreadable protocol, bad template
folder or template, a ``--report`` that is not a check of this very protocol with
these rule sets, unwritable output), with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.cli import interop_export
from papdesigner.cli.cmd_check import (
    _selected,
    add_rules_dir_option,
    load_named_catalogue_or_fail,
)
from papdesigner.cli.common import EXIT_OK, CliError, check_output_path, load_or_fail

if TYPE_CHECKING:
    from papdesigner.model.protocol import Protocol
    from papdesigner.rules import Catalogue, Report


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser(
        "export",
        help="export a protocol as a verifiable PDF",
        description="Write the protocol as a PDF in ICH M11 order with the compliance report, "
        "SPIRIT/ReSPCT checklists and a fingerprint that 'papdesigner verify' checks.",
    )
    parser.add_argument("file", metavar="FILE", help="protocol file (*.pap.json)")
    parser.add_argument(
        "-o", "--output", metavar="OUT.pdf", help="PDF to write (default: FILE with .pdf)"
    )
    parser.add_argument(
        "--template-dir",
        metavar="DIR",
        help="folder of templates that override the built-in ones by name",
    )
    parser.add_argument(
        "--report",
        metavar="REPORT.json",
        help="use a saved 'papdesigner check --format json' report of this very protocol "
        "(refused when the protocol, the rule sets or the findings differ)",
    )
    parser.add_argument(
        "--ruleset",
        action="append",
        default=[],
        metavar="ID",
        help="check only this rule set (repeatable)",
    )
    add_rules_dir_option(parser)
    interop_export.add_options(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.set_defaults(handler=run)


def _output_path(args: argparse.Namespace) -> Path:
    if args.output:
        return Path(args.output)
    name = Path(args.file).name.removesuffix(".json").removesuffix(".pap")
    return Path(args.file).with_name(f"{name}.pdf")


MAX_REPORT_BYTES = 50 * 1024 * 1024
"""A saved ``check --format json`` report larger than this is not one papdesigner wrote."""


def _saved_report(path: str) -> dict[str, Any]:
    from papdesigner.model.limits import read_regular_file

    try:
        raw = read_regular_file(Path(path), MAX_REPORT_BYTES)
    except OSError as exc:
        msg = f"--report {path}: cannot read ({exc.strerror or exc})"
        raise CliError(msg) from None
    if len(raw) > MAX_REPORT_BYTES:
        msg = f"--report {path}: too large for a check report (at most {MAX_REPORT_BYTES:,} bytes)"
        raise CliError(msg)
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        msg = f"--report {path}: cannot read a JSON report ({exc})"
        raise CliError(msg) from None
    except RecursionError:
        msg = f"--report {path}: not a 'papdesigner check --format json' report (nested too deeply)"
        raise CliError(msg) from None
    if not isinstance(data, dict) or "findings" not in data:
        msg = f"--report {path}: not a 'papdesigner check --format json' report"
        raise CliError(msg)
    return data


def run(args: argparse.Namespace) -> int:
    """Check (or read the report), export, and say where the PDF went."""
    if args.format != "pdf":
        return interop_export.run(args)
    from papdesigner.export import ExportError, export_pdf

    protocol = load_or_fail(args.file)
    out = _output_path(args)
    inputs = [args.file, *([args.report] if args.report else [])]
    check_output_path(out, inputs=inputs)
    catalogue = load_named_catalogue_or_fail(args.rules_dir)
    report = _report(args, protocol, catalogue)
    try:
        result = export_pdf(
            protocol, out, report=report, template_dir=args.template_dir, catalogue=catalogue
        )
    except ExportError as exc:
        raise CliError(str(exc)) from None
    if not args.quiet:
        status = f" DRAFT ({_draft_reason(report)}; see Appendix A)" if result.draft else ""
        print(f"{result.path}: {result.pages} pages, fingerprint {result.fingerprint}{status}")
    return EXIT_OK


def _report(args: argparse.Namespace, protocol: Protocol, catalogue: Catalogue) -> Report:
    """A fresh check (of the ``--ruleset`` sets), or the saved ``--report`` bound to it."""
    from papdesigner.export.statement import ReportBindingError, bind_report
    from papdesigner.rules import check
    from papdesigner.rules.engine import ProtocolNotCheckableError

    try:
        if not args.report:
            return check(protocol, _selected(catalogue, args.ruleset), catalogue=catalogue)
        if args.ruleset:
            raise CliError("--report and --ruleset: the report already names its rule sets")
        return bind_report(protocol, _saved_report(args.report), catalogue)
    except ReportBindingError as exc:
        raise CliError(f"--report {args.report}: {exc}") from None
    except ProtocolNotCheckableError as exc:
        raise CliError(f"{args.file} cannot be checked: {exc}") from None


def _draft_reason(report: Report) -> str:
    if report.has_unwaived_errors:
        return "unwaived errors remain"
    return "applicable rule sets were left out of the check"
