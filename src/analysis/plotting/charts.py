"""The house charts of observations: lines, bars, small multiples, forecasts, sparklines."""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..labels import (
    MISSING,
    format_number,
    format_value,
    indicator_label,
    label,
    period_label,
    resolve_language,
    unit_axis_label,
)
from ..periods import (
    next_periods,
    period_order,
    period_sort_key,
    period_type_of,
)
from ..regions import NEDERLAND
from .base import (
    COMPARISON_COLORS,
    FIGSIZES,
    FOCUS_COLOR,
    FOCUS_REGION,
    MUTED_TEXT_COLOR,
    NEDERLAND_COLOR,
    NORM_COLOR,
    OBS_COLUMNS,
    OTHER_BAR_COLOR,
    PALETTE,
    PROVISIONAL_STATUSES,
    break_between,
    break_kind,
    break_phrase,
    break_sentences,
    breaks_within,
    capitalised,
    chart_note,
    check_unique,
    draw_breaks,
    draw_series,
    draw_target,
    enable_notebook_display,
    finish_figure,
    format_axis,
    is_synthetic,
    join_words,
    line_key,
    lines_alt_text,
    new_figure,
    period_words,
    period_x,
    place_legend,
    provisional_handle,
    region_colors,
    require_observations,
    series_description,
    series_name,
    set_period_ticks,
    set_titles,
    single_period_type,
    single_value,
    sorted_by_period,
    split_lines,
    status_mark,
    styled,
    value_decimals,
    with_table_switches,
    zero_based_axis,
)


@styled
def line_chart(
    obs: pd.DataFrame,
    *,
    by: str = "region",
    title: str | None = None,
    subtitle: str | None = None,
    language: str | None = None,
    focus: str | None = FOCUS_REGION,
    breaks: Iterable[Any] | None = None,
    norm: float | None = None,
    zero_based: bool | None = None,
    synthetic: bool = False,
    size: str | tuple[float, float] = "standard",
) -> Figure:
    """One line per region (or per indicator) over the periods of one period type.

    Parameters
    ----------
    obs : DataFrame
        Tidy observations of one indicator (``by='region'``) or one region
        (``by='indicator'``), one period type, one unit, one value per line and period.
    by : {'region', 'indicator'}
        What each line is.
    title, subtitle : str, optional
        Default title: the indicator label (or the region name).
    language : {'nl', 'en'}
    focus : str, optional
        Region drawn in the focus colour (and on top).
    breaks : iterable, optional
        Declared series breaks, e.g. ``[('2015', '2016', 'trendbreuk: nieuwe definitie')]``
        or ``analysis.cbs.series_breaks(indicator, language)``.
    norm : float, optional
        A target (*streefwaarde*), drawn as a dotted horizontal line.
    zero_based : bool, optional
        Start the value axis at 0; default yes, except for marks (1-10).
    synthetic : bool, default False
        Mark the chart *synthetisch* (also done when a source says synthetic).
    size : str or (width, height)
        A key of :data:`FIGSIZES` or inches.

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        If ``obs`` mixes period types, indicators (or regions), units, or has
        two values for one line and period.
    """
    language = resolve_language(language)
    require_observations(obs, OBS_COLUMNS, "line_chart")
    single_period_type(obs, "line_chart")
    key = line_key(obs, by, "line_chart")
    unit = single_value(obs, "unit", "line_chart", "draw one unit per chart")
    check_unique(obs, [key, "period"], "line_chart")
    breaks = with_table_switches(breaks, obs, language)

    fig, ax = new_figure(size)
    lines = split_lines(obs, key)
    codes = list(lines)
    for code, style in _line_styles(codes, focus if by == "region" else None).items():
        draw_series(
            ax,
            lines[code],
            name=series_name(code, lines[code], by, language),
            breaks=breaks,
            **style,
        )
    set_period_ticks(ax, obs["period"], language)
    zero_based_axis(ax, obs["value"], unit, zero_based)
    format_axis(ax, "y", language)
    ax.set_ylabel(unit_axis_label(unit, language))
    if norm is not None:
        draw_target(ax, norm, format_value(norm, unit, language), language)
    draw_breaks(ax, breaks, language, periods=obs["period"].astype(str))
    _legend(
        ax,
        obs,
        language,
        first=series_name(focus, lines.get(focus, obs), by, language)
        if by == "region" and focus
        else None,
    )
    title = title or _default_title(obs, by, language)
    set_titles(fig, ax, title, subtitle)
    order = sorted(codes, key=lambda c: c != focus) if by == "region" else codes
    alt = lines_alt_text(
        title,
        obs,
        key,
        order,
        by,
        unit,
        language,
        breaks=breaks,
        subtitle=subtitle,
        change=[focus] if by == "region" and focus in codes else order,
    )
    return finish_figure(fig, obs, language, synthetic, chart_note(obs, language), alt=alt)


