"""The Qt-free domain model: the protocol, its file format, catalogues and integrity checks."""

from papdesigner.model.fileformat import (
    ProtocolFileError,
    canonical_json,
    dumps_protocol,
    fingerprint,
    load_protocol,
    loads_protocol,
    save_protocol,
)
from papdesigner.model.integrity import IntegrityProblem, check_integrity
from papdesigner.model.jsonpath import format_path, parse_path
from papdesigner.model.protocol import SCHEMA_VERSION, Protocol

__all__ = [
    "SCHEMA_VERSION",
    "IntegrityProblem",
    "Protocol",
    "ProtocolFileError",
    "canonical_json",
    "check_integrity",
    "dumps_protocol",
    "fingerprint",
    "format_path",
    "load_protocol",
    "loads_protocol",
    "parse_path",
    "save_protocol",
]
