"""Rebuild version B from version A and the changes between them.

This is the proof that a diff says everything: ``apply_changes(diff(A, B).changes, A)`` is B.
Changes find their place by identity (field names and element keys), not by position, so they
apply correctly whatever order the lists are in. Lists whose order carries no meaning may come
out in another order than in B when B had reordered them, because a reordering is by design no
change; :func:`normalized` puts both sides in one order for comparison.

Three passes keep element keys valid: modifications, then removals (the last occurrence of a
key first), then additions at their position in B, lowest first.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from papdesigner.diff.changes import Difference
from papdesigner.diff.structure import ElementKey, element_keys, key_fields
from papdesigner.model.fileformat import protocol_to_dict
from papdesigner.model.protocol import Protocol

Step = str | ElementKey


class ApplyError(ValueError):
    """A change does not fit the data it is applied to (a diff of some other version)."""


def apply_to_data(changes: Iterable[Difference], data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of JSON ``data`` (version A) with the changes applied (version B)."""
    result = copy.deepcopy(data)
    changes = list(changes)
    for change in changes:
        if change.kind == "modified":
            parent, slot = _locate(result, change)
            parent[slot] = copy.deepcopy(change.after)
    removals = [c for c in changes if c.kind == "removed"]
    for change in sorted(removals, key=_removal_order, reverse=True):
        parent, slot = _locate(result, change)
        del parent[slot]
    additions = [c for c in changes if c.kind == "added"]
    for change in sorted(additions, key=_addition_order):
        _add(result, change)
    return result


def apply_changes(changes: Iterable[Difference], protocol: Protocol) -> Protocol:
    """Return version A with the changes applied, validated as a protocol."""
    data = apply_to_data(changes, protocol_to_dict(protocol))
    return Protocol.model_validate(data)


def _removal_order(change: Difference) -> tuple[tuple[int, int | str], ...]:
    # Positions in A: removing from the end keeps the keys of the earlier elements valid.
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in change.path_a or ())


def _addition_order(change: Difference) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in change.path_b or ())


def _where(change: Difference) -> str:
    return change.key or "$"


def _step_into(node: Any, step: Step, change: Difference) -> Any:
    if isinstance(step, ElementKey):
        if isinstance(node, list):
            for item, key in zip(node, element_keys(node, step.fields), strict=True):
                if key == step:
                    return item
    elif isinstance(node, dict) and step in node:
        return node[step]
    msg = f"change {_where(change)}: no {_show(step)} in the version it is applied to"
    raise ApplyError(msg)


def _show(step: Step) -> str:
    return step.step() if isinstance(step, ElementKey) else f"'{step}'"


def _walk(data: Any, steps: tuple[Step, ...], change: Difference) -> Any:
    node = data
    for step in steps:
        node = _step_into(node, step, change)
    return node


def _locate(data: Any, change: Difference) -> tuple[Any, Any]:
    """Return (container, slot) of the place a modification or removal names."""
    if not change.steps:
        msg = f"change {_where(change)} names no place inside the protocol"
        raise ApplyError(msg)
    parent = _walk(data, change.steps[:-1], change)
    last = change.steps[-1]
    if isinstance(last, ElementKey):
        if isinstance(parent, list):
            for index, key in enumerate(element_keys(parent, last.fields)):
                if key == last:
                    return parent, index
    elif isinstance(parent, dict) and last in parent:
        return parent, last
    msg = f"change {_where(change)}: no {_show(last)} in the version it is applied to"
    raise ApplyError(msg)


def _add(data: Any, change: Difference) -> None:
    if not change.steps or not change.path_b:
        msg = f"change {_where(change)} names no place inside the protocol"
        raise ApplyError(msg)
    parent = _walk(data, change.steps[:-1], change)
    last = change.steps[-1]
    if isinstance(last, ElementKey) and isinstance(parent, list):
        position = change.path_b[-1]
        index = position if isinstance(position, int) else len(parent)
        parent.insert(min(index, len(parent)), copy.deepcopy(change.after))
    elif isinstance(last, str) and isinstance(parent, dict):
        parent[last] = copy.deepcopy(change.after)
    else:
        msg = f"change {_where(change)}: cannot add {_show(last)} here"
        raise ApplyError(msg)


def normalized(data: Any, pattern: tuple[str, ...] = ()) -> Any:
    """Return JSON data with every order-free list sorted, for comparing versions."""
    if isinstance(data, dict):
        return {k: normalized(v, (*pattern, k)) for k, v in data.items()}
    if isinstance(data, list):
        items = [normalized(v, (*pattern, "*")) for v in data]
        plain = all(not isinstance(v, dict | list) for v in data)
        if plain or key_fields(pattern, data) is not None:
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return items
    return data
