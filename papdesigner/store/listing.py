"""Listing and full-text search of the protocols' heads.

Search runs on an FTS5 index with one row per protocol (its head); a query is
split into words and every word must occur as a word prefix, so a user can type
"psilo trd" or a protocol number such as "PSI-TRD-001" without knowing the FTS5
query syntax (user text is never passed to FTS5 as syntax). Hits are ranked by
bm25 with the title, acronym and numbers weighted above the narrative, then by
recency.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import unicodedata
from typing import Any

from papdesigner.model.vocab import CONDITIONS, CONTEXTS, SUBSTANCES
from papdesigner.store.records import Filters, ProtocolSummary, SearchHit
from papdesigner.store.schema import TEXT_COLUMNS
from papdesigner.store.snippets import make_snippet, query_words
from papdesigner.store.summary import FACETS, facet_phrase

_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")

SUMMARY_COLUMNS = (
    "p.id, p.title, p.acronym, p.protocol_number, p.document_version, p.context, p.condition, "
    "p.substances, p.jurisdictions, p.head_version_id, p.head_hash, p.version_count, "
    "p.created_at, p.updated_at, p.archived_at"
)

MAX_QUERY_WORDS = 32


def validate_filters(filters: Filters) -> None:
    """Raise ValueError naming the first filter value outside the file vocabulary."""
    checks = (
        ("substance", filters.substance, SUBSTANCES),
        ("indication", filters.indication, CONDITIONS),
        ("context", filters.context, CONTEXTS),
    )
    for name, value, allowed in checks:
        if value is not None and value not in allowed:
            raise ValueError(f"unknown {name} {value!r} (choose from: {', '.join(allowed)})")
    if filters.jurisdiction is not None and not _JURISDICTION.match(filters.jurisdiction):
        raise ValueError(
            f'jurisdiction {filters.jurisdiction!r} is not a country ("US") or region ("US-OR")'
        )


def _facet_values(filters: Filters) -> list[tuple[str, str]]:
    values = (filters.substance, filters.indication, filters.context, filters.jurisdiction)
    return [(facet, value) for facet, value in zip(FACETS, values, strict=True) if value]


def filter_sql(filters: Filters) -> tuple[str, list[Any]]:
    """Return a SQL condition over the ``protocols`` alias ``p`` and its parameters."""
    validate_filters(filters)
    clauses = [_archived_sql(filters)]
    params: list[Any] = []
    for facet, value in _facet_values(filters):
        clauses.append(
            "EXISTS (SELECT 1 FROM protocol_facets f "
            "WHERE f.facet = ? AND f.value = ? AND f.protocol_pk = p.pk)"
        )
        params += [facet, value]
    return " AND ".join(clauses), params


def _archived_sql(filters: Filters) -> str:
    return "1" if filters.include_archived else "p.archived_at IS NULL"


def fts_filters(filters: Filters) -> str:
    """Return the filters as FTS5 phrases on the ``facets`` column ("" when none)."""
    validate_filters(filters)
    return "".join(
        f' AND facets : "{facet_phrase(facet, value)}"' for facet, value in _facet_values(filters)
    )


def fts_query(text: str) -> str | None:
    """Return a safe FTS5 query: every word of ``text`` as a quoted prefix, all required.

    Control characters separate words (a NUL would end the FTS5 string early);
    words without a letter or digit are dropped; None when nothing is left.
    """
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    phrases = []
    for word in cleaned.split()[:MAX_QUERY_WORDS]:
        if any(ch.isalnum() for ch in word):
            phrases.append('"' + word.replace('"', '""') + '"*')
    return " ".join(phrases) or None


def list_heads(conn: sqlite3.Connection, filters: Filters, limit: int) -> list[ProtocolSummary]:
    """Return the protocols, most recently saved first."""
    where, params = filter_sql(filters)
    rows = conn.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM protocols p WHERE {where} "
        "ORDER BY p.updated_at DESC, p.pk DESC LIMIT ?",
        [*params, max(0, limit)],
    ).fetchall()
    return [summary_from_row(row) for row in rows]


RANK_LIMIT = 1000
"""Up to this many matches are ranked by relevance; ranking costs about 2 µs per match."""


def search_heads(
    conn: sqlite3.Connection, text: str, filters: Filters, limit: int, snippets: int
) -> list[SearchHit]:
    """Return the protocols whose head matches every word of ``text``.

    Up to :data:`RANK_LIMIT` matches are ordered best first (bm25, then recency).
    A broader query is answered with the most recently saved matches first, taken
    from a reverse rowid scan of the index, so search stays fast however large the
    library grows; those hits have ``rank`` None. Only the first ``snippets`` hits
    get a text snippet: see :mod:`papdesigner.store.snippets`.
    """
    words = fts_query(text)
    if words is None:
        return []
    # The words must occur in the text columns; the filters are phrases of ``facets``.
    query = f"{{{' '.join(TEXT_COLUMNS)}}} : ({words}){fts_filters(filters)}"
    where = _archived_sql(filters)
    limit = max(0, limit)
    # One pass over the index (for prefix words FTS5 merges their doclists per query).
    newest = [
        int(r[0])
        for r in conn.execute(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
            [query, RANK_LIMIT + 1],
        )
    ]
    if len(newest) <= RANK_LIMIT:
        rows = conn.execute(
            f"SELECT {SUMMARY_COLUMNS}, s.rowid, s.rank "
            "FROM search_index s JOIN protocols p ON p.head_version_id = s.rowid "
            f"WHERE search_index MATCH ? AND {where} ORDER BY s.rank, s.rowid DESC LIMIT ?",
            [query, limit],
        ).fetchall()
    else:
        rows = _newest_rows(conn, newest, where, limit)
        if len(rows) < limit:  # archived ones left too few of the newest matches: scan all
            rows = conn.execute(
                f"SELECT {SUMMARY_COLUMNS}, s.rowid, NULL "
                "FROM search_index s JOIN protocols p ON p.head_version_id = s.rowid "
                f"WHERE search_index MATCH ? AND {where} ORDER BY s.rowid DESC LIMIT ?",
                [query, limit],
            ).fetchall()
    texts = _snippets(conn, text, [int(row[-2]) for row in rows[: max(0, snippets)]])
    return [
        SearchHit(
            summary_from_row(row[:-2]),
            None if row[-1] is None else float(row[-1]),
            texts.get(int(row[-2]), ""),
        )
        for row in rows
    ]


def _newest_rows(
    conn: sqlite3.Connection, head_ids: list[int], where: str, limit: int
) -> list[Any]:
    marks = ", ".join("?" * len(head_ids))
    return conn.execute(
        f"SELECT {SUMMARY_COLUMNS}, p.head_version_id, NULL FROM protocols p "
        f"WHERE p.head_version_id IN ({marks}) AND {where} "
        "ORDER BY p.head_version_id DESC LIMIT ?",
        [*head_ids, limit],
    ).fetchall()


def _snippets(conn: sqlite3.Connection, text: str, rowids: list[int]) -> dict[int, str]:
    # A plain rowid lookup: without MATCH, FTS5 reads the stored columns directly.
    if not rowids:
        return {}
    words = query_words(text)
    marks = ", ".join("?" * len(rowids))
    rows = conn.execute(
        f"SELECT rowid, {', '.join(TEXT_COLUMNS)} FROM search_index WHERE rowid IN ({marks})",
        rowids,
    )
    return {int(row[0]): make_snippet([str(c or "") for c in row[1:]], words) for row in rows}


def summary_from_row(row: tuple[Any, ...]) -> ProtocolSummary:
    """Map a row selected with :data:`SUMMARY_COLUMNS` to a :class:`ProtocolSummary`."""
    return ProtocolSummary(
        id=row[0],
        title=row[1] or "",
        acronym=row[2] or "",
        protocol_number=row[3] or "",
        document_version=row[4] or "",
        context=row[5] or "",
        condition=row[6] or "",
        substances=tuple(json.loads(row[7] or "[]")),
        jurisdictions=tuple(json.loads(row[8] or "[]")),
        head_version_id=int(row[9]),
        head_hash=row[10],
        version_count=int(row[11]),
        created_at=parse_time(row[12]),
        updated_at=parse_time(row[13]),
        archived_at=parse_time(row[14]) if row[14] else None,
    )


def format_time(moment: dt.datetime) -> str:
    """Return the stored spelling of a time: UTC, microseconds, ``Z`` (sorts as text)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> dt.datetime:
    """Parse a stored time back to an aware UTC datetime."""
    return dt.datetime.fromisoformat(text)  # 50 times faster than strptime; "Z" is UTC
