"""Edit commands: each applies itself, validates through pydantic and returns its exact inverse."""

from __future__ import annotations

import datetime as dt

import pytest

from papdesigner.model import canonical_json
from papdesigner.model.commands import (
    MISSING,
    CommandError,
    Composite,
    InsertItem,
    MoveItem,
    RemoveItem,
    SetValue,
    add_waiver,
    append_item,
    get_json,
    get_value,
    unique_id,
)
from papdesigner.model.protocol import (
    Administration,
    Arm,
    Criterion,
    Dosing,
    Eligibility,
    Product,
    Protocol,
    Role,
    Session,
    StaffAssignment,
)

DOSE = ("sessions", 1, "dosing", "administrations", 0, "dose")


@pytest.fixture
def protocol() -> Protocol:
    return Protocol(
        arms=[Arm(id="active", label="Psilocybin 25 mg")],
        products=[Product(id="psi", substance="psilocybin", name="COMP360")],
        roles=[Role(id="lead", title="Lead therapist", kind="lead_therapist")],
        sessions=[
            Session(id="prep1", kind="preparation", day=-7, title="Preparation"),
            Session(
                id="dose1",
                kind="dosing",
                day=1,
                staff=[StaffAssignment(role_id="lead", count=2)],
                assessments=["vitals"],
                dosing=Dosing(
                    administrations=[Administration(arm_id="active", product_id="psi", dose=25)]
                ),
            ),
        ],
        eligibility=Eligibility(inclusion=[Criterion(id="in1", text="Adults")]),
        narrative={"background": "Why"},
    )


def roundtrip(protocol: Protocol, command: object) -> None:
    """Apply a command, then its inverse: the canonical JSON must be back to the start."""
    assert hasattr(command, "apply")
    before = canonical_json(protocol)
    inverse = command.apply(protocol)  # type: ignore[attr-defined]
    assert canonical_json(protocol) != before
    inverse.apply(protocol)
    assert canonical_json(protocol) == before


def test_set_a_nested_field_and_undo(protocol: Protocol) -> None:
    inverse = SetValue(DOSE, 30).apply(protocol)
    assert protocol.sessions[1].dosing is not None
    assert protocol.sessions[1].dosing.administrations[0].dose == 30
    assert inverse == SetValue(DOSE, 25.0, "Change dose")
    roundtrip(protocol, SetValue(DOSE, 12.5))


def test_values_are_validated_and_converted_by_the_model(protocol: Protocol) -> None:
    SetValue(("metadata", "version_date"), "2026-03-01").apply(protocol)
    assert protocol.metadata.version_date == dt.date(2026, 3, 1)
    SetValue(("sessions", 0, "day"), "-3").apply(protocol)
    assert protocol.sessions[0].day == -3


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (DOSE, 0, "$.sessions[1].dosing.administrations[0].dose: input should be greater than 0"),
        (
            DOSE,
            "lots",
            "$.sessions[1].dosing.administrations[0].dose: input should be a valid number",
        ),
        (
            ("sessions", 0, "kind"),
            "party",
            "$.sessions[0].kind: must be one of screening, preparation",
        ),
        (
            ("sites",),
            [{"id": "s", "name": "X", "country": "usa"}],
            "$.sites[0].country: string should match",
        ),
        (("narrative", "Bad Key"), "x", '$.narrative["Bad Key"]: string should match pattern'),
        (("metadata", "nope"), 1, "$.metadata.nope: no such place"),
        (("sessions", 9, "day"), 1, "$.sessions[9]: no such place in the protocol"),
        ((), {}, "$: the whole protocol cannot be replaced"),
        (
            ("metadata", "title"),
            MISSING,
            "$.metadata.title: a field of the protocol cannot be deleted",
        ),
    ],
)
def test_invalid_values_are_refused_with_path_and_reason(
    protocol: Protocol, path: tuple[str | int, ...], value: object, message: str
) -> None:
    before = canonical_json(protocol)
    with pytest.raises(CommandError) as info:
        SetValue(path, value).apply(protocol)
    assert str(info.value).startswith(message)
    assert canonical_json(protocol) == before


def test_list_items_of_plain_values_can_be_set(protocol: Protocol) -> None:
    roundtrip(protocol, SetValue(("sessions", 1, "assessments", 0), "MADRS"))
    roundtrip(
        protocol, SetValue(("eligibility", "inclusion", 0), {"id": "in1", "text": "Adults 18-65"})
    )


def test_dictionary_entries_are_added_changed_and_deleted(protocol: Protocol) -> None:
    inverse = SetValue(("narrative", "recruitment"), "Clinics").apply(protocol)
    assert inverse == SetValue(("narrative", "recruitment"), MISSING, "Change recruitment")
    inverse.apply(protocol)
    assert "recruitment" not in protocol.narrative
    assert get_json(protocol, ("narrative", "recruitment")) is MISSING
    roundtrip(protocol, SetValue(("narrative", "background"), MISSING))
    roundtrip(protocol, SetValue(("narrative", "background"), "Because"))


