"""Shared data of the interop tests: the shipped example protocols and the official USDM studies."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # core_rules and usdm_checks sit beside the tests

from papdesigner.model import Protocol, load_protocol  # noqa: E402

REPO = HERE.parent.parent
EXAMPLES = sorted((REPO / "resources" / "examples").glob("*.pap.json"))
OFFICIAL = sorted((HERE / "reference" / "examples").glob("*.json"))


@cache
def example(path: Path) -> Protocol:
    """A shipped example protocol (read once per test run)."""
    return load_protocol(path)


@cache
def exported(path: Path) -> dict[str, Any]:
    """The USDM export of a shipped example (made once per test run)."""
    import json

    from papdesigner.interop.usdm_export import usdm_json

    return json.loads(usdm_json(example(path)))
