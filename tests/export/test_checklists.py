"""Checklist appendices agree with the completeness rule sets of the same check report.

An item with a rule (SP13-*, SP25-*, RSP-*) is "not addressed" exactly when the
report has a finding of one of its rules, "not applicable" when the set is inactive
or none of its rules applies (checked here independently of the export, by
evaluating each rule's ``when`` element by element), and addressed otherwise, with
a page. Run over every example and over bases whose reports hold many findings
(ind-psilocybin) or many rules that do not apply (au-mdma, a treatment protocol).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import heading_pages

from papdesigner.export import export_pdf
from papdesigner.export.checklist_status import ChecklistView
from papdesigner.export.checklists import load_checklists
from papdesigner.export.pipeline import make_blocks, make_view
from papdesigner.model import load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.model.templates import examples_dir, template_names
from papdesigner.rules import build_view, check, default_catalogue
from papdesigner.rules.expr import compile_expr

BASES = Path(__file__).parents[1] / "rules" / "bases"
PROTOCOLS = [
    *(examples_dir() / f"{name}.pap.json" for name in template_names()),
    BASES / "ind-psilocybin.pap.json",
    BASES / "au-mdma.pap.json",
    BASES / "or-service.pap.json",
]


def _rule_applies(spec: Any, view: dict[str, Any]) -> bool:
    """Independent of the export: evaluate ``when`` with ``it`` bound to each element."""
    elements = [view] if spec.scope is None else view[spec.scope]
    if not spec.when:
        return bool(elements)
    program = compile_expr(spec.when)
    return any(program.evaluate({"p": view, "it": it}) is not False for it in elements)


def _expected(protocol: Protocol, report: dict[str, Any], cv: ChecklistView) -> dict[str, str]:
    """Item number -> expected status, for the items that have a rule."""
    checklist = cv.checklist
    status = {r["id"]: r["active"] for r in report["rulesets"]}
    ruleset = default_catalogue().get(checklist.ruleset)
    assert ruleset is not None
    view = build_view(protocol)
    found = {f["rule_id"] for f in report["findings"] if f["ruleset"] == checklist.ruleset}
    rules: dict[str, list[str]] = {}
    for rule in ruleset.active_rules:
        number = checklist.item_of_rule(rule.spec.id)
        assert number is not None, rule.spec.id
        rules.setdefault(number, []).append(rule.spec.id)
    expected = {}
    for number, ids in rules.items():
        if not status[checklist.ruleset]:
            expected[number] = "not_applicable"
        elif found & set(ids):
            expected[number] = "not_addressed"
        elif not any(_rule_applies(ruleset_rule(ruleset, i), view) for i in ids):
            expected[number] = "not_applicable"
        else:
            expected[number] = "addressed"
    return expected


def ruleset_rule(ruleset: Any, rule_id: str) -> Any:
    """The spec of one rule of a compiled set."""
    return next(r.spec for r in ruleset.active_rules if r.spec.id == rule_id)


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.name.removesuffix(".pap.json"))
def test_every_row_agrees_with_the_report(path: Path) -> None:
    protocol = load_protocol(path)
    checked = check(protocol)
    report = checked.to_json_data()
    view = make_view(protocol, checked)
    blocks = make_blocks(protocol, view, None)
    assert [cv.checklist.id for cv in view.checklists] == ["spirit2013", "spirit2025", "respct2025"]
    for cv in view.checklists:
        expected = _expected(protocol, report, cv)
        items = {i.no for i in cv.checklist.items}
        assert set(expected) <= items, set(expected) - items
        for row in cv.rows:
            if row.item.no in expected:
                assert row.by_rule
                assert row.status == expected[row.item.no], (cv.checklist.id, row.item.no)
            if row.status == "not_addressed" and row.by_rule:
                finding_rules = {f["rule_id"] for f in report["findings"]}
                assert row.rule_ids and set(row.rule_ids) <= finding_rules
            if row.status == "addressed":
                # An addressed item always cites a section that holds content.
                assert blocks.first_addressed(row.keys) is not None, (cv.checklist.id, row.item)


def test_the_bases_cover_every_status() -> None:
    seen = set()
    for path in PROTOCOLS:
        protocol = load_protocol(path)
        view = make_view(protocol, check(protocol))
        seen |= {(cv.state, r.status) for cv in view.checklists for r in cv.rows}
    assert {
        ("checked", "addressed"),
        ("checked", "not_addressed"),
        ("checked", "not_applicable"),
        ("not_applicable", "not_applicable"),
    } <= seen


def test_every_rule_of_the_completeness_sets_has_its_item() -> None:
    for checklist in load_checklists():
        ruleset = default_catalogue().get(checklist.ruleset)
        assert ruleset is not None, checklist.ruleset
        items = {i.no for i in checklist.items}
        for rule in ruleset.rules:
            assert checklist.item_of_rule(rule.spec.id) in items, rule.spec.id


def _appendix_text(reader: pypdf.PdfReader, start: str, end: str) -> str:
    pages = heading_pages(reader)
    text = " ".join(p.extract_text() for p in reader.pages[pages[start] - 1 : pages[end]])
    return " ".join(text.split())


def test_oregon_pdf_marks_spirit_not_applicable_and_lists_respct(tmp_path: Path) -> None:
    protocol = load_protocol(examples_dir() / "oregon-service-center.pap.json")
    reader = pypdf.PdfReader(export_pdf(protocol, tmp_path / "or.pdf").path)
    spirit = _appendix_text(reader, "Appendix B", "Appendix D")
    assert "SPIRIT 2013 checklist (not applicable)" in spirit
    assert "SPIRIT 2025 checklist (not applicable)" in spirit
    assert "rule set SPIRIT-2013, which is not active" in spirit
    assert "does not apply: it covers clinical trial protocols" in spirit
    assert "Trial registration" not in spirit  # no item rows
    respct = _appendix_text(reader, "Appendix D", "Appendix E")
    assert "24 of 30 items are addressed, 6 do not apply to this protocol" in respct
    assert respct.count("not applicable") >= 6


def test_pdf_names_the_rule_of_each_missing_item(tmp_path: Path) -> None:
    protocol = load_protocol(BASES / "ind-psilocybin.pap.json")
    report = check(protocol)
    view = make_view(protocol, report)
    reader = pypdf.PdfReader(export_pdf(protocol, tmp_path / "ind.pdf", report=report).path)
    text = _appendix_text(reader, "Appendix B", "Appendix E").replace(" ", "")
    compliance = _appendix_text(reader, "Appendix A", "Appendix B").replace(" ", "")
    missing = [
        rule
        for cv in view.checklists
        for row in cv.rows
        if row.status == "not_addressed"
        for rule in row.rule_ids
    ]
    assert len(missing) > 40
    for rule in missing:
        assert rule in text and rule in compliance


def test_waived_finding_is_not_addressed_and_says_waived() -> None:
    protocol = load_protocol(BASES / "ind-psilocybin.pap.json")
    data = protocol.model_dump(mode="json")
    data["waivers"] = [
        {"rule_id": "SP13-33", "path": None, "justification": "No specimens are collected."}
    ]
    protocol = Protocol.model_validate(data)
    view = make_view(protocol, check(protocol))
    row = next(r for r in view.checklists[0].rows if r.item.no == "33")
    assert (row.status, row.rule_ids, row.waived) == ("not_addressed", ("SP13-33",), True)


def test_report_without_the_set_falls_back_to_the_mapping_and_says_so() -> None:
    protocol = load_protocol(examples_dir() / "mdma-ptsd.pap.json")
    view = make_view(protocol, check(protocol, ["FDA-PSY"]))
    for cv in view.checklists:
        assert cv.state == "not_checked"
        assert "was not part of the check" in cv.reason
        assert not any(r.by_rule for r in cv.rows)
    assert make_view(protocol, None).checklists[0].state == "not_checked"
