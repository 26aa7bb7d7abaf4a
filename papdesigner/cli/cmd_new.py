"""``papdesigner new --template NAME -o FILE``: start a protocol from a shipped example."""

from __future__ import annotations

import argparse
from pathlib import Path

from papdesigner.cli.common import CliError, check_output_path
from papdesigner.model import save_protocol
from papdesigner.model.templates import new_from_template, template_names


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``new`` subcommand."""
    parser = subparsers.add_parser(
        "new", help="create a protocol file from a shipped template (with a fresh id)"
    )
    parser.add_argument("--template", "-t", metavar="NAME", help="template name (see --list)")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write the new protocol")
    parser.add_argument("--list", action="store_true", help="list the templates and exit")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Copy the template to the output file."""
    if args.list:
        for name in template_names():
            print(name)
        return 0
    if not args.template or not args.output:
        raise CliError("new needs --template NAME and -o FILE (see 'papdesigner new --list')")
    try:
        protocol = new_from_template(args.template)
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    out = Path(args.output)
    check_output_path(out, force=args.force)
    save_protocol(protocol, out)
    print(f"{out}: new protocol from template {args.template!r}, id {protocol.id}")
    return 0