def _line_styles(codes: Sequence[str], focus: str | None) -> dict[str, dict[str, Any]]:
    """Colour, line style, width and drawing order per line; the focus line last (on top).

    Without a focus (lines per indicator) the lines take :data:`PALETTE` in turn.
    Comparison regions beyond the six comparison colours are dashed.
    """
    if focus is None and NEDERLAND not in codes:
        colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(codes)}
    else:
        colors = region_colors(codes, focus)
    others = sorted(c for c in codes if c not in (focus, NEDERLAND))
    styles = {}
    for code in sorted(codes, key=lambda c: c == focus):
        cycled = code in others and others.index(code) >= len(COMPARISON_COLORS)
        styles[code] = {
            "color": colors[code],
            "linestyle": "--" if code == NEDERLAND or cycled else "-",
            "linewidth": 2.6 if code == focus else 1.8,
            "zorder": 3 if code == focus else 2,
        }
    return styles


def _default_title(obs: pd.DataFrame, by: str, language: str) -> str:
    if by == "region":
        return indicator_label(str(obs["indicator"].iloc[0]), language)
    return series_name(str(obs["region_code"].iloc[0]), obs, "region", language)


def _legend(ax: Axes, obs: pd.DataFrame, language: str, first: str | None = None) -> None:
    """The legend outside the axes (:func:`place_legend`): the focus region (label ``first``) on top, the provisional marker last."""
    handles, _ = ax.get_legend_handles_labels()
    handles.sort(key=lambda h: h.get_label() != first)
    if "status" in obs.columns and obs["status"].isin(PROVISIONAL_STATUSES).any():
        handles.append(provisional_handle(language))
    place_legend(ax, handles)


