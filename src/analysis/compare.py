"""Comparison groups for a region: Nederland, the G4, the size class and comparable municipalities.

A municipality is best read beside the country, the four large cities, the
municipalities of its own size class (CBS *gemeentegrootteklasse*) and a group
of *vergelijkbare gemeenten* chosen by a documented rule
(:data:`COMPARISON_RULES`) from the characteristics CBS publishes in the
newest *Gebieden in Nederland* table at hand (85755NED: grootteklasse,
stedelijkheid, inwonertal, omgevingsadressendichtheid). A group of many
municipalities is summarised by its median per period, shown as one line.

Results carry codes: a median line has region code :data:`GROUP_CODE` (size
class) or :data:`COMPARABLE_CODE` (comparable group) and a Dutch name, like
every region; :func:`display_name` gives the name in the reader's language
when it is drawn.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .regions import G4, NEDERLAND

GROUP_CODE = "GROEP"
COMPARABLE_CODE = "VERGELIJKBAAR"
ALL_CODE = "GEMEENTEN"
#: label key per median-line code (see :func:`display_name`)
GROUP_LABELS = {
    GROUP_CODE: "size_class_median",
    COMPARABLE_CODE: "comparable_median",
    ALL_CODE: "all_municipalities_median",
}

#: Rules for the comparable group (the notebook parameter ``comparison``), with what they mean.
COMPARISON_RULES: dict[str, tuple[str, str]] = {
    "stedelijkheid": (
        "dezelfde stedelijkheidsklasse en dezelfde of een aangrenzende gemeentegrootteklasse (CBS)",
        "the same urbanity class and the same or an adjacent size class (CBS)",
    ),
    "grootteklasse": (
        "dezelfde gemeentegrootteklasse (CBS)",
        "the same size class (CBS)",
    ),
    "buren": (
        "de kortste afstand tot de gekozen gemeente in inwonertal en omgevingsadressendichtheid "
        "(beide logaritmisch, gestandaardiseerd over alle gemeenten; de 10 dichtstbijzijnde)",
        "the shortest distance to the chosen municipality in population and address density "
        "(both on a log scale, standardised over all municipalities; the 10 nearest)",
    ),
}
DEFAULT_COMPARISON = "stedelijkheid"
NEIGHBOURS = 10
#: the CBS region tables with municipality characteristics, newest first
CHARACTERISTICS_TABLES = ("85755NED", "84929NED")


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
        same = crosswalk[
            (crosswalk["size_class"] == size) & crosswalk["region_code"].str.startswith("GM")
        ]
        groups["grootteklasse"] = sorted(set(same["region_code"]) - {region})
    return groups


def group_median(
    obs: pd.DataFrame, members: list[str], name: str, *, min_members: int = 3
) -> pd.DataFrame:
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
        municipalities (``' (7)'``, or ``' (54-335)'`` when it varies by period), ``source`` names the tables; the status is the least
        final of the members' statuses.
    """
    sub = obs[obs["region_code"].isin(members) & obs["value"].notna()]
    if sub.empty:
        return obs.iloc[0:0].copy()
    keys = ["indicator", "period_type", "period", "unit"]
    rank = {"definitief": 0, "nader voorlopig": 1, "voorlopig": 2}
    # one aggregation per column over all periods (not a pass per period: ~20x faster)
    sub = sub.assign(_rank=[rank.get(s, 0) for s in sub["status"]]).reset_index(drop=True)
    grouped = sub.groupby(keys, sort=False)
    counts = grouped["region_code"].nunique()
    kept = counts[counts >= min_members]
    if kept.empty:
        return pd.DataFrame([], columns=list(obs.columns))
    # one name for the whole line: the number of members, or its range when it varies by period
    span = {ind: (int(c.min()), int(c.max())) for ind, c in kept.groupby(level="indicator")}
    medians = grouped["value"].median().to_dict()
    first_worst = grouped["_rank"].idxmax()  # the first row of the least final status
    worst = dict(
        zip(first_worst.index, sub["status"].to_numpy()[first_worst.to_numpy()], strict=True)
    )

    def joined(column: str, sep: str, dropna: bool = False) -> dict:
        values = sub[[*keys, column]].dropna(subset=[column]) if dropna else sub[[*keys, column]]
        parts = values.drop_duplicates().groupby(keys, sort=False)[column]
        return parts.agg(lambda v: sep.join(sorted(v))).to_dict()

    sources = joined("source", " en ")
    refs = joined("source_ref", "; ", dropna=True)
    published = joined("published", "; ")
    rows = []
    for key in kept.index:
        low, high = span[key[0]]
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "region_code": GROUP_CODE,
                "region_name": f"{name} ({low})" if low == high else f"{name} ({low}-{high})",
                "value": float(medians[key]),
                "status": worst[key],
                "source": sources[key],
                "source_ref": refs.get(key, ""),
                "published": published[key],
            }
        )
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


