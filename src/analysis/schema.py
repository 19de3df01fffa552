"""The tidy observations table and its pandera schema.

Every indicator value the notebooks show is one row of this table, whatever
its source (CBS table, published document, case register):

============= ===============================================================
column        meaning
============= ===============================================================
indicator     id from :mod:`analysis.indicators`
region_code   CBS region code (``GM0344``, ``WK034401``, ``PV26``, ``NL01``)
region_name   plain name of the region
period        ``2023``, ``2023H1``, ``2023Q1``, ``2023-01`` or ``2023-06-30``
period_type   ``year``, ``halfyear``, ``quarter``, ``month`` or ``date``
value         the number (empty when status is missing or suppressed)
unit          unit key from :data:`analysis.indicators.UNITS`
status        definitief, nader voorlopig, voorlopig, missing or suppressed
source        CBS table id (``85098NED``) or the publication
source_ref    page, section or URL within the source
published     the publication or vintage the value comes from
============= ===============================================================

A file may carry a free-text ``note`` column as well.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from .errors import InputError
from .indicators import INDICATORS, UNITS
from .periods import PERIOD_TYPES, STATUSES
from .regions import is_region_code

COLUMNS = [
    "indicator",
    "region_code",
    "region_name",
    "period",
    "period_type",
    "value",
    "unit",
    "status",
    "source",
    "source_ref",
    "published",
]
OPTIONAL_COLUMNS = ["note"]

_PERCENT_UNITS = {"procent"}
_COUNT_UNITS = {
    "aantal",
    "per 1000 inwoners",
    "per 10000 inwoners",
    "werkdagen",
    "euro x 1000",
    "euro x 1000 per 1000 inwoners",
    "euro",
}


_PERIOD_FORMS = {
    "year": r"\d{4}",
    "halfyear": r"\d{4}H[12]",
    "quarter": r"\d{4}Q[1-4]",
    "month": r"\d{4}-(0[1-9]|1[0-2])",
    "date": r"\d{4}-\d{2}-\d{2}",
}


def map_unique(values: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """``values.map(func)``, calling ``func`` once per distinct value.

    A column of a tidy table holds few distinct values (indicator ids,
    region codes, periods, statuses) over many rows; mapping them one row at
    a time in Python was most of the validation's time on the wijk tables
    (90,000 rows). Missing values are passed to ``func`` as they are.

    Parameters
    ----------
    values : Series
        Any column.
    func : callable
        Called with each distinct value (and once with the missing value, if any).

    Returns
    -------
    Series
        Object dtype, the same index as ``values``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[: len(uniques)] = [func(u) for u in uniques]
    if (codes < 0).any():
        mapped[-1] = func(values[codes < 0].iloc[0])
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def strip_text(values: pd.Series) -> pd.Series:
    """Strip surrounding white space from the text of ``values``; other values stay as they are.

    Parameters
    ----------
    values : Series
        Any column.

    Returns
    -------
    Series
        ``values`` itself (dtype and all) when no text has white space to
        strip; otherwise an object column with the values of
        ``values.map(lambda v: v.strip() if isinstance(v, str) else v)``
        (without the dtype inference of ``map``), ``str.strip`` called once
        per distinct text.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    stripped = [u.strip() if isinstance(u, str) else u for u in uniques]
    changed = np.fromiter(
        (isinstance(u, str) and new != u for u, new in zip(uniques, stripped, strict=True)),
        dtype=bool,
        count=len(uniques),
    )
    if not changed.any():
        return values
    out = values.to_numpy(dtype=object, copy=True)
    rows = (codes >= 0) & changed[np.maximum(codes, 0)]
    out[rows] = np.asarray(stripped, dtype=object)[codes[rows]]
    return pd.Series(out, index=values.index, dtype=object)


def period_matches_type(df: pd.DataFrame) -> pd.Series:
    """Per row, whether ``period`` is written as its ``period_type`` prescribes.

    The validator's rule ``period_matches_type`` (2023, 2023H1, 2023Q1,
    2023-06, 2023-06-30; a date must exist). ``df`` needs ``period`` and
    ``period_type``; the result has ``df``'s index.
    """
    periods = df["period"].astype(str)
    kinds = df["period_type"].to_numpy()
    ok = np.zeros(len(df), dtype=bool)
    for kind, form in _PERIOD_FORMS.items():
        rows = kinds == kind
        if rows.any():
            ok[rows] = periods[rows].str.fullmatch(form).to_numpy(dtype=bool, na_value=False)
    dates = kinds == "date"
    if dates.any():  # reject 2023-02-30
        ok[dates] &= (
            pd.to_datetime(periods[dates], format="%Y-%m-%d", errors="coerce").notna().to_numpy()
        )
    return pd.Series(ok, index=df.index)


def _value_present_unless_missing(df: pd.DataFrame) -> pd.Series:
    absent = df["status"].isin(["missing", "suppressed"])
    return df["value"].notna() | absent


def _percentage_in_range(df: pd.DataFrame) -> pd.Series:
    pct = df["unit"].isin(_PERCENT_UNITS)
    ok = df["value"].isna() | df["value"].between(0, 100)
    if "note" in df.columns:  # a published value above 100 is kept only with an explanation
        explained = (
            df["note"].astype(object).where(df["note"].notna(), "").astype(str).str.strip().ne("")
        )
        explained = explained & (df["value"] > 100)
        ok = ok | explained
    return ~pct | ok


def _counts_not_negative(df: pd.DataFrame) -> pd.Series:
    counted = df["unit"].isin(_COUNT_UNITS)
    # amounts may be negative only for a saldo: an indicator marked signed in the catalogue
    signed = map_unique(
        df["indicator"], lambda i: INDICATORS[i].signed if i in INDICATORS else False
    ).astype(bool)
    return ~counted | signed | df["value"].isna() | (df["value"] >= 0)


def _mark_in_range(df: pd.DataFrame) -> pd.Series:
    mark = df["unit"] == "rapportcijfer"
    return ~mark | df["value"].isna() | df["value"].between(1, 10)


def _unit_matches_indicator(df: pd.DataFrame) -> pd.Series:
    expected = map_unique(
        df["indicator"], lambda i: INDICATORS[i].unit if i in INDICATORS else None
    )
    # A publication may state a figure in another unit than the catalogue's; that is
    # allowed only for the units the catalogue knows (reconciliation explains it).
    return expected.isna() | df["unit"].isin(list(UNITS))


def _not_blank(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.len() > 0


_RULES = {
    "period_matches_type": (
        "period",
        "period is written as its period_type prescribes (2023, 2023H1, 2023Q1, 2023-06, 2023-06-30)",
    ),
    "value_present": ("value", "value present unless status is missing or suppressed"),
    "percentage_range": (
        "value",
        "percentage between 0 and 100 (a published value above 100 needs a note)",
    ),
    "not_negative": (
        "value",
        "count or amount not negative (only a saldo indicator may be negative)",
    ),
    "mark_range": ("value", "mark between 1 and 10"),
    "unit_known": ("unit", "unit known for the indicator"),
}
_RULE_BY_TEXT = {text: column for column, text in _RULES.values()}

OBSERVATIONS = pa.DataFrameSchema(
    {
        "indicator": pa.Column(str, pa.Check.isin(list(INDICATORS), error="known indicator id")),
        "region_code": pa.Column(
            str,
            pa.Check(
                lambda s: map_unique(s, is_region_code).astype(bool),
                error="CBS region code such as GM0344",
            ),
        ),
        "region_name": pa.Column(str, pa.Check(_not_blank, error="region name not empty")),
        "period": pa.Column(str, pa.Check(_not_blank, error="period not empty")),
        "period_type": pa.Column(str, pa.Check.isin(list(PERIOD_TYPES), error="period type")),
        "value": pa.Column(float, nullable=True, coerce=True),
        "unit": pa.Column(str, pa.Check.isin(list(UNITS), error="known unit")),
        "status": pa.Column(str, pa.Check.isin(list(STATUSES), error="known status")),
        "source": pa.Column(str, pa.Check(_not_blank, error="source not empty")),
        "source_ref": pa.Column(str, nullable=True),
        "published": pa.Column(str, pa.Check(_not_blank, error="publication or vintage not empty")),
        "note": pa.Column(str, nullable=True, required=False),
    },
    checks=[
        pa.Check(period_matches_type, error=_RULES["period_matches_type"][1]),
        pa.Check(_value_present_unless_missing, error=_RULES["value_present"][1]),
        pa.Check(_percentage_in_range, error=_RULES["percentage_range"][1]),
        pa.Check(_counts_not_negative, error=_RULES["not_negative"][1]),
        pa.Check(_mark_in_range, error=_RULES["mark_range"][1]),
        pa.Check(_unit_matches_indicator, error=_RULES["unit_known"][1]),
    ],
    strict=True,
    ordered=False,
)

# The dtype pandas gives text: object in pandas 2, the string dtype ``str`` in pandas 3.
_TEXT_DTYPE = pd.Series(["text"]).dtype

_KEY = ["indicator", "region_code", "period", "source", "published"]


def validate_observations(
    df: pd.DataFrame, *, file: str | Path | None = None, first_line: int = 2
) -> pd.DataFrame:
    """Validate an observations table and return it with clean dtypes.

    Parameters
    ----------
    df : DataFrame
        The table, with a default RangeIndex in file order.
    file : str or Path, optional
        The file it came from, named in the error.
    first_line : int, default 2
        Line number in ``file`` of the first data row (2 for a CSV with header).

    Returns
    -------
    DataFrame
        The validated table, columns in :data:`COLUMNS` order (``note`` last).

    Raises
    ------
    InputError
        On the first violation, naming file, line, column and rule.
    """
    df = df.reset_index(drop=True)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}", file=file
        )
    extra = [c for c in df.columns if c not in COLUMNS + OPTIONAL_COLUMNS]
    if extra:
        raise InputError(f"unexpected column(s) {', '.join(extra)}", file=file)
    text_cols = [c for c in COLUMNS + OPTIONAL_COLUMNS if c in df.columns and c != "value"]
    df = df.copy()
    for col in text_cols:
        df[col] = strip_text(df[col])
    for col in ("source_ref", "note"):
        if col in df.columns:  # text or missing, whatever dtype an empty column was read as
            df[col] = df[col].astype(object).where(df[col].notna(), None).astype(_TEXT_DTYPE)
    for col in text_cols:
        if col not in ("source_ref", "note"):
            df[col] = df[col].fillna("").astype(str)
    df["value"] = _to_float(df["value"], file=file, first_line=first_line)
    try:
        out = OBSERVATIONS.validate(df, lazy=True)
    except SchemaErrors as exc:
        raise _first_failure(exc.failure_cases, df, file, first_line) from None
    except SchemaError as exc:  # pragma: no cover - lazy=True reports SchemaErrors
        raise InputError(str(exc).splitlines()[0], file=file) from None
    _check_conflicts(out, file, first_line)
    cols = COLUMNS + [c for c in OPTIONAL_COLUMNS if c in out.columns]
    return out[cols]


def _to_float(values: pd.Series, *, file, first_line: int) -> pd.Series:
    out = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & values.astype(str).str.strip().ne("") & out.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"value {values.iloc[pos]!r} is not a number (use a decimal point, no thousands separator)",
            file=file,
            row=first_line + pos,
            column="value",
        )
    return out.astype(float)


def _first_failure(cases: pd.DataFrame, df: pd.DataFrame, file, first_line: int) -> InputError:
    cases = cases.copy()
    cases["_order"] = pd.to_numeric(cases["index"], errors="coerce").fillna(-1)
    cases = cases.sort_values("_order", kind="stable")
    case = cases.iloc[0]
    column = case.get("column")
    column = column if isinstance(column, str) else None
    check = str(case.get("check"))
    row = None if case["_order"] < 0 else first_line + int(case["_order"])
    value = case.get("failure_case")
    if check in _RULE_BY_TEXT:  # a row-wise rule: name the column it is about
        column = _RULE_BY_TEXT[check]
        if row is not None:
            value = df.iloc[row - first_line][column]
    if hasattr(value, "item"):
        value = value.item()
    if check.startswith("column_in_dataframe") or check.startswith("column_in_schema"):
        return InputError(f"column check failed: {check} ({value})", file=file, column=column)
    shown = "" if column is None else f" (found {value!r})"
    return InputError(f"fails rule '{check}'{shown}", file=file, row=row, column=column)


def _check_conflicts(df: pd.DataFrame, file, first_line: int) -> None:
    """Reject two rows with the same key and different values."""
    dup = df.duplicated(_KEY, keep=False)
    if not dup.any():
        return
    sub = df[dup]
    for _, group in sub.groupby(_KEY, sort=False):
        if group["value"].nunique(dropna=False) > 1:
            lines = [first_line + int(i) for i in group.index]
            key = ", ".join(
                f"{k}={group.iloc[0][k]}"
                for k in ("indicator", "region_code", "period", "published")
            )
            raise InputError(
                f"conflicting duplicate rows (lines {', '.join(map(str, lines))}) for {key}: "
                f"values {', '.join(str(v) for v in group['value'])}",
                file=file,
                row=lines[1],
            )


def empty_observations() -> pd.DataFrame:
    """An empty observations table with the right columns."""
    return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else object) for c in COLUMNS})
