"""Analysis toolkit for monitoring a Dutch municipality's social domain.

The calls a researcher needs in a scratch notebook (README, "Scratch notebook")::

    import analysis

    session = analysis.start(region="GM0344")           # check parameters, pick the data source
    wmo = session.load("wmo_clienten_per_1000", period_type="year")  # observations of one indicator
    scope = session.register()                           # the case register that applies, or why none
    analysis.line_chart(wmo)                             # the house chart, with sources and status
    wijken = analysis.reach.reach_observations(scope.register, by_wijk=True)
    analysis.apply_disclosure_control(wijken, base_col="n")  # small counts suppressed before showing

Everything else lives in the modules (:mod:`analysis.register`, :mod:`analysis.flow`,
:mod:`analysis.stats`, ...; ``docs/architecture.md`` says which holds what). The names
below are imported on first use, so ``import analysis`` stays cheap (the runner's
kernels and the command line import it).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_PUBLIC = {
    "start": "notebook",
    "Session": "notebook",
    "INDICATORS": "indicators",
    "indicator_table": "indicators",
    "load_indicator": "cbs",
    "load_register": "register",
    "register_scope": "register",
    "RegisterScope": "register",
    "line_chart": "plotting",
    "bar_chart": "plotting",
    "apply_disclosure_control": "disclosure",
    "load_published": "published",
    "set_language": "labels",
    "label": "labels",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    """Import a public name (or a submodule such as ``analysis.flow``) on first use."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    try:
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
