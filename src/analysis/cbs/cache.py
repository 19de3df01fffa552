"""The local cache of CBS tables (``data/cache/cbs``, git-ignored).

Each table is one parquet file with a JSON sidecar saying what it is, when
and from where it came, and checksums of both the source and the cached file.
Writes are atomic (temporary file, then rename), and a batch of tables is
written only after every table in it has been read and checked, so a bad
input leaves the cache as it was. ``regions.parquet`` is the label-to-code
crosswalk, rebuilt from the cached tables after every write.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .. import __version__, config, datacache
from ..errors import InputError
from ..parquet import parquet_bytes, read_parquet
from .parse import REGION_COLUMNS, ParsedTable, sha256_of

CROSSWALK = "regions.parquet"


def cbs_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """The folder holding cached CBS tables."""
    return Path(cache_dir) if cache_dir is not None else config.cache_dir() / "cbs"


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tables(
    tables: list[ParsedTable],
    *,
    source: str,
    vintage: str | None = None,
    cache_dir: str | Path | None = None,
) -> list[dict]:
    """Write parsed tables to the cache (all checks have passed by now).

    Parameters
    ----------
    tables : list of ParsedTable
    source : {"file", "cbsodata"}
        How the tables were obtained.
    vintage : str, optional
        The date or version of the data as CBS published it; defaults to the
        retrieval date for fetched tables and to the file date for imports.
    cache_dir : path, optional
        Defaults to :func:`cbs_cache_dir`.

    Returns
    -------
    list of dict
        The metadata written for each table.
    """
    folder = cbs_cache_dir(cache_dir)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    written = []
    for table in tables:
        data = parquet_bytes(table.frame.drop(columns=["line"], errors="ignore"))
        meta = {
            "table": table.table_id,
            "title": table.title,
            "kind": table.kind,
            "source": source,
            "origin": table.origin,
            "format": table.file_format,
            "retrieved_at": now,
            "vintage": vintage or _default_vintage(table, source, now),
            "source_checksum": table.checksum,
            "cache_checksum": sha256_of(data),
            "rows": int(len(table.frame)),
            "notes": table.notes,
            "package_version": __version__,
        }
        if table.kind == "data" and len(table.frame):
            meta["indicators"] = sorted(table.frame["indicator"].unique().tolist())
            meta["periods"] = sorted(table.frame["period"].unique().tolist())
        _atomic_write_bytes(folder / f"{table.table_id}.parquet", data)
        _atomic_write_bytes(folder / f"{table.table_id}.json", json.dumps(meta, indent=2).encode())
        written.append(meta)
    rebuild_crosswalk(folder)
    return written


def _default_vintage(table: ParsedTable, source: str, now: str) -> str:
    if source == "file":
        try:
            mtime = datetime.fromtimestamp(Path(table.origin).stat().st_mtime, UTC)
            return f"bestand van {mtime:%Y-%m-%d}"
        except OSError:
            pass
    return f"opgehaald {now[:10]}"


def cached_metadata(cache_dir: str | Path | None = None) -> list[dict]:
    """Metadata of every cached table, sorted by table id."""
    folder = cbs_cache_dir(cache_dir)
    if not folder.is_dir():
        return []
    out = []
    for meta_path in sorted(folder.glob("*.json")):
        try:
            out.append(json.loads(meta_path.read_text()))
        except (OSError, json.JSONDecodeError):
            raise InputError("cache entry is unreadable; import the table again", file=meta_path) from None
    return out


@datacache.cached(lambda table_id, cache_dir=None: [cbs_cache_dir(cache_dir) / f"{table_id}.{ext}"
                                                    for ext in ("parquet", "json")])
def read_cached(table_id: str, cache_dir: str | Path | None = None) -> tuple[pd.DataFrame, dict] | None:
    """A cached table and its metadata, or None when it is not cached.

    Raises
    ------
    InputError
        When the cached file does not match the checksum in its sidecar.
    """
    folder = cbs_cache_dir(cache_dir)
    data_path, meta_path = folder / f"{table_id}.parquet", folder / f"{table_id}.json"
    if not (data_path.exists() and meta_path.exists()):
        return None
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise InputError("cache entry is unreadable; import or fetch the table again", file=meta_path) from None
    data = data_path.read_bytes()
    if sha256_of(data) != meta.get("cache_checksum"):
        raise InputError("cached table does not match its checksum; import or fetch it again", file=data_path)
    return read_parquet(data), meta


def rebuild_crosswalk(folder: Path) -> pd.DataFrame:
    """Rebuild ``regions.parquet`` from the cached region tables and coded data tables."""
    parts = []
    metas = [m for m in cached_metadata(folder)]
    # Newest region table first, so current names win; older tables keep merged-away codes.
    for meta in sorted((m for m in metas if m["kind"] == "regions"), key=lambda m: m["table"], reverse=True):
        frame, _ = read_cached(meta["table"], folder)
        parts.append(frame[REGION_COLUMNS])
    coded_parts = []
    for meta in metas:
        if meta["kind"] != "data":
            continue
        frame, _ = read_cached(meta["table"], folder)
        coded = frame.dropna(subset=["region_code"]).drop_duplicates("region_code")
        if len(coded):
            names = coded["region_label"].str.replace(r"^Wijk \d+\s+", "", regex=True)
            coded_parts.append(pd.DataFrame({
                "region_code": coded["region_code"], "region_name": names,
                "label": coded["region_label"], "size_class": None,
            }))
    if coded_parts:
        # The first code listed for a label wins when labels are resolved. A label can
        # name a municipality and a wijk ('Haren'): list municipalities and larger areas
        # before wijken and buurten, whatever the order of the tables.
        coded = pd.concat(coded_parts, ignore_index=True)
        sub = coded["region_code"].str[:2].isin(["WK", "BU"])
        parts += [coded[~sub], coded[sub]]
    crosswalk = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=REGION_COLUMNS)
    )
    crosswalk = crosswalk.drop_duplicates(["region_code", "label"]).reset_index(drop=True)
    _atomic_write_bytes(folder / CROSSWALK, parquet_bytes(crosswalk.astype(object)))
    return crosswalk


@datacache.cached(lambda cache_dir=None: [cbs_cache_dir(cache_dir) / CROSSWALK])
def read_crosswalk(cache_dir: str | Path | None = None) -> pd.DataFrame | None:
    """The label-to-code crosswalk of the cache, or None when nothing is cached."""
    path = cbs_cache_dir(cache_dir) / CROSSWALK
    if not path.exists():
        return None
    try:
        return read_parquet(path)
    except Exception:  # a damaged file: pyarrow raises several kinds of errors
        raise InputError("region crosswalk is unreadable; import or fetch any table again to rebuild it",
                         file=path) from None
