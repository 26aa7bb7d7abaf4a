"""Cross-reference integrity of a protocol: ids unique, references resolvable, days sane.

Pydantic checks each part on its own; this module checks how the parts fit
together. Each problem names the JSON path of the offending value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from papdesigner.model.jsonpath import PathPart, format_path, parse_path
from papdesigner.model.protocol import Protocol, Session


@dataclass(frozen=True)
class IntegrityProblem:
    """One broken link or inconsistency, with the JSON path where it is."""

    path: tuple[PathPart, ...]
    message: str

    @property
    def json_path(self) -> str:
        """The path in ``$.a[0].b`` spelling."""
        return format_path(self.path)

    def __str__(self) -> str:
        return f"{self.json_path}: {self.message}"


def check_integrity(protocol: Protocol) -> list[IntegrityProblem]:
    """Return every integrity problem of the protocol, in document order (empty when sound)."""
    return [
        *_duplicate_ids(protocol),
        *_setting_links(protocol),
        *_session_problems(protocol),
        *_criteria_ids(protocol),
        *_objective_ids(protocol),
        *_waiver_paths(protocol),
    ]


def _duplicates(items: Sequence[object], field: tuple[PathPart, ...]) -> Iterator[IntegrityProblem]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_id = str(getattr(item, "id", ""))
        if item_id in seen:
            yield IntegrityProblem((*field, index, "id"), f"duplicate id {item_id!r}")
        seen.add(item_id)


def _duplicate_ids(p: Protocol) -> Iterator[IntegrityProblem]:
    for name in ("sites", "products", "arms", "roles", "settings", "sessions", "objectives"):
        yield from _duplicates(getattr(p, name), (name,))


def _setting_links(p: Protocol) -> Iterator[IntegrityProblem]:
    site_ids = {s.id for s in p.sites}
    for index, setting in enumerate(p.settings):
        if setting.site_id is not None and setting.site_id not in site_ids:
            yield IntegrityProblem(
                ("settings", index, "site_id"), f"unknown site {setting.site_id!r}"
            )


@dataclass(frozen=True)
class _Ids:
    """The ids sessions refer to, as sets: one look-up per reference (no sessions x roles)."""

    arms: set[str]
    settings: set[str]
    roles: set[str]
    products: set[str]


def _session_problems(p: Protocol) -> Iterator[IntegrityProblem]:
    ids = _Ids(
        arms={a.id for a in p.arms},
        settings={s.id for s in p.settings},
        roles={r.id for r in p.roles},
        products={x.id for x in p.products},
    )
    for index, session in enumerate(p.sessions):
        base: tuple[PathPart, ...] = ("sessions", index)
        yield from _session_links(ids, session, base)
        yield from _session_shape(session, base)


def _session_links(
    ids: _Ids, session: Session, base: tuple[PathPart, ...]
) -> Iterator[IntegrityProblem]:
    arm_ids = ids.arms
    for j, arm_id in enumerate(session.arm_ids):
        if arm_id not in arm_ids:
            yield IntegrityProblem((*base, "arm_ids", j), f"unknown arm {arm_id!r}")
    if session.setting_id is not None and session.setting_id not in ids.settings:
        yield IntegrityProblem((*base, "setting_id"), f"unknown setting {session.setting_id!r}")
    for j, staff in enumerate(session.staff):
        if staff.role_id not in ids.roles:
            yield IntegrityProblem(
                (*base, "staff", j, "role_id"), f"unknown role {staff.role_id!r}"
            )
    if session.dosing is None:
        return
    by = session.dosing.administered_by
    if by is not None and by not in ids.roles:
        yield IntegrityProblem((*base, "dosing", "administered_by"), f"unknown role {by!r}")
    for j, admin in enumerate(session.dosing.administrations):
        where = (*base, "dosing", "administrations", j)
        if admin.arm_id not in arm_ids:
            yield IntegrityProblem((*where, "arm_id"), f"unknown arm {admin.arm_id!r}")
        elif session.arm_ids and admin.arm_id not in session.arm_ids:
            yield IntegrityProblem(
                (*where, "arm_id"), f"arm {admin.arm_id!r} does not attend this session"
            )
        if admin.product_id not in ids.products:
            yield IntegrityProblem((*where, "product_id"), f"unknown product {admin.product_id!r}")


def _session_shape(session: Session, base: tuple[PathPart, ...]) -> Iterator[IntegrityProblem]:
    if session.day == 0:
        yield IntegrityProblem((*base, "day"), "there is no study day 0 (day 1 follows day -1)")
    if session.kind == "screening" and session.day > 0:
        yield IntegrityProblem((*base, "day"), "screening must come before day 1 (a negative day)")
    if session.kind in ("dosing", "integration", "follow_up") and session.day < 1:
        yield IntegrityProblem(
            (*base, "day"), f"a {session.kind.replace('_', '-')} session cannot precede day 1"
        )
    if session.kind == "dosing" and session.dosing is None:
        yield IntegrityProblem((*base, "dosing"), "a dosing session needs its dosing details")
    if session.kind != "dosing" and session.dosing is not None:
        yield IntegrityProblem((*base, "dosing"), f"a {session.kind} session cannot have dosing")
    if session.format == "group" and (session.group_size or 0) < 2:
        yield IntegrityProblem(
            (*base, "group_size"), "a group session needs a group size of 2 or more"
        )
    if session.format == "individual" and (session.group_size or 1) != 1:
        yield IntegrityProblem((*base, "group_size"), "an individual session has a group size of 1")


def _criteria_ids(p: Protocol) -> Iterator[IntegrityProblem]:
    seen: set[str] = set()
    for name in ("inclusion", "exclusion"):
        for index, criterion in enumerate(getattr(p.eligibility, name)):
            if criterion.id in seen:
                yield IntegrityProblem(
                    ("eligibility", name, index, "id"), f"duplicate criterion id {criterion.id!r}"
                )
            seen.add(criterion.id)
    low, high = p.eligibility.age_min, p.eligibility.age_max
    if low is not None and high is not None and low > high:
        yield IntegrityProblem(("eligibility", "age_max"), f"age_max {high} is below age_min {low}")


def _objective_ids(p: Protocol) -> Iterator[IntegrityProblem]:
    seen: set[str] = set()
    for i, objective in enumerate(p.objectives):
        for j, endpoint in enumerate(objective.endpoints):
            if endpoint.id in seen:
                yield IntegrityProblem(
                    ("objectives", i, "endpoints", j, "id"),
                    f"duplicate endpoint id {endpoint.id!r}",
                )
            seen.add(endpoint.id)


def _waiver_paths(p: Protocol) -> Iterator[IntegrityProblem]:
    for index, waiver in enumerate(p.waivers):
        if waiver.path is None:
            continue
        try:
            parse_path(waiver.path)
        except ValueError as exc:
            yield IntegrityProblem(("waivers", index, "path"), str(exc))
