"""Finding messages read as sentences: values for humans, no blanks, no leftovers.

The wording of every shipped rule is also checked on its fail fixtures
(``test_rule_fixtures._wording``); this module pins the renderer's own behaviour.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from papdesigner.rules.messages import display, render
from papdesigner.rules.report import Clause
from papdesigner.rules.textreport import _clause_text


def test_numbers_lists_and_nulls_read_as_words() -> None:
    assert display(25.0) == "25"
    assert display(2.5) == "2.5"
    assert display(None) == "none"
    assert display([]) == "none"
    assert display(["MADRS", "C-SSRS"]) == "MADRS, C-SSRS"
    assert display(True) == "yes"


def test_blank_text_of_the_protocol_shows_as_none() -> None:
    """ "instrument named:   ." was what a reviewer read for a blank field."""
    text, problems = render("named: {p.safety.x}.", {"p": {"safety": {"x": "   "}}})
    assert (text, problems) == ("named: none.", [])


def test_quotes_go_with_a_missing_value() -> None:
    context = {"p": {"specialty": "", "model": None, "route": "oral"}}
    text, _ = render('specialty is "{p.specialty}"; model "{p.model}"; "{p.route}".', context)
    assert text == 'specialty is none; model none; "oral".'


def test_an_empty_value_text_stays_an_optional_part() -> None:
    context: dict[str, Any] = {"it": {"title": "Dosing"}, "remote": "", "n": "1 facilitator"}
    text, _ = render("{it.title} has {n} present{remote}.", context)
    assert text == "Dosing has 1 facilitator present."


def test_a_folded_expression_is_one_line_in_the_text_report() -> None:
    clause = Clause(expr="!p.dosing_sessions.exists(d,\n  d.x == 1)\n", value=False)
    assert _clause_text(clause) == "false !p.dosing_sessions.exists(d, d.x == 1)"


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2)
    ),
    max_leaves=8,
)


@given(value=_values, before=st.sampled_from(["", '"', "x "]), after=st.sampled_from(["", '"']))
def test_any_value_renders_as_words(value: object, before: str, after: str) -> None:
    """Whatever a field holds, the text shows no Python spelling of it."""
    text, problems = render(before + "{p.v}" + after, {"p": {"v": value}})
    assert problems == []
    assert not re.search(r"\b(None|True|False|null)\b|[{}\[\]]", text)
    assert not re.search(r"\d\.0\b", text)