def with_comparisons(
    obs: pd.DataFrame,
    region: str,
    groups: dict[str, list[str]],
    language: str | None = None,
    *,
    comparable: ComparableGroup | None = None,
) -> pd.DataFrame:
    """Rows of ``region``, Nederland and the G4, plus the size-class median and the comparable median.

    Parameters
    ----------
    obs : DataFrame
        Observations of one indicator for the region and all comparison regions
        (including the members of ``comparable``).
    region : str
        The focus region.
    groups : dict
        As returned by :func:`comparison_regions`.
    language : {"nl", "en"}, optional
        Not used: the result carries codes and Dutch names; :func:`display_name`
        translates the median lines when they are drawn. Kept so that older
        calls keep working.
    comparable : ComparableGroup, optional
        A group from :func:`comparable_group`; its median is added as one line
        (code :data:`COMPARABLE_CODE`) unless it only repeats lines already
        drawn (the G4, the size class).

    Returns
    -------
    DataFrame
        The kept rows and the median rows, with codes; no translated text.
    """
    from .labels import label

    keep = obs[obs["region_code"].isin([region, *groups["nederland"], *groups["g4"]])]
    parts = [keep]
    distinct = distinct_groups(groups)
    members = distinct.get("grootteklasse", [])
    if members:
        parts.append(group_median(obs, members, label("size_class_median", "nl")))
    if comparable is not None and comparable.members:
        shown = {*groups["g4"], *members}
        if not set(comparable.members) <= shown and set(comparable.members) != set(members):
            median = group_median(obs, list(comparable.members), label("comparable_median", "nl"))
            parts.append(median.assign(region_code=COMPARABLE_CODE))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else keep.reset_index(drop=True)


def display_name(code: str, name: str | None, language: str | None = None) -> str | None:
    """The reader's name of a median line (code :data:`GROUP_CODE` or :data:`COMPARABLE_CODE`).

    Parameters
    ----------
    code : str
        A region code of a row of :func:`with_comparisons`.
    name : str or None
        Its ``region_name`` (Dutch, ending with the number of members, e.g. ``' (7)'`` or ``' (54-335)'``).
    language : {"nl", "en"}, optional
        Default: the session language.

    Returns
    -------
    str or None
        The translated name with the number of members, or None when ``code``
        is not a median line (the caller then shows the region's own name).
    """
    from .labels import label, resolve_language

    if code not in GROUP_LABELS:
        return None
    language = resolve_language(language)
    count = re.search(r"\((\d+(?:-\d+)?)\)\s*$", str(name or ""))
    text = label(GROUP_LABELS[code], language)
    return f"{text} ({count.group(1)})" if count else text


# --- comparable municipalities ------------------------------------------------------------------


@dataclass(frozen=True)
class ComparableGroup:
    """A documented, reproducible group of comparable municipalities.

    Attributes
    ----------
    region : str
        The municipality the group is for (not a member).
    rule : str
        A key of :data:`COMPARISON_RULES`.
    members : tuple of str
        Municipality codes, sorted; empty when the region or the region table is unknown.
    table : str or None
        The CBS region table the characteristics come from (``85755NED``).
    vintage : str
        That table's vintage.
    """

    region: str
    rule: str
    members: tuple[str, ...]
    table: str | None
    vintage: str = ""


def check_rule(rule: str) -> str:
    """``rule`` if it is a key of :data:`COMPARISON_RULES`, else ``ValueError`` listing them."""
    if rule not in COMPARISON_RULES:
        raise ValueError(
            f"unknown comparison {rule!r}; choose one of {', '.join(COMPARISON_RULES)}"
        )
    return rule


def _class_floor(size_class: str | None) -> float:
    """The lower bound of a CBS size class text (``'20 000 tot 50 000 inwoners'`` -> 20000)."""
    text = str(size_class or "").lower()
    if not text or text in ("none", "nan"):
        return math.nan
    if text.startswith("minder dan"):
        return 0.0
    m = re.match(r"\s*(\d[\d .]*)", text)
    return float(re.sub(r"[ .]", "", m.group(1))) if m else math.nan


