"""CDISC USDM 4.0 JSON -> protocol, with a report of what could not be mapped.

Our own exports come back without loss: the papdesigner extension attributes carry what USDM
has no class for. Other sponsors' studies map to arms, sessions (from encounters in the main
timeline), assessments (from activities), objectives and endpoints, eligibility criteria,
titles, identifiers, sponsor and investigator; every class of instance that is not mapped is
counted in the report, never dropped silently. A file that is not USDM 4, or whose values
have the wrong types or ids that name nothing, raises :class:`UsdmInputError` with its path.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from papdesigner.interop import import_parts as parts
from papdesigner.interop.extensions import URL_PREFIX
from papdesigner.interop.import_context import ImportContext, extension_object
from papdesigner.interop.import_schedule import sessions
from papdesigner.interop.usdm_read import Node, read_json_file, walk_instances
from papdesigner.model.integrity import check_integrity
from papdesigner.model.jsonpath import format_path
from papdesigner.model.migrations import MigrationError, migrate
from papdesigner.model.protocol import Protocol

PHASES = {
    "C15600": "1",
    "C15693": "1/2",
    "C15601": "2",
    "C15694": "2/3",
    "C15602": "3",
    "C15603": "4",
    "C48660": "n/a",
}
REGISTRY_TYPE = "C93453"
SPONSOR_ROLE, PI_ROLE = "C70793", "C19924"

MAPPED = {
    "Study", "StudyVersion", "InterventionalStudyDesign", "ObservationalStudyDesign", "StudyArm",
    "Encounter", "Activity", "ScheduleTimeline", "ScheduledActivityInstance", "Timing",
    "ScheduleTimelineExit", "StudyEpoch", "StudyCell", "StudyElement", "Objective", "Endpoint",
    "EligibilityCriterion", "EligibilityCriterionItem", "StudyDesignPopulation", "StudyTitle",
    "StudyIdentifier", "Organization", "StudySite", "Address", "StudyRole", "AssignedPerson",
    "PersonName", "StudyIntervention", "AdministrableProduct", "Administration", "Indication",
    "Code", "AliasCode", "Quantity", "Range", "Duration", "ExtensionAttribute", "GeographicScope",
    "GovernanceDate", "StudyDefinitionDocument", "StudyDefinitionDocumentVersion", "Masking",
}  # fmt: skip
"""Classes whose instances the import reads (or that only carry values of those it reads)."""


@dataclass(frozen=True)
class ImportResult:
    """The imported protocol and the report lines (what was not mapped, or mapped roughly)."""

    protocol: Protocol
    notes: list[str]
    own_export: bool


def read_usdm(path: str | Path) -> ImportResult:
    """Read and import a USDM file."""
    source = str(path)
    return import_usdm(read_json_file(path, source), source)


def import_usdm(data: Any, source: str = "<usdm>") -> ImportResult:
    """Import USDM JSON data (a ``Wrapper``); raise :class:`UsdmInputError` on bad input."""
    root = Node.root(data, source)
    if root.value.get("usdmVersion") is None:
        raise root.fail("not a USDM file: the wrapper has no 'usdmVersion'")
    version_text = root.required_text("usdmVersion")
    if not version_text.startswith("4."):
        raise root.fail(
            f"USDM version {version_text[:20]!r} is not supported (4.x expected)", "usdmVersion"
        )
    study = root.required_child("study")
    ctx = ImportContext(source)
    ctx.index(study)
    versions = study.children("versions")
    if not versions:
        raise study.fail("the study has no version", "versions")
    version = versions[0]
    designs = version.children("studyDesigns")
    if not designs:
        raise version.fail("the study version has no study design", "studyDesigns")
    design = designs[0]
    _note_extra(ctx, len(versions) - 1, "study versions")
    _note_extra(ctx, len(designs) - 1, "study designs")
    base, ext = extension_object(study, "protocol")
    own = ctx.own = ext is not study
    if own:
        base = _upgraded(base, ext)
    protocol = _assemble(base, (study, version, design), ctx, ext if own else None)
    _report_unmapped(study, design, ctx)
    return ImportResult(protocol, ctx.notes, own_export=own)


def _upgraded(base: dict[str, Any], ext: Node) -> dict[str, Any]:
    """The protocol extension of an export by an older papdesigner, upgraded to this schema."""
    try:
        return migrate(base)
    except MigrationError as exc:
        raise ext.fail(f"papdesigner protocol: {exc}", "valueString") from None


def _note_extra(ctx: ImportContext, count: int, what: str) -> None:
    if count > 0:
        ctx.note(f"only the first of {count + 1} {what} was imported")


def _assemble(
    base: dict[str, Any], nodes: tuple[Node, Node, Node], ctx: ImportContext, ext: Node | None
) -> Protocol:
    study, version, design = nodes
    data = dict(base)
    if study.text("id"):
        data.setdefault("id", study.text("id"))
    inclusion, exclusion = parts.criteria(design, ctx)
    eligibility = dict(data.get("eligibility") or {})
    eligibility.update(
        inclusion=[c.model_dump() for c in inclusion], exclusion=[c.model_dump() for c in exclusion]
    )
    if ext is None:
        _foreign_population(design, eligibility, data, ctx)
        data["indication"] = _indication(design)
        ctx.note(
            "context (regulatory framework) is not in USDM; set to the default, a US IND trial"
        )
    data["eligibility"] = eligibility
    data["metadata"] = _metadata(
        dict(data.get("metadata") or {}), study, version, design, ctx, own=ext is not None
    )
    lists: dict[str, list[Any]] = {
        "sites": parts.sites(version, ctx),
        "products": parts.products(version, ctx),
        "arms": parts.arms(design, ctx),
        "roles": parts.roles(version, ctx),
        "settings": parts.settings(design),
        "sessions": sessions(design, ctx),
        "objectives": parts.objectives(design, ctx),
    }
    for key, items in lists.items():
        data[key] = [item.model_dump() for item in items]
    return _validated(data, study, ext)


def _validated(data: dict[str, Any], study: Node, ext: Node | None) -> Protocol:
    where = ext if ext is not None else study
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        inner = format_path(p for p in first["loc"] if isinstance(p, str | int))
        raise where.fail(f"the imported protocol is not valid at {inner}: {first['msg']}") from None
    problems = check_integrity(protocol)
    if problems:
        first_problem = problems[0]
        inner = format_path(first_problem.path)
        raise where.fail(
            f"the imported protocol is inconsistent at {inner}: {first_problem.message}"
        )
    return protocol


def _blank_only(text: str) -> str:
    """The extension's value when the export left its title out for being blank, else ""."""
    return text if not text.strip() else ""


