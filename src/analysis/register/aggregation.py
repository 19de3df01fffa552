"""Aggregations of the case register: counts, flows, waiting times, survey figures, observations.

The functions take the register's DataFrames and return tidy DataFrames;
:func:`to_observations` turns a yearly aggregate into rows of the observations
table (:mod:`analysis.schema`). Intervals come from :mod:`analysis.stats`.

Counting conventions
--------------------
* A case is **active in a period** if it was registered on or before the
  last day of the period and had not ended before its first day.
* **Running cases (stock) at a date** are cases registered on or before the
  date that had not ended on or before it (a case closed on 31 December is not
  in the stock of 31 December).
* **Inflow** counts registrations in the period, **outflow** closures in the
  period; then ``stock(end) = stock(day before start) + inflow - outflow``
  holds for valid data, and :func:`flows` returns the difference instead of
  assuming it.
* **Waiting time** is counted in working days (:mod:`analysis.workdays`) from
  registration to first conversation, by year of registration (default) or of
  the conversation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..indicators import INDICATORS
from ..periods import date_bound, period_type_of
from ..regions import RegionResolver
from ..stats import mean_ci, wilson_interval
from ..workdays import working_days_between
from .schema import (
    END_REASONS,
    ENDED_AS_PLANNED,
    MARKS,
    TEAM_OF_DOMAIN,
    WAITING_NORM_DAYS,
    Register,
)

__all__ = [
    "INDICATOR_DOMAIN",
    "INDICATOR_TEAM",
    "active_cases",
    "average_monthly_active",
    "care_clients",
    "case_level",
    "case_periods",
    "check_freq",
    "clients_with_conversation",
    "end_reasons",
    "ended_as_planned",
    "flows",
    "forward_share",
    "new_cases",
    "period_table",
    "register_observations",
    "stock_at",
    "survey_marks",
    "to_observations",
    "unique_clients",
    "waiting_days",
    "waiting_times",
    "without_help_share",
    "zero_filled",
]

# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------

_FREQ = {"year": "Y", "quarter": "Q", "month": "M"}


def check_freq(freq: str) -> str:
    """The pandas period code of ``freq`` (``"year"`` → ``"Y"``); ValueError for another name."""
    if freq not in _FREQ:
        raise ValueError(f"freq must be one of {', '.join(_FREQ)}, not {freq!r}")
    return _FREQ[freq]


def period_table(first, last, freq: str = "year") -> pd.DataFrame:
    """Consecutive periods covering ``first`` .. ``last``.

    Returns
    -------
    DataFrame
        Columns ``period`` (project notation: ``2023``, ``2023Q1``, ``2023-01``),
        ``start`` and ``end`` (first and last day).
    """
    code = check_freq(freq)
    idx = pd.period_range(
        pd.Timestamp(first).to_period(code), pd.Timestamp(last).to_period(code), freq=code
    )
    return pd.DataFrame(
        {
            "period": [str(p) for p in idx],
            "start": idx.start_time.normalize(),
            "end": idx.end_time.normalize(),
        }
    )


def _default_periods(
    frames_dates: list[pd.Series], freq: str, start=None, end=None
) -> pd.DataFrame:
    dates = (
        pd.concat([d.dropna() for d in frames_dates])
        if frames_dates
        else pd.Series(dtype="datetime64[ns]")
    )
    if start is None:
        start = dates.min() if len(dates) else None
    if end is None:
        end = dates.max() if len(dates) else None
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return pd.DataFrame(
            {
                "period": pd.Series(dtype=object),
                "start": pd.Series(dtype="datetime64[ns]"),
                "end": pd.Series(dtype="datetime64[ns]"),
            }
        )
    return period_table(date_bound(start), date_bound(end, end=True), freq)


def _label(dates: pd.Series, freq: str) -> pd.Series:
    code = check_freq(freq)
    out = dates.dt.to_period(code).astype(str)
    return out.where(dates.notna(), None)


def _grid(periods: pd.DataFrame, frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """All periods times all combinations of the ``by`` values present in ``frame``."""
    grid = periods[["period"]].copy()
    for col in by:
        values = sorted(frame[col].dropna().unique().tolist())
        # no values (an empty selection): an object column still, so later merges on it work
        grid = grid.merge(
            pd.DataFrame({col: pd.Series(values, dtype=None if values else object)}), how="cross"
        )
    return grid


def _by(by) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


# --------------------------------------------------------------------------------------
# Aggregations
# --------------------------------------------------------------------------------------


def case_level(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per case: case-level columns, the first client and ``n_clients``.

    Parameters
    ----------
    cases : DataFrame
        The cases table (one row per client in a case).

    Returns
    -------
    DataFrame
        The first row of every case plus a column ``n_clients``.
    """
    codes, _ = pd.factorize(cases["case_id"], sort=False)  # codes in order of appearance
    if codes.size == 0:
        return cases.assign(n_clients=pd.Series(dtype=int)).reset_index(drop=True)
    first = np.unique(codes, return_index=True)[1]
    out = cases.iloc[first].copy()
    out["n_clients"] = np.bincount(codes)
    return out.reset_index(drop=True)


