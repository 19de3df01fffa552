"""Periods: the project's period notation and the CBS labels and codes it comes from.

The project writes periods ISO-like, one notation per period type:

=========== ============== =====================================
period_type example        meaning
=========== ============== =====================================
year        ``2023``       calendar year
halfyear    ``2023H1``     first half of 2023
quarter     ``2023Q1``     first quarter of 2023
month       ``2023-01``    January 2023
date        ``2023-06-30`` a reference date (peildatum)
=========== ============== =====================================

CBS writes the same periods as labels (``2015``, ``1e halfjaar 2016``,
``1e half jaar 2024``, ``2015 1e halfjaar``, ``1e kwartaal 2015``,
``30 juni 2015``), optionally followed by ``*`` (provisional, *voorlopig*) or
``**`` (revised provisional, *nader voorlopig*), or as OData keys
(``2015JJ00``, ``2016HJ01``, ``2015KW01``, ``2015MM01``).

A CBS period must lie in :data:`PLAUSIBLE_YEARS` (1900-2100): StatLine's
longest series start around 1900, and a year such as ``9999`` or ``0023`` is a
typing or export error, not data (:func:`parse_cbs_period` refuses it).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd

PERIOD_TYPES = ("year", "halfyear", "quarter", "month", "date")

STATUS_FINAL = "definitief"
STATUS_REVISED_PROVISIONAL = "nader voorlopig"
STATUS_PROVISIONAL = "voorlopig"
STATUS_MISSING = "missing"
STATUS_SUPPRESSED = "suppressed"
STATUSES = (
    STATUS_FINAL,
    STATUS_REVISED_PROVISIONAL,
    STATUS_PROVISIONAL,
    STATUS_MISSING,
    STATUS_SUPPRESSED,
)

# Years a CBS period label may name; others are refused as typing or export errors.
PLAUSIBLE_YEARS = range(1900, 2101)

_MONTHS_NL = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}

_PATTERNS: dict[str, re.Pattern[str]] = {
    "year": re.compile(r"^(\d{4})$"),
    "halfyear": re.compile(r"^(\d{4})H([12])$"),
    "quarter": re.compile(r"^(\d{4})Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "date": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
}

_ORDINAL = r"(?P<n>[1-4])\s*e"
_LABELS = [
    (re.compile(rf"^{_ORDINAL}\s+half\s*jaar\s+(?P<y>\d{{4}})$"), "halfyear"),
    (re.compile(rf"^(?P<y>\d{{4}})\s+{_ORDINAL}\s+half\s*jaar$"), "halfyear"),
    (re.compile(rf"^{_ORDINAL}\s+kwartaal\s+(?P<y>\d{{4}})$"), "quarter"),
    (re.compile(rf"^(?P<y>\d{{4}})\s+{_ORDINAL}\s+kwartaal$"), "quarter"),
    (re.compile(r"^(?P<y>\d{4})$"), "year"),
    (re.compile(r"^(?P<d>\d{1,2})\s+(?P<m>[a-z]+)\s+(?P<y>\d{4})$"), "date"),
    (re.compile(r"^(?P<m>[a-z]+)\s+(?P<y>\d{4})$"), "month"),
]
_ODATA_KEY = re.compile(r"^(?P<y>\d{4})(?P<kind>JJ|HJ|KW|MM|X\d)(?P<n>\d{2})$")


@dataclass(frozen=True)
class Period:
    """A parsed period with its type and the status the label carried."""

    period: str
    period_type: str
    status: str = STATUS_FINAL


def parse_cbs_period(label: str) -> Period:
    """Parse a CBS period label or OData key.

    Parameters
    ----------
    label : str
        For example ``"2015"``, ``"1e halfjaar 2016*"``, ``"1e half jaar 2024"``,
        ``"1e kwartaal 2015"``, ``"30 juni 2015"`` or ``"2016HJ01"``.

    Returns
    -------
    Period
        The period in project notation, its type and the status implied by
        trailing asterisks (``*`` voorlopig, ``**`` nader voorlopig, none
        definitief).

    Raises
    ------
    ValueError
        If the label is not a period CBS uses, or names a year outside
        :data:`PLAUSIBLE_YEARS`.
    """
    period = _parse_cbs_period(label)
    if not period.period.isascii():  # \d also matches other scripts' digits
        raise ValueError(f"unknown period label {label!r}")
    year = int(period.period[:4])
    if year not in PLAUSIBLE_YEARS:
        raise ValueError(
            f"implausible year {period.period[:4]} in period label {str(label).strip()!r} "
            f"(CBS periods lie in {PLAUSIBLE_YEARS.start}-{PLAUSIBLE_YEARS.stop - 1})"
        )
    return period


def _parse_cbs_period(label: str) -> Period:
    text = " ".join(str(label).strip().lower().split())
    status = STATUS_FINAL
    if text.endswith("**"):
        status, text = STATUS_REVISED_PROVISIONAL, text[:-2].strip()
    elif text.endswith("*"):
        status, text = STATUS_PROVISIONAL, text[:-1].strip()
    key = _ODATA_KEY.match(text.upper())
    if key:
        year, kind, n = key["y"], key["kind"], int(key["n"])
        if kind == "JJ" and n == 0:
            return Period(year, "year", status)
        if kind == "HJ" and n in (1, 2):
            return Period(f"{year}H{n}", "halfyear", status)
        if kind == "KW" and 1 <= n <= 4:
            return Period(f"{year}Q{n}", "quarter", status)
        if kind == "MM" and 1 <= n <= 12:
            return Period(f"{year}-{n:02d}", "month", status)
        raise ValueError(f"unknown CBS period key {label!r}")
    for pattern, period_type in _LABELS:
        m = pattern.match(text)
        if not m:
            continue
        year = m["y"]
        if period_type == "year":
            return Period(year, "year", status)
        if period_type == "halfyear":
            n = int(m["n"])
            if n in (1, 2):
                return Period(f"{year}H{n}", "halfyear", status)
        elif period_type == "quarter":
            return Period(f"{year}Q{m['n']}", "quarter", status)
        elif period_type in ("date", "month"):
            month = _MONTHS_NL.get(m["m"])
            if month is None:
                break
            if period_type == "month":
                return Period(f"{year}-{month:02d}", "month", status)
            try:
                day = pd.Timestamp(int(year), month, int(m["d"]))
            except ValueError:
                break
            return Period(day.strftime("%Y-%m-%d"), "date", status)
        break
    raise ValueError(f"unknown period label {label!r}")


def period_type_of(period: str) -> str:
    """Return the period type of a period in project notation.

    Raises
    ------
    ValueError
        If ``period`` is not in project notation.
    """
    for period_type, pattern in _PATTERNS.items():
        if pattern.match(str(period)):
            if period_type == "date":
                pd.Timestamp(period)  # rejects 2023-02-30
            if period_type == "month" and not 1 <= int(str(period)[5:7]) <= 12:
                break
            return period_type
    raise ValueError(
        f"not a period: {period!r} (expected e.g. 2023, 2023H1, 2023Q1, 2023-06 or 2023-06-30)"
    )


@functools.lru_cache(maxsize=8192)
def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day covered by a period (a date covers itself).

    Memoised: charts and tables ask for the same few dozen periods thousands
    of times per report (the result is immutable).
    """
    kind = period_type_of(period)
    year = int(period[:4])
    if kind == "year":
        return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    if kind == "halfyear":
        half = int(period[-1])
        start = pd.Timestamp(year, 1 if half == 1 else 7, 1)
        return start, start + pd.offsets.MonthEnd(6)
    if kind == "quarter":
        q = int(period[-1])
        start = pd.Timestamp(year, 3 * q - 2, 1)
        return start, start + pd.offsets.MonthEnd(3)
    if kind == "month":
        start = pd.Timestamp(year, int(period[5:7]), 1)
        return start, start + pd.offsets.MonthEnd(1)
    day = pd.Timestamp(period)
    return day, day


