"""The beweging naar voren on CBS figures, and counts beside shares."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import counts, forward
from analysis.schema import validate_observations


def _obs(indicator, rows, unit="aantal", source="82968NED"):
    """rows: (region_code, period, value, status)."""
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": [r[0] for r in rows],
            "region_name": "Ergens",
            "period": [r[1] for r in rows],
            "period_type": ["date" if "-" in r[1] else "year" for r in rows],
            "value": [r[2] for r in rows],
            "unit": unit,
            "status": [r[3] for r in rows],
            "source": source,
            "source_ref": None,
            "published": "CBS StatLine, opgehaald 2025-04-22",
        }
    )


TOTAL = _obs(
    "jeugdhulptrajecten",
    [
        ("GM9999", "2015-12-31", 3635, "definitief"),
        ("GM9999", "2016-06-30", 8000, "definitief"),
        ("GM9999", "2024-06-30", 8585, "voorlopig"),
        ("GM9999", "2023-12-31", 0, "definitief"),
    ],
)
TEAM = _obs(
    "jeugdhulptrajecten_buurtteam",
    [
        ("GM9999", "2015-12-31", None, "missing"),
        ("GM9999", "2016-06-30", 4000, "definitief"),
        ("GM9999", "2024-06-30", 3940, "definitief"),
        ("GM9999", "2023-12-31", 0, "definitief"),
    ],
)


def test_share_starts_after_the_2015_break_and_keeps_the_less_final_status():
    share = validate_observations(forward.buurtteam_share(TOTAL, TEAM))
    assert share["period"].tolist() == ["2016-06-30", "2024-06-30"]  # no 2015, no division by 0
    assert share["value"].tolist() == [50.0, pytest.approx(45.9)]
    assert share["status"].tolist() == ["definitief", "voorlopig"]
    assert share["indicator"].unique().tolist() == ["jeugdhulptrajecten_buurtteam_pct"]
    assert share["source_ref"].str.contains("afgeleid").all()
    change = forward.share_change(share, "GM9999")
    assert (change["first"], change["last"], change["last_status"]) == (
        50.0,
        pytest.approx(45.9),
        "voorlopig",
    )
    assert forward.share_change(share, "GM0000") is None


def test_other_trajectories_are_total_minus_buurtteam_never_negative():
    total = pd.concat(
        [TOTAL, _obs("jeugdhulptrajecten", [("GM9999", "2017-06-30", 100, "definitief")])]
    )
    team = pd.concat(
        [TEAM, _obs("jeugdhulptrajecten_buurtteam", [("GM9999", "2017-06-30", 105, "definitief")])]
    )
    others = validate_observations(forward.other_trajectories(total, team))
    assert dict(zip(others["period"], others["value"], strict=True)) == {
        "2016-06-30": 4000,
        "2024-06-30": 4645,
        "2023-12-31": 0,
        "2017-06-30": 0,
    }
    both = forward.trajectories_by_team(total, team)
    dates = both.groupby("indicator")["period"].apply(frozenset)
    assert len(dates) == 2 and dates.nunique() == 1  # the same dates for both lines


def test_verblijf_youths_are_a_count_rounded_to_five():
    personen = _obs(
        "jeugdhulp_personen",
        [("GM9999", "2015", 4935, "definitief"), ("GM9999", "2016", 9520, "definitief")],
        source="82966NED",
    )
    pct = _obs(
        "jeugdhulp_verblijf_pct",
        [
            ("GM9999", "2015", 11.0, "definitief"),
            ("GM9999", "2016", 6.9, "definitief"),
            ("GM9999", "2018", 4.7, "definitief"),
        ],
        unit="procent",
        source="82972NED",
    )
    youths = validate_observations(counts.verblijf_youths(personen, pct))
    assert youths["value"].tolist() == [545.0, 655.0]  # 542.85 -> 545, 656.88 -> 655
    assert youths["period"].tolist() == ["2015", "2016"]  # 2018: no count of youths with jeugdhulp
    assert youths["source_ref"].str.contains("82966NED, 82972NED").all()
