"""Read CBS tables from files into a tidy frame, rejecting bad input.

Two file formats are understood, detected from their content:

* **OData / cbsodata CSV** (the format of the StatLine ODataFeed as saved by
  cbsodata or pandas): a header of dimension and measure *keys*
  (``ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1``), decimal point,
  dimension cells holding CBS labels (``Utrecht (gemeente)``,
  ``1e halfjaar 2016``) or keys (``GM0344``, ``2016HJ01``), empty cells for
  missing values.
* **StatLine web download** (CSV from the StatLine site): a title line, header
  rows with the *titles* of dimensions and measures (units in parentheses, also
  nested ones such as ``Jongeren met jeugdhulp in natura (% (zie toelichting))``,
  or on a row of their own), decimal comma, statistical symbols (``.`` unknown,
  ``x`` secret, ``-`` nil), period marks (``2019*`` voorlopig, ``2019**`` nader
  voorlopig) and a footer (``Bron: CBS``). Measures are matched by their key or
  by one of the titles the catalogue lists for them.

Both give a :class:`ParsedTable`: one row per measure, region and period with
the file line it came from. Any problem raises :class:`~analysis.errors.InputError`
with the file, line and column; files are only read, never changed.

Files are streamed: one pass over the bytes (checksum, encoding, binary check),
then the CSV is read row by row and only the catalogue's measures and slices are
kept, in compact columns; a web download with ambiguous decimals gets one more
pass to decide whether ``12.163`` means twelve thousand. Memory therefore
follows the rows kept, not the file size, and time is linear in the file size.
The one size limit: a line may be at most :data:`MAX_LINE_CHARS` characters.

A table must hold data: a file without data rows, without rows in the
catalogue's slice, or whose every value cell is empty or a symbol is refused,
so such a file can never replace a cached table.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import math
import re
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..periods import (
    STATUS_MISSING,
    STATUS_SUPPRESSED,
    STATUSES,
    Period,
    parse_cbs_period,
)
from ..regions import is_region_code
from .catalogue import (
    TABLES,
    Measure,
    Table,
    normalise_measure_name,
    table_for_title,
    table_id_from_name,
)

RAW_COLUMNS = [
    "table_id",
    "indicator",
    "measure",
    "region_label",
    "region_code",
    "period",
    "period_type",
    "status",
    "value",
    "note",
    "line",
]
NOTE_ABOVE_100 = "boven 100%: zoals gepubliceerd door CBS (verhouding van afgeronde aantallen)"
REGION_COLUMNS = [
    "region_code",
    "region_name",
    "label",
    "size_class",
    "urbanity",
    "inhabitants",
    "address_density",
]
#: Municipality characteristics of the region tables (text as published; empty for other areas):
#: CBS gemeentegrootteklasse, stedelijkheid, inwonertal and omgevingsadressendichtheid.
REGION_CHARACTERISTICS = REGION_COLUMNS[3:]
# The longest line accepted (characters). CBS rows are well under 10 000 characters;
# a longer line is not a CBS table (and would otherwise be read into memory whole).
MAX_LINE_CHARS = 1_000_000

_REGION_DIMS = {"regios", "regio", "wijken", "wijkenenbuurten", "regiosgemeenten"}
_PERIOD_DIMS = {"perioden", "periode", "periods"}
_CODE_COLUMNS = {"codering", "code"}
_FOOTER = re.compile(r"^(bron|source|©|centraal bureau voor de statistiek|cbs\b|statline)", re.I)
_UNIT_WORDS = re.compile(r"^(%|aantal|x\s*1\s*000|per\s|euro|gemiddeld|jaren|procent)", re.I)
_SNIFF_LINES = 15
_SNIFF_CHARS = 65_536
_CHUNK = 1 << 20
_STATUS_CODE = {s: i for i, s in enumerate(STATUSES)}


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


@dataclass(frozen=True)
class _FileInfo:
    checksum: str
    encoding: str  # "utf-8-sig" or "cp1252"
    open_end: bool  # the file does not end with a line break (cut off?)


def _scan_bytes(path: Path) -> _FileInfo:
    """One pass over the bytes: checksum, encoding, empty and binary files."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    blank = True
    last = b""
    try:
        with path.open("rb") as fh:
            first = True
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                if first:
                    if b"\x00" in chunk[:8192]:
                        raise InputError("binary file, not a CSV table", file=path)
                    body = chunk[3:] if chunk.startswith(codecs.BOM_UTF8) else chunk
                    first = False
                else:
                    body = chunk
                if blank and body.strip():
                    blank = False
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8 = False
                last = chunk[-1:]
            if utf8:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8 = False
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None
    if blank:
        raise InputError("file is empty", file=path)
    return _FileInfo(
        digest.hexdigest(), "utf-8-sig" if utf8 else "cp1252", last not in (b"\n", b"\r")
    )


