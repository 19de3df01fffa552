"""Reading a case register: :func:`load_register` and the checks on every file.

:func:`load_register` reads the tables from CSV (``,`` or ``;``, plain or
``.gz``) or parquet, parses them (:func:`clean_text` and the date, boolean and
number parsers), validates them against :mod:`analysis.register.schema` and
refuses personal identifiers (:func:`personal_data_problem`); every problem
becomes an :class:`~analysis.errors.InputError` naming file, line, column and rule.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa_arrow
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from .. import config, datacache
from ..errors import InputError, ParameterError
from ..parquet import read_parquet
from .memo import RegisterVersion
from .schema import (
    BOOL_COLUMNS,
    CARE_COLUMNS,
    CASE_COLUMNS,
    CASE_LEVEL_COLUMNS,
    DATE_COLUMNS,
    INT_COLUMNS,
    MARKS,
    METADATA_FILE,
    OPTIONAL_COLUMNS,
    REQUIRED_VALUES,
    SCHEMAS,
    SURVEY_COLUMNS,
    TABLE_COLUMNS,
    TABLE_FILES,
    WIDE_RULES,
    Register,
    empty_table,
)

__all__ = [
    "PERSONAL_COLUMN_WORDS",
    "clean_text",
    "load_register",
    "passes_11_proef",
    "personal_data_problem",
    "register_files",
]

# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

_SUFFIXES = (".csv", ".csv.gz", ".parquet")

_TRUE = {"true", "1", "ja", "j", "yes", "y", "waar", "t"}
_FALSE = {"false", "0", "nee", "n", "no", "onwaar", "f"}


def register_files(path: str | Path | None = None, *args: Any, **options: Any) -> list[Path] | None:
    """The files a call of :func:`load_register` depends on (for :mod:`analysis.datacache`):
    every visible file of the register folder, or the single cases file; None if absent.
    Other arguments of :func:`load_register` are part of the cache key, not of the files."""
    root = Path(path).expanduser() if path is not None else config.synthetic_dir()
    if root.is_dir():
        return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
    return [root] if root.is_file() else None


@datacache.cached(register_files)
def load_register(
    path: str | Path | None = None, *, snapshot_date=None, drop_columns: Sequence[str] = ()
) -> Register:
    """Read and validate a case register.

    Parameters
    ----------
    path : str or Path, optional
        A folder with ``cases``, optionally ``surveys`` and
        ``aanvullende_zorg`` tables (each ``.csv``, ``.csv.gz`` or
        ``.parquet``) and optionally ``register.json``; or a single file that
        holds the cases table. Default: the synthetic register in
        :func:`analysis.config.synthetic_dir`. The files are only read.
    snapshot_date : date-like, optional
        The date the register describes (*peildatum*). Every date in it must
        lie on or before this day. Default: ``snapshot_date`` in
        ``register.json``, else today. It becomes the register's
        :attr:`Register.snapshot_date`.
    drop_columns : sequence of str, optional
        Columns left out while reading (never held in memory), in whichever
        tables have them, e.g. ``("bsn", "naam")``. ``drop_columns`` in
        ``register.json`` adds to these. Personal identifiers (see
        :func:`personal_data_problem`) must be dropped this way or removed
        from the files; the register's own columns cannot be dropped.

    Returns
    -------
    Register
        Tables with proper dtypes (dates ``datetime64[ns]``, ``urgent`` bool,
        marks ``Int64``, ``verder_zonder_hulp`` ``boolean``), sorted as in the
        files, with a fresh RangeIndex; ``synthetic`` is True when
        ``register.json`` says so or a ``synthetic`` column is true.

    Raises
    ------
    InputError
        When a file is missing, unreadable or breaks a rule; the message
        names file, line (CSV) or row (parquet), column and rule. Among the
        rules: the cases table has at least one row; no date lies after the
        snapshot date; no column holds personal identifiers (BSN, name,
        address, date of birth, postcode, phone, e-mail).
    ParameterError
        When ``snapshot_date`` is not a date or ``drop_columns`` names a
        column of the register itself.
    """
    limit = _snapshot_parameter(snapshot_date)
    drop = _drop_parameter(drop_columns, "drop_columns")
    root = Path(path).expanduser() if path is not None else config.synthetic_dir()
    if not root.exists():
        raise InputError(
            "register not found (give a folder with cases.csv[.gz] or a cases file)", file=root
        )
    metadata: dict[str, Any] = {}
    if root.is_dir():
        files = {table: _find_table(root, stem) for table, stem in TABLE_FILES.items()}
        if files["cases"] is None:
            raise InputError(
                "no cases table in this folder (expected cases.csv, cases.csv.gz or cases.parquet)",
                file=root,
            )
        meta_path = root / METADATA_FILE
        if meta_path.is_file():
            try:
                metadata = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"unreadable metadata ({exc})", file=meta_path) from None
            if not isinstance(metadata, dict):
                raise InputError("metadata must be a JSON object", file=meta_path)
            try:
                drop |= _drop_parameter(metadata.get("drop_columns") or (), "drop_columns")
                if limit is None and metadata.get("snapshot_date"):
                    limit = _snapshot_parameter(metadata["snapshot_date"])
            except ParameterError as exc:
                raise InputError(f"{exc.name}: {exc.problem}", file=meta_path) from None
    else:
        files = {"cases": root, "surveys": None, "care": None}
    if limit is not None:
        metadata = {**metadata, "snapshot_date": f"{limit:%Y-%m-%d}"}
    else:
        limit = pd.Timestamp.today().normalize()

    tables = {}
    for table, file in files.items():
        tables[table] = empty_table(table) if file is None else _read_table(file, table, drop=drop)
        if file is not None:
            _check_not_after(tables[table], table, file, limit)
    _check_cases_consistent(tables["cases"], files["cases"])
    if files["surveys"] is not None:
        _check_known_cases(tables["surveys"], "case_id", tables["cases"], files["surveys"])
    if files["care"] is not None:
        _check_known_cases(tables["care"], "referred_by_case_id", tables["cases"], files["care"])
        _check_unique(tables["care"], ["trajectory_id"], files["care"])

    flags = [bool(metadata.get("synthetic", False))]
    for table, file in files.items():
        frame = tables[table]
        if "synthetic" in frame.columns and len(frame):
            if frame["synthetic"].nunique() > 1:
                raise InputError(
                    "mixes synthetic and real rows (column 'synthetic' is both true and false)",
                    file=file,
                    column="synthetic",
                )
            flags.append(bool(frame["synthetic"].iloc[0]))
    synthetic = any(flags)
    for table in tables:
        tables[table] = tables[table].reset_index(drop=True)
    if synthetic:
        source = (
            f"synthetisch register {root} (analysis.synthetic, seed {metadata.get('seed', '?')}); "
            "GEEN echte gegevens"
        )
    else:
        source = str(root)
    register = Register(
        tables["cases"], tables["surveys"], tables["care"], synthetic, source, metadata
    )
    object.__setattr__(register, "version", _version(root, snapshot_date, drop_columns))
    return register


def _version(root: Path, snapshot_date, drop_columns) -> RegisterVersion | None:
    """The version of the files read (checksums, see :func:`analysis.datacache.file_version`)."""
    try:
        files = tuple(datacache.file_version(f) for f in register_files(root) or ())
    except OSError:
        return None
    if not files:
        return None
    options = (str(_snapshot_parameter(snapshot_date)), tuple(sorted(map(str, drop_columns))))
    return RegisterVersion(files, options)


def _find_table(folder: Path, stem: str) -> Path | None:
    found = [
        folder / f"{stem}{suffix}" for suffix in _SUFFIXES if (folder / f"{stem}{suffix}").is_file()
    ]
    if len(found) > 1:
        raise InputError(
            f"more than one {stem} table ({', '.join(p.name for p in found)}); keep one",
            file=folder,
        )
    return found[0] if found else None


class _Where:
    """Turns a problem at an index label into an InputError naming line (CSV) or row (parquet)."""

    def __init__(self, file: Path, csv: bool) -> None:
        self.file, self.csv = file, csv

    def error(self, problem: str, label=None, column: str | None = None) -> InputError:
        if label is None:
            return InputError(problem, file=self.file, column=column)
        if self.csv:
            return InputError(problem, file=self.file, row=int(label), column=column)
        return InputError(f"row {int(label)}: {problem}", file=self.file, column=column)


def _read_table(
    file: Path, table: str, drop: frozenset[str] | set[str] = frozenset()
) -> pd.DataFrame:
    name = file.name.lower()
    csv = not name.endswith(".parquet")
    where = _Where(file, csv)
    try:
        if csv:
            raw = _read_csv(file, drop)
            raw.index = pd.RangeIndex(2, 2 + len(raw))  # line numbers; the header is line 1
        else:
            raw = _read_parquet_without(file, drop)
            raw.index = pd.RangeIndex(1, 1 + len(raw))  # row numbers
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        raise InputError(f"cannot read the file ({type(exc).__name__}: {exc})", file=file) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    problem = personal_data_problem(raw)
    if problem is not None:
        column, what = problem
        raise where.error(
            f"{what}: personal data is not read; remove the column from the file or pass "
            f"drop_columns=[{column!r}] to load_register",
            column=column,
        )
    expected = TABLE_COLUMNS[table]
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        raise where.error(
            f"missing column(s) {', '.join(missing)}; a {TABLE_FILES[table]} table has "
            f"{', '.join(expected)}"
        )
    dupes = raw.columns[raw.columns.duplicated()].tolist()
    if dupes:
        raise where.error(f"duplicate column(s) {', '.join(dupes)}")
    if csv:  # blank lines: dropped, but the line numbers of the others stay right
        blank = raw.fillna("").eq("").all(axis=1)
        raw = raw[~blank]
    if table == "cases" and not len(raw):
        raise where.error(
            "the cases table has a header but no rows; a register needs at least one case"
        )
    df = _parse(raw, table, where)
    return _validate(df, table, where)


def _read_csv(file: Path, drop: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    opener = gzip.open if file.name.lower().endswith(".gz") else open
    with opener(file, "rt", encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
    sep = ";" if header.count(";") > header.count(",") else ","
    usecols = (lambda c: str(c).strip().lower() not in drop) if drop else None
    return pd.read_csv(
        file,
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_values=[],
        skip_blank_lines=False,
        encoding="utf-8-sig",
        compression="infer",
        usecols=usecols,
    )


def _read_parquet_without(file: Path, drop: frozenset[str] | set[str]) -> pd.DataFrame:
    if not drop:
        return read_parquet(file)
    import pyarrow.parquet as pq

    names = pq.read_schema(file).names
    return pq.read_table(
        file, columns=[c for c in names if str(c).strip().lower() not in drop]
    ).to_pandas()


def _snapshot_parameter(value) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ParameterError("snapshot_date", f"{value!r} is not a date (use YYYY-MM-DD)")
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def _drop_parameter(columns, name: str) -> set[str]:
    if isinstance(columns, str) or not isinstance(columns, (list, tuple, set, frozenset)):
        raise ParameterError(name, f"give a list of column names, not {columns!r}")
    drop = {str(c).strip().lower() for c in columns}
    own = sorted(drop & set(CASE_COLUMNS + SURVEY_COLUMNS + CARE_COLUMNS + OPTIONAL_COLUMNS))
    if own:
        raise ParameterError(
            name, f"{', '.join(own)} belong(s) to the register and cannot be dropped"
        )
    return drop


def _check_not_after(df: pd.DataFrame, table: str, file: Path, limit: pd.Timestamp) -> None:
    """No date in ``df`` after ``limit`` (the snapshot date): the first one found is named."""
    where = _Where(file, not file.name.lower().endswith(".parquet"))
    late = None
    for col in DATE_COLUMNS[table]:
        after = (df[col] > limit).to_numpy()
        if after.any():
            label = df.index[np.flatnonzero(after)[0]]
            if late is None or label < late[0]:
                late = (label, col)
    if late is not None:
        label, col = late
        raise where.error(
            f"date {_show(df.loc[label, col])} lies after the snapshot date {limit:%Y-%m-%d} "
            "(dates in the future; pass snapshot_date= to load_register if the register "
            "really describes a later day)",
            label,
            col,
        )


# --------------------------------------------------------------------------------------
# Personal identifiers
# --------------------------------------------------------------------------------------

#: Words that, as a whole column name or one part of it (split on ``_``, ``-``, ``.``
#: and spaces), mark a column of personal identifiers.
PERSONAL_COLUMN_WORDS: dict[str, str] = {
    **dict.fromkeys(("bsn", "burgerservicenummer", "sofinummer", "sofi"), "a BSN"),
    **dict.fromkeys(
        (
            "naam",
            "name",
            "voornaam",
            "voornamen",
            "achternaam",
            "geslachtsnaam",
            "roepnaam",
            "voorletters",
            "tussenvoegsel",
            "firstname",
            "lastname",
            "surname",
            "fullname",
        ),
        "a name",
    ),
    **dict.fromkeys(
        (
            "adres",
            "address",
            "straat",
            "straatnaam",
            "street",
            "huisnummer",
            "huisnr",
            "huisletter",
            "woonplaats",
        ),
        "an address",
    ),
    **dict.fromkeys(
        ("geboortedatum", "geboortedag", "geboortejaar", "birthdate", "dob", "birth", "geboren"),
        "a date of birth",
    ),
    **dict.fromkeys(("postcode", "postalcode", "zipcode", "zip", "pc6"), "a postcode"),
    **dict.fromkeys(
        ("telefoon", "telefoonnummer", "tel", "phone", "mobiel", "mobile"), "a phone number"
    ),
    **dict.fromkeys(("email", "mail", "emailadres"), "an e-mail address"),
}
#: Share of the filled cells of a column that must look like an identifier (and
#: at least :data:`_MIN_LOOKALIKES` of them) before the column counts as one.
_LOOKALIKE_SHARE = 0.9
_MIN_LOOKALIKES = 2
#: Columns whose values the schema checks against a vocabulary, a date or a number
#: format: an identifier cannot pass there, so their values are not scanned.
_VALIDATED_COLUMNS = frozenset(
    [
        "team",
        "wijk_code",
        "urgent",
        "age_band",
        "end_reason",
        "domain",
        "care_type",
        "synthetic",
        "verder_zonder_hulp",
        *MARKS,
        *{c for cols in DATE_COLUMNS.values() for c in cols},
    ]
)
_POSTCODE = r"^[1-9][0-9]{3} ?[A-Za-z]{2}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"


def passes_11_proef(number: str) -> bool:
    """Whether ``number`` (8 or 9 digits) passes the BSN *11-proef*.

    The weights are 9 .. 2 for the first eight digits of the 9-digit form and
    -1 for the last; the weighted sum must be a multiple of 11 (and not 0).
    """
    digits = str(number).strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (8, 9):
        return False
    digits = digits.zfill(9)
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total != 0 and total % 11 == 0


def _bsn_mask(values: pd.Series) -> np.ndarray:
    """Per value: an 8- or 9-digit number that passes the 11-proef (vectorised)."""
    text = values.str.strip()
    digits = text.str.fullmatch(r"[0-9]{8,9}").fillna(False).to_numpy(dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    if not digits.any():
        return out
    padded = "".join(text[digits].str.zfill(9)).encode("ascii")
    matrix = np.frombuffer(padded, dtype=np.uint8).reshape(-1, 9).astype(np.int64) - ord("0")
    total = matrix @ np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)
    out[np.flatnonzero(digits)] = (total != 0) & (total % 11 == 0)
    return out


def personal_data_problem(frame: pd.DataFrame) -> tuple[str, str] | None:
    """The first column of ``frame`` that holds personal identifiers, and what it holds.

    A column counts as personal data by its **name** (a word of
    :data:`PERSONAL_COLUMN_WORDS`, e.g. ``bsn``, ``naam``, ``client_adres``,
    ``geboortedatum``, ``postcode``) or by its **values**: at least 90 % of
    its filled cells (and at least two) are 8- or 9-digit numbers passing the
    BSN 11-proef, or Dutch postcodes (``3511 AB``); or any cell is an e-mail
    address. Random pseudonymous 9-digit numbers pass the 11-proef one time in
    eleven, so a column of them is not mistaken for BSNs.

    Parameters
    ----------
    frame : DataFrame
        A table as read, before parsing (text or numbers).

    Returns
    -------
    (column, description) or None
    """
    for column in frame.columns:
        name = str(column).strip().lower()
        words = [w for w in pd.Series([name]).str.split(r"[\s_.\-/]+").iloc[0] if w]
        for word in [name.replace("_", "").replace("-", "").replace(" ", ""), *words]:
            if word in PERSONAL_COLUMN_WORDS:
                return (
                    name,
                    f"column {name!r} looks like {PERSONAL_COLUMN_WORDS[word]} (by its name)",
                )
        values = frame[column]
        if (
            name in _VALIDATED_COLUMNS
            or pd.api.types.is_bool_dtype(values)
            or pd.api.types.is_float_dtype(values)
            or pd.api.types.is_datetime64_any_dtype(values)
        ):
            continue
        text = values[values.notna()].astype(str).str.strip()
        text = text[text != ""]
        if not len(text):
            continue
        if text.str.contains("@", regex=False).any() and text.str.fullmatch(_EMAIL).any():
            return name, f"column {name!r} holds e-mail addresses"
        needed = max(_MIN_LOOKALIKES, _LOOKALIKE_SHARE * len(text))
        if _bsn_mask(text).sum() >= needed:
            return name, f"column {name!r} holds numbers that pass the BSN 11-proef (BSNs)"
        if text.str.fullmatch(_POSTCODE).sum() >= needed:
            return name, f"column {name!r} holds postcodes"
    return None


def clean_text(values: pd.Series) -> pd.Series:
    """Strip text; empty cells and missing values become None (object dtype)."""
    data = values.to_numpy(dtype=object)
    try:
        arr = pa_arrow.array(data, type=pa_arrow.string(), from_pandas=True)
    except (pa_arrow.ArrowInvalid, pa_arrow.ArrowTypeError):  # numbers etc. in a parquet column
        missing = pd.isna(values).to_numpy()
        data = np.where(missing, None, values.astype(str).to_numpy(dtype=object))
        arr = pa_arrow.array(data, type=pa_arrow.string(), from_pandas=True)
    trimmed = pc.utf8_trim_whitespace(arr)
    empty = pc.equal(trimmed, "")
    changed = pc.any(pc.or_(empty, pc.not_equal(trimmed, arr))).as_py()
    if not changed:  # the common case: nothing to strip, no empty cells
        out = pd.Series(data, index=values.index, dtype=object)
        return out.where(out.notna(), None) if arr.null_count else out
    cleaned = pc.if_else(empty, pa_arrow.scalar(None, pa_arrow.string()), trimmed)
    return pd.Series(cleaned.to_numpy(zero_copy_only=False), index=values.index, dtype=object)


#: Dates outside these bounds are typing errors (``0023`` for ``2023``), not register dates.
_EARLIEST_DATE = pd.Timestamp("1900-01-01")
_LATEST_DATE = pd.Timestamp("2199-12-31")


def _parse_dates(values: pd.Series, column: str, where: _Where) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.dt.floor("D").astype("datetime64[ns]")
    text = clean_text(values)
    present = text.notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = present.copy()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        implausible = ok & ((parsed < _EARLIEST_DATE) | (parsed > _LATEST_DATE))
        if implausible.any():
            label = implausible[implausible].index[0]
            raise where.error(
                f"implausible date {text[label]!r} (expected a date between "
                f"{_EARLIEST_DATE:%Y} and {_LATEST_DATE:%Y})",
                label,
                column,
            )
        out.loc[ok[ok].index] = parsed[ok].dt.floor("D")
        todo.loc[ok[ok].index] = False
    if todo.any():
        label = todo[todo].index[0]
        raise where.error(
            f"unparsable date {text[label]!r} (expected YYYY-MM-DD or DD-MM-YYYY)", label, column
        )
    return out


def _parse_bool(values: pd.Series, column: str, where: _Where, nullable: bool) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        return values.astype(bool if not nullable else "boolean")
    text = clean_text(values).str.lower()
    yes, no = text.isin(_TRUE), text.isin(_FALSE)
    bad = text.notna() & ~yes & ~no
    if bad.any():
        label = bad[bad].index[0]
        raise where.error(
            f"{text[label]!r} is not a yes/no value (use true/false, ja/nee or 1/0)", label, column
        )
    out = pd.Series(pd.array(np.where(yes, True, False), dtype="boolean"), index=values.index)
    out[text.isna()] = pd.NA
    if nullable:
        return out
    if out.isna().any():
        label = out[out.isna()].index[0]
        raise where.error("required value missing (true or false)", label, column)
    return out.astype(bool)


def _parse_int(values: pd.Series, column: str, where: _Where) -> pd.Series:
    if pd.api.types.is_integer_dtype(values):
        return values.astype("Int64")
    text = clean_text(values)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & (
        numbers.isna() | (numbers.fillna(0) % 1 != 0) | (numbers.abs() > 1_000_000)
    )
    if bad.any():
        label = bad[bad].index[0]
        raise where.error(f"mark {text[label]!r} is not a whole number from 1 to 10", label, column)
    return numbers.round().astype("Int64")


def _parse(raw: pd.DataFrame, table: str, where: _Where) -> pd.DataFrame:
    df = raw.copy()
    for col in REQUIRED_VALUES[table]:
        if col in DATE_COLUMNS[table] or col in BOOL_COLUMNS[table]:
            continue
        text = clean_text(df[col])
        if text.isna().any():
            label = text[text.isna()].index[0]
            raise where.error("required value missing", label, col)
    for col in df.columns:
        if col in DATE_COLUMNS[table]:
            df[col] = _parse_dates(df[col], col, where)
            if col in REQUIRED_VALUES[table] and df[col].isna().any():
                label = df.index[df[col].isna().to_numpy()][0]
                raise where.error("required date missing", label, col)
        elif col in BOOL_COLUMNS[table]:
            df[col] = _parse_bool(df[col], col, where, nullable=col not in REQUIRED_VALUES[table])
        elif col in INT_COLUMNS[table]:
            df[col] = _parse_int(df[col], col, where)
        elif col in TABLE_COLUMNS[table]:
            df[col] = clean_text(df[col])
    if "synthetic" in df.columns and df["synthetic"].dtype != bool:
        df["synthetic"] = df["synthetic"].fillna(False).astype(bool)
    return df


def _validate(df: pd.DataFrame, table: str, where: _Where) -> pd.DataFrame:
    try:
        SCHEMAS[table].validate(df, lazy=True)
    except SchemaErrors as exc:
        raise _first_failure(exc.failure_cases, df, where) from None
    ordered = TABLE_COLUMNS[table] + [c for c in df.columns if c not in TABLE_COLUMNS[table]]
    return df[ordered]


def _first_failure(cases: pd.DataFrame, df: pd.DataFrame, where: _Where) -> InputError:
    cases = cases.copy()
    cases["_order"] = pd.to_numeric(cases["index"], errors="coerce")
    cases = cases.sort_values("_order", kind="stable", na_position="first")
    case = cases.iloc[0]
    column = case.get("column") if isinstance(case.get("column"), str) else None
    check = str(case.get("check"))
    label = None if pd.isna(case["_order"]) else int(case["_order"])
    if check in WIDE_RULES and label is not None:
        column, shown = WIDE_RULES[check]
        values = ", ".join(f"{c} {_show(df.loc[label, c])}" for c in shown)
        return where.error(f"{check} ({values})", label, column)
    if check == "not_nullable":
        return where.error("required value missing", label, column)
    value = case.get("failure_case")
    if label is not None and column in df.columns:
        value = df.loc[label, column]
    return where.error(f"{check} (found {_show(value)})", label, column)


def _show(value) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _check_unique(df: pd.DataFrame, key: list[str], file: Path) -> None:
    dup = df.duplicated(key, keep=False)
    if dup.any():
        where = _Where(file, not file.name.lower().endswith(".parquet"))
        labels = df.index[dup.to_numpy()]
        first = labels[0]
        same = df.loc[labels]
        same = same[(same[key] == df.loc[first, key]).all(axis=1)]
        other = same.index[1]
        shown = ", ".join(f"{k} {df.loc[first, k]!r}" for k in key)
        what = "line" if where.csv else "row"
        raise where.error(f"duplicate {shown} (also on {what} {first})", other, key[-1])


def _check_cases_consistent(cases: pd.DataFrame, file: Path) -> None:
    """One row per client per case, and case-level columns equal on all rows of a case."""
    if not len(cases):
        return
    _check_unique(cases, ["case_id", "client_id"], file)
    codes, _ = pd.factorize(cases["case_id"], sort=False)
    first_pos = np.unique(codes, return_index=True)[1][codes]  # row of the case's first line
    repeated = first_pos != np.arange(len(cases))
    if not repeated.any():
        return
    where = _Where(file, not file.name.lower().endswith(".parquet"))
    what = "line" if where.csv else "row"
    for col in CASE_LEVEL_COLUMNS:
        a = cases[col].to_numpy()
        b = a[first_pos]
        a_na, b_na = pd.isna(a), pd.isna(b)
        same = (a_na & b_na) | (~a_na & ~b_na & (a == b))
        differs = repeated & ~same
        if differs.any():
            pos = int(np.flatnonzero(differs)[0])
            label, first_label = cases.index[pos], cases.index[first_pos[pos]]
            raise where.error(
                f"case {cases['case_id'].iloc[pos]!r} has {col} {_show(cases[col].iloc[pos])} here but "
                f"{_show(cases[col].iloc[first_pos[pos]])} on {what} {first_label}; "
                "case-level columns must agree on every row of a case",
                label,
                col,
            )


def _check_known_cases(df: pd.DataFrame, column: str, cases: pd.DataFrame, file: Path) -> None:
    values = df[column]
    unknown = values.notna() & ~values.isin(cases["case_id"].unique())
    if unknown.any():
        where = _Where(file, not file.name.lower().endswith(".parquet"))
        label = unknown[unknown].index[0]
        raise where.error(f"case {values[label]!r} is not in the cases table", label, column)
