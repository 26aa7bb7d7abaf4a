"""``papdesigner verify OUT.pdf [FILE]``: is the PDF intact, and was it exported from FILE?

Exit 0 when it is (one line on stdout), 1 with the reason on stderr when the PDF
was altered, carries no verification data, the protocol changed since export, or
the compliance status the PDF states is not what a check of the protocol with the
same rule sets gives, 2 for bad input (no such file, not a PDF, not a protocol).
"""

from __future__ import annotations

import argparse

from papdesigner.cli.cmd_check import add_rules_dir_option, load_named_catalogue_or_fail
from papdesigner.cli.common import EXIT_FINDINGS, EXIT_OK, CliError, load_or_fail, report_error


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` subcommand."""
    parser = subparsers.add_parser(
        "verify",
        help="check that an exported PDF is intact and matches a protocol file",
        description="Recompute the digests recorded in an exported PDF and, with FILE, "
        "compare the protocol's fingerprint and re-check the compliance status the PDF "
        "states. Exit 0 when all match, 1 when not, 2 for bad input.",
    )
    parser.add_argument("pdf", metavar="OUT.pdf", help="a PDF exported by papdesigner")
    parser.add_argument("file", metavar="FILE", nargs="?", help="the protocol file (*.pap.json)")
    add_rules_dir_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Verify and print the outcome."""
    from papdesigner.export import UnreadablePdfError, verify_pdf
    from papdesigner.export.verify import PdfTooLargeError

    protocol = load_or_fail(args.file) if args.file else None
    catalogue = load_named_catalogue_or_fail(args.rules_dir) if protocol is not None else None
    try:
        outcome = verify_pdf(args.pdf, protocol, catalogue=catalogue)
    except FileNotFoundError:
        raise CliError(f"{args.pdf}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{args.pdf}: is a folder, not a PDF") from None
    except PermissionError:
        raise CliError(f"{args.pdf}: permission denied") from None
    except (UnreadablePdfError, PdfTooLargeError) as exc:
        raise CliError(f"{args.pdf}: {exc}") from None
    except OSError as exc:
        raise CliError(f"{args.pdf}: cannot read ({exc.strerror or exc})") from None
    if not outcome.ok:
        return report_error(f"{args.pdf}: verification failed: {outcome.reason}", EXIT_FINDINGS)
    print(
        f"{args.pdf}: OK: {outcome.reason} ({outcome.pages} pages, fingerprint "
        f"{outcome.fingerprint})"
    )
    return EXIT_OK
