"""The embedded CBS extract (``data/cbs/``): the catalogue's figures, committed with the project.

CBS StatLine data is open data (CC BY 4.0). The extract holds, for every
table of the catalogue, the rows the notebooks read: Nederland, the
landsdelen, the provinces and every municipality of the data tables, the
wijken of the Wmo-per-wijk tables, and the *Gebieden in Nederland* region
tables. It is built by the project's own import (:func:`analysis.cbs.import_paths`)
from the CBS files in ``../shared/realdata``, or from a cache filled by
``python -m analysis cbs fetch``, and is written deterministically (sorted
rows, fixed number formatting, gzip without a time stamp), so that
``python -m analysis cbs extract`` rebuilds it byte for byte.

Files:

``observations.csv.gz``
    Tidy observations of the data tables: ``source_table``, ``indicator``,
    ``measure``, ``region_code``, ``region_label``, ``period``,
    ``period_type``, ``value``, ``status``, ``note``, ``source_ref``,
    ``vintage``.
``regions.csv.gz``
    The rows of the region tables (``source_table``, ``region_code``,
    ``region_name``, ``label``, and for municipalities ``size_class``, ``urbanity``,
    ``inhabitants``, ``address_density``).
``tables.json``
    One entry per table (title, vintage, checksum of the CBS file it came
    from, rows, indicators, periods, notes) and the SHA-256 of both files.
``README.md``
    Attribution, the tables, the vintage and how to refresh the extract.

A folder holding ``tables.json`` is read like a CBS cache folder:
:func:`analysis.cbs.cache.read_cached`, :func:`~analysis.cbs.cache.cached_metadata`
and :func:`~analysis.cbs.cache.read_crosswalk` recognise it, so everything that
reads the cache reads the extract too.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import InputError
from ..periods import period_sort_key
from ..regions import level_of
from .catalogue import TABLES
from .parse import RAW_COLUMNS, REGION_COLUMNS, sha256_of

MANIFEST = "tables.json"
OBSERVATIONS = "observations.csv.gz"
REGIONS = "regions.csv.gz"
README = "README.md"
FORMAT_VERSION = 1

#: The vintage of the CBS files in ``../shared/realdata`` (see their SOURCE.txt).
REALDATA_VINTAGE = "CBS StatLine, opgehaald 2025-04-22"

OBSERVATION_COLUMNS = [
    "source_table",
    "indicator",
    "measure",
    "region_code",
    "region_label",
    "period",
    "period_type",
    "value",
    "status",
    "note",
    "source_ref",
    "vintage",
]
REGION_FILE_COLUMNS = ["source_table", *REGION_COLUMNS]
#: Region levels kept from the data tables (wijk tables keep their own levels).
KEPT_LEVELS = ("land", "landsdeel", "provincie", "gemeente")
#: The columns of a table in the extract: the parsed columns without the source ``line``.
_CACHE_COLUMNS = [c for c in RAW_COLUMNS if c != "line"]


def extract_dir() -> Path:
    """The embedded extract's folder (``data/cbs``)."""
    return config.cbs_extract_dir()


def is_extract(folder: str | Path | None) -> bool:
    """Whether ``folder`` is a CBS extract (it holds ``tables.json``)."""
    return folder is not None and (Path(folder) / MANIFEST).is_file()


def source_ref(table_id: str, measure: str) -> str:
    """Where a CBS figure is published: the table's StatLine address and the measure key."""
    return f"opendata.cbs.nl/#/CBS/nl/dataset/{table_id}, {measure}"


# --- building ------------------------------------------------------------------------------------


