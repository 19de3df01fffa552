"""Record the outputs of the notebooks' ``# NBVAL_CHECK_OUTPUT`` cells.

Runs every notebook in notebooks/ with its default parameters and writes the
outputs of its checked cells to tests/notebook_outputs/<notebook>.json, which
nbval (see the project's conftest.py) compares against in ``make test``. Run it
(``make notebook-outputs``) only after a deliberate change of a key figure, and
review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from conftest import EXPECTED, NOTEBOOKS, checked_cells, isolate_cache  # noqa: E402


def record(path: Path) -> Path:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    outputs = {}
    for cell in checked_cells(nb):
        kept = []
        for out in cell.outputs:
            out = dict(out)
            out.pop("execution_count", None)
            out.pop("metadata", None) if out.get("output_type") == "stream" else None
            kept.append(out)
        outputs[cell["id"]] = kept
    target = EXPECTED / f"{path.stem}.json"
    target.write_text(json.dumps(outputs, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return target


def main(names: list[str]) -> int:
    isolate_cache()
    paths = (
        [NOTEBOOKS / f"{n}.ipynb" for n in names]
        if names
        else sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    )
    for path in paths:
        print(f"recorded {record(path).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
