"""Every shipped example: compared with itself, and amended as a real amendment would be."""

from __future__ import annotations

import pytest

from papdesigner.diff import apply_to_data, build_summary, diff_protocols, summary_to_text
from papdesigner.model import load_protocol
from papdesigner.model.protocol import Protocol, Session
from papdesigner.model.templates import template_names, template_path

EXAMPLES = template_names()


def amend(p: Protocol) -> tuple[Protocol, str]:
    """Add an integration session after the last one and lower the first dose by a fifth."""
    b = p.model_copy(deep=True)
    last = max(s.day for s in b.sessions)
    b.sessions.append(
        Session(
            id="amend_integ",
            kind="integration",
            title="Extra integration",
            day=last + 7,
            duration_hours=1.5,
        )
    )
    dosing = next(s for s in b.sessions if s.dosing and s.dosing.administrations)
    assert dosing.dosing is not None
    first = dosing.dosing.administrations[0]
    first.dose = round(first.dose * 0.8, 3)
    return (
        b,
        f"sessions[id={dosing.id}].dosing.administrations[arm_id={first.arm_id},product_id={first.product_id}].dose",
    )


@pytest.mark.skipif(not EXAMPLES, reason="no shipped examples yet")
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_against_itself_and_an_amendment(name: str) -> None:
    a = load_protocol(template_path(name))
    assert not diff_protocols(a, a.model_copy(deep=True))
    b, dose_key = amend(a)
    diff = diff_protocols(a, b)
    assert [(c.kind, c.key) for c in diff.changes] == [
        ("modified", dose_key),
        ("added", "sessions[id=amend_integ]"),
    ]
    assert apply_to_data(diff.changes, diff.a) == diff.b
    text = summary_to_text(build_summary(diff))
    assert "2 changes in 2 sections: 1 added, 0 removed, 1 modified" in text
    assert "Added session “Extra integration” (amend_integ)" in text
