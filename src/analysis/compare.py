"""Comparison groups for a region: Nederland, the G4, municipalities of the same size class.

A municipality is best read beside the country, the four large cities and the
municipalities of its own size class (CBS *gemeentegrootteklasse*, from the
*Gebieden in Nederland* table in the CBS cache). A group of many
municipalities is summarised by its median per period, shown as one line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .regions import G4, NEDERLAND

GROUP_CODE = "GROEP"


def size_class_of(region: str, crosswalk: pd.DataFrame | None) -> str | None:
    """The CBS size class (e.g. ``'250 000 inwoners of meer'``) of a municipality, if known."""
    if crosswalk is None or "size_class" not in crosswalk:
        return None
    rows = crosswalk[(crosswalk["region_code"] == region) & crosswalk["size_class"].notna()]
    return str(rows["size_class"].iloc[0]) if len(rows) else None


def comparison_regions(region: str, *, cache_dir: str | Path | None = None) -> dict[str, list[str]]:
    """Comparison groups for ``region``.

    Returns
    -------
    dict
        ``{"nederland": ["NL01"], "g4": [...], "grootteklasse": [...]}``; the
        G4 without ``region`` itself; the size-class group is empty when the
        CBS region table is not cached, or ``region`` is not a municipality.
    """
    from .cbs.cache import read_crosswalk

    crosswalk = read_crosswalk(cache_dir)
    groups: dict[str, list[str]] = {"nederland": [NEDERLAND], "g4": [c for c in G4 if c != region]}
    size = size_class_of(region, crosswalk) if region.startswith("GM") else None
    if size is None:
        groups["grootteklasse"] = []
    else:
        same = crosswalk[(crosswalk["size_class"] == size) & crosswalk["region_code"].str.startswith("GM")]
        groups["grootteklasse"] = sorted(set(same["region_code"]) - {region})
    return groups


def group_median(obs: pd.DataFrame, members: list[str], name: str, *, min_members: int = 3) -> pd.DataFrame:
    """The median of a group of regions per period, as observation-like rows.

    Parameters
    ----------
    obs : DataFrame
        Observations of one indicator for (at least) the members.
    members : list of str
        Region codes in the group.
    name : str
        What the line is called (e.g. ``'mediaan gemeenten 250.000+'``).
    min_members : int, default 3
        Periods with fewer members reporting a value are left out.

    Returns
    -------
    DataFrame
        One row per indicator, period type and period, ``region_code`` is
        :data:`GROUP_CODE`, ``region_name`` ends with the number of
        municipalities, ``source`` names the tables; the status is the least
        final of the members' statuses.
    """
    sub = obs[obs["region_code"].isin(members) & obs["value"].notna()]
    if sub.empty:
        return obs.iloc[0:0].copy()
    keys = ["indicator", "period_type", "period", "unit"]
    rank = {"definitief": 0, "nader voorlopig": 1, "voorlopig": 2}
    rows = []
    for key, group in sub.groupby(keys, sort=False):
        if group["region_code"].nunique() < min_members:
            continue
        worst = max(group["status"], key=lambda s: rank.get(s, 0))
        rows.append({
            **dict(zip(keys, key, strict=True)),
            "region_code": GROUP_CODE,
            "region_name": f"{name} ({group['region_code'].nunique()})",
            "value": float(group["value"].median()),
            "status": worst,
            "source": " en ".join(sorted(group["source"].unique())),
            "source_ref": "; ".join(sorted(group["source_ref"].dropna().unique())),
            "published": "; ".join(sorted(group["published"].unique())),
        })
    return pd.DataFrame(rows, columns=list(obs.columns)).reset_index(drop=True)


def distinct_groups(groups: dict[str, list[str]]) -> dict[str, list[str]]:
    """Comparison groups without a size-class median that only repeats lines already drawn.

    For a G4 city the size class (250.000 inwoners of meer) is the other three
    G4 cities, which :func:`with_comparisons` draws anyway;
    their median is then always the middle one of them, and its line hides
    that city's line. Such a size class is emptied.

    Parameters
    ----------
    groups : dict
        As returned by :func:`analysis.compare.comparison_regions`.

    Returns
    -------
    dict
        A copy; ``grootteklasse`` is empty when all its members are in the
        other groups.
    """
    out = {name: list(members) for name, members in groups.items()}
    shown = {code for name, members in out.items() if name != "grootteklasse" for code in members}
    if set(out.get("grootteklasse", [])) <= shown:
        out["grootteklasse"] = []
    return out


def with_comparisons(obs: pd.DataFrame, region: str, groups: dict[str, list[str]], language: str = "nl") -> pd.DataFrame:
    """Rows of ``region``, Nederland and the G4, plus the size-class median as one line.

    Parameters
    ----------
    obs : DataFrame
        Observations of one indicator for the region and all comparison regions.
    region : str
        The focus region.
    groups : dict
        As returned by :func:`comparison_regions`.
    language : {"nl", "en"}
    """
    from .labels import label

    keep = obs[obs["region_code"].isin([region, *groups["nederland"], *groups["g4"]])]
    members = distinct_groups(groups).get("grootteklasse", [])
    if not members:
        return keep.reset_index(drop=True)
    median = group_median(obs, members, label("size_class_median", language))
    return pd.concat([keep, median], ignore_index=True)
