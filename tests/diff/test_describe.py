"""Plain-language text of changes: names for ids, labels, units, word-level text changes."""

from __future__ import annotations

from collections.abc import Callable

from papdesigner.diff import describe, diff_protocols
from papdesigner.diff.describe import compact_words, word_diff
from papdesigner.model.protocol import Protocol

Make = Callable[[Callable[[Protocol], None]], Protocol]


def texts(a: Protocol, b: Protocol) -> dict[str, tuple[str, str, str]]:
    diff = diff_protocols(a, b)
    out = {}
    for change in diff.changes:
        t = describe(change, diff)
        out[change.key] = (t.what, t.before, t.after)
    return out


def test_references_are_shown_by_name_in_their_own_version(v1: Protocol, edited: Make) -> None:
    def move(p: Protocol) -> None:
        p.settings[0].name = "Room 5"
        p.sessions[1].setting_id = None

    found = texts(v1, edited(move))
    assert found["sessions[id=prep1].setting_id"][1:] == ("Treatment room 4B (room)", "not set")
    assert found["settings[id=room].name"] == (
        "Setting “Room 5” (room) › name",
        "Treatment room 4B",
        "Room 5",
    )


def test_vocabulary_labels_booleans_and_units(v1: Protocol, edited: Make) -> None:
    def edit(p: Protocol) -> None:
        p.sessions[4].kind = "follow_up"
        p.sessions[4].window_days = 2
        p.sessions[4].remote = True
        p.sessions[4].arm_ids = ["high", "low"]
        p.follow_up.duration_weeks = 24
        p.roles[0].qualifications.mental_health_experience_years = 3

    found = texts(v1, edited(edit))
    assert found["sessions[id=integ1].kind"][1:] == ("Integration", "Follow-up")
    assert found["sessions[id=integ1].window_days"][1:] == ("±0 days", "±2 days")
    assert found["sessions[id=integ1].remote"][1:] == ("no", "yes")
    assert found["sessions[id=integ1].arm_ids"][1:] == (
        "all arms",
        "Psilocybin 25 mg (high), Psilocybin 1 mg (low)",
    )
    assert found["follow_up.duration_weeks"] == (
        "Follow-up › follow-up duration",
        "12 weeks",
        "24 weeks",
    )
    assert found["roles[id=lead].qualifications.mental_health_experience_years"] == (
        "Role “Lead therapist” (lead) › qualifications › mental-health experience",
        "5 years",
        "3 years",
    )


def test_microgram_doses(v1: Protocol, edited: Make) -> None:
    def micro(p: Protocol) -> None:
        dosing = p.session("dose1").dosing  # type: ignore[union-attr]
        assert dosing is not None
        dosing.administrations[2].dose = 100
        dosing.administrations[2].unit = "ug"

    found = texts(v1, edited(micro))
    key = "sessions[id=dose1].dosing.administrations[arm_id=low,product_id=psilo]"
    assert found[f"{key}.dose"][1:] == ("1 mg", "100 µg")
    assert found[f"{key}.unit"][1:] == ("mg", "µg")


def test_user_text_is_data_not_markup(v1: Protocol, edited: Make) -> None:
    hostile = "<b>{{ x }}</b> & <font color=red>"

    def edit(p: Protocol) -> None:
        p.sessions[2].title = hostile

    found = texts(v1, edited(edit))
    assert found["sessions[id=prep2].title"] == (
        f"Session “{hostile}” (prep2) › title",
        "Preparation 2",
        hostile,
    )


def test_long_texts_get_a_word_comparison(v1: Protocol, edited: Make) -> None:
    def edit(p: Protocol) -> None:
        p.safety.stopping_rules = p.safety.stopping_rules.replace(
            "two related SAEs", "one related SAE"
        )

    b = edited(edit)
    diff = diff_protocols(v1, b)
    text = describe(diff.changes[0], diff)
    assert text.words
    assert compact_words(text.words).endswith(
        "pause the trial after [-two-]{+one+} related [-SAEs-]{+SAE+}"
    )


def test_word_diff_rebuilds_both_texts() -> None:
    before = "Blood pressure hourly for 6 hours, then at discharge."
    after = "Blood pressure every 30 minutes for 2 hours, then hourly until discharge."
    runs = word_diff(before, after)
    assert "".join(t for op, t in runs if op != "+") == before
    assert "".join(t for op, t in runs if op != "-") == after


def test_compact_words_shortens_long_unchanged_runs() -> None:
    words = " ".join(f"w{i}" for i in range(40))
    runs = word_diff(words + " old end", words + " new end")
    assert compact_words(runs, context=3) == "… w37 w38 w39 [-old-]{+new+} end"


def test_a_sentence_in_a_list_item_has_no_doubled_punctuation(v1: Protocol) -> None:
    """A removed waiver read "...rater.; author: ..." (full stop, then the separator)."""
    from papdesigner.model.protocol import Waiver

    b = v1.model_copy(deep=True)
    b.waivers.append(
        Waiver(rule_id="X-1", path=None, justification="Raters are blinded.", author="PI")
    )
    (added,) = [t for t in texts(v1, b).values() if "X-1" in t[0] or "X-1" in t[2]]
    assert "blinded.;" not in added[2] and "blinded; author: PI" in added[2]
