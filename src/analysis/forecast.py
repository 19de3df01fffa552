"""Trends and forecasts for panels of municipal series, with an honest backtest.

The input is a tidy panel (one row per region and period) such as
:func:`analysis.cbs.load_indicator` returns: columns ``region_code``,
``period`` (``2016H1``, ``2016`` ...) and ``value``; other columns
(``indicator``, ``period_type``, ``status``, ``source`` ...) are accepted and
only ``indicator`` and ``source`` are used (to find structural breaks).

Methods
-------
``pooled`` (default)
    One model for the whole panel, in vectorised numpy: the next value is the
    last value plus the *pooled* trend (the mean over the last ``window``
    periods of the cross-sectional median log change, applied to the
    region's last value; in another half-year than the origin's, plus that
    half-year's deviation from the trend) plus the region's own trend shrunk
    toward the pooled trend by an empirical-Bayes weight, all damped toward
    zero (``damping=0.5``: half the trend at horizon 1, three quarters at
    horizon 2), optionally a pooled AR(1) correction on the
    region's last idiosyncratic change (``ar=True``; off by default). Every
    coefficient is estimated from the training data only, and point
    forecasts are rounded to the precision the data are published in. With
    ``leading=`` (a stock counted at the end of each period, e.g. the
    running youth-care trajectories on 30 June and 31 December,
    :data:`LEADING`) it adds a pooled regression on how far that
    end-of-period stock moved against the period's count: the clients still
    in care at the end of a period are counted again in the next. Per
    horizon, the default then forecasts a weighted average of this forecast
    and the last value, the weight on the trend estimated by a nested
    backtest on the training data only (``guard=True``,
    ``guard_rule="weight"``: the weight whose gain over naive at the
    panel's earlier origins is surest, 0 without such evidence). Over every
    origin from 2018H1 to 2023H2 it beats naive on youth care and on the Wmo
    flows at horizon 1, and is far better than per-series automatic models;
    where it still loses to naive is listed in ``docs/forecasting.md``.
    The earlier undamped trend in absolute units
    lost to naive at turns of the national movement (2020, Wmo after 2021).
``naive``, ``drift``
    Baselines: the last value, and the last value plus the mean change.
``ets``, ``arima``, ``uc``, ``theta``
    Per-series statsmodels models: ETSModel (simple, trend, damped trend;
    chosen by AICc), SARIMAX (ARIMA(0,1,0)/(0,1,1) with or without drift,
    chosen by AICc; known level breaks as step dummies),
    UnobservedComponents (local level or local linear trend by AICc, known
    level breaks as intervention dummies) and the Theta method.
``auto``
    Per series, the candidate with the lowest rolling-origin error inside the
    training window (``select="cv"``) or the ETS form with the lowest AICc
    (``select="aicc"``).
``combination``
    The median, per region and horizon, of several methods.

Prediction intervals
--------------------
Every forecast carries 80 % and 95 % intervals. ``intervals="conformal"``
(the default for ``pooled``, ``naive`` and ``drift``) calibrates them on the
method's own errors at rolling origins *inside* the training window, scaled
per series by its mean absolute change and pooled over the panel per horizon
(split-conformal). The scale of a series is its mean absolute change over
its last ``scale_window=8`` changes, so intervals follow a series whose
volatility changes. ``intervals="model"`` uses the model's own formula.

Structural breaks
-----------------
A :class:`Break` names the first period of a new regime and how to treat it:
``"start"`` (use only data from the break on) or ``"level"`` (keep the data,
model a level shift: the change across the break is left out of every trend
estimate, and per-series models get an intervention dummy or a
level-adjusted history). ``breaks="auto"`` uses :func:`known_breaks` for the
panel's indicator plus every seam between CBS tables found in the ``source``
column. A forecast never spans a declared break: a break inside the forecast
horizon raises :class:`ForecastInputError`. The summary records what was done.
"""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .cbs.catalogue import is_table_source, is_table_switch
from .errors import InputError
from .periods import next_periods, period_end, period_sort_key, period_start, period_type_of

__all__ = [
    "BACKTEST_COLUMNS",
    "FORECAST_COLUMNS",
    "HORIZON_METHODS",
    "LEADING",
    "LEVELS",
    "METHODS",
    "BacktestResult",
    "Break",
    "ForecastInputError",
    "ForecastResult",
    "backtest",
    "detect_source_seams",
    "forecast_panel",
    "forecast_periods",
    "interval_coverage",
    "known_breaks",
    "mase",
    "min_calibration_errors",
    "naive_scale",
    "prepare_panel",
    "resolve_breaks",
    "score_backtest",
    "winkler_score",
]

LEVELS = (80, 95)
_FORECAST_DTYPES = {
    "region_code": object,
    "period": object,
    "horizon": "int64",
    "mean": float,
    "lo80": float,
    "hi80": float,
    "lo95": float,
    "hi95": float,
    "method": object,
}
FORECAST_COLUMNS = list(_FORECAST_DTYPES)
#: The columns of a backtest's forecasts as :func:`score_backtest` takes them
#: (the forecast, its origin, the outcome and the naive scale of the training series).
BACKTEST_COLUMNS = [
    "region_code",
    "origin",
    "period",
    "horizon",
    "actual",
    "mean",
    "lo80",
    "hi80",
    "lo95",
    "hi95",
    "method",
    "scale",
]
SUMMARY_COLUMNS = [
    "region_code",
    "method",
    "chosen",
    "reason",
    "n_obs",
    "first_period",
    "last_period",
    "breaks",
    "intervals",
]
METHODS = ("pooled", "naive", "drift", "ets", "arima", "uc", "theta", "auto", "combination")
#: What one horizon of the pooled method's forecast can be after its nested weight (``method`` column):
#: the pooled forecast (weight 1), naive (0), or a weighted average of the two.
HORIZON_METHODS = ("pooled", "naive", "weighted")
_VECTORISED = ("pooled", "naive", "drift")
_MIN_OBS = 3
#: The weights on the pooled forecast a combination with naive may take (``guard_rule="weight"``).
_WEIGHTS = np.linspace(0.0, 1.0, 11)
#: Shrinkage of the combination weight toward naive: ``m / (m + this)`` for ``m`` effective earlier origins.
_WEIGHT_PRIOR_ORIGINS = 2


def _weight_method(w: float) -> str:
    """The method a horizon got: ``'pooled'`` (weight 1), ``'naive'`` (0) or ``'weighted'`` (between)."""
    if w >= 1 - 1e-9:
        return "pooled"
    if w <= 1e-9:
        return "naive"
    return "weighted"


#: Indicator -> the CBS stock at the end of each period that leads it (``leading=``).
#: Youths in care during a half-year are those in care at its start (the stock at
#: the end of the previous half-year) plus those who start; trajectories are
#: counted per reference date in 82968NED/85094NED, released with the half-year
#: shares of 82972NED/85098NED.
LEADING = {
    "jeugdhulp_pct": "jeugdhulptrajecten",
    "jeugdbescherming_pct": "jeugdbeschermingstrajecten",
}
#: Fewest training pairs (region x period) for the leading-indicator coefficient.
_MIN_LEADING_PAIRS = 30


class ForecastInputError(InputError, ValueError):
    """A panel or parameter the forecasting functions cannot use (also a ValueError)."""


# ----------------------------------------------------------------------------- breaks


@dataclass(frozen=True)
class Break:
    """A known structural break in a series.

    Parameters
    ----------
    period : str
        The first period of the new regime, in project notation (``"2021"``
        or ``"2021H1"``). A year applies to every period that starts in or
        after it.
    handling : {"level", "start"}
        ``"start"``: use only data from ``period`` on. ``"level"``: keep the
        earlier data and model a level shift at ``period``.
    label : str
        What the break is, recorded in the forecast summary.
    """

    period: str
    handling: str = "level"
    label: str = ""

    def __post_init__(self) -> None:
        if self.handling not in ("level", "start"):
            raise ForecastInputError(
                f"break handling must be 'level' or 'start', not {self.handling!r}", column="breaks"
            )
        try:
            period_type_of(self.period)
        except ValueError as exc:
            raise ForecastInputError(str(exc), column="breaks") from None


_BUURTTEAM = "from 2016 CBS counts youth support by wijk/buurtteams (not in 2015)"
_FIRST_YEAR = "2015 was the first Jeugdwet year (registrations incomplete); series start in 2016"
# Definition breaks (in line with analysis.cbs.catalogue.SERIES_BREAKS) and the
# first Jeugdwet year: youth-care series start after 2015 by default.
_KNOWN_BREAKS: dict[str, tuple[Break, ...]] = {
    **{
        i: (Break("2016", "start", _BUURTTEAM),)
        for i in ("jeugdhulp_pct", "jeugdhulp_verblijf_pct", "jeugdzorg_personen", "jeugdzorg_pct")
    },
    **{
        i: (Break("2016", "start", _FIRST_YEAR),)
        for i in (
            "jeugdbescherming_pct",
            "jeugdbescherming_verblijf_pct",
            "jeugdreclassering_pct",
            "jeugdhulptrajecten",
            "jeugdhulptrajecten_buurtteam",
            "jeugdbeschermingstrajecten",
        )
    },
}
# Seams between CBS tables, used when the panel has no ``source`` column to find them in.
_KNOWN_SEAMS: dict[str, tuple[Break, ...]] = {
    **{
        i: (Break("2021", "level", "CBS table seam 82972NED -> 85098NED"),)
        for i in (
            "jeugdhulp_pct",
            "jeugdhulp_verblijf_pct",
            "jeugdbescherming_pct",
            "jeugdbescherming_verblijf_pct",
            "jeugdreclassering_pct",
        )
    },
    **{
        i: (Break("2021", "level", "CBS table seam 84134NED -> 85099NED"),)
        for i in ("jeugdzorg_personen", "jeugdzorg_pct")
    },
    **{
        i: (Break("2021", "level", "CBS table seam 82968NED -> 85094NED"),)
        for i in (
            "jeugdhulptrajecten",
            "jeugdhulptrajecten_buurtteam",
            "jeugdbeschermingstrajecten",
        )
    },
    **{
        i: (
            Break("2017", "level", "CBS table seam 83262NED -> 86050NED (86050NED wins 2017-2020)"),
        )
        for i in ("wmo_clienten", "wmo_clienten_per_1000")
    },
    **{
        i: (
            Break("2017", "level", "CBS table seam 83268NED -> 86051NED (86051NED wins 2017-2020)"),
        )
        for i in ("wmo_stand", "wmo_instroom", "wmo_uitstroom")
    },
}


def known_breaks(indicator: str | None, *, include_seams: bool = True) -> list[Break]:
    """The structural breaks the project knows for an indicator.

    Parameters
    ----------
    indicator : str or None
        An indicator id such as ``"jeugdhulp_pct"``; None gives no breaks.
    include_seams : bool, default True
        Also return the seams between continuation tables of CBS (used when a
        panel has no ``source`` column from which to detect them).

    Returns
    -------
    list of Break
        Youth-care indicators start in 2016 (``"start"``); CBS table seams are
        ``"level"`` breaks.
    """
    if indicator is None:
        return []
    out = list(_KNOWN_BREAKS.get(indicator, ()))
    if include_seams:
        out += list(_KNOWN_SEAMS.get(indicator, ()))
    return out


