"""Which data a notebook reads, and reading it.

A notebook's ``source`` parameter says where CBS indicators come from:

``"embedded"`` (what ``make report`` runs)
    The data in the repository: the embedded CBS extract (``data/cbs``, see
    :mod:`analysis.cbs.extract`), the published figures (``data/published``)
    and the synthetic register. Needs no network and no ``../shared``.
``"auto"`` (the notebooks' default)
    The user's CBS cache (``data/cache/cbs``, filled by ``cbs fetch`` or
    ``cbs import``) for every indicator whose tables it holds, the embedded
    extract for the others.
``"cbs-cache"``
    Only the CBS cache; an indicator that is not cached is an error.
a path
    A CBS cache folder (parquet files with JSON sidecars) or extract, or a
    file or folder of CBS CSV files, which is imported into a temporary cache
    for this run (``data/cache`` is not touched).

A CBS indicator always comes from CBS (the cache or the extract), never from
a publication that quotes it: a figure a municipality printed is shown as that
publication's figure, and checked in notebook 06. Indicators that CBS does not
publish (the buurtteams' own figures) come from the published figures.
Register-based indicators come from the case register, see
:func:`analysis.register.load_register`. Every source is declared with its
vintage (:func:`describe_sources`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError, ParameterError

SOURCE_CHOICES = ("auto", "embedded", "cbs-cache")


@dataclass
class DataSource:
    """A resolved ``source`` parameter.

    Attributes
    ----------
    mode : {"auto", "embedded", "cbs-cache", "path"}
    cache_dir : Path or None
        The CBS folder read first: a CBS cache, or the embedded extract.
    description : str
        What a reader is told about where the CBS numbers come from.
    fallback_dir : Path or None
        With ``auto`` and a user cache: the embedded extract, read for the
        indicators the cache does not hold.
    used : dict
        Indicator -> where it came from (with the vintage), for the reader.
    tables : set of str
        The CBS tables read; ``table_dirs`` says from which folder.
    """

    mode: str
    cache_dir: Path | None
    description: str
    _tmp: object = field(default=None, repr=False)
    used: dict[str, str] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)
    published: bool = False
    fallback_dir: Path | None = None
    table_dirs: dict[str, Path] = field(default_factory=dict)

    def folders(self) -> list[Path]:
        """The CBS folders to read, in order."""
        return [f for f in (self.cache_dir, self.fallback_dir) if f is not None]

    def describe_folder(self, folder: Path) -> str:
        """The reader's name of a CBS folder: the extract, a cache or imported files."""
        from .cbs import is_extract

        if folder == self.cache_dir:
            return self.description
        return _extract_description(folder) if is_extract(folder) else f"CBS-cache {folder}"

    def note_tables(self, tables, folder: Path) -> None:
        """Record that ``tables`` were read from ``folder``."""
        for table in tables:
            self.tables.add(table)
            self.table_dirs.setdefault(table, folder)


def _extract_description(folder: Path) -> str:
    return f"CBS-extract {_short(folder)}"


def _short(folder: Path) -> str:
    from . import config

    try:
        return str(Path(folder).resolve().relative_to(config.PROJECT_ROOT))
    except ValueError:
        return str(folder)


def resolve_source(source: str) -> DataSource:
    """Turn a ``source`` parameter into a :class:`DataSource`.

    Raises
    ------
    ParameterError
        For an unknown source or a path that does not exist.
    """
    from .cbs import cached_metadata, cbs_cache_dir, extract_dir, import_paths, is_extract

    embedded = extract_dir() if is_extract(extract_dir()) else None
    if source == "embedded":
        return DataSource("embedded", embedded, _extract_description(extract_dir()))
    if source == "auto":
        cache = cbs_cache_dir()
        if cached_metadata(cache):
            return DataSource("auto", cache, f"CBS-cache {cache}", fallback_dir=embedded)
        return DataSource("auto", embedded, _extract_description(extract_dir()))
    if source == "cbs-cache":
        return DataSource(source, cbs_cache_dir(), f"CBS-cache {cbs_cache_dir()}")
    path = Path(str(source)).expanduser()
    if not path.exists():
        raise ParameterError(
            "source", f"{source!r} is neither one of {', '.join(SOURCE_CHOICES)} nor an existing path"
        )
    if is_extract(path):
        return DataSource("path", path, _extract_description(path))
    if path.is_dir() and any(path.glob("*.parquet")) and any(path.glob("*.json")):
        return DataSource("path", path, f"CBS-cache {path}")
    tmp = tempfile.TemporaryDirectory(prefix="analysis-cbs-")
    import_paths([path], cache_dir=tmp.name)
    return DataSource("path", Path(tmp.name), f"CBS-bestanden {path}", _tmp=tmp)


#: Recorded in ``DataSource.used`` for an indicator that no source holds (for the regions asked).
_NOTHING = "-"
_NO_CBS = "cbs:-"
_EMBEDDED = "ingebedde gepubliceerde cijfers (data/published)"
_ENGLISH = {_EMBEDDED: "embedded published figures (data/published)", "CBS-cache ": "CBS cache ",
            "CBS-bestanden ": "CBS files ", "CBS-extract ": "CBS extract "}


