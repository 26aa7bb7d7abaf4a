"""The local library: immutable protocol versions in a hash chain, autosave, search.

Qt-free. Open it with :meth:`Library.open`; see :mod:`papdesigner.store.library`
for the API the GUI uses and ``papdesigner library --help`` for the CLI.
"""

from papdesigner.store.errors import (
    LibraryBusyError,
    LibraryCorruptError,
    LibraryError,
    LibraryFullError,
    LibraryReadOnlyError,
    NewerSchemaError,
    NotALibraryError,
    NotFoundError,
    StaleHeadError,
)
from papdesigner.store.library import Library, default_author
from papdesigner.store.location import ENV_VAR, default_library_path, resolve_library_path
from papdesigner.store.records import (
    DraftInfo,
    Filters,
    ImportResult,
    Problem,
    ProtocolSummary,
    SearchHit,
    VerifyReport,
    VersionInfo,
)

__all__ = [
    "ENV_VAR",
    "DraftInfo",
    "Filters",
    "ImportResult",
    "Library",
    "LibraryBusyError",
    "LibraryCorruptError",
    "LibraryError",
    "LibraryFullError",
    "LibraryReadOnlyError",
    "NewerSchemaError",
    "NotALibraryError",
    "NotFoundError",
    "Problem",
    "ProtocolSummary",
    "SearchHit",
    "StaleHeadError",
    "VerifyReport",
    "VersionInfo",
    "default_author",
    "default_library_path",
    "resolve_library_path",
]
