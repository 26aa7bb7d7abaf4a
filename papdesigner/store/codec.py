"""How a version is stored and hashed.

The stored document of a version is the protocol's file form, the exact bytes
:func:`~papdesigner.model.fileformat.dumps_protocol` gives (stable key order,
two-space indent, final newline), compressed with zlib. Storing the file form,
rather than only the sorted canonical JSON, is what makes an export byte-identical
to what was saved, even after a later papdesigner changes its model: nothing is
re-serialised on the way out. The canonical JSON, and so the fingerprint that PDF
exports embed, follows from the document by parsing it and dumping it sorted.

The hash of a version covers every recorded field, the SHA-256 of the document,
the hash of the protocol's previous version (``parent_hash``) and the hash of the
library's previous version (``prev_hash``). Changing any stored byte, or removing
a version, therefore breaks a link that ``verify`` checks.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from dataclasses import dataclass
from typing import Any

from papdesigner.model.fileformat import (
    MAX_FILE_BYTES,
    fingerprint_of_data,
    protocol_to_dict,
    reject_constant,
)
from papdesigner.model.protocol import Protocol

COMPRESSION_LEVEL = 6
"""zlib level: 9 saves under 1 % more space on protocols and takes twice as long."""

HASH_FORMAT = "papdesigner-version/1"
MAX_AMENDMENT_BYTES = 1024 * 1024


class DocumentError(ValueError):
    """A stored document cannot be decompressed or parsed."""


@dataclass(frozen=True)
class EncodedDocument:
    """A protocol ready to be stored: file bytes, compressed bytes and their digests."""

    data: bytes
    compressed: bytes
    content_sha256: str
    fingerprint: str


def encode_document(protocol: Protocol) -> EncodedDocument:
    """Serialise a protocol to its stored form.

    Equal to ``dumps_protocol`` and ``canonical_json`` of the model (the store tests
    check it on generated protocols), but dumping the model once instead of twice.
    """
    value = protocol_to_dict(protocol)
    data = (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return EncodedDocument(
        data=data,
        compressed=zlib.compress(data, COMPRESSION_LEVEL),
        content_sha256=hashlib.sha256(data).hexdigest(),
        fingerprint=fingerprint_of_data(value),
    )


def decompress_document(blob: bytes) -> bytes:
    """Return the file bytes of a stored document; refuse damaged or oversized data."""
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(blob, MAX_FILE_BYTES + 1)
    except zlib.error as exc:
        raise DocumentError(f"stored document cannot be decompressed ({exc})") from None
    if len(data) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise DocumentError("stored document is larger than a protocol can be")
    if not inflater.eof:
        raise DocumentError("stored document is truncated")
    return data


def document_fingerprint(data: bytes) -> str:
    """Return the fingerprint (SHA-256 of canonical JSON) of a stored document's bytes.

    Equal to :func:`papdesigner.model.fingerprint` of the protocol the document was
    made from: both are ``json.dumps`` of the same data with sorted keys.
    """
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=reject_constant)
        return fingerprint_of_data(value)
    except (UnicodeDecodeError, ValueError) as exc:
        raise DocumentError(f"stored document is not valid JSON ({exc})") from None
    except RecursionError:
        # A tampered document nested thousands deep must be reported, not crash verify.
        raise DocumentError("stored document is nested too deeply to read") from None


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of ``data`` as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def canonical_amendment(payload: Any) -> str | None:
    """Return an amendment payload as canonical JSON text (None stays None).

    Raise ValueError when the payload is not plain JSON data (dicts with string keys,
    lists, strings, finite numbers, booleans, null) or is larger than 1 MB.
    """
    if payload is None:
        return None
    _check_json_value(payload, "amendment")
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    if len(text.encode("utf-8")) > MAX_AMENDMENT_BYTES:
        raise ValueError("amendment payload is larger than 1 MB")
    return text


def _check_json_value(value: Any, where: str, depth: int = 0) -> None:
    if depth > 64:
        raise ValueError(f"{where}: nested too deeply")
    if value is None or isinstance(value, bool | str | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value!r} is not a JSON number")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json_value(item, f"{where}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: key {key!r} is not a string")
            _check_json_value(item, f"{where}.{key}", depth + 1)
        return
    raise ValueError(f"{where}: {type(value).__name__} is not JSON data")


def version_hash(fields: dict[str, Any]) -> str:
    """Return the hash of a version record (see :data:`HASHED_FIELDS`)."""
    missing = [name for name in HASHED_FIELDS if name not in fields]
    if missing:
        raise KeyError(f"version record lacks {', '.join(missing)}")
    record = {name: fields[name] for name in HASHED_FIELDS}
    record["format"] = HASH_FORMAT
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


HASHED_FIELDS = (
    "protocol_id",
    "number",
    "parent_hash",
    "prev_hash",
    "fingerprint",
    "content_sha256",
    "size",
    "title",
    "document_version",
    "author",
    "created_at",
    "message",
    "amendment",
)
"""The columns of a version row that its hash covers: all of them but the row id
(implied by ``prev_hash``), the compressed bytes (covered by ``content_sha256``)
and ``parent_id`` (implied by ``parent_hash``)."""
