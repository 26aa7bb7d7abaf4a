"""The USDM controlled terminology shipped in ``resources/catalogues/usdm_ct.yaml``.

The catalogue is generated at build time from the CDISC reference files
(``tools/extract_usdm_ct.py``); nothing reads a spreadsheet at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from papdesigner.paths import resource


@dataclass(frozen=True)
class Term:
    """One coded value of a code list."""

    code: str
    decode: str


@dataclass(frozen=True)
class Terminology:
    """The DDF code lists (by ``Entity.attribute``) and the SDTM terms papdesigner writes."""

    code_system: str
    code_system_version: str
    ddf: dict[str, dict[str, Term]]
    sdtm: dict[str, dict[str, Term]]

    def ddf_term(self, attribute: str, decode: str) -> Term:
        """Return the DDF term of ``attribute`` (e.g. ``"StudyTitle.type"``) with this decode."""
        return self.ddf[attribute][decode]

    def sdtm_term(self, codelist: str, key: str) -> Term:
        """Return papdesigner's SDTM term ``key`` of a list (e.g. ``"route"``, ``"oral"``)."""
        return self.sdtm[codelist][key]


def _ddf(raw: dict[str, Any]) -> dict[str, dict[str, Term]]:
    return {
        attribute: {
            str(t["decode"]): Term(str(t["code"]), str(t["decode"])) for t in block["terms"]
        }
        for attribute, block in raw.items()
    }


def _sdtm(raw: dict[str, Any]) -> dict[str, dict[str, Term]]:
    return {
        name: {key: Term(str(t["code"]), str(t["decode"])) for key, t in block["terms"].items()}
        for name, block in raw.items()
    }


@cache
def terminology() -> Terminology:
    """Return the shipped USDM terminology (read once per process)."""
    path = resource("catalogues", "usdm_ct.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Terminology(
        code_system=str(raw["code_system"]),
        code_system_version=str(raw["code_system_version"]),
        ddf=_ddf(raw["ddf"]),
        sdtm=_sdtm(raw["sdtm"]),
    )
