"""Command line: ``python -m analysis <command> ...``.

Each command group lives with the code it drives and registers itself here
through a ``register(subparsers)`` function that sets ``func`` on its parser.
User errors (:class:`analysis.errors.InputError`) are printed as one line on
stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .errors import InputError

# Modules that add commands; each has register(subparsers).
COMMAND_MODULES = [
    "analysis.cbs.cli",
    "analysis.runner.cli",
    "analysis.reconcile_cli",
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
    parser = build_parser()
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