def detect_source_seams(panel: pd.DataFrame, *, min_share: float = 0.5) -> list[Break]:
    """Level breaks where the ``source`` of a series changes (a seam between CBS tables).

    Parameters
    ----------
    panel : DataFrame
        Columns ``region_code``, ``period``, ``source``.

    min_share : float, default 0.5
        Share of the series with a value before and at a period that must
        change source there for it to count as a seam. A table seam moves
        (nearly) every series at once; a few municipalities whose value comes
        from the other table in one period (an empty cell in the newer table)
        are not a break of the panel.

    Returns
    -------
    list of Break
        One ``"level"`` break per period where at least ``min_share`` of the
        series switch source, labelled with the sources.
    """
    if "source" not in panel.columns or panel.empty:
        return []
    found: dict[str, set[str]] = {}
    frame = panel[["region_code", "period", "source"]].dropna()
    order = {p: period_sort_key(p) for p in frame["period"].unique()}
    frame = frame.assign(_k=frame["period"].map(order)).sort_values(
        ["region_code", "_k"], kind="stable"
    )
    prev_src = frame.groupby("region_code", sort=False)["source"].shift()
    # the catalogue's rule (a new edition of one statistic, or a source that is no CBS table, is
    # no seam); a panel of other sources keeps every change of source as a seam
    cbs_panel = frame["source"].map(is_table_source).all()
    change = prev_src.notna() & (
        pd.Series(
            [is_table_switch(a, b) for a, b in zip(prev_src, frame["source"], strict=True)],
            index=frame.index,
        )
        if cbs_panel
        else (prev_src != frame["source"])
    )
    share = change.groupby(frame["period"]).sum() / prev_src.notna().groupby(frame["period"]).sum()
    seams = set(share.index[share >= min_share])
    for period, before, after in zip(
        frame.loc[change, "period"], prev_src[change], frame.loc[change, "source"], strict=True
    ):
        if period in seams:
            found.setdefault(period, set()).add(f"{before} -> {after}")
    return [
        Break(p, "level", "CBS table seam " + ", ".join(sorted(found[p])))
        for p in sorted(found, key=period_sort_key)
    ]


def resolve_breaks(
    panel: pd.DataFrame, breaks: str | Sequence[Break] | None = "auto", indicator: str | None = None
) -> list[Break]:
    """The breaks to apply to a panel.

    Parameters
    ----------
    panel : DataFrame
        The panel (its ``indicator`` and ``source`` columns are used when present).
    breaks : "auto", sequence of Break, or None
        ``"auto"``: :func:`known_breaks` of the indicator plus the seams found
        by :func:`detect_source_seams` (or, without a ``source`` column, the
        known seams). None or ``[]``: no breaks. A sequence is used as given.
    indicator : str, optional
        The indicator id; default the single value of ``panel["indicator"]``.

    Returns
    -------
    list of Break
        Sorted by period; a ``"start"`` break wins over a ``"level"`` break
        at the same period.
    """
    if breaks is None:
        return []
    if isinstance(breaks, str):
        if breaks != "auto":
            raise ForecastInputError(
                f"breaks must be 'auto', None or a list of Break, not {breaks!r}", column="breaks"
            )
        indicator = indicator or _single_indicator(panel)
        has_source = "source" in panel.columns and panel["source"].notna().any()
        out = known_breaks(indicator, include_seams=not has_source)
        if has_source:
            out += detect_source_seams(panel)
    else:
        out = list(breaks)
        for b in out:
            if not isinstance(b, Break):
                raise ForecastInputError(
                    f"breaks must hold Break objects, got {b!r}", column="breaks"
                )
    by_start: dict[pd.Timestamp, Break] = {}
    for b in out:
        key = period_start(b.period)
        if key not in by_start or (b.handling == "start" and by_start[key].handling != "start"):
            by_start[key] = b
    return [by_start[k] for k in sorted(by_start)]


def _single_indicator(panel: pd.DataFrame) -> str | None:
    if "indicator" not in panel.columns:
        return None
    ids = panel["indicator"].dropna().unique()
    return str(ids[0]) if len(ids) == 1 else None


# ----------------------------------------------------------------------------- panel


def forecast_periods(last_period: str, horizon: int) -> list[str]:
    """The ``horizon`` period labels after ``last_period`` (``'2024H1', 2 -> ['2024H2', '2025H1']``)."""
    if horizon < 1:
        raise ForecastInputError(f"horizon must be at least 1, not {horizon}", column="horizon")
    return next_periods(last_period, horizon)


