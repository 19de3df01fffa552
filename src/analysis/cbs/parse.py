"""Read CBS tables from files into a tidy frame, rejecting bad input.

Two file formats are understood, detected from their content:

* **OData / cbsodata CSV** (the format of the StatLine ODataFeed as saved by
  cbsodata or pandas): a header of dimension and measure *keys*
  (``ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1``), decimal point,
  dimension cells holding CBS labels (``Utrecht (gemeente)``,
  ``1e halfjaar 2016``) or keys (``GM0344``, ``2016HJ01``), empty cells for
  missing values.
* **StatLine web download** (CSV from the StatLine site): a title line, header
  rows with the *labels* of dimensions and measures (units in parentheses or
  on a row of their own), decimal comma, statistical symbols
  (``.`` unknown, ``x`` secret, ``-`` nil) and a footer (``Bron: CBS``).

Both give a :class:`ParsedTable`: one row per measure, region and period with
the file line it came from. Any problem raises :class:`~analysis.errors.InputError`
with the file, line and column; files are only read, never changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..periods import (
    STATUS_MISSING,
    STATUS_SUPPRESSED,
    parse_cbs_period,
)
from ..regions import is_region_code
from .catalogue import TABLES, Table, normalise_measure_name, table_for_title, table_id_from_name

RAW_COLUMNS = [
    "table_id", "indicator", "measure", "region_label", "region_code",
    "period", "period_type", "status", "value", "note", "line",
]
NOTE_ABOVE_100 = "boven 100%: zoals gepubliceerd door CBS (verhouding van afgeronde aantallen)"
REGION_COLUMNS = ["region_code", "region_name", "label", "size_class"]

_REGION_DIMS = {"regios", "regio", "wijken", "wijkenenbuurten", "regiosgemeenten"}
_PERIOD_DIMS = {"perioden", "periode", "periods"}
_CODE_COLUMNS = {"codering", "code"}
_FOOTER = re.compile(r"^(bron|source|©|centraal bureau voor de statistiek|cbs\b|statline)", re.I)
_UNIT_WORDS = re.compile(r"^(%|aantal|x\s*1\s*000|per\s|euro|gemiddeld|jaren|procent)", re.I)
_SNIFF_LINES = 15


@dataclass
class ParsedTable:
    """A CBS table read from a file or fetched from CBS."""

    table_id: str
    title: str
    kind: str  # "data" or "regions"
    frame: pd.DataFrame  # RAW_COLUMNS for data tables, REGION_COLUMNS for region tables
    origin: str
    checksum: str
    file_format: str
    notes: list[str] = field(default_factory=list)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_table_file(path: str | Path, table_id: str | None = None) -> ParsedTable | None:
    """Read one CBS CSV file.

    Parameters
    ----------
    path : str or Path
        The file.
    table_id : str, optional
        The CBS table id, when neither the file name nor its title tells.

    Returns
    -------
    ParsedTable or None
        None when the file holds a CBS table the catalogue does not use.

    Raises
    ------
    InputError
        Empty, binary, truncated or malformed files, unknown periods or
        regions, impossible values and conflicting duplicate rows.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None
    if not data.strip():
        raise InputError("file is empty", file=path)
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not a CSV table", file=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    rows = _read_rows(text, path)
    header_idx = _find_header(rows, path)
    header = [c.strip() for c in rows[header_idx][1]]
    web = header_idx > 0 or not any(re.search(r"_\d+$", c) for c in header)
    title = rows[0][1][0].strip() if header_idx > 0 else ""
    tid = table_id or table_id_from_name(path.name) or table_id_from_name(title)
    table = TABLES.get(tid) if tid else table_for_title(title)
    if table is None:
        if tid is None:
            raise InputError(
                "cannot tell which CBS table this is: name the file after the table id "
                "(e.g. 85098NED.csv) or pass the table id",
                file=path,
            )
        return None
    checksum = sha256_of(data)
    if table.kind == "regions":
        frame = _parse_regions(rows, header_idx, header, path)
        return ParsedTable(table.id, table.title, "regions", frame, str(path), checksum, "odata-csv")
    open_end = not text.endswith(("\n", "\r"))  # a cut-off file does not end with a line break
    frame, notes = _parse_data(table, rows, header_idx, header, web, path, open_end)
    fmt = "statline-web-csv" if web else "odata-csv"
    return ParsedTable(table.id, table.title, "data", frame, str(path), checksum, fmt, notes)


def _read_rows(text: str, path: Path) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    sample = "\n".join(lines[:_SNIFF_LINES])
    counts = {d: sample.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise InputError("no ';', ',' or tab delimiter found: not a CSV table", file=path)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc}); the file may be truncated", file=path, row=reader.line_num) from None
    return rows


def _find_header(rows, path: Path) -> int:
    for i, (_, row) in enumerate(rows[:_SNIFF_LINES]):
        names = {normalise_measure_name(c) for c in row}
        if names & _PERIOD_DIMS or names & _REGION_DIMS or "id" in names and len(row) > 2:
            return i
    first = rows[0][1]
    if len(first) == 1:
        raise InputError(
            "found only one column per line: wrong delimiter, or not a CBS table "
            "(expected ';'-separated columns such as RegioS;Perioden;...)",
            file=path, row=rows[0][0],
        )
    raise InputError("no header with a Perioden or RegioS column found", file=path, row=rows[0][0])


