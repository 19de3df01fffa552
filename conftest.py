"""Run the notebooks with nbval, comparing checked cells against recorded outputs.

Committed notebooks carry no outputs, but nbval compares a ``# NBVAL_CHECK_OUTPUT``
cell against the outputs stored in the notebook. So the expected outputs of those
cells are kept beside the tests, in ``tests/notebook_outputs/<notebook>.json``, and
put into the notebook in memory when it is collected. nbval's own collection is
switched off (``-p no:nbval`` in pyproject.toml) so no notebook is collected twice;
its options are registered here instead. Regenerate the recorded outputs with
``make notebook-outputs`` after a deliberate change of a key figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbval import plugin as nbval_plugin

ROOT = Path(__file__).resolve().parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ROOT / "tests" / "notebook_outputs"


def pytest_addoption(parser):
    nbval_plugin.pytest_addoption(parser)


def isolate_cache() -> str:
    """Point the CBS cache at an empty folder, so notebooks run on the embedded data.

    The recorded outputs are those of the default run (``source="auto"`` with no
    CBS cache); a researcher's own data/cache must not change what ``make test``
    compares. Kernels started by nbval and papermill inherit the variable.
    """
    import atexit
    import os
    import shutil
    import tempfile

    os.environ["ANALYSIS_CACHE_DIR"] = tempfile.mkdtemp(prefix="analysis-test-cache-")
    atexit.register(shutil.rmtree, os.environ["ANALYSIS_CACHE_DIR"], ignore_errors=True)
    return os.environ["ANALYSIS_CACHE_DIR"]


def pytest_configure(config):
    nbval_plugin.pytest_configure(config)
    isolate_cache()


def checked_cells(nb) -> list:
    """The code cells whose output nbval compares (``# NBVAL_CHECK_OUTPUT``)."""
    return [
        c for c in nb.cells
        if c.cell_type == "code" and c.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT")
    ]


class NotebookWithRecordedOutputs(nbval_plugin.IPyNbFile):
    """nbval's notebook collector, with expected outputs from tests/notebook_outputs."""

    def collect(self):
        items = list(super().collect())
        path = EXPECTED / f"{Path(self.fspath).stem}.json"
        recorded = json.loads(path.read_text()) if path.exists() else {}
        for cell in checked_cells(self.nb):
            if cell.get("id") not in recorded:
                raise pytest.UsageError(
                    f"{self.fspath}: cell {cell.get('id')} is marked NBVAL_CHECK_OUTPUT but has no recorded "
                    f"output in {path.relative_to(ROOT)}; run 'make notebook-outputs'"
                )
            cell.outputs = [nbformat.from_dict(out) for out in recorded[cell["id"]]]
            cell.execution_count = 1  # nbval only compares cells it regards as run
        yield from items


def pytest_collect_file(file_path, parent):
    opt = parent.config.option
    if (opt.nbval or opt.nbval_lax) and file_path.suffix == ".ipynb" and file_path.parent == NOTEBOOKS:
        return NotebookWithRecordedOutputs.from_parent(parent, path=file_path)
    return None
