"""Wmo trends per wijk: changes of the wijk division are marked and never joined across."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import cbs, wijken
from analysis.sources import load_observations, resolve_source


def _obs(rows, indicator="wmo_clienten"):
    """rows: (region_code, period, value)."""
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": [r[0] for r in rows],
            "region_name": [f"wijk {r[0][-2:]}" for r in rows],
            "period": [r[1] for r in rows],
            "period_type": ["halfyear" if "H" in r[1] else "year" for r in rows],
            "value": [r[2] for r in rows],
            "unit": "aantal",
            "status": "definitief",
            "source": "83267NED",
        }
    )


def _division(rows):
    return _obs(rows, "wijk_indelingswijziging").assign(unit="code")


def test_a_boundary_change_starts_a_new_span_and_drops_the_years_before():
    obs = _obs(
        [("WK999901", str(y), 100 + y - 2015) for y in range(2015, 2021)]
        + [("WK999902", str(y), 50) for y in range(2015, 2021)]
        + [("WK999901", f"{y}H1", 60) for y in range(2015, 2021)]
    )
    division = _division(
        [("WK999901", str(y), 3 if y == 2018 else 1) for y in range(2015, 2021)]
        + [("WK999902", str(y), 1) for y in range(2015, 2021)]
    )
    breaks = wijken.division_breaks(obs, division)
    assert breaks[["region_code", "year", "reason"]].values.tolist() == [
        ["WK999901", 2018, "grenzen"]
    ]
    trend, _ = wijken.wijk_trend(obs, division, period_type="year")
    first = trend.groupby("region_code")["period"].min()
    assert first["WK999901"] == "2018" and first["WK999902"] == "2015"
    # the half-years of the same wijk lose the same years, and years and half-years never mix
    half, _ = wijken.wijk_trend(obs, division, period_type="halfyear")
    assert half["period"].tolist() == ["2018H1", "2019H1", "2020H1"]
    assert set(trend["period_type"]) == {"year"}


def test_a_new_code_and_a_missing_year_are_breaks_too():
    obs = _obs(
        [("WK999901", y, 10) for y in ("2015", "2016", "2018", "2019")]
        + [("WK999902", y, 10) for y in ("2015", "2016", "2017")]
    )
    division = _division(
        [("WK999901", y, 1) for y in ("2015", "2016", "2018", "2019")]
        + [("WK999902", "2015", 1), ("WK999902", "2016", 2), ("WK999902", "2017", 1)]
    )
    breaks = wijken.division_breaks(obs, division).set_index("region_code")
    assert (
        breaks.loc["WK999901", "reason"] == "ontbreekt" and breaks.loc["WK999901", "year"] == 2018
    )
    assert breaks.loc["WK999902", "reason"] == "code" and breaks.loc["WK999902", "year"] == 2016
    note = wijken.division_note(wijken.division_breaks(obs, division), True, "en")
    assert "WK999902" in note and "new district code" in note and "year before is missing" in note


def test_without_division_data_the_note_says_the_check_was_not_possible():
    obs = _obs([("WK999901", str(y), 10) for y in range(2015, 2018)])
    assert wijken.division_breaks(obs, None).empty
    assert not wijken.division_checked(None, ["WK999901"])
    assert "Indelingswijziging" in wijken.division_note(
        wijken.division_breaks(obs, None), False, "nl"
    )
    assert "ongewijzigd" not in wijken.division_note(wijken.division_breaks(obs, None), False, "nl")


def test_rounded_to_five_finds_the_periods_cbs_rounded():
    obs = _obs(
        [
            ("WK999901", "2015", 105),
            ("WK999902", "2015", 40),
            ("WK999903", "2015", 55),
            ("WK999901", "2016", 101),
            ("WK999902", "2016", 40),
            ("WK999903", "2016", 55),
        ]
    )
    assert wijken.rounded_to_five(obs) == ["2015"]


def test_current_wijken_are_those_of_the_latest_period():
    obs = _obs(
        [
            ("WK999901", "2015", 1),
            ("WK999902", "2015", 1),
            ("WK999903", "2016", 1),
            ("WK999902", "2016", 1),
            ("GM9999", "2016", 5),
        ]
    )
    assert wijken.current_wijken(obs) == ["WK999902", "WK999903"]


def test_wijk_codes_from_the_observations():
    obs = _obs([("WK999901", "2015", 1), ("WK999812", "2015", 1)])
    assert "WK999901" in wijken.wijk_codes("GM9999", obs=obs)
    assert "WK999812" not in wijken.wijk_codes("GM9999", obs=obs)
    assert len(wijken.wijk_codes("GM0344")) == 10


def test_utrecht_wijken_are_comparable_2015_to_2024_in_the_embedded_extract():
    source = resolve_source("embedded")
    codes = wijken.wijk_codes("GM0344")
    division = load_observations(wijken.DIVISION_INDICATOR, source, regions=codes)
    if division.empty:
        pytest.skip("the extract holds no Indelingswijziging (built before the catalogue had it)")
    assert wijken.division_checked(division, codes)
    obs = load_observations("wmo_clienten", source, regions=codes)
    trend, breaks = wijken.wijk_trend(obs, division, period_type="halfyear", regions=["WK034403"])
    assert breaks.empty
    # Overvecht, every half-year from 2015 to the first half of 2024, each from its own year's table
    assert trend["period"].iloc[0] == "2015H1" and trend["period"].iloc[-1] == "2024H1"
    assert trend["source"].nunique() == 10
    amsterdam_codes = wijken.wijk_codes("GM0363", cbs.region_resolver(source.cache_dir))
    amsterdam = load_observations(wijken.DIVISION_INDICATOR, source, regions=amsterdam_codes)
    assert (amsterdam["value"] == wijken.NEW_BOUNDARIES).any()  # Amsterdam redrew its wijken


def test_trend_charts_draw_each_period_type_apart_and_refuse_too_many_panels():
    obs = _obs(
        [
            (f"WK9999{i:02d}", str(y), 10 * i + y - 2015)
            for i in range(1, 4)
            for y in range(2015, 2019)
        ]
        + [(f"WK9999{i:02d}", f"{y}H1", 10 * i) for i in range(1, 4) for y in range(2015, 2019)]
        + [("GM9999", str(y), 40) for y in range(2015, 2019)]
    )
    obs = obs.assign(published="CBS StatLine, opgehaald 2025-04-22", source_ref=None)
    data = {"wmo_clienten": obs[obs["region_code"] != "GM9999"]}
    charts = wijken.trend_charts(data, None, "GM9999", language="nl")
    assert len(charts) == 2  # a year and a half-year chart, never one mixing both
    assert all(hasattr(c, "savefig") for c in charts)
    one = wijken.trend_charts(data, None, "GM9999", "WK999902", language="nl")
    assert len(one) == 2 and all(hasattr(c, "savefig") for c in one)
    many = _obs([(f"WK9999{i:02d}", "2018", 10) for i in range(wijken.MAX_PANELS + 1)])
    note = wijken.trend_charts({"wmo_clienten": many}, None, "GM9999", language="en")
    assert len(note) == 1 and "too many" in note[0].data
    assert "Indelingswijziging" in wijken.trend_notes(data, None, ["WK999901"], language="en")
