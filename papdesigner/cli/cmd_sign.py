"""``papdesigner sign OUT.pdf --pkcs12 CERT.p12 -o SIGNED.pdf``: sign an exported PDF (PAdES).

The passphrase of the certificate file is read from ``--passphrase-file`` or the
``PAPDESIGNER_SIGN_PASSPHRASE`` environment variable, never from the command line
(it would show in the process list). Signing adds an incremental update: the pages
stay as exported, so ``verify`` still compares them with the protocol.

Exit 0 when the signed PDF was written, 2 for bad input (no such file, not a
papdesigner PDF, unreadable certificate, wrong passphrase, unwritable output).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from papdesigner.cli.common import EXIT_OK, CliError, check_output_path, read_small_file

PASSPHRASE_VARIABLE = "PAPDESIGNER_SIGN_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sign`` subcommand."""
    parser = subparsers.add_parser(
        "sign",
        help="sign an exported PDF with a sponsor's or investigator's certificate",
        description="Add a PAdES digital signature to a PDF exported by papdesigner, with the "
        f"key and certificate of a PKCS#12 file. The passphrase comes from --passphrase-file or "
        f"${PASSPHRASE_VARIABLE}. 'papdesigner verify --trust CERT' checks it offline.",
    )
    parser.add_argument("pdf", metavar="OUT.pdf", help="a PDF exported by papdesigner")
    parser.add_argument("--pkcs12", required=True, metavar="CERT.p12", help="key and certificate")
    parser.add_argument("--passphrase-file", metavar="FILE", help="file holding the passphrase")
    parser.add_argument(
        "-o", "--output", required=True, metavar="SIGNED.pdf", help="the signed PDF to write"
    )
    parser.add_argument(
        "--role",
        choices=("sponsor", "investigator"),
        default="sponsor",
        help="who signs: the statement recorded as the signature's reason",
    )
    parser.add_argument("--location", default="", help="where it is signed (optional)")
    parser.set_defaults(handler=run)


REASONS = {
    "sponsor": "Sponsor approval of this protocol version",
    "investigator": "Investigator agreement to conduct the trial according to this protocol",
}


def _passphrase(args: argparse.Namespace) -> bytes | None:
    if args.passphrase_file:
        return read_small_file(args.passphrase_file, "--passphrase-file").rstrip(b"\r\n")
    value = os.environ.get(PASSPHRASE_VARIABLE)
    return value.encode() if value else None


def run(args: argparse.Namespace) -> int:
    """Sign and say where the signed PDF went."""
    from papdesigner.export import UnreadablePdfError
    from papdesigner.export.pdfread import read_pdf_bytes
    from papdesigner.export.signing import SigningError, sign_pdf
    from papdesigner.model.fileformat import write_bytes_atomic

    out = Path(args.output)
    check_output_path(out, inputs=[args.pdf, args.pkcs12])
    try:
        data = read_pdf_bytes(Path(args.pdf))
    except FileNotFoundError:
        raise CliError(f"{args.pdf}: no such file") from None
    except (UnreadablePdfError, OSError) as exc:
        raise CliError(f"{args.pdf}: {exc}") from None
    if b"/PapdesignerVerification" not in data:
        raise CliError(f"{args.pdf}: not a PDF exported by papdesigner")
    pkcs12 = read_small_file(args.pkcs12, "--pkcs12")
    try:
        signed = sign_pdf(
            data, pkcs12, _passphrase(args), reason=REASONS[args.role], location=args.location
        )
    except SigningError as exc:
        raise CliError(f"--pkcs12 {args.pkcs12}: {exc}") from None
    try:
        write_bytes_atomic(out, signed)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"{out}: signed ({REASONS[args.role].lower()})")
    return EXIT_OK
