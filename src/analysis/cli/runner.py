"""Commands ``run`` and ``list`` (registered in :mod:`analysis.cli`; alone: ``python -m analysis.runner``).

``python -m analysis run [NOTEBOOK...] [-p NAME VALUE]... [--config runs.yml]
[--out DIR] [--jobs N] [--timeout S] [--run-id ID] [--notebooks DIR] [--quiet] [--dry-run]``

``python -m analysis list [NOTEBOOK...] [--notebooks DIR]``

``run`` prints the path of the run's ``index.html`` on stdout (and nothing
else), its progress and one line per finished report on stderr. Exit status:
0 all reports ok, 1 some report failed, 2 a usage or input error (nothing
ran), 130 interrupted (nothing published).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..runner import lighter_imports
from . import dispatch


def register(subparsers: Any) -> None:
    run = subparsers.add_parser(
        "run",
        help="execute notebooks as reports (HTML, notebook, index, run.json)",
        description="Execute report notebooks with their parameters and publish them under "
        "reports/<run-id>/ (index.html, one page with and one without code per report, "
        "the executed notebooks and run.json); reports/latest points to the last "
        "run in which every report succeeded, reports/last to the most recent run. "
        "Parameter values are checked before any kernel starts. "
        "Prints the path of index.html.",
    )
    run.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebooks to run: name (04_jeugdzorg_cbs), number (04) or path; "
        "default: all (or those of --config)",
    )
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter where a notebook declares it; repeat a NAME to run "
        "once per value; lists as JSON, e.g. '[2022, 2023]'",
    )
    run.add_argument(
        "--config",
        type=Path,
        metavar="RUNS_YML",
        help="batch file listing notebooks and parameter sets (see docs/runner.md)",
    )
    run.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="reports folder (default: ANALYSIS_REPORTS_DIR or <project>/reports)",
    )
    run.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="reports run in parallel, one kernel each (default: number of CPUs)",
    )
    run.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds a cell may run before its report fails (default 600; 0: none)",
    )
    run.add_argument("--run-id", metavar="ID", help="name of the run folder (default: a timestamp)")
    run.add_argument(
        "--notebooks",
        dest="notebooks_dir",
        type=Path,
        metavar="DIR",
        help="folder of the notebook collection (default: <project>/notebooks)",
    )
    run.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar and no per-report lines"
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="validate and list the reports that would run, run nothing",
    )
    run.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the reports on Dask workers: a scheduler address "
        "(tcp://HOST:8786) or local:N for N local worker processes",
    )
    run.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="after publishing, delete all but the N newest runs in the reports "
        "folder (never the one 'latest' points to, nor a run in progress)",
    )
    run.set_defaults(func=cmd_run)

    lst = subparsers.add_parser(
        "list",
        help="list the report notebooks and their parameters",
        description="List every notebooks/NN_name.ipynb with its parameters "
        "(name, type, default, help) as declared in its 'parameters' cell.",
    )
    lst.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="only these notebooks")
    lst.add_argument(
        "--notebooks",
        dest="notebooks_dir",
        type=Path,
        metavar="DIR",
        help="folder of the notebook collection (default: <project>/notebooks)",
    )
    lst.set_defaults(func=cmd_list)


def _collection(args: argparse.Namespace) -> list[Any]:
    from .. import config as paths

    lighter_imports()
    from ..runner.notebooks import discover

    directory = args.notebooks_dir or paths.notebooks_dir()
    return discover(directory)


# --------------------------------------------------------------------------- list
def cmd_list(args: argparse.Namespace) -> int:
    from ..runner.notebooks import select

    collection = _collection(args)
    chosen = select(collection, args.notebooks) if args.notebooks else collection
    if not chosen:
        print("no notebooks found", file=sys.stderr)
        return 0
    out = []
    for nb in chosen:
        out.append(f"{nb.name}" + (f"  {nb.title}" if nb.title else ""))
        if not nb.parameters:
            out.append(
                "    (no parameters)"
                if nb.has_parameters_cell
                else "    (no cell tagged 'parameters')"
            )
            continue
        rows = [
            (
                p.name,
                p.type + ("|None" if p.nullable and p.type != "any" else ""),
                p.default,
                p.help,
            )
            for p in nb.parameters.values()
        ]
        widths = [
            max(len(r[i]) for r in rows + [("NAME", "TYPE", "DEFAULT", "")]) for i in range(3)
        ]
        out.append(
            "    "
            + "  ".join(
                h.ljust(w) for h, w in zip(("NAME", "TYPE", "DEFAULT"), widths, strict=True)
            )
            + "  HELP"
        )
        for row in rows:
            out.append(
                "    "
                + "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True))
                + ("  " + row[3] if row[3] else "")
            )
    print("\n".join(line.rstrip() for line in out))
    return 0


# --------------------------------------------------------------------------- run
class _Progress:
    """tqdm bar on stderr (only on a terminal) and one log line per finished report."""

    def __init__(self, total: int, quiet: bool, display_dir: Path) -> None:
        from tqdm import tqdm

        self.quiet = quiet
        self.display_dir = display_dir
        enabled = not quiet and sys.stderr.isatty()
        self.bar = tqdm(
            total=total,
            unit="report",
            file=sys.stderr,
            disable=not enabled,
            dynamic_ncols=True,
            leave=False,
        )

    def write(self, line: str) -> None:
        if self.quiet:
            return
        if not self.bar.disable:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    def result(self, result: Any) -> None:
        self.bar.update(1)
        target = _show(
            self.display_dir / result.outputs.get("review", f"{result.spec.slug}.review.html")
        )
        extra = ""
        if result.error:
            extra = f"  ({result.error.get('kind')}{': ' + result.error['ename'] if result.error.get('ename') else ''})"
        self.write(f"{result.status:<6} {result.duration_s:6.1f}s  {target}{extra}")

    def event(self, message: str) -> None:
        self.write(f"note: {message}")

    def close(self) -> None:
        self.bar.close()


def _show(path: Path) -> str:
    """A path relative to the working directory where that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def cmd_run(args: argparse.Namespace) -> int:
    from .. import config as paths
    from ..runner.config import build_plan, load_batch

    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    if args.timeout is not None and args.timeout < 0:
        raise InputError("--timeout must be 0 (no limit) or more seconds")
    if args.keep is not None and args.keep < 1:
        raise InputError("--keep must be at least 1")
    if args.cluster:
        from ..runner.cluster import parse_cluster

        parse_cluster(args.cluster)
    collection = _collection(args)
    batch = load_batch(args.config) if args.config else None
    plan = build_plan(
        collection, batch=batch, names=args.notebooks, cli_params=[tuple(p) for p in args.parameter]
    )
    spec = batch.spec if batch else None
    jobs = args.jobs or (spec.jobs if spec and spec.jobs else None)
    timeout = (
        args.timeout
        if args.timeout is not None
        else (spec.timeout if spec and spec.timeout else 600.0)
    )

    if args.dry_run:
        import json

        for report in plan.reports:  # tab-separated: name, notebook, parameters as JSON
            params = json.dumps(report.parameters, ensure_ascii=False)
            print(f"{report.slug}\t{report.notebook.name}\t{params}")
        print(f"{len(plan.reports)} report(s)", file=sys.stderr)
        return 0
    status = run_plan(
        plan,
        out=args.out or paths.reports_dir(),
        run_id=args.run_id,
        jobs=jobs,
        timeout=timeout or None,
        quiet=args.quiet,
        batch_path=args.config,
        argv_parameters=args.parameter,
        cluster=args.cluster,
    )
    if args.keep:
        from ..runner.publish import prune_runs

        for removed in prune_runs(args.out or paths.reports_dir(), keep=args.keep):
            if not args.quiet:
                print(f"removed old run {removed.name}", file=sys.stderr)
    return status


