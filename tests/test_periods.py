import pandas as pd
import pytest

from analysis.periods import (
    date_bound,
    in_range,
    next_periods,
    parse_cbs_period,
    period_bounds,
    period_order,
    period_sort_key,
    period_type_of,
)


@pytest.mark.parametrize(
    ("label", "period", "period_type", "status"),
    [
        ("2015", "2015", "year", "definitief"),
        ("2019*", "2019", "year", "voorlopig"),
        ("2018**", "2018", "year", "nader voorlopig"),
        ("1e halfjaar 2016", "2016H1", "halfyear", "definitief"),
        ("2e halfjaar 2016*", "2016H2", "halfyear", "voorlopig"),
        ("1e half jaar 2024", "2024H1", "halfyear", "definitief"),
        ("2015 1e halfjaar", "2015H1", "halfyear", "definitief"),
        ("1e kwartaal 2015", "2015Q1", "quarter", "definitief"),
        ("2015 1e kwartaal", "2015Q1", "quarter", "definitief"),
        ("30 juni 2015", "2015-06-30", "date", "definitief"),
        ("31 december 2021", "2021-12-31", "date", "definitief"),
        ("31 maart 2015", "2015-03-31", "date", "definitief"),
        ("  1e  Halfjaar   2017 ", "2017H1", "halfyear", "definitief"),
        ("2016JJ00", "2016", "year", "definitief"),
        ("2016HJ02", "2016H2", "halfyear", "definitief"),
        ("2015KW03", "2015Q3", "quarter", "definitief"),
        ("2015MM11", "2015-11", "month", "definitief"),
    ],
)
def test_parse_cbs_period(label, period, period_type, status):
    parsed = parse_cbs_period(label)
    assert (parsed.period, parsed.period_type, parsed.status) == (period, period_type, status)


@pytest.mark.parametrize(
    "label",
    ["", "3e halfjaar 2016", "halfjaar", "31 juni 2015", "2016XX01", "2016HJ03", "foo 2015"],
)
def test_parse_cbs_period_rejects_unknown_labels(label):
    with pytest.raises(ValueError, match="period"):
        parse_cbs_period(label)


def test_date_bound_takes_a_period_or_a_date():
    assert date_bound("2024") == pd.Timestamp("2024-01-01")
    assert date_bound("2024", end=True) == pd.Timestamp("2024-12-31")
    assert date_bound("2024H2", end=True) == pd.Timestamp("2024-12-31")
    assert date_bound("2024-02", end=True) == pd.Timestamp("2024-02-29")
    assert date_bound("2024-03-15", end=True) == pd.Timestamp("2024-03-15")
    assert date_bound(pd.Timestamp("2024-03-15").date()) == pd.Timestamp("2024-03-15")
    assert date_bound("15 March 2024") == pd.Timestamp("2024-03-15")  # not a period: read as a date


def test_period_order_sorts_positions_in_time_stably():
    assert period_order(["2024", "2023H2", "2023", "2023H2", "2023H1"]) == [4, 1, 3, 2, 0]
    assert period_order([]) == []


def test_period_type_of_and_bounds():
    assert period_type_of("2023") == "year"
    assert period_type_of("2023H2") == "halfyear"
    assert period_type_of("2023-06-30") == "date"
    assert period_bounds("2023H2") == (pd.Timestamp("2023-07-01"), pd.Timestamp("2023-12-31"))
    assert period_bounds("2024Q1") == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31"))
    assert period_bounds("2024-02") == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29"))
    for bad in ("2023H3", "2023-02-30", "2023-13", "23", "2023 H1"):
        with pytest.raises(ValueError):
            period_type_of(bad)


def test_sort_key_orders_by_end_then_length():
    periods = ["2016", "2016H2", "2016H1", "2015", "2016-06-30"]
    # same end date: the reference date first, then the half-year ending that day
    assert sorted(periods, key=period_sort_key) == [
        "2015",
        "2016-06-30",
        "2016H1",
        "2016H2",
        "2016",
    ]


def test_next_periods_and_in_range():
    assert next_periods("2023H2", 3) == ["2024H1", "2024H2", "2025H1"]
    assert next_periods("2023Q4", 2) == ["2024Q1", "2024Q2"]
    assert next_periods("2023", 2) == ["2024", "2025"]
    assert next_periods("2023-12", 1) == ["2024-01"]
    with pytest.raises(ValueError):
        next_periods("2023-06-30", 1)
    assert in_range("2024H1", "2015", "2024")
    assert not in_range("2014H2", "2015", "2024")
    assert not in_range("2025", None, "2024H2")
