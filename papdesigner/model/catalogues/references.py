"""How a protocol uses the catalogues: unknown references, and jurisdictions with their groups."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from papdesigner.model.catalogues.loading import (
    criteria,
    instruments,
    jurisdictions,
    medication_classes,
    narrative_sections,
)
from papdesigner.model.integrity import IntegrityProblem
from papdesigner.model.jsonpath import PathPart
from papdesigner.model.protocol import Protocol


def expand_jurisdictions(codes: Iterable[str]) -> list[str]:
    """Return the codes with their countries and groups added, sorted.

    ``["US-OR"]`` gives ``["US", "US-OR"]``; ``["DE"]`` gives ``["DE", "EEA", "EU"]``.
    Codes the catalogue does not know are kept as they are.
    """
    catalogue = jurisdictions()
    result: set[str] = set()
    for code in codes:
        result.add(code)
        entry = catalogue.get(code)
        while entry is not None:
            result.update(entry.groups)
            result.add(entry.code)
            entry = catalogue.get(entry.parent) if entry.parent else None
    return sorted(result)


def unknown_references(protocol: Protocol) -> list[IntegrityProblem]:
    """Return every value of the protocol that should name a catalogue entry but does not.

    Covers instruments (session assessments, endpoints, suicidality instrument),
    criterion codes, medication classes, site jurisdictions and narrative keys. An
    instrument alias (``"HAM-D"``) is reported with the catalogue id to use instead.
    """
    return [
        *_instrument_refs(protocol),
        *_criterion_refs(protocol),
        *_medication_refs(protocol),
        *_site_refs(protocol),
        *_narrative_refs(protocol),
    ]


def _instrument_problem(name: str, path: tuple[PathPart, ...]) -> Iterator[IntegrityProblem]:
    catalogue = instruments()
    if name in catalogue:
        return
    entry = catalogue.resolve(name)
    if entry is not None:
        yield IntegrityProblem(path, f"instrument {name!r} is an alias: use {entry.id!r}")
    else:
        yield IntegrityProblem(path, f"unknown instrument {name!r} (not in the catalogue)")


def _instrument_refs(p: Protocol) -> Iterator[IntegrityProblem]:
    for i, session in enumerate(p.sessions):
        for j, name in enumerate(session.assessments):
            yield from _instrument_problem(name, ("sessions", i, "assessments", j))
    for i, objective in enumerate(p.objectives):
        for j, endpoint in enumerate(objective.endpoints):
            if endpoint.instrument is not None:
                where: tuple[PathPart, ...] = ("objectives", i, "endpoints", j, "instrument")
                yield from _instrument_problem(endpoint.instrument, where)
    if p.safety.suicidality_instrument is not None:
        yield from _instrument_problem(
            p.safety.suicidality_instrument, ("safety", "suicidality_instrument")
        )


def _criterion_refs(p: Protocol) -> Iterator[IntegrityProblem]:
    codes = criteria()
    for name in ("inclusion", "exclusion"):
        for i, criterion in enumerate(getattr(p.eligibility, name)):
            if criterion.code is not None and criterion.code not in codes:
                yield IntegrityProblem(
                    ("eligibility", name, i, "code"), f"unknown criterion code {criterion.code!r}"
                )


def _medication_refs(p: Protocol) -> Iterator[IntegrityProblem]:
    classes = medication_classes()
    for i, washout in enumerate(p.medications.washouts):
        if washout.medication_class not in classes:
            yield _unknown_class(washout.medication_class, ("washouts", i, "medication_class"))
    for field in ("prohibited", "rescue"):
        for i, name in enumerate(getattr(p.medications, field)):
            if name not in classes:
                yield _unknown_class(name, (field, i))


def _unknown_class(name: str, where: tuple[PathPart, ...]) -> IntegrityProblem:
    message = f"unknown medication class {name!r} (not in the catalogue)"
    return IntegrityProblem(("medications", *where), message)


def _site_refs(p: Protocol) -> Iterator[IntegrityProblem]:
    known = jurisdictions()
    for i, site in enumerate(p.sites):
        if site.country not in known:
            yield IntegrityProblem(("sites", i, "country"), f"unknown country {site.country!r}")
        if site.region is not None:
            entry = known.get(site.region)
            if entry is None:
                yield IntegrityProblem(("sites", i, "region"), f"unknown region {site.region!r}")
            elif entry.parent != site.country:
                yield IntegrityProblem(
                    ("sites", i, "region"), f"region {site.region} is not in {site.country}"
                )


def _narrative_refs(p: Protocol) -> Iterator[IntegrityProblem]:
    sections = narrative_sections()
    for key in p.narrative:
        if key not in sections:
            yield IntegrityProblem(
                ("narrative", key), f"narrative section {key!r} is not in the catalogue"
            )
