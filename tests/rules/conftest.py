"""Helpers for the rule-engine tests: write small rule sets and build protocols from bases."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from papdesigner.model import Protocol, loads_protocol
from papdesigner.rules.loader import Catalogue, load_catalogue

BASES = Path(__file__).resolve().parent / "bases"

HEADER = """\
id: {id}
title: Test set {id}
authority: Test authority
version: "1.0"
source: {{title: Test source, date: "2026", status: test}}
applies_when: "{applies}"
applies_description: test protocols
rules:
"""

RULE = """\
  - id: {id}
    title: Rule {id}
    severity: {severity}
    citation: Test source, section 1
    provenance: verified
    rationale: Because the test says so.
    message: "{message}"
    fix: Fix it.
"""


def rule_yaml(
    rule_id: str, *, severity: str = "error", message: str = "failed", **extra: Any
) -> str:
    """One rule as YAML text; ``extra`` keys (scope, when, require, at...) are JSON-dumped."""
    text = RULE.format(id=rule_id, severity=severity, message=message)
    extra.setdefault("require", ["true"])
    for key, value in extra.items():
        text += f"    {key}: {json.dumps(value)}\n"
    return text


def set_yaml(set_id: str, rules: list[str], applies: str = "true") -> str:
    """A whole rule set as YAML text."""
    return HEADER.format(id=set_id, applies=applies) + "".join(rules)


@pytest.fixture
def write_set(tmp_path: Path) -> Callable[..., Path]:
    """Write ``<id>.yaml`` into a temporary rules folder and return the folder."""
    folder = tmp_path / "rulesets"
    folder.mkdir()

    def write(
        set_id: str, rules: list[str], applies: str = "true", text: str | None = None
    ) -> Path:
        body = text if text is not None else set_yaml(set_id, rules, applies)
        (folder / f"{set_id.lower()}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
        return folder

    return write


def catalogue_of(folder: Path) -> Catalogue:
    """Load only the sets of one folder."""
    return load_catalogue([(folder, "test")])


def base_data(name: str = "ind-psilocybin") -> dict[str, Any]:
    """The JSON data of a base protocol (a fresh copy)."""
    data: dict[str, Any] = json.loads((BASES / f"{name}.pap.json").read_text(encoding="utf-8"))
    return data


def protocol_from(data: dict[str, Any]) -> Protocol:
    """Validate protocol data."""
    return loads_protocol(json.dumps(data))


class Kit:
    """The helpers above as the ``kit`` fixture (importlib mode cannot import conftest)."""

    rule = staticmethod(rule_yaml)
    set_text = staticmethod(set_yaml)
    catalogue = staticmethod(catalogue_of)
    base = staticmethod(base_data)
    protocol = staticmethod(protocol_from)


@pytest.fixture
def kit() -> Kit:
    """Rule-test helpers."""
    return Kit()