def date_bound(value, *, end: bool = False) -> pd.Timestamp:
    """The first day of a period label (with ``end``, its last day); any other value as a date.

    ``"2024"`` gives 2024-01-01 (``end``: 2024-12-31); ``"2024-03-15"``, a
    ``Timestamp`` or a ``date`` give that day. Used for ``start`` / ``end``
    arguments that accept either a period or a date.
    """
    if isinstance(value, str):
        try:
            period_type_of(value)
        except ValueError:
            return pd.Timestamp(value)
        return period_bounds(value)[1 if end else 0]
    return pd.Timestamp(value)


def period_end(period: str) -> pd.Timestamp:
    """Last day covered by a period; used to order and plot periods."""
    return period_bounds(period)[1]


def period_start(period: str) -> pd.Timestamp:
    """First day covered by a period."""
    return period_bounds(period)[0]


def period_sort_key(period: str) -> tuple[pd.Timestamp, int]:
    """Sort key: by end date, longer periods after shorter ones ending the same day."""
    start, end = period_bounds(period)
    return end, (end - start).days


def period_order(periods) -> list[int]:
    """Positions that put ``periods`` in time order (stable for equal periods), for ``frame.iloc[...]``."""
    periods = [str(p) for p in periods]
    return sorted(range(len(periods)), key=lambda i: period_sort_key(periods[i]))


def in_range(period: str, start: str | None, end: str | None) -> bool:
    """Whether a period lies within ``start`` .. ``end`` (either may be None).

    A period is inside when it begins no earlier than ``start`` begins and ends
    no later than ``end`` ends, so ``2024H1`` lies within ``2015``..``2024``.
    """
    first, last = period_bounds(period)
    if start is not None and first < period_bounds(start)[0]:
        return False
    return not (end is not None and last > period_bounds(end)[1])


def next_periods(period: str, n: int) -> list[str]:
    """The ``n`` periods of the same type that follow ``period``."""
    kind = period_type_of(period)
    year = int(period[:4])
    if kind == "year":
        return [str(year + i) for i in range(1, n + 1)]
    if kind == "halfyear":
        idx = year * 2 + int(period[-1]) - 1
        return [f"{(idx + i) // 2}H{(idx + i) % 2 + 1}" for i in range(1, n + 1)]
    if kind == "quarter":
        idx = year * 4 + int(period[-1]) - 1
        return [f"{(idx + i) // 4}Q{(idx + i) % 4 + 1}" for i in range(1, n + 1)]
    if kind == "month":
        idx = year * 12 + int(period[5:7]) - 1
        return [f"{(idx + i) // 12}-{(idx + i) % 12 + 1:02d}" for i in range(1, n + 1)]
    raise ValueError(f"no next period for a reference date ({period})")


__all__ = [
    "PERIOD_TYPES",
    "PLAUSIBLE_YEARS",
    "STATUSES",
    "STATUS_FINAL",
    "STATUS_MISSING",
    "STATUS_PROVISIONAL",
    "STATUS_REVISED_PROVISIONAL",
    "STATUS_SUPPRESSED",
    "Period",
    "date_bound",
    "in_range",
    "next_periods",
    "parse_cbs_period",
    "period_bounds",
    "period_end",
    "period_order",
    "period_sort_key",
    "period_start",
    "period_type_of",
]
