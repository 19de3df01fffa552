"""Run the notebook collection as reports: ``python -m analysis run`` / ``list``.

The runner executes parameterised notebooks (``notebooks/NN_name.ipynb``) on a
pool of warm Jupyter kernels, exports each executed notebook to HTML in-process
and publishes a run atomically under ``reports/<run-id>/``. See ``docs/runner.md``.

Modules
-------
``kernel_side``  code the runner executes inside its kernels (warm-up, reset)
``notebooks``    discovery of the collection and its declared parameters
``params``       parameter names and values, ``-p`` parsing, output names,
                 the check that injected parameters are literals only
``config``       the ``runs.yml`` schema, named value sets, the batch plan
``kernels``      a long-lived, pre-warmed kernel that is reset between reports
``execute``      the batch: workers, timeouts, failures, Ctrl-C
``export``       HTML pages (with and without code), output names, ``index.html``
``publish``      ``run.json``, atomic publication and ``reports/latest``
(the ``run`` and ``list`` commands are :mod:`analysis.cli.runner`)

This package must stay cheap to import: kernels import
:mod:`analysis.runner.kernel_side` (and :mod:`analysis.provenance`, where notebooks
record what they read and the runner reads it back).
"""

import sys


def lighter_imports() -> None:
    """Skip a 2-4 s import nobody here needs (the runner's commands and its Dask workers).

    nbformat imports jsonschema, which imports the optional ``rfc3987_syntax``
    (it compiles a grammar with lark at import, seconds on a small machine)
    only to check the "iri" string format, which no notebook schema uses.
    Marking it absent before jsonschema is first imported makes jsonschema
    skip that checker. Does nothing once jsonschema is loaded.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]


__all__ = ["lighter_imports"]
