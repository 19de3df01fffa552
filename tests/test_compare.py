"""Tests of analysis.compare: comparison groups and the size-class median line."""

from __future__ import annotations

import pandas as pd

from analysis import compare


def obs(codes: list[str], values: list[float], period: str = "2023") -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": "jeugdhulp_pct", "region_code": codes, "region_name": codes, "period": period,
        "period_type": "year", "value": values, "unit": "procent", "status": "definitief", "source": "85098NED",
        "source_ref": None, "published": "test",
    })


def test_a_g4_city_gets_no_median_that_repeats_the_other_three():
    groups = {"nederland": ["NL01"], "g4": ["GM0363", "GM0599", "GM0518"], "grootteklasse": ["GM0363", "GM0599", "GM0518"]}
    data = obs(["GM0344", "NL01", "GM0363", "GM0599", "GM0518"], [15.0, 12.0, 11.0, 13.0, 14.0])
    out = compare.with_comparisons(data, "GM0344", groups)
    assert compare.GROUP_CODE not in set(out["region_code"])
    assert len(out) == 5
    assert compare.distinct_groups(groups)["grootteklasse"] == [] and groups["grootteklasse"], "input left alone"


def test_another_municipality_gets_its_size_class_median():
    members = ["GM0014", "GM0034", "GM0080"]
    groups = {"nederland": ["NL01"], "g4": ["GM0363", "GM0599", "GM0518", "GM0344"], "grootteklasse": members}
    data = obs(["GM0193", "NL01", *members], [10.0, 12.0, 9.0, 11.0, 16.0])
    out = compare.with_comparisons(data, "GM0193", groups)
    median = out[out["region_code"] == compare.GROUP_CODE]
    assert median["value"].tolist() == [11.0]
