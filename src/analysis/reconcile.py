"""Check published figures against their source statistics.

Every figure in ``data/published`` (see :mod:`analysis.published`) that has a
source series is compared with it: CBS tables in the local CBS cache (see
:mod:`analysis.cbs`) for CBS-based indicators, and the case register (see
:func:`analysis.register.register_observations`) for register-based ones. Each
figure gets one classification:

``matches``
    the source gives the same number for the same period, within rounding;
``matches_other_period``
    the number is the source's figure for another period or period type (a
    half-year figure quoted as a year figure, a figure shifted by a year);
``matches_other_unit``
    the number is the source's figure written in another unit than its label
    (a percentage labelled as per 10.000, per 1.000 labelled as per 10.000);
``revised``
    the number differs from the source, but is evidently another vintage of
    the same statistic (published as provisional, a CBS table page of the same
    table, or another publication of the same figure with another value);
``unexplained``
    the source has the period, and none of the above explains the difference;
``no_source``
    there is no source series, no cached table, or no source value for the
    period and region.

The rules (rounding tolerance, which periods and units are tried, the limit on
revisions) are in ``docs/reconcile.md``. The embedded register is
**synthetic** and calibrated to the published figures: a comparison with it is
labelled as such in the evidence and is never a verification.

The functions take and return DataFrames; :func:`load_sources` is the one that
reads files (the CBS cache, the register) for a notebook session.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .cbs.catalogue import TABLE_ID
from .labels import (
    MISSING,
    capitalised,
    format_number,
    format_value,
    label,
    period_label,
    resolve_language,
    unit_label,
    vintage_text,
)
from .periods import next_periods, period_bounds, period_type_of

CLASSIFICATIONS = (
    "matches",
    "matches_other_period",
    "matches_other_unit",
    "revised",
    "unexplained",
    "no_source",
)
"""The classification codes, in the order of the rules that assign them."""

OUTPUT_COLUMNS = [
    "publication",
    "indicator",
    "region_code",
    "period",
    "published_value",
    "published_unit",
    "source_table",
    "source_period",
    "source_value",
    "classification",
    "reasons",
]
"""Columns of :func:`reconcile`, one row per published figure: codes, no text.

``classification`` is one of :data:`CLASSIFICATIONS`; ``reasons`` a tuple of
:class:`Reason` (a code of :data:`REASON_CODES` with its parameters), rendered
as text by :func:`evidence` at display time.
"""

CONFLICT_COLUMNS = [
    "indicator",
    "region_code",
    "period",
    "unit",
    "publication_a",
    "source_a",
    "source_ref_a",
    "value_a",
    "publication_b",
    "source_b",
    "source_ref_b",
    "value_b",
]
"""Columns of :func:`publication_conflicts`."""

SOURCE_COLUMNS = [
    "indicator",
    "region_code",
    "period",
    "period_type",
    "value",
    "unit",
    "status",
    "source_table",
    "vintage",
    "step",
    "kind",
    "rank",
]
"""Columns of a source-observations frame (:func:`cbs_observations`, :func:`register_source`)."""

RATE_SCALE: dict[str, int] = {
    "procent": 100,
    "per 1000 inwoners": 1000,
    "per 10000 inwoners": 10000,
}
"""Rates and the population they are per; values convert between them by the ratio."""

RELATED_SOURCES: dict[str, str] = {"wmo_maatwerk_per_10000": "wmo_clienten_per_1000"}
"""Published indicators whose source series is another indicator in another unit.

The BBV indicator *cliënten met een maatwerkarrangement Wmo per 10.000
inwoners* comes from CBS's Wmo statistics, which publish clients per 1.000
inhabitants (tables 83262NED, 86050NED).
"""

CBS_STEP: dict[str, float] = {"procent": 0.1, "per 1000 inwoners": 1.0, "aantal": 5.0}
"""Rounding step of CBS values per unit: percentages 1 decimal, counts multiples of 5."""

REVISION_LIMIT = 0.10
"""A revision changes a figure by at most this share of the source value."""

DISTINCTIVE = 0.005
"""A match with a neighbouring period counts only if the rounding tolerance is at
most this share of the value (about four significant digits), so 12163 can be
recognised as last year's figure but 1.1 cannot."""

PROVISIONAL = ("voorlopig", "nader voorlopig")
SYNTHETIC_REGISTER_SOURCE = "synthetisch register"
"""``source_table`` of a comparison with the synthetic register (a code: :func:`source_name` writes it for readers)."""
REGISTER_SOURCE = "casusregister"
"""``source_table`` of a comparison with a real case register."""
KINDS = ("cbs", "register", "synthetic_register")
_EPS = 1e-9


# --- numbers and rounding --------------------------------------------------------------


