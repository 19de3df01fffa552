"""The *beweging naar voren* on CBS figures: youth support by the wijk- of buurtteam against the rest.

The register notebooks measure the shift towards the buurtteams on the case
register (:func:`analysis.register.forward_share`). CBS allows a test on real
data: the table "Jeugdzorgtrajecten in natura; peildatum, regio" (82968NED,
31 March 2015 - 31 December 2020, continued by 85094NED from 30 June 2021)
counts the running jeugdhulp trajectories on each reference date, and among
them those *uitgevoerd door het wijk- of buurtteam*. Two derived series
follow, per region and reference date:

* the buurtteam's share: ``100 x buurtteam / total`` (indicator
  ``jeugdhulptrajecten_buurtteam_pct``);
* the other trajectories, by providers, with and without residence:
  ``total - buurtteam`` (``jeugdhulptrajecten_overig``).

In 2015 CBS did not yet count the trajectories of the buurtteams (Utrecht:
10, 10 and none on the three 2015 dates), so both series start in 2016: the
break of :data:`analysis.cbs.catalogue.SERIES_BREAKS` is respected, not
drawn across. CBS rounds the counts to multiples of 5; a derived count can be
off by 5, a share by a few tenths of a percent.
"""

from __future__ import annotations

import pandas as pd

from .periods import period_start
from .schema import COLUMNS

#: The first period both derived series hold: CBS counts buurtteam trajectories from 2016.
FIRST_PERIOD = "2016"
TOTAL, BUURTTEAM = "jeugdhulptrajecten", "jeugdhulptrajecten_buurtteam"
SHARE, OTHERS = "jeugdhulptrajecten_buurtteam_pct", "jeugdhulptrajecten_overig"

_RANK = {"definitief": 0, "nader voorlopig": 1, "voorlopig": 2}


def _worse(a: str, b: str) -> str:
    """The less final of two statuses (voorlopig beats definitief)."""
    return a if _RANK.get(str(a), 3) >= _RANK.get(str(b), 3) else b


def pair_rows(
    first: pd.DataFrame, second: pd.DataFrame, *, since: str | None = None
) -> pd.DataFrame:
    """Rows of two indicators side by side, per region and period, where both have a value.

    Parameters
    ----------
    first, second : DataFrame
        Observations of one indicator each.
    since : str, optional
        Keep periods that begin on or after the start of this period.

    Returns
    -------
    DataFrame
        The columns of ``first`` plus ``value_2``, ``status_2`` and
        ``source_2`` from ``second``.
    """
    a = first[first["value"].notna()]
    b = second[second["value"].notna()][["region_code", "period", "value", "status", "source"]]
    merged = a.merge(
        b.rename(columns={"value": "value_2", "status": "status_2", "source": "source_2"}),
        on=["region_code", "period"],
        how="inner",
    )
    if since is not None and len(merged):
        start = period_start(since)
        merged = merged[merged["period"].map(lambda p: period_start(str(p)) >= start)]
    return merged.reset_index(drop=True)


def derived_rows(merged: pd.DataFrame, indicator: str, unit: str, values, how: str) -> pd.DataFrame:
    """Observations of a figure derived from two paired series (see :func:`pair_rows`).

    Parameters
    ----------
    merged : DataFrame
        From :func:`pair_rows`.
    indicator, unit : str
        The derived indicator and its unit.
    values : sequence of float
        One value per row of ``merged``.
    how : str
        The derivation, written into ``source_ref`` with the tables used.

    Returns
    -------
    DataFrame
        Observation rows with the region, period, source and vintage of the
        first series and the less final of the two statuses.
    """
    out = merged.assign(
        indicator=indicator,
        unit=unit,
        value=list(values),
        status=[
            _worse(s1, s2) for s1, s2 in zip(merged["status"], merged["status_2"], strict=True)
        ],
        source_ref=[
            f"afgeleid: {how} ({s1}" + ("" if s1 == s2 else f", {s2}") + ")"
            for s1, s2 in zip(merged["source"], merged["source_2"], strict=True)
        ],
    )
    keep = [c for c in COLUMNS if c in out.columns] + (["note"] if "note" in out.columns else [])
    return out[keep].reset_index(drop=True)


