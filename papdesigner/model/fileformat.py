"""Reading and writing ``*.pap.json`` files, canonical JSON and the protocol fingerprint.

Loading either returns a valid :class:`Protocol` or raises :class:`ProtocolFileError`
whose one-line message names the file and the JSON path of the first problem.
Saving writes a temporary file next to the target and renames it over the target,
so a crash never leaves a half-written protocol behind.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from papdesigner.model.integrity import check_integrity
from papdesigner.model.jsonpath import PathPart, format_path
from papdesigner.model.limits import (
    LimitError,
    NotARegularFileError,
    check_limits,
    read_regular_file,
)
from papdesigner.model.migrations import MigrationError, migrate
from papdesigner.model.protocol import FORMAT_NAME, Protocol

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest protocol file accepted; real protocols are well under 1 MB."""

FILE_SUFFIX = ".pap.json"

MAX_JSON_INT = 2**53 - 1
"""Largest integer in a protocol file: what JSON tools hold exactly, far inside CEL's int64."""


class ProtocolFileError(ValueError):
    """A protocol file could not be read; ``str()`` is one line naming file and JSON path."""

    def __init__(self, source: str, message: str, path: Sequence[PathPart] | None = None) -> None:
        self.source = source
        self.path: tuple[PathPart, ...] | None = tuple(path) if path is not None else None
        self.message = message
        where = f" at {format_path(self.path)}" if self.path is not None else ""
        super().__init__(f"{source}{where}: {message}")


# --- loading --------------------------------------------------------------------------------


def load_protocol(path: str | os.PathLike[str], *, check_references: bool = True) -> Protocol:
    """Read and validate a protocol file (upgrading an older schema in memory only)."""
    source = str(path)
    data = _read_bytes(Path(path), source)
    return loads_protocol(data, source=source, check_references=check_references)


