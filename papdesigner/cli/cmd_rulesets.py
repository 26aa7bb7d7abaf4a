"""``papdesigner rulesets list|show|test|schema``: inspect, test and describe rule sets.

``list`` prints every set (shipped, the user's, ``--rules-dir``) and every load
problem, and exits 1 when a set or rule could not be loaded. ``show ID`` prints one
set with its rules. ``test DIR`` runs the fixtures in DIR (``<RULE-ID>.yaml``, the
format of AUTHORING.md) so an institution can test its own rule sets. ``schema``
prints the JSON Schema of a rule-set file, for completion in an editor.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.cli.cmd_check import add_rules_dir_option, load_catalogue_or_fail
from papdesigner.cli.common import EXIT_FINDINGS, EXIT_OK, CliError

if TYPE_CHECKING:
    from papdesigner.rules import Catalogue, CompiledRuleSet


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``rulesets`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "rulesets", help="list, show or test rule sets", description=__doc__
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list every loaded rule set and load problem")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    add_rules_dir_option(listing)
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="show one rule set and its rules")
    show.add_argument("id", metavar="ID", help="rule set id, e.g. FDA-PSY (see 'rulesets list')")
    show.add_argument("--format", choices=("text", "json"), default="text")
    add_rules_dir_option(show)
    show.set_defaults(handler=run_show)
    test = actions.add_parser("test", help="run rule fixtures (<RULE-ID>.yaml) from a folder")
    test.add_argument("fixtures", metavar="DIR", help="folder of fixture files")
    test.add_argument(
        "--bases",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of base protocols, searched before the fixture folder and the shipped "
        "examples (repeatable)",
    )
    add_rules_dir_option(test)
    test.set_defaults(handler=run_test)
    schema = actions.add_parser(
        "schema", help="print the JSON Schema of a rule-set file (for editor completion)"
    )
    schema.set_defaults(handler=run_schema)


# --- list -----------------------------------------------------------------------------------


def _set_data(ruleset: CompiledRuleSet) -> dict[str, Any]:
    spec = ruleset.spec
    return {
        "id": spec.id,
        "title": spec.title,
        "version": spec.version,
        "authority": spec.authority,
        "source": spec.source.model_dump(),
        "applies_when": spec.applies_when,
        "applies_description": spec.applies_description,
        "origin": ruleset.origin,
        "file": ruleset.file,
        "rules": sum(1 for r in ruleset.rules if r.spec.status == "active"),
        "as_of": spec.as_of,
        "authority_kind": spec.authority_kind,
    }


def run_list(args: argparse.Namespace) -> int:
    """Print the loaded sets and the load problems."""
    catalogue = load_catalogue_or_fail(args.rules_dir)
    if args.format == "json":
        data = {
            "rulesets": [_set_data(s) for s in catalogue.rulesets],
            "problems": [_problem_data(p) for p in catalogue.problems],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_list(catalogue)
    return EXIT_FINDINGS if catalogue.problems else EXIT_OK


def _problem_data(problem: Any) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "rule_id": problem.rule_id,
        "message": problem.message,
    }


def _print_list(catalogue: Catalogue) -> None:
    rows = [("ID", "VERSION", "RULES", "ORIGIN", "AS OF", "SOURCE STATUS", "TITLE")]
    for s in catalogue.rulesets:
        d = _set_data(s)
        as_of = d["as_of"] or "not stated"
        status = s.spec.source.status
        rows.append(
            (d["id"], d["version"], str(d["rules"]), d["origin"], as_of, status, d["title"])
        )
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:6], widths, strict=True)]
        print("  ".join([*cells, row[6]]).rstrip())
    if catalogue.problems:
        print()
        print(f"Not loaded ({len(catalogue.problems)}):")
        for problem in catalogue.problems:
            print(f"  {problem}")


# --- show -----------------------------------------------------------------------------------


def run_show(args: argparse.Namespace) -> int:
    """Print one set and its rules."""
    catalogue = load_catalogue_or_fail(args.rules_dir)
    ruleset = catalogue.get(args.id)
    if ruleset is None:
        known = ", ".join(s.id for s in catalogue.rulesets) or "none"
        msg = f"unknown rule set {args.id!r} (known: {known})"
        raise CliError(msg)
    if args.format == "json":
        data = _set_data(ruleset)
        data["rules"] = [r.spec.model_dump(exclude_defaults=False) for r in ruleset.rules]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    _print_set(ruleset)
    return EXIT_OK


def _print_set(ruleset: CompiledRuleSet) -> None:
    spec = ruleset.spec
    print(f"{spec.id} {spec.version}: {spec.title}")
    print(f"  authority: {spec.authority} ({spec.authority_kind or 'kind not stated'})")
    print(f"  as of:     {spec.as_of or 'not stated'}")
    print(f"  source:    {spec.source.title} ({spec.source.date}; {spec.source.status})")
    if spec.source.url:
        print(f"             {spec.source.url}")
    if spec.source.note:
        print(f"  note:      {spec.source.note}")
    print(f"  applies to {spec.applies_description}")
    print(f"             when {spec.applies_when}")
    print(f"  file:      {ruleset.file} ({ruleset.origin})")
    for rule in ruleset.rules:
        r = rule.spec
        retired = " (retired)" if r.status == "retired" else ""
        print()
        print(f"{r.id} [{r.severity}, {r.provenance}]{retired} {r.title}")
        print(f"  citation:  {r.citation}")
        if r.provenance_note:
            print(f"  note:      {r.provenance_note}")
        print(f"  scope:     {r.scope or 'protocol'}{' at ' + r.at if r.at else ''}")
        if r.when:
            print(f"  when:      {r.when}")
        for clause in r.require:
            print(f"  require:   {clause}")
        print(f"  rationale: {r.rationale}")


# --- schema ---------------------------------------------------------------------------------


def run_schema(_args: argparse.Namespace) -> int:
    """Print the JSON Schema of the rule-set file format."""
    from papdesigner.rules.schema import RuleSetSpec

    print(json.dumps(RuleSetSpec.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


# --- test -----------------------------------------------------------------------------------


def run_test(args: argparse.Namespace) -> int:
    """Run every fixture file of a folder against the loaded sets."""
    from papdesigner.paths import resource
    from papdesigner.rules.fixtures import FixtureError, read_fixture_file, run_case

    folder = Path(args.fixtures)
    for directory, what in [(folder, ""), *((Path(b), "--bases ") for b in args.bases)]:
        if not directory.is_dir():
            msg = f"{what}{directory}: not a folder"
            raise CliError(msg)
    files = sorted(p for p in folder.glob("*.yaml") if p.is_file())
    if not files:
        msg = f"{folder}: no fixture files (<RULE-ID>.yaml) in this folder"
        raise CliError(msg)
    catalogue = load_catalogue_or_fail(args.rules_dir)
    bases = [*(Path(b) for b in args.bases), folder, resource("examples")]
    raw_cache: dict[Path, Any] = {}
    failed = 0
    for path in files:
        try:
            fixture = read_fixture_file(path)
        except FixtureError as exc:
            print(f"FAIL {path.name}: {exc}")
            failed += 1
            continue
        errors: list[str] = []
        for kind, cases in (("pass", fixture.pass_), ("fail", fixture.fail)):
            for index, case in enumerate(cases):
                result = run_case(
                    kind, case, fixture.rule, catalogue, base_folders=bases, raw_cache=raw_cache
                )
                errors.extend(
                    f"{kind}[{index}] {case.name or case.base}: {e}" for e in result.errors
                )
        if not fixture.pass_ or not fixture.fail:
            errors.append("needs at least one pass case and one fail case")
        print(f"{'FAIL' if errors else 'ok  '} {fixture.rule}")
        for error in errors:
            print(f"       {error}")
        failed += bool(errors)
    print(f"{len(files) - failed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else EXIT_OK