def case_periods(
    cases: pd.DataFrame, freq: str = "year", start=None, end=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cases at case level and the periods from the first registration to the last end.

    Parameters
    ----------
    cases : DataFrame
        The cases table (one row per client in a case).
    freq : {"year", "quarter", "month"}
    start, end : period string or date, optional
        First and last period; default the range of the registration and end dates.

    Returns
    -------
    (DataFrame, DataFrame)
        :func:`case_level` of ``cases``, and the periods (``period``,
        ``start``, ``end``; empty when there are no dates).
    """
    cl = case_level(cases)
    return cl, _default_periods([cl["registration_date"], cl["end_date"]], freq, start, end)


def zero_filled(
    grid: pd.DataFrame, counts: pd.DataFrame, on: Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Counts put on a grid of cells: a left merge, 0 in the count columns where a cell has none.

    Parameters
    ----------
    grid : DataFrame
        Every cell that must appear (say every period and team), in order.
    counts : DataFrame
        Counts (or statistics) of the cells that have any, keyed by ``on``.
    on : sequence of str
        The key columns, in both frames.
    columns : sequence of str
        The count columns of ``counts``: filled with 0 and made integers. Other
        columns of ``counts`` stay NaN where a cell has none.

    Returns
    -------
    DataFrame
        ``grid``'s rows in its order, with the columns of ``counts``.
    """
    out = grid.merge(counts, on=list(on), how="left")
    columns = list(columns)
    out[columns] = out[columns].fillna(0).astype(int)
    return out


def new_cases(
    cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None
) -> pd.DataFrame:
    """New cases (registrations) per period.

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    freq : {"year", "quarter", "month"}
    by : sequence of str
        Columns to split by, e.g. ``("team", "wijk_code")``; ``()`` for the total.
    start, end : period string or date, optional
        First and last period; default the range of the data.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``new_cases`` (0 where none).
    """
    by = _by(by)
    cl, periods = case_periods(cases, freq, start, end)
    cl["period"] = _label(cl["registration_date"], freq)
    counts = cl.groupby(["period", *by]).size().rename("new_cases").reset_index()
    out = zero_filled(_grid(periods, cl, by), counts, ["period", *by], ["new_cases"])
    return out


def _active_mask(reg: pd.Series, end: pd.Series, start_p, end_p) -> pd.Series:
    return (reg <= end_p) & (end.isna() | (end >= start_p))


def active_cases(
    cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None
) -> pd.DataFrame:
    """Cases active at any time in each period (for J&G: families supported).

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``active_cases``.
    """
    by = _by(by)
    cl, periods = case_periods(cases, freq, start, end)
    grid = _grid(periods, cl, by)
    grid["active_cases"] = _active_counts(cl, "registration_date", "end_date", periods, by, grid)
    return grid


def _group_codes(frame: pd.DataFrame, by: list[str], grid: pd.DataFrame):
    """Row -> group number, and grid row -> group number, for the ``by`` columns."""
    if not by:
        return np.zeros(len(frame), dtype=np.int64), np.zeros(len(grid), dtype=np.int64), 1
    keys = grid[by].drop_duplicates().reset_index(drop=True).reset_index()
    rows = frame[by].merge(keys, on=by, how="left")["index"].to_numpy(dtype=float)
    rows = np.where(np.isnan(rows), -1, rows).astype(np.int64)
    cells = grid[by].merge(keys, on=by, how="left")["index"].to_numpy(dtype=np.int64)
    return rows, cells, len(keys)


def _period_columns(periods: pd.DataFrame, grid: pd.DataFrame) -> np.ndarray:
    pos = pd.Series(np.arange(len(periods)), index=periods["period"].to_numpy())
    return pos[grid["period"].to_numpy()].to_numpy()


def _active_counts(
    frame: pd.DataFrame,
    start_col: str,
    end_col: str,
    periods: pd.DataFrame,
    by: list[str],
    grid: pd.DataFrame,
) -> np.ndarray:
    """Rows active in each period, per group, in the order of ``grid`` (vectorised).

    Row i is active in periods first..last, with first the first period ending on or
    after its start and last the last period beginning on or before its end.
    """
    n_p = len(periods)
    if n_p == 0 or not len(frame):
        return np.zeros(len(grid), dtype=int)
    ends = periods["end"].to_numpy(dtype="datetime64[ns]")
    starts = periods["start"].to_numpy(dtype="datetime64[ns]")
    first = np.searchsorted(ends, frame[start_col].to_numpy(dtype="datetime64[ns]"), side="left")
    stop = frame[end_col].to_numpy(dtype="datetime64[ns]")
    last = np.where(np.isnat(stop), n_p - 1, np.searchsorted(starts, stop, side="right") - 1)
    codes, cells, n_groups = _group_codes(frame, by, grid)
    ok = (first <= last) & (first < n_p) & (last >= 0) & (codes >= 0)
    diff = np.zeros((n_groups, n_p + 1), dtype=np.int64)
    np.add.at(diff, (codes[ok], first[ok]), 1)
    np.add.at(diff, (codes[ok], last[ok] + 1), -1)
    counts = np.cumsum(diff, axis=1)[:, :n_p]
    return counts[cells, _period_columns(periods, grid)]


def _unique_active(
    frame: pd.DataFrame,
    start_col: str,
    end_col: str,
    id_col: str,
    periods: pd.DataFrame,
    by: list[str],
    grid: pd.DataFrame,
) -> np.ndarray:
    """Distinct ``id_col`` values among the rows active in each period, per group."""
    n_p = len(periods)
    if n_p == 0 or not len(frame):
        return np.zeros(len(grid), dtype=int)
    ids, uniques = pd.factorize(frame[id_col], sort=False)
    n_ids = max(len(uniques), 1)
    codes, cells, n_groups = _group_codes(frame, by, grid)
    start = frame[start_col].to_numpy(dtype="datetime64[ns]")
    stop = frame[end_col].to_numpy(dtype="datetime64[ns]")
    running = np.isnat(stop)
    counts = np.zeros((n_groups, n_p), dtype=np.int64)
    for j, p in enumerate(periods.itertuples(index=False)):
        mask = (start <= np.datetime64(p.end)) & (running | (stop >= np.datetime64(p.start)))
        mask &= (codes >= 0) & (ids >= 0)
        pairs = np.unique(codes[mask] * n_ids + ids[mask])
        counts[:, j] = np.bincount(pairs // n_ids, minlength=n_groups)
    return counts[cells, _period_columns(periods, grid)]


def unique_clients(
    cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None
) -> pd.DataFrame:
    """Unique clients with a case active at any time in each period.

    A client with two cases in a year counts once. With ``by=("team",
    "wijk_code")`` a client counts in every wijk where they had a case.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``clients``.
    """
    by = _by(by)
    periods = _default_periods([cases["registration_date"], cases["end_date"]], freq, start, end)
    grid = _grid(periods, cases, by)
    grid["clients"] = _unique_active(
        cases, "registration_date", "end_date", "client_id", periods, by, grid
    )
    return grid


def stock_at(cases: pd.DataFrame, date, *, by=("team",)) -> pd.DataFrame:
    """Running cases at the end of ``date``.

    A case is running if it was registered on or before ``date`` and had not
    ended on or before ``date``.

    Returns
    -------
    DataFrame
        Columns ``date``, the ``by`` columns, ``stock``.
    """
    by = _by(by)
    day = pd.Timestamp(date).normalize()
    cl = case_level(cases)
    running = (cl["registration_date"] <= day) & (cl["end_date"].isna() | (cl["end_date"] > day))
    grid = pd.DataFrame({"date": [day]})
    for col in by:
        grid = grid.merge(
            pd.DataFrame({col: sorted(cl[col].dropna().unique().tolist())}), how="cross"
        )
    if by:
        counts = cl[running].groupby(by).size().rename("stock").reset_index()
        grid = grid.merge(counts, on=by, how="left")
    else:
        grid["stock"] = int(running.sum())
    grid["stock"] = grid["stock"].fillna(0).astype(int)
    return grid


def flows(
    cases: pd.DataFrame, *, freq: str = "month", by=("team",), start=None, end=None
) -> pd.DataFrame:
    """Inflow, outflow and stock per period, with the stock-flow identity check.

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    freq : {"year", "quarter", "month"}
    by : sequence of str
        Columns to split by.
    start, end : period string or date, optional
        First and last period; default the range of the data.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``stock_begin`` (running at
        the end of the day before the period), ``inflow`` (registrations),
        ``outflow`` (closures), ``stock_end`` (running at the end of the
        period's last day) and ``difference`` = ``stock_end - (stock_begin +
        inflow - outflow)``, which is 0 for consistent data. Each stock is
        counted independently of the flows, so a non-zero difference points
        at records the flows do not see.
    """
    by = _by(by)
    cl, periods = case_periods(cases, freq, start, end)
    grid = _grid(periods, cl, by)
    codes, cells, n_groups = _group_codes(cl, by, grid)
    reg = cl["registration_date"].to_numpy(dtype="datetime64[ns]")
    stop = cl["end_date"].to_numpy(dtype="datetime64[ns]")
    running = np.isnat(stop)
    valid = codes >= 0
    names = ("stock_begin", "inflow", "outflow", "stock_end")
    table = {name: np.zeros((n_groups, len(periods)), dtype=np.int64) for name in names}
    for j, p in enumerate(periods.itertuples(index=False)):
        first, last = np.datetime64(p.start), np.datetime64(p.end)
        before = first - np.timedelta64(1, "D")
        masks = {  # each counted on its own, so the identity is a real check
            "stock_begin": (reg <= before) & (running | (stop > before)),
            "inflow": (reg >= first) & (reg <= last),
            "outflow": (stop >= first) & (stop <= last),
            "stock_end": (reg <= last) & (running | (stop > last)),
        }
        for name, mask in masks.items():
            table[name][:, j] = np.bincount(codes[mask & valid], minlength=n_groups)
    columns = _period_columns(periods, grid)
    for name in names:
        grid[name] = table[name][cells, columns] if len(periods) else 0
    grid["difference"] = grid["stock_end"] - (
        grid["stock_begin"] + grid["inflow"] - grid["outflow"]
    )
    return grid


def waiting_days(cases: pd.DataFrame) -> pd.Series:
    """Working days from registration to first conversation for each row (Int64, empty if none held)."""
    return working_days_between(cases["registration_date"], cases["first_conversation_date"])


def waiting_times(
    cases: pd.DataFrame,
    *,
    freq: str = "year",
    by=("team",),
    basis: str = "registration",
    norm: int = WAITING_NORM_DAYS,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Waiting time from registration to first conversation, in working days.

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    freq : {"year", "quarter", "month"}
    by : sequence of str
        Split columns; add ``"urgent"`` to compare urgent with other cases.
    basis : {"registration", "conversation"}
        Count a case in the period of its registration (default) or of its
        first conversation.
    norm : int, default 5
        The norm in working days; ``within_norm_pct`` is the share of waits of
        at most this many working days.

    Returns
    -------
    DataFrame
        Columns ``period``, the ``by`` columns, ``n`` (cases with a first
        conversation), ``mean``, ``median``, ``p90``, ``within_norm_pct`` and
        ``no_conversation`` (cases registered in the period without a first
        conversation; only for ``basis="registration"``).
    """
    if basis not in ("registration", "conversation"):
        raise ValueError(f"basis must be 'registration' or 'conversation', not {basis!r}")
    by = _by(by)
    cl, periods = case_periods(cases, freq, start, end)
    cl["waiting_days"] = waiting_days(cl).astype(float)
    date_col = "registration_date" if basis == "registration" else "first_conversation_date"
    cl["period"] = _label(cl[date_col], freq)
    held = cl[cl["waiting_days"].notna()]
    grouped = held.groupby(["period", *by])["waiting_days"]
    stats_ = pd.DataFrame(
        {
            "n": grouped.size(),
            "mean": grouped.mean(),
            "median": grouped.median(),
            "p90": grouped.quantile(0.9),
            "within_norm_pct": grouped.apply(lambda s: 100.0 * (s <= norm).mean()),
        }
    ).reset_index()
    out = zero_filled(_grid(periods, cl, by), stats_, ["period", *by], ["n"])
    if basis == "registration":
        none = (
            cl[cl["waiting_days"].isna()]
            .groupby(["period", *by])
            .size()
            .rename("no_conversation")
            .reset_index()
        )
        out = zero_filled(out, none, ["period", *by], ["no_conversation"])
    return out


def _surveys_with_cases(surveys: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    cl = case_level(cases)
    keep = ["case_id"] + [c for c in cl.columns if c not in surveys.columns and c != "case_id"]
    return surveys.merge(cl[keep], on="case_id", how="left", validate="many_to_one")


def survey_marks(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    freq: str = "year",
    by=("team",),
    measures: Sequence[str] = MARKS,
    confidence: float = 0.95,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Mean survey marks per period of the survey date, with t confidence intervals.

    Parameters
    ----------
    surveys, cases : DataFrame
        The survey and cases tables (the cases give team and wijk).
    measures : sequence of str
        Which marks: ``rapportcijfer``, ``toegankelijkheid``, ``kwaliteit``, ``effect``.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        Long format: ``period``, the ``by`` columns, ``measure``, ``n``,
        ``mean``, ``sd``, ``ci_low``, ``ci_high`` (NaN where n < 2).
    """
    by = _by(by)
    df = _surveys_with_cases(surveys, cases)
    periods = _default_periods([df["survey_date"]], freq, start, end)
    df["period"] = _label(df["survey_date"], freq)
    rows = []
    for measure in measures:
        values = df[[*by, "period", measure]].dropna(subset=[measure])
        for key, group in values.groupby(["period", *by]):
            key = key if isinstance(key, tuple) else (key,)
            mean, low, high = mean_ci(group[measure], confidence)
            x = group[measure].astype(float)
            rows.append(
                {
                    **dict(zip(["period", *by], key, strict=True)),
                    "measure": measure,
                    "n": len(x),
                    "mean": mean,
                    "sd": float(x.std(ddof=1)) if len(x) > 1 else np.nan,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    grid = _grid(periods, df, by).merge(pd.DataFrame({"measure": list(measures)}), how="cross")
    result = pd.DataFrame(
        rows, columns=["period", *by, "measure", "n", "mean", "sd", "ci_low", "ci_high"]
    )
    out = zero_filled(grid, result, ["period", *by, "measure"], ["n"])
    return out


def without_help_share(
    surveys: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    freq: str = "year",
    by=("team",),
    confidence: float = 0.95,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Share of respondents who can continue without help, with a Wilson interval.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``n`` (answered), ``n_yes``, ``pct``,
        ``ci_low``, ``ci_high`` (percentages; NaN where n is 0).
    """
    by = _by(by)
    df = _surveys_with_cases(surveys, cases)
    periods = _default_periods([df["survey_date"]], freq, start, end)
    df["period"] = _label(df["survey_date"], freq)
    answered = df[df["verder_zonder_hulp"].notna()].copy()
    answered["yes"] = answered["verder_zonder_hulp"].astype(bool).astype(int)
    agg = answered.groupby(["period", *by])["yes"].agg(n="size", n_yes="sum").reset_index()
    out = zero_filled(_grid(periods, df, by), agg, ["period", *by], ["n", "n_yes"])
    low, high = wilson_interval(out["n_yes"].to_numpy(), out["n"].to_numpy(), confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pct"] = np.where(
            out["n"] > 0, 100.0 * out["n_yes"] / out["n"].where(out["n"] > 0, 1), np.nan
        )
    out["ci_low"] = 100.0 * np.asarray(low)
    out["ci_high"] = 100.0 * np.asarray(high)
    return out


def ended_as_planned(
    cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None
) -> pd.DataFrame:
    """Share of closed cases that ended as planned (:data:`ENDED_AS_PLANNED`).

    Returns
    -------
    DataFrame
        ``period`` (of the end date), the ``by`` columns, ``ended``,
        ``as_planned`` and ``pct``.
    """
    by = _by(by)
    cl, periods = case_periods(cases, freq, start, end)
    closed = cl[cl["end_date"].notna()].copy()
    closed["period"] = _label(closed["end_date"], freq)
    closed["planned"] = closed["end_reason"].isin(ENDED_AS_PLANNED).astype(int)
    agg = (
        closed.groupby(["period", *by])["planned"].agg(ended="size", as_planned="sum").reset_index()
    )
    out = zero_filled(_grid(periods, cl, by), agg, ["period", *by], ["ended", "as_planned"])
    out["pct"] = np.where(
        out["ended"] > 0, 100.0 * out["as_planned"] / out["ended"].clip(lower=1), np.nan
    )
    return out


def end_reasons(
    cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None
) -> pd.DataFrame:
    """Closed cases per end reason and period of the end date.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``end_reason``, ``label`` (Dutch), ``cases``.
    """
    by = _by(by)
    cl, periods = case_periods(cases, freq, start, end)
    closed = cl[cl["end_date"].notna()].copy()
    closed["period"] = _label(closed["end_date"], freq)
    agg = closed.groupby(["period", *by, "end_reason"]).size().rename("cases").reset_index()
    grid = _grid(periods, cl, by).merge(
        pd.DataFrame({"end_reason": list(END_REASONS)}), how="cross"
    )
    out = zero_filled(grid, agg, ["period", *by, "end_reason"], ["cases"])
    out.insert(out.columns.get_loc("end_reason") + 1, "label", out["end_reason"].map(END_REASONS))
    return out


def average_monthly_active(
    cases: pd.DataFrame, *, by=("team",), start=None, end=None
) -> pd.DataFrame:
    """Average over the months of a year of the cases active in the month.

    This is the published "gezinnen per maand" of the J&G teams.

    Returns
    -------
    DataFrame
        ``period`` (year), the ``by`` columns, ``months`` (months counted),
        ``average_active``.
    """
    by = _by(by)
    monthly = active_cases(cases, freq="month", by=by, start=start, end=end)
    monthly["year"] = monthly["period"].str[:4]
    out = (
        monthly.groupby(["year", *by])["active_cases"]
        .agg(months="size", average_active="mean")
        .reset_index()
    )
    return out.rename(columns={"year": "period"})


def clients_with_conversation(
    cases: pd.DataFrame, *, freq: str = "year", by=("team",), start=None, end=None
) -> pd.DataFrame:
    """Unique clients whose case had its first conversation in the period.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``clients``.
    """
    by = _by(by)
    periods = _default_periods([cases["registration_date"], cases["end_date"]], freq, start, end)
    held = cases[cases["first_conversation_date"].notna()].copy()
    held["period"] = _label(held["first_conversation_date"], freq)
    agg = held.groupby(["period", *by])["client_id"].nunique().rename("clients").reset_index()
    out = zero_filled(_grid(periods, cases, by), agg, ["period", *by], ["clients"])
    return out


def care_clients(
    care: pd.DataFrame, *, freq: str = "year", by=("domain",), start=None, end=None
) -> pd.DataFrame:
    """Clients and trajectories of aanvullende zorg per period.

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``clients`` (unique clients with a
        trajectory active in the period), ``trajectories`` (active in the
        period), ``running_end`` (trajectories running at the end of the
        period's last day), ``started`` and ``referred`` (started trajectories
        referred by a buurtteam case).
    """
    by = _by(by)
    periods = _default_periods([care["start_date"], care["end_date"]], freq, start, end)
    grid = _grid(periods, care, by)
    grid["clients"] = _unique_active(care, "start_date", "end_date", "client_id", periods, by, grid)
    grid["trajectories"] = _active_counts(care, "start_date", "end_date", periods, by, grid)
    reg, stop = care["start_date"], care["end_date"]
    parts = []
    for p in periods.itertuples(index=False):
        started = (reg >= p.start) & (reg <= p.end)
        flags = pd.DataFrame(
            {
                "running_end": ((reg <= p.end) & (stop.isna() | (stop > p.end))).astype(int),
                "started": started.astype(int),
                "referred": (started & care["referred_by_case_id"].notna()).astype(int),
            }
        )
        if by:
            part = pd.concat([care[by], flags], axis=1).groupby(by)[list(flags)].sum().reset_index()
        else:
            part = flags.sum().to_frame().T
        part["period"] = p.period
        parts.append(part)
    cols = ["running_end", "started", "referred"]
    if parts:
        grid = grid.merge(
            pd.concat(parts, ignore_index=True)[["period", *by, *cols]],
            on=["period", *by],
            how="left",
        )
    for col in cols:
        if col not in grid:
            grid[col] = 0
        grid[col] = grid[col].fillna(0).astype(int)
    return grid


def forward_share(
    cases: pd.DataFrame, care: pd.DataFrame, *, freq: str = "year", by=(), start=None, end=None
) -> pd.DataFrame:
    """The "beweging naar voren": clients of the buurtteam versus clients of aanvullende zorg.

    For each domain the buurtteam clients (J&G for ``jeugd``, Sociaal for
    ``sociaal``) are compared with the clients of aanvullende zorg of that
    domain, both counted as unique clients active in the period.

    Parameters
    ----------
    by : sequence of str
        Extra split columns present in both tables, e.g. ``("wijk_code",)``.

    Returns
    -------
    DataFrame
        ``period``, ``domain``, the ``by`` columns, ``buurtteam_clients``,
        ``care_clients`` and ``buurtteam_pct`` = buurtteam / (buurtteam + care) x 100.
    """
    by = _by(by)
    dates = [cases["registration_date"], cases["end_date"]]
    if start is None or end is None:
        periods = _default_periods(dates, freq, start, end)
        start = periods["period"].iloc[0] if len(periods) and start is None else start
        end = periods["period"].iloc[-1] if len(periods) and end is None else end
    team = unique_clients(cases, freq=freq, by=["team", *by], start=start, end=end)
    team["domain"] = team["team"].map({v: k for k, v in TEAM_OF_DOMAIN.items()})
    team = team.drop(columns="team").rename(columns={"clients": "buurtteam_clients"})
    extra = care_clients(care, freq=freq, by=["domain", *by], start=start, end=end)
    extra = extra[["period", "domain", *by, "clients"]].rename(columns={"clients": "care_clients"})
    out = zero_filled(team, extra, ["period", "domain", *by], ["care_clients"])
    total = out["buurtteam_clients"] + out["care_clients"]
    out["buurtteam_pct"] = np.where(
        total > 0, 100.0 * out["buurtteam_clients"] / total.clip(lower=1), np.nan
    )
    return out[["period", "domain", *by, "buurtteam_clients", "care_clients", "buurtteam_pct"]]


# --------------------------------------------------------------------------------------
# To the observations table
# --------------------------------------------------------------------------------------

#: Team or care domain an indicator is about (used to pick rows of a frame with a
#: ``team`` or ``domain`` column).
INDICATOR_TEAM = {i: "sociaal" for i in INDICATORS if i.startswith("buurtteam_sociaal_")}
INDICATOR_TEAM.update({i: "jeugd_en_gezin" for i in INDICATORS if i.startswith("buurtteam_jg_")})
INDICATOR_DOMAIN = {i: "jeugd" for i in INDICATORS if i.startswith("aanvullende_zorg_jeugd_")}
INDICATOR_DOMAIN.update(
    {
        i: "sociaal"
        for i in INDICATORS
        if i.startswith("aanvullende_zorg_") and not i.startswith("aanvullende_zorg_jeugd_")
    }
)
INDICATOR_DOMAIN["buurtteam_aanvullende_zorg_verhouding"] = "sociaal"


def to_observations(
    df: pd.DataFrame,
    indicator: str,
    *,
    value: str | None = None,
    register: Register | None = None,
    municipality: str | None = None,
    source: str | None = None,
    published: str | None = None,
    note: str | None = None,
    status: str = "definitief",
    source_ref: str | None = None,
) -> pd.DataFrame:
    """Turn an aggregate into rows of the observations table.

    Parameters
    ----------
    df : DataFrame
        An aggregate with a ``period`` column, the value column and optionally
        ``team`` / ``domain`` (rows of the indicator's team or domain are
        kept) and ``wijk_code`` (then one row per wijk; otherwise the
        municipality).
    indicator : str
        An id from :mod:`analysis.indicators`.
    value : str, optional
        The column holding the value; default ``value`` if present.
    register : Register, optional
        Supplies ``source``, ``published``, ``note`` (see
        :meth:`Register.provenance`: for synthetic data source
        ``synthetisch register (analysis.synthetic, seed N)``, published
        ``synthetisch, gegenereerd v<version>``, note ``synthetisch``) and the
        municipality code.
    municipality : str, optional
        Region code of the whole register; default from ``register`` or
        ``GM0344``.
    source, published, note, status, source_ref : str, optional
        Override the provenance; ``source`` and ``published`` are required
        without a register.

    Returns
    -------
    DataFrame
        Validated observations (:func:`analysis.schema.validate_observations`).
        Missing values get status ``missing``.
    """
    from ..schema import validate_observations  # late import: schema imports the catalogue

    rows = _observation_rows(
        df,
        indicator,
        value=value,
        register=register,
        municipality=municipality,
        source=source,
        published=published,
        note=note,
        status=status,
        source_ref=source_ref,
    )
    return validate_observations(rows)


def _observation_rows(
    df,
    indicator,
    *,
    value,
    register,
    municipality,
    source,
    published,
    note,
    status,
    source_ref,
    resolver: RegionResolver | None = None,
) -> pd.DataFrame:
    """The rows of :func:`to_observations`, not yet validated."""
    if indicator not in INDICATORS:
        raise KeyError(f"unknown indicator {indicator!r}")
    provenance = register.provenance() if register is not None else {}
    source = source or provenance.get("source")
    published = published or provenance.get("published")
    note = note if note is not None else provenance.get("note")
    if not source or not published:
        raise ValueError("give a register or both source and published")
    if municipality is None:
        municipality = register.municipality if register is not None else "GM0344"
    if value is None:
        if "value" not in df.columns:
            numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
            raise ValueError(
                f"say which column holds the value (value=...); numeric columns: {', '.join(numeric)}"
            )
        value = "value"
    if value not in df.columns:
        raise ValueError(f"no column {value!r} in the aggregate")
    frame = df
    if "team" in frame.columns:
        team = INDICATOR_TEAM.get(indicator)
        if team is not None:
            frame = frame[frame["team"] == team]
        elif frame["team"].nunique() > 1:
            raise ValueError(
                f"{indicator} is not about one team; filter the frame to one team first"
            )
    if "domain" in frame.columns:
        domain = INDICATOR_DOMAIN.get(indicator)
        if domain is not None:
            frame = frame[frame["domain"] == domain]
        elif frame["domain"].nunique() > 1:
            raise ValueError(
                f"{indicator} is not about one domain; filter the frame to one domain first"
            )
    extra_keys = [c for c in frame.columns if c in ("urgent", "measure", "end_reason", "care_type")]
    for key in extra_keys:
        if frame[key].nunique() > 1:
            raise ValueError(f"the aggregate is split by {key!r}; filter it to one value first")
    resolver = resolver or RegionResolver()
    if "wijk_code" in frame.columns:
        codes = frame["wijk_code"].astype(str)
    else:
        codes = pd.Series(municipality, index=frame.index)
    values = pd.to_numeric(frame[value], errors="coerce").astype(float)
    unit = INDICATORS[indicator].unit
    out = pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": codes.to_numpy(),
            "region_name": [resolver.name_of(c) or c for c in codes],
            "period": frame["period"].astype(str).to_numpy(),
            "period_type": [period_type_of(p) for p in frame["period"].astype(str)],
            "value": values.round(6).to_numpy(),
            "unit": unit,
            "status": np.where(values.isna().to_numpy(), "missing", status),
            "source": source,
            "source_ref": source_ref,
            "published": published,
            "note": note,
        }
    )
    return out.reset_index(drop=True)


def register_observations(
    register: Register, *, by_wijk: bool = False, freq: str = "year"
) -> pd.DataFrame:
    """All indicators a register supports, as observations.

    Parameters
    ----------
    register : Register
    by_wijk : bool, default False
        Per wijk instead of for the whole municipality.
    freq : {"year", "quarter", "month"}

    Returns
    -------
    DataFrame
        Observations for the ``buurtteam_sociaal_*``, ``buurtteam_jg_*`` and
        (if the register has aanvullende zorg) ``aanvullende_zorg_*`` and
        ``buurtteam_aanvullende_zorg_verhouding`` indicators.
    """
    cases, surveys, care = register.cases, register.surveys, register.care
    by = ["team", "wijk_code"] if by_wijk else ["team"]
    end = register.snapshot_date
    start = cases["registration_date"].min()
    kw = {"freq": freq, "by": by, "start": start, "end": end}
    parts: list[tuple[str, pd.DataFrame, str]] = []
    new = new_cases(cases, **kw)
    active = active_cases(cases, **kw)
    clients = unique_clients(cases, **kw)
    waits = waiting_times(cases, **kw)
    planned = ended_as_planned(cases, **kw)
    for prefix in ("buurtteam_sociaal", "buurtteam_jg"):
        parts.append((f"{prefix}_nieuwe_casussen", new, "new_cases"))
        parts.append((f"{prefix}_clienten", clients, "clients"))
    parts.append(("buurtteam_sociaal_casussen", active, "active_cases"))
    parts.append(("buurtteam_jg_gezinnen", active, "active_cases"))
    parts.append(("buurtteam_jg_trajecten", active, "active_cases"))
    parts.append(("buurtteam_sociaal_wachttijd", waits, "mean"))
    parts.append(("buurtteam_jg_volgens_plan_pct", planned, "pct"))
    parts.append(
        ("buurtteam_sociaal_clienten_gesprek", clients_with_conversation(cases, **kw), "clients")
    )
    if freq == "year":
        monthly = average_monthly_active(cases, by=by, start=start, end=end)
        parts.append(("buurtteam_jg_gezinnen_per_maand", monthly, "average_active"))
    if len(surveys):
        marks = survey_marks(surveys, cases, measures=("rapportcijfer",), **kw)
        share = without_help_share(surveys, cases, **kw)
        for prefix in ("buurtteam_sociaal", "buurtteam_jg"):
            parts.append((f"{prefix}_rapportcijfer", marks.drop(columns="measure"), "mean"))
            parts.append((f"{prefix}_zonder_hulp_pct", share, "pct"))
    if len(care):
        care_by = ["domain", "wijk_code"] if by_wijk else ["domain"]
        az = care_clients(care, freq=freq, by=care_by, start=start, end=end)
        parts.append(("aanvullende_zorg_jeugd_clienten", az, "clients"))
        parts.append(("aanvullende_zorg_jeugd_trajecten", az, "running_end"))
        fwd = forward_share(
            cases, care, freq=freq, by=["wijk_code"] if by_wijk else [], start=start, end=end
        )
        parts.append(("buurtteam_aanvullende_zorg_verhouding", fwd, "buurtteam_pct"))
    from ..schema import validate_observations

    resolver = RegionResolver()
    frames = [
        _observation_rows(
            frame,
            ind,
            value=col,
            register=register,
            municipality=None,
            source=None,
            published=None,
            note=None,
            status="definitief",
            source_ref=f"analysis.register: {col} ({freq})",
            resolver=resolver,
        )
        for ind, frame, col in parts
    ]
    return validate_observations(pd.concat(frames, ignore_index=True))
