"""Which data a notebook reads, and reading it.

A notebook's ``source`` parameter says where CBS-type indicators come from:

``"auto"`` (default)
    The CBS cache where it holds the indicator's tables, the embedded
    published figures (``data/published``) otherwise.
``"embedded"``
    Only the embedded published figures: what the municipality published,
    quoted with its vintage.
``"cbs-cache"``
    Only the CBS cache (``data/cache/cbs``); an indicator that is not cached
    is an error.
a path
    A CBS cache folder (parquet files with JSON sidecars), or a file or folder
    of CBS CSV files, which is imported into a temporary cache for this run
    (``data/cache`` is not touched).

Register-based indicators come from the case register, see
:func:`analysis.register.load_register`.
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
        The CBS cache folder to read (None: embedded figures only).
    description : str
        What a reader is told about where the numbers come from.
    """

    mode: str
    cache_dir: Path | None
    description: str
    _tmp: object = field(default=None, repr=False)
    used: dict[str, str] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)
    published: bool = False


def resolve_source(source: str) -> DataSource:
    """Turn a ``source`` parameter into a :class:`DataSource`.

    Raises
    ------
    ParameterError
        For an unknown source or a path that does not exist.
    """
    from .cbs import cbs_cache_dir, import_paths

    if source in ("auto", "cbs-cache"):
        return DataSource(source, cbs_cache_dir(), f"CBS-cache {cbs_cache_dir()}")
    if source == "embedded":
        return DataSource("embedded", None, _EMBEDDED)
    path = Path(str(source)).expanduser()
    if not path.exists():
        raise ParameterError(
            "source", f"{source!r} is neither one of {', '.join(SOURCE_CHOICES)} nor an existing path"
        )
    if path.is_dir() and any(path.glob("*.parquet")) and any(path.glob("*.json")):
        return DataSource("path", path, f"CBS-cache {path}")
    tmp = tempfile.TemporaryDirectory(prefix="analysis-cbs-")
    import_paths([path], cache_dir=tmp.name)
    return DataSource("path", Path(tmp.name), f"CBS-bestanden {path}", _tmp=tmp)


#: Recorded in ``DataSource.used`` for an indicator that no source holds (for the regions asked).
_NOTHING = "-"
_EMBEDDED = "ingebedde gepubliceerde cijfers (data/published)"
_ENGLISH = {_EMBEDDED: "embedded published figures (data/published)", "CBS-cache ": "CBS cache ",
            "CBS-bestanden ": "CBS files "}


def load_observations(
    indicator: str,
    source: DataSource,
    *,
    regions: list[str] | None = None,
    period_type: str | None = None,
) -> pd.DataFrame:
    """Observations of one indicator from the resolved source.

    With mode ``auto`` the CBS cache is used when it holds the indicator and
    the published figures otherwise; ``source.used[indicator]`` records which.
    An indicator with no CBS source always comes from the published figures.

    Returns
    -------
    DataFrame
        Observations (schema columns plus ``note``), possibly empty.
    """
    from .cbs import SERIES, load_indicator

    if source.cache_dir is not None and indicator in SERIES:
        try:
            obs = load_indicator(indicator, regions=regions, period_type=period_type, cache_dir=source.cache_dir)
            source.used[indicator] = source.description
            source.tables.update(obs["source"].unique())
            return obs
        except InputError:
            if source.mode != "auto":
                raise
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
    """Records of what was read (for :func:`analysis.runner.provenance.record_sources`).

    One record per CBS table read (with the cache file, its checksum and
    vintage) and one for the published figures, if they were used.
    """
    from . import config
    from .cbs.cache import cached_metadata

    records = []
    if source.tables and source.cache_dir is not None:
        meta = {m["table"]: m for m in cached_metadata(source.cache_dir)}
        for table in sorted(source.tables):
            m = meta.get(table, {})
            records.append({
                "source": f"CBS {table}",
                "path": str(source.cache_dir / f"{table}.parquet"),
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
    lines = [f"- {ind}: {nothing if where == _NOTHING else _in_language(where, language)}"
             for ind, where in sorted(source.used.items())]
    return f"{lead}:\n" + "\n".join(lines)


def _in_language(text: str, language: str) -> str:
    if language == "nl":
        return text
    for nl, en in _ENGLISH.items():
        text = text.replace(nl, en)
    return text


__all__ = ["SOURCE_CHOICES", "DataSource", "describe_sources", "load_observations", "resolve_source"]
