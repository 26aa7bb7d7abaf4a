"""Which rules of a rule set do not apply to a protocol (their ``when`` selects nothing).

The check report lists findings, not the rules that had nothing to check. The
checklist appendices need that distinction ("not applicable" is not "addressed"),
so this module asks the rule engine's own machinery: the same resolved view, the
same activation and the same CEL wrapping (``on_element``) the engine uses for a
rule's scope and ``when`` filter. A rule does not apply when its scope is empty or
its ``when`` is false for every element. A ``when`` that cannot be evaluated counts
as applying: the engine reports such a rule as a finding, never as passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from papdesigner.model.protocol import Protocol


def rules_not_applicable(protocol: Protocol, ruleset_ids: Iterable[str]) -> frozenset[str]:
    """Return the ids of the active rules of ``ruleset_ids`` that do not apply to ``protocol``.

    Sets that the rule catalogue does not hold (e.g. a report made with another
    rules folder) contribute nothing: their rules count as applying.
    """
    from papdesigner.rules import build_view, default_catalogue
    from papdesigner.rules.expr import activation

    catalogue = default_catalogue()
    rulesets = [rs for rs in (catalogue.get(i) for i in ruleset_ids) if rs is not None]
    if not rulesets:
        return frozenset()
    view = build_view(protocol)
    top = activation(view)
    found: set[str] = set()
    for ruleset in rulesets:
        for rule in ruleset.active_rules:
            if not _applies(rule.spec, view, top):
                found.add(rule.spec.id)
    return frozenset(found)


def _applies(spec: Any, view: dict[str, Any], top: Any) -> bool:
    from papdesigner.rules.expr import CelEvalError, compile_cached, on_element

    if spec.scope is not None and not view.get(spec.scope):
        return False
    if not spec.when:
        return True
    try:
        selected = compile_cached(on_element(spec.scope, None, f"({spec.when})")).evaluate_in(top)
    except CelEvalError:
        return True
    if not isinstance(selected, list):
        return True
    return any(value is not False for value in selected)
