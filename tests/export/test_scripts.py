"""Every script in the PDF (issue 16): fallback fonts per run, line breaking, refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from limits_protocols import SENTENCES, example, multilingual_protocol

from papdesigner.export import ExportError, export_pdf
from papdesigner.export.scripts import (
    font_runs,
    needs_fallback,
    unprintable_script,
    with_fallback_fonts,
)
from papdesigner.model import loads_protocol

FIXED_REPORT = {
    "protocol": {"id": "x", "title": "t", "version": "1"},
    "rulesets": [],
    "findings": [],
    "summary": {},
}


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    protocol = loads_protocol(json.dumps(multilingual_protocol()))
    path = tmp_path_factory.mktemp("scripts") / "multilingual.pdf"
    export_pdf(protocol, path, report=FIXED_REPORT)
    return path


def _embedded_fonts(reader: pypdf.PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_the_multilingual_protocol_embeds_a_font_for_every_script(multilingual: Path) -> None:
    fonts = _embedded_fonts(pypdf.PdfReader(multilingual))
    assert {"DejaVuSans", "NotoSansDevanagari-Regular", "NotoSansThai-Regular"} <= fonts
    assert any(name.startswith("WenQuanYiMicroHei") for name in fonts)


def test_cjk_text_is_printed_as_text_not_as_codes(multilingual: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(multilingual), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    for script in ("Chinese", "Japanese", "Korean"):
        assert "".join(SENTENCES[script].split())[:12] in flat, script
    assert "מטרת" in text  # Hebrew, visual order per line, letters intact
    assert "[U+4E" not in text and "[U+AC" not in text  # no ideograph or Hangul as a code
    assert "[U+1F44D]" in text  # an emoji no font has is still shown as its code


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm")
def test_the_pages_render(multilingual: Path, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", str(multilingual), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    assert len(list(tmp_path.glob("page-*.png"))) == len(pypdf.PdfReader(multilingual).pages)


def test_text_in_a_script_no_font_has_is_refused_before_the_export(tmp_path: Path) -> None:
    data = example()
    data["psychotherapy"]["rationale"] = "এই গবেষণার উদ্দেশ্য হল নিরাপত্তা মূল্যায়ন করা।"
    target = tmp_path / "bengali.pdf"
    with pytest.raises(ExportError) as caught:
        export_pdf(loads_protocol(json.dumps(data)), target, report=FIXED_REPORT)
    message = str(caught.value)
    assert message.startswith("$.psychotherapy.rationale: the PDF cannot print Bengali text")
    assert "Devanagari and Thai" in message and "\n" not in message
    assert not target.exists()


def test_only_letters_of_unprinted_scripts_are_refused() -> None:
    assert unprintable_script("ஆய்வு") == "Tamil"
    assert unprintable_script("plain text, 中文, हिन्दी, ไทย, עברית, عربي") is None
    assert unprintable_script("emoji 🧪 and a rare ideograph 𠀀") is None  # printed as codes


def test_fallback_runs_keep_markup_and_marks() -> None:
    prepared = with_fallback_fonts("<b>Title</b> 中文 &amp; <i>हिन्दी</i>")
    assert prepared.markup == (
        '<b>Title</b> <font face="PapCJK">中文</font> &amp; '
        '<i><font face="PapDeva">हिन्दी</font></i>'
    )
    assert prepared.cjk and prepared.shaped
    # A vowel sign and a virama stay in the run of their letter (shaping needs the cluster).
    assert [font for font, _ in font_runs("न्दी")] == ["PapDeva"]
    assert not needs_fallback("Ünïcödé, Ελληνικά, Кириллица, עברית")
    assert with_fallback_fonts("plain").markup == "plain"


def test_no_word_mixes_a_shaped_font_with_another() -> None:
    # reportlab shapes a word with the font of its first character: a quote in the body
    # font before Devanagari or Thai letters turned the letters into missing glyphs.
    hindi = with_fallback_fonts("Session “इस” (dose1)").markup
    assert hindi == 'Session <font face="PapDeva">“इस”</font> (dose1)'
    thai = with_fallback_fonts("Session “ไทย” (x)").markup  # Noto Sans Thai has no quotes
    assert thai == 'Session “<font face="PapThai"> ไทย</font> ” (x)'
    cjk = with_fallback_fonts("and “中文”").markup  # not shaped: no change needed
    assert cjk == 'and “<font face="PapCJK">中文</font>”'
