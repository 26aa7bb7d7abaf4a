"""Choices for combo boxes: closed vocabularies, the shipped catalogues, the protocol's own ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from papdesigner.model import vocab
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.fields import Choices


def vocabulary(literal: Any, labels: Mapping[str, str] | None = None) -> Choices:
    """Every value of a closed vocabulary (a ``Literal`` type), with its label.

    ``labels`` names values whose label differs in this vocabulary (a value such as "mixed"
    means different things in different vocabularies).
    """
    own = labels or {}
    return tuple((value, own.get(value) or vocab.label(value)) for value in get_args(literal))


# --- the protocol's own ids (re-read on every change) -------------------------------------------


def _named(items: list[Any], name: str) -> Choices:
    return tuple((item.id, f"{getattr(item, name) or item.id} ({item.id})") for item in items)


def sites(document: EditedProtocol) -> Choices:
    """The protocol's sites."""
    return _named(document.protocol.sites, "name")


def roles(document: EditedProtocol) -> Choices:
    """The protocol's staff roles."""
    return _named(document.protocol.roles, "title")


def arms(document: EditedProtocol) -> Choices:
    """The protocol's arms."""
    return _named(document.protocol.arms, "label")


def products(document: EditedProtocol) -> Choices:
    """The protocol's products."""
    return _named(document.protocol.products, "name")


def settings(document: EditedProtocol) -> Choices:
    """The protocol's settings (rooms)."""
    return _named(document.protocol.settings, "name")


# --- catalogues -----------------------------------------------------------------------------


def instruments(_document: EditedProtocol | None = None) -> Choices:
    """Assessment instruments of the catalogue: id and "name — full name"."""
    from papdesigner.model.catalogues import instruments as catalogue

    return tuple((i.id, f"{i.name} — {i.full_name}") for i in catalogue())


def criteria(list_name: str) -> Choices:
    """Coded eligibility criteria of one list (inclusion or exclusion)."""
    from papdesigner.model.catalogues import criteria as catalogue

    return tuple((c.code, c.label) for c in catalogue() if c.list == list_name)


def medication_classes() -> Choices:
    """Medication classes for washouts."""
    from papdesigner.model.catalogues import medication_classes as catalogue

    return tuple((m.id, m.label) for m in catalogue())


def countries() -> Choices:
    """Countries of the jurisdictions catalogue (ISO 3166-1 alpha-2)."""
    from papdesigner.model.catalogues import jurisdictions as catalogue

    return tuple((j.code, f"{j.name} ({j.code})") for j in catalogue() if "-" not in j.code)


def regions() -> Choices:
    """Regions (states, provinces) of the jurisdictions catalogue (ISO 3166-2)."""
    from papdesigner.model.catalogues import jurisdictions as catalogue

    return tuple((j.code, f"{j.name} ({j.code})") for j in catalogue() if "-" in j.code)


def narrative_sections(m11: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """``(key, title, guidance)`` of the sections whose first M11 chapter is in ``m11``."""
    from papdesigner.model.catalogues import narrative_sections as catalogue

    chapters = {m.split(".")[0] for m in m11}
    return [
        (s.key(), s.title, s.guidance) for s in catalogue() if s.m11[0].split(".")[0] in chapters
    ]


def narrative_m11() -> dict[str, tuple[str, ...]]:
    """Map each narrative key to its M11 sections (to find the step that edits it)."""
    from papdesigner.model.catalogues import narrative_sections as catalogue

    return {s.key(): tuple(s.m11) for s in catalogue()}
