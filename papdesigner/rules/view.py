"""The resolved view: plain data built once per check, over which every CEL rule runs.

``build_view(protocol)`` returns the protocol as JSON-like data (every field of the
file format, optional values as ``null``, lists as lists) plus references joined
and derived values precomputed, so rule authors never join by id or add up doses
by hand. ``AUTHORING.md`` documents every derived name; keep the two in step.

Each element of a named scope (``SCOPES``) carries ``path``, the JSON path in
:func:`~papdesigner.model.jsonpath.format_path` spelling, so a finding can point
at it. Doses are doubles in mg (µg divided by 1000); counts and days are ints.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, get_args

from papdesigner.model.catalogues import expand_jurisdictions
from papdesigner.model.jsonpath import PathPart, format_path
from papdesigner.model.protocol import Protocol
from papdesigner.model.vocab import DEGREE_RANK, MONITOR_ROLE_KINDS, SESSION_KINDS, RoleKind

Data = dict[str, Any]

SCOPES: dict[str, str] = {
    "sessions": "every session",
    "screening_sessions": "sessions of kind screening",
    "preparation_sessions": "sessions of kind preparation",
    "dosing_sessions": "sessions of kind dosing",
    "integration_sessions": "sessions of kind integration",
    "follow_up_sessions": "sessions of kind follow_up",
    "group_dosing_sessions": "dosing sessions held in group format",
    "regimens": "one per (dosing session, arm) that receives an administration",
    "administrations": "every administration of every dosing session",
    "staff": "every staff assignment of every session",
    "roles": "staff roles",
    "arms": "study arms",
    "products": "investigational or service products",
    "settings": "rooms (ReSPCT physical environment)",
    "sites": "sites",
    "inclusions": "inclusion criteria",
    "exclusions": "exclusion criteria",
    "washouts": "medication washouts",
    "objectives": "objectives",
    "endpoints": "endpoints of every objective",
    "waivers": "waivers recorded in the protocol",
}
"""Names a rule's ``scope`` may take, with what each list holds."""

_UG_PER_MG = 1000.0


def build_view(protocol: Protocol) -> Data:
    """Return the resolved view of a protocol (fresh plain data; safe to keep)."""
    p: Data = protocol.model_dump(mode="json")
    p["path"] = "$"
    _add_jurisdictions(p)
    _add_paths(p)
    joins = _Joins(
        roles={r["id"]: r for r in p["roles"]},
        settings={s["id"]: s for s in p["settings"]},
        products={x["id"]: x for x in p["products"]},
        arm_ids=[a["id"] for a in p["arms"]],
    )
    for role in p["roles"]:
        role["degree_rank"] = DEGREE_RANK.get(role["qualifications"]["degree"], 0)
    # A placebo product delivers no substance: rules about a drug never match it.
    p["substances"] = list(
        dict.fromkeys(x["substance"] for x in p["products"] if x["substance"] != "placebo")
    )
    for index, session in enumerate(p["sessions"]):
        _resolve_session(session, index, joins)
    _add_session_order(p["sessions"])
    _add_scopes(p)
    _add_eligibility(p)
    _add_medications(p)
    _add_outcomes(p)
    _add_arm_summaries(p)
    _add_protocol_summaries(p)
    return p


# --- jurisdictions --------------------------------------------------------------------------


def _add_jurisdictions(p: Data) -> None:
    countries = sorted({s["country"] for s in p["sites"]})
    regions = sorted({s["region"] for s in p["sites"] if s["region"]})
    p["countries"] = countries
    p["regions"] = regions
    # The catalogue adds each code's parent country and groups ("EU", "EEA").
    p["jurisdictions"] = expand_jurisdictions([*countries, *regions])


# --- paths ----------------------------------------------------------------------------------


def _set_paths(items: Iterable[Data], base: tuple[PathPart, ...]) -> None:
    for index, item in enumerate(items):
        item["path"] = format_path((*base, index))
        item["index"] = index


def _add_paths(p: Data) -> None:
    for name in ("sites", "products", "arms", "roles", "settings", "objectives", "waivers"):
        _set_paths(p[name], (name,))
    _set_paths(p["eligibility"]["inclusion"], ("eligibility", "inclusion"))
    _set_paths(p["eligibility"]["exclusion"], ("eligibility", "exclusion"))
    _set_paths(p["medications"]["washouts"], ("medications", "washouts"))
    for i, objective in enumerate(p["objectives"]):
        _set_paths(objective["endpoints"], ("objectives", i, "endpoints"))


