"""Every command against hostile input: exit 2, one line naming what and where, inputs untouched.

Each command that takes a file is run (in-process, through ``main``) on a missing
file, a folder, an empty file, binary junk, a 50 MB file, non-UTF-8 text, truncated
JSON, JSON of the wrong shape, a protocol without an id and a name too long for the
file system. The contract of DESIGN.md section 4: exit code 2, exactly one line on
stderr that starts with ``papdesigner:`` and names the input, never "internal error"
or a traceback, and no input file changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from papdesigner.cli import main
from papdesigner.model.templates import template_path

HOSTILE_PROTOCOLS: dict[str, Callable[[Path], object]] = {
    "missing": lambda p: None,
    "folder": lambda p: p.mkdir(),
    "empty": lambda p: p.write_bytes(b""),
    "binary junk": lambda p: p.write_bytes(bytes(range(256)) * 40),
    "50 MB": lambda p: _sparse(p, 50 * 1024 * 1024),
    "latin-1": lambda p: p.write_bytes('{"metadata": {"title": "caf\xe9"}}'.encode("latin-1")),
    "truncated": lambda p: p.write_bytes(template_path("psilocybin-trd").read_bytes()[:3000]),
    "wrong shape": lambda p: p.write_text('{"sessions": {"id": "s1"}}', encoding="utf-8"),
    "array": lambda p: p.write_text("[]", encoding="utf-8"),
    "no id": lambda p: p.write_text('{"format": "papdesigner-protocol"}', encoding="utf-8"),
    "lone surrogate": lambda p: p.write_text(
        template_path("psilocybin-trd").read_text("utf-8").replace("Psilocybin", "\\udcff", 1),
        encoding="utf-8",
    ),
}


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


def _commands(bad: str, good: str, tmp: Path) -> dict[str, list[str]]:
    """Every command line that reads the protocol file ``bad``."""
    return {
        "validate": ["validate", bad],
        "check": ["check", bad],
        "check json": ["check", "--format", "json", good, bad],
        "diff A": ["diff", bad, good],
        "diff B": ["diff", good, bad],
        "library import": ["library", "--library", str(tmp / "lib.sqlite3"), "import", bad],
        "export": ["export", bad, "-o", str(tmp / "out.pdf")],
    }


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _assert_one_line_error(err: str, *names: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("papdesigner: "), err
    assert "internal error" not in err and "Traceback" not in err, err
    assert any(name in lines[0] for name in names), (names, err)
    return lines[0]


@pytest.mark.parametrize("kind", sorted(HOSTILE_PROTOCOLS))
def test_every_command_refuses_a_hostile_protocol_file(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.pap.json"
    shutil.copy(template_path("psilocybin-trd"), good)
    bad = tmp_path / "bad.pap.json"
    HOSTILE_PROTOCOLS[kind](bad)
    before = _snapshot(tmp_path)
    for name, argv in _commands(str(bad), str(good), tmp_path).items():
        code, _, err = _run(capsys, argv)
        assert code == 2, (name, err)
        _assert_one_line_error(err, str(bad))
    after = {k: v for k, v in _snapshot(tmp_path).items() if not k.startswith("lib.sqlite3")}
    assert after == before


@pytest.mark.parametrize("kind", sorted(HOSTILE_PROTOCOLS))
def test_hostile_amendment_record(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = str(template_path("psilocybin-trd"))
    record = tmp_path / "record.json"
    HOSTILE_PROTOCOLS[kind](record)
    before = _snapshot(tmp_path)
    code, _, err = _run(capsys, ["diff", good, good, "--amendment", str(record)])
    if kind in ("no id", "wrong shape"):
        # Valid JSON objects: the record's own validation names the field.
        assert code == 2 and "record.json" in err
        return
    assert code == 2, err
    _assert_one_line_error(err, str(record))
    assert _snapshot(tmp_path) == before


LONG_NAME = "é" * 300  # 600 bytes: longer than any file system's name limit


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{long}.pap.json"],
        ["check", "{long}.pap.json"],
        ["check", "{good}", "--rules-dir", "{long}"],
        ["new", "-t", "psilocybin-trd", "-o", "{long}.pap.json"],
        ["library", "--library", "{long}.sqlite3", "list"],
        ["library", "--library", "{tmp}/lib.sqlite3", "import", "{long}"],
        ["library", "--library", "{tmp}/{long}.sqlite3", "import", "{good}"],
        ["rulesets", "test", "{long}"],
        ["diff", "{good}", "{good}", "-o", "{long}.txt"],
        ["diff", "{good}", "{good}", "--amendment", "{long}"],
        ["open", "{long}.pap.json"],
    ],
    ids=lambda argv: " ".join(a for a in argv if "{" not in a),
)
def test_names_too_long_for_the_file_system(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.pap.json"
    shutil.copy(template_path("psilocybin-trd"), good)
    filled = [a.format(long=LONG_NAME, good=good, tmp=tmp_path) for a in argv]
    code, _, err = _run(capsys, filled)
    assert code == 2, err
    line = _assert_one_line_error(err, "é" * 20)
    assert len(line) < 500  # a hostile name does not flood the terminal


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"hello, not a database\n", "not a SQLite database"),
        (bytes(range(256)) * 8, "not a SQLite database"),
    ],
)
def test_a_library_that_is_not_a_library_is_never_touched(
    content: bytes, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib.sqlite3"
    library.write_bytes(content)
    good = str(template_path("psilocybin-trd"))
    for argv in (
        ["list"],
        ["search", "psilocybin"],
        ["history", "x"],
        ["show", "x"],
        ["import", good],
        ["export", "x", "-o", str(tmp_path / "x.pap.json")],
        ["verify"],
        ["archive", "x"],
    ):
        code, _, err = _run(capsys, ["library", "--library", str(library), *argv])
        assert code == 2, (argv, err)
        assert expected in _assert_one_line_error(err, str(library))
    code, _, err = _run(capsys, ["diff", good, "lib:x", "--library", str(library)])
    assert code == 2 and expected in _assert_one_line_error(err, "lib:x")
    assert library.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib.sqlite3"]


def test_an_explicit_library_in_a_missing_folder_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "typo" / "lib.sqlite3"
    good = str(template_path("psilocybin-trd"))
    code, _, err = _run(capsys, ["library", "--library", str(library), "import", good])
    assert code == 2 and "folder" in _assert_one_line_error(err, str(library))
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{good}", "--format", "jsn"],
        ["diff", "{good}", "{good}", "--format", "yaml"],
        ["library", "list", "--limit", "0"],
        ["library", "search", "x", "--limit", "-1"],
        ["library", "list", "--substance", "ketamine"],
        ["rulesets", "list", "--format", "xml"],
        ["no-such-command"],
        ["validate"],
        ["diff", "{good}"],
        ["check", "{good}", "--rules-dir", ""],
        ["library"],
        ["rulesets"],
    ],
    ids=lambda argv: " ".join(a for a in argv if "{" not in a),
)
def test_usage_errors_are_one_line_with_a_pointer_to_help(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = str(template_path("psilocybin-trd"))
    code, out, err = _run(capsys, [a.format(good=good) for a in argv])
    assert code == 2 and out == ""
    line = _assert_one_line_error(err, "--help")
    assert "usage:" not in line


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "{victim}", "{good}", "-o", "{victim}"],
        ["diff", "{good}", "{victim}", "--format", "json", "-o", "{victim}"],
        ["diff", "{good}", "{good}", "--amendment", "{victim}", "-o", "{victim}"],
        ["library", "--library", "{victim}", "export", "LUMEN-TRD", "-o", "{victim}", "--force"],
    ],
    ids=["diff -o A", "diff -o B", "diff -o record", "library export -o library"],
)
def test_an_output_never_overwrites_an_input(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.pap.json"
    good = tmp_path / "good.pap.json"
    shutil.copy(template_path("psilocybin-trd"), good)
    if "library" in argv:
        victim = tmp_path / "lib.sqlite3"
        assert main(["library", "--library", str(victim), "import", str(good)]) == 0
    else:
        shutil.copy(template_path("mdma-ptsd"), victim)
    capsys.readouterr()
    before = victim.read_bytes()
    code, _, err = _run(capsys, [a.format(victim=victim, good=good) for a in argv])
    assert code == 2
    assert "is also an input" in _assert_one_line_error(err, str(victim))
    assert victim.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["new", "-t", "psilocybin-trd", "-o", "{folder}"],
        ["new", "-t", "psilocybin-trd", "-o", "{folder}", "--force"],
        ["new", "-t", "psilocybin-trd", "-o", "{folder}/missing/x.pap.json"],
        ["diff", "{good}", "{good}", "-o", "{folder}"],
        ["diff", "{good}", "{good}", "--format", "pdf", "-o", "{folder}/missing/x.pdf"],
    ],
    ids=[
        "new to folder",
        "new --force to folder",
        "new to missing folder",
        "diff to folder",
        "diff pdf to missing folder",
    ],
)
def test_output_paths_that_cannot_be_written(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    good = str(template_path("psilocybin-trd"))
    code, _, err = _run(capsys, [a.format(folder=folder, good=good) for a in argv])
    assert code == 2
    line = _assert_one_line_error(err, str(folder))
    assert "folder" in line
    assert ".tmp" not in line  # the temporary file is ours, not the user's business
    assert list(folder.iterdir()) == []


def test_json_reports_stay_parseable_when_a_file_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad file is refused before anything is printed: no half JSON on stdout."""
    bad = tmp_path / "bad.pap.json"
    bad.write_text("{", encoding="utf-8")
    good = str(template_path("psilocybin-trd"))
    code, out, err = _run(capsys, ["check", "--format", "json", good, str(bad)])
    assert code == 2 and out == ""
    _assert_one_line_error(err, str(bad))
    code, out, _ = _run(capsys, ["check", "--format", "json", "--ruleset", "FDA-PSY", good])
    assert code == 0 and json.loads(out)["summary"]["errors"] == 0


