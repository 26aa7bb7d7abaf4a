"""The Qt-free history: undo/redo, merging of typing, clean state, integrity refusal, signals."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from protocol_strategies import protocols

from papdesigner.model import canonical_json
from papdesigner.model.commands import (
    CommandError,
    InsertItem,
    MoveItem,
    RemoveItem,
    SetValue,
)
from papdesigner.model.history import Change, History, IntegrityError
from papdesigner.model.protocol import (
    Administration,
    Arm,
    Dosing,
    Product,
    Protocol,
    Role,
    Session,
    StaffAssignment,
)

TITLE = ("metadata", "title")


def small_protocol() -> Protocol:
    return Protocol(
        arms=[Arm(id="active", label="Active")],
        products=[Product(id="psi", substance="psilocybin", name="Psilocybin")],
        roles=[Role(id="lead", title="Lead therapist")],
        sessions=[
            Session(id="prep", kind="preparation", day=-3),
            Session(
                id="dose1",
                kind="dosing",
                day=1,
                staff=[StaffAssignment(role_id="lead")],
                dosing=Dosing(
                    administrations=[Administration(arm_id="active", product_id="psi", dose=25)]
                ),
            ),
        ],
    )


@pytest.fixture
def history() -> History:
    return History(small_protocol())


def typing(history: History, text: str, path: tuple[str, ...] = TITLE) -> None:
    """Push one SetValue per keystroke, as a line edit does."""
    for end in range(1, len(text) + 1):
        history.push(SetValue(path, text[:end], merge_key="typing"))


# --- undo and redo -------------------------------------------------------------------------


def test_undo_and_redo_walk_back_and_forth(history: History) -> None:
    start = canonical_json(history.protocol)
    history.push(SetValue(TITLE, "Trial"))
    history.push(SetValue(("sessions", 1, "day"), 2))
    assert history.undo_label() == "Change day"
    assert history.undo_labels() == ["Change day", "Change title"]
    history.undo()
    assert history.protocol.sessions[1].day == 1
    assert history.redo_label() == "Change day"
    history.undo()
    assert canonical_json(history.protocol) == start
    assert not history.can_undo()
    assert history.redo_labels() == ["Change title", "Change day"]
    history.redo()
    history.redo()
    assert history.protocol.metadata.title == "Trial"
    assert history.protocol.sessions[1].day == 2
    assert not history.can_redo()


def test_undo_and_redo_with_empty_stacks_do_nothing(history: History) -> None:
    assert history.undo() is None
    assert history.redo() is None
    assert history.undo_label() == history.redo_label() == ""


def test_a_new_edit_drops_the_redo_stack(history: History) -> None:
    history.push(SetValue(TITLE, "A"))
    history.undo()
    history.push(SetValue(TITLE, "B"))
    assert not history.can_redo()
    assert history.undo_labels() == ["Change title"]


def test_an_edit_that_changes_nothing_is_not_recorded(history: History) -> None:
    assert history.push(SetValue(("sessions", 1, "day"), 1)) is None
    assert history.push(SetValue(("sessions", 1, "day"), "1")) is None
    assert history.push(MoveItem(("sessions",), 1, 1)) is None
    assert not history.can_undo()


# --- merging -------------------------------------------------------------------------------


def test_typing_in_one_field_is_one_undo_step(history: History) -> None:
    typing(history, "Psilocybin")
    assert history.protocol.metadata.title == "Psilocybin"
    assert history.undo_labels() == ["Change title"]
    history.undo()
    assert history.protocol.metadata.title == ""
    history.redo()
    assert history.protocol.metadata.title == "Psilocybin"


def test_typing_in_another_field_or_after_seal_starts_a_new_step(history: History) -> None:
    typing(history, "Abc")
    typing(history, "XY", ("metadata", "acronym"))
    assert len(history.undo_labels()) == 2
    history.seal()
    typing(history, "XYZ", ("metadata", "acronym"))
    assert len(history.undo_labels()) == 3
    history.undo()
    assert history.protocol.metadata.acronym == "XY"


def test_edits_without_merge_key_never_merge(history: History) -> None:
    history.push(SetValue(TITLE, "A"))
    history.push(SetValue(TITLE, "AB"))
    assert len(history.undo_labels()) == 2


# --- clean state ---------------------------------------------------------------------------


def test_clean_state_follows_undo_and_redo(history: History) -> None:
    assert history.is_clean()
    history.push(SetValue(TITLE, "A"))
    assert not history.is_clean()
    history.mark_clean()
    assert history.is_clean()
    history.undo()
    assert not history.is_clean()
    history.redo()
    assert history.is_clean()


def test_typing_after_save_makes_the_document_dirty(history: History) -> None:
    typing(history, "Ab")
    history.mark_clean()
    typing(history, "Abc")
    assert not history.is_clean()
    history.undo()
    assert history.is_clean()
    assert history.protocol.metadata.title == "Ab"


def test_mark_dirty_forgets_the_saved_state(history: History) -> None:
    history.mark_dirty()
    assert not history.is_clean()
    history.push(SetValue(TITLE, "A"))
    history.undo()
    assert not history.is_clean()
    history.mark_clean()
    assert history.is_clean()


def test_a_saved_state_on_the_dropped_redo_stack_is_unreachable(history: History) -> None:
    history.push(SetValue(TITLE, "A"))
    history.mark_clean()
    history.undo()
    history.push(SetValue(TITLE, "B"))
    assert not history.is_clean()
    history.undo()
    assert not history.is_clean()


def test_the_limit_drops_the_oldest_steps() -> None:
    history = History(small_protocol(), limit=3)
    history.mark_clean()
    for n in range(5):
        history.push(SetValue(TITLE, f"T{n}"))
    assert len(history.undo_labels()) == 3
    while history.undo():
        pass
    assert history.protocol.metadata.title == "T1"
    assert not history.is_clean()


# --- integrity -----------------------------------------------------------------------------


def test_an_edit_that_breaks_a_reference_is_refused(history: History) -> None:
    before = canonical_json(history.protocol)
    with pytest.raises(IntegrityError) as info:
        history.push(RemoveItem(("roles",), 0))
    assert str(info.value) == (
        "$.sessions[1].staff[0].role_id: Remove role refused: unknown role 'lead'"
    )
    assert canonical_json(history.protocol) == before
    assert not history.can_undo()


def test_moving_a_dosing_session_before_day_one_is_refused(history: History) -> None:
    with pytest.raises(IntegrityError, match="a dosing session cannot precede day 1"):
        history.push(SetValue(("sessions", 1, "day"), -1))
    assert history.protocol.sessions[1].day == 1


def test_existing_problems_do_not_block_unrelated_edits() -> None:
    protocol = small_protocol()
    protocol.sessions[0].setting_id = "missing-room"  # a problem the file already had
    history = History(protocol)
    history.push(RemoveItem(("sessions",), 1))  # shifts no problem into a new one
    history.push(SetValue(TITLE, "Still editable"))
    assert history.protocol.metadata.title == "Still editable"


def test_invalid_values_are_refused_and_leave_no_step(history: History) -> None:
    with pytest.raises(CommandError, match="greater than 0"):
        history.push(SetValue(("sessions", 1, "dosing", "administrations", 0, "dose"), 0))
    assert not history.can_undo()


# --- groups ----------------------------------------------------------------------------------


def test_a_group_is_one_step_checked_as_a_whole(history: History) -> None:
    with history.group("Make the preparation a dosing session"):
        history.push(SetValue(("sessions", 0, "day"), 2))
        history.push(SetValue(("sessions", 0, "kind"), "dosing"))  # unsound until the next edit
        history.push(SetValue(("sessions", 0, "dosing"), {"observation_hours": 6}))
    assert history.undo_labels() == ["Make the preparation a dosing session"]
    history.undo()
    assert history.protocol.sessions[0].kind == "preparation"
    assert history.protocol.sessions[0].dosing is None
    history.redo()
    assert history.protocol.sessions[0].dosing is not None


def test_a_group_that_ends_unsound_is_rolled_back(history: History) -> None:
    before = canonical_json(history.protocol)
    with pytest.raises(IntegrityError, match="needs its dosing details"):  # noqa: SIM117
        with history.group("Half an edit"):
            history.push(SetValue(("sessions", 0, "day"), 2))
            history.push(SetValue(("sessions", 0, "kind"), "dosing"))
    assert canonical_json(history.protocol) == before
    assert not history.can_undo()


def test_a_group_that_raises_is_rolled_back(history: History) -> None:
    before = canonical_json(history.protocol)
    with pytest.raises(CommandError):  # noqa: SIM117
        with history.group("Bad"):
            history.push(SetValue(TITLE, "X"))
            history.push(SetValue(("sessions", 0, "day"), "soon"))
    assert canonical_json(history.protocol) == before


# --- the change signal -----------------------------------------------------------------------


def test_listeners_hear_which_paths_changed(history: History) -> None:
    heard: list[Change] = []
    history.changed.connect(heard.append)
    history.push(SetValue(TITLE, "A"))
    history.push(InsertItem(("sessions",), 2, {"id": "fu", "kind": "follow_up", "day": 30}))
    history.undo()
    history.reset(small_protocol())
    assert [(c.reason, c.paths) for c in heard] == [
        ("push", (TITLE,)),
        ("push", (("sessions",),)),
        ("undo", (("sessions",),)),
        ("reset", ()),
    ]
    assert heard[1].touches(("sessions", 2, "day"))
    assert heard[1].touches(())
    assert not heard[0].touches(("sessions",))
    assert heard[3].touches(("anything",))
    history.changed.disconnect(heard.append)
    history.push(SetValue(TITLE, "B"))
    assert len(heard) == 4


def test_merged_typing_is_reported_as_a_merge(history: History) -> None:
    reasons: list[str] = []
    history.changed.connect(lambda change: reasons.append(change.reason))
    typing(history, "Abc")
    assert reasons == ["push", "merge", "merge"]
    assert history.revision == 3


def test_reset_clears_the_stacks(history: History) -> None:
    history.push(SetValue(TITLE, "A"))
    history.reset(small_protocol())
    assert not history.can_undo()
    assert history.is_clean()


# --- property: any sequence of edits, then undo-all, gives the original ----------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every place in a protocol's JSON with its current value."""
    found = [(prefix, value)] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-400, 400),
    st.floats(-10, 100, allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["dosing", "group", "ug", "2026-01-31", "lead", "active"]),
)


