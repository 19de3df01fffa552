"""Doelgroepen: the register's clients by age group, and in beschermd wonen and maatschappelijke opvang.

The seeds name target groups the policy addresses: *kwetsbare jongvolwassenen*
(18 tot 23 jaar), *ouderen*, the clients of *beschermd wonen* and
*maatschappelijke opvang*, and *mantelzorgers*. The case register records
the age band of every client at registration
(:data:`analysis.register.AGE_BANDS`, the bands of the CBS youth-care and Wmo
tables) and the care type of every trajectory of aanvullende zorg, so it
can show all of them except the mantelzorgers (it does not record carers).

Counts are unique clients with a case (or trajectory) running in the year,
per team: a client counts once per group and year, in the group of the age at
registration of the case. They are personal data: every count goes through
:func:`analysis.disclosure.apply_disclosure_control` (counts below 10
withheld, with secondary suppression), at city level too.
"""

from __future__ import annotations

import pandas as pd

from . import labels
from .disclosure import apply_disclosure_control
from .labels import format_value, label

#: Age groups (doelgroepen) from the register's age bands, youngest first.
AGE_GROUPS: dict[str, tuple[str, ...]] = {
    "kinderen_0_11": ("0-3", "4-11"),
    "jongeren_12_17": ("12-17",),
    "jongvolwassenen_18_22": ("18-22",),
    "volwassenen_23_64": ("23-44", "45-64"),
    "ouderen_65_74": ("65-74",),
    "ouderen_75_plus": ("75+",),
}
#: Care types of aanvullende zorg that are doelgroepen of their own.
CARE_GROUPS: tuple[str, ...] = ("beschermd_wonen", "maatschappelijke_opvang")
#: Levels at which the counts are protected: the city as well as wijken and buurten.
LEVELS: tuple[str, ...] = ("gemeente", "wijk", "buurt")
COLUMNS = [
    "period",
    "region_code",
    "group",
    "team",
    "value",
    "unit",
    "status",
    "display",
    "source",
    "published",
]


def group_of_band(band: str) -> str | None:
    """The doelgroep of an age band (``'18-22'`` -> ``'jongvolwassenen_18_22'``), None if unknown."""
    for group, bands in AGE_GROUPS.items():
        if band in bands:
            return group
    return None


def doelgroep_counts(register, *, by_wijk: bool = False, start=None, end=None) -> pd.DataFrame:
    """Unique clients per year, team and doelgroep, protected against disclosure.

    Parameters
    ----------
    register : analysis.register.Register
    by_wijk : bool, default False
        Per wijk (``region_code`` the wijk) instead of for the municipality.
    start, end : optional
        Period bounds passed to the register's aggregations.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: ``group`` a key of :data:`AGE_GROUPS` (teams
        ``sociaal`` and ``jeugd_en_gezin``) or of :data:`CARE_GROUPS` (team
        ``aanvullende_zorg``); ``value`` NaN where withheld, ``display``
        ``<10`` or ``x`` there; ``source`` and ``published`` the register's
        (synthetic data say so). Groups without any client in any year are left out.

    Notes
    -----
    Computed once per version of a loaded register's files and returned as
    a copy (:func:`analysis.register.memo.derived`).
    """
    from .register.memo import derived

    return derived(
        register,
        "analysis.doelgroepen.doelgroep_counts",
        lambda: _doelgroep_counts(register, by_wijk=by_wijk, start=start, end=end),
        by_wijk=bool(by_wijk),
        start=start,
        end=end,
    )


def _doelgroep_counts(register, *, by_wijk: bool, start, end) -> pd.DataFrame:
    """:func:`doelgroep_counts`, computed."""
    from .register import care_clients, unique_clients

    provenance = register.provenance()
    municipality = register.municipality
    split = ["wijk_code"] if by_wijk else []
    cases = register.cases.assign(group=register.cases["age_band"].map(group_of_band))
    cases = cases[cases["group"].notna()]
    parts = []
    if len(cases):
        people = unique_clients(cases, by=["team", "group", *split], start=start, end=end)
        parts.append(people.rename(columns={"clients": "value"}))
    care = register.care
    if len(care):
        care = care[care["care_type"].isin(CARE_GROUPS)]
        if len(care):
            clients = care_clients(care, by=["care_type", *split], start=start, end=end)
            parts.append(
                clients.rename(columns={"care_type": "group", "clients": "value"}).assign(
                    team="aanvullende_zorg"
                )[["period", "team", "group", *split, "value"]]
            )
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["region_code"] = out["wijk_code"] if by_wijk else municipality
    out = out.assign(
        unit="aantal",
        source=provenance["source"],
        published=provenance["published"],
        value=out["value"].astype(float),
    )
    seen = out.groupby(["team", "group"])["value"].transform("sum") > 0
    out = out[seen].reset_index(drop=True)
    protected = apply_disclosure_control(out, levels=LEVELS)
    order = {g: i for i, g in enumerate([*AGE_GROUPS, *CARE_GROUPS])}
    protected = protected.assign(_o=protected["group"].map(order)).sort_values(
        ["team", "_o", "region_code", "period"], kind="stable"
    )
    return protected[COLUMNS].reset_index(drop=True)


def doelgroep_table(counts: pd.DataFrame, region: str, language: str | None = None) -> pd.DataFrame:
    """The counts of one region as a reader's table: a row per team and doelgroep, a column per year.

    Parameters
    ----------
    counts : DataFrame
        From :func:`doelgroep_counts`.
    region : str
        The municipality or a wijk.
    language : {"nl", "en"}, optional

    Returns
    -------
    DataFrame
        Columns ``team``, ``doelgroep`` and one per year; withheld counts
        shown as ``<10`` / ``x``, years without the team empty.
    """
    language = labels.resolve_language(language)
    rows = counts[counts["region_code"] == region]
    if rows.empty:
        return pd.DataFrame(columns=["team", "doelgroep"])
    shown = [
        d if isinstance(d, str) and d else format_value(v, "aantal", language)
        for v, d in zip(rows["value"], rows["display"], strict=True)
    ]
    table = rows.assign(
        shown=shown,
        team_label=rows["team"].map(lambda t: label(f"team_{t}", language)),
        group_label=rows["group"].map(lambda g: label(f"doelgroep_{g}", language)),
    )
    wide = table.pivot_table(
        index=["team_label", "group_label"],
        columns="period",
        values="shown",
        aggfunc="first",
        sort=False,
    )
    wide = (
        wide.fillna("")
        .reset_index()
        .rename(
            columns={
                "team_label": label("team", language),
                "group_label": label("doelgroep", language),
            }
        )
    )
    wide.columns.name = None
    return wide


def styled(
    counts: pd.DataFrame, region: str, *, selection: str | None = None, language: str | None = None
):
    """The table of :func:`doelgroep_table` for the page: the house table, the source as caption.

    Returns
    -------
    analysis.plotting.ReaderTable, or the empty-selection sentence
    """
    from . import plotting

    language = labels.resolve_language(language)
    rows = counts[counts["region_code"] == region]
    table = doelgroep_table(rows, region, language)
    if table.empty:
        return plotting.empty_note(selection=selection, language=language)
    return plotting.reader_table(
        table, caption=plotting.source_text(rows, language), language=language
    )


__all__ = [
    "AGE_GROUPS",
    "CARE_GROUPS",
    "COLUMNS",
    "LEVELS",
    "doelgroep_counts",
    "doelgroep_table",
    "styled",
    "group_of_band",
]
