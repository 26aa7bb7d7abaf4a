"""The typed view of a protocol that the PDF templates read.

Templates receive the protocol itself (``p``, the pydantic model: every field is
typed) and this view (``v``): everything derived for print -- references joined
(role, setting, product, arm names), doses formatted, sessions in time order, the
schedule of activities, the compliance report and the checklists. Nothing here
knows about reportlab, so the view is cheap to build and easy to test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from papdesigner import __version__
from papdesigner.export.checklist_status import ChecklistView, checklist_views
from papdesigner.export.compliance import ComplianceView, compliance_view
from papdesigner.export.facts import DesignFacts, design_facts
from papdesigner.model.catalogues import instruments, narrative_sections
from papdesigner.model.fileformat import fingerprint
from papdesigner.model.protocol import (
    Administration,
    Protocol,
    Role,
    Session,
    Setting,
)
from papdesigner.model.timeline import dose_text, format_dose, format_number, is_placebo
from papdesigner.model.vocab import label

if TYPE_CHECKING:
    from papdesigner.rules.report import Report

SOA_COLUMNS_PER_TABLE = 13
"""Assessment columns (0.86 cm, labels drawn upright) that fit beside the session columns."""

RESPCT_SETTING_ITEMS: tuple[tuple[int, str, str], ...] = (
    (1, "Location", "location"),
    (2, "Ambiance", "ambiance"),
    (3, "Access to nature", "nature_access"),
    (4, "Objects and decorations", "objects_decor"),
    (5, "Lighting", "lighting"),
    (6, "Sensory reduction", "sensory_reduction"),
    (7, "Bathroom facilities", "bathroom"),
    (9, "Positioning", "positioning"),
    (11, "Music or soundscapes", "music"),
)
"""ReSPCT 2025 items stored on a setting: (item number, official name, field)."""


@dataclass(frozen=True)
class StaffLine:
    """One role attending a session, with its qualifications spelled out."""

    title: str
    count: int
    present_throughout: bool
    qualifications: str


@dataclass(frozen=True)
class DoseLine:
    """One administration, resolved and formatted."""

    arm: str
    product: str
    dose: str
    route: str
    at_hours: str
    supplemental: bool
    optional: bool


@dataclass(frozen=True)
class SessionView:
    """A session with its references resolved, as the session plan prints it."""

    session: Session
    number: int
    kind: str
    heading: str
    day_text: str
    arms: str
    setting: Setting | None
    staff: tuple[StaffLine, ...]
    doses: tuple[DoseLine, ...]


@dataclass(frozen=True)
class SoaRow:
    """One session row of a schedule-of-activities table: a mark per assessment column."""

    session: SessionView
    marks: tuple[bool, ...]


@dataclass(frozen=True)
class SoaTable:
    """One schedule-of-activities table (assessment columns are split over several)."""

    columns: tuple[str, ...]
    rows: tuple[SoaRow, ...]


@dataclass(frozen=True)
class SoaBlock:
    """One block of the conventional schedule of activities: procedures as rows, visits as columns.

    ``rows`` are (label, marks, note) with one mark per visit of the block; the row labels are
    repeated in every block.
    """

    visits: tuple[SessionView, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class SettingView:
    """A setting with its ReSPCT items in item order."""

    setting: Setting
    items: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class ArmDoses:
    """Per arm: the dose line of each dosing session it attends."""

    arm: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class NarrativeView:
    """A free-text section, placed by its ICH M11 section (catalogue order within it)."""

    key: str
    heading_key: str
    title: str
    text: str


@dataclass(frozen=True)
class ProtocolView:
    """Everything derived from a protocol and its check report for the PDF."""

    fingerprint: str
    exported: str
    app_version: str
    sessions: tuple[SessionView, ...]
    soa: tuple[SoaTable, ...]
    assessments: tuple[str, ...]
    settings: tuple[SettingView, ...]
    roles: tuple[tuple[Role, str], ...]
    arm_doses: tuple[ArmDoses, ...]
    compliance: ComplianceView
    checklists: tuple[ChecklistView, ...]
    narrative: Mapping[str, tuple[NarrativeView, ...]]
    counts: Mapping[str, int] = field(default_factory=dict)
    facts: DesignFacts | None = None
    soa_blocks: tuple[SoaBlock, ...] = ()

    def narratives(self, m11: str) -> tuple[NarrativeView, ...]:
        """The free-text sections that belong in ICH M11 section ``m11`` (exactly that number)."""
        return self.narrative.get(m11, ())

    def instruments(self, names: list[str] | tuple[str, ...]) -> str:
        """The reader's names of assessments, joined with commas (never catalogue codes)."""
        return ", ".join(instrument_label(n) for n in names)

    def filled(self, *m11: str) -> tuple[NarrativeView, ...]:
        """The free-text sections of the M11 sections ``m11`` that hold text, in order."""
        return tuple(n for number in m11 for n in self.narratives(number) if n.text.strip())

    @property
    def draft(self) -> bool:
        """True while unwaived errors remain (or no check report could be made)."""
        return self.compliance.draft


