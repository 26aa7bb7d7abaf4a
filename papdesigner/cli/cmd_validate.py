"""``papdesigner validate FILE...``: check that protocol files are readable and consistent."""

from __future__ import annotations

import argparse

from papdesigner.cli.common import EXIT_OK, EXIT_USAGE, report_error
from papdesigner.model import ProtocolFileError, load_protocol


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help="check protocol files against the file format and cross-references",
        description="Exit 0 when every file is a valid protocol, 2 with one line per bad file.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="protocol files (*.pap.json)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate each file; report every bad one."""
    status = EXIT_OK
    for name in args.files:
        try:
            protocol = load_protocol(name)
        except ProtocolFileError as exc:
            status = report_error(str(exc), EXIT_USAGE)
            continue
        if not args.quiet:
            title = protocol.metadata.title or "(untitled)"
            print(f"{name}: valid protocol, schema {protocol.schema_version}: {title}")
    return status
