"""The ``papdesigner`` command: headless subcommands, or the desktop app with none.

Each subcommand lives in its own module ``papdesigner/cli/cmd_<name>.py`` that
defines ``register(subparsers)``; modules are discovered at start-up, so adding a
command never touches this file. Registration must stay cheap: heavy imports
(reportlab, PySide6, the rule engine) belong inside the command's handler.

Exit codes (DESIGN.md section 4): 0 success, 1 findings or failed verification,
2 bad input or usage, with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from papdesigner import __version__
from papdesigner.cli.common import EXIT_OK, EXIT_USAGE, CliError, report_error


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every discovered subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="papdesigner",
        description="Design psychedelic-assisted psychotherapy trial protocols offline. "
        "With no command, start the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"papdesigner {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _command_modules():
        module = importlib.import_module(f"{__name__}.{module_name}")
        module.register(subparsers)
    return parser


def _command_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("cmd_")]
    return sorted(names)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        from papdesigner.cli.cmd_open import start_gui

        return start_gui(None)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return _run_handler(args)


def _run_handler(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; turn every expected failure into one line and an exit code."""
    try:
        return int(args.handler(args))
    except CliError as exc:
        return report_error(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return report_error("interrupted", EXIT_USAGE)
    except BrokenPipeError:
        # The reader went away (``papdesigner check ... | head``): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a last guard: never show a traceback to a user
        if os.environ.get("PAPDESIGNER_DEBUG"):
            raise
        return report_error(f"internal error: {type(exc).__name__}: {exc}", EXIT_USAGE)
