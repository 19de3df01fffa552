"""Forecast accuracy on real CBS municipal panels: the project's default against baselines.

Imports the CBS files in ``../shared/realdata`` (see :func:`analysis.config.realdata_dir`;
override with ``ANALYSIS_REALDATA_DIR``) into a temporary CBS cache with the package's
own importer, loads the series as the notebooks do (:func:`analysis.cbs.load_indicator`:
GM codes, tables stitched, ``source`` per value) and, for three indicators, backtests
with rolling origins over the last 4 half-years, horizons 1 and 2:

* the project's default (:func:`analysis.forecast.forecast_panel`, method ``pooled``;
  for the two youth-care indicators with the running trajectories on the last day
  of each half-year as leading indicator, :data:`analysis.forecast.LEADING`),
  also without rounding to the published precision and without the leading indicator;
* the baselines naive and drift;
* statsforecast's AutoETS, AutoARIMA and AutoTheta (a benchmark-only extra:
  ``pip install -e ".[bench]"``; skipped with a note when absent);
* two reference rows that are not forecasts: naive and the default moved onto the
  *realised* median change of the panel (:func:`oracle_common_change`), the best
  any model of the national movement could do with what each method knows of the
  municipalities;
* the default's 80 % interval coverage per origin over the last 10 origins
  (:func:`coverage_by_origin`), to show how much the 4-origin figure depends on
  the half-years it happens to cover.

Panels: every municipality (GM code) with a value in each half-year from 2016H1 to 2024H1.
The catalogue of :mod:`analysis.cbs` takes them from:

* ``jeugdhulp_pct``: JongerenMetJeugdhulpInNatura_* of 82972NED (2015-2020)
  + 85098NED (2021-2024H1);
* ``jeugdbescherming_pct``: JongerenMetJeugdbescherming_* of the same tables;
* ``wmo_clienten_per_1000``: WmoClientenPer1000Inwoners_* of 83262NED
  (slice Totaal mannen en vrouwen / Totaal personen / Totaal, 2015-2020)
  + 86050NED (TypeMaatwerkvoorziening Totaal, 2017-2024H1). The tables overlap
  2017-2020; the later table 86050NED wins there (it is the series CBS
  continues), so 83262NED supplies only 2016; the seam at 2017H1 is a level break.

Leading indicators (reference dates 30 June and 31 December): TotaalJeugdhulptrajectenInNatura
and TotaalJeugdbeschermingstrajecten of 82968NED (2015-2020) + 85094NED (2021-2024H1).

Usage: ``python benchmarks/forecast_cbs.py [--statsmodels]`` (``--statsmodels`` also
backtests the per-series statsmodels methods ``auto`` and ``combination``; slow).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from analysis.cbs import import_paths, load_indicator  # noqa: E402
from analysis.config import realdata_dir  # noqa: E402
from analysis.forecast import LEADING, backtest, forecast_panel, naive_scale, score_backtest  # noqa: E402
from analysis.periods import next_periods, period_sort_key  # noqa: E402

FIRST, LAST = "2016H1", "2024H1"
ORIGINS, HORIZON = 4, 2
LONG_ORIGINS = 10  # for the per-origin coverage table only

#: The indicators the benchmark reports (catalogue ids of :mod:`analysis.cbs`).
INDICATORS: tuple[str, ...] = ("jeugdhulp_pct", "jeugdbescherming_pct", "wmo_clienten_per_1000")

#: The realdata folders imported into a temporary CBS cache (cbs-gebieden: the GM codes of the labels).
REALDATA_FOLDERS: tuple[str, ...] = ("cbs-jeugdzorg", "cbs-wmo", "cbs-gebieden")


@contextmanager
def realdata_cache(realdata: Path) -> Iterator[Path]:
    """The CBS files of ``realdata`` imported into a temporary cache, removed afterwards.

    The import is the package's own (:func:`analysis.cbs.import_paths`), so
    the benchmark reads the same stitched series, with the same GM codes, as
    the notebooks do; nothing is written to the project's cache.
    """
    with tempfile.TemporaryDirectory(prefix="forecast_cbs-") as tmp:
        cache = Path(tmp) / "cbs"
        import_paths([realdata / folder for folder in REALDATA_FOLDERS], cache_dir=cache, vintage="realdata")
        yield cache


def _municipalities(obs: pd.DataFrame) -> pd.DataFrame:
    return obs[obs["region_code"].str.startswith("GM")].reset_index(drop=True)


def load_observations(indicator: str, cache: Path) -> pd.DataFrame:
    """Half-year observations of every municipality, stitched over the indicator's CBS tables.

    :func:`analysis.cbs.load_indicator`: where two tables hold the same
    region and period, the later table wins; ``source`` names the table, so
    :func:`analysis.forecast.forecast_panel` finds the seams.
    """
    return _municipalities(load_indicator(indicator, period_type="halfyear", cache_dir=cache))


def load_leading(indicator: str, cache: Path) -> pd.DataFrame | None:
    """The leading stock of an indicator (reference dates) for every municipality, or None."""
    lead = LEADING.get(indicator)
    if lead is None:
        return None
    return _municipalities(load_indicator(lead, period_type="date", cache_dir=cache))


def balanced_panel(obs: pd.DataFrame, first: str = FIRST, last: str = LAST) -> pd.DataFrame:
    """Keep municipalities with a value in every half-year from ``first`` to ``last``."""
    wanted = [first] + next_periods(first, 100)
    wanted = wanted[: wanted.index(last) + 1]
    obs = obs[obs["period"].isin(wanted) & obs["value"].notna()]
    counts = obs.groupby("region_code")["period"].nunique()
    keep = counts[counts == len(wanted)].index
    return obs[obs["region_code"].isin(keep)].reset_index(drop=True)


# ----------------------------------------------------------------------------- statsforecast


def statsforecast_backtest(panel: pd.DataFrame, n_jobs: int = 1) -> dict[str, tuple[pd.DataFrame, float]]:
    """Backtest AutoETS, AutoARIMA and AutoTheta (season length 2) with the project's scoring."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
    from threadpoolctl import threadpool_limits  # a statsforecast dependency

    periods = sorted(panel["period"].unique(), key=period_sort_key)
    index = {p: i for i, p in enumerate(periods)}
    data = pd.DataFrame({"unique_id": panel["region_code"], "ds": panel["period"].map(index),
                         "y": panel["value"].astype(float)}).sort_values(["unique_id", "ds"])
    actual = data.set_index(["unique_id", "ds"])["y"]
    models = {"AutoETS": AutoETS(season_length=2), "AutoARIMA": AutoARIMA(season_length=2),
              "AutoTheta": AutoTheta(season_length=2)}
    # compile numba kernels outside the timing
    warm = data[data["unique_id"] == data["unique_id"].iloc[0]]
    StatsForecast(models=list(models.values()), freq=1).forecast(h=HORIZON, df=warm, level=[80, 95])
    out = {}
    for name, model in models.items():
        rows, elapsed = [], 0.0
        for t in range(len(periods) - ORIGINS - 1, len(periods) - 1):
            train = data[data["ds"] <= t]
            h = min(HORIZON, len(periods) - 1 - t)
            t0 = time.perf_counter()
            with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
                warnings.simplefilter("ignore")
                fc = StatsForecast(models=[model], freq=1, n_jobs=n_jobs).forecast(h=h, df=train, level=[80, 95])
            elapsed += time.perf_counter() - t0
            fc = fc.reset_index() if "unique_id" not in fc.columns else fc
            scale = train.groupby("unique_id")["y"].apply(lambda s: naive_scale(s.to_numpy()))
            rows.append(pd.DataFrame({
                "region_code": fc["unique_id"], "origin": periods[t], "horizon": fc["ds"] - t,
                "period": fc["ds"].map(lambda d: periods[d] if d < len(periods) else None),
                "actual": [actual.get((u, d), np.nan) for u, d in zip(fc["unique_id"], fc["ds"], strict=True)],
                "mean": fc[name], "lo80": fc[f"{name}-lo-80"], "hi80": fc[f"{name}-hi-80"],
                "lo95": fc[f"{name}-lo-95"], "hi95": fc[f"{name}-hi-95"],
                "scale": fc["unique_id"].map(scale),
            }))
        _, _, pooled = score_backtest(pd.concat(rows, ignore_index=True))
        out[name] = (pooled, elapsed)
        print(f"  statsforecast {name}: {elapsed:.1f} s", flush=True)
    return out


