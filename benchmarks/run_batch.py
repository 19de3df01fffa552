"""Benchmark: ``python -m analysis run`` against a plain papermill + nbconvert loop.

Measures, in one invocation on the same machine, the wall time of

* the runner: one ``python -m analysis run`` for the whole batch (warm
  kernels, in-process HTML export, ``--jobs`` in parallel), and
* the plain loop: per report ``papermill NB OUT.ipynb -y PARAMS`` followed by
  ``jupyter nbconvert --to html OUT.ipynb``, one after the other,

for three cases:

(a) the default collection: ``runs/default.yml`` over the notebooks folder;
(b) ``04_jeugdzorg_cbs`` for every municipality in the CBS cache, after
    ``python -m analysis cbs import ../shared/realdata`` into a temporary
    cache (``ANALYSIS_CACHE_DIR``; the project's data/cache is not touched);
(c) ``runs/wijken.yml`` (the register notebooks per Utrecht wijk).

and, for one case (``--cluster-case``, default b), the same batch once more
with ``--cluster local:2`` (two Dask worker processes on loopback).

Per case it prints one line ending in ``ratio N.N x  s/report N.NN`` (the
plain loop's time over the runner's, and the runner's wall seconds per
report), with the peak resident memory of the largest process of the run (a
worker's kernel: the memory one worker needs). Targets on 2 cores: (a) and
(c) at least 4x faster; (b) at least 8x faster and under 0.5 s per report;
the cluster run within 15 % of the local runner's time.

The plain loop of (b) takes ~10 s per report (hundreds of reports: about an
hour), so by default it runs on an evenly spread sample of
``--baseline-sample`` reports and is extrapolated linearly (each iteration is
independent: a new kernel and two new processes); ``--baseline-sample 0``
runs it in full. (c) is sampled the same way (``--baseline-sample-c``,
default 8 of 40). The output says which.

Until the real notebooks exist, point it at stand-ins::

    .venv/bin/python benchmarks/run_batch.py --notebooks tests/runner_fixtures/collection

Options: ``--case a|b|c|all`` (or a comma list), ``--jobs N``,
``--municipalities N`` (cap the list of (b)), ``--cluster-case a|b|c|none``,
``--realdata DIR``, ``--keep`` (keep the output folders), ``--json FILE``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BIN = Path(PY).parent


def runner_command() -> list[str]:
    """``python -m analysis`` when the full CLI imports, else the runner's own entry point."""
    probe = subprocess.run(
        [PY, "-c", "import analysis.cli as c; c.build_parser()"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if probe.returncode == 0:
        return [PY, "-m", "analysis"]
    print(
        "note: python -m analysis does not import; using python -m analysis.runner", file=sys.stderr
    )
    return [PY, "-m", "analysis.runner"]


def plan(cmd: list[str], args: list[str], env: dict[str, str]) -> list[tuple[str, dict]]:
    """(notebook path, parameters) of every report, from the runner's --dry-run."""
    out = subprocess.run(
        cmd + ["run", "--dry-run", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if out.returncode != 0:
        raise SystemExit(f"planning failed: {out.stderr.strip()}")
    reports = []
    for line in out.stdout.splitlines():
        slug, notebook, params = line.split("\t")
        reports.append((notebook, json.loads(params)))
    return reports


def _child_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and its descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_runner(
    cmd: list[str],
    args: list[str],
    out: Path,
    jobs: int | None,
    env: dict[str, str],
    cluster: str | None = None,
) -> tuple[float, float, int, dict, float]:
    """(wall s, CPU s, exit code, run.json, peak RSS in MB of the largest process of the run)."""
    extra = ["--jobs", str(jobs)] if jobs else []
    if cluster:
        extra += ["--cluster", cluster]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd + ["run", *args, "--out", str(out), "--quiet", *extra],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            cwd=ROOT,
        )
        # wait4: the CPU time and peak RSS of the runner and every descendant it waited for
        # (kernels, Dask workers); ru_maxrss is that of the largest single process.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - t0
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    if proc.returncode not in (0, 1):
        raise SystemExit(f"runner failed ({proc.returncode}): {stderr.strip()[-2000:]}")
    record = json.loads((out / "last" / "run.json").read_text())
    return elapsed, cpu, proc.returncode, record, usage.ru_maxrss / 1024


def time_plain(
    reports: list[tuple[str, dict]], notebooks: Path, out: Path, env: dict[str, str]
) -> tuple[float, float]:
    out.mkdir(parents=True, exist_ok=True)
    cpu0, t0 = _child_cpu(), time.perf_counter()
    for n, (notebook, params) in enumerate(reports):
        src = notebooks / f"{notebook}.ipynb"
        dst = out / f"{n:04d}_{notebook}.ipynb"
        import yaml

        subprocess.run(
            [
                str(BIN / "papermill"),
                str(src),
                str(dst),
                "-y",
                yaml.safe_dump(params),
                "--cwd",
                str(notebooks),
                "--no-progress-bar",
                "--log-level",
                "ERROR",
            ],
            capture_output=True,
            env=env,
            check=False,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(dst), "--log-level", "ERROR"],
            capture_output=True,
            env=env,
            check=False,
        )
    return time.perf_counter() - t0, _child_cpu() - cpu0


def sample(reports: list, k: int) -> list:
    if k <= 0 or k >= len(reports):
        return reports
    step = len(reports) / k
    return [reports[int(i * step)] for i in range(k)]


def case(
    name: str,
    cmd: list[str],
    args: list[str],
    notebooks: Path,
    work: Path,
    jobs: int | None,
    env: dict[str, str],
    baseline_sample: int,
    cluster: str | None = None,
) -> dict:
    reports = plan(cmd, args, env)
    print(f"({name}) {len(reports)} reports", file=sys.stderr, flush=True)
    load = os.getloadavg()[0]
    runner_s, runner_cpu, rc, record, peak_mb = time_runner(
        cmd, args, work / f"{name}-runner", jobs, env
    )
    ok = record["summary"]["ok"]
    chosen = sample(reports, baseline_sample)
    plain_measured, plain_cpu = time_plain(chosen, notebooks, work / f"{name}-plain", env)
    plain_s = plain_measured * len(reports) / len(chosen)
    plain_cpu_all = plain_cpu * len(reports) / len(chosen)
    result = {
        "case": name,
        "reports": len(reports),
        "runner_ok": ok,
        "runner_s": round(runner_s, 2),
        "runner_s_per_report": round(runner_s / len(reports), 3),
        "plain_s": round(plain_s, 2),
        "plain_measured_reports": len(chosen),
        "plain_extrapolated": len(chosen) < len(reports),
        "plain_s_per_report": round(plain_measured / len(chosen), 2),
        "speedup": round(plain_s / runner_s, 1),
        "jobs": record["options"]["jobs"],
        "runner_cpu_s": round(runner_cpu, 1),
        "plain_cpu_s": round(plain_cpu_all, 1),
        "cpu_ratio": round(plain_cpu_all / runner_cpu, 1) if runner_cpu else None,
        "peak_rss_mb": round(peak_mb),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    how = (
        f"measured on {len(chosen)} of {len(reports)} and extrapolated"
        if result["plain_extrapolated"]
        else "measured in full"
    )
    print(
        f"({name}) {len(reports)} reports, {ok} ok, jobs={result['jobs']}:"
        f" runner {runner_s:.1f} s (CPU {runner_cpu:.1f} s),"
        f" plain loop {plain_s:.1f} s ({result['plain_s_per_report']:.2f} s/report, {how};"
        f" CPU {plain_cpu_all:.1f} s, {result['cpu_ratio']} x),"
        f" peak memory per worker {peak_mb:.0f} MB,"
        f" load {result['load_before']}->{result['load_after']};"
        f"  ratio {result['speedup']:.1f} x  s/report {runner_s / len(reports):.2f}",
        flush=True,
    )
    if cluster:
        c_s, c_cpu, _, c_record, c_peak = time_runner(
            cmd, args, work / f"{name}-cluster", jobs, env, cluster=cluster
        )
        result.update(
            {
                "cluster": cluster,
                "cluster_s": round(c_s, 2),
                "cluster_ok": c_record["summary"]["ok"],
                "cluster_vs_local": round(c_s / runner_s, 3),
                "cluster_peak_rss_mb": round(c_peak),
                "cluster_speedup": round(plain_s / c_s, 1),
            }
        )
        same = {r["name"]: r["status"] for r in record["reports"]} == {
            r["name"]: r["status"] for r in c_record["reports"]
        }
        print(
            f"({name}-cluster) --cluster {cluster}: {c_s:.1f} s, {result['cluster_ok']}"
            f"/{len(reports)} ok, same reports and statuses as local: {same},"
            f" {100 * (c_s / runner_s - 1):+.0f} % against the local runner,"
            f" peak memory per worker {c_peak:.0f} MB;"
            f"  ratio {result['cluster_speedup']:.1f} x  s/report {c_s / len(reports):.2f}",
            flush=True,
        )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=ROOT / "notebooks",
        help="notebook collection (default: notebooks/)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "runs" / "default.yml",
        help="batch of case (a) (default: runs/default.yml)",
    )
    parser.add_argument(
        "--case", default="all", help="cases to run: a, b, c, all, or a comma list such as a,c"
    )
    parser.add_argument(
        "--cluster-case",
        default="b",
        choices=["a", "b", "c", "none"],
        help="case also timed with --cluster local:2 (default b)",
    )
    parser.add_argument(
        "--wijken",
        type=Path,
        default=ROOT / "runs" / "wijken.yml",
        help="batch of case (c) (default: runs/wijken.yml)",
    )
    parser.add_argument(
        "--baseline-sample-c",
        type=int,
        default=8,
        help="plain-loop reports measured in case (c) (0: all)",
    )
    parser.add_argument("--jobs", type=int, help="runner --jobs (default: number of CPUs)")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=12,
        help="plain-loop reports measured in case (b) (0: all)",
    )
    parser.add_argument(
        "--municipalities",
        type=int,
        default=0,
        help="use only the first N municipalities in case (b) (0: all)",
    )
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--keep", action="store_true", help="keep the output folders")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    chosen_cases = {"a", "b", "c"} if args.case in ("all", "both") else set(args.case.split(","))
    if chosen_cases - {"a", "b", "c"}:
        parser.error(f"--case: unknown case(s) {', '.join(sorted(chosen_cases - {'a', 'b', 'c'}))}")

    notebooks = args.notebooks.resolve()
    if not any(notebooks.glob("[0-9][0-9]_*.ipynb")):
        raise SystemExit(
            f"no NN_name.ipynb notebooks in {notebooks} (try --notebooks "
            "tests/runner_fixtures/collection)"
        )
    cmd = runner_command()
    work = Path(tempfile.mkdtemp(prefix="analysis-bench-"))
    env = dict(os.environ)
    env["ANALYSIS_CACHE_DIR"] = str(work / "cache")
    print(
        f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; work dir {work}",
        file=sys.stderr,
    )
    results = []
    try:

        def on_cluster(name: str) -> str | None:
            return "local:2" if args.cluster_case == name else None

        if "a" in chosen_cases:
            results.append(
                case(
                    "a",
                    cmd,
                    ["--config", str(args.config.resolve()), "--notebooks", str(notebooks)],
                    notebooks,
                    work,
                    args.jobs,
                    env,
                    baseline_sample=0,
                    cluster=on_cluster("a"),
                )
            )
        if "c" in chosen_cases:
            results.append(
                case(
                    "c",
                    cmd,
                    ["--config", str(args.wijken.resolve()), "--notebooks", str(notebooks)],
                    notebooks,
                    work,
                    args.jobs,
                    env,
                    args.baseline_sample_c,
                    cluster=on_cluster("c"),
                )
            )
        if "b" in chosen_cases:
            if not args.realdata.is_dir():
                print(f"(b) skipped: {args.realdata} not found", file=sys.stderr)
            else:
                t0 = time.perf_counter()
                imp = subprocess.run(
                    cmd + ["cbs", "import", str(args.realdata)],
                    env=env,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                )
                if imp.returncode != 0:
                    raise SystemExit(f"cbs import failed: {imp.stderr.strip()[-1000:]}")
                print(
                    f"(b) CBS import: {time.perf_counter() - t0:.1f} s (not timed below)",
                    file=sys.stderr,
                )
                batch = work / "cbs.yml"
                if args.municipalities:
                    code = (
                        "from analysis.cbs import cached_municipalities as c;"
                        f"print('\\n'.join(c()[:{args.municipalities}]))"
                    )
                    codes = subprocess.run(
                        [PY, "-c", code], env=env, capture_output=True, text=True, check=True
                    ).stdout.split()
                    batch.write_text(
                        json.dumps(
                            {
                                "runs": [
                                    {"notebooks": ["04_jeugdzorg_cbs"], "grid": {"region": codes}}
                                ]
                            }
                        )
                    )
                else:
                    batch.write_text(
                        "runs:\n  - notebooks: [04_jeugdzorg_cbs]\n"
                        "    grid:\n      region: cbs-cache-municipalities\n"
                    )
                results.append(
                    case(
                        "b",
                        cmd,
                        ["--config", str(batch), "--notebooks", str(notebooks)],
                        notebooks,
                        work,
                        args.jobs,
                        env,
                        args.baseline_sample,
                        cluster=on_cluster("b"),
                    )
                )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    targets = {"a": (4.0, None), "b": (8.0, 0.5), "c": (4.0, None)}
    for r in results:
        ratio, per = targets[r["case"]]
        verdict = r["speedup"] >= ratio and (per is None or r["runner_s_per_report"] < per)
        print(
            f"({r['case']}) target {ratio:g}x"
            + (f" and < {per} s/report" if per else "")
            + f": {'met' if verdict else 'NOT met'}"
        )
        if "cluster_vs_local" in r:
            within = r["cluster_vs_local"] <= 1.15
            print(
                f"({r['case']}-cluster) target within 15 % of the local runner:"
                f" {'met' if within else 'NOT met'} ({100 * (r['cluster_vs_local'] - 1):+.0f} %)"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
