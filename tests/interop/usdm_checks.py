"""Checks of a USDM file that the JSON Schema alone does not make (test support).

- :func:`schema_errors`: the USDM 4.0.0 API schema (``Wrapper-Input``), with jsonschema.
- :func:`unknown_attributes`: CORE DDF00125, keys that are not attributes of the instance's class.
- :func:`duplicate_ids`: CORE DDF00083, ids unique within the study.
- :func:`dangling_references`: every ``...Id`` / ``...Ids`` value names an instance of the file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent / "reference"
"""Copies of the CDISC reference files (schema, rules, terminology, examples; MIT, see LICENSE)."""

SCHEMA_FILE = REFERENCE / "USDM_API.json"


@cache
def api_schemas() -> dict[str, Any]:
    """The component schemas of the USDM API (``Study-Input``, ``Code-Input``...)."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["components"]["schemas"]


def schema_errors(document: Any) -> list[str]:
    """Return the JSON Schema errors of a USDM wrapper (at most 20), as 'path: message'."""
    import jsonschema

    root = {"$ref": "#/components/schemas/Wrapper-Input", "components": {"schemas": api_schemas()}}
    validator = jsonschema.Draft202012Validator(root)
    errors = []
    for error in validator.iter_errors(document):
        where = "$" + "".join(f"[{p!r}]" for p in error.absolute_path)
        errors.append(f"{where}: {error.message[:200]}")
        if len(errors) >= 20:
            break
    return errors


def instances(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (JSON path, instance) for every object with an ``instanceType``."""
    if isinstance(node, dict):
        if "instanceType" in node:
            yield path, node
        for key, value in node.items():
            yield from instances(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from instances(value, f"{path}[{index}]")


def unknown_attributes(document: Any) -> list[str]:
    """CORE DDF00125: attributes not defined for the instance's class in the API."""
    schemas = api_schemas()
    found = []
    for path, instance in instances(document):
        schema = schemas.get(f"{instance['instanceType']}-Input")
        if schema is None:
            found.append(f"{path}: unknown class {instance['instanceType']!r}")
            continue
        extra = sorted(set(instance) - set(schema["properties"]))
        if extra:
            found.append(f"{path}: {instance['instanceType']} has no attribute {extra}")
    return found


def duplicate_ids(document: Any) -> list[str]:
    """CORE DDF00083: ids that occur on more than one instance."""
    counts = Counter(i["id"] for _, i in instances(document) if "id" in i)
    return sorted(k for k, n in counts.items() if n > 1)


def all_ids(document: Any) -> set[str]:
    """Every instance id of the document."""
    return {i["id"] for _, i in instances(document) if "id" in i}


def references(document: Any) -> Iterator[tuple[str, str]]:
    """Yield (path, referenced id) for every ``...Id`` and ``...Ids`` attribute value."""
    for path, instance in instances(document):
        for key, value in instance.items():
            if key.endswith("Id") and key != "valueId" and isinstance(value, str):
                yield f"{path}.{key}", value
            elif key.endswith("Ids") and isinstance(value, list):
                for index, item in enumerate(value):
                    yield f"{path}.{key}[{index}]", item


def dangling_references(document: Any) -> list[str]:
    """References to ids that no instance has."""
    ids = all_ids(document)
    return [f"{path} -> {ref!r}" for path, ref in references(document) if ref not in ids]