def vintages(folder: Path, tables) -> list[str]:
    """The vintages of ``tables`` in a CBS folder (cache or extract), sorted."""
    from .cbs import cached_metadata

    meta = {m["table"]: m for m in cached_metadata(folder)}
    return sorted({str(meta[t]["vintage"]) for t in tables if t in meta and meta[t].get("vintage")})


def load_observations(
    indicator: str,
    source: DataSource,
    *,
    regions: list[str] | None = None,
    period_type: str | None = None,
) -> pd.DataFrame:
    """Observations of one indicator from the resolved source.

    A CBS indicator (one in :data:`analysis.cbs.SERIES`) comes from the first
    CBS folder of the source that holds its tables (with ``auto``: the user's
    cache, then the embedded extract); it is never filled in from published
    figures. Other indicators come from the published figures.
    ``source.used[indicator]`` records where it came from, with the vintage.

    Returns
    -------
    DataFrame
        Observations (schema columns plus ``note``), possibly empty.

    Raises
    ------
    InputError
        With ``cbs-cache`` (or a path), when the folder lacks the indicator's tables.
    """
    from .cbs import SERIES, load_indicator

    if indicator in SERIES:
        for folder in source.folders():
            try:
                obs = load_indicator(indicator, regions=regions, period_type=period_type, cache_dir=folder)
            except InputError:
                if source.mode in ("cbs-cache", "path"):
                    raise
                continue
            tables = sorted(obs["source"].unique())
            when = vintages(folder, tables)
            where = source.describe_folder(folder)
            source.used[indicator] = f"{where} ({'; '.join(when)})" if when else where
            source.note_tables(tables, folder)
            return obs
        source.used.setdefault(indicator, _NO_CBS)
        return _published(indicator, regions, period_type).iloc[0:0]
    obs = _published(indicator, regions, period_type)
    if obs.empty and indicator not in source.used:
        source.used[indicator] = _NOTHING
        return obs
    source.used[indicator] = _EMBEDDED
    source.published = True
    return obs


def _published(indicator: str, regions, period_type) -> pd.DataFrame:
    from .published import load_published

    obs = load_published()
    obs = obs[obs["indicator"] == indicator]
    if regions is not None:
        obs = obs[obs["region_code"].isin(list(regions))]
    if period_type is not None:
        obs = obs[obs["period_type"] == period_type]
    return obs.reset_index(drop=True)


def provenance_records(source: DataSource) -> list[dict]:
    """Records of what was read (for :func:`analysis.provenance.record_sources`).

    One record per CBS table read (with the cache file, its checksum and
    vintage) and one for the published figures, if they were used.
    """
    from . import config
    from .cbs.cache import cached_metadata

    records = []
    metas: dict[Path, dict[str, dict]] = {}
    for table in sorted(source.tables):
        folder = source.table_dirs.get(table, source.cache_dir)
        if folder is None:
            continue
        if folder not in metas:
            metas[folder] = {m["table"]: m for m in cached_metadata(folder)}
        m = metas[folder].get(table, {})
        records.append({
            "source": f"CBS {table}",
            "path": m.get("path") or str(folder / f"{table}.parquet"),
            "checksum": f"sha256:{m['cache_checksum']}" if m.get("cache_checksum") else None,
            "vintage": m.get("vintage"),
        })
    if source.published:
        records.append({"source": "gepubliceerde cijfers (data/published)", "path": str(config.published_dir())})
    return records


def describe_sources(source: DataSource, language: str = "nl") -> str:
    """One paragraph telling the reader where each indicator came from."""
    if not source.used:
        return "Nog geen gegevens geladen." if language == "nl" else "No data loaded yet."
    lead = "Gegevensbronnen" if language == "nl" else "Data sources"
    nothing = ("geen gegevens: niet in de CBS-cache en niet in data/published"
               if language == "nl" else "no data: not in the CBS cache nor in data/published")
    no_cbs = ("geen CBS-gegevens: de CBS-tabellen ontbreken (python -m analysis cbs fetch, of het CBS-extract "
              "data/cbs)" if language == "nl" else
              "no CBS data: the CBS tables are missing (python -m analysis cbs fetch, or the CBS extract data/cbs)")
    special = {_NOTHING: nothing, _NO_CBS: no_cbs}
    lines = [f"- {ind}: {special.get(where) or _in_language(where, language)}"
             for ind, where in sorted(source.used.items())]
    return f"{lead}:\n" + "\n".join(lines)


def _in_language(text: str, language: str) -> str:
    if language == "nl":
        return text
    for nl, en in _ENGLISH.items():
        text = text.replace(nl, en)
    return text


__all__ = ["SOURCE_CHOICES", "DataSource", "describe_sources", "load_observations", "provenance_records",
           "resolve_source", "vintages"]
