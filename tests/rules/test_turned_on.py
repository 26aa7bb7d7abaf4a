"""A rule set the user turns on applies whatever its own condition, and says so."""

from __future__ import annotations

from papdesigner.model import load_protocol
from papdesigner.model.templates import examples_dir
from papdesigner.rules import check
from papdesigner.rules.engine import TURNED_ON_REASON

MDMA = examples_dir() / "mdma-ptsd.pap.json"


def _status(report: object, ruleset_id: str) -> object:
    return next(s for s in report.rulesets if s.id == ruleset_id)  # type: ignore[attr-defined]


def test_a_set_that_does_not_apply_is_checked_when_turned_on() -> None:
    protocol = load_protocol(MDMA)
    plain = check(protocol)
    assert not _status(plain, "OR-OAR-333-333").active
    forced = check(protocol, turned_on=["or-oar-333-333"])  # ids are case-insensitive
    status = _status(forced, "OR-OAR-333-333")
    assert status.active and status.reason == TURNED_ON_REASON
    assert any(f.ruleset == "OR-OAR-333-333" for f in forced.findings)
    assert not any(f.ruleset == "OR-OAR-333-333" for f in plain.findings)


def test_a_set_that_applies_keeps_its_own_reason_when_turned_on() -> None:
    protocol = load_protocol(MDMA)
    plain, forced = check(protocol), check(protocol, turned_on=["FDA-PSY"])
    assert _status(forced, "FDA-PSY").reason == _status(plain, "FDA-PSY").reason
    assert forced.findings == plain.findings
