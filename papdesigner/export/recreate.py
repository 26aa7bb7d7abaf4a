"""Re-create an exported PDF from its protocol and compare what every page shows.

The export is deterministic: the same protocol, export date, rule sets, template
folder and build of papdesigner give the same pages. The PDF records the date, the
compliance statement (naming the rule sets checked), a digest of a custom template
folder and the build's recipe (:mod:`.finish`); this module re-checks the statement,
repeats the export with that same check and compares page by page. A recipe from
another build, or a rule set or template folder that is not at hand, is reported as
a failure that says so — never as a match.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from papdesigner.export.shown import Annotation, PageShown, list_annotations, shown_pages
from papdesigner.model.protocol import Protocol

if TYPE_CHECKING:
    from papdesigner.export.verify import Recorded, Recreation
    from papdesigner.rules import Catalogue, Report


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing a PDF with its re-creation.

    ``annotations`` are those the export itself makes (the links of the table of
    contents); anything else on the PDF was added after export.
    """

    ok: bool
    reason: str
    annotations: set[Annotation] = field(default_factory=set)
    notes: tuple[str, ...] = ()


def _cannot(why: str) -> Comparison:
    return Comparison(False, f"cannot be re-created to compare: {why}")


def _precondition(protocol: Protocol, recorded: Recorded, recreation: Recreation) -> str | None:
    from papdesigner.export.recipe import folder_digest, recipe_digest
    from papdesigner.export.verify import fingerprint_problem

    mismatch = fingerprint_problem(recorded.fingerprint, protocol)
    if mismatch is not None:
        return mismatch
    if recorded.exported is None:
        return "the PDF records no valid export date"
    if recorded.recipe != recipe_digest():
        return (
            "exported by a different build of papdesigner (its templates, rule sets or code "
            "differ from this one); verify it with the build that exported it, or export again"
        )
    templates = recorded.recreate.get("templates")
    if templates is not None:
        if recreation.template_dir is None:
            return "exported with a custom template folder; give the same folder (--template-dir)"
        if folder_digest(recreation.template_dir) != templates:
            return "the given template folder is not the one the PDF was exported with"
    return None


def _catalogue(recreation: Recreation) -> Catalogue:
    from papdesigner.rules import default_catalogue

    if recreation.catalogue is not None:
        return recreation.catalogue
    return default_catalogue(tuple(Path(d).resolve() for d in recreation.rules_dirs))


def _recheck(
    protocol: Protocol, recorded: Recorded, catalogue: Catalogue
) -> tuple[Comparison, Report | None]:
    """Re-check the compliance statement: the outcome (ok with a note saying what it
    covers) and the fresh check, which the re-creation prints."""
    from papdesigner.export.recheck import coverage_text, recheck_with_report
    from papdesigner.export.statement import statement_from_json

    if not recorded.compliance:
        return Comparison(False, "PDF was altered: it records no compliance statement"), None
    try:
        statement = statement_from_json(recorded.compliance)
    except ValueError as exc:
        return Comparison(False, f"PDF was altered: {exc}"), None
    problem, fresh = recheck_with_report(statement, protocol, catalogue)
    if problem is not None:
        return Comparison(False, f"PDF matches the protocol, but {problem}"), None
    return Comparison(True, "", notes=(coverage_text(statement),)), fresh


def compare_with_protocol(
    protocol: Protocol,
    recorded: Recorded,
    given: tuple[PageShown, ...],
    recreation: Recreation,
) -> Comparison:
    """Re-create the PDF of ``protocol`` as recorded and compare it with ``given``."""
    from papdesigner.export.api import render_pdf
    from papdesigner.export.pdfread import open_pdf
    from papdesigner.export.results import ExportError

    problem = _precondition(protocol, recorded, recreation)
    if problem is not None:
        return Comparison(False, problem) if "protocol changed" in problem else _cannot(problem)
    catalogue = _catalogue(recreation)
    stated, fresh = _recheck(protocol, recorded, catalogue)
    if not stated.ok or fresh is None:
        return stated
    try:
        again = render_pdf(
            protocol,
            report=fresh,
            template_dir=recreation.template_dir,
            today=recorded.exported,
            catalogue=catalogue,
        )
    except ExportError as exc:
        return _cannot(str(exc))
    with open_pdf(again.data) as pdf:
        expected = shown_pages(pdf)
        own_annotations = set(list_annotations(pdf))
    compared = _compare(given, expected, own_annotations)
    return dataclasses.replace(compared, notes=stated.notes) if compared.ok else compared


def _compare(
    given: tuple[PageShown, ...], expected: tuple[PageShown, ...], own: set[Annotation]
) -> Comparison:
    if len(given) != len(expected):
        return Comparison(
            False,
            f"PDF was altered: it has {len(given)} pages, the protocol produces {len(expected)}",
        )
    for number, (page, wanted) in enumerate(zip(given, expected, strict=True), start=1):
        if page.digest != wanted.digest:
            what = page.difference(wanted) or "its content"
            return Comparison(
                False,
                f"PDF was altered: page {number} does not show what this protocol produces "
                f"({what} differ)",
            )
    return Comparison(True, "", own)