def run_plan(
    plan: Any,
    *,
    out: Path,
    run_id: str | None = None,
    jobs: int | None = None,
    timeout: float | None = 600.0,
    quiet: bool = False,
    batch_path: Path | None = None,
    argv_parameters: list[Any] | None = None,
    warm_modules: list[str] | None = None,
    cluster: str | None = None,
) -> int:
    """Execute a plan and publish it; returns the exit status (0 ok, 1 some report failed)."""
    from .. import config as paths
    from ..runner.execute import Batch, RunOptions, default_jobs, git_commit, package_versions
    from ..runner.publish import Publisher

    publisher = Publisher(Path(out), run_id)
    partial = publisher.open()
    from ..runner.export import page_stamp

    commit = git_commit(paths.PROJECT_ROOT)  # read once: the pages and run.json name the same
    options = RunOptions(
        jobs=jobs or default_jobs(),
        timeout=timeout,
        warm_modules=warm_modules,
        stamp=page_stamp(publisher.run_id, commit),
    )
    progress = _Progress(len(plan.reports), quiet, publisher.final)
    started = time.time()
    started_iso = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started))
    try:
        if cluster:
            from ..runner.cluster import ClusterBatch

            batch = ClusterBatch(
                plan.reports,
                partial,
                options,
                cluster,
                on_result=progress.result,
                on_event=progress.event,
            )
        else:
            batch = Batch(
                plan.reports, partial, options, on_result=progress.result, on_event=progress.event
            )
        try:
            results = batch.run()
        finally:
            progress.close()
        failed = [r for r in results if r.status != "ok"]
        record = {
            "run_id": publisher.run_id,
            "started": started_iso,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "duration_s": round(time.time() - started, 3),
            "status": "failed" if failed else "ok",
            "summary": {
                "total": len(results),
                "ok": len(results) - len(failed),
                "failed": len(failed),
            },
            "batch": _batch_record(plan, batch_path),
            "command_line_parameters": [list(p) for p in (argv_parameters or [])],
            "options": {"jobs": options.jobs, "timeout_s": options.timeout, "cluster": cluster},
            "git_commit": commit,
            "packages": package_versions(),
            "reports": [r.as_record() for r in results],
        }
        final = publisher.publish(record)
    except BaseException:
        publisher.discard()
        raise
    index = final / "index.html"
    if not quiet:
        print(
            f"{len(results)} report(s): {len(results) - len(failed)} ok, {len(failed)} failed"
            f" in {record['duration_s']:.1f}s",
            file=sys.stderr,
        )
    print(_show(index))
    return 1 if failed else 0


def _batch_record(plan: Any, batch_path: Path | None) -> dict[str, Any] | None:
    if plan.batch is None or batch_path is None:
        return None
    import hashlib

    try:
        digest = "sha256:" + hashlib.sha256(Path(batch_path).read_bytes()).hexdigest()
    except OSError:
        digest = None
    return {"file": str(batch_path), "sha256": digest, "description": plan.batch.spec.description}


# --------------------------------------------------------------------------- standalone
def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.runner``: the runner's commands alone (same conventions as
    ``python -m analysis``: one-line errors with exit 2, 130 when interrupted)."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.runner", description="Run the report notebooks."
    )
    register(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return dispatch(parser, argv)