def _like(current: Any) -> st.SearchStrategy[Any]:
    """Values of the same JSON type as ``current``."""
    if isinstance(current, bool):
        same: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(current, int):
        same = st.integers(-30, 400)
    elif isinstance(current, float):
        same = st.floats(0.01, 100, allow_nan=False)
    elif isinstance(current, str):
        same = st.text(max_size=12)
    else:
        return st.just(current) if isinstance(current, dict | list) else _SCALARS
    return same


@st.composite
def edits(draw: st.DrawFn, protocol: Protocol) -> Any:
    """Draw an edit (or "undo"/"redo") that fits the protocol's current shape."""
    fixed = {("format",), ("schema_version",), ("id",)}  # not editable in the app
    places = [p for p in _paths(protocol.model_dump(mode="json")) if p[0] not in fixed]
    lists = [(path, value) for path, value in places if isinstance(value, list)]
    choice = draw(st.sampled_from(["set", "set", "insert", "remove", "move", "undo", "redo"]))
    if choice in ("undo", "redo"):
        return choice
    if choice == "set":
        path, current = draw(st.sampled_from(places))
        value = draw(_like(current)) if draw(st.integers(0, 4)) else draw(_SCALARS)
        return SetValue(path, value, merge_key=draw(st.sampled_from([None, "t"])))
    path, items = draw(st.sampled_from(lists))
    if choice == "insert":
        item = draw(st.sampled_from(items)) if items else draw(_SCALARS)
        return InsertItem(path, draw(st.integers(0, len(items))), item)
    if not items:
        return InsertItem(path, 0, draw(_SCALARS))
    index = draw(st.integers(0, len(items) - 1))
    if choice == "remove":
        return RemoveItem(path, index)
    return MoveItem(path, index, draw(st.integers(0, len(items) - 1)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocols(max_sessions=4), st.data())
def test_any_edits_then_undo_all_restore_the_original(
    protocol: Protocol, data: st.DataObject
) -> None:
    history = History(protocol)
    original = canonical_json(protocol)
    for _ in range(data.draw(st.integers(1, 25))):
        edit = data.draw(edits(history.protocol))
        if edit == "undo":
            history.undo()
        elif edit == "redo":
            history.redo()
        else:
            before = canonical_json(history.protocol)
            try:
                history.push(edit)
            except CommandError:
                assert canonical_json(history.protocol) == before  # a refused edit leaves no trace
    while history.redo():
        pass
    furthest = canonical_json(history.protocol)
    while history.undo():
        pass
    assert canonical_json(history.protocol) == original
    assert history.is_clean()
    while history.redo():
        pass
    assert canonical_json(history.protocol) == furthest
