"""Upgrading older protocol files to the current ``schema_version``.

A migration is a plain function from the raw JSON object of version N to that of
version N + 1, registered with :func:`migrator`. Migrations work on dicts, before
validation, so they can rename and reshape freely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from papdesigner.model.protocol import SCHEMA_VERSION

RawProtocol = dict[str, Any]
Migration = Callable[[RawProtocol], RawProtocol]

_MIGRATIONS: dict[int, Migration] = {}


class MigrationError(ValueError):
    """A file's schema version cannot be upgraded."""


def migrator(from_version: int) -> Callable[[Migration], Migration]:
    """Register a function that upgrades a raw protocol from ``from_version`` by one."""

    def register(func: Migration) -> Migration:
        if from_version in _MIGRATIONS:
            msg = f"two migrations from schema version {from_version}"
            raise RuntimeError(msg)
        _MIGRATIONS[from_version] = func
        return func

    return register


def migrate(raw: RawProtocol) -> RawProtocol:
    """Return ``raw`` upgraded to the current schema version (a new dict; input untouched).

    A file without ``schema_version`` predates the key and is read as version 0.
    """
    version = raw.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        msg = f"schema_version must be an integer, not {version!r}"
        raise MigrationError(msg)
    if version > SCHEMA_VERSION:
        msg = (
            f"schema_version {version} is newer than this papdesigner understands "
            f"({SCHEMA_VERSION}); update papdesigner to open it"
        )
        raise MigrationError(msg)
    upgraded = dict(raw)
    while version < SCHEMA_VERSION:
        step = _MIGRATIONS.get(version)
        if step is None:
            msg = f"no migration from schema_version {version}"
            raise MigrationError(msg)
        upgraded = step(upgraded)
        version += 1
        upgraded["schema_version"] = version
    return upgraded


def _rename(obj: dict[str, Any], old: str, new: str) -> None:
    if old in obj and new not in obj:
        obj[new] = obj.pop(old)


@migrator(from_version=0)
def _v0_to_v1(raw: RawProtocol) -> RawProtocol:
    """Version 0 (pre-release drafts) spelled several keys differently.

    ``metadata.date`` became ``version_date``; a session's ``day_offset`` and
    ``planned_duration_h`` became ``day`` and ``duration_hours``; its ``monitors``
    became ``staff``; an administration's ``dose_mg`` / ``dose_ug`` became a
    ``dose`` with a ``unit``.
    """
    out = dict(raw)
    out.setdefault("format", "papdesigner-protocol")
    metadata = dict(out.get("metadata") or {})
    _rename(metadata, "date", "version_date")
    out["metadata"] = metadata
    out["sessions"] = [_v0_session(s) for s in out.get("sessions") or []]
    return out


def _v0_session(session: Any) -> Any:
    if not isinstance(session, dict):
        return session
    s = dict(session)
    _rename(s, "day_offset", "day")
    _rename(s, "planned_duration_h", "duration_hours")
    _rename(s, "monitors", "staff")
    dosing = s.get("dosing")
    if isinstance(dosing, dict):
        dosing = dict(dosing)
        dosing["administrations"] = [_v0_admin(a) for a in dosing.get("administrations") or []]
        s["dosing"] = dosing
    return s


def _v0_admin(admin: Any) -> Any:
    if not isinstance(admin, dict):
        return admin
    a = dict(admin)
    for key, unit in (("dose_mg", "mg"), ("dose_ug", "ug")):
        if key in a and "dose" not in a:
            a["dose"] = a.pop(key)
            a["unit"] = unit
    return a


@migrator(from_version=1)
def _v1_to_v2(raw: RawProtocol) -> RawProtocol:
    """Version 2 adds structured facts that error rules decide on (issue 10).

    Schema 1 said these things only in prose: the transport plan's advice not to
    drive, the touch policy, the facilitation approach, the emergency escalation,
    TGA reporting plans, the ACT Chief Health Officer approval, psychiatry
    registration, continued medication classes and role kinds such as a licensee
    representative. Reading them out of words would be guessing, so every new fact
    starts "not stated" (absent, hence ``None``/empty) and the rule that needs it asks
    the author. Nothing of version 1 changes meaning, so the step only copies.
    """
    return dict(raw)
