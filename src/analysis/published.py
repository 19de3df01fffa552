"""Published figures: the hand-transcribed tables in ``data/published/``.

Each CSV file in that folder holds the quantitative figures of one publication
(a press release, a budget, annual accounts, a version of a utrecht-monitor.nl
page, CBS table pages), one observation per row, in the columns of
:data:`analysis.schema.COLUMNS` plus a free-text ``note``. Every row cites its
``source``, the place within it (``source_ref``) and the publication and
vintage (``published``). Figures are kept exactly as published, also where
two publications disagree; ``docs/published-data.md`` lists the documents, the
conventions and the known conflicts.

The loader never converts text silently: every cell is read as a string and
only ``value`` becomes a number, through :func:`analysis.schema.validate_observations`.
A malformed file raises :class:`~analysis.errors.InputError` with a one-line
message that names the file and, where possible, the line.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from . import config, datacache
from .errors import InputError, ParameterError
from .indicators import INDICATORS, UNITS
from .periods import PERIOD_TYPES, period_sort_key
from .regions import builtin_regions
from .schema import COLUMNS, OPTIONAL_COLUMNS, period_matches_type, validate_observations

OUTPUT_COLUMNS = COLUMNS + ["note"]
_KEY = ["indicator", "region_code", "period", "source", "published"]
_CITATION = ("source", "source_ref", "published")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


#: Units as documents print them -> the unit keys of :data:`analysis.indicators.UNITS`
#: (``"x € 1.000"`` -> ``"euro x 1000"``), so a row may quote the printed unit.
UNIT_ALIASES = {nl: key for key, (nl, _en) in UNITS.items() if nl != key} | {
    "x €1.000": "euro x 1000",
    "x EUR 1.000": "euro x 1000",
    "%": "procent",
}


def unit_key(unit):
    """The unit key for a unit as written in a file: a key itself, or a printed form in :data:`UNIT_ALIASES`."""
    if not isinstance(unit, str):
        return unit
    text = " ".join(unit.split())
    return UNIT_ALIASES.get(text, text)


def published_files(path: str | Path | None = None) -> list[Path]:
    """The CSV files to load.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file or a folder of CSV files; default
        :func:`analysis.config.published_dir`.

    Returns
    -------
    list of Path
        The file itself, or the folder's ``*.csv`` files sorted by name.

    Raises
    ------
    InputError
        If the path does not exist or the folder holds no CSV file.
    """
    target = Path(path) if path is not None else config.published_dir()
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise InputError("no such file or folder of published figures", file=target)
    files = sorted(p for p in target.glob("*.csv") if p.is_file())
    if not files:
        raise InputError("folder holds no CSV file of published figures", file=target)
    return files


def read_published_csv(path: str | Path) -> pd.DataFrame:
    """Read and validate one CSV file of published figures.

    Parameters
    ----------
    path : str or Path
        A UTF-8, comma-separated file with a header row.

    Returns
    -------
    DataFrame
        The validated rows in file order, columns :data:`OUTPUT_COLUMNS`;
        an empty ``note`` or ``source_ref`` cell becomes None.

    Raises
    ------
    InputError
        If the file is empty, binary, not UTF-8, not comma-separated, lacks a
        column, has a row with the wrong number of fields, a row without a
        citation, a region name that does not match its code, or fails a rule
        of :data:`analysis.schema.OBSERVATIONS`. The message names the file
        and the line.
    """
    path = Path(path)
    text = _read_text(path)
    header, records, lines = _parse_csv(text, path)
    df = pd.DataFrame(records, columns=header, dtype=object)
    _check_citations(df, lines, path)
    _check_region_names(df, lines, path)
    df["unit"] = df["unit"].map(unit_key)
    try:
        out = validate_observations(df, file=path, first_line=2)
    except InputError as exc:
        raise _at_file_line(exc, lines) from None
    if "note" not in out.columns:
        out["note"] = None
    for col in ("source_ref", "note"):
        out[col] = out[col].map(lambda v: v if isinstance(v, str) and v.strip() else None)
    return out[OUTPUT_COLUMNS].reset_index(drop=True)


def load_published(path: str | Path | None = None) -> pd.DataFrame:
    """Load the published figures as one observations table.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file or a folder of CSV files; default
        :func:`analysis.config.published_dir` (``data/published``).

    Returns
    -------
    DataFrame
        Columns :data:`OUTPUT_COLUMNS` (the schema's columns plus ``note``),
        sorted by indicator, region, period (by end date), publication and
        source. Rows from different publications for the same figure are all
        kept.

    Raises
    ------
    InputError
        If a file is malformed (see :func:`read_published_csv`), or if two
        files hold different values for the same indicator, region, period,
        source and publication.
    """
    files = published_files(path)
    key = ("analysis.published.load_published", tuple(str(f.resolve()) for f in files))
    return datacache.load(key, files, lambda: _load_files(files))


def published_periods(path: str | Path | None = None) -> set[str]:
    """The periods the published figures cover, as written in the files.

    Reads the files' CSV structure (the same reader and errors as
    :func:`read_published_csv`: empty, binary, not UTF-8, wrong delimiter, a
    missing column, a row with the wrong number of fields) and checks each
    period against its ``period_type``, but not the other values: the runner
    checks every report's ``start``/``end`` against these before any kernel
    starts, in ~20 ms instead of the ~0.6 s of validating every figure (which
    each report's own :func:`load_published` does; a wrong value in a valid
    file fails the reports that load it, each naming file and line).

    Raises
    ------
    InputError
        If a file is malformed as CSV or a period is not written as its
        ``period_type`` prescribes, naming the file and the line.
    """
    periods: set[str] = set()
    for file in published_files(path):
        header, records, lines = _parse_csv(_read_text(file), file)
        column, kind_column = header.index("period"), header.index("period_type")
        written = pd.DataFrame(
            {
                "period": [r[column].strip() for r in records],
                "period_type": [r[kind_column].strip() for r in records],
            }
        )
        # the validator's own rule: a period it refuses must not widen the span
        wrong = (~period_matches_type(written)).to_numpy().nonzero()[0]
        if len(wrong):
            period, kind = written.iloc[wrong[0]]
            raise InputError(
                f"period {period!r} is not written as period_type {kind!r} prescribes "
                "(2023, 2023H1, 2023Q1, 2023-06, 2023-06-30)",
                file=file,
                row=lines[wrong[0]],
            )
        periods.update(written["period"])
    return periods


def _load_files(files: list[Path]) -> pd.DataFrame:
    """Read and validate ``files``; :func:`load_published` keeps the result per file version
    (:mod:`analysis.datacache`), because a warm report kernel loads the same files for every report."""
    frames = []
    for file in files:
        frame = read_published_csv(file)
        frame["_file"] = str(file)
        frame["_line"] = range(2, len(frame) + 2)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    _check_cross_file_conflicts(table)
    return sort_observations(table.drop(columns=["_file", "_line"]))


def sort_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Sort by indicator, region, period (end date, shorter first), publication, source.

    Parameters
    ----------
    df : DataFrame
        An observations table with valid periods.

    Returns
    -------
    DataFrame
        A sorted copy with a fresh RangeIndex.
    """
    if df.empty:
        return df.reset_index(drop=True)
    keys = df["period"].map(period_sort_key)
    work = df.assign(_end=keys.map(lambda k: k[0]), _len=keys.map(lambda k: k[1]))
    work = work.sort_values(
        ["indicator", "region_code", "_end", "_len", "published", "source"], kind="stable"
    )
    return work.drop(columns=["_end", "_len"]).reset_index(drop=True)


