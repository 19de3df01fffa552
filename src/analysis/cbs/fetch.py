"""Fetch tables live from CBS StatLine with cbsodata (needs the network).

The OData feed returns keys (``GM0344``, ``2016HJ01``) with dimension tables
that give their titles and, for periods, their status (*Voorlopig*,
*Nader voorlopig*, *Definitief*). The response is turned into the same
:class:`~analysis.cbs.parse.ParsedTable` as an imported file, so the cache
cannot tell a fetched table from an imported one except by its metadata.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from ..errors import InputError
from ..periods import (
    STATUS_FINAL,
    STATUS_MISSING,
    STATUS_PROVISIONAL,
    STATUS_REVISED_PROVISIONAL,
    parse_cbs_period,
)
from ..regions import is_region_code
from .catalogue import TABLES, Table, normalise_measure_name
from .parse import NOTE_ABOVE_100, RAW_COLUMNS, REGION_COLUMNS, ParsedTable, reject_conflicts

_STATUS = {
    "definitief": STATUS_FINAL,
    "voorlopig": STATUS_PROVISIONAL,
    "nader voorlopig": STATUS_REVISED_PROVISIONAL,
}


def download(table_id: str) -> dict:
    """Download a table with cbsodata (typed data set and all metadata)."""
    import cbsodata

    try:
        return cbsodata.download_data(table_id, typed=True)
    except Exception as exc:  # network errors, HTTP errors, JSON errors
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"fetching CBS table {table_id} failed: {first}") from None


def from_odata(table_id: str, response: dict) -> ParsedTable:
    """Turn a cbsodata ``download_data(..., typed=True)`` response into a ParsedTable."""
    table = TABLES.get(table_id)
    if table is None:
        raise InputError(f"table {table_id} is not in the catalogue")
    data = response.get("TypedDataSet")
    if data is None:
        raise InputError(f"response for {table_id} has no TypedDataSet")
    info = (response.get("TableInfos") or [{}])[0]
    checksum = hashlib.sha256(
        json.dumps(response, sort_keys=True, default=str).encode()
    ).hexdigest()
    origin = f"cbsodata: opendata.cbs.nl/ODataApi/OData/{table_id}"
    title = info.get("Title") or table.title
    if table.kind == "regions":
        frame = _regions_from_odata(data, response)
        return ParsedTable(table_id, title, "regions", frame, origin, checksum, "odata-json")
    frame = _data_from_odata(table, data, response)
    return ParsedTable(table_id, title, "data", frame, origin, checksum, "odata-json")


def vintage_of(response: dict) -> str | None:
    """The 'Modified' date CBS gives for the table, as the vintage."""
    info = (response.get("TableInfos") or [{}])[0]
    modified = info.get("Modified")
    return f"CBS-versie {str(modified)[:10]}" if modified else None


def _dimension(response: dict, name: str) -> dict[str, dict]:
    return {str(r["Key"]).strip(): r for r in response.get(name, []) if "Key" in r}


def _data_from_odata(table: Table, data: list[dict], response: dict) -> pd.DataFrame:
    if not data:
        return pd.DataFrame(columns=RAW_COLUMNS)
    keys = list(data[0])
    region_dim = next(
        (
            k
            for k in keys
            if normalise_measure_name(k) in {"regios", "regio", "wijken", "wijkenenbuurten"}
        ),
        None,
    )
    if region_dim is None or "Perioden" not in keys:
        raise InputError(f"response for {table.id} has no region or Perioden dimension")
    regions = _dimension(response, region_dim)
    periods = _dimension(response, "Perioden")
    filters = {}
    for name, allowed in table.filters.items():
        if name in keys:
            titles = {
                k: str(v.get("Title", "")).strip().lower()
                for k, v in _dimension(response, name).items()
            }
            filters[name] = (titles, {a.lower() for a in allowed})
    measures = {k: table.measure_for(k) for k in keys}
    measures = {k: m for k, m in measures.items() if m is not None}
    out = []
    for i, rec in enumerate(data, start=1):
        if any(
            titles.get(str(rec[name]).strip(), "") not in allowed
            for name, (titles, allowed) in filters.items()
        ):
            continue
        rkey = str(rec[region_dim]).strip()
        label = str(regions.get(rkey, {}).get("Title", rkey)).strip()
        code = rkey if is_region_code(rkey) else None
        pkey = str(rec["Perioden"]).strip()
        try:
            period = parse_cbs_period(pkey)
        except ValueError:
            raise InputError(f"unknown period key {pkey!r} in row {i} of {table.id}") from None
        meta = periods.get(pkey, {})
        status = _STATUS.get(str(meta.get("Status", "")).strip().lower())
        if status is None:
            status = parse_cbs_period(meta["Title"]).status if meta.get("Title") else period.status
        for key, measure in measures.items():
            value = rec.get(key)
            value = None if value is None or value == "" else float(value)
            if value is not None and value != value:  # NaN: missing, as None is
                value = None
            note = None
            if value is not None and measure.unit == "procent" and not 0 <= value <= 100:
                if value < 0 or not measure.can_exceed_100:
                    raise InputError(
                        f"percentage {value:g} outside 0-100 for {label} {pkey} in {table.id}"
                    )
                note = NOTE_ABOVE_100
            if value is not None and measure.unit != "procent" and value < 0:
                raise InputError(f"negative count {value:g} for {label} {pkey} in {table.id}")
            out.append(
                (
                    table.id,
                    measure.indicator,
                    measure.key_prefix,
                    label,
                    code,
                    period.period,
                    period.period_type,
                    status if value is not None else STATUS_MISSING,
                    value,
                    note,
                    i,
                )
            )
    frame = pd.DataFrame(out, columns=RAW_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    reject_conflicts(frame, f"CBS {table.id}")  # raises on a conflict (its mask is not needed here)
    return frame


def _regions_from_odata(data: list[dict], response: dict) -> pd.DataFrame:
    regions = _dimension(response, "RegioS")
    out = []
    for rec in data:
        rkey = str(rec.get("RegioS", "")).strip()
        label = str(regions.get(rkey, {}).get("Title", rkey)).strip()
        keys = list(rec)
        for j, key in enumerate(keys):
            if not key.startswith("Code_") or j + 1 >= len(keys):
                continue
            code = str(rec[key] or "").strip()
            name = str(rec[keys[j + 1]] or "").strip()
            if not is_region_code(code):
                continue
            if code.startswith("GM"):
                out.append((code, name, label, None, None, None, None))
            else:
                out.append((code, name, f"{name} ({code[:2]})", None, None, None, None))
    return pd.DataFrame(out, columns=REGION_COLUMNS).drop_duplicates().reset_index(drop=True)
