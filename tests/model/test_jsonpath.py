"""JSON paths: one spelling, parsed back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papdesigner.model.jsonpath import format_path, parse_path


def test_examples() -> None:
    assert format_path(()) == "$"
    assert format_path(("sessions", 3, "dosing", "administrations", 0, "dose")) == (
        "$.sessions[3].dosing.administrations[0].dose"
    )
    assert format_path(("narrative", "odd key")) == '$.narrative["odd key"]'


@given(st.lists(st.one_of(st.integers(0, 10**6), st.text(max_size=12)), max_size=6))
def test_round_trip(parts: list[str | int]) -> None:
    assert parse_path(format_path(parts)) == tuple(parts)


@pytest.mark.parametrize("bad", ["sessions[0]", "$.", "$[x]", "$.a..b", "$.a[-1]"])
def test_malformed_paths(bad: str) -> None:
    with pytest.raises(ValueError, match="JSON path"):
        parse_path(bad)