# --- sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Joins:
    """Look-ups by id, built once per view."""

    roles: dict[str, Data]
    settings: dict[str, Data]
    products: dict[str, Data]
    arm_ids: list[str]


def _resolve_session(s: Data, index: int, joins: _Joins) -> None:
    base: tuple[PathPart, ...] = ("sessions", index)
    s["path"] = format_path(base)
    s["index"] = index
    s["setting"] = joins.settings.get(s["setting_id"]) if s["setting_id"] else None
    s["applies_to_arms"] = list(s["arm_ids"]) or list(joins.arm_ids)
    for j, staff in enumerate(s["staff"]):
        staff["path"] = format_path((*base, "staff", j))
        staff["role"] = joins.roles.get(staff["role_id"])
        staff["session_id"] = s["id"]
        staff["session_kind"] = s["kind"]
    present = [x for x in s["staff"] if x["present_throughout"]]
    s["staff_count"] = sum(x["count"] for x in s["staff"])
    s["present_count"] = sum(x["count"] for x in present)
    # A rater, a licensee representative, a support person or a role of unknown kind
    # is present but never a monitor (issue 10: "lead therapist + rater" is one monitor).
    s["monitor_count"] = sum(x["count"] for x in present if _is_monitor(x))
    s["raters_present_throughout"] = sum(
        x["count"] for x in present if x["role"] is not None and x["role"]["kind"] == "rater"
    )
    kinds = [x["role"]["kind"] for x in present if x["role"] is not None]
    s["role_kinds"] = sorted(set(kinds))
    s["monitor_count_by_kind"] = _count_by_kind(present)
    s["has_lead"] = "lead_therapist" in kinds
    s["role_ids"] = sorted({x["role_id"] for x in s["staff"]})
    s["monitor_role_ids"] = sorted({x["role_id"] for x in present})
    _resolve_dosing(s, base, joins.products)


def _is_monitor(staff: Data) -> bool:
    role = staff["role"]
    return role is not None and role["kind"] in MONITOR_ROLE_KINDS


def _count_by_kind(present: list[Data]) -> dict[str, int]:
    """People present throughout per role kind (every kind a key), e.g. facilitators for a ratio."""
    counts = dict.fromkeys(get_args(RoleKind), 0)
    for x in present:
        if x["role"] is not None:
            counts[x["role"]["kind"]] += x["count"]
    return counts


def _dose_mg(admin: Data) -> float | None:
    unit = admin["unit"]
    if unit == "mg":
        return float(admin["dose"])
    if unit == "ug":
        return float(admin["dose"]) / _UG_PER_MG
    return None  # mg/kg depends on body weight; see dose_mg_per_kg


def _resolve_dosing(s: Data, base: tuple[PathPart, ...], products: dict[str, Data]) -> None:
    admins: list[Data] = []
    if s["dosing"] is not None:
        admins = s["dosing"]["administrations"]
    for j, admin in enumerate(admins):
        admin["path"] = format_path((*base, "dosing", "administrations", j))
        admin["product"] = products.get(admin["product_id"])
        admin["substance"] = admin["product"]["substance"] if admin["product"] else "other"
        admin["is_placebo"] = admin["substance"] == "placebo"
        # A placebo administration matches the active regimen but delivers no drug: it never
        # counts towards a session's or an arm's dose.
        admin["dose_mg"] = 0.0 if admin["is_placebo"] else _dose_mg(admin)
        admin["dose_mg_per_kg"] = (
            float(admin["dose"]) if admin["unit"] == "mg/kg" and not admin["is_placebo"] else None
        )
        admin["session_id"] = s["id"]
        admin["session_path"] = s["path"]
    by_arm: dict[str, list[Data]] = defaultdict(list)
    for admin in admins:
        by_arm[admin["arm_id"]].append(admin)
    s["regimens"] = [_regimen(s, arm_id, items) for arm_id, items in by_arm.items()]
    s["substances"] = sorted({a["substance"] for a in admins if not a["is_placebo"]})
    s["total_dose_by_arm"] = {r["arm_id"]: r["total_dose_mg"] for r in s["regimens"]}
    s["max_total_dose_mg"] = max((r["total_dose_mg"] for r in s["regimens"]), default=0.0)
    s["initial_dose_mg"] = max((r["initial_dose_mg"] for r in s["regimens"]), default=0.0)
    s["supplemental_dose_mg"] = max((r["supplemental_dose_mg"] for r in s["regimens"]), default=0.0)
    s["has_supplemental"] = any(r["has_supplemental"] for r in s["regimens"])
    s["supplemental_offset_h"] = max(
        (r["supplemental_offset_h"] for r in s["regimens"]), default=0.0
    )
    s["is_dosing"] = s["kind"] == "dosing"
    s["overnight_stay"] = bool(s["dosing"] and s["dosing"]["overnight_stay"])