def test_no_command_without_a_usable_gui_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``papdesigner`` alone starts the GUI; when Qt cannot load, that error was a traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "papdesigner.ui.app", None)  # import fails
    code, _, err = _run(capsys, [])
    assert code == 2
    assert "cannot start the desktop application" in _assert_one_line_error(err, "desktop")


def test_open_a_folder_is_refused_before_any_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, ["open", str(tmp_path)])
    assert code == 2
    assert "is a directory" in _assert_one_line_error(err, str(tmp_path))


def test_a_file_name_that_is_not_utf8_can_be_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default message "Imported from <name>" could not be stored for such a name."""
    import os

    name = os.fsdecode(os.fsencode(tmp_path) + b"/trial-\xff.pap.json")
    Path(name).write_bytes(template_path("psilocybin-trd").read_bytes())
    library = str(tmp_path / "lib.sqlite3")
    code, out, err = _run(capsys, ["library", "--library", library, "import", name])
    assert code == 0, err
    code, out, _ = _run(capsys, ["library", "--library", library, "history", "LUMEN-TRD"])
    assert code == 0 and "Imported from trial-?.pap.json" in out


def test_an_undecodable_file_name_is_echoed_under_a_strict_utf8_locale(tmp_path: Path) -> None:
    """A desktop UTF-8 locale makes stdout strict: echoing such a name was an internal error."""
    import os
    import subprocess
    import sys

    name = os.fsdecode(os.fsencode(tmp_path) + b"/trial-\xff.pap.json")
    Path(name).write_bytes(template_path("psilocybin-trd").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "papdesigner", "validate", name],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},  # errors=strict, as en_US.UTF-8
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"trial-\\udcff.pap.json: valid protocol" in result.stdout


def test_numbers_beyond_the_rule_engine_are_refused_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each count loads, but their sum does not fit the engine: check used to pass, silently."""
    data = json.loads(template_path("psilocybin-trd").read_text("utf-8"))
    data["sessions"][4]["staff"] = [{"role_id": "lead", "count": 2**53 - 1}] * 2200
    path = tmp_path / "huge-staff.pap.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for argv in (["check", str(path)], ["diff", str(template_path("psilocybin-trd")), str(path)]):
        code, out, err = _run(capsys, argv)
        assert code == 2 and out == ""
        assert "$.sessions[4]" in _assert_one_line_error(err, "huge-staff", "cannot compare")


