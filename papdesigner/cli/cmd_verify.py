"""``papdesigner verify OUT.pdf [FILE]``: does every page show what the protocol produces?

With FILE, the PDF is re-created from the protocol and compared page by page; a
reviewer's annotations are listed and do not fail it. Without FILE, only the digests
recorded in the PDF are recomputed (integrity, not authenticity: the output says so).
Signatures are checked offline against ``--trust`` certificates.

Exit 0 when it holds (the verdict and notes on stdout), 1 with the reason on stderr
when the PDF was altered, carries no verification data, cannot be re-created, or the
protocol changed since export, 2 for bad input (no such file, not a PDF, not a protocol).
The compliance status the PDF states is re-checked: a check of the protocol with the
same rule sets must give it.
"""

from __future__ import annotations

import argparse

from papdesigner.cli.cmd_check import add_rules_dir_option, load_named_catalogue_or_fail
from papdesigner.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    load_or_fail,
    read_small_file,
    report_error,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` subcommand."""
    parser = subparsers.add_parser(
        "verify",
        help="check that every page of an exported PDF shows what the protocol produces",
        description="With FILE, re-create the PDF from the protocol and compare what every page "
        "shows; reviewer annotations are listed, not failed. Without FILE, recompute the digests "
        "recorded in the PDF (integrity only). Signatures are checked offline. "
        "Exit 0 when all holds, 1 when not, 2 for bad input.",
    )
    parser.add_argument("pdf", metavar="OUT.pdf", help="a PDF exported by papdesigner")
    parser.add_argument("file", metavar="FILE", nargs="?", help="the protocol file (*.pap.json)")
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CERT",
        help="a certificate (PEM or DER) whose signatures you trust (repeatable)",
    )
    parser.add_argument(
        "--template-dir",
        metavar="DIR",
        help="the template folder the PDF was exported with, if it was a custom one",
    )
    add_rules_dir_option(parser)
    parser.set_defaults(handler=run)


def _certificates(names: list[str]) -> list[bytes]:
    return [read_small_file(name, "--trust") for name in names]


def run(args: argparse.Namespace) -> int:
    """Verify and print the outcome."""
    from papdesigner.export import UnreadablePdfError, verify_pdf
    from papdesigner.export.verify import Recreation

    protocol = load_or_fail(args.file) if args.file else None
    catalogue = load_named_catalogue_or_fail(args.rules_dir) if protocol is not None else None
    trusted = _certificates(args.trust)
    recreation = Recreation(args.rules_dir, args.template_dir, catalogue)
    try:
        outcome = verify_pdf(
            args.pdf, protocol, recreation=recreation, trusted_certificates=trusted
        )
    except FileNotFoundError:
        raise CliError(f"{args.pdf}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{args.pdf}: is a folder, not a PDF") from None
    except PermissionError:
        raise CliError(f"{args.pdf}: permission denied") from None
    except UnreadablePdfError as exc:
        raise CliError(f"{args.pdf}: {exc}") from None
    except OSError as exc:
        raise CliError(f"{args.pdf}: cannot read ({exc.strerror or exc})") from None
    if not outcome.ok:
        return report_error(f"{args.pdf}: verification failed: {outcome.reason}", EXIT_FINDINGS)
    facts = f"{outcome.pages} pages, fingerprint {outcome.fingerprint}"
    print(f"{args.pdf}: OK: {outcome.reason} ({facts})")
    for note in outcome.notes:
        print(f"  {note}")
    return EXIT_OK