def test_setting_a_submodel_from_json(protocol: Protocol) -> None:
    roundtrip(protocol, SetValue(("sessions", 1, "dosing"), {"observation_hours": 8}))
    roundtrip(protocol, SetValue(("sessions", 1, "dosing", "observation_hours"), 7.5))


def test_insert_remove_and_move_items(protocol: Protocol) -> None:
    new = {"id": "int1", "kind": "integration", "day": 2}
    inverse = InsertItem(("sessions",), 2, new).apply(protocol)
    assert [s.id for s in protocol.sessions] == ["prep1", "dose1", "int1"]
    assert isinstance(protocol.sessions[2], Session)
    assert inverse == RemoveItem(("sessions",), 2, "Add session")
    roundtrip(protocol, RemoveItem(("sessions",), 0))
    roundtrip(protocol, MoveItem(("sessions",), 0, 2))
    MoveItem(("sessions",), 2, 0).apply(protocol)
    assert [s.id for s in protocol.sessions] == ["int1", "prep1", "dose1"]


def test_list_commands_check_indices_and_item_types(protocol: Protocol) -> None:
    with pytest.raises(CommandError, match=r"\$\.sessions\[5\]: index out of range"):
        InsertItem(("sessions",), 5, {"id": "x", "kind": "other", "day": 1}).apply(protocol)
    with pytest.raises(CommandError, match=r"\$\.sessions\[2\]: index out of range"):
        RemoveItem(("sessions",), 2).apply(protocol)
    with pytest.raises(CommandError, match=r"\$\.sessions\[2\]: index out of range"):
        MoveItem(("sessions",), 0, 2).apply(protocol)
    with pytest.raises(CommandError, match=r"\$\.sessions\[2\]\.kind: required value is missing"):
        InsertItem(("sessions",), 2, {"id": "x", "day": 1}).apply(protocol)
    with pytest.raises(CommandError, match=r"\$\.metadata\.title: is not a list"):
        RemoveItem(("metadata", "title"), 0).apply(protocol)


def test_existing_items_keep_their_identity_when_a_sibling_is_added(protocol: Protocol) -> None:
    first = protocol.sessions[0]
    append_item(protocol, ("sessions",), {"id": "fu", "kind": "follow_up", "day": 30}).apply(
        protocol
    )
    assert protocol.sessions[0] is first


def test_composite_is_all_or_nothing(protocol: Protocol) -> None:
    before = canonical_json(protocol)
    bad = Composite((SetValue(("metadata", "title"), "Trial"), SetValue(DOSE, -1)), "Two edits")
    with pytest.raises(CommandError):
        bad.apply(protocol)
    assert canonical_json(protocol) == before
    good = Composite((SetValue(("metadata", "title"), "Trial"), SetValue(DOSE, 20)), "Two edits")
    roundtrip(protocol, good)
    assert good.paths() == (("metadata", "title"), DOSE)


def test_merge_only_joins_typing_in_the_same_field() -> None:
    a = SetValue(("metadata", "title"), "T", merge_key="typing")
    b = SetValue(("metadata", "title"), "Tr", merge_key="typing")
    assert a.merge(b) == b
    assert SetValue(("metadata", "title"), "T").merge(b) is None
    assert a.merge(SetValue(("metadata", "acronym"), "X", merge_key="typing")) is None
    assert a.merge(RemoveItem(("sessions",), 0)) is None


def test_labels_name_the_field_or_the_item() -> None:
    assert SetValue(DOSE, 1).label == "Change dose"
    assert InsertItem(("sessions",), 0, {}).label == "Add session"
    assert RemoveItem(("eligibility", "inclusion"), 0).label == "Remove inclusion"
    assert RemoveItem(("objectives", 0, "endpoints"), 0).label == "Remove endpoint"
    assert InsertItem(("metadata", "registrations"), 0, {}).label == "Add registration"
    assert MoveItem(("roles",), 0, 1, "Reorder team").label == "Reorder team"


def test_waivers_need_a_justification(protocol: Protocol) -> None:
    with pytest.raises(CommandError, match="needs a justification"):
        add_waiver(protocol, "FDA-001", None, "   ")
    command = add_waiver(protocol, "FDA-001", "$.sessions[1]", " Covered by SOP 4 ", author="A. B.")
    command.apply(protocol)
    assert protocol.waivers[0].justification == "Covered by SOP 4"
    assert protocol.waivers[0].path == "$.sessions[1]"
    assert command.label == "Waive FDA-001"


def test_unique_id_picks_the_first_free_number() -> None:
    assert unique_id([], "session") == "session1"
    assert unique_id(["session1", "session2", "session4"], "session") == "session3"


def test_get_value_walks_models_lists_and_dicts(protocol: Protocol) -> None:
    assert get_value(protocol, ("sessions", 1, "staff", 0, "count")) == 2
    assert get_value(protocol, ("narrative", "background")) == "Why"
    with pytest.raises(CommandError, match=r"\$\.sessions\[True\]|no such place"):
        get_value(protocol, ("sessions", True))  # a bool is not a list index
