"""Reach (*bereik*): clients and cases of the buurtteams and of aanvullende zorg.

The helpers behind notebook ``01_bereik`` (and the register rows of the
overview, ``00_overzicht``):

* (which register a notebook reads, and whether it describes the notebook's
  region at all, is :func:`analysis.register.register_scope`: ``session.register(...)``);
* the register's reach figures as observations, for the city or per wijk,
  with the base of every rate so that :mod:`analysis.disclosure` can protect
  them (:func:`reach_observations`);
* choosing rows for a chart (:func:`select`, :func:`wijk_regions`), a
  title for a group of indicators (:func:`group_title`) and comparison
  groups that do not draw a line twice (:func:`analysis.compare.distinct_groups`);
* the published figures beside the register's, one line per publication
  (:func:`beside_published`, :func:`published_comparison`), and the latest
  values as text (:func:`latest_values`).

All functions are pure: DataFrames in, new DataFrames out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .disclosure import source_kind
from .labels import format_value, label, period_label, resolve_language
from .periods import period_sort_key
from .published import vintage_year
from .regions import RegionResolver, wijken_of
from .schema import COLUMNS, OPTIONAL_COLUMNS

#: Register indicators of reach, per group (a chart each): Sociaal, Jeugd en Gezin, aanvullende zorg.
GROUPS: dict[str, tuple[str, ...]] = {
    "sociaal": (
        "buurtteam_sociaal_clienten",
        "buurtteam_sociaal_casussen",
        "buurtteam_sociaal_nieuwe_casussen",
    ),
    "jeugd_en_gezin": (
        "buurtteam_jg_clienten",
        "buurtteam_jg_gezinnen",
        "buurtteam_jg_nieuwe_casussen",
    ),
    "aanvullende_zorg": ("aanvullende_zorg_jeugd_clienten", "aanvullende_zorg_sociaal_clienten"),
}

#: The "beweging naar voren" per care domain: share of the buurtteam among all clients of the domain.
FORWARD: dict[str, str] = {
    "sociaal": "buurtteam_aanvullende_zorg_verhouding",
    "jeugd": "buurtteam_jg_aanvullende_zorg_verhouding",
}

#: Counts shown for every wijk (small multiples) when no wijk is chosen.
WIJK_INDICATORS: tuple[str, ...] = (
    "buurtteam_sociaal_clienten",
    "buurtteam_jg_gezinnen",
    "aanvullende_zorg_jeugd_clienten",
)

#: CBS context: Wmo clients per 1,000 inhabitants and youths with youth care.
CBS_INDICATORS: tuple[str, ...] = ("wmo_clienten_per_1000", "jeugdzorg_pct")

#: The CBS indicator that CBS also publishes per wijk (the Wmo-per-wijk tables).
WIJK_CBS_INDICATOR = "wmo_clienten_per_1000"

#: Register indicators that the municipality also published (data/published).
PUBLISHED_BESIDE: tuple[str, ...] = (
    "buurtteam_sociaal_clienten",
    "buurtteam_sociaal_nieuwe_casussen",
    "buurtteam_jg_clienten",
    "buurtteam_jg_gezinnen",
    "buurtteam_jg_trajecten",
    "aanvullende_zorg_jeugd_clienten",
    "buurtteam_aanvullende_zorg_verhouding",
)

#: How :func:`reach_observations` computes each indicator: the aggregate's value column and,
#: for frames split by care domain, the domain (rows of one team are picked by
#: :func:`analysis.register.to_observations` itself).
MEASURES: dict[str, tuple[str, str | None]] = {
    "buurtteam_sociaal_clienten": ("clients", None),
    "buurtteam_sociaal_casussen": ("active_cases", None),
    "buurtteam_sociaal_nieuwe_casussen": ("new_cases", None),
    "buurtteam_jg_clienten": ("clients", None),
    "buurtteam_jg_gezinnen": ("active_cases", None),
    "buurtteam_jg_nieuwe_casussen": ("new_cases", None),
    "buurtteam_jg_trajecten": ("active_cases", None),
    "aanvullende_zorg_jeugd_clienten": ("care_clients", "jeugd"),
    "aanvullende_zorg_sociaal_clienten": ("care_clients", "sociaal"),
    "buurtteam_aanvullende_zorg_verhouding": ("buurtteam_pct", "sociaal"),
    "buurtteam_jg_aanvullende_zorg_verhouding": ("buurtteam_pct", "jeugd"),
}

#: Every register indicator :func:`reach_observations` returns.
REACH_INDICATORS: tuple[str, ...] = tuple(MEASURES)

#: Region code prefix of the pseudo-regions that carry one publication each in :func:`beside_published`.
PUBLICATION_CODE = "PUB"

_EMPTY_OBS_COLUMNS = [*COLUMNS, *OPTIONAL_COLUMNS]


def region_name(code: str, resolver: RegionResolver | None = None) -> str:
    """``'Amsterdam (GM0363)'``: the name and code of a region, or the code alone when the name is unknown."""
    name = (resolver or RegionResolver()).name_of(code)
    return f"{name} ({code})" if name else code


# --- the register's reach figures ---------------------------------------------------------------


def reach_observations(register, *, by_wijk: bool = False) -> pd.DataFrame:
    """The register's reach figures per year, as observations with the base of every rate.

    Counts come from the register's aggregations (:func:`analysis.register.new_cases`,
    :func:`~analysis.register.active_cases`, :func:`~analysis.register.unique_clients`,
    :func:`~analysis.register.care_clients`) and the "beweging naar voren" of both
    domains from :func:`~analysis.register.forward_share`, under the indicator
    ids of :data:`MEASURES`, turned into rows by
    :func:`analysis.register.to_observations` (which marks synthetic data).

    Parameters
    ----------
    register : analysis.register.Register
    by_wijk : bool, default False
        Per wijk instead of for the whole municipality.

    Returns
    -------
    DataFrame
        Observations of :data:`REACH_INDICATORS` (the aanvullende-zorg rows
        only when the register has that table) from the first registration
        to the register's snapshot date, plus a column ``n``: the persons a
        share is computed on (buurtteam + aanvullende zorg clients), NaN for
        counts. Pass it as ``base_col="n"`` to
        :func:`analysis.disclosure.apply_disclosure_control`.

    Notes
    -----
    Computed once per version of a loaded register's files and returned as
    a copy (:func:`analysis.register.memo.derived`): the reports of a wijk
    batch share the city's table.
    """
    from .register.memo import derived

    return derived(
        register,
        "analysis.reach.reach_observations",
        lambda: _reach_observations(register, by_wijk=by_wijk),
        by_wijk=bool(by_wijk),
    )


def _reach_observations(register, *, by_wijk: bool) -> pd.DataFrame:
    """:func:`reach_observations`, computed."""
    from .register import (
        active_cases,
        care_clients,
        forward_share,
        new_cases,
        to_observations,
        unique_clients,
    )

    cases, care = register.cases, register.care
    split = ["wijk_code"] if by_wijk else []
    span = {"start": cases["registration_date"].min(), "end": register.snapshot_date}
    frames = {
        "new_cases": new_cases(cases, by=["team", *split], **span),
        "active_cases": active_cases(cases, by=["team", *split], **span),
        "clients": unique_clients(cases, by=["team", *split], **span),
    }
    if len(care):
        frames["care_clients"] = care_clients(care, by=["domain", *split], **span).rename(
            columns={"clients": "care_clients"}
        )
        frames["buurtteam_pct"] = forward_share(cases, care, by=split, **span)
    parts = []
    for indicator, (column, domain) in MEASURES.items():
        if column not in frames:
            continue
        frame = frames[column]
        if domain is not None:
            frame = frame[frame["domain"] == domain].reset_index(drop=True)
        rows = to_observations(
            frame,
            indicator,
            value=column,
            register=register,
            source_ref=f"analysis.register: {column} (year)",
        )
        base = (
            frame["buurtteam_clients"] + frame["care_clients"]
            if column == "buurtteam_pct"
            else np.nan
        )
        parts.append(
            rows.assign(n=base.to_numpy(dtype=float) if column == "buurtteam_pct" else base)
        )
    return pd.concat(parts, ignore_index=True)


# --- choosing rows and titles ----------------------------------------------------------------


def select(
    obs: pd.DataFrame | Sequence[pd.DataFrame],
    indicators: str | Iterable[str],
    regions: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``indicators`` (in that order) and, optionally, ``regions``.

    Parameters
    ----------
    obs : DataFrame or sequence of DataFrames
        Observations; several frames (say city and wijken) are stacked first.
    indicators : str or iterable of str
    regions : iterable of str, optional
        Region codes to keep; default all.

    Returns
    -------
    DataFrame
        The rows, ordered by the given indicators, then as they were.
    """
    frames = (
        [obs] if isinstance(obs, pd.DataFrame) else [f for f in obs if f is not None and len(f)]
    )
    if not frames:
        return pd.DataFrame(columns=_EMPTY_OBS_COLUMNS)
    data = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    wanted = [indicators] if isinstance(indicators, str) else list(indicators)
    keep = data["indicator"].isin(wanted)
    if regions is not None:
        keep &= data["region_code"].isin(list(regions))
    rank = data.loc[keep, "indicator"].map({ind: i for i, ind in enumerate(wanted)})
    return (
        data[keep]
        .assign(_rank=rank)
        .sort_values("_rank", kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def wijk_regions(region: str, wijk: str | None = None) -> list[str]:
    """The regions of a wijk view: the chosen wijk and its municipality, or every known wijk and the municipality.

    Without a wijk the wijken are those the package knows by heart
    (:func:`analysis.regions.wijken_of`: the ten wijken of Utrecht); for
    another municipality the list holds the municipality only.
    """
    if wijk:
        return [wijk, region]
    return [*wijken_of(region), region]


def group_title(group: str, obs: pd.DataFrame, language: str | None = None) -> str:
    """``'Buurtteams Sociaal, Utrecht'``: the title of a group chart, with the region drawn.

    Parameters
    ----------
    group : str
        A key of :data:`GROUPS`.
    obs : DataFrame
        The rows drawn; the region name is taken from them (one region expected).
    language : {"nl", "en"}
    """
    language = resolve_language(language)
    title = label(f"reach_group_{group}", language)
    names = list(dict.fromkeys(obs["region_name"].astype(str))) if len(obs) else []
    return f"{title}, {names[0]}" if len(names) == 1 else title


# --- published figures beside the register's ----------------------------------------------------


def _publications_in_order(published: pd.DataFrame) -> list[str]:
    """Publications, oldest vintage first (then by name)."""
    names = list(dict.fromkeys(published["published"].astype(str)))
    return sorted(names, key=lambda p: (vintage_year(p) or 0, p))


def beside_published(
    register_obs: pd.DataFrame,
    published_obs: pd.DataFrame,
    indicator: str,
    region: str = "GM0344",
    language: str | None = None,
) -> pd.DataFrame:
    """The register's series of one indicator and, beside it, one series per publication.

    Every publication becomes a pseudo-region (code ``PUB1``, ``PUB2``, ...;
    name ``Gepubliceerd: <publication>``) so that
    :func:`analysis.plotting.line_chart` draws it as a line of its own, with the
    register's series (renamed ``Register (synthetisch)``) as the focus line.

    Parameters
    ----------
    register_obs : DataFrame
        Observations from the register.
    published_obs : DataFrame
        Published observations (:mod:`analysis.published`) of the same indicator.
    indicator : str
    region : str, default "GM0344"
        The municipality; the focus of the chart.
    language : {"nl", "en"}

    Returns
    -------
    DataFrame
        Observations of the register, then of the publications (oldest
        vintage first), only periods of the register's period type; empty
        when either side has no values.
    """
    language = resolve_language(language)
    reg = register_obs[
        (register_obs["indicator"] == indicator) & (register_obs["region_code"] == region)
    ]
    if published_obs is None or reg.empty:
        return reg.iloc[0:0]
    kinds = set(reg["period_type"])
    pub = published_obs[
        (published_obs["indicator"] == indicator)
        & (published_obs["region_code"] == region)
        & published_obs["period_type"].isin(kinds)
        & published_obs["value"].notna()
    ]
    if pub.empty:
        return reg.iloc[0:0]
    synthetic = any(source_kind(s) == "synthetic" for s in reg["source"].unique())
    name = label("register", language).capitalize()
    reg = reg.assign(region_name=f"{name} ({label('synthetic', language)})" if synthetic else name)
    pub = pub.drop_duplicates(["published", "period"])
    codes = {
        p: f"{PUBLICATION_CODE}{i}" for i, p in enumerate(_publications_in_order(pub), start=1)
    }
    pub = pub.assign(
        region_code=pub["published"].map(codes),
        region_name=label("published", language).capitalize() + ": " + pub["published"].astype(str),
    )
    pub = pub.assign(_p=pub["period"].map(period_sort_key)).sort_values(
        ["region_code", "_p"], kind="stable"
    )
    return pd.concat([reg, pub.drop(columns="_p")], ignore_index=True)


def published_comparison(
    register_obs: pd.DataFrame,
    published_obs: pd.DataFrame | Iterable[pd.DataFrame],
    region: str = "GM0344",
) -> pd.DataFrame:
    """Every published figure next to the register's figure for the same indicator and period.

    Parameters
    ----------
    register_obs : DataFrame
        Observations from the register.
    published_obs : DataFrame or iterable of DataFrames
        Published observations.
    region : str, default "GM0344"

    Returns
    -------
    DataFrame
        ``indicator``, ``period``, ``register``, ``published``,
        ``difference_pct`` (register against published, in % of the published
        value) and ``publication``, sorted by indicator, period and vintage;
        only published rows with a value.
    """
    frames = (
        [published_obs]
        if isinstance(published_obs, pd.DataFrame)
        else [f for f in published_obs if len(f)]
    )
    columns = ["indicator", "period", "register", "published", "difference_pct", "publication"]
    if not frames:
        return pd.DataFrame(columns=columns)
    pub = pd.concat(frames, ignore_index=True)
    pub = pub[(pub["region_code"] == region) & pub["value"].notna()]
    reg = register_obs[register_obs["region_code"] == region][["indicator", "period", "value"]]
    out = pub.merge(
        reg.rename(columns={"value": "register"}), on=["indicator", "period"], how="inner"
    )
    out = out.rename(columns={"value": "published", "published": "publication"})
    base = out["published"].where(out["published"] != 0)
    out["difference_pct"] = (100.0 * (out["register"] - out["published"]) / base).round(1)
    out["register"] = out["register"].round(1)
    out["_p"] = out["period"].map(period_sort_key)
    out["_v"] = out["publication"].map(lambda p: vintage_year(p) or 0)
    out = out.sort_values(["indicator", "_p", "_v", "publication"], kind="stable")
    return out[columns].reset_index(drop=True)


def latest_values(obs: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """The latest value of every indicator and region, formatted for readers.

    Parameters
    ----------
    obs : DataFrame
        Observations (withheld values keep their ``display`` text, if any).
    language : {"nl", "en"}

    Returns
    -------
    DataFrame
        ``indicator``, ``region_code``, ``period`` (reader's name) and
        ``value`` (formatted with its unit, ``<10`` for a withheld count),
        in the order of first appearance.
    """
    language = resolve_language(language)
    if obs.empty:
        return pd.DataFrame(columns=["indicator", "region_code", "period", "value"])
    data = obs.assign(_p=obs["period"].map(period_sort_key))
    latest = (
        data.sort_values("_p", kind="stable")
        .groupby(["indicator", "region_code"], sort=False)
        .tail(1)
    )
    order = {
        key: i
        for i, key in enumerate(
            dict.fromkeys(zip(obs["indicator"], obs["region_code"], strict=True))
        )
    }
    latest = latest.assign(
        _o=[order[k] for k in zip(latest["indicator"], latest["region_code"], strict=True)]
    )
    latest = latest.sort_values("_o")
    display = (
        latest["display"] if "display" in latest.columns else pd.Series(None, index=latest.index)
    )
    values = [
        format_value(v, u, language)
        if not pd.isna(v)
        else (str(d) if isinstance(d, str) else format_value(v, u, language))
        for v, u, d in zip(latest["value"], latest["unit"], display, strict=True)
    ]
    return pd.DataFrame(
        {
            "indicator": latest["indicator"].to_numpy(),
            "region_code": latest["region_code"].to_numpy(),
            "period": [period_label(p, language) for p in latest["period"]],
            "value": values,
        }
    )


__all__ = [
    "CBS_INDICATORS",
    "FORWARD",
    "GROUPS",
    "MEASURES",
    "PUBLISHED_BESIDE",
    "REACH_INDICATORS",
    "WIJK_CBS_INDICATOR",
    "WIJK_INDICATORS",
    "beside_published",
    "group_title",
    "latest_values",
    "published_comparison",
    "reach_observations",
    "region_name",
    "select",
    "wijk_regions",
]
