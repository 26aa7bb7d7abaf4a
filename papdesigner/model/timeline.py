"""Qt-free layout data for the session timeline and the trial schema.

The PDF export draws these with reportlab graphics and the GUI with Qt; both read
the same numbers from here, so the figure in the app and the figure an ethics
board reads never disagree.

Timeline layout
    * one **lane** per arm (a single "All participants" lane when the protocol
      has no arms); a session appears in every lane of an arm it applies to;
    * **x** positions are fractions of the plot width (0..1). The day axis is
      compressed: the distance between two consecutive session days grows with the
      logarithm of the gap (``2 + log2(gap)`` units), so a 180-day follow-up does
      not squash the treatment weeks; every session day is a tick, so the reader
      always sees the real day numbers. There is no study day 0, so day -1 to
      day 1 counts as a gap of one day;
    * markers of one lane that would overlap get increasing **stack** levels;
    * each session kind has a shape and a colour (:data:`KIND_STYLES`, an
      Okabe-Ito colour-blind-safe palette); dosing markers carry the dose of
      their lane's arm.

Usage from the GUI::

    from papdesigner.model.timeline import build_timeline, KIND_STYLES
    tl = build_timeline(protocol, min_separation=marker_px / plot_width_px)
    for m in tl.markers:
        style = KIND_STYLES[m.kind]   # style.shape, style.colour ("#RRGGBB")
        x_px = left + m.x * plot_width_px; lane_row = m.lane; level = m.stack
        label = " / ".join(d.text for d in m.doses)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from papdesigner.model.protocol import Administration, Protocol, Session
from papdesigner.model.vocab import label

SHAPES = ("square", "circle", "diamond", "triangle", "triangle_down", "cross")
"""Marker shapes a renderer must know how to draw."""


@dataclass(frozen=True)
class KindStyle:
    """How one session kind is drawn: a shape name from :data:`SHAPES` and a colour."""

    kind: str
    label: str
    shape: str
    colour: str


KIND_STYLES: dict[str, KindStyle] = {
    "screening": KindStyle("screening", "Screening", "square", "#7F7F7F"),
    "preparation": KindStyle("preparation", "Preparation", "circle", "#0072B2"),
    "dosing": KindStyle("dosing", "Dosing", "diamond", "#D55E00"),
    "integration": KindStyle("integration", "Integration", "triangle", "#009E73"),
    "follow_up": KindStyle("follow_up", "Follow-up", "triangle_down", "#CC79A7"),
    "other": KindStyle("other", "Other", "cross", "#E69F00"),
}


@dataclass(frozen=True)
class DoseLabel:
    """The dose one arm receives in one dosing session.

    ``text`` is complete (``"25 mg +12.5 mg at 1.5 h (optional)"``); ``short`` fits
    beside a marker (``"25 mg +12.5"``).
    """

    arm_id: str | None
    text: str
    short: str


@dataclass(frozen=True)
class Lane:
    """One horizontal band of the timeline: an arm, or every participant."""

    arm_id: str | None
    label: str


@dataclass(frozen=True)
class Marker:
    """One session drawn in one lane."""

    session_id: str
    kind: str
    title: str
    day: int
    window_days: int
    x: float
    lane: int
    stack: int
    doses: tuple[DoseLabel, ...]


@dataclass(frozen=True)
class Tick:
    """A labelled study day on the x axis."""

    day: int
    x: float


@dataclass(frozen=True)
class Timeline:
    """Everything a renderer needs; positions are independent of any unit or toolkit."""

    lanes: tuple[Lane, ...]
    markers: tuple[Marker, ...]
    ticks: tuple[Tick, ...]
    max_stack: int

    @property
    def empty(self) -> bool:
        """True when the protocol has no sessions to draw."""
        return not self.markers


def format_number(value: float) -> str:
    """Return a dose or duration without trailing zeros: 25 -> "25", 0.125 -> "0.125"."""
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}"


def format_dose(dose: float, unit: str) -> str:
    """Return a dose with its unit label, e.g. ``format_dose(100, "ug") == "100 µg"``."""
    return f"{format_number(dose)} {label(unit)}"


def is_placebo(admin: Administration, protocol: Protocol | None) -> bool:
    """True when the administration gives a placebo product (substance ``placebo``)."""
    product = protocol.product(admin.product_id) if protocol is not None else None
    return product is not None and product.substance == "placebo"


def dose_text(administrations: list[Administration], protocol: Protocol) -> str:
    """Describe one arm's administrations in a session: initial dose, then supplements.

    A placebo administration reads "placebo (matching 80 mg)": it is given, and it
    matches the active dose, but it delivers no drug.
    """
    several_products = len({a.product_id for a in administrations}) > 1
    parts = []
    for admin in sorted(administrations, key=lambda a: (a.at_hours, a.supplemental)):
        text = format_dose(admin.dose, admin.unit)
        if is_placebo(admin, protocol):
            text = f"placebo (matching {text})"
        elif several_products:
            product = protocol.product(admin.product_id)
            text += f" {product.name if product else admin.product_id}"
        if admin.at_hours > 0:
            text = f"{text} at {format_number(admin.at_hours)} h"
        if admin.supplemental:
            text = f"+{text}"
        if admin.optional:
            text += " (optional)"
        parts.append(text)
    return " ".join(parts) if parts else "no dose"


def dose_short(administrations: list[Administration], protocol: Protocol | None = None) -> str:
    """A compact dose label: the first dose with its unit, then ``+dose`` per later dose.

    Placebo administrations (known when ``protocol`` is given) read "placebo".
    """
    ordered = sorted(administrations, key=lambda a: (a.at_hours, a.supplemental))
    if not ordered:
        return "no dose"
    if all(is_placebo(a, protocol) for a in ordered):
        return "placebo"
    first, *later = ordered
    return " ".join(
        [format_dose(first.dose, first.unit), *(f"+{format_number(a.dose)}" for a in later)]
    )


def lanes_of(protocol: Protocol) -> tuple[Lane, ...]:
    """Return one lane per arm, or a single lane for every participant."""
    if not protocol.arms:
        return (Lane(None, "All participants"),)
    return tuple(Lane(arm.id, arm.label or arm.id) for arm in protocol.arms)


def day_positions(days: list[int]) -> dict[int, float]:
    """Map each distinct study day to x in 0..1 on the log-compressed axis."""
    distinct = sorted(set(days))
    if len(distinct) <= 1:
        return dict.fromkeys(distinct, 0.5)
    units = [0.0]
    for before, after in itertools.pairwise(distinct):
        gap = after - before - (1 if before < 0 < after else 0)
        units.append(units[-1] + 2 + math.log2(max(gap, 1)))
    return {day: unit / units[-1] for day, unit in zip(distinct, units, strict=True)}


def _in_lane(session: Session, lane: Lane) -> bool:
    return lane.arm_id is None or not session.arm_ids or lane.arm_id in session.arm_ids


def _doses(session: Session, lane: Lane, protocol: Protocol) -> tuple[DoseLabel, ...]:
    if session.dosing is None:
        return ()
    admins = [
        a for a in session.dosing.administrations if lane.arm_id is None or a.arm_id == lane.arm_id
    ]
    if lane.arm_id is not None:
        return (DoseLabel(lane.arm_id, dose_text(admins, protocol), dose_short(admins, protocol)),)
    by_arm: dict[str, list[Administration]] = {}
    for admin in admins:
        by_arm.setdefault(admin.arm_id, []).append(admin)
    if not by_arm:
        return (DoseLabel(None, "no dose", "no dose"),)
    return tuple(
        DoseLabel(arm, dose_text(group, protocol), dose_short(group, protocol))
        for arm, group in by_arm.items()
    )


def build_timeline(protocol: Protocol, *, min_separation: float = 0.025) -> Timeline:
    """Lay out every session of the protocol (see the module docstring for the rules).

    ``min_separation`` is the smallest x distance (fraction of the width) at which two
    markers in one lane do not overlap; closer markers are stacked.
    """
    lanes = lanes_of(protocol)
    positions = day_positions([s.day for s in protocol.sessions])
    ordered = sorted(protocol.sessions, key=lambda s: (s.day, s.id))
    markers: list[Marker] = []
    for lane_index, lane in enumerate(lanes):
        level_ends: list[float] = []
        for session in ordered:
            if not _in_lane(session, lane):
                continue
            x = positions[session.day]
            level = next(
                (i for i, end in enumerate(level_ends) if x - end >= min_separation),
                len(level_ends),
            )
            if level == len(level_ends):
                level_ends.append(x)
            level_ends[level] = x
            markers.append(
                Marker(
                    session.id,
                    session.kind,
                    session.title or label(session.kind),
                    session.day,
                    session.window_days,
                    x,
                    lane_index,
                    level,
                    _doses(session, lane, protocol),
                )
            )
    ticks = tuple(Tick(day, x) for day, x in sorted(positions.items()))
    max_stack = max((m.stack for m in markers), default=0)
    return Timeline(lanes, tuple(markers), ticks, max_stack)


# --- trial schema (arms x periods) ------------------------------------------------------------

PERIODS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("screening", "Screening", ("screening",)),
    ("preparation", "Preparation", ("preparation",)),
    ("treatment", "Treatment", ("dosing", "integration")),
    ("follow_up", "Follow-up", ("follow_up",)),
)
"""The periods of the schema figure, in time order, and the session kinds in each."""

_PERIOD_KINDS = {key: kinds for key, _, kinds in PERIODS}


@dataclass(frozen=True)
class Period:
    """A column of the schema: a phase of the trial and the study days it spans."""

    key: str
    label: str
    first_day: int
    last_day: int


@dataclass(frozen=True)
class ArmRow:
    """A row of the schema: one arm and, per period, the lines that describe it."""

    arm_id: str | None
    label: str
    role: str
    planned: int | None
    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Schema:
    """The design at a glance: periods across, arms down."""

    periods: tuple[Period, ...]
    arms: tuple[ArmRow, ...]
    randomised: bool
    sample_size: int | None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _cell(
    period_key: str, sessions: list[Session], lane: Lane, protocol: Protocol
) -> tuple[str, ...]:
    if not sessions:
        return ()
    if period_key != "treatment":
        noun = "session" if period_key == "preparation" else "visit"
        return (_count(len(sessions), noun),)
    lines = []
    for session in (s for s in sessions if s.kind == "dosing"):
        doses = " / ".join(d.text for d in _doses(session, lane, protocol))
        lines.append(f"Day {session.day}: {doses}")
    integration = sum(1 for s in sessions if s.kind == "integration")
    if integration:
        lines.append(_count(integration, "integration session"))
    return tuple(lines)


def _treatment_periods(protocol: Protocol, days: list[int]) -> list[Period]:
    """The treatment column, split into crossover periods when an arm switches product.

    A period is a run of dosing sessions in which every arm keeps its product (placebo
    counts as a product); integration sessions belong to the period they follow.
    """
    dosing = sorted(
        (s for s in protocol.sessions if s.dosing is not None and s.dosing.administrations),
        key=lambda s: s.day,
    )
    starts: list[int] = []
    previous: dict[str, str] = {}
    for session in dosing:
        assert session.dosing is not None
        current = {a.arm_id: a.product_id for a in session.dosing.administrations}
        switched = any(previous.get(arm) not in (None, product) for arm, product in current.items())
        if not starts or switched:
            starts.append(session.day)
        previous.update(current)
    if len(protocol.arms) < 2 or len(starts) < 2:
        return [Period("treatment", "Treatment", min(days), max(days))]
    bounds = [*starts[1:], max(days) + 1]
    periods = []
    for i, (start, end) in enumerate(zip(starts, bounds, strict=True), start=1):
        inside = [d for d in days if start <= d < end] or [start]
        periods.append(Period(f"treatment{i}", f"Period {i}", min(inside), max(inside)))
    return periods


def _sessions_of(period: Period, protocol: Protocol, first_dose: int | None) -> list[Session]:
    """Sessions drawn in a schema column (baseline: 'other' visits before the first dose)."""
    if period.key == "baseline":
        return [
            s
            for s in protocol.sessions
            if s.kind == "other" and first_dose is not None and s.day < first_dose
        ]
    if period.key.startswith("treatment"):
        return [
            s
            for s in protocol.sessions
            if s.kind in _PERIOD_KINDS["treatment"] and period.first_day <= s.day <= period.last_day
        ]
    return [s for s in protocol.sessions if s.kind in _PERIOD_KINDS[period.key]]


def build_schema(protocol: Protocol) -> Schema:
    """Summarise the design as periods (columns) by arms (rows) for the schema figure.

    Columns: screening, preparation, baseline (visits of kind "other" before the first
    dose), treatment (split into crossover periods when arms switch product), follow-up.
    """
    dose_days = [s.day for s in protocol.sessions if s.kind == "dosing"]
    first_dose = min(dose_days) if dose_days else None
    periods: list[Period] = []
    for key, period_label, kinds in PERIODS:
        days = [s.day for s in protocol.sessions if s.kind in kinds]
        if key == "treatment":
            baseline = [
                s.day
                for s in protocol.sessions
                if s.kind == "other" and first_dose is not None and s.day < first_dose
            ]
            if baseline:
                periods.append(Period("baseline", "Baseline", min(baseline), max(baseline)))
            if days:
                periods.extend(_treatment_periods(protocol, days))
            continue
        if days:
            periods.append(Period(key, period_label, min(days), max(days)))
    rows = []
    for lane in lanes_of(protocol):
        arm = protocol.arm(lane.arm_id) if lane.arm_id else None
        cells = tuple(
            _cell(
                "treatment" if p.key.startswith("treatment") else p.key,
                sorted(
                    (s for s in _sessions_of(p, protocol, first_dose) if _in_lane(s, lane)),
                    key=lambda s: s.day,
                ),
                lane,
                protocol,
            )
            for p in periods
        )
        rows.append(
            ArmRow(
                lane.arm_id,
                lane.label,
                label(arm.role) if arm else "",
                arm.planned_participants if arm else None,
                cells,
            )
        )
    randomised = len(protocol.arms) > 1 and protocol.blinding.allocation == "randomised"
    return Schema(tuple(periods), tuple(rows), randomised, protocol.statistics.sample_size)
