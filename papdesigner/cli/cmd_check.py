"""``papdesigner check FILE...``: check protocols against the rule sets and print the report.

Exit 0 when no file has an unwaived error, 1 when one does, 2 for bad input (a file
that is not a valid protocol, an unknown rule set, a missing rules folder), with
one line on stderr. With ``--format json`` one file prints the report object of
DESIGN.md section 4; several files print a JSON array of reports, each with a
``file`` key.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.cli.common import EXIT_FINDINGS, EXIT_OK, CliError, load_or_fail

if TYPE_CHECKING:
    from papdesigner.model.protocol import Protocol
    from papdesigner.rules import Catalogue, Report


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check",
        help="check protocols against the regulatory rule sets",
        description="Print the findings of every active rule set. Exit 0 when no unwaived "
        "error remains, 1 when one does, 2 for bad input.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="protocol files (*.pap.json)")
    parser.add_argument(
        "--ruleset",
        action="append",
        default=[],
        metavar="ID",
        help="check only this rule set (repeatable; still only when it applies)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="json: one report object (protocol, rulesets, findings, summary) for one file; "
        "for several files, an array of them, each with a 'file' key",
    )
    add_rules_dir_option(parser)
    parser.set_defaults(handler=run)


def add_rules_dir_option(parser: argparse.ArgumentParser) -> None:
    """The ``--rules-dir DIR`` option shared by ``check`` and ``rulesets``."""
    parser.add_argument(
        "--rules-dir",
        action="append",
        default=[],
        type=_folder_name,
        metavar="DIR",
        help="also load the rule sets (*.yaml) in this folder (repeatable)",
    )


def _folder_name(text: str) -> str:
    """An argparse type: a non-empty name (``Path("")`` would be the current folder)."""
    if not text.strip():
        msg = "needs a folder name"
        raise argparse.ArgumentTypeError(msg)
    return text


def load_catalogue_or_fail(rules_dirs: list[str]) -> Catalogue:
    """Load shipped, user and ``--rules-dir`` sets; a missing folder is bad input."""
    from papdesigner.rules import default_catalogue

    for directory in rules_dirs:
        if not Path(directory).is_dir():
            msg = f"--rules-dir {directory}: not a folder"
            raise CliError(msg)
    return default_catalogue(tuple(Path(d).resolve() for d in rules_dirs))


def load_named_catalogue_or_fail(rules_dirs: list[str]) -> Catalogue:
    """As :func:`load_catalogue_or_fail`, and a broken set in a ``--rules-dir`` is bad input."""
    catalogue = load_catalogue_or_fail(rules_dirs)
    _refuse_broken_explicit_sets(catalogue, rules_dirs)
    return catalogue


def _selected(catalogue: Catalogue, wanted: list[str]) -> list[str] | None:
    if not wanted:
        return None
    known = {s.id for s in catalogue.rulesets}
    unknown = [w for w in wanted if w.upper() not in known]
    if unknown:
        choices = ", ".join(sorted(known)) or "none"
        msg = f"unknown rule set {unknown[0]!r} (known: {choices})"
        raise CliError(msg)
    return [w.upper() for w in wanted]


def run(args: argparse.Namespace) -> int:
    """Check each file and print the reports."""
    from papdesigner.rules.textreport import Style, render_report

    catalogue = load_catalogue_or_fail(args.rules_dir)
    only = _selected(catalogue, args.ruleset)
    protocols = [(name, load_or_fail(name)) for name in args.files]
    _refuse_broken_explicit_sets(catalogue, args.rules_dir)  # before any warning: one line
    for problem in catalogue.problems:
        print(f"papdesigner: warning: rule set not loaded: {problem}", file=sys.stderr)
    reports = [(name, _checked(name, p, only, catalogue)) for name, p in protocols]
    if args.format == "json":
        print(json.dumps(_json(reports), indent=2, ensure_ascii=False))
    else:
        style = Style(ansi=_use_colour())
        print("\n".join(render_report(r, name, style) for name, r in reports), end="")
    failed = any(report.has_unwaived_errors for _, report in reports)
    return EXIT_FINDINGS if failed else EXIT_OK


def _refuse_broken_explicit_sets(catalogue: Catalogue, rules_dirs: list[str]) -> None:
    """A rule set the user named with ``--rules-dir`` that does not load is bad input.

    A check that silently skipped the institution's own rules would pass a CI gate
    it should fail; shipped or user-folder sets that break only warn (above).
    """
    folders = [Path(d).resolve() for d in rules_dirs]
    broken = [
        problem
        for problem in catalogue.problems
        if any(Path(problem.file).resolve().is_relative_to(folder) for folder in folders)
    ]
    if broken:
        count = f"{len(broken)} problem{'s' if len(broken) > 1 else ''}"
        msg = f"--rules-dir: {count} in the rule sets given (first: {broken[0]})"
        raise CliError(msg)


def _checked(name: str, protocol: Protocol, only: list[str] | None, catalogue: Catalogue) -> Report:
    """Check one protocol; a value the rule engine cannot hold is bad input, named."""
    from papdesigner.rules import check
    from papdesigner.rules.engine import ProtocolNotCheckableError

    try:
        return check(protocol, only, catalogue=catalogue)
    except ProtocolNotCheckableError as exc:
        raise CliError(f"{name} cannot be checked: {exc}") from None


def _json(reports: list[tuple[str, Report]]) -> Any:
    if len(reports) == 1:
        return reports[0][1].to_json_data()
    return [{"file": name, **report.to_json_data()} for name, report in reports]


def _use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )
