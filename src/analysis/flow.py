"""Inflow, outflow, stock, durations and waiting times of the buurtteams; CBS Wmo flows.

What notebook 02 needs around :mod:`analysis.register`, whose aggregations it reuses
(:func:`~analysis.register.flows` for stock and flow with the identity check,
:func:`~analysis.register.waiting_times` for waiting times in working days):

Which register the notebook reads, and whether its register sections apply, is
decided by :func:`analysis.register.register_scope` (``session.register(...)``).

* :func:`stock_flow`, :func:`identity_summary`, :func:`identity_text` — the
  stock-flow table and the check of ``stock(t) = stock(t-1) + in - out``; a
  difference is reported, never hidden;
* :func:`flow_observations`, :func:`protect_flows` — the flows as observations,
  through :mod:`analysis.disclosure`, with the linked figures protected together;
* :func:`durations`, :func:`survival_curves`, :func:`median_durations`,
  :func:`survival_chart` — how long cases run (registration to closure):
  Kaplan-Meier curves (statsmodels ``SurvfuncRight``) with running cases censored
  at the register's snapshot date;
* :func:`waiting_summary` — waiting time to the first conversation in working
  days, urgent against other cases, against the norm of 5 working days;
* :func:`cbs_flow_table` — CBS Wmo stock (at the *start* of a
  period), inflow and outflow, with the same identity check and exceptional
  outflows flagged (2020H2: an administrative clean-up in many municipalities).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import disclosure
from .cbs.catalogue import is_table_switch
from .labels import format_number, label, resolve_language
from .periods import STATUS_SUPPRESSED, date_bound, next_periods, period_sort_key
from .regions import level_of
from .register import (
    WAITING_NORM_DAYS,
    Register,
    case_level,
    flows,
    to_observations,
    waiting_times,
)
from .schema import empty_observations
from .stats import survival_interval

THRESHOLD = disclosure.DEFAULT_THRESHOLD

#: Indicator ids of the register flows per team: inflow, outflow, stock at the end of the period.
FLOW_INDICATORS = {
    "sociaal": {
        "inflow": "buurtteam_sociaal_nieuwe_casussen",
        "outflow": "buurtteam_sociaal_afgesloten_casussen",
        "stock_end": "buurtteam_sociaal_lopende_casussen",
    },
    "jeugd_en_gezin": {
        "inflow": "buurtteam_jg_nieuwe_casussen",
        "outflow": "buurtteam_jg_afgesloten_casussen",
        "stock_end": "buurtteam_jg_lopende_casussen",
    },
}
_ROLE = {
    ind: (team, role) for team, roles in FLOW_INDICATORS.items() for role, ind in roles.items()
}


# --------------------------------------------------------------------------------------
# Stock and flow
# --------------------------------------------------------------------------------------


def stock_flow(
    cases: pd.DataFrame,
    *,
    freq: str = "month",
    wijk: str | None = None,
    start=None,
    end=None,
    by: Sequence[str] = ("team",),
) -> pd.DataFrame:
    """Inflow, outflow and stock per period, with the stock-flow identity checked.

    A thin layer over :func:`analysis.register.flows`, which counts each stock
    independently of the flows: ``difference`` = ``stock_end - (stock_begin +
    inflow - outflow)`` is 0 for consistent records.

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    freq : {"year", "quarter", "month"}
    wijk : str, optional
        Split by wijk as well (all wijken, so disclosure control can compare
        them; :func:`flow_observations` selects this wijk).
    start, end : period string or date, optional
    by : sequence of str, default ("team",)

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns (and ``wijk_code``), ``stock_begin``,
        ``inflow``, ``outflow``, ``stock_end``, ``difference`` and
        ``identity_holds`` (``difference == 0``).
    """
    by = list(by) + (["wijk_code"] if wijk is not None and "wijk_code" not in by else [])
    table = flows(cases, freq=freq, by=by, start=start, end=end)
    table["identity_holds"] = table["difference"] == 0
    return table


def identity_summary(
    table: pd.DataFrame, *, by: Sequence[str] = ("team",), wijk: str | None = None
) -> pd.DataFrame:
    """Per group: how many periods were checked and where the identity fails.

    Parameters
    ----------
    table : DataFrame
        From :func:`stock_flow`.
    by : sequence of str
        The groups (columns of ``table``).
    wijk : str, optional
        Check only this wijk's rows (``table`` split by ``wijk_code``).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``periods``, ``periods_with_difference``,
        ``largest_difference`` (the difference with the largest absolute
        value, signed; 0 if none) and ``first_period_with_difference`` (None if none).
    """
    if wijk is not None:
        table = table[table["wijk_code"] == wijk]
    rows = []
    groups = table.groupby(list(by), sort=True) if by else [((), table)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        bad = group[group["difference"] != 0]
        order = sorted(bad["period"].astype(str), key=period_sort_key)
        largest = (
            int(bad["difference"].iloc[int(np.argmax(bad["difference"].abs().to_numpy()))])
            if len(bad)
            else 0
        )
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "periods": int(len(group)),
                "periods_with_difference": int(len(bad)),
                "largest_difference": largest,
                "first_period_with_difference": order[0] if order else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            *by,
            "periods",
            "periods_with_difference",
            "largest_difference",
            "first_period_with_difference",
        ],
    )


def identity_text(summary: pd.DataFrame, *, what: str, language: str | None = None) -> str:
    """One sentence: does the stock-flow identity hold in every period of ``summary``?"""
    language = resolve_language(language)
    n = int(summary["periods"].sum())
    k = int(summary["periods_with_difference"].sum())
    if k == 0:
        return label("identity_holds", language).format(n=n, what=what)
    return label("identity_fails", language).format(k=k, n=n, what=what)


def flow_observations(
    table: pd.DataFrame, register: Register, *, wijk: str | None = None, threshold: int = THRESHOLD
) -> pd.DataFrame:
    """The flows as observations (inflow, outflow, stock at the end), disclosure-controlled.

    Parameters
    ----------
    table : DataFrame
        From :func:`stock_flow`; with ``wijk_code`` when ``wijk`` is given.
    register : Register
        Supplies source, publication and the *synthetisch* note.
    wijk : str, optional
        Return this wijk's rows, after protecting all wijken together
        (:func:`protect_flows`); None: the municipality.
    threshold : int, default 10

    Returns
    -------
    DataFrame
        Observations of :data:`FLOW_INDICATORS` with ``display`` and
        ``suppression`` columns.

    Notes
    -----
    The protected observations of all wijken are computed once per register
    version and content of ``table`` (:func:`analysis.register.memo.derived`),
    so the reports of a wijk batch share them; each call returns a copy of
    its rows.
    """
    from .datacache import frame_digest
    from .register.memo import derived

    try:
        digest = frame_digest(table)
    except TypeError:  # unhashable cells: computed every time
        digest = None
    obs = derived(
        None if digest is None else register,
        "analysis.flow.flow_observations",
        lambda: _protected_observations(table, register, threshold),
        table=digest,
        threshold=threshold,
    )
    code = wijk if wijk is not None else register.municipality
    return obs[obs["region_code"] == code].reset_index(drop=True)


def _protected_observations(
    table: pd.DataFrame, register: Register, threshold: int
) -> pd.DataFrame:
    """The observations of every region of ``table``, disclosure-controlled (:func:`flow_observations`)."""
    parts = [
        to_observations(table, ind, value=role, register=register)
        for team, roles in FLOW_INDICATORS.items()
        if (table["team"] == team).any()
        for role, ind in roles.items()
    ]
    if not parts:  # no period in the selection (say a start after the register's data)
        return empty_observations().assign(
            display=pd.Series(dtype=object), suppression=pd.Series(dtype=object)
        )
    obs = pd.concat(parts, ignore_index=True)
    return protect_flows(obs, threshold=threshold)


def _withhold(out: pd.DataFrame, rows: pd.Series) -> int:
    """Withhold ``rows`` not yet withheld (secondary, ``x``) in place; how many were."""
    rows = rows & ~(out["status"].eq(STATUS_SUPPRESSED) & out["value"].isna())
    disclosure.withhold(
        out,
        rows,
        "value",
        "status",
        "display",
        disclosure.SECONDARY_DISPLAY,
        disclosure.SECONDARY,
        None,
    )
    return int(rows.sum())


def protect_flows(obs: pd.DataFrame, *, threshold: int = THRESHOLD) -> pd.DataFrame:
    """Disclosure control for register flows: small counts, and the figures that give them away.

    Steps, repeated until nothing changes:

    1. :func:`analysis.disclosure.apply_disclosure_control`: counts below
       ``threshold`` at wijk level withheld (``<10``), with secondary
       suppression across the wijken of a period (``x``).
    2. Linked figures (``docs/disclosure.md``): two stocks give the net flow
       ``inflow - outflow`` of the period between them, so where a team's
       inflow or outflow is withheld in a wijk and period, the other is
       withheld too; a withheld stock withholds the inflow and outflow of its
       own and of the next period (else ``stock(t) = stock(t-1) + in - out``).
    3. Within a year: where exactly one month (quarter) of a wijk's series is
       withheld, the smallest other month is withheld too (else the year total
       minus the other months gives it away).

    Parameters
    ----------
    obs : DataFrame
        Observations of :data:`FLOW_INDICATORS`, possibly for several wijken.
    threshold : int, default 10

    Returns
    -------
    DataFrame
        A copy with ``value`` NaN, ``status`` ``suppressed`` and ``display``
        (``<10`` / ``x``) for withheld rows; municipality rows are left alone.
    """
    out = disclosure.apply_disclosure_control(obs)
    protected = out["region_code"].map(level_of).isin(disclosure.PROTECTED_LEVELS)
    if not protected.any():
        return out
    out = out.reset_index(drop=True)
    roles = out["indicator"].map(_ROLE)
    team = roles.map(lambda r: r[0] if isinstance(r, tuple) else None)
    role = roles.map(lambda r: r[1] if isinstance(r, tuple) else None)
    is_flow = role.isin(["inflow", "outflow"]) & protected
    periods = sorted(out["period"].astype(str).unique(), key=period_sort_key)
    rank = out["period"].astype(str).map({p: i for i, p in enumerate(periods)})
    cell = out["region_code"].astype(str) + "\x1f" + team.astype(str) + "\x1f" + rank.astype(str)
    next_cell = (
        out["region_code"].astype(str) + "\x1f" + team.astype(str) + "\x1f" + (rank + 1).astype(str)
    )
    year = out["period"].astype(str).str[:4]
    sub_year = out["period_type"].isin(["month", "quarter"]) & protected
    year_groups = ["indicator", "region_code", "_year", "source", "published"]
    for _ in range(50):
        withheld = out["status"].eq(STATUS_SUPPRESSED) & out["value"].isna() & protected
        flow_cells = set(cell[withheld & is_flow])
        stock_rows = withheld & (role == "stock_end")
        flow_cells |= set(cell[stock_rows]) | set(next_cell[stock_rows])
        changed = _withhold(out, is_flow & cell.isin(flow_cells))
        if sub_year.any():
            part = disclosure.secondary_suppression(
                out[sub_year].assign(_year=year[sub_year]), group_cols=year_groups
            ).drop(columns="_year")
            newly = part["status"].eq(STATUS_SUPPRESSED) & ~out.loc[sub_year, "status"].eq(
                STATUS_SUPPRESSED
            )
            if newly.any():
                out.loc[newly[newly].index, part.columns] = part[newly]
                changed += int(newly.sum())
        before = int(out["status"].eq(STATUS_SUPPRESSED).sum())
        out = disclosure.secondary_suppression(out)
        changed += int(out["status"].eq(STATUS_SUPPRESSED).sum()) - before
        if not changed:
            break
    return out


# --------------------------------------------------------------------------------------
# Durations (survival)
# --------------------------------------------------------------------------------------


def durations(
    cases: pd.DataFrame,
    *,
    snapshot,
    by: Sequence[str] = ("team",),
    wijk: str | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """How long each case ran, from registration to closure, censored at ``snapshot``.

    Parameters
    ----------
    cases : DataFrame
        The cases table (one row per client; counted once per case).
    snapshot : date-like
        The register's snapshot date: cases still running then are censored
        there, and closures after it are treated as running.
    by : sequence of str
        Columns kept for grouping.
    wijk : str, optional
        Only the cases of this wijk.
    start, end : period string or date, optional
        The cohort: cases registered in ``start`` .. ``end``.

    Returns
    -------
    DataFrame
        ``case_id``, the ``by`` columns, ``registration_date``,
        ``duration_days`` (calendar days, registration to closure or to the
        snapshot) and ``ended`` (True: closed; False: censored).
    """
    snapshot = pd.Timestamp(snapshot).normalize()
    cl = case_level(cases)
    keep = cl["registration_date"] <= snapshot
    if wijk is not None:
        keep &= cl["wijk_code"] == wijk
    if start is not None:
        keep &= cl["registration_date"] >= date_bound(start)
    if end is not None:
        keep &= cl["registration_date"] <= date_bound(end, end=True)
    cl = cl[keep]
    ended = cl["end_date"].notna() & (cl["end_date"] <= snapshot)
    stop = cl["end_date"].where(ended, snapshot)
    out = cl[["case_id", *by, "registration_date"]].copy()
    out["duration_days"] = (stop - cl["registration_date"]).dt.days.astype(int)
    out["ended"] = ended.to_numpy()
    return out.reset_index(drop=True)


def _km(times: np.ndarray, ended: np.ndarray):
    from statsmodels.duration.survfunc import SurvfuncRight

    return SurvfuncRight(times.astype(float), ended.astype(int))


def survival_curves(
    durations: pd.DataFrame,
    *,
    by: Sequence[str] = ("team",),
    confidence: float = 0.95,
    min_at_risk: int = THRESHOLD,
) -> pd.DataFrame:
    """Kaplan-Meier curves of the share of cases still running, per group.

    Parameters
    ----------
    durations : DataFrame
        From :func:`durations`.
    by : sequence of str
        One curve per combination of these columns.
    confidence : float, default 0.95
        Pointwise interval, on the log(-log) scale (stays within 0..1).
    min_at_risk : int, default 10
        The curve stops before the first time with fewer cases at risk: the
        tail of a curve on a handful of cases tells little and could point at
        individual clients (disclosure control).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``time`` (days; the first row is time 0, share 1),
        ``surv_prob``, ``ci_low``, ``ci_high``, ``n_risk``, ``n_events``.
    """
    parts = []
    groups = durations.groupby(list(by), sort=True) if by else [((), durations)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        if len(group) < min_at_risk:
            continue
        sf = _km(group["duration_days"].to_numpy(), group["ended"].to_numpy())
        prob = np.asarray(sf.surv_prob, dtype=float)
        low, high = survival_interval(prob, sf.surv_prob_se, confidence)
        curve = pd.DataFrame(
            {
                "time": np.concatenate([[0.0], np.asarray(sf.surv_times, dtype=float)]),
                "surv_prob": np.concatenate([[1.0], prob]),
                "ci_low": np.concatenate([[1.0], low]),
                "ci_high": np.concatenate([[1.0], high]),
                "n_risk": np.concatenate([[len(group)], np.asarray(sf.n_risk, dtype=int)]),
                "n_events": np.concatenate([[0], np.asarray(sf.n_events, dtype=int)]),
            }
        )
        curve = curve[curve["n_risk"] >= min_at_risk]
        for col, value in zip(by, key, strict=True):
            curve.insert(list(by).index(col), col, value)
        parts.append(curve)
    cols = [*by, "time", "surv_prob", "ci_low", "ci_high", "n_risk", "n_events"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def median_durations(
    durations: pd.DataFrame,
    *,
    by: Sequence[str] = ("team",),
    alpha: float = 0.05,
    min_n: int = THRESHOLD,
    wijk: str | None = None,
) -> pd.DataFrame:
    """Median duration per group with its confidence interval (statsmodels ``quantile_ci``).

    Parameters
    ----------
    durations : DataFrame
        From :func:`durations`.
    by : sequence of str
    alpha : float, default 0.05
        For a (1 - alpha) interval (Brookmeyer-Crowley, log(-log) transform).
    min_n : int, default 10
        Groups with fewer cases are withheld (``display`` ``x``).
    wijk : str, optional
        The durations are of this wijk: then ``ended`` and ``running`` below
        ``min_n`` are withheld too, both together (``cases = ended + running``
        would give one away), shown as ``counts_display``.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``cases``, ``ended``, ``running``, ``median``,
        ``ci_low``, ``ci_high`` (days; NaN where the curve does not come down
        far enough: the median or a bound cannot be estimated yet), ``display``
        and ``counts_display`` (``<10`` where ended and running are withheld).
    """
    rows = []
    groups = durations.groupby(list(by), sort=True) if by else [((), durations)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        row = {
            **dict(zip(by, key, strict=True)),
            "cases": len(group),
            "ended": int(group["ended"].sum()),
            "running": int((~group["ended"]).sum()),
            "median": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "display": None,
            "counts_display": None,
        }
        if wijk is not None and min(row["ended"], row["running"]) < min_n:
            row.update(ended=np.nan, running=np.nan, counts_display=f"<{min_n}")
        if len(group) < min_n:
            row.update(
                cases=np.nan, ended=np.nan, running=np.nan, display=disclosure.SECONDARY_DISPLAY
            )
        else:
            sf = _km(group["duration_days"].to_numpy(), group["ended"].to_numpy())
            median = sf.quantile(0.5)
            with np.errstate(divide="ignore", invalid="ignore"):  # log(0) at the ends of the curve
                low, high = sf.quantile_ci(0.5, alpha=alpha)
            row.update(median=_finite(median), ci_low=_finite(low), ci_high=_finite(high))
        rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            *by,
            "cases",
            "ended",
            "running",
            "median",
            "ci_low",
            "ci_high",
            "display",
            "counts_display",
        ],
    )


def _finite(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return np.nan
    return value if np.isfinite(value) else np.nan


# --------------------------------------------------------------------------------------
# Waiting times
# --------------------------------------------------------------------------------------

WAIT_GROUPS = ("all_cases", "not_urgent", "urgent")


def waiting_summary(
    cases: pd.DataFrame,
    *,
    by: Sequence[str] = ("team",),
    wijk: str | None = None,
    norm: int = WAITING_NORM_DAYS,
    start=None,
    end=None,
    min_n: int = THRESHOLD,
) -> pd.DataFrame:
    """Waiting time to the first conversation per year, urgent against other cases and all together.

    Uses :func:`analysis.register.waiting_times` (working days after the
    registration day up to the conversation; weekends and Dutch public
    holidays do not count; a case counts in the year of its registration).

    Parameters
    ----------
    cases : DataFrame
        The cases table.
    by : sequence of str, default ("team",)
    wijk : str, optional
        Only this wijk; its means on fewer than ``min_n`` conversations are
        withheld (:func:`analysis.experience.protect_summary`).
    norm : int, default 5
        The norm in working days.
    start, end : period string, optional
    min_n : int, default 10

    Returns
    -------
    DataFrame
        ``period``, the ``by`` columns, ``group`` (``all_cases``, ``not_urgent``,
        ``urgent``), ``n``, ``mean``, ``median``, ``p90``,
        ``within_norm_pct``, ``no_conversation``, ``status``, ``display``
        and, for a wijk, ``n_display`` (``x`` where the count is withheld: in
        a withheld row, or in the other split group of a withheld one, since
        all = urgent + not urgent).
    """
    from .experience import protect_summary

    by = list(by)
    if wijk is not None:
        cases = cases[cases["wijk_code"] == wijk]
    split = waiting_times(cases, by=[*by, "urgent"], norm=norm, start=start, end=end)
    split["group"] = np.where(split["urgent"], "urgent", "not_urgent")
    total = waiting_times(cases, by=by, norm=norm, start=start, end=end).assign(group="all_cases")
    out = pd.concat([split.drop(columns="urgent"), total], ignore_index=True)
    out["group"] = pd.Categorical(out["group"], categories=list(WAIT_GROUPS), ordered=True)
    out = out.sort_values(["period", *by, "group"], kind="stable").reset_index(drop=True)
    out["group"] = out["group"].astype(str)
    if wijk is not None:
        out["wijk_code"] = wijk
    out = protect_summary(out, ["mean", "median", "p90", "within_norm_pct"], threshold=min_n)
    if wijk is not None:
        # all = urgent + not urgent: where one split is withheld, the other's count goes too
        split_rows = out["group"].isin(["urgent", "not_urgent"])
        gone = (
            (out["display"].notna() & split_rows)
            .groupby([out[c] for c in ["period", *by]])
            .transform("any")
        )
        extra = gone & split_rows & out["display"].isna()
        out.loc[extra, "n"] = np.nan
        out.loc[extra, "no_conversation"] = np.nan
        out["n_display"] = np.where(
            extra | out["display"].notna(), disclosure.SECONDARY_DISPLAY, None
        )
    return out.drop(columns=["wijk_code"], errors="ignore")


# --------------------------------------------------------------------------------------
# CBS Wmo flows
# --------------------------------------------------------------------------------------


def cbs_flow_table(
    stand: pd.DataFrame,
    instroom: pd.DataFrame,
    uitstroom: pd.DataFrame,
    *,
    exceptional_ratio: float = 2.0,
    rounding: float = 10.0,
) -> pd.DataFrame:
    """CBS Wmo stock, inflow and outflow side by side, with the identity and exceptional outflows.

    CBS's *Stand* is the stock at the **start** of the period (the year's stand
    equals that of its first half). So the identity reads
    ``stand(next period) = stand + instroom - uitstroom``.

    Parameters
    ----------
    stand, instroom, uitstroom : DataFrame
        Observations of ``wmo_stand``, ``wmo_instroom`` and ``wmo_uitstroom``
        (one or more regions and period types).
    exceptional_ratio : float, default 2.0
        An outflow at least this many times the median outflow of its region
        and period type is flagged ``exceptional`` (2020H2 in many
        municipalities: administrative closing of old provisions).
    rounding : float, default 10
        CBS rounds each count to a multiple of 5, so four rounded counts may
        miss the identity by up to 10; ``beyond_rounding`` flags larger differences.

    Returns
    -------
    DataFrame
        ``region_code``, ``period_type``, ``period``, ``stand``, ``instroom``,
        ``uitstroom``, ``stand_next`` (stand of the next period of the same
        type, NaN if absent), ``expected_next`` = stand + instroom - uitstroom,
        ``difference`` = stand_next - expected_next, ``beyond_rounding``,
        ``outflow_ratio``, ``exceptional``, ``source`` and ``table_change``
        (the next period comes from another CBS table).
    """
    keys = ["region_code", "period_type", "period"]
    parts = []
    for name, obs in (("stand", stand), ("instroom", instroom), ("uitstroom", uitstroom)):
        frame = obs[[*keys, "value", "source"]].rename(
            columns={"value": name, "source": f"_src_{name}"}
        )
        parts.append(frame.drop_duplicates(keys))
    table = parts[0].merge(parts[1], on=keys, how="outer").merge(parts[2], on=keys, how="outer")
    table["source"] = (
        table["_src_stand"].fillna(table["_src_instroom"]).fillna(table["_src_uitstroom"])
    )
    table = table.drop(columns=[c for c in table.columns if c.startswith("_src_")])
    if table.empty:
        cols = [
            *keys,
            "stand",
            "instroom",
            "uitstroom",
            "stand_next",
            "expected_next",
            "difference",
            "beyond_rounding",
            "outflow_ratio",
            "exceptional",
            "source",
            "table_change",
        ]
        return pd.DataFrame(columns=cols)
    table["_next"] = [
        next_periods(str(p), 1)[0] if t != "date" else None
        for p, t in zip(table["period"], table["period_type"], strict=True)
    ]
    nxt = table[[*keys, "stand", "source"]].rename(
        columns={"period": "_next", "stand": "stand_next", "source": "_source_next"}
    )
    table = table.merge(nxt, on=["region_code", "period_type", "_next"], how="left")
    table["expected_next"] = table["stand"] + table["instroom"] - table["uitstroom"]
    table["difference"] = table["stand_next"] - table["expected_next"]
    table["beyond_rounding"] = table["difference"].abs() > rounding
    median = table.groupby(["region_code", "period_type"])["uitstroom"].transform("median")
    table["outflow_ratio"] = table["uitstroom"] / median
    table["exceptional"] = table["outflow_ratio"] >= exceptional_ratio
    table["table_change"] = [
        is_table_switch(a, b) for a, b in zip(table["source"], table["_source_next"], strict=True)
    ]
    table = table.drop(columns=["_next", "_source_next"])
    order = sorted(
        range(len(table)),
        key=lambda i: (
            table["region_code"].iloc[i],
            table["period_type"].iloc[i],
            period_sort_key(str(table["period"].iloc[i])),
        ),
    )
    return table.iloc[order].reset_index(drop=True)


def cbs_flow_text(table: pd.DataFrame, *, language: str | None = None) -> str:
    """Plain sentences on a :func:`cbs_flow_table`: exceptional outflows, then how often the identity fails.

    Returns
    -------
    str
        Markdown bullets: one per exceptional outflow, and per period type the
        number of periods whose identity misses by more than CBS's rounding,
        with the largest miss.
    """
    language = resolve_language(language)
    from .labels import period_label

    lines = []
    for r in table[table["exceptional"]].to_dict("records"):
        lines.append(
            f"- {period_label(r['period'], language)}: {label('exceptional_outflow', language)} "
            f"({label('outflow', language)} {format_number(r['uitstroom'], 0, language)}, "
            f"{format_number(r['outflow_ratio'], 1, language)} x {label('median', language)})"
        )
    for kind, group in table.groupby("period_type", sort=False):
        checked = group[group["difference"].notna()]
        beyond = checked[checked["beyond_rounding"]]
        if not len(checked):
            continue
        text = label("cbs_identity_count", language).format(
            k=len(beyond), n=len(checked), what=label(kind, language).lower()
        )
        if len(beyond):
            worst = beyond.loc[beyond["difference"].abs().idxmax()]
            text += (
                "; "
                + label("largest_difference", language)
                + " "
                + format_number(worst["difference"], 0, language, signed=True)
                + f" ({period_label(str(worst['period']), language)})"
            )
        lines.append(f"- {text}")
    return "\n".join(lines)


__all__ = [
    "FLOW_INDICATORS",
    "cbs_flow_table",
    "cbs_flow_text",
    "durations",
    "flow_observations",
    "identity_summary",
    "identity_text",
    "median_durations",
    "protect_flows",
    "stock_flow",
    "survival_curves",
    "waiting_summary",
]
