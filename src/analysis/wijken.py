"""Wmo clients per wijk over time, with the changes of the wijk division marked.

CBS publishes Wmo clients per wijk in one table per year ("Wmo-cliënten;
financieringsvorm, wijken", 83267NED for 2015 ... 85995NED for the first half
of 2024, see :data:`analysis.cbs.catalogue.WMO_WIJK_TABLES`). Each table
follows the *Wijk- en Buurtindeling* of its own year, and says per wijk
whether it can be compared with the year before: the measure
*Indelingswijziging* (indicator ``wijk_indelingswijziging``):

1. code and boundaries unchanged (a new name is possible): comparable;
2. new code, same boundaries: the old code's figures belong to the same area,
   but under another code;
3. boundaries changed: not comparable with the year before.

A trend line of a wijk therefore runs only over its *comparable span*: the
years since the last 2 or 3, without a year missing in between (a table
that lacks the wijk cannot say the next year is comparable with it). Earlier
years are left out of the line, never joined across the change, and
:func:`division_breaks` lists what was left out and why, for the reader.

For Utrecht every table from 2015 to 2024 marks all ten wijken ``1``: codes
and boundaries are unchanged since 2014 and the lines run from 2015.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from . import labels, markup
from .labels import label
from .regions import RegionResolver

#: The Wmo indicators CBS publishes per wijk.
TREND_INDICATORS: tuple[str, ...] = ("wmo_clienten", "wmo_clienten_per_1000")
#: The indicator holding CBS's Indelingswijziging per wijk and year.
DIVISION_INDICATOR = "wijk_indelingswijziging"
UNCHANGED, NEW_CODE, NEW_BOUNDARIES = 1, 2, 3

BREAK_COLUMNS = ["region_code", "region_name", "year", "reason", "dropped_before"]


def wijk_codes(
    municipality: str, resolver: RegionResolver | None = None, obs: pd.DataFrame | None = None
) -> list[str]:
    """The wijk codes of a municipality: those the resolver knows and those in ``obs``.

    Parameters
    ----------
    municipality : str
        ``GM0344``.
    resolver : RegionResolver, optional
        Names the regions of a CBS folder (:func:`analysis.cbs.region_resolver`);
        the wijk tables carry codes, so every wijk they hold is known.
    obs : DataFrame, optional
        Observations whose ``region_code`` may add wijken.

    Returns
    -------
    list of str
        ``WK<gemeentecode><nn>`` codes, sorted.
    """
    prefix = f"WK{str(municipality)[2:]}"
    codes = set((resolver or RegionResolver()).codes())
    if obs is not None and len(obs):
        codes |= set(obs["region_code"].astype(str))
    return sorted(c for c in codes if c.startswith(prefix) and len(c) == len(prefix) + 2)


#: At most this many wijken are drawn as small multiples; more are shown as one bar chart.
MAX_PANELS = 24


def current_wijken(obs: pd.DataFrame) -> list[str]:
    """The wijken with a value in the latest period of ``obs``: the current division, in code order.

    Parameters
    ----------
    obs : DataFrame
        Observations of a wijk indicator (one period type).

    Returns
    -------
    list of str
        Wijk codes (``WK...``) present in the last period; codes of earlier
        divisions that no longer exist are left out.
    """
    rows = obs[obs["region_code"].astype(str).str.startswith("WK") & obs["value"].notna()]
    if rows.empty:
        return []
    from .periods import period_sort_key

    last = max(rows["period"].astype(str), key=period_sort_key)
    return sorted(set(rows.loc[rows["period"].astype(str) == last, "region_code"].astype(str)))


def _year(period: str) -> int:
    return int(str(period)[:4])


def division_breaks(obs: pd.DataFrame, division: pd.DataFrame | None) -> pd.DataFrame:
    """Where the series of each wijk cannot be continued from the year before.

    Parameters
    ----------
    obs : DataFrame
        Observations of a wijk indicator (any period types), wijk rows.
    division : DataFrame or None
        Observations of ``wijk_indelingswijziging`` (year rows, value 1, 2 or
        3), or None when the source does not hold it.

    Returns
    -------
    DataFrame
        One row per wijk and year where a new comparable span starts:
        ``region_code``, ``region_name``, ``year`` (first year of the new
        span), ``reason`` (``"code"`` for 2, ``"grenzen"`` for 3, ``"ontbreekt"``
        when the year before is missing for this wijk) and
        ``dropped_before`` (True: the rows before ``year`` are left out of the
        trend, see :func:`comparable_span`). Empty when every wijk is
        comparable over all its years.
    """
    rows = []
    wijk_rows = obs[obs["region_code"].astype(str).str.startswith("WK") & obs["value"].notna()]
    flags: dict[tuple[str, int], float] = {}
    if division is not None and len(division):
        d = division[division["value"].notna()]
        flags = {
            (str(r), _year(p)): float(v)
            for r, p, v in zip(d["region_code"], d["period"], d["value"], strict=True)
        }
    for code, group in wijk_rows.groupby("region_code", sort=True):
        years = sorted({_year(p) for p in group["period"]})
        name = str(group["region_name"].iloc[0])
        for before, year in zip(years, years[1:], strict=False):
            flag = flags.get((str(code), year))
            if year - before > 1:
                rows.append((code, name, year, "ontbreekt"))
            elif flag == NEW_CODE:
                rows.append((code, name, year, "code"))
            elif flag is not None and flag >= NEW_BOUNDARIES:
                rows.append((code, name, year, "grenzen"))
    out = pd.DataFrame(rows, columns=BREAK_COLUMNS[:-1])
    out["dropped_before"] = True
    return out[BREAK_COLUMNS]


def comparable_span(obs: pd.DataFrame, breaks: pd.DataFrame) -> pd.DataFrame:
    """The rows of each region from its last break on: the part a trend line may join.

    Parameters
    ----------
    obs : DataFrame
        Observations (wijk and other rows; only wijken with a break lose rows).
    breaks : DataFrame
        From :func:`division_breaks`.

    Returns
    -------
    DataFrame
        ``obs`` without the rows of a wijk in years before its last break.
    """
    if breaks.empty or obs.empty:
        return obs.reset_index(drop=True)
    first = breaks.groupby("region_code")["year"].max()
    start = obs["region_code"].map(first)
    years = obs["period"].map(_year)
    keep = start.isna() | (years >= start)
    return obs[keep.to_numpy()].reset_index(drop=True)


def division_checked(division: pd.DataFrame | None, codes: Iterable[str]) -> bool:
    """Whether the source says, for every one of ``codes``, how its division changed."""
    codes = list(codes)
    if division is None or division.empty or not codes:
        return False
    have = set(division.loc[division["value"].notna(), "region_code"].astype(str))
    return set(codes) <= have


def rounded_to_five(obs: pd.DataFrame) -> list[str]:
    """Periods in which every value is a multiple of 5 (CBS rounded rates too, e.g. 2015 per 1.000).

    Parameters
    ----------
    obs : DataFrame
        Observations of one indicator; only periods with at least three values count.

    Returns
    -------
    list of str
        The periods, sorted.
    """
    out = []
    data = obs[obs["value"].notna()]
    for period, group in data.groupby("period", sort=True):
        values = group["value"].to_numpy(dtype=float)
        if len(values) >= 3 and np.all(
            np.isclose(np.mod(values, 5), 0) | np.isclose(np.mod(values, 5), 5)
        ):
            out.append(str(period))
    return out


def division_note(breaks: pd.DataFrame, checked: bool, language: str | None = None) -> str:
    """One paragraph for the reader: the changes of the wijk division, or that there were none.

    Parameters
    ----------
    breaks : DataFrame
        From :func:`division_breaks`.
    checked : bool
        Whether CBS's Indelingswijziging was available for every wijk
        (:func:`division_checked`); without it only missing years are found.
    language : {"nl", "en"}, optional
        Default: the session language.
    """
    language = labels.resolve_language(language)
    if breaks.empty:
        return label("wijk_division_none" if checked else "wijk_division_unchecked", language)
    reasons = {
        "code": label("wijk_division_code", language),
        "grenzen": label("wijk_division_boundaries", language),
        "ontbreekt": label("wijk_division_missing", language),
    }
    items = [
        f"{name} ({code}) {year}: {reasons[reason]}"
        for code, name, year, reason in breaks[
            ["region_code", "region_name", "year", "reason"]
        ].itertuples(index=False)
    ]
    lead = label("wijk_division_breaks", language)
    tail = "" if checked else " " + label("wijk_division_unchecked", language)
    return f"{lead} " + "; ".join(items) + "." + tail


def wijk_trend(
    obs: pd.DataFrame,
    division: pd.DataFrame | None,
    *,
    period_type: str,
    regions: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of one period type to draw as wijk trend lines, and the breaks found.

    Parameters
    ----------
    obs : DataFrame
        Observations of one wijk indicator (wijken and, say, the municipality).
    division : DataFrame or None
        Observations of ``wijk_indelingswijziging``.
    period_type : {"year", "halfyear"}
        Years and half-years are different statistics and are never drawn together.
    regions : iterable of str, optional
        Keep these regions, in this order (default: all).

    Returns
    -------
    (DataFrame, DataFrame)
        The rows of the comparable spans (:func:`comparable_span`) of the
        period type, sorted by region and period; the breaks
        (:func:`division_breaks`, over all period types).
    """
    breaks = division_breaks(obs, division)
    rows = obs[obs["period_type"] == period_type]
    if regions is not None:
        wanted = list(regions)
        rows = rows[rows["region_code"].isin(wanted)]
        order = {code: i for i, code in enumerate(wanted)}
        rows = rows.assign(_o=rows["region_code"].map(order)).sort_values(
            ["_o", "period"], kind="stable"
        )
        rows = rows.drop(columns="_o")
    return comparable_span(rows, breaks), breaks


