"""Words for people (papdesigner.model.labels) and example text left in a protocol."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from papdesigner.model import load_protocol
from papdesigner.model.labels import field_label, humanize, path_place, place_label, value_label
from papdesigner.model.leftovers import template_leftovers
from papdesigner.model.protocol import Protocol
from papdesigner.model.templates import new_from_template, template_path


def test_paths_and_codes_become_labels() -> None:
    text = humanize(
        "no committee ($.regulatory.ethics.committee_name) for major_depressive_disorder; "
        "policy continue_justified; psychotherapy.additional_support is empty"
    )
    assert text == (
        "no committee (Regulatory › Ethics review › Ethics committee) for major depressive "
        "disorder; policy continue, with justification; Psychotherapy › Additional support is "
        "empty"
    )
    assert field_label("age_max") == "Maximum age"
    assert value_label("ind_trial") == "US IND clinical trial"
    assert value_label(True) == "Yes"


def test_list_items_are_named_by_their_title_when_the_data_is_given() -> None:
    protocol = load_protocol(template_path("mdma-ptsd"))
    data = protocol.model_dump(mode="json")
    index = next(i for i, s in enumerate(protocol.sessions) if s.dosing)
    title = protocol.sessions[index].title
    assert place_label(("sessions", index, "staff"), data) == f"{title} › Staff"
    assert place_label(("sessions", index, "staff")) == f"Session {index + 1} › Staff"
    assert path_place(None) == "The whole protocol"
    assert path_place("not a path [") == "not a path ["


@given(st.text(max_size=200))
def test_humanize_never_fails_and_keeps_plain_words(text: str) -> None:
    result = humanize(text)
    if "$" not in text and "_" not in text and "." not in text:
        assert result == text


def test_a_copy_of_an_example_keeps_its_identity_texts_until_edited() -> None:
    copy = new_from_template("mdma-ptsd")
    left = {leftover.label: leftover for leftover in template_leftovers(copy)}
    for label in ("Acronym", "Protocol number", "Sponsor", "Principal investigator"):
        assert label in left
    assert left["Sponsor"].json_path == "$.metadata.sponsor.name"
    assert left["Sponsor"].value == copy.metadata.sponsor.name
    copy.metadata.sponsor.name = "Leiden University Medical Centre"
    assert "Sponsor" not in {x.label for x in template_leftovers(copy)}


def test_the_example_itself_and_a_blank_protocol_have_no_leftovers() -> None:
    assert template_leftovers(load_protocol(template_path("mdma-ptsd"))) == []
    assert template_leftovers(Protocol()) == []
