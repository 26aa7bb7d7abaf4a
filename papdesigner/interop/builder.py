"""Make USDM instances: deterministic ids, codes, quantities and extension attributes.

Ids are ``<Class>_<n>`` numbered in creation order, so the same protocol always gives the
same file (export -> import -> export is byte-stable). Every instance carries the keys of its
class in the USDM API's order: ``id``, ``extensionAttributes``, the attributes, ``instanceType``.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

from papdesigner.interop.extensions import extension_url
from papdesigner.interop.terms import Term, terminology

Instance = dict[str, Any]


class Builder:
    """Creates USDM instances with ids unique within one file."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def new_id(self, cls: str) -> str:
        """Return the next id of ``cls`` (``StudyArm_1``, ``StudyArm_2``...)."""
        self._counts[cls] += 1
        return f"{cls}_{self._counts[cls]}"

    def make(self, cls: str, /, **attributes: Any) -> Instance:
        """Return a new instance of ``cls`` with these attributes (None values are dropped)."""
        instance: Instance = {"id": self.new_id(cls), "extensionAttributes": []}
        instance.update({k: v for k, v in attributes.items() if v is not None})
        instance["instanceType"] = cls
        return instance

    def code(self, term: Term) -> Instance:
        """Return a CDISC ``Code`` for a term of the shipped terminology."""
        ct = terminology()
        return self.make(
            "Code",
            code=term.code,
            codeSystem=ct.code_system,
            codeSystemVersion=ct.code_system_version,
            decode=term.decode,
        )

    def other_code(self, code: str, system: str, version: str, decode: str) -> Instance:
        """Return a ``Code`` of a code system other than CDISC (ISO, a sponsor's own)."""
        return self.make(
            "Code", code=code, codeSystem=system, codeSystemVersion=version, decode=decode
        )

    def alias(self, term: Term) -> Instance:
        """Return an ``AliasCode`` whose standard code is ``term``."""
        return self.make("AliasCode", standardCode=self.code(term), standardCodeAliases=[])

    def alias_other(self, code: str, system: str, version: str, decode: str) -> Instance:
        """Return an ``AliasCode`` of a code outside CDISC terminology."""
        standard = self.other_code(code, system, version, decode)
        return self.make("AliasCode", standardCode=standard, standardCodeAliases=[])

    def quantity(self, value: float, unit: Term | None = None) -> Instance:
        """Return a ``Quantity`` (``unit`` None for a count)."""
        return self.make("Quantity", value=value, unit=self.alias(unit) if unit else None)

    def extension(self, name: str, payload: Any) -> Instance:
        """Return an ``ExtensionAttribute`` carrying ``payload`` as canonical JSON text."""
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        instance: Instance = {
            "id": self.new_id("ExtensionAttribute"),
            "url": extension_url(name),
            "valueString": text,
            "extensionAttributes": [],
            "instanceType": "ExtensionAttribute",
        }
        return instance


def sdtm(codelist: str, key: str) -> Term:
    """Shortcut: papdesigner's SDTM term ``key`` of ``codelist``."""
    return terminology().sdtm_term(codelist, key)


def ddf(attribute: str, decode: str) -> Term:
    """Shortcut: the DDF term of ``attribute`` with this decode."""
    return terminology().ddf_term(attribute, decode)


def link_chain(instances: list[Instance]) -> None:
    """Set ``previousId``/``nextId`` along the list (USDM orders siblings this way)."""
    for before, after in itertools.pairwise(instances):
        before["nextId"] = after["id"]
        after["previousId"] = before["id"]
    for instance in instances:
        # keep the class's key order: move instanceType to the end again
        instance["instanceType"] = instance.pop("instanceType")