@styled
def bar_chart(
    obs: pd.DataFrame,
    *,
    period: str | None = None,
    by: str = "region",
    title: str | None = None,
    subtitle: str | None = None,
    language: str | None = None,
    focus: str | None = FOCUS_REGION,
    norm: float | None = None,
    sort: bool = True,
    synthetic: bool = False,
    size: str | tuple[float, float] | None = None,
) -> Figure:
    """Horizontal bars for one period: one bar per region (or per indicator), labelled with its value.

    Withheld values (disclosure control) get no bar and their display text
    (``<10``); provisional values are hatched and marked ``*``.

    Parameters
    ----------
    obs : DataFrame
        Tidy observations; an optional ``display`` column (from
        :func:`analysis.disclosure.suppress_small_counts`) gives the text of withheld values.
    period : str, optional
        The period to show; default the latest in ``obs``.
    by : {'region', 'indicator'}
    title, subtitle : str, optional
        Default: the indicator label, and the period name.
    language : {'nl', 'en'}
    focus : str, optional
        Region drawn in the focus colour; others light blue, Nederland grey.
    norm : float, optional
        Drawn as a dotted vertical line.
    sort : bool, default True
        Largest value on top (withheld values at the bottom).
    synthetic : bool, default False
    size : str or (width, height), optional
        Default: height grows with the number of bars.

    Returns
    -------
    Figure
    """
    language = resolve_language(language)
    require_observations(obs, OBS_COLUMNS, "bar_chart")
    if period is None:
        period = max(obs["period"].astype(str).unique(), key=period_sort_key)
    data = obs[obs["period"].astype(str) == str(period)]
    if data.empty:
        raise ValueError(f"bar_chart: no observations for period {period!r}")
    key = line_key(data, by, "bar_chart")
    unit = single_value(data, "unit", "bar_chart", "draw one unit per chart")
    check_unique(data, [key], "bar_chart")
    if sort:
        data = data.assign(_v=data["value"].fillna(-np.inf)).sort_values(
            "_v", ascending=True, kind="stable"
        )
    else:
        data = data.iloc[::-1]

    n = len(data)
    fig, ax = new_figure(size or (8.0, min(8.0, 1.4 + 0.38 * n)))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    codes = data[key].astype(str).tolist()
    names = [series_name(c, data, by, language) for c in codes]
    colors = [
        FOCUS_COLOR if c == focus else NEDERLAND_COLOR if c == NEDERLAND else OTHER_BAR_COLOR
        for c in codes
    ]
    provisional = (
        data["status"].isin(PROVISIONAL_STATUSES).to_numpy()
        if "status" in data.columns
        else np.zeros(n, bool)
    )
    values = data["value"].to_numpy(dtype=float)
    bars = ax.barh(range(n), np.nan_to_num(values), color=colors, height=0.7)
    for bar, prov in zip(bars, provisional, strict=True):
        if prov:
            bar.set_hatch("///")
            bar.set_edgecolor("white")
    ax.set_yticks(range(n), names)
    ax.tick_params(axis="y", length=0)
    for i, text in enumerate(_bar_texts(data, unit, language)):
        ax.annotate(
            text,
            xy=(max(0.0, np.nan_to_num(values[i])), i),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=9,
        )
    right = ax.get_xlim()[1]
    ax.set_xlim(0, right * 1.15 if right > 0 else 1)  # room for the value labels
    format_axis(ax, "x", language)
    ax.set_xlabel(unit_axis_label(unit, language))
    handles = []
    if norm is not None:
        handles.append(
            draw_target(ax, norm, format_value(norm, unit, language), language, vertical=True)
        )
    for status in PROVISIONAL_STATUSES:
        if "status" in data.columns and data["status"].eq(status).any():
            handles.append(
                Patch(
                    facecolor=OTHER_BAR_COLOR,
                    hatch="///",
                    edgecolor="white",
                    label=f"{status_mark(status)} {label(status, language)}",
                )
            )
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0)
    subtitle = subtitle if subtitle is not None else period_label(str(period), language)
    title = title or _default_title(data, by, language)
    set_titles(fig, ax, title, subtitle)
    return finish_figure(
        fig,
        data,
        language,
        synthetic,
        alt=_bar_alt_text(title, data, codes, names, focus, unit, period, language),
    )


def _bar_alt_text(
    title: str,
    data: pd.DataFrame,
    codes: Sequence[str],
    names: Sequence[str],
    focus: str | None,
    unit: str,
    period: str,
    language: str,
) -> str:
    decimals = value_decimals(data["value"], unit)
    values = dict(zip(codes, data["value"].astype(float), strict=True))
    name_of = dict(zip(codes, names, strict=True))
    shown = {c: v for c, v in values.items() if not pd.isna(v)}
    parts = []
    if focus in shown:
        parts.append(
            f"{name_of[focus]} {format_value(shown[focus], unit, language, decimals=decimals)}"
        )
    if len(shown) > 2:
        high, low = max(shown, key=shown.get), min(shown, key=shown.get)
        parts += [
            f"{label(k, language)}: {name_of[c]} {format_value(shown[c], unit, language, decimals=decimals)}"
            for k, c in (("alt_highest", high), ("alt_lowest", low))
        ]
    else:
        parts += [
            f"{name_of[c]} {format_value(v, unit, language, decimals=decimals)}"
            for c, v in shown.items()
            if c != focus
        ]
    withheld = len(values) - len(shown)
    if withheld:
        parts.append(label("alt_withheld", language).format(n=withheld))
    return f"{title}, {period_label(str(period), language, style='long')}: {'; '.join(parts) or MISSING}"


def _bar_texts(data: pd.DataFrame, unit: str, language: str) -> list[str]:
    decimals = value_decimals(data["value"], unit)
    texts = []
    display = data["display"] if "display" in data.columns else pd.Series(pd.NA, index=data.index)
    status = data["status"] if "status" in data.columns else pd.Series("", index=data.index)
    for value, shown, state in zip(data["value"], display, status, strict=True):
        if pd.isna(value):
            texts.append(str(shown) if not pd.isna(shown) else MISSING)
        else:
            texts.append(
                format_value(value, unit, language, decimals=decimals) + status_mark(state)
            )
    return texts