def _regimen(s: Data, arm_id: str, admins: list[Data]) -> Data:
    ordered = sorted(admins, key=lambda a: (a["supplemental"], a["at_hours"]))
    main = [a for a in ordered if not a["supplemental"]] or ordered[:1]
    extra = [a for a in ordered if a["supplemental"]]
    first = main[0]
    initial = sum(a["dose_mg"] or 0.0 for a in main)
    supplemental = sum(a["dose_mg"] or 0.0 for a in extra)
    return {
        "path": first["path"],
        "session_id": s["id"],
        "session_path": s["path"],
        "session_day": s["day"],
        "session_title": s["title"],
        "duration_hours": s["duration_hours"],
        "arm_id": arm_id,
        "substance": first["substance"],
        "product_id": first["product_id"],
        "unit": first["unit"],
        "initial_dose_mg": initial,
        "supplemental_dose_mg": supplemental,
        "has_supplemental": bool(extra),
        "supplemental_offset_h": (extra[0]["at_hours"] - first["at_hours"]) if extra else 0.0,
        "total_dose_mg": initial + supplemental,
        "weight_based": any(a["unit"] == "mg/kg" for a in admins),
    }


def _shares_arm(a: Data, b: Data) -> bool:
    return bool(set(a["applies_to_arms"]) & set(b["applies_to_arms"])) or not (
        a["applies_to_arms"] and b["applies_to_arms"]
    )


def _add_session_order(sessions: list[Data]) -> None:
    """Derived values that depend on the order of sessions in time (day, then list order)."""
    timeline = sorted(sessions, key=lambda s: (s["day"], s["index"]))
    dosing = [s for s in timeline if s["kind"] == "dosing"]
    for s in timeline:
        s["preparation_before"] = 0
        s["preparation_role_ids"] = []
        s["days_since_last_preparation"] = None
        s["days_since_previous_dosing"] = None
        s["days_since_initial_dosing"] = None
        s["dosing_number"] = None
        s["integration_after"] = 0
        s["has_integration_after"] = False
    for number, d in enumerate(dosing, start=1):
        d["dosing_number"] = number
        _link_dosing(d, timeline, dosing)


def _before(a: Data, b: Data) -> bool:
    return (a["day"], a["index"]) < (b["day"], b["index"])


def _link_dosing(d: Data, timeline: list[Data], dosing: list[Data]) -> None:
    preps = [s for s in timeline if s["kind"] == "preparation" and _before(s, d)]
    preps = [s for s in preps if _shares_arm(s, d)]
    d["preparation_before"] = len(preps)
    d["preparation_role_ids"] = sorted({r for s in preps for r in s["role_ids"]})
    if preps:
        d["days_since_last_preparation"] = _day_gap(preps[-1]["day"], d["day"])
    earlier = [x for x in dosing if _before(x, d) and _shares_arm(x, d)]
    if earlier:
        d["days_since_previous_dosing"] = _day_gap(earlier[-1]["day"], d["day"])
        d["days_since_initial_dosing"] = _day_gap(earlier[0]["day"], d["day"])
    later = [x for x in dosing if _before(d, x) and _shares_arm(x, d)]
    limit = (later[0]["day"], later[0]["index"]) if later else None
    after = [
        s
        for s in timeline
        if s["kind"] == "integration"
        and _before(d, s)
        and _shares_arm(s, d)
        and (limit is None or (s["day"], s["index"]) < limit)
    ]
    d["integration_after"] = len(after)
    d["has_integration_after"] = bool(after)


def _day_gap(earlier: int, later: int) -> int:
    """Days between two study days; there is no day 0, so day -1 to day 1 is one day."""
    gap = later - earlier
    return gap - 1 if earlier < 0 < later else gap


# --- named scopes and summaries -----------------------------------------------------------


