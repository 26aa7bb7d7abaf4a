"""Properties of the diff: diff(a, a) is empty, and applying diff(a, b) to a gives b."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from protocol_strategies import protocols, text

from papdesigner.diff import ApplyError, apply_changes, apply_to_data, diff_protocols, normalized
from papdesigner.model.fileformat import protocol_to_dict
from papdesigner.model.protocol import Criterion, Protocol, Session

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(protocols())
def test_diff_of_a_version_with_itself_is_empty(a: Protocol) -> None:
    assert not diff_protocols(a, a.model_copy(deep=True))


@SETTINGS
@given(protocols(), protocols())
def test_applying_the_changes_to_a_gives_b(a: Protocol, b: Protocol) -> None:
    diff = diff_protocols(a, b)
    rebuilt = apply_changes(diff.changes, a)
    assert normalized(protocol_to_dict(rebuilt)) == normalized(diff.b)
    # and the diff is empty exactly when only the order of order-free lists differs
    assert (not diff) == (normalized(diff.a) == normalized(diff.b))


@st.composite
def amended(draw: st.DrawFn) -> tuple[Protocol, Protocol]:
    """Draw a protocol and an amendment of it, made as an author would (order kept)."""
    a = draw(protocols())
    b = a.model_copy(deep=True)
    for _ in range(draw(st.integers(1, 6))):
        draw(st.sampled_from(_EDITS))(draw, b)
    return a, Protocol.model_validate(protocol_to_dict(b))


def _retitle_session(draw: st.DrawFn, p: Protocol) -> None:
    if p.sessions:
        draw(st.sampled_from(p.sessions)).title = draw(text)


def _change_dose(draw: st.DrawFn, p: Protocol) -> None:
    for session in p.sessions:
        if session.dosing and session.dosing.administrations:
            session.dosing.administrations[0].dose = draw(st.floats(0.5, 100))
            return


def _add_session(draw: st.DrawFn, p: Protocol) -> None:
    ids = {s.id for s in p.sessions}
    new_id = draw(st.from_regex(r"new[0-9]{1,3}", fullmatch=True).filter(lambda i: i not in ids))
    at = draw(st.integers(0, len(p.sessions)))
    p.sessions.insert(at, Session(id=new_id, kind="integration", day=draw(st.integers(1, 99))))


def _remove_session(draw: st.DrawFn, p: Protocol) -> None:
    if p.sessions:
        p.sessions.pop(draw(st.integers(0, len(p.sessions) - 1)))


def _criteria(draw: st.DrawFn, p: Protocol) -> None:
    p.eligibility.exclusion.append(Criterion(id="ex9", text=draw(text)))
    p.eligibility.inclusion = []


def _assessments(draw: st.DrawFn, p: Protocol) -> None:
    if p.sessions:
        session = draw(st.sampled_from(p.sessions))
        new = draw(st.lists(st.sampled_from(["MADRS", "C-SSRS", "vitals"])))
        # A reordering of an order-free list is by design no change, so the exact round
        # trip below cannot restore it: an author who only reorders has changed nothing.
        if sorted(new) != sorted(session.assessments):
            session.assessments = new


def _narrative(draw: st.DrawFn, p: Protocol) -> None:
    p.narrative = draw(st.dictionaries(st.sampled_from(["background", "ethics", "x_y"]), text))


def _role(draw: st.DrawFn, p: Protocol) -> None:
    p.roles[0].qualifications.psychedelic_training_hours = draw(st.integers(0, 500))
    p.roles[0].title = draw(text)


_EDITS = [
    _retitle_session,
    _change_dose,
    _add_session,
    _remove_session,
    _criteria,
    _assessments,
    _narrative,
    _role,
]


@SETTINGS
@given(amended())
def test_amendment_round_trip_is_exact(pair: tuple[Protocol, Protocol]) -> None:
    a, b = pair
    diff = diff_protocols(a, b)
    assert apply_to_data(diff.changes, diff.a) == diff.b
    assert not diff_protocols(apply_changes(diff.changes, a), b)


def test_apply_leaves_the_input_alone(base_protocol: Protocol) -> None:
    b = base_protocol.model_copy(deep=True)
    b.sessions.pop()
    diff = diff_protocols(base_protocol, b)
    before = copy.deepcopy(diff.a)
    apply_to_data(diff.changes, diff.a)
    assert diff.a == before


def test_changes_of_another_version_do_not_apply(base_protocol: Protocol) -> None:
    b = base_protocol.model_copy(deep=True)
    b.roles[1].title = "Co-therapist"
    changes = diff_protocols(base_protocol, b).changes
    other: dict[str, Any] = protocol_to_dict(base_protocol)
    other["roles"] = [r for r in other["roles"] if r["id"] != "assist"]
    with pytest.raises(ApplyError, match=r"roles\[id=assist\]"):
        apply_to_data(changes, other)
