"""The figure-rendering benchmark's helpers (benchmarks/render_figures.py)."""

from __future__ import annotations

import argparse

import matplotlib
import pytest

matplotlib.use("agg")
from matplotlib.figure import Figure  # noqa: E402


@pytest.fixture(scope="module")
def bench(load_benchmark):
    return load_benchmark("render_figures")


def test_a_parameter_is_name_equals_value(bench):
    assert bench.parse_param("region=GM0363") == ("region", "GM0363")
    assert bench.parse_param("start=2016=x") == ("start", "2016=x")
    for bad in ("region", "=GM0363", "two words=1"):
        with pytest.raises(argparse.ArgumentTypeError, match="name=value"):
            bench.parse_param(bad)


def test_time_variant_converts_every_figure_and_reports_the_bytes(bench):
    figures = []
    for n in (3, 30):
        fig = Figure(figsize=(3, 2))
        fig.add_subplot().plot(range(n))
        figures.append(fig)
    calls = []

    def convert(fig, fmt, **options):
        calls.append((fig, fmt, options))
        return b"x" * (10 if fig is figures[0] else 32)

    cpu, size = bench.time_variant(figures, convert, {"dpi": 50}, repeat=2)
    assert size == 42 and cpu >= 0
    assert calls == [(f, "png", {"dpi": 50}) for f in figures] * 2


def test_the_notebook_figures_are_collected_in_process(bench, tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("n = 1"),
        nbformat.v4.new_code_cell(
            "from IPython.display import display\n"
            "from matplotlib.figure import Figure\n"
            "for i in range(n):\n"
            "    fig = Figure(); fig.add_subplot().plot([0, i]); display(fig)\n"
            "print('a table')"
        ),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    figures = bench.notebook_figures(path, {"n": 3})
    assert len(figures) == 3 and all(isinstance(f, Figure) for f in figures)
    import os
    import sys

    import IPython
    import IPython.display

    display, main, here = IPython.display.display, sys.modules["__main__"], os.getcwd()
    for bad, message in (
        ("1 / 0", "code cell 3 failed: ZeroDivisionError"),
        ("1 +", "SyntaxError"),
    ):
        nb.cells[-1:] = [nb.cells[-1], nbformat.v4.new_code_cell(bad)]
        nbformat.write(nb, path)
        with pytest.raises(SystemExit, match=message):
            bench.notebook_figures(path, {"n": 1})
        nb.cells.pop()
        # nothing of the run is left behind in this process
        assert IPython.display.display is display and sys.modules["__main__"] is main
        assert os.getcwd() == here and IPython.get_ipython() is None
