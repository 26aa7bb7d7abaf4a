"""Sessions from USDM encounters: study days from the main timeline's timings.

The anchor (a "Fixed Reference" timing) is study day 1; every other scheduled activity
instance is placed by following its timing ("Before"/"After" an instance whose day is known,
ISO 8601 durations). An instance with no timing takes the day of the instance before it in
the timeline. Days after the anchor count from 1, days before it from -1 (no day 0).
An encounter carrying papdesigner's session extension is taken from the extension.
"""

from __future__ import annotations

import math
import re
from typing import Any

from papdesigner.interop.import_context import ImportContext, extension_model
from papdesigner.interop.usdm_read import Node
from papdesigner.model.protocol import Session

_DURATION = re.compile(
    r"^P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<MO>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<D>\d+(?:\.\d+)?)D)?(?:T(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<MI>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)
_DAYS_PER = {
    "Y": 365.0,
    "MO": 30.0,
    "W": 7.0,
    "D": 1.0,
    "H": 1 / 24,
    "MI": 1 / 1440,
    "S": 1 / 86400,
}
MAX_DAYS = 100 * 365

EPOCH_KINDS = {"C202487": "screening", "C202578": "follow_up"}
"""Epoch type code -> session kind; other epochs give sessions of kind "other"."""

IN_PERSON = "C175574"


def duration_days(text: str) -> float | None:
    """Days in an ISO 8601 duration (``P2W`` -> 14), None when it is not one."""
    match = _DURATION.match(text.strip())
    if match is None or text.strip() in {"P", "PT"}:
        return None
    days = sum(float(v) * _DAYS_PER[k] for k, v in match.groupdict().items() if v is not None)
    return days if days <= MAX_DAYS else None


def main_timeline(design: Node) -> Node | None:
    """The design's main schedule timeline (the first one when none is marked main)."""
    timelines = design.children("scheduleTimelines")
    return next(
        (t for t in timelines if t.flag("mainTimeline")), timelines[0] if timelines else None
    )


def _timing_offsets(timeline: Node, ctx: ImportContext) -> dict[str, float]:
    """Days from the anchor of every instance a timing places."""
    links: list[tuple[str, str, float]] = []
    offsets: dict[str, float] = {}
    for timing in timeline.children("timings"):
        source = timing.text("relativeFromScheduledInstanceId")
        target = timing.text("relativeToScheduledInstanceId") or source
        kind = timing.decode("type").lower()
        value = duration_days(timing.text("value"))
        if value is None:
            ctx.note(
                f"timing {timing.text('name')!r}: value {timing.text('value')!r} "
                "is not an ISO 8601 duration; not used"
            )
            continue
        if timing.decode("relativeToFrom") not in {"", "Start to Start"}:
            ctx.note("timings relative to the end of an instance were read as start to start")
        if "fixed" in kind:
            offsets.setdefault(source, 0.0)
        else:
            links.append((source, target, -value if "before" in kind else value))
    # place every instance reachable from an anchor, each link followed once (linear time)
    by_target: dict[str, list[tuple[str, float]]] = {}
    for source, target, delta in links:
        by_target.setdefault(target, []).append((source, delta))
    queue = list(offsets)
    while queue:
        target = queue.pop()
        for source, delta in by_target.pop(target, []):
            if source not in offsets:
                offsets[source] = offsets[target] + delta
                queue.append(source)
    return offsets


def _ordered_instances(timeline: Node) -> list[Node]:
    """The timeline's activity instances in order: from the entry along default conditions."""
    instances = {n.id: n for n in timeline.children("instances")}
    order: list[Node] = []
    seen: set[str] = set()
    current = instances.get(timeline.text("entryId"))
    while current is not None and current.id not in seen:
        order.append(current)
        seen.add(current.id)
        current = instances.get(current.text("defaultConditionId"))
    order += [n for key, n in instances.items() if key not in seen]
    return order


def study_day(offset: float) -> int:
    """Study day of a number of days from the anchor (day 1); no day 0."""
    whole = math.floor(offset)
    return whole + 1 if whole >= 0 else whole


def sessions(design: Node, ctx: ImportContext) -> list[Session]:
    """The sessions of the study design, in the order of its encounters."""
    timeline = main_timeline(design)
    placed: dict[str, dict[str, Any]] = {}
    if timeline is not None:
        placed = _placements(timeline, ctx)
    result = []
    unscheduled = []
    for encounter in design.children("encounters"):
        session = extension_model(encounter, "session", Session)
        if session is not None:
            ctx.reserve("session", session.id)
            result.append(session.model_copy(update=_standard(encounter)))
            continue
        place = placed.get(encounter.id)
        if place is None:
            unscheduled.append(encounter.text("label") or encounter.text("name"))
            continue
        result.append(_foreign_session(encounter, place, ctx))
    if unscheduled:
        ctx.note(
            f"{len(unscheduled)} encounters are not in the main timeline and were not imported "
            f"as sessions: {', '.join(unscheduled[:5])}{' …' if len(unscheduled) > 5 else ''}"
        )
    return result


def _standard(encounter: Node) -> dict[str, Any]:
    """Session fields USDM carries itself (they win over the extension's copy)."""
    return {"title": encounter.text("label"), "description": encounter.text("description")}


def _placements(timeline: Node, ctx: ImportContext) -> dict[str, dict[str, Any]]:
    """Encounter id -> day, window, epoch kind and assessments of its first instance."""
    offsets = _timing_offsets(timeline, ctx)
    windows = _windows(timeline)
    placed: dict[str, dict[str, Any]] = {}
    last = 0.0
    guessed = 0
    for instance in _ordered_instances(timeline):
        if instance.instance_type != "ScheduledActivityInstance":
            continue
        if instance.id in offsets:
            last = offsets[instance.id]
        else:
            guessed += 1
        encounter = ctx.resolve(instance, "encounterId")
        activities = ctx.resolve_all(instance, "activityIds")
        if encounter is None:
            continue
        place = placed.setdefault(
            encounter.id,
            {
                "day": study_day(last),
                "window": windows.get(instance.id, 0),
                "kind": _kind(instance, ctx),
                "assessments": [],
            },
        )
        for activity in activities:
            name = activity.text("label") or activity.text("name")
            if name and name not in place["assessments"]:
                place["assessments"].append(name)
    if guessed:
        ctx.note(
            f"{guessed} scheduled instances have no timing; "
            "each was placed on the day of the instance before it"
        )
    return placed


def _windows(timeline: Node) -> dict[str, int]:
    windows = {}
    for timing in timeline.children("timings"):
        days = [duration_days(timing.text(k)) for k in ("windowLower", "windowUpper")]
        known = [d for d in days if d is not None]
        if known:
            windows[timing.text("relativeFromScheduledInstanceId")] = math.ceil(max(known))
    return windows


def _kind(instance: Node, ctx: ImportContext) -> str:
    epoch = ctx.resolve(instance, "epochId")
    if epoch is None:
        return "other"
    return EPOCH_KINDS.get(epoch.code("type"), "other")


def _foreign_session(encounter: Node, place: dict[str, Any], ctx: ImportContext) -> Session:
    modes = [m.text("code") for m in encounter.children("contactModes")]
    return Session(
        id=ctx.identifier("session", encounter.text("name"), encounter.id),
        kind=place["kind"],
        title=encounter.text("label") or encounter.text("name"),
        day=place["day"],
        window_days=place["window"],
        assessments=place["assessments"],
        description=encounter.text("description"),
        remote=bool(modes) and IN_PERSON not in modes,
    )
