"""The resolved view: joins, derived values, units, day arithmetic and paths."""

from __future__ import annotations

from typing import Any

from papdesigner.model.jsonpath import parse_path
from papdesigner.rules.view import SCOPES, build_view


def _view(
    kit: Any, data: dict[str, Any] | None = None, name: str = "ind-psilocybin"
) -> dict[str, Any]:
    return build_view(kit.protocol(data or kit.base(name)))


def test_every_scope_exists_and_every_element_has_a_valid_path(kit: Any) -> None:
    for name in ("ind-psilocybin", "au-mdma", "or-service"):
        view = _view(kit, name=name)
        raw = kit.base(name)
        for scope in SCOPES:
            assert isinstance(view[scope], list), scope
            for element in view[scope]:
                node: Any = raw
                for part in parse_path(element["path"]):
                    node = node[part]
                assert isinstance(node, dict), (scope, element["path"])


def test_jurisdictions_include_regions_and_groups(kit: Any) -> None:
    data = kit.base()
    data["sites"].append({"id": "de", "name": "Berlin", "country": "DE"})
    view = _view(kit, data)
    assert view["countries"] == ["DE", "US"]
    assert view["regions"] == ["US-MD"]
    assert {"US", "US-MD", "DE", "EU", "EEA"} <= set(view["jurisdictions"])


def test_staff_and_settings_are_joined(kit: Any) -> None:
    dosing = _view(kit)["dosing_sessions"][0]
    assert dosing["setting"]["name"] == "Session room 1"
    assert [s["role"]["kind"] for s in dosing["staff"]] == ["lead_therapist", "assistant_monitor"]
    assert dosing["monitor_count"] == 2 and dosing["has_lead"]
    assert dosing["monitor_role_ids"] == ["asst", "lead"]


def test_monitor_count_counts_people_present_throughout(kit: Any) -> None:
    data = kit.base()
    data["sessions"][3]["staff"] = [
        {"role_id": "lead", "count": 2, "present_throughout": True},
        {"role_id": "asst", "count": 3, "present_throughout": False},
    ]
    dosing = _view(kit, data)["dosing_sessions"][0]
    assert (dosing["monitor_count"], dosing["staff_count"]) == (2, 5)


def test_mdma_regimens_totals_and_offsets(kit: Any) -> None:
    view = _view(kit, name="au-mdma")
    regimens = view["regimens"]
    assert [
        (r["initial_dose_mg"], r["supplemental_dose_mg"], r["total_dose_mg"]) for r in regimens
    ] == [(80.0, 40.0, 120.0), (120.0, 60.0, 180.0), (120.0, 60.0, 180.0)]
    assert all(r["supplemental_offset_h"] == 1.5 and r["has_supplemental"] for r in regimens)
    assert regimens[0]["path"] == "$.sessions[4].dosing.administrations[0]"
    assert view["max_total_dose_mg"] == 180.0


def test_micrograms_are_converted_and_mg_per_kg_is_not(kit: Any) -> None:
    data = kit.base()
    admins = data["sessions"][3]["dosing"]["administrations"]
    admins[0].update(dose=200, unit="ug")
    admins[1].update(dose=0.2, unit="mg/kg")
    dosing = _view(kit, data)["dosing_sessions"][0]
    assert dosing["total_dose_by_arm"] == {"high": 0.2, "low": 0.0}
    by_arm = {r["arm_id"]: r for r in dosing["regimens"]}
    assert by_arm["low"]["weight_based"] and not by_arm["high"]["weight_based"]
    assert dosing["dosing"]["administrations"][1]["dose_mg_per_kg"] == 0.2


def test_session_order_values(kit: Any) -> None:
    view = _view(kit, name="au-mdma")
    first, second, third = view["dosing_sessions"]
    assert [d["dosing_number"] for d in (first, second, third)] == [1, 2, 3]
    assert [d["days_since_previous_dosing"] for d in (first, second, third)] == [None, 28, 28]
    assert [d["preparation_before"] for d in (first, second, third)] == [3, 3, 3]
    assert first["days_since_last_preparation"] == 2  # day -2 to day 1: no day 0
    assert [d["integration_after"] for d in (first, second, third)] == [3, 3, 3]
    assert view["sessions"][5]["dosing_number"] is None  # an integration session
    assert view["first_dosing_day"] == 1 and view["last_dosing_day"] == 57


def test_sessions_of_other_arms_do_not_count(kit: Any) -> None:
    data = kit.base()
    data["sessions"][1]["arm_ids"] = ["low"]
    data["sessions"][2]["arm_ids"] = ["low"]
    data["sessions"][3]["arm_ids"] = ["high"]
    data["sessions"][3]["dosing"]["administrations"] = data["sessions"][3]["dosing"][
        "administrations"
    ][:1]
    dosing = _view(kit, data)["dosing_sessions"][0]
    assert dosing["preparation_before"] == 0
    arms = {a["id"]: a for a in _view(kit, data)["arms"]}
    assert arms["low"]["receives_drug"] is False and arms["high"]["max_total_dose_mg"] == 25.0


def test_codes_classes_and_outcomes(kit: Any) -> None:
    view = _view(kit)
    assert "psychosis_personal" in view["exclusion_codes"]
    assert view["washout_days"] == {"SSRI": 14, "fluoxetine": 42, "SNRI": 14}
    assert view["primary_instruments"] == ["MADRS"]
    assert view["primary_timepoint_week"] == 3.0
    assert view["max_follow_up_week"] == 52.0
    assert view["endpoints"][1]["level"] == "secondary"
    assert view["instruments_by_kind"]["follow_up"] == ["C-SSRS", "HPPD-inquiry", "MADRS"]
    assert set(view["session_count_by_kind"]) >= {"screening", "dosing", "other"}
    assert view["role_ids_by_session_kind"]["dosing"] == ["asst", "lead"]
    assert view["role_ids_by_session_kind"]["follow_up"] == ["rater"]


def test_empty_protocol_builds_a_view_with_safe_defaults(kit: Any) -> None:
    from papdesigner.model import Protocol

    view = build_view(Protocol())
    assert view["first_dosing_day"] is None
    assert view["max_total_dose_mg"] == 0.0
    assert view["jurisdictions"] == []
    assert all(view[scope] == [] for scope in SCOPES)


def test_placebo_administrations_deliver_no_drug() -> None:
    """A placebo is an ordinary administration of a placebo product, counted as 0 mg of drug."""
    from papdesigner.model import load_protocol
    from papdesigner.model.templates import examples_dir

    view = build_view(load_protocol(examples_dir() / "mdma-ptsd.pap.json"))
    arms = {a["id"]: a for a in view["arms"]}
    assert arms["placebo"]["administration_count"] == 6
    assert arms["placebo"]["max_total_dose_mg"] == 0.0
    assert not arms["placebo"]["receives_drug"]
    assert arms["mdma"]["max_total_dose_mg"] == 180.0
    placebo = [a for a in view["administrations"] if a["is_placebo"]]
    assert placebo and all(a["dose_mg"] == 0.0 and a["substance"] == "placebo" for a in placebo)
    for session in view["dosing_sessions"]:
        assert session["total_dose_by_arm"]["placebo"] == 0.0
    assert "placebo" not in view["substances"]