def prepare_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Check a panel and return its ``region_code``, ``period``, ``value`` (and ``source``).

    Parameters
    ----------
    panel : DataFrame
        Columns ``region_code``, ``period``, ``value``; extra columns are
        ignored except ``period_type`` (checked against the notation),
        ``indicator`` (one only) and ``source`` (kept for break detection).

    Returns
    -------
    DataFrame
        Rows with a value, sorted by region and period, one row per region
        and period, plus a ``period_type`` column.

    Raises
    ------
    ForecastInputError
        On missing columns, unknown period notation, a period type that
        disagrees with the notation, mixed period types (within one series or
        across the panel), more than one indicator, or conflicting duplicates.
    """
    missing = [c for c in ("region_code", "period", "value") if c not in panel.columns]
    if missing:
        raise ForecastInputError(f"panel lacks column(s) {', '.join(missing)}")
    if "indicator" in panel.columns and panel["indicator"].dropna().nunique() > 1:
        raise ForecastInputError(
            "panel holds more than one indicator; forecast one at a time", column="indicator"
        )
    keep = ["region_code", "period", "value"] + [
        c for c in ("period_type", "source") if c in panel.columns
    ]
    df = panel[keep].copy()
    df["region_code"] = df["region_code"].astype(str).str.strip()
    df["period"] = df["period"].astype(str).str.strip()
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    kinds = {}
    for p in df["period"].unique():
        try:
            kinds[p] = period_type_of(p)
        except ValueError as exc:
            raise ForecastInputError(str(exc), column="period") from None
    actual = df["period"].map(kinds)
    if "period_type" in df.columns:
        bad = df["period_type"].notna() & (df["period_type"].astype(str) != actual)
        if bad.any():
            row = df[bad].iloc[0]
            raise ForecastInputError(
                f"period {row['period']!r} is written as a {actual[bad].iloc[0]} but period_type says "
                f"{row['period_type']!r}",
                column="period_type",
            )
    df["period_type"] = actual
    per_series = df.groupby("region_code")["period_type"].nunique()
    mixed = per_series[per_series > 1]
    if len(mixed):
        region = mixed.index[0]
        types = sorted(df.loc[df["region_code"] == region, "period_type"].unique())
        raise ForecastInputError(
            f"series {region} mixes period types ({', '.join(types)}); select one period type "
            f"(e.g. load_indicator(..., period_type='halfyear'))",
            column="period",
        )
    if df["period_type"].nunique() > 1:
        raise ForecastInputError(
            f"panel mixes period types ({', '.join(sorted(df['period_type'].unique()))}); "
            "forecast one period type at a time",
            column="period",
        )
    if df["period_type"].iloc[:1].eq("date").any():
        raise ForecastInputError(
            "reference dates (peildata) cannot be forecast as a regular series", column="period"
        )
    df = df.dropna(subset=["value"])
    dup = df.duplicated(["region_code", "period"], keep=False)
    if dup.any():
        conflict = df[dup].groupby(["region_code", "period"])["value"].nunique()
        if (conflict > 1).any():
            region, period = conflict[conflict > 1].index[0]
            raise ForecastInputError(f"two different values for {region} {period}", column="value")
        df = df.drop_duplicates(["region_code", "period"])
    order = {p: period_sort_key(p) for p in df["period"].unique()}
    df = df.assign(_k=df["period"].map(order)).sort_values(["region_code", "_k"], kind="stable")
    return df.drop(columns="_k").reset_index(drop=True)


@dataclass(frozen=True)
class _Grid:
    """A panel as a matrix: regions x consecutive periods (NaN where absent)."""

    regions: list[str]
    periods: list[str]
    values: np.ndarray


def _to_grid(df: pd.DataFrame) -> _Grid:
    periods = sorted(df["period"].unique(), key=period_sort_key)
    first, last = periods[0], periods[-1]
    grid = [first]
    while grid[-1] != last:
        grid.append(next_periods(grid[-1], 1)[0])
        if len(grid) > 10_000:  # pragma: no cover - defensive
            raise ForecastInputError("period range too long")
    wide = df.pivot(index="region_code", columns="period", values="value").reindex(columns=grid)
    return _Grid(list(wide.index), grid, wide.to_numpy(dtype=float))


def _break_positions(periods: list[str], breaks: list[Break]) -> list[tuple[int, Break]]:
    """Index of the first grid period on or after each break (len(periods) if after the grid)."""
    starts = [period_start(p) for p in periods]
    out = []
    for b in breaks:
        t = period_start(b.period)
        idx = next((i for i, s in enumerate(starts) if s >= t), len(periods))
        out.append((idx, b))
    return out


def _season_of(period: str) -> int:
    kind = period_type_of(period)
    if kind == "halfyear":
        return int(period[-1]) - 1
    if kind == "quarter":
        return int(period[-1]) - 1
    if kind == "month":
        return int(period[5:7]) - 1
    return 0


@dataclass(frozen=True)
class _Prepared:
    """The panel after break handling, ready for the methods."""

    grid: _Grid
    cross: np.ndarray  # bool (n-1,): change j (y[j] -> y[j+1]) crosses a level break
    level_breaks: list[int]  # grid indices of level breaks inside the kept window
    notes: list[str]  # one text per region (break handling)
    eligible: np.ndarray  # bool (N,)
    reasons: list[str]


def _apply_breaks(grid: _Grid, breaks: list[Break], horizon: int) -> _Prepared:
    n = len(grid.periods)
    future = next_periods(grid.periods[-1], horizon)
    future_start = period_start(future[0])
    future_end = period_start(future[-1])
    for b in breaks:
        s = period_start(b.period)
        if future_start <= s <= future_end:
            raise ForecastInputError(
                f"declared break at {b.period} ({b.label or b.handling}) lies inside the forecast horizon "
                f"{future[0]}..{future[-1]}; shorten the horizon or drop the break",
                column="breaks",
            )
    positions = _break_positions(
        grid.periods, [b for b in breaks if period_start(b.period) < future_start]
    )
    values = grid.values.copy()
    cut = 0
    texts = []
    for idx, b in positions:
        if b.handling == "start" and idx > cut:
            cut = idx
    level_breaks = []
    for idx, b in positions:
        name = f"{b.period} ({b.label})" if b.label else b.period
        if b.handling == "start":
            if idx <= 0:
                texts.append(f"break {name}: series starts {grid.periods[0]}, after it")
            elif idx < n:
                texts.append(f"break {name}: data before {grid.periods[idx]} dropped")
            continue
        if idx <= cut:
            texts.append(f"break {name}: before the data used, nothing to do")
        elif idx < n:
            level_breaks.append(idx)
            texts.append(
                f"break {name}: level shift modelled (change {grid.periods[idx - 1]}->"
                f"{grid.periods[idx]} left out of trend estimates)"
            )
    if cut >= n:
        raise ForecastInputError(
            f"a 'start' break leaves no data before the forecast ({grid.periods[-1]})",
            column="breaks",
        )
    if cut:
        values = values[:, cut:]
        grid = _Grid(grid.regions, grid.periods[cut:], values)
        level_breaks = [i - cut for i in level_breaks]
    cross = np.zeros(max(len(grid.periods) - 1, 0), dtype=bool)
    for i in level_breaks:
        cross[i - 1] = True
    note = "; ".join(texts) if texts else "no declared breaks"
    counts = np.sum(~np.isnan(values), axis=1)
    last_ok = ~np.isnan(values[:, -1])
    eligible = last_ok & (counts >= _MIN_OBS)
    reasons = []
    for ok, has_last, c in zip(eligible, last_ok, counts, strict=True):
        if ok:
            reasons.append("")
        elif not has_last:
            reasons.append(f"no value in the last period {grid.periods[-1]}; not forecast")
        else:
            reasons.append(
                f"only {int(c)} observation(s) after break handling (need {_MIN_OBS}); not forecast"
            )
    return _Prepared(grid, cross, level_breaks, [note] * len(grid.regions), eligible, reasons)


# ----------------------------------------------------------------------------- vectorised methods


def _changes(Y: np.ndarray, cross: np.ndarray) -> np.ndarray:
    d = np.diff(Y, axis=1)
    if d.shape[1]:
        d[:, cross[: d.shape[1]]] = np.nan
    return d


def _nanmean_rows(a: np.ndarray) -> np.ndarray:
    k = np.sum(~np.isnan(a), axis=1)
    s = np.nansum(a, axis=1)
    return np.where(k > 0, s / np.maximum(k, 1), np.nan)


def _col_median(d: np.ndarray) -> np.ndarray:
    out = np.full(d.shape[1], np.nan)
    for j in range(d.shape[1]):
        col = d[:, j]
        col = col[~np.isnan(col)]
        if col.size:
            out[j] = np.median(col)
    return out


def _series_scale(Y: np.ndarray, cross: np.ndarray, window: int | None = None) -> np.ndarray:
    """Mean absolute change per series over its last ``window`` changes (None: all; break changes left out).

    Floored at a quarter of the panel median, so a flat series still gets a scale.
    """
    d = np.abs(_changes(Y, cross))
    if window:
        d = d[:, -window:]
    s = _nanmean_rows(d)
    pos = s[np.isfinite(s) & (s > 0)]
    floor = 0.25 * float(np.median(pos)) if pos.size else 1.0
    return np.where(np.isfinite(s) & (s > floor), s, floor)


def _pooled_point(
    Y: np.ndarray,
    cross: np.ndarray,
    horizon: int,
    seasons: np.ndarray,
    *,
    window: int = 4,
    local_window: int = 8,
    damping: float = 0.5,
    ar: bool = False,
    seasonal: bool = True,
    leading: np.ndarray | None = None,
    leading_cross: np.ndarray | None = None,
    leading_window: int = 8,
    relative: bool = True,
) -> tuple[np.ndarray, dict]:
    """Pooled trend + shrunk local trend + pooled AR(1) on idiosyncratic changes.

    With ``relative`` the pooled trend is the median *log* change, applied
    to each region's last value: the model for counts of regions of very
    different size, unbiased by a half-year pattern.

    With ``leading`` (regions x periods, aligned with ``Y``; only its first
    ``Y.shape[1]`` columns are used, so calibration origins see no later
    value) the :func:`_leading_correction` is added.
    """
    N, n = Y.shape
    d = _changes(Y, cross)
    last = Y[:, -1]
    if d.shape[1] == 0:
        return np.repeat(last[:, None], horizon, axis=1), {"pooled_trend": 0.0}
    if relative:
        prev = Y[:, :-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            # median log change per period: a half-year pattern of +50 % and -33 % averages to 0, not +8 %
            common = _col_median(
                np.where((prev > 0) & (Y[:, 1:] > 0), np.log(Y[:, 1:] / prev), np.nan)
            )
        common_abs = np.expm1(common)[None, :] * prev
    else:
        common = _col_median(d)  # cross-sectional median change per period
        common_abs = np.broadcast_to(common[None, :], d.shape)
    recent = common[-window:]
    recent_seasons = seasons[1:][-window:]  # season of the period each change leads to
    trend = float(np.nanmean(recent)) if np.isfinite(recent).any() else 0.0
    phis = damping ** np.arange(1, horizon + 1)
    path = np.cumsum(trend * phis)
    n_seasons = int(seasons.max()) + 1 if seasons.size else 1
    if seasonal and n_seasons > 1:
        # a target period in another season than the origin's adds that season's (damped) deviation
        # from the trend; over a whole cycle the deviations cancel, so a target in the origin's
        # season gets the trend alone
        for h in range(horizon):
            target = (seasons[-1] + h + 1) % n_seasons
            same = recent[(recent_seasons == target) & np.isfinite(recent)]
            if target != seasons[-1] and same.size:
                path[h] += (float(same.mean()) - trend) * phis[0]
    # region's own trend, shrunk toward the pooled trend (empirical Bayes, method of moments)
    u = d - common_abs
    uu = u[:, -local_window:]
    k = np.sum(~np.isnan(uu), axis=1)
    mi = _nanmean_rows(uu)
    dev = uu - mi[:, None]
    var = np.where(k >= 2, np.nansum(dev**2, axis=1) / np.maximum(k - 1, 1), np.nan)
    s2 = var / np.maximum(k, 1)
    ok = (k >= 2) & np.isfinite(s2)
    tau2 = max(float(np.mean(mi[ok] ** 2) - np.mean(s2[ok])), 0.0) if ok.any() else 0.0
    weight = np.where(ok, tau2 / np.maximum(tau2 + s2, 1e-12), 0.0)
    weight = np.where(ok & (tau2 + s2 <= 1e-12), 0.0, weight)
    local = np.nan_to_num(weight * mi)
    trend_path = last[:, None] * np.expm1(path)[None, :] if relative else path[None, :]
    F = last[:, None] + trend_path + local[:, None] * np.cumsum(phis)[None, :]
    coef = 0.0
    if ar and u.shape[1] >= 3:
        v = u - local[:, None]
        x, y = v[:, :-1].ravel(), v[:, 1:].ravel()
        m = np.isfinite(x) & np.isfinite(y)
        denom = float(np.sum(x[m] ** 2))
        if m.sum() >= 10 and denom > 0:
            coef = float(np.clip(np.sum(x[m] * y[m]) / denom, -0.9, 0.9))
        vl = np.nan_to_num(v[:, -1])
        F = F + vl[:, None] * np.cumsum(coef ** np.arange(1, horizon + 1))[None, :]
    params = {
        "pooled_trend": trend,
        "trend_kind": "relative" if relative else "absolute",
        "mean_shrink_weight": float(np.mean(weight)),
        "ar1": coef,
    }
    if leading is not None:
        lcross = cross if leading_cross is None else leading_cross[: n - 1] | cross
        corr, coefs, pairs = _leading_correction(
            Y, leading[:, :n], cross, lcross, horizon, leading_window
        )
        F = F + corr
        params.update(
            {"leading_coef": coefs, "leading_pairs": pairs, "leading_window": leading_window}
        )
    return F, params


def _leading_feature(
    Y: np.ndarray, S: np.ndarray, lcross: np.ndarray, k: int, window: int
) -> np.ndarray | None:
    """How far the end-of-period stock moved against the period's value, at column ``k``.

    ``log(S/Y)`` at ``k`` minus its mean over up to ``window`` earlier periods
    of the same regime (no break of either series in between), centred on
    the panel median and times ``Y[:, k]`` (so it is in the unit of ``Y``).
    None when no earlier period of the regime exists.
    """
    lo = max(0, k - window)
    before = np.flatnonzero(lcross[:k])
    if before.size:
        lo = max(lo, int(before[-1]) + 1)
    if k - lo < 1:
        return None
    ys, ss = Y[:, lo : k + 1], S[:, lo : k + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.where((ys > 0) & (ss > 0), np.log(ss) - np.log(ys), np.nan)
    r = lr[:, -1] - _nanmean_rows(lr[:, :-1])
    ok = np.isfinite(r)
    if ok.sum() < 2:
        return None
    return Y[:, k] * (r - float(np.median(r[ok])))


def _leading_correction(
    Y: np.ndarray, S: np.ndarray, cross: np.ndarray, lcross: np.ndarray, horizon: int, window: int
) -> tuple[np.ndarray, list[float], list[int]]:
    """Pooled regression of each region's h-period change, net of the panel median, on the leading feature.

    One coefficient per horizon, least squares without intercept over every
    region and training period whose change does not cross a level break;
    zero when fewer than ``_MIN_LEADING_PAIRS`` pairs exist.

    Returns the correction (regions x horizon), and per horizon the
    coefficient and the number of training pairs.
    """
    N, n = Y.shape
    out = np.zeros((N, horizon))
    coefs, counts = [], []
    feats = {t: _leading_feature(Y, S, lcross, t, window) for t in range(1, n)}
    last = feats.get(n - 1)
    for h in range(1, horizon + 1):
        xs, ys = [], []
        for t in range(1, n - h):
            f = feats[t]
            if f is None or cross[t : t + h].any():
                continue
            u = Y[:, t + h] - Y[:, t]
            ok = np.isfinite(u)
            if ok.sum() < 2:
                continue
            u = u - float(np.median(u[ok]))
            m = np.isfinite(f) & np.isfinite(u)
            xs.append(f[m])
            ys.append(u[m])
        x = np.concatenate(xs) if xs else np.empty(0)
        y = np.concatenate(ys) if ys else np.empty(0)
        denom = float(np.sum(x**2))
        beta = float(np.sum(x * y) / denom) if x.size >= _MIN_LEADING_PAIRS and denom > 0 else 0.0
        coefs.append(beta)
        counts.append(int(x.size))
        if last is not None:
            out[:, h - 1] = np.nan_to_num(beta * last)
    return out, coefs, counts


def _naive_point(
    Y: np.ndarray, cross: np.ndarray, horizon: int, seasons: np.ndarray
) -> tuple[np.ndarray, dict]:
    return np.repeat(Y[:, -1:], horizon, axis=1), {}


def _drift_point(
    Y: np.ndarray, cross: np.ndarray, horizon: int, seasons: np.ndarray
) -> tuple[np.ndarray, dict]:
    slope = np.nan_to_num(_nanmean_rows(_changes(Y, cross)))
    return Y[:, -1:] + slope[:, None] * np.arange(1, horizon + 1)[None, :], {}


def _resolution(values: np.ndarray) -> float | None:
    """The precision the data are published in (5, 1, 0.1, ...), or None."""
    v = values[np.isfinite(values)]
    if not v.size:
        return None
    for r in (5.0, 1.0, 0.1, 0.01, 0.001):
        if np.allclose(v / r, np.round(v / r), atol=1e-6):
            return r
    return None


def _conformal_quantiles(
    Y: np.ndarray,
    cross: np.ndarray,
    seasons: np.ndarray,
    point: Callable[..., tuple[np.ndarray, dict]],
    horizon: int,
    n_origins: int,
    levels: Sequence[int],
    scale_window: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of |scaled error| per horizon and level from rolling origins inside Y.

    Returns ``q`` of shape (horizon, len(levels)) and the number of
    calibration errors per horizon.
    """
    n = Y.shape[1]
    errs: list[list[np.ndarray]] = [[] for _ in range(horizon)]
    for t in range(max(_MIN_OBS - 1, n - 1 - n_origins), n - 1):
        sub = Y[:, : t + 1]
        F, _ = point(sub, cross[:t], horizon, seasons[: t + 1])
        scale = _series_scale(sub, cross[:t], scale_window)
        for h in range(1, horizon + 1):
            if t + h >= n or cross[t : t + h].any():
                continue
            z = (Y[:, t + h] - F[:, h - 1]) / scale
            z = z[np.isfinite(z) & np.isfinite(sub[:, -1])]
            if z.size:
                errs[h - 1].append(np.abs(z))
    return _error_quantiles(errs, horizon, levels)


