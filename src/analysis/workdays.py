"""Working days between dates: weekends and Dutch public holidays excluded.

Convention
----------
The number of working days from date ``a`` to date ``b`` is the number of
working days **after** ``a`` up to **and including** ``b``. So

* same day: 0;
* Friday -> the following Monday: 1;
* Thursday 2024-03-28 -> Tuesday 2024-04-02: 2 (Good Friday counts as a
  working day, the weekend and Easter Monday do not);
* Monday 2023-12-25 (Christmas) -> Wednesday 2023-12-27: 1.

This is how the buurtteams count the waiting time from registration
(*aanmelding*) to the first conversation (*keukentafelgesprek*): a
conversation the next working day is a wait of one working day. If ``b``
lies before ``a`` the count is negative (minus the count from ``b`` to
``a``), so errors in the data stay visible instead of being clipped.

Which days are holidays
-----------------------
The holiday list comes from the ``holidays`` package (country ``NL``), with
two explicit choices, both parameters:

``good_friday=False``
    Goede Vrijdag is **not** a day off. The ``holidays`` package lists it,
    but the Algemene termijnenwet (art. 3) does not, and neither does the
    collective agreement of the buurtteams (CAO Sociaal Werk).
``liberation_day="lustrum"``
    Bevrijdingsdag (5 May) is a day off only in lustrum years (2015, 2020,
    2025, ...). The Algemene termijnenwet lists 5 May every year, but for
    the working days of the buurtteams the CAO is what counts, and like
    most Dutch CAOs it gives 5 May off once every five years. ``"always"``
    follows the Termijnenwet, ``"never"`` ignores the day.

The remaining days are Nieuwjaarsdag, Tweede Paasdag, Koningsdag (26 April
when 27 April is a Sunday), Hemelvaartsdag, Tweede Pinksterdag and both
Christmas days, as in the Termijnenwet. Easter and Whit Sunday fall on
Sundays anyway.

Everything here is vectorised with :func:`numpy.busday_count` and
:func:`numpy.busday_offset`; a Series of a million dates takes well under a
second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays as holidays_pkg
import numpy as np
import pandas as pd
from dateutil.easter import easter

LIBERATION_DAY_POLICIES = ("lustrum", "always", "never")

__all__ = [
    "LIBERATION_DAY_POLICIES",
    "add_working_days",
    "holiday_calendar",
    "holiday_dates",
    "is_working_day",
    "working_days_between",
]


@lru_cache(maxsize=64)
def _holidays(first_year: int, last_year: int, liberation_day: str, good_friday: bool) -> tuple:
    """Sorted ((date, name), ...) for the years; cached because it is pure."""
    if liberation_day not in LIBERATION_DAY_POLICIES:
        raise ValueError(
            f"liberation_day must be one of {', '.join(LIBERATION_DAY_POLICIES)}, not {liberation_day!r}"
        )
    years = range(first_year, last_year + 1)
    found = holidays_pkg.country_holidays("NL", years=years, language="nl")
    days: dict[dt.date, str] = {}
    for day, name in found.items():
        days[day] = name
    for year in years:
        friday = easter(year) - dt.timedelta(days=2)
        if good_friday:
            days.setdefault(friday, "Goede Vrijdag")
        else:
            days.pop(friday, None)
        may5 = dt.date(year, 5, 5)
        if liberation_day == "always":
            days.setdefault(may5, "Bevrijdingsdag")
        elif liberation_day == "never":
            days.pop(may5, None)
        elif year % 5 == 0:
            days.setdefault(may5, "Bevrijdingsdag")
        else:
            days.pop(may5, None)
    return tuple(sorted(days.items()))


def holiday_calendar(
    years: Iterable[int], *, liberation_day: str = "lustrum", good_friday: bool = False
) -> pd.DataFrame:
    """The public holidays that count as non-working days.

    Parameters
    ----------
    years : iterable of int
        Calendar years to list.
    liberation_day : {"lustrum", "always", "never"}, default "lustrum"
        When 5 May is a day off (see the module docstring).
    good_friday : bool, default False
        Whether Good Friday is a day off.

    Returns
    -------
    DataFrame
        Columns ``date`` (datetime64) and ``name`` (Dutch name), one row per
        holiday, including those that fall in a weekend.
    """
    years = sorted(set(int(y) for y in years))
    if not years:
        return pd.DataFrame(
            {"date": pd.Series(dtype="datetime64[ns]"), "name": pd.Series(dtype=object)}
        )
    rows = _holidays(years[0], years[-1], liberation_day, bool(good_friday))
    wanted = set(years)
    rows = [(pd.Timestamp(d), n) for d, n in rows if d.year in wanted]
    return pd.DataFrame(rows, columns=["date", "name"])


def holiday_dates(
    first_year: int, last_year: int, *, liberation_day: str = "lustrum", good_friday: bool = False
) -> np.ndarray:
    """Holidays from ``first_year`` to ``last_year`` as a sorted ``datetime64[D]`` array.

    This is the ``holidays=`` argument :func:`numpy.busday_count` expects.
    """
    rows = _holidays(int(first_year), int(last_year), liberation_day, bool(good_friday))
    return np.array([d for d, _ in rows], dtype="datetime64[D]")


def _as_days(values) -> tuple[np.ndarray, np.ndarray, pd.Index | None]:
    """Values as a datetime64[D] array, a mask of missing values and the index (Series only)."""
    index = values.index if isinstance(values, pd.Series) else None
    stamps = pd.to_datetime(
        pd.Series(np.atleast_1d(np.asarray(values, dtype=object)))
        if not isinstance(values, pd.Series)
        else values
    )
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    missing = stamps.isna().to_numpy()
    days = stamps.dt.floor("D").to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    days = np.where(missing, np.datetime64("1970-01-01", "D"), days)
    return days, missing, index


def _calendar_for(
    days: np.ndarray,
    missing: np.ndarray,
    liberation_day: str,
    good_friday: bool,
    margin_years: int = 1,
) -> np.ndarray:
    valid = days[~missing]
    if valid.size == 0:
        return np.array([], dtype="datetime64[D]")
    years = valid.astype("datetime64[Y]").astype(int) + 1970
    return holiday_dates(
        int(years.min()) - margin_years,
        int(years.max()) + margin_years,
        liberation_day=liberation_day,
        good_friday=good_friday,
    )


def _is_scalar(value) -> bool:
    return not isinstance(value, pd.Series | pd.Index | np.ndarray | list | tuple)


def working_days_between(start, end, *, liberation_day: str = "lustrum", good_friday: bool = False):
    """Working days after ``start`` up to and including ``end``.

    Parameters
    ----------
    start, end : date-like, or Series / array of date-likes of equal length
        For example registration date and date of the first conversation.
        Times of day are ignored. Missing values (NaT, None) give a missing
        result.
    liberation_day : {"lustrum", "always", "never"}, default "lustrum"
        When 5 May counts as a holiday.
    good_friday : bool, default False
        Whether Good Friday counts as a holiday.

    Returns
    -------
    int, None, or Series of dtype Int64
        For two scalars an ``int`` (``None`` if either is missing); otherwise
        a nullable-integer Series (with ``start``'s index if it is a Series).
        Same day gives 0, Friday -> Monday gives 1; ``end`` before ``start``
        gives a negative count.

    Examples
    --------
    >>> working_days_between("2024-03-28", "2024-04-02")  # over Easter Monday
    2
    """
    scalar = _is_scalar(start) and _is_scalar(end)
    s_days, s_missing, index = _as_days(start)
    e_days, e_missing, e_index = _as_days(end)
    if index is None:
        index = e_index
    if s_days.shape != e_days.shape:
        if s_days.size == 1:
            s_days, s_missing = (
                np.broadcast_to(s_days, e_days.shape),
                np.broadcast_to(s_missing, e_days.shape),
            )
        elif e_days.size == 1:
            e_days, e_missing = (
                np.broadcast_to(e_days, s_days.shape),
                np.broadcast_to(e_missing, s_days.shape),
            )
        else:
            raise ValueError(f"start and end differ in length ({s_days.size} and {e_days.size})")
    missing = s_missing | e_missing
    both = np.concatenate([s_days, e_days])
    both_missing = np.concatenate([s_missing, e_missing])
    calendar = _calendar_for(both, both_missing, liberation_day, good_friday)
    one = np.timedelta64(1, "D")
    # numpy counts a reversed interval asymmetrically, so count forward and flip the sign.
    backward = e_days < s_days
    lo, hi = np.where(backward, e_days, s_days), np.where(backward, s_days, e_days)
    counts = np.busday_count(lo + one, hi + one, holidays=calendar)
    counts = np.where(backward, -counts, counts)
    if scalar:
        return None if bool(missing[0]) else int(counts[0])
    out = pd.array(counts.astype("int64"), dtype="Int64")
    out[missing] = pd.NA
    return pd.Series(
        out,
        index=index if index is not None and len(index) == len(out) else None,
        name="working_days",
    )


def add_working_days(start, n, *, liberation_day: str = "lustrum", good_friday: bool = False):
    """The date that lies ``n`` working days after ``start`` (the inverse of the count).

    Parameters
    ----------
    start : date-like, or Series / array of date-likes
    n : int or array of int (>= 0)
        Working days to add. ``n = 0`` returns ``start`` itself (even on a
        weekend); ``n >= 1`` returns the n-th working day after ``start``.

    Returns
    -------
    Timestamp or Series of datetime64
        Such that ``working_days_between(start, result) == n``.
    """
    scalar = _is_scalar(start) and np.ndim(n) == 0
    days, missing, index = _as_days(start)
    steps = np.broadcast_to(np.asarray(n, dtype="int64"), days.shape)
    if (steps < 0).any():
        raise ValueError("n must not be negative")
    calendar = _calendar_for(days, missing, liberation_day, good_friday, margin_years=2)
    # Rolling backward first makes "n-th working day after start" hold for
    # starts on a weekend or holiday too (Saturday + 1 = Monday).
    moved = np.busday_offset(days, steps, roll="backward", holidays=calendar)
    result = np.where(steps == 0, days, moved).astype("datetime64[ns]")
    out = pd.Series(result, index=index)
    out[missing] = pd.NaT
    if scalar:
        return out.iloc[0]
    return out


def is_working_day(dates, *, liberation_day: str = "lustrum", good_friday: bool = False):
    """Whether each date is a working day (not a weekend, not a holiday).

    Returns
    -------
    bool or Series of bool
        Missing dates give False.
    """
    scalar = _is_scalar(dates)
    days, missing, index = _as_days(dates)
    calendar = _calendar_for(days, missing, liberation_day, good_friday)
    flags = np.is_busday(days, holidays=calendar) & ~missing
    if scalar:
        return bool(flags[0])
    return pd.Series(flags, index=index, name="working_day")
