"""Reader tables of the case register: the stock-flow check, durations, waiting times, marks, tests, CBS flows.

Each function turns a summary of :mod:`analysis.flow` or
:mod:`analysis.experience` into a table for readers (labelled columns,
numbers in the reader's format, withheld values as ``<10`` or ``x``); show it
with :func:`analysis.plotting.reader_table` (as :func:`analysis.plotting.chart_or_note` does).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..experience import (
    EFFECT_SYMBOLS,
    TEAMS,
    TEST_SYMBOLS,
    beside_published,
    describe_tests,
    df_text,
    left_out_text,
    measure_label,
    p_text,
)
from ..flow import THRESHOLD, identity_summary, identity_text
from ..labels import MISSING, format_number, label, period_label, resolve_language
from ..regions import RegionResolver
from .notes import empty_note, table_caption
from .tables import ReaderTable, reader_table


def identity_table(
    table: pd.DataFrame,
    *,
    wijk: str | None = None,
    threshold: int = THRESHOLD,
    all_rows: bool = False,
    language: str | None = None,
) -> pd.DataFrame:
    """The rows of a stock-flow table where the identity fails, with readers' column names.

    Parameters
    ----------
    table : DataFrame
        From :func:`stock_flow`.
    wijk : str, optional
        Only this wijk's rows; its counts below ``threshold`` are shown as
        ``<10`` (a data-quality table; the charts carry the full disclosure control).
    threshold : int, default 10
    all_rows : bool, default False
        Show every period, not only those with a difference.
    language : {"nl", "en"}

    Returns
    -------
    DataFrame
        Period, team, the four counts and the difference (no rows when the
        identity holds everywhere and ``all_rows`` is False).
    """
    language = resolve_language(language)
    if wijk is not None:
        table = table[table["wijk_code"] == wijk]
    rows = table if all_rows else table[table["difference"] != 0]
    counts = ["stock_begin", "inflow", "outflow", "stock_end", "difference"]
    cols = ["period", "team", *counts]
    out = rows[cols].copy()
    out["team"] = out["team"].map(lambda t: label(t, language))
    if wijk is not None:
        for col in counts:
            out[col] = [
                f"<{threshold}" if abs(v) < threshold else format_number(v, 0, language)
                for v in out[col]
            ]
    return out.rename(columns={c: label(c, language).capitalize() for c in cols}).reset_index(
        drop=True
    )


def identity_report(
    tables: dict[str, pd.DataFrame], *, wijk: str | None = None, language: str | None = None
) -> list:
    """The stock-flow check of several tables, ready to display: a sentence and a table each.

    Parameters
    ----------
    tables : dict
        Period type (``month``, ``year``, ...) -> a :func:`stock_flow` table.
    wijk : str, optional
        Check this wijk's rows (the tables are split by ``wijk_code``).
    language : {"nl", "en"}

    Returns
    -------
    list
        A :class:`IPython.display.Markdown` sentence per table (does the
        identity hold in every period?), one reader's table of the checks
        (per period type and team: periods, periods with a difference, the
        largest difference, the first period with one) and, if any period
        fails, the failing rows (:func:`identity_table`). Display with
        ``display(*report)``.
    """
    language = resolve_language(language)
    from IPython.display import Markdown

    out, rows, failing = [], [], []
    by = ("team", "wijk_code") if wijk is not None else ("team",)
    for kind, table in tables.items():
        summary = identity_summary(table, by=by, wijk=wijk)
        if not len(summary) or not int(summary["periods"].sum()):  # no period in the selection
            out.append(empty_note(label(kind, language).capitalize(), language=language))
            continue
        out.append(
            Markdown(identity_text(summary, what=label(kind, language).lower(), language=language))
        )
        for r in summary.to_dict("records"):
            rows.append(
                {
                    label("frequency", language).capitalize(): label(kind, language),
                    label("team", language).capitalize(): label(r["team"], language),
                    label("periods_checked", language).capitalize(): r["periods"],
                    label("periods_with_difference", language).capitalize(): r[
                        "periods_with_difference"
                    ],
                    label("largest_difference", language).capitalize(): format_number(
                        r["largest_difference"], 0, language, signed=True
                    ),
                    label("first_period_with_difference", language).capitalize(): (
                        r["first_period_with_difference"] or "\u2013"
                    ),
                }
            )
        if summary["periods_with_difference"].sum():
            failing.append(identity_table(table, wijk=wijk, language=language))
    if rows:
        out.append(reader_table(pd.DataFrame(rows), language=language))
    out.extend(reader_table(table, language=language) for table in failing)
    return out


def median_table(
    medians: pd.DataFrame, *, group: str = "team", language: str | None = None
) -> pd.DataFrame:
    """A :func:`median_durations` frame as a reader's table.

    Returns
    -------
    DataFrame
        Group, cases, closed, still running, median (days) and its 95 %
        interval (``niet te schatten`` where a bound cannot be estimated yet;
        withheld groups show ``x``).
    """
    language = resolve_language(language)

    def num(value, shown):
        return format_number(value, 0, language) if not pd.isna(value) else (shown or "\u2013")

    rows = []
    for r in medians.to_dict("records"):
        shown = r.get("display") if isinstance(r.get("display"), str) else None
        counts = r.get("counts_display") if isinstance(r.get("counts_display"), str) else shown
        if pd.isna(r["median"]):
            interval = shown or label("not_estimable", language)
        else:
            bounds = [
                format_number(v, 0, language)
                if not pd.isna(v)
                else label("not_estimable", language)
                for v in (r["ci_low"], r["ci_high"])
            ]
            interval = f"{bounds[0]} \u2013 {bounds[1]}"
        rows.append(
            {
                label(group, language).capitalize() if group == "team" else group: (
                    label(r[group], language) if r[group] in TEAMS else r[group]
                ),
                label("cases", language).capitalize(): num(r["cases"], shown),
                label("closed", language).capitalize(): num(r["ended"], counts),
                label("running", language).capitalize(): num(r["running"], counts),
                label("median_duration", language).capitalize(): (
                    num(r["median"], shown)
                    if not pd.isna(r["median"])
                    else shown or label("not_estimable", language)
                ),
                label("interval_95", language): interval,
            }
        )
    return pd.DataFrame(rows)


def waiting_table(
    summary: pd.DataFrame, *, team: str = "sociaal", language: str | None = None
) -> pd.DataFrame:
    """One team's waiting times as a reader's table: a row per year, columns per group.

    Returns
    -------
    DataFrame
        Index: period; columns: (group, figure) with the mean, median and
        share within the norm formatted for ``language``; withheld values ``x``.
    """
    language = resolve_language(language)
    data = summary[summary["team"] == team]
    rows = {}
    for r in data.to_dict("records"):
        row = rows.setdefault(r["period"], {})
        g = label(r["group"], language)
        for col, decimals in (("n", 0), ("mean", 1), ("median", 1), ("within_norm_pct", 0)):
            value = r[col]
            shown = r.get("n_display") if col == "n" else r.get("display")
            if pd.isna(value) and isinstance(shown, str):
                text = shown
            else:
                text = format_number(value, decimals, language)
            row[(g, label(col if col != "n" else "cases", language))] = text
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = label("period", language)
    if rows:
        out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out


def cbs_reader_table(table: pd.DataFrame, *, language: str | None = None) -> pd.DataFrame:
    """A :func:`cbs_flow_table` as a reader's table, one period type after the other.

    Returns
    -------
    DataFrame
        Period, stock at the start, inflow, outflow, stock + inflow - outflow,
        the next period's stock, the difference and a note (exceptional
        outflow, difference beyond rounding, table change).
    """
    language = resolve_language(language)
    rows = []
    for r in table.to_dict("records"):
        notes = [
            label(key, language)
            for key in ("exceptional_outflow", "beyond_rounding", "table_change")
            if r[{"exceptional_outflow": "exceptional"}.get(key, key)]
        ]
        rows.append(
            {
                label("period", language): period_label(str(r["period"]), language),
                label("stock_begin", language).capitalize(): format_number(r["stand"], 0, language),
                label("inflow", language).capitalize(): format_number(r["instroom"], 0, language),
                label("outflow", language).capitalize(): format_number(r["uitstroom"], 0, language),
                label("expected_next", language).capitalize(): format_number(
                    r["expected_next"], 0, language
                ),
                label("stand_next", language).capitalize(): format_number(
                    r["stand_next"], 0, language
                ),
                label("difference", language).capitalize(): format_number(
                    r["difference"], 0, language, signed=True
                ),
                label("note", language).capitalize(): "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)


def cbs_reader_tables(
    table: pd.DataFrame, observations: pd.DataFrame, *, language: str | None = None
) -> list[ReaderTable]:
    """A :func:`analysis.flow.cbs_flow_table` as reader's tables: half-years, then years.

    Half-year and year figures are different statistics (a year counts
    everyone with a provision in the year), so they are never in one table.
    Each table gets a caption (:func:`analysis.plotting.table_caption`): what it
    holds, then the source line of the observations its rows come from (tables,
    vintage, the provisional periods named).

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.flow.cbs_flow_table`.
    observations : DataFrame
        The CBS observations the table was made from (``wmo_stand``,
        ``wmo_instroom``, ``wmo_uitstroom``), for the source lines.
    language : {'nl', 'en'}, optional

    Returns
    -------
    list of ReaderTable
        Half-years first, then years (as the charts above them); none for an empty
        table. Other period types (CBS publishes none for these flows) are not shown.
    """
    language = resolve_language(language)
    out = []
    for kind in ("halfyear", "year"):
        part = table[table["period_type"] == kind]
        if part.empty:
            continue
        obs = observations[
            (observations["period_type"] == kind)
            & observations["period"].astype(str).isin(set(part["period"].astype(str)))
        ]
        out.append(
            reader_table(
                cbs_reader_table(part, language=language),
                caption=table_caption(label(f"cbs_flow_caption_{kind}", language), obs, language),
                language=language,
            )
        )
    return out


def summary_table(
    frame: pd.DataFrame,
    *,
    team: str,
    value: str,
    low: str,
    high: str,
    unit: str,
    published: pd.DataFrame | None = None,
    measure: str | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """One team's yearly figures as a reader's table: value, 95 % interval, responses, published beside.

    Parameters
    ----------
    frame : DataFrame
        From :func:`mark_summary` or :func:`share_summary`.
    team : str
    value, low, high : str
        Columns of the value and its interval.
    unit : str
        ``rapportcijfer`` or ``procent``.
    published : DataFrame, optional
        Observations of the published indicator of this team (all publications).
    measure : str, optional
        With a long frame of marks: which measure.
    language : {"nl", "en"}

    Returns
    -------
    DataFrame
        Period, responses, value, interval, published value and publication
        (a row per publication where several published the same year);
        withheld values show their ``display`` text.
    """
    language = resolve_language(language)
    data = frame[frame["team"] == team]
    if measure is not None:
        data = data[data["measure"] == measure]
    decimals = 1 if unit == "rapportcijfer" else 0
    merged = beside_published(
        data,
        published
        if published is not None
        else pd.DataFrame(columns=["period", "value", "published", "source"]),
        value=value,
        decimals=decimals,
    )
    info = data.set_index("period")
    rows = []
    for r in merged.to_dict("records"):
        period = r["period"]
        src = info.loc[period] if period in info.index else None
        shown = src.get("display") if src is not None else None
        if src is not None and pd.isna(src[value]):
            val = interval = shown if isinstance(shown, str) else MISSING
        elif src is not None:
            val = format_number(src[value], decimals, language)
            interval = (
                f"{format_number(src[low], decimals, language)} \u2013 "
                f"{format_number(src[high], decimals, language)}"
            )
        else:
            val = interval = MISSING
        n = src["n"] if src is not None else np.nan
        rows.append(
            {
                label("period", language): period_label(str(period), language),
                label("responses", language).capitalize(): format_number(n, 0, language)
                if not pd.isna(n)
                else (shown if isinstance(shown, str) else MISSING),
                label(
                    "mean" if unit == "rapportcijfer" else "percentage", language
                ).capitalize(): val,
                label("interval_95", language): interval,
                label("published", language).capitalize(): format_number(
                    r["published_value"], decimals, language
                ),
                label("publication", language).capitalize(): r["publication"]
                if isinstance(r["publication"], str)
                else "",
            }
        )
    return pd.DataFrame(rows)


def published_table(
    comparison: pd.DataFrame, *, unit: str, language: str | None = None
) -> pd.DataFrame:
    """A :func:`beside_published` frame as a reader's table.

    Returns
    -------
    DataFrame
        Period, register value, published value, difference and publication,
        with labelled columns and numbers formatted for ``language``.
    """
    language = resolve_language(language)
    decimals = 1 if unit in ("rapportcijfer", "werkdagen") else 0
    return pd.DataFrame(
        {
            label("period", language): [
                period_label(str(p), language) for p in comparison["period"]
            ],
            label("register", language).capitalize(): [
                format_number(v, decimals, language) for v in comparison["register"]
            ],
            label("published", language).capitalize(): [
                format_number(v, decimals, language) for v in comparison["published_value"]
            ],
            label("difference", language).capitalize(): [
                format_number(v, decimals, language, signed=True) for v in comparison["difference"]
            ],
            label("publication", language).capitalize(): [
                p if isinstance(p, str) else "" for p in comparison["publication"]
            ],
        }
    )


def tests_table(tests: pd.DataFrame, *, language: str | None = None) -> pd.DataFrame:
    """The test results as a reader's table: labelled columns, formatted numbers.

    Parameters
    ----------
    tests : DataFrame
        From :func:`group_tests`.

    Returns
    -------
    DataFrame
        One row per test, columns in ``language``.
    """
    language = resolve_language(language)
    resolver = RegionResolver()
    rows = []
    for r in tests.to_dict("records"):
        df = MISSING if pd.isna(r["df1"]) else df_text(r, language)
        effect = (
            MISSING
            if pd.isna(r["effect_size"])
            else (
                f"{EFFECT_SYMBOLS[r['effect_measure']]} = {format_number(r['effect_size'], 3, language)}"
            )
        )
        if pd.isna(r["p_value"]):
            conclusion = label("too_few_groups", language)
        else:
            conclusion = label("significant" if r["significant"] else "not_significant", language)
        row = {}
        if "team" in r:
            row[label("team", language).capitalize()] = label(r["team"], language)
        if "period" in r:
            row[label("period", language)] = period_label(str(r["period"]), language)
        row.update(
            {
                label("measure", language).capitalize(): measure_label(r["measure"], language),
                label("test", language).capitalize(): label(f"test_{r['test']}", language),
                label("groups", language).capitalize(): int(r["groups"]),
                label("responses", language).capitalize(): int(r["n"]),
                label("statistic", language).capitalize(): (
                    MISSING
                    if pd.isna(r["statistic"])
                    else f"{TEST_SYMBOLS[r['test']]} = {format_number(r['statistic'], 2, language)}"
                ),
                label("df", language).capitalize(): df,
                label("p_value", language): p_text(r["p_value"], language),
                label("p_holm", language): p_text(r["p_holm"], language),
                label("effect_size", language).capitalize(): effect,
                label("conclusion", language).capitalize(): conclusion
                + left_out_text(r, language, resolver),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def tests_report(
    tests: pd.DataFrame,
    *,
    period: str | None,
    between: str,
    show_period: bool = True,
    selection: str | None = None,
    language: str | None = None,
) -> list:
    """What a section of tests shows: the outcome in words and the table, or one sentence.

    Parameters
    ----------
    tests : DataFrame
        From :func:`period_tests`; with ``source`` and ``published``
        (:func:`analysis.experience.with_provenance`) the table's caption names
        the data (and says synthetic where they are).
    period : str or None
        The period tested; its name heads the text when ``show_period``.
    between : str
        ``between_wijken`` or ``between_teams`` (see :func:`describe_tests`).
    selection : str, optional
        The notebook's selection in words, for the sentence.
    language : {"nl", "en"}

    Returns
    -------
    list
        ``[Markdown, DataFrame]``, or ``[Markdown]`` (the empty-selection
        sentence) when there is nothing to test. Display with ``display(*report)``.
    """
    from IPython.display import Markdown

    language = resolve_language(language)
    if period is None or tests.empty:
        return [
            empty_note(
                label(between, language).capitalize(), selection=selection, language=language
            )
        ]
    head = (
        f"**{label('period', language)}: {period_label(period, language)}**\n\n"
        if show_period
        else ""
    )
    return [
        Markdown(head + describe_tests(tests, between=between, language=language)),
        reader_table(
            tests_table(tests, language=language),
            caption=table_caption(
                label("tests_caption", language).format(between=label(between, language)),
                tests,
                language,
            ),
            language=language,
        ),
    ]


__all__ = [
    "cbs_reader_table",
    "cbs_reader_tables",
    "identity_report",
    "identity_table",
    "median_table",
    "published_table",
    "summary_table",
    "tests_report",
    "tests_table",
    "waiting_table",
]