@styled
def small_multiples(
    obs: pd.DataFrame,
    *,
    facet: str = "region",
    reference: str | None = None,
    ncols: int = 3,
    sharey: bool = True,
    title: str | None = None,
    subtitle: str | None = None,
    language: str | None = None,
    breaks: Iterable[Any] | None = None,
    norm: float | None = None,
    zero_based: bool | None = None,
    synthetic: bool = False,
) -> Figure:
    """One small line chart per region (say, per wijk) or per indicator.

    Parameters
    ----------
    obs : DataFrame
        Tidy observations of one indicator (``facet='region'``) or one region
        (``facet='indicator'``), one period type and one unit.
    facet : {'region', 'indicator'}
    reference : str, optional
        With ``facet='region'``: a region code (say the city, ``GM0344``)
        drawn in grey in every panel for comparison instead of a panel of its own.
    ncols : int, default 3
    sharey : bool, default True
        One value scale for all panels, so panels compare honestly.
    title, subtitle : str, optional
        Default title: the indicator label (or the region name).
    language : {'nl', 'en'}
    breaks, norm, zero_based, synthetic
        As in :func:`line_chart`; the break text is written in the first panel.

    Returns
    -------
    Figure
    """
    language = resolve_language(language)
    require_observations(obs, OBS_COLUMNS, "small_multiples")
    single_period_type(obs, "small_multiples")
    key = line_key(obs, facet, "small_multiples")
    unit = single_value(obs, "unit", "small_multiples", "draw one unit per chart")
    check_unique(obs, [key, "period"], "small_multiples")
    breaks = with_table_switches(breaks, obs, language)
    ref = (
        obs[obs["region_code"].astype(str) == reference]
        if reference and facet == "region"
        else obs.iloc[:0]
    )
    panels = [c for c in dict.fromkeys(obs[key].astype(str)) if not (len(ref) and c == reference)]
    if ncols < 1:
        raise ValueError(f"parameter 'ncols': {ncols!r} must be at least 1")
    ncols = min(ncols, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    width, height = FIGSIZES["panel"]
    fig, axes = new_figure(
        (width * ncols, height * nrows + 0.9),
        nrows=nrows,
        ncols=ncols,
        sharex=True,
        sharey=sharey,
        squeeze=False,
    )
    flat = axes.ravel()
    for ax, code in zip(flat, panels, strict=False):
        if len(ref):
            draw_series(
                ax,
                ref,
                NEDERLAND_COLOR,
                series_name(reference, obs, "region", language),
                linewidth=1.2,
                zorder=1.9,
                breaks=breaks,
            )
        draw_series(
            ax,
            obs[obs[key].astype(str) == code],
            FOCUS_COLOR,
            series_name(code, obs, facet, language),
            breaks=breaks,
        )
        ax.set_title(series_name(code, obs, facet, language), loc="left", fontsize=10.5)
        if norm is not None:
            ax.axhline(norm, color=NORM_COLOR, linestyle=":", linewidth=1.2)
        format_axis(ax, "y", language)
    for i, ax in enumerate(flat[len(panels) :], start=len(panels)):
        ax.set_visible(False)
        if i >= ncols:  # the panel above is now the lowest of its column: label its periods
            flat[i - ncols].xaxis.set_tick_params(labelbottom=True)
    set_period_ticks(flat[0], obs["period"], language, max_ticks=4)
    zero_based_axis(flat[0], obs["value"], unit, zero_based)
    for i, ax in enumerate(flat[: len(panels)]):
        draw_breaks(ax, breaks, language, annotate=i == 0, periods=obs["period"].astype(str))
        if i % ncols == 0:
            ax.set_ylabel(unit_axis_label(unit, language))
        ax.tick_params(axis="x", labelrotation=0, labelsize=8.5)
    _small_multiples_legend(fig, obs, ref, reference, language)
    title = title or _default_title(obs, facet, language)
    set_titles(fig, None, title, subtitle)
    codes = ([reference] if len(ref) else []) + panels
    alt = lines_alt_text(
        title, obs, key, codes, facet, unit, language, breaks=breaks, subtitle=subtitle, change=[]
    )
    return finish_figure(fig, obs, language, synthetic, chart_note(obs, language), alt=alt)


def _small_multiples_legend(
    fig: Figure, obs: pd.DataFrame, ref: pd.DataFrame, reference: str | None, language: str
) -> None:
    handles = []
    if len(ref):
        handles.append(
            Line2D(
                [],
                [],
                color=NEDERLAND_COLOR,
                linewidth=1.2,
                label=series_name(str(reference), obs, "region", language),
            )
        )
    if "status" in obs.columns and obs["status"].isin(PROVISIONAL_STATUSES).any():
        handles.append(provisional_handle(language))
    if handles:
        fig.legend(handles=handles, loc="outside upper right", ncols=len(handles))


_FORECAST_COLUMNS = ("period", "lo80", "hi80", "lo95", "hi95")


@styled
def forecast_chart(
    history: pd.DataFrame,
    forecast_frame: pd.DataFrame,
    *,
    method: str | None = None,
    mean_col: str = "mean",
    title: str | None = None,
    language: str | None = None,
    breaks: Iterable[Any] | None = None,
    zero_based: bool | None = None,
    synthetic: bool = False,
    size: str | tuple[float, float] = "standard",
) -> Figure:
    """Observed values, then the forecast with its 80 % and 95 % intervals.

    Parameters
    ----------
    history : DataFrame
        Tidy observations of one indicator in one region, one period type.
    forecast_frame : DataFrame
        Columns ``period``, ``mean_col`` (default ``mean``; ``value`` is
        accepted too), ``lo80``, ``hi80``, ``lo95``, ``hi95`` and optionally
        ``method``; periods of the same type as ``history``. With a
        ``region_code`` column (as :mod:`analysis.forecast` returns), only the
        rows of the history's region are drawn.
    method : str, optional
        The forecasting method, shown in the subtitle; default the single
        value of the ``method`` column. One of the two is required.
    mean_col : str, default 'mean'
    title : str, optional
        Default: the indicator label.
    language : {'nl', 'en'}
    breaks, zero_based, synthetic, size
        As in :func:`line_chart`. A break is drawn where it lies between two
        periods of the history (:func:`analysis.plotting.breaks_within`); one
        between the last observed and a forecast period is not (a forecast
        never spans a break: :func:`analysis.forecast.forecast_panel` refuses it).

    Returns
    -------
    Figure

    Raises
    ------
    ValueError
        For several indicators or regions, mixed period types, a forecast of
        another period type, no method, or intervals that do not nest
        (``lo95 <= lo80 <= mean <= hi80 <= hi95``). A level whose bounds are
        both missing (a conformal interval with too few calibration errors,
        see :func:`analysis.forecast.min_calibration_errors`) gets no band,
        and the subtitle and alt text name only the intervals drawn.
    """
    language = resolve_language(language)
    require_observations(history, OBS_COLUMNS, "forecast_chart")
    kind = single_period_type(history, "forecast_chart")
    indicator = single_value(
        history, "indicator", "forecast_chart", "forecast one indicator per chart"
    )
    region = single_value(history, "region_code", "forecast_chart", "forecast one region per chart")
    unit = single_value(history, "unit", "forecast_chart", "draw one unit per chart")
    check_unique(history, ["period"], "forecast_chart")
    if isinstance(forecast_frame, pd.DataFrame) and "region_code" in forecast_frame.columns:
        forecast_frame = forecast_frame[forecast_frame["region_code"].astype(str) == region]
    fc, method = _check_forecast(forecast_frame, kind, method, mean_col)
    breaks = with_table_switches(breaks, history, language)

    fig, ax = new_figure(size)
    synthetic = synthetic or is_synthetic(history)
    observed = label(
        "synthetic_series" if synthetic else "observed", language
    )  # never "realisatie" when made up
    draw_series(ax, history, FOCUS_COLOR, capitalised(observed), zorder=3, breaks=breaks)
    last = sorted_by_period(history).dropna(subset=["value"]).iloc[-1:]
    x = np.array([period_x(p) for p in fc["period"]])
    # A level without bounds (too few calibration errors, see analysis.forecast) gets no band.
    drawn = [lev for lev in (95, 80) if fc[[f"lo{lev}", f"hi{lev}"]].notna().all(axis=1).any()]
    for lev in drawn:
        ax.fill_between(
            x,
            fc[f"lo{lev}"],
            fc[f"hi{lev}"],
            color=FOCUS_COLOR,
            alpha=0.15 if lev == 95 else 0.30,
            linewidth=0,
            label=label(f"interval_{lev}", language),
        )
    mean_x = np.concatenate([[period_x(p) for p in last["period"]], x])
    mean_y = np.concatenate([last["value"].to_numpy(dtype=float), fc["mean"].to_numpy(dtype=float)])
    ax.plot(
        mean_x,
        mean_y,
        color=FOCUS_COLOR,
        linestyle="--",
        linewidth=2.0,
        marker="D",
        markersize=4,
        markevery=list(range(len(last), len(mean_x))),
        label=label("forecast", language).capitalize(),
    )
    set_period_ticks(ax, list(history["period"].astype(str)) + list(fc["period"]), language)
    both = pd.concat(
        [history["value"], fc[["lo95", "lo80", "mean"]].min(axis=1)], ignore_index=True
    )
    zero_based_axis(ax, both, unit, zero_based)
    format_axis(ax, "y", language)
    ax.set_ylabel(unit_axis_label(unit, language))
    draw_breaks(ax, breaks, language, periods=history["period"].astype(str))
    _legend(ax, history, language)
    subtitle = f"{label('forecast', language).capitalize()}, {label('forecast_method', language)}: {method}"
    if drawn:
        subtitle += "; " + join_words(
            [label(f"interval_{lev}", language) for lev in sorted(drawn)], language
        )
    title = title or _title_for(indicator, region, history, language)
    set_titles(fig, ax, title, subtitle)
    end = fc.iloc[-1]
    shown = next((lev for lev in (95, 80) if end[[f"lo{lev}", f"hi{lev}"]].notna().all()), None)
    alt = f"{title}: {observed} {series_description(history, unit, language)}; " + label(
        {95: "alt_forecast", 80: "alt_forecast_80", None: "alt_forecast_point"}[shown], language
    ).format(
        period=period_label(str(end["period"]), language, style="long"),
        value=format_value(end["mean"], unit, language),
        low=format_value(end[f"lo{shown}"], unit, language) if shown else "",
        high=format_value(end[f"hi{shown}"], unit, language) if shown else "",
    )
    alt = "; ".join([alt, *break_sentences(breaks, history["period"].astype(str), language)])
    return finish_figure(fig, history, language, synthetic, chart_note(history, language), alt=alt)


def _title_for(indicator: str, region: str, obs: pd.DataFrame, language: str) -> str:
    return f"{indicator_label(indicator, language)}, {series_name(region, obs, 'region', language)}"


def _check_forecast(
    frame: pd.DataFrame, kind: str, method: str | None, mean_col: str
) -> tuple[pd.DataFrame, str]:
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("forecast_chart: the forecast frame is empty")
    if mean_col not in frame.columns and mean_col == "mean" and "value" in frame.columns:
        mean_col = "value"
    missing = [c for c in (*_FORECAST_COLUMNS, mean_col) if c not in frame.columns]
    if missing:
        raise ValueError(f"forecast_chart: forecast frame lacks column(s) {', '.join(missing)}")
    if method is None and "method" in frame.columns and frame["method"].nunique() == 1:
        method = str(frame["method"].iloc[0])
    if not method:
        raise ValueError(
            "forecast_chart: name the forecast method (parameter 'method' or one 'method' column value)"
        )
    fc = frame.assign(period=frame["period"].astype(str)).rename(columns={mean_col: "mean"})
    kinds = set(fc["period"].map(period_type_of))
    if kinds != {kind}:
        raise ValueError(
            f"forecast_chart: forecast periods are {', '.join(sorted(kinds))}, history is {kind}"
        )
    fc = fc.iloc[period_order(fc["period"])]
    for lev in (80, 95):
        half = fc[f"lo{lev}"].isna() != fc[f"hi{lev}"].isna()
        if half.any():
            raise ValueError(
                f"forecast_chart: lo{lev} and hi{lev} must be both given or both missing "
                f"(period {fc['period'][half].iloc[0]})"
            )
    cols = ["lo95", "lo80", "mean", "hi80", "hi95"]
    arr = fc[cols].to_numpy(dtype=float)
    bad = np.flatnonzero((np.diff(arr, axis=1) < -1e-9).any(axis=1))
    if len(bad):
        raise ValueError(
            f"forecast_chart: intervals do not nest (lo95 <= lo80 <= mean <= hi80 <= hi95) "
            f"in period {fc['period'].iloc[bad[0]]}"
        )
    return fc, method


@styled
def sparkline(
    series: pd.Series,
    *,
    color: str = FOCUS_COLOR,
    size: str | tuple[float, float] = "sparkline",
    breaks: Iterable[Any] | None = None,
) -> Figure:
    """A word-sized trend line for an overview table: no axes, the last value dotted.

    Parameters
    ----------
    series : Series
        Values indexed by period (project notation, one period type; sorted
        here) or by anything else (drawn in the given order). NaN gives a gap.
    color : str
    size : str or (width, height)
    breaks : iterable, optional
        Declared series breaks, as for :func:`line_chart` (e.g.
        ``analysis.cbs.series_breaks(indicator)``): the line stops before each
        break that has values on both sides and starts again after it, and a
        dashed vertical line marks the break, so no line joins two definitions.
        Breaks outside the series are skipped; an index that is not periods takes none.

    Returns
    -------
    Figure
        Without a source line: the table that shows it carries the source.

    Raises
    ------
    ValueError
        If the index mixes period types, or the series is empty.
    """
    values = _spark_values(series)
    enable_notebook_display()
    fig = Figure(figsize=FIGSIZES[size] if isinstance(size, str) else size, layout="none")
    ax = fig.add_axes((0.04, 0.12, 0.88, 0.76))
    ax.set_axis_off()
    x = np.arange(len(values), dtype=float)
    y = values.to_numpy(dtype=float)
    cuts = [cut for cut, _ in _spark_breaks(values, breaks)]
    xs, ys = list(x), list(y)
    for cut in reversed(cuts):  # a NaN point at each break: matplotlib leaves a gap there
        at = int(np.searchsorted(x, cut))
        xs.insert(at, cut)
        ys.insert(at, np.nan)
    ax.plot(xs, ys, color=color, linewidth=1.4)
    known = np.isfinite(np.asarray(ys, dtype=float))
    alone = [  # a value with a gap or a break on both sides draws no line: a dot instead
        k
        for k in range(len(xs))
        if known[k] and not (k > 0 and known[k - 1]) and not (k + 1 < len(xs) and known[k + 1])
    ]
    if alone:
        ax.plot(
            [xs[k] for k in alone],
            [ys[k] for k in alone],
            linestyle="none",
            marker="o",
            markersize=2.5,
            color=color,
        )
    for cut in cuts:
        ax.axvline(
            cut,
            color=MUTED_TEXT_COLOR,  # darker than BREAK_COLOR: the image is shown at ~half size
            linestyle=(0, (2, 1.2)),
            linewidth=1.8,
            gid="series-break",
        )
    finite = np.flatnonzero(np.isfinite(y))
    if len(finite):
        ax.plot(x[finite[-1]], y[finite[-1]], marker="o", markersize=3.5, color=color)
    ax.set_xlim(-0.3, max(len(values) - 1, 0) + 0.3)
    return fig


def _spark_values(series: pd.Series) -> pd.Series:
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    if series.empty:
        raise ValueError("sparkline: empty series")
    index = [str(p) for p in series.index]
    try:
        kinds = {period_type_of(p) for p in index}
    except ValueError:
        return series.astype(float)
    if len(kinds) > 1:
        raise ValueError(f"sparkline: index mixes period types {', '.join(sorted(kinds))}")
    return series.iloc[period_order(index)].astype(float)


def _spark_breaks(values: pd.Series, breaks: Iterable[Any] | None) -> list[tuple[float, Any]]:
    """The breaks a sparkline of ``values`` draws: ``[(x position, SeriesBreak)]``, in order.

    A break is drawn where it lies between two periods with a value
    (:func:`~analysis.plotting.base.breaks_within`): its position is halfway
    between the last period it follows and the first it precedes
    (:func:`~analysis.plotting.base.break_between`).
    """
    if not breaks:
        return []
    periods = [str(p) for p in values.index]
    try:
        for period in periods:
            period_type_of(period)
    except ValueError:
        return []
    finite = np.isfinite(values.to_numpy(dtype=float))
    known = [p for p, f in zip(periods, finite, strict=True) if f]
    out = []
    for brk in breaks_within(breaks, known):
        i = max(k for k, p in enumerate(periods) if break_between([brk], p, brk.after))
        j = min(k for k, p in enumerate(periods) if break_between([brk], brk.before, p))
        out.append(((i + j) / 2, brk))
    return sorted(out, key=lambda item: item[0])


def spark_break_text(brk: Any, language: str | None = None) -> str:
    """A break for a table row: ``trendbreuk 2016`` (next period), ``tabelwissel tussen 2018 en 2023``."""
    language = resolve_language(language)
    try:
        adjacent = next_periods(brk.before, 1)[0] == brk.after
    except ValueError:
        adjacent = False
    if adjacent:
        return f"{break_kind(brk, language)[0]} {_spark_period(brk.after, language)}"
    return break_phrase(brk, language, style="short", explain=False)


def change_across_break(
    breaks: Iterable[Any] | None, previous: Any, latest: Any, language: str | None = None
) -> str | None:
    """``'– (trendbreuk 2016)'`` where a change from ``previous`` to ``latest`` crosses a break, else None.

    The rule of :func:`break_between`, by which a sparkline draws the break:
    a table shows no change across it, only which break it is
    (:func:`spark_break_text`).
    """
    language = resolve_language(language)
    brk = break_between(breaks, previous, latest)
    if brk is None:
        return None
    return f"{MISSING} ({spark_break_text(brk, language)})"


def sparkline_html(
    series: pd.Series,
    *,
    alt: str | None = None,
    what: str | None = None,
    language: str | None = None,
    decimals: int = 0,
    unit: str | None = None,
    breaks: Iterable[Any] | None = None,
) -> str:
    """A sparkline as an ``<img>`` tag (inline PNG) with a text alternative.

    The ``alt`` text defaults to what the line shows (``what``) and its first
    and last period and value (``Wmo-cliënten, 2019-2024: 10.200 -> 12.163``;
    with ``unit``, the values carry it: ``7,3% -> 15,0%``), so the trend is
    readable without the image and two sparklines of one page never share a text.

    With ``breaks`` (see :func:`sparkline`), the line is split at each
    drawn break, the ``alt`` text gives first and last value per part with the
    break between (``2015: 7,3%; trendbreuk: ...; 2016-2023: 12,0% -> 15,0%``),
    never a change across it, and the breaks are written under the image
    (``trendbreuk 2016``), so sighted readers see them in words too.
    """
    language = resolve_language(language)
    values = _spark_values(series)
    drawn = _spark_breaks(values, breaks)
    if alt is None:
        alt = _spark_alt(values, drawn, language, decimals, unit)
        if what:
            alt = f"{what}, {alt}"
    fig = sparkline(values, breaks=[brk for _, brk in drawn])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, transparent=True)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    img = f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="height:1.6em">'
    if not drawn:
        return img
    note = "; ".join(spark_break_text(brk, language) for _, brk in drawn)
    return (
        f'{img}<br><span class="series-break-note" '
        f'style="font-size:0.85em;color:{MUTED_TEXT_COLOR}">{html.escape(note)}</span>'
    )


