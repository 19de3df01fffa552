"""Disclosure control: small counts, secondary suppression, small bases and rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import (
    RULES,
    apply_disclosure_control,
    apply_rounding,
    round_to_base,
    rounding_rule,
    secondary_suppression,
    source_kind,
    suppress_small_counts,
)
from analysis.regions import UTRECHT_WIJKEN

SOURCE = "synthetisch register"


def frame(
    values,
    codes=None,
    *,
    unit="aantal",
    period="2023",
    indicator="buurtteam_jg_clienten",
    source=SOURCE,
    **extra,
) -> pd.DataFrame:
    codes = list(codes or UTRECHT_WIJKEN[: len(values)])
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": codes,
            "region_name": codes,
            "period": period,
            "period_type": "year",
            "value": [float(v) for v in values],
            "unit": unit,
            "status": "definitief",
            "source": source,
            "source_ref": None,
            "published": "v1",
            **extra,
        }
    )


def wijken_and_city(wijk_values, city=None) -> pd.DataFrame:
    wijken = frame(wijk_values)
    total = frame([city if city is not None else sum(wijk_values)], ["GM0344"])
    return pd.concat([wijken, total], ignore_index=True)


# --- primary suppression ------------------------------------------------------------------


@pytest.mark.parametrize("value", range(10))
def test_counts_below_ten_at_wijk_level_are_suppressed(value):
    out = suppress_small_counts(frame([value]), secondary=False)
    row = out.iloc[0]
    assert np.isnan(row["value"])
    assert row["status"] == "suppressed"
    assert row["display"] == "<10"
    assert row["suppression"] == "primary"


@pytest.mark.parametrize("value", [10, 11, 250])
def test_counts_of_ten_and_more_are_shown(value):
    out = suppress_small_counts(frame([value]), secondary=False)
    row = out.iloc[0]
    assert row["value"] == value
    assert row["status"] == "definitief"
    assert pd.isna(row["display"])


def test_threshold_is_a_parameter():
    out = suppress_small_counts(frame([4, 5, 6]), threshold=5, secondary=False)
    assert out["value"].isna().tolist() == [True, False, False]
    assert out["display"].iloc[0] == "<5"


def test_city_level_is_untouched_by_default():
    data = frame([3, 9, 0], ["GM0344", "NL01", "PV26"])
    out = suppress_small_counts(data)
    assert out["value"].tolist() == [3.0, 9.0, 0.0]
    assert (out["status"] == "definitief").all()


def test_city_level_can_be_protected_with_its_own_threshold():
    data = frame([3, 7], ["GM0344", "GM0363"])
    out = suppress_small_counts(data, threshold=5, levels=("gemeente",), secondary=False)
    assert out["value"].isna().tolist() == [True, False]
    assert out["display"].iloc[0] == "<5"


def test_threshold_none_suppresses_nothing():
    out = suppress_small_counts(frame([1, 2]), threshold=None)
    assert out["value"].tolist() == [1.0, 2.0]
    assert "display" in out.columns


def test_level_column_can_be_given():
    data = frame([3, 3], ["GM0344", "GM0363"]).assign(niveau=["wijk", "gemeente"])
    out = suppress_small_counts(data, level_col="niveau", secondary=False)
    assert out["value"].isna().tolist() == [True, False]


def test_non_count_units_are_not_suppressed_for_a_small_value():
    out = suppress_small_counts(frame([4.0, 7.5], unit="procent"))
    assert out["value"].tolist() == [4.0, 7.5]


@pytest.mark.parametrize("threshold", [0, -1, 2.5, True])
def test_bad_threshold_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        suppress_small_counts(frame([1]), threshold=threshold)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="unit"):
        suppress_small_counts(frame([1]).drop(columns="unit"))


# --- small bases -------------------------------------------------------------------------------


def test_rates_on_fewer_than_ten_persons_are_suppressed():
    data = frame([40.0, 55.0, 70.0], unit="procent", n=[8, 10, np.nan])
    out = suppress_small_counts(data, base_col="n")
    assert out["value"].isna().tolist() == [True, False, True]  # a missing base counts as small
    assert out["display"].tolist()[0] == "x"
    assert out["suppression"].tolist()[0] == "small base"
    assert out["n"].isna().tolist() == [True, False, True]  # the base is withheld too


def test_rates_are_left_alone_without_a_base_column():
    data = frame([40.0], unit="procent", n=[3])
    out = suppress_small_counts(data)
    assert out["value"].tolist() == [40.0]


# --- secondary suppression -------------------------------------------------------------------


def test_one_suppressed_wijk_makes_the_next_smallest_suppressed_too():
    values = [3, 25, 40, 12, 100, 55, 60, 70, 80, 90]
    data = wijken_and_city(values)
    out = suppress_small_counts(data)
    hidden = out[out["value"].isna()]
    assert set(hidden["region_code"]) == {UTRECHT_WIJKEN[0], UTRECHT_WIJKEN[3]}
    secondary = out.set_index("region_code").loc[UTRECHT_WIJKEN[3]]
    assert secondary["display"] == "x"
    assert secondary["suppression"] == "secondary"
    # city total minus the shown wijken no longer gives the suppressed wijk
    city = out.loc[out["region_code"] == "GM0344", "value"].iloc[0]
    shown = out.loc[out["region_code"].str.startswith("WK"), "value"].sum()
    assert city - shown == 3 + 12 != 3


def test_secondary_suppression_ties_take_the_first():
    out = suppress_small_counts(frame([2, 20, 20, 30]))
    assert out["value"].isna().tolist() == [True, True, False, False]


def test_no_secondary_suppression_when_two_are_suppressed_already():
    out = suppress_small_counts(frame([2, 5, 20, 30]))
    assert out["value"].isna().tolist() == [True, True, False, False]
    assert (out["suppression"].dropna() == "primary").all()


def test_secondary_suppression_stays_within_its_group():
    data = pd.concat(
        [frame([2, 20, 30], period="2022"), frame([15, 20, 30], period="2023")], ignore_index=True
    )
    out = suppress_small_counts(data)
    assert out["value"].isna().tolist() == [True, True, False, False, False, False]


def test_secondary_suppression_can_be_switched_off():
    out = suppress_small_counts(frame([2, 20, 30]), secondary=False)
    assert out["value"].isna().tolist() == [True, False, False]


def test_secondary_suppression_alone_on_already_suppressed_rows():
    data = frame([np.nan, 40, 20]).assign(status=["suppressed", "definitief", "definitief"])
    out = secondary_suppression(data)
    assert out["value"].isna().tolist() == [True, False, True]


# --- suppressed rows keep no value; purity ----------------------------------------------------


def test_suppressed_rows_keep_no_value_anywhere():
    data = frame([7, 20, 30, 40], n=[7, 20, 30, 40])
    out = suppress_small_counts(data, base_col="n")
    for _, row in out[out["status"] == "suppressed"].iterrows():
        numbers = [v for v in row.to_numpy() if isinstance(v, int | float | np.number)]
        assert all(pd.isna(v) for v in numbers), row
        assert "7" not in str(row["display"]) and "20" not in str(row["display"])


def test_input_frame_is_not_changed_and_index_is_kept():
    data = frame([3, 20, 30]).set_axis([10, 11, 12])
    before = data.copy()
    out = suppress_small_counts(data)
    pd.testing.assert_frame_equal(data, before)
    assert list(out.index) == [10, 11, 12]
    assert out.loc[10, "display"] == "<10"


def test_integer_values_are_accepted():
    data = frame([3, 20]).astype({"value": "int64"})
    out = suppress_small_counts(data, secondary=False)
    assert out["value"].isna().tolist() == [True, False]


# --- rounding ------------------------------------------------------------------------------------


def test_round_to_base_five():
    out = round_to_base([0, 2, 3, 7.5, 12, 13, 19190, -13, np.nan])
    np.testing.assert_array_equal(out, [0, 0, 5, 10, 10, 15, 19190, -15, np.nan])


def test_round_to_base_keeps_the_kind_of_input():
    series = pd.Series([12, 13], index=["a", "b"], name="v")
    out = round_to_base(series)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b"] and out.name == "v"
    assert out.tolist() == [10.0, 15.0]
    assert round_to_base(12) == 10 and isinstance(round_to_base(12), int)
    assert round_to_base(12.6) == 15.0
    assert round_to_base(15, base=10) == 20


@pytest.mark.parametrize("base", [0, -5, 2.5, None])
def test_round_to_base_refuses_a_bad_base(base):
    with pytest.raises(ValueError, match="base"):
        round_to_base([1], base=base)


@pytest.mark.parametrize(
    ("source", "kind", "base", "threshold"),
    [
        ("85098NED", "cbs", 5, None),
        ("CBS 82972NED", "cbs", 5, None),
        ("utrecht-monitor.nl/sociale-omgeving", "published", None, None),
        ("Jaarverslag Lokalis 2017", "published", None, None),
        ("synthetisch register", "synthetic", None, 10),
        ("Synthetic case register v1", "synthetic", None, 10),
        ("registratie buurtteams", "register", None, 10),
    ],
)
def test_rounding_rule(source, kind, base, threshold):
    rule = rounding_rule(source)
    assert source_kind(source) == kind
    assert (rule.kind, rule.base, rule.threshold) == (kind, base, threshold)
    assert rule.description


def test_synthetic_register_gets_the_rule_of_the_real_register():
    assert (RULES["synthetic"].base, RULES["synthetic"].threshold) == (
        RULES["register"].base,
        RULES["register"].threshold,
    )


def test_apply_rounding_rounds_cbs_counts_only():
    data = pd.concat(
        [
            frame([12, 13], source="85098NED"),
            frame([12.3], unit="procent", source="85098NED"),
            frame([12], source="utrecht-monitor.nl"),
            frame([12], source=SOURCE),
        ],
        ignore_index=True,
    )
    out = apply_rounding(data)
    assert out["value"].tolist() == [10.0, 15.0, 12.3, 12.0, 12.0]
    assert data["value"].tolist() == [12.0, 13.0, 12.3, 12.0, 12.0]  # input unchanged


def test_apply_disclosure_control_protects_register_rows_only():
    data = pd.concat([frame([7, 30, 45]), frame([5, 30], source="85098NED")], ignore_index=True)
    out = apply_disclosure_control(data)
    assert out["value"].isna().tolist() == [True, True, False, False, False]
    assert out["display"].tolist()[:2] == ["<10", "x"]
    assert out["value"].tolist()[3:] == [5.0, 30.0]
