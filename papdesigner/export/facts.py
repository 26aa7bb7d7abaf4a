"""Design facts computed from the protocol, and the sentences the PDF builds from them.

Every generated sentence of the exported protocol that states a design fact
(randomised or not, who is blinded, crossover periods, when follow-up happens
relative to the last dosing session) is written here from the data, so that one
test can render it for mutated protocols and check it against the model. A fact
the protocol does not give is said to be unspecified; nothing is inferred from
titles or free text.
"""

from __future__ import annotations

from dataclasses import dataclass

from papdesigner.model.protocol import Arm, Protocol, Session
from papdesigner.model.timeline import format_number, is_placebo
from papdesigner.model.vocab import label

COMPARATOR_ROLES = frozenset(
    {"placebo", "active_placebo", "active_comparator", "low_dose_comparator"}
)


def week_of_day(day: int) -> float:
    """The week after day 1 that a study day falls in (day 8 is week 1, day 365 week 52)."""
    return (day - 1) / 7 if day > 0 else day / 7


def day_of_week(week: float) -> float:
    """The study day of a week counted from day 1 (week 1 is day 8)."""
    return week * 7 + 1


def join_words(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class Period:
    """A run of an arm's dosing sessions that give the same product."""

    first_day: int
    last_day: int
    product: str
    placebo: bool

    @property
    def days(self) -> str:
        """``day 1`` or ``days 1 to 29``."""
        if self.first_day == self.last_day:
            return f"day {self.first_day}"
        return f"days {self.first_day} to {self.last_day}"


@dataclass(frozen=True)
class ArmPlan:
    """An arm's products over its dosing sessions, in periods."""

    arm: Arm
    periods: tuple[Period, ...]

    @property
    def receives_placebo(self) -> bool:
        """True when the arm gets a placebo product in some dosing session."""
        return any(p.placebo for p in self.periods)


def _receives(periods: tuple[Period, ...]) -> str:
    """What a comparator arm is given, as a clause: placebo throughout, or each period in order."""
    if not any(p.placebo for p in periods):
        return ""
    if all(p.placebo for p in periods):
        return ", which receives placebo"
    steps = [f"{'placebo' if p.placebo else p.product} on {p.days}" for p in periods]
    return ", which receives " + ", then ".join(steps)


@dataclass(frozen=True)
class DesignFacts:
    """The design as data says it, with the sentences that describe it."""

    protocol: Protocol
    plans: tuple[ArmPlan, ...]
    first_dosing_day: int | None
    last_dosing_day: int | None
    last_day: int | None

    # --- facts -------------------------------------------------------------------------------

    @property
    def arm_count(self) -> int:
        """Number of arms (a protocol without arms has one group)."""
        return len(self.protocol.arms)

    @property
    def allocation(self) -> str:
        """``randomised``, ``non_randomised`` or ``unspecified`` (from blinding.allocation)."""
        return self.protocol.blinding.allocation

    @property
    def crossover(self) -> bool:
        """True when some arm switches product between dosing periods (and there are 2+ arms)."""
        return self.arm_count >= 2 and any(len(p.periods) > 1 for p in self.plans)

    @property
    def blinded(self) -> tuple[str, ...]:
        """Who is blinded, as words, in a fixed order."""
        b = self.protocol.blinding
        who = (
            ("participants", b.participants),
            ("therapists", b.therapists),
            ("outcome assessors", b.outcome_assessors),
        )
        return tuple(name for name, flag in who if flag)

    @property
    def comparators(self) -> tuple[Arm, ...]:
        """Arms whose role is a comparator (placebo, active placebo, active or low dose)."""
        return tuple(a for a in self.protocol.arms if a.role in COMPARATOR_ROLES)

    @property
    def placebo_arms(self) -> tuple[Arm, ...]:
        """Arms that receive a placebo product in at least one dosing session."""
        return tuple(p.arm for p in self.plans if p.receives_placebo)

    # --- sentences ---------------------------------------------------------------------------

    def structure_sentence(self) -> str:
        """Arms, structure and allocation in one sentence."""
        n = self.arm_count
        if n <= 1:
            return "All participants follow the same schedule (a single group)."
        shape = "a crossover design" if self.crossover else "parallel groups"
        return f"The trial has {n} arms in {shape}. {self.allocation_sentence()}"

    def allocation_sentence(self) -> str:
        """How participants reach an arm (M11 6.7.1)."""
        n = self.arm_count
        if n <= 1:
            return "All participants receive the same intervention; there is no assignment to arms."
        if self.allocation == "randomised":
            planned = [a.planned_participants for a in self.protocol.arms]
            ratio = ""
            if all(x is not None for x in planned):
                ratio = " (planned numbers " + ":".join(str(x) for x in planned) + ")"
            return f"Participants are randomised to the {n} arms{ratio}."
        if self.allocation == "non_randomised":
            return (
                f"Participants are not randomised: each is assigned to one of the {n} arms "
                "without randomisation."
            )
        return "This protocol does not specify how participants are assigned to the arms."

    def blinding_sentence(self) -> str:
        """Who is blinded, or that no one is."""
        who = list(self.blinded)
        if not who:
            return "No one is blinded to the assigned intervention (open label)."
        verb = "is" if len(who) == 1 else "are"
        return f"{join_words(who).capitalize()} {verb} blinded to the assigned intervention."

    def control_sentence(self) -> str:
        """Which arms are comparators and whether they receive placebo."""
        comps = self.comparators
        if not comps:
            if self.arm_count <= 1:
                return "There is no control group."
            return "No arm is a comparator (every arm is experimental or therapy only)."
        plans = {plan.arm.id: plan for plan in self.plans}
        parts = []
        for arm in comps:
            text = f"{arm.label or arm.id} ({label(arm.role).lower()})"
            plan = plans.get(arm.id)
            parts.append(text + (_receives(plan.periods) if plan else ""))
        return f"Comparator arm{'s' if len(parts) > 1 else ''}: {'; '.join(parts)}."

    def period_sentences(self) -> tuple[str, ...]:
        """For a crossover, each arm's periods in order."""
        if not self.crossover:
            return ()
        out = []
        for plan in self.plans:
            steps = [
                f"period {i} ({p.days}): {'placebo' if p.placebo else p.product}"
                for i, p in enumerate(plan.periods, start=1)
            ]
            out.append(f"{plan.arm.label or plan.arm.id}: {'; '.join(steps)}.")
        return tuple(out)

    def follow_up_sentences(self) -> tuple[str, ...]:
        """Follow-up time points relative to day 1 and to the last dosing session."""
        fu = self.protocol.follow_up
        out: list[str] = []
        points = sorted(fu.timepoints_weeks)
        if points:
            weeks = join_words([format_number(w) for w in points])
            out.append(
                f"Follow-up assessments are planned at week {weeks}, counted from day 1 "
                "(the first day of treatment)."
            )
        last = self.last_dosing_day
        if last is not None:
            out.append(
                f"The last dosing session is on day {last} "
                f"(week {format_number(round(week_of_day(last), 1))})."
            )
            before = [w for w in points if day_of_week(w) < last]
            if before:
                verb = "falls" if len(before) == 1 else "fall"
                out.append(
                    f"The assessment{'s' if len(before) > 1 else ''} at week "
                    f"{join_words([format_number(w) for w in before])} {verb} before the last "
                    "dosing session, within the treatment period."
                )
            if self.last_day is not None and self.last_day > last:
                after = round((self.last_day - last) / 7, 1)
                out.append(
                    f"The last planned contact is on day {self.last_day}, "
                    f"{format_number(after)} weeks after the last dosing session."
                )
        if fu.duration_weeks is not None:
            out.append(
                "The protocol records a follow-up duration of "
                f"{format_number(fu.duration_weeks)} weeks."
            )
        return tuple(out)


def _product_name(protocol: Protocol, product_id: str) -> str:
    product = protocol.product(product_id)
    if product is None:
        return product_id
    return product.name or label(product.substance)


def _arm_plan(protocol: Protocol, arm: Arm, dosing: list[Session]) -> ArmPlan:
    periods: list[Period] = []
    for s in dosing:
        if s.arm_ids and arm.id not in s.arm_ids:
            continue
        assert s.dosing is not None
        admins = [a for a in s.dosing.administrations if a.arm_id == arm.id]
        if not admins:
            continue
        placebo = all(is_placebo(a, protocol) for a in admins)
        key = admins[0].product_id
        name = _product_name(protocol, key)
        last = periods[-1] if periods else None
        if last is not None and last.placebo == placebo and (placebo or last.product == name):
            periods[-1] = Period(last.first_day, s.day, last.product, placebo)
        else:
            periods.append(Period(s.day, s.day, name, placebo))
    return ArmPlan(arm, tuple(periods))


def design_facts(protocol: Protocol) -> DesignFacts:
    """Compute the design facts of ``protocol``."""
    dosing = sorted(
        (s for s in protocol.sessions if s.dosing is not None and s.dosing.administrations),
        key=lambda s: (s.day, s.id),
    )
    days = [s.day for s in dosing]
    all_days = [s.day for s in protocol.sessions]
    return DesignFacts(
        protocol=protocol,
        plans=tuple(_arm_plan(protocol, a, dosing) for a in protocol.arms),
        first_dosing_day=min(days) if days else None,
        last_dosing_day=max(days) if days else None,
        last_day=max(all_days) if all_days else None,
    )
