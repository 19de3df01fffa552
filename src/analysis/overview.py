"""The overview (*overzicht*): headline indicators of the three stelselindicatoren.

The helpers behind notebook ``00_overzicht``: one table per theme — *bereik*,
*beschikbaarheid*, *kwaliteit* — with per indicator the latest value, the
change against the previous year, the norm where there is one, a sparkline,
where the row comes from (register, CBS table or publication) and, for
register rows, what the municipality published beside it.

* :func:`register_headlines` — the register's headline figures (pure);
* :func:`headline_observations`, :func:`published_observations` — the rows of
  the tables and the published figures, read through a notebook session (so
  the notebook declares them);
* :func:`trend_source`, :func:`published_text` — the two extra columns: every source
  of a row's trend line, the published value beside;
* :func:`headline_breaks` — the declared series breaks of a row (CBS definition changes,
  :data:`analysis.plotting.PUBLISHED_DEFINITIONS`), drawn in its sparkline;
* :func:`headline_overview` — the table (:func:`analysis.plotting.headline_table`
  plus those columns); :func:`headline_summary` — the same numbers as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from . import markup, plotting
from .disclosure import apply_disclosure_control, source_kind
from .labels import (
    MISSING,
    format_change,
    format_value,
    label,
    period_label,
    resolve_language,
)
from .periods import next_periods, period_sort_key
from .published import one_per_period, vintage_year
from .register import WAITING_NORM_DAYS
from .sources import row_source

THEMES: tuple[str, ...] = ("bereik", "beschikbaarheid", "kwaliteit")

#: Headline indicators per theme, in the order of the table.
HEADLINES: dict[str, tuple[str, ...]] = {
    "bereik": (
        "buurtteam_sociaal_clienten",
        "buurtteam_sociaal_nieuwe_casussen",
        "buurtteam_jg_gezinnen",
        "buurtteam_jg_clienten",
        "jeugdhulp_pct",
        "wmo_clienten_per_1000",
    ),
    "beschikbaarheid": (
        "buurtteam_sociaal_wachttijd",
        "buurtteam_sociaal_wachttijd_binnen_norm_pct",
    ),
    "kwaliteit": (
        "buurtteam_sociaal_rapportcijfer",
        "buurtteam_jg_rapportcijfer",
        "buurtteam_sociaal_zonder_hulp_pct",
        "buurtteam_jg_zonder_hulp_pct",
    ),
}

#: Headlines from CBS (or, without a CBS table, the published figures).
CBS_HEADLINES: tuple[str, ...] = ("jeugdhulp_pct", "wmo_clienten_per_1000")

#: Headlines from the case register.
REGISTER_HEADLINES: tuple[str, ...] = tuple(
    i for theme in THEMES for i in HEADLINES[theme] if i not in CBS_HEADLINES
)

#: Norms: the mean waiting time of Buurtteam Sociaal should be at most 5 working days.
NORMS: dict[str, float] = {"buurtteam_sociaal_wachttijd": float(WAITING_NORM_DAYS)}

#: Decimals of the overview's headline rows whatever their values: mean waiting times always
#: with one decimal, as Utrecht publishes them (7,6 and 7,9 working days), so a year whose
#: mean is a whole number reads 7,0 beside the others, and its change +0,9.
DECIMALS: dict[str, int] = {"werkdagen": 1}

_WITHIN_NORM = "buurtteam_sociaal_wachttijd_binnen_norm_pct"


# --- the rows -------------------------------------------------------------------------------


def register_headlines(register) -> pd.DataFrame:
    """The register's headline figures per year, as observations.

    Everything :func:`analysis.register.register_observations` computes for
    :data:`REGISTER_HEADLINES`, plus the share of Sociaal cases seen within the
    norm of 5 working days (``within_norm_pct`` of
    :func:`analysis.register.waiting_times`), passed through
    :func:`analysis.disclosure.apply_disclosure_control`.

    Parameters
    ----------
    register : analysis.register.Register

    Returns
    -------
    DataFrame
        Observations (with the disclosure columns ``display`` and ``suppression``).
    """
    from .register import register_observations, to_observations, waiting_times

    obs = register_observations(register)
    obs = obs[obs["indicator"].isin(REGISTER_HEADLINES)]
    waits = waiting_times(
        register.cases,
        by=("team",),
        norm=WAITING_NORM_DAYS,
        start=register.cases["registration_date"].min(),
        end=register.snapshot_date,
    )
    within = to_observations(
        waits,
        _WITHIN_NORM,
        value="within_norm_pct",
        register=register,
        source_ref="analysis.register: within_norm_pct (year)",
    )
    return apply_disclosure_control(pd.concat([obs, within], ignore_index=True))


def _stack(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        from .schema import empty_observations

        return empty_observations()
    return pd.concat(parts, ignore_index=True)


def headline_observations(session, register=None) -> pd.DataFrame:
    """The rows of the overview tables, for the session's region and periods.

    Parameters
    ----------
    session : analysis.notebook.Session
        The notebook's session; CBS headlines are read through it (so
        :meth:`~analysis.notebook.Session.declare_sources` names them), yearly
        figures only.
    register : analysis.register.Register, optional
        The register the notebook uses for its region (``session.register(...).used``:
        None when it does not apply, :func:`analysis.register.register_scope`).

    Returns
    -------
    DataFrame
        Observations: the register's headlines (:func:`register_headlines`)
        and the CBS headlines (CBS table or, without one, the latest
        publication per year; :func:`analysis.published.one_per_period`).
    """
    parts = []
    if register is not None:
        parts.append(session.within_period(register_headlines(register)))
    parts += [one_per_period(session.load(ind, period_type="year")) for ind in CBS_HEADLINES]
    return _stack(parts)


def published_observations(session, register=None) -> pd.DataFrame:
    """What the municipality published for the register's headlines (every vintage), yearly.

    Only read when the notebook uses a register (``register`` as in
    :func:`headline_observations`): the published figures are set beside the register's.

    Returns
    -------
    DataFrame
        Published observations of :data:`REGISTER_HEADLINES`; empty when the
        register does not apply.
    """
    if register is None:
        return _stack([])
    return _stack([session.load(ind, period_type="year") for ind in REGISTER_HEADLINES])


# --- the extra columns ------------------------------------------------------------------------


def _trend_rows(obs: pd.DataFrame, indicator: str, region: str) -> pd.DataFrame:
    """The yearly rows with a value of one headline: the points of its sparkline, in period order."""
    if obs is None or obs.empty:
        return obs
    rows = obs[
        (obs["indicator"] == indicator)
        & (obs["region_code"].astype(str) == region)
        & (obs["period_type"] == "year")
        & obs["value"].notna()
    ]
    return rows.iloc[
        sorted(range(len(rows)), key=lambda i: period_sort_key(rows["period"].iloc[i]))
    ]


def _period_ranges(periods: Sequence[str], language: str) -> str:
    """``'2015–2017, 2019'``: consecutive periods as one range."""
    runs: list[list[str]] = []
    for period in periods:
        if runs and next_periods(runs[-1][-1], 1)[0] == period:
            runs[-1].append(period)
        else:
            runs.append([period])
    return ", ".join(
        period_label(run[0], language)
        if len(run) == 1
        else f"{period_label(run[0], language)}\u2013{period_label(run[-1], language)}"
        for run in runs
    )


def trend_source(
    obs: pd.DataFrame, indicator: str, region: str, language: str | None = None
) -> str:
    """Every source of a headline's trend line, with its years: the value of the *Bron* column.

    Parameters
    ----------
    obs : DataFrame
        The rows (:func:`headline_observations`).
    indicator, region : str
    language : {"nl", "en"}, optional

    Returns
    -------
    str
        With one source, its name as :func:`analysis.sources.row_source` writes
        it (``CBS 85098NED (CBS StatLine, opgehaald 2025-04-22)``); with
        several, each with the years it gives, first source first
        (``2015–2020: CBS 82972NED (...); 2021–2023: CBS 85098NED (...)``);
        ``''`` without a yearly value.
    """
    language = resolve_language(language)
    rows = _trend_rows(obs, indicator, region)
    if rows is None or rows.empty:
        return ""
    names = [
        row_source(s, p, language) for s, p in zip(rows["source"], rows["published"], strict=True)
    ]
    periods: dict[str, list[str]] = {}
    for name, period in zip(names, rows["period"].astype(str), strict=True):
        periods.setdefault(name, []).append(period)
    if len(periods) == 1:
        return names[-1]
    return "; ".join(f"{_period_ranges(ps, language)}: {name}" for name, ps in periods.items())


def headline_breaks(
    obs: pd.DataFrame,
    indicator: str,
    region: str,
    language: str | None = None,
    *,
    published: pd.DataFrame | None = None,
) -> list[tuple[str, str, str]]:
    """The declared series breaks of a headline's trend line: (last period before, first after, text).

    * CBS definition changes and table switches (:func:`analysis.cbs.series_breaks`,
      :func:`analysis.plotting.with_table_switches`),
      e.g. from 2016 jeugdhulp by the buurtteams counts in ``jeugdhulp_pct``, and
      from 2021 it comes from 85098NED (jeugdzorg in natura) instead of 82972NED;
    * published figures whose definition changed
      (:data:`analysis.plotting.PUBLISHED_DEFINITIONS`, e.g. the mean waiting
      time: up to 2018 *melding tot start ondersteuning*, from 2023
      *aanmelding tot keukentafelgesprek*): a break between the last published
      year of one definition and the first of the next. Only published rows
      count: a register measures one definition throughout;
    * with ``published`` (every vintage, :func:`published_observations`): where
      the trend moves from one publication to another that give other figures
      for the same years (:func:`analysis.reconcile.publication_conflicts`),
      a *bronwissel* between the two points: the monitor of 2019 dates the
      6.000 families of Jeugd en Gezin in 2015, the one of 2020 in 2016, so a
      line through both would show the same figure twice.

    Returns
    -------
    list of tuple
        In the form :func:`analysis.plotting.sparkline` and
        :func:`analysis.plotting.line_chart` take.
    """
    from .cbs import series_breaks

    language = resolve_language(language)
    rows = _trend_rows(obs, indicator, region)
    out = list(series_breaks(indicator, language))
    if rows is not None and not rows.empty:
        out = [tuple(b) for b in plotting.with_table_switches(out, rows, language)]
    if published is not None and rows is not None and len(rows) > 1:
        out += _publication_switches(rows, published, indicator, region, language)
    rules = plotting.PUBLISHED_DEFINITIONS.get(indicator)
    if not rules or rows is None or rows.empty:
        return out
    years = [
        int(str(p)[:4])
        for p, s in zip(rows["period"], rows["source"], strict=True)
        if source_kind(str(s)) == "published"
    ]
    for (last, key), (next_last, next_key) in zip(rules, rules[1:], strict=False):
        before = [y for y in years if y <= last]
        after = [y for y in years if last < y <= (math.inf if next_last is None else next_last)]
        if before and after:
            text = label("definition_break", language).format(
                a=label(key, language), b=label(next_key, language)
            )
            out.append((str(max(before)), str(min(after)), text))
    return out


def _publication_switches(
    rows: pd.DataFrame, published: pd.DataFrame, indicator: str, region: str, language: str
) -> list[tuple[str, str, str]]:
    """A *bronwissel* between two points of a trend from publications that contradict each other."""
    from .reconcile import publication_conflicts

    mine = published[
        (published["indicator"] == indicator) & (published["region_code"].astype(str) == region)
    ]
    conflicts = publication_conflicts(mine)
    disagree = {
        frozenset(pair)
        for pair in zip(conflicts["publication_a"], conflicts["publication_b"], strict=True)
    }
    out = []
    for (p0, a), (p1, b) in zip(
        zip(rows["period"], rows["published"], strict=True),
        zip(rows["period"].iloc[1:], rows["published"].iloc[1:], strict=True),
        strict=False,
    ):
        if a != b and frozenset((a, b)) in disagree:
            text = label("publication_change_break", language).format(a=a, b=b)
            out.append((str(p0), str(p1), text))
    return out


def latest_published(published: pd.DataFrame, indicator: str, region: str) -> pd.Series | None:
    """The latest published value of an indicator: latest period, then latest vintage.

    Returns
    -------
    Series or None
        The row, or None when nothing with a value was published.
    """
    if published is None or published.empty:
        return None
    rows = published[
        (published["indicator"] == indicator)
        & (published["region_code"] == region)
        & published["value"].notna()
    ]
    if rows.empty:
        return None
    rows = rows.assign(
        _p=rows["period"].map(period_sort_key),
        _v=rows["published"].map(lambda p: vintage_year(p) or 0),
    )
    return rows.sort_values(["_p", "_v"], kind="stable").iloc[-1]


def published_text(
    published: pd.DataFrame, indicator: str, region: str, language: str | None = None
) -> str:
    """``'7,9 werkdagen (2024, Begroting 2026 (2025))'``: the latest published value, or ``''``."""
    language = resolve_language(language)
    row = latest_published(published, indicator, region)
    if row is None:
        return ""
    value = value_text(row["value"], row["unit"], row["status"], None, language)
    return f"{value} ({period_label(str(row['period']), language)}, {row['published']})"


def value_text(
    value,
    unit: str,
    status: str | None = None,
    display: str | None = None,
    language: str | None = None,
) -> str:
    """A headline value for readers: unit, :data:`DECIMALS`, ``*`` for provisional, ``<10`` when withheld.

    Returns
    -------
    str
        ``'7,9 werkdagen'``, ``'12,8%*'``, ``'<10'`` or ``'–'`` (missing).
    """
    language = resolve_language(language)
    if value is None or pd.isna(value) or not isinstance(unit, str) or not unit:
        return str(display) if isinstance(display, str) and display else MISSING
    text = format_value(value, unit, language, decimals=DECIMALS.get(unit))
    return text + plotting.status_mark(status) if isinstance(status, str) else text


def with_columns(styler, columns: Mapping[str, Sequence[str]]):
    """A copy of a headline-table Styler with extra text columns at the right.

    The table's styles, attributes, hidden index and caption are kept; the
    new columns are escaped as HTML like the table's other text columns.

    Parameters
    ----------
    styler : pandas.io.formats.style.Styler
        As returned by :func:`analysis.plotting.headline_table`.
    columns : mapping
        Column title -> one text per row.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    data = styler.data.copy()
    for title, values in columns.items():
        values = list(values)
        if len(values) != len(data):
            raise ValueError(f"column {title!r}: {len(values)} values for {len(data)} rows")
        data[title] = values
    # the sparkline column is the only HTML of the table; recognised by its title, never by
    # its cells (a data value may start with "<img" too)
    trend = {plotting.capitalised(label("trend", lang)) for lang in ("nl", "en")}
    images = [c for c in styler.data.columns if c in trend and c not in columns]
    out = markup.table(data, html_columns=images).use(styler.export())
    return out.set_caption(styler.caption) if styler.caption else out


