"""Generated sentences are true for the protocol at hand.

The design sentences of the PDF (randomised or not, who is blinded, crossover periods,
comparators and placebo, follow-up relative to the last dosing session) are rendered for
mutated protocols through the real templates, and each is checked against the model.
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papdesigner.export.facts import day_of_week, design_facts, week_of_day
from papdesigner.export.markup import Bullets, Missing, Para, TableBlock
from papdesigner.export.pipeline import make_blocks, make_view
from papdesigner.model import load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.model.templates import examples_dir


def _example(name: str) -> Protocol:
    return load_protocol(examples_dir() / f"{name}.pap.json")


def _text(protocol: Protocol) -> str:
    """Every paragraph, list item and table cell the templates print, as plain text."""
    doc = make_blocks(protocol, make_view(protocol, None), None)
    parts: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para | Missing):
            parts.append(block.markup)
        elif isinstance(block, Bullets):
            parts.extend(block.items)
        elif isinstance(block, TableBlock):
            parts.extend(c.markup for row in block.rows for c in row)
    plain = html.unescape(re.sub(r"<[^>]*>", " ", " \n ".join(parts)))
    return " ".join(plain.split())


@pytest.mark.parametrize("allocation", ["randomised", "non_randomised", "unspecified"])
@pytest.mark.parametrize("name", ["mdma-ptsd", "oregon-service-center"])
def test_randomisation_sentence_follows_the_allocation(name: str, allocation: str) -> None:
    p = _example(name)
    p.blinding.allocation = allocation  # type: ignore[assignment]
    text = _text(p)
    says_randomised = "Participants are randomised" in text
    assert says_randomised == (allocation == "randomised")
    if allocation == "non_randomised":
        assert "Participants are not randomised" in text
    if allocation == "unspecified":
        assert "does not specify how participants are assigned" in text


def test_oregon_service_is_not_said_to_be_randomised() -> None:
    text = _text(_example("oregon-service-center"))
    assert "Participants are randomised" not in text
    assert "randomisation takes place" not in text


def test_single_arm_protocol_has_no_assignment_or_randomisation() -> None:
    p = _example("mdma-ptsd")
    p.blinding.allocation = "randomised"
    keep = p.arms[0].id
    p.arms = p.arms[:1]
    for s in p.sessions:
        if s.dosing:
            s.dosing.administrations = [a for a in s.dosing.administrations if a.arm_id == keep]
    text = _text(p)
    assert "Participants are randomised" not in text
    assert "single group" in text
    assert "there is no assignment to arms" in text


@pytest.mark.parametrize(
    "flags",
    [(False, False, False), (True, False, False), (True, True, False), (True, True, True)],
)
def test_blinding_sentence_names_exactly_who_is_blinded(flags: tuple[bool, bool, bool]) -> None:
    p = _example("psilocybin-trd")
    b = p.blinding
    b.participants, b.therapists, b.outcome_assessors = flags
    text = _text(p)
    who = [
        w
        for w, f in zip(("participants", "therapists", "outcome assessors"), flags, strict=True)
        if f
    ]
    if not who:
        assert "No one is blinded" in text
        assert "Not applicable: no one is blinded." in text
    else:
        sentence = re.search(r"([A-Z][a-z ,]+) (?:is|are) blinded to the assigned", text)
        assert sentence is not None
        named = sentence.group(1).lower()
        for w in ("participants", "therapists", "outcome assessors"):
            assert (w in named) == (w in who), (w, named)


def test_crossover_is_described_with_its_periods() -> None:
    p = _example("lsd-anxiety")
    facts = design_facts(p)
    assert facts.crossover
    text = _text(p)
    assert "crossover design" in text
    for plan in facts.plans:
        assert [per.placebo for per in plan.periods] in ([False, True], [True, False])
        first = plan.periods[0]
        assert f"period 1 ({first.days})" in text


def test_parallel_design_is_not_called_a_crossover() -> None:
    text = _text(_example("mdma-ptsd"))
    assert "parallel groups" in text and "crossover" not in text.lower()


def test_without_placebo_no_arm_is_said_to_receive_placebo() -> None:
    p = _example("mdma-ptsd")
    for s in p.sessions:
        if s.dosing:
            s.dosing.administrations = [
                a for a in s.dosing.administrations if a.arm_id != "placebo"
            ]
    text = _text(p)
    assert "which receives placebo" not in text
    assert "placebo (matching" not in text
    with_placebo = _text(_example("mdma-ptsd"))
    assert "which receives placebo" in with_placebo


def test_mdma_follow_up_is_relative_to_the_last_dosing_session() -> None:
    """Week 7 precedes the third dosing session (day 57): the PDF says so, not "after treatment"."""
    text = _text(_example("mdma-ptsd"))
    assert "followed for 52 weeks after treatment" not in text
    assert "The last dosing session is on day 57" in text
    assert "The assessment at week 7 falls before the last dosing session" in text
    assert "The last planned contact is on day 365, 44 weeks after the last dosing session." in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    last_dose=st.integers(min_value=1, max_value=200),
    weeks=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=5, unique=True),
)
def test_follow_up_sentences_match_the_model(last_dose: int, weeks: list[int]) -> None:
    p = _example("psilocybin-aud")
    dosing = sorted((s for s in p.sessions if s.dosing), key=lambda s: s.day)
    first_day = dosing[0].day
    dosing[-1].day = max(last_dose, first_day)
    p.follow_up.timepoints_weeks = [float(w) for w in weeks]
    facts = design_facts(p)
    sentences = " ".join(facts.follow_up_sentences())
    last = facts.last_dosing_day
    assert last == max(s.day for s in p.sessions if s.dosing)
    assert f"The last dosing session is on day {last} " in sentences
    before = sorted(w for w in weeks if day_of_week(w) < last)
    if before:
        assert "before the last dosing session" in sentences
        listed = re.search(r"at week ([\d, and]+) falls? before", sentences)
        assert listed is not None
        numbers = [int(n) for n in re.findall(r"\d+", listed.group(1))]
        assert numbers == before
    else:
        assert "before the last dosing session" not in sentences
    last_day = max(s.day for s in p.sessions)
    if last_day > last:
        weeks_after = round((last_day - last) / 7, 1)
        assert f"day {last_day}, " in sentences
        assert float(re.search(r"day \d+, ([\d.]+) weeks after", sentences).group(1)) == weeks_after  # type: ignore[union-attr]
    assert week_of_day(8) == 1 and day_of_week(1) == 8


@pytest.mark.parametrize("secondary", [0, 1, 3])
def test_registration_synopsis_counts_the_secondary_endpoints(secondary: int) -> None:
    from papdesigner.model.protocol import Endpoint, Objective

    p = _example("psilocybin-trd")
    p.objectives = [o for o in p.objectives if o.level != "secondary"]
    endpoints = [Endpoint(id=f"sec_ep{i}", text=f"Secondary {i}") for i in range(secondary)]
    if secondary:
        p.objectives.append(
            Objective(id="sec", level="secondary", text="Secondary aims", endpoints=endpoints)
        )
    plural = "" if secondary == 1 else "s"
    assert f"{secondary} secondary endpoint{plural} (section 3.2)" in _text(p)


def test_optional_and_supplemental_doses_are_listed_in_the_dose_modification_section() -> None:
    p = _example("mdma-ptsd")
    given = [a for s in p.sessions if s.dosing for a in s.dosing.administrations]
    for a in given:
        a.optional = a.supplemental = False
    text = _text(p)
    assert "Doses that depend on the session:" not in text
    assert "No dose modification is specified in this protocol." in text
    given[0].optional = True
    text = _text(p)
    assert "Doses that depend on the session:" in text
    assert "(optional, given only if clinically appropriate)" in text


@pytest.mark.parametrize("name", ["lsd-anxiety", "mdma-ptsd", "psilocybin-trd"])
def test_control_sentence_says_placebo_only_for_arms_given_nothing_else(name: str) -> None:
    """A crossover comparator that later gets the drug is not said to 'receive placebo'."""
    p = _example(name)
    sentence = design_facts(p).control_sentence()
    placebo = {prod.id for prod in p.products if prod.substance == "placebo"}
    for arm in p.arms:
        given = {
            a.product_id
            for s in p.sessions
            if s.dosing
            for a in s.dosing.administrations
            if a.arm_id == arm.id
        }
        whole = f"{arm.label} ({arm.role.replace('_', ' ')}), which receives placebo."
        only_placebo = bool(given) and given <= placebo
        if only_placebo and arm.role == "placebo":
            assert whole in sentence
        else:
            assert whole not in sentence
        if given & placebo and given - placebo and f"{arm.label} (" in sentence:
            assert "which receives placebo on days" in sentence and ", then " in sentence


@pytest.mark.parametrize(("days", "fatal"), [(15, 7), (10, 5), (None, None)])
def test_ind_reporting_timelines_are_stated_once_and_as_the_protocol_says(
    days: int | None, fatal: int | None
) -> None:
    p = _example("mdma-ptsd")
    assert p.context == "ind_trial"
    p.safety.susar_report_days, p.safety.susar_fatal_report_days = days, fatal
    text = _text(p)
    regulation = "Under the US IND regulations (21 CFR 312.32(c))"
    if (days, fatal) == (15, 7):
        assert "reported to the FDA within 15 calendar days" in text
        assert "within 7 calendar days: the timelines of the US IND regulations" in text
        assert regulation not in text  # the same numbers are not printed twice
    else:
        assert regulation in text and "reported to the FDA within" not in text
        if days is not None:
            assert f"reported to the regulator within {days} calendar days" in text
