"""Charts of the case register: flows, durations, intervals over time, marks, groups side by side.

The register's summaries (:mod:`analysis.flow`, :mod:`analysis.experience`)
drawn in the house style of :mod:`analysis.plotting.base`: every chart has a
source line, the *synthetisch* mark where it applies and an alt text from its data.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..experience import (
    MEASURES,
    TEAMS,
    group_name,
)
from ..flow import FLOW_INDICATORS, THRESHOLD
from ..labels import MISSING, format_number, label, resolve_language, unit_axis_label
from ..periods import period_order, period_type_of
from ..regions import RegionResolver
from .base import (
    BREAK_COLOR,
    COMPARISON_COLORS,
    FOCUS_COLOR,
    MUTED_TEXT_COLOR,
    OTHER_BAR_COLOR,
    alt_summary,
    draw_target,
    finish_figure,
    format_axis,
    new_figure,
    period_x,
    place_legend,
    series_description,
    set_period_ticks,
    set_titles,
    single_period_type,
    sources_frame,
    styled,
    wrap_title,
)

#: Published indicators whose definition changed: (last year of a definition, label key of it), in order.
#: Each definition is drawn as a series of its own, named in the legend, never joined to the next.
PUBLISHED_DEFINITIONS: dict[str, tuple[tuple[int | None, str], ...]] = {
    "buurtteam_sociaal_wachttijd": (
        (2018, "waiting_definition_2018"),
        (None, "waiting_definition_2023"),
    ),
}

#: Colours of the two teams in every register chart.
TEAM_COLORS: dict[str, str] = dict(zip(TEAMS, (FOCUS_COLOR, COMPARISON_COLORS[0]), strict=True))


@styled
def flow_chart(
    obs: pd.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    language: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """Inflow and outflow beside the stock, one row of panels per team.

    Parameters
    ----------
    obs : DataFrame
        From :func:`flow_observations` (one region, one period type).
    title, subtitle : str, optional
        Default title: the region's name.
    language : {"nl", "en"}
    synthetic : bool

    Returns
    -------
    Figure
        Left: inflow and outflow; right: cases running at the end of the period.
        Withheld values (disclosure control) leave gaps and are named in the source line.
    """
    language = resolve_language(language)
    kind = single_period_type(obs, "flow_chart")
    teams = [t for t in FLOW_INDICATORS if obs["indicator"].isin(FLOW_INDICATORS[t].values()).any()]
    fig, axes = new_figure(
        (10.0, 2.9 * len(teams) + 0.9), nrows=len(teams), ncols=2, sharex=True, squeeze=False
    )
    marker = "o" if kind != "month" else None
    styles = {
        "inflow": (FOCUS_COLOR, "-"),
        "outflow": (COMPARISON_COLORS[0], "-"),
        "stock_end": (FOCUS_COLOR, "-"),
    }
    for row, team in zip(axes, teams, strict=True):
        for ax, roles in zip(row, (("inflow", "outflow"), ("stock_end",)), strict=True):
            for role in roles:
                data = obs[obs["indicator"] == FLOW_INDICATORS[team][role]]
                data = data.iloc[period_order(data["period"])]
                color, style = styles[role]
                ax.plot(
                    [period_x(str(p)) for p in data["period"]],
                    data["value"].astype(float),
                    color=color,
                    linestyle=style,
                    marker=marker,
                    markersize=4,
                    linewidth=1.8,
                    label=label(role, language),
                )
            what = (
                f"{label('inflow', language)} {label('and', language)} {label('outflow', language)}"
                if len(roles) == 2
                else label("running_end", language)
            )
            ax.set_title(f"{label(team, language)}: {what}", loc="left", fontsize=10.5)
            ax.set_ylim(0, ax.get_ylim()[1] * 1.05)
            format_axis(ax, "y", language)
            set_period_ticks(ax, list(obs["period"].astype(str)), language, 6, januaries=True)
        row[0].set_ylabel(unit_axis_label("aantal", language))
    axes[0, 0].legend(loc="lower right", ncols=2)
    name = RegionResolver().name_of(str(obs["region_code"].iloc[0])) or str(
        obs["region_code"].iloc[0]
    )
    head = title or f"{label('cases', language).capitalize()}, {name}"
    set_titles(fig, None, head, subtitle)
    parts = [
        f"{label(team, language)}: "
        + ", ".join(
            series_description(
                obs[obs["indicator"] == FLOW_INDICATORS[team][role]],
                "aantal",
                language,
                name=label(role, language),
            )
            for role in ("inflow", "outflow", "stock_end")
        )
        for team in teams
    ]
    alt = alt_summary(head, subtitle, obs["period"], parts, language)
    return finish_figure(fig, sources_frame(obs), language, synthetic, alt=alt)


@styled
def survival_chart(
    curves: pd.DataFrame,
    medians: pd.DataFrame | None = None,
    *,
    sources: pd.DataFrame,
    snapshot,
    group: str = "team",
    min_at_risk: int = THRESHOLD,
    title: str | None = None,
    language: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """Kaplan-Meier curves: the share of cases still running after so many days.

    Parameters
    ----------
    curves : DataFrame
        From :func:`survival_curves`.
    medians : DataFrame, optional
        From :func:`median_durations`: each median is marked on its curve.
    sources : DataFrame
        ``source`` and ``published`` for the source line (one row will do;
        see :func:`analysis.experience.with_provenance`).
    The time axis ends where every curve has dropped to 1 %; medians are
    marked on the curves and named in the legend.
    snapshot : date-like
        The censoring date, named in the subtitle.
    group : str, default "team"
    min_at_risk : int
        As passed to :func:`survival_curves`, named in the subtitle.
    title : str, optional
    language : {"nl", "en"}
    synthetic : bool

    Returns
    -------
    Figure
    """
    language = resolve_language(language)
    fig, ax = new_figure("standard")
    keys = [k for k in TEAM_COLORS if k in set(curves[group])] + sorted(
        set(curves[group]) - set(TEAM_COLORS)
    )
    x_max, described = 0.0, []
    for key in keys:
        data = curves[curves[group] == key]
        color = TEAM_COLORS.get(key, BREAK_COLOR)
        name = label(key, language) if key in TEAM_COLORS else str(key)
        low = data[data["surv_prob"] <= 0.01]
        x_max = max(x_max, float(low["time"].iloc[0]) if len(low) else float(data["time"].max()))
        m = (
            medians[medians[group] == key]
            if medians is not None and group in medians.columns
            else None
        )
        if m is not None and len(m) and not pd.isna(m["median"].iloc[0]):
            x = float(m["median"].iloc[0])
            ax.plot([x, x], [0, 50], color=color, linestyle=":", linewidth=1.3)
            name += f" ({label('median', language)} {format_number(x, 0, language)} {label('days', language)})"
        ax.fill_between(
            data["time"],
            100 * data["ci_low"],
            100 * data["ci_high"],
            step="post",
            color=color,
            alpha=0.2,
            linewidth=0,
        )
        ax.step(
            data["time"],
            100 * data["surv_prob"],
            where="post",
            color=color,
            linewidth=2.0,
            label=name,
        )
        described.append(name)
    ax.axhline(50, color=MUTED_TEXT_COLOR, linestyle=":", linewidth=0.9)
    ax.set_ylim(0, 102)
    ax.set_xlim(0, x_max * 1.05 if x_max > 0 else None)
    format_axis(ax, "y", language, suffix="%")
    format_axis(ax, "x", language)
    ax.set_ylabel(label("share_running", language).capitalize())
    ax.set_xlabel(label("duration_days", language).capitalize())
    ax.legend(loc="upper right")
    fig.suptitle(wrap_title(fig, title or label("survival_title", language)), x=0.01, ha="left")
    subtitle = label("survival_subtitle", language).format(
        date=f"{pd.Timestamp(snapshot):%Y-%m-%d}", n=min_at_risk
    )
    ax.set_title(textwrap.fill(subtitle, 100), loc="left", fontsize=10, color=MUTED_TEXT_COLOR)
    alt = f"{title or label('survival_title', language)}: {'; '.join(described)}"
    return finish_figure(fig, sources_frame(sources), language, synthetic, alt=alt)


def _draw_intervals(
    ax, data: pd.DataFrame, *, value: str, low: str | None, high: str | None, color: str, name: str
) -> None:
    data = data.iloc[period_order(data["period"])]
    x = np.array([period_x(str(p)) for p in data["period"]])
    y = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
    if low and high:
        lo = pd.to_numeric(data[low], errors="coerce").to_numpy(dtype=float)
        hi = pd.to_numeric(data[high], errors="coerce").to_numpy(dtype=float)
        ax.fill_between(x, lo, hi, color=color, alpha=0.18, linewidth=0, zorder=1.5)
    ax.plot(x, y, color=color, marker="o", linewidth=2.0, label=name, zorder=2.5)


def _draw_published(ax, published: pd.DataFrame | None, color: str, language: str) -> list[Line2D]:
    """Published values as open diamonds; a definition of its own (:data:`PUBLISHED_DEFINITIONS`) per series.

    Returns the legend handles of the definitions drawn (none for an indicator of one definition).
    """
    if published is None or published.empty:
        return []
    handles = []
    styles = ("--", ":")
    for i, (part, key) in enumerate(_by_definition(published)):
        part = part.iloc[period_order(part["period"].astype(str))]
        x = [period_x(str(p)) for p in part["period"]]
        linestyle = styles[i % len(styles)] if key else "none"
        (line,) = ax.plot(
            x,
            part["value"].astype(float),
            linestyle=linestyle,
            linewidth=1.2,
            marker="D",
            markersize=6.5,
            markerfacecolor="white",
            markeredgecolor=color,
            markeredgewidth=1.8,
            color=color,
            zorder=3.5,
            label="_nolegend_",
        )
        if key:
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle=linestyle,
                    linewidth=1.2,
                    marker="D",
                    markersize=6.5,
                    markerfacecolor="white",
                    markeredgecolor=MUTED_TEXT_COLOR,
                    color=MUTED_TEXT_COLOR,
                    markeredgewidth=1.6,
                    label=label(key, language),
                )
            )
    return handles


def _by_definition(published: pd.DataFrame) -> list[tuple[pd.DataFrame, str | None]]:
    """The published rows split per definition: ``[(rows, label key)]``; ``[(rows, None)]`` for one definition."""
    indicators = set(published["indicator"]) if "indicator" in published.columns else set()
    rules = next((PUBLISHED_DEFINITIONS[i] for i in indicators if i in PUBLISHED_DEFINITIONS), None)
    if rules is None:
        return [(published, None)]
    years = published["period"].astype(str).str[:4].astype(int)
    parts, first = [], -math.inf
    for last, key in rules:
        rows = published[(years > first) & (years <= (last if last is not None else math.inf))]
        if len(rows):
            parts.append((rows, key))
        first = last if last is not None else math.inf
    return parts


def _published_handle(language: str) -> Line2D:
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="D",
        markersize=7,
        markerfacecolor="white",
        markeredgecolor=MUTED_TEXT_COLOR,
        markeredgewidth=1.6,
        label=label("published", language),
    )


def _y_limits(ax, unit: str) -> None:
    lo, hi = ax.get_ylim()
    if unit == "procent":
        ax.set_ylim(0.0, min(100.0, hi * 1.02) if hi > 0 else 100.0)
    elif unit == "rapportcijfer":
        ax.set_ylim(max(1.0, lo), min(10.0, hi))
    else:
        ax.set_ylim(0, hi * 1.05 if hi > 0 else 1)


@styled
def interval_chart(
    frame: pd.DataFrame,
    *,
    value: str,
    unit: str,
    title: str,
    group: str | None = "team",
    low: str | None = None,
    high: str | None = None,
    subtitle: str | None = None,
    published: Mapping[str, pd.DataFrame] | None = None,
    norm: float | None = None,
    language: str | None = None,
    synthetic: bool = False,
    size: str | tuple[float, float] = "standard",
) -> Figure:
    """A line per group over the periods, with an optional interval band and published values.

    Parameters
    ----------
    frame : DataFrame
        ``period`` (one period type), the ``group`` column, ``value`` and
        optionally ``low`` / ``high``; ``source`` and ``published`` give the
        source line (see :func:`with_provenance`). Withheld values (NaN) leave gaps.
    value, unit, title : str
        The column drawn, its unit (key of :data:`analysis.indicators.UNITS`) and the title.
    group : str or None
        One line per value of this column; None for a single line.
    low, high : str, optional
        Columns of the interval drawn as a band.
    subtitle : str, optional
    published : mapping of group value -> observations, optional
        Published values drawn as open diamonds in the group's colour; their
        sources join the source line.
    norm : float, optional
        Drawn as a dotted horizontal line.
    language : {"nl", "en"}
    synthetic : bool
        Mark the chart *synthetisch* (also done when a source says so).
    size : str or (width, height)

    Returns
    -------
    Figure
    """
    language = resolve_language(language)
    if frame.empty:
        raise ValueError("interval_chart: nothing to draw")
    kind = single_period_type(frame, "interval_chart")
    fig, ax = new_figure(size)
    keys = list(dict.fromkeys(frame[group])) if group else [None]
    keys = sorted(
        keys, key=lambda k: list(TEAM_COLORS).index(k) if k in TEAM_COLORS else len(TEAM_COLORS)
    )
    palette = [FOCUS_COLOR, *COMPARISON_COLORS]
    colors = {k: TEAM_COLORS.get(k, palette[i % len(palette)]) for i, k in enumerate(keys)}
    any_published, definitions = False, []
    periods = list(frame["period"].astype(str))
    for key in keys:
        data = frame if key is None else frame[frame[group] == key]
        name = group_name(key, language) if key is not None else title
        _draw_intervals(ax, data, value=value, low=low, high=high, color=colors[key], name=name)
        pub = (published or {}).get(key)
        if pub is not None and len(pub):
            pub = pub[pub["period"].astype(str).map(period_type_of) == kind]
            definitions += _draw_published(ax, pub, colors[key], language)
            any_published = True
            periods += list(pub["period"].astype(str))
    if norm is not None:
        draw_target(ax, norm, format_number(norm, 0, language), language)
    set_period_ticks(ax, periods, language, 12, januaries=True)
    _y_limits(ax, unit)
    format_axis(ax, "y", language)
    ax.set_ylabel(unit_axis_label(unit, language))
    handles, _ = ax.get_legend_handles_labels()
    if any_published:
        handles += definitions or [_published_handle(language)]
    if len(handles) > 1 or any_published:
        place_legend(ax, handles)
    set_titles(fig, ax, title, subtitle)
    pubs = [p for p in (published or {}).values() if p is not None]
    parts = [
        series_description(
            frame if key is None else frame[frame[group] == key],
            unit,
            language,
            name=group_name(key, language) if key is not None else None,
            value=value,
        )
        for key in keys
    ]
    alt = alt_summary(title, subtitle, frame["period"], parts, language)
    return finish_figure(fig, sources_frame(frame, *pubs), language, synthetic, alt=alt)


@styled
def marks_chart(
    marks: pd.DataFrame,
    *,
    published: Mapping[str, pd.DataFrame] | None = None,
    measures: Sequence[str] = MEASURES,
    title: str | None = None,
    language: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """The four marks over time, one panel each, a line per team with its 95 % band.

    Parameters
    ----------
    marks : DataFrame
        Long format as :func:`analysis.register.survey_marks` returns
        (``period``, ``team``, ``measure``, ``mean``, ``ci_low``, ``ci_high``),
        one period type, with ``source`` / ``published`` for the source line.
    published : mapping of team -> observations, optional
        Published overall marks (``rapportcijfer``), drawn as open diamonds.
    measures : sequence of str
    title : str, optional
    language : {"nl", "en"}
    synthetic : bool

    Returns
    -------
    Figure
        Panels share the value axis, so they compare honestly.
    """
    language = resolve_language(language)
    fig, axes = new_figure((10.0, 6.4), nrows=2, ncols=2, sharex=True, sharey=True, squeeze=False)
    teams = [t for t in TEAM_COLORS if t in set(marks["team"])]
    periods = list(marks["period"].astype(str))
    any_published = False
    for ax, measure in zip(axes.ravel(), measures, strict=False):
        data = marks[marks["measure"] == measure]
        for team in teams:
            _draw_intervals(
                ax,
                data[data["team"] == team],
                value="mean",
                low="ci_low",
                high="ci_high",
                color=TEAM_COLORS[team],
                name=label(team, language),
            )
            if measure == "rapportcijfer" and published and published.get(team) is not None:
                pub = published[team]
                pub = pub[pub["period_type"] == period_type_of(periods[0])] if len(pub) else pub
                _draw_published(ax, pub, TEAM_COLORS[team], language)
                any_published |= bool(len(pub))
                periods += list(pub["period"].astype(str))
        ax.set_title(label(f"mark_{measure}", language), loc="left", fontsize=10.5)
        format_axis(ax, "y", language)
    for ax in axes.ravel():
        set_period_ticks(ax, periods, language, 12, januaries=True)
    lo = np.nanmin(
        pd.to_numeric(marks["ci_low"], errors="coerce").to_numpy(dtype=float), initial=10.0
    )
    hi = np.nanmax(
        pd.to_numeric(marks["ci_high"], errors="coerce").to_numpy(dtype=float), initial=1.0
    )
    axes[0, 0].set_ylim(
        max(1.0, math.floor(lo * 2) / 2 - 0.5), min(10.0, math.ceil(hi * 2) / 2 + 0.5)
    )
    for ax in axes[:, 0]:
        ax.set_ylabel(unit_axis_label("rapportcijfer", language))
    handles = [
        Line2D([], [], color=TEAM_COLORS[t], marker="o", linewidth=2.0, label=label(t, language))
        for t in teams
    ]
    if any_published:
        handles.append(_published_handle(language))
    fig.legend(handles=handles, loc="outside upper right", ncols=len(handles))
    title = title or label("marks_title", language)
    set_titles(fig, None, title, label("marks_subtitle", language))
    pubs = [p for p in (published or {}).values() if p is not None]
    parts = [
        f"{label(f'mark_{m}', language)}: "
        + ", ".join(
            series_description(
                marks[(marks["measure"] == m) & (marks["team"] == team)],
                "rapportcijfer",
                language,
                name=label(team, language),
                value="mean",
            )
            for team in teams
        )
        for m in measures
    ]
    alt = alt_summary(title, None, marks["period"], parts, language)
    return finish_figure(fig, sources_frame(marks, *pubs), language, synthetic, alt=alt)


@styled
def group_interval_chart(
    frame: pd.DataFrame,
    *,
    group: str = "wijk_code",
    value: str = "mean",
    low: str = "ci_low",
    high: str = "ci_high",
    unit: str = "rapportcijfer",
    reference: float | None = None,
    highlight: str | None = None,
    title: str,
    subtitle: str | None = None,
    language: str | None = None,
    synthetic: bool = False,
) -> Figure:
    """One row per group (say per wijk): the value with its interval; withheld rows say ``x``.

    Parameters
    ----------
    frame : DataFrame
        One row per group (one period, one team, one measure), with ``value``,
        ``low``, ``high`` and optionally ``display`` (from :func:`protect_summary`).
    group : str
        The column naming the groups (wijk codes are shown by name).
    reference : float, optional
        Drawn as a dashed vertical line (the city's value); default
        ``frame.attrs["reference"]`` (see :func:`wijk_comparison`).
    highlight : str, optional
        A group drawn in the focus colour (the chosen wijk).
    title, subtitle : str

    Returns
    -------
    Figure
    """
    language = resolve_language(language)
    if reference is None:
        reference = frame.attrs.get("reference")
    data = frame.reset_index(drop=True)
    order = data[value].fillna(-np.inf).sort_values(kind="stable").index
    data = data.loc[order].reset_index(drop=True)
    n = len(data)
    fig, ax = new_figure((8.0, min(8.0, 1.6 + 0.36 * n)))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    resolver = RegionResolver()
    names = [group_name(g, language, resolver) for g in data[group]]
    y = np.arange(n)
    vals = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(data[low], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(data[high], errors="coerce").to_numpy(dtype=float)
    colors = [
        FOCUS_COLOR if str(g) == str(highlight) else OTHER_BAR_COLOR if highlight else FOCUS_COLOR
        for g in data[group]
    ]
    for i in range(n):
        if np.isnan(vals[i]):
            continue
        ax.plot([lo[i], hi[i]], [y[i], y[i]], color=colors[i], linewidth=2.2, solid_capstyle="butt")
        ax.plot(vals[i], y[i], "o", color=colors[i], markersize=6.5)
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], vals[np.isfinite(vals)]])
    if reference is not None:
        finite = np.append(finite, reference)
        ax.axvline(reference, color=BREAK_COLOR, linestyle="--", linewidth=1.2)
        city = f"- - {label('municipality', language).lower()}: {format_number(reference, 1, language)}"
        subtitle = f"{subtitle}; {city}" if subtitle else city
    left = float(np.min(finite)) if finite.size else 1.0
    right = float(np.max(finite)) if finite.size else 10.0
    span = max(right - left, 0.5)
    ax.set_xlim(left - 0.08 * span, right + 0.08 * span)
    display = data["display"] if "display" in data.columns else pd.Series(pd.NA, index=data.index)
    for i in range(n):
        if np.isnan(vals[i]):
            shown = display.iloc[i]
            ax.annotate(
                str(shown) if not pd.isna(shown) else MISSING,
                xy=(left, y[i]),
                xytext=(0, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=10,
                color=MUTED_TEXT_COLOR,
            )
    ax.set_yticks(y, names)
    ax.tick_params(axis="y", length=0)
    format_axis(ax, "x", language)
    ax.set_xlabel(unit_axis_label(unit, language))
    set_titles(fig, ax, title, subtitle)
    shown = [(names[i], vals[i]) for i in range(n) if not np.isnan(vals[i])]
    parts = []
    if shown:
        (high_name, high), (low_name, low) = (
            max(shown, key=lambda s: s[1]),
            min(shown, key=lambda s: s[1]),
        )
        parts += [
            f"{label('alt_highest', language)}: {high_name} {format_number(high, 1, language)}",
            f"{label('alt_lowest', language)}: {low_name} {format_number(low, 1, language)}",
        ]
    if n - len(shown):
        parts.append(label("alt_withheld", language).format(n=n - len(shown)))
    alt = f"{title}{f' ({subtitle})' if subtitle else ''}: {'; '.join(parts) or MISSING}"
    return finish_figure(fig, sources_frame(data), language, synthetic, alt=alt)


__all__ = [
    "PUBLISHED_DEFINITIONS",
    "TEAM_COLORS",
    "flow_chart",
    "group_interval_chart",
    "interval_chart",
    "marks_chart",
    "survival_chart",
]
