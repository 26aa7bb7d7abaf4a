"""Hypothesis strategies that build valid, internally consistent protocols.

Shared by the file-format, export, store and diff tests: every generated
protocol passes validation and the integrity check, while its text fields range
over hostile Unicode (markup, template syntax, right-to-left text, emoji).
"""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import strategies as st

from papdesigner.model.protocol import (
    Administration,
    Arm,
    Criterion,
    Dosing,
    Eligibility,
    Endpoint,
    Metadata,
    Objective,
    Product,
    Protocol,
    Role,
    Session,
    Setting,
    Site,
    StaffAssignment,
)
from papdesigner.model.vocab import SESSION_KINDS

HOSTILE_SNIPPETS = [
    "<b>bold</b>",
    "A & B",
    "<font color=red>red</font>",
    "{{ x }}",
    "{% if %}",
    "%s %d",
    "שלום עולם",
    "مرحبا",
    "🧠💊",
    "µg ≥ ≤ ±",
    "Zoë Ångström-Núñez",
    "\\n\\t",
    "]]>",
]

text = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
        max_size=40,
    ),
    st.sampled_from(HOSTILE_SNIPPETS),
)
ident = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)


def _unique_ids(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(ident, min_size=count, max_size=count, unique=True)


@st.composite
def protocols(draw: st.DrawFn, max_sessions: int = 8) -> Protocol:
    """Draw a valid protocol with consistent cross-references."""
    arm_ids = draw(_unique_ids(draw(st.integers(1, 3))))
    role_ids = draw(_unique_ids(draw(st.integers(1, 3))))
    arms = [Arm(id=a, label=draw(text)) for a in arm_ids]
    roles = [Role(id=r, title=draw(text)) for r in role_ids]
    products = [
        Product(
            id="drug",
            substance=draw(st.sampled_from(["psilocybin", "mdma", "lsd"])),
            name=draw(text),
        )
    ]
    settings = [Setting(id="room", name=draw(text), lighting=draw(text))]
    sites = [
        Site(
            id="site1", name=draw(text), country="US", region=draw(st.sampled_from([None, "US-OR"]))
        )
    ]
    session_ids = draw(_unique_ids(draw(st.integers(0, max_sessions))))
    sessions = [draw(_sessions(sid, arm_ids, role_ids)) for sid in session_ids]
    return Protocol(
        id=uuid.UUID(int=draw(st.integers(0, 2**128 - 1))),
        metadata=Metadata(
            title=draw(text),
            acronym=draw(text),
            protocol_number=draw(text),
            version_date=draw(
                st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
            ),
        ),
        sites=sites,
        arms=arms,
        roles=roles,
        products=products,
        settings=settings,
        sessions=sessions,
        eligibility=Eligibility(
            age_min=18,
            age_max=draw(st.integers(18, 90)),
            inclusion=[Criterion(id="in1", text=draw(text))],
            exclusion=[Criterion(id="ex1", text=draw(text), code="psychosis_personal")],
        ),
        objectives=[
            Objective(
                id="obj1",
                level="primary",
                text=draw(text),
                endpoints=[
                    Endpoint(id="ep1", text=draw(text), instrument="MADRS", timepoint_week=3)
                ],
            )
        ],
        narrative=draw(
            st.dictionaries(
                st.sampled_from(["background", "rationale", "ethics"]), text, max_size=3
            )
        ),
    )


@st.composite
def _sessions(draw: st.DrawFn, session_id: str, arm_ids: list[str], role_ids: list[str]) -> Session:
    kind = draw(st.sampled_from(SESSION_KINDS))
    if kind == "screening":
        day = draw(st.integers(-60, -1))
    elif kind in ("dosing", "integration", "follow_up"):
        day = draw(st.integers(1, 400))
    else:
        day = draw(st.integers(1, 400) | st.integers(-60, -1))
    dosing = None
    if kind == "dosing":
        dosing = Dosing(
            administrations=[
                Administration(
                    arm_id=arm,
                    product_id="drug",
                    dose=draw(st.floats(0.001, 500, allow_nan=False, allow_infinity=False)),
                    unit=draw(st.sampled_from(["mg", "ug", "mg/kg"])),
                    at_hours=draw(st.sampled_from([0.0, 1.5, 2.0])),
                )
                for arm in arm_ids
            ],
            observation_hours=draw(st.one_of(st.none(), st.floats(0, 24))),
            discharge_criteria=draw(text),
        )
    return Session(
        id=session_id,
        kind=kind,
        title=draw(text),
        day=day,
        window_days=draw(st.integers(0, 7)),
        duration_hours=draw(st.one_of(st.none(), st.floats(0.25, 24))),
        setting_id="room",
        staff=[StaffAssignment(role_id=r, count=draw(st.integers(1, 3))) for r in role_ids],
        assessments=draw(st.lists(st.sampled_from(["MADRS", "C-SSRS", "vitals"]), unique=True)),
        dosing=dosing,
    )
