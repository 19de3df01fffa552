"""Forecast accuracy on real CBS municipal panels: the project's default against naive, over every origin.

Imports the CBS files in ``../shared/realdata`` (see :func:`analysis.config.realdata_dir`;
override with ``ANALYSIS_REALDATA_DIR``) into a temporary CBS cache with the package's
own importer and loads the series as the notebooks do (:func:`analysis.cbs.load_indicator`:
GM codes, tables stitched, ``source`` per value).

**Main evaluation** (the protocol of docs/forecasting.md): every catalogue indicator of
:mod:`analysis.cbs` with a half-year panel, and the same indicators in years; panels are the
municipalities with a value in every period 2016H1-2024H1 (years: 2016-2023); rolling
origins from 2018H1 to 2023H2 (years: 2018 to 2022), horizons 1 and 2; an origin whose
horizon would span a declared break (the CBS table seams) is scored at the horizons
before it. Per indicator and horizon: MASE of the default
(:func:`analysis.forecast.forecast_panel`, method ``pooled``, with the leading stock of
:data:`analysis.forecast.LEADING` where there is one) and of naive, their difference with a
90 % bootstrap interval over municipalities (:func:`paired_difference`, seeded), the
default's 80 % and 95 % coverage and its Winkler scores (divided by the scale), and the
time to forecast the whole panel; the 80 % coverage with an interval over origins, and how
often intervals calibrated on average, with the cell's spread between periods, would land
outside 0.75-0.85 (:func:`band_misses_if_calibrated`).

**Secondary view** (the earlier protocol, last 4 origins 2022H1-2023H2) for
``jeugdhulp_pct``, ``jeugdbescherming_pct`` and ``wmo_clienten_per_1000``: the default,
unrounded and without the leading indicator, naive, drift, statsforecast's AutoETS,
AutoARIMA and AutoTheta (a benchmark-only extra: ``pip install -e ".[bench]"``; skipped with
a note when absent) and two reference rows that are not forecasts: naive and the default
moved onto the *realised* median change of the panel (:func:`oracle_common_change`). Last,
per origin over every origin, the default's 80 % coverage (:func:`coverage_by_origin`) and its
MASE minus naive's (:func:`mase_difference_by_origin`).

Usage: ``python benchmarks/forecast_cbs.py [--statsmodels] [--only ID ...] [--no-statsforecast]``
(``--statsmodels`` also backtests the per-series statsmodels methods ``auto`` and
``combination`` in the secondary view; slow).
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
from analysis.cbs.catalogue import SERIES  # noqa: E402
from analysis.config import realdata_dir  # noqa: E402
from analysis.errors import InputError  # noqa: E402
from analysis.forecast import (  # noqa: E402
    BACKTEST_COLUMNS,
    LEADING,
    backtest,
    forecast_panel,
    naive_scale,
    score_backtest,
)
from analysis.periods import next_periods, period_sort_key  # noqa: E402

FIRST, LAST = "2016H1", "2024H1"
FIRST_YEAR, LAST_YEAR = "2016", "2023"
#: The first origin of the main evaluation, per period type (the last is the period before the last).
FIRST_ORIGIN = {"halfyear": "2018H1", "year": "2018"}
ORIGINS, HORIZON = 4, 2  # the secondary view: the last 4 origins
LEVEL, N_BOOT, SEED = 0.90, 2000, 0  # the bootstrap interval of default - naive
#: Fewest origins for a calibration verdict: a percentile bootstrap over 2-5 origins has a few possible
#: values and covers far less than its level, so yearly cells (2-5 origins) get none.
MIN_VERDICT_ORIGINS = 8
#: The issue's band for the 80 % coverage of every cell.
BAND = (0.75, 0.85)

#: The indicators of the secondary view (catalogue ids of :mod:`analysis.cbs`).
INDICATORS: tuple[str, ...] = ("jeugdhulp_pct", "jeugdbescherming_pct", "wmo_clienten_per_1000")

#: Variants of the default for the main evaluation (``--variant``): the nested rules compared for issue 15
#: (docs/forecasting.md shows every variant's table), without a nested rule, and the nested rule with the
#: pooled settings chosen before any look at these origins.
VARIANTS: dict[str, dict] = {
    "default": {},  # nested weight, 90 % bound (guard_rule="weight", guard_level=0.9), overlap-corrected
    # The rows of docs/forecasting.md run before the overlap correction (3 December 2026), as they were run:
    "no-overlap": {"guard_overlap": False},  # the default until then
    "weight-mean": {"guard_level": 0.5, "guard_overlap": False},
    "choice": {
        "guard_rule": "choice",
        "guard_level": 0.5,
        "guard_overlap": False,
    },  # previous default
    "choice-strict": {"guard_rule": "choice", "guard_level": 0.9, "guard_overlap": False},
    "recalibrated": {"recalibrate": True, "guard_overlap": False},
    "choice-recalibrated": {
        "guard_rule": "choice",
        "guard_level": 0.5,
        "recalibrate": True,
        "guard_overlap": False,
    },
    "unguarded": {"guard": False},
    "earlier": {
        "damping": 1.0,
        "ar": True,
        "relative": False,
        "seasonal": False,
        "calibration_origins": 6,
        "scale_window": None,
        "guard_overlap": False,
    },
}

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
        import_paths(
            [realdata / folder for folder in REALDATA_FOLDERS], cache_dir=cache, vintage="realdata"
        )
        yield cache


def _municipalities(obs: pd.DataFrame) -> pd.DataFrame:
    return obs[obs["region_code"].str.startswith("GM")].reset_index(drop=True)


def load_observations(indicator: str, cache: Path, period_type: str = "halfyear") -> pd.DataFrame:
    """Observations of every municipality, stitched over the indicator's CBS tables.

    :func:`analysis.cbs.load_indicator`: where two tables hold the same
    region and period, the later table wins; ``source`` names the table, so
    :func:`analysis.forecast.forecast_panel` finds the seams.
    """
    return _municipalities(load_indicator(indicator, period_type=period_type, cache_dir=cache))


def load_leading(indicator: str, cache: Path) -> pd.DataFrame | None:
    """The leading stock of an indicator (reference dates) for every municipality, or None."""
    lead = LEADING.get(indicator)
    if lead is None:
        return None
    return _municipalities(load_indicator(lead, period_type="date", cache_dir=cache))


def balanced_panel(obs: pd.DataFrame, first: str = FIRST, last: str = LAST) -> pd.DataFrame:
    """Keep municipalities with a value in every period from ``first`` to ``last`` (half-years or years)."""
    wanted = [first] + next_periods(first, 100)
    wanted = wanted[: wanted.index(last) + 1]
    obs = obs[obs["period"].isin(wanted) & obs["value"].notna()]
    counts = obs.groupby("region_code")["period"].nunique()
    keep = counts[counts == len(wanted)].index
    return obs[obs["region_code"].isin(keep)].reset_index(drop=True)


def evaluation_panel(
    obs: pd.DataFrame, first: str, last: str, first_origin: str, min_regions: int = 10
) -> tuple[pd.DataFrame, str] | None:
    """The panel and first origin of an indicator in the main evaluation, or None.

    The municipalities with a value in every period from ``first`` to ``last``;
    for an indicator that starts later (the 85099NED breakdowns start in 2021),
    the complete panel from the earliest period at which ``min_regions`` or more
    municipalities have every value up to ``last``. Its first origin is
    ``first_origin`` or, later, the panel's third period (three observations
    before a forecast); None without such a panel of 4 periods or more.
    """
    periods = sorted(obs.loc[obs["value"].notna(), "period"].unique(), key=period_sort_key)
    periods = [
        p for p in periods if period_sort_key(first) <= period_sort_key(p) <= period_sort_key(last)
    ]
    for start in periods[: max(len(periods) - 3, 0)]:
        panel = balanced_panel(obs, start, last)
        if panel["region_code"].nunique() >= min_regions:
            third = sorted(panel["period"].unique(), key=period_sort_key)[2]
            return panel, max(first_origin, third, key=period_sort_key)
    return None


# ----------------------------------------------------------------------------- statsforecast


def statsforecast_backtest(
    panel: pd.DataFrame, n_jobs: int = 1
) -> dict[str, tuple[pd.DataFrame, float]]:
    """Backtest AutoETS, AutoARIMA and AutoTheta (season length 2) with the project's scoring."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
    from threadpoolctl import threadpool_limits  # a statsforecast dependency

    periods = sorted(panel["period"].unique(), key=period_sort_key)
    index = {p: i for i, p in enumerate(periods)}
    data = pd.DataFrame(
        {
            "unique_id": panel["region_code"],
            "ds": panel["period"].map(index),
            "y": panel["value"].astype(float),
        }
    ).sort_values(["unique_id", "ds"])
    actual = data.set_index(["unique_id", "ds"])["y"]
    models = {
        "AutoETS": AutoETS(season_length=2),
        "AutoARIMA": AutoARIMA(season_length=2),
        "AutoTheta": AutoTheta(season_length=2),
    }
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
                fc = StatsForecast(models=[model], freq=1, n_jobs=n_jobs).forecast(
                    h=h, df=train, level=[80, 95]
                )
            elapsed += time.perf_counter() - t0
            fc = fc.reset_index() if "unique_id" not in fc.columns else fc
            scale = train.groupby("unique_id")["y"].apply(lambda s: naive_scale(s.to_numpy()))
            rows.append(
                pd.DataFrame(
                    {
                        "region_code": fc["unique_id"],
                        "origin": periods[t],
                        "horizon": fc["ds"] - t,
                        "period": fc["ds"].map(lambda d: periods[d] if d < len(periods) else None),
                        "actual": [
                            actual.get((u, d), np.nan)
                            for u, d in zip(fc["unique_id"], fc["ds"], strict=True)
                        ],
                        "mean": fc[name],
                        "lo80": fc[f"{name}-lo-80"],
                        "hi80": fc[f"{name}-hi-80"],
                        "lo95": fc[f"{name}-lo-95"],
                        "hi95": fc[f"{name}-hi-95"],
                        "scale": fc["unique_id"].map(scale),
                    }
                )
            )
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
        forecast = float(
            np.median(
                rows["mean"].to_numpy() - values[origin].reindex(rows["region_code"]).to_numpy()
            )
        )
        e.loc[idx, ["mean", "lo80", "hi80", "lo95", "hi95"]] += realised - forecast
    return score_backtest(e[BACKTEST_COLUMNS])[2]


def coverage_by_origin(errors: pd.DataFrame) -> pd.DataFrame:
    """Share of outcomes inside the 80 % interval, per horizon (rows) and origin (columns), with the mean."""
    given = errors["lo80"].notna() & errors["hi80"].notna()  # no interval: no coverage either
    inside = (
        ((errors["actual"] >= errors["lo80"]) & (errors["actual"] <= errors["hi80"]))
        .astype(float)
        .where(given)
    )
    table = inside.groupby([errors["horizon"], errors["origin"]]).mean().unstack("origin")
    table = table[sorted(table.columns, key=period_sort_key)]
    table["all"] = inside.groupby(errors["horizon"]).mean()
    return table


def with_naive_errors(errors: pd.DataFrame, naive: pd.DataFrame) -> pd.DataFrame:
    """``errors`` with naive's scaled error for the same region, origin and horizon (``naive_scaled_error``)."""
    key = ["region_code", "origin", "horizon"]
    return errors.merge(
        naive[key + ["scaled_error"]].rename(columns={"scaled_error": "naive_scaled_error"}),
        on=key,
        how="left",
        validate="one_to_one",
    )


def mase_difference_by_origin(errors: pd.DataFrame) -> pd.DataFrame:
    """MASE of the default minus naive's, per horizon (rows) and origin (columns), with the whole (``all``).

    ``errors``: :func:`with_naive_errors`; pairs where either error is
    missing (a zero scale) are left out, as :func:`paired_difference` does.
    Shows which origins a result rests on: one origin's national shock
    moves all its municipalities, so a gain or loss over all origins can
    come from one or two of them.
    """
    e = errors.dropna(subset=["scaled_error", "naive_scaled_error"])
    d = e["scaled_error"].abs() - e["naive_scaled_error"].abs()
    table = d.groupby([e["horizon"], e["origin"]]).mean().unstack("origin")
    table = table[sorted(table.columns, key=period_sort_key)]
    table["all"] = d.groupby(e["horizon"]).mean()
    return table


