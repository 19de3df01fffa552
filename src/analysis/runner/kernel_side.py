"""Code the runner executes inside its kernels (never imported by the runner itself).

A worker kernel is warmed once (:func:`warm`: heavy modules imported, the
resulting process state snapshotted) and reset before every report
(:func:`reset`), so each report starts like a fresh kernel that already has
pandas, matplotlib and statsmodels in ``sys.modules``:

- the user namespace is emptied with IPython's ``%reset -f`` (``In``/``Out``,
  ``_`` and every global the previous report set) and the execution counter
  restarts at 1;
- matplotlib: all figures closed, ``rcdefaults()`` then the rcParams as they
  were after warm-up (which includes any house style the warm imports apply);
- pandas options, numpy error handling, warning filters, ``os.environ``,
  ``sys.path`` and the working directory are restored; the ``random`` and
  ``numpy.random`` global generators are re-seeded from fresh entropy, as in
  a new process;
- the last error's traceback (``sys.last_traceback`` and its kin) is dropped;
  the garbage the previous report left is collected and what survives it
  (imported modules, the kernel's data cache) is frozen (:func:`gc.freeze`),
  so the collector's runs during a report scan only that report's objects:
  a full collection over a warm kernel's cache (400,000-800,000 objects)
  costs ~0.1 s, and a report triggered one to several of them. Every
  :data:`FULL_COLLECTION_EVERY` reports everything is unfrozen and collected
  once, so a cycle among frozen objects that later became garbage (a cache
  entry replaced, say) is freed in a long batch too.

What cannot be reset is state inside imported modules (caches, monkeypatches):
notebooks must not rely on mutating library modules.

Stdlib-only at import time.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import warnings
from typing import Any

_STATE: dict[str, Any] = {}

#: Reports between two full collections that include the frozen objects (see the module docstring).
FULL_COLLECTION_EVERY = 25


def warm(modules: list[str]) -> None:
    """Import ``modules`` (failures are remembered, not raised) and snapshot the state."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a missing optional module must not break the pool
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    _STATE["failed"] = failed
    _prime()
    _snapshot()
    # Everything imported so far lives as long as the kernel: move it out of the
    # collector's sight, so the gc.collect() in every %reset only scans what a
    # report created (0.2 s -> a few ms with pandas, scipy and statsmodels loaded).
    gc.collect()
    gc.freeze()


def _prime() -> None:
    """Run the first-use paths of plotting and table display once (fonts, Agg, HTML repr)."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        import io

        try:
            fig = plt.figure(figsize=(2, 1))
            fig.add_subplot().plot([0, 1], [0, 1], label="x")
            fig.legend()
            fig.savefig(io.BytesIO(), format="png")
        except Exception:
            pass
        finally:
            plt.close("all")
    pd = sys.modules.get("pandas")
    if pd is not None:
        try:
            pd.DataFrame({"a": [1.5], "b": ["x"]})._repr_html_()
        except Exception:
            pass


def warm_failures() -> list[str]:
    """Modules :func:`warm` could not import."""
    return list(_STATE.get("failed", []))


def _snapshot() -> None:
    _STATE["environ"] = dict(os.environ)
    _STATE["sys_path"] = list(sys.path)
    _STATE["argv"] = list(sys.argv)
    _STATE["warnings"] = list(warnings.filters)
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        _STATE["rc"] = dict(mpl.rcParams)
    np = sys.modules.get("numpy")
    if np is not None:
        _STATE["np_err"] = np.geterr()


def reset(cwd: str) -> None:
    """Give the next report a fresh namespace and process state (see the module docstring)."""
    if "environ" not in _STATE:
        _snapshot()
    ip = get_ipython()  # type: ignore[name-defined]  # noqa: F821 - provided by IPython
    ip.run_line_magic("reset", "-f")
    ip.execution_count = 1

    if os.environ != _STATE["environ"]:
        os.environ.clear()
        os.environ.update(_STATE["environ"])
    sys.path[:] = _STATE["sys_path"]
    sys.argv[:] = _STATE["argv"]
    warnings.filters[:] = _STATE["warnings"]
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:
        mutated()
    os.chdir(cwd)

    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mpl.rcdefaults()
            if "rc" in _STATE:
                mpl.rcParams.update(_STATE["rc"])

    pd = sys.modules.get("pandas")
    if pd is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.reset_option("all")

    np = sys.modules.get("numpy")
    if np is not None:
        if "np_err" in _STATE:
            np.seterr(**_STATE["np_err"])
        np.random.seed()
    import random

    random.seed()
    _collect_and_freeze()


def _collect_and_freeze() -> None:
    """Collect the previous report's garbage and freeze what survives (see the module docstring)."""
    # the last error's traceback (and every frame's locals in it) survives %reset: drop it, so
    # a failed report's data are neither frozen nor visible to the next report
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)
    ip = get_ipython()  # type: ignore[name-defined]  # noqa: F821 - provided by IPython
    for holder, name in ((ip, "last_execution_result"), (getattr(ip, "InteractiveTB", None), "tb")):
        if getattr(holder, name, None) is not None:
            setattr(holder, name, None)
    resets = _STATE["resets"] = _STATE.get("resets", 0) + 1
    if resets % FULL_COLLECTION_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