def loads_protocol(
    data: bytes | str, *, source: str = "<protocol>", check_references: bool = True
) -> Protocol:
    """Parse protocol JSON from bytes or text; see :func:`load_protocol`."""
    raw = _parse_json(data, source)
    _reject_lone_surrogates(raw, data, source)
    if not isinstance(raw, dict):
        raise ProtocolFileError(source, f"expected a JSON object, found {_json_type(raw)}", ())
    if raw.get("format", FORMAT_NAME) != FORMAT_NAME:
        raise ProtocolFileError(
            source, f"not a papdesigner protocol (format is {raw.get('format')!r})", ("format",)
        )
    try:
        upgraded = migrate(raw)
    except MigrationError as exc:
        raise ProtocolFileError(source, str(exc), ("schema_version",)) from None
    try:
        check_limits(upgraded)
    except LimitError as exc:
        raise ProtocolFileError(source, str(exc), exc.path) from None
    protocol = _validate(upgraded, source)
    if "id" not in upgraded:
        # The model makes up a fresh id for a new protocol; a file without one would
        # get a different id (and fingerprint) on every load.
        raise ProtocolFileError(source, "required value is missing (the protocol's UUID)", ("id",))
    if check_references:
        problems = check_integrity(protocol)
        if problems:
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise ProtocolFileError(source, problems[0].message + more, problems[0].path)
    return protocol


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        if path.is_dir():
            raise ProtocolFileError(source, "is a directory, not a protocol file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProtocolFileError(
                source,
                f"file is {size / 2**20:.1f} MB; protocol files are at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB",
            )
        return read_regular_file(path, MAX_FILE_BYTES)
    except NotARegularFileError as exc:
        raise ProtocolFileError(source, exc.strerror or "not a regular file") from None
    except FileNotFoundError:
        raise ProtocolFileError(source, "no such file") from None
    except PermissionError:
        raise ProtocolFileError(source, "permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket cannot be opened as a file
            raise ProtocolFileError(source, "not a regular file (a socket); give a file") from None
        raise ProtocolFileError(source, f"cannot read file ({exc.strerror or exc})") from None


def reject_constant(name: str) -> Any:
    """``parse_constant`` hook: NaN and Infinity are not JSON (raise ValueError)."""
    msg = f"{name} is not valid JSON"
    raise ValueError(msg)


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: an object with a repeated key is refused (ValueError)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            msg = f"duplicate key {key!r} in a JSON object"
            raise ValueError(msg)
        result[key] = value
    return result


def _parse_json(data: bytes | str, source: str) -> Any:
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise ProtocolFileError(source, "file is larger than a protocol can be")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProtocolFileError(
                source,
                f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})",
            ) from None
    else:
        text = data
    if not text.strip():
        raise ProtocolFileError(source, "file is empty")
    too_large: list[_TooLarge] = []
    try:
        raw = json.loads(
            text,
            object_pairs_hook=unique_keys,
            parse_constant=reject_constant,
            parse_int=lambda digits: _int(digits, too_large),
            parse_float=lambda digits: _float(digits, too_large),
        )
    except json.JSONDecodeError as exc:
        raise ProtocolFileError(
            source, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:
        raise ProtocolFileError(source, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolFileError(source, "JSON is nested too deeply") from None
    if too_large:
        digits = too_large[0].digits.lstrip("-")
        short = len(digits) <= 24
        number = f"the number {digits}" if short else f"a number of {len(digits)} characters"
        limit = (
            "beyond what a decimal number can hold"
            if too_large[0].decimal
            else (f"largest whole number allowed: ±{MAX_JSON_INT}")
        )
        message = f"{number} is too large ({limit})"
        raise ProtocolFileError(source, message, _path_of(raw, too_large[0], ()))
    return raw


@dataclass(frozen=True, eq=False)
class _TooLarge:
    """Stands in for an integer no other tool (nor the rule engine) can hold."""

    digits: str
    decimal: bool = False


def _int(digits: str, too_large: list[_TooLarge]) -> int | _TooLarge:
    """Parse a JSON integer; a too large one becomes a marker (its path is found later).

    Long digit strings are never passed to ``int()``, which refuses more than 4300 digits.
    """
    if len(digits.lstrip("-")) <= 16 and abs(value := int(digits)) <= MAX_JSON_INT:
        return value
    marker = _TooLarge(digits)
    too_large.append(marker)
    return marker


def _float(digits: str, too_large: list[_TooLarge]) -> float | _TooLarge:
    """Parse a JSON number with a fraction or exponent; ``1e400`` (infinite) is too large."""
    value = float(digits)
    if math.isfinite(value):
        return value
    marker = _TooLarge(digits, decimal=True)
    too_large.append(marker)
    return marker


def _path_of(value: Any, wanted: object, path: tuple[PathPart, ...]) -> tuple[PathPart, ...] | None:
    """The path of ``wanted`` in parsed JSON (only walked for a bad file)."""
    if value is wanted:
        return path
    children: Any = value.items() if isinstance(value, dict) else ()
    if isinstance(value, list):
        children = enumerate(value)
    for key, item in children:
        found = _path_of(item, wanted, (*path, key))
        if found is not None:
            return found
    return None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _reject_lone_surrogates(raw: Any, data: bytes | str, source: str) -> None:
    """Refuse text with a lone UTF-16 surrogate (``"\\udcff"``): it cannot be written as UTF-8.

    JSON allows the escape; every later step (saving, the library, the rule engine, the
    PDF) would fail on it. Only files that contain such an escape are walked.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if not (_SURROGATE_ESCAPE.search(text) or _LONE_SURROGATE.search(text)):
        return
    found = _find_surrogate(raw, ())
    if found is not None:
        raise ProtocolFileError(
            source, "text contains an invalid character (a lone UTF-16 surrogate)", found
        )


def _find_surrogate(value: Any, path: tuple[PathPart, ...]) -> tuple[PathPart, ...] | None:
    if isinstance(value, str):
        return path if _LONE_SURROGATE.search(value) else None
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
        for key in value:
            if _LONE_SURROGATE.search(key):
                return (*path, key)
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        found = _find_surrogate(item, (*path, key))
        if found is not None:
            return found
    return None


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _validate(raw: dict[str, Any], source: str) -> Protocol:
    try:
        return Protocol.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(part for part in first["loc"] if not _is_pydantic_tag(part))
        more = exc.error_count() - 1
        suffix = f" (and {more} more problems)" if more else ""
        raise ProtocolFileError(source, _describe(first) + suffix, loc) from None


def _is_pydantic_tag(part: Any) -> bool:
    # Union members and dict keys show up in pydantic locations as "[key]", "str", ...
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"})


def _describe(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        return "unknown key (not part of the protocol format)"
    if error["type"] == "missing":
        return "required value is missing"
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and not isinstance(value, dict):
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{message} (found {shown})"
    return message


# --- saving and canonical form -------------------------------------------------------------


def protocol_to_dict(protocol: Protocol) -> dict[str, Any]:
    """Return the protocol as plain JSON data, keys in file-format order."""
    return protocol.model_dump(mode="json")


def dumps_protocol(protocol: Protocol) -> str:
    """Return the pretty-printed file text: two-space indent, stable key order, final newline."""
    return json.dumps(protocol_to_dict(protocol), indent=2, ensure_ascii=False) + "\n"


def canonical_bytes(value: Any) -> bytes:
    """The one definition of canonical JSON: sorted keys, no insignificant whitespace, UTF-8.

    Used for a protocol's fingerprint here and in the library (which fingerprints
    stored documents without building the model); NaN and infinities are refused.
    """
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def fingerprint_of_data(value: Any) -> str:
    """The SHA-256 of the canonical JSON of protocol data (a dict), as 64 hex digits."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def canonical_json(protocol: Protocol) -> bytes:
    """Return the canonical JSON bytes of ``protocol``.

    The same protocol always gives the same bytes, whatever the key order or
    formatting of the file it was read from.
    """
    return canonical_bytes(protocol_to_dict(protocol))


def fingerprint(protocol: Protocol) -> str:
    """Return the SHA-256 of the canonical JSON, as 64 hex digits."""
    return fingerprint_of_data(protocol_to_dict(protocol))


def save_protocol(protocol: Protocol, path: str | os.PathLike[str]) -> None:
    """Write the protocol atomically: temporary file in the same folder, fsync, rename."""
    write_text_atomic(Path(path), dumps_protocol(protocol))


def write_text_atomic(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` so that readers see the old or the new file, never half."""
    write_bytes_atomic(target, text.encode("utf-8"))


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically (temporary file + fsync + rename).

    A new file gets the permissions any program's new file gets (``0o666`` less the
    umask), an existing one keeps its own. A symbolic link is followed: the file it
    points to is replaced and the link stays. A device or pipe (``-o /dev/null``,
    ``-o /dev/stdout``) is written to, never replaced: renaming over it replaced
    ``/dev/null`` itself with a regular file. An :class:`OSError` names ``target``,
    never the temporary file, so a user sees the path they typed.
    """
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
        if target.exists() and not target.is_file():  # stat follows /dev/stdout's links
            with target.open("wb") as stream:
                stream.write(data)
            return
        _write_via_temporary(Path(os.path.realpath(target)), data)
    except OSError as exc:
        if exc.filename == str(target) and exc.filename2 is None:
            raise
        raise type(exc)(exc.errno, exc.strerror or str(exc), str(target)) from exc


def _write_via_temporary(target: Path, data: bytes) -> None:
    folder = target.parent if str(target.parent) else Path()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        tmp.chmod(mode)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@functools.cache
def _umask() -> int:
    """The process umask, read once (reading it means setting it; it is put back at once)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
