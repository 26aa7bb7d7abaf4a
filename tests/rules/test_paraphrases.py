"""Paraphrase suites: each rule that still reads free text is run on several wordings.

The suites are in ``paraphrases.yaml``. A rule reads text when a clause or its filter
calls a string-matching function; such a rule may only be an info or warning nudge
(``test_free_text``), and it must have a suite of at least three wordings, one of them
a negation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from papdesigner.model.fileformat import loads_protocol
from papdesigner.paths import resource
from papdesigner.rules import shipped_rules_dir
from papdesigner.rules.engine import run_check
from papdesigner.rules.fixtures import Case, apply_patches, find_base, read_base
from papdesigner.rules.loader import load_catalogue

HERE = Path(__file__).parent
SUITES: dict[str, Any] = yaml.safe_load((HERE / "paraphrases.yaml").read_text(encoding="utf-8"))
CATALOGUE = load_catalogue([(shipped_rules_dir(), "shipped")])
READS_TEXT = re.compile(r"\.(contains|matches|startsWith|endsWith|lowerAscii)\(")
NEGATION = re.compile(r"\b(no|not|none|nil|n/a)\b", re.IGNORECASE)


def _text_rules() -> list[str]:
    return sorted(
        rule.spec.id
        for rs in CATALOGUE.rulesets
        for rule in rs.rules
        if rule.spec.status == "active"
        and any(READS_TEXT.search(c) for c in [*rule.spec.require, rule.spec.when or ""])
    )


def test_every_rule_that_reads_text_has_a_suite() -> None:
    assert sorted(SUITES) == _text_rules()


@pytest.mark.parametrize("rule_id", sorted(SUITES))
def test_suite_has_three_wordings_and_a_negation(rule_id: str) -> None:
    wordings = SUITES[rule_id]["wordings"]
    assert len(wordings) >= 3
    assert any(NEGATION.search(w["text"]) for w in wordings)


def _cases() -> list[tuple[str, dict[str, Any]]]:
    return [(rule_id, w) for rule_id, suite in SUITES.items() for w in suite["wordings"]]


@pytest.mark.parametrize(("rule_id", "wording"), _cases(), ids=lambda x: str(x)[:40])
def test_wording(rule_id: str, wording: dict[str, Any]) -> None:
    suite = SUITES[rule_id]
    base = read_base(find_base(suite["base"], (HERE / "bases", resource("examples"))))
    patches = {**suite.get("set", {}), suite["path"]: wording["text"]}
    patched = apply_patches(base, Case(base=suite["base"], set=patches))
    protocol = loads_protocol(json.dumps(patched), source=f"{rule_id} paraphrase")
    located = CATALOGUE.rule(rule_id)
    assert located is not None
    report = run_check(protocol, CATALOGUE, [located[0].id])
    assert all(s.active for s in report.rulesets), f"{located[0].id} does not apply to the base"
    found = [f for f in report.findings if f.rule_id == rule_id]
    assert bool(found) == wording["finding"], (wording["text"], [f.message for f in found])
    assert all(f.severity != "error" for f in found)
