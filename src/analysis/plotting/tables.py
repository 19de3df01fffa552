"""Tables for readers: the house table style and the headline table."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import markup
from ..labels import (
    MISSING,
    format_change,
    format_number,
    format_value,
    indicator_label,
    label,
    period_label,
    resolve_language,
    unit_label,
)
from ..periods import (
    next_periods,
    period_sort_key,
    period_type_of,
)
from .base import (
    MUTED_TEXT_COLOR,
    OBS_COLUMNS,
    as_breaks,
    capitalised,
    check_unique,
    is_synthetic,
    norm_text,
    period_types,
    require_observations,
    single_value,
    sorted_by_period,
    source_text,
    status_mark,
    value_decimals,
    with_table_switches,
)
from .charts import change_across_break, sparkline_html

# --- headline table -----------------------------------------------------------------------

#: The columns of :func:`headline_frame`, in order.
HEADLINE_COLUMNS: tuple[str, ...] = (
    "indicator",
    "unit",
    "period",
    "value",
    "status",
    "display",
    "previous_period",
    "previous_value",
    "change",
    "norm",
    "trend",
    "source",
    "published",
)


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
    rows = [
        _headline_row(data[data["indicator"] == i], i, period_type, (norms or {}).get(i))
        for i in ids
    ]
    return pd.DataFrame(rows, columns=list(HEADLINE_COLUMNS))


def _headline_row(
    data: pd.DataFrame, indicator: str, period_type: str | None, norm: float | None
) -> dict:
    empty = {
        "indicator": indicator,
        "unit": None,
        "period": None,
        "value": np.nan,
        "status": None,
        "display": None,
        "previous_period": None,
        "previous_value": np.nan,
        "change": np.nan,
        "norm": norm,
        "trend": pd.Series(dtype=float),
        "source": None,
        "published": None,
    }
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
    if previous is not None and not _follows(str(previous["period"]), str(latest["period"])):
        previous = None  # a change is against the period just before, never across a gap of years
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
        "trend": _with_gaps(
            pd.Series(data["value"].to_numpy(dtype=float), index=data["period"].astype(str)), kind
        ),
        "source": latest["source"],
        "published": latest["published"],
    }


def _follows(before: str, after: str) -> bool:
    try:
        return next_periods(before, 1)[0] == after
    except ValueError:  # a reference date: any earlier date is the one before
        return True


def _with_gaps(trend: pd.Series, kind: str) -> pd.Series:
    """A yearly trend with every year between its first and last (NaN where none): a gap, never a bridge."""
    if kind != "year" or trend.empty:
        return trend
    years = [str(y) for y in range(int(trend.index[0]), int(trend.index[-1]) + 1)]
    return trend.reindex(years)


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
    breaks: Mapping[str, Any] | None = None,
    decimals: Mapping[str, int] | None = None,
):
    """Headline indicators: latest value, change against the previous period, norm, trend.

    The norm column (*Streefwaarde*) is left out when no indicator of the table has one.

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
    breaks : mapping, optional
        Indicator id -> its declared series breaks (as for :func:`line_chart`,
        e.g. ``analysis.cbs.series_breaks(indicator)``). The table switches of
        each row's data are added to them (:func:`with_table_switches`). The
        sparkline is split at each break and the break is written under it
        (:func:`sparkline_html`); a change from the previous period across a
        break reads ``– (tabelwissel 2021)`` (:func:`change_across_break`).
    decimals : mapping, optional
        Unit -> decimals, instead of the house decimals of that unit (values,
        changes and the sparkline's text alternative).

    Returns
    -------
    pandas.io.formats.style.Styler or str
    """
    language = resolve_language(language)
    frame = headline_frame(
        obs, indicators=indicators, region=region, norms=norms, period_type=period_type
    )

    def places(row: Any) -> int | None:
        return (decimals or {}).get(row.unit, _row_decimals(row))

    used = obs[obs["indicator"].isin(frame["indicator"])]
    if region is not None:
        used = used[used["region_code"].astype(str) == region]

    def row_breaks(row: Any) -> list:
        """The row's declared breaks and the table switches of its trend (one period type)."""
        declared = (breaks or {}).get(row.indicator)
        if not isinstance(row.period, str):
            return as_breaks(declared)
        rows = used[used["indicator"] == row.indicator]
        rows = rows[period_types(rows) == period_type_of(row.period)]
        return with_table_switches(declared, rows, language)

    found = {r.indicator: row_breaks(r) for r in frame.itertuples()}

    cols = {
        k: capitalised(label(k, language))
        for k in (
            "indicator",
            "period",
            "latest_value",
            "previous_period",
            "change",
            "norm",
            "trend",
        )
    }
    cols["norm"] = capitalised(label("target", language))  # the municipality's word: streefwaarde
    table = pd.DataFrame(
        {
            cols["indicator"]: [indicator_label(i, language) for i in frame["indicator"]],
            cols["period"]: [_maybe_period(p, language) for p in frame["period"]],
            cols["latest_value"]: [
                _headline_value(r, language, places(r)) for r in frame.itertuples()
            ],
            cols["previous_period"]: [_maybe_period(p, language) for p in frame["previous_period"]],
            cols["change"]: [
                change_across_break(found[r.indicator], r.previous_period, r.period, language)
                or (
                    format_change(r.change, r.unit, language, decimals=places(r))
                    if isinstance(r.unit, str) and r.unit
                    else MISSING
                )
                for r in frame.itertuples()
            ],
            cols["norm"]: [
                norm_text(r.norm, r.unit, language) if isinstance(r.unit, str) and r.unit else ""
                for r in frame.itertuples()
            ],
        }
    )
    if not table[cols["norm"]].astype(bool).any():  # no indicator has a target: no empty column
        table = table.drop(columns=cols["norm"])
    if trend:
        made_up = synthetic or is_synthetic(used)
        table[cols["trend"]] = [
            sparkline_html(
                r.trend,
                what=indicator_label(r.indicator, language)
                + (f" ({label('synthetic', language)})" if made_up else ""),
                language=language,
                decimals=places(r),
                unit=r.unit,
                breaks=found[r.indicator],
            )
            if r.unit and r.trend.notna().sum() > 1
            else ""
            for r in frame.itertuples()
        ]
    caption = source_text(_marked_only(used, frame), language, synthetic=synthetic)
    styler = (
        markup.table(table, html_columns=[cols["trend"]], caption=caption)
        .hide(axis="index")
        .set_table_attributes('class="headline-table"')
        .set_table_styles(
            [
                {
                    "selector": "caption",
                    "props": "caption-side: bottom; text-align: left; font-size: 0.85em; color: #555;",
                },
                {"selector": "th", "props": "text-align: left; padding: 0.2em 0.6em;"},
                {"selector": "td", "props": "padding: 0.2em 0.6em;"},
            ]
        )
        .set_properties(
            subset=[c for c in (cols["latest_value"], cols["change"], cols["norm"]) if c in table],
            **{"text-align": "right"},
        )
    )
    return styler.to_html() if as_html else styler


def _marked_only(used: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``used`` for the caption: the ``*``/``**`` legend only for marks a cell of the table carries.

    The table marks the latest values only (the trend line has no marks), so
    a provisional status of an earlier or a half-year value must not put
    ``* voorlopig`` under a table in which no cell has a ``*``.
    """
    if "status" not in used.columns:
        return used
    marked = {
        r.status
        for r in frame.itertuples()
        if isinstance(r.unit, str) and not pd.isna(r.value) and status_mark(r.status)
    }
    status = used["status"]
    unshown = status.map(lambda s: bool(status_mark(s))) & ~status.isin(marked)
    return used.assign(status=status.where(~unshown, ""))


def _maybe_period(period: Any, language: str) -> str:
    return MISSING if period is None or pd.isna(period) else period_label(str(period), language)


def _headline_value(row: Any, language: str, decimals: int | None = None) -> str:
    if not isinstance(row.unit, str):
        return MISSING
    if pd.isna(row.value):
        shown = row.display
        return str(shown) if shown is not None and not pd.isna(shown) else MISSING
    places = _row_decimals(row) if decimals is None else decimals
    return format_value(row.value, row.unit, language, decimals=places) + status_mark(row.status)


def _row_decimals(row: Any) -> int | None:
    """Decimals of a headline row: rates as published (see :func:`value_decimals`), else the house default."""
    if not isinstance(row.unit, str) or not row.unit:
        return None
    return value_decimals([row.value, *row.trend.to_numpy()], row.unit)


# --- the house table for readers ----------------------------------------------------------

_REGION_CODE = re.compile(r"^(?:GM\d{4}|WK\d{6}|BU\d{8}|NL01|PV\d{2})$")
_TABLE_STYLES = [
    {
        "selector": "caption",
        "props": f"caption-side: bottom; text-align: left; font-size: 0.85em; color: {MUTED_TEXT_COLOR};",
    },
    {
        "selector": "th",
        "props": "text-align: left; padding: 0.2em 0.6em; border-bottom: 1px solid #666;",
    },
    {"selector": "td", "props": "padding: 0.2em 0.6em;"},
]


class ReaderTable:
    """A table for readers, ready to display: a pandas Styler rendered with header cells ``<th scope="col">``.

    No index column, no row headings: every column is data with a labelled
    header. In Jupyter it shows as HTML (``_repr_html_``); as text (a log, a
    console) it prints like ``DataFrame.to_string(index=False)``.

    Attributes
    ----------
    styler : pandas.io.formats.style.Styler
    """

    def __init__(self, styler) -> None:
        self.styler = styler

    @property
    def data(self) -> pd.DataFrame:
        """The table's cells as shown (text)."""
        return self.styler.data

    @property
    def caption(self) -> str | None:
        """The caption under the table (what it shows and its source line), if any."""
        return self.styler.caption

    def to_html(self) -> str:
        """The table as HTML: column headers are ``<th scope="col">`` cells."""
        return re.sub(r'<th (?=[^>]*class="col_heading)', '<th scope="col" ', self.styler.to_html())

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.data.to_string(index=False)

    def __len__(self) -> int:
        return len(self.data)


def reader_table(
    table: pd.DataFrame | Any,
    *,
    columns: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    decimals: int | Mapping[str, int] | None = None,
    caption: str | None = None,
    html_columns: Sequence[str] = (),
    language: str | None = None,
) -> ReaderTable:
    """The house table for readers: labels not ids, region names, numbers formatted, units in headers, no index.

    Parameters
    ----------
    table : DataFrame or Styler
        A DataFrame (or a Styler already made, such as :func:`headline_table`,
        which is only given the header cells and kept as it is).
        A named index (say ``period``) becomes the first column; an unnamed
        one (0, 1, 2, ...) is dropped.
    columns : mapping, optional
        Column -> header. Other columns that are label keys
        (:data:`analysis.labels.LABELS`, such as ``period`` or ``team``) get their label.
    units : mapping, optional
        Column -> unit (key of :data:`analysis.labels.UNIT_DECIMALS`): the
        unit goes into the header (``Wachttijd (werkdagen)``), the numbers
        get the unit's decimals (rates as published, :func:`value_decimals`).
    decimals : int or mapping, optional
        Decimals for all numeric columns, or per column. Default: the unit's;
        whole numbers without decimals; other numbers one decimal.
    caption : str, optional
        Shown under the table (the source line); escaped.
    html_columns : sequence of str
        Columns holding HTML this package built (sparklines).
    language : {'nl', 'en'}, optional
        Default: the session language.

    Returns
    -------
    ReaderTable
        Displays as HTML; ``.data`` holds the text cells.

    Notes
    -----
    Cell values that are region codes (``GM0344``, ``WK034401``) are written
    as region names; a column ``indicator`` holds indicator labels, a column
    ``period`` period names (``1e halfjaar 2024``); missing values are ``–``.
    """
    language = resolve_language(language)
    if isinstance(table, ReaderTable):
        return table
    if not isinstance(table, pd.DataFrame):  # a Styler made elsewhere
        styler = table.hide(axis="index")
        return ReaderTable(_aligned(styler.set_table_styles(_TABLE_STYLES, overwrite=False)))
    frame = table.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [": ".join(str(p) for p in col if str(p)) for col in frame.columns]
    if any(
        name is not None for name in frame.index.names
    ):  # a named index is data (say the period)
        frame = frame.reset_index()
    frame = frame.reset_index(drop=True)
    units = dict(units or {})
    resolver = None
    out = {}
    for col in frame.columns:
        values = frame[col]
        unit = units.get(col)
        if col == "indicator":
            cells = [_indicator_cell(v, language) for v in values]
        elif col == "period":
            cells = [_period_cell(v, language) for v in values]
        elif pd.api.types.is_bool_dtype(values):
            cells = [label("yes" if v else "no", language) for v in values]
        elif pd.api.types.is_numeric_dtype(values):
            places = _column_decimals(values, col, unit, decimals)
            cells = [
                format_number(v, places, language) if not pd.isna(v) else MISSING for v in values
            ]
        else:
            if resolver is None and values.astype(str).str.match(_REGION_CODE).any():
                from ..regions import RegionResolver

                resolver = RegionResolver()
            cells = [_text_cell(v, resolver) for v in values]
        out[_header(col, (columns or {}).get(col), unit, language)] = cells
    shown = pd.DataFrame(out)
    styler = markup.table(
        shown,
        html_columns=[
            _header(c, (columns or {}).get(c), units.get(c), language) for c in html_columns
        ],
        caption=caption,
    )
    styler = (
        styler.hide(axis="index")
        .set_table_attributes('class="reader-table"')
        .set_table_styles(_TABLE_STYLES)
    )
    return ReaderTable(_aligned(styler))


_NUMBER_TEXT = re.compile(
    r"^(?:[<>]?\s?[-+\u2212]?\d[\d.,]*\s?(?:%|\*{1,2}|[^\d\s(][^(]*)?|\u2013|x|)$"
)


def _aligned(styler):
    """Numbers (``12.163``, ``7,6%*``, ``<10``, ``7,9 werkdagen``) right, text left, per column."""
    data = styler.data
    right = [
        c
        for c in data.columns
        if data[c].map(lambda v: bool(_NUMBER_TEXT.match(str(v).strip()))).all()
        and data[c].astype(str).str.contains(r"\d").any()
    ]
    left = [c for c in data.columns if c not in right]
    if right:
        styler = styler.set_properties(subset=right, **{"text-align": "right"})
    if left:
        styler = styler.set_properties(subset=left, **{"text-align": "left"})
    return styler


def _header(col: Any, given: str | None, unit: str | None, language: str) -> str:
    if given:
        name = given
    else:
        try:
            name = capitalised(label(str(col), language))
        except KeyError:
            name = str(col)
    if unit:
        name = f"{name} ({unit_label(unit, language)})"
    return name


def _column_decimals(
    values: pd.Series, col: Any, unit: str | None, decimals: int | Mapping[str, int] | None
) -> int:
    if isinstance(decimals, int):
        return decimals
    if isinstance(decimals, Mapping) and col in decimals:
        return int(decimals[col])
    if unit:
        return value_decimals(values, unit)
    finite = pd.to_numeric(values, errors="coerce").dropna()
    return 0 if ((finite % 1) == 0).all() else 1


def _indicator_cell(value: Any, language: str) -> str:
    if value is None or pd.isna(value):
        return MISSING
    try:
        return indicator_label(str(value), language)
    except KeyError:  # already a label
        return str(value)


def _period_cell(value: Any, language: str) -> str:
    if value is None or pd.isna(value):
        return MISSING
    try:
        return period_label(str(value), language)
    except ValueError:
        return str(value)


def _text_cell(value: Any, resolver) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    text = str(value)
    if resolver is not None and _REGION_CODE.match(text):
        return resolver.name_of(text) or text
    return text


__all__ = [
    "HEADLINE_COLUMNS",
    "ReaderTable",
    "headline_frame",
    "headline_table",
    "reader_table",
]