def _spark_alt(
    values: pd.Series,
    drawn: list[tuple[float, Any]],
    language: str,
    decimals: int,
    unit: str | None,
) -> str:
    """First and last period and value per part of the line, the breaks between the parts."""

    def number(value: float) -> str:
        if unit:
            return format_value(value, unit, language, decimals=decimals)
        return format_number(value, decimals, language)

    def part(chunk: pd.Series) -> str | None:
        if not drawn:  # one part: its ends as they are (a trend of a headline ends on values)
            first, last = chunk.index[0], chunk.index[-1]
        else:
            known = chunk.dropna()
            if known.empty:
                return None
            chunk, first, last = known, known.index[0], known.index[-1]
        if len(chunk) == 1 and drawn:
            return f"{_spark_period(first, language)}: {number(chunk.iloc[0])}"
        return (
            f"{_spark_period(first, language)}\u2013{_spark_period(last, language)}: "
            f"{number(chunk.iloc[0])} \u2192 {number(chunk.iloc[-1])}"
        )

    texts, start = [], 0
    for cut, brk in drawn:
        end = int(math.floor(cut)) + 1
        texts += [part(values.iloc[start:end]), break_phrase(brk, language, style="short")]
        start = end
    texts.append(part(values.iloc[start:]))
    return "; ".join(t for t in texts if t)


def _spark_period(period: Any, language: str) -> str:
    return period_words(period, language, style="short")


__all__ = [
    "bar_chart",
    "forecast_chart",
    "line_chart",
    "small_multiples",
    "spark_break_text",
    "change_across_break",
    "sparkline",
    "sparkline_html",
]