def buurtteam_share(
    total: pd.DataFrame, buurtteam: pd.DataFrame, *, since: str = FIRST_PERIOD
) -> pd.DataFrame:
    """The wijk- or buurtteam's share of the running jeugdhulp trajectories, per reference date.

    Parameters
    ----------
    total : DataFrame
        Observations of ``jeugdhulptrajecten`` (CBS 82968NED / 85094NED).
    buurtteam : DataFrame
        Observations of ``jeugdhulptrajecten_buurtteam`` (same tables).
    since : str, default "2016"
        The first period: before 2016 CBS did not count buurtteam trajectories.

    Returns
    -------
    DataFrame
        Observations of ``jeugdhulptrajecten_buurtteam_pct`` (one decimal),
        with the source and vintage of the total, the less final of the two
        statuses and the derivation in ``source_ref``; no row where either
        count is missing or the total is 0.
    """
    merged = pair_rows(total, buurtteam, since=since)
    merged = merged[merged["value"] > 0]
    values = (100.0 * merged["value_2"] / merged["value"]).round(1)
    return derived_rows(
        merged,
        SHARE,
        "procent",
        values,
        "100 x UitgevoerdDoorHetWijkOfBuurtteam / TotaalJeugdhulptrajectenInNatura",
    )


def other_trajectories(
    total: pd.DataFrame, buurtteam: pd.DataFrame, *, since: str = FIRST_PERIOD
) -> pd.DataFrame:
    """Jeugdhulp trajectories not run by the wijk- or buurtteam: total minus buurtteam.

    Parameters
    ----------
    total, buurtteam : DataFrame
        As in :func:`buurtteam_share`.
    since : str, default "2016"

    Returns
    -------
    DataFrame
        Observations of ``jeugdhulptrajecten_overig``; never negative (a
        difference below 0, possible only through CBS's rounding, is
        clipped to 0).
    """
    merged = pair_rows(total, buurtteam, since=since)
    values = (merged["value"] - merged["value_2"]).clip(lower=0)
    return derived_rows(
        merged,
        OTHERS,
        "aantal",
        values,
        "TotaalJeugdhulptrajectenInNatura - UitgevoerdDoorHetWijkOfBuurtteam",
    )


def trajectories_by_team(
    total: pd.DataFrame, buurtteam: pd.DataFrame, *, since: str = FIRST_PERIOD
) -> pd.DataFrame:
    """The buurtteam's trajectories and the others, of one region, for one chart (a line each).

    Returns
    -------
    DataFrame
        Observations of ``jeugdhulptrajecten_buurtteam`` and
        ``jeugdhulptrajecten_overig`` for the same reference dates, from ``since``.
    """
    others = other_trajectories(total, buurtteam, since=since)
    team = buurtteam[buurtteam["value"].notna()]
    team = team[
        team.set_index(["region_code", "period"]).index.isin(
            others.set_index(["region_code", "period"]).index
        )
    ]
    return pd.concat([team, others], ignore_index=True)


def share_change(share: pd.DataFrame, region: str) -> dict | None:
    """First, highest and last value of the buurtteam share of one region, for the text.

    Returns
    -------
    dict or None
        ``first``, ``first_period``, ``peak``, ``peak_period``, ``last``,
        ``last_period`` and ``last_status``; None without values.
    """
    rows = share[(share["region_code"] == region) & share["value"].notna()]
    if rows.empty:
        return None
    rows = rows.assign(_s=rows["period"].map(lambda p: period_start(str(p)))).sort_values("_s")
    peak = rows.loc[rows["value"].idxmax()]
    return {
        "first": float(rows["value"].iloc[0]),
        "first_period": str(rows["period"].iloc[0]),
        "peak": float(peak["value"]),
        "peak_period": str(peak["period"]),
        "last": float(rows["value"].iloc[-1]),
        "last_period": str(rows["period"].iloc[-1]),
        "last_status": str(rows["status"].iloc[-1]),
    }


def summary(share: pd.DataFrame, region: str, region_name: str, language: str | None = None) -> str:
    """One sentence on the buurtteam share of a region: first, highest and latest value, with dates.

    Returns
    -------
    str
        Empty when the region has no share.
    """
    from . import labels
    from .labels import format_value, label, period_label

    language = labels.resolve_language(language)
    change = share_change(share, region)
    if change is None:
        return ""
    pct = {k: format_value(change[k], "procent", language) for k in ("first", "peak", "last")}
    when = {
        k: period_label(change[k], language) for k in ("first_period", "peak_period", "last_period")
    }
    return label("cbs_forward_summary", language).format(
        region=region_name,
        status=label(change["last_status"].replace(" ", "_"), language),
        **pct,
        **when,
    )


__all__ = [
    "BUURTTEAM",
    "FIRST_PERIOD",
    "OTHERS",
    "SHARE",
    "TOTAL",
    "buurtteam_share",
    "derived_rows",
    "other_trajectories",
    "pair_rows",
    "share_change",
    "summary",
    "trajectories_by_team",
]
