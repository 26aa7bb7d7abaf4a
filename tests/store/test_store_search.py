"""Full-text search and filters over the heads of the protocols."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_factory import realistic_protocol

from papdesigner.model.protocol import Product, Protocol, Site
from papdesigner.store import Filters, Library
from papdesigner.store.listing import fts_query


def _make(seed: int, **changes: object) -> Protocol:
    base = realistic_protocol(seed, sessions=6, narrative_paragraphs=1)
    copy = base.model_copy(deep=True)
    for dotted, value in changes.items():
        target: object = copy
        *parents, last = dotted.split("__")
        for name in parents:
            target = getattr(target, name)
        setattr(target, last, value)
    return copy


@pytest.fixture
def stocked(lib: Library) -> dict[str, Protocol]:
    protos = {
        "oregon": _make(
            1,
            metadata__title="Psilocybin service for end-of-life distress",
            metadata__acronym="COMFORT",
            metadata__protocol_number="OR-PSI-2025-001",
            context="us_state_service",
            sites=[Site(id="s1", name="Portland", country="US", region="US-OR")],
            products=[Product(id="drug", substance="psilocybin", name="Psilocybe cubensis")],
        ),
        "mdma": _make(
            2,
            metadata__title="MDMA-assisted therapy for chronic PTSD in veterans",
            metadata__acronym="MAPP-V",
            metadata__protocol_number="MDMA-PTSD-07",
            context="cta_trial",
            sites=[Site(id="s1", name="Melbourne", country="AU", region="AU-VIC")],
            products=[Product(id="drug", substance="mdma", name="MDMA HCl capsules")],
        ),
        "zurich": _make(
            3,
            metadata__title="LSD for anxiety in life-threatening illness (Zürich)",
            metadata__acronym="LIFE-LSD",
            metadata__protocol_number="CH-LSD-3",
            context="investigator_initiated",
            sites=[Site(id="s1", name="Basel", country="CH")],
            products=[Product(id="drug", substance="lsd", name="LSD base oral solution")],
        ),
    }
    protos["oregon"].narrative["ethics"] = "Reviewed by the Mälardalen ethics committee."
    for p in protos.values():
        lib.save_version(p, "ana", "v1")
    return protos


def _ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [hit.protocol.id for hit in hits]


def test_search_by_title_acronym_and_number(lib: Library, stocked: dict[str, Protocol]) -> None:
    oregon = str(stocked["oregon"].id)
    assert _ids(lib.search("end-of-life distress")) == [oregon]
    assert _ids(lib.search("comfort")) == [oregon]
    assert _ids(lib.search("OR-PSI-2025-001")) == [oregon]
    assert _ids(lib.search("or-psi-2025")) == [oregon]
    assert _ids(lib.search("MDMA-PTSD-07")) == [str(stocked["mdma"].id)]


def test_search_by_substance_indication_and_narrative(
    lib: Library, stocked: dict[str, Protocol]
) -> None:
    oregon = str(stocked["oregon"].id)
    assert oregon in _ids(lib.search("cubensis"))
    assert str(stocked["mdma"].id) in _ids(lib.search("post-traumatic"))
    assert _ids(lib.search("Malardalen")) == [oregon]  # diacritics folded
    assert _ids(lib.search("mälardalen ethics")) == [oregon]
    assert _ids(lib.search("zurich")) == [str(stocked["zurich"].id)]


def test_prefixes_match_and_every_word_is_required(
    lib: Library, stocked: dict[str, Protocol]
) -> None:
    assert _ids(lib.search("vet")) == [str(stocked["mdma"].id)]
    assert lib.search("veterans zürich") == []


def test_title_hit_outranks_a_hit_in_the_text(lib: Library, stocked: dict[str, Protocol]) -> None:
    extra = _make(9, metadata__title="A trial of something else entirely", metadata__acronym="X")
    extra.narrative["background"] = "Veterans were consulted. " * 3
    lib.save_version(extra, "ana", "v1")
    hits = lib.search("veterans")
    assert _ids(hits)[0] == str(stocked["mdma"].id)
    assert str(extra.id) in _ids(hits)
    assert "[" in hits[0].snippet


def test_search_sees_only_the_head(lib: Library, stocked: dict[str, Protocol]) -> None:
    renamed = stocked["oregon"].model_copy(deep=True)
    renamed.metadata.title = "Psilocybin service, renamed"
    renamed.metadata.acronym = "RENAMED"
    lib.save_version(renamed, "ana", "v2")
    assert lib.search("comfort") == []
    assert _ids(lib.search("renamed")) == [str(renamed.id)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(substance="psilocybin"), {"oregon"}),
        (Filters(substance="mdma"), {"mdma"}),
        (Filters(context="us_state_service"), {"oregon"}),
        (Filters(jurisdiction="US"), {"oregon"}),
        (Filters(jurisdiction="US-OR"), {"oregon"}),
        (Filters(jurisdiction="AU-VIC"), {"mdma"}),
        (Filters(jurisdiction="FR"), set()),
    ],
)
def test_filters_on_list_and_search(
    lib: Library, stocked: dict[str, Protocol], filters: Filters, expected: set[str]
) -> None:
    want = {str(stocked[name].id) for name in expected}
    assert {s.id for s in lib.heads(filters=filters)} == want
    assert set(_ids(lib.search("trial psilocybin mdma lsd", filters))) <= want
    assert set(_ids(lib.search("a", filters))) == want


def test_indication_filter(lib: Library, stocked: dict[str, Protocol]) -> None:
    condition = stocked["mdma"].indication.condition
    listed = {s.id for s in lib.heads(filters=Filters(indication=condition))}
    assert str(stocked["mdma"].id) in listed
    assert all(s.condition == condition for s in lib.heads(filters=Filters(indication=condition)))


def test_archived_protocols_are_searchable_only_on_request(
    lib: Library, stocked: dict[str, Protocol]
) -> None:
    lib.archive(stocked["oregon"].id)
    assert lib.search("comfort") == []
    assert _ids(lib.search("comfort", Filters(include_archived=True))) == [
        str(stocked["oregon"].id)
    ]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(substance="psilocibin"),
        Filters(indication="depression"),
        Filters(context="trial"),
        Filters(jurisdiction="usa"),
    ],
)
def test_unknown_filter_values_are_rejected(lib: Library, filters: Filters) -> None:
    with pytest.raises(ValueError, match=r"unknown|jurisdiction"):
        lib.heads(filters=filters)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND OR NOT",
        "NEAR(a b)",
        "title:comfort",
        "comfort*",
        "(comfort",
        "-comfort",
        "^comfort",
        "\"comfort\" AND 'x'",
        "{title}: x",
        "",
        "   ",
        "---",
        "🧠💊",
        "a" * 5000,
    ],
)
def test_hostile_queries_never_raise(
    lib: Library, stocked: dict[str, Protocol], query: str
) -> None:
    lib.search(query)  # any result is fine; an FTS5 syntax error is not


def test_query_words_are_quoted_prefixes() -> None:
    assert fts_query('psilo "x" AND') == '"psilo"* """x"""* "AND"*'
    assert fts_query("-- !!") is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_valid_query(query: str) -> None:
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('some text')")
    built = fts_query(query)
    if built is not None:
        conn.execute("SELECT * FROM t WHERE t MATCH ?", [built]).fetchall()


def test_broad_queries_list_the_most_recent_matches_first(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papdesigner.store import listing

    protos = [_make(60 + i, metadata__title=f"Common word study {i}") for i in range(4)]
    protos[0].metadata.title = "Common common common common word study 0"
    for p in protos:
        lib.save_version(p, "ana", "v1")
    lib.save_version(edited_title(protos[1]), "ana", "v2")  # now the most recent

    ranked = _ids(lib.search("common"))
    assert ranked[0] == str(protos[0].id)  # most occurrences in the title wins

    monkeypatch.setattr(listing, "RANK_LIMIT", 2)
    recent = _ids(lib.search("common"))
    assert recent == [str(protos[i].id) for i in (1, 3, 2, 0)]
    assert _ids(lib.search("common", limit=2)) == recent[:2]
    filtered = _ids(lib.search("common", Filters(substance=protos[2].products[0].substance)))
    assert all(pid in recent for pid in filtered)


def edited_title(p: Protocol) -> Protocol:
    copy = p.model_copy(deep=True)
    copy.metadata.title += " (revised)"
    return copy


def test_snippets_bracket_word_prefixes_in_the_first_matching_column() -> None:
    from papdesigner.store.snippets import make_snippet, query_words

    words = query_words("psilo  TRD-001")
    assert words == ["psilo", "TRD", "001"]
    columns = ["A trial of nothing", "", "", "Psilocybin 25 mg", "", "long text " * 50]
    assert make_snippet(columns, words) == "[Psilocybin] 25 mg"
    text = "word " * 30 + "then psilocybin and more psilocybin here " + "tail " * 40
    snippet = make_snippet(["", text], ["psilo"])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert snippet.count("[psilocybin]") == 2
    assert make_snippet(["Zürich site"], ["zurich"]) == "[zurich] site"  # folded fallback
    # a query with a diacritic matches plain ASCII text (the index folds both sides):
    # the snippet used to be empty, a blank line under the hit
    assert make_snippet(["Alcohol Use Disorder"], ["ü"]) == "alcohol [use] disorder"
    assert make_snippet(["nothing here"], ["absent"]) == ""
    assert make_snippet(["x"], []) == ""


def test_filter_words_are_not_searchable_text(lib: Library, stocked: dict[str, Protocol]) -> None:
    from papdesigner.store.summary import facet_phrase

    assert facet_phrase("jurisdiction", "US-OR") == "jurisdiction us or"
    assert facet_phrase("indication", "ptsd") == "indication ptsd"
    assert lib.search("jurisdiction") == []
    assert lib.search("substance psilocybin") == []  # "substance" is not in any text
    hits = lib.search('" OR NEAR(', Filters(jurisdiction="US-OR", substance="psilocybin"))
    assert hits == [] or all(h.protocol.id == str(stocked["oregon"].id) for h in hits)
