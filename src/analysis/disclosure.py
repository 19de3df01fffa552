"""Statistical disclosure control for outputs based on a case register.

Register data is personal data: a count of 3 clients in one wijk may point at
people a reader knows. Every output (chart, table, CSV) built from the
register therefore goes through these functions first. The rules, and why
they are what they are, are written out in ``docs/disclosure.md``:

1. **Primary suppression.** A count of persons or cases below ``threshold``
   (default 10, so 0..9) at a protected level (default ``wijk`` and
   ``buurt``) is withheld: the value becomes NaN, status ``suppressed`` and
   the display text ``<10``. Levels are explicit; the city (``gemeente``)
   and larger areas are not protected unless asked for, with a threshold of
   their own if need be.
2. **Small bases.** A rate or mean (any unit that is not a count) computed on
   fewer than ``threshold`` persons is withheld too, display ``x``; the number
   of persons comes from a column you name (``base_col``). A missing base
   counts as small.
3. **Secondary suppression.** When exactly one area in a group (the wijken of
   one municipality, for one indicator, period, source and vintage) is
   withheld, the smallest remaining count of that group is withheld as well,
   display ``x``, so the first cannot be recovered as city total minus the
   other wijken.
4. **Rounding.** Counts are rounded as their source prescribes
   (:func:`rounding_rule`): CBS counts to multiples of 5, published figures
   as published, register counts (real or synthetic) unrounded. Suppression
   is decided on the unrounded value, rounding comes after.

All functions are pure: they return a new DataFrame and leave their input alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .periods import STATUS_SUPPRESSED
from .regions import level_of

DEFAULT_THRESHOLD = 10
PROTECTED_LEVELS: tuple[str, ...] = ("wijk", "buurt")
COUNT_UNITS: tuple[str, ...] = ("aantal",)
SECONDARY_DISPLAY = "x"
"""Display text of a value withheld by secondary suppression or for a small base
(CBS's symbol for *geheim*, confidential)."""

PRIMARY = "primary"
SECONDARY = "secondary"
SMALL_BASE = "small base"

_CBS_TABLE = re.compile(r"^(CBS\b[\s:-]*)?\d{5}[A-Z]{3}$", re.IGNORECASE)


# --- sources and their rules -------------------------------------------------------------


def source_kind(source: str) -> str:
    """Classify a source: ``cbs``, ``synthetic``, ``register`` or ``published``.

    ``cbs``: a CBS table id (``85098NED``, ``CBS 85098NED``). ``synthetic``:
    the source mentions *synthetisch* / *synthetic*. ``register``: it mentions
    *register* or *registratie*. Anything else is a published document.
    """
    text = " ".join(str(source).split())
    lowered = text.lower()
    if _CBS_TABLE.match(text):
        return "cbs"
    if "synthet" in lowered:
        return "synthetic"
    if "regist" in lowered:
        return "register"
    return "published"


def is_synthetic_source(source: str) -> bool:
    """Whether a source names the synthetic register."""
    return source_kind(source) == "synthetic"


@dataclass(frozen=True)
class RoundingRule:
    """How counts from one kind of source are rounded and protected.

    Attributes
    ----------
    kind : str
        ``cbs``, ``published``, ``register`` or ``synthetic``.
    base : int or None
        Counts are rounded to multiples of ``base``; None leaves them as they are.
    threshold : int or None
        Counts below ``threshold`` at wijk and buurt level are suppressed by
        this package; None when the source applied its own control.
    description : str
        The rule in words, for the documentation and audit log.
    """

    kind: str
    base: int | None
    threshold: int | None
    description: str


RULES: dict[str, RoundingRule] = {
    "cbs": RoundingRule(
        "cbs",
        5,
        None,
        "CBS rounds counts to multiples of 5 and applies its own disclosure control; "
        "figures are shown as CBS publishes them (sums of them rounded to 5 again).",
    ),
    "published": RoundingRule(
        "published",
        None,
        None,
        "Figures from published documents are public already and are quoted as published.",
    ),
    "register": RoundingRule(
        "register",
        None,
        DEFAULT_THRESHOLD,
        "Register counts are shown unrounded; counts below 10 at wijk and buurt level are "
        "suppressed, with secondary suppression.",
    ),
    "synthetic": RoundingRule(
        "synthetic",
        None,
        DEFAULT_THRESHOLD,
        "The synthetic register gets exactly the rule of the real register, so that the "
        "code path the real data will take is the one that is tested.",
    ),
}


def rounding_rule(source: str) -> RoundingRule:
    """The rounding and suppression rule for a source (see :data:`RULES`).

    Examples
    --------
    >>> rounding_rule("85098NED").base
    5
    >>> rounding_rule("synthetisch register").threshold
    10
    """
    return RULES[source_kind(source)]


# --- rounding ------------------------------------------------------------------------------


def round_to_base(values, base: int = 5):
    """Round to the nearest multiple of ``base``; halves away from zero.

    Parameters
    ----------
    values : number, sequence, ndarray or Series
        NaN stays NaN.
    base : int, default 5
        A positive whole number (CBS counts: 5).

    Returns
    -------
    Same kind as ``values``: a Series keeps its index and name, a list or
    array gives an array of floats, a number gives a number (an int for an int).

    Examples
    --------
    >>> round_to_base([12, 13, 7.5, -13])
    array([ 10.,  15.,  10., -15.])
    """
    if isinstance(base, bool) or not isinstance(base, int | np.integer) or base < 1:
        raise ValueError(f"parameter 'base': {base!r} must be a whole number >= 1")
    if isinstance(values, pd.Series):
        return pd.Series(
            _round_array(values.to_numpy(dtype=float), base), index=values.index, name=values.name
        )
    if np.ndim(values) == 0:
        rounded = float(_round_array(np.array([values], dtype=float), base)[0])
        if isinstance(values, int | np.integer) and not isinstance(values, bool):
            return int(rounded)
        return rounded
    return _round_array(np.asarray(values, dtype=float), base)


def _round_array(arr: np.ndarray, base: int) -> np.ndarray:
    return np.sign(arr) * np.floor(np.abs(arr) / base + 0.5) * base


def apply_rounding(
    df: pd.DataFrame,
    value_col: str = "value",
    *,
    source_col: str = "source",
    unit_col: str = "unit",
    count_units: Sequence[str] = COUNT_UNITS,
) -> pd.DataFrame:
    """Round counts as their source prescribes (:func:`rounding_rule`).

    Only rows whose unit is a count are rounded; rates, means and marks keep
    their value. Apply after :func:`suppress_small_counts`, never before.
    """
    _require(df, [value_col, source_col, unit_col])
    out = df.copy()
    out[value_col] = pd.to_numeric(out[value_col], errors="coerce").astype(float)
    bases = out[source_col].map(lambda s: rounding_rule(s).base)
    todo = bases.notna() & out[unit_col].isin(list(count_units)) & out[value_col].notna()
    for base in bases[todo].unique():
        rows = todo & (bases == base)
        out.loc[rows, value_col] = round_to_base(out.loc[rows, value_col].astype(float), int(base))
    return out


# --- suppression ---------------------------------------------------------------------------


def suppress_small_counts(
    df: pd.DataFrame,
    value_col: str = "value",
    level_col: str | None = None,
    threshold: int | None = DEFAULT_THRESHOLD,
    *,
    levels: Sequence[str] = PROTECTED_LEVELS,
    unit_col: str = "unit",
    count_units: Sequence[str] = COUNT_UNITS,
    base_col: str | None = None,
    secondary: bool = True,
    group_cols: Sequence[str] | None = None,
    status_col: str = "status",
    display_col: str = "display",
) -> pd.DataFrame:
    """Withhold small counts, and rates or means on small bases, at protected levels.

    Parameters
    ----------
    df : DataFrame
        Observations (see :mod:`analysis.schema`) or any frame with the named columns.
    value_col : str, default 'value'
        The number to protect.
    level_col : str, optional
        Column with the level of each row (``wijk``, ``gemeente``, ...). By
        default the level is derived from ``region_code``
        (:func:`analysis.regions.level_of`).
    threshold : int or None, default 10
        Counts below ``threshold`` (0 .. threshold-1) are withheld. None
        withholds nothing (but still adds the status and display columns).
    levels : sequence of str, default ('wijk', 'buurt')
        Levels the threshold applies to. Rows at other levels (the city,
        the country) are left alone; call again with ``levels=('gemeente',)``
        and a threshold of its own to protect them too.
    unit_col : str, default 'unit'
        Column with the unit; rows whose unit is in ``count_units`` are counts.
    count_units : sequence of str, default ('aantal',)
        Units that count persons or cases.
    base_col : str, optional
        Column with the number of persons a rate or mean was computed on.
        When given, non-count rows at protected levels whose base is below
        ``threshold`` or missing are withheld (display ``x``), and the base
        of every withheld row is blanked too. When None, non-count rows are
        not touched: pass ``base_col`` for register-based rates and means.
    secondary : bool, default True
        Apply :func:`secondary_suppression` afterwards.
    group_cols : sequence of str, optional
        Groups for secondary suppression; see :func:`secondary_suppression`.
    status_col, display_col : str
        Withheld rows get status ``suppressed`` and display ``<10`` (primary)
        or ``x`` (small base, secondary); other rows keep their display text
        (NA if the column is new).

    Returns
    -------
    DataFrame
        A copy with ``value_col`` NaN for withheld rows, the status and display
        columns, and a ``suppression`` column (``primary``, ``small base``,
        ``secondary`` or NA) for the audit log; do not show that column to readers.

    Raises
    ------
    ValueError
        For a threshold below 1, or missing columns.
    """
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 1
    ):
        raise ValueError(
            f"parameter 'threshold': {threshold!r} must be a whole number >= 1 or None"
        )
    needed = [value_col, unit_col] + ([base_col] if base_col else [])
    _require(df, needed)
    out = _with_control_columns(df, status_col, display_col, [value_col, base_col])
    if threshold is None or out.empty:
        return _restore_index(out, df)
    protected = _levels(out, level_col).isin(list(levels))
    is_count = out[unit_col].isin(list(count_units))
    small_count = protected & is_count & out[value_col].notna() & (out[value_col] < threshold)
    withhold(
        out, small_count, value_col, status_col, display_col, f"<{threshold}", PRIMARY, base_col
    )
    if base_col is not None:
        base = pd.to_numeric(out[base_col], errors="coerce")
        small_base = (
            protected & ~is_count & (base.isna() | (base < threshold)) & out["suppression"].isna()
        )
        withhold(
            out,
            small_base,
            value_col,
            status_col,
            display_col,
            SECONDARY_DISPLAY,
            SMALL_BASE,
            base_col,
        )
    if secondary:
        out = secondary_suppression(
            out,
            value_col,
            level_col,
            levels=levels,
            unit_col=unit_col,
            count_units=count_units,
            group_cols=group_cols,
            status_col=status_col,
            display_col=display_col,
            base_col=base_col,
        )
    return _restore_index(out, df)