# ----------------------------------------------------------------------------- reference


def oracle_common_change(errors: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Not a forecast: backtest forecasts moved so that their median change is the *realised* one.

    For each origin and target period, every forecast (point and bounds) is
    shifted by the realised median change of the whole panel minus the median
    forecast change. Applied to naive, it shows how much of the naive error a
    perfect model of the shared (national) dynamics would remove; applied to
    the default, what the default would score if it knew the coming national
    movement as well as what it knows of each municipality's own. What remains
    is the municipalities' own movement that no input of the model predicts.
    """
    values = panel.pivot(index="region_code", columns="period", values="value")
    periods = list(values.columns)
    e = errors.copy()
    for (origin, period), idx in e.groupby(["origin", "period"]).groups.items():
        if periods.index(period) <= periods.index(origin):
            raise ValueError(f"target period {period} is not after origin {origin}")
        realised = float(np.median(values[period] - values[origin]))
        rows = e.loc[idx]
        forecast = float(np.median(rows["mean"].to_numpy() - values[origin].reindex(rows["region_code"]).to_numpy()))
        e.loc[idx, ["mean", "lo80", "hi80", "lo95", "hi95"]] += realised - forecast
    return score_backtest(e[["region_code", "origin", "period", "horizon", "actual", "mean", "lo80", "hi80",
                             "lo95", "hi95", "scale"]])[2]


def coverage_by_origin(errors: pd.DataFrame) -> pd.DataFrame:
    """Share of outcomes inside the 80 % interval, per horizon (rows) and origin (columns), with the mean."""
    inside = (errors["actual"] >= errors["lo80"]) & (errors["actual"] <= errors["hi80"])
    table = inside.groupby([errors["horizon"], errors["origin"]]).mean().unstack("origin")
    table = table[sorted(table.columns, key=period_sort_key)]
    table["all"] = inside.groupby(errors["horizon"]).mean()
    return table


# ----------------------------------------------------------------------------- report


def paired_difference(a: pd.DataFrame, b: pd.DataFrame, horizon: int, n_boot: int = 2000,
                      seed: int = 0) -> tuple[float, float, float]:
    """MASE(a) - MASE(b) at one horizon, with a 95 % bootstrap interval resampling municipalities."""
    key = ["region_code", "origin", "horizon"]
    m = a[key + ["scaled_error"]].merge(b[key + ["scaled_error"]], on=key, suffixes=("_a", "_b"))
    m = m[m["horizon"] == horizon].dropna()
    per_region = (m["scaled_error_a"] - m["scaled_error_b"]).groupby(m["region_code"]).agg(["sum", "size"])
    sums, sizes = per_region["sum"].to_numpy(), per_region["size"].to_numpy()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(sums), (n_boot, len(sums)))
    boots = sums[idx].sum(axis=1) / sizes[idx].sum(axis=1)
    return float(sums.sum() / sizes.sum()), *np.quantile(boots, [0.025, 0.975]).tolist()


def _row(indicator: str, name: str, pooled: pd.DataFrame, seconds: float) -> dict:
    p = pooled.set_index("horizon")
    return {
        "indicator": indicator, "method": name,
        "MASE h1": p.loc[1, "mase"], "MASE h2": p.loc[2, "mase"],
        "cov80 h1": p.loc[1, "coverage80"], "cov80 h2": p.loc[2, "coverage80"],
        "cov95 h1": p.loc[1, "coverage95"], "cov95 h2": p.loc[2, "coverage95"],
        "Wink80/s h1": p.loc[1, "winkler80_scaled"], "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statsmodels", action="store_true",
                        help="also backtest the per-series statsmodels methods (slow)")
    parser.add_argument("--n-jobs", type=int, default=1, help="statsforecast n_jobs (default 1)")
    parser.add_argument("--only", nargs="*", choices=list(INDICATORS), help="indicators to run (default all)")
    parser.add_argument("--no-statsforecast", action="store_true", help="leave out the statsforecast models")
    args = parser.parse_args(argv)
    realdata = realdata_dir()
    missing = [str(realdata / f) for f in REALDATA_FOLDERS if not (realdata / f).is_dir()]
    if missing:
        print(f"forecast_cbs: the CBS files are not there ({', '.join(missing)}).\n"
              f"Put the realdata folder at {realdata} or set ANALYSIS_REALDATA_DIR.", file=sys.stderr)
        return 2
    try:
        import statsforecast  # noqa: F401
        have_sf = not args.no_statsforecast
    except ImportError:
        have_sf = False
    print(f"CBS realdata: {realdata}")
    print(f"Rolling origin over the last {ORIGINS} half-years, horizons 1..{HORIZON}; panels {FIRST}..{LAST}; "
          f"{os.cpu_count()} CPU(s) visible")
    results = []
    diffs = []
    coverage: dict[str, pd.DataFrame] = {}
    with realdata_cache(realdata) as cache:
        panels = {ind: (balanced_panel(load_observations(ind, cache)), load_leading(ind, cache))
                  for ind in args.only or INDICATORS}
    for indicator, (panel, leading) in panels.items():
        lead = {} if leading is None else {"leading": leading}
        t0 = time.perf_counter()
        full = forecast_panel(panel, HORIZON, **lead)
        whole = time.perf_counter() - t0
        print(f"\n{indicator}: {panel['region_code'].nunique()} municipalities x "
              f"{panel['period'].nunique()} half-years; default forecast of the whole panel "
              f"({len(full.forecasts)} rows) in {whole:.2f} s", flush=True)
        print("  breaks: " + "; ".join(f"{p} {h} ({label})" for p, h, label in full.params["breaks"]))
        print("  pooled trend {pooled_trend:+.3f}/period, mean shrinkage weight {mean_shrink_weight:.2f}, "
              "AR(1) {ar1:+.2f}, rounding {round_to}".format(**full.params))
        if lead:
            print(f"  leading indicator {LEADING[indicator]}: coefficient per horizon "
                  + ", ".join(f"{c:+.3f}" for c in full.params["leading_coef"])
                  + f" ({full.params['leading_pairs'][0]} training pairs at h1)")
        runs = [("pooled (default)", lead), ("pooled, unrounded", {**lead, "round_to": None})]
        if lead:
            runs.append(("pooled, no leading indicator", {}))
        runs += [("naive", {"method": "naive"}), ("drift", {"method": "drift"})]
        if args.statsmodels:
            runs += [("auto (cv, statsmodels)", {"method": "auto", "candidates": ("naive", "drift", "ets", "theta")}),
                     ("combination pooled+ets+theta", {"method": "combination"})]
        errors = {}
        for name, opts in runs:
            t0 = time.perf_counter()
            res = backtest(panel, origins=ORIGINS, horizon=HORIZON, **opts)
            errors[name] = res.errors
            results.append(_row(indicator, name, res.pooled, time.perf_counter() - t0))
            print(f"  {name}: {results[-1]['seconds']:.1f} s", flush=True)
            if res.skipped:
                print(f"  {name}: skipped origins {res.skipped}")
        results.append(_row(indicator, "(oracle: naive + realised panel change)",
                            oracle_common_change(errors["naive"], panel), float("nan")))
        results.append(_row(indicator, "(oracle: default + realised panel change)",
                            oracle_common_change(errors["pooled (default)"], panel), float("nan")))
        long = backtest(panel, origins=LONG_ORIGINS, horizon=HORIZON, **lead)
        coverage[indicator] = coverage_by_origin(long.errors)
        for h in range(1, HORIZON + 1):
            d, lo, hi = paired_difference(errors["pooled (default)"], errors["naive"], h)
            diffs.append(f"{indicator:<22} h{h}: {d:+.3f}  [{lo:+.3f}, {hi:+.3f}]")
            if lead:
                d, lo, hi = paired_difference(errors["pooled (default)"], errors["pooled, no leading indicator"], h)
                diffs.append(f"{'':<22}     {d:+.3f}  [{lo:+.3f}, {hi:+.3f}]  (against pooled without "
                             "the leading indicator)")
        if have_sf:
            for name, (pooled, seconds) in statsforecast_backtest(panel, args.n_jobs).items():
                results.append(_row(indicator, f"statsforecast {name}", pooled, seconds))
    if not have_sf:
        why = "--no-statsforecast" if args.no_statsforecast else "not installed: pip install -e '.[bench]'"
        print(f"\nstatsforecast rows left out ({why}).")
    table = pd.DataFrame(results)
    print("\nBacktest (MASE: mean absolute error / mean absolute first difference of the training series;"
          " cov: share of outcomes inside the interval; Wink80/s: Winkler score / scale; "
          "seconds: all 4 origins)")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print("\nMASE of the default minus MASE of naive, with a 95 % bootstrap interval (municipalities resampled):")
    print("\n".join(diffs))
    print(f"\n80 % interval coverage of the default per origin, over the last {LONG_ORIGINS} origins "
          "(how much one half-year's common shock moves the 4-origin figure):")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        for indicator, table in coverage.items():
            print(f"{indicator}\n" + table.to_string(float_format=lambda v: f"{v:.2f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
