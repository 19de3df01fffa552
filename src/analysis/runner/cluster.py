"""Reports on Dask workers: ``python -m analysis run --cluster tcp://HOST:8786`` or ``local:N``.

dask.distributed is the engine: its scheduler places the reports, its
workers run them, its nanny restarts a worker process that dies. This module
only adds what a report needs on a worker and brings the results home:

* :class:`KernelPlugin`, a :class:`distributed.WorkerPlugin`, gives every
  worker process a pool of warm kernels (one per worker thread; start
  workers with ``--nthreads 1`` and one process per core), started when the
  worker joins. A kernel lives as long as its worker, so the data cache
  (:mod:`analysis.datacache`) inside it survives from report to report.
* :func:`run_report` is the task: it executes one prepared notebook on a
  kernel from the pool (:func:`analysis.runner.execute.execute_on`), renders
  the ``.ipynb`` and both pages on the worker
  (:func:`analysis.runner.execute.write_outputs`) and returns their bytes.
* :class:`ClusterBatch` prepares each notebook in the submitting process
  (parameters injected and checked, as for a local run), submits one task
  per report, and writes what comes back into the run folder, where
  :mod:`analysis.runner.publish` publishes it exactly as a local run: same
  layout, ``index.html``, ``run.json``, exit codes.

Faults: a failing cell, a timeout or a dead kernel fail their report (the
worker replaces its kernel, as the local runner does). A worker process that
dies takes the report it was running with it; Dask's scheduler runs that
report again on another worker, and once it has killed
``distributed.scheduler.allowed-failures`` workers (for ``local:N`` the
runner sets 1, i.e. one retry) it fails with ``KilledWorker``: that report
fails with kind ``dead-worker``, the others go on. Ctrl-C or SIGTERM cancels
every task, closes the client (and a local cluster) and nothing is
published.

Workers need the project installed (``pip install -e '.[cluster]'``) and the
same data (``data/``, the CBS cache) at the paths their ``analysis.config``
resolves; the notebook runs in its own folder on the worker when that exists
there, else in the worker's ``notebooks/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from .config import ReportSpec
from .execute import ReportResult, RunOptions, Templates, error_record, now, prepare_notebook

log = logging.getLogger("analysis.runner")

PLUGIN_NAME = "analysis-warm-kernels"
#: Retries of a report whose worker died, for ``--cluster local:N`` (Dask's default is 3).
LOCAL_ALLOWED_FAILURES = 1


def parse_cluster(spec: str) -> tuple[str, int | str]:
    """``("local", N)`` or ``("address", "tcp://HOST:PORT")``; an InputError otherwise."""
    text = str(spec).strip()
    if text.startswith("local:"):
        try:
            n = int(text[len("local:") :])
        except ValueError:
            n = 0
        if n < 1:
            raise InputError(f"--cluster {text!r}: local:N needs a number of workers of at least 1")
        return "local", n
    if "://" in text and text.split("://", 1)[1]:
        return "address", text
    raise InputError(
        f"--cluster {text!r}: expected local:N or a scheduler address such as tcp://HOST:8786"
    )


def connect(spec: str, plugin: Any = None) -> tuple[Any, Callable[[], None]]:
    """A :class:`distributed.Client` for ``spec`` and a function that closes it (and its cluster).

    For ``local:N``, ``plugin`` (a worker plugin) is given to the workers as they are
    created, so their kernels warm up while the worker processes start; for a remote
    scheduler it is registered with :meth:`distributed.Client.register_plugin`.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--cluster needs dask.distributed: pip install -e '.[cluster]'") from None
    kind, value = parse_cluster(spec)
    if kind == "local":
        with dask.config.set({"distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES}):
            cluster = LocalCluster(
                n_workers=int(value),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
                plugins=(plugin,) if plugin is not None else (),
            )
        client = Client(cluster)

        def close() -> None:
            client.close()
            cluster.close()

        return client, close
    try:
        client = Client(str(value), timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise InputError(f"--cluster {value}: cannot reach the Dask scheduler ({exc})") from None
    if plugin is not None:
        try:
            register = getattr(client, "register_plugin", None) or client.register_worker_plugin
            register(plugin, name=PLUGIN_NAME)
        except BaseException:
            client.close()
            raise
    return client, client.close


# --------------------------------------------------------------------------- worker side
try:
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # the optional 'cluster' extra is not installed
    _WorkerPlugin = object  # type: ignore[assignment,misc]


def _import_task_modules() -> None:
    """Import what :func:`run_report` needs, once, before any task or kernel thread runs.

    A CI run lost one report to this: importing ``nbformat`` inside the task
    compiled ``jsonschema``'s URI grammar with lark (thousands of
    :func:`ast.literal_eval` calls) while the worker's kernel thread parsed a
    reply with :mod:`ast`; CPython 3.11 keeps the AST constructor's recursion
    depth per interpreter, not per thread (python/cpython#106905), and the
    import failed with "AST constructor recursion depth mismatch". So the
    worker skips that grammar as the runner's own process does
    (:func:`analysis.runner.lighter_imports`), imports the task's modules in
    :meth:`KernelPlugin.setup`, and the kernels return values as JSON, not
    through :mod:`ast` (:func:`analysis.runner.kernels.json_from_repr`).
    """
    from . import lighter_imports

    lighter_imports()  # and so no lark grammar to compile at all, as in the runner's process
    import nbformat  # noqa: F401

    from .. import provenance  # noqa: F401
    from . import execute, kernels  # noqa: F401


class KernelPlugin(_WorkerPlugin):  # type: ignore[misc,valid-type]
    """Warm kernels inside a Dask worker (a :class:`distributed.WorkerPlugin`).

    Parameters
    ----------
    warm_modules : list of str, optional
        Modules the kernels import at start (default
        :func:`analysis.runner.kernels.default_warm_modules` on the worker).
    """

    name = PLUGIN_NAME
    idempotent = False

    def __init__(self, warm_modules: list[str] | None = None) -> None:
        self.warm_modules = warm_modules

    def setup(self, worker: Any) -> None:
        _import_task_modules()
        # Inside the worker's own Dask directory: Dask removes it with the worker, and the
        # directory of a worker that was killed (its kernels' connection files) when the
        # next worker starts in the same place (distributed.diskutils.WorkSpace).
        local = getattr(worker, "local_directory", None)
        self.workdir = Path(
            tempfile.mkdtemp(
                prefix="analysis-worker-", dir=local if local and os.path.isdir(local) else None
            )
        )
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="analysis-kernels", daemon=True
        )
        self.thread.start()
        self.pool: queue.Queue[Any] = queue.Queue()
        self.kernels: list[Any] = []
        nthreads = max(
            1,
            int(
                getattr(getattr(worker, "state", None), "nthreads", 0)
                or getattr(worker, "nthreads", 1)
                or 1
            ),
        )
        for n in range(nthreads):
            self.pool.put(self._start_kernel(f"w{os.getpid()}k{n}"))

    def _start_kernel(self, name: str) -> Any:
        """A WarmKernel being started (the future is awaited by the first report that gets it)."""
        from .kernels import WarmKernel

        kernel = WarmKernel(self.workdir, name, self.warm_modules, cwd=self.workdir)
        self.kernels.append(kernel)
        kernel.starting = asyncio.run_coroutine_threadsafe(kernel.start(), self.loop)
        return kernel

    def run(self, coro: Any, timeout: float | None = None) -> Any:
        """Run ``coro`` on the plugin's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def teardown(self, worker: Any) -> None:
        async def stop() -> None:
            await asyncio.gather(*(k.shutdown() for k in self.kernels), return_exceptions=True)

        with contextlib.suppress(Exception):
            self.run(stop(), timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _plugin() -> KernelPlugin:
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise RuntimeError("the worker has no analysis kernel plugin")
    return plugin


def run_report(
    nb_json: str,
    spec: ReportSpec,
    timeout: float | None,
    stamp: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The Dask task: execute one prepared notebook and render its files (on a worker).

    Returns
    -------
    dict
        ``error``, ``execute_s``, ``export_s``, ``sources``, ``outputs`` (kind ->
        file name), ``files`` (file name -> bytes), ``kernel`` and
        ``peak_rss_mb`` (the kernel's peak resident memory, where known).
    """
    import nbformat

    from ..provenance import collect_sources
    from .execute import execute_on, write_outputs
    from .kernels import KernelError

    plugin = _plugin()
    kernel = plugin.pool.get()
    try:
        t0 = time.perf_counter()
        error: dict[str, Any] | None = None
        broken = False
        nb = None
        try:
            plugin.run(_ready(kernel))
            nb = nbformat.reads(nb_json, as_version=4)
            cwd = spec.notebook.path.parent
            if not cwd.is_dir():
                from .. import config

                cwd = config.notebooks_dir() if config.notebooks_dir().is_dir() else plugin.workdir
            error, broken = plugin.run(execute_on(kernel, nb, spec, timeout, cwd=cwd))
        except KernelError as exc:
            error, broken = error_record("kernel", str(exc), ename="KernelError"), True
        except Exception as exc:  # a bug or a broken notebook: this report only
            log.debug("report %s failed on the worker", spec.slug, exc_info=True)
            error = error_record(
                "internal",
                f"{type(exc).__name__}: {exc}",
                ename=type(exc).__name__,
                evalue=str(exc),
            )
            broken = not plugin.run(kernel.is_alive())
        execute_s = time.perf_counter() - t0
        out: dict[str, Any] = {
            "error": error,
            "execute_s": execute_s,
            "export_s": 0.0,
            "sources": [],
            "outputs": {},
            "files": {},
            "kernel": f"{kernel.name}-{kernel.generation}",
            "peak_rss_mb": _peak_rss_mb(kernel.pid),
        }
        if nb is not None:
            out["sources"] = collect_sources(nb)
            folder = Path(tempfile.mkdtemp(dir=plugin.workdir, prefix="out-"))
            try:
                names, out["export_s"], out["title"] = write_outputs(nb, spec, folder, error, stamp)
                out["outputs"] = names
                out["files"] = {name: (folder / name).read_bytes() for name in names.values()}
            except Exception as exc:  # the report keeps its execution error, if any
                message = f"HTML export failed: {type(exc).__name__}: {exc}"
                if error:
                    message = f"{error['message']}; {message}"
                out["error"] = error_record("export", message)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        if broken:
            try:
                plugin.run(kernel.replace())
                kernel.starting = None
            except Exception as exc:
                log.warning("kernel %s could not be replaced: %s", kernel.name, exc)
                kernel.starting = None
        return out
    finally:
        plugin.pool.put(kernel)


async def _ready(kernel: Any) -> None:
    """Wait for the kernel's start; start it again if it is not running."""
    starting = getattr(kernel, "starting", None)
    if starting is not None:
        kernel.starting = None
        try:
            await asyncio.wrap_future(starting)
        except Exception:
            pass
    if not await kernel.is_alive():
        await kernel.replace()


def _peak_rss_mb(pid: int | None) -> float | None:
    """The peak resident memory (VmHWM) of process ``pid`` in MB (Linux), or None."""
    if not pid:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


# --------------------------------------------------------------------------- submitting side
class ClusterBatch:
    """Runs reports on a Dask cluster; the interface of :class:`analysis.runner.execute.Batch`."""

    def __init__(
        self,
        reports: list[ReportSpec],
        outdir: Path,
        options: RunOptions,
        cluster: str,
        on_result: Callable[[ReportResult], None] | None = None,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.reports = reports
        self.outdir = Path(outdir)
        self.options = options
        self.cluster = cluster
        self.on_result = on_result or (lambda r: None)
        self.on_event = on_event or (lambda msg: None)
        self.results = [ReportResult(spec) for spec in reports]
        self.peak_rss_mb: dict[str, float] = {}

    def run(self) -> list[ReportResult]:
        """Run every report (blocking). Raises KeyboardInterrupt when interrupted."""
        parse_cluster(self.cluster)  # a usage error before anything starts
        previous = None
        if threading.current_thread() is threading.main_thread():

            def on_term(signum: int, frame: Any) -> None:
                raise KeyboardInterrupt

            previous = signal.signal(signal.SIGTERM, on_term)
        client, close = connect(self.cluster, KernelPlugin(self.options.warm_modules))
        futures: dict[Any, int] = {}
        try:
            self._submit_all(client, futures)
        except BaseException:
            for future in futures:
                with contextlib.suppress(Exception):
                    future.cancel()
            raise
        finally:
            with contextlib.suppress(Exception):
                close()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        return self.results

    def _submit_all(self, client: Any, futures: dict[Any, int]) -> None:
        """Keep as many reports in flight as the cluster has worker threads.

        Dask would otherwise hand every report to a worker at once; when a
        worker process dies, the scheduler counts every report assigned to it
        as a suspect (``allowed-failures``), not only the one that was
        running. With one report per thread in flight, a dead worker takes
        only its own report with it.
        """
        import uuid

        import nbformat
        from distributed import as_completed

        templates = Templates()
        token = uuid.uuid4().hex[:12]
        pending = list(range(len(self.results)))
        done = as_completed()

        def submit_next() -> bool:
            while pending:
                index = pending.pop(0)
                result = self.results[index]
                spec = result.spec
                result.started = now()
                try:
                    nb = prepare_notebook(templates, spec)
                except Exception as exc:  # a broken notebook file or parameters: this report only
                    result.fail("internal", f"{type(exc).__name__}: {exc}")
                    self.on_result(result)
                    continue
                future = client.submit(
                    run_report,
                    nbformat.writes(nb),
                    spec,
                    self.options.timeout,
                    self.options.stamp,
                    key=f"analysis-report-{token}-{index}",
                    pure=False,
                )
                result.t0 = time.perf_counter()  # type: ignore[attr-defined]
                futures[future] = index
                done.add(future)
                return True
            return False

        for _ in range(max(1, self._threads(client))):
            if not submit_next():
                break
        for future in done:
            self._collect(future, self.results[futures[future]])
            future.release()
            in_flight = done.count()
            for _ in range(max(1, self._threads(client)) - in_flight):
                if not submit_next():
                    break

    @staticmethod
    def _threads(client: Any) -> int:
        try:
            return int(sum(client.nthreads().values()))
        except Exception:
            return 1

    def _collect(self, future: Any, result: ReportResult) -> None:
        from distributed import KilledWorker

        try:
            out = future.result()
        except KilledWorker as exc:
            result.fail(
                "dead-worker", f"the Dask worker running this report died ({type(exc).__name__})"
            )
            out = None
        except Exception as exc:
            log.debug("report %s failed on the cluster", result.spec.slug, exc_info=True)
            result.fail("internal", f"{type(exc).__name__}: {exc}")
            out = None
        if out is not None:
            for name, data in out["files"].items():
                (self.outdir / name).write_bytes(data)
            result.error = out["error"]
            result.status = "failed" if out["error"] else "ok"
            result.execute_s, result.export_s = out["execute_s"], out["export_s"]
            result.sources, result.outputs = out["sources"], out["outputs"]
            result.title = out.get("title") or ""
            result.kernel = out["kernel"]
            if out.get("peak_rss_mb"):
                self.peak_rss_mb[out["kernel"]] = max(
                    self.peak_rss_mb.get(out["kernel"], 0.0), out["peak_rss_mb"]
                )
        result.duration_s = time.perf_counter() - getattr(result, "t0", time.perf_counter())
        if out is not None:
            result.duration_s = out["execute_s"] + out["export_s"]
        self.on_result(result)