def coverage_interval(
    errors: pd.DataFrame,
    horizon: int,
    n_boot: int = N_BOOT,
    seed: int = SEED,
    level: float = LEVEL,
) -> tuple[float, float, float]:
    """80 % interval coverage at one horizon, with a bootstrap interval resampling *origins*.

    The municipalities of one origin share its national shock, so coverage
    varies far more between origins than the number of forecasts suggests:
    origins are drawn with replacement (all their outcomes together), and the
    interval says which coverages the same method could have shown on other
    half-years. An interval that excludes 0.80 is a miscalibration beyond
    that spread. The rows are those :func:`analysis.forecast.score_backtest`
    scores (every outcome; a forecast without an interval counts as a
    miss), so the coverage is the table's. Seeded, so reproducible.
    """
    per_origin = coverage_counts(errors, horizon)
    sums, sizes = per_origin["sum"].to_numpy(float), per_origin["size"].to_numpy(float)
    if not sizes.size:
        return float("nan"), float("nan"), float("nan")
    return ratio_with_interval(sums, sizes, n_boot, seed, level)


def coverage_counts(errors: pd.DataFrame, horizon: int, by: str = "origin") -> pd.DataFrame:
    """Per origin (or per forecast period, ``by="period"``) at one horizon: outcomes inside the 80 %
    interval (``sum``) and outcomes scored (``size``).

    Every outcome counts, as :func:`analysis.forecast.score_backtest` counts
    them: a forecast without an interval is a miss.
    """
    e = errors[errors["horizon"] == horizon].dropna(subset=["actual"])
    inside = (e["actual"] >= e["lo80"]) & (e["actual"] <= e["hi80"])
    return inside.groupby(e[by]).agg(["sum", "size"]).astype(float)


