"""Saving versions: immutability, history, heads, amendments, export byte-identity."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from protocol_strategies import protocols
from store_factory import edited, realistic_protocol

from papdesigner.model import dumps_protocol, fingerprint, load_protocol, save_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.store import Library, NotFoundError, StaleHeadError


def test_save_creates_numbered_versions_linked_by_hash(lib: Library, protocol: Protocol) -> None:
    first = lib.save_version(protocol, "Ana Núñez", "Initial draft")
    second = lib.save_version(edited(protocol, 1), "Ben", "Tightened exclusion criteria")

    assert (first.number, second.number) == (1, 2)
    assert first.parent_hash is None
    assert second.parent_hash == first.hash
    assert first.fingerprint == fingerprint(protocol)
    assert second.fingerprint == fingerprint(edited(protocol, 1))
    assert first.author == "Ana Núñez"
    assert first.created_at.tzinfo is not None
    assert second.created_at >= first.created_at
    assert [v.hash for v in lib.history(protocol.id)] == [first.hash, second.hash]
    assert lib.head(protocol.id) == second


def test_load_version_returns_each_saved_state(lib: Library, protocol: Protocol) -> None:
    states = [protocol, edited(protocol, 1), edited(protocol, 2), edited(protocol, 3)]
    infos = [lib.save_version(p, "ana", f"step {i}") for i, p in enumerate(states)]

    for info, state in zip(infos, states, strict=True):
        loaded = lib.load_version(info.id)
        assert loaded == state
        assert fingerprint(loaded) == info.fingerprint
    assert lib.load_head(protocol.id) == states[-1]


def test_versions_table_refuses_update_and_delete(lib: Library, protocol: Protocol) -> None:
    info = lib.save_version(protocol, "ana", "v1")
    conn = lib.db.conn

    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute("UPDATE versions SET message = 'rewritten' WHERE id = ?", [info.id])
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM versions WHERE id = ?", [info.id])
    conn.rollback()
    assert lib.version(info.id).message == "v1"


def test_archive_hides_protocol_but_keeps_versions(lib: Library, protocol: Protocol) -> None:
    other = realistic_protocol(2)
    lib.save_version(protocol, "ana", "v1")
    lib.save_version(edited(protocol, 1), "ana", "v2")
    lib.save_version(other, "ana", "other")

    lib.archive(protocol.id)

    assert [s.id for s in lib.heads()] == [str(other.id)]
    from papdesigner.store import Filters

    listed = lib.heads(filters=Filters(include_archived=True))
    assert {s.id for s in listed} == {str(protocol.id), str(other.id)}
    assert next(s for s in listed if s.id == str(protocol.id)).archived
    assert len(lib.history(protocol.id)) == 2
    assert lib.verify().ok

    lib.archive(protocol.id, archived=False)
    assert {s.id for s in lib.heads()} == {str(protocol.id), str(other.id)}


def test_heads_are_listed_most_recent_first(lib: Library) -> None:
    protos = [realistic_protocol(seed, sessions=6) for seed in range(5)]
    for p in protos:
        lib.save_version(p, "ana", "v1")
    lib.save_version(edited(protos[1], 1), "ana", "v2")

    order = [s.id for s in lib.heads()]
    assert order == [str(protos[i].id) for i in (1, 4, 3, 2, 0)]
    assert [s.id for s in lib.heads(limit=2)] == order[:2]
    assert lib.protocol(protos[1].id).version_count == 2


def test_amendment_payload_is_stored_and_hashed(lib: Library, protocol: Protocol) -> None:
    lib.save_version(protocol, "ana", "v1")
    payload = {"number": 1, "summary": "Dose 25 → 20 mg", "changes": [{"path": "$.arms[0]"}]}
    info = lib.save_version(edited(protocol, 1), "ana", "Amendment 1", amendment=payload)

    assert info.amendment == payload
    assert lib.version(info.id).amendment == payload
    assert lib.history(protocol.id)[0].amendment is None
    # The payload is covered by the hash: change it in SQL and verify notices.
    conn = lib.db.conn
    conn.execute("DROP TRIGGER versions_are_immutable")
    conn.execute("UPDATE versions SET amendment = '{\"number\":2}' WHERE id = ?", [info.id])
    conn.commit()
    kinds = {(p.kind, p.version_id) for p in lib.verify().problems}
    assert ("record", info.id) in kinds


@pytest.mark.parametrize(
    "payload",
    [float("nan"), {1: "x"}, {"when": object()}, [float("inf")], b"bytes"],
    ids=["nan", "int-key", "object", "inf", "bytes"],
)
def test_amendment_must_be_plain_json(lib: Library, protocol: Protocol, payload: object) -> None:
    with pytest.raises(ValueError, match="amendment"):
        lib.save_version(protocol, "ana", "v1", amendment=payload)
    assert lib.heads() == []


def test_expected_head_detects_a_save_by_someone_else(
    lib: Library, library_path: Path, protocol: Protocol
) -> None:
    first = lib.save_version(protocol, "ana", "v1")
    with Library.open(library_path) as other:
        other.save_version(edited(protocol, 1), "ben", "saved from the CLI")

    with pytest.raises(StaleHeadError, match="version #2"):
        lib.save_version(edited(protocol, 2), "ana", "v2", expected_head=first.hash)
    head = lib.head(protocol.id)
    assert head.author == "ben"
    third = lib.save_version(edited(protocol, 2), "ana", "v3", expected_head=head.hash)
    assert third.number == 3


def test_author_is_required_and_message_trimmed(lib: Library, protocol: Protocol) -> None:
    with pytest.raises(ValueError, match="author"):
        lib.save_version(protocol, "   ", "v1")
    info = lib.save_version(protocol, "  Ana\n Núñez ", "  message \n")
    assert (info.author, info.message) == ("Ana Núñez", "message")


def test_unknown_ids_raise_not_found(lib: Library, protocol: Protocol) -> None:
    lib.save_version(protocol, "ana", "v1")
    with pytest.raises(NotFoundError):
        lib.history(uuid.uuid4())
    with pytest.raises(NotFoundError):
        lib.version(999)
    with pytest.raises(NotFoundError):
        lib.protocol("not-a-uuid")
    with pytest.raises(NotFoundError):
        lib.archive(uuid.uuid4())


def test_export_equals_dumps_protocol_of_the_saved_version(
    lib: Library, protocol: Protocol, tmp_path: Path
) -> None:
    # Narrative keys out of alphabetical order: canonical JSON sorts them, the file keeps them.
    unsorted = protocol.model_copy(deep=True)
    unsorted.narrative = {"zeta": "last section first", "alpha": "then this", **unsorted.narrative}
    info = lib.save_version(unsorted, "ana", "v1")

    out = lib.export_version(info.id, tmp_path / "out.pap.json")

    assert out.read_bytes() == dumps_protocol(unsorted).encode("utf-8")
    assert list(load_protocol(out).narrative)[:2] == ["zeta", "alpha"]
    assert fingerprint(load_protocol(out)) == info.fingerprint


def test_export_of_an_imported_canonical_file_is_byte_identical(
    lib: Library, protocol: Protocol, tmp_path: Path
) -> None:
    original = tmp_path / "original.pap.json"
    save_protocol(protocol, original)
    [result] = lib.import_paths([original], "ana")
    assert result.canonical

    exported = lib.export_version(result.version.id, tmp_path / "exported.pap.json")  # type: ignore[union-attr]

    assert exported.read_bytes() == original.read_bytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=protocols())
def test_any_valid_protocol_round_trips_exactly(
    p: Protocol, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    with Library.open(folder / "lib.sqlite3") as library:
        info = library.save_version(p, "hypothesis", "generated")
        assert library.document(info.id) == dumps_protocol(p).encode("utf-8")
        assert library.load_version(info.id) == p
        assert info.fingerprint == fingerprint(p)
        assert library.verify().ok


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=protocols())
def test_stored_form_equals_the_model_file_form_and_fingerprint(p: Protocol) -> None:
    from papdesigner.store.codec import decompress_document, document_fingerprint, encode_document

    encoded = encode_document(p)
    assert encoded.data == dumps_protocol(p).encode("utf-8")
    assert encoded.fingerprint == fingerprint(p)
    assert decompress_document(encoded.compressed) == encoded.data
    assert document_fingerprint(encoded.data) == fingerprint(p)
