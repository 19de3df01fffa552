"""Load CBS indicators from the cache as tidy observations, stitched over continuation tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import datacache
from ..errors import InputError
from ..indicators import get_indicator
from ..periods import PERIOD_TYPES, period_sort_key, period_type_of
from ..regions import RegionResolver, level_of
from ..schema import empty_observations, map_unique, validate_observations
from .cache import CROSSWALK, cached_metadata, cbs_cache_dir, read_cached, read_crosswalk
from .catalogue import (
    REGION_TABLES,
    SERIES_BREAKS,
    SWITCH_NOTES,
    TABLES,
    is_table_source,
    is_table_switch,
    switched_tables,
    tables_for,
)
from .extract import MANIFEST, OBSERVATIONS, REGIONS, is_extract

_SUFFIX = re.compile(r"\s*\((gemeente|PV|LD|JZ|CR)\)\s*$")


def region_resolver(cache_dir: str | Path | None = None) -> RegionResolver:
    """A resolver that knows the built-in regions and every region in the cache.

    Built once per version of the cache's region files (:mod:`analysis.datacache`):
    a resolver does not change after it is built, so every caller shares it.
    """
    folder = cbs_cache_dir(cache_dir)
    return datacache.load(
        ("analysis.cbs.load.region_resolver", str(folder.resolve())),
        _crosswalk_files(folder),
        lambda: RegionResolver(read_crosswalk(cache_dir)),
    )


def _crosswalk_files(folder: Path) -> list[Path]:
    """The files :func:`~analysis.cbs.cache.read_crosswalk` builds the crosswalk of ``folder`` from."""
    if is_extract(folder):
        return [
            folder / name for name in (OBSERVATIONS, MANIFEST, REGIONS) if (folder / name).exists()
        ]
    return [folder / CROSSWALK]


def load_indicator(
    indicator: str,
    regions: list[str] | tuple[str, ...] | str | None = None,
    period_type: str | None = None,
    *,
    cache_dir: str | Path | None = None,
    resolver: RegionResolver | None = None,
) -> pd.DataFrame:
    """One CBS indicator from the cache, as observations.

    Continuation tables are stitched into one series: where two tables cover
    the same region and period, the later table (see
    :data:`analysis.cbs.catalogue.SERIES`) wins. Use :func:`seams` on the
    result to see where the source changes.

    Parameters
    ----------
    indicator : str
        A CBS indicator id such as ``"jeugdhulp_pct"``.
    regions : str or sequence of str, optional
        Region codes to keep (default: all).
    period_type : {"year", "halfyear", "quarter", "date"}, optional
        Keep one period type only (default: all).
    cache_dir : path, optional
        The CBS cache folder (default: ``data/cache/cbs``).
    resolver : RegionResolver, optional
        Reuse a resolver when loading many indicators.

    Returns
    -------
    DataFrame
        Observations (see :mod:`analysis.schema`), validated, sorted by region
        and period.

    Raises
    ------
    InputError
        When none of the indicator's tables is in the cache.

    Notes
    -----
    Without a ``resolver``, the whole indicator (every region) is loaded and
    validated once per version of its cached files and the crosswalk
    (:mod:`analysis.datacache`); a call returns a copy of the rows of
    ``regions``.
    """
    if isinstance(regions, str):
        regions = [regions]
    if resolver is None:
        folder = cbs_cache_dir(cache_dir)
        files = _indicator_files(folder, indicator)
        key = ("analysis.cbs.load.load_indicator", indicator, period_type, str(folder.resolve()))
        return datacache.load(
            key,
            files,
            lambda: _load_indicator(
                indicator, None, period_type, cache_dir=cache_dir, resolver=None
            ),
            select=None if regions is None else _rows_of(list(regions)),
        )
    return _load_indicator(indicator, regions, period_type, cache_dir=cache_dir, resolver=resolver)


def _indicator_files(folder: Path, indicator: str) -> list[Path]:
    """The files a :func:`load_indicator` call reads from ``folder`` (for :mod:`analysis.datacache`).

    A cache folder: its crosswalk and the indicator's cached tables (parquet
    and metadata). An extract (``data/cbs``): its observations, manifest and
    region files, which every indicator of the extract reads.
    """
    if is_extract(folder):
        return _crosswalk_files(folder)
    return _crosswalk_files(folder) + [
        folder / f"{t}.{ext}"
        for t in tables_for(indicator)
        for ext in ("parquet", "json")
        if (folder / f"{t}.parquet").exists()
    ]


def _rows_of(regions: list[str]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def select(obs: pd.DataFrame) -> pd.DataFrame:
        return obs[obs["region_code"].isin(regions)].reset_index(drop=True)

    return select


def _load_indicator(
    indicator: str,
    regions: list[str] | tuple[str, ...] | str | None,
    period_type: str | None,
    *,
    cache_dir: str | Path | None,
    resolver: RegionResolver | None,
) -> pd.DataFrame:
    """:func:`load_indicator` without the cache."""
    table_ids = tables_for(indicator)
    get_indicator(indicator)
    resolver = resolver or region_resolver(cache_dir)
    if isinstance(regions, str):
        regions = [regions]
    raw, found = table_rows(
        indicator,
        table_ids,
        cache_dir=cache_dir,
        resolver=resolver,
        period_type=period_type,
        regions=regions,
    )
    if not found:
        raise InputError(
            f"no CBS table for {indicator!r} in the cache (needs {' or '.join(table_ids)}); "
            "run 'python -m analysis cbs import PATH' or 'python -m analysis cbs fetch'"
        )
    if raw is None:  # tables cached, but nothing of this period type
        return validate_observations(empty_observations(), file=f"CBS cache ({indicator})")
    # The later table wins, but an empty cell never hides a value an earlier table has.
    raw = raw.assign(_has_value=raw["value"].notna())
    raw = raw.sort_values(["_has_value", "_rank"], kind="stable").drop_duplicates(
        ["region_code", "period"], keep="last"
    )
    names = {code: resolver.name_of(code) for code in raw["region_code"].unique()}
    fallback = map_unique(
        raw["region_label"], lambda text: _SUFFIX.sub("", text) if isinstance(text, str) else text
    )
    ind = get_indicator(indicator)
    obs = pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": raw["region_code"],
            "region_name": raw["region_code"].map(names).fillna(fallback),
            "period": raw["period"],
            "period_type": raw["period_type"],
            "value": raw["value"],
            "unit": ind.unit,
            "status": raw["status"],
            "source": raw["table_id"],
            "source_ref": map_unique(
                raw["table_id"], lambda t: f"opendata.cbs.nl/#/CBS/nl/dataset/{t}"
            )
            + ", "
            + raw["measure"],
            "published": "CBS StatLine " + raw["table_id"] + " (" + raw["_vintage"] + ")",
            "note": raw["note"] if "note" in raw else None,
        }
    )
    obs = _sort(obs)
    return validate_observations(obs, file=f"CBS cache ({indicator})")


_SUBMUNICIPAL = ("wijk", "buurt")


def table_rows(
    indicator: str,
    table_ids: Sequence[str],
    *,
    cache_dir: str | Path | None = None,
    resolver: RegionResolver | None = None,
    period_type: str | None = None,
    regions: Sequence[str] | None = None,
    read: Callable[[str, str | Path | None], tuple[pd.DataFrame, dict] | None] = read_cached,
) -> tuple[pd.DataFrame | None, bool]:
    """The cached rows of one indicator in each of its tables, not stitched.

    Region labels become codes (:func:`codes_for_labels`); rows without a
    code, and rows of a wijk table outside its levels, are dropped.

    Parameters
    ----------
    indicator : str
    table_ids : sequence of str
        The indicator's tables, oldest first (their position is ``_rank``).
    cache_dir, resolver, period_type, regions
        As :func:`load_indicator` takes them.
    read : callable, default :func:`analysis.cbs.cache.read_cached`
        Reads one cached table (a caller reading many indicators may pass a
        memoised one).

    Returns
    -------
    (DataFrame or None, bool)
        The rows of the cache's table format plus ``_rank`` and ``_vintage``
        (None when no table has rows), and whether any of the tables is cached.
    """
    resolver = resolver or region_resolver(cache_dir)
    parts = []
    found = False
    for rank, table_id in enumerate(table_ids):
        cached = read(table_id, cache_dir)
        if cached is None:
            continue
        found = True
        frame, meta = cached
        frame = frame[frame["indicator"] == indicator]
        if period_type is not None:
            frame = frame[frame["period_type"] == period_type]
        if frame.empty:
            continue
        parts.append(frame.assign(_rank=rank, _vintage=meta.get("vintage", "")))
    if not parts:
        return None, found
    raw = pd.concat(parts, ignore_index=True)
    raw["region_code"] = raw["region_code"].fillna(codes_for_labels(raw, resolver))
    raw = raw.dropna(subset=["region_code"])
    only = {tid: TABLES[tid].only_levels for tid in table_ids if TABLES[tid].only_levels}
    if only:
        levels = map_unique(raw["region_code"], level_of)
        keep = pd.Series(True, index=raw.index)
        for tid, allowed in only.items():
            keep &= ~((raw["table_id"] == tid) & ~levels.isin(allowed))
        raw = raw[keep]
    if regions is not None:
        raw = raw[raw["region_code"].isin(list(regions))]
    return raw, found


def codes_for_labels(raw: pd.DataFrame, resolver: RegionResolver) -> pd.Series:
    """Codes for the rows that carry a label only (``table_id``, ``region_label``, ``region_code``).

    A label names different areas at different levels: a former municipality is
    often a wijk of the municipality it merged into ('Haren' is a wijk of Oss and
    was a municipality in Groningen). Tables that hold no wijken or buurten never
    take a wijk or buurt code from the crosswalk; their rows stay unresolved (and
    are dropped) rather than being filed under a wijk.

    Parameters
    ----------
    raw : DataFrame
        Rows of cached CBS tables: ``table_id``, ``region_label``,
        ``region_code`` (missing where the table gave a label only).
    resolver : RegionResolver
        Finds the code of a label.

    Returns
    -------
    Series
        Object dtype, the index of ``raw``: the code for each row without one
        (None where the label names no region the table may feed); None for
        the rows that have a code, which are not looked up. For
        ``raw["region_code"].fillna(...)``.
    """
    todo = raw.loc[raw["region_code"].isna(), ["table_id", "region_label"]].drop_duplicates()
    codes: dict[tuple[str, str], str | None] = {}
    for table_id, label in todo.itertuples(index=False):
        code = resolver.code_for(label)
        sub_ok = any(level in _SUBMUNICIPAL for level in TABLES[table_id].only_levels)
        if code is not None and level_of(code) in _SUBMUNICIPAL and not sub_ok:
            code = None
        codes[(table_id, label)] = code
    values = np.full(len(raw), None, dtype=object)
    if codes:  # only the rows without a code are looked up (by position: the index may repeat)
        missing = raw["region_code"].isna().to_numpy()
        tables = raw["table_id"].to_numpy(dtype=object)[missing]
        labels = raw["region_label"].to_numpy(dtype=object)[missing]
        values[missing] = [codes.get(key) for key in zip(tables, labels, strict=True)]
    return pd.Series(values, index=raw.index, dtype=object)


def _sort(obs: pd.DataFrame) -> pd.DataFrame:
    if obs.empty:
        return obs.reset_index(drop=True)
    keys = {p: period_sort_key(p) for p in obs["period"].unique()}
    type_rank = {t: i for i, t in enumerate(PERIOD_TYPES)}
    obs = obs.assign(_order=obs["period"].map(keys), _type=obs["period_type"].map(type_rank))
    obs = obs.sort_values(["indicator", "region_code", "_type", "_order"], kind="stable")
    return obs.drop(columns=["_order", "_type"]).reset_index(drop=True)


def seams(obs: pd.DataFrame) -> pd.DataFrame:
    """Where a stitched series moves from one CBS table to the next.

    Parameters
    ----------
    obs : DataFrame
        Observations of one or more indicators, as from :func:`load_indicator`.

    Returns
    -------
    DataFrame
        One row per indicator, region, period type and seam: ``last_period``
        and ``source_before``, ``first_period`` and ``source_after``.
    """
    rows = []
    for (ind, region, ptype), group in _sort(obs).groupby(
        ["indicator", "region_code", "period_type"], sort=False
    ):
        src = group["source"].tolist()
        per = group["period"].tolist()
        for i in range(1, len(src)):
            if src[i] != src[i - 1]:
                rows.append((ind, region, ptype, per[i - 1], src[i - 1], per[i], src[i]))
    return pd.DataFrame(
        rows,
        columns=[
            "indicator",
            "region_code",
            "period_type",
            "last_period",
            "source_before",
            "first_period",
            "source_after",
        ],
    )


def _switches_only(found: pd.DataFrame) -> pd.DataFrame:
    """The :func:`seams` that change CBS table (:func:`~analysis.cbs.catalogue.is_table_switch`).

    A new yearly edition of one statistic, or a source that is no CBS table,
    is a seam of the stitched series but no table switch.
    """
    switched = [
        is_table_switch(a, b)
        for a, b in zip(found["source_before"], found["source_after"], strict=True)
    ]
    return found[np.array(switched, dtype=bool)]


def _switch_text(before: str, after: str, language: str) -> str:
    """``'82972NED → 85098NED (jeugdzorg → jeugdzorg in natura)'``: the tables and, where known, what changed."""
    note = SWITCH_NOTES.get((before, after))
    text = f"{before} \u2192 {after}"
    return f"{text} ({note[0 if language == 'nl' else 1]})" if note else text


def seams_table(obs: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """The table switches of :func:`seams` for readers, in ``language``.

    One row per indicator, kind of figure (year, half year) and switch: the
    last period of the old table and the first of the new one, each with its
    table (``2020 (82972NED)``, ``2021 (85098NED)``). Meant for one region:
    the region is not a column.

    Parameters
    ----------
    obs : DataFrame
        Observations, as from :func:`load_indicator`.
    language : {'nl', 'en'}, optional
        Default: the session language.

    Returns
    -------
    DataFrame
        Columns with the reader's headers; empty (with the headers) when no
        series changes table.
    """
    from ..labels import capitalised, indicator_label, label, period_label, resolve_language

    language = resolve_language(language)
    found = seams(obs).drop_duplicates(
        ["indicator", "period_type", "last_period", "source_before", "first_period", "source_after"]
    )
    found = _switches_only(found)

    def kind(period_type: str) -> str:
        try:
            return label(period_type, language)
        except (KeyError, ValueError):
            return str(period_type)

    def at(period: str, table: str) -> str:
        return f"{period_label(str(period), language)} ({table})"

    return pd.DataFrame(
        {
            capitalised(label("indicator", language)): [
                indicator_label(i, language) for i in found["indicator"]
            ],
            label("seam_kind", language): [kind(p) for p in found["period_type"]],
            label("seam_until", language): [
                at(p, t) for p, t in zip(found["last_period"], found["source_before"], strict=True)
            ],
            label("seam_from", language): [
                at(p, t) for p, t in zip(found["first_period"], found["source_after"], strict=True)
            ],
        }
    )


def series_breaks(indicator: str, language: str | None = None) -> list[tuple[str, str, str]]:
    """Known definition breaks of an indicator: (last period before, first after, explanation).

    The explanation is in ``language`` (default the session language, see
    :func:`analysis.labels.set_language`).
    """
    from ..labels import resolve_language

    language = resolve_language(language)
    return [
        (before, after, nl if language == "nl" else en)
        for ids, before, after, nl, en in SERIES_BREAKS
        if indicator in ids
    ]


def table_switches(
    obs: pd.DataFrame, language: str | None = None, *, min_share: float = 0.5
) -> list[tuple[str, str, str]]:
    """Where the lines of ``obs`` move to another CBS table, as chart breaks.

    A line (indicator and region, one period type) switches table between two
    of its consecutive values whose ``source`` tables differ and are not
    editions of one statistic (:func:`analysis.cbs.catalogue.is_table_switch`).
    A switch is returned where at least ``min_share`` of the lines of one
    region level (municipalities, wijken, ...) with a value on both sides of
    it switch there: a new table moves (nearly) every region of its level at
    once, while one region whose value comes from the older table in one
    period (an empty cell in the newer table) is no switch of the chart. CBS
    starts a new table when it changes what or how it counts, so a chart marks
    the switch as it marks a definition break: the line stops and starts again
    and the alt text names it (the forecasts model it as a level shift,
    :func:`analysis.forecast.detect_source_seams`).

    Parameters
    ----------
    obs : DataFrame
        Observations, as from :func:`load_indicator` (``source`` names the table).
    language : {'nl', 'en'}, optional
        Default: the session language.
    min_share : float, default 0.5

    Returns
    -------
    list of (last period before, first period after, text)
        As :func:`series_breaks` gives them, e.g. ``('2020', '2021',
        'tabelwissel: 82972NED → 85098NED (jeugdzorg → jeugdzorg in natura)')``,
        in period order. Every chart of
        :mod:`analysis.plotting` adds them to its declared breaks
        (:func:`analysis.plotting.with_table_switches`).
    """
    from ..labels import label, resolve_language

    language = resolve_language(language)
    if obs.empty or "source" not in obs.columns:
        return []
    # the values that come from CBS tables: a row of another source (or none) between two tables
    # does not hide the switch between them
    known = obs[
        pd.to_numeric(obs["value"], errors="coerce").notna() & obs["source"].map(is_table_source)
    ]
    if "period_type" not in known.columns:
        known = known.assign(period_type=known["period"].astype(str).map(period_type_of))
    found = seams(known)
    if found.empty:
        return []
    found = _switches_only(found)

    def line(frame: pd.DataFrame) -> pd.Series:
        return frame["indicator"].astype(str) + "|" + frame["region_code"].astype(str)

    def level(frame: pd.DataFrame) -> pd.Series:  # gemeente, wijk, land, ...: each level apart
        return frame["region_code"].map(level_of)

    has = (
        known.assign(_line=line(known), _level=level(known))
        .groupby(["period_type", "_level", "period"])["_line"]
        .agg(set)
        .to_dict()
    )
    found = found.assign(_line=line(found), _level=level(found))
    out = []
    for (ptype, before, after), group in found.groupby(
        ["period_type", "last_period", "first_period"], sort=False
    ):
        shares = []
        for lev, part in group.groupby("_level"):
            spanning = has.get((ptype, lev, before), set()) & has.get((ptype, lev, after), set())
            if spanning:
                shares.append(len(set(part["_line"]) & spanning) / len(spanning))
        if not shares or max(shares) < min_share:
            continue
        pairs = sorted(
            {
                pair
                for a, b in zip(group["source_before"], group["source_after"], strict=True)
                for pair in switched_tables(a, b)
            }
        )
        text = ", ".join(_switch_text(a, b, language) for a, b in pairs)
        out.append((str(before), str(after), f"{label('table_change', language)}: {text}"))
    return sorted(out, key=lambda brk: period_sort_key(brk[1]))


def cached_indicators(cache_dir: str | Path | None = None) -> list[str]:
    """The indicators that at least one cached table serves."""
    found: set[str] = set()
    for meta in cached_metadata(cache_dir):
        found.update(meta.get("indicators", []))
    return sorted(found)


def cached_municipalities(
    indicator: str = "jeugdhulp_pct", cache_dir: str | Path | None = None
) -> list[str]:
    """Municipality codes that ``indicator`` covers in its latest cached period.

    CBS tables that span several years keep rows for municipalities that have
    since merged away (with empty values), and leave a value empty now and then
    for an existing municipality. So where a *Gebieden in Nederland* table is
    cached, this is every municipality of the newest cached division that has a
    row (with or without a value) in the latest period: with the youth-care
    tables and 85755NED imported, all 342 municipalities of 2024. Without a
    regions table it is the municipalities with a value in the latest period.
    """
    obs = load_indicator(indicator, cache_dir=cache_dir)
    obs = obs[obs["region_code"].str.startswith("GM")]
    if obs.empty:
        return []
    latest = max(obs["period"].unique(), key=period_sort_key)
    obs = obs[obs["period"] == latest]
    division = _newest_division(cache_dir)
    if division is None:
        return sorted(obs.loc[obs["value"].notna(), "region_code"].unique())
    return sorted(set(obs["region_code"]) & division)


def _newest_division(cache_dir: str | Path | None) -> set[str] | None:
    """Municipality codes of the newest cached 'Gebieden in Nederland' table, if any."""
    for table_id in sorted(REGION_TABLES, key=REGION_TABLES.get, reverse=True):
        cached = read_cached(table_id, cache_dir)
        if cached is not None:
            codes = cached[0]["region_code"].dropna().astype(str)
            return set(codes[codes.str.startswith("GM")])
    return None