def _add_scopes(p: Data) -> None:
    sessions = p["sessions"]
    by_kind: dict[str, list[Data]] = {kind: [] for kind in SESSION_KINDS}
    for s in sessions:
        by_kind[s["kind"]].append(s)
    for kind in SESSION_KINDS:
        if kind != "other":
            p[f"{kind}_sessions"] = by_kind[kind]
    p["group_dosing_sessions"] = [s for s in by_kind["dosing"] if s["format"] == "group"]
    p["regimens"] = [r for s in by_kind["dosing"] for r in s["regimens"]]
    p["administrations"] = [
        a for s in by_kind["dosing"] for a in (s["dosing"] or {}).get("administrations", [])
    ]
    p["staff"] = [x for s in sessions for x in s["staff"]]
    p["session_count_by_kind"] = {kind: len(items) for kind, items in by_kind.items()}
    p["instruments_by_kind"] = {
        kind: sorted({i for s in items for i in s["assessments"]})
        for kind, items in by_kind.items()
    }
    p["instruments"] = sorted({i for s in sessions for i in s["assessments"]})
    p["role_ids_by_session_kind"] = {
        kind: sorted({r for s in items for r in s["role_ids"]}) for kind, items in by_kind.items()
    }
    days = [s["day"] for s in by_kind["dosing"]]
    p["first_dosing_day"] = min(days) if days else None
    p["last_dosing_day"] = max(days) if days else None


def _codes(criteria: list[Data]) -> list[str]:
    return sorted({c["code"] for c in criteria if c["code"]})


def _add_eligibility(p: Data) -> None:
    elig = p["eligibility"]
    p["inclusions"] = elig["inclusion"]
    p["exclusions"] = elig["exclusion"]
    p["inclusion_codes"] = _codes(elig["inclusion"])
    p["exclusion_codes"] = _codes(elig["exclusion"])


def _add_medications(p: Data) -> None:
    meds = p["medications"]
    p["washouts"] = meds["washouts"]
    p["washout_classes"] = sorted({w["medication_class"] for w in meds["washouts"]})
    days: dict[str, int] = {}
    for w in meds["washouts"]:
        days[w["medication_class"]] = max(days.get(w["medication_class"], 0), w["min_days"])
    p["washout_days"] = days
    p["prohibited_classes"] = sorted(set(meds["prohibited"]))
    p["rescue_classes"] = sorted(set(meds["rescue"]))


def _add_outcomes(p: Data) -> None:
    endpoints: list[Data] = []
    for objective in p["objectives"]:
        for e in objective["endpoints"]:
            e["level"] = objective["level"]
            e["objective_id"] = objective["id"]
            endpoints.append(e)
    p["endpoints"] = endpoints
    p["primary_endpoints"] = [e for e in endpoints if e["level"] == "primary"]
    p["primary_instruments"] = sorted(
        {e["instrument"] for e in p["primary_endpoints"] if e["instrument"]}
    )
    weeks = [e["timepoint_week"] for e in p["primary_endpoints"] if e["timepoint_week"] is not None]
    p["primary_timepoint_week"] = float(max(weeks)) if weeks else None
    fu = p["follow_up"]
    ends = [float(w) for w in fu["timepoints_weeks"]]
    if fu["duration_weeks"] is not None:
        ends.append(float(fu["duration_weeks"]))
    p["max_follow_up_week"] = max(ends) if ends else 0.0
    p["narrative_keys"] = sorted(k for k, v in p["narrative"].items() if v.strip())


def _add_arm_summaries(p: Data) -> None:
    for arm in p["arms"]:
        mine = [s for s in p["sessions"] if arm["id"] in s["applies_to_arms"]]
        arm["session_count_by_kind"] = {
            kind: sum(1 for s in mine if s["kind"] == kind) for kind in SESSION_KINDS
        }
        arm["psychotherapy_hours"] = float(
            sum(s["duration_hours"] or 0.0 for s in mine if s["kind"] != "screening")
        )
        arm["max_total_dose_mg"] = max(
            (s["total_dose_by_arm"].get(arm["id"], 0.0) for s in mine), default=0.0
        )
        arm["receives_drug"] = arm["max_total_dose_mg"] > 0.0
        arm["administration_count"] = sum(
            1
            for s in mine
            for a in (s["dosing"]["administrations"] if s["dosing"] else ())
            if a["arm_id"] == arm["id"]
        )


def _add_protocol_summaries(p: Data) -> None:
    dosing = p["dosing_sessions"]
    p["max_total_dose_mg"] = max((s["max_total_dose_mg"] for s in dosing), default=0.0)
    p["min_monitor_count_at_dosing"] = min((s["monitor_count"] for s in dosing), default=0)
    p["arm_roles"] = sorted({a["role"] for a in p["arms"]})
    p["role_kinds"] = sorted({r["kind"] for r in p["roles"]})
    p["has_placebo_arm"] = any(a["role"] in ("placebo", "active_placebo") for a in p["arms"])
    p["waived_rule_ids"] = sorted({w["rule_id"] for w in p["waivers"]})
