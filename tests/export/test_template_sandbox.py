"""Template folders travel between institutions: a template cannot run Python.

Each classic jinja2 escape is put in a user template that overrides a built-in one;
the export must stop with exit 2, one line on stderr naming the template, and no PDF.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from papdesigner.cli import main
from papdesigner.paths import resource

EXAMPLE = str(resource("examples") / "mdma-ptsd.pap.json")

ESCAPES = [
    "{{ p.__class__ }}",
    "{{ instrument_name.__globals__ }}",
    "{{ instrument_name.__globals__['os'].system('touch pwned') }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ p.metadata.title.__class__.__mro__[1].__subclasses__() }}",
    "{{ v.compliance.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ '{0.__class__.__mro__}'.format(p) }}",
    "{{ '{0.metadata.__class__}'.format(p) }}",
    "{{ '%s'|format(p.__class__) }}",
    "{{ p|attr('__class__') }}",
    "{{ v.sessions.append(1) }}",
    "{{ 'x' * 100000000 }}",
    "{% set n = 9 %}{{ n ** 99999999 }}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_template_escape_fails_with_one_line(
    escape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "templates" / "pdf"
    folder.mkdir(parents=True)
    (folder / "s02_introduction.xml.j2").write_text(escape, encoding="utf-8")
    out = tmp_path / "out.pdf"
    code = main(["export", EXAMPLE, "-o", str(out), "--template-dir", str(tmp_path / "templates")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert "s02_introduction.xml.j2 line 1" in err
    assert "Traceback" not in err and "internal error" not in err
    assert not out.exists()
    assert not (Path.cwd() / "pwned").exists()


def test_sandboxed_templates_still_render_the_built_in_document(tmp_path: Path) -> None:
    """The built-in templates need nothing the sandbox forbids."""
    folder = tmp_path / "templates" / "pdf"
    folder.mkdir(parents=True)
    (folder / "s02_introduction.xml.j2").write_text(
        '<h1 key="introduction" m11="2">Introduction</h1><p>{{ p.metadata.title }} '
        "({{ v.sessions | length }} sessions, {{ 'dosing' | label }})</p>",
        encoding="utf-8",
    )
    out = tmp_path / "out.pdf"
    code = main(
        ["export", EXAMPLE, "-o", str(out), "-q", "--template-dir", str(tmp_path / "templates")]
    )
    assert code == 0 and out.stat().st_size > 10_000
