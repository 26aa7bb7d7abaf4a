"""The twelve steps of the navigator: what each covers and when it counts as complete.

Qt-free on purpose: which step owns a JSON path (for jumps from a finding) and
how complete a step is are plain functions of the protocol and the findings,
tested without widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the navigator is drawn before the model is imported (fast start-up)
    from papdesigner.model.jsonpath import JsonPath
    from papdesigner.model.protocol import Protocol, Session

Status = Literal["done", "partial", "empty", "error"]


@dataclass(frozen=True)
class Check:
    """One thing a complete step has, e.g. "a protocol number"."""

    what: str
    holds: Callable[[Protocol], bool]


@dataclass(frozen=True)
class Step:
    """One step of the navigator."""

    key: str
    title: str
    roots: tuple[JsonPath, ...]
    m11: tuple[str, ...]
    """M11 sections whose narrative texts this step edits."""
    checks: tuple[Check, ...]


def _filled(text: str | None) -> bool:
    return bool(text and text.strip())


def _dosing(p: Protocol) -> list[Session]:
    return [s for s in p.sessions if s.kind == "dosing"]


STEPS: tuple[Step, ...] = (
    Step(
        "overview",
        "Overview",
        (("metadata",), ("context",), ("indication",)),
        ("1", "1.1", "1.2", "1.3", "2"),
        (
            Check("a title", lambda p: _filled(p.metadata.title)),
            Check("a protocol number", lambda p: _filled(p.metadata.protocol_number)),
            Check("a version date", lambda p: p.metadata.version_date is not None),
            Check("a sponsor", lambda p: _filled(p.metadata.sponsor.name)),
            Check(
                "a principal investigator",
                lambda p: _filled(p.metadata.principal_investigator.name),
            ),
            Check(
                "the indication",
                lambda p: p.indication.condition != "other" or _filled(p.indication.description),
            ),
        ),
    ),
    Step(
        "sites",
        "Sites & jurisdictions",
        (("sites",), ("regulatory",)),
        (),
        (Check("at least one site", lambda p: bool(p.sites)),),
    ),
    Step(
        "population",
        "Population",
        (("eligibility",), ("medications",)),
        ("5",),
        (
            Check("a minimum age", lambda p: p.eligibility.age_min is not None),
            Check("inclusion criteria", lambda p: bool(p.eligibility.inclusion)),
            Check("exclusion criteria", lambda p: bool(p.eligibility.exclusion)),
        ),
    ),
    Step(
        "interventions",
        "Interventions & dosing",
        (("products",), ("arms",)),
        ("4", "6"),
        (
            Check("an investigational product", lambda p: bool(p.products)),
            Check("at least one arm", lambda p: bool(p.arms)),
            Check(
                "a dose in every dosing session",
                lambda p: (
                    all(bool(s.dosing and s.dosing.administrations) for s in _dosing(p))
                    and bool(_dosing(p))
                ),
            ),
        ),
    ),
    Step(
        "team",
        "Team & roles",
        (("roles",),),
        (),
        (Check("at least one role", lambda p: bool(p.roles)),),
    ),
    Step(
        "setting",
        "Setting",
        (("settings",),),
        (),
        (
            Check("at least one setting", lambda p: bool(p.settings)),
            Check(
                "lighting, music and sensory reduction described",
                lambda p: (
                    bool(p.settings)
                    and all(
                        _filled(s.lighting) and _filled(s.music) and _filled(s.sensory_reduction)
                        for s in p.settings
                    )
                ),
            ),
        ),
    ),
    Step(
        "sessions",
        "Sessions & schedule",
        (("sessions",),),
        (),
        (
            Check(
                "a preparation session", lambda p: any(s.kind == "preparation" for s in p.sessions)
            ),
            Check("a dosing session", lambda p: bool(_dosing(p))),
            Check(
                "an integration session", lambda p: any(s.kind == "integration" for s in p.sessions)
            ),
            Check(
                "observation hours for every dosing session",
                lambda p: (
                    bool(_dosing(p))
                    and all(
                        s.dosing is not None and s.dosing.observation_hours is not None
                        for s in _dosing(p)
                    )
                ),
            ),
        ),
    ),
    Step(
        "psychotherapy",
        "Psychotherapy & integration",
        (("psychotherapy",), ("blinding",)),
        (),
        (
            Check("the therapy model", lambda p: _filled(p.psychotherapy.model)),
            Check("a manual reference", lambda p: _filled(p.psychotherapy.manual_reference)),
            Check(
                "the preparation protocol", lambda p: _filled(p.psychotherapy.preparation_protocol)
            ),
            Check(
                "the integration protocol", lambda p: _filled(p.psychotherapy.integration_protocol)
            ),
        ),
    ),
    Step(
        "safety",
        "Safety",
        (("safety",),),
        ("7", "9"),
        (
            Check("an adverse event plan", lambda p: _filled(p.safety.adverse_event_plan)),
            Check("an emergency plan", lambda p: _filled(p.safety.emergency_plan)),
            Check("a suicidality instrument", lambda p: _filled(p.safety.suicidality_instrument)),
            Check("stopping rules", lambda p: _filled(p.safety.stopping_rules)),
        ),
    ),
    Step(
        "outcomes",
        "Outcomes & statistics",
        (("objectives",), ("statistics",), ("follow_up",)),
        ("3", "8", "10"),
        (
            Check(
                "a primary objective with an endpoint",
                lambda p: any(o.level == "primary" and o.endpoints for o in p.objectives),
            ),
            Check("a sample size", lambda p: p.statistics.sample_size is not None),
            Check("the primary analysis", lambda p: _filled(p.statistics.primary_analysis)),
        ),
    ),
    Step(
        "ethics",
        "Ethics & consent",
        (("regulatory", "ethics"), ("consent",), ("documents",), ("waivers",)),
        ("11", "12", "13", "14"),
        (
            Check("the ethics committee", lambda p: _filled(p.regulatory.ethics.committee_name)),
            Check("the consent process", lambda p: _filled(p.consent.process)),
            Check("the consent form reference", lambda p: _filled(p.consent.form_reference)),
        ),
    ),
    Step("review", "Review & export", ((),), (), ()),
)

STEP_KEYS: tuple[str, ...] = tuple(step.key for step in STEPS)


def step(key: str) -> Step:
    """Return the step with this key."""
    return next(s for s in STEPS if s.key == key)


def edits_chapter(candidate: Step, section: str) -> bool:
    """True if the step edits the narrative of this M11 section ("6.2.1" is in chapter "6")."""
    return section.split(".", maxsplit=1)[0] in {m.split(".")[0] for m in candidate.m11}


def step_of_path(path: JsonPath, narrative_m11: dict[str, tuple[str, ...]] | None = None) -> str:
    """Return the key of the step that edits ``path`` (the deepest matching root wins).

    Narrative sections belong to the step of their first M11 section, given in
    ``narrative_m11`` (key -> M11 sections); everything unmatched is reviewed last.
    """
    if len(path) >= 2 and path[0] == "narrative" and narrative_m11:
        sections = narrative_m11.get(str(path[1]), ())
        for candidate in STEPS:
            if sections and edits_chapter(candidate, sections[0]):
                return candidate.key
    best, depth = "review", 0
    for candidate in STEPS:
        for root in candidate.roots:
            if root and path[: len(root)] == root and len(root) > depth:
                best, depth = candidate.key, len(root)
    return best


def finding_path(text: str | None) -> JsonPath:
    """Parse a finding's JSON path; a missing or malformed path means the whole protocol."""
    if not text:
        return ()
    from papdesigner.model.jsonpath import parse_path

    try:
        return parse_path(text)
    except ValueError:
        return ()


