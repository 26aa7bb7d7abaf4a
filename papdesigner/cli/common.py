"""Helpers shared by the CLI subcommands: exit codes, one-line errors, loading files."""

from __future__ import annotations

import sys
from pathlib import Path

from papdesigner.model import Protocol, ProtocolFileError, load_protocol

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """An expected failure with a one-line message; ``main`` prints it and exits."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def report_error(message: str, exit_code: int = EXIT_USAGE) -> int:
    """Print ``papdesigner: <message>`` as one line on stderr and return the exit code."""
    one_line = " ".join(message.split())
    print(f"papdesigner: {one_line}", file=sys.stderr)
    return exit_code


def load_or_fail(path: str | Path) -> Protocol:
    """Load a protocol file or raise :class:`CliError` with the loader's one-line message."""
    try:
        return load_protocol(path)
    except ProtocolFileError as exc:
        raise CliError(str(exc)) from None