def trend_charts(
    data: dict[str, pd.DataFrame],
    division: pd.DataFrame | None,
    municipality: str,
    wijk: str | None = None,
    *,
    selection: str | None = None,
    language: str | None = None,
) -> list:
    """The charts of the Wmo trend per wijk: the chosen wijk, or small multiples of every wijk.

    Years and half-years are drawn apart (different statistics); every line
    runs over its comparable span only (:func:`wijk_trend`).

    Parameters
    ----------
    data : dict
        Indicator id (:data:`TREND_INDICATORS`) -> observations of the wijken
        and the municipality.
    division : DataFrame or None
        Observations of ``wijk_indelingswijziging``.
    municipality : str
        ``GM0344``: drawn beside the wijk, or grey in every panel, for the
        rate per 1.000 inhabitants (not for the counts, whose scale differs).
    wijk : str, optional
        The chosen wijk; without it every wijk of the current division.
    selection : str, optional
        The selection in words, for an empty chart's sentence.
    language : {"nl", "en"}, optional

    Returns
    -------
    list
        Figures, or sentences where a selection has no values or there are
        more than :data:`MAX_PANELS` wijken.
    """
    from . import plotting

    language = labels.resolve_language(language)
    out = []
    if not wijk:
        many = max(
            (
                len(current_wijken(obs[obs["period_type"] == kind]))
                for obs in data.values()
                if obs is not None
                for kind in ("year", "halfyear")
            ),
            default=0,
        )
        if many > MAX_PANELS:
            return [
                markup.sentence(
                    label("wijk_too_many", language).format(n=many) + ".", emphasis=True
                )
            ]
    for ind in TREND_INDICATORS:
        obs = data.get(ind)
        if obs is None:
            continue
        rate = ind == "wmo_clienten_per_1000"
        for kind in ("year", "halfyear"):
            subtitle = label(f"reach_period_{kind}", language)
            if wijk:
                rows, _ = wijk_trend(
                    obs,
                    division,
                    period_type=kind,
                    regions=[wijk, municipality] if rate else [wijk],
                )
                out.append(
                    plotting.chart_or_note(
                        plotting.line_chart,
                        rows,
                        focus=wijk,
                        subtitle=subtitle,
                        what=labels.indicator_label(ind, language),
                        selection=selection,
                        language=language,
                    )
                )
                continue
            current = current_wijken(obs[obs["period_type"] == kind])
            rows, _ = wijk_trend(
                obs,
                division,
                period_type=kind,
                regions=[*current, municipality] if rate else current,
            )
            out.append(
                plotting.chart_or_note(
                    plotting.small_multiples,
                    rows,
                    ncols=5,
                    subtitle=subtitle,
                    reference=municipality if rate else None,
                    what=labels.indicator_label(ind, language),
                    selection=selection,
                    language=language,
                )
            )
    return out