def band_misses_if_calibrated(
    cells: list[pd.DataFrame],
    band: tuple[float, float] = BAND,
    nominal: float = 0.80,
    n_boot: int = N_BOOT,
    seed: int = SEED,
) -> tuple[np.ndarray, np.ndarray]:
    """How often intervals that are calibrated *on average* land outside ``band`` in cells like these.

    ``cells``: per cell, :func:`coverage_counts` by forecast period (``by="period"``;
    half-years and years may be mixed). Each cell's per-period coverage is
    moved to a mean of ``nominal`` (every period by the same amount, clipped
    to 0-1): its spread between periods, which the shared national shock of
    each period causes, stays as it was, its miscalibration goes. Calendar
    years are then drawn with replacement, the same draw for every cell (one
    year's shocks hit every indicator, both half-years and the year itself,
    and both horizons, whose outcomes are keyed by the period forecast), and
    each cell's coverage over the drawn years' periods (outcomes weighted,
    as in the table) is compared with ``band``. A percentile bootstrap over
    k blocks has a variance (k - 1) / k of the true one, so with the 5-6
    years of these cells the misses are, if anything, too few.

    Returns, per cell, the share of draws outside ``band``, and the draws x
    cells matrix of misses (True: outside). Seeded, so reproducible.
    """
    years = sorted({int(str(p)[:4]) for c in cells for p in c.index})
    if not years:
        return np.zeros(len(cells)), np.zeros((n_boot, len(cells)), dtype=bool)
    idx = np.random.default_rng(seed).integers(0, len(years), (n_boot, len(years)))
    outside = np.zeros((n_boot, len(cells)), dtype=bool)
    for j, c in enumerate(cells):
        size = c["size"].to_numpy(dtype=float)
        share = np.divide(
            c["sum"].to_numpy(dtype=float), size, out=np.zeros(len(c)), where=size > 0
        )
        mean = float(np.sum(share * size) / size.sum()) if size.sum() else nominal
        moved = np.clip(share - mean + nominal, 0.0, 1.0)
        year_of = pd.Index([int(str(p)[:4]) for p in c.index])
        per_year = pd.DataFrame({"inside": moved * size, "size": size}).groupby(year_of).sum()
        per_year = per_year.reindex(years, fill_value=0.0)
        with np.errstate(invalid="ignore"):
            cov = per_year["inside"].to_numpy()[idx].sum(axis=1) / per_year["size"].to_numpy()[
                idx
            ].sum(axis=1)
        outside[:, j] = (cov < band[0] - _EPS) | (
            cov > band[1] + _EPS
        )  # NaN: no drawn year, inside
    return outside.mean(axis=0), outside


