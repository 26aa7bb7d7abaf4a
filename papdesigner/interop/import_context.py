"""State of one USDM import: the id index, the report of what was not mapped, extensions."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from papdesigner.interop.extensions import URL_PREFIX
from papdesigner.interop.usdm_read import Node, UsdmInputError, loads_strict, walk_instances
from papdesigner.model.jsonpath import format_path

_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")
_TAG = re.compile(r"<usdm:tag\s+name=\"([^\"]*)\"\s*/?>")
_MARKUP = re.compile(r"<[^>]{0,2000}>")

M = TypeVar("M", bound=BaseModel)


@dataclass
class ImportContext:
    """What every part of an import shares."""

    source: str
    by_id: dict[str, Node] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Report lines: what could not be mapped or was mapped approximately."""
    used_ids: dict[str, set[str]] = field(default_factory=dict)
    suffixes: dict[str, int] = field(default_factory=dict)
    own: bool = False
    """True for papdesigner's own export: names are protocol ids and texts are taken as written."""

    def index(self, study: Node) -> None:
        """Index every instance of the study by id; an id used twice is an error."""
        for node in walk_instances(study):
            key = node.id
            if not key:
                continue
            if key in self.by_id:
                first = format_path(self.by_id[key].path)
                raise node.fail(f"id {key!r} is used twice (first at {first})", "id")
            self.by_id[key] = node

    def resolve(self, node: Node, key: str) -> Node | None:
        """The instance named by ``node[key]`` (an id); an id that names nothing is an error."""
        ref = node.text(key)
        if not ref:
            return None
        target = self.by_id.get(ref)
        if target is None:
            raise node.fail(f"id {ref!r} names no instance of the file", key)
        return target

    def resolve_all(self, node: Node, key: str) -> list[Node]:
        """The instances named by the id list ``node[key]``; each must name one."""
        found = []
        for index, ref in enumerate(node.strings(key)):
            target = self.by_id.get(ref)
            if target is None:
                message = f"id {ref!r} names no instance of the file"
                raise UsdmInputError(node.source, message, (*node.path, key, index))
            found.append(target)
        return found

    def note(self, line: str) -> None:
        """Add a report line (once)."""
        if line not in self.notes:
            self.notes.append(line)

    def identifier(self, kind: str, *candidates: str) -> str:
        """A protocol id made from the first usable candidate, unique among ``kind``."""
        used = self.used_ids.setdefault(kind, set())
        base = ""
        for candidate in candidates:
            base = _ID_CHARS.sub("_", candidate).strip("_.-")[:56]
            if base:
                break
        base = base or kind
        result = base
        while result in used:  # the counter per base keeps many equal names linear
            self.suffixes[base] = self.suffixes.get(base, 1) + 1
            result = f"{base}_{self.suffixes[base]}"
        used.add(result)
        return result

    def keep_id(self, kind: str, node: Node, *fallbacks: str) -> str:
        """The protocol id of an instance: its name as written in our own export, else made."""
        if self.own and node.text("name"):
            return self.reserve(kind, node.text("name"))
        return self.identifier(kind, node.text("name"), *fallbacks, node.id)

    def label(self, node: Node) -> str:
        """The instance's label as written in our own export, else its label or name."""
        if self.own:
            return node.text("label")
        return node.text("label") or node.text("name")

    def prose(self, text: str) -> str:
        """Text as written in our own export, else as plain text (no HTML, no template tags)."""
        return text if self.own else plain_text(text)

    def reserve(self, kind: str, identifier: str) -> str:
        """Claim an id that came from a papdesigner extension (kept as it is)."""
        self.used_ids.setdefault(kind, set()).add(identifier)
        return identifier


def _parsed(ext: Node, kind: str) -> Any:
    """The JSON data in an extension attribute's ``valueString``, read as strictly as a file."""
    try:
        return loads_strict(ext.text("valueString"))
    except json.JSONDecodeError:
        raise ext.fail(f"the papdesigner {kind} extension is not JSON", "valueString") from None
    except RecursionError:
        message = f"the papdesigner {kind} extension is nested too deeply"
        raise ext.fail(message, "valueString") from None
    except ValueError as exc:
        message = f"the papdesigner {kind} extension is not valid JSON: {exc}"
        raise ext.fail(message, "valueString") from None


def extensions(node: Node, kind: str) -> list[tuple[Any, Node]]:
    """Every papdesigner extension ``kind`` of an instance: (JSON data, its node)."""
    url = URL_PREFIX + kind
    return [
        (_parsed(ext, kind), ext)
        for ext in node.children("extensionAttributes")
        if ext.text("url") == url
    ]


def extension(node: Node, kind: str) -> tuple[Any, Node] | None:
    """The first papdesigner extension ``kind`` of an instance, with its node (None if absent)."""
    found = extensions(node, kind)
    return found[0] if found else None


def extension_object(node: Node, kind: str) -> tuple[dict[str, Any], Node]:
    """The papdesigner extension ``kind`` as a JSON object ({} and ``node`` when absent)."""
    found = extension(node, kind)
    if found is None:
        return {}, node
    data, ext = found
    if not isinstance(data, dict):
        raise ext.fail(f"the papdesigner {kind} extension is not a JSON object", "valueString")
    return data, ext


def validated(data: Any, ext: Node, kind: str, model: type[M]) -> M:
    """Extension data validated as ``model``; an error names the extension and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        inner = format_path(p for p in first["loc"] if isinstance(p, str | int))
        where = "" if inner == "$" else f" {inner.removeprefix('$.')}"
        raise ext.fail(f"papdesigner {kind}{where}: {first['msg']}", "valueString") from None


def extension_model(node: Node, kind: str, model: type[M]) -> M | None:
    """The papdesigner extension ``kind`` validated as ``model`` (None when absent)."""
    found = extension(node, kind)
    return None if found is None else validated(found[0], found[1], kind, model)


def plain_text(text: str) -> str:
    """USDM text (HTML with syntax-template tags) as plain text; tags become ``[name]``."""
    text = _TAG.sub(lambda m: f"[{m.group(1)}]", text)
    text = _MARKUP.sub(" ", text)
    return " ".join(html.unescape(text).split())


def has_template_tags(text: str) -> bool:
    """True when the text uses USDM syntax-template parameters."""
    return bool(_TAG.search(text))
