"""Benchmark: what turning one report's figures into PNGs costs, and cheaper variants.

Runs a notebook in this process (an IPython shell, the parameters cell
replaced by the given parameters), keeps every figure it displays, and then
times, in CPU seconds, the conversion of all of them to PNG the way the
notebook shows them (``analysis.plotting.figure_png``: IPython's
``print_figure`` with a tight bounding box) and a few variants of that call.
Building the figures is not in the figures; this is the floor a report with
these pages costs, whatever the runner does around it (docs/runner.md).

    python benchmarks/render_figures.py                      # 04 for Amsterdam, embedded data
    python benchmarks/render_figures.py --notebook 01_bereik --param source=embedded

Prints one line per variant: ``NAME  cpu N.NN s  (N figures, N KiB)``, the
best of ``--repeat`` rounds, and the per-report share on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Variants of the PNG conversion: keyword arguments of IPython's ``print_figure``.
VARIANTS: dict[str, dict] = {
    "as shown (tight bounding box)": {"bbox_inches": "tight"},
    "PNG compression level 3": {"bbox_inches": "tight", "pil_kwargs": {"compress_level": 3}},
    "PNG compression level 1": {"bbox_inches": "tight", "pil_kwargs": {"compress_level": 1}},
}


def parse_param(text: str) -> tuple[str, str]:
    """``name=value`` into its two parts (the value stays a string)."""
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"--param {text!r}: expected name=value")
    return name, value


def notebook_figures(notebook: Path, parameters: dict[str, str]) -> list:
    """Run ``notebook`` in this process with ``parameters`` and return the figures it displayed.

    The IPython shell is made for this run and cleared afterwards, and
    ``IPython.display.display``, ``sys.modules["__main__"]`` and the working
    folder are restored, also when a cell fails (``SystemExit`` naming it).
    """
    import matplotlib

    matplotlib.use("agg")
    import IPython.display
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    nb = nbformat.read(notebook, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    assignments = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    shown: list = []
    display, main, here = IPython.display.display, sys.modules["__main__"], Path.cwd()
    try:
        IPython.display.display = lambda *objs, **kw: shown.extend(objs)
        shell = InteractiveShell.instance()
        os.chdir(notebook.parent)
        # the notebook's printed tables are not what is measured
        with contextlib.redirect_stdout(io.StringIO()):
            for number, source in enumerate([cells[0], assignments, *cells[1:]]):
                result = shell.run_cell(source, silent=True)
                if not result.success:
                    error = result.error_before_exec or result.error_in_exec
                    where = "the parameters" if number == 1 else f"code cell {number or 1}"
                    raise SystemExit(f"{notebook.name}: {where} failed: {error!r}")
    finally:
        os.chdir(here)
        IPython.display.display = display
        InteractiveShell.clear_instance()
        sys.modules["__main__"] = main
    return [o for o in shown if isinstance(o, Figure)]


def time_variant(
    figures: list, convert: Callable[..., bytes], options: dict, repeat: int
) -> tuple[float, int]:
    """Best CPU seconds over ``repeat`` rounds of converting every figure, and the bytes of one round."""
    best, size = float("inf"), 0
    for _ in range(repeat):
        start = time.process_time()
        size = sum(len(convert(f, fmt="png", **options)) for f in figures)
        best = min(best, time.process_time() - start)
    return best, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="04_jeugdzorg_cbs")
    parser.add_argument(
        "--param",
        type=parse_param,
        action="append",
        default=None,
        help="name=value (default: region=GM0363, source=embedded)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    parameters = dict(args.param or [("region", "GM0363"), ("source", "embedded")])
    notebook = ROOT / "notebooks" / f"{args.notebook}.ipynb"
    if not notebook.is_file():
        parser.error(f"--notebook {args.notebook}: no {notebook.relative_to(ROOT)}")
    from IPython.core.pylabtools import print_figure

    figures = notebook_figures(notebook, parameters)
    print(f"{args.notebook} {parameters}: {len(figures)} figures; best of {args.repeat} rounds")
    for name, options in VARIANTS.items():
        cpu, size = time_variant(figures, print_figure, options, args.repeat)
        print(
            f"  {name:32s} cpu {cpu:5.2f} s  ({len(figures)} figures, {size // 1024} KiB)"
            f"  on 2 cores {cpu / 2:.2f} s/report"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
