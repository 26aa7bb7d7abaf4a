"""Keep text from protocol files from driving the user's terminal.

A protocol title is data. Printed raw, ``"\\x1b]0;…\\x07"`` retitles the terminal
window, ``"\\x1b[2J"`` clears the screen and other sequences can do worse. On a
terminal every control character is shown as an escape (``\\x1b``), except the
colour codes the reports add themselves (``ESC [ digits ; m``), newlines and tabs.
Output to a pipe or a file is left byte for byte as the command wrote it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_CONTROL = re.compile(r"\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Show control characters as ``\\xNN``; colour codes, newlines and tabs stay."""
    return _CONTROL.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    found = match.group(0)
    if len(found) > 1:  # a colour code
        return found
    return f"\\x{ord(found):02x}"


class _Guarded:
    """A text stream that escapes control characters before they reach the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def guarded_stdout() -> Iterator[None]:
    """Escape control characters on standard output while it is a terminal."""
    stream = sys.stdout
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield
        return
    sys.stdout = _Guarded(stream)
    try:
        yield
    finally:
        sys.stdout = stream
