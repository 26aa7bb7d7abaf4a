"""papdesigner/interop/CORE.md lists exactly the CORE rules checked, and accounts for the rest."""

from __future__ import annotations

import re

from conftest import REPO
from core_rules import RULES
from usdm_checks import REFERENCE

CORE_MD = REPO / "papdesigner" / "interop" / "CORE.md"
RULE_ID = re.compile(r"DDF\d{5}")


def _sections() -> tuple[set[str], set[str]]:
    text = CORE_MD.read_text(encoding="utf-8")
    checked, rest = text.split("### Not met, and why", 1)
    unchecked = rest.split("## Not checked", 1)[1]
    return set(RULE_ID.findall(checked)), set(RULE_ID.findall(unchecked))


def _v4_rules() -> set[str]:
    import openpyxl

    sheet = openpyxl.load_workbook(REFERENCE / "USDM_CORE_Rules.xlsx", read_only=True).worksheets[0]
    return {row[6] for row in list(sheet.iter_rows(values_only=True))[1:] if row[5] == "Y"}


def test_checked_section_lists_the_implemented_rules() -> None:
    checked, _ = _sections()
    assert checked == {k for k in RULES if k.startswith("DDF")}


def test_every_v4_rule_is_checked_or_explained() -> None:
    checked, unchecked = _sections()
    assert checked.isdisjoint(unchecked)
    assert checked | unchecked == _v4_rules()
    text = CORE_MD.read_text(encoding="utf-8")
    assert f"## Checked ({len(checked)} rules)" in text
    assert f"what they constrain ({len(unchecked)} rules)" in text
