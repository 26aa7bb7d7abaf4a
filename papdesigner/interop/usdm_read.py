"""Reading a USDM file defensively: size, encoding, JSON, and typed access with JSON paths.

A USDM file comes from another system and may be broken or hostile. Every value the importer
uses is read through a :class:`Node`, which checks its type and raises :class:`UsdmInputError`
naming the file and the JSON path (``$.study.versions[0].titles[2].text``) of the bad value.
"""

from __future__ import annotations

import json
import math
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from papdesigner.model.fileformat import reject_constant, unique_keys
from papdesigner.model.jsonpath import PathPart, format_path

MAX_USDM_BYTES = 64 * 1024 * 1024
"""Largest USDM file read; the official examples are about 1 MB."""

MAX_NUMBER = 2**53 - 1


class UsdmInputError(ValueError):
    """A USDM file that cannot be imported; ``str()`` is one line naming file and JSON path."""

    def __init__(self, source: str, message: str, path: tuple[PathPart, ...] | None = None):
        where = f" at {format_path(path)}" if path is not None else ""
        super().__init__(f"{source}{where}: {message}")
        self.source = source
        self.path = path
        self.message = message


def read_json_file(path: str | Path, source: str | None = None) -> Any:
    """Read a file as JSON data, refusing what a USDM file cannot be."""
    source = source if source is not None else str(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise UsdmInputError(source, "is a folder, not a USDM file")
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            # a FIFO or device would block or never end
            raise UsdmInputError(source, "not a regular file")
        if info.st_size > MAX_USDM_BYTES:
            raise UsdmInputError(source, f"larger than {MAX_USDM_BYTES // 2**20} MB")
        with file.open("rb") as handle:
            data = handle.read(MAX_USDM_BYTES + 1)
    except FileNotFoundError:
        raise UsdmInputError(source, "no such file") from None
    except OSError as exc:
        raise UsdmInputError(source, f"cannot read ({exc.strerror or exc})") from None
    return parse_json(data, source)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        msg = f"the number {text[:24]} is too large"
        raise ValueError(msg)
    return value


def _int(text: str) -> int:
    if len(text) > 20 or abs(int(text)) > MAX_NUMBER:
        msg = f"the number {text[:24]} is too large"
        raise ValueError(msg)
    return int(text)


def loads_strict(text: str) -> Any:
    """``json.loads`` refusing duplicate keys, NaN/Infinity and numbers no other tool can hold.

    Raises ``ValueError`` (``json.JSONDecodeError`` for syntax) or ``RecursionError``.
    """
    return json.loads(
        text,
        object_pairs_hook=unique_keys,
        parse_constant=reject_constant,
        parse_float=_float,
        parse_int=_int,
    )


def parse_json(data: bytes | str, source: str) -> Any:
    """Parse JSON text (UTF-8 bytes or str) with duplicate keys and NaN refused."""
    if isinstance(data, bytes):
        if len(data) > MAX_USDM_BYTES:
            raise UsdmInputError(source, f"larger than {MAX_USDM_BYTES // 2**20} MB")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UsdmInputError(
                source, f"not UTF-8 text (bad byte at offset {exc.start})"
            ) from None
    if not data.strip():
        raise UsdmInputError(source, "file is empty")
    try:
        return loads_strict(data)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise UsdmInputError(source, msg) from None
    except RecursionError:
        raise UsdmInputError(source, "JSON is nested too deeply") from None
    except ValueError as exc:
        raise UsdmInputError(source, f"not valid JSON: {exc}") from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


class Node:
    """A JSON object of the file with its path; typed getters raise :class:`UsdmInputError`."""

    def __init__(self, value: dict[str, Any], path: tuple[PathPart, ...], source: str) -> None:
        self.value = value
        self.path = path
        self.source = source

    @classmethod
    def root(cls, value: Any, source: str) -> Node:
        """Wrap the document; it must be a JSON object."""
        if not isinstance(value, dict):
            raise UsdmInputError(source, f"expected a JSON object, found {_kind(value)}", ())
        return cls(value, (), source)

    def fail(self, message: str, key: PathPart | None = None) -> UsdmInputError:
        """Return the error for this node (or its ``key``)."""
        path = self.path if key is None else (*self.path, key)
        return UsdmInputError(self.source, message, path)

    def _typed(self, key: str, types: type | tuple[type, ...], wanted: str) -> Any:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,)
        ):
            raise self.fail(f"expected {wanted}, found {_kind(value)}", key)
        if not isinstance(value, types):
            raise self.fail(f"expected {wanted}, found {_kind(value)}", key)
        return value

    def text(self, key: str, default: str = "") -> str:
        """A text attribute ('' when missing or null)."""
        value = self._typed(key, str, "text")
        return default if value is None else str(value)

    def required_text(self, key: str) -> str:
        """A text attribute that must be there."""
        if self.value.get(key) is None:
            raise self.fail(f"required attribute {key!r} is missing")
        return self.text(key)

    def number(self, key: str) -> float | None:
        """A number attribute (None when missing or null)."""
        value = self._typed(key, (int, float), "a number")
        return None if value is None else float(value)

    def flag(self, key: str) -> bool | None:
        """A true/false attribute (None when missing or null)."""
        value = self._typed(key, bool, "true or false")
        return None if value is None else bool(value)

    def child(self, key: str) -> Node | None:
        """An object attribute (None when missing or null)."""
        value = self._typed(key, dict, "an object")
        return None if value is None else Node(value, (*self.path, key), self.source)

    def required_child(self, key: str) -> Node:
        """An object attribute that must be there."""
        node = self.child(key)
        if node is None:
            raise self.fail(f"required attribute {key!r} is missing")
        return node

    def children(self, key: str) -> list[Node]:
        """A list-of-objects attribute ([] when missing or null)."""
        value = self._typed(key, list, "a list")
        nodes = []
        for index, item in enumerate(value or []):
            if not isinstance(item, dict):
                raise UsdmInputError(
                    self.source,
                    f"expected an object, found {_kind(item)}",
                    (*self.path, key, index),
                )
            nodes.append(Node(item, (*self.path, key, index), self.source))
        return nodes

    def strings(self, key: str) -> list[str]:
        """A list-of-texts attribute ([] when missing or null)."""
        value = self._typed(key, list, "a list")
        for index, item in enumerate(value or []):
            if not isinstance(item, str):
                raise UsdmInputError(
                    self.source, f"expected text, found {_kind(item)}", (*self.path, key, index)
                )
        return list(value or [])

    @property
    def instance_type(self) -> str:
        """The instance's class (``instanceType``)."""
        return self.text("instanceType")

    @property
    def id(self) -> str:
        """The instance's id ('' when it has none)."""
        return self.text("id")

    def code(self, key: str) -> str:
        """The ``code`` of a Code (or of an AliasCode's standard code) attribute."""
        node = self.child(key)
        if node is None:
            return ""
        if node.instance_type == "AliasCode":
            node = node.child("standardCode")
            if node is None:
                return ""
        return node.text("code")

    def decode(self, key: str) -> str:
        """The ``decode`` of a Code (or AliasCode) attribute."""
        node = self.child(key)
        if node is not None and node.instance_type == "AliasCode":
            node = node.child("standardCode")
        return "" if node is None else node.text("decode")


def walk_instances(node: Node) -> Iterator[Node]:
    """Yield every USDM instance (an object with ``instanceType``) below ``node``, itself first."""
    stack = [node]
    while stack:
        current = stack.pop()
        if "instanceType" in current.value:
            yield current
        for key, value in reversed(list(current.value.items())):
            if isinstance(value, dict):
                stack.append(Node(value, (*current.path, key), current.source))
            elif isinstance(value, list):
                stack.extend(
                    Node(item, (*current.path, key, index), current.source)
                    for index, item in reversed(list(enumerate(value)))
                    if isinstance(item, dict)
                )
