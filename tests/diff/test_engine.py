"""The structural diff on hand-made amendments of a realistic protocol."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from papdesigner.diff import describe, diff_protocols
from papdesigner.model.protocol import (
    Administration,
    Criterion,
    Protocol,
    Session,
    StaffAssignment,
)

Make = Callable[[Callable[[Protocol], None]], Protocol]
DOSE_KEY = "sessions[id=dose1].dosing.administrations[arm_id=high,product_id=psilo].dose"


def only_change(a: Protocol, b: Protocol):  # type: ignore[no-untyped-def]
    diff = diff_protocols(a, b)
    assert len(diff.changes) == 1, [c.key for c in diff.changes]
    return diff, diff.changes[0]


def test_identical_versions_have_no_changes(v1: Protocol) -> None:
    diff = diff_protocols(v1, v1.model_copy(deep=True))
    assert not diff
    assert diff.counts() == {"added": 0, "removed": 0, "modified": 0}
    assert diff.fingerprint_a == diff.fingerprint_b


def test_dose_change(v1: Protocol, edited: Make) -> None:
    def lower(p: Protocol) -> None:
        session = p.session("dose1")
        assert session is not None and session.dosing is not None
        session.dosing.administrations[0].dose = 20

    diff, change = only_change(v1, edited(lower))
    assert change.kind == "modified"
    assert change.key == DOSE_KEY
    assert (change.before, change.after) == (25.0, 20.0)
    assert change.path == "$.sessions[3].dosing.administrations[0].dose"
    assert change.section.number == "6.1"
    text = describe(change, diff)
    assert (text.before, text.after) == ("25 mg", "20 mg")
    assert text.what.startswith("Session “Dosing session” (dose1) › administration of")
    assert "to arm “Psilocybin 25 mg”" in text.what


def test_added_integration_session(v1: Protocol, edited: Make) -> None:
    new = Session(
        id="integ4",
        kind="integration",
        title="Integration 4",
        day=43,
        window_days=3,
        duration_hours=1.5,
        setting_id="room",
        staff=[StaffAssignment(role_id="lead")],
    )
    diff, change = only_change(v1, edited(lambda p: p.sessions.insert(7, new)))
    assert change.kind == "added"
    assert change.key == "sessions[id=integ4]"
    assert change.path_a is None
    assert change.path_b == ("sessions", 7)
    assert change.after == new.model_dump(mode="json")
    assert change.section.label == "1.3 Schedule of Activities"
    text = describe(change, diff)
    assert text.what == "Added session “Integration 4” (integ4)"
    assert text.before == ""
    assert "day 43 (±3 days)" in text.after
    assert "Treatment room 4B (room)" in text.after
    assert "Lead therapist (lead) ×1" in text.after


def test_removed_exclusion_criterion(v1: Protocol, edited: Make) -> None:
    def drop(p: Protocol) -> None:
        p.eligibility.exclusion = [c for c in p.eligibility.exclusion if c.id != "EX-5"]

    diff, change = only_change(v1, edited(drop))
    assert change.kind == "removed"
    assert change.key == "eligibility.exclusion[id=EX-5]"
    assert change.path_a == ("eligibility", "exclusion", 4)
    assert change.path_b is None
    assert change.section.label == "5.3 Exclusion Criteria"
    text = describe(change, diff)
    assert text.what == "Removed exclusion criterion EX-5"
    assert text.before == "Use of a psychedelic in the past 12 months"


def test_renamed_role_is_one_change_not_remove_and_add(v1: Protocol, edited: Make) -> None:
    def rename(p: Protocol) -> None:
        p.roles[1].title = "Co-therapist"

    diff, change = only_change(v1, edited(rename))
    assert change.kind == "modified"
    assert change.key == "roles[id=assist].title"
    assert (change.before, change.after) == ("Assisting therapist", "Co-therapist")
    # Sessions that refer to the role by id are not changed by the rename.
    assert describe(change, diff).what == "Role “Co-therapist” (assist) › title"


def test_renamed_session_is_a_change_of_its_title(v1: Protocol, edited: Make) -> None:
    def rename(p: Protocol) -> None:
        p.sessions[4].title = "First integration"

    _, change = only_change(v1, edited(rename))
    assert change.key == "sessions[id=integ1].title"


def test_reordered_lists_are_no_change(v1: Protocol, edited: Make) -> None:
    def shuffle(p: Protocol) -> None:
        p.sessions.reverse()
        p.roles.reverse()
        p.eligibility.exclusion.reverse()
        p.medications.prohibited.reverse()
        p.sessions[0].assessments.reverse()
        p.follow_up.timepoints_weeks.reverse()
        dosing = p.session("dose1").dosing  # type: ignore[union-attr]
        assert dosing is not None
        dosing.administrations.reverse()

    b = edited(shuffle)
    diff = diff_protocols(v1, b)
    assert not diff
    assert diff.fingerprint_a != diff.fingerprint_b  # the files do differ, only in order


def test_changed_session_id_is_a_removal_and_an_addition(v1: Protocol, edited: Make) -> None:
    def new_id(p: Protocol) -> None:
        p.sessions[5].id = "integ2b"

    diff = diff_protocols(v1, edited(new_id))
    assert [(c.kind, c.key) for c in diff.changes] == [
        ("removed", "sessions[id=integ2]"),
        ("added", "sessions[id=integ2b]"),
    ]


def test_staff_matched_by_role(v1: Protocol, edited: Make) -> None:
    def more_staff(p: Protocol) -> None:
        session = p.session("dose1")
        assert session is not None
        session.staff.reverse()
        session.staff[0].count = 2  # the physician, first after reversing

    diff, change = only_change(v1, edited(more_staff))
    assert change.key == "sessions[id=dose1].staff[role_id=md].count"
    assert change.section.number == "6.3"
    assert (
        describe(change, diff).what
        == "Session “Dosing session” (dose1) › staff “Study physician” › count"
    )


def test_supplemental_dose_is_a_second_occurrence(v1: Protocol, edited: Make) -> None:
    extra = Administration(
        arm_id="high", product_id="psilo", dose=10, at_hours=1.5, supplemental=True
    )

    def supplement(p: Protocol) -> None:
        dosing = p.session("dose1").dosing  # type: ignore[union-attr]
        assert dosing is not None
        dosing.administrations.append(extra)

    diff, change = only_change(v1, edited(supplement))
    assert change.kind == "added"
    assert change.key == "sessions[id=dose1].dosing.administrations[arm_id=high,product_id=psilo@1]"
    assert "(supplemental)" in describe(change, diff).after
    assert "at +1.5 h" in describe(change, diff).after


def test_plain_lists_report_added_and_removed_values(v1: Protocol, edited: Make) -> None:
    def assessments(p: Protocol) -> None:
        p.sessions[0].assessments = ["MADRS", "C-SSRS", "vitals", "QIDS-SR"]

    diff, change = only_change(v1, edited(assessments))
    assert change.key == "sessions[id=screen].assessments"
    assert change.items_added == ("QIDS-SR",)
    assert change.items_removed == ("ECG",)
    assert describe(change, diff).detail == "added QIDS-SR; removed ECG"


def test_narrative_sections_by_key(v1: Protocol, edited: Make) -> None:
    def narrative(p: Protocol) -> None:
        del p.narrative["rationale"]
        p.narrative["dose_rationale"] = "20 mg keeps most of the effect with fewer headaches."

    diff = diff_protocols(v1, edited(narrative))
    found = {(c.kind, c.key, c.section.number) for c in diff.changes}
    assert found == {
        ("removed", "narrative.rationale", "2.1"),
        ("added", "narrative.dose_rationale", "6.2"),
    }


def test_new_dosing_block_is_one_change(v1: Protocol, edited: Make) -> None:
    def to_dosing(p: Protocol) -> None:
        session = p.session("dose1")
        assert session is not None
        session.dosing = None

    diff, change = only_change(edited(to_dosing), v1)
    assert change.key == "sessions[id=dose1].dosing"
    assert change.before is None
    assert isinstance(change.after, dict)
    after = describe(change, diff).after
    assert after.startswith(
        "Psilocybin 1 mg and 5 mg capsules (psilo) 25 mg oral to arm Psilocybin"
    )
    assert "observation time: 8 h" in after


def test_real_amendment(v1: Protocol, edited: Make) -> None:
    """A fourth integration session, a lower dose, a dropped criterion: one change each."""

    def amend(p: Protocol) -> None:
        p.metadata.version = "2.0"
        dosing = p.session("dose1").dosing  # type: ignore[union-attr]
        assert dosing is not None
        dosing.administrations[0].dose = 20
        p.sessions.append(Session(id="integ4", kind="integration", day=43))
        p.eligibility.exclusion.pop()
        p.eligibility.inclusion.append(Criterion(id="IN-4", text="Able to attend all visits"))

    diff = diff_protocols(v1, edited(amend))
    assert [(c.kind, c.key) for c in diff.changes] == [
        ("modified", "metadata.version"),
        ("modified", DOSE_KEY),
        ("added", "sessions[id=integ4]"),
        ("added", "eligibility.inclusion[id=IN-4]"),
        ("removed", "eligibility.exclusion[id=EX-5]"),
    ]
    sections = [s.number for s, _ in diff.by_section()]
    assert sections == ["", "1.3", "5.2", "5.3", "6.1"]
    assert diff.counts() == {"added": 2, "removed": 1, "modified": 2}


def test_diff_is_deterministic(v1: Protocol, edited: Make) -> None:
    def amend(p: Protocol) -> None:
        p.sessions.pop(2)
        p.roles[0].qualifications.psychedelic_training_hours = 150
        p.narrative["recruitment"] = "Referrals from two clinics."

    b = edited(amend)
    first = diff_protocols(v1, b)
    second = diff_protocols(v1.model_copy(deep=True), b.model_copy(deep=True))
    assert first.changes == second.changes


def test_different_protocols_are_noted(v1: Protocol, edited: Make) -> None:
    import uuid

    diff = diff_protocols(v1, edited(lambda p: setattr(p, "id", uuid.uuid4())))
    assert diff.notes and "different protocols" in diff.notes[0]
    assert diff.changes[0].section.label == "Title Page"


@pytest.mark.parametrize(
    ("edit", "section"),
    [
        (lambda p: setattr(p.statistics, "sample_size", 150), "10.11"),
        (lambda p: setattr(p.safety, "stopping_rules", "Stop after one SAE"), "4.3"),
        (lambda p: setattr(p.safety, "dsmb", "None"), "11.4"),
        (lambda p: setattr(p.blinding, "unblinding_procedure", "Via IWRS"), "6.7.4"),
        (lambda p: p.medications.prohibited.append("ketamine"), "6.10.1"),
        (lambda p: setattr(p.consent, "process", "Two visits"), "11.3"),
        (lambda p: setattr(p.regulatory.ethics, "reference", "IRB-2"), "11.1"),
        (lambda p: setattr(p.objectives[0].endpoints[0], "timepoint_week", 6), "3"),
        (lambda p: setattr(p.eligibility, "age_max", 70), "5.2"),
        (lambda p: setattr(p.products[0], "manufacturer", "Other GMP site"), "6.1"),
        (lambda p: setattr(p.settings[0], "music", "Silence"), "6.3"),
    ],
)
def test_sections_of_common_changes(
    v1: Protocol, edited: Make, edit: Callable[[Protocol], None], section: str
) -> None:
    _, change = only_change(v1, edited(edit))
    assert change.section.number == section
