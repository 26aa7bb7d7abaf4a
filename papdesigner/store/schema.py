"""The library's tables and their migrations.

``MIGRATIONS[n]`` upgrades a library from schema version ``n`` to ``n + 1``; the
schema version is SQLite's ``user_version`` header field and ``application_id``
marks the file as a papdesigner library. :func:`upgrade` runs every pending step
and the version bump in ONE write transaction, so a crash or an error in the
middle leaves the library exactly as it was.

Versions are append-only: triggers refuse UPDATE and DELETE on ``versions``, so no
code path of the app (nor a stray SQL statement) can rewrite history. Someone
with a SQL shell can drop the triggers; ``verify`` reports that, and the hash
chain reveals any change made afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database

APPLICATION_ID = 0x50415044
"""``"PAPD"``: written into the SQLite header of every library file."""

Migration = Callable[[Database], None]

IMMUTABILITY_TRIGGERS: dict[str, str] = {
    "versions_are_immutable": (
        "CREATE TRIGGER versions_are_immutable BEFORE UPDATE ON versions "
        "BEGIN SELECT RAISE(ABORT, 'versions are immutable: save a new version instead'); END"
    ),
    "versions_are_kept": (
        "CREATE TRIGGER versions_are_kept BEFORE DELETE ON versions "
        "BEGIN SELECT RAISE(ABORT, 'versions are never deleted: archive the protocol instead'); END"
    ),
}

TEXT_COLUMNS = ("title", "acronym", "protocol_number", "substances", "indication", "text")
"""The searchable text of a protocol's head, in the order snippets look for a match."""

SEARCH_COLUMNS = (*TEXT_COLUMNS, "facets")
"""``facets`` holds the filter values as phrases ("substance psilocybin", "jurisdiction
us or"), so a filtered search is one FTS5 query instead of a check per match."""

SEARCH_WEIGHTS = (10.0, 10.0, 10.0, 4.0, 4.0, 1.0, 0.0)
"""bm25 weight per search column: a hit in the title or number outranks one in the text."""


def _v0_to_v1(db: Database) -> None:
    """The first schema: protocols, versions, search index, facets, sessions and drafts."""
    db.create_table(
        "protocols",
        {
            "pk": int,
            "id": str,
            "title": str,
            "acronym": str,
            "protocol_number": str,
            "document_version": str,
            "context": str,
            "condition": str,
            "substances": str,
            "jurisdictions": str,
            "head_version_id": int,
            "head_hash": str,
            "version_count": int,
            "created_at": str,
            "updated_at": str,
            "archived_at": str,
        },
        pk="pk",
        not_null=["id", "version_count", "created_at", "updated_at"],
    )
    db.table("protocols").create_index(["id"], unique=True)
    db.table("protocols").create_index(["updated_at"])
    db.table("protocols").create_index(["head_version_id"], unique=True)
    _create_versions(db)
    _create_search(db)
    _create_drafts(db)


def _create_versions(db: Database) -> None:
    text_columns = ["hash", "fingerprint", "content_sha256", "title", "document_version"]
    text_columns += ["author", "created_at", "message"]
    db.create_table(
        "versions",
        {
            "id": int,
            "protocol_id": str,
            "number": int,
            "parent_id": int,
            "parent_hash": str,
            "prev_hash": str,
            "hash": str,
            "fingerprint": str,
            "content_sha256": str,
            "size": int,
            "title": str,
            "document_version": str,
            "author": str,
            "created_at": str,
            "message": str,
            "amendment": str,
            "document": bytes,
        },
        pk="id",
        not_null=["protocol_id", "number", "size", "document", *text_columns],
        foreign_keys=[("protocol_id", "protocols", "id"), ("parent_id", "versions", "id")],
    )
    db.table("versions").create_index(["protocol_id", "number"], unique=True)
    db.table("versions").create_index(["hash"], unique=True)
    db.table("versions").create_index(["protocol_id", "content_sha256"])
    for sql in IMMUTABILITY_TRIGGERS.values():
        db.execute(sql)


def _create_search(db: Database) -> None:
    db.create_table(
        "protocol_facets",
        {"facet": str, "value": str, "protocol_pk": int},
        pk=("facet", "value", "protocol_pk"),
        foreign_keys=[("protocol_pk", "protocols", "pk")],
    )
    db.table("protocol_facets").create_index(["protocol_pk"])
    columns = ", ".join(SEARCH_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE search_index USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    weights = ", ".join(f"{w:g}" for w in SEARCH_WEIGHTS)
    db.execute(
        "INSERT INTO search_index(search_index, rank) VALUES ('rank', ?)", [f"bm25({weights})"]
    )


def _create_drafts(db: Database) -> None:
    db.create_table(
        "sessions",
        {"id": str, "host": str, "pid": int, "started_at": str},
        pk="id",
        not_null=["host", "pid", "started_at"],
    )
    db.create_table(
        "drafts",
        {
            "session_id": str,
            "key": str,
            "protocol_id": str,
            "base_version_id": int,
            "title": str,
            "saved_at": str,
            "size": int,
            "content_sha256": str,
            "document": bytes,
        },
        pk=("session_id", "key"),
        not_null=["title", "saved_at", "size", "content_sha256", "document"],
        foreign_keys=[("session_id", "sessions", "id"), ("base_version_id", "versions", "id")],
    )


MIGRATIONS: list[Migration] = [_v0_to_v1]


def target_version() -> int:
    """The schema version this papdesigner writes."""
    return len(MIGRATIONS)


def read_header(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """Return ``(application_id, user_version, number of schema objects)`` of a database."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return int(app_id), int(version), int(objects)


def apply_migrations(db: Database, from_version: int) -> None:
    """Run the steps from ``from_version`` to the target inside the caller's transaction."""
    for step in MIGRATIONS[from_version:]:
        step(db)
    db.conn.execute(f"PRAGMA user_version = {target_version():d}")
    db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