def published_series(
    indicator: str,
    region_code: str = "GM0344",
    period_type: str | None = None,
    df: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """All published rows of one indicator for one region, every vintage.

    Parameters
    ----------
    indicator : str
        An id from :data:`analysis.indicators.INDICATORS`.
    region_code : str, default ``"GM0344"``
        The region (Utrecht by default).
    period_type : str, optional
        Keep only this period type (``year``, ``date``, ...).
    df : DataFrame, optional
        The table to filter; default :func:`load_published`.

    Returns
    -------
    DataFrame
        The matching rows, sorted by period and publication; empty when the
        indicator is known but not published for the region.

    Raises
    ------
    ParameterError
        For an unknown indicator id or period type.
    """
    if indicator not in INDICATORS:
        raise ParameterError("indicator", f"unknown indicator {indicator!r}")
    if period_type is not None and period_type not in PERIOD_TYPES:
        raise ParameterError(
            "period_type", f"{period_type!r} is not one of {', '.join(PERIOD_TYPES)}"
        )
    table = load_published() if df is None else df
    mask = (table["indicator"] == indicator) & (table["region_code"] == region_code)
    if period_type is not None:
        mask &= table["period_type"] == period_type
    return sort_observations(table[mask])


def vintage_year(published: str) -> int | None:
    """The vintage year of a ``published`` label: its last year-like number.

    Parameters
    ----------
    published : str
        For example ``"Begroting 2026 (2025)"`` (2025) or
        ``"utrecht-monitor.nl node/84, versie 2020"`` (2020).

    Returns
    -------
    int or None
        The year, or None when the label names none (CBS table pages).
    """
    years = _YEAR.findall(str(published))
    return int(years[-1]) if years else None


def one_per_period(obs: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator, region and period: the latest vintage (then the first row).

    Published figures come in several vintages (two publications of the same
    year); a headline or a forecast uses one of them. The vintage is
    :func:`vintage_year` of ``published``; rows without one count as oldest.

    Parameters
    ----------
    obs : DataFrame
        Observations, possibly with several rows per indicator, region and period.

    Returns
    -------
    DataFrame
        The rows kept, in their original order.
    """
    latest = latest_vintage(obs, sort=False)
    return latest.drop_duplicates(["indicator", "region_code", "period"]).reset_index(drop=True)


def latest_vintage(df: pd.DataFrame, *, sort: bool = True) -> pd.DataFrame:
    """Keep, per indicator, region and period, the rows of the most recent vintage.

    Parameters
    ----------
    df : DataFrame
        An observations table, for example from :func:`load_published`.
    sort : bool, default True
        Sort the result (:func:`sort_observations`); False keeps the rows in
        their original order.

    Returns
    -------
    DataFrame
        The rows whose :func:`vintage_year` is the highest for their
        indicator, region and period. Rows without a vintage year lose to
        dated rows; if no row of a key is dated, all of them are kept, and so
        are several rows that share the highest vintage.
    """
    if df.empty:
        return df.reset_index(drop=True)
    work = df.assign(_v=df["published"].map(vintage_year).astype("float").fillna(-1.0))
    best = work.groupby(["indicator", "region_code", "period"], dropna=False)["_v"].transform("max")
    kept = work[work["_v"] == best].drop(columns=["_v"])
    return sort_observations(kept) if sort else kept.reset_index(drop=True)


# --- reading -------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", file=path) from None
    if not raw.strip():
        raise InputError(
            "empty file; expected a comma-separated header row and data rows", file=path
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        raise InputError("binary file (NUL byte); expected UTF-8 CSV text", file=path, row=line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 CSV",
            file=path,
            row=line,
        ) from None


def _parse_csv(text: str, path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data records and the line each record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank line
            if header is None:
                header = _check_header(record, path, start)
                continue
            if len(record) != len(header):
                raise InputError(
                    f"{len(record)} fields, expected {len(header)} (a decimal comma or an "
                    "unquoted comma splits a field; quote text that holds commas)",
                    file=path,
                    row=start,
                )
            records.append(record)
            lines.append(start)
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", file=path, row=reader.line_num) from None
    if header is None:
        raise InputError("empty file; expected a comma-separated header row", file=path)
    if not records:
        raise InputError("header only; the file holds no figures", file=path)
    return header, records, lines


def _check_header(record: list[str], path: Path, line: int) -> list[str]:
    header = [cell.strip() for cell in record]
    if len(header) == 1:
        found = next((d for d in (";", "\t", "|") if d in header[0]), None)
        problem = (
            f"not comma-separated (found {found!r} as delimiter)" if found else "only one column"
        )
        raise InputError(
            f"{problem}; expected the header {','.join(COLUMNS)},note", file=path, row=line
        )
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=path, row=line)
    extra = [c for c in header if c not in COLUMNS + OPTIONAL_COLUMNS]
    if extra:
        raise InputError(f"unexpected column(s) {', '.join(extra)}", file=path, row=line)
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise InputError(f"duplicate column(s) {', '.join(doubled)}", file=path, row=line)
    return header


def _check_citations(df: pd.DataFrame, lines: list[int], path: Path) -> None:
    """Every published figure cites source, place and publication."""
    for column in _CITATION:
        blank = df[column].astype(str).str.strip().eq("")
        if blank.any():
            pos = int(blank.to_numpy().nonzero()[0][0])
            raise InputError(
                "empty citation; every published figure needs source, source_ref and published",
                file=path,
                row=lines[pos],
                column=column,
            )


def _check_region_names(df: pd.DataFrame, lines: list[int], path: Path) -> None:
    """A region the package knows by heart must carry its own name."""
    known = dict(
        zip(builtin_regions()["region_code"], builtin_regions()["region_name"], strict=True)
    )
    for pos, (code, name) in enumerate(zip(df["region_code"], df["region_name"], strict=True)):
        expected = known.get(str(code).strip())
        if expected is not None and str(name).strip() != expected:
            raise InputError(
                f"region name {name!r} does not match {code} ({expected!r})",
                file=path,
                row=lines[pos],
                column="region_name",
            )


def _at_file_line(exc: InputError, lines: list[int]) -> InputError:
    """Map a schema error's row (record position + 2) to the real line of the file."""
    row = exc.row
    if row is not None and 0 <= row - 2 < len(lines):
        row = lines[row - 2]
    return InputError(exc.problem, file=exc.file, row=row, column=exc.column)


def _check_cross_file_conflicts(table: pd.DataFrame) -> None:
    """Two files must not give different values for the same key."""
    dup = table[table.duplicated(_KEY, keep=False)]
    for _, group in dup.groupby(_KEY, sort=False):
        if group["_file"].nunique() > 1 and group["value"].nunique(dropna=False) > 1:
            first, second = group.iloc[0], group.iloc[1]
            raise InputError(
                f"conflicting value {second['value']!r} for {second['indicator']}, "
                f"{second['region_code']}, {second['period']}, {second['published']} "
                f"(also {first['value']!r} in {first['_file']} line {first['_line']})",
                file=second["_file"],
                row=int(second["_line"]),
            )


__all__ = [
    "OUTPUT_COLUMNS",
    "latest_vintage",
    "load_published",
    "one_per_period",
    "published_files",
    "published_periods",
    "published_series",
    "read_published_csv",
    "sort_observations",
    "vintage_year",
]