def ratio_with_interval(
    sums: np.ndarray, sizes: np.ndarray, n_boot: int, seed: int, level: float
) -> tuple[float, float, float]:
    """sum(sums) / sum(sizes), with a percentile bootstrap interval drawing the groups (entries) with replacement."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(sums), (n_boot, len(sums)))
    boots = sums[idx].sum(axis=1) / sizes[idx].sum(axis=1)
    tail = (1 - level) / 2
    return float(sums.sum() / sizes.sum()), *np.quantile(boots, [tail, 1 - tail]).tolist()


def calibration_verdict(
    lo: float, hi: float, origins: int, nominal: float = 0.8, min_origins: int = MIN_VERDICT_ORIGINS
) -> str:
    """'too wide' / 'too narrow' where the coverage interval over origins excludes the nominal level, else 'ok'.

    'n/a' with fewer than ``min_origins`` origins or without an interval.
    """
    if origins < min_origins or not (np.isfinite(lo) and np.isfinite(hi)):
        return "n/a"
    return "too wide" if lo > nominal else "too narrow" if hi < nominal else "ok"


# ----------------------------------------------------------------------------- report


def paired_difference(
    a: pd.DataFrame,
    b: pd.DataFrame,
    horizon: int,
    n_boot: int = N_BOOT,
    seed: int = SEED,
    level: float = LEVEL,
) -> tuple[float, float, float]:
    """MASE(a) - MASE(b) at one horizon, with a bootstrap interval resampling municipalities.

    Pairs of scaled errors (same region, origin, horizon) are kept together and
    municipalities are drawn with replacement, so the interval reflects how much
    the difference depends on which municipalities the panel holds (not on
    which origins: those share national shocks). Seeded, so reproducible.
    """
    key = ["region_code", "origin", "horizon"]
    m = a[key + ["scaled_error"]].merge(b[key + ["scaled_error"]], on=key, suffixes=("_a", "_b"))
    m = m[m["horizon"] == horizon].dropna()
    per_region = (
        (m["scaled_error_a"] - m["scaled_error_b"]).groupby(m["region_code"]).agg(["sum", "size"])
    )
    sums, sizes = per_region["sum"].to_numpy(), per_region["size"].to_numpy()
    return ratio_with_interval(sums, sizes, n_boot, seed, level)


def origins_from(panel: pd.DataFrame, first_origin: str) -> int:
    """The number of rolling origins that makes ``first_origin`` the first (the last is the panel's last but one)."""
    periods = sorted(panel["period"].unique(), key=period_sort_key)
    if first_origin not in periods[:-1]:
        raise ValueError(
            f"origin {first_origin} is not a period before the last of the panel "
            f"({periods[0]}..{periods[-1]})"
        )
    return len(periods) - 1 - periods.index(first_origin)


def halfyear_indicators() -> tuple[str, ...]:
    """Catalogue indicators of counts or shares per period (the stocks on reference dates left out)."""
    stocks = set(LEADING.values())
    return tuple(i for i in SERIES if i not in stocks)


_EPS = 1e-9  # a difference this small is rounding (identical forecasts), not a verdict


def compare_with_naive(
    default: pd.DataFrame, naive: pd.DataFrame, pooled: pd.DataFrame, naive_pooled: pd.DataFrame
) -> list[dict]:
    """Per horizon: the default's and naive's MASE, their difference with its interval, and the default's intervals."""
    p, q = pooled.set_index("horizon"), naive_pooled.set_index("horizon")
    rows = []
    for h in p.index:
        d, lo, hi = paired_difference(default, naive, int(h))
        _, clo, chi = coverage_interval(default, int(h))
        origins = int(default.loc[default["horizon"] == h, "origin"].nunique())
        rows.append(
            {
                "h": int(h),
                "MASE": p.loc[h, "mase"],
                "naive": q.loc[h, "mase"],
                "diff": d,
                "lo": lo,
                "hi": hi,
                "rel %": 100 * (p.loc[h, "mase"] / q.loc[h, "mase"] - 1),
                "verdict": "better" if hi < -_EPS else "WORSE" if lo > _EPS else "tie",
                "cov80": p.loc[h, "coverage80"],
                "cov80 lo": clo,
                "cov80 hi": chi,
                "calibration": calibration_verdict(clo, chi, origins),
                "cov95": p.loc[h, "coverage95"],
                "Wink80/s": p.loc[h, "winkler80_scaled"],
                "Wink95/s": p.loc[h, "winkler95_scaled"],
                "n": int(p.loc[h, "n"]),
                "counts": coverage_counts(default, int(h), by="period"),
            }
        )
    return rows


def evaluate(
    panel: pd.DataFrame,
    leading: pd.DataFrame | None,
    first_origin: str,
    options: dict | None = None,
) -> tuple[list[dict], dict]:
    """The default (with ``options``) against naive over every origin from ``first_origin``, and its errors."""
    lead = {} if leading is None else {"leading": leading}
    lead.update(options or {})
    n = origins_from(panel, first_origin)
    t0 = time.perf_counter()
    full = forecast_panel(panel, HORIZON, **lead)
    whole = time.perf_counter() - t0
    default = backtest(panel, origins=n, horizon=HORIZON, **lead)
    naive = backtest(panel, method="naive", origins=n, horizon=HORIZON)
    rows = compare_with_naive(default.errors, naive.errors, default.pooled, naive.pooled)
    for r in rows:
        r["trend at"] = trend_share(default.errors, r["h"])
    info = {
        "whole_s": whole,
        "origins": n,
        "skipped": default.skipped,
        "errors": with_naive_errors(default.errors, naive.errors),
        "params": full.params,
        "leading": leading is not None,
    }
    return rows, info


def trend_share(errors: pd.DataFrame, horizon: int) -> str:
    """At how many origins the default's nested rule gave the trend a weight at ``horizon`` (``'7/11'``).

    The ``method`` of such an origin is ``pooled`` (weight 1) or ``weighted`` (between 0 and 1); ``naive``
    at the others.
    """
    per_origin = errors.loc[errors["horizon"] == horizon].groupby("origin")["method"].first()
    return f"{int(per_origin.isin(['pooled', 'weighted']).sum())}/{len(per_origin)}"


def _row(indicator: str, name: str, pooled: pd.DataFrame, seconds: float) -> dict:
    p = pooled.set_index("horizon")
    return {
        "indicator": indicator,
        "method": name,
        "MASE h1": p.loc[1, "mase"],
        "MASE h2": p.loc[2, "mase"],
        "cov80 h1": p.loc[1, "coverage80"],
        "cov80 h2": p.loc[2, "coverage80"],
        "cov95 h1": p.loc[1, "coverage95"],
        "cov95 h2": p.loc[2, "coverage95"],
        "Wink80/s h1": p.loc[1, "winkler80_scaled"],
        "seconds": seconds,
    }


def _print_frame(frame: pd.DataFrame, **formats) -> None:
    with pd.option_context(
        "display.width", 250, "display.max_columns", 30, "display.max_colwidth", 40
    ):
        print(
            frame.to_string(
                index=False, float_format=lambda v: f"{v:.3f}", formatters=formats or None
            )
        )


def main_evaluation(
    cache: Path, only: list[str] | None, variant: str = "default"
) -> dict[str, pd.DataFrame]:
    """Print the main table (every origin, every indicator, half-years and years); the errors per half-year panel."""
    rows, errors = [], {}
    for kind, (first, last) in (("halfyear", (FIRST, LAST)), ("year", (FIRST_YEAR, LAST_YEAR))):
        for indicator in only or halfyear_indicators():
            try:
                obs = load_observations(indicator, cache, kind)
            except InputError as exc:  # a catalogue table the realdata does not hold
                print(
                    f"  {indicator} ({kind}): no table in the realdata, left out ({str(exc)[:60]}...)"
                )
                continue
            found_panel = evaluation_panel(obs, first, last, FIRST_ORIGIN[kind])
            if found_panel is None:
                print(
                    f"  {indicator} ({kind}): fewer than 10 municipalities with every value over 4 periods or "
                    f"more up to {last}, left out"
                )
                continue
            panel, first_origin = found_panel
            leading = load_leading(indicator, cache)
            found, info = evaluate(panel, leading, first_origin, VARIANTS[variant])
            if kind == "halfyear":
                errors[indicator] = info["errors"]
            origins = sorted(info["errors"]["origin"].unique(), key=period_sort_key)
            name = indicator + (" +lead" if info["leading"] else "")
            for r in found:
                rows.append(
                    {
                        "indicator": name,
                        "type": kind,
                        "munis": panel["region_code"].nunique(),
                        "origins": f"{origins[0]}-{origins[-1]} ({info['origins'] - len(info['skipped'])})",
                        **r,
                        "whole s": info["whole_s"],
                    }
                )
            print(
                f"  {indicator} ({kind}): whole-panel forecast {info['whole_s']:.2f} s; pooled trend "
                f"{info['params']['pooled_trend']:+.3f}; skipped {info['skipped'] or 'none'}",
                flush=True,
            )
    table = pd.DataFrame(rows)
    if table.empty:
        print("\nMain evaluation: no indicator has a panel to evaluate.")
        return errors
    table["90% CI"] = [
        f"[{lo:+.3f}, {hi:+.3f}]" for lo, hi in zip(table["lo"], table["hi"], strict=True)
    ]
    table["cov80 90% CI"] = [
        f"[{lo:.2f}, {hi:.2f}]" for lo, hi in zip(table["cov80 lo"], table["cov80 hi"], strict=True)
    ]
    table["out if cal."], misses = band_misses_if_calibrated(list(table["counts"]))
    table["diff"] = table["diff"].map(lambda v: f"{v:+.3f}")
    table["rel %"] = table["rel %"].map(lambda v: f"{v:+.1f}")
    cols = [
        "indicator",
        "type",
        "munis",
        "origins",
        "h",
        "MASE",
        "naive",
        "diff",
        "90% CI",
        "rel %",
        "verdict",
        "trend at",
        "cov80",
        "cov80 90% CI",
        "calibration",
        "out if cal.",
        "cov95",
        "Wink80/s",
        "Wink95/s",
        "whole s",
    ]
    shown = "the default" if variant == "default" else f"the default with {VARIANTS[variant]}"
    print(
        f"\nMain evaluation ({shown}): every origin from 2018H1 (years: 2018), horizons 1 and 2. MASE of the default "
        "and of naive; diff = default - naive with a 90 % bootstrap interval over municipalities "
        f"({N_BOOT} draws, seed {SEED}); rel % = default / naive - 1; verdict: WORSE if the interval lies "
        "above 0, better if below; trend at: origins at which the default's nested rule gave the pooled "
        "trend a weight at that horizon (naive at the others); cov80/cov95: the default's interval coverage; "
        "cov80 90% CI: a 90 % bootstrap interval of cov80 over origins (origins resampled, same draws and seed; "
        "one origin's national shock moves all its municipalities); calibration: too wide / too narrow where "
        f"that interval excludes 0.80, ok where it holds it, n/a with fewer than {MIN_VERDICT_ORIGINS} origins; "
        f"out if cal.: the share of {N_BOOT} draws of calendar years in which intervals with this cell's "
        f"spread between periods but calibrated on average (mean coverage 0.80) land outside "
        f"{BAND[0]:.2f}-{BAND[1]:.2f}; "
        "Wink/s: its Winkler "
        "score divided by the scale; whole s: seconds to forecast the whole panel (+lead: with the "
        "leading stock). Origins: first-last (number scored)."
    )
    _print_frame(table[cols])
    print(coverage_summary(table))
    print(band_summary(misses, list(table["type"]), list(table["cov80"])))
    return errors


def coverage_summary(table: pd.DataFrame) -> str:
    """One paragraph: cells with 80 % coverage in 0.75-0.85, and the calibration verdicts of those outside."""
    outside = table[~table["cov80"].between(0.75, 0.85)]  # a NaN coverage counts as outside
    names = [
        f"{r.indicator} {r.type} h{r.h} {r.cov80:.3f} [{r.cov80_lo:.2f}, "
        f"{r.cov80_hi:.2f}] {r.calibration}"
        for r in outside.rename(
            columns={"cov80 lo": "cov80_lo", "cov80 hi": "cov80_hi"}
        ).itertuples()
    ]
    verdicts = table["calibration"].value_counts()
    return (
        f"\n80 % coverage: {len(table) - len(outside)} of {len(table)} cells in 0.75-0.85; outside: "
        + ("; ".join(names) if names else "none")
        + f". Calibration over origins (cells with {MIN_VERDICT_ORIGINS} origins or more): "
        f"{verdicts.get('ok', 0)} ok, {verdicts.get('too wide', 0)} too wide, "
        f"{verdicts.get('too narrow', 0)} too narrow; {verdicts.get('n/a', 0)} cells n/a (fewer origins)."
    )


def band_summary(misses: np.ndarray, types: list[str], coverage: list[float]) -> str:
    """One paragraph: how many cells calibrated intervals would show outside the band, against the table.

    ``misses``: draws x cells (:func:`band_misses_if_calibrated`); ``types`` and
    ``coverage``: each cell's period type and 80 % coverage. The draws are
    joint over all cells, so the counts per type and in total come from the
    same draws. A cell without a coverage is left out of "observed".
    """
    types = np.asarray(types, dtype=object)
    cov = np.asarray(coverage, dtype=float)
    seen_out = np.isfinite(cov) & ((cov < BAND[0]) | (cov > BAND[1]))

    def part(mask: np.ndarray, what: str) -> str:
        d = misses[:, mask].sum(axis=1)
        lo, hi = np.quantile(d, [(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2])
        return (
            f"{what}: expected {d.mean():.1f} ({LEVEL:.0%} range {lo:.0f}-{hi:.0f}), none in "
            f"{np.mean(d == 0):.1%} of draws, observed {int(seen_out[mask].sum())}"
        )

    parts = [part(types == kind, str(kind)) for kind in dict.fromkeys(types)]
    if len(parts) > 1:
        parts.append(part(np.ones(len(types), dtype=bool), "all cells"))
    return (
        f"If every cell's intervals were calibrated on average, with the spread between periods each cell "
        f"shows ({misses.shape[0]} draws of calendar years, seed {SEED}; 'out if cal.'), cells outside "
        f"{BAND[0]:.2f}-{BAND[1]:.2f}: " + "; ".join(parts) + "."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--statsmodels",
        action="store_true",
        help="also backtest the per-series statsmodels methods (slow)",
    )
    parser.add_argument("--n-jobs", type=int, default=1, help="statsforecast n_jobs (default 1)")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=list(halfyear_indicators()),
        help="indicators to run (default all)",
    )
    parser.add_argument(
        "--no-statsforecast", action="store_true", help="leave out the statsforecast models"
    )
    parser.add_argument(
        "--variant",
        choices=list(VARIANTS),
        default="default",
        help="the default as it is (nested weight, 90 %% bound); the nested weight by the mean "
        "(weight-mean); the previous default's nested choice by the mean (choice) or the 90 %% bound "
        "(choice-strict); with the nested interval recalibration (recalibrated, choice-recalibrated); "
        "without a nested rule (unguarded); or with the pooled settings of the earlier default "
        "(earlier); main evaluation only",
    )
    parser.add_argument("--main-only", action="store_true", help="only the main evaluation")
    args = parser.parse_args(argv)
    realdata = realdata_dir()
    missing = [str(realdata / f) for f in REALDATA_FOLDERS if not (realdata / f).is_dir()]
    if missing:
        print(
            f"forecast_cbs: the CBS files are not there ({', '.join(missing)}).\n"
            f"Put the realdata folder at {realdata} or set ANALYSIS_REALDATA_DIR.",
            file=sys.stderr,
        )
        return 2
    try:
        import statsforecast  # noqa: F401

        have_sf = not args.no_statsforecast
    except ImportError:
        have_sf = False
    print(f"CBS realdata: {realdata}; {os.cpu_count()} CPU(s) visible")
    started = time.perf_counter()
    with realdata_cache(realdata) as cache:
        all_errors = main_evaluation(cache, args.only, args.variant)
        secondary = (
            [] if args.main_only else [i for i in (args.only or INDICATORS) if i in INDICATORS]
        )
        panels = {
            ind: (balanced_panel(load_observations(ind, cache)), load_leading(ind, cache))
            for ind in secondary
        }
    results, diffs = [], []
    for indicator, (panel, leading) in panels.items():
        lead = {} if leading is None else {"leading": leading}
        print(
            f"\n{indicator}, last {ORIGINS} origins: {panel['region_code'].nunique()} municipalities",
            flush=True,
        )
        runs = [("pooled (default)", lead), ("pooled, unrounded", {**lead, "round_to": None})]
        if lead:
            runs.append(("pooled, no leading indicator", {}))
        runs += [
            (
                "earlier default (undamped, AR(1))",
                {
                    **lead,
                    "damping": 1.0,
                    "ar": True,
                    "relative": False,
                    "seasonal": False,
                    "calibration_origins": 6,
                    "scale_window": None,
                    "guard": False,
                },
            ),
            (
                "previous default (nested choice)",
                {**lead, "guard_rule": "choice", "guard_level": 0.5},
            ),
            ("pooled without the nested rule", {**lead, "guard": False}),
            ("naive", {"method": "naive"}),
            ("drift", {"method": "drift"}),
        ]
        if args.statsmodels:
            runs += [
                (
                    "auto (cv, statsmodels)",
                    {"method": "auto", "candidates": ("naive", "drift", "ets", "theta")},
                ),
                ("combination pooled+ets+theta", {"method": "combination"}),
            ]
        errors = {}
        for name, opts in runs:
            t0 = time.perf_counter()
            res = backtest(panel, origins=ORIGINS, horizon=HORIZON, **opts)
            errors[name] = res.errors
            results.append(_row(indicator, name, res.pooled, time.perf_counter() - t0))
            print(f"  {name}: {results[-1]['seconds']:.1f} s", flush=True)
        results.append(
            _row(
                indicator,
                "(oracle: naive + realised panel change)",
                oracle_common_change(errors["naive"], panel),
                float("nan"),
            )
        )
        results.append(
            _row(
                indicator,
                "(oracle: default + realised panel change)",
                oracle_common_change(errors["pooled (default)"], panel),
                float("nan"),
            )
        )
        for h in range(1, HORIZON + 1):
            d, lo, hi = paired_difference(errors["pooled (default)"], errors["naive"], h)
            diffs.append(f"{indicator:<22} h{h}: {d:+.3f}  [{lo:+.3f}, {hi:+.3f}]")
        if have_sf:
            for name, (pooled, seconds) in statsforecast_backtest(panel, args.n_jobs).items():
                results.append(_row(indicator, f"statsforecast {name}", pooled, seconds))
    if not have_sf:
        why = (
            "--no-statsforecast"
            if args.no_statsforecast
            else "not installed: pip install -e '.[bench]'"
        )
        print(f"\nstatsforecast rows left out ({why}).")
    if results:
        print(
            f"\nSecondary view: the last {ORIGINS} origins (MASE: mean absolute error / mean absolute first "
            "difference of the training series; cov: share of outcomes inside the interval; Wink80/s: "
            f"Winkler score / scale; seconds: all {ORIGINS} origins)"
        )
        _print_frame(pd.DataFrame(results))
        print(
            f"\nLast {ORIGINS} origins: MASE of the default minus MASE of naive, with a 90 % bootstrap "
            "interval (municipalities resampled):"
        )
        print("\n".join(diffs))
    shown = [i for i in INDICATORS if i in all_errors]
    per_origin = (
        (
            "80 % interval coverage of the default per origin, every origin from 2018H1 (one half-year's "
            "common shock moves all municipalities at once):",
            coverage_by_origin,
            "{:.2f}",
        ),
        (
            "MASE of the default minus naive's per origin, every origin from 2018H1 (below 0: the default "
            "was better at that origin; the nested rule's evidence grows with every origin, so the first "
            "origins have the least):",
            mase_difference_by_origin,
            "{:+.3f}",
        ),
    )
    for heading, table_of, number in per_origin if shown else ():
        print(f"\n{heading}")
        with pd.option_context("display.width", 250, "display.max_columns", 30):
            for indicator in shown:
                print(
                    f"{indicator}\n"
                    + table_of(all_errors[indicator]).to_string(float_format=number.format)
                )
    print(f"\nWhole run {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
