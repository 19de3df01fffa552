"""Executing a batch of reports on a pool of warm kernels.

Design
------
One asyncio event loop drives ``jobs`` workers. Each worker owns a
:class:`~analysis.runner.kernels.WarmKernel` (a separate process, so the
notebooks really run in parallel) and takes reports from a shared queue. Per
report it resets the kernel, parameterises a copy of the notebook with
papermill (:func:`papermill.parameterize.parameterize_notebook`; the injected
cell is re-parsed and checked to be literals only) and executes its cells
with nbclient's :class:`~nbclient.NotebookClient` on the worker's running
kernel. We drive the cells ourselves (as papermill's own engine does, with
its :class:`~papermill.engines.NotebookExecutionManager` for cell metadata
and its error markers) instead of calling ``execute()``: that keeps the
kernel alive between reports and avoids nbclient's per-execution signal
handlers, which would interfere with our Ctrl-C handling.

The executed notebook is handed to a small thread pool that writes the
``.ipynb`` and renders both HTML pages in-process, while the worker already
starts its next report.

Faults stay with their report: an exception in a cell, a cell past the
timeout or a dead kernel marks that report failed (its partial notebook and
pages are still written); after a timeout or a death the worker replaces its
kernel. Ctrl-C (or SIGTERM) cancels the workers, shuts every kernel down and
raises :class:`KeyboardInterrupt`; the caller discards the partial run.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dt
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import one_line
from ..provenance import collect_sources
from . import export
from .config import ReportSpec
from .kernels import KERNEL_NAME, KernelError, WarmKernel, new_run_workdir
from .params import check_injected_cell

log = logging.getLogger("analysis.runner")


@dataclass
class RunOptions:
    jobs: int = 1
    timeout: float | None = 600.0  # seconds per cell; None: no limit
    warm_modules: list[str] | None = None
    export_threads: int | None = None
    #: what every page says about the run that made it (:func:`analysis.runner.export.page_stamp`)
    stamp: dict[str, str] | None = None


@dataclass
class ReportResult:
    spec: ReportSpec
    status: str = "pending"  # ok | failed
    error: dict[str, Any] | None = None
    started: str = ""
    execute_s: float = 0.0
    export_s: float = 0.0
    duration_s: float = 0.0
    sources: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    kernel: str = ""
    #: the title in the report's language (:func:`page_title`), once its pages are written
    title: str = ""

    def fail(self, kind: str, message: str) -> None:
        """Mark the report failed with an :func:`error_record` of ``kind``."""
        self.status = "failed"
        self.error = error_record(kind, message)

    def as_record(self) -> dict[str, Any]:
        return {
            "notebook": self.spec.notebook.name,
            "title": self.title or self.spec.notebook.title,
            "notebook_sha256": self._nb_sha(),
            "parameters": self.spec.parameters,
            "language": report_language(self.spec),
            "name": self.spec.slug,
            "origin": self.spec.origin,
            "status": self.status,
            "error": self.error,
            "started": self.started,
            "duration_s": round(self.duration_s, 3),
            "execute_s": round(self.execute_s, 3),
            "export_s": round(self.export_s, 3),
            "sources": self.sources,
            "outputs": self.outputs,
        }

    def _nb_sha(self) -> str | None:
        try:
            return self.spec.notebook.sha256()
        except OSError:
            return None


def now() -> str:
    """The current local time, ISO 8601 to the second (the ``started`` of a report or run)."""
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def _short(text: str, limit: int = 500) -> str:
    """:func:`analysis.errors.one_line`, cut to ``limit`` characters."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_record(
    kind: str,
    message: str,
    *,
    ename: str | None = None,
    evalue: str | None = None,
    cell: int | None = None,
) -> dict[str, Any]:
    """The ``error`` of a failed report in ``run.json``.

    Parameters
    ----------
    kind : str
        ``error`` (a cell raised), ``timeout``, ``dead-kernel``, ``kernel``,
        ``internal``, ``export`` or ``dead-worker``.
    message : str
        What went wrong; stored as one line (:func:`analysis.errors.one_line`).
    ename, evalue, cell : optional
        The exception's name and value and the failing cell's number, where known;
        ``evalue`` defaults to the message.
    """
    return {
        "kind": kind,
        "ename": ename,
        "evalue": _short(message if evalue is None else evalue),
        "cell": cell,
        "message": _short(message),
    }