def trend_notes(
    data: dict[str, pd.DataFrame],
    division: pd.DataFrame | None,
    codes: Iterable[str],
    language: str | None = None,
) -> str:
    """What the reader must know about the wijk lines: changes of division, CBS's rounding.

    Parameters
    ----------
    data, division
        As in :func:`trend_charts`.
    codes : iterable of str
        The wijken drawn (for :func:`division_checked`).
    language : {"nl", "en"}, optional

    Returns
    -------
    str
        One or two sentences.
    """
    language = labels.resolve_language(language)
    frames = [f for f in data.values() if f is not None and len(f)]
    if not frames:
        return ""
    obs = pd.concat(frames, ignore_index=True)
    text = division_note(
        division_breaks(obs, division), division_checked(division, codes), language
    )
    rates = data.get("wmo_clienten_per_1000")
    rounded = (
        rounded_to_five(rates[rates["period_type"] == "year"])
        if rates is not None and len(rates)
        else []
    )
    if rounded:
        text += " " + label("wijk_rounded_five", language).format(periods=", ".join(rounded))
    return text


__all__ = [
    "BREAK_COLUMNS",
    "DIVISION_INDICATOR",
    "MAX_PANELS",
    "current_wijken",
    "NEW_BOUNDARIES",
    "NEW_CODE",
    "TREND_INDICATORS",
    "UNCHANGED",
    "comparable_span",
    "division_breaks",
    "division_checked",
    "division_note",
    "rounded_to_five",
    "trend_charts",
    "trend_notes",
    "wijk_codes",
    "wijk_trend",
]