def _looks_like_unit(cell: str) -> bool:
    return bool(_UNIT_WORDS.match(cell.strip()))


def _column_roles(table: Table, rows, header_idx: int, header: list[str]):
    """Decide which column is the region, the period, a filter or a measure."""
    labels = list(header)
    above = rows[header_idx - 1][1] if header_idx > 0 else []
    for j, cell in enumerate(labels):
        if _looks_like_unit(cell) and j < len(above) and above[j].strip():
            labels[j] = above[j].strip()
    roles: dict[int, tuple[str, object]] = {}
    filter_names = {normalise_measure_name(k): k for k in table.filters}
    for j, cell in enumerate(labels):
        norm = normalise_measure_name(cell)
        if norm in _PERIOD_DIMS:
            roles[j] = ("period", None)
        elif norm in _REGION_DIMS and "region" not in {r[0] for r in roles.values()}:
            roles[j] = ("region", None)
        elif norm in _CODE_COLUMNS:
            roles[j] = ("code", None)
        elif norm in filter_names:
            roles[j] = ("filter", filter_names[norm])
        else:
            measure = table.measure_for(cell)
            if measure is not None and measure.indicator not in {
                m.indicator for kind, m in roles.values() if kind == "measure"
            }:
                roles[j] = ("measure", measure)
    return roles, labels


def _parse_number(cell: str, comma_decimal: bool) -> tuple[float | None, str | None]:
    """Value and status override for one cell (None status: the period's status).

    ``comma_decimal``: the file writes ``7,3`` (and may group thousands as ``12.163``).
    """
    text = cell.strip()
    if text in ("", ".", "?"):
        return None, STATUS_MISSING
    if text.lower() == "x":
        return None, STATUS_SUPPRESSED
    if text in ("-", "–"):
        return 0.0, None
    text = text.replace("\u00a0", "").replace(" ", "")
    if comma_decimal:
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
    try:
        return float(text), None
    except ValueError:
        return float("nan"), "invalid"


# A cell that is meant as a region code rather than a label: two capitals and a digit
# (``GM1``), or a code prefix CBS uses in region dimensions followed by capitals or digits
# only (``GMX``). Labels are never written like that (wijk names in capitals such as
# ``KVL`` have no code prefix).
_CODE_LIKE = re.compile(r"[A-Z]{2}\d[0-9A-Z]*|(?:NL|LD|PV|GM|WK|BU|JZ|CR)[0-9A-Z]*")


def _check_region_label(label: str, path: Path, line: int, column: str) -> None:
    if not label:
        raise InputError("empty region", file=path, row=line, column=column)
    if _CODE_LIKE.fullmatch(label) and not is_region_code(label):
        raise InputError(f"unknown region code {label!r}", file=path, row=line, column=column)


