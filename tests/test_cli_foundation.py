"""The command line as a user runs it: a real subprocess, exit codes and one-line errors."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from papdesigner.model import load_protocol
from papdesigner.model.templates import template_names, template_path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m papdesigner ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "papdesigner", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def test_schema_is_a_json_schema_of_the_protocol() -> None:
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    for key in ("format", "schema_version", "id", "metadata", "sessions", "waivers"):
        assert key in schema["properties"]
    assert "Session" in schema["$defs"]
    assert schema["required"] == ["id"]  # as the loader: a file without an id is refused


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not json at all", "not valid JSON"),
        (b'{"metadata": {"title": 5}}', "$.metadata.title"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"format": "papdesigner-protocol", "sessions": [{"id": "s"', "not valid JSON"),
    ],
)
def test_validate_rejects_bad_files_with_exit_2_and_one_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.pap.json"
    path.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_validate_directory_and_missing(tmp_path: Path) -> None:
    for target, expected in (
        (tmp_path, "is a directory"),
        (tmp_path / "nope.json", "no such file"),
    ):
        result = run_cli("validate", str(target))
        assert result.returncode == 2
        assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2() -> None:
    assert run_cli("validate").returncode == 2
    assert run_cli("no-such-command").returncode == 2
    result = run_cli("new", "--template", "psilocybin-trd")
    assert result.returncode == 2 and "-o FILE" in result.stderr


def test_validate_accepts_every_example() -> None:
    assert len(template_names()) >= 5
    files = [str(template_path(name)) for name in template_names()]
    result = run_cli("validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("valid protocol") == len(files)


def test_new_from_template_has_a_fresh_id(tmp_path: Path) -> None:
    name = template_names()[0]
    out = tmp_path / "mine.pap.json"
    result = run_cli("new", "--template", name, "-o", str(out))
    assert result.returncode == 0, result.stderr
    created, original = load_protocol(out), load_protocol(template_path(name))
    assert created.id != original.id
    assert created.metadata == original.metadata
    again = run_cli("new", "--template", name, "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    unknown = run_cli("new", "--template", "nope", "-o", str(tmp_path / "x.pap.json"))
    assert unknown.returncode == 2 and "unknown template 'nope'" in unknown.stderr


def test_open_missing_file_is_reported_before_any_window() -> None:
    result = run_cli("open", "/definitely/not/here.pap.json")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_output_cut_short_by_a_closed_pipe_is_not_an_error() -> None:
    """``papdesigner check ... | head`` must not print an internal error."""
    files = [str(template_path(name)) for name in template_names()]
    process = subprocess.Popen(
        [sys.executable, "-m", "papdesigner", "check", "--format", "json", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "internal error" not in stderr and "Traceback" not in stderr


def test_every_subcommand_says_what_it_does_in_its_help() -> None:
    """``papdesigner new --help`` printed only the usage line."""
    import argparse

    from papdesigner.cli import build_parser

    def walk(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        found = [parser]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += walk(sub)
        return found

    parsers = walk(build_parser())
    assert len(parsers) > 20
    undescribed = [p.prog for p in parsers if not (p.description or "").strip()]
    assert undescribed == []
    unexplained = [
        f"{p.prog} {a.metavar or a.dest}"
        for p in parsers
        for a in p._actions
        if not a.option_strings and not isinstance(a, argparse._SubParsersAction) and not a.help
    ]
    assert unexplained == []


def test_a_template_is_a_name_never_a_path(tmp_path: Path) -> None:
    """``-t ../../somewhere/file`` used to read any *.pap.json on the disk as a template."""
    elsewhere = tmp_path / "mine.pap.json"
    elsewhere.write_bytes(template_path("psilocybin-trd").read_bytes())
    relative = Path("..") / ".." / ".." / ".." / ".." / ".." / ".." / ".." / str(tmp_path)
    result = run_cli("new", "-t", str(relative / "mine"), "-o", str(tmp_path / "out.pap.json"))
    assert result.returncode == 2 and "unknown template" in result.stderr
    assert not (tmp_path / "out.pap.json").exists()


def test_export_never_overwrites_its_input_and_verify_names_a_folder(tmp_path: Path) -> None:
    protocol = tmp_path / "p.pap.json"
    protocol.write_bytes(template_path(template_names()[0]).read_bytes())
    digest = hashlib.sha256(protocol.read_bytes()).hexdigest()
    result = run_cli("export", str(protocol), "-o", str(protocol))
    assert result.returncode == 2 and "is also an input" in result.stderr
    assert hashlib.sha256(protocol.read_bytes()).hexdigest() == digest
    folder = run_cli("verify", str(tmp_path))
    assert folder.returncode == 2
    assert folder.stderr.strip() == f"papdesigner: {tmp_path}: is a folder, not a PDF"


def test_export_with_a_deeply_nested_report_is_bad_input(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("[" * 100000 + "]" * 100000)
    result = run_cli(
        "export",
        str(template_path(template_names()[0])),
        "--report",
        str(report),
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert result.returncode == 2
    assert "nested too deeply" in result.stderr and "internal error" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