def value_decimals(value: float) -> int:
    """Decimals of a number as written (its shortest representation).

    Parameters
    ----------
    value : float
        A published value, as read from the CSV (``"7.3"`` -> 7.3).

    Returns
    -------
    int
        ``1`` for 7.3, ``2`` for 2.05, ``0`` for 12163 and for 15.0: a
        trailing zero after the decimal point is not visible in a number, so
        ``15.0`` counts as a whole number (the more lenient reading).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def rounding_step(value: float) -> float:
    """The rounding step of a published value: ``10 ** -decimals`` (7.3 -> 0.1, 15 -> 1)."""
    return 10.0 ** -value_decimals(value)


def tolerance(published_step: float, source_step: float) -> float:
    """Largest difference two roundings of one underlying number can show.

    A published value rounded to ``published_step`` and a source value rounded
    to ``source_step`` can come from the same number only if they differ by
    less than half of each step added together.

    Parameters
    ----------
    published_step, source_step : float
        Rounding steps, e.g. 1 for a whole number, 0.1 for one decimal, 5 for
        CBS counts, 0 for an unrounded register value.

    Returns
    -------
    float
    """
    return (published_step + source_step) / 2


def within(published: float, source: float, tol: float) -> bool:
    """Whether ``published`` and ``source`` differ by less than ``tol`` (rounding noise allowed)."""
    return abs(published - source) < tol - _EPS or abs(published - source) < _EPS


def unit_factor(from_unit: str, to_unit: str) -> float | None:
    """Factor that turns a value in ``from_unit`` into ``to_unit``.

    Returns
    -------
    float or None
        1 for the same unit, the ratio of populations for two rates
        (per 1.000 -> per 10.000: 10; % -> per 1.000: 10), None when the units
        cannot be converted (a count and a rate).
    """
    if from_unit == to_unit:
        return 1.0
    if from_unit in RATE_SCALE and to_unit in RATE_SCALE:
        return RATE_SCALE[to_unit] / RATE_SCALE[from_unit]
    return None


def source_indicator(indicator: str) -> str:
    """The source series of a published indicator (itself, or :data:`RELATED_SOURCES`)."""
    return RELATED_SOURCES.get(indicator, indicator)


# --- periods ---------------------------------------------------------------------------


def adjacent(a: str, b: str) -> bool:
    """Whether two periods of the same type follow each other (2016 and 2017, 2015-12-31 and 2016-12-31)."""
    kind = period_type_of(a)
    if kind != period_type_of(b):
        return False
    if kind == "date":
        return a[4:] == b[4:] and abs(int(a[:4]) - int(b[:4])) == 1
    return next_periods(a, 1)[0] == b or next_periods(b, 1)[0] == a


def period_relation(published_period: str, source_period: str) -> str | None:
    """How a source period relates to a published one.

    Returns
    -------
    str or None
        ``"same"``; ``"overlap"`` for another period type whose span meets the
        published period (the halves of a year, the year of a half, a date in
        the year); ``"adjacent"`` for the previous or next period of the same
        type; None otherwise.
    """
    if published_period == source_period:
        return "same"
    if period_type_of(published_period) == period_type_of(source_period):
        return "adjacent" if adjacent(published_period, source_period) else None
    a0, a1 = period_bounds(published_period)
    b0, b1 = period_bounds(source_period)
    return "overlap" if a0 <= b1 and b0 <= a1 else None


# --- sources ---------------------------------------------------------------------------


def empty_sources() -> pd.DataFrame:
    """An empty source-observations frame with :data:`SOURCE_COLUMNS`."""
    return pd.DataFrame(
        {
            c: pd.Series(dtype="float64" if c in ("value", "step") else object)
            for c in SOURCE_COLUMNS
        }
    )


def cbs_indicators(indicators: Sequence[str]) -> list[str]:
    """The CBS series the given published indicators need (after :data:`RELATED_SOURCES`)."""
    from .cbs import CITED_TABLES, SERIES

    return sorted(
        {
            source_indicator(i)
            for i in indicators
            if source_indicator(i) in SERIES or source_indicator(i) in CITED_TABLES
        }
    )


def cbs_observations(
    indicators: Sequence[str],
    cache_dir: str | Path,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every cached CBS value of the indicators, table by table (not stitched).

    Where two tables of a series cover the same period (a continuation table,
    a revised definition), both values are kept, so a figure taken from the
    older table is still found; so are the values of the tables publications
    cite for the indicator (:data:`analysis.cbs.CITED_TABLES`, e.g. 82966NED).
    Rows without a value are dropped.

    Parameters
    ----------
    indicators : sequence of str
        CBS indicator ids (see :data:`analysis.cbs.SERIES`).
    cache_dir : str or Path
        The CBS cache folder.
    regions : sequence of str, optional
        Region codes to keep (default: all).

    Returns
    -------
    DataFrame
        :data:`SOURCE_COLUMNS`; ``kind`` is ``"cbs"``, ``source_table`` the
        table id, ``vintage`` the cached table's vintage, ``rank`` its place
        in the series (later tables rank higher), ``step`` CBS's rounding
        step (:data:`CBS_STEP`).
    """
    from .cbs import read_cached, reconcile_tables_for, region_resolver
    from .cbs.load import table_rows
    from .indicators import INDICATORS

    resolver = region_resolver(cache_dir)
    tables: dict[
        str, tuple | None
    ] = {}  # each cached table read once, though several indicators use it

    def read(table_id, folder):
        if table_id not in tables:
            tables[table_id] = read_cached(table_id, folder)
        return tables[table_id]

    parts = []
    for indicator in sorted(set(indicators)):
        raw, _ = table_rows(
            indicator,
            reconcile_tables_for(indicator),
            cache_dir=cache_dir,
            resolver=resolver,
            regions=regions,
            read=read,
        )
        raw = None if raw is None else raw[raw["value"].notna()]
        if raw is None or raw.empty:
            continue
        unit = INDICATORS[indicator].unit
        parts.append(
            pd.DataFrame(
                {
                    "indicator": indicator,
                    "region_code": raw["region_code"],
                    "period": raw["period"],
                    "period_type": raw["period_type"],
                    "value": raw["value"].astype(float),
                    "unit": unit,
                    "status": raw["status"],
                    "source_table": raw["table_id"],
                    "vintage": raw["_vintage"],
                    "step": CBS_STEP.get(unit, 0.1),
                    "kind": "cbs",
                    "rank": raw["_rank"],
                }
            )
        )
    if not parts:
        return empty_sources()
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates(["indicator", "region_code", "period", "source_table"]).reset_index(
        drop=True
    )