def secondary_suppression(
    df: pd.DataFrame,
    value_col: str = "value",
    level_col: str | None = None,
    *,
    levels: Sequence[str] = PROTECTED_LEVELS,
    unit_col: str = "unit",
    count_units: Sequence[str] = COUNT_UNITS,
    group_cols: Sequence[str] | None = None,
    status_col: str = "status",
    display_col: str = "display",
    base_col: str | None = None,
) -> pd.DataFrame:
    """Withhold a second count where a group has exactly one withheld count.

    Rule: within each group of counts at a protected level, if exactly one
    row has status ``suppressed``, the row with the smallest remaining value
    is withheld as well (ties: the first in frame order). Then neither can
    be recovered by subtracting the other areas from the total of the group.
    Groups with zero or two or more withheld rows are left as they are.

    Parameters
    ----------
    group_cols : sequence of str, optional
        Columns that define a group. By default: ``indicator``, ``period``,
        ``source``, ``published`` and ``unit`` (those present) plus the parent
        area of each row, derived from ``region_code`` (the municipality of a
        wijk, the wijk of a buurt).
    Other parameters
        As in :func:`suppress_small_counts`.

    Returns
    -------
    DataFrame
        A copy; newly withheld rows get display ``x`` and suppression ``secondary``.
    """
    _require(df, [value_col, unit_col, status_col])
    out = _with_control_columns(df, status_col, display_col, [value_col, base_col])
    scope = _levels(out, level_col).isin(list(levels)) & out[unit_col].isin(list(count_units))
    if not scope.any():
        return _restore_index(out, df)
    keys = _group_keys(out, group_cols)[scope]
    withheld = out[status_col].eq(STATUS_SUPPRESSED) & out[value_col].isna()
    extra = pd.Series(False, index=out.index)
    for rows in keys.groupby(keys, sort=False).groups.values():
        if withheld[rows].sum() != 1:
            continue
        values = out.loc[rows, value_col]
        open_values = values[~withheld[rows] & values.notna()]
        if len(open_values):
            extra[open_values.idxmin()] = True  # idxmin: the first of equal minima
    withhold(out, extra, value_col, status_col, display_col, SECONDARY_DISPLAY, SECONDARY, base_col)
    return _restore_index(out, df)


