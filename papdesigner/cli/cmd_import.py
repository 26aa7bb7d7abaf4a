"""``papdesigner import STUDY.json -o OUT.pap.json``: a protocol from a CDISC USDM 4.0 file.

Exit 0 when the protocol was written (what could not be mapped is listed on stdout), 2 for a
bad or hostile file with one line naming the JSON path, and nothing written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from papdesigner.cli.common import EXIT_OK, CliError, check_output_path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = subparsers.add_parser(
        "import",
        help="make a protocol from a CDISC USDM 4.0 study file",
        description="Read a CDISC USDM 4.0 JSON file (papdesigner's own export, or another "
        "system's study) and write a protocol; print what could not be mapped.",
    )
    parser.add_argument("file", metavar="STUDY.json", help="USDM 4.0 JSON file")
    parser.add_argument(
        "-o", "--output", metavar="OUT.pap.json", help="protocol to write (default: STUDY.pap.json)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.set_defaults(handler=run)


def _output(args: argparse.Namespace) -> Path:
    if args.output:
        return Path(args.output)
    name = Path(args.file).name.removesuffix(".json").removesuffix(".usdm")
    return Path(args.file).with_name(f"{name}.pap.json")


def run(args: argparse.Namespace) -> int:
    """Import the file, write the protocol and report what was not mapped."""
    from papdesigner.interop.usdm_import import read_usdm
    from papdesigner.interop.usdm_read import UsdmInputError
    from papdesigner.model.fileformat import save_protocol

    out = _output(args)
    check_output_path(out, force=args.force, inputs=[args.file])
    try:
        result = read_usdm(args.file)
    except UsdmInputError as exc:
        raise CliError(str(exc)) from None
    try:
        save_protocol(result.protocol, out)
    except OSError as exc:
        raise CliError(f"{out}: cannot write ({exc.strerror or exc})") from None
    if not args.quiet:
        kind = "papdesigner export" if result.own_export else "USDM study"
        protocol = result.protocol
        print(
            f"{out}: protocol from a {kind}: {len(protocol.arms)} arms, "
            f"{len(protocol.sessions)} sessions, {len(protocol.objectives)} objectives"
        )
        if result.notes:
            print("Not mapped or mapped approximately:")
            for note in result.notes:
                print(f"- {note}")
    return EXIT_OK