def municipality_characteristics(cache_dir: str | Path | None = None) -> tuple[pd.DataFrame, dict]:
    """The municipalities of the newest CBS region table at hand, with their characteristics.

    Parameters
    ----------
    cache_dir : path, optional
        A CBS cache or extract folder (default: the configured cache).

    Returns
    -------
    (DataFrame, dict)
        One row per municipality: ``region_code``, ``region_name``,
        ``size_class``, ``size_rank`` (0 = smallest class), ``urbanity``,
        ``inhabitants``, ``address_density``; and the table's metadata
        (``table``, ``vintage``). Empty frame and ``{}`` when no region table
        with characteristics is cached.
    """
    from .cbs.cache import read_cached

    columns = [
        "region_code",
        "region_name",
        "size_class",
        "size_rank",
        "urbanity",
        "inhabitants",
        "address_density",
    ]
    for table_id in CHARACTERISTICS_TABLES:
        found = read_cached(table_id, cache_dir)
        if found is None:
            continue
        frame, meta = found
        frame = frame.reindex(
            columns=[
                "region_code",
                "region_name",
                "size_class",
                "urbanity",
                "inhabitants",
                "address_density",
            ]
        )
        gm = frame[
            frame["region_code"].astype(str).str.startswith("GM") & frame["size_class"].notna()
        ]
        if gm.empty:
            continue
        gm = gm.drop_duplicates("region_code").copy()
        floors = gm["size_class"].map(_class_floor)
        ranks = {f: i for i, f in enumerate(sorted(floors.dropna().unique()))}
        gm["size_rank"] = floors.map(ranks)
        for col in ("inhabitants", "address_density"):
            gm[col] = pd.to_numeric(gm[col], errors="coerce")
        out = gm[columns].sort_values("region_code").reset_index(drop=True)
        return out, {"table": table_id, "vintage": str(meta.get("vintage") or "")}
    return pd.DataFrame(columns=columns), {}


def comparable_members(
    region: str, rule: str, characteristics: pd.DataFrame, *, neighbours: int = NEIGHBOURS
) -> list[str]:
    """The comparable municipalities of ``region`` under ``rule`` (a pure function of the table).

    Parameters
    ----------
    region : str
        A municipality code.
    rule : str
        A key of :data:`COMPARISON_RULES`.
    characteristics : DataFrame
        As from :func:`municipality_characteristics`.
    neighbours : int, default :data:`NEIGHBOURS`
        Group size for the rule ``buren``.

    Returns
    -------
    list of str
        Sorted codes, without ``region``; empty when ``region`` is not in the table.
    """
    check_rule(rule)
    table = characteristics
    own = table[table["region_code"] == region]
    if own.empty:
        return []
    me = own.iloc[0]
    others = table[table["region_code"] != region]
    if rule == "grootteklasse":
        chosen = others[others["size_class"] == me["size_class"]]
    elif rule == "stedelijkheid":
        if pd.isna(me["urbanity"]) or pd.isna(me["size_rank"]):
            return []
        chosen = others[
            (others["urbanity"] == me["urbanity"])
            & ((others["size_rank"] - me["size_rank"]).abs() <= 1)
        ]
    else:
        cols = ["inhabitants", "address_density"]
        usable = table.dropna(subset=cols)
        usable = usable[(usable[cols] > 0).all(axis=1)]
        if region not in set(usable["region_code"]):
            return []
        x = np.log(usable[cols].to_numpy(dtype=float))
        z = (x - x.mean(axis=0)) / x.std(axis=0)
        at = list(usable["region_code"]).index(region)
        distance = np.sqrt(((z - z[at]) ** 2).sum(axis=1))
        order = pd.DataFrame({"code": usable["region_code"].to_numpy(), "d": distance})
        order = order[order["code"] != region].sort_values(["d", "code"], kind="stable")
        chosen = others[others["region_code"].isin(order["code"].head(neighbours))]
    return sorted(chosen["region_code"])


def comparable_group(
    region: str, rule: str = DEFAULT_COMPARISON, *, cache_dir: str | Path | None = None
) -> ComparableGroup:
    """The comparable municipalities of ``region`` under ``rule``, from the CBS region table at hand.

    Raises
    ------
    ValueError
        For an unknown rule.
    """
    check_rule(rule)
    table, meta = municipality_characteristics(cache_dir)
    members = comparable_members(region, rule, table) if region.startswith("GM") else []
    return ComparableGroup(region, rule, tuple(members), meta.get("table"), meta.get("vintage", ""))


