"""The local cache of CBS tables (``data/cache/cbs``, git-ignored).

Each table is one parquet file with a JSON sidecar saying what it is, when
and from where it came, and checksums of both the source and the cached file.
Writes are atomic and all or nothing: a batch of tables is written only after
every table in it has been read and checked, each file goes to a temporary
file first and is then renamed into place, and if anything fails on the way
(disk full, a damaged table met while the crosswalk is rebuilt) the previous
files are put back, so a bad input or a failed write leaves the cache as it
was. A table without rows is never written. ``regions.parquet`` is the label-to-code
crosswalk, rebuilt from the cached tables after every write.

The readers (:func:`read_cached`, :func:`cached_metadata`, :func:`read_crosswalk`)
also read the embedded CBS extract (``data/cbs``, see :mod:`analysis.cbs.extract`)
when they are given its folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .. import __version__, config, datacache
from ..errors import InputError
from ..parquet import parquet_bytes, read_parquet
from .extract import MANIFEST, OBSERVATIONS, extract_metadata, is_extract, read_extract_table
from .parse import REGION_COLUMNS, ParsedTable, sha256_of

CROSSWALK = "regions.parquet"
# Rows per parquet row group of a cached table. Converting a row group to Arrow
# strings costs about 120 bytes a row, so this bounds the memory a write takes
# beyond the table itself; every real CBS table fits in one row group.
CACHE_ROW_GROUP_ROWS = 128 * 1024


def cbs_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """The folder holding cached CBS tables."""
    return Path(cache_dir) if cache_dir is not None else config.cache_dir() / "cbs"


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a hidden temporary file beside ``path``; return the temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _stored_dtypes(frame: pd.DataFrame) -> dict[str, str | type]:
    """The dtype the cache stores each categorical column of ``frame`` as.

    As pandas infers them from Python strings: the string dtype, or object where
    every value is missing.
    """
    return {
        c: "str" if frame[c].notna().any() else object
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.CategoricalDtype)
    }


def stored_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A parsed data table as the cache stores it: no ``line`` column, label columns as plain strings.

    The parser keeps labels as categoricals to save memory; the cache file keeps
    the layout it always had (string columns), so its readers and its bytes do
    not depend on how the table was parsed.
    """
    dtypes = _stored_dtypes(frame)
    frame = frame.drop(columns=["line"], errors="ignore")
    return frame.astype(dtypes) if dtypes else frame


def _stored_parquet(frame: pd.DataFrame) -> bytes:
    """The parquet bytes of :func:`stored_frame` of ``frame``, converted one row group at a time."""
    dtypes = _stored_dtypes(frame)
    frame = frame.drop(columns=["line"], errors="ignore")
    return parquet_bytes(
        frame,
        prepare=lambda part: part.astype(dtypes) if dtypes else part,
        row_group_rows=CACHE_ROW_GROUP_ROWS,
    )


class _Batch:
    """Files replaced together: staged first, then renamed into place; undone on failure.

    Every file is first written to a temporary file beside its destination. Only
    then are they renamed into place, one by one, each previous version kept as a
    hidden hard link (or copy) until the whole batch, crosswalk included, is in
    place; on any failure the previous versions are put back and new files
    removed, so the cache is as it was before.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.staged: list[tuple[Path, Path]] = []  # (temporary file, destination)
        self.done: list[
            tuple[Path, Path | None]
        ] = []  # (destination, backup of the old file or None)

    def add(self, name: str, data: bytes) -> None:
        dest = self.folder / name
        self.staged.append((_stage(dest, data), dest))

    def commit(self) -> None:
        for tmp, dest in self.staged:
            backup = None
            if dest.exists():
                backup = dest.with_name(f".{dest.name}.{os.getpid()}.bak")
                backup.unlink(missing_ok=True)
                try:
                    os.link(dest, backup)
                except OSError:
                    shutil.copy2(dest, backup)
            try:
                os.replace(tmp, dest)
            except BaseException:
                if backup is not None:
                    backup.unlink(missing_ok=True)  # the destination still holds the old file
                raise
            self.done.append((dest, backup))

    def rollback(self) -> None:
        for dest, backup in reversed(self.done):
            try:
                if backup is not None:
                    os.replace(backup, dest)
                else:
                    dest.unlink(missing_ok=True)
            except OSError:
                pass
        self.cleanup()
        self.done.clear()

    def cleanup(self) -> None:
        for tmp, _ in self.staged:
            tmp.unlink(missing_ok=True)
        for _, backup in self.done:
            if backup is not None:
                backup.unlink(missing_ok=True)


def write_tables(
    tables: list[ParsedTable],
    *,
    source: str,
    vintage: str | None = None,
    cache_dir: str | Path | None = None,
) -> list[dict]:
    """Write parsed tables to the cache (all checks have passed by now), all or nothing.

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

    Raises
    ------
    InputError
        A table without rows (it would replace a cached table with nothing), or
        a cache that cannot be written (disk full, no permission); the cache is
        then left as it was.
    """
    folder = cbs_cache_dir(cache_dir)
    for table in tables:
        if not len(table.frame):
            raise InputError(
                f"table {table.table_id} has no rows: not written, the cache is unchanged",
                file=table.origin,
            )
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    written = []
    batch = _Batch(folder)
    try:
        for table in tables:
            frame = table.frame
            data = _stored_parquet(frame)
            meta = {
                "table": table.table_id,
                "title": table.title,
                "kind": table.kind,
                "source": source,
                "origin": table.origin,
                "format": table.file_format,
                "retrieved_at": now,
                "vintage": vintage or default_vintage(table, source, now),
                "source_checksum": table.checksum,
                "cache_checksum": sha256_of(data),
                "rows": int(len(frame)),
                "notes": table.notes,
                "package_version": __version__,
            }
            if table.kind == "data":
                meta["indicators"] = sorted(map(str, frame["indicator"].unique()))
                meta["periods"] = sorted(map(str, frame["period"].unique()))
            batch.add(f"{table.table_id}.parquet", data)
            del data
            batch.add(f"{table.table_id}.json", json.dumps(meta, indent=2).encode())
            written.append(meta)
        batch.commit()
        rebuild_crosswalk(folder)
    except OSError as exc:
        batch.rollback()
        raise InputError(
            f"cannot write the CBS cache: {exc.strerror or exc}; the cache is unchanged",
            file=folder,
        ) from None
    except BaseException:
        batch.rollback()
        raise
    batch.cleanup()
    return written


def default_vintage(table: ParsedTable, source: str, now: str) -> str:
    """The vintage recorded when none is given: the file's date, or the retrieval date."""
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
    if is_extract(folder):
        return extract_metadata(folder)
    out = []
    for meta_path in sorted(folder.glob("*.json")):
        try:
            out.append(json.loads(meta_path.read_text()))
        except (OSError, json.JSONDecodeError):
            raise InputError(
                "cache entry is unreadable; import the table again", file=meta_path
            ) from None
    return out


