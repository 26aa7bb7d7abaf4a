"""Encounters, activities and the main ``ScheduleTimeline`` of a USDM export.

Each session is an ``Encounter`` scheduled by a ``ScheduledActivityInstance`` in the main
timeline. The first session on or after study day 1 is the anchor (a "Fixed Reference"
timing); every other session is timed "Before" or "After" it in days (ISO 8601 ``P<n>D``)
with its visit window. Study days have no day 0 (day 1 follows day -1), as in CDISC.
Assessments are activities; dosing sessions also do "Administration of study intervention".
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from papdesigner.interop.builder import Instance, ddf, link_chain, sdtm
from papdesigner.model.protocol import Protocol, Session

if TYPE_CHECKING:
    from papdesigner.interop.usdm_export import ExportContext

DOSING_ACTIVITY = "Administration of study intervention"

CLINICS = {"clinical_research_unit", "outpatient_clinic"}
"""Setting location types that are a "Clinic" (C127262); other rooms get no coded setting."""


def epoch_key(kind: str) -> str:
    """The epoch a session kind falls into."""
    return {"screening": "screening", "follow_up": "follow_up"}.get(kind, "treatment")


def day_offset(day: int) -> int:
    """Days from study day 1 (day -1 is one day before day 1: there is no day 0)."""
    return day - 1 if day >= 1 else day


def chronological(protocol: Protocol) -> list[Session]:
    """The sessions by day (stable: sessions on one day keep the protocol's order)."""
    return sorted(protocol.sessions, key=lambda s: s.day)


def anchor_session(sessions: list[Session]) -> Session:
    """The session the timeline is anchored on: the first on or after day 1."""
    return next((s for s in sessions if s.day >= 1), sessions[0])


def schedule(ctx: ExportContext) -> tuple[list[Instance], list[Instance], list[Instance]]:
    """Return (encounters, activities, scheduleTimelines) of the study design."""
    protocol = ctx.protocol
    activities = _activities(ctx)
    encounters = {s.id: _encounter(ctx, s) for s in protocol.sessions}
    ordered = chronological(protocol)
    link_chain([encounters[s.id] for s in ordered])
    timelines = [_timeline(ctx, ordered, encounters)] if ordered else []
    return [encounters[s.id] for s in protocol.sessions], activities, timelines


def _activities(ctx: ExportContext) -> list[Instance]:
    b = ctx.builder
    names = list(dict.fromkeys(a for s in ctx.protocol.sessions for a in s.assessments))
    if any(s.dosing is not None and s.dosing.administrations for s in ctx.protocol.sessions):
        names.append(DOSING_ACTIVITY)
    activities = []
    for name in names:
        activity = b.make(
            "Activity",
            name=name,
            label=name,
            childIds=[],
            definedProcedures=[],
            biomedicalConceptIds=[],
            bcCategoryIds=[],
            bcSurrogateIds=[],
            notes=[],
        )
        ctx.ids[f"activity:{name}"] = activity["id"]
        activities.append(activity)
    link_chain(activities)
    return activities


def _encounter(ctx: ExportContext, session: Session) -> Instance:
    b = ctx.builder
    in_person = not session.remote
    setting = ctx.protocol.setting(session.setting_id)
    clinic = in_person and setting is not None and setting.location_type in CLINICS
    instance = b.make(
        "Encounter",
        name=session.id,
        label=session.title or None,
        description=session.description or None,
        type=b.code(ddf("Encounter.type", "Visit")),
        environmentalSettings=[b.code(sdtm("environmental_setting", "clinic"))] if clinic else [],
        contactModes=[b.code(sdtm("contact_mode", "in_person"))] if in_person else [],
        notes=[],
    )
    instance["extensionAttributes"].append(b.extension("session", session.model_dump(mode="json")))
    ctx.ids[f"session:{session.id}"] = instance["id"]
    return instance


def _timeline(
    ctx: ExportContext, ordered: list[Session], encounters: dict[str, Instance]
) -> Instance:
    b = ctx.builder
    timeline_id = b.new_id("ScheduleTimeline")
    exit_ = b.make("ScheduleTimelineExit")
    instances = [_instance(ctx, s, encounters[s.id]) for s in ordered]
    for current, following in itertools.pairwise(instances):
        current["defaultConditionId"] = following["id"]
    instances[-1]["timelineExitId"] = exit_["id"]
    for instance in instances:
        instance["instanceType"] = instance.pop("instanceType")
    anchor = anchor_session(ordered)
    anchor_instance = instances[ordered.index(anchor)]
    timings = []
    for session, instance in zip(ordered, instances, strict=True):
        timing = _timing(ctx, session, anchor, instance["id"], anchor_instance["id"])
        timings.append(timing)
        encounter = encounters[session.id]
        encounter["scheduledAtId"] = timing["id"]
        encounter["instanceType"] = encounter.pop("instanceType")
    span = day_offset(ordered[-1].day) - day_offset(ordered[0].day)
    duration = b.make(
        "Duration",
        text=f"{span} days from the first to the last session",
        quantity=b.quantity(span, sdtm("unit", "day")),
        durationWillVary=False,
    )
    return {
        "id": timeline_id,
        "extensionAttributes": [],
        "name": "main_timeline",
        "label": "Schedule of activities",
        "mainTimeline": True,
        "entryCondition": "",
        "entryId": instances[0]["id"],
        "exits": [exit_],
        "timings": timings,
        "instances": instances,
        "plannedDuration": duration,
        "instanceType": "ScheduleTimeline",
    }


def _instance(ctx: ExportContext, session: Session, encounter: Instance) -> Instance:
    names = list(session.assessments)
    if session.dosing is not None and session.dosing.administrations:
        names.append(DOSING_ACTIVITY)
    return ctx.builder.make(
        "ScheduledActivityInstance",
        name=session.id,
        label=f"Day {session.day}",
        epochId=ctx.ids[f"epoch:{epoch_key(session.kind)}"],
        activityIds=[ctx.ids[f"activity:{n}"] for n in dict.fromkeys(names)],
        encounterId=encounter["id"],
    )


def _timing(
    ctx: ExportContext, session: Session, anchor: Session, instance_id: str, anchor_id: str
) -> Instance:
    b = ctx.builder
    start_to_start = b.code(ddf("Timing.relativeToFrom", "Start to Start"))
    if session is anchor:
        return b.make(
            "Timing",
            name=f"{session.id}.timing",
            label=f"Day {session.day}",
            type=b.code(ddf("Timing.type", "Fixed Reference")),
            value="P0D",
            valueLabel=f"Day {session.day}",
            relativeToFrom=start_to_start,
            relativeFromScheduledInstanceId=instance_id,
        )
    delta = day_offset(session.day) - day_offset(anchor.day)
    window = session.window_days
    return b.make(
        "Timing",
        name=f"{session.id}.timing",
        label=f"Day {session.day}",
        type=b.code(ddf("Timing.type", "Before" if delta < 0 else "After")),
        value=f"P{abs(delta)}D",
        valueLabel=f"Day {session.day}",
        relativeToFrom=start_to_start,
        relativeFromScheduledInstanceId=instance_id,
        relativeToScheduledInstanceId=anchor_id,
        windowLower=f"P{window}D" if window else None,
        windowUpper=f"P{window}D" if window else None,
        windowLabel=f"±{window} days" if window else None,
    )