#: CBS urbanity classes (*stedelijkheid*, Gebieden in Nederland) in English.
URBANITY_EN: dict[str, str] = {
    "zeer sterk stedelijk": "Very highly urbanised",
    "sterk stedelijk": "Highly urbanised",
    "matig stedelijk": "Moderately urbanised",
    "weinig stedelijk": "Slightly urbanised",
    "niet stedelijk": "Not urbanised",
}
_SIZE_CLASS = re.compile(
    r"^(?:(?P<below>minder dan) (?P<a>[\d ]+)|(?P<b>[\d ]+) tot (?P<c>[\d ]+)|(?P<d>[\d ]+) inwoners of meer)"
    r"(?: inwoners)?$"
)


def class_text(text: object, language: str | None = None) -> str:
    """A CBS size class or urbanity class (as *Gebieden in Nederland* writes it) in ``language``.

    >>> class_text("250 000 inwoners of meer", "en")
    '250,000 inhabitants or more'
    >>> class_text("Zeer sterk stedelijk", "en")
    'Very highly urbanised'

    Parameters
    ----------
    text : object
        The class text; None or missing gives ``''``.
    language : {'nl', 'en'}, optional
        Default: the session language.

    Returns
    -------
    str
        Numbers in the reader's format (``250.000``, ``250,000``); an unknown
        text unchanged.
    """
    from .labels import format_number, is_missing, resolve_language

    language = resolve_language(language)
    if text is None or is_missing(text):
        return ""
    raw = " ".join(str(text).split())

    def num(value: str) -> str:
        return format_number(int(value.replace(" ", "")), 0, language)

    m = _SIZE_CLASS.match(raw)
    if m:
        if m["below"]:
            return (
                f"minder dan {num(m['a'])} inwoners"
                if language == "nl"
                else f"fewer than {num(m['a'])} inhabitants"
            )
        if m["b"]:
            return (
                f"{num(m['b'])} tot {num(m['c'])} inwoners"
                if language == "nl"
                else f"{num(m['b'])} to {num(m['c'])} inhabitants"
            )
        return (
            f"{num(m['d'])} inwoners of meer"
            if language == "nl"
            else f"{num(m['d'])} inhabitants or more"
        )
    if language == "en":
        return URBANITY_EN.get(raw.lower(), raw)
    return raw


def describe_group(group: ComparableGroup, language: str | None = None) -> str:
    """One sentence: how the comparable group was chosen, from which table, how many members."""
    from .labels import label, resolve_language, vintage_text

    language = resolve_language(language)
    rule = COMPARISON_RULES[group.rule][0 if language == "nl" else 1]
    if not group.members:
        return label("comparable_none", language).format(rule=rule)
    return label("comparable_how", language).format(
        rule=rule,
        n=len(group.members),
        table=group.table,
        vintage=vintage_text(group.vintage, language),
    )


def group_table(
    group: ComparableGroup, cache_dir: str | Path | None = None, language: str | None = None
) -> pd.DataFrame:
    """The comparable group as a reader's table: the region first, then the members by population.

    Columns (in the reader's language): municipality, role (the chosen one or
    comparable), size class, urbanity, inhabitants, address density; names, not
    codes, as every reader's table.
    """
    from .labels import format_number, label, resolve_language

    language = resolve_language(language)
    table, _ = municipality_characteristics(cache_dir)
    rows = table[table["region_code"].isin([group.region, *group.members])].copy()
    rows["_own"] = rows["region_code"] == group.region
    rows = rows.sort_values(["_own", "inhabitants"], ascending=[False, False], kind="stable")
    role = rows["_own"].map(
        {True: label("comparable_own", language), False: label("comparable_member", language)}
    )
    out = pd.DataFrame(
        {
            label("comparable_col_name", language): rows["region_name"].to_numpy(),
            label("comparable_col_role", language): role.to_numpy(),
            label("comparable_col_size", language): [
                class_text(v, language) for v in rows["size_class"]
            ],
            label("comparable_col_urbanity", language): [
                class_text(v, language) for v in rows["urbanity"]
            ],
            label("comparable_col_inhabitants", language): [
                format_number(v, 0, language) for v in rows["inhabitants"]
            ],
            label("comparable_col_density", language): [
                format_number(v, 0, language) for v in rows["address_density"]
            ],
        }
    )
    return out.reset_index(drop=True)
