"""Rule sets, the rule engine, findings and waivers (Qt-free).

Public API used by the CLI, the GUI and the PDF export::

    from papdesigner.rules import check
    report = check(protocol)                         # every loaded set, active ones evaluated
    report = check(protocol, rulesets=["CLIN-SAFETY-COMMON"])
    report.to_json_data()                            # the DESIGN.md section 4 JSON shape
    applicable_rulesets(protocol, default_catalogue())  # ids of the sets that apply

Rule sets are YAML data (``resources/rulesets/<id>.yaml``, the user's
``<user data dir>/rulesets`` and any ``extra_dirs``), validated by
:mod:`papdesigner.rules.schema` and compiled once by :mod:`papdesigner.rules.loader`;
the loaded catalogue is cached and reloaded only when a file changes. Rules are
CEL expressions over the resolved view built by :mod:`papdesigner.rules.view`.
``AUTHORING.md`` is the authoring contract; ``CEL.md`` records why the CEL binding
is cel-expr-python (measured: 21/21 of our expressions correct, ~2 µs per
evaluation, lazy data binding; the Rust binding spends 3 ms converting a view,
the pure-Python one 130 µs per evaluation).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from papdesigner.model.protocol import Protocol
from papdesigner.rules.catalogue import (
    clear_cache,
    default_catalogue,
    shipped_rules_dir,
    user_rules_dir,
)
from papdesigner.rules.engine import applicable_rulesets, run_check
from papdesigner.rules.loader import Catalogue, CompiledRule, CompiledRuleSet, LoadProblem
from papdesigner.rules.report import (
    Clause,
    Finding,
    Report,
    RuleOutcome,
    RuleSetStatus,
    Summary,
)
from papdesigner.rules.view import SCOPES, build_view

__all__ = [
    "SCOPES",
    "Catalogue",
    "Clause",
    "CompiledRule",
    "CompiledRuleSet",
    "Finding",
    "LoadProblem",
    "Report",
    "RuleOutcome",
    "RuleSetStatus",
    "Summary",
    "applicable_rulesets",
    "build_view",
    "check",
    "clear_cache",
    "default_catalogue",
    "run_check",
    "shipped_rules_dir",
    "user_rules_dir",
]


def check(
    protocol: Protocol,
    rulesets: Sequence[str] | None = None,
    *,
    extra_dirs: Sequence[str | Path] = (),
    catalogue: Catalogue | None = None,
    turned_on: Collection[str] = (),
) -> Report:
    """Check a protocol and return the report.

    ``rulesets`` limits the check to those set ids (case-insensitive); every
    listed set still turns on only when its ``applies_when`` holds, unless it is
    in ``turned_on`` (a user's choice, stated in the set's status). The shipped
    and user sets (plus ``extra_dirs``) are loaded once and cached.
    """
    if catalogue is None:
        catalogue = default_catalogue(tuple(Path(d) for d in extra_dirs))
    return run_check(protocol, catalogue, rulesets, turned_on=turned_on)