def register_source(observations: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """Register observations as a source-observations frame.

    Parameters
    ----------
    observations : DataFrame
        Observations computed from a register, e.g.
        :func:`analysis.register.register_observations`.
    synthetic : bool
        Whether the register is synthetic (then ``kind`` is
        ``"synthetic_register"`` and every comparison says so).

    Returns
    -------
    DataFrame
        :data:`SOURCE_COLUMNS`, unrounded values (``step`` 0).
    """
    if observations.empty:
        return empty_sources()
    obs = observations[observations["value"].notna()]
    return pd.DataFrame(
        {
            "indicator": obs["indicator"],
            "region_code": obs["region_code"],
            "period": obs["period"],
            "period_type": obs["period_type"],
            "value": obs["value"].astype(float),
            "unit": obs["unit"],
            "status": obs["status"],
            "source_table": SYNTHETIC_REGISTER_SOURCE
            if synthetic
            else REGISTER_SOURCE,  # read back by basis()
            "vintage": obs["published"],
            "step": 0.0,
            "kind": "synthetic_register" if synthetic else "register",
            "rank": 0,
        }
    ).reset_index(drop=True)


# --- classification ------------------------------------------------------------------------


REASON_CODES: dict[str, str] = {
    "synthetic": "compared with the synthetic register: no verification",
    "match": "equal to the source within rounding (source, period, value, diff, tol)",
    "other_period": "equal to the source's figure of another period (source, source_period, value, period)",
    "itself": "the source's figure of the published period itself (period, value)",
    "other_unit": "equal to the source in another unit (source, source_period, value, unit)",
    "revised": "another vintage of the same figure (source, period, value, diff)",
    "provisional": "published as provisional, final in the source (status, source_status)",
    "own_table": "the publication is a page of the cited CBS table itself (table, vintage)",
    "other_publication": "another publication gives another value (publication, value)",
    "other_table": "the publication cites another CBS table than the one compared (cited, table)",
    "unexplained": "difference beyond rounding (source, period, value, diff, tol)",
    "no_value": "the publication gives no value (status)",
    "no_series": "no source series for the indicator (indicator)",
    "no_cache": "no CBS cache was consulted",
    "not_cached": "the CBS tables of the series are not cached (tables)",
    "no_region": "the source has no figures for the region (region)",
    "no_period": "the source has no figure for the period (sources, period)",
    "nearest": "the source's nearest figure (source, period, value)",
}
"""Reason codes of :func:`reconcile`'s ``reasons`` column, with the parameters each carries.

The text a reader sees is rendered from them at display time, in the session
language (:func:`evidence`, :func:`reader_table`); the label of code ``c`` is
``reconcile_ev_c`` in :data:`analysis.labels.LABELS`.
"""


@dataclass(frozen=True)
class Quantity:
    """A source value as shown in evidence: its own unit and decimals, and its conversion if any."""

    value: float
    unit: str
    decimals: int
    converted: float | None = None
    to_unit: str | None = None

    def text(self, language: str | None = None) -> str:
        language = resolve_language(language)
        text = format_value(self.value, self.unit, language, decimals=self.decimals)
        if self.converted is not None and self.to_unit is not None:
            text += " = " + format_value(
                self.converted, self.to_unit, language, decimals=value_decimals(self.converted)
            )
        return text


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: a code of :data:`REASON_CODES` and its parameters (numbers, periods, codes)."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def __post_init__(self):
        if self.code not in REASON_CODES:
            raise KeyError(f"unknown reason code {self.code!r}; known: {', '.join(REASON_CODES)}")

    def get(self, name: str, default=None):
        return dict(self.params).get(name, default)

    def text(self, language: str | None = None) -> str:
        """The reader's sentence, in ``language`` (default the session language)."""
        language = resolve_language(language)
        values = {name: _render(name, value, language) for name, value in self.params}
        return label(f"reconcile_ev_{self.code}", language).format(**values)


def reason(code: str, **params) -> Reason:
    """A :class:`Reason` with its parameters in the order given."""
    return Reason(code, tuple(params.items()))


def source_name(source_table: object, language: str | None = None) -> str:
    """A source for readers: a CBS table id as is, the (synthetic) register by name in ``language``."""
    language = resolve_language(language)
    kind = basis(source_table)
    if kind == "synthetic_register":
        return label("synthetic_register", language)
    if kind == "register":
        return (
            label("case_register", language)
            if source_table == REGISTER_SOURCE
            else str(source_table)
        )
    return "" if kind == "none" else str(source_table)


def _status_text(status: object, language: str) -> str:
    try:
        return label(str(status), language)
    except KeyError:  # a status the catalogue does not know is shown as published
        return str(status)


def _render(name: str, value: object, language: str) -> str:
    if isinstance(value, Quantity):
        return value.text(language)
    if name in ("period", "source_period"):
        return _period(str(value), language)
    if name in ("diff", "tol"):
        return _trimmed(float(value), language)
    if name == "value":  # a published value: as written
        return _num(float(value), language)
    if name == "unit":
        return unit_label(str(value), language)
    if name in ("status", "source_status"):
        return _status_text(value, language)
    if name == "source":
        return source_name(value, language)
    if name == "sources":
        return ", ".join(source_name(v, language) for v in value)
    if name == "tables":
        return ", ".join(map(str, value))
    if name == "vintage":
        return vintage_text(value, language)
    return str(value)


def evidence(reasons: Sequence[Reason], language: str | None = None) -> str:
    """The evidence of one row of :func:`reconcile` as text: its reasons' sentences, joined by ``'; '``."""
    language = resolve_language(language)
    return "; ".join(r.text(language) for r in reasons)


def reason_codes(reasons: Sequence[Reason]) -> str:
    """The codes of one row's reasons, joined by ``';'`` (for CSV output)."""
    return ";".join(r.code for r in reasons)


def _num(value: float, language: str, decimals: int | None = None) -> str:
    places = value_decimals(value) if decimals is None else decimals
    return format_number(float(value), min(places, 6), language)


def _trimmed(value: float, language: str) -> str:
    """A difference or tolerance with up to 3 decimals, trailing zeros dropped (0,55; 30; 0)."""
    text = format_number(float(value), 3, language)
    return text.rstrip("0").rstrip(",.")


def _period(period: str, language: str) -> str:
    return period_label(period, language, style="long")


def _candidates(figure: Mapping, sources: pd.DataFrame) -> pd.DataFrame:
    """Source rows with their relation to the figure's period, converted to the figure's unit."""
    if sources.empty:
        return sources.assign(relation=pd.Series(dtype=object), factor=pd.Series(dtype=float))
    relation = sources["period"].map(lambda p: period_relation(str(figure["period"]), str(p)))
    factor = sources["unit"].map(lambda u: unit_factor(u, str(figure["unit"])))
    out = sources.assign(relation=relation, factor=factor)
    out = out[out["relation"].notna()]
    # the table the figure cites first, then the later table of a series; among other periods, the one
    # ending closest to the figure's period
    end = period_bounds(str(figure["period"]))[1]
    gap = out["period"].map(lambda p: abs((period_bounds(str(p))[1] - end).days))
    cited = out["source_table"] == str(figure.get("source", ""))
    return out.assign(_gap=gap, _cited=cited).sort_values(
        ["_gap", "_cited", "rank"], ascending=[True, False, False], kind="stable"
    )


def _match(value: float, step: float, rows: pd.DataFrame, factor_of) -> Mapping | None:
    for _, row in rows.iterrows():
        factor = factor_of(row)
        if factor is None or (isinstance(factor, float) and math.isnan(factor)):
            continue
        if within(value, row["value"] * factor, tolerance(step, row["step"] * factor)):
            return row
    return None


def _result(classification: str, reasons: list[Reason | None], row: Mapping | None = None) -> dict:
    return {
        "source_table": None if row is None else row["source_table"],
        "source_period": None if row is None else row["period"],
        "source_value": float("nan") if row is None else float(row["value"]),
        "classification": classification,
        "reasons": tuple(r for r in reasons if r is not None),
    }


def _source_decimals(row: Mapping, published: float | None = None) -> int:
    """Decimals to show a source value with.

    Those of its rounding step for a rounded source (CBS: 1,0 %); for an
    unrounded one (a register's 7,498734) one more than the published value
    has (7,50 beside a published 7,5), at most 3.
    """
    step = float(row["step"])
    if step > 0:
        return value_decimals(step)
    wanted = 3 if published is None else value_decimals(published) + 1
    return min(value_decimals(row["value"]), wanted, 3)


def _shown(row: Mapping, factor: float, unit: str, published: float | None = None) -> Quantity:
    """The source value with its unit, and its conversion to the figure's unit where there is one."""
    value = float(row["value"])
    places = _source_decimals(row, published)
    if factor == 1:
        return Quantity(value, row["unit"], places)
    return Quantity(value, row["unit"], places, round(value * factor, 6), unit)


def _prefix(row: Mapping | None) -> Reason | None:
    return reason("synthetic") if row is not None and row["kind"] == "synthetic_register" else None


def _other_publications(figure: Mapping, others: pd.DataFrame) -> list[Reason]:
    if others.empty:
        return []
    differ = others[others["value"].notna() & (others["value"] != figure["value"])]
    return [
        reason("other_publication", publication=p, value=float(v))
        for p, v in zip(differ["published"], differ["value"], strict=True)
    ]


def classify_figure(
    figure: Mapping,
    sources: pd.DataFrame,
    others: pd.DataFrame | None = None,
    *,
    no_source_reason: Reason | None = None,
) -> dict:
    """Classify one published figure against its source rows.

    Parameters
    ----------
    figure : mapping
        One row of the published table: ``indicator``, ``region_code``,
        ``period``, ``value``, ``unit``, ``status``, ``source``, ``published``.
    sources : DataFrame
        Source observations (:data:`SOURCE_COLUMNS`) of the figure's source
        series and region, in any unit convertible to the figure's.
    others : DataFrame, optional
        Other publications of the same indicator, region and period (rows of
        the published table).
    no_source_reason : Reason, optional
        The reason to give when ``sources`` is empty (:func:`no_source_reason`).

    Returns
    -------
    dict
        ``source_table``, ``source_period``, ``source_value`` (the source's own
        value and unit), ``classification`` (one of :data:`CLASSIFICATIONS`)
        and ``reasons`` (a tuple of :class:`Reason`, codes with their
        parameters; :func:`evidence` writes them as text). The rules are tried
        in the order of :data:`CLASSIFICATIONS`; ``docs/reconcile.md``
        describes them.
    """
    others = others if others is not None else pd.DataFrame(columns=["published", "value"])
    value = figure["value"]
    unit = str(figure["unit"])
    period = str(figure["period"])
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _result("no_source", [reason("no_value", status=figure["status"])])
    value = float(value)
    extra = _other_publications(figure, others)
    if sources.empty:
        return _result("no_source", [no_source_reason, *extra])
    step = rounding_step(value)
    cands = _candidates(figure, sources)
    same = cands[cands["relation"] == "same"]
    overlap = cands[cands["relation"] == "overlap"]
    nearby = cands[cands["relation"] == "adjacent"]
    cited = str(figure.get("source", ""))

    def own(row):
        return row["factor"]

    def tol(row, factor):
        return tolerance(step, row["step"] * factor)

    def cited_other(row):
        if TABLE_ID.match(cited) and cited != row["source_table"] and row["kind"] == "cbs":
            return reason("other_table", cited=cited, table=row["source_table"])
        return None

    # 1. the same period, in the figure's unit
    row = _match(value, step, same, own)
    if row is not None:
        ev = reason(
            "match",
            source=row["source_table"],
            period=row["period"],
            value=_shown(row, row["factor"], unit, value),
            diff=abs(value - row["value"] * row["factor"]),
            tol=tol(row, row["factor"]),
        )
        return _result("matches", [_prefix(row), ev, cited_other(row), *extra], row)
    reference = same[same["factor"].notna()].head(1)
    ref = None if reference.empty else reference.iloc[0]

    def itself():
        if ref is None:
            return None
        return reason("itself", period=period, value=_shown(ref, ref["factor"], unit, value))

    def other_period(row):
        ev = reason(
            "other_period",
            source=row["source_table"],
            source_period=row["period"],
            value=_shown(row, row["factor"], unit, value),
            period=period,
        )
        return _result("matches_other_period", [_prefix(row), ev, itself(), *extra], row)

    # 2. another period type over the same time (halves of the year, the year of a half)
    row = _match(value, step, overlap, own)
    if row is not None:
        return other_period(row)

    # 3. the same time, written in another unit than its label
    for rows in (same, overlap):
        for alt in RATE_SCALE:
            if alt == unit:
                continue
            row = _match(value, step, rows, lambda r, alt=alt: unit_factor(r["unit"], alt))
            if row is not None:
                ev = reason(
                    "other_unit",
                    source=row["source_table"],
                    source_period=row["period"],
                    value=_shown(row, unit_factor(row["unit"], alt), alt, value),
                    unit=unit,
                )
                return _result("matches_other_unit", [_prefix(row), ev, itself(), *extra], row)

    # 4. a neighbouring period, if the number is distinctive enough not to match by chance
    if tolerance(step, 0) <= DISTINCTIVE * abs(value):
        row = _match(value, step, nearby, own)
        if row is not None:
            return other_period(row)

    if ref is None:
        near = cands[cands["factor"].notna()].head(1)
        hint = None
        if not near.empty:
            n = near.iloc[0]
            hint = reason(
                "nearest",
                source=n["source_table"],
                period=n["period"],
                value=_shown(n, n["factor"], unit, value),
            )
        ev = reason(
            "no_period", sources=tuple(sorted(sources["source_table"].unique())), period=period
        )
        return _result(
            "no_source", [_prefix(None if near.empty else near.iloc[0]), ev, hint, *extra]
        )

    # 5. another vintage of the same statistic
    source_value = ref["value"] * ref["factor"]
    diff = abs(value - source_value)
    reasons: list[Reason] = []
    status = str(figure.get("status", ""))
    if status in PROVISIONAL and status != ref["status"]:
        reasons.append(reason("provisional", status=status, source_status=ref["status"]))
    if TABLE_ID.match(cited) and cited in set(sources["source_table"]):
        reasons.append(reason("own_table", table=cited, vintage=ref["vintage"]))
    reasons.extend(extra)
    small = diff <= REVISION_LIMIT * abs(source_value)
    table_note = cited_other(ref)
    if reasons and small:
        ev = reason(
            "revised",
            source=ref["source_table"],
            period=period,
            value=_shown(ref, ref["factor"], unit, value),
            diff=diff,
        )
        return _result("revised", [_prefix(ref), ev, table_note, *reasons], ref)

    # 6. nothing explains the difference
    ev = reason(
        "unexplained",
        source=ref["source_table"],
        period=period,
        value=_shown(ref, ref["factor"], unit, value),
        diff=diff,
        tol=tol(ref, ref["factor"]),
    )
    return _result("unexplained", [_prefix(ref), ev, table_note, *extra], ref)


def no_source_reason(
    indicator: str,
    region_code: str,
    *,
    cbs_consulted: bool,
    cbs_tables: Sequence[str] = (),
    register_indicators: Sequence[str] = (),
) -> Reason:
    """Why a figure has no source rows (the reason of a ``no_source`` row).

    Parameters
    ----------
    indicator, region_code : str
        The published figure's indicator and region.
    cbs_consulted : bool
        Whether a CBS cache was read at all.
    cbs_tables : sequence of str
        The CBS tables found in the cache.
    register_indicators : sequence of str
        The indicators the register provides.

    Returns
    -------
    Reason
        ``no_cache``, ``not_cached`` (with the series' tables), ``no_region``
        or ``no_series``.
    """
    from .cbs import SERIES, TABLES

    series = source_indicator(indicator)
    if series in SERIES:
        if not cbs_consulted:
            return reason("no_cache")
        if not set(SERIES[series]) & set(cbs_tables):
            main = [
                t for t in SERIES[series] if not TABLES[t].only_levels
            ]  # not the per-wijk tables
            return reason("not_cached", tables=tuple(main))
        return reason("no_region", region=region_code)
    if indicator in set(register_indicators):
        return reason("no_region", region=region_code)
    return reason("no_series", indicator=indicator)


def reconcile(
    published: pd.DataFrame,
    cbs: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Classify every published figure against its source.

    The result holds codes, no text: ``classification`` (one of
    :data:`CLASSIFICATIONS`) and ``reasons`` (:class:`Reason` codes of
    :data:`REASON_CODES` with their parameters). Readers' text comes from
    :func:`reader_table`, :func:`evidence` and :func:`classification_label`,
    in the language of the moment they are shown.

    Parameters
    ----------
    published : DataFrame
        Published figures (:func:`analysis.published.load_published`, or any
        observations table with ``published`` and ``source`` columns).
    cbs : DataFrame, optional
        CBS source observations (:func:`cbs_observations`); None when no CBS
        cache was consulted (CBS-based figures are then ``no_source``).
    register : DataFrame, optional
        Register source observations (:func:`register_source`).

    Returns
    -------
    DataFrame
        One row per published figure, in the order of ``published``, columns
        :data:`OUTPUT_COLUMNS`.
    """
    pieces = [f for f in (cbs, register) if f is not None and len(f)]
    sources = pd.concat(pieces, ignore_index=True) if pieces else empty_sources()
    groups = {key: g for key, g in sources.groupby(["indicator", "region_code"], sort=False)}
    cbs_tables = sorted(cbs["source_table"].unique()) if cbs is not None and len(cbs) else []
    register_inds = (
        sorted(register["indicator"].unique()) if register is not None and len(register) else []
    )
    key = ["indicator", "region_code", "period", "period_type"]
    by_key = published.groupby(
        key, sort=False, dropna=False
    ).groups  # the publications of each figure
    no_source = empty_sources()
    rows = []
    for _, figure in published.iterrows():
        src = groups.get((source_indicator(figure["indicator"]), figure["region_code"]), no_source)
        peers = published.loc[by_key[tuple(figure[key])]]
        others = peers[peers["published"] != figure["published"]]
        why = (
            None
            if len(src)
            else no_source_reason(
                figure["indicator"],
                figure["region_code"],
                cbs_consulted=cbs is not None,
                cbs_tables=cbs_tables,
                register_indicators=register_inds,
            )
        )
        result = classify_figure(figure, src, others, no_source_reason=why)
        rows.append(
            {
                "publication": figure["published"],
                "indicator": figure["indicator"],
                "region_code": figure["region_code"],
                "period": figure["period"],
                "published_value": figure["value"],
                "published_unit": figure["unit"],
                **result,
            }
        )
    out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    out["published_value"] = out["published_value"].astype(float)
    out["source_value"] = out["source_value"].astype(float)
    return out


# --- conflicts between publications ---------------------------------------------------------


def publication_conflicts(published: pd.DataFrame) -> pd.DataFrame:
    """Figures that two publications give with different values.

    Parameters
    ----------
    published : DataFrame
        Published figures (:func:`analysis.published.load_published`).

    Returns
    -------
    DataFrame
        One row per pair of publications that give the same indicator, region
        and period (and period type) different values, with both citations
        (publication, source, place in the source) and values; publication A
        is the older vintage. Columns :data:`CONFLICT_COLUMNS`.
    """
    from .published import vintage_year

    key = ["indicator", "region_code", "period", "period_type"]
    data = published[published["value"].notna()]
    rows = []
    for (ind, region, period, _), group in data.groupby(key, sort=False):
        if group["value"].nunique() < 2:
            continue
        group = group.assign(_v=group["published"].map(vintage_year).astype(float).fillna(-1.0))
        group = group.sort_values(["_v", "published"], kind="stable")
        records = group.to_dict("records")
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                if a["value"] == b["value"]:
                    continue
                rows.append(
                    {
                        "indicator": ind,
                        "region_code": region,
                        "period": period,
                        "unit": a["unit"],
                        "publication_a": a["published"],
                        "source_a": a["source"],
                        "source_ref_a": a["source_ref"],
                        "value_a": a["value"],
                        "publication_b": b["published"],
                        "source_b": b["source"],
                        "source_ref_b": b["source_ref"],
                        "value_b": b["value"],
                    }
                )
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS)


# --- for readers ---------------------------------------------------------------------------------


def basis(source_table: object) -> str:
    """What a row was compared with: ``"cbs"``, ``"synthetic_register"``, ``"register"`` or ``"none"``."""
    if not isinstance(source_table, str) or not source_table:
        return "none"
    if TABLE_ID.match(source_table):
        return "cbs"
    return "synthetic_register" if source_table == SYNTHETIC_REGISTER_SOURCE else "register"


def classification_label(code: str, language: str | None = None) -> str:
    """The reader's name of a classification code (``matches`` -> ``klopt``)."""
    language = resolve_language(language)
    if code not in CLASSIFICATIONS:
        raise KeyError(f"unknown classification {code!r}; known: {', '.join(CLASSIFICATIONS)}")
    return label(f"reconcile_{code}", language)


def classification_counts(table: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """Figures per classification, and what they were compared with.

    Parameters
    ----------
    table : DataFrame
        The result of :func:`reconcile`.
    language : {"nl", "en"}, optional
        Default: the session language (:func:`analysis.labels.set_language`).

    Returns
    -------
    DataFrame
        One row per classification in :data:`CLASSIFICATIONS` order (zeros
        included): ``classification``, ``label``, ``total``, ``cbs``,
        ``register`` and ``synthetic_register``.
    """
    language = resolve_language(language)
    kinds = table["source_table"].map(basis) if len(table) else pd.Series(dtype=object)
    rows = []
    for code in CLASSIFICATIONS:
        mask = table["classification"] == code if len(table) else pd.Series(dtype=bool)
        rows.append(
            {
                "classification": code,
                "label": classification_label(code, language),
                "total": int(mask.sum()),
                **{k: int((mask & (kinds == k)).sum()) for k in KINDS},
            }
        )
    return pd.DataFrame(rows)


def real_checks(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`reconcile` checked against a real source (CBS, a real register) or without source."""
    return table[table["source_table"].map(basis) != "synthetic_register"] if len(table) else table


def synthetic_checks(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`reconcile` compared only with the synthetic register (no verification)."""
    return table[table["source_table"].map(basis) == "synthetic_register"] if len(table) else table


def summary(table: pd.DataFrame, *, cbs_consulted: bool, language: str | None = None) -> str:
    """A short text for reviewers: the checks against real sources, counted per classification.

    Comparisons with the synthetic register are not counted here: one line says
    how many there are and that they verify nothing (:func:`synthetic_summary`
    describes them in their own section).

    Parameters
    ----------
    table : DataFrame
        The result of :func:`reconcile`.
    cbs_consulted : bool
        Whether any CBS table was read (if not, the text says how to get them).
    language : {"nl", "en"}, optional
        Default: the session language (:func:`analysis.labels.set_language`).

    Returns
    -------
    str
        Markdown: the number of figures, then one line per classification of
        the real checks, then the number compared only with the synthetic
        register and, without CBS tables, how to get them.
    """
    language = resolve_language(language)
    from .cbs import SERIES

    if table.empty:
        return label("reconcile_no_figures", language)
    real = real_checks(table)
    synthetic = len(table) - len(real)
    counts = classification_counts(real, language)
    lines = [
        label("reconcile_summary_total", language).format(
            n=len(table), k=table["publication"].nunique()
        ),
        "",
        label("reconcile_summary_real", language).format(n=len(real)),
        "",
    ]
    for r in counts.itertuples(index=False):
        parts = [
            f"{label('reconcile_basis_' + k, language)} {getattr(r, k)}"
            for k in KINDS
            if getattr(r, k)
        ]
        detail = f" ({', '.join(parts)})" if parts else ""
        lines.append(f"- **{r.label}**: {r.total}{detail}")
    if synthetic:
        lines += ["", label("reconcile_summary_synthetic", language).format(n=synthetic)]
    if not cbs_consulted:
        n_cbs = int(table["indicator"].map(lambda i: source_indicator(i) in SERIES).sum())
        lines += ["", label("reconcile_summary_no_cache", language).format(n=n_cbs)]
    return "\n".join(lines)


def synthetic_summary(table: pd.DataFrame, language: str | None = None) -> str:
    """The comparisons with the synthetic register, counted per classification, with the caveat first."""
    language = resolve_language(language)
    part = synthetic_checks(table)
    if part.empty:
        return label("reconcile_no_synthetic", language)
    counts = classification_counts(part, language)
    lines = [label("reconcile_synthetic_caveat", language).format(n=len(part)), ""]
    lines += [f"- {r.label}: {r.total}" for r in counts.itertuples(index=False) if r.total]
    return "\n".join(lines)


def _source_value_text(value: float, reasons: Sequence[Reason], language: str) -> str:
    """A source value as the evidence shows it (its rounding, a register's value rounded sensibly)."""
    if pd.isna(value):
        return ""
    for r in reasons:
        shown = r.get("value")
        if isinstance(shown, Quantity) and shown.value == value:
            return format_number(float(value), shown.decimals, language)
    return _num(value, language, min(value_decimals(value), 3))


def indicator_text(indicator: str, language: str | None = None) -> str:
    """The reader's name of an indicator, or its id when the catalogue does not know it."""
    from .indicators import INDICATORS

    ind = INDICATORS.get(indicator)
    return ind.label(language) if ind is not None else str(indicator)


def region_text(code: str, language: str | None = None) -> str:
    """The reader's name of a region (``Utrecht``, ``Nederland``/``Netherlands``), or its code when unknown."""
    language = resolve_language(language)
    if code == "NL01":
        return label("nederland", language)
    return _builtin_regions().name_of(code) or str(code)


@lru_cache(maxsize=1)
def _builtin_regions():
    from .regions import RegionResolver

    return RegionResolver()


def reader_table(table: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """The result of :func:`reconcile` for readers: labelled columns, formatted numbers and periods.

    Verdicts and evidence are written from their codes here, in ``language``
    (default the session language).
    """
    language = resolve_language(language)
    out = pd.DataFrame(
        {
            **figure_columns(table, language),
            label("reconcile_published_value", language): [
                _value_text(v, u, language)
                for v, u in zip(table["published_value"], table["published_unit"], strict=True)
            ],
            label("reconcile_source_table", language): table["source_table"].map(
                lambda t: source_name(t, language)
            ),
            label("reconcile_source_period", language): table["source_period"].map(
                lambda p: period_label(p, language) if isinstance(p, str) else ""
            ),
            label("reconcile_source_value", language): [
                _source_value_text(v, r, language)
                for v, r in zip(table["source_value"], table["reasons"], strict=True)
            ],
            label("reconcile_classification", language): table["classification"].map(
                lambda c: classification_label(c, language)
            ),
            label("reconcile_evidence", language): table["reasons"].map(
                lambda r: evidence(r, language)
            ),
        }
    )
    return out.rename(columns=capitalised).reset_index(drop=True)


def _value_text(value: float, unit: str, language: str) -> str:
    """A published value as written; no value is ``–``, as in every table (not a status word)."""
    if pd.isna(value):
        return MISSING
    return format_value(float(value), unit, language, decimals=value_decimals(value))


def publication_order(publications: Sequence[str]) -> list[str]:
    """Publications oldest vintage first (by :func:`analysis.published.vintage_year`), undated last, then by name."""
    from .published import vintage_year

    def key(pub: str) -> tuple[int, str]:
        year = vintage_year(pub)
        return (year if year is not None else 9999, pub)

    return sorted(set(publications), key=key)


def by_publication(
    table: pd.DataFrame, language: str | None = None
) -> list[tuple[str, pd.DataFrame]]:
    """The reader's table (:func:`reader_table`) split per publication, oldest vintage first."""
    language = resolve_language(language)
    return [
        (pub, reader_table(table[table["publication"] == pub], language))
        for pub in publication_order(table["publication"])
    ]


def styled(frame: pd.DataFrame):
    """A reader's table for display: the house table (:func:`analysis.plotting.reader_table`).

    Without the index, region names for codes, numbers in the reader's
    format, long evidence shown whole, every text escaped.
    """
    from .plotting import reader_table

    return reader_table(frame)


def figure_columns(frame: pd.DataFrame, language: str | None = None) -> dict[str, pd.Series]:
    """The first three columns of a reader's table of figures: indicator, region and period, labelled.

    Parameters
    ----------
    frame : DataFrame
        With ``indicator``, ``region_code`` and ``period`` (say :func:`reconcile`
        or :func:`publication_conflicts`).
    language : {"nl", "en"}, optional
        Default: the session language.

    Returns
    -------
    dict of str -> Series
        Column label -> the reader's texts (:func:`indicator_text`,
        :func:`region_text`, the period's label), in that order.
    """
    language = resolve_language(language)
    return {
        label("indicator", language): frame["indicator"].map(lambda i: indicator_text(i, language)),
        label("region", language): frame["region_code"].map(lambda c: region_text(c, language)),
        label("period", language): frame["period"].map(lambda p: period_label(p, language)),
    }


def conflicts_table(conflicts: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """The result of :func:`publication_conflicts` for readers (labelled columns, both citations)."""
    language = resolve_language(language)
    columns = figure_columns(conflicts, language)
    for side in ("a", "b"):  # the same three columns for each publication
        columns[label(f"reconcile_publication_{side}", language)] = conflicts[f"publication_{side}"]
        columns[label(f"reconcile_value_{side}", language)] = [
            _value_text(v, u, language)
            for v, u in zip(conflicts[f"value_{side}"], conflicts["unit"], strict=True)
        ]
        columns[label(f"reconcile_source_{side}", language)] = (
            conflicts[f"source_{side}"] + " (" + conflicts[f"source_ref_{side}"].fillna("") + ")"
        )
    return pd.DataFrame(columns).rename(columns=capitalised).reset_index(drop=True)


def key_figures(table: pd.DataFrame, conflicts: pd.DataFrame) -> str:
    """Deterministic plain text of the key results (for a notebook's checked cell).

    Returns
    -------
    str
        The number of figures, the count per classification code and what it
        was compared with, the number of conflicts, and the figures compared
        with CBS (indicator, region, period, classification, source table).
    """
    real, synthetic = real_checks(table), synthetic_checks(table)
    lines = [
        f"figures: {len(table)}",
        f"checked against real sources or without source: {len(real)}",
    ]
    lines += [
        f"{r.classification}: {r.total} (cbs {r.cbs}, register {r.register})"
        for r in classification_counts(real).itertuples(index=False)
    ]
    lines.append(f"compared only with the synthetic register (no verification): {len(synthetic)}")
    lines += [
        f"  {r.classification}: {r.total}"
        for r in classification_counts(synthetic).itertuples(index=False)
        if r.total
    ]
    lines.append(f"conflicts between publications: {len(conflicts)}")
    cbs_rows = table[table["source_table"].map(basis) == "cbs"]
    if len(cbs_rows):
        lines.append(
            cbs_rows[
                [
                    "indicator",
                    "region_code",
                    "period",
                    "classification",
                    "source_table",
                    "source_period",
                ]
            ].to_string(index=False)
        )
    return "\n".join(lines)


def csv_table(table: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """The result of :func:`reconcile` for a CSV file: plain numbers (:func:`plain_numbers`), the
    reasons as codes (``reasons``, e.g. ``synthetic;match``) and written out (``evidence``, in ``language``)."""
    language = resolve_language(language)
    out = plain_numbers(table)
    out["evidence"] = table["reasons"].map(lambda r: evidence(r, language))
    out["reasons"] = table["reasons"].map(reason_codes)
    return out


def plain_numbers(
    table: pd.DataFrame, columns: Sequence[str] = ("published_value", "source_value")
) -> pd.DataFrame:
    """A copy with numbers as text, without a trailing ``.0`` (12163, 7.3), for CSV output."""
    out = table.copy()
    for col in columns:
        out[col] = out[col].map(
            lambda v: (
                "" if pd.isna(v) else (f"{int(v)}" if float(v).is_integer() else repr(float(v)))
            )
        )
    return out


# --- reading the sources for a notebook or command --------------------------------------------------


def cache_has_tables(cache_dir: str | Path | None) -> bool:
    """Whether a CBS cache folder holds at least one cached table."""
    from .cbs import cached_metadata

    return cache_dir is not None and bool(cached_metadata(cache_dir))


def load_sources(
    published: pd.DataFrame, data_source, register=None
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Read the CBS values and register values the published figures need.

    Parameters
    ----------
    published : DataFrame
        The figures to check.
    data_source : analysis.sources.DataSource
        The resolved ``source`` (a notebook's ``session.source``). Its
        ``used``, ``tables`` and ``published`` are updated so that
        :meth:`analysis.notebook.Session.declare_sources` names what was read.
    register : analysis.register.Register, optional
        The case register; None leaves register-based figures without source.

    Returns
    -------
    tuple
        CBS source observations (None when neither the CBS cache nor the
        embedded extract holds any table) and register source observations.
    """
    from .register import register_observations
    from .sources import vintages

    data_source.published = True
    data_source.used["gepubliceerde cijfers"] = (
        "ingebedde gepubliceerde cijfers (data/published), de te controleren cijfers"
    )
    needed = cbs_indicators(published["indicator"].unique())
    regions = sorted(published["region_code"].unique())
    cbs = None
    where: dict[str, str] = {}
    for (
        folder
    ) in data_source.folders():  # the user's cache first, then (with auto) the embedded extract
        if not cache_has_tables(folder):
            continue
        todo = [ind for ind in needed if ind not in where]
        part = cbs_observations(todo, folder, regions=regions)
        cbs = part if cbs is None else pd.concat([cbs, part], ignore_index=True)
        for ind in part["indicator"].unique():
            tables = sorted(part.loc[part["indicator"] == ind, "source_table"].unique())
            when = vintages(folder, tables)
            where[ind] = data_source.describe_folder(folder) + (
                f" ({'; '.join(when)})" if when else ""
            )
        data_source.note_tables(part["source_table"].unique(), folder)
        note_read(data_source, part)
    note_published(data_source, published)
    for ind in needed:
        data_source.used[ind] = where.get(ind) or (
            ("geen CBS-gegevens" if cbs is None else "geen CBS-tabel") + ": niet gecontroleerd"
        )
    if register is None:
        return cbs, empty_sources()
    data_source.used["register"] = register.source
    reg = register_source(register_observations(register), register.synthetic)
    return cbs, reg


def note_read(data_source, cbs: pd.DataFrame) -> None:
    """Record per CBS table which indicators were read, with their statuses and periods.

    So that the sources table (:func:`analysis.sources.describe_sources`) fills
    its *Status* and *Indicatoren* columns for the tables read to check the
    published figures, as it does for tables read with
    :func:`analysis.sources.load_observations`.
    """
    if cbs is None or cbs.empty:
        return
    for (table, indicator), rows in cbs.groupby(["source_table", "indicator"], observed=True):
        data_source.note_details(
            "cbs", str(table), str(indicator), rows["status"].unique(), periods=rows
        )


def note_published(data_source, published: pd.DataFrame) -> None:
    """Record per publication which indicators it printed, with their statuses and periods."""
    if published is None or published.empty:
        return
    name = published["published"].fillna(published["source"])
    for (publication, indicator), rows in published.groupby(
        [name, published["indicator"]], observed=True
    ):
        data_source.note_details(
            "published",
            str(publication),
            str(indicator),
            rows["status"].unique(),
            rows["source"].unique(),
            periods=rows,
        )


def published_beside(
    published: pd.DataFrame,
    indicators: Sequence[str],
    region: str,
    data_source,
    *,
    language: str | None = None,
) -> pd.DataFrame:
    """What publications printed for CBS indicators, each figure with its classification against CBS.

    For a notebook that shows CBS series: the municipality's own published
    figures are never drawn as CBS data, but listed as the publication, with
    the classification notebook 06 gives them (a half-year figure printed as a
    year figure reads *klopt voor een andere periode*).

    Parameters
    ----------
    published : DataFrame
        Published figures (e.g. :func:`analysis.published.load_published`,
        limited to the notebook's periods).
    indicators : sequence of str
        The CBS indicators the notebook shows.
    region : str
    data_source : analysis.sources.DataSource
        The session's source; the CBS tables read are recorded in it.
    language : {"nl", "en"}, optional
        Default: the session language (:func:`analysis.labels.set_language`).

    Returns
    -------
    DataFrame
        :func:`reader_table` with the publication as its first column, oldest
        publication first; empty when nothing was published.
    """
    language = resolve_language(language)
    figures = published[
        published["indicator"].isin(list(indicators)) & (published["region_code"] == region)
    ]
    if figures.empty:
        return pd.DataFrame()
    cbs, _ = load_sources(figures.reset_index(drop=True), data_source)
    data_source.used.pop("gepubliceerde cijfers", None)
    data_source.used["gepubliceerde cijfers"] = _PUBLISHED_BESIDE
    table = reconcile(figures.reset_index(drop=True), cbs, None)
    order = {p: i for i, p in enumerate(publication_order(table["publication"]))}
    table = table.assign(_o=table["publication"].map(order)).sort_values(
        ["_o", "indicator", "period"], kind="stable"
    )
    out = reader_table(table, language)
    out.insert(0, capitalised(label("publication", language)), table["publication"].tolist())
    return out


_PUBLISHED_BESIDE = (
    "ingebedde gepubliceerde cijfers (data/published), als publicatie naast CBS en met het oordeel"
)


def select_publications(
    published: pd.DataFrame, region: str, start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """The figures of every publication that gives at least one figure about ``region`` or Nederland.

    Parameters
    ----------
    published : DataFrame
        Published figures.
    region : str
        A region code; publications without a figure about it or about
        Nederland (``NL01``, the comparison every publication may quote) are
        left out, the others are kept whole (with their figures about other
        regions).
    start, end : str, optional
        Keep figures whose period lies within ``start`` .. ``end``.

    Returns
    -------
    DataFrame
    """
    from .periods import in_range

    pubs = published.loc[published["region_code"].isin([region, "NL01"]), "published"].unique()
    out = published[published["published"].isin(pubs)]
    if start is not None or end is not None:
        out = out[out["period"].map(lambda p: in_range(p, start, end))]
    return out.reset_index(drop=True)


__all__ = [
    "CLASSIFICATIONS",
    "CONFLICT_COLUMNS",
    "OUTPUT_COLUMNS",
    "Quantity",
    "RATE_SCALE",
    "REASON_CODES",
    "RELATED_SOURCES",
    "Reason",
    "SOURCE_COLUMNS",
    "adjacent",
    "basis",
    "by_publication",
    "cache_has_tables",
    "cbs_indicators",
    "cbs_observations",
    "classification_counts",
    "classification_label",
    "classify_figure",
    "conflicts_table",
    "csv_table",
    "empty_sources",
    "evidence",
    "figure_columns",
    "indicator_text",
    "key_figures",
    "load_sources",
    "no_source_reason",
    "note_published",
    "note_read",
    "period_relation",
    "plain_numbers",
    "publication_conflicts",
    "publication_order",
    "published_beside",
    "reader_table",
    "real_checks",
    "reason",
    "reason_codes",
    "reconcile",
    "region_text",
    "register_source",
    "rounding_step",
    "select_publications",
    "source_indicator",
    "source_name",
    "styled",
    "summary",
    "synthetic_checks",
    "synthetic_summary",
    "tolerance",
    "unit_factor",
    "value_decimals",
    "within",
]