def qualification_text(role: Role) -> str:
    """Spell out a role's qualifications in one line."""
    q = role.qualifications
    parts = [label(q.degree) if q.degree != "none" else "no degree required"]
    if q.profession:
        parts.append(q.profession)
    parts.append("licensed" if q.licensed else "not licensed")
    if q.independent_practice:
        parts.append("independent practice")
    parts.append(f"{format_number(q.mental_health_experience_years)} y mental-health experience")
    parts.append(f"{format_number(q.psychedelic_training_hours)} h psychedelic training")
    if q.bls_certified:
        parts.append("BLS certified")
    return ", ".join(parts)


def _day_text(session: Session) -> str:
    window = f" ± {session.window_days}" if session.window_days else ""
    return f"Day {session.day}{window}"


def _dose_line(admin: Administration, p: Protocol) -> DoseLine:
    arm = p.arm(admin.arm_id)
    product = p.product(admin.product_id)
    return DoseLine(
        arm=arm.label if arm else admin.arm_id,
        product=product.name if product else admin.product_id,
        dose=(
            f"placebo (matching {format_dose(admin.dose, admin.unit)})"
            if is_placebo(admin, p)
            else format_dose(admin.dose, admin.unit)
        ),
        route=label(admin.route),
        at_hours=format_number(admin.at_hours),
        supplemental=admin.supplemental,
        optional=admin.optional,
    )


def _session_view(number: int, s: Session, p: Protocol) -> SessionView:
    staff = []
    for assignment in s.staff:
        role = p.role(assignment.role_id)
        staff.append(
            StaffLine(
                role.title if role else assignment.role_id,
                assignment.count,
                assignment.present_throughout,
                qualification_text(role) if role else "",
            )
        )
    arms = ", ".join(a.label if (a := p.arm(i)) else i for i in s.arm_ids) or "All arms"
    title = s.title or label(s.kind)
    doses = tuple(_dose_line(a, p) for a in s.dosing.administrations) if s.dosing else ()
    return SessionView(
        session=s,
        number=number,
        kind=label(s.kind),
        heading=f"{_day_text(s)}: {title}",
        day_text=_day_text(s),
        arms=arms,
        setting=p.setting(s.setting_id),
        staff=tuple(staff),
        doses=doses,
    )


def _soa(sessions: tuple[SessionView, ...]) -> tuple[tuple[str, ...], tuple[SoaTable, ...]]:
    columns = tuple(dict.fromkeys(a for sv in sessions for a in sv.session.assessments))
    tables = []
    for start in range(0, len(columns), SOA_COLUMNS_PER_TABLE):
        chunk = columns[start : start + SOA_COLUMNS_PER_TABLE]
        rows = tuple(
            SoaRow(sv, tuple(c in sv.session.assessments for c in chunk)) for sv in sessions
        )
        tables.append(SoaTable(chunk, rows))
    return columns, tuple(tables)


SOA_VISITS_PER_BLOCK = 11
"""Visit columns (1.1 cm) that fit beside the procedure labels on a portrait page."""


def _soa_rows(sessions: tuple[SessionView, ...], p: Protocol) -> list[tuple[str, tuple[str, ...]]]:
    """Procedure rows of the schedule, in the order a reader expects them.

    Consent is marked at the first visit (consent precedes every trial procedure);
    randomisation, when the protocol randomises, at the last visit before the first
    dosing session (the data give no finer timing, and the footnote says so).
    """
    first_dosing = min((s.session.day for s in sessions if s.doses), default=None)
    before = [s for s in sessions if first_dosing is not None and s.session.day < first_dosing]
    randomise_at = before[-1].session.id if before else None
    rows: list[tuple[str, tuple[str, ...]]] = []

    def row(name: str, marks: list[str]) -> None:
        if any(marks):
            rows.append((name, tuple(marks)))

    row("Informed consent", ["X" if i == 0 else "" for i in range(len(sessions))])
    if p.blinding.allocation == "randomised" and len(p.arms) > 1:
        row("Randomisation", ["R" if s.session.id == randomise_at else "" for s in sessions])
    kinds = (
        ("screening", "Screening visit"),
        ("preparation", "Preparation session"),
        ("dosing", "Dosing session"),
        ("integration", "Integration session"),
    )
    for kind, name in kinds:
        row(name, ["X" if s.session.kind == kind else "" for s in sessions])
    row(
        "Follow-up visit",
        ["X" if s.session.kind == "follow_up" and not s.session.remote else "" for s in sessions],
    )
    row(
        "Follow-up call or remote contact",
        ["X" if s.session.kind == "follow_up" and s.session.remote else "" for s in sessions],
    )
    row("Other visit", ["X" if s.session.kind == "other" else "" for s in sessions])
    assessments = dict.fromkeys(a for s in sessions for a in s.session.assessments)
    for a in assessments:
        name = instrument_label(a)
        row(name, ["X" if a in s.session.assessments else "" for s in sessions])
    return rows


