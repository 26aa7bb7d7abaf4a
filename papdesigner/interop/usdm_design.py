"""The ``InterventionalStudyDesign`` of a USDM export.

Arms, epochs (screening, treatment, follow-up by session kind), one element per arm and
epoch with the interventions given there, study cells, the indication, population and
eligibility criteria, objectives with endpoints, and settings (as extensions). Encounters and
the schedule timeline come from :mod:`papdesigner.interop.usdm_schedule`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papdesigner.interop.builder import Instance, ddf, link_chain, sdtm
from papdesigner.interop.usdm_parties import DESIGN_ID_KEY
from papdesigner.interop.usdm_schedule import epoch_key, schedule
from papdesigner.model.protocol import Arm, Criterion, Objective, Protocol
from papdesigner.model.vocab import label

if TYPE_CHECKING:
    from papdesigner.interop.usdm_export import ExportContext

EPOCHS = (
    ("screening", "Screening", "screening"),
    ("treatment", "Treatment", "treatment"),
    ("follow_up", "Follow-up", "follow_up"),
)
"""(key, label, epoch type term) in study order."""

ARM_TYPES = {
    "active_comparator": "active_comparator",
    "low_dose_comparator": "active_comparator",
    "placebo": "placebo",
    "active_placebo": "placebo",
    "waitlist": "no_intervention",
    "psychotherapy_only": "no_intervention",
}
"""Arm role -> SDTM arm type key; any other role is an investigational arm."""

LEVELS = {"primary": "Primary", "secondary": "Secondary", "exploratory": "Exploratory"}


def study_design(
    ctx: ExportContext, intervention_ids: list[str]
) -> tuple[Instance, list[Instance]]:
    """Return (the study design, the eligibility criterion items of the study version)."""
    b = ctx.builder
    protocol = ctx.protocol
    arms = [_arm(ctx, arm) for arm in protocol.arms]
    epochs = _epochs(ctx)
    elements, cells = _elements_and_cells(ctx, epochs)
    criteria, items = _criteria(ctx)
    encounters, activities, timelines = schedule(ctx)
    design: Instance = {
        "id": ctx.ids[DESIGN_ID_KEY],
        "extensionAttributes": [
            b.extension("setting", s.model_dump(mode="json")) for s in protocol.settings
        ],
        "name": "study_design",
        "label": protocol.metadata.short_title or None,
        "studyType": b.code(sdtm("study_type", "interventional")),
        "studyPhase": b.alias(sdtm("phase", protocol.metadata.phase)),
        "therapeuticAreas": [],
        "characteristics": _characteristics(ctx),
        "encounters": encounters,
        "activities": activities,
        "arms": arms,
        "studyCells": cells,
        "rationale": protocol.narrative.get("trial_design_rationale", ""),
        "epochs": epochs,
        "elements": elements,
        "estimands": [],
        "indications": [_indication(ctx)],
        "studyInterventionIds": intervention_ids,
        "objectives": [_objective(ctx, o) for o in protocol.objectives],
        "population": _population(ctx, [c["id"] for c in criteria]),
        "scheduleTimelines": timelines,
        "biospecimenRetentions": [],
        "documentVersionIds": [],
        "eligibilityCriteria": criteria,
        "analysisPopulations": [],
        "notes": [],
        "subTypes": [],
        "model": b.code(sdtm("model", "parallel" if len(protocol.arms) > 1 else "single_group")),
        "intentTypes": [],
        "blindingSchema": b.alias(sdtm("blinding", _blinding(protocol))),
        "instanceType": "InterventionalStudyDesign",
    }
    return {k: v for k, v in design.items() if v is not None}, items


def _blinding(protocol: Protocol) -> str:
    blinding = protocol.blinding
    others = blinding.therapists or blinding.outcome_assessors
    if blinding.participants and others:
        return "double"
    return "single" if blinding.participants or others else "open"


def _characteristics(ctx: ExportContext) -> list[Instance]:
    b = ctx.builder
    sites = ctx.protocol.sites
    found = []
    if sites:
        found.append("Single-Centre" if len(sites) == 1 else "Multicentre")
        countries = {s.country for s in sites}
        found.append("Single Country" if len(countries) == 1 else "Multiple Countries")
    return [b.code(ddf("StudyDesign.characteristics", decode)) for decode in found]


def _arm(ctx: ExportContext, arm: Arm) -> Instance:
    b = ctx.builder
    instance = b.make(
        "StudyArm",
        name=arm.id,
        label=arm.label,
        description=arm.description or None,
        type=b.code(sdtm("arm_type", ARM_TYPES.get(arm.role, "investigational"))),
        dataOriginDescription="Data collected in this study",
        dataOriginType=b.code(ddf("StudyArm.dataOriginType", "Data Generated Within Study")),
        populationIds=[],
        notes=[],
    )
    instance["extensionAttributes"].append(b.extension("arm", arm.model_dump(mode="json")))
    ctx.ids[f"arm:{arm.id}"] = instance["id"]
    return instance


def used_epochs(protocol: Protocol) -> list[tuple[str, str, str]]:
    """The epochs the sessions fall into, in study order (treatment when there are none)."""
    keys = {epoch_key(s.kind) for s in protocol.sessions}
    return [e for e in EPOCHS if e[0] in keys] or [EPOCHS[1]]


def _epochs(ctx: ExportContext) -> list[Instance]:
    b = ctx.builder
    epochs = []
    for key, text, term in used_epochs(ctx.protocol):
        epoch = b.make(
            "StudyEpoch", name=key, label=text, type=b.code(sdtm("epoch_type", term)), notes=[]
        )
        ctx.ids[f"epoch:{key}"] = epoch["id"]
        epochs.append(epoch)
    link_chain(epochs)
    return epochs


def _elements_and_cells(
    ctx: ExportContext, epochs: list[Instance]
) -> tuple[list[Instance], list[Instance]]:
    b = ctx.builder
    protocol = ctx.protocol
    elements, cells = [], []
    for arm in protocol.arms:
        for epoch in epochs:
            given = {
                adm.product_id
                for s in protocol.sessions
                if s.dosing is not None and epoch_key(s.kind) == epoch["name"]
                for adm in s.dosing.administrations
                if adm.arm_id == arm.id
            }
            element = b.make(
                "StudyElement",
                name=f"{arm.id}.{epoch['name']}",
                label=f"{arm.label}, {epoch['label'].lower()}",
                studyInterventionIds=[
                    ctx.ids[f"intervention:{p.id}"] for p in protocol.products if p.id in given
                ],
                notes=[],
            )
            elements.append(element)
            cells.append(
                b.make(
                    "StudyCell",
                    armId=ctx.ids[f"arm:{arm.id}"],
                    epochId=epoch["id"],
                    elementIds=[element["id"]],
                )
            )
    return elements, cells


def _indication(ctx: ExportContext) -> Instance:
    indication = ctx.protocol.indication
    return ctx.builder.make(
        "Indication",
        name=indication.condition,
        label=label(indication.condition),
        description=indication.description or None,
        codes=[],
        isRareDisease=False,
        notes=[],
    )


def _criteria(ctx: ExportContext) -> tuple[list[Instance], list[Instance]]:
    eligibility = ctx.protocol.eligibility
    pairs = [_criterion(ctx, c, "inclusion") for c in eligibility.inclusion]
    pairs += [_criterion(ctx, c, "exclusion") for c in eligibility.exclusion]
    criteria = [criterion for criterion, _ in pairs]
    link_chain(criteria)
    return criteria, [item for _, item in pairs]


def _criterion(
    ctx: ExportContext, criterion: Criterion, category: str
) -> tuple[Instance, Instance]:
    b = ctx.builder
    item = b.make("EligibilityCriterionItem", name=criterion.id, text=criterion.text, notes=[])
    instance = b.make(
        "EligibilityCriterion",
        name=criterion.id,
        category=b.code(sdtm("criterion_category", category)),
        identifier=criterion.id,
        criterionItemId=item["id"],
        notes=[],
    )
    extra = {"code": criterion.code, "justification": criterion.justification}
    instance["extensionAttributes"].append(b.extension("criterion", extra))
    return instance, item


def _objective(ctx: ExportContext, objective: Objective) -> Instance:
    b = ctx.builder
    level = LEVELS[objective.level]
    endpoints = []
    for endpoint in objective.endpoints:
        instance = b.make(
            "Endpoint",
            name=endpoint.id,
            text=endpoint.text,
            notes=[],
            purpose="",
            level=b.code(ddf("Endpoint.level", f"{level} Endpoint")),
        )
        extra = {"instrument": endpoint.instrument, "timepoint_week": endpoint.timepoint_week}
        instance["extensionAttributes"].append(b.extension("endpoint", extra))
        endpoints.append(instance)
    return b.make(
        "Objective",
        name=objective.id,
        text=objective.text,
        notes=[],
        level=b.code(ddf("Objective.level", f"{level} Objective")),
        endpoints=endpoints,
    )


def _population(ctx: ExportContext, criterion_ids: list[str]) -> Instance:
    b = ctx.builder
    eligibility = ctx.protocol.eligibility
    size = ctx.protocol.statistics.sample_size
    age = None
    if eligibility.age_min is not None and eligibility.age_max is not None:
        year = sdtm("unit", "year")
        age = b.make(
            "Range",
            minValue=b.quantity(eligibility.age_min, year),
            maxValue=b.quantity(eligibility.age_max, year),
            isApproximate=False,
        )
    return b.make(
        "StudyDesignPopulation",
        name="population",
        label="Study population",
        includesHealthySubjects=False,
        plannedEnrollmentNumber=b.quantity(size) if size is not None else None,
        plannedSex=[],
        criterionIds=criterion_ids,
        plannedAge=age,
        notes=[],
        cohorts=[],
    )
