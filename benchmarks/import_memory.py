"""Benchmark: memory and time of ``python -m analysis cbs import`` on large CBS files.

Generates CBS-shaped CSV files in a temporary folder and imports each one in a
fresh ``python -m analysis cbs import`` process (into a temporary cache:
``ANALYSIS_CACHE_DIR``; the project's data/cache is not touched). For each it
prints the file size, the rows kept, the peak resident memory of the import
process (``ru_maxrss`` from ``os.wait4``), that peak minus the memory of a bare
``python -m analysis cbs list`` start-up (pandas and pyarrow loaded), the wall
time and the seconds per MB.

Two shapes, both in the OData/cbsodata layout of ``../shared/realdata``:

* ``85098NED``: ``ID;RegioS;Perioden`` and five percentage measures; every
  row is kept (five observations per row);
* ``83262NED``: three extra dimensions (Geslacht, KenmerkenVanPersonen,
  TypeMaatwerkarrangement) of which the catalogue keeps one slice, so one
  row in eight is kept.

Region labels are made-up municipality names with a number (``Elzenburg
00017``), so no two rows describe the same region and period; periods run
over the years and half-years 2015-2024; values vary with the row.

Usage::

    .venv/bin/python benchmarks/import_memory.py              # 40 and 200 MB, both shapes
    .venv/bin/python benchmarks/import_memory.py --sizes 40 --shapes 85098NED
    .venv/bin/python benchmarks/import_memory.py --timeout 600

A run that exceeds ``--timeout`` seconds is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAMES = (
    "Elzenburg",
    "Hoogveld",
    "Oud-Elzenburg",
    "Bergen aan Zee",
    "Westerdijk",
    "Nieuw-Vliet",
    "Zandhoven",
    "Lindendal",
    "Ter Aar-Noord",
    "Sint Olof",
)
PERIODS = [str(y) for y in range(2015, 2025)] + [
    f"{n}e halfjaar {y}" for y in range(2015, 2025) for n in (1, 2)
]
SLICES = [
    ("Totaal mannen en vrouwen", "Totaal personen", "Totaal"),  # the slice the catalogue keeps
    ("Mannen", "Totaal personen", "Totaal"),
    ("Vrouwen", "Totaal personen", "Totaal"),
    ("Totaal mannen en vrouwen", "Jonger dan 65 jaar", "Totaal"),
    ("Totaal mannen en vrouwen", "65 jaar of ouder", "Totaal"),
    ("Totaal mannen en vrouwen", "Totaal personen", "Hulp bij het huishouden"),
    ("Totaal mannen en vrouwen", "Totaal personen", "Hulpmiddelen en diensten"),
    ("Totaal mannen en vrouwen", "Totaal personen", "Ondersteuning thuis"),
]


def generate(path: Path, shape: str, megabytes: float) -> int:
    """Write a CBS-shaped CSV of about ``megabytes`` MB; returns the number of data rows."""
    target = int(megabytes * 1_000_000)
    written = 0
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        if shape == "85098NED":
            header = (
                "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1;JongerenMetJeugdhMetVerblInNat_2;"
                "JongerenMetJeugdbescherming_3;JeugdbeschEnJeugdhMetVerblInNat_4;"
                "JongerenMetJeugdreclassering_5\n"
            )
        else:
            header = (
                "ID;Geslacht;KenmerkenVanPersonen;TypeMaatwerkarrangement;RegioS;Perioden;"
                "WmoClienten_1;WmoClientenPer1000Inwoners_2\n"
            )
        fh.write(header)
        written += len(header)
        region = 0
        buf: list[str] = []
        while written < target:
            label = f"{NAMES[region % len(NAMES)]} {region:05d}"
            for p, period in enumerate(PERIODS):
                if shape == "85098NED":
                    base = (region * 7 + p * 3) % 900 / 10
                    line = (
                        f"{rows};{label};{period};{base:.1f};{base / 9:.1f};{base / 30:.1f};"
                        f"{(base * 3) % 100:.1f};{base / 90:.1f}\n"
                    )
                    buf.append(line)
                    rows += 1
                    written += len(line)
                else:
                    for s, (sex, kind, arr) in enumerate(SLICES):
                        count = float((region * 31 + p * 17 + s * 5) % 20000)
                        line = f"{rows};{sex};{kind};{arr};{label};{period};{count};{count / 400:.1f}\n"
                        buf.append(line)
                        rows += 1
                        written += len(line)
            if len(buf) > 10_000:
                fh.write("".join(buf))
                buf.clear()
            region += 1
        fh.write("".join(buf))
    return rows


def run_import(path: Path, cache: Path, timeout: float, args: list[str] | None = None) -> dict:
    """Run one ``python -m analysis cbs ...`` and measure its peak RSS and time."""
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache)}
    cmd = [
        sys.executable,
        "-m",
        "analysis",
        "cbs",
        *(args or ["import", str(path), "--vintage", "benchmark"]),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = start + timeout
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode(errors="replace")
    err = proc.stderr.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "returncode": proc.returncode,
        "timed_out": timed_out,
        "stdout": out,
        "stderr": err,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="40,200", help="file sizes in MB, comma-separated (default 40,200)"
    )
    parser.add_argument("--shapes", default="85098NED,83262NED", help="table shapes (default both)")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before a run is stopped"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files and caches")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="import-memory-"))
    try:
        base = run_import(tmp, tmp / "cache-base", 120, ["list"])
        print(f"start-up: python -m analysis cbs list peaks at {base['peak_mb']:.0f} MB RSS")
        print(
            f"{'shape':<9} {'file MB':>8} {'rows':>9} {'kept obs':>9} {'peak MB':>8} {'above start':>11} "
            f"{'seconds':>8} {'s/MB':>6}  result"
        )
        for shape in args.shapes.split(","):
            for size in (float(s) for s in args.sizes.split(",")):
                path = tmp / f"{shape}_{size:g}MB" / f"{shape}.csv"
                path.parent.mkdir()
                rows = generate(path, shape, size)
                mb = path.stat().st_size / 1_000_000
                cache = tmp / f"cache-{shape}-{size:g}"
                r = run_import(path, cache, args.timeout)
                kept = "-"
                if r["returncode"] == 0:
                    first = r["stdout"].splitlines()[0] if r["stdout"] else ""
                    kept = first.split(": ", 1)[1].split(" rows", 1)[0] if ": " in first else "?"
                    result = "ok"
                elif r["timed_out"]:
                    result = f"stopped after {args.timeout:g} s"
                else:
                    result = f"exit {r['returncode']}: {r['stderr'].strip().splitlines()[-1:]}"
                print(
                    f"{shape:<9} {mb:>8.1f} {rows:>9} {kept:>9} {r['peak_mb']:>8.0f} "
                    f"{r['peak_mb'] - base['peak_mb']:>11.0f} {r['seconds']:>8.1f} {r['seconds'] / mb:>6.2f}  "
                    f"{result}",
                    flush=True,
                )
                if not args.keep:
                    path.unlink()
                    shutil.rmtree(cache, ignore_errors=True)
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