def report_language(spec: ReportSpec) -> str:
    """The language of a report: its ``language`` parameter, else the notebook's default, else Dutch."""
    from ..labels import DEFAULT_LANGUAGE, LANGUAGES

    value = spec.parameters.get("language")
    if value is None and "language" in spec.notebook.parameters:
        value = spec.notebook.parameters["language"].default_value
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def page_title(nb: Any, language: str) -> str:
    """The first heading of a notebook's first markdown cell in ``language``.

    Markdown cells tagged with another language (:data:`analysis.runner.export.LANGUAGE_TAGS`)
    are passed over, so an English report is titled by its English heading.
    """
    others = {tag for tag in export.LANGUAGE_TAGS if tag != language}
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type != "markdown" or others & tags or "analysis-parameters" in tags:
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
        return ""
    return ""


# --------------------------------------------------------------------------- one report
class Templates:
    """Each notebook read once; every report works on a deep copy."""

    def __init__(self) -> None:
        self._cache: dict[Path, Any] = {}

    def get(self, path: Path) -> Any:
        if path not in self._cache:
            from papermill.iorw import load_notebook_node

            self._cache[path] = load_notebook_node(str(path))
        return copy.deepcopy(self._cache[path])


def prepare_notebook(templates: Templates, spec: ReportSpec) -> Any:
    """The notebook of ``spec`` with its parameters injected (checked to be literals)."""
    from papermill.parameterize import parameterize_notebook

    nb = templates.get(spec.notebook.path)
    if spec.parameters:
        nb = parameterize_notebook(
            nb, dict(spec.parameters), kernel_name=KERNEL_NAME, language="python"
        )
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        check_injected_cell(injected[0].source, spec.parameters)
    nb.metadata.papermill["input_path"] = str(spec.notebook.path)
    nb.metadata.papermill["parameters"] = dict(spec.parameters)
    return nb


def _error_output(ename: str, evalue: str) -> Any:
    import nbformat

    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


def _add_error_markers(nb: Any, cell_index: int, exec_count: Any) -> None:
    """Papermill's markers: a note at the top and an anchor before the failed cell."""
    import nbformat
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

    top = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(exec_count))
    top.metadata["tags"] = [ERROR_MARKER_TAG]
    anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
    anchor.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells.insert(cell_index, anchor)
    nb.cells.insert(0, top)