def apply_disclosure_control(
    df: pd.DataFrame,
    value_col: str = "value",
    level_col: str | None = None,
    *,
    source_col: str = "source",
    base_col: str | None = None,
    levels: Sequence[str] = PROTECTED_LEVELS,
) -> pd.DataFrame:
    """Protect a frame by the rule of each row's source, then round.

    Rows whose source's :class:`RoundingRule` has a threshold (the real and
    the synthetic register) go through :func:`suppress_small_counts` with
    that threshold; then every count is rounded by :func:`apply_rounding`.
    """
    _require(df, [value_col, source_col])
    out = _with_control_columns(df, "status", "display", [value_col, base_col])
    thresholds = out[source_col].map(lambda s: rounding_rule(s).threshold)
    for threshold in sorted(thresholds.dropna().unique()):
        rows = thresholds == threshold
        protected = suppress_small_counts(
            out[rows], value_col, level_col, int(threshold), levels=levels, base_col=base_col
        )
        out.loc[rows, protected.columns] = protected
    return _restore_index(apply_rounding(out, value_col, source_col=source_col), df)


# --- helpers ------------------------------------------------------------------------------


def _require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}")


def _with_control_columns(
    df: pd.DataFrame, status_col: str, display_col: str, numeric: Sequence[str | None] = ()
) -> pd.DataFrame:
    """A copy with a RangeIndex, float number columns and the control columns."""
    out = df.reset_index(drop=True)
    for col in numeric:
        if col is not None and col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    if status_col not in out.columns:
        out[status_col] = pd.Series(pd.NA, index=out.index, dtype=object)
    if display_col not in out.columns:
        out[display_col] = pd.Series(pd.NA, index=out.index, dtype=object)
    else:
        out[display_col] = out[display_col].astype(object)
    if "suppression" not in out.columns:
        out["suppression"] = pd.Series(pd.NA, index=out.index, dtype=object)
    return out


