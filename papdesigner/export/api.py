"""``export_pdf``: protocol (+ check report) to a verified-ready PDF file.

Pipeline: view (:mod:`.view`) -> jinja2 templates -> blocks (:mod:`.markup`) ->
flowables (:mod:`.layout`) -> one reportlab layout pass (:mod:`.document`) ->
PDF/A and the verification record (:mod:`.finish`) -> atomic write. Usable from the
GUI: ``progress(fraction, message)`` is called as the work advances and
``cancel()`` returning True stops it with :class:`ExportCancelled` (no file written).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.export.markup import TemplateError
from papdesigner.export.results import (
    Cancel,
    ExportError,
    ExportResult,
    Progress,
    RenderedPdf,
    Steps,
)
from papdesigner.model.protocol import Protocol

if TYPE_CHECKING:
    from papdesigner.export.finish import Record
    from papdesigner.export.statement import Statement
    from papdesigner.rules import Catalogue, Report


def _report_of(
    protocol: Protocol, report: Report | Mapping[str, Any] | None, catalogue: Catalogue
) -> Report:
    """The check report: a fresh check, or the one given if it is for this protocol."""
    from papdesigner.model.fileformat import fingerprint
    from papdesigner.rules import Report

    if report is None:
        from papdesigner.rules import check

        return check(protocol, catalogue=catalogue)
    if isinstance(report, Mapping):
        report = _parsed(report)
    elif not isinstance(report, Report):
        msg = f"report must be a rules Report or its JSON data, not {type(report).__name__}"
        raise TypeError(msg)
    recorded = report.protocol.fingerprint
    if recorded and recorded != fingerprint(protocol):
        msg = "the check report is for another version of this protocol; check it again"
        raise ExportError(msg)
    return report


def _parsed(data: Mapping[str, Any]) -> Report:
    """A report's JSON data as a :class:`Report`; ExportError naming the first bad key."""
    from pydantic import ValidationError

    from papdesigner.rules import Report

    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        msg = f"the check report cannot be read: {where}: {first['msg']}"
        raise ExportError(msg) from None


def _statement(protocol: Protocol, report: Report, catalogue: Catalogue) -> Statement:
    """What the PDF states about compliance, with the applicable sets the report left out."""
    from papdesigner.export.statement import applicable_left_out, statement_of

    checked = [r.id for r in report.rulesets]
    return statement_of(report, applicable_left_out(protocol, checked, catalogue))


def refuse_unprintable(protocol: Protocol) -> None:
    """Raise :class:`ExportError` before any work when the protocol has text in a script
    no embedded font prints (see :mod:`papdesigner.export.scripts`)."""
    from papdesigner.export.scripts import SUPPORTED_SCRIPTS, unsupported_text
    from papdesigner.model.fileformat import protocol_to_dict
    from papdesigner.model.jsonpath import format_path

    found = unsupported_text(protocol_to_dict(protocol))
    if found is not None:
        script, path = found
        msg = (
            f"{format_path(path)}: the PDF cannot print {script} text yet "
            f"(it prints {SUPPORTED_SCRIPTS}); write this text in a supported script"
        )
        raise ExportError(msg)


def render_pdf(
    protocol: Protocol,
    *,
    report: Report | Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    library_head: tuple[int, str] | None = None,
    today: dt.date | None = None,
    catalogue: Catalogue | None = None,
) -> RenderedPdf:
    """Build the PDF in memory; see :func:`export_pdf` for the arguments.

    ``today`` is the export date the PDF prints and records (default: today, UTC);
    ``verify`` passes the recorded date to re-create a PDF.
    """
    from papdesigner.export import pipeline
    from papdesigner.rules import default_catalogue

    refuse_unprintable(protocol)
    steps = Steps(progress, cancel)
    steps.step(0.0, "checking the protocol")
    catalogue = catalogue if catalogue is not None else default_catalogue()
    checked = _report_of(protocol, report, catalogue)
    statement = _statement(protocol, checked, catalogue)
    exported = today or dt.datetime.now(dt.UTC).date()
    view = pipeline.make_view(protocol, checked, exported, statement.left_out)
    steps.step(0.08, "writing the text")
    try:
        blocks = pipeline.make_blocks(protocol, view, template_dir)
    except TemplateError as exc:
        raise ExportError(str(exc)) from None
    record = _record(view.fingerprint, exported, statement, template_dir)
    if library_head is not None:
        from papdesigner.export.library_head import format_head

        record = dataclasses.replace(record, library_head=format_head(library_head))
    return pipeline.make_pdf(protocol, view, blocks, steps, record)


def _record(
    fingerprint: str,
    exported: dt.date,
    statement: Statement,
    template_dir: str | os.PathLike[str] | None,
) -> Record:
    """What verify needs: the compliance statement (which names the rule sets checked) and
    a custom template folder's digest."""
    from papdesigner.export.finish import Record
    from papdesigner.export.recipe import folder_digest, recipe_digest

    templates = folder_digest(template_dir) if template_dir is not None else None
    recreate: dict[str, object] = {"templates": templates}
    return Record(fingerprint, exported, recipe_digest(), recreate, compliance=statement.to_json())


def export_pdf(
    protocol: Protocol,
    out_path: str | os.PathLike[str],
    *,
    report: Report | Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    library_head: tuple[int, str] | None = None,
    catalogue: Catalogue | None = None,
) -> ExportResult:
    """Export ``protocol`` as a PDF protocol at ``out_path`` (written atomically).

    ``report`` is a :class:`papdesigner.rules.Report` or its JSON data; None runs
    the rule engine. A report that names another protocol fingerprint is refused.
    ``catalogue`` holds the rule sets (default: shipped and user sets); the PDF
    states which of them the report checked, and which applicable ones it left out
    (then the PDF is a DRAFT). ``template_dir`` holds user templates that override
    the built-in ones by name (e.g. ``pdf/s02_introduction.xml.j2``); the
    compliance appendix cannot be overridden. ``library_head``
    (``(version id, hash)``) is recorded in the PDF so that ``library verify --pdf``
    can later check the library against it (:mod:`.library_head`).
    Raises :class:`ExportError` (template problem, unwritable target) or
    :class:`ExportCancelled`.
    """
    from papdesigner.model.fileformat import write_bytes_atomic

    started = time.perf_counter()
    target = Path(out_path)
    if template_dir is not None and not Path(template_dir).is_dir():
        msg = f"template folder {template_dir} does not exist"
        raise ExportError(msg)
    rendered = render_pdf(
        protocol,
        report=report,
        progress=progress,
        cancel=cancel,
        template_dir=template_dir,
        library_head=library_head,
        catalogue=catalogue,
    )
    try:
        write_bytes_atomic(target, rendered.data)
    except OSError as exc:
        msg = f"cannot write {target}: {exc.strerror or exc}"
        raise ExportError(msg) from None
    if progress is not None:
        progress(1.0, "done")
    return ExportResult(
        target,
        rendered.pages,
        rendered.fingerprint,
        rendered.digest,
        rendered.draft,
        time.perf_counter() - started,
    )
