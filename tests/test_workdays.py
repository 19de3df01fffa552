"""Working days between dates (analysis.workdays)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.workdays import (
    add_working_days,
    holiday_calendar,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-01-08", "2024-01-08", 0),  # same day
        ("2024-01-05", "2024-01-08", 1),  # Friday -> Monday
        ("2024-01-06", "2024-01-08", 1),  # Saturday -> Monday
        ("2024-01-08", "2024-01-12", 4),  # Monday -> Friday
        ("2024-03-28", "2024-04-02", 2),  # Good Friday works, Easter Monday not
        ("2023-12-22", "2023-12-27", 1),  # over both Christmas days
        ("2023-12-29", "2024-01-02", 1),  # New Year's Day
        ("2023-04-26", "2023-04-28", 1),  # Koningsdag (Thursday)
        ("2024-05-08", "2024-05-10", 1),  # Hemelvaartsdag
        ("2024-05-17", "2024-05-21", 1),  # Tweede Pinksterdag
        ("2025-05-02", "2025-05-06", 1),  # Bevrijdingsdag in a lustrum year
        ("2023-05-04", "2023-05-08", 2),  # 5 May 2023 is a working day
        ("2024-01-08", "2024-01-05", -1),  # end before start: minus the count
        ("2024-04-02", "2024-03-28", -2),
    ],
)
def test_known_dates(start, end, expected):
    assert working_days_between(start, end) == expected


def test_holiday_choices_are_parameters():
    assert working_days_between("2024-03-28", "2024-04-02", good_friday=True) == 1
    assert working_days_between("2023-05-04", "2023-05-08", liberation_day="always") == 1
    assert working_days_between("2025-05-02", "2025-05-06", liberation_day="never") == 2
    with pytest.raises(ValueError, match="liberation_day"):
        working_days_between("2024-01-01", "2024-01-02", liberation_day="sometimes")


def test_calendar_lists_the_dutch_days_off():
    cal = holiday_calendar([2025])
    days = set(cal["date"].dt.strftime("%m-%d"))
    # Koningsdag moves to Saturday 26 April when 27 April is a Sunday
    assert {"01-01", "04-21", "04-26", "05-05", "05-29", "06-09", "12-25", "12-26"} <= days
    assert "04-18" not in days  # Good Friday
    assert "05-05" not in set(holiday_calendar([2024])["date"].dt.strftime("%m-%d"))
    assert cal["name"].str.len().gt(0).all()


def _naive_count(start: dt.date, end: dt.date, holidays: set[dt.date]) -> int:
    sign, lo, hi = (1, start, end) if end >= start else (-1, end, start)
    n, day = 0, lo
    while day < hi:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            n += 1
    return sign * n


def test_vectorised_count_equals_day_by_day_count():
    rng = np.random.default_rng(1)
    starts = pd.Series(
        pd.to_datetime("2014-12-01") + pd.to_timedelta(rng.integers(0, 3700, 400), unit="D")
    )
    ends = starts + pd.to_timedelta(rng.integers(-20, 60, 400), unit="D")
    got = working_days_between(starts, ends)
    holidays = {d.date() for d in holiday_calendar(range(2014, 2026))["date"]}
    expected = [
        _naive_count(s.date(), e.date(), holidays) for s, e in zip(starts, ends, strict=True)
    ]
    assert got.tolist() == expected


def test_series_keep_index_and_missing_values():
    start = pd.Series(
        [pd.Timestamp("2024-01-05"), pd.NaT, pd.Timestamp("2024-01-05 16:30")], index=[7, 8, 9]
    )
    end = pd.Series(
        [pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-09 08:00")],
        index=[7, 8, 9],
    )
    got = working_days_between(start, end)
    assert str(got.dtype) == "Int64"
    assert got.index.tolist() == [7, 8, 9]
    assert got[7] == 1 and got[9] == 2
    assert pd.isna(got[8])
    assert working_days_between(None, "2024-01-08") is None


def test_add_working_days_is_the_inverse():
    rng = np.random.default_rng(2)
    starts = pd.Series(
        pd.to_datetime("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, 500), unit="D")
    )
    n = rng.integers(0, 40, 500)
    later = add_working_days(starts, n)
    assert working_days_between(starts, later).tolist() == n.tolist()
    assert add_working_days("2024-01-06", 1) == pd.Timestamp("2024-01-08")  # Saturday + 1
    assert add_working_days("2023-12-22", 1) == pd.Timestamp("2023-12-27")
    with pytest.raises(ValueError):
        add_working_days("2024-01-01", -1)


def test_is_working_day():
    flags = is_working_day(
        pd.Series(pd.to_datetime(["2024-12-25", "2024-12-27", "2024-12-28", None]))
    )
    assert flags.tolist() == [False, True, False, False]
    assert is_working_day("2025-05-05") is False
    assert is_working_day("2024-05-06") is True
