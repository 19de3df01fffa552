"""Command line: ``python -m analysis <command> ...``.

One package for every command: each command group is a module here
(:mod:`~analysis.cli.cbs`, :mod:`~analysis.cli.runner`, :mod:`~analysis.cli.reconcile`)
with a ``register(subparsers)`` function that sets ``func`` on its parser, and all
run through :func:`dispatch`: user errors (:class:`analysis.errors.InputError`) are
printed as one line on stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__
from ..errors import InputError

# Modules that add commands; each has register(subparsers).
COMMAND_MODULES = [
    "analysis.cli.cbs",
    "analysis.cli.runner",
    "analysis.cli.reconcile",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Monitor the social domain (Jeugdwet, Wmo) of a Dutch municipality.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    return dispatch(build_parser(), argv)


def dispatch(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command: the one ``main`` of every command line.

    Returns
    -------
    int
        The command's exit status; 2 without a command (help printed) or for a user
        error (one line on stderr), 130 when interrupted, 0 when the output pipe closes.
    """
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head
        return 0
