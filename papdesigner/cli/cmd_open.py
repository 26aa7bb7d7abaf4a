"""``papdesigner open FILE`` (or no command at all): start the desktop application."""

from __future__ import annotations

import argparse
from pathlib import Path

from papdesigner.cli.common import CliError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``open`` subcommand."""
    parser = subparsers.add_parser("open", help="start the desktop application with a protocol")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a *.pap.json protocol")
    parser.set_defaults(handler=lambda args: start_gui(args.file))


def start_gui(file: str | None) -> int:
    """Start the GUI; a missing file or a folder is reported before any window opens."""
    if file is not None and not Path(file).exists():
        raise CliError(f"{file}: no such file")
    if file is not None and Path(file).is_dir():
        raise CliError(f"{file}: is a directory, not a protocol file")
    try:
        from papdesigner.ui.app import run_app
    except ImportError as exc:  # e.g. Qt's system libraries are missing
        raise CliError(f"cannot start the desktop application: {exc}") from None
    return run_app(file)
