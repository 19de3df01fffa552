"""The notebook collection: clean committed files, documented parameters, papermill runs.

nbval runs every notebook with its defaults (see conftest.py); these tests run them
under papermill with other parameters too.
"""

from __future__ import annotations

import ast

import nbformat
import papermill as pm
import pytest

from analysis import config

NOTEBOOKS = sorted(config.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
SHARED = ["region", "wijk", "start", "end", "source", "horizon", "language"]
IDS = [p.stem for p in NOTEBOOKS]


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_collection_is_complete():
    names = {p.stem.split("_", 1)[0] for p in NOTEBOOKS}
    assert {"00", "01", "02", "03", "04", "05", "06", "07"} <= names, sorted(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(_code(nb)) if c.outputs or c.execution_count is not None]
    assert dirty == [], f"{path.name}: code cells {dirty} carry outputs; strip them (nbstripout)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_cell_is_tagged_typed_and_documented(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    params = pm.inspect_notebook(str(path))
    missing = [p for p in SHARED if p not in params]
    assert missing == [], f"shared parameters missing: {missing}"
    for name, info in params.items():
        assert info["help"].strip(), f"parameter {name!r} has no help comment"
        assert info["inferred_type_name"] != "None", f"parameter {name!r} has no type hint"
    assert params["region"]["default"].strip("'\"") == "GM0344"
    assert params["language"]["default"].strip("'\"") == "nl"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebooks_are_thin(path):
    nb = nbformat.read(path, as_version=4)
    for cell in _code(nb):
        tree = ast.parse(cell.source)
        defs = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        assert not defs, (
            f"{path.name}: define functions in the package, not the notebook ({defs[0].name})"
        )
        assert len(cell.source.splitlines()) <= 25, (
            f"{path.name}: a code cell of {len(cell.source.splitlines())} lines"
        )
    first = _code(nb)[1].source
    assert "notebook.start(" in first, (
        "the cell after the parameters validates them with notebook.start"
    )


def _run(path, tmp_path, **parameters):
    out = tmp_path / path.name
    return pm.execute_notebook(
        str(path),
        str(out),
        parameters=parameters,
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
    )


def _outputs_text(nb) -> str:
    parts = []
    for cell in _code(nb):
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") or str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def amsterdam_runs(
    tmp_path_factory, realdata_dir, run_collection
) -> dict[str, tuple[dict, object]]:
    """Every notebook for Amsterdam on the CBS files in ../shared/realdata, as one batch of the
    project's runner (two warm kernels side by side): per notebook, its run.json record and its
    executed notebook."""
    batch = {
        "runs": [
            {"notebooks": "all", "parameters": {"region": "GM0363", "source": str(realdata_dir)}}
        ]
    }
    reports = run_collection(batch, tmp_path_factory.mktemp("amsterdam"), "amsterdam")
    names = [record["notebook"] for record, _ in reports]
    assert sorted(names) == sorted(p.stem for p in NOTEBOOKS), names  # one report per notebook
    return {record["notebook"]: (record, nb) for record, nb in reports}


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_for_amsterdam_on_real_cbs_data(path, amsterdam_runs, realdata_dir):
    from analysis.cbs import SERIES

    record, nb = amsterdam_runs[path.stem]
    assert record["status"] == "ok", f"{path.stem}: {record['error']}"
    # the sources table (plain text): "- CBS <table>: <title>; <vintage>; <status>; <location>; ..."
    declared = dict(
        line[2:].split(": ", 1)
        for line in _outputs_text(nb).splitlines()
        if line.startswith("- ") and ": " in line
    )
    assert declared, "the first output declares the data sources"
    from_cbs = {table: where for table, where in declared.items() if table.startswith("CBS ")}
    assert all(f"CBS-bestanden in {realdata_dir.name}" in where for where in from_cbs.values()), (
        f"CBS tables not read from the files: {from_cbs}"
    )
    assert not any(ind in SERIES for ind in declared), "indicator ids are not shown to readers"


# Every notebook for a wijk, from 2016, in English: the English run of
# tests/test_runner_browser.py (real_runs), whose reports must all succeed.


@pytest.mark.notebooks
@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"region": "GM9999"}, "parameter 'region': unknown region code 'GM9999'"),
        ({"start": "2020", "end": "2016"}, "parameter 'end': end 2016 lies before start 2020"),
        ({"horizon": 0}, "parameter 'horizon': horizon must be at least 1"),
        (
            {"source": "nergens"},
            "parameter 'source': 'nergens' is neither one of auto, embedded, cbs-cache",
        ),
    ],
)
@pytest.mark.parametrize(
    "path", NOTEBOOKS[:1] + NOTEBOOKS[-1:], ids=[p.stem for p in NOTEBOOKS[:1] + NOTEBOOKS[-1:]]
)
def test_invalid_parameters_fail_with_the_clear_message(path, tmp_path, parameters, message):
    with pytest.raises(pm.PapermillExecutionError) as err:
        _run(path, tmp_path, **parameters)
    assert err.value.ename == "ParameterError"
    assert message in err.value.evalue
    assert "\n" not in err.value.evalue


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebooks_ask_for_the_project_kernel(path):
    """The kernel `make install` registers (Makefile KERNEL), so JupyterLab opens them in the project's env."""
    import re

    kernel = re.search(
        r"^KERNEL := (\S+)$", (config.PROJECT_ROOT / "Makefile").read_text(), re.M
    ).group(1)
    spec = nbformat.read(path, as_version=4).metadata.get("kernelspec", {})
    assert spec.get("name") == kernel == "sociaal-domein-monitor", spec
    assert spec.get("language") == "python"


@pytest.mark.notebooks
def test_the_costs_notebook_refuses_an_unknown_comparison(tmp_path):
    path = next(p for p in NOTEBOOKS if p.stem == "07_kosten")
    with pytest.raises(pm.PapermillExecutionError) as err:
        _run(path, tmp_path, comparison="stad")
    assert err.value.ename == "ParameterError"
    assert (
        "parameter 'comparison': unknown comparison 'stad'; choose one of stedelijkheid"
        in err.value.evalue
    )