def _number(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.10g}"


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _csv_gz(frame: pd.DataFrame) -> bytes:
    """Deterministic gzip'd CSV: no time stamp or file name in the gzip header."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    raw = buf.getvalue().encode("utf-8")
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    return out.getvalue()


def extract_frames(
    cache_dir: str | Path, tables=None
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """The extract's rows and table entries, from a CBS cache folder.

    Parameters
    ----------
    cache_dir : path
        A CBS cache folder holding every table of the catalogue.
    tables : iterable of str, optional
        The tables to extract (default: the whole catalogue, which the
        embedded extract must hold).

    Returns
    -------
    (DataFrame, DataFrame, list of dict)
        Observations (:data:`OBSERVATION_COLUMNS`), region rows
        (:data:`REGION_FILE_COLUMNS`) and one entry per table, all sorted.

    Raises
    ------
    InputError
        When a catalogue table is missing from the cache.
    """
    from .cache import cached_metadata, read_cached
    from .load import codes_for_labels, region_resolver

    wanted = sorted(TABLES if tables is None else tables)
    unknown = [t for t in wanted if t not in TABLES]
    if unknown:
        raise InputError(f"not in the catalogue: {', '.join(unknown)}")
    metas = {m["table"]: m for m in cached_metadata(cache_dir)}
    missing = [t for t in wanted if t not in metas]
    if missing:
        raise InputError(
            f"the CBS cache {cache_dir} lacks catalogue table(s) {', '.join(missing)}; "
            "import or fetch them before building the extract"
        )
    resolver = region_resolver(cache_dir)
    obs_parts, region_parts, entries = [], [], []
    for table_id in wanted:
        frame, meta = read_cached(table_id, cache_dir)
        table = TABLES[table_id]
        if table.kind == "regions":
            region_parts.append(frame.reindex(columns=REGION_COLUMNS).assign(source_table=table_id))
            kept = frame
        else:
            frame = frame.copy()
            frame["region_code"] = frame["region_code"].fillna(codes_for_labels(frame, resolver))
            frame = frame.dropna(subset=["region_code"])
            levels = frame["region_code"].map(level_of)
            frame = frame[levels.isin(table.only_levels or KEPT_LEVELS)]
            kept = frame
            obs_parts.append(
                pd.DataFrame(
                    {
                        "source_table": table_id,
                        "indicator": frame["indicator"],
                        "measure": frame["measure"],
                        "region_code": frame["region_code"],
                        "region_label": frame["region_label"],
                        "period": frame["period"],
                        "period_type": frame["period_type"],
                        "value": frame["value"],
                        "status": frame["status"],
                        "note": frame["note"] if "note" in frame else None,
                        "source_ref": [source_ref(table_id, m) for m in frame["measure"]],
                        "vintage": meta.get("vintage", ""),
                    }
                )
            )
        entry = {
            "table": table_id,
            "title": meta.get("title", table.title),
            "kind": table.kind,
            "source": meta.get("source"),
            "origin": Path(str(meta.get("origin", ""))).name,
            "format": meta.get("format"),
            "vintage": meta.get("vintage", ""),
            "source_checksum": meta.get("source_checksum"),
            "rows": int(len(kept)),
            "notes": list(meta.get("notes") or []),
        }
        if table.kind == "data":
            entry["indicators"] = sorted(kept["indicator"].unique().tolist())
            entry["periods"] = sorted(kept["period"].unique().tolist(), key=period_sort_key)
        entries.append(entry)
    obs = (
        pd.concat(obs_parts, ignore_index=True)
        if obs_parts
        else pd.DataFrame(columns=OBSERVATION_COLUMNS)
    )
    obs = obs[OBSERVATION_COLUMNS]
    obs = obs.sort_values(
        ["source_table", "indicator", "region_code", "period_type", "period", "region_label"],
        kind="stable",
    ).reset_index(drop=True)
    regions = (
        pd.concat(region_parts, ignore_index=True)
        if region_parts
        else pd.DataFrame(columns=REGION_FILE_COLUMNS)
    )[REGION_FILE_COLUMNS]
    regions = regions.sort_values(
        REGION_FILE_COLUMNS, kind="stable", na_position="first"
    ).reset_index(drop=True)
    return obs, regions, entries


def extract_files(cache_dir: str | Path, tables=None) -> dict[str, bytes]:
    """The extract's files (name -> bytes), built from a CBS cache folder (see :func:`extract_frames`)."""
    obs, regions, entries = extract_frames(cache_dir, tables)
    obs_text = obs.assign(
        value=obs["value"].map(_number),
        **{c: obs[c].map(_text) for c in OBSERVATION_COLUMNS if c != "value"},
    )
    reg_text = regions.assign(**{c: regions[c].map(_text) for c in REGION_FILE_COLUMNS})
    files = {OBSERVATIONS: _csv_gz(obs_text), REGIONS: _csv_gz(reg_text)}
    manifest = {
        "format": FORMAT_VERSION,
        "licence": "CC BY 4.0, bron: CBS (Centraal Bureau voor de Statistiek)",
        "vintages": sorted({e["vintage"] for e in entries}),
        "files": {name: sha256_of(data) for name, data in sorted(files.items())},
        "tables": entries,
    }
    files[MANIFEST] = (
        json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    ).encode("utf-8")
    files[README] = readme_text(manifest).encode("utf-8")
    return files


