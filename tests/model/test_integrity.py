"""Cross-reference integrity: every problem is found and named by its JSON path."""

from __future__ import annotations

import pytest

from papdesigner.model import Protocol, check_integrity
from papdesigner.model.protocol import (
    Administration,
    Arm,
    Criterion,
    Dosing,
    Eligibility,
    Product,
    Role,
    Session,
    Setting,
    Site,
    StaffAssignment,
    Waiver,
)


def _base(**changes: object) -> Protocol:
    protocol = Protocol(
        sites=[Site(id="s", name="Site", country="US")],
        arms=[Arm(id="a", label="A"), Arm(id="b", label="B")],
        roles=[Role(id="lead", title="Lead")],
        products=[Product(id="p", substance="psilocybin", name="Psilocybin")],
        settings=[Setting(id="room", name="Room", site_id="s")],
        sessions=[
            Session(id="prep", kind="preparation", day=-7, staff=[StaffAssignment(role_id="lead")]),
            Session(
                id="dose",
                kind="dosing",
                day=1,
                setting_id="room",
                dosing=Dosing(
                    administrations=[Administration(arm_id="a", product_id="p", dose=25)]
                ),
            ),
        ],
    )
    return protocol.model_copy(update=changes)


def _paths(protocol: Protocol) -> list[str]:
    return [p.json_path for p in check_integrity(protocol)]


def test_sound_protocol_has_no_problems() -> None:
    assert check_integrity(_base()) == []


def test_duplicate_ids() -> None:
    arms = [Arm(id="a", label="A"), Arm(id="a", label="again")]
    assert _paths(_base(arms=arms)) == ["$.arms[1].id"]


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        (
            Session(id="x", kind="integration", day=3, setting_id="nowhere"),
            "$.sessions[2].setting_id",
        ),
        (Session(id="x", kind="integration", day=3, arm_ids=["zz"]), "$.sessions[2].arm_ids[0]"),
        (
            Session(id="x", kind="integration", day=3, staff=[StaffAssignment(role_id="ghost")]),
            "$.sessions[2].staff[0].role_id",
        ),
        (
            Session(
                id="x",
                kind="dosing",
                day=3,
                dosing=Dosing(
                    administrations=[Administration(arm_id="a", product_id="nope", dose=1)]
                ),
            ),
            "$.sessions[2].dosing.administrations[0].product_id",
        ),
        (
            Session(
                id="x",
                kind="dosing",
                day=3,
                arm_ids=["b"],
                dosing=Dosing(administrations=[Administration(arm_id="a", product_id="p", dose=1)]),
            ),
            "$.sessions[2].dosing.administrations[0].arm_id",
        ),
        (Session(id="x", kind="dosing", day=3), "$.sessions[2].dosing"),
        (Session(id="x", kind="integration", day=3, dosing=Dosing()), "$.sessions[2].dosing"),
        (Session(id="x", kind="screening", day=5), "$.sessions[2].day"),
        (Session(id="x", kind="follow_up", day=-3), "$.sessions[2].day"),
        (Session(id="x", kind="other", day=0), "$.sessions[2].day"),
        (
            Session(id="x", kind="integration", day=3, format="group", group_size=1),
            "$.sessions[2].group_size",
        ),
        (Session(id="x", kind="integration", day=3, group_size=4), "$.sessions[2].group_size"),
    ],
)
def test_session_problems(session: Session, expected: str) -> None:
    protocol = _base()
    protocol.sessions.append(session)
    assert _paths(protocol) == [expected]


def test_setting_site_and_criteria_and_ages() -> None:
    protocol = _base(
        settings=[Setting(id="room", name="Room", site_id="elsewhere")],
        eligibility=Eligibility(
            age_min=65,
            age_max=21,
            inclusion=[Criterion(id="c1", text="x")],
            exclusion=[Criterion(id="c1", text="y")],
        ),
    )
    assert _paths(protocol) == [
        "$.settings[0].site_id",
        "$.eligibility.exclusion[0].id",
        "$.eligibility.age_max",
    ]


def test_waiver_path_must_parse() -> None:
    protocol = _base(waivers=[Waiver(rule_id="R-1", path="sessions[0]", justification="because")])
    assert _paths(protocol) == ["$.waivers[0].path"]


def test_problem_str_is_path_and_message() -> None:
    protocol = _base(arms=[Arm(id="a", label="A"), Arm(id="a", label="B")])
    assert str(check_integrity(protocol)[0]) == "$.arms[1].id: duplicate id 'a'"