def _restore_index(out: pd.DataFrame, original: pd.DataFrame) -> pd.DataFrame:
    out.index = original.index
    return out


def _levels(df: pd.DataFrame, level_col: str | None) -> pd.Series:
    if level_col is not None:
        _require(df, [level_col])
        return df[level_col].astype(str)
    if "region_code" not in df.columns:
        raise ValueError("give level_col, or a region_code column to derive the level from")
    return df["region_code"].map(level_of)


def _parent(code: str) -> str:
    code = str(code)
    if code.startswith("WK") and len(code) >= 6:
        return "GM" + code[2:6]
    if code.startswith("BU") and len(code) >= 8:
        return "WK" + code[2:8]
    return ""


def _group_keys(df: pd.DataFrame, group_cols: Sequence[str] | None) -> pd.Series:
    if group_cols is None:
        cols = [
            c for c in ("indicator", "period", "source", "published", "unit") if c in df.columns
        ]
        parts = [df[c].astype(str) for c in cols]
        if "region_code" in df.columns:
            parts.append(df["region_code"].map(_parent))
    else:
        _require(df, list(group_cols))
        parts = [df[c].astype(str) for c in group_cols]
    if not parts:
        return pd.Series("", index=df.index)
    key = parts[0]
    for part in parts[1:]:
        key = key + "\x1f" + part
    return key


def withhold(
    out: pd.DataFrame,
    rows: pd.Series,
    value_col: str,
    status_col: str,
    display_col: str,
    display: str,
    reason: str,
    base_col: str | None,
) -> None:
    """Withhold ``rows`` of ``out`` in place: blank the value (and base), mark the status.

    Parameters
    ----------
    out : DataFrame
        A copy the caller owns (changed in place).
    rows : Series of bool
        The rows to withhold.
    value_col, status_col, display_col : str
        The value, status and display columns.
    display : str
        What the display column shows instead (``<10``, ``x``).
    reason : str
        The ``suppression`` column's entry (:data:`PRIMARY`, :data:`SECONDARY`, :data:`SMALL_BASE`).
    base_col : str or None
        The base column, blanked too.
    """
    if not rows.any():
        return
    out.loc[rows, value_col] = np.nan
    out.loc[rows, status_col] = STATUS_SUPPRESSED
    out.loc[rows, display_col] = display
    out.loc[rows, "suppression"] = reason
    if base_col is not None:
        out.loc[rows, base_col] = np.nan


__all__ = [
    "COUNT_UNITS",
    "DEFAULT_THRESHOLD",
    "PRIMARY",
    "PROTECTED_LEVELS",
    "RULES",
    "SECONDARY",
    "SECONDARY_DISPLAY",
    "SMALL_BASE",
    "RoundingRule",
    "apply_disclosure_control",
    "apply_rounding",
    "is_synthetic_source",
    "round_to_base",
    "rounding_rule",
    "secondary_suppression",
    "source_kind",
    "suppress_small_counts",
    "withhold",
]
