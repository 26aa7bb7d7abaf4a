"""``papdesigner export FILE --format usdm|registration``: the non-PDF exports.

``cmd_export`` dispatches here on ``--format``. USDM is written as JSON; the registration data
set as Markdown text, or as JSON when the output name ends in ``.json``. Amendment records come
from the library (``--library``) when given.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.cli.common import EXIT_OK, CliError, check_output_path, load_or_fail

if TYPE_CHECKING:
    from papdesigner.diff.amendment import AmendmentRecord
    from papdesigner.model import Protocol

FORMATS = ("pdf", "usdm", "registration")
SUFFIXES = {"usdm": ".usdm.json", "registration": ".registration.md"}
PDF_ONLY = (("template_dir", "--template-dir"), ("report", "--report"), ("ruleset", "--ruleset"))


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--format`` and ``--library`` to the export command."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="pdf",
        help="pdf (default): the protocol document; usdm: CDISC USDM 4.0.0 JSON; "
        "registration: the WHO Trial Registration Data Set and a ClinicalTrials.gov-style record",
    )
    parser.add_argument(
        "--library",
        metavar="LIBRARY",
        help="USDM only: add the amendment records saved with this protocol's library versions",
    )


def output_path(args: argparse.Namespace) -> Path:
    """The file to write: ``-o``, else FILE with the format's suffix."""
    if args.output:
        return Path(args.output)
    name = Path(args.file).name.removesuffix(".json").removesuffix(".pap")
    return Path(args.file).with_name(name + SUFFIXES[args.format])


def run(args: argparse.Namespace) -> int:
    """Write the USDM or registration export of FILE."""
    for attribute, flag in PDF_ONLY:
        if getattr(args, attribute, None):
            raise CliError(f"{flag} applies to the PDF export only (not --format {args.format})")
    if args.library and args.format != "usdm":
        raise CliError("--library applies to --format usdm only")
    protocol = load_or_fail(args.file)
    out = output_path(args)
    check_output_path(out, inputs=[args.file])
    if args.format == "usdm":
        from papdesigner.interop.usdm_export import usdm_json

        records = _amendments(args.library, protocol) if args.library else []
        text = usdm_json(protocol, records)
        summary = f"USDM 4.0.0 with {len(records)} amendments"
    else:
        text, summary = _registration(protocol, out)
    _write(out, text)
    if not args.quiet:
        print(f"{out}: {summary}")
    return EXIT_OK


def _registration(protocol: Protocol, out: Path) -> tuple[str, str]:
    from papdesigner.interop.registration import registration_json, registration_markdown, who_items

    items = who_items(protocol)
    missing = sum(1 for item in items if item.missing)
    text = registration_json(protocol) if out.suffix == ".json" else registration_markdown(protocol)
    return (
        text,
        f"WHO Trial Registration Data Set, {len(items) - missing} of {len(items)} items filled",
    )


def _amendments(library: str, protocol: Protocol) -> list[AmendmentRecord]:
    """The amendment records saved with the protocol's versions in the library, oldest first."""
    from pydantic import ValidationError

    from papdesigner.diff.amendment import AmendmentRecord
    from papdesigner.store import Library, LibraryError

    try:
        with Library.open(library, readonly=True, create=False) as lib:
            versions = lib.history(protocol.id)
    except LibraryError as exc:
        raise CliError(f"--library {library}: {exc}") from None
    records = []
    for info in versions:
        if info.amendment is None:
            continue
        try:
            records.append(AmendmentRecord.model_validate(info.amendment))
        except ValidationError as exc:
            first: Any = exc.errors(include_url=False)[0]
            raise CliError(
                f"--library {library}: the amendment record of version {info.number} "
                f"is not valid ({first['msg']})"
            ) from None
    return records


def _write(out: Path, text: str) -> None:
    from papdesigner.model.fileformat import write_text_atomic

    try:
        write_text_atomic(out, text)
    except OSError as exc:
        raise CliError(f"{out}: cannot write ({exc.strerror or exc})") from None