def _present(obs: pd.DataFrame, indicators: Sequence[str], region: str) -> list[str]:
    if obs.empty:
        return []
    has = obs[
        (obs["region_code"] == region)
        & (obs["period_type"] == "year")
        & (obs["value"].notna() | obs["status"].eq("suppressed"))
    ]
    return [i for i in indicators if (has["indicator"] == i).any()]


# --- the table ------------------------------------------------------------------------------


def headline_frame(
    obs: pd.DataFrame,
    published: pd.DataFrame | None = None,
    *,
    region: str,
    indicators: Sequence[str] | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """The numbers of the overview: :func:`analysis.plotting.headline_frame` plus source and published value.

    Parameters
    ----------
    obs : DataFrame
        The rows (:func:`headline_observations`).
    published : DataFrame, optional
        Published figures to set beside register rows (:func:`published_observations`).
    region : str
    indicators : sequence of str, optional
        Default: every headline of every theme that ``obs`` holds a yearly value for.
    language : {"nl", "en"}, optional
        Default: the session language (:func:`analysis.labels.set_language`).

    Returns
    -------
    DataFrame
        The columns of :func:`analysis.plotting.headline_frame` (yearly
        figures, norms from :data:`NORMS`) plus ``theme``, ``row_source``
        (every source of the trend, :func:`trend_source`), ``breaks``
        (:func:`headline_breaks`), ``change_text`` (``'– (trendbreuk 2016)'``
        when the change crosses a break, else None) and
        ``published_beside``; one row per requested headline with a value,
        and one per CBS headline even without (``row_source`` then says so).
        Empty when ``obs`` holds none of the requested headlines.
    """
    language = resolve_language(language)
    wanted = indicators if indicators is not None else [i for t in THEMES for i in HEADLINES[t]]
    have = _present(obs, wanted, region)
    present = [
        i for i in wanted if i in have or i in CBS_HEADLINES
    ]  # a CBS row says when it has no data
    if not have:
        return pd.DataFrame(
            columns=[
                "theme",
                *plotting.HEADLINE_COLUMNS,
                "row_source",
                "breaks",
                "change_text",
                "published_beside",
            ]
        )
    frame = plotting.headline_frame(
        obs, indicators=present, region=region, norms=NORMS, period_type="year"
    )
    theme_of = {i: t for t in THEMES for i in HEADLINES[t]}
    frame.insert(0, "theme", frame["indicator"].map(theme_of))
    frame["row_source"] = [
        trend_source(obs, i, region, language) or label("no_data", language)
        for i in frame["indicator"]
    ]
    frame["breaks"] = [
        headline_breaks(obs, i, region, language, published=published) for i in frame["indicator"]
    ]
    frame["change_text"] = [  # None, or the text shown instead of the change
        plotting.change_across_break(b, r.previous_period, r.period, language)
        for r, b in zip(frame.itertuples(), frame["breaks"], strict=True)
    ]
    frame["published_beside"] = [
        published_text(published, i, region, language)
        if source_kind(str(s)) in ("synthetic", "register")
        else ""
        for i, s in zip(frame["indicator"], frame["source"], strict=True)
    ]
    return frame


def real_observations(obs: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """The real figures among the headline rows: CBS and published figures, never the synthetic register.

    Rows of the synthetic register are replaced by what the municipality
    published for the same indicators (the latest publication per year,
    :func:`analysis.published.one_per_period`).

    Parameters
    ----------
    obs : DataFrame
        The rows (:func:`headline_observations`).
    published : DataFrame, optional
        Published figures (:func:`published_observations`).

    Returns
    -------
    DataFrame
        Observations without synthetic rows.
    """
    if obs.empty:
        return obs
    synthetic = obs["source"].astype(str).map(source_kind).eq("synthetic")
    parts = [obs[~synthetic]]
    if published is not None and len(published) and synthetic.any():
        wanted = published[published["indicator"].isin(set(obs.loc[synthetic, "indicator"]))]
        parts.append(one_per_period(wanted[wanted["value"].notna()]))
    return _stack(parts)


def synthetic_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """The headline rows of the synthetic register (made-up figures), or an empty frame."""
    if obs.empty:
        return obs
    return obs[obs["source"].astype(str).map(source_kind).eq("synthetic")].reset_index(drop=True)


def headline_blocks(
    obs: pd.DataFrame,
    published: pd.DataFrame | None = None,
    *,
    theme: str,
    region: str,
    note: str | None = None,
    language: str | None = None,
    trend: bool = True,
) -> list:
    """What the overview shows for one theme: the real figures, then the synthetic ones in their own block.

    The headline table holds real figures only (CBS tables, and for the
    register's indicators what the municipality published). Figures of the
    synthetic register follow under their own heading (*Registercijfers
    (synthetisch: verzonnen, niet echt)*), each row marked as such, with the
    published value beside.

    Parameters
    ----------
    obs, published, theme, region
        As :func:`headline_overview`.
    note : str, optional
        The sentence shown when the theme has no real figures (say why the register is not used).
    language : {"nl", "en"}, optional
        Default: the session language.
    trend : bool, default True

    Returns
    -------
    list
        Displayables, for ``display(*blocks)``.
    """
    from IPython.display import Markdown

    language = resolve_language(language)
    real = headline_overview(
        real_observations(obs, published),
        published,  # only for the breaks between publications: real rows get no Gepubliceerd column
        theme=theme,
        region=region,
        language=language,
        trend=trend,
    )
    made_up = synthetic_observations(obs)
    fake = (
        headline_overview(
            made_up,
            published,
            theme=theme,
            region=region,
            language=language,
            trend=trend,
            indicators=list(made_up["indicator"].unique()),
        )
        if len(made_up)
        else None
    )
    blocks = [
        real
        if real is not None
        else markup.sentence(note or label("no_data", language), emphasis=True)
    ]
    if fake is not None:
        blocks += [Markdown(f"**{label('headline_synthetic', language)}**"), fake]
    return blocks


def headline_overview(
    obs: pd.DataFrame,
    published: pd.DataFrame | None = None,
    *,
    theme: str,
    region: str,
    language: str | None = None,
    trend: bool = True,
    indicators: Sequence[str] | None = None,
):
    """The overview table of one theme, or None when the theme has no figures.

    :func:`analysis.plotting.headline_table` (latest yearly value, previous
    year, change, norm, sparkline; the caption is the source line) with two
    columns added: *Bron* (register — synthetic —, CBS table or publication)
    and *Gepubliceerd* (for register rows: the latest published value, its
    year and its publication; left out when no row has one). Mean waiting
    times are written with one decimal (:data:`DECIMALS`).

    Parameters
    ----------
    obs : DataFrame
        The rows (:func:`headline_observations`).
    published : DataFrame, optional
        Published figures (:func:`published_observations`).
    theme : {"bereik", "beschikbaarheid", "kwaliteit"}
    region : str
    language : {"nl", "en"}, optional
        Default: the session language (:func:`analysis.labels.set_language`).
    trend : bool, default True
        Draw the sparklines.
    indicators : sequence of str, optional
        Only these of the theme's headlines (default all).

    Returns
    -------
    analysis.plotting.ReaderTable or None
    """
    language = resolve_language(language)
    if theme not in HEADLINES:
        raise ValueError(f"parameter 'theme': {theme!r}; use one of {', '.join(THEMES)}")
    wanted = [i for i in HEADLINES[theme] if indicators is None or i in indicators]
    frame = headline_frame(obs, published, region=region, indicators=wanted, language=language)
    if frame.empty:
        return None
    indicators = list(frame["indicator"])
    styler = plotting.headline_table(
        obs,
        indicators=indicators,
        region=region,
        norms=NORMS,
        period_type="year",
        language=language,
        trend=trend,
        breaks=dict(zip(frame["indicator"], frame["breaks"], strict=True)),
        decimals=DECIMALS,
    )
    value_col, change_col = (
        plotting.capitalised(label(k, language)) for k in ("latest_value", "change")
    )
    own = frame["unit"].isin(list(DECIMALS)).to_numpy()
    values = [
        value_text(r.value, r.unit, r.status, r.display, language) if mine else shown
        for r, mine, shown in zip(frame.itertuples(), own, styler.data[value_col], strict=True)
    ]
    changes = [
        r.change_text
        if isinstance(r.change_text, str)
        else format_change(r.change, r.unit, language, decimals=DECIMALS[r.unit])
        if mine
        else shown
        for r, mine, shown in zip(frame.itertuples(), own, styler.data[change_col], strict=True)
    ]
    columns = {
        value_col: values,
        change_col: changes,
        plotting.capitalised(label("source", language)): frame["row_source"],
    }
    if frame["published_beside"].astype(bool).any():
        columns[plotting.capitalised(label("published", language))] = frame["published_beside"]
    return plotting.reader_table(with_columns(styler, columns), language=language)


def headline_summary(
    obs: pd.DataFrame,
    published: pd.DataFrame | None = None,
    *,
    region: str,
    language: str | None = None,
) -> pd.DataFrame:
    """Every headline as plain text, one row each: for a printed check of the key figures.

    Returns
    -------
    DataFrame
        ``theme``, ``indicator``, ``period``, ``value``, ``previous``,
        ``change``, ``norm``, ``source`` and ``published``, all text.
    """
    language = resolve_language(language)
    frame = headline_frame(obs, published, region=region, language=language)
    columns = [
        "theme",
        "indicator",
        "period",
        "value",
        "previous",
        "change",
        "norm",
        "source",
        "published",
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            "theme": frame["theme"],
            "indicator": frame["indicator"],
            "period": frame["period"].fillna(MISSING),
            "value": [
                value_text(r.value, r.unit, r.status, r.display, language)
                for r in frame.itertuples()
            ],
            "previous": [
                value_text(v, u, None, None, language)
                for v, u in zip(frame["previous_value"], frame["unit"], strict=True)
            ],
            "change": [
                t
                if isinstance(t, str)
                else format_change(c, u, language, decimals=DECIMALS.get(u))
                if isinstance(u, str) and u
                else ""
                for c, u, t in zip(
                    frame["change"], frame["unit"], frame["change_text"], strict=True
                )
            ],
            "norm": [
                plotting.norm_text(n, u, language) if isinstance(u, str) and u else ""
                for n, u in zip(frame["norm"], frame["unit"], strict=True)
            ],
            "source": frame["row_source"],
            "published": frame["published_beside"],
        }
    )[columns]


__all__ = [
    "CBS_HEADLINES",
    "HEADLINES",
    "NORMS",
    "REGISTER_HEADLINES",
    "THEMES",
    "headline_frame",
    "headline_observations",
    "headline_blocks",
    "headline_breaks",
    "headline_overview",
    "headline_summary",
    "real_observations",
    "synthetic_observations",
    "trend_source",
    "latest_published",
    "published_observations",
    "published_text",
    "register_headlines",
    "value_text",
    "with_columns",
]
