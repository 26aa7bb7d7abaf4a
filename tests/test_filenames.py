"""One safe file name for every suggested file (papdesigner.model.filenames)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papdesigner.model.filenames import MAX_STEM, protocol_file_stem, safe_file_stem
from papdesigner.model.protocol import Protocol


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PSI-TRD-001", "PSI-TRD-001"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"),
        ("  MDMA  PTSD  ", "MDMA-PTSD"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("version 2.0.", "version-2.0"),
        ("Étude ψ 研究", "Étude-ψ-研究"),
        ("", "protocol"),
        ("///", "protocol"),
        ("CON", "protocol"),
        ("nul.txt", "protocol"),
    ],
)
def test_names(text: str, expected: str) -> None:
    assert safe_file_stem(text) == expected


@given(st.text())
def test_any_text_gives_a_plain_stem(text: str) -> None:
    stem = safe_file_stem(text)
    assert stem and len(stem) <= MAX_STEM
    assert all(c.isalnum() or c in "-_." for c in stem)
    assert not stem.startswith((".", "-")) and not stem.endswith((".", "-"))


def test_protocol_stem_prefers_the_acronym() -> None:
    protocol = Protocol.model_validate(
        {"metadata": {"acronym": "PSI/TRD", "protocol_number": "P-1", "title": "t"}}
    )
    assert protocol_file_stem(protocol) == "PSI-TRD"
    assert protocol_file_stem(Protocol()) == "protocol"