def test_text_from_a_file_cannot_drive_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title with an OSC sequence retitled the window; on a terminal it is shown escaped."""
    import io
    import sys

    from papdesigner.cli.terminal import escape_controls

    assert escape_controls("a\x1b]0;pwned\x07b\x1b[2Jc") == "a\\x1b]0;pwned\\x07b\\x1b[2Jc"
    assert escape_controls("\x1b[1;31mred\x1b[0m\n\tok") == "\x1b[1;31mred\x1b[0m\n\tok"
    from papdesigner.cli.common import one_line

    assert one_line("unknown role '\x1b]0;x\x07'") == "unknown role '\\x1b]0;x\\x07'"

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    data = json.loads(template_path("psilocybin-trd").read_text("utf-8"))
    data["metadata"]["title"] = "evil \x1b]0;pwned\x07 \x9b2J title"
    path = tmp_path / "evil.pap.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["check", str(path), "--ruleset", "FDA-PSY"]) == 0
    shown = terminal.getvalue()
    assert "evil \\x1b]0;pwned\\x07 \\x9b2J title" in shown
    assert "\x1b" not in shown and "\x07" not in shown
    assert sys.stdout is terminal  # the guard is gone after the command


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_not_a_library(capsys: pytest.CaptureFixture[str]) -> None:
    """``--library /dev/null`` made SQLite create /dev/null-journal next to the device."""
    good = str(template_path("psilocybin-trd"))
    for argv in (["list"], ["import", good]):
        code, _, err = _run(capsys, ["library", "--library", "/dev/null", *argv])
        assert code == 2
        assert "not a library file" in _assert_one_line_error(err, "/dev/null")
    assert not Path("/dev/null-journal").exists()
