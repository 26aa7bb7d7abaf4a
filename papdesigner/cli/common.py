"""Helpers shared by the CLI subcommands: exit codes, one-line errors, loading files."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from papdesigner.cli.terminal import escape_controls

if TYPE_CHECKING:  # importing the model is slow; ``papdesigner open`` must paint fast
    from papdesigner.model import Protocol

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """An expected failure with a one-line message; ``main`` prints it and exits."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


MAX_ERROR_CHARS = 400
"""Longest error line; a longer one (a hostile 10,000-character file name) is cut in the middle."""


def report_error(message: str, exit_code: int = EXIT_USAGE) -> int:
    """Print ``papdesigner: <message>`` as one line on stderr and return the exit code."""
    print(f"papdesigner: {one_line(message)}", file=sys.stderr)
    return exit_code


def one_line(message: str, limit: int = MAX_ERROR_CHARS) -> str:
    """Collapse whitespace to single spaces and cut an overlong text in the middle.

    The middle goes, not the end: the end says what is wrong ("no such file"). Control
    characters from a file's content are shown as escapes, never sent to the terminal.
    """
    text = escape_controls(" ".join(message.split()))
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half]} … {text[-half:]}"


def describe_os_error(exc: OSError) -> str:
    """One line for an operating-system error: the file first, then the reason."""
    reason = exc.strerror or str(exc)
    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    return f"{' -> '.join(names)}: {reason}" if names else reason


SMALL_FILE_BYTES = 1024 * 1024
"""Largest key, certificate or passphrase file read (they are a few kilobytes)."""


def read_small_file(name: str, option: str, limit: int = SMALL_FILE_BYTES) -> bytes:
    """Read a small input file named by ``option`` (a key, a certificate); one-line errors.

    Uses the model's regular-file reader, so a named pipe is refused instead of waited on.
    """
    from papdesigner.model.limits import read_regular_file

    try:
        data = read_regular_file(Path(name), limit)
    except FileNotFoundError:
        raise CliError(f"{option} {name}: no such file") from None
    except OSError as exc:
        raise CliError(f"{option} {name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise CliError(f"{option} {name}: larger than {limit:,} bytes")
    return data


def check_output_path(
    out: Path, *, force: bool | None = None, inputs: Sequence[str | Path] = ()
) -> None:
    """Refuse an output path that cannot or must not be written, before any work is done.

    ``force=None`` means the command overwrites existing files anyway (a report);
    ``False`` refuses an existing file. Writing over one of the command's own
    ``inputs`` is always refused: an output never replaces what it was made from.
    """
    if out.is_dir():
        raise CliError(f"{out}: is a folder (give a file name)")
    if not out.parent.is_dir():
        raise CliError(f"{out}: folder {out.parent} does not exist")
    for source in inputs:
        if out.exists() and Path(source).exists() and out.samefile(source):
            raise CliError(f"{out}: is also an input of this command; write to another file")
    if force is False and out.exists():
        raise CliError(f"{out}: already exists (use --force to overwrite)")


def load_or_fail(path: str | Path) -> Protocol:
    """Load a protocol file or raise :class:`CliError` with the loader's one-line message."""
    from papdesigner.model import ProtocolFileError, load_protocol

    try:
        return load_protocol(path)
    except ProtocolFileError as exc:
        raise CliError(str(exc)) from None