def readme_text(manifest: dict) -> str:
    """The extract's README: attribution, tables, vintage, how to refresh."""
    lines = [
        "# CBS-extract (data/cbs)",
        "",
        "Cijfers van het Centraal Bureau voor de Statistiek (CBS), StatLine. **Bron: CBS**, onder de licentie",
        "[Creative Commons Naamsvermelding 4.0 (CC BY 4.0)](https://creativecommons.org/licenses/by/4.0/deed.nl):",
        "de cijfers mogen worden verspreid met vermelding van de bron. Dit is een uittreksel: alleen de tabellen,",
        "maten en gebieden die de notebooks gebruiken (Nederland, landsdelen, provincies, alle gemeenten; per wijk",
        "de Wmo-cliënten), omgezet naar de tidy observaties van het project. De ruwe CBS-bestanden staan niet in",
        "de repository.",
        "",
        f"Vintage: {', '.join(manifest['vintages'])}.",
        "",
        "Status: CBS-markeringen (`2019*`) waar het bestand ze heeft; anders geldt de regel in `docs/cbs.md`",
        "(een periode die minder dan 12 maanden voor de vintagedatum eindigde is *voorlopig*).",
        "",
        "| tabel | titel | rijen | perioden | bronbestand (SHA-256) |",
        "|---|---|---|---|---|",
    ]
    for e in manifest["tables"]:
        periods = e.get("periods") or []
        span = f"{periods[0]} … {periods[-1]}" if periods else ""
        checksum = (e.get("source_checksum") or "")[:12]
        lines.append(
            f"| {e['table']} | {e['title']} | {e['rows']} | {span} | {e['origin']} ({checksum}…) |"
        )
    lines += [
        "",
        "Bestanden: `observations.csv.gz` (per rij: tabel, indicator, maat, gebied, periode, waarde, status,",
        "noot, source_ref, vintage), `regions.csv.gz` (de tabellen *Gebieden in Nederland*), `tables.json`",
        "(per tabel herkomst, vintage en controlegetallen). Zie `docs/cbs.md`.",
        "",
        "## Vernieuwen",
        "",
        "```bash",
        "make cbs-extract                                  # uit ../shared/realdata (byte voor byte hetzelfde)",
        "python -m analysis cbs fetch                      # of: live ophalen in de CBS-cache ...",
        "python -m analysis cbs extract --from-cache       # ... en daaruit het uittreksel maken",
        "```",
        "",
        "Dit bestand is gemaakt door `python -m analysis cbs extract`; wijzig het niet met de hand.",
        "",
    ]
    return "\n".join(lines)


def write_extract(files: dict[str, bytes], out_dir: str | Path) -> Path:
    """Write the extract's files into ``out_dir`` (all written to a temporary folder first, then moved)."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        out.mkdir(exist_ok=True)
        # the manifest last: a folder is an extract only once its manifest is there
        for name in sorted(files, key=lambda n: n == MANIFEST):
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _load.cache_clear()
    return out


def build_extract(
    paths=None,
    *,
    from_cache: str | Path | None = None,
    vintage: str | None = None,
    out_dir: str | Path | None = None,
) -> dict:
    """Build the extract with the project's own import, and write it.

    Parameters
    ----------
    paths : iterable of path, optional
        CBS CSV files or folders, imported into a temporary cache (default:
        ``config.realdata_dir()``, with :data:`REALDATA_VINTAGE`).
    from_cache : path, optional
        Build from this CBS cache folder instead (e.g. after ``cbs fetch``).
    vintage : str, optional
        The vintage recorded for imported files.
    out_dir : path, optional
        Default: :func:`extract_dir`.

    Returns
    -------
    dict
        The manifest written.
    """
    from . import import_paths

    if from_cache is not None:
        files = extract_files(from_cache)
    else:
        if paths is None:
            folder = config.realdata_dir()
            if not folder.is_dir():
                raise InputError(
                    f"no CBS files: {folder} does not exist; pass the files or use --from-cache"
                )
            paths = [folder]
            vintage = vintage or REALDATA_VINTAGE
        with tempfile.TemporaryDirectory(prefix="analysis-extract-") as tmp:
            import_paths(paths, cache_dir=tmp, vintage=vintage)
            files = extract_files(tmp)
    write_extract(files, out_dir if out_dir is not None else extract_dir())
    return json.loads(files[MANIFEST])


# --- reading -------------------------------------------------------------------------------------


def _identity(folder: Path) -> tuple:
    """The extract's version: its manifest's path, and size and mtime of the manifest and of
    each data file that exists (a data file replaced under the same manifest is read again)."""
    path = folder / MANIFEST
    st = path.stat()
    files = []
    for name in (OBSERVATIONS, REGIONS):
        try:
            data = (folder / name).stat()
        except OSError:
            files.append(None)  # reported as missing when the extract is read
        else:
            files.append((data.st_mtime_ns, data.st_size))
    return str(path.resolve()), st.st_mtime_ns, st.st_size, *files


def _read_checked(folder: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the two data files' bytes, each file checked against its checksum."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        checksums = manifest["files"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise InputError(
            "CBS extract manifest is unreadable; rebuild it with 'python -m analysis cbs extract'",
            file=folder / MANIFEST,
        ) from None
    blobs = {}
    for name in (OBSERVATIONS, REGIONS):
        try:
            data = (folder / name).read_bytes()
        except OSError:
            raise InputError("CBS extract file is missing", file=folder / name) from None
        if sha256_of(data) != checksums.get(name):
            raise InputError(
                "CBS extract file does not match its checksum in tables.json; "
                "rebuild it with 'python -m analysis cbs extract'",
                file=folder / name,
            )
        blobs[name] = data
    return manifest, blobs


@lru_cache(maxsize=4)
def _checked_manifest(identity: tuple) -> dict:
    return _read_checked(Path(identity[0]).parent)[0]


def _manifest(folder: Path) -> dict:
    """The extract's manifest, its data files checked but not parsed (metadata needs no more:
    the runner's up-front period check reads it in ~20 ms instead of loading the 500,000 rows).
    Only the manifest is kept per extract version, not the files' bytes."""
    return _checked_manifest(_identity(folder))