def _metadata(
    meta: dict[str, Any], study: Node, version: Node, design: Node, ctx: ImportContext, *, own: bool
) -> dict[str, Any]:
    titles = {t.decode("type"): t.text("text") for t in version.children("titles")}
    meta["title"] = titles.get("Official Study Title", meta.get("title", ""))
    for key, decode in (("short_title", "Brief Study Title"), ("acronym", "Study Acronym")):
        meta[key] = titles.get(decode, _blank_only(meta.get(key, "")))
    meta["version"] = version.text("versionIdentifier") or meta.get("version", "1.0")
    if own:
        return meta
    phase = design.code("studyPhase")
    meta["phase"] = PHASES.get(phase, "n/a")
    if phase not in PHASES:
        ctx.note(f"study phase {design.decode('studyPhase')!r} read as not applicable")
    sponsor_ids: set[str] = set()
    for role in version.children("roles"):
        code = role.code("code")
        if code == SPONSOR_ROLE:
            sponsor_ids.update(role.strings("organizationIds"))
            for organisation in ctx.resolve_all(role, "organizationIds")[:1]:
                meta["sponsor"] = {"name": organisation.text("label") or organisation.text("name")}
        elif code == PI_ROLE:
            for person in role.children("assignedPersons")[:1]:
                name = person.required_child("personName").text("text")
                meta["principal_investigator"] = {"name": name}
    meta["registrations"] = []
    for identifier in version.children("studyIdentifiers"):
        scope = ctx.resolve(identifier, "scopeId")
        if scope is None:
            continue
        if scope.id in sponsor_ids:
            meta["protocol_number"] = identifier.text("text")
        elif scope.code("type") == REGISTRY_TYPE:
            registry = scope.text("label") or scope.text("name")
            meta["registrations"].append(
                {"registry": registry, "identifier": identifier.text("text")}
            )
    return meta


def _foreign_population(
    design: Node, eligibility: dict[str, Any], data: dict[str, Any], ctx: ImportContext
) -> None:
    population = design.child("population")
    if population is None:
        return
    age = population.child("plannedAge")
    if age is not None:
        low, high = age.child("minValue"), age.child("maxValue")
        unit = low.decode("unit") if low is not None else ""
        if low is not None and high is not None and unit.lower().startswith("year"):
            eligibility["age_min"] = _whole(low.number("value"), 0, 120)
            eligibility["age_max"] = _whole(high.number("value"), 0, 120)
        elif unit:
            ctx.note(f"planned age in {unit!r} was not imported (years expected)")
    size = population.child("plannedEnrollmentNumber")
    if size is not None:
        value = size.number("value") if size.instance_type == "Quantity" else None
        if size.instance_type == "Range" and size.child("maxValue") is not None:
            value = size.required_child("maxValue").number("value")
        data["statistics"] = {"sample_size": _whole(value, 0, 10**9)}


def _whole(value: float | None, low: int, high: int) -> int | None:
    if value is None or not low <= value <= high:
        return None
    return int(value)


def _indication(design: Node) -> dict[str, Any]:
    names = [i.text("label") or i.text("name") for i in design.children("indications")]
    descriptions = [i.text("description") for i in design.children("indications")]
    text = "; ".join(n for n in [*names, *descriptions] if n)
    return {"condition": "other", "description": text}


def _report_unmapped(study: Node, design: Node, ctx: ImportContext) -> None:
    counts: Counter[str] = Counter(
        n.instance_type for n in walk_instances(study) if n.instance_type not in MAPPED
    )
    if counts:
        listed = ", ".join(
            f"{n} {cls}" for cls, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        ctx.note(f"not imported (papdesigner has no place for them): {listed}")
    timelines = design.children("scheduleTimelines")
    others = [t.text("name") for t in timelines if not t.flag("mainTimeline")]
    if others:
        ctx.note(f"only the main timeline was read; not imported: {', '.join(others)}")
    foreign = sum(
        1
        for n in walk_instances(study)
        if n.instance_type == "ExtensionAttribute" and not n.text("url").startswith(URL_PREFIX)
    )
    if foreign:
        ctx.note(f"{foreign} extension attributes of other systems were not imported")
