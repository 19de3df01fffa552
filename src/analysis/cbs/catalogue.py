"""The CBS tables the notebooks use, and how their measures map to indicators.

Measures are matched by name, never by CBS's numeric suffix: the key
``JongerenMetJeugdhulpInNatura_1`` matches the measure prefix
``JongerenMetJeugdhulpInNatura`` whatever number CBS gives it after a
revision, and a StatLine web download whose header reads
``Jongeren met jeugdhulp in natura (%)`` matches it too (the label, stripped
of its unit and of spaces, equals the key prefix), as does any title listed
in ``titles``.

An indicator may be served by several tables in succession (a continuation
table replaces an old one). :data:`SERIES` lists them oldest first; where two
tables cover the same period the later one wins, and the seam is recorded
when series are stitched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..indicators import INDICATORS
from ..periods import STATUS_FINAL, STATUS_PROVISIONAL, STATUS_REVISED_PROVISIONAL, period_end


@dataclass(frozen=True)
class Measure:
    """One measure of a CBS table that feeds an indicator."""

    key_prefix: str
    indicator: str
    titles: tuple[str, ...] = ()
    # CBS computes some shares from counts it has rounded to multiples of 5, so a
    # small municipality can show e.g. 107 %. Such values are kept as published,
    # with a note; elsewhere a percentage above 100 is rejected as impossible.
    can_exceed_100: bool = False

    @property
    def unit(self) -> str:
        return INDICATORS[self.indicator].unit


@dataclass(frozen=True)
class Table:
    """A CBS table in the catalogue.

    Parameters
    ----------
    id : str
        CBS table id, e.g. ``85098NED``.
    title : str
        Its StatLine title.
    measures : tuple of Measure
        The measures the project uses.
    filters : dict
        For tables with extra dimensions: dimension name -> accepted category
        labels (or keys); other categories are not imported.
    region_dimension : str
        Name of the region dimension (``RegioS``, ``Regio``, ``Wijken``).
    period_range : str
        The periods CBS publishes in it, for the reader.
    """

    id: str
    title: str
    measures: tuple[Measure, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    region_dimension: str = "RegioS"
    period_range: str = ""
    kind: str = "data"  # "data" or "regions"
    only_levels: tuple[str, ...] = ()  # feed only these region levels (e.g. wijk tables)
    # CBS publishes a period first as provisional and makes it final about a year
    # after the period ended (see docs/cbs.md, "Status"): used for files without marks.
    provisional_months: int = 12

    def measure_for(self, column: str) -> Measure | None:
        """The catalogue measure that a column key or label names, if any."""
        norm = normalise_measure_name(column)
        for measure in self.measures:
            if norm == measure.key_prefix.lower():
                return measure
            if any(norm == normalise_measure_name(t) for t in measure.titles):
                return measure
        return None


_SUFFIX = re.compile(r"_\d+$")
_UNIT = re.compile(r"\s*\([^)]*\)\s*$")


def normalise_measure_name(name: str) -> str:
    """``'JongerenMetJeugdhulpInNatura_3'`` and ``'Jongeren met jeugdhulp in natura (%)'`` -> same key."""
    text = _SUFFIX.sub("", str(name).strip())
    text = _UNIT.sub("", text)
    return re.sub(r"[^0-9a-z]", "", text.lower())


_JEUGD_MEASURES = (
    Measure("JongerenMetJeugdhulpInNatura", "jeugdhulp_pct", ("Jongeren met jeugdhulp in natura",)),
    Measure(
        "JongerenMetJeugdhMetVerblInNat",
        "jeugdhulp_verblijf_pct",
        ("Jongeren met jeugdhulp met verblijf in natura", "Jeugdhulp met verblijf in natura"),
        can_exceed_100=True,
    ),
    Measure(
        "JongerenMetJeugdbescherming", "jeugdbescherming_pct", ("Jongeren met jeugdbescherming",)
    ),
    Measure(
        "JeugdbeschEnJeugdhMetVerblInNat",
        "jeugdbescherming_verblijf_pct",
        ("Jeugdbescherming en jeugdhulp met verblijf in natura",),
        can_exceed_100=True,
    ),
    Measure(
        "JongerenMetJeugdreclassering", "jeugdreclassering_pct", ("Jongeren met jeugdreclassering",)
    ),
)
_JEUGDZORG_MEASURES = (
    Measure("JongerenMetJeugdzorg", "jeugdzorg_personen", ("Jongeren met jeugdzorg",)),
    Measure("JongerenMetJeugdzorgRelatief", "jeugdzorg_pct", ("Jongeren met jeugdzorg relatief",)),
)
_TRAJECT_MEASURES = (
    Measure(
        "TotaalJeugdhulptrajectenInNatura",
        "jeugdhulptrajecten",
        ("Totaal jeugdhulptrajecten in natura",),
    ),
    Measure(
        "UitgevoerdDoorHetWijkOfBuurtteam",
        "jeugdhulptrajecten_buurtteam",
        ("Uitgevoerd door het wijk- of buurtteam", "Uitgevoerd door het wijk of buurtteam"),
    ),
    Measure(
        "TotaalJeugdbeschermingstrajecten",
        "jeugdbeschermingstrajecten",
        ("Totaal jeugdbeschermingstrajecten",),
    ),
    Measure(
        "TotaalJeugdhulpMetVerblijf",
        "jeugdhulptrajecten_verblijf",
        ("Totaal jeugdhulp met verblijf",),
    ),
)
# 82966NED: youths per combination of jeugdhulp, jeugdbescherming and jeugdreclassering
# (2015 - 2017), the table cbs.nl's table pages and the 2017 publications cite.
_COMBINATIE_MEASURES = (
    Measure("TotaalJongerenMetJeugdzorg", "jeugdzorg_personen", ("Totaal jongeren met jeugdzorg",)),
    Measure("TotaalJeugdhulp", "jeugdhulp_personen", ("Totaal jeugdhulp",)),
    Measure("AlleenJeugdhulp", "jeugdzorg_alleen_jeugdhulp", ("Alleen jeugdhulp",)),
    Measure(
        "JHEnJeugdbeschermingJB",
        "jeugdzorg_jeugdhulp_jeugdbescherming",
        ("Jeugdhulp en jeugdbescherming",),
    ),
    Measure(
        "JHEnJeugdreclasseringJR",
        "jeugdzorg_jeugdhulp_jeugdreclassering",
        ("Jeugdhulp en jeugdreclassering",),
    ),
    Measure(
        "JHEnJBEnJR",
        "jeugdzorg_jeugdhulp_jeugdbescherming_jeugdreclassering",
        ("Jeugdhulp, jeugdbescherming en jeugdreclassering",),
    ),
    Measure("TotaalJeugdbescherming", "jeugdbescherming_personen", ("Totaal jeugdbescherming",)),
    Measure(
        "AlleenJeugdbescherming", "jeugdzorg_alleen_jeugdbescherming", ("Alleen jeugdbescherming",)
    ),
    Measure("TotaalJeugdreclassering", "jeugdreclassering_personen", ("Totaal jeugdreclassering",)),
    Measure(
        "AlleenJeugdreclassering",
        "jeugdzorg_alleen_jeugdreclassering",
        ("Alleen jeugdreclassering",),
    ),
)
_WMO_MEASURES = (
    Measure("WmoClienten", "wmo_clienten", ("Wmo-cliënten", "Wmo-clienten")),
    Measure(
        "WmoClientenPer1000Inwoners",
        "wmo_clienten_per_1000",
        (
            "Wmo-cliënten per 1 000 inwoners",
            "Wmo-cliënten per 1000 inwoners",
            "Wmo-clienten per 1000 inwoners",
            # the name CBS gives the same rate in the Kerncijfers wijken en buurten tables
            "Wmo-clienten relatief",
        ),
    ),
)
_WMO_FLOW_MEASURES = (
    Measure("Stand", "wmo_stand", ("Stand",)),
    Measure("Instroom", "wmo_instroom", ("Instroom",)),
    Measure("Uitstroom", "wmo_uitstroom", ("Uitstroom",)),
)
_TOTAAL = ("Totaal",)
# 83454NED: youth-care costs as the municipalities report them to CBS (x 1 000 euro), budgeted
# and realised, and the same per 1 000 inhabitants (x 1 000 euro per 1 000 inwoners, which is
# euro per inhabitant). Municipalities only: CBS publishes no Nederland total in this table.
_KOSTEN_MEASURES = (
    Measure("BegroteKosten", "jeugdzorg_kosten_begroot", ("Begrote kosten",)),
    Measure("GerealiseerdeKosten", "jeugdzorg_kosten_gerealiseerd", ("Gerealiseerde kosten",)),
    Measure(
        "BegroteKostenPer1000Inwoners",
        "jeugdzorg_kosten_begroot_per_1000",
        ("Begrote kosten per 1 000 inwoners", "Begrote kosten per 1000 inwoners"),
    ),
    Measure(
        "GerealiseerdeKostenPer1000Inwoners",
        "jeugdzorg_kosten_gerealiseerd_per_1000",
        ("Gerealiseerde kosten per 1 000 inwoners", "Gerealiseerde kosten per 1000 inwoners"),
    ),
)

TABLES: dict[str, Table] = {}


def _add(table: Table) -> None:
    TABLES[table.id] = table


_add(
    Table(
        "82972NED",
        "Jeugdzorg; jongeren met jeugdzorg in % van alle jongeren, regio",
        _JEUGD_MEASURES,
        period_range="2015 - 2020",
    )
)
_add(
    Table(
        "85098NED",
        "Jongeren met jeugdzorg in natura in % van alle jongeren; regio",
        _JEUGD_MEASURES,
        period_range="2021 - 1e halfjaar 2024",
    )
)
_add(
    Table(
        "84134NED",
        "Jongeren met jeugdzorg; vorm, regio",
        _JEUGDZORG_MEASURES,
        filters={"VormenVanJeugdzorg": ("JZ Totaal jeugdzorg",)},
        period_range="2015 - 2020",
    )
)
_add(
    Table(
        "85099NED",
        "Jongeren met jeugdzorg; vorm, regio",
        _JEUGDZORG_MEASURES,
        filters={"VormenVanJeugdzorg": ("JZ Totaal jeugdzorg",)},
        period_range="2021 - 1e halfjaar 2024",
    )
)
_add(
    Table(
        "82966NED",
        "Jongeren met jeugdzorg; combinaties jeugdhulp/jeugdbescherming/jeugdreclassering, regio",
        _COMBINATIE_MEASURES,
        period_range="1e kwartaal 2015 - 2017",
    )
)
_add(
    Table(
        "82968NED",
        "Jeugdzorgtrajecten in natura; peildatum, regio",
        _TRAJECT_MEASURES,
        period_range="31 maart 2015 - 31 december 2020",
    )
)
_add(
    Table(
        "85094NED",
        "Jeugdzorgtrajecten in natura; peildatum, regio",
        _TRAJECT_MEASURES,
        period_range="30 juni 2021 - 30 juni 2024",
    )
)
_add(
    Table(
        "83262NED",
        "Wmo-cliënten; geslacht, kenmerken, type maatwerkarrangement, regio",
        _WMO_MEASURES,
        filters={
            "Geslacht": ("Totaal mannen en vrouwen",),
            "KenmerkenVanPersonen": ("Totaal personen",),
            "TypeMaatwerkarrangement": _TOTAAL,
        },
        period_range="1e halfjaar 2015 - 2020",
    )
)
_add(
    Table(
        "83454NED",
        "Kosten jeugdzorg; regio",
        _KOSTEN_MEASURES,
        filters={"VormenVanJeugdzorg": ("JZ Totaal jeugdzorg",)},
        region_dimension="Regio",
        period_range="2015 - 2023",
    )
)
_add(
    Table(
        "86050NED",
        "Wmo-cliënten; type maatwerkvoorziening, regio",
        _WMO_MEASURES,
        filters={"TypeMaatwerkvoorziening": _TOTAAL},
        period_range="1e halfjaar 2017 - 1e halfjaar 2024",
    )
)
_add(
    Table(
        "83268NED",
        "Wmo-maatwerkarrangementen; stand, instroom, uitstroom, regio",
        _WMO_FLOW_MEASURES,
        filters={"TypeMaatwerkarrangement": _TOTAAL},
        period_range="1e halfjaar 2015 - 2020",
    )
)
_add(
    Table(
        "86051NED",
        "Wmo-maatwerkvoorzieningen; stand, instroom, uitstroom, regio",
        _WMO_FLOW_MEASURES,
        filters={"TypeMaatwerkvoorziening": _TOTAAL},
        period_range="1e halfjaar 2017 - 1e halfjaar 2024",
    )
)

# Wmo clients per wijk: one table per year ("Wmo-cliënten; financieringsvorm, wijken").
WMO_WIJK_TABLES = {
    "83267NED": "2015",
    "83620NED": "2016",
    "83818NED": "2017",
    "84421NED": "2018",
    "84664NED": "2019",
    "84907NED": "2020",
    "85046NED": "2021",
    "85376NED": "2022",
    "85638NED": "2023",
    "85995NED": "1e halfjaar 2024",
}
#: Tables that are editions of one statistic (one per year): a series moving from one to the next
#: keeps its definition, so that is no table switch (:func:`is_table_switch`).
EDITIONS: tuple[frozenset[str], ...] = (frozenset(WMO_WIJK_TABLES),)

#: A CBS StatLine table id inside a text: five digits and NED (or ENG, the English edition).
TABLE_ID_PATTERN = r"\d{5}(?:NED|ENG)"

#: A CBS StatLine table id on its own (``85098NED``).
TABLE_ID = re.compile(rf"^{TABLE_ID_PATTERN}$")

#: What changed where a series moves to the next CBS table, in words (Dutch, English).
SWITCH_NOTES: dict[tuple[str, str], tuple[str, str]] = {
    ("82972NED", "85098NED"): (
        "jeugdzorg \u2192 jeugdzorg in natura",
        "youth care \u2192 youth care in kind",
    ),
    ("84134NED", "85099NED"): (
        "jeugdzorg \u2192 jeugdzorg in natura",
        "youth care \u2192 youth care in kind",
    ),
    ("82968NED", "85094NED"): (
        "jeugdzorgtrajecten \u2192 jeugdzorgtrajecten in natura",
        "youth care trajectories \u2192 youth care trajectories in kind",
    ),
    ("83262NED", "86050NED"): (
        "maatwerkarrangementen \u2192 maatwerkvoorzieningen",
        "tailored arrangements \u2192 tailored provisions",
    ),
    ("83268NED", "86051NED"): (
        "maatwerkarrangementen \u2192 maatwerkvoorzieningen",
        "tailored arrangements \u2192 tailored provisions",
    ),
}


def switched_tables(before: object, after: object) -> list[tuple[str, str]]:
    """The CBS tables a series moving from source ``before`` to ``after`` leaves and takes.

    A source is a CBS table id (:data:`TABLE_ID`) or, for a figure computed
    from two tables, both ids joined by `` / `` (``83454NED / 84134NED``, the
    costs per youth in care); compared part by part. A part changes table
    where both parts are CBS table ids that differ and are not editions of
    one statistic (:data:`EDITIONS`): ``82972NED`` to ``85098NED`` (jeugdzorg
    to jeugdzorg in natura), ``83262NED`` to ``86050NED``; not the yearly Wmo
    wijk tables among themselves, and not a source that is no CBS table (the
    register, a publication).

    Returns
    -------
    list of (table before, table after)
        Empty when the series keeps its tables.
    """
    a, b = str(before).split(" / "), str(after).split(" / ")
    if len(a) != len(b):
        return []
    return [
        (x, y)
        for x, y in zip(a, b, strict=True)
        if x[:5] != y[:5]  # 82972ENG is the English edition of 82972NED
        and TABLE_ID.match(x)
        and TABLE_ID.match(y)
        and not any(x in group and y in group for group in EDITIONS)
    ]


def is_table_source(source: object) -> bool:
    """Whether a ``source`` names CBS tables only: ``85098NED``, ``83454NED / 85099NED``."""
    return isinstance(source, str) and all(TABLE_ID.match(p) for p in source.split(" / "))


def is_table_switch(before: object, after: object) -> bool:
    """Whether a series moving from source ``before`` to ``after`` changes CBS table (:func:`switched_tables`)."""
    return bool(switched_tables(before, after))


# Whether a wijk can be compared with the year before (CBS "Indelingswijziging": 1 unchanged,
# 2 new code, same boundaries, 3 boundaries changed); the Kerncijfers wijken en buurten call it
# "Indelingswijziging gemeente, wijk, buurt". analysis.wijken never joins a line across a 2 or 3.
_INDELING_MEASURE = Measure(
    "IndelingswijzigingWijken",
    "wijk_indelingswijziging",
    (
        "Indelingswijziging wijken",
        "Indelingswijziging gemeente, wijk, buurt",
        "Indelingswijziging wijken en buurten",
    ),
)
for _id, _years in WMO_WIJK_TABLES.items():
    _add(
        Table(
            _id,
            f"Wmo-cliënten; financieringsvorm, wijken, {_years}",
            (*_WMO_MEASURES, _INDELING_MEASURE),
            filters={"Financieringsvorm": _TOTAAL},
            region_dimension="Wijken",
            only_levels=("wijk",),
            period_range=_years,
        )
    )

# Region tables ("Gebieden in Nederland"): label -> code crosswalk.
REGION_TABLES = {"84929NED": "2021", "85755NED": "2024"}
for _id, _year in REGION_TABLES.items():
    _add(Table(_id, f"Gebieden in Nederland {_year}", kind="regions", period_range=_year))

# Indicator -> tables, oldest first (later tables win where periods overlap).
SERIES: dict[str, tuple[str, ...]] = {
    "jeugdhulp_pct": ("82972NED", "85098NED"),
    "jeugdhulp_verblijf_pct": ("82972NED", "85098NED"),
    "jeugdbescherming_pct": ("82972NED", "85098NED"),
    "jeugdbescherming_verblijf_pct": ("82972NED", "85098NED"),
    "jeugdreclassering_pct": ("82972NED", "85098NED"),
    "jeugdzorg_personen": ("84134NED", "85099NED"),
    "jeugdzorg_pct": ("84134NED", "85099NED"),
    # 82966NED alone: counts per combination of the three forms, 2015 - 2017
    **{
        m.indicator: ("82966NED",)
        for m in _COMBINATIE_MEASURES
        if m.indicator != "jeugdzorg_personen"
    },
    "jeugdhulptrajecten": ("82968NED", "85094NED"),
    "jeugdhulptrajecten_buurtteam": ("82968NED", "85094NED"),
    "jeugdbeschermingstrajecten": ("82968NED", "85094NED"),
    "jeugdhulptrajecten_verblijf": ("82968NED", "85094NED"),
    "wijk_indelingswijziging": tuple(WMO_WIJK_TABLES),
    "wmo_clienten": ("83262NED", "86050NED", *WMO_WIJK_TABLES),
    "wmo_clienten_per_1000": ("83262NED", "86050NED", *WMO_WIJK_TABLES),
    "wmo_stand": ("83268NED", "86051NED"),
    "wmo_instroom": ("83268NED", "86051NED"),
    "wmo_uitstroom": ("83268NED", "86051NED"),
    **{m.indicator: ("83454NED",) for m in _KOSTEN_MEASURES},
}

# Tables that hold an indicator under another definition than its series and are
# not stitched into it, but that publications cite: the reconciliation (notebook 06)
# compares a figure with them too, the cited table first. 82966NED counts youths
# with jeugdzorg 2015 - 2017 (Utrecht 2017: 11 320) slightly differently from
# 84134NED (11 350).
CITED_TABLES: dict[str, tuple[str, ...]] = {
    "jeugdzorg_personen": ("82966NED",),
}

# Known breaks in the definition of a series (not seams between tables, which are
# recorded when series are stitched). Each: (indicator ids, last period before,
# first period after, explanation in Dutch, in English).
SERIES_BREAKS: tuple[tuple[tuple[str, ...], str, str, str, str], ...] = (
    (
        (
            "jeugdhulp_pct",
            "jeugdhulp_verblijf_pct",
            "jeugdzorg_personen",
            "jeugdzorg_pct",
            "jeugdhulptrajecten",
            "jeugdhulptrajecten_buurtteam",
        ),
        "2015",
        "2016",
        "trendbreuk: vanaf 2016 telt jeugdhulp door buurtteams mee",
        "series break: from 2016 neighbourhood-team support counts",
    ),
)


def tables_for(indicator: str) -> tuple[str, ...]:
    """The CBS tables that serve ``indicator``, oldest first."""
    try:
        return SERIES[indicator]
    except KeyError:
        known = ", ".join(sorted(SERIES))
        raise KeyError(
            f"indicator {indicator!r} has no CBS source; CBS indicators: {known}"
        ) from None


def reconcile_tables_for(indicator: str) -> tuple[str, ...]:
    """Every table holding ``indicator``: :data:`CITED_TABLES` first, then its series (oldest first)."""
    return CITED_TABLES.get(indicator, ()) + SERIES.get(indicator, ())


def vintage_date(vintage: str | None):
    """The date in a vintage text (``'CBS StatLine, opgehaald 2025-04-22'`` -> 2025-04-22), or None."""
    m = re.search(r"(\d{4}-\d{2}-\d{2})", str(vintage or ""))
    if not m:
        return None
    try:
        return pd.Timestamp(m.group(1))
    except ValueError:
        return None


def status_by_vintage(frame, table_id: str, vintage: str | None):
    """Mark the periods CBS still had as provisional at ``vintage``, for files that carry no marks.

    CBS marks provisional figures (``2019*`` in a StatLine download, the
    period status in the OData feed), but a CSV of the OData ``TypedDataSet``
    carries no marks: every period in it reads ``definitief``. For such a
    table, a period that ended less than ``Table.provisional_months`` (12)
    months before the vintage date is set to ``voorlopig`` (CBS makes the
    figures of a period final about a year after it ended). Rows that are
    missing or suppressed keep their status. A table in which any row has a
    provisional mark keeps its marks: they take precedence.

    Parameters
    ----------
    frame : DataFrame
        Rows of one parsed data table (``period``, ``status``).
    table_id : str
    vintage : str or None
        The vintage text; without a date in it the frame is returned as is.

    Returns
    -------
    (DataFrame, int)
        The frame (a copy where changed) and the number of rows set to voorlopig.
    """
    when = vintage_date(vintage)
    if when is None or frame.empty or "status" not in frame:
        return frame, 0
    if frame["status"].isin([STATUS_PROVISIONAL, STATUS_REVISED_PROVISIONAL]).any():
        return frame, 0
    months = TABLES[table_id].provisional_months if table_id in TABLES else 12
    cutoff = when - pd.DateOffset(months=months)
    ends = {p: period_end(p) for p in frame["period"].unique()}
    # the parser gives categorical columns: compare plain values
    late = pd.to_datetime(frame["period"].astype(object).map(ends)) > cutoff
    change = late & (frame["status"].astype(object) == STATUS_FINAL)
    if not change.any():
        return frame, 0
    out = frame.copy()
    out["status"] = out["status"].astype(object)
    out.loc[change, "status"] = STATUS_PROVISIONAL
    return out, int(change.sum())


def table_id_from_name(name: str) -> str | None:
    """The CBS table id inside a file name or title (``85098NED_TypedDataSet.csv`` -> ``85098NED``)."""
    m = re.search(f"({TABLE_ID_PATTERN})", str(name).upper())
    return m.group(1).replace("ENG", "NED") if m else None


def table_for_title(title: str) -> Table | None:
    """The catalogue table whose StatLine title matches ``title`` (ambiguous titles give None)."""
    norm = normalise_measure_name(title)
    hits = [t for t in TABLES.values() if normalise_measure_name(t.title) == norm]
    return hits[0] if len(hits) == 1 else None