@lru_cache(maxsize=4)
def _load(identity: tuple) -> tuple[dict, dict[str, pd.DataFrame], pd.DataFrame]:
    manifest, compressed = _read_checked(Path(identity[0]).parent)
    blobs = {name: gzip.decompress(data) for name, data in compressed.items()}
    # pyarrow's reader: the same frame as pandas' C reader on this file (a test checks), at a
    # quarter of the CPU (~0.3 s against ~1.2-1.5 s for the 500,000 rows); every notebook's first
    # cell pays this once per kernel. The file's checksum was verified above.
    obs = pd.read_csv(
        io.BytesIO(blobs[OBSERVATIONS]), dtype=str, keep_default_na=False, engine="pyarrow"
    )
    obs["value"] = pd.to_numeric(obs["value"].replace("", None), errors="raise").astype(float)
    for col in ("note", "region_code"):
        obs[col] = obs[col].replace("", None)
    obs = obs.rename(columns={"source_table": "table_id"})
    tables = {
        tid: part[_CACHE_COLUMNS].reset_index(drop=True)
        for tid, part in obs.groupby("table_id", sort=True)
    }
    regions = pd.read_csv(io.BytesIO(blobs[REGIONS]), dtype=str, keep_default_na=False)
    regions = regions.replace("", None)
    return manifest, tables, regions


def _entries(folder: Path) -> tuple[dict, dict[str, pd.DataFrame], pd.DataFrame]:
    return _load(_identity(folder))


def extract_metadata(folder: str | Path) -> list[dict]:
    """The table entries of an extract, as :func:`analysis.cbs.cache.cached_metadata` gives them."""
    folder = Path(folder)
    manifest = _manifest(folder)
    checksum = manifest["files"][OBSERVATIONS]
    out = []
    for entry in manifest["tables"]:
        meta = dict(entry)
        meta["cache_checksum"] = (
            manifest["files"][REGIONS] if entry["kind"] == "regions" else checksum
        )
        meta["path"] = str(folder / (REGIONS if entry["kind"] == "regions" else OBSERVATIONS))
        meta["extract"] = True
        out.append(meta)
    return sorted(out, key=lambda m: m["table"])


def read_extract_table(table_id: str, folder: str | Path) -> tuple[pd.DataFrame, dict] | None:
    """One table of an extract in the cache's format (as :func:`analysis.cbs.cache.read_cached`)."""
    folder = Path(folder)
    _, tables, regions = _entries(folder)
    meta = next((m for m in extract_metadata(folder) if m["table"] == table_id), None)
    if meta is None:
        return None
    if meta["kind"] == "regions":
        frame = (
            regions.loc[regions["source_table"] == table_id]
            .reindex(columns=REGION_COLUMNS)
            .reset_index(drop=True)
        )
    else:
        frame = tables.get(table_id, pd.DataFrame(columns=_CACHE_COLUMNS)).copy()
    return frame, meta


def extract_vintages(folder: str | Path) -> list[str]:
    """The vintages of an extract's tables."""
    return list(_manifest(Path(folder)).get("vintages", []))


__all__ = [
    "MANIFEST",
    "OBSERVATIONS",
    "OBSERVATION_COLUMNS",
    "README",
    "REALDATA_VINTAGE",
    "REGIONS",
    "build_extract",
    "extract_dir",
    "extract_files",
    "extract_frames",
    "extract_metadata",
    "extract_vintages",
    "is_extract",
    "read_extract_table",
    "readme_text",
    "source_ref",
    "write_extract",
]
