"""Tests of analysis.compare: comparison groups and the size-class median line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import compare


def obs(codes: list[str], values: list[float], period: str = "2023") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": "jeugdhulp_pct",
            "region_code": codes,
            "region_name": codes,
            "period": period,
            "period_type": "year",
            "value": values,
            "unit": "procent",
            "status": "definitief",
            "source": "85098NED",
            "source_ref": None,
            "published": "test",
        }
    )


def test_a_g4_city_gets_no_median_that_repeats_the_other_three():
    groups = {
        "nederland": ["NL01"],
        "g4": ["GM0363", "GM0599", "GM0518"],
        "grootteklasse": ["GM0363", "GM0599", "GM0518"],
    }
    data = obs(["GM0344", "NL01", "GM0363", "GM0599", "GM0518"], [15.0, 12.0, 11.0, 13.0, 14.0])
    out = compare.with_comparisons(data, "GM0344", groups)
    assert compare.GROUP_CODE not in set(out["region_code"])
    assert len(out) == 5
    assert compare.distinct_groups(groups)["grootteklasse"] == [] and groups["grootteklasse"], (
        "input left alone"
    )


def test_another_municipality_gets_its_size_class_median():
    members = ["GM0014", "GM0034", "GM0080"]
    groups = {
        "nederland": ["NL01"],
        "g4": ["GM0363", "GM0599", "GM0518", "GM0344"],
        "grootteklasse": members,
    }
    data = obs(["GM0193", "NL01", *members], [10.0, 12.0, 9.0, 11.0, 16.0])
    out = compare.with_comparisons(data, "GM0193", groups)
    median = out[out["region_code"] == compare.GROUP_CODE]
    assert median["value"].tolist() == [11.0]


# --- comparable municipalities -------------------------------------------------------------------


def characteristics() -> pd.DataFrame:
    """Six made-up municipalities: sizes ranked 0-3, two urbanity classes."""
    rows = [
        ("GM0001", "Aa", "250 000 inwoners of meer", 3, "Zeer sterk stedelijk", 400_000, 3600),
        ("GM0002", "Bb", "250 000 inwoners of meer", 3, "Zeer sterk stedelijk", 600_000, 5000),
        ("GM0003", "Cc", "150 000 tot 250 000 inwoners", 2, "Zeer sterk stedelijk", 200_000, 3000),
        ("GM0004", "Dd", "150 000 tot 250 000 inwoners", 2, "Sterk stedelijk", 180_000, 2000),
        ("GM0005", "Ee", "100 000 tot 150 000 inwoners", 1, "Zeer sterk stedelijk", 120_000, 2600),
        ("GM0006", "Ff", "minder dan 5 000 inwoners", 0, "Niet stedelijk", 4_000, 300),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "region_code",
            "region_name",
            "size_class",
            "size_rank",
            "urbanity",
            "inhabitants",
            "address_density",
        ],
    )


def test_rule_stedelijkheid_takes_the_same_urbanity_and_an_adjacent_size_class():
    # GM0005 is zeer sterk stedelijk but two classes smaller; GM0004 is one class smaller but less urban
    assert compare.comparable_members("GM0001", "stedelijkheid", characteristics()) == [
        "GM0002",
        "GM0003",
    ]
    assert compare.comparable_members("GM0003", "stedelijkheid", characteristics()) == [
        "GM0001",
        "GM0002",
        "GM0005",
    ]


def test_rule_grootteklasse_takes_the_same_size_class_only():
    assert compare.comparable_members("GM0003", "grootteklasse", characteristics()) == ["GM0004"]


def test_rule_buren_takes_the_nearest_on_log_population_and_density():
    members = compare.comparable_members("GM0001", "buren", characteristics(), neighbours=2)
    assert members == ["GM0002", "GM0003"]  # the small, rural GM0006 is farthest
    assert "GM0006" not in compare.comparable_members(
        "GM0001", "buren", characteristics(), neighbours=4
    )


def test_an_unknown_region_or_rule():
    assert compare.comparable_members("GM9999", "stedelijkheid", characteristics()) == []
    with pytest.raises(ValueError, match="unknown comparison 'stad'; choose one of stedelijkheid"):
        compare.comparable_members("GM0001", "stad", characteristics())


def test_size_class_floors_order_the_cbs_classes():
    texts = ["250 000 inwoners of meer", "minder dan 5 000 inwoners", "20 000 tot 50 000 inwoners"]
    assert [compare._class_floor(t) for t in texts] == [250000, 0, 20000]


def test_the_comparable_median_carries_a_code_and_a_dutch_name_translated_when_drawn():
    members = ["GM0014", "GM0772", "GM0855", "GM0363"]
    group = compare.ComparableGroup("GM0344", "stedelijkheid", tuple(members), "85755NED")
    groups = {
        "nederland": ["NL01"],
        "g4": ["GM0363", "GM0599", "GM0518"],
        "grootteklasse": ["GM0363", "GM0599", "GM0518"],
    }
    data = obs(
        ["GM0344", "NL01", "GM0363", "GM0599", "GM0518", "GM0014", "GM0772", "GM0855"],
        [15.0, 12.0, 11.0, 13.0, 14.0, 9.0, 10.0, 20.0],
    )
    out = compare.with_comparisons(data, "GM0344", groups, "en", comparable=group)
    line = out[out["region_code"] == compare.COMPARABLE_CODE]
    assert line["value"].tolist() == [10.5]  # median of 11, 9, 10, 20
    assert line["region_name"].tolist() == [
        "mediaan vergelijkbare gemeenten (4)"
    ]  # data stay Dutch
    assert (
        compare.display_name(compare.COMPARABLE_CODE, line["region_name"].iloc[0], "en")
        == "median of comparable municipalities (4)"
    )
    assert compare.display_name("GM0344", "Utrecht", "en") is None


def test_a_comparable_group_of_only_g4_cities_is_not_drawn_again():
    group = compare.ComparableGroup(
        "GM0344", "grootteklasse", ("GM0363", "GM0518", "GM0599"), "85755NED"
    )
    groups = {"nederland": ["NL01"], "g4": ["GM0363", "GM0599", "GM0518"], "grootteklasse": []}
    data = obs(["GM0344", "NL01", "GM0363", "GM0599", "GM0518"], [15.0, 12.0, 11.0, 13.0, 14.0])
    out = compare.with_comparisons(data, "GM0344", groups, comparable=group)
    assert compare.COMPARABLE_CODE not in set(out["region_code"]) and len(out) == 5


def test_utrecht_on_the_embedded_extract_compares_with_the_large_very_urban_municipalities():
    from analysis.sources import resolve_source

    cache = resolve_source("embedded").cache_dir
    group = compare.comparable_group("GM0344", cache_dir=cache)
    assert group.rule == "stedelijkheid" and group.table == "85755NED"
    # Amsterdam, Rotterdam, Den Haag (250 000+) and Groningen, Eindhoven, Tilburg, Haarlem (150 000-250 000)
    assert group.members == ("GM0014", "GM0363", "GM0392", "GM0518", "GM0599", "GM0772", "GM0855")
    table = compare.group_table(group, cache, "nl")
    assert table["Gemeente"].tolist()[:2] == ["Utrecht", "Amsterdam"] and len(table) == 8
    assert "7 gemeenten" in compare.describe_group(
        group, "nl"
    ) and "85755NED" in compare.describe_group(group, "nl")


def test_the_comparison_parameter_is_checked_with_one_line():
    from analysis.errors import ParameterError
    from analysis.parameters import RegionCatalogue, check_parameters

    regions = RegionCatalogue({"GM0344": "Utrecht"})
    assert check_parameters({"comparison": "buren"}, regions=regions).comparison == "buren"
    with pytest.raises(ParameterError) as info:
        check_parameters({"comparison": "grootte"}, regions=regions)
    assert "comparison" in str(info.value) and "did you mean grootteklasse" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_median_line_has_one_name_with_the_range_of_members_over_its_periods():
    data = pd.concat(
        [
            obs(["GM0001", "GM0002", "GM0003"], [1.0, 2.0, 3.0], "2018"),
            obs(["GM0001", "GM0002", "GM0003", "GM0004"], [1.0, 2.0, 3.0, 4.0], "2019"),
            obs(["GM0001", "GM0002"], [1.0, 2.0], "2020"),
        ]
    )
    out = compare.group_median(data, ["GM0001", "GM0002", "GM0003", "GM0004"], "mediaan")
    assert out["period"].tolist() == ["2018", "2019"]  # 2020 has too few members
    assert set(out["region_name"]) == {"mediaan (3-4)"} and out["value"].tolist() == [2.0, 2.5]
    assert (
        compare.display_name(compare.GROUP_CODE, "mediaan (3-4)", "en")
        == "median of municipalities of the same size (3-4)"
    )


def reference_median(obs: pd.DataFrame, members: list[str], name: str, min_members: int = 3):
    """The median line computed period by period, the plain way (what group_median must equal)."""
    sub = obs[obs["region_code"].isin(members) & obs["value"].notna()]
    keys = ["indicator", "period_type", "period", "unit"]
    rank = {"definitief": 0, "nader voorlopig": 1, "voorlopig": 2}
    kept = [
        (k, g)
        for k, g in sub.groupby(keys, sort=False)
        if g["region_code"].nunique() >= min_members
    ]
    sizes = {}
    for k, g in kept:
        sizes.setdefault(k[0], []).append(g["region_code"].nunique())
    rows = []
    for k, g in kept:
        low, high = min(sizes[k[0]]), max(sizes[k[0]])
        rows.append(
            {
                **dict(zip(keys, k, strict=True)),
                "region_code": compare.GROUP_CODE,
                "region_name": f"{name} ({low})" if low == high else f"{name} ({low}-{high})",
                "value": float(g["value"].median()),
                "status": max(g["status"], key=lambda s: rank.get(s, 0)),
                "source": " en ".join(sorted(g["source"].unique())),
                "source_ref": "; ".join(sorted(g["source_ref"].dropna().unique())),
                "published": "; ".join(sorted(g["published"].unique())),
            }
        )
    return pd.DataFrame(rows, columns=list(obs.columns))


@pytest.mark.parametrize("seed", range(6))
def test_group_median_equals_the_period_by_period_computation(seed):
    """Random panels: statuses, two tables, missing values, duplicate rows, two indicators."""
    rng = np.random.default_rng(seed)
    codes = [f"GM{i:04d}" for i in range(1, 9)]
    rows = []
    for indicator in ("jeugdhulp_pct", "jeugdbescherming_pct"):
        for period in ["2019", "2020", "2021", "2021H1", "2021H2"]:
            for code in rng.choice(codes, size=rng.integers(1, 9), replace=False):
                rows.append(
                    {
                        "indicator": indicator,
                        "region_code": code,
                        "region_name": code,
                        "period": period,
                        "period_type": "halfyear" if "H" in period else "year",
                        "value": np.nan if rng.random() < 0.1 else float(rng.integers(0, 50)) / 10,
                        "unit": "procent",
                        "status": rng.choice(["definitief", "voorlopig", "nader voorlopig", "x"]),
                        "source": rng.choice(["82972NED", "85098NED"]),
                        "source_ref": rng.choice([None, "tabel 3", "tabel 1"]),
                        "published": rng.choice(["2024-01-01", "2025-06-30"]),
                    }
                )
    data = pd.DataFrame(rows)
    data = pd.concat([data, data.sample(5, random_state=seed)], ignore_index=True)  # duplicates
    members = list(rng.choice(codes, size=6, replace=False))
    for min_members in (1, 3, 5):
        got = compare.group_median(data, members, "mediaan", min_members=min_members)
        want = reference_median(data, members, "mediaan", min_members)
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize(
    ("text", "nl", "en"),
    [
        ("250 000 inwoners of meer", "250.000 inwoners of meer", "250,000 inhabitants or more"),
        (
            "20 000 tot 50 000 inwoners",
            "20.000 tot 50.000 inwoners",
            "20,000 to 50,000 inhabitants",
        ),
        ("minder dan 5 000 inwoners", "minder dan 5.000 inwoners", "fewer than 5,000 inhabitants"),
        ("Zeer sterk stedelijk", "Zeer sterk stedelijk", "Very highly urbanised"),
        ("Niet stedelijk", "Niet stedelijk", "Not urbanised"),
        ("iets anders", "iets anders", "iets anders"),
        (None, "", ""),
    ],
)
def test_class_text_in_both_languages(text, nl, en):
    assert compare.class_text(text, "nl") == nl
    assert compare.class_text(text, "en") == en
