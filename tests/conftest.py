"""Shared test fixtures."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from analysis import config

# Property-based tests (marker ``fuzz``): a few seconds each in ``make test`` (profile "ci"),
# thousands of examples in ``make fuzz`` (profile "fuzz", HYPOTHESIS_PROFILE=fuzz).
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    """../shared/realdata, or skip with a reason where it is absent."""
    path = config.realdata_dir()
    if not path.is_dir():
        pytest.skip(f"third-party CBS files not found at {path} (a fresh clone has no ../shared)")
    return path


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch) -> Path:
    """An empty CBS cache for one test (ANALYSIS_CACHE_DIR points at it)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(autouse=True)
def restore_language():
    """Every test starts and ends with the session language it found (``notebook.start`` sets it)."""
    from analysis import labels

    previous = labels.get_language()
    yield
    labels.set_language(previous)


@pytest.fixture(scope="session")
def load_benchmark():
    """``load_benchmark("forecast_cbs")``: a script of benchmarks/ imported as a module (not a package)."""

    def load(name: str):
        path = config.PROJECT_ROOT / "benchmarks" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def run_batch():
    """``run_batch(batch, out, run_id, notebooks=None)``: one batch of the project's runner, in process.

    ``batch`` is the text or the dict of a runs file (written beside ``out`` as
    ``<run_id>.yml``), ``notebooks`` the collection folder (default notebooks/);
    two warm kernels side by side. Returns the runner's exit status and the run's
    folder ``out/<run_id>``."""
    import yaml

    from analysis.cli.runner import run_plan
    from analysis.runner import config as runner_config
    from analysis.runner.notebooks import discover

    def run(
        batch: dict | str, out: Path, run_id: str, notebooks: Path | None = None
    ) -> tuple[int, Path]:
        out.mkdir(parents=True, exist_ok=True)
        runs = out.parent / f"{run_id}.yml"
        text = batch if isinstance(batch, str) else yaml.safe_dump(batch)
        runs.write_text(text, encoding="utf-8")
        plan = runner_config.build_plan(
            discover(notebooks or config.notebooks_dir()), batch=runner_config.load_batch(runs)
        )
        status = run_plan(plan, out=out, run_id=run_id, jobs=2, quiet=True)
        return status, out / run_id

    return run


@pytest.fixture(scope="session")
def run_collection(run_batch):
    """``run_collection(batch, base, run_id)``: the notebooks of notebooks/ run as one batch
    (:func:`run_batch`), published under ``base/reports``. Returns every report of run.json as
    ``(record, executed notebook or None)``; None where the runner could not run the notebook
    (the record's ``error`` says why)."""
    import json

    import nbformat

    def run(batch: dict, base: Path, run_id: str) -> list[tuple[dict, object]]:
        _, folder = run_batch(batch, base / "reports", run_id)
        reports = json.loads((folder / "run.json").read_text(encoding="utf-8"))["reports"]
        out = []
        for record in reports:
            executed = folder / f"{record['name']}.ipynb"
            nb = nbformat.read(executed, as_version=4) if executed.is_file() else None
            out.append((record, nb))
        return out

    return run
