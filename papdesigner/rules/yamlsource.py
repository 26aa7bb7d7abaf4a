"""Read a rule-set YAML file into plain data while remembering the line of every value.

PyYAML's ``safe_load`` forgets where things were and silently keeps the last of two
duplicate keys. Rule-set errors must name the file and line, and a duplicated key
in a rule is almost always a mistake, so this module composes the node tree itself
and records ``path -> line`` for every mapping key and sequence item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


class YamlSourceError(ValueError):
    """The text is not YAML we accept; ``line`` is 1-based (None when unknown)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class YamlDocument:
    """The plain data of a YAML document and the 1-based line of each path in it."""

    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """Return the line of ``path`` or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


class _PlainLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases: rule files have no use for them, and
    alias chains can expand exponentially (the "billion laughs" file)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            msg = "YAML aliases (*name) are not allowed in rule sets"
            raise YamlSourceError(msg, event.start_mark.line + 1)
        return super().compose_node(parent, index)


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlSourceError for syntax errors and duplicate keys."""
    try:
        node = yaml.compose(text, Loader=_PlainLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSourceError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"invalid YAML: {exc}", None) from None
    doc = YamlDocument(data=None)
    if node is not None:
        doc.data = _convert(node, (), doc.lines, yaml.SafeLoader(""))
    return doc


def _convert(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], loader: Any) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, path, lines, loader)
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, index), lines, loader) for index, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"invalid YAML value: {exc}", node.start_mark.line + 1) from None


def _convert_mapping(
    node: yaml.MappingNode, path: PathKey, lines: dict[PathKey, int], loader: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlSourceError(
                "only plain keys are allowed (no merge keys or complex keys)", line
            )
        key = str(loader.construct_object(key_node))
        if key in out:
            raise YamlSourceError(f"duplicate key {key!r}", line)
        lines[(*path, key)] = line
        out[key] = _convert(value_node, (*path, key), lines, loader)
    return out
