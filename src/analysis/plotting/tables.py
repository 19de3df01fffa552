"""Tables for readers: the house table style and the headline table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import markup
from ..labels import (
    MISSING,
    UNIT_DECIMALS,
    format_change,
    format_value,
    indicator_label,
    label,
    period_label,
    resolve_language,
)
from ..periods import (
    period_sort_key,
    period_type_of,
)
from .base import (
    OBS_COLUMNS,
    capitalised,
    check_unique,
    period_types,
    require_observations,
    single_value,
    sorted_by_period,
    source_text,
    status_mark,
)
from .charts import sparkline_html

# --- headline table -----------------------------------------------------------------------


def headline_frame(
    obs: pd.DataFrame,
    *,
    indicators: Sequence[str] | None = None,
    region: str | None = None,
    norms: Mapping[str, float] | None = None,
    period_type: str | None = None,
) -> pd.DataFrame:
    """The numbers behind :func:`headline_table`, one row per indicator.

    For each indicator: the latest period with a value or a withheld value
    (status ``missing`` is skipped), its value and status, the previous
    available period of the same type and its value, the change, the norm and
    the trend (a Series of all values of that period type).

    Parameters
    ----------
    obs : DataFrame
        Tidy observations.
    indicators : sequence of str, optional
        Which indicators, in this order; default all, in order of appearance.
    region : str, optional
        Region code; required when ``obs`` holds several regions.
    norms : mapping, optional
        Indicator id -> norm value.
    period_type : str, optional
        Use this period type; default per indicator the type of its latest period
        (a year wins over a half-year ending the same day).

    Returns
    -------
    DataFrame
        Columns ``indicator``, ``unit``, ``period``, ``value``, ``status``, ``display``,
        ``previous_period``, ``previous_value``, ``change``, ``norm``, ``trend``,
        ``source``, ``published``.
    """
    require_observations(obs, OBS_COLUMNS, "headline_table")
    if region is None:
        region = single_value(obs, "region_code", "headline_table", "pass region=")
    data = obs[obs["region_code"].astype(str) == region]
    if "status" in data.columns:
        data = data[data["status"].astype(str) != "missing"]
    ids = list(indicators) if indicators is not None else list(dict.fromkeys(data["indicator"]))
    rows = [_headline_row(data[data["indicator"] == i], i, period_type, (norms or {}).get(i)) for i in ids]
    return pd.DataFrame(rows, columns=[
        "indicator", "unit", "period", "value", "status", "display", "previous_period",
        "previous_value", "change", "norm", "trend", "source", "published",
    ])


def _headline_row(data: pd.DataFrame, indicator: str, period_type: str | None, norm: float | None) -> dict:
    empty = {"indicator": indicator, "unit": None, "period": None, "value": np.nan, "status": None,
             "display": None, "previous_period": None, "previous_value": np.nan, "change": np.nan,
             "norm": norm, "trend": pd.Series(dtype=float), "source": None, "published": None}
    if data.empty:
        return empty
    # the type of the latest period; a year beats a half-year that ends the same day
    kind = period_type or period_type_of(max(data["period"].astype(str), key=period_sort_key))
    data = sorted_by_period(data[period_types(data) == kind])
    if data.empty:
        return empty
    check_unique(data, ["period"], f"headline_table ({indicator})")
    latest = data.iloc[-1]
    previous = data.iloc[-2] if len(data) > 1 else None
    prev_value = float(previous["value"]) if previous is not None else np.nan
    return {
        **empty,
        "unit": latest["unit"],
        "period": str(latest["period"]),
        "value": float(latest["value"]),
        "status": latest.get("status"),
        "display": latest.get("display") if "display" in data.columns else None,
        "previous_period": str(previous["period"]) if previous is not None else None,
        "previous_value": prev_value,
        "change": float(latest["value"]) - prev_value,
        "trend": pd.Series(data["value"].to_numpy(dtype=float), index=data["period"].astype(str)),
        "source": latest["source"],
        "published": latest["published"],
    }


def headline_table(
    obs: pd.DataFrame,
    *,
    indicators: Sequence[str] | None = None,
    region: str | None = None,
    norms: Mapping[str, float] | None = None,
    period_type: str | None = None,
    language: str | None = None,
    trend: bool = True,
    synthetic: bool = False,
    as_html: bool = False,
):
    """Headline indicators: latest value, change against the previous period, norm, trend.

    Numbers are formatted for readers (Dutch ``12.163``, ``7,6%``);
    provisional values carry ``*`` (``**`` nader voorlopig), withheld values
    their display text (``<10``), missing ones ``–``; a change in a percentage
    is in percentage points. The caption is the source line (with the
    synthetic-data note where it applies).

    Parameters
    ----------
    obs, indicators, region, norms, period_type
        See :func:`headline_frame`.
    language : {'nl', 'en'}
    trend : bool, default True
        Add a sparkline column (inline PNG images).
    synthetic : bool, default False
        Add the synthetic-data note (also added when a source says synthetic).
    as_html : bool, default False
        Return the HTML string instead of the Styler.

    Returns
    -------
    pandas.io.formats.style.Styler or str
    """
    language = resolve_language(language)
    frame = headline_frame(obs, indicators=indicators, region=region, norms=norms, period_type=period_type)
    cols = {k: capitalised(label(k, language)) for k in ("indicator", "period", "latest_value", "previous_period",
                                                           "change", "norm", "trend")}
    table = pd.DataFrame({
        cols["indicator"]: [indicator_label(i, language) for i in frame["indicator"]],
        cols["period"]: [_maybe_period(p, language) for p in frame["period"]],
        cols["latest_value"]: [_headline_value(r, language) for r in frame.itertuples()],
        cols["previous_period"]: [_maybe_period(p, language) for p in frame["previous_period"]],
        cols["change"]: [format_change(r.change, r.unit, language) if isinstance(r.unit, str) and r.unit else MISSING for r in frame.itertuples()],
        cols["norm"]: [format_value(r.norm, r.unit, language, missing="") if isinstance(r.unit, str) and r.unit else "" for r in frame.itertuples()],
    })
    if trend:
        table[cols["trend"]] = [
            sparkline_html(r.trend, language=language, decimals=UNIT_DECIMALS[r.unit])
            if r.unit and r.trend.notna().sum() > 1 else "" for r in frame.itertuples()
        ]
    used = obs[obs["indicator"].isin(frame["indicator"])]
    if region is not None:
        used = used[used["region_code"].astype(str) == region]
    caption = source_text(used, language, synthetic=synthetic)
    styler = (
        markup.table(table, html_columns=[cols["trend"]], caption=caption).hide(axis="index")
        .set_table_attributes('class="headline-table"')
        .set_table_styles([
            {"selector": "caption", "props": "caption-side: bottom; text-align: left; font-size: 0.85em; color: #555;"},
            {"selector": "th", "props": "text-align: left; padding: 0.2em 0.6em;"},
            {"selector": "td", "props": "padding: 0.2em 0.6em;"},
        ])
        .set_properties(subset=[cols["latest_value"], cols["change"], cols["norm"]], **{"text-align": "right"})
    )
    return styler.to_html() if as_html else styler


def _maybe_period(period: Any, language: str) -> str:
    return MISSING if period is None or pd.isna(period) else period_label(str(period), language)


def _headline_value(row: Any, language: str) -> str:
    if not isinstance(row.unit, str):
        return MISSING
    if pd.isna(row.value):
        shown = row.display
        return str(shown) if shown is not None and not pd.isna(shown) else MISSING
    return format_value(row.value, row.unit, language) + status_mark(row.status)


__all__ = [
    "headline_frame",
    "headline_table",
]
