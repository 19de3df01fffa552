"""CBS StatLine data: catalogue, import, live fetch, cache and tidy series.

Three ways in, one result:

1. live with cbsodata when the network is there: :func:`fetch_tables`
   (``python -m analysis cbs fetch [TABLE...]``);
2. files: CSV as written by cbsodata / the OData feed, or CSV downloaded from
   the StatLine web site: :func:`import_paths`
   (``python -m analysis cbs import PATH...``);
3. the figures in ``data/published`` as the last resort (see
   :mod:`analysis.sources`).

Fetched and imported tables go to the cache (``data/cache/cbs``);
:func:`load_indicator` reads an indicator from it as tidy observations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from .cache import cached_metadata, cbs_cache_dir, default_vintage, read_cached, write_tables
from .catalogue import (
    CITED_TABLES,
    SERIES,
    SERIES_BREAKS,
    TABLES,
    reconcile_tables_for,
    status_by_vintage,
    tables_for,
)
from .extract import REALDATA_VINTAGE, build_extract, extract_dir, extract_vintages, is_extract
from .fetch import download, from_odata, vintage_of
from .load import (
    cached_indicators,
    cached_municipalities,
    load_indicator,
    region_resolver,
    seams,
    seams_table,
    series_breaks,
    table_switches,
)
from .parse import ParsedTable, read_table_file

__all__ = [
    "CITED_TABLES",
    "REALDATA_VINTAGE",
    "SERIES",
    "SERIES_BREAKS",
    "TABLES",
    "ImportResult",
    "cached_indicators",
    "cached_metadata",
    "cached_municipalities",
    "build_extract",
    "cbs_cache_dir",
    "extract_dir",
    "extract_vintages",
    "fetch_tables",
    "import_paths",
    "is_extract",
    "load_indicator",
    "read_cached",
    "reconcile_tables_for",
    "region_resolver",
    "seams",
    "seams_table",
    "series_breaks",
    "status_by_vintage",
    "table_switches",
    "tables_for",
]


@dataclass
class ImportResult:
    """What an import or fetch wrote, and what it passed over."""

    written: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _csv_files(paths) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(
                sorted(f for f in p.rglob("*") if f.suffix.lower() == ".csv" and f.is_file())
            )
        elif p.is_file():
            files.append(p)
        else:
            raise InputError("no such file or folder", file=p)
    return files


def import_paths(
    paths,
    *,
    cache_dir: str | Path | None = None,
    vintage: str | None = None,
    table_id: str | None = None,
) -> ImportResult:
    """Import CBS CSV files (or folders of them) into the cache.

    Every file is read and checked before anything is written, so one bad
    file leaves the cache untouched. Files of CBS tables the catalogue does
    not use are skipped (and listed in the result). An OData CSV carries no
    provisional marks: its statuses follow the vintage rule
    (:func:`analysis.cbs.catalogue.status_by_vintage`); a file with marks
    keeps them.

    Parameters
    ----------
    paths : iterable of str or Path
        Files or folders (searched recursively for ``*.csv``).
    cache_dir : path, optional
        The CBS cache folder (default: ``data/cache/cbs``).
    vintage : str, optional
        The date or version of the data, recorded with every table.
    table_id : str, optional
        The table id, for a single file whose name and title do not tell.

    Raises
    ------
    InputError
        For the first bad file, naming file, line and problem.
    """
    files = _csv_files(paths)
    if not files:
        raise InputError(f"no CSV files found in {', '.join(map(str, paths))}")
    parsed: list[ParsedTable] = []
    result = ImportResult()
    seen: dict[str, str] = {}
    for f in files:
        table = read_table_file(f, table_id=table_id)
        if table is None:
            result.skipped.append((str(f), "CBS table not used by the catalogue"))
            continue
        if table.table_id in seen:
            raise InputError(
                f"table {table.table_id} given twice (also in {seen[table.table_id]})", file=f
            )
        seen[table.table_id] = str(f)
        parsed.append(table)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    for table in parsed:
        if table.kind == "data" and table.file_format == "odata-csv":
            table_vintage = vintage or default_vintage(table, "file", now)
            table.frame, n = status_by_vintage(table.frame, table.table_id, table_vintage)
            if n:
                table.notes.append(
                    f"{n} rows voorlopig by the vintage rule (the file has no provisional marks; "
                    "docs/cbs.md)"
                )
    result.written = write_tables(parsed, source="file", vintage=vintage, cache_dir=cache_dir)
    return result


def fetch_tables(
    table_ids=None, *, cache_dir: str | Path | None = None, downloader=download
) -> ImportResult:
    """Fetch catalogue tables live from CBS with cbsodata and cache them.

    Parameters
    ----------
    table_ids : iterable of str, optional
        Default: every table in the catalogue.
    cache_dir : path, optional
        The CBS cache folder.
    downloader : callable, optional
        ``downloader(table_id) -> dict`` as cbsodata's ``download_data``
        returns it; tests pass recorded responses.
    """
    ids = list(table_ids) if table_ids else list(TABLES)
    unknown = [t for t in ids if t not in TABLES]
    if unknown:
        raise InputError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(TABLES)}")
    tables = []
    vintages = {}
    for tid in ids:  # everything is fetched and checked before anything is written
        response = downloader(tid)
        tables.append(from_odata(tid, response))
        vintages[tid] = vintage_of(response)
    result = ImportResult()
    for table in tables:
        result.written += write_tables(
            [table], source="cbsodata", vintage=vintages[table.table_id], cache_dir=cache_dir
        )
    return result