def _error_quantiles(
    errs: list[list[np.ndarray]], horizon: int, levels: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Split-conformal quantiles of absolute scaled calibration errors, per horizon (``errs[h-1]``) and level.

    A level needs ``n >= (n + 1) * level / 100`` calibration errors (4 for
    80 %, 19 for 95 %): with fewer, its split-conformal quantile is the
    largest error or beyond, whose coverage is only ``n / (n + 1)``, so the
    level gets no quantile (NaN) instead of a band that claims more than the
    errors can show. A horizon without errors is scaled up from the nearest
    earlier one by sqrt(h), level by level; without any errors at all, a
    normal approximation on the scale.
    """
    q = np.full((horizon, len(levels)), np.nan)
    counts = np.zeros(horizon, dtype=int)
    for h in range(horizon):
        if errs[h]:
            z = np.concatenate(errs[h])
            counts[h] = z.size
            for j, lev in enumerate(levels):
                rank = math.ceil((z.size + 1) * lev / 100)
                if rank <= z.size:
                    q[h, j] = np.quantile(z, rank / z.size, method="higher")
    known = np.flatnonzero(counts > 0)
    for h in range(horizon):
        if counts[h]:
            continue
        if known.size:
            ref = known[known < h].max() if (known < h).any() else known.min()
            q[h] = q[ref] * math.sqrt((h + 1) / (ref + 1))
        else:  # no calibration possible: normal approximation on the scale
            from scipy.stats import norm

            q[h] = [norm.ppf(0.5 + lev / 200) * 1.25 * math.sqrt(h + 1) for lev in levels]
    return q, counts


def min_calibration_errors(level: float) -> int:
    """The fewest calibration errors with which a conformal interval can hold ``level`` per cent.

    Parameters
    ----------
    level : float
        Nominal coverage in per cent, between 0 and 100.

    Returns
    -------
    int
        The smallest ``n`` with ``ceil((n + 1) * level / 100) <= n``: 4 for 80 %,
        19 for 95 %.

    Raises
    ------
    ValueError
        For a level outside (0, 100).
    """
    if not 0 < level < 100:
        raise ValueError(f"level must be between 0 and 100, not {level!r}")
    n = 1
    while math.ceil((n + 1) * level / 100) > n:
        n += 1
    return n


def _effective_origins(k: int, h: int, overlap: bool = True) -> float:
    """How many independent origins ``k`` consecutive origins' ``h``-step errors are worth.

    The ``h``-step errors of consecutive origins share ``h - 1`` of their
    target periods, and so their national shocks: ``k`` of them are worth
    about ``k / h`` independent origins (as the h-period overlaps of
    Hansen-Hodrick). Counting them as ``k`` made the bound at horizon 2 too
    narrow and gave the trend a weight on 2-4 earlier origins.
    ``overlap=False``: ``k`` (the rule before 3 December 2026).
    """
    return k / h if overlap else float(k)


def _upper_bound(mean, std, m: float, level: float):
    """One-sided ``level`` Student-t upper bound of a mean over ``m`` effective origins (arrays allowed)."""
    from scipy.stats import t as t_dist

    return mean + float(t_dist.ppf(level, m - 1)) * std / math.sqrt(m)


def _guarded(
    Y: np.ndarray,
    cross: np.ndarray,
    seasons: np.ndarray,
    point: Callable[..., tuple[np.ndarray, dict]],
    F: np.ndarray,
    horizon: int,
    cal: tuple[int, int | None] | None,
    levels: Sequence[int],
    level: float = 0.5,
    rule: str = "choice",
    rnd: float | None = None,
    recalibrate: bool = False,
    overlap: bool = True,
) -> tuple[np.ndarray, list[str], dict, tuple[np.ndarray, np.ndarray] | None]:
    """The pooled forecast ``F`` or naive, per horizon, by a nested backtest on the training data only.

    At every origin ``t`` inside ``Y`` (from the third observation on) the
    pooled method (``point``) and naive are forecast from ``Y[:, :t+1]``.
    Per origin ``t`` and horizon ``h`` (the change not crossing a level
    break) the difference of the two methods' mean absolute scaled errors
    over the regions is one observation (scale: the series' mean absolute
    change up to ``t``; one observation per origin, since the regions of an
    origin share its national shock). At an origin ``s``, horizon ``h``
    keeps the pooled forecast only when the one-sided ``level`` upper bound
    of the mean difference over the origins scored by ``s`` (``t + h <= s``;
    Student t over origins) lies below 0: the pooled method was better than
    naive, beyond chance, at every earlier origin taken together; otherwise
    (and with fewer than 2 such origins) it is naive. With ``overlap`` the
    ``k`` origins scored at horizon ``h`` count as ``m = k / h`` in the
    bound (standard error over ``sqrt(m)``, ``m - 1`` degrees of freedom,
    ``m`` at least 2) and the shrinkage (:func:`_effective_origins`); without
    it ``m = k``. ``level=0.5``: the
    mean difference alone. The choice at the panel's last period gives the
    forecast. The conformal intervals (``cal``:
    calibration origins, scale window; None for none) are calibrated on the
    errors of this same guarded procedure at the last calibration origins,
    each with the choice it would have made there.

    ``rule="weight"``: instead of a choice, a combination ``naive + w *
    (pooled - naive)`` (rounded like the pooled forecast) with ``w`` per
    horizon from the origins scored by ``s``: the weight on the grid 0,
    0.1, ..., 1 whose difference from naive (per origin, the mean absolute
    scaled error of the combination minus naive's) has the lowest mean over
    those origins (``level=0.5``) or the lowest one-sided ``level`` upper
    bound (Student t over the origins, ``m`` at least 2; ties: the smaller
    weight), so 0 unless some weight beat naive; shrunk toward 0 (naive)
    by ``m / (m + _WEIGHT_PRIOR_ORIGINS)``; 0 without an earlier origin.

    ``recalibrate``: the interval quantiles are multiplied, per horizon and
    level, by the factor that would have made the intervals of every
    earlier origin cover at their level: at each origin ``u`` inside the
    panel, the quantiles as ``u`` had them (calibrated on the origins
    before ``u`` only), and the factor the ``level`` quantile of |scaled
    error| / quantile over all those origins (1 where none can be scored).
    Everything comes from outcomes up to the panel's last period.

    Returns the guarded forecast, the method per horizon, the scores behind
    the choice, and the quantiles and counts of the calibration errors.
    """
    N, n = Y.shape
    t0 = _MIN_OBS - 1
    pooled_at: dict[int, np.ndarray] = {}
    for t in range(t0, n - 1):
        pooled_at[t], _ = point(Y[:, : t + 1], cross[:t], horizon, seasons[: t + 1])
    # sums[h-1, s]: sum of scaled errors (pooled, naive) and pairs over origins t with t + h == s;
    # diffs[h-1, s]: the mean over regions of (pooled - naive) scaled error of that origin (NaN: none)
    sums = np.zeros((2, horizon, n))
    pairs = np.zeros((horizon, n))
    diffs = np.full((horizon, n), np.nan)
    # wloss[h-1, s, j]: mean absolute scaled error of naive + W[j] * (pooled - naive) at the origin t = s - h
    wloss = np.full((horizon, n, _WEIGHTS.size), np.nan)
    for t in range(t0, n - 1):
        scale = _series_scale(Y[:, : t + 1], cross[:t], None)
        for h in range(1, horizon + 1):
            if t + h >= n or cross[t : t + h].any():
                continue
            sp = (pooled_at[t][:, h - 1] - Y[:, t + h]) / scale
            sn = (Y[:, t] - Y[:, t + h]) / scale
            ep, en = np.abs(sp), np.abs(sn)
            ok = np.isfinite(ep) & np.isfinite(en)
            if not ok.any():
                continue
            sums[0, h - 1, t + h] += ep[ok].sum()
            sums[1, h - 1, t + h] += en[ok].sum()
            pairs[h - 1, t + h] += ok.sum()
            diffs[h - 1, t + h] = float(np.mean(ep[ok] - en[ok]))
            if rule == "weight":
                comb = sn[ok][None, :] + _WEIGHTS[:, None] * (sp[ok] - sn[ok])[None, :]
                wloss[h - 1, t + h] = np.abs(comb).mean(axis=1)
    cum, cum_pairs = np.cumsum(sums, axis=2), np.cumsum(pairs, axis=1)

    def evidence(s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per horizon, over the origins scored by ``s``: mean (pooled - naive), its upper bound, origins."""
        mean, upper, k = (
            np.full(horizon, np.nan),
            np.full(horizon, np.nan),
            np.zeros(horizon, dtype=int),
        )
        for h in range(horizon):
            d = diffs[h, : s + 1]
            d = d[np.isfinite(d)]
            k[h] = d.size
            if not d.size:
                continue
            mean[h] = float(d.mean())
            m = _effective_origins(d.size, h + 1, overlap)
            if level <= 0.5:
                upper[h] = mean[h]
            elif m >= 2:
                upper[h] = float(_upper_bound(mean[h], d.std(ddof=1), m, level))
        return mean, upper, k

    def weights(s: int) -> np.ndarray:
        """Per horizon: the weight on the pooled forecast from the origins scored by ``s`` (0: naive)."""
        if rule == "weight":
            w = np.zeros(horizon)
            for h in range(horizon):
                L = wloss[h, : s + 1]
                L = L[np.isfinite(L).all(axis=1)]
                k = L.shape[0]
                if not k:
                    continue
                D = L - L[:, :1]  # per origin: the combination's mean scaled error minus naive's
                bound = D.mean(axis=0)
                m = _effective_origins(k, h + 1, overlap)
                if level > 0.5:
                    if m < 2:
                        continue
                    bound = _upper_bound(bound, D.std(axis=0, ddof=1), m, level)
                w[h] = _WEIGHTS[int(np.argmin(bound))] * m / (m + _WEIGHT_PRIOR_ORIGINS)
            return w
        return (np.nan_to_num(evidence(s)[1], nan=np.inf) < 0).astype(float)

    def guarded_at(t: int, P: np.ndarray) -> np.ndarray:
        w = weights(t)
        last = Y[:, t][:, None]
        return _rounded(last + w[None, :] * (P - last), rnd)

    wts = weights(n - 1)
    out = guarded_at(n - 1, F)
    methods = [_weight_method(w) for w in wts]
    mean, upper, k = evidence(n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = {
            "pooled": (cum[0, :, -1] / cum_pairs[:, -1]).tolist(),
            "naive": (cum[1, :, -1] / cum_pairs[:, -1]).tolist(),
            "pairs": cum_pairs[:, -1].astype(int).tolist(),
            "origins": k.tolist(),
            "mean_diff": mean.tolist(),
            "upper_diff": upper.tolist(),
            "level": level,
            "rule": rule,
            "overlap": overlap,
            "weights": wts.tolist(),
        }
    if cal is None:
        return out, methods, scores, None
    n_origins, window = cal
    # zs[t][h-1]: absolute scaled errors of the guarded procedure at origin t (None: not scored)
    first = t0 if recalibrate else max(t0, n - 1 - n_origins)
    zs: dict[int, list[np.ndarray | None]] = {}
    for t in range(first, n - 1):
        G = guarded_at(t, pooled_at[t])
        scale = _series_scale(Y[:, : t + 1], cross[:t], window)
        zs[t] = [None] * horizon
        for h in range(1, horizon + 1):
            if t + h >= n or cross[t : t + h].any():
                continue
            z = (Y[:, t + h] - G[:, h - 1]) / scale
            z = z[np.isfinite(z) & np.isfinite(Y[:, t])]
            if z.size:
                zs[t][h - 1] = np.abs(z)

    def quantiles_at(u: int) -> tuple[np.ndarray, np.ndarray]:
        """Conformal quantiles as the origin ``u`` would have had them (outcomes up to ``u`` only)."""
        errs: list[list[np.ndarray]] = [[] for _ in range(horizon)]
        for t in range(max(t0, u - n_origins), u):
            for h in range(1, horizon + 1):
                z = zs.get(t, [None] * horizon)[h - 1]
                if z is not None and t + h <= u:
                    errs[h - 1].append(z)
        return _error_quantiles(errs, horizon, levels)

    q, counts = quantiles_at(n - 1)
    if recalibrate:
        factor = np.ones_like(q)
        for h in range(horizon):
            ratios: list[list[np.ndarray]] = [[] for _ in levels]
            for u in range(t0 + 1, n - 1):
                z = zs.get(u, [None] * horizon)[h]
                if z is None:
                    continue
                qu, cu = quantiles_at(u)
                if not cu[h]:
                    continue
                for j in range(len(levels)):
                    if np.isfinite(qu[h, j]):  # a level without a quantile at u says nothing
                        ratios[j].append(z / qu[h, j])
            for j, lev in enumerate(levels):
                if ratios[j]:
                    factor[h, j] = float(np.quantile(np.concatenate(ratios[j]), lev / 100))
        q = q * factor
        scores["interval_factor"] = factor.tolist()
    return out, methods, scores, (q, counts)


def _model_bounds_vectorised(
    method: str, Y: np.ndarray, cross: np.ndarray, F: np.ndarray, levels: Sequence[int]
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    from scipy.stats import norm

    d = _changes(Y, cross)
    H = F.shape[1]
    hs = np.arange(1, H + 1)
    k = np.sum(~np.isnan(d), axis=1)
    if method == "drift":
        res = d - _nanmean_rows(d)[:, None]
        sigma = np.sqrt(np.nansum(res**2, axis=1) / np.maximum(k - 1, 1))
        se = sigma[:, None] * np.sqrt(hs[None, :] * (1 + hs[None, :] / np.maximum(k, 1)[:, None]))
    else:  # naive (and pooled, as a random walk)
        sigma = np.sqrt(np.nansum(d**2, axis=1) / np.maximum(k, 1))
        se = sigma[:, None] * np.sqrt(hs)[None, :]
    out = {}
    for lev in levels:
        z = norm.ppf(0.5 + lev / 200)
        out[lev] = (F - z * se, F + z * se)
    return out


# ----------------------------------------------------------------------------- per-series statsmodels methods


@dataclass
class _SeriesFit:
    mean: np.ndarray
    bounds: dict[int, tuple[np.ndarray, np.ndarray]]
    info: str
    ic: float = np.nan


def _one_blas_thread():
    """Limit BLAS to one thread for many tiny fits (threads only contend there), if threadpoolctl is installed.

    Scoped: the previous limits are restored on exit.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _quiet(fn, *args, **kwargs):
    """Run a statsmodels fit with its warnings (short series, convergence) silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _level_adjusted(y: np.ndarray, breaks: Sequence[int]) -> tuple[np.ndarray, str]:
    """Shift the history before each level break by the jump at the break minus the series' typical change."""
    y = y.copy()
    texts = []
    for b in sorted(breaks, reverse=True):
        if b <= 0 or b >= len(y):
            continue
        d = np.diff(y)
        others = np.delete(d, b - 1)
        typical = float(np.median(others)) if others.size else 0.0
        jump = float(y[b] - y[b - 1]) - typical
        y[:b] += jump
        texts.append(f"level shift {jump:+.3g} at index {b} removed")
    return y, "; ".join(texts)


def _interp(y: np.ndarray) -> np.ndarray:
    if not np.isnan(y).any():
        return y
    idx = np.arange(len(y))
    ok = ~np.isnan(y)
    return np.interp(idx, idx[ok], y[ok])


def _fit_naive(y, horizon, levels, breaks, seasonal_periods):
    F, _ = _naive_point(y[None, :], _cross_for(len(y), breaks), horizon, np.zeros(len(y), int))
    b = _model_bounds_vectorised("naive", y[None, :], _cross_for(len(y), breaks), F, levels)
    return _SeriesFit(F[0], {k: (v[0][0], v[1][0]) for k, v in b.items()}, "last value")


def _fit_drift(y, horizon, levels, breaks, seasonal_periods):
    cross = _cross_for(len(y), breaks)
    F, _ = _drift_point(y[None, :], cross, horizon, np.zeros(len(y), int))
    b = _model_bounds_vectorised("drift", y[None, :], cross, F, levels)
    return _SeriesFit(
        F[0], {k: (v[0][0], v[1][0]) for k, v in b.items()}, "last value + mean change"
    )


def _cross_for(n: int, breaks: Sequence[int]) -> np.ndarray:
    cross = np.zeros(max(n - 1, 0), dtype=bool)
    for b in breaks:
        if 1 <= b <= n - 1:
            cross[b - 1] = True
    return cross


def _fit_ets(y, horizon, levels, breaks, seasonal_periods):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    z, note = _level_adjusted(_interp(y), breaks)
    s = pd.Series(z)
    specs = [
        ("A,N,N", {}),
        ("A,A,N", {"trend": "add"}),
        ("A,Ad,N", {"trend": "add", "damped_trend": True}),
    ]
    if seasonal_periods and len(z) >= 3 * seasonal_periods:
        specs.append(("A,N,A", {"seasonal": "add", "seasonal_periods": seasonal_periods}))
    best = None
    for name, kw in specs:
        if kw.get("trend") and len(z) < 5:
            continue
        try:
            res = _quiet(ETSModel(s, error="add", **kw).fit, disp=False)
        except Exception:  # noqa: BLE001 - a failing candidate is skipped
            continue
        ic = res.aicc if np.isfinite(res.aicc) else res.aic
        if best is None or ic < best[0]:
            best = (ic, name, res)
    if best is None:
        return _fit_naive(y, horizon, levels, breaks, seasonal_periods)
    ic, name, res = best
    n = len(z)
    bounds = {}
    mean = np.asarray(_quiet(res.forecast, horizon))
    for lev in levels:
        sf = _quiet(
            lambda r, a: r.get_prediction(start=n, end=n + horizon - 1).summary_frame(alpha=a),
            res,
            1 - lev / 100,
        )
        bounds[lev] = (sf["pi_lower"].to_numpy(), sf["pi_upper"].to_numpy())
    info = f"ETS({name}) by AICc" + (f"; {note}" if note else "")
    return _SeriesFit(mean, bounds, info, float(ic))


def _fit_theta(y, horizon, levels, breaks, seasonal_periods):
    from statsmodels.tsa.forecasting.theta import ThetaModel

    z, note = _level_adjusted(_interp(y), breaks)
    period = seasonal_periods if seasonal_periods and len(z) >= 4 * seasonal_periods else 1
    res = _quiet(ThetaModel(z, period=period, deseasonalize=period > 1).fit)
    mean = np.asarray(_quiet(res.forecast, horizon))
    bounds = {}
    for lev in levels:
        pi = _quiet(res.prediction_intervals, horizon, alpha=1 - lev / 100)
        bounds[lev] = (np.asarray(pi["lower"]), np.asarray(pi["upper"]))
    return _SeriesFit(mean, bounds, "Theta method" + (f"; {note}" if note else ""))


def _step_dummies(
    n: int, horizon: int, breaks: Sequence[int]
) -> tuple[np.ndarray | None, np.ndarray | None]:
    bs = [b for b in breaks if 1 <= b <= n - 1]
    if not bs:
        return None, None
    ex = np.column_stack([(np.arange(n) >= b).astype(float) for b in bs])
    return ex, np.ones((horizon, len(bs)))


def _fit_state_space(candidates, y, horizon, levels, breaks, label):
    n = len(y)
    ex, ex_f = _step_dummies(n, horizon, breaks)
    best = None
    for name, make in candidates:
        try:
            res = _quiet(lambda m=make: m(y, ex).fit(disp=False))
        except Exception:  # noqa: BLE001
            continue
        ic = res.aicc
        if np.isfinite(ic) and (best is None or ic < best[0]):
            best = (ic, name, res)
    if best is None:
        return None
    ic, name, res = best
    fc = _quiet(res.get_forecast, horizon, exog=ex_f)
    mean = np.asarray(fc.predicted_mean)
    bounds = {}
    for lev in levels:
        ci = np.asarray(_quiet(fc.conf_int, alpha=1 - lev / 100))
        bounds[lev] = (ci[:, 0], ci[:, 1])
    dummies = f"; {ex.shape[1]} level-shift dummy(ies)" if ex is not None else ""
    return _SeriesFit(mean, bounds, f"{label} {name} by AICc{dummies}", float(ic))


def _fit_arima(y, horizon, levels, breaks, seasonal_periods):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    def mk(order, trend, seasonal=(0, 0, 0, 0)):
        return lambda yy, ex: SARIMAX(
            yy, exog=ex, order=order, trend=trend, seasonal_order=seasonal
        )

    cands = [
        ("(0,1,0)", mk((0, 1, 0), None)),
        ("(0,1,0)+drift", mk((0, 1, 0), "t")),
        ("(0,1,1)", mk((0, 1, 1), None)),
        ("(0,1,1)+drift", mk((0, 1, 1), "t")),
    ]
    if seasonal_periods and len(y) >= 3 * seasonal_periods:
        cands.append(
            (f"(0,1,0)(1,0,0){seasonal_periods}", mk((0, 1, 0), None, (1, 0, 0, seasonal_periods)))
        )
    fit = _fit_state_space(cands, y, horizon, levels, breaks, "ARIMA")
    return fit or _fit_naive(y, horizon, levels, breaks, seasonal_periods)


def _fit_uc(y, horizon, levels, breaks, seasonal_periods):
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    def mk(level, seasonal=None):
        return lambda yy, ex: UnobservedComponents(yy, level=level, exog=ex, seasonal=seasonal)

    cands = [("local level", mk("llevel")), ("local linear trend", mk("lltrend"))]
    if seasonal_periods and len(y) >= 3 * seasonal_periods:
        cands.append(
            (f"local level + seasonal({seasonal_periods})", mk("llevel", seasonal_periods))
        )
    fit = _fit_state_space(cands, y, horizon, levels, breaks, "UC")
    return fit or _fit_naive(y, horizon, levels, breaks, seasonal_periods)


_SERIES_FITTERS = {
    "naive": _fit_naive,
    "drift": _fit_drift,
    "ets": _fit_ets,
    "arima": _fit_arima,
    "uc": _fit_uc,
    "theta": _fit_theta,
}


def _series_of(prep: _Prepared, i: int) -> tuple[np.ndarray, list[int]]:
    y = prep.grid.values[i]
    first = int(np.flatnonzero(~np.isnan(y))[0])
    return y[first:], [b - first for b in prep.level_breaks if b - first >= 1]


#: How a fit's ``info`` ends when the method failed and naive was used instead.
_FELL_BACK = "; naive used"


def _fit_one(method, y, horizon, levels, breaks, seasonal_periods) -> _SeriesFit:
    try:
        return _SERIES_FITTERS[method](y, horizon, levels, breaks, seasonal_periods)
    except Exception as exc:  # noqa: BLE001 - fall back rather than lose the region
        fit = _fit_naive(y, horizon, levels, breaks, seasonal_periods)
        fit.info = f"{method} failed ({type(exc).__name__}){_FELL_BACK}"
        return fit


#: Point forecasts of per-series fits without intervals, by method and
#: training values (:func:`_point_forecast`); bounded, oldest dropped first.
_POINT_FORECASTS: OrderedDict[tuple, np.ndarray] = OrderedDict()
_POINT_FORECASTS_MAX = 4096


def _point_forecast(method, y, horizon, breaks, seasonal_periods) -> np.ndarray:
    """The point forecast of one per-series fit, remembered by its inputs.

    Cross-validation inside a backtest and the conformal calibration fit
    nested windows of the same series, so the same fit (method, training
    values, breaks) comes back at the next origin and in the calibration;
    the fits are deterministic, so the result is reused.
    """
    y = np.ascontiguousarray(y, dtype=float)
    key = (method, y.tobytes(), horizon, tuple(breaks), seasonal_periods)
    mean = _POINT_FORECASTS.pop(key, None)  # pop and put back: the newest at the end
    if mean is None:
        fit = _fit_one(method, y, horizon, (), list(breaks), seasonal_periods)
        mean = np.array(fit.mean)
        if fit.info.endswith(_FELL_BACK):  # a failed fit is not remembered: it may not fail again
            return mean
    _POINT_FORECASTS[key] = mean
    while len(_POINT_FORECASTS) > _POINT_FORECASTS_MAX:
        _POINT_FORECASTS.popitem(last=False)
    return mean.copy()


def _select_cv(y, horizon, levels, breaks, seasonal_periods, candidates, cv_origins):
    """Pick the candidate with the lowest mean absolute error at rolling origins inside y."""
    n = len(y)
    scores = {}
    for m in candidates:
        errs = []
        for t in range(max(_MIN_OBS + 1, n - 1 - cv_origins), n - 1):
            inner = [b for b in breaks if b <= t]
            if any(t < b <= t + horizon for b in breaks):
                continue
            mean = _point_forecast(m, y[: t + 1], horizon, inner, seasonal_periods)
            for h in range(1, horizon + 1):
                if t + h < n and np.isfinite(y[t + h]):
                    errs.append(abs(y[t + h] - mean[h - 1]))
        scores[m] = float(np.mean(errs)) if errs else np.nan
    finite = {m: s for m, s in scores.items() if np.isfinite(s)}
    if not finite:
        return candidates[0], "too short for cross-validation; first candidate used"
    best = min(finite, key=lambda m: (finite[m], candidates.index(m)))
    shown = ", ".join(f"{m} {s:.3g}" for m, s in finite.items())
    return best, f"lowest rolling-origin MAE inside the training window ({shown})"


# ----------------------------------------------------------------------------- forecast


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts of a panel and how they were made.

    Attributes
    ----------
    forecasts : DataFrame
        :data:`FORECAST_COLUMNS`: ``region_code``, ``period``, ``horizon``,
        ``mean``, ``lo80``, ``hi80``, ``lo95``, ``hi95``, ``method``.
    summary : DataFrame
        One row per region: requested ``method``, ``chosen`` method,
        ``reason``, ``n_obs`` used, ``first_period`` and ``last_period``
        used, ``breaks`` (what was done about them) and ``intervals``.
    params : dict
        Panel-level estimates (pooled trend, shrinkage weight, AR(1)
        coefficient, interval quantiles ...), the breaks applied and the
        runtime in seconds.
    """

    forecasts: pd.DataFrame
    summary: pd.DataFrame
    params: dict = field(default_factory=dict)


def forecast_panel(
    panel: pd.DataFrame,
    horizon: int = 2,
    *,
    method: str = "pooled",
    breaks: str | Sequence[Break] | None = "auto",
    indicator: str | None = None,
    intervals: str = "auto",
    calibration_origins: int = 4,
    window: int = 4,
    local_window: int = 8,
    damping: float = 0.5,
    ar: bool = False,
    seasonal: bool = True,
    seasonal_periods: int | None = None,
    candidates: Sequence[str] = ("naive", "drift", "ets", "theta", "arima"),
    select: str = "cv",
    cv_origins: int = 3,
    components: Sequence[str] = ("pooled", "ets", "theta"),
    round_to: float | str | None = "auto",
    leading: pd.DataFrame | None = None,
    leading_window: int = 8,
    scale_window: int | None = 8,
    relative: bool = True,
    guard: bool = True,
    guard_level: float = 0.9,
    guard_rule: str = "weight",
    recalibrate: bool = False,
    guard_overlap: bool = True,
) -> ForecastResult:
    """Forecast every series of a panel ``horizon`` periods ahead, with 80 % and 95 % intervals.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel: ``region_code``, ``period``, ``value`` (see :func:`prepare_panel`).
        All series are forecast from the panel's last period.
    horizon : int, default 2
        Number of periods ahead.
    method : str, default "pooled"
        One of :data:`METHODS`.
    breaks : "auto", sequence of Break, or None, default "auto"
        Structural breaks (see :func:`resolve_breaks`).
    indicator : str, optional
        Indicator id for ``breaks="auto"``; default the panel's ``indicator`` column.
    intervals : {"auto", "conformal", "model"}, default "auto"
        ``"conformal"``: calibrated on the method's errors at
        ``calibration_origins`` rolling origins inside the data, scaled per
        series, pooled per horizon. ``"model"``: the model's formula. ``"auto"``
        is conformal for pooled, naive, drift (cheap) and model otherwise.
    calibration_origins : int, default 4
        Rolling origins for conformal intervals.
    window : int, default 4
        Pooled method: periods over which the pooled trend is averaged (4
        half-years = two seasonal cycles).
    local_window : int, default 8
        Pooled method: periods over which each region's own trend is estimated
        before shrinkage.
    damping : float, default 0.5
        Pooled method: damping factor per period of the pooled and local
        trend: step ``j`` ahead adds ``damping**j`` times the trend, so the
        forecast moves half the trend at horizon 1 and three quarters of it
        at horizon 2 (1 = no damping, 0 = no trend).
    ar : bool, default False
        Pooled method: add the pooled AR(1) correction on idiosyncratic changes.
    seasonal : bool, default True
        Pooled method: a target period in another season (half-year) than
        the origin's adds that season's mean pooled change over the
        ``window`` minus the trend, damped like the trend's first step; a
        target in the origin's season gets the trend alone (over a whole
        cycle the seasonal deviations cancel). No effect on yearly data.
    relative : bool, default True
        Pooled method: the pooled trend is the median *log* change (a
        relative change), applied to each region's last value, so
        municipalities of very different size share it, and a half-year
        pattern of +50 % and -33 % averages to no trend (a mean of relative
        changes would give +8 %); the local trends are deviations from it.
        False: the median change in the unit of the data.
    seasonal_periods : int, optional
        Per-series methods: seasonal period (2 for half-years) to try.
    candidates : sequence of str
        ``auto``: the methods to choose from.
    select : {"cv", "aicc"}, default "cv"
        ``auto``: choose by rolling-origin error (``cv``) or use ETS with its
        form chosen by AICc (``aicc``).
    cv_origins : int, default 3
        ``auto`` with ``select="cv"``: inner rolling origins.
    components : sequence of str
        ``combination``: the methods whose median is taken.
    round_to : "auto", float or None, default "auto"
        Round point forecasts to this precision; ``"auto"`` detects the
        precision the data are published in (0.1 for CBS percentages, 1 or 5
        for counts). Outcomes on such a grid have their median on the grid,
        so rounding is what an absolute-error-optimal point forecast does;
        intervals are centred on the rounded value. None keeps full precision.
    leading : DataFrame, optional
        Pooled method: a stock of the same regions counted at the end of each
        period (``region_code``, ``period``, ``value``, optionally ``source``),
        such as :data:`LEADING` names for an indicator. Periods are the
        panel's (``2024H1``) or reference dates (``2024-06-30``, matched to
        the period ending that day; other dates are ignored). Values after
        the panel's last period are never used; seams in its ``source`` cut
        the windows like breaks of the panel.
    leading_window : int, default 8
        Pooled method with ``leading``: the number of earlier periods (of the
        same regime) the end-of-period ratio is compared with.
    scale_window : int or None, default 8
        Conformal intervals: each series' scale is its mean absolute change
        over its last ``scale_window`` changes (None: its whole history), at
        the forecast origin and at every calibration origin alike, so the
        interval follows a series whose volatility changes.

    guard : bool, default True
        Pooled method: per horizon, weigh the pooled forecast against naive
        by a nested backtest on the data before the forecast origin (at
        every earlier origin inside the panel, both forecast from the data
        up to it and scored on the outcomes also inside the panel; per
        origin, the mean over regions of the absolute scaled errors). The
        intervals are calibrated on the errors of this guarded procedure,
        with the weight or choice it had at each calibration origin.
        ``params["guard"]`` holds the rule, the weight and method per
        horizon and the evidence; the ``method`` column of the forecasts
        says what each horizon got (``pooled``, ``naive`` or ``weighted``).
        False: the pooled forecast at every horizon.
    guard_level : float, default 0.9
        With ``guard``: how sure the earlier origins must make a gain over
        naive. 0.9 (the default): the one-sided 90 % upper bound (Student t
        over the origins, which needs 2 or more; see ``guard_overlap`` for
        horizons beyond 1) of the gain; 0.5: its mean alone.
    guard_rule : {"weight", "choice"}, default "weight"
        ``"weight"``: the forecast is ``naive + w * (pooled - naive)``
        (rounded like the pooled forecast) with the weight ``w`` on the grid
        0, 0.1, ..., 1 whose difference in mean absolute scaled error from
        naive has the lowest ``guard_level`` bound over the earlier origins
        (0 unless some weight beat naive), shrunk toward naive by ``m / (m +
        2)`` for ``k`` earlier origins worth ``m`` independent ones (``m = k /
        h`` with ``guard_overlap``). ``"choice"`` (the previous default, with
        ``guard_level=0.5``): the pooled forecast where the bound of its
        difference from naive lies below 0, naive elsewhere.
    recalibrate : bool, default False
        With ``guard`` and conformal intervals: multiply the interval
        quantiles, per horizon and level, by the factor that would have
        made the intervals at every earlier origin inside the panel (each
        calibrated on the origins before it only) cover at their level;
        ``params["guard"]["interval_factor"]``. Off by default: over every
        origin from 2018H1 it moved as many cells out of 75-85 % coverage
        as into it (docs/forecasting.md).
    guard_overlap : bool, default True
        With ``guard``: count the ``k`` earlier origins scored at horizon
        ``h`` as ``k / h`` independent ones in the bound and the shrinkage
        (consecutive h-step errors share ``h - 1`` target periods and their
        national shocks), so horizon 2 needs twice as many origins as
        horizon 1 for the same evidence. ``False``: ``k`` (the rule before
        3 December 2026, which lost to naive on 3 of 56 cells at horizon 2).

    Returns
    -------
    ForecastResult
        Forecast frame, per-region summary and panel-level parameters.

    Raises
    ------
    ForecastInputError
        On a bad panel (see :func:`prepare_panel`), an unknown method or a
        declared break inside the forecast horizon.
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise ForecastInputError(
            f"unknown method {method!r}; choose from {', '.join(METHODS)}", column="method"
        )
    if intervals not in ("auto", "conformal", "model"):
        raise ForecastInputError(
            f"intervals must be 'auto', 'conformal' or 'model', not {intervals!r}",
            column="intervals",
        )
    if horizon < 1:
        raise ForecastInputError(f"horizon must be at least 1, not {horizon}", column="horizon")
    if select not in ("cv", "aicc"):
        raise ForecastInputError(f"select must be 'cv' or 'aicc', not {select!r}", column="select")
    bad = [c for c in candidates if c not in _SERIES_FITTERS]
    if method == "auto" and (bad or not candidates):
        raise ForecastInputError(
            f"auto candidates must be among {', '.join(_SERIES_FITTERS)}, not {bad}",
            column="candidates",
        )
    if (
        isinstance(guard_level, bool)
        or not isinstance(guard_level, int | float)
        or not 0 < guard_level < 1
    ):
        raise ForecastInputError(
            f"guard_level must be a number between 0 and 1, not {guard_level!r}",
            column="guard_level",
        )
    if guard_rule not in ("choice", "weight"):
        raise ForecastInputError(
            f"guard_rule must be 'choice' or 'weight', not {guard_rule!r}", column="guard_rule"
        )
    if not isinstance(guard_overlap, bool):
        raise ForecastInputError(
            f"guard_overlap must be True or False, not {guard_overlap!r}", column="guard_overlap"
        )
    if scale_window is not None and (
        isinstance(scale_window, bool) or not isinstance(scale_window, int) or scale_window < 1
    ):
        raise ForecastInputError(
            f"scale_window must be a whole number >= 1 or None, not {scale_window!r}",
            column="scale_window",
        )
    df = prepare_panel(panel)
    if df.empty:
        raise ForecastInputError("panel has no values")
    applied = resolve_breaks(panel, breaks, indicator)
    prep = _apply_breaks(_to_grid(df), applied, horizon)
    levels = LEVELS
    if intervals == "auto":
        intervals = "conformal" if method in _VECTORISED else "model"
    opts = dict(
        window=window,
        local_window=local_window,
        damping=damping,
        ar=ar,
        seasonal=seasonal,
        relative=relative,
    )
    if leading is not None:
        if method != "pooled":
            raise ForecastInputError(
                f"a leading indicator is used by method 'pooled' only, not {method!r}",
                column="leading",
            )
        if (
            isinstance(leading_window, bool)
            or not isinstance(leading_window, int)
            or leading_window < 1
        ):
            raise ForecastInputError(
                f"leading_window must be a whole number >= 1, not {leading_window!r}",
                column="leading_window",
            )
        S, lcross = _align_leading(leading, prep.grid)
        opts.update(leading=S, leading_cross=lcross, leading_window=leading_window)
    if isinstance(round_to, str):
        if round_to != "auto":
            raise ForecastInputError(
                f"round_to must be 'auto', a number or None, not {round_to!r}", column="round_to"
            )
        round_to = _resolution(prep.grid.values)
    elif round_to is not None and not round_to > 0:
        raise ForecastInputError(f"round_to must be positive, not {round_to!r}", column="round_to")
    fc, chosen, reasons, params = _dispatch(
        method,
        prep,
        horizon,
        levels,
        intervals,
        (calibration_origins, scale_window),
        opts,
        seasonal_periods,
        list(candidates),
        select,
        cv_origins,
        list(components),
        round_to,
        guard=(guard_level, guard_rule, recalibrate, guard_overlap) if guard else None,
    )
    params["round_to"] = round_to
    future = forecast_periods(prep.grid.periods[-1], horizon)
    rows = []
    idx = np.flatnonzero(prep.eligible)
    for i in idx:
        for h in range(horizon):
            rows.append(
                (
                    prep.grid.regions[i],
                    future[h],
                    h + 1,
                    fc["mean"][i, h],
                    fc[80][0][i, h],
                    fc[80][1][i, h],
                    fc[95][0][i, h],
                    fc[95][1][i, h],
                    fc["methods"][h] if "methods" in fc else chosen[i],
                )
            )
    forecasts = pd.DataFrame(rows, columns=FORECAST_COLUMNS).astype(_FORECAST_DTYPES)
    summary = _summary(prep, method, chosen, reasons, intervals)
    params.update(
        {
            "breaks": [(b.period, b.handling, b.label) for b in applied],
            "origin": prep.grid.periods[-1],
            "runtime_s": time.perf_counter() - started,
        }
    )
    return ForecastResult(forecasts, summary, params)


def _align_leading(leading: pd.DataFrame, grid: _Grid) -> tuple[np.ndarray, np.ndarray]:
    """The leading stock on the panel's grid (regions x periods) and where its own seams fall.

    Returns the matrix (NaN where absent) and a bool array over the grid's
    changes, True where the leading series moves to another CBS table.
    """
    missing = [c for c in ("region_code", "period", "value") if c not in leading.columns]
    if missing:
        raise ForecastInputError(
            f"leading indicator lacks column(s) {', '.join(missing)}", column="leading"
        )
    kind = period_type_of(grid.periods[0])
    ends = {period_end(p).normalize(): p for p in grid.periods}
    raw_periods = leading["period"].astype(str).str.strip()
    on_grid = {}  # each distinct period label -> the grid period it counts for (None: ignored)
    for raw in raw_periods.unique():
        try:
            k = period_type_of(raw)
        except ValueError as exc:
            raise ForecastInputError(f"leading indicator: {exc}", column="leading") from None
        if k == kind:
            on_grid[raw] = raw
        elif k == "date":
            on_grid[raw] = ends.get(pd.Timestamp(raw).normalize())
        else:
            raise ForecastInputError(
                f"leading indicator has {k} periods; the panel has {kind} periods "
                "(give the same period type or reference dates)",
                column="leading",
            )
    frame = leading.assign(
        region_code=leading["region_code"].astype(str).str.strip(),
        period=raw_periods.map(on_grid),
        value=pd.to_numeric(leading["value"], errors="coerce"),
    ).dropna(subset=["period", "value"])
    frame = frame[frame["period"].isin(set(grid.periods))]
    if frame.duplicated(["region_code", "period"]).any():
        row = frame[frame.duplicated(["region_code", "period"])].iloc[0]
        raise ForecastInputError(
            f"leading indicator has two values for {row['region_code']} {row['period']}",
            column="leading",
        )
    wide = frame.pivot(index="region_code", columns="period", values="value")
    S = wide.reindex(index=grid.regions, columns=grid.periods).to_numpy(dtype=float)
    lcross = np.zeros(max(len(grid.periods) - 1, 0), dtype=bool)
    if "source" in frame.columns:
        for idx, _ in _break_positions(grid.periods, detect_source_seams(frame)):
            if 0 < idx < len(grid.periods):
                lcross[idx - 1] = True
    return S, lcross


def _summary(prep: _Prepared, method, chosen, reasons, intervals) -> pd.DataFrame:
    Y = prep.grid.values
    rows = []
    for i, region in enumerate(prep.grid.regions):
        obs = np.flatnonzero(~np.isnan(Y[i]))
        first = prep.grid.periods[obs[0]] if obs.size else None
        last = prep.grid.periods[obs[-1]] if obs.size else None
        ok = bool(prep.eligible[i])
        rows.append(
            (
                region,
                method,
                chosen[i] if ok else "none",
                reasons[i] if ok else prep.reasons[i],
                int(obs.size),
                first,
                last,
                prep.notes[i],
                intervals if ok else "",
            )
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _pooled_reason(opts: dict) -> str:
    """What the pooled method did, in one line for the summary."""
    kind = "median log change" if opts.get("relative", True) else "median change"
    text = f"pooled trend ({kind} over the panel"
    text += ", per half-year)" if opts.get("seasonal", True) else ")"
    text += " + shrunk local trend"
    damping = opts.get("damping", 0.5)
    if damping != 1:
        text += f", damped ({damping:g} per period)"
    if opts.get("ar", False):
        text += " + pooled AR(1)"
    return text


def _vectorised(name: str, opts: dict):
    if name == "pooled":
        return lambda Y, cross, horizon, seasons: _pooled_point(Y, cross, horizon, seasons, **opts)
    return {"naive": _naive_point, "drift": _drift_point}[name]


def _rounded(F: np.ndarray, r: float | None) -> np.ndarray:
    return F if not r else np.round(F / r) * r


def _horizon_methods(by_h: Sequence[str]) -> str:
    """``'pooled'`` or ``'naive'`` when every horizon has it, else e.g. ``'pooled (h1), naive (h2)'``."""
    if len(set(by_h)) == 1:
        return by_h[0]
    return ", ".join(f"{m} (h{h})" for h, m in enumerate(by_h, start=1))


def _guard_reason(by_h: Sequence[str], scores: dict) -> str:
    """Why each horizon got its method, in one line for the summary."""
    parts = []
    for h, m in enumerate(by_h, start=1):
        k = scores["origins"][h - 1]
        if not k:
            parts.append(f"h{h} naive (no earlier origin to compare on)")
        elif scores["level"] > 0.5 and _effective_origins(k, h, scores["overlap"]) < 2:
            if h == 1 or not scores["overlap"]:
                parts.append(f"h{h} naive (fewer than 2 earlier origins to compare on)")
            else:
                parts.append(
                    f"h{h} naive ({k} earlier origins, whose {h}-period errors overlap: worth "
                    f"{k / h:g} independent ones, fewer than the 2 needed to compare on)"
                )
        elif scores.get("rule") == "weight":
            parts.append(
                f"h{h} {m} (weight {scores['weights'][h - 1]:.2f} on the pooled forecast, from {k} earlier "
                f"origins: mean scaled error pooled {scores['pooled'][h - 1]:.3f}, naive "
                f"{scores['naive'][h - 1]:.3f})"
            )
        else:
            parts.append(
                f"h{h} {m} (mean scaled error at {k} earlier origins: pooled {scores['pooled'][h - 1]:.3f}, "
                f"naive {scores['naive'][h - 1]:.3f}; difference {scores['mean_diff'][h - 1]:+.3f}, "
                f"{100 * scores['level']:g} % upper bound {scores['upper_diff'][h - 1]:+.3f})"
            )
    head = "nested weight" if scores.get("rule") == "weight" else "nested choice"
    return head + ": " + "; ".join(parts)


def _dispatch(
    method,
    prep,
    horizon,
    levels,
    intervals,
    cal,
    opts,
    seasonal_periods,
    candidates,
    select,
    cv_origins,
    components,
    rnd=None,
    guard=None,
):
    Y, cross = prep.grid.values, prep.cross
    seasons = np.array([_season_of(p) for p in prep.grid.periods])
    N = Y.shape[0]
    params: dict = {}
    if method in _VECTORISED:
        base = _vectorised(method, opts)

        def point(Ysub, c, h, s):
            F, p = base(Ysub, c, h, s)
            return _rounded(F, rnd), p

        F, params = point(Y, cross, horizon, seasons)
        chosen = [method] * N
        why = {
            "pooled": _pooled_reason(opts),
            "naive": "last value",
            "drift": "last value + mean change",
        }[method]
        if method == "pooled" and opts.get("leading") is not None:
            why += " + leading indicator (end-of-period stock against the period's value)"
        reasons = [why] * N
        if method == "pooled" and guard is not None:
            F, by_h, scores, qc = _guarded(
                Y,
                cross,
                seasons,
                point,
                F,
                horizon,
                cal if intervals == "conformal" else None,
                levels,
                guard[0],
                rule=guard[1],
                rnd=rnd,
                recalibrate=guard[2],
                overlap=guard[3],
            )
            params["guard"] = {"methods": by_h, **scores}
            chosen = [_horizon_methods(by_h)] * N
            reasons = [why + "; " + _guard_reason(by_h, scores)] * N
            if qc is None:
                bounds = _model_bounds_vectorised(method, Y, cross, F, levels)
            else:
                q, counts = qc
                bounds = _bounds_from_quantiles(F, _series_scale(Y, cross, cal[1]), q, levels)
                params["interval_quantiles"] = {
                    lev: q[:, j].tolist() for j, lev in enumerate(levels)
                }
                params["calibration_errors"] = counts.tolist()
            return {**_pack(F, bounds), "methods": by_h}, chosen, reasons, params
        if intervals == "conformal":
            bounds, q, counts = _conformal_bounds(Y, cross, seasons, point, F, horizon, cal, levels)
            params["interval_quantiles"] = {lev: q[:, j].tolist() for j, lev in enumerate(levels)}
            params["calibration_errors"] = counts.tolist()
        else:
            bounds = _model_bounds_vectorised(method, Y, cross, F, levels)
        return _pack(F, bounds), chosen, reasons, params
    if method == "combination":
        return _combination(prep, horizon, levels, cal, opts, seasonal_periods, components, rnd)
    # per-series methods
    mean = np.full((N, horizon), np.nan)
    bounds = {lev: (np.full((N, horizon), np.nan), np.full((N, horizon), np.nan)) for lev in levels}
    chosen = [method] * N
    reasons = [""] * N
    with _one_blas_thread():
        _fit_all(
            prep,
            method,
            horizon,
            levels,
            seasonal_periods,
            candidates,
            select,
            cv_origins,
            mean,
            bounds,
            chosen,
            reasons,
        )
    mean = _rounded(mean, rnd)
    if intervals == "conformal":

        def point(Ysub, c, h, s, m=method):
            with _one_blas_thread():
                F = _per_series_point(
                    Ysub, c, h, m, seasonal_periods, candidates, select, cv_origins
                )
            return _rounded(F, rnd), {}

        bounds, q, counts = _conformal_bounds(Y, cross, seasons, point, mean, horizon, cal, levels)
        params["interval_quantiles"] = {lev: q[:, j].tolist() for j, lev in enumerate(levels)}
    return _pack(mean, bounds), chosen, reasons, params


def _fit_all(
    prep,
    method,
    horizon,
    levels,
    seasonal_periods,
    candidates,
    select,
    cv_origins,
    mean,
    bounds,
    chosen,
    reasons,
) -> None:
    """Fit a per-series method to every eligible region, filling the arrays in place."""
    for i in np.flatnonzero(prep.eligible):
        y, brk = _series_of(prep, i)
        if method == "auto":
            if select == "aicc":
                m, why = "ets", "ETS form with the lowest AICc"
            else:
                m, why = _select_cv(
                    y, horizon, levels, brk, seasonal_periods, candidates, cv_origins
                )
        else:
            m, why = method, ""
        fit = _fit_one(m, y, horizon, levels, brk, seasonal_periods)
        mean[i] = fit.mean
        for lev in levels:
            bounds[lev][0][i], bounds[lev][1][i] = fit.bounds[lev]
        chosen[i] = m
        reasons[i] = "; ".join(x for x in (why, fit.info) if x)


def _per_series_point(Y, cross, horizon, method, seasonal_periods, candidates, select, cv_origins):
    out = np.full((Y.shape[0], horizon), np.nan)
    breaks = [j + 1 for j in np.flatnonzero(cross)]
    for i in range(Y.shape[0]):
        y = Y[i]
        if np.isnan(y[-1]) or np.sum(~np.isnan(y)) < _MIN_OBS:
            continue
        first = int(np.flatnonzero(~np.isnan(y))[0])
        y = y[first:]
        brk = [b - first for b in breaks if b - first >= 1]
        m = method
        if method == "auto":
            m = (
                "ets"
                if select == "aicc"
                else _select_cv(y, horizon, (), brk, seasonal_periods, candidates, cv_origins)[0]
            )
        out[i] = _point_forecast(m, y, horizon, brk, seasonal_periods)
    return out


def _conformal_bounds(Y, cross, seasons, point, F, horizon, cal, levels):
    """Conformal bounds; ``cal`` is (calibration origins, scale window)."""
    n_origins, window = cal
    q, counts = _conformal_quantiles(Y, cross, seasons, point, horizon, n_origins, levels, window)
    return _bounds_from_quantiles(F, _series_scale(Y, cross, window), q, levels), q, counts


def _bounds_from_quantiles(F, scale, q, levels):
    """``F`` plus and minus each series' scale times the quantile of its horizon and level."""
    bounds = {}
    for j, lev in enumerate(levels):
        half = scale[:, None] * q[None, :, j]
        bounds[lev] = (F - half, F + half)
    return bounds


def _pack(mean, bounds) -> dict:
    """Point and bounds, with the point inside every interval and 80 % nested in 95 %.

    A level without a bound (NaN: too few calibration errors) stays without one.
    """

    def around(low, high, inner_low, inner_high):
        missing = np.isnan(low) | np.isnan(high)
        return (
            np.where(missing, np.nan, np.fmin(low, inner_low)),
            np.where(missing, np.nan, np.fmax(high, inner_high)),
        )

    out = {"mean": mean}
    lo80, hi80 = around(*bounds[80], mean, mean)
    out[80] = (lo80, hi80)
    out[95] = around(*bounds[95], np.fmin(lo80, mean), np.fmax(hi80, mean))
    return out


def _combination(prep, horizon, levels, cal, opts, seasonal_periods, components, rnd):
    bad = [c for c in components if c not in METHODS or c in ("auto", "combination")]
    if not components or bad:
        raise ForecastInputError(
            f"combination components must be base methods, not {bad or components}",
            column="components",
        )
    parts = []
    for c in components:
        intervals = "conformal" if c in _VECTORISED else "model"
        fc, _, _, _ = _dispatch(
            c, prep, horizon, levels, intervals, cal, opts, seasonal_periods, [], "cv", 0, [], rnd
        )
        parts.append(fc)
    means = np.stack([p["mean"] for p in parts])
    with warnings.catch_warnings():  # an all-NaN slice (no component forecast) stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        out = {"mean": np.nanmedian(means, axis=0)}
        for lev in levels:
            lo = np.stack([p[lev][0] for p in parts])
            hi = np.stack([p[lev][1] for p in parts])
            # a component with a forecast but no bound at this level (too few calibration
            # errors) leaves the combination without one: a median of the others would claim it
            unbounded = (np.isfinite(means) & (np.isnan(lo) | np.isnan(hi))).any(axis=0)
            out[lev] = (
                np.where(unbounded, np.nan, np.nanmedian(lo, axis=0)),
                np.where(unbounded, np.nan, np.nanmedian(hi, axis=0)),
            )
    N = prep.grid.values.shape[0]
    name = "combination(" + "+".join(components) + ")"
    reason = "median of " + ", ".join(components) + " (point and interval bounds)"
    return _pack(out["mean"], {lev: out[lev] for lev in levels}), [name] * N, [reason] * N, {}


# ----------------------------------------------------------------------------- accuracy measures


def naive_scale(train: np.ndarray | pd.Series) -> float:
    """MASE scale: the mean absolute first difference of a training series (NaN if undefined)."""
    y = np.asarray(train, dtype=float)
    y = y[np.isfinite(y)]
    if y.size < 2:
        return np.nan
    return float(np.mean(np.abs(np.diff(y))))


def mase(actual, forecast, scale) -> float:
    """Mean absolute scaled error: mean of ``|actual - forecast| / scale``.

    Parameters
    ----------
    actual, forecast : array-like
        Outcomes and point forecasts.
    scale : float or array-like
        The :func:`naive_scale` of the training series of each forecast.
        Pairs whose scale is zero or missing are left out.
    """
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    s = np.broadcast_to(np.asarray(scale, float), a.shape)
    ok = np.isfinite(a) & np.isfinite(f) & np.isfinite(s) & (s > 0)
    return float(np.mean(np.abs(a[ok] - f[ok]) / s[ok])) if ok.any() else np.nan


def interval_coverage(actual, lo, hi) -> float:
    """Share of outcomes inside their closed interval ``[lo, hi]``."""
    a, lo, hi = (np.asarray(x, float) for x in (actual, lo, hi))
    ok = np.isfinite(a) & np.isfinite(lo) & np.isfinite(hi)
    return float(np.mean((a[ok] >= lo[ok]) & (a[ok] <= hi[ok]))) if ok.any() else np.nan


def winkler_score(actual, lo, hi, level: float) -> np.ndarray:
    """Winkler (interval) score per outcome: width plus ``2/alpha`` times the miss.

    Parameters
    ----------
    actual, lo, hi : array-like
    level : float
        Nominal coverage in percent (80 or 95); ``alpha = 1 - level/100``.
    """
    a, lo, hi = (np.asarray(x, float) for x in (actual, lo, hi))
    alpha = 1 - level / 100
    return (hi - lo) + (2 / alpha) * (np.maximum(lo - a, 0) + np.maximum(a - hi, 0))


# ----------------------------------------------------------------------------- backtest


def score_backtest(errors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Score rolling-origin forecasts: MASE, interval coverage and Winkler score.

    Parameters
    ----------
    errors : DataFrame
        One row per region, origin and horizon with ``region_code``,
        ``horizon``, ``actual``, ``mean``, ``lo80``, ``hi80``, ``lo95``,
        ``hi95`` and ``scale`` (the :func:`naive_scale` of the training
        series). Any method's forecasts can be scored this way, so outside
        packages are compared on equal terms.

    Returns
    -------
    errors, by_series, pooled : DataFrame
        ``errors`` with ``scaled_error``, ``in80``, ``in95``, ``winkler80``,
        ``winkler95`` added (rows without an outcome dropped); per region
        and horizon; per horizon over all regions (see :class:`BacktestResult`).
    """
    errors = errors.dropna(subset=["actual"]).reset_index(drop=True)
    for c in ("actual", "mean", "lo80", "hi80", "lo95", "hi95", "scale"):
        errors[c] = errors[c].astype(float)
    s = errors["scale"].where(errors["scale"] > 0)
    errors["scaled_error"] = (errors["actual"] - errors["mean"]).abs() / s
    for lev in (80, 95):  # no interval (too few calibration errors): no coverage either
        low, high = errors[f"lo{lev}"], errors[f"hi{lev}"]
        inside = ((errors["actual"] >= low) & (errors["actual"] <= high)).astype(float)
        errors[f"in{lev}"] = inside.where(low.notna() & high.notna())
    errors["winkler80"] = winkler_score(errors["actual"], errors["lo80"], errors["hi80"], 80)
    errors["winkler95"] = winkler_score(errors["actual"], errors["lo95"], errors["hi95"], 95)
    by_series = (
        errors.groupby(["region_code", "horizon"])
        .agg(
            mase=("scaled_error", "mean"),
            coverage80=("in80", "mean"),
            coverage95=("in95", "mean"),
            winkler80=("winkler80", "mean"),
            winkler95=("winkler95", "mean"),
            n=("actual", "size"),
        )
        .reset_index()
    )
    pooled = (
        errors.assign(
            w80s=errors["winkler80"] / s,
            w95s=errors["winkler95"] / s,
            zero=s.isna(),
        )
        .groupby("horizon")
        .agg(
            mase=("scaled_error", "mean"),
            coverage80=("in80", "mean"),
            coverage95=("in95", "mean"),
            winkler80_scaled=("w80s", "mean"),
            winkler95_scaled=("w95s", "mean"),
            n=("actual", "size"),
            n_zero_scale=("zero", "sum"),
        )
        .reset_index()
    )
    return errors, by_series, pooled


def _horizon_before_break(origin: str, horizon: int, breaks: Sequence[Break]) -> int:
    """The largest horizon (at most ``horizon``) from ``origin`` whose forecast spans no declared break."""
    starts = [period_start(p) for p in next_periods(origin, horizon)]
    out = horizon
    for b in breaks:
        s = period_start(b.period)
        if s >= starts[0]:
            out = min(out, sum(t < s for t in starts))
    return out


@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin backtest of one method on a panel.

    Attributes
    ----------
    errors : DataFrame
        One row per region, origin and horizon: ``region_code``, ``origin``,
        ``period``, ``horizon``, ``actual``, ``mean``, ``lo80`` .. ``hi95``,
        ``scale`` (MASE scale of the training series), ``scaled_error``,
        ``in80``, ``in95``, ``winkler80``, ``winkler95``.
    by_series : DataFrame
        Per region and horizon: ``mase``, ``coverage80``, ``coverage95``,
        ``winkler80``, ``winkler95`` (in the unit of the data), ``n``.
    pooled : DataFrame
        Per horizon over all regions: ``mase``, ``coverage80``,
        ``coverage95``, ``winkler80_scaled``, ``winkler95_scaled`` (Winkler
        divided by the scale), ``n``, ``n_zero_scale`` (left out of MASE).
    runtime_s : float
        Seconds spent in forecasting (all origins).
    skipped : list of str
        Origins that could not be evaluated, with the reason.
    """

    errors: pd.DataFrame
    by_series: pd.DataFrame
    pooled: pd.DataFrame
    runtime_s: float
    skipped: list[str]


def backtest(
    panel: pd.DataFrame,
    *,
    method: str = "pooled",
    origins: int = 4,
    horizon: int = 2,
    breaks: str | Sequence[Break] | None = "auto",
    indicator: str | None = None,
    **options,
) -> BacktestResult:
    """Rolling-origin evaluation over the last ``origins`` periods, horizons 1..``horizon``.

    The forecast origins are the ``origins`` periods before each of the last
    ``origins`` periods, so horizon 1 is scored on each of the last
    ``origins`` periods and horizon ``h`` on the last ``origins - h + 1``.
    Each forecast sees only data up to its origin (the panel is cut before
    :func:`forecast_panel` is called), so nothing after the origin leaks into
    method choice, parameters or interval calibration. MASE scales each error
    by the mean absolute first difference of that region's training series
    (all of it, as given to the backtest).

    Parameters
    ----------
    panel : DataFrame
        Tidy panel (see :func:`prepare_panel`).
    method, breaks, indicator, **options
        Passed to :func:`forecast_panel`.
    origins : int, default 4
        Number of rolling origins.
    horizon : int, default 2
        Largest horizon.

    Returns
    -------
    BacktestResult
    """
    df = prepare_panel(panel)
    if indicator is None:
        indicator = _single_indicator(panel)
    resolved = resolve_breaks(panel, breaks, indicator)
    periods = sorted(df["period"].unique(), key=period_sort_key)
    if len(periods) < origins + 2:
        raise ForecastInputError(
            f"panel has {len(periods)} periods; need at least {origins + 2} for {origins} origins",
            column="origins",
        )
    actual = df.set_index(["region_code", "period"])["value"]
    rows, skipped = [], []
    elapsed = 0.0
    for origin in periods[len(periods) - origins - 1 : len(periods) - 1]:
        train = df[df["period"].map(period_sort_key) <= period_sort_key(origin)]
        h_max = min(
            horizon,
            len(periods) - 1 - periods.index(origin),
            _horizon_before_break(origin, horizon, resolved),
        )
        if h_max < 1:
            skipped.append(f"{origin}: the next period starts a declared break")
            continue
        t0 = time.perf_counter()
        try:
            res = forecast_panel(
                train, h_max, method=method, breaks=resolved, indicator=indicator, **options
            )
        except ForecastInputError as exc:
            skipped.append(f"{origin}: {exc.message}")
            continue
        elapsed += time.perf_counter() - t0
        fc = res.forecasts.assign(origin=origin)
        scales = train.groupby("region_code")["value"].apply(lambda s: naive_scale(s.to_numpy()))
        fc["scale"] = fc["region_code"].map(scales)
        fc["actual"] = [
            actual.get((r, p), np.nan) for r, p in zip(fc["region_code"], fc["period"], strict=True)
        ]
        rows.append(fc)
    errors = (
        pd.concat(rows, ignore_index=True)[BACKTEST_COLUMNS]
        if rows
        else pd.DataFrame(columns=BACKTEST_COLUMNS)
    )
    errors, by_series, pooled = score_backtest(errors)
    return BacktestResult(errors, by_series, pooled, elapsed, skipped)