def _cached_files(table_id: str, cache_dir: str | Path | None = None, **_options) -> list[Path]:
    """The files a :func:`read_cached` call depends on (for :mod:`analysis.datacache`)."""
    folder = cbs_cache_dir(cache_dir)
    if is_extract(folder):
        return [folder / OBSERVATIONS, folder / MANIFEST]
    return [folder / f"{table_id}.{ext}" for ext in ("parquet", "json")]


@datacache.cached(_cached_files)
def read_cached(
    table_id: str,
    cache_dir: str | Path | None = None,
    *,
    columns: list[str] | None = None,
    categories: list[str] | None = None,
) -> tuple[pd.DataFrame, dict] | None:
    """A cached table and its metadata, or None when it is not cached.

    ``columns`` reads only those columns (the checksum still covers the whole
    file); ``categories`` reads those string columns as categoricals.

    Raises
    ------
    InputError
        When the cached file does not match the checksum in its sidecar.
    """
    folder = cbs_cache_dir(cache_dir)
    if is_extract(folder):
        return read_extract_table(table_id, folder)
    data_path, meta_path = folder / f"{table_id}.parquet", folder / f"{table_id}.json"
    if not (data_path.exists() and meta_path.exists()):
        return None
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(
            "cache entry is unreadable; import or fetch the table again", file=meta_path
        ) from None
    data = data_path.read_bytes()
    if sha256_of(data) != meta.get("cache_checksum"):
        raise InputError(
            "cached table does not match its checksum; import or fetch it again", file=data_path
        )
    return read_parquet(data, columns=columns, categories=categories), meta


def rebuild_crosswalk(folder: Path) -> pd.DataFrame:
    """Rebuild ``regions.parquet`` from the cached region tables and coded data tables."""
    crosswalk = build_crosswalk(folder)
    _atomic_write_bytes(folder / CROSSWALK, parquet_bytes(crosswalk.astype(object)))
    return crosswalk


def build_crosswalk(folder: Path) -> pd.DataFrame:
    """The label-to-code crosswalk of the tables in a cache (or extract) folder."""
    parts = []
    metas = [m for m in cached_metadata(folder)]
    # Newest region table first, so current names win; older tables keep merged-away codes.
    for meta in sorted(
        (m for m in metas if m["kind"] == "regions"), key=lambda m: m["table"], reverse=True
    ):
        frame, _ = read_cached(meta["table"], folder)
        parts.append(
            frame.reindex(columns=REGION_COLUMNS)
        )  # a cache imported before a column was added
    coded_parts = []
    for meta in metas:
        if meta["kind"] != "data":
            continue
        frame, _ = read_cached(
            meta["table"],
            folder,
            columns=["region_code", "region_label"],
            categories=["region_code", "region_label"],
        )
        coded = frame.dropna(subset=["region_code"]).drop_duplicates("region_code")
        if len(coded):
            names = coded["region_label"].str.replace(r"^Wijk \d+\s+", "", regex=True)
            coded_parts.append(
                pd.DataFrame(
                    {
                        "region_code": coded["region_code"],
                        "region_name": names,
                        "label": coded["region_label"],
                        **dict.fromkeys(REGION_COLUMNS[3:]),
                    }
                )
            )
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
    return crosswalk.drop_duplicates(["region_code", "label"]).reset_index(drop=True)


@datacache.cached(lambda cache_dir=None: [cbs_cache_dir(cache_dir) / CROSSWALK])
def read_crosswalk(cache_dir: str | Path | None = None) -> pd.DataFrame | None:
    """The label-to-code crosswalk of the cache, or None when nothing is cached."""
    folder = cbs_cache_dir(cache_dir)
    if is_extract(folder):
        return _extract_crosswalk(folder)
    path = folder / CROSSWALK
    if not path.exists():
        return None
    try:
        return read_parquet(path)
    except Exception:  # a damaged file: pyarrow raises several kinds of errors
        raise InputError(
            "region crosswalk is unreadable; import or fetch any table again to rebuild it",
            file=path,
        ) from None


_CROSSWALKS: dict[tuple, pd.DataFrame] = {}


def _extract_crosswalk(folder: Path) -> pd.DataFrame:
    """The crosswalk of an extract, built once per extract (its manifest's identity)."""
    key = tuple(m["cache_checksum"] for m in cached_metadata(folder)) + (str(folder.resolve()),)
    if key not in _CROSSWALKS:
        _CROSSWALKS.clear()
        _CROSSWALKS[key] = build_crosswalk(folder).astype(object)
    return _CROSSWALKS[key]
