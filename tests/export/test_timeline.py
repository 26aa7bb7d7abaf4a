"""Qt-free timeline and schema layout data shared by the PDF and the GUI."""

from __future__ import annotations

import itertools

from protocols import rich_protocol

from papdesigner.model.protocol import Protocol
from papdesigner.model.timeline import (
    KIND_STYLES,
    SHAPES,
    build_schema,
    build_timeline,
    day_positions,
    format_dose,
)


def test_positions_are_monotone_and_span_the_width() -> None:
    positions = day_positions([-28, -1, 1, 2, 8, 183, 2])
    xs = [positions[d] for d in sorted(positions)]
    assert xs == sorted(xs) and xs[0] == 0.0 and xs[-1] == 1.0
    # no study day 0: day -1 to day 1 is as far apart as day 1 to day 2
    assert abs((positions[1] - positions[-1]) - (positions[2] - positions[1])) < 1e-9
    assert day_positions([5]) == {5: 0.5}


def test_one_lane_per_arm_and_doses_per_arm() -> None:
    tl = build_timeline(rich_protocol())
    assert [lane.label for lane in tl.lanes] == ["Psilocybin 25 mg", "Psilocybin 1 mg"]
    dosing = [m for m in tl.markers if m.kind == "dosing"]
    assert len(dosing) == 4
    labels = {(m.lane, m.day): m.doses[0] for m in dosing}
    assert labels[(0, 1)].short == "25 mg +12.5"
    assert labels[(0, 1)].text == "25 mg +12.5 mg at 1.5 h (optional)"
    assert labels[(1, 22)].short == "1 mg"


def test_close_sessions_are_stacked_not_overlapping() -> None:
    tl = build_timeline(rich_protocol(), min_separation=0.2)
    for lane in range(len(tl.lanes)):
        by_level: dict[int, list[float]] = {}
        for m in (m for m in tl.markers if m.lane == lane):
            by_level.setdefault(m.stack, []).append(m.x)
        for xs in by_level.values():
            assert all(b - a >= 0.2 - 1e-9 for a, b in itertools.pairwise(xs))
    assert tl.max_stack >= 1


def test_styles_cover_every_kind_with_a_known_shape() -> None:
    for style in KIND_STYLES.values():
        assert style.shape in SHAPES and style.colour.startswith("#")


def test_empty_protocol_has_a_single_lane_and_no_markers() -> None:
    tl = build_timeline(Protocol())
    assert tl.empty and len(tl.lanes) == 1
    assert build_schema(Protocol()).periods == ()


def test_schema_periods_and_cells() -> None:
    schema = build_schema(rich_protocol())
    assert [p.key for p in schema.periods] == ["screening", "preparation", "treatment", "follow_up"]
    treatment = schema.arms[0].cells[2]
    assert treatment[0] == "Day 1: 25 mg +12.5 mg at 1.5 h (optional)"
    assert treatment[-1] == "4 integration sessions"
    # Two arms alone do not make a randomised trial: the allocation is data.
    assert not schema.randomised and schema.sample_size == 60
    randomised = rich_protocol()
    randomised.blinding.allocation = "randomised"
    assert build_schema(randomised).randomised


def test_schema_draws_baseline_and_both_crossover_periods() -> None:
    from papdesigner.model import load_protocol
    from papdesigner.model.templates import examples_dir

    lsd = build_schema(load_protocol(examples_dir() / "lsd-anxiety.pap.json"))
    keys = [p.key for p in lsd.periods]
    assert keys[-3:] == ["treatment1", "treatment2", "follow_up"]
    first, second = lsd.periods[-3], lsd.periods[-2]
    assert first.last_day < second.first_day
    lsd_first = lsd.arms[0].cells[keys.index("treatment2")]
    assert any("placebo" in line for line in lsd_first)
    mdma = build_schema(load_protocol(examples_dir() / "mdma-ptsd.pap.json"))
    assert "baseline" in [p.key for p in mdma.periods] and mdma.randomised


def test_dose_units() -> None:
    assert format_dose(100, "ug") == "100 µg"
    assert format_dose(0.125, "mg/kg") == "0.125 mg/kg"