def _soa_blocks(sessions: tuple[SessionView, ...], p: Protocol) -> tuple[SoaBlock, ...]:
    rows = _soa_rows(sessions, p)
    blocks = []
    for start in range(0, len(sessions), SOA_VISITS_PER_BLOCK):
        end = start + SOA_VISITS_PER_BLOCK
        blocks.append(
            SoaBlock(sessions[start:end], tuple((name, marks[start:end]) for name, marks in rows))
        )
    return tuple(blocks)


def instrument_label(name: str) -> str:
    """The reader's name of an assessment: the catalogue's short name, else the text as given."""
    entry = instruments().resolve(name)
    return entry.name if entry is not None else name


def _arm_doses(p: Protocol) -> tuple[ArmDoses, ...]:
    dosing = sorted((s for s in p.sessions if s.dosing is not None), key=lambda s: s.day)
    result = []
    for arm in p.arms:
        lines = []
        for s in dosing:
            if s.arm_ids and arm.id not in s.arm_ids:
                continue
            assert s.dosing is not None
            admins = [a for a in s.dosing.administrations if a.arm_id == arm.id]
            lines.append((_day_text(s), dose_text(admins, p)))
        result.append(ArmDoses(arm.label or arm.id, tuple(lines)))
    return tuple(result)


def _narrative(p: Protocol) -> dict[str, tuple[NarrativeView, ...]]:
    placed: dict[str, list[NarrativeView]] = {}
    catalogue = narrative_sections()
    for entry in catalogue:
        key = entry.key()
        text = p.narrative.get(key, "")
        # Place by the M11 section the catalogue names first (2.1, 6.7.2, 11.12).
        placed.setdefault(entry.m11[0], []).append(
            NarrativeView(key, f"narrative.{key}", entry.title, text)
        )
    for key, text in p.narrative.items():
        if key not in catalogue:
            title = key.replace("_", " ").capitalize()
            placed.setdefault("12.4", []).append(
                NarrativeView(key, f"narrative.{key}", title, text)
            )
    return {m11: tuple(views) for m11, views in placed.items()}


def print_view(
    protocol: Protocol,
    report: Report | None,
    *,
    today: dt.date | None = None,
    left_out: tuple[str, ...] = (),
) -> ProtocolView:
    """Derive the print view of ``protocol`` with its check ``report`` (or None: not checked).

    ``left_out``: rule sets that apply to the protocol but that the report did not check.
    """
    ordered = sorted(protocol.sessions, key=lambda s: (s.day, s.id))
    sessions = tuple(_session_view(i + 1, s, protocol) for i, s in enumerate(ordered))
    assessments, soa = _soa(sessions)
    settings = tuple(
        SettingView(
            s, tuple((no, name, getattr(s, attr)) for no, name, attr in RESPCT_SETTING_ITEMS)
        )
        for s in protocol.settings
    )
    kinds = [s.kind for s in protocol.sessions]
    compliance = compliance_view(protocol, report, left_out)
    return ProtocolView(
        fingerprint=fingerprint(protocol),
        exported=(today or dt.datetime.now(dt.UTC).date()).isoformat(),
        app_version=__version__,
        sessions=sessions,
        soa=soa,
        assessments=assessments,
        settings=settings,
        roles=tuple((r, qualification_text(r)) for r in protocol.roles),
        arm_doses=_arm_doses(protocol),
        compliance=compliance,
        checklists=checklist_views(protocol, compliance),
        narrative=_narrative(protocol),
        counts={kind: kinds.count(kind) for kind in dict.fromkeys(kinds)},
        facts=design_facts(protocol),
        soa_blocks=_soa_blocks(sessions, protocol),
    )
