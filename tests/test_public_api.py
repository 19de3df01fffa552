"""The curated public API: ``analysis`` and the ``__all__`` of the modules a researcher uses."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import analysis

MODULES = [
    "analysis.register",
    "analysis.stats",
    "analysis.flow",
    "analysis.experience",
    "analysis.reach",
    "analysis.disclosure",
    "analysis.notebook",
    "analysis.published",
    "analysis.regions",
    "analysis.periods",
    "analysis.cbs",
]


def test_every_public_name_of_the_package_resolves():
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None, name
    assert analysis.start is importlib.import_module("analysis.notebook").start
    assert (
        analysis.register_scope is importlib.import_module("analysis.register.scope").register_scope
    )
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        analysis.nonsense  # noqa: B018


def test_import_analysis_stays_cheap():
    code = "import sys, analysis; print(sorted(m for m in ('pandas', 'matplotlib', 'scipy') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]", f"import analysis loaded {out.strip()}"


@pytest.mark.parametrize("module", MODULES)
def test_module_all_lists_defined_public_names(module):
    mod = importlib.import_module(module)
    names = mod.__all__
    assert len(names) == len(set(names)), f"{module}.__all__ repeats a name"
    assert [n for n in names if n.startswith("_")] == []
    assert [n for n in names if not hasattr(mod, n)] == []


def test_the_readme_scratch_notebook_runs():
    """The five calls of README "Scratch notebook" work as printed (embedded data, synthetic register)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from analysis import config

    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("## Scratch notebook", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    names: dict = {}
    exec(compile(code, "README.md", "exec"), names)  # noqa: S102
    assert names["session"].params.region == "GM0344" and len(names["wmo"])
    assert names["scope"].applies and names["scope"].synthetic
    chart = analysis.line_chart(names["wmo"])
    assert isinstance(chart, Figure)
    protected = analysis.apply_disclosure_control(names["wijken"], base_col="n")
    assert {"status", "display"} <= set(protected.columns)