async def execute_on(
    kernel: WarmKernel, nb: Any, spec: ReportSpec, timeout: float | None, cwd: Path | None = None
) -> tuple[dict[str, Any] | None, bool]:
    """Run ``nb`` on ``kernel`` in ``cwd`` (default: the notebook's folder).

    Returns (error or None, whether the kernel must be replaced)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from papermill.engines import NotebookExecutionManager

    cwd = Path(cwd) if cwd is not None else spec.notebook.path.parent
    await kernel.reset(cwd)
    nb.metadata["language_info"] = kernel.language_info
    manager = NotebookExecutionManager(
        nb, output_path=None, progress_bar=False, autosave_cell_every=0
    )
    client = NotebookClient(
        nb,
        km=kernel.km,
        kernel_name=KERNEL_NAME,
        timeout_func=(lambda cell: timeout) if timeout else None,
        timeout=None,
        interrupt_on_timeout=False,
        allow_errors=False,
        raise_on_iopub_timeout=False,
        iopub_timeout=10,
        record_timing=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.kc = kernel.kc
    client.reset_execution_trackers()
    manager.notebook_start()
    error: dict[str, Any] | None = None
    broken = False
    for index, cell in enumerate(nb.cells):
        number = client.code_cells_executed + 1
        try:
            manager.cell_start(cell, index)
            await client.async_execute_cell(cell, index, execution_count=number)
        except CellExecutionError as exc:
            manager.cell_exception(nb.cells[index], cell_index=index, exception=exc)
            error = error_record(
                "error",
                f"{exc.ename}: {exc.evalue} (cell {number})",
                ename=exc.ename,
                evalue=exc.evalue,
                cell=number,
            )
        except CellTimeoutError:
            manager.cell_exception(nb.cells[index], cell_index=index)
            message = f"cell {number} ran longer than the timeout of {timeout:g} s"
            cell.outputs.append(_error_output("CellTimeoutError", message))
            error = error_record("timeout", message, ename="CellTimeoutError", cell=number)
            broken = True
        except DeadKernelError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # our own shutdown, not the notebook
                raise asyncio.CancelledError from None
            manager.cell_exception(nb.cells[index], cell_index=index)
            message = _short(f"the kernel died while running cell {number}{kernel.log_tail()}")
            cell.outputs.append(_error_output("DeadKernelError", message))
            error = error_record("dead-kernel", message, ename="DeadKernelError", cell=number)
            broken = True
        finally:
            manager.cell_complete(nb.cells[index], cell_index=index)
        if error:
            break
    manager.notebook_complete()
    if error:
        _add_error_markers(nb, index, error["cell"])
    if error is None and not await kernel.is_alive():
        broken = True
    return error, broken


def write_outputs(
    nb: Any,
    spec: ReportSpec,
    outdir: Path,
    error: dict[str, Any] | None = None,
    stamp: dict[str, str] | None = None,
) -> tuple[dict[str, str], float, str]:
    """Write ``<name>.ipynb``, ``<name>.html`` and ``<name>.review.html``.

    Returns (names, seconds, the report's title in its language: :func:`page_title`).

    Both pages are in the report's language (:func:`report_language`); for a failed
    report (``error``) the reviewer page says so in one line instead of showing the
    traceback (:func:`analysis.runner.export.render_pages`). ``stamp`` (run id, commit,
    version: :func:`analysis.runner.export.page_stamp`) is said at the foot of both pages,
    with the time the pages were written.
    """
    import nbformat

    t0 = time.perf_counter()
    names = {
        "ipynb": f"{spec.slug}.ipynb",
        "html": f"{spec.slug}.html",
        "review": f"{spec.slug}.review.html",
    }
    nbformat.write(nb, outdir / names["ipynb"])
    language = report_language(spec)
    if spec.parameters:  # the pages (not the notebook) say which parameters made them
        # after the title cells (one per language: the Dutch heading and its English twin)
        at = 0
        while (
            at < len(nb.cells)
            and nb.cells[at].cell_type == "markdown"
            and nb.cells[at].source.lstrip().startswith("#")
            and (at == 0 or set(nb.cells[at].metadata.get("tags", [])) & set(export.LANGUAGE_TAGS))
        ):
            at += 1
        note = nbformat.v4.new_markdown_cell(export.parameters_note(spec.parameters))
        note.metadata["tags"] = ["analysis-parameters"]
        nb.cells.insert(at, note)
    params = ", ".join(f"{k}={v}" for k, v in spec.parameters.items())
    heading = page_title(nb, language) or spec.notebook.title
    title = f"{heading or spec.notebook.name}" + (f" ({params})" if params else "")
    full, review = export.render_pages(
        nb,
        title,
        language=language,
        failure=error["message"] if error else None,
        stamp=export.stamp_text(stamp, language) if stamp else None,
    )
    (outdir / names["html"]).write_text(full, encoding="utf-8")
    (outdir / names["review"]).write_text(review, encoding="utf-8")
    return names, time.perf_counter() - t0, heading


# --------------------------------------------------------------------------- the batch
class Batch:
    """Runs reports on warm kernels; see the module docstring."""

    def __init__(
        self,
        reports: list[ReportSpec],
        outdir: Path,
        options: RunOptions,
        on_result: Callable[[ReportResult], None] | None = None,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.reports = reports
        self.outdir = Path(outdir)
        self.options = options
        self.on_result = on_result or (lambda r: None)
        self.on_event = on_event or (lambda msg: None)
        self.results = [ReportResult(spec) for spec in reports]
        self.templates = Templates()
        self.kernels: list[WarmKernel] = []

    def run(self) -> list[ReportResult]:
        """Run every report (blocking). Raises KeyboardInterrupt when interrupted."""
        try:
            return asyncio.run(self._main())
        except asyncio.CancelledError:  # SIGTERM
            raise KeyboardInterrupt from None

    async def _main(self) -> list[ReportResult]:
        loop = asyncio.get_running_loop()
        main = asyncio.current_task()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGTERM, main.cancel)
        jobs = max(1, min(self.options.jobs, len(self.reports)))
        threads = self.options.export_threads or max(1, min(jobs, 2))
        pool = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="export", initializer=_warm_exporters
        )
        # create the export threads now: they warm up while the kernels start
        for _ in range(threads):
            pool.submit(time.sleep, 0.05)
        workdir = new_run_workdir()  # private (0700); orphans of killed runs are swept first
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(len(self.reports)):
            queue.put_nowait(i)
        exports: set[asyncio.Future[Any]] = set()
        start_errors: list[str] = []
        cwd = self.reports[0].notebook.path.parent if self.reports else Path.cwd()
        self.kernels = [
            WarmKernel(workdir, f"k{n}", self.options.warm_modules, cwd=cwd) for n in range(jobs)
        ]
        workers = [
            asyncio.ensure_future(self._worker(k, queue, pool, exports, start_errors))
            for k in self.kernels
        ]
        try:
            await asyncio.gather(*workers)
            while exports:
                await asyncio.gather(*list(exports))
            # reports no worker could take (every kernel failed to start)
            reason = start_errors[-1] if start_errors else "no kernel available"
            while not queue.empty():
                result = self.results[queue.get_nowait()]
                result.fail("kernel", f"not run: {reason}")
                self.on_result(result)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await asyncio.gather(*(k.shutdown() for k in self.kernels), return_exceptions=True)
            pool.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(workdir, ignore_errors=True)
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGTERM)
        return self.results

    async def _worker(
        self,
        kernel: WarmKernel,
        queue: asyncio.Queue[int],
        pool: ThreadPoolExecutor,
        exports: set[asyncio.Future[Any]],
        start_errors: list[str],
    ) -> None:
        loop = asyncio.get_running_loop()
        try:
            await kernel.start()
        except (KernelError, OSError, RuntimeError, TimeoutError) as exc:
            start_errors.append(_short(f"kernel could not start: {exc}"))
            self.on_event(f"kernel {kernel.name} could not start: {_short(str(exc), 200)}")
            return
        if kernel.warm_failures:
            self.on_event(f"kernel {kernel.name}: not preloaded: {'; '.join(kernel.warm_failures)}")
        while True:
            try:
                index = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            result = self.results[index]
            spec = result.spec
            result.started = now()
            result.kernel = f"{kernel.name}-{kernel.generation}"
            t0 = time.perf_counter()
            nb = None
            broken = False
            try:
                nb = prepare_notebook(self.templates, spec)
                error, broken = await execute_on(kernel, nb, spec, self.options.timeout)
            except KernelError as exc:  # reset failed: the kernel is unusable
                error, broken = error_record("kernel", str(exc), ename="KernelError"), True
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:  # a bug or a broken notebook file: this report only
                log.debug("report %s failed in the runner", spec.slug, exc_info=True)
                error = error_record(
                    "internal",
                    f"{type(exc).__name__}: {exc}",
                    ename=type(exc).__name__,
                    evalue=str(exc),
                )
                broken = broken or not await kernel.is_alive()
            result.execute_s = time.perf_counter() - t0
            result.status = "failed" if error else "ok"
            result.error = error
            if nb is not None:
                result.sources = collect_sources(nb)
                future = loop.run_in_executor(
                    pool, write_outputs, nb, spec, self.outdir, error, self.options.stamp
                )
                task = asyncio.ensure_future(self._finish(result, future, t0))
                exports.add(task)
                task.add_done_callback(exports.discard)
            else:
                result.duration_s = result.execute_s
                self.on_result(result)
            if broken:
                try:
                    await kernel.replace()
                except (KernelError, OSError, RuntimeError, TimeoutError) as exc:
                    start_errors.append(_short(f"kernel could not be replaced: {exc}"))
                    self.on_event(
                        f"kernel {kernel.name} could not be replaced: {_short(str(exc), 200)}"
                    )
                    return

    async def _finish(self, result: ReportResult, future: asyncio.Future[Any], t0: float) -> None:
        try:
            result.outputs, result.export_s, result.title = await future
        except Exception as exc:
            first_error = result.error
            result.fail("export", f"HTML export failed: {type(exc).__name__}: {exc}")
            if first_error:
                result.error["message"] = _short(
                    f"{first_error['message']}; {result.error['message']}"
                )
        result.duration_s = time.perf_counter() - t0
        self.on_result(result)


def _warm_exporters() -> None:
    try:
        export.warm_up()
    except Exception:  # only an optimisation
        log.debug("exporter warm-up failed", exc_info=True)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a report depends on."""
    from importlib import metadata

    from .. import __version__

    versions = {"python": sys.version.split()[0], "analysis": __version__}
    for dist in (
        "sociaal-domein-monitor",
        "pandas",
        "numpy",
        "scipy",
        "matplotlib",
        "seaborn",
        "statsmodels",
        "pyarrow",
        "pandera",
        "cbsodata",
        "papermill",
        "nbclient",
        "nbconvert",
        "nbformat",
        "ipykernel",
        "jupyter_client",
        "pydantic",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return versions


def git_commit(path: Path) -> str | None:
    """The project's commit, read from ``.git`` without running git."""
    git = path / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = head[5:]
            ref_file = git / ref
            if ref_file.is_file():
                return ref_file.read_text().strip()
            packed = (git / "packed-refs").read_text() if (git / "packed-refs").is_file() else ""
            for line in packed.splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0]
            return None
        return head
    except OSError:
        return None


def default_jobs() -> int:
    return os.cpu_count() or 1
