"""The export API as the GUI uses it: progress, cancellation, atomic writes, user templates."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from protocols import rich_protocol

from papdesigner.export import ExportCancelled, ExportError, export_pdf
from papdesigner.paths import templates_dir

REPORT = {
    "protocol": {"id": "x", "title": "t", "version": "1"},
    "rulesets": [],
    "findings": [],
    "summary": {},
}


def test_progress_is_reported_in_order_and_ends_done(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    export_pdf(
        rich_protocol(),
        tmp_path / "p.pdf",
        report=REPORT,
        progress=lambda f, m: seen.append((f, m)),
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and seen[-1] == (1.0, "done")
    assert any(m == "laying out pages" for _, m in seen)


def test_cancel_stops_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "p.pdf"
    target.write_bytes(b"previous export")
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # a few steps in: in the middle of the layout

    with pytest.raises(ExportCancelled):
        export_pdf(rich_protocol(), target, report=REPORT, cancel=cancel)
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["p.pdf"]  # no temporary file left


def test_user_template_overrides_one_section(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "pdf"
    folder.mkdir(parents=True)
    builtin = (templates_dir() / "pdf" / "s02_introduction.xml.j2").read_text(encoding="utf-8")
    (folder / "s02_introduction.xml.j2").write_text(
        builtin.replace(
            "</h1>", "</h1>\n<p>Institutional preamble: {{ p.metadata.acronym }}</p>", 1
        ),
        encoding="utf-8",
    )
    result = export_pdf(
        rich_protocol(), tmp_path / "o.pdf", report=REPORT, template_dir=tmp_path / "templates"
    )
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(result.path).pages)
    assert "Institutional preamble: PSILOTRD" in text
    assert "Protocol synopsis" in text  # the other sections are still the built-in ones


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{% if %}", "s02_introduction.xml.j2 line 1"),
        ("{{ p.no_such_field }}", "s02_introduction.xml.j2 line 1"),
        ("<p>unclosed", "not well-formed"),
        ("<blink>x</blink>", "unknown block <blink>"),
    ],
)
def test_broken_user_template_is_a_clear_error(tmp_path: Path, body: str, expected: str) -> None:
    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "s02_introduction.xml.j2").write_text(body, encoding="utf-8")
    with pytest.raises(ExportError, match=expected.replace("<", ".").replace(">", ".")):
        export_pdf(rich_protocol(), tmp_path / "x.pdf", report=REPORT, template_dir=tmp_path)
    assert not (tmp_path / "x.pdf").exists()


def test_missing_template_folder_and_unwritable_target(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_pdf(
            rich_protocol(), tmp_path / "x.pdf", report=REPORT, template_dir=tmp_path / "nope"
        )
    with pytest.raises(ExportError, match="cannot write"):
        export_pdf(rich_protocol(), tmp_path / "no" / "dir" / "x.pdf", report=REPORT)
