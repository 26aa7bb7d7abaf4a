"""What the library hands out: plain, immutable records (no database handles inside).

These are the types the GUI and the CLI consume; they stay valid after the
library is closed and can be passed between threads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class VersionInfo:
    """One immutable saved version of a protocol.

    ``id`` is the library-local number of the version (1, 2, 3 in save order across
    the whole library); ``number`` counts the versions of this protocol from 1;
    ``hash`` identifies the version everywhere (it covers the content, the metadata
    and the parent's hash); ``fingerprint`` is the SHA-256 of the protocol's
    canonical JSON, the value a PDF export embeds.
    """

    id: int
    protocol_id: str
    number: int
    hash: str
    parent_hash: str | None
    fingerprint: str
    author: str
    created_at: dt.datetime
    message: str
    title: str
    document_version: str
    size: int
    amendment: Any = None

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the hash, for display."""
        return self.hash[:12]


@dataclass(frozen=True)
class ProtocolSummary:
    """A protocol in the library as of its newest version (its head)."""

    id: str
    title: str
    acronym: str
    protocol_number: str
    document_version: str
    context: str
    condition: str
    substances: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    head_version_id: int
    head_hash: str
    version_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None

    @property
    def archived(self) -> bool:
        """Whether the protocol is hidden from the default lists."""
        return self.archived_at is not None


@dataclass(frozen=True)
class SearchHit:
    """One search result: the protocol, its rank and a text snippet.

    ``rank`` is the bm25 score (lower is better), or None when the query matched so
    many protocols that the hits are the most recently saved ones, newest first.
    ``snippet`` shows the matched words in ``[brackets]`` ("" when not computed).
    """

    protocol: ProtocolSummary
    rank: float | None
    snippet: str


@dataclass(frozen=True)
class Filters:
    """Restrict a listing or a search. ``None`` means "any"; values use the file vocabulary.

    ``jurisdiction`` matches a country ("US") or a region ("US-OR") of any site.
    """

    substance: str | None = None
    indication: str | None = None
    context: str | None = None
    jurisdiction: str | None = None
    include_archived: bool = False


@dataclass(frozen=True)
class DraftInfo:
    """An autosaved working copy of unsaved edits.

    ``session_id`` is the app session that wrote it; ``key`` is the caller's name for
    the protocol being edited (usually its id); ``base_version_id`` is the library
    version the edits started from, if any.
    """

    session_id: str
    key: str
    protocol_id: str | None
    base_version_id: int | None
    title: str
    saved_at: dt.datetime
    host: str
    size: int


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file during an import.

    ``status`` is ``"imported"`` (a new version), ``"unchanged"`` (the library already
    holds this exact content for this protocol) or ``"error"`` (nothing imported;
    ``error`` says why). ``canonical`` tells whether the file's bytes were already the
    canonical file form, in which case exporting the version gives the same bytes.
    ``warnings`` lists integrity problems of an imported protocol.
    """

    path: str
    status: str
    version: VersionInfo | None = None
    error: str | None = None
    canonical: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One finding of :meth:`Library.verify`."""

    kind: str
    message: str
    version_id: int | None = None
    protocol_id: str | None = None


@dataclass(frozen=True)
class VerifyReport:
    """The result of walking every hash chain in the library."""

    versions_checked: int
    protocols_checked: int
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    witnessed: int = 0
    """How many committed versions the head witness recorded (and verify checked)."""

    @property
    def ok(self) -> bool:
        """True when no version's content or link deviates from what was recorded."""
        return not self.problems
