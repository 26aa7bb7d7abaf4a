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

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted; a rule set needs five levels."""


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


# libyaml's composer when present (ten times faster than the pure-Python one); nodes keep
# their marks either way.
_Composer: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlSourceError for syntax errors, duplicate keys and
    aliases (rule files have no use for them, and alias chains can expand exponentially)."""
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSourceError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"invalid YAML: {exc}", None) from None
    except RecursionError:  # the pure-Python composer, when libyaml is missing
        msg = f"invalid YAML: nested more than {MAX_DEPTH} levels deep"
        raise YamlSourceError(msg, None) from None
    doc = YamlDocument(data=None)
    if node is not None:
        doc.data = _Converter(doc.lines).convert(node, ())
    return doc


class _Converter:
    """Turn a node tree into plain data, recording lines; a node met twice is an alias."""

    def __init__(self, lines: dict[PathKey, int]) -> None:
        self.lines = lines
        self.seen: set[int] = set()
        self.scalars = yaml.SafeLoader("")

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self.seen:
            msg = "YAML aliases (*name) are not allowed in rule sets"
            raise YamlSourceError(msg, line)
        self.seen.add(id(node))
        self.lines.setdefault(path, line)
        if len(path) > MAX_DEPTH:
            msg = f"nested more than {MAX_DEPTH} levels deep"
            raise YamlSourceError(msg, line)
        if isinstance(node, yaml.MappingNode):
            return _convert_mapping(self, node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlSourceError(f"invalid YAML value: {exc}", line) from None


def _convert_mapping(conv: _Converter, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            msg = "only plain keys are allowed (no merge keys or complex keys)"
            raise YamlSourceError(msg, line)
        key = str(conv.scalars.construct_object(key_node))
        if key in out:
            raise YamlSourceError(f"duplicate key {key!r}", line)
        conv.lines[(*path, key)] = line
        out[key] = conv.convert(value_node, (*path, key))
    return out