@contextmanager
def _open_rows(
    path: Path, info: _FileInfo, delimiter: str
) -> Iterator[Iterator[tuple[int, list[str]]]]:
    """The non-blank rows of the file as ``(line number, cells)``, read as a stream."""
    errors = "strict" if info.encoding == "utf-8-sig" else "replace"
    try:
        fh = path.open(encoding=info.encoding, errors=errors, newline="")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None
    with fh:
        yield _rows(fh, path, delimiter)


def _lines(fh, path: Path) -> Iterator[str]:
    n = 0
    while line := fh.readline(MAX_LINE_CHARS + 1):
        n += 1
        if len(line) > MAX_LINE_CHARS:
            raise InputError(
                f"line longer than {MAX_LINE_CHARS:,} characters: not a CBS table", file=path, row=n
            )
        yield line


def _rows(fh, path: Path, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(_lines(fh, path), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(
            f"malformed CSV ({exc}); the file may be truncated", file=path, row=reader.line_num
        ) from None
    except (UnicodeDecodeError, OSError):
        raise InputError(
            "the file changed or became unreadable while it was read", file=path
        ) from None


def _sniff_delimiter(path: Path, info: _FileInfo) -> str:
    errors = "strict" if info.encoding == "utf-8-sig" else "replace"
    try:
        with path.open(encoding=info.encoding, errors=errors, newline="") as fh:
            sample = fh.read(_SNIFF_CHARS)
    except (UnicodeDecodeError, OSError):
        raise InputError(
            "the file changed or became unreadable while it was read", file=path
        ) from None
    sample = "\n".join(sample.splitlines()[:_SNIFF_LINES])
    counts = {d: sample.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise InputError("no ';', ',' or tab delimiter found: not a CSV table", file=path)
    return delimiter


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
        Empty, binary, truncated or malformed files, files without data rows,
        unknown or implausible periods, unknown regions, impossible values,
        conflicting duplicate rows or measure columns.
    """
    path = Path(path)
    info = _scan_bytes(path)
    delimiter = _sniff_delimiter(path, info)
    with _open_rows(path, info, delimiter) as rows:
        head = list(islice(rows, _SNIFF_LINES))
        if not head:
            raise InputError("file is empty", file=path)
        header_idx = _find_header(head, path)
        header = [c.strip() for c in head[header_idx][1]]
        web = header_idx > 0 or not any(re.search(r"_\d+$", c) for c in header)
        title = head[0][1][0].strip() if header_idx > 0 else ""
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
        body = chain(head[header_idx + 1 :], rows)
        if table.kind == "regions":
            frame = _parse_regions(head, header_idx, header, body, path)
            return ParsedTable(
                table.id, table.title, "regions", frame, str(path), info.checksum, "odata-csv"
            )

        def reread() -> Iterator[tuple[int, list[str]]]:
            with _open_rows(path, info, delimiter) as again:
                yield from islice(again, header_idx + 1, None)

        frame, notes = _parse_data(
            table, head, header_idx, header, web, path, info.open_end, body, reread
        )
    fmt = "statline-web-csv" if web else "odata-csv"
    return ParsedTable(table.id, table.title, "data", frame, str(path), info.checksum, fmt, notes)


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
            file=path,
            row=rows[0][0],
        )
    raise InputError("no header with a Perioden or RegioS column found", file=path, row=rows[0][0])


def _looks_like_unit(cell: str) -> bool:
    return bool(_UNIT_WORDS.match(cell.strip()))


def strip_unit(title: str) -> str:
    """A measure title without its trailing unit in parentheses, nested ones included.

    >>> strip_unit("Jongeren met jeugdhulp in natura (% (zie toelichting))")
    'Jongeren met jeugdhulp in natura'
    >>> strip_unit("Wmo-cliënten (aantal)")
    'Wmo-cliënten'
    """
    text = title.rstrip()
    if not text.endswith(")"):
        return text
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return text[:i].rstrip()
    return text  # unbalanced: leave it as it is


def measure_for(table: Table, column: str) -> Measure | None:
    """The catalogue measure a header cell names: by key (any suffix) or by title, with or without unit."""
    measure = table.measure_for(column)
    if measure is None:
        bare = strip_unit(column)
        if bare != column.strip() and bare:
            measure = table.measure_for(bare)
    return measure


def _column_roles(table: Table, rows, header_idx: int, header: list[str], path: Path):
    """Decide which column is the region, the period, a filter or a measure.

    Returns the roles by column index, the column labels, and pairs
    ``(column, earlier column)`` of measure columns that repeat a measure.
    """
    labels = list(header)
    above = rows[header_idx - 1][1] if header_idx > 0 else []
    for j, cell in enumerate(labels):
        if _looks_like_unit(cell) and j < len(above) and above[j].strip():
            labels[j] = above[j].strip()
    roles: dict[int, tuple[str, object]] = {}
    repeats: list[tuple[int, int]] = []
    seen: dict[str, int] = {}
    filter_names = {normalise_measure_name(k): k for k in table.filters}
    for j, cell in enumerate(labels):
        norm = normalise_measure_name(cell)
        if norm in _PERIOD_DIMS:
            earlier = next((k for k, r in roles.items() if r[0] == "period"), None)
            if earlier is not None:
                raise InputError(
                    f"two period columns ({labels[earlier]!r} and {cell!r})",
                    file=path,
                    row=rows[header_idx][0],
                    column=cell,
                )
            roles[j] = ("period", None)
        elif norm in _REGION_DIMS and "region" not in {r[0] for r in roles.values()}:
            roles[j] = ("region", None)
        elif norm in _CODE_COLUMNS:
            roles[j] = ("code", None)
        elif norm in filter_names:
            roles[j] = ("filter", filter_names[norm])
        else:
            measure = measure_for(table, cell)
            if measure is None:
                continue
            if measure.indicator in seen:
                repeats.append((j, seen[measure.indicator]))
            else:
                seen[measure.indicator] = j
                roles[j] = ("measure", measure)
    return roles, labels, repeats


def _parse_number(cell: str, comma_decimal: bool) -> tuple[float | None, str | None]:
    """Value and status override for one cell (None status: the period's status).

    ``comma_decimal``: the file writes ``7,3`` (and may group thousands as ``12.163``).
    A status of ``"invalid"`` marks a cell that is neither a number nor a CBS symbol.
    """
    text = cell.strip()
    if not comma_decimal:
        try:
            value = float(text)
        except ValueError:
            pass
        else:
            if math.isfinite(value) and "_" not in text:
                return value, None
            return float("nan"), "invalid"
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
        value = float(text)
    except ValueError:
        return float("nan"), "invalid"
    if not math.isfinite(value) or "_" in text:
        return float("nan"), "invalid"
    return value, None


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


def _body_rows(body, *, web: bool, width: int, open_end: bool, path: Path):
    """The data rows under the header: stops at a web footer, refuses truncated and overlong rows."""
    it = iter(body)
    nxt = next(it, None)
    while nxt is not None:
        line, row = nxt
        nxt = next(it, None)
        if web and _FOOTER.match(row[0].strip()):
            return  # footer
        if web and len(row) < width and sum(1 for c in row if c.strip()) == 1:
            if open_end and nxt is None:
                # not a footer line but the start of a data row the file stops in
                raise InputError(
                    f"truncated row: {len(row)} fields where the header has {width}",
                    file=path,
                    row=line,
                )
            return  # footer
        if len(row) < width:
            raise InputError(
                f"truncated row: {len(row)} fields where the header has {width}",
                file=path,
                row=line,
            )
        if len(row) > width:
            raise InputError(
                f"row has {len(row)} fields where the header has {width}", file=path, row=line
            )
        yield line, row


def _is_units_row(row: list[str], measures) -> bool:
    return all(_looks_like_unit(row[j]) for j in measures if j < len(row))


def _parse_data(
    table: Table,
    head,
    header_idx: int,
    header: list[str],
    web: bool,
    path: Path,
    open_end: bool,
    body,
    reread,
):
    """Stream the data rows into compact columns and build the frame once at the end."""
    roles, labels, repeats = _column_roles(table, head, header_idx, header, path)
    kinds = [kind for kind, _ in roles.values()]
    header_line = head[header_idx][0]
    if "period" not in kinds or "region" not in kinds:
        missing = [n for n, k in (("Perioden", "period"), ("RegioS", "region")) if k not in kinds]
        raise InputError(
            f"no {' or '.join(missing)} column in the header", file=path, row=header_line
        )
    measures = {j: m for j, (kind, m) in roles.items() if kind == "measure"}
    if not measures:
        wanted = ", ".join(m.key_prefix for m in table.measures)
        raise InputError(
            f"none of the measures the catalogue uses ({wanted}) is in the header",
            file=path,
            row=header_line,
        )
    region_col = next(j for j, (k, _) in roles.items() if k == "region")
    period_col = next(j for j, (k, _) in roles.items() if k == "period")
    code_col = next((j for j, (k, _) in roles.items() if k == "code"), None)
    filters = [
        (j, frozenset(v.lower() for v in table.filters[name]))
        for j, (k, name) in roles.items()
        if k == "filter"
    ]
    width = len(header)
    body = iter(body)
    first = next(body, None)
    skip_units = web and first is not None and _is_units_row(first[1], measures)
    if first is not None and not skip_units:
        body = chain([first], body)  # otherwise: a row of units under the header
    # Web downloads are usually Dutch (7,3); a file whose values hold no comma at all
    # writes decimals with a point. Deciding needs the whole file: a first pass reads it.
    comma_decimal = False
    if web:
        again = reread()
        if skip_units:
            next(again, None)
        comma_decimal = any(
            "," in row[j]
            for _, row in _body_rows(again, web=web, width=width, open_end=open_end, path=path)
            for j in measures
        )
        again.close()

    measure_list = list(measures.values())
    measure_cols = [(j, m.unit == "procent", m.can_exceed_100) for j, m in measures.items()]
    region_ids: dict[tuple[str, str | None], int] = {}
    region_cells: dict[tuple[str, str], int] = {}
    period_ids: dict[Period, int] = {}
    period_cells: dict[str, int] = {}
    # per kept row: region, period, line; per observation (row x measure): value, status
    c_region, c_period, c_line = array("i"), array("i"), array("i")
    c_value, c_status = array("d"), array("b")
    nan = float("nan")
    append_value, append_status = c_value.append, c_status.append
    rows_read = 0
    for line, row in _body_rows(body, web=web, width=width, open_end=open_end, path=path):
        rows_read += 1
        if filters and any(row[j].strip().lower() not in allowed for j, allowed in filters):
            continue
        cell_key = (row[region_col], row[code_col] if code_col is not None else "")
        rid = region_cells.get(cell_key)
        if rid is None:
            region_label = cell_key[0].strip()
            code = cell_key[1].strip() or None
            _check_region_label(region_label, path, line, labels[region_col])
            if code and not is_region_code(code):
                raise InputError(
                    f"unknown region code {code!r}", file=path, row=line, column=labels[code_col]
                )
            if not code and is_region_code(region_label):
                code = region_label
            rid = region_ids.setdefault((region_label, code), len(region_ids))
            if len(region_cells) < 1_000_000:
                region_cells[cell_key] = rid
        plabel = row[period_col]
        pid = period_cells.get(plabel)
        if pid is None:
            try:
                period = parse_cbs_period(plabel)
            except ValueError as exc:
                problem = (
                    str(exc)
                    if "implausible" in str(exc)
                    else f"unknown period label {plabel.strip()!r}"
                )
                raise InputError(problem, file=path, row=line, column=labels[period_col]) from None
            pid = period_ids.setdefault(period, len(period_ids))
            if len(period_cells) < 100_000:
                period_cells[plabel] = pid
        c_region.append(rid)
        c_period.append(pid)
        c_line.append(line)
        for j, percent, can_exceed in measure_cols:
            cell = row[j]
            value = None
            if not comma_decimal:
                try:
                    value = float(cell)  # the common case, checked below
                except ValueError:
                    pass
            if value is not None and -1e300 < value < 1e300 and "_" not in cell:
                status = None
            else:
                value, status = _parse_number(cell, comma_decimal)
                if status == "invalid":
                    raise InputError(
                        f"value {cell.strip()!r} is not a number or CBS symbol",
                        file=path,
                        row=line,
                        column=labels[j],
                    )
            if value is None:
                append_value(nan)
            else:
                if percent:
                    if not 0 <= value <= 100 and not (can_exceed and value > 100):
                        raise InputError(
                            f"percentage {cell.strip()} outside 0-100",
                            file=path,
                            row=line,
                            column=labels[j],
                        )
                elif value < 0:
                    raise InputError(
                        f"negative count {cell.strip()}", file=path, row=line, column=labels[j]
                    )
                append_value(value)
            append_status(-1 if status is None else _STATUS_CODE[status])
        for j, j0 in repeats:
            a, b = _parse_number(row[j0], comma_decimal), _parse_number(row[j], comma_decimal)
            if a != b and not (a[0] is None and b[0] is None and a[1] == b[1]):
                raise InputError(
                    f"column {labels[j]!r} repeats the measure of column {labels[j0]!r} "
                    f"({measures[j0].key_prefix}) with another value: {row[j0].strip()!r} and {row[j].strip()!r}",
                    file=path,
                    row=line,
                    column=labels[j],
                )
    if rows_read == 0:
        raise InputError(
            "no data rows under the header: nothing to import", file=path, row=header_line
        )
    if not len(c_line):
        selection = "; ".join(f"{name} = {' or '.join(v)}" for name, v in table.filters.items())
        raise InputError(
            f"no rows in the slice the catalogue uses ({selection}): nothing to import",
            file=path,
            row=header_line,
        )
    values = np.frombuffer(c_value, dtype=np.float64)
    if np.isnan(values).all():
        raise InputError(
            "no figures: every value cell is empty or a CBS symbol ('.', 'x'): nothing to import",
            file=path,
            row=header_line,
        )
    n_measures = len(measure_list)
    can_exceed = np.tile(
        [m.unit == "procent" and m.can_exceed_100 for m in measure_list], len(c_line)
    )
    above_100 = can_exceed & (values > 100)
    frame = _build_frame(
        table,
        measure_list,
        region_ids,
        period_ids,
        n_measures,
        c_region,
        c_period,
        c_status,
        values,
        above_100,
        c_line,
    )
    notes = []
    above = int(above_100.sum())
    if above:
        notes.append(f"{above} percentage(s) above 100 kept as published, with a note")
    keep = reject_conflicts(frame, path)
    if not keep.all():
        frame = frame[keep]
    return frame.reset_index(drop=True), notes


def _categorical(codes: np.ndarray, categories: list) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def _code_dtype(n_categories: int) -> type:
    """The smallest integer type pandas keeps categorical codes in for this many categories."""
    return np.int8 if n_categories < 127 else np.int16 if n_categories < 32_767 else np.int32


def _build_frame(
    table: Table,
    measure_list: list[Measure],
    region_ids,
    period_ids,
    n_measures: int,
    c_region,
    c_period,
    c_status,
    values,
    above_100,
    c_line,
) -> pd.DataFrame:
    """The observations as a frame: label columns categorical, values float64, lines int32.

    ``c_region``, ``c_period`` and ``c_line`` hold one entry per kept row, the
    others one per observation (row by row, measures in column order). Codes are
    made in the dtype pandas keeps them in, and the frame takes the arrays
    without copying them.
    """
    n = len(values)
    n_rows = len(c_line)
    regions = list(region_ids)  # (label, code) in id order
    region_labels = list(dict.fromkeys(label for label, _ in regions))
    region_codes = list(dict.fromkeys(code for _, code in regions if code is not None))
    label_pos = {label: i for i, label in enumerate(region_labels)}
    code_pos = {code: i for i, code in enumerate(region_codes)}
    label_of = np.array(
        [label_pos[label] for label, _ in regions], dtype=_code_dtype(len(region_labels))
    )
    code_of = np.array(
        [code_pos[code] if code is not None else -1 for _, code in regions],
        dtype=_code_dtype(len(region_codes)),
    )
    periods = list(period_ids)  # Period objects in id order
    period_names = list(dict.fromkeys(p.period for p in periods))
    period_types = list(dict.fromkeys(p.period_type for p in periods))
    name_pos = {name: i for i, name in enumerate(period_names)}
    type_pos = {name: i for i, name in enumerate(period_types)}
    name_of = np.array([name_pos[p.period] for p in periods], dtype=_code_dtype(len(period_names)))
    type_of = np.array([type_pos[p.period_type] for p in periods], dtype=np.int8)
    pstatus_of = np.array([_STATUS_CODE[p.status] for p in periods], dtype=np.int8)
    row_region = np.frombuffer(c_region, dtype=np.int32)
    row_period = np.frombuffer(c_period, dtype=np.int32)
    status = np.frombuffer(c_status, dtype=np.int8).copy()
    from_period = status < 0
    status[from_period] = np.repeat(pstatus_of[row_period], n_measures)[from_period]
    del from_period
    measure = np.tile(np.arange(n_measures, dtype=np.int8), n_rows)
    columns = {
        "table_id": _categorical(np.zeros(n, dtype=np.int8), [table.id]),
        "indicator": _categorical(measure, [m.indicator for m in measure_list]),
        "measure": _categorical(measure, [m.key_prefix for m in measure_list]),
        "region_label": _categorical(np.repeat(label_of[row_region], n_measures), region_labels),
        "region_code": _categorical(np.repeat(code_of[row_region], n_measures), region_codes),
        "period": _categorical(np.repeat(name_of[row_period], n_measures), period_names),
        "period_type": _categorical(np.repeat(type_of[row_period], n_measures), period_types),
        "status": _categorical(status, list(STATUSES)),
        "value": values,
        "note": _categorical(above_100.astype(np.int8) - 1, [NOTE_ABOVE_100]),  # -1: no note
        "line": np.repeat(np.frombuffer(c_line, dtype=np.int32), n_measures),
    }
    return pd.DataFrame(columns, columns=RAW_COLUMNS, copy=False)


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a column (-1 for missing) and how many distinct values there are."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), len(column.cat.categories)
    codes, uniques = pd.factorize(column)
    return codes, len(uniques)


def observation_keys(frame: pd.DataFrame) -> np.ndarray:
    """One integer per (indicator, region, period): equal keys describe the same figure.

    The region is its code where the row has one, else its label.
    """
    code, n_codes = _codes(frame["region_code"])
    label, n_labels = _codes(frame["region_label"])
    key = code.astype(np.int64)  # built in place: a few arrays of 8 bytes per row at most
    without_code = code < 0
    key[without_code] = label[without_code].astype(np.int64) + n_codes
    del without_code
    indicator, _ = _codes(frame["indicator"])
    key += indicator.astype(np.int64) * (n_codes + n_labels + 1)
    period, n_periods = _codes(frame["period"])
    key *= n_periods + 1
    key += period
    return key


def _duplicated(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of rows whose key occurs more than once, and of rows repeating an earlier key."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    same_as_previous = np.empty(len(keys), dtype=bool)
    if len(keys):
        same_as_previous[0] = False
        np.equal(ordered[1:], ordered[:-1], out=same_as_previous[1:])
    repeat = np.zeros(len(keys), dtype=bool)
    repeat[order[same_as_previous]] = True  # stable sort: the first of each key is never a repeat
    in_group = same_as_previous.copy()
    in_group[:-1] |= same_as_previous[1:]
    any_dup = np.zeros(len(keys), dtype=bool)
    any_dup[order[in_group]] = True
    return any_dup, repeat


def reject_conflicts(frame: pd.DataFrame, path) -> np.ndarray:
    """Refuse rows that give one figure two values; return the mask of rows to keep (first of each).

    Parameters
    ----------
    frame : DataFrame
        Observations with RAW_COLUMNS (object or categorical label columns).
    path : str or Path
        Named in the error.

    Returns
    -------
    numpy.ndarray of bool
        True for the first row of every (indicator, region, period).

    Raises
    ------
    InputError
        When two rows for one figure hold different values (a value and an
        empty cell differ; two empty cells do not).
    """
    keys = observation_keys(frame)
    dup, repeat = _duplicated(keys)
    if dup.any():
        sub = pd.DataFrame(
            {"key": keys[dup], "value": frame["value"].to_numpy()[dup], "pos": np.flatnonzero(dup)}
        )
        for _, group in sub.groupby("key", sort=False):
            values = group["value"]
            if values.nunique(dropna=False) > 1:
                rows = frame.iloc[group["pos"].to_numpy()]
                lines = rows["line"].tolist()
                first = rows.iloc[0]
                raise InputError(
                    f"conflicting duplicate rows (lines {', '.join(map(str, lines))}) for "
                    f"{first['region_label']} {first['period']} {first['measure']}: "
                    f"{', '.join('' if pd.isna(v) else f'{v:g}' for v in values)}",
                    file=path,
                    row=lines[1],
                )
    return ~repeat


def _parse_regions(head, header_idx: int, header: list[str], body, path: Path) -> pd.DataFrame:
    """Crosswalk rows from a 'Gebieden in Nederland' table."""
    idx = {normalise_measure_name(c): j for j, c in enumerate(header)}
    label_col = idx.get("regios")
    header_line = head[header_idx][0]
    if label_col is None:
        raise InputError("no RegioS column in a regions table", file=path, row=header_line)
    pairs = []  # (code column, name column)
    for j, c in enumerate(header):
        m = re.fullmatch(r"Code_(\d+)", c.strip())
        if m and j + 1 < len(header) and re.match(r"(Naam|Omschrijving)_", header[j + 1].strip()):
            pairs.append((j, j + 1))
    if not pairs:
        raise InputError("no Code_/Naam_ columns in a regions table", file=path, row=header_line)
    body = iter(body)
    sample = list(islice(body, 19))
    size_pair = next(
        (
            (cj, nj)
            for cj, nj in pairs
            if header[nj].startswith("Omschrijving")
            and "inwoners" in " ".join(r[nj] for _, r in sample if len(r) > nj)
        ),
        None,
    )
    urban_pair = next(
        (
            (cj, nj)
            for cj, nj in pairs
            if header[nj].startswith("Omschrijving")
            and "stedelijk" in " ".join(r[nj] for _, r in sample if len(r) > nj).lower()
        ),
        None,
    )
    number_cols = [
        next((j for j, c in enumerate(header) if c.strip().startswith(prefix)), None)
        for prefix in ("Inwonertal", "Omgevingsadressendichtheid")
    ]

    def cell(row, j):
        return (row[j].strip() or None) if j is not None else None

    out = []
    rows_read = 0
    for line, row in chain(sample, body):
        rows_read += 1
        if len(row) < len(header):
            raise InputError(
                f"truncated row: {len(row)} fields where the header has {len(header)}",
                file=path,
                row=line,
            )
        label = row[label_col].strip()
        traits = (
            cell(row, size_pair[1] if size_pair else None),
            cell(row, urban_pair[1] if urban_pair else None),
            *(cell(row, j) for j in number_cols),
        )
        for n, (cj, nj) in enumerate(pairs):
            code, name = row[cj].strip(), row[nj].strip()
            if not is_region_code(code):
                continue
            if n == 0:
                out.append((code, name, label, *traits))
            else:
                out.append((code, name, f"{name} ({code[:2]})", None, None, None, None))
    if rows_read == 0:
        raise InputError(
            "no data rows under the header: nothing to import", file=path, row=header_line
        )
    if not out:
        raise InputError(
            "no region codes in the Code_ columns: nothing to import", file=path, row=header_line
        )
    frame = pd.DataFrame(out, columns=REGION_COLUMNS).drop_duplicates()
    return frame.reset_index(drop=True)
