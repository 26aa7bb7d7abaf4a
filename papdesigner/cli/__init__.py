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
from collections.abc import Callable, Sequence
from typing import NoReturn

from papdesigner import __version__
from papdesigner.cli.common import EXIT_OK, EXIT_USAGE, CliError, describe_os_error, report_error
from papdesigner.cli.terminal import guarded_stdout


class UsageError(Exception):
    """A command line that argparse rejected; ``str()`` is argparse's reason."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors become one line, like every other error.

    argparse prints the whole usage block and exits; the contract of every command
    is one line on stderr and exit 2, so the error is raised to :func:`main` instead.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every discovered subcommand registered."""
    parser = _Parser(
        prog="papdesigner",
        description="Design psychedelic-assisted psychotherapy trial protocols offline. "
        "With no command, start the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"papdesigner {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _command_modules():
        module = importlib.import_module(f"{__name__}.{module_name}")
        module.register(subparsers)
    _describe_subcommands(parser)
    return parser


def _describe_subcommands(parser: argparse.ArgumentParser) -> None:
    """Give every subcommand without a description its one-line help as one.

    ``papdesigner new --help`` otherwise printed only the usage, never saying what
    the command does.
    """
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help for choice in action._choices_actions}
        for name, sub in action.choices.items():
            text = helps.get(name)
            if sub.description is None and text:
                sub.description = text[0].upper() + text[1:] + "."
            _describe_subcommands(sub)


def _command_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("cmd_")]
    return sorted(names)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or _plain_open(args_list):
        # The desktop app starts without registering every subcommand (their modules
        # import the model and more), so that its window paints fast.
        from papdesigner.cli.cmd_open import start_gui

        file = args_list[1] if len(args_list) == 2 else None
        return _guarded(lambda: start_gui(file))
    _tolerant_output()
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except UsageError as exc:
        command = exc.prog.removeprefix("papdesigner").strip()
        where = f"{command}: " if command else ""
        return report_error(f"{where}{exc} (see '{exc.prog} --help')", EXIT_USAGE)
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    with guarded_stdout():
        return _guarded(lambda: int(args.handler(args)))


def _tolerant_output() -> None:
    """Never fail on printing a file name whose bytes are not UTF-8.

    Such a name reaches Python with lone surrogates; a UTF-8 desktop locale makes
    stdout strict, so echoing the name was an internal error. It is shown escaped.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            reconfigure(errors="backslashreplace")


def _plain_open(args: list[str]) -> bool:
    """True for ``open`` or ``open FILE`` (options such as ``--help`` go through argparse)."""
    return args[0] == "open" and len(args) <= 2 and not any(a.startswith("-") for a in args[1:])


def _guarded(run: Callable[[], int]) -> int:
    """Run a command; turn every expected failure into one line and an exit code."""
    try:
        return run()
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
    except OSError as exc:
        # The file system said no (a name too long, a folder where a file was expected,
        # no space left...): bad input or environment, never an internal error.
        return report_error(describe_os_error(exc), EXIT_USAGE)
    except Exception as exc:  # a last guard: never show a traceback to a user
        if os.environ.get("PAPDESIGNER_DEBUG"):
            raise
        return report_error(f"internal error: {type(exc).__name__}: {exc}", EXIT_USAGE)