@dataclass(frozen=True)
class StepState:
    """How far one step is: its mark, what is missing, and its unwaived finding counts."""

    status: Status
    missing: tuple[str, ...]
    errors: int
    warnings: int


def step_states(
    protocol: Protocol,
    findings: Iterable[tuple[str, str, bool]],
    narrative_m11: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, StepState]:
    """Return every step's state from the protocol and ``(path, severity, waived)`` findings."""
    counts = {s.key: [0, 0] for s in STEPS}
    for path, severity, waived in findings:
        if waived or severity not in ("error", "warning"):
            continue
        key = step_of_path(finding_path(path), narrative_m11)
        counts[key][0 if severity == "error" else 1] += 1
    states: dict[str, StepState] = {}
    for candidate in STEPS:
        missing = tuple(c.what for c in candidate.checks if not c.holds(protocol))
        errors, warnings = counts[candidate.key]
        states[candidate.key] = StepState(
            _status(candidate, missing, errors), missing, errors, warnings
        )
    if states["review"].status != "error":
        others = [s for k, s in states.items() if k != "review"]
        done = all(s.status == "done" for s in others)
        states["review"] = StepState("done" if done else "partial", (), *counts["review"])
    return states


def _status(candidate: Step, missing: tuple[str, ...], errors: int) -> Status:
    if errors:
        return "error"
    if not missing:
        return "done"
    return "empty" if len(missing) == len(candidate.checks) else "partial"