def _parse_data(table: Table, rows, header_idx: int, header: list[str], web: bool, path: Path,
                open_end: bool = False):
    roles, labels = _column_roles(table, rows, header_idx, header)
    kinds = [kind for kind, _ in roles.values()]
    if "period" not in kinds or "region" not in kinds:
        missing = [n for n, k in (("Perioden", "period"), ("RegioS", "region")) if k not in kinds]
        raise InputError(f"no {' or '.join(missing)} column in the header", file=path, row=rows[header_idx][0])
    measures = {j: m for j, (kind, m) in roles.items() if kind == "measure"}
    if not measures:
        wanted = ", ".join(m.key_prefix for m in table.measures)
        raise InputError(f"none of the measures the catalogue uses ({wanted}) is in the header", file=path,
                         row=rows[header_idx][0])
    region_col = next(j for j, (k, _) in roles.items() if k == "region")
    period_col = next(j for j, (k, _) in roles.items() if k == "period")
    code_col = next((j for j, (k, _) in roles.items() if k == "code"), None)
    filters = {j: tuple(v.lower() for v in table.filters[name]) for j, (k, name) in roles.items() if k == "filter"}
    width = len(header)
    out: list[tuple] = []
    notes: list[str] = []
    period_cache: dict[str, object] = {}
    body = rows[header_idx + 1:]
    if web and body and all(
        _looks_like_unit(body[0][1][j]) for j in measures if j < len(body[0][1])
    ):
        body = body[1:]  # a row of units under the header
    # Web downloads are usually Dutch (7,3); a file whose values hold no comma at all
    # writes decimals with a point.
    comma_decimal = web and any("," in row[j] for _, row in body for j in measures if j < len(row))
    for i, (line, row) in enumerate(body):
        first = row[0].strip()
        if web and _FOOTER.match(first):
            break  # footer
        if web and sum(1 for c in row if c.strip()) == 1 and len(row) < width:
            if open_end and i == len(body) - 1:
                # not a footer line but the start of a data row the file stops in
                raise InputError(
                    f"truncated row: {len(row)} fields where the header has {width}", file=path, row=line
                )
            break  # footer
        if len(row) < width:
            raise InputError(
                f"truncated row: {len(row)} fields where the header has {width}", file=path, row=line
            )
        if len(row) > width:
            raise InputError(f"row has {len(row)} fields where the header has {width}", file=path, row=line)
        if any(row[j].strip().lower() not in allowed for j, allowed in filters.items()):
            continue
        region_label = row[region_col].strip()
        code = row[code_col].strip() if code_col is not None else None
        _check_region_label(region_label, path, line, labels[region_col])
        if code and not is_region_code(code):
            raise InputError(f"unknown region code {code!r}", file=path, row=line, column=labels[code_col])
        if not code and is_region_code(region_label):
            code = region_label
        plabel = row[period_col]
        period = period_cache.get(plabel)
        if period is None:
            try:
                period = parse_cbs_period(plabel)
            except ValueError:
                raise InputError(f"unknown period label {plabel.strip()!r}", file=path, row=line,
                                 column=labels[period_col]) from None
            period_cache[plabel] = period
        for j, measure in measures.items():
            value, status = _parse_number(row[j], comma_decimal)
            if status == "invalid":
                raise InputError(f"value {row[j].strip()!r} is not a number or CBS symbol", file=path,
                                 row=line, column=labels[j])
            note = None
            if value is not None:
                if measure.unit == "procent" and value > 100 and measure.can_exceed_100:
                    note = NOTE_ABOVE_100
                elif measure.unit == "procent" and not 0 <= value <= 100:
                    raise InputError(f"percentage {row[j].strip()} outside 0-100", file=path, row=line,
                                     column=labels[j])
                if measure.unit != "procent" and value < 0:
                    raise InputError(f"negative count {row[j].strip()}", file=path, row=line, column=labels[j])
            out.append((
                table.id, measure.indicator, measure.key_prefix, region_label, code or None,
                period.period, period.period_type, status or period.status, value, note, line,
            ))
    if not out:
        notes.append("no rows matched the catalogue's selection")
    above = sum(1 for r in out if r[-2] == NOTE_ABOVE_100)
    if above:
        notes.append(f"{above} percentage(s) above 100 kept as published, with a note")
    frame = pd.DataFrame(out, columns=RAW_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    _reject_conflicts(frame, path)
    frame = frame[~frame.assign(_region=_region_key(frame)).duplicated(["indicator", "_region", "period"])]
    return frame.reset_index(drop=True), notes


def _region_key(frame: pd.DataFrame) -> pd.Series:
    """The region a row is about: its code where the file has one, else its label."""
    return frame["region_code"].fillna("label:" + frame["region_label"])


def _reject_conflicts(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.assign(_region=_region_key(frame))
    key = ["indicator", "_region", "period"]
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return
    for _, group in frame[dup].groupby(key, sort=False):
        values = group["value"]
        if values.nunique(dropna=False) > 1:
            lines = group["line"].tolist()
            first = group.iloc[0]
            raise InputError(
                f"conflicting duplicate rows (lines {', '.join(map(str, lines))}) for "
                f"{first['region_label']} {first['period']} {first['measure']}: "
                f"{', '.join('' if pd.isna(v) else f'{v:g}' for v in values)}",
                file=path, row=lines[1],
            )


def _parse_regions(rows, header_idx: int, header: list[str], path: Path) -> pd.DataFrame:
    """Crosswalk rows from a 'Gebieden in Nederland' table."""
    idx = {normalise_measure_name(c): j for j, c in enumerate(header)}
    label_col = idx.get("regios")
    if label_col is None:
        raise InputError("no RegioS column in a regions table", file=path, row=rows[header_idx][0])
    pairs = []  # (code column, name column)
    for j, c in enumerate(header):
        m = re.fullmatch(r"Code_(\d+)", c.strip())
        if m and j + 1 < len(header) and re.match(r"(Naam|Omschrijving)_", header[j + 1].strip()):
            pairs.append((j, j + 1))
    if not pairs:
        raise InputError("no Code_/Naam_ columns in a regions table", file=path, row=rows[header_idx][0])
    size_pair = next(
        ((cj, nj) for cj, nj in pairs if header[nj].startswith("Omschrijving") and "inwoners" in
         " ".join(r[nj] for _, r in rows[header_idx + 1:header_idx + 20] if len(r) > nj)),
        None,
    )
    out = []
    for line, row in rows[header_idx + 1:]:
        if len(row) < len(header):
            raise InputError(f"truncated row: {len(row)} fields where the header has {len(header)}",
                             file=path, row=line)
        label = row[label_col].strip()
        size = row[size_pair[1]].strip() if size_pair else None
        for n, (cj, nj) in enumerate(pairs):
            code, name = row[cj].strip(), row[nj].strip()
            if not is_region_code(code):
                continue
            if n == 0:
                out.append((code, name, label, size or None))
            else:
                out.append((code, name, f"{name} ({code[:2]})", None))
    frame = pd.DataFrame(out, columns=REGION_COLUMNS).drop_duplicates()
    return frame.reset_index(drop=True)
