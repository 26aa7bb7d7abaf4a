"""Reading ``*.pap.json`` files for import, and what "byte-identical export" means.

Export guarantee: the exported file of a version is exactly the bytes that
:func:`~papdesigner.model.fileformat.dumps_protocol` gave for the protocol when the
version was saved (the library stores those bytes). A file that was already in
that canonical file form is therefore exported byte for byte as it was imported;
a file in another layout (other indentation, key order, an older schema) is
imported as the same protocol and exported in the canonical form, and the import
reports it as ``canonical=False``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from papdesigner.model.fileformat import FILE_SUFFIX, ProtocolFileError, load_protocol
from papdesigner.model.integrity import check_integrity
from papdesigner.model.protocol import Protocol
from papdesigner.store.codec import EncodedDocument, encode_document


@dataclass(frozen=True)
class ReadFile:
    """A protocol file read for import."""

    path: Path
    protocol: Protocol
    encoded: EncodedDocument
    canonical: bool
    warnings: tuple[str, ...]


def expand_paths(paths: Iterable[str | Path], *, recursive: bool = False) -> Iterator[Path]:
    """Yield the files to import: files as given, folders as their ``*.pap.json`` files.

    A folder with no protocol files yields the folder itself, so the caller reports it.
    """
    for item in paths:
        path = Path(item)
        if not path.is_dir():
            yield path
            continue
        pattern = f"*{FILE_SUFFIX}"
        found = sorted(path.rglob(pattern) if recursive else path.glob(pattern))
        found = [p for p in found if p.is_file()]
        yield from found if found else [path]


def read_for_import(path: Path) -> ReadFile:
    """Load a protocol file; raise ProtocolFileError with a one-line reason if it is invalid.

    Broken cross-references do not stop an import (a protocol in progress may have
    them); they come back as warnings.
    """
    if path.is_dir():
        raise ProtocolFileError(str(path), f"folder holds no {FILE_SUFFIX} files")
    protocol = load_protocol(path, check_references=False)
    encoded = encode_document(protocol)
    try:
        canonical = path.read_bytes() == encoded.data
    except OSError:
        canonical = False
    warnings = tuple(str(problem) for problem in check_integrity(protocol))
    return ReadFile(path, protocol, encoded, canonical, warnings)
