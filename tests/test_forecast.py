"""Tests of analysis.forecast on synthetic panels made here (fast, no real data)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.forecast import (
    FORECAST_COLUMNS,
    Break,
    ForecastInputError,
    backtest,
    detect_source_seams,
    forecast_panel,
    forecast_periods,
    interval_coverage,
    known_breaks,
    mase,
    min_calibration_errors,
    naive_scale,
    prepare_panel,
    resolve_breaks,
    score_backtest,
    winkler_score,
)
from analysis.periods import next_periods


def halfyears(first: str, n: int) -> list[str]:
    return [first] + next_periods(first, n - 1)


def make_panel(values: np.ndarray, first: str = "2016H1", **extra) -> pd.DataFrame:
    """Tidy panel from a regions x periods matrix."""
    periods = halfyears(first, values.shape[1])
    rows = [
        (f"GM{i:04d}", p, float(v))
        for i, row in enumerate(values)
        for p, v in zip(periods, row, strict=True)
    ]
    df = pd.DataFrame(rows, columns=["region_code", "period", "value"])
    for k, v in extra.items():
        df[k] = v
    return df


def shared_trend_panel(
    n_regions=300, n_periods=17, trend=0.25, noise=0.3, walk=0.2, seed=1
) -> np.ndarray:
    """Regions share a trend; each adds its own random walk and measurement noise."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(5, 15, n_regions)[:, None]
    rw = np.cumsum(rng.normal(0, walk, (n_regions, n_periods)), axis=1)
    common = trend * np.arange(n_periods)[None, :]
    return level + common + rw + rng.normal(0, noise, (n_regions, n_periods))


# ----------------------------------------------------------------------------- measures


def test_naive_scale_and_mase_by_hand():
    # training series 1, 2, 4: absolute first differences 1 and 2, mean 1.5
    assert naive_scale([1.0, 2.0, 4.0]) == pytest.approx(1.5)
    # errors |5-4| = 1 and |7-4| = 3, each divided by 1.5: mean (2/3 + 2) / 2 = 4/3
    assert mase([5.0, 7.0], [4.0, 4.0], 1.5) == pytest.approx(4 / 3)
    # per-pair scales; a zero scale is left out
    assert mase([5.0, 7.0, 9.0], [4.0, 4.0, 0.0], [1.0, 3.0, 0.0]) == pytest.approx((1 + 1) / 2)
    assert np.isnan(naive_scale([3.0]))


def test_coverage_and_winkler_by_hand():
    actual = [1.0, 2.0, 3.0, 10.0]
    lo = [0.0, 2.5, 3.0, 0.0]
    hi = [1.5, 3.0, 4.0, 5.0]
    # 1 inside, 2 below, 3 on the (closed) edge, 10 above
    assert interval_coverage(actual, lo, hi) == pytest.approx(0.5)
    w = winkler_score(actual, lo, hi, 80)  # alpha 0.2: penalty 10 per unit missed
    assert w.tolist() == pytest.approx([1.5, 0.5 + 10 * 0.5, 1.0, 5.0 + 10 * 5.0])


def test_score_backtest_pools_per_horizon():
    errors = pd.DataFrame(
        {
            "region_code": ["A", "A", "B", "B"],
            "horizon": [1, 2, 1, 2],
            "actual": [2.0, 3.0, 10.0, 10.0],
            "mean": [1.0, 1.0, 10.0, 12.0],
            "lo80": [0.0, 0.0, 9.0, 11.0],
            "hi80": [2.0, 2.0, 11.0, 13.0],
            "lo95": [-1.0, -1.0, 8.0, 9.0],
            "hi95": [3.0, 3.0, 12.0, 14.0],
            "scale": [1.0, 1.0, 2.0, 2.0],
        }
    )
    _, by_series, pooled = score_backtest(errors)
    p = pooled.set_index("horizon")
    assert p.loc[1, "mase"] == pytest.approx((1 / 1 + 0 / 2) / 2)
    assert p.loc[2, "mase"] == pytest.approx((2 / 1 + 2 / 2) / 2)
    assert p.loc[1, "coverage80"] == pytest.approx(1.0)
    assert p.loc[2, "coverage80"] == pytest.approx(0.0)
    assert p.loc[2, "coverage95"] == pytest.approx(1.0)
    assert len(by_series) == 4


def test_score_backtest_has_no_coverage_for_an_interval_that_was_not_given():
    errors = pd.DataFrame(
        {
            "region_code": ["A", "A"],
            "horizon": [1, 1],
            "actual": [2.0, 5.0],
            "mean": [1.0, 1.0],
            "lo80": [0.0, 0.0],
            "hi80": [3.0, 3.0],
            "lo95": [np.nan, np.nan],
            "hi95": [np.nan, np.nan],
            "scale": [1.0, 1.0],
        }
    )
    scored, by_series, pooled = score_backtest(errors)
    assert pooled["coverage80"].tolist() == [0.5]
    assert pooled["coverage95"].isna().all() and by_series["coverage95"].isna().all()
    assert scored["in95"].isna().all() and scored["winkler95"].isna().all()


def test_fewest_calibration_errors_per_level():
    # ceil((n + 1) * level / 100) <= n, checked by brute force for every n up to 200
    for level in (50, 80, 90, 95, 99):
        need = min_calibration_errors(level)
        ok = [n for n in range(1, 200) if np.ceil((n + 1) * level / 100 - 1e-9) <= n]
        assert need == ok[0]
    assert (min_calibration_errors(80), min_calibration_errors(95)) == (4, 19)
    with pytest.raises(ValueError, match="level"):
        min_calibration_errors(100)


def test_conformal_levels_need_enough_calibration_errors():
    """A level gets a band only from enough calibration errors: 4 for 80 %, 19 for 95 %."""
    rng = np.random.default_rng(3)
    one = make_panel(10 + np.cumsum(rng.normal(0, 1, (1, 12)), axis=1))
    # 4 calibration origins: 4 errors at horizon 1, 3 at horizon 2 (its last origin has no outcome)
    res = forecast_panel(one, 2, method="naive")
    assert res.params["calibration_errors"] == [4, 3]
    fc = res.forecasts.set_index("horizon")
    assert fc.loc[1, ["lo80", "hi80"]].notna().all() and fc.loc[2, ["lo80", "hi80"]].isna().all()
    assert fc[["lo95", "hi95"]].isna().all().all()
    assert fc.loc[1, "lo80"] < fc.loc[1, "mean"] < fc.loc[1, "hi80"]
    # every earlier origin from the third period (12 periods: 9 origins): 9 and 8 errors,
    # 80 % at both horizons, still no 95 %
    res = forecast_panel(one, 2, method="naive", calibration_origins=12)
    assert res.params["calibration_errors"] == [9, 8]
    fc = res.forecasts
    assert fc[["lo80", "hi80"]].notna().all().all() and fc[["lo95", "hi95"]].isna().all().all()
    assert all(np.isnan(q) for q in res.params["interval_quantiles"][95])
    # ten such series pool 40 and 30 errors: both levels, nested
    panel = make_panel(10 + np.cumsum(rng.normal(0, 1, (10, 12)), axis=1))
    fc = forecast_panel(panel, 2, method="naive").forecasts
    assert fc[["lo80", "hi80", "lo95", "hi95"]].notna().all().all()
    assert (fc["lo95"] <= fc["lo80"]).all() and (fc["hi80"] <= fc["hi95"]).all()
    # and in a backtest: no 95 % coverage for the single series
    bt = backtest(one, horizon=1, origins=3, method="naive", calibration_origins=12)
    assert bt.pooled["coverage95"].isna().all() and bt.pooled["coverage80"].notna().all()


# ----------------------------------------------------------------------------- forecasts


def test_forecast_frame_columns_and_period_labels():
    panel = make_panel(shared_trend_panel(20, 10))
    res = forecast_panel(panel, horizon=2)
    assert list(res.forecasts.columns) == FORECAST_COLUMNS
    last = panel["period"].max()
    assert last == "2020H2"
    assert sorted(res.forecasts["period"].unique()) == ["2021H1", "2021H2"]
    assert forecast_periods("2024H1", 3) == ["2024H2", "2025H1", "2025H2"]
    assert forecast_periods("2023", 2) == ["2024", "2025"]
    assert set(res.summary.columns) >= {"region_code", "method", "chosen", "reason", "breaks"}
    assert len(res.summary) == 20


@pytest.mark.parametrize("method", ["pooled", "drift"])
def test_known_linear_trend_recovered(method):
    # every region rises exactly 0.5 per half-year from its own level
    rng = np.random.default_rng(0)
    values = rng.uniform(10, 20, 40)[:, None] + 0.5 * np.arange(12)[None, :]
    damping = (
        {"damping": 1.0, "relative": False, "seasonal": False, "guard": False}
        if method == "pooled"
        else {}
    )
    res = forecast_panel(make_panel(values), horizon=3, method=method, round_to=None, **damping)
    got = res.forecasts.pivot(index="region_code", columns="horizon", values="mean").to_numpy()
    expected = values[:, -1:] + 0.5 * np.arange(1, 4)[None, :]
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_default_pooled_trend_is_damped_toward_the_last_value():
    # the default moves half the trend at horizon 1, 0.5 + 0.25 at horizon 2, 0.875 at horizon 3
    rng = np.random.default_rng(0)
    values = rng.uniform(10, 20, 40)[:, None] + 0.5 * np.arange(12)[None, :]
    res = forecast_panel(make_panel(values), horizon=3, round_to=None, relative=False, guard=False)
    got = res.forecasts.pivot(index="region_code", columns="horizon", values="mean").to_numpy()
    expected = values[:, -1:] + 0.5 * np.array([0.5, 0.75, 0.875])[None, :]
    np.testing.assert_allclose(got, expected, atol=1e-9)
    assert res.params["ar1"] == 0.0  # the pooled AR(1) is off by default


def test_known_trend_recovered_by_statsmodels_ets():
    rng = np.random.default_rng(3)
    values = 10 + 0.4 * np.arange(14)[None, :] + rng.normal(0, 0.05, (2, 14))
    res = forecast_panel(make_panel(values), horizon=2, method="ets", round_to=None)
    got = res.forecasts.pivot(index="region_code", columns="horizon", values="mean").to_numpy()
    np.testing.assert_allclose(got, values[:, -1:] + 0.4 * np.arange(1, 3)[None, :], atol=0.15)


def test_pooled_trend_shrinks_noisy_local_trends():
    # shared trend 0.3; each region's own sample trend is pure noise around it
    values = shared_trend_panel(200, 12, trend=0.3, noise=0.0, walk=0.4, seed=5)
    res = forecast_panel(make_panel(values), horizon=1, round_to=None, relative=False)
    assert res.params["pooled_trend"] == pytest.approx(0.3, abs=0.1)
    assert res.params["mean_shrink_weight"] < 0.3
    step = res.forecasts["mean"].to_numpy() - values[:, -1]
    assert np.std(step) < np.std(np.diff(values, axis=1).mean(axis=1))


@pytest.mark.parametrize("method", ["pooled", "naive", "drift", "theta", "combination"])
def test_intervals_nest_and_contain_the_point(method):
    # the combination's pooled component needs 19 calibration errors for 95 % at horizon 2:
    # 8 series x 3 origins (6 series would leave that level without bounds, as it should)
    n = {"theta": 6, "combination": 8}.get(method, 60)
    fc = forecast_panel(make_panel(shared_trend_panel(n, 12)), horizon=2, method=method).forecasts
    assert fc[["mean", "lo80", "hi80", "lo95", "hi95"]].notna().all().all()
    assert (fc["lo95"] <= fc["lo80"]).all() and (fc["lo80"] <= fc["mean"]).all()
    assert (fc["mean"] <= fc["hi80"]).all() and (fc["hi80"] <= fc["hi95"]).all()
    assert (fc["hi80"] > fc["lo80"]).all()


def test_pooled_beats_naive_on_shared_trend_panel():
    panel = make_panel(shared_trend_panel(300, 17, trend=0.25, noise=0.1, walk=0.25))
    pooled = backtest(panel, method="pooled", origins=4, horizon=2).pooled.set_index("horizon")
    naive = backtest(panel, method="naive", origins=4, horizon=2).pooled.set_index("horizon")
    assert pooled.loc[1, "mase"] < naive.loc[1, "mase"] * 0.95
    assert pooled.loc[2, "mase"] < naive.loc[2, "mase"] * 0.95


def test_conformal_intervals_cover_nominal_share_on_stationary_panel():
    panel = make_panel(shared_trend_panel(400, 17, trend=0.1, noise=0.2, walk=0.2, seed=11))
    pooled = backtest(panel, method="pooled", origins=4, horizon=2).pooled
    assert pooled["coverage80"].between(0.72, 0.88).all()
    assert pooled["coverage95"].between(0.90, 0.99).all()


def test_backtest_does_not_leak_future_values():
    values = shared_trend_panel(50, 12)
    panel = make_panel(values)
    base = backtest(panel, origins=2, horizon=1).errors
    # change every value after the first origin except the one scored at it
    origin = base["origin"].min()
    target = next_periods(origin, 1)[0]
    later = panel["period"] > target
    changed = panel.assign(value=panel["value"].where(~later, panel["value"] + 100))
    again = backtest(changed, origins=2, horizon=1).errors
    cols = ["mean", "lo80", "hi80", "lo95", "hi95"]
    a = base[base["origin"] == origin].set_index("region_code")[cols]
    b = again[again["origin"] == origin].set_index("region_code")[cols]
    pd.testing.assert_frame_equal(a, b)
    assert (again["actual"] - base["actual"]).max() == pytest.approx(
        100
    )  # the perturbation was scored


def test_intervals_follow_a_fall_in_volatility():
    # volatility falls steadily (as Wmo's did after 2019): each change 15 % smaller than the one before
    rng = np.random.default_rng(4)
    steps = rng.normal(0, 1.0, (300, 22)) * 0.85 ** np.arange(22)[None, :]
    panel = make_panel(10 + np.cumsum(np.c_[np.zeros(300), steps], axis=1))
    recent = backtest(panel, origins=4, horizon=1).pooled
    whole = backtest(panel, origins=4, horizon=1, scale_window=None).pooled
    assert recent.loc[0, "coverage80"] < whole.loc[0, "coverage80"]
    assert 0.7 <= recent.loc[0, "coverage80"] <= 0.9
    assert whole.loc[0, "coverage80"] > 0.9
    assert recent.loc[0, "winkler80_scaled"] < whole.loc[0, "winkler80_scaled"]


def test_rounding_to_published_precision():
    values = np.round(shared_trend_panel(50, 10), 1)
    fc = forecast_panel(make_panel(values), horizon=2).forecasts
    assert np.allclose(fc["mean"] * 10, np.round(fc["mean"] * 10))
    raw = forecast_panel(make_panel(values), horizon=2, round_to=None).forecasts
    assert not np.allclose(raw["mean"] * 10, np.round(raw["mean"] * 10))


def test_statsmodels_warnings_are_kept_inside():
    rng = np.random.default_rng(2)
    values = 5 + np.cumsum(rng.normal(0, 1, (3, 6)), axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in ("ets", "arima", "uc", "theta"):
            res = forecast_panel(make_panel(values), horizon=2, method=method)
            assert res.forecasts["mean"].notna().all()


def test_auto_selection_records_choice_and_reason():
    rng = np.random.default_rng(4)
    values = 10 + np.cumsum(rng.normal(0.2, 0.3, (3, 10)), axis=1)
    res = forecast_panel(
        make_panel(values), horizon=2, method="auto", candidates=("naive", "drift", "theta")
    )
    assert set(res.summary["chosen"]) <= {"naive", "drift", "theta"}
    assert res.summary["reason"].str.contains("rolling-origin").all()
    assert set(res.forecasts["method"]) <= {"naive", "drift", "theta"}


def test_uc_and_arima_model_level_break_with_dummy():
    # a jump of +5 at 2019H1 and a flat series otherwise: the dummy absorbs it
    values = np.tile(np.r_[np.full(6, 10.0), np.full(6, 15.0)], (2, 1))
    values = values + np.random.default_rng(0).normal(0, 0.01, values.shape)
    for method in ("uc", "arima"):
        res = forecast_panel(
            make_panel(values),
            horizon=1,
            method=method,
            round_to=None,
            breaks=[Break("2019H1", "level", "test")],
        )
        assert res.summary["reason"].str.contains("dummy").all()
        np.testing.assert_allclose(res.forecasts["mean"], 15.0, atol=0.2)


# ----------------------------------------------------------------------------- breaks


def test_start_break_drops_earlier_data_and_is_recorded():
    # a series that jumps at 2016 (as youth care did when buurtteam care was counted)
    values = np.tile(np.r_[np.full(2, 5.0), 10 + 0.1 * np.arange(8)], (30, 1))
    panel = make_panel(values, first="2015H1", indicator="jeugdhulp_pct")
    res = forecast_panel(
        panel, horizon=1, round_to=None, damping=1.0, relative=False, guard=False
    )  # breaks="auto": youth care starts 2016
    assert res.summary["first_period"].eq("2016H1").all()
    assert res.summary["breaks"].str.contains("data before 2016H1 dropped").all()
    np.testing.assert_allclose(res.forecasts["mean"], 10 + 0.1 * 8, atol=1e-9)
    # without break handling the jump contaminates the trend
    raw = forecast_panel(
        panel, horizon=1, round_to=None, breaks=None, ar=False, window=9, guard=False
    )
    assert (raw.forecasts["mean"] > 10.85).all()


def test_level_break_is_left_out_of_the_trend():
    rng = np.random.default_rng(8)
    values = 10 + 0.2 * np.arange(12)[None, :] + rng.normal(0, 0.02, (40, 12))
    values[:, 9:] += 3.0  # level shift at the 10th period (2020H2), inside the trend window
    panel = make_panel(values)
    brk = [Break("2020H2", "level", "table seam")]
    res = forecast_panel(panel, horizon=1, breaks=brk, round_to=None, damping=1.0, relative=False)
    assert res.params["pooled_trend"] == pytest.approx(0.2, abs=0.03)
    assert res.summary["breaks"].str.contains("level shift modelled").all()
    np.testing.assert_allclose(res.forecasts["mean"], values[:, -1] + 0.2, atol=0.1)
    ignored = forecast_panel(panel, horizon=1, breaks=None, round_to=None, relative=False)
    assert ignored.params["pooled_trend"] > 0.7


def test_forecast_never_spans_a_declared_break():
    panel = make_panel(shared_trend_panel(10, 8))  # ends 2019H2
    with pytest.raises(ForecastInputError, match="inside the forecast horizon"):
        forecast_panel(panel, horizon=2, breaks=[Break("2020H2", "level", "new definition")])
    # a break after the horizon is fine
    forecast_panel(panel, horizon=1, breaks=[Break("2020H2", "level", "new definition")])


def test_auto_breaks_from_source_column_and_catalogue():
    values = shared_trend_panel(5, 14, seed=3)  # 2015H1 .. 2021H2
    panel = make_panel(values, first="2015H1", indicator="jeugdhulp_pct")
    panel["source"] = np.where(panel["period"] < "2021H1", "82972NED", "85098NED")
    found = resolve_breaks(panel)
    assert [(b.period, b.handling) for b in found] == [("2016", "start"), ("2021H1", "level")]
    assert "82972NED -> 85098NED" in found[1].label
    assert [b.period for b in detect_source_seams(panel)] == ["2021H1"]
    # without a source column the known seam is used
    assert ("2021", "level") in [
        (b.period, b.handling) for b in resolve_breaks(panel.drop(columns="source"))
    ]
    assert known_breaks("wmo_clienten_per_1000", include_seams=False) == []
    assert resolve_breaks(panel, None) == []


def test_backtest_skips_origins_whose_horizon_spans_a_break():
    panel = make_panel(shared_trend_panel(20, 12))  # 2016H1 .. 2021H2
    res = backtest(panel, origins=4, horizon=1, breaks=[Break("2021H1", "level", "seam")])
    assert res.skipped == ["2020H2: the next period starts a declared break"]
    assert "2020H2" not in set(res.errors["origin"])


def test_backtest_shortens_the_horizon_before_a_break():
    # origin 2020H1: horizon 1 (2020H2) is before the seam, horizon 2 (2021H1) is after it
    panel = make_panel(shared_trend_panel(20, 12))  # 2016H1 .. 2021H2
    res = backtest(panel, origins=4, horizon=2, breaks=[Break("2021H1", "level", "seam")])
    at = res.errors[res.errors["origin"] == "2020H1"]
    assert set(at["horizon"]) == {1}
    assert not ((res.errors["origin"] < "2021H1") & (res.errors["period"] >= "2021H1")).any()
    assert res.skipped == ["2020H2: the next period starts a declared break"]


# ----------------------------------------------------------------------------- input checks


def test_mixed_period_types_rejected():
    panel = pd.DataFrame(
        {
            "region_code": ["GM0344"] * 3 + ["GM0363"] * 2,
            "period": ["2016H1", "2016H2", "2017", "2016H1", "2016H2"],
            "value": [1.0, 2.0, 3.0, 1.0, 2.0],
        }
    )
    with pytest.raises(ForecastInputError, match="GM0344 mixes period types") as info:
        forecast_panel(panel)
    assert isinstance(info.value, ValueError) and isinstance(info.value, InputError)
    across = panel.assign(period=["2016H1", "2016H2", "2017H1", "2016", "2017"])
    with pytest.raises(ValueError, match="panel mixes period types"):
        prepare_panel(across)


def test_period_type_column_must_match_notation_and_extra_columns_ignored():
    panel = make_panel(shared_trend_panel(5, 6), status="definitief", unit="procent")
    panel["period_type"] = "halfyear"
    prepare_panel(panel)
    panel.loc[0, "period_type"] = "year"
    with pytest.raises(ForecastInputError, match="period_type"):
        prepare_panel(panel)


def test_bad_arguments_rejected():
    panel = make_panel(shared_trend_panel(5, 6))
    with pytest.raises(ForecastInputError, match="unknown method"):
        forecast_panel(panel, method="prophet")
    with pytest.raises(ForecastInputError, match="horizon"):
        forecast_panel(panel, horizon=0)
    with pytest.raises(ForecastInputError, match="more than one indicator"):
        forecast_panel(panel.assign(indicator=["a", "b"] * (len(panel) // 2)))
    with pytest.raises(ForecastInputError, match="handling"):
        Break("2016", "drop")


def test_short_or_ended_series_reported_not_forecast():
    values = shared_trend_panel(4, 8)
    values[0, -1] = np.nan  # ended before the panel's last period
    values[1, :-2] = np.nan  # only two observations
    res = forecast_panel(make_panel(values).dropna(), horizon=1)
    s = res.summary.set_index("region_code")
    assert s.loc["GM0000", "chosen"] == "none" and "last period" in s.loc["GM0000", "reason"]
    assert s.loc["GM0001", "chosen"] == "none" and "observation" in s.loc["GM0001", "reason"]
    assert set(res.forecasts["region_code"]) == {"GM0002", "GM0003"}


def test_no_series_long_enough_gives_typed_empty_forecasts_and_a_quiet_backtest():
    values = shared_trend_panel(3, 4)
    res = forecast_panel(
        make_panel(values[:, :2]), horizon=1
    )  # two observations each: nothing forecast
    assert res.forecasts.empty
    assert res.forecasts["mean"].dtype == float and res.forecasts["horizon"].dtype == "int64"
    # the backtest's first origin forecasts nothing; concatenating it must not change dtypes or warn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bt = backtest(make_panel(values), method="naive", origins=2, horizon=1)
    assert bt.errors["origin"].nunique() == 1 and bt.errors["mean"].dtype == float


def test_a_few_series_switching_source_are_not_a_seam():
    values = shared_trend_panel(10, 14, seed=4)  # 2015H1 .. 2021H2
    panel = make_panel(values, first="2015H1", indicator="wmo_clienten_per_1000")
    panel["source"] = np.where(panel["period"] < "2017H1", "83262NED", "86050NED")
    # two of ten municipalities have one value from the older table in 2018H2 (an empty newer cell)
    odd = panel["region_code"].isin(["GM0001", "GM0002"]) & (panel["period"] == "2018H2")
    panel.loc[odd, "source"] = "83262NED"
    assert [b.period for b in detect_source_seams(panel)] == ["2017H1"]
    # with a low enough threshold they are
    assert [b.period for b in detect_source_seams(panel, min_share=0.1)] == [
        "2017H1",
        "2018H2",
        "2019H1",
    ]


# ----------------------------------------------------------------------------- leading indicator


def leading_panel(n_regions=300, n_periods=17, effect=2.0, seed=3):
    """A panel whose next change follows how far the end-of-period stock moved against the value.

    ``S = Y * k_i * exp(r)`` with a fresh ``r ~ N(0, 0.05)`` each period, and
    ``Y[t+1] = Y[t] + 0.1 + effect * Y[t] * r[t] + noise``.
    """
    rng = np.random.default_rng(seed)
    Y = np.empty((n_regions, n_periods))
    Y[:, 0] = rng.uniform(5, 15, n_regions)
    k = rng.uniform(0.5, 0.9, n_regions)
    r = rng.normal(0, 0.05, (n_regions, n_periods))
    for t in range(n_periods - 1):
        Y[:, t + 1] = Y[:, t] + 0.1 + effect * Y[:, t] * r[:, t] + rng.normal(0, 0.1, n_regions)
    S = Y * k[:, None] * np.exp(r)
    return make_panel(Y), make_panel(S)


def test_leading_indicator_is_learned_and_beats_the_plain_pooled_method():
    panel, stock = leading_panel()
    with_lead = backtest(panel, origins=4, horizon=2, leading=stock, round_to=None)
    without = backtest(panel, origins=4, horizon=2, round_to=None)
    m1, m0 = (
        with_lead.pooled.set_index("horizon")["mase"],
        without.pooled.set_index("horizon")["mase"],
    )
    assert m1[1] < 0.6 * m0[1]
    res = forecast_panel(panel, 2, leading=stock, round_to=None)
    # the feature compares with the mean of 8 earlier draws: attenuation 1 / (1 + 1/8)
    assert res.params["leading_coef"][0] == pytest.approx(2.0 / (1 + 1 / 8), rel=0.15)
    assert res.params["leading_pairs"][0] >= 300 * 10
    assert "leading indicator" in res.summary["reason"].iloc[0]
    # without a relation the coefficient is about zero and the forecast about the plain one
    noise = stock.assign(value=stock["value"].sample(frac=1, random_state=0).to_numpy())
    res0 = forecast_panel(panel, 2, leading=noise, round_to=None)
    assert abs(res0.params["leading_coef"][0]) < 0.2


def test_leading_values_after_the_origin_are_never_used():
    panel, stock = leading_panel(n_regions=60)
    last = panel["period"].iloc[-1]
    base = forecast_panel(panel, 2, leading=stock, round_to=None).forecasts
    future = stock[stock["period"] == last].assign(period=forecast_periods(last, 1)[0], value=1e6)
    more = forecast_panel(panel, 2, leading=pd.concat([stock, future]), round_to=None).forecasts
    pd.testing.assert_frame_equal(base, more)
    # the stock at the origin itself is used (a shift of every region would be common: no effect)
    moved = stock.copy()
    moved.loc[(moved["period"] == last) & (moved["region_code"] < "GM0030"), "value"] *= 1.5
    changed = forecast_panel(panel, 2, leading=moved, round_to=None).forecasts
    assert not np.allclose(changed["mean"], base["mean"])


def test_leading_reference_dates_match_the_period_they_end():
    panel, stock = leading_panel(n_regions=60)
    ends = {
        p: ("%s-06-30" if p.endswith("H1") else "%s-12-31") % p[:4]
        for p in stock["period"].unique()
    }
    dated = stock.assign(period=stock["period"].map(ends))
    quarter = dated[dated["period"].str.endswith("06-30")].assign(
        period=lambda d: d["period"].str[:4] + "-03-31", value=1e6
    )  # not a half-year end: ignored
    a = forecast_panel(panel, 2, leading=stock, round_to=None).forecasts
    b = forecast_panel(panel, 2, leading=pd.concat([dated, quarter]), round_to=None).forecasts
    pd.testing.assert_frame_equal(a, b)


def test_a_seam_in_the_leading_source_cuts_its_windows():
    panel, stock = leading_panel(n_regions=80, seed=5)
    periods = sorted(stock["period"].unique())
    after = stock["period"] >= "2021H1"
    source = np.where(after, "85094NED", "82968NED")
    factor = (
        stock["region_code"].str[-2:].astype(int).map(lambda i: 1.0 + (i % 7) / 3)
    )  # per-region jump
    jumped = stock.assign(
        value=np.where(after, stock["value"] * factor, stock["value"]), source=source
    )
    plain = stock.assign(source=source)
    fa = forecast_panel(panel, 1, leading=jumped, round_to=None).forecasts["mean"].to_numpy()
    fb = forecast_panel(panel, 1, leading=plain, round_to=None).forecasts["mean"].to_numpy()
    assert len(periods) == 17 and np.allclose(
        fa, fb
    )  # the ratio is compared within each table only
    unseamed = forecast_panel(panel, 1, leading=jumped.drop(columns="source"), round_to=None)
    assert not np.allclose(unseamed.forecasts["mean"].to_numpy(), fb)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"method": "naive"}, "used by method 'pooled' only"),
        ({"leading_window": 0}, "leading_window must be"),
    ],
)
def test_leading_option_errors(kwargs, words):
    panel, stock = leading_panel(n_regions=20)
    with pytest.raises(ForecastInputError, match=words):
        forecast_panel(panel, 1, leading=stock, **kwargs)


def test_leading_input_errors():
    panel, stock = leading_panel(n_regions=20)
    yearly = stock.assign(period=stock["period"].str[:4]).drop_duplicates(["region_code", "period"])
    with pytest.raises(ForecastInputError, match="year periods; the panel has halfyear"):
        forecast_panel(panel, 1, leading=yearly)
    with pytest.raises(ForecastInputError, match="two values for GM0000"):
        forecast_panel(panel, 1, leading=pd.concat([stock, stock.iloc[:1].assign(value=1.0)]))
    with pytest.raises(ForecastInputError, match="lacks column"):
        forecast_panel(panel, 1, leading=stock.drop(columns="value"))


def test_relative_pooled_trend_scales_with_each_regions_size():
    # every municipality grows 10 % per half-year, from 10 to 1000: one relative trend fits them all
    levels = np.geomspace(10, 1000, 40)[:, None]
    values = levels * 1.1 ** np.arange(10)[None, :]
    res = forecast_panel(make_panel(values), horizon=2, round_to=None, seasonal=False, guard=False)
    got = res.forecasts.pivot(index="region_code", columns="horizon", values="mean").to_numpy()
    last = values[:, -1:]
    expected = (
        last * 1.1 ** np.array([0.5, 0.75])[None, :]
    )  # damped in logs: half, then three quarters
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert res.params["pooled_trend"] == pytest.approx(np.log(1.1))  # the mean log change
    absolute = forecast_panel(
        make_panel(values), horizon=1, round_to=None, seasonal=False, relative=False, guard=False
    )
    assert not np.allclose(
        absolute.forecasts["mean"], expected[:, 0]
    )  # the median change fits no one


def test_seasonal_pooled_trend_adds_the_other_half_years_deviation_only():
    # every first half-year rises 1.0, every second falls 0.6: trend +0.2 per half-year
    steps = np.tile([-0.6, 1.0], 6)[
        :11
    ]  # changes into 2016H2, 2017H1, ...; the last lands in 2021H2 (a fall)
    values = np.tile(20 + np.r_[0.0, np.cumsum(steps)], (30, 1))
    panel = make_panel(values)  # 2016H1 .. 2021H2, the origin is a second half-year
    res = forecast_panel(panel, horizon=2, round_to=None, relative=False, guard=False)
    got = res.forecasts.groupby("horizon")["mean"].first()
    last = values[0, -1]
    assert res.params["pooled_trend"] == pytest.approx(0.2)
    # horizon 1 (a first half-year): damped trend 0.1 plus the damped deviation 0.5 * (1.0 - 0.2)
    assert got[1] == pytest.approx(last + 0.1 + 0.4)
    # horizon 2 (a second half-year, the origin's season): the damped trend alone, 0.2 * 0.75
    assert got[2] == pytest.approx(last + 0.15)
    flat = forecast_panel(
        panel, horizon=1, round_to=None, relative=False, seasonal=False, guard=False
    )
    assert flat.forecasts["mean"].iloc[0] == pytest.approx(last + 0.1)


def test_relative_trend_of_a_half_year_pattern_is_not_biased_upward():
    # every municipality alternates +50 % and -33.3 %: no growth over a year, so no trend
    levels = np.geomspace(10, 1000, 30)[:, None]
    values = levels * np.tile([1.0, 1.5], 6)[None, :]
    res = forecast_panel(make_panel(values), horizon=2, round_to=None, seasonal=False)
    assert res.params["pooled_trend"] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(res.forecasts["mean"], np.repeat(values[:, -1], 2))


# ----------------------------------------------------------------------------- nested choice (guard_rule="choice")

#: The nested choice of the previous default: pooled or naive per horizon, by the mean difference.
CHOICE = {"guard_rule": "choice", "guard_level": 0.5}


def shock_panel(n_regions=120, n_periods=14, seed=7) -> np.ndarray:
    """Regions share large national shocks with no persistence: a pooled trend only chases the last ones."""
    rng = np.random.default_rng(seed)
    common = np.cumsum(rng.normal(0, 1.0, n_periods))
    own = np.cumsum(rng.normal(0, 0.1, (n_regions, n_periods)), axis=1)
    return 50 + rng.uniform(-5, 5, n_regions)[:, None] + common[None, :] + own


def test_guard_forecasts_naive_where_the_pooled_trend_lost_at_earlier_origins():
    panel = make_panel(shock_panel())
    res = forecast_panel(panel, horizon=2, round_to=None, **CHOICE)
    guard = res.params["guard"]
    assert guard["methods"] == ["naive", "naive"]
    assert all(p > q for p, q in zip(guard["pooled"], guard["naive"], strict=True))
    last = panel[panel["period"] == panel["period"].max()].set_index("region_code")["value"]
    fc = res.forecasts
    np.testing.assert_allclose(fc["mean"], fc["region_code"].map(last))
    assert set(fc["method"]) == {"naive"} and set(res.summary["chosen"]) == {"naive"}
    assert "nested choice: h1 naive" in res.summary["reason"].iloc[0]
    unguarded = forecast_panel(panel, horizon=2, round_to=None, guard=False)
    assert not np.allclose(unguarded.forecasts["mean"], fc["mean"])
    assert "guard" not in unguarded.params and set(unguarded.forecasts["method"]) == {"pooled"}


def test_guard_keeps_the_pooled_forecast_where_it_won_at_earlier_origins():
    panel = make_panel(shared_trend_panel(200, 14, trend=0.3, noise=0.05, walk=0.1))
    res = forecast_panel(panel, horizon=2, **CHOICE)
    assert res.params["guard"]["methods"] == ["pooled", "pooled"]
    pd.testing.assert_frame_equal(
        res.forecasts, forecast_panel(panel, horizon=2, guard=False).forecasts
    )


def test_guard_chooses_per_horizon_and_says_so():
    # a strong half-year pattern: a first-half-year rise of 3, a second-half-year fall of 3 (no trend over a
    # year). Horizon 1 gains from the pooled half-year deviation; horizon 2 lands in the origin's own
    # half-year, where naive is exact and the pooled method only adds the noise of its local trends.
    rng = np.random.default_rng(2)
    steps = np.tile([-3.0, 3.0], 7)[:13]
    values = (
        50
        + np.r_[0.0, np.cumsum(steps)][None, :]
        + np.cumsum(rng.normal(0, 0.3, (150, 14)), axis=1)
    )
    res = forecast_panel(make_panel(values), horizon=2, round_to=None, **CHOICE)
    assert res.params["guard"]["methods"] == ["pooled", "naive"]
    assert res.summary["chosen"].iloc[0] == "pooled (h1), naive (h2)"
    by_h = res.forecasts.groupby("horizon")["method"].unique()
    assert list(by_h[1]) == ["pooled"] and list(by_h[2]) == ["naive"]


def test_guard_without_an_earlier_origin_is_naive():
    values = shared_trend_panel(
        40, 3, trend=1.0, noise=0.0, walk=0.1
    )  # 3 periods: no earlier origin is scored
    res = forecast_panel(make_panel(values), horizon=1, **CHOICE)
    assert res.params["guard"]["methods"] == ["naive"] and res.params["guard"]["pairs"] == [0]
    assert "no earlier origin" in res.summary["reason"].iloc[0]
    # the 90 % rule needs two earlier origins: with one (4 periods) it is naive, the mean rule takes the trend
    four = make_panel(shared_trend_panel(40, 4, trend=1.0, noise=0.0, walk=0.1))
    assert forecast_panel(four, horizon=1, **CHOICE).params["guard"]["methods"] == ["pooled"]
    strict = forecast_panel(four, horizon=1, guard_rule="choice", guard_level=0.9)
    assert strict.params["guard"]["methods"] == ["naive"]
    assert "fewer than 2 earlier origins" in strict.summary["reason"].iloc[0]


@pytest.mark.parametrize("level", [0.9, 0.5])
def test_guard_choice_and_intervals_use_no_value_after_the_origin(level):
    # the later half-years follow a strong shared trend: a choice that saw them would keep the pooled trend
    values = shock_panel(80, 16, seed=1)
    panel = make_panel(values)
    trended = values.copy()
    trended[:, 11:] = values[:, 10:11] + 2.0 * np.arange(1, 6)[None, :]
    changed = make_panel(trended)
    base = backtest(panel, origins=5, horizon=2, guard_rule="choice", guard_level=level)
    again = backtest(changed, origins=5, horizon=2, guard_rule="choice", guard_level=level)
    origin = base.errors["origin"].min()  # column 10; every value after it differs
    assert origin == "2021H1"
    cols = ["mean", "lo80", "hi80", "lo95", "hi95", "method"]
    a = base.errors[base.errors["origin"] == origin].set_index(["region_code", "horizon"])[cols]
    b = again.errors[again.errors["origin"] == origin].set_index(["region_code", "horizon"])[cols]
    pd.testing.assert_frame_equal(a, b)
    assert set(a["method"]) == {"naive"}
    if (
        level == 0.5
    ):  # the trend is seen once it is in the data: the last origin keeps the pooled forecast
        last = again.errors[again.errors["origin"] == again.errors["origin"].max()]
        assert set(last["method"]) == {"pooled"}


def test_guard_level_demands_evidence_across_origins():
    # the mean-only rule (0.5, the default) follows the pooled method's lead after the trend starts; 0.9 waits
    values = shock_panel(80, 16, seed=1)
    values[:, 11:] = values[:, 10:11] + 2.0 * np.arange(1, 6)[None, :]
    strict = forecast_panel(
        make_panel(values), horizon=1, guard_rule="choice", guard_level=0.9
    ).params["guard"]
    loose = forecast_panel(make_panel(values), horizon=1, **CHOICE).params["guard"]
    assert loose["methods"] == ["pooled"] and strict["methods"] == ["naive"]
    assert (
        strict["mean_diff"] == loose["mean_diff"]
        and strict["mean_diff"][0] < 0 < strict["upper_diff"][0]
    )
    with pytest.raises(ForecastInputError, match="guard_level"):
        forecast_panel(make_panel(values), horizon=1, guard_level=1.0)


# ----------------------------------------------------------------------------- nested weight, recalibration


def test_overlapping_horizon_2_errors_count_as_half_as_many_origins():
    # 7 half-years: 4 earlier origins scored at h1, 3 at h2 (worth 1.5 independent ones, fewer than the
    # 2 a bound needs): the trend that won at every origin is weighted at h1 and not yet at h2
    for n, h2_weighted in ((7, False), (8, True)):
        panel = make_panel(shared_trend_panel(200, n, trend=0.3, noise=0.05, walk=0.1))
        g = forecast_panel(panel, horizon=2, round_to=None).params["guard"]
        assert g["origins"] == [n - 3, n - 4]
        assert g["weights"][0] > 0
        assert (g["weights"][1] > 0) is h2_weighted, (n, g)
        # counted as k origins (the rule before), 3 overlapping errors were enough at horizon 2
        before = forecast_panel(panel, horizon=2, round_to=None, guard_overlap=False)
        assert before.params["guard"]["weights"][1] > 0
        if not h2_weighted:
            assert (
                "h2 naive (3 earlier origins, whose 2-period errors overlap: worth 1.5"
                in (forecast_panel(panel, horizon=2).summary["reason"].iloc[0])
            )
    with pytest.raises(ForecastInputError, match="guard_overlap"):
        forecast_panel(panel, horizon=2, guard_overlap="yes")


def test_the_horizon_2_bound_uses_half_the_origins_in_its_error_and_degrees_of_freedom():
    from scipy.stats import t as t_dist

    panel = make_panel(shock_panel(60, 12, seed=3))
    strict = {"guard_rule": "choice", "guard_level": 0.9, "round_to": None}
    on = forecast_panel(panel, horizon=2, **strict).params["guard"]
    off = forecast_panel(panel, horizon=2, guard_overlap=False, **strict).params["guard"]
    assert on["overlap"] is True and off["overlap"] is False
    assert on["mean_diff"] == off["mean_diff"] and on["origins"] == off["origins"]
    k = on["origins"][1]
    # the same per-origin differences, so the margins above the mean differ only by t(m - 1) / sqrt(m)
    margin_on = on["upper_diff"][1] - on["mean_diff"][1]
    margin_off = off["upper_diff"][1] - off["mean_diff"][1]
    m = k / 2
    expected = (t_dist.ppf(0.9, m - 1) / np.sqrt(m)) / (t_dist.ppf(0.9, k - 1) / np.sqrt(k))
    assert margin_on / margin_off == pytest.approx(expected, rel=1e-9)
    assert on["upper_diff"][0] == off["upper_diff"][0]  # horizon 1 unchanged


def test_weight_rule_is_naive_without_evidence_and_leans_on_a_trend_that_kept_winning():
    shocks = forecast_panel(
        make_panel(shock_panel()), horizon=2, round_to=None, guard_rule="weight"
    )
    g = shocks.params["guard"]
    assert g["rule"] == "weight" and g["weights"] == [0.0, 0.0] and g["methods"] == ["naive"] * 2
    assert "nested weight: h1 naive (weight 0.00" in shocks.summary["reason"].iloc[0]
    trend = make_panel(shared_trend_panel(200, 14, trend=0.3, noise=0.05, walk=0.1))
    res = forecast_panel(trend, horizon=2, round_to=None, guard_rule="weight", guard_level=0.5)
    w = res.params["guard"]["weights"]
    k = res.params["guard"]["origins"]
    # the full weight on the pooled trend, shrunk toward naive by m / (m + 2) for k earlier origins
    # at horizon h, worth m = k / h independent ones (consecutive h-step errors overlap)
    m = [kk / h for h, kk in enumerate(k, start=1)]
    np.testing.assert_allclose(w, [mm / (mm + 2) for mm in m])
    assert res.params["guard"]["methods"] == ["weighted", "weighted"]
    pooled = forecast_panel(trend, horizon=2, round_to=None, guard=False).forecasts
    last = trend[trend["period"] == trend["period"].max()].set_index("region_code")["value"]
    naive = res.forecasts["region_code"].map(last).to_numpy()
    expected = naive + np.tile(w, len(last)) * (pooled["mean"].to_numpy() - naive)
    np.testing.assert_allclose(res.forecasts["mean"], expected)
    # no earlier origin: weight 0
    three = forecast_panel(
        make_panel(shared_trend_panel(40, 3, trend=1.0, noise=0.0, walk=0.1)),
        horizon=1,
        guard_rule="weight",
    )
    assert three.params["guard"]["weights"] == [0.0]
    with pytest.raises(ForecastInputError, match="guard_rule"):
        forecast_panel(trend, horizon=1, guard_rule="mean")


def test_recalibration_widens_intervals_when_volatility_rose_faster_than_the_scale():
    # every region's changes grow steadily: the scale (mean absolute change over the whole history) lags,
    # so errors scaled by it at the later origins exceed the quantiles of the origins before them; the
    # nested check of the earlier calibration origins sees the shortfall and widens the interval
    rng = np.random.default_rng(3)
    sd = 1.3 ** np.arange(17)
    values = 50 + np.cumsum(rng.normal(0, 1, (200, 17)) * sd[None, :], axis=1)
    panel = make_panel(values)
    plain = forecast_panel(panel, horizon=2, round_to=None, scale_window=None)
    recal = forecast_panel(panel, horizon=2, round_to=None, scale_window=None, recalibrate=True)
    factor = np.array(recal.params["guard"]["interval_factor"])
    assert factor.shape == (2, 2) and (factor > 1).all()
    assert "interval_factor" not in plain.params["guard"]
    np.testing.assert_allclose(
        np.array(recal.params["interval_quantiles"][80]),
        np.array(plain.params["interval_quantiles"][80]) * factor[:, 0],
    )
    width = lambda r: (r.forecasts["hi80"] - r.forecasts["lo80"]).mean()  # noqa: E731
    assert width(recal) > width(plain)
    pd.testing.assert_series_equal(recal.forecasts["mean"], plain.forecasts["mean"])


@pytest.mark.parametrize(
    "options",
    [
        {"guard_rule": "weight"},
        {"recalibrate": True},
        {"guard_rule": "weight", "recalibrate": True},
    ],
)
def test_nested_weight_and_recalibration_use_no_value_after_the_origin(options):
    # the later half-years follow a strong shared trend and far larger shocks: a weight or an interval
    # factor that saw them would move
    values = shock_panel(80, 16, seed=1)
    panel = make_panel(values)
    changed_values = values.copy()
    rng = np.random.default_rng(9)
    changed_values[:, 11:] = (
        values[:, 10:11] + 2.0 * np.arange(1, 6)[None, :] + rng.normal(0, 3, (80, 5))
    )
    changed = make_panel(changed_values)
    base = backtest(panel, origins=5, horizon=2, **options)
    again = backtest(changed, origins=5, horizon=2, **options)
    origin = base.errors["origin"].min()
    assert origin == "2021H1"
    cols = ["mean", "lo80", "hi80", "lo95", "hi95", "method"]
    a = base.errors[base.errors["origin"] == origin].set_index(["region_code", "horizon"])[cols]
    b = again.errors[again.errors["origin"] == origin].set_index(["region_code", "horizon"])[cols]
    pd.testing.assert_frame_equal(a, b)
    # the later origins do see the change
    last = base.errors["origin"].max()
    a2 = base.errors[base.errors["origin"] == last]
    b2 = again.errors[again.errors["origin"] == last]
    assert not np.allclose(a2["hi80"] - a2["lo80"], b2["hi80"] - b2["lo80"])


def test_default_weight_needs_the_gain_to_be_sure_across_origins():
    # shocks without persistence, then a strong shared trend over the last 5 half-years: the mean over the
    # earlier origins favours the trend at both horizons, but at horizon 1 the gain is not yet sure at 90 %
    values = shock_panel(80, 16, seed=1)
    values[:, 11:] = values[:, 10:11] + 2.0 * np.arange(1, 6)[None, :]
    default = forecast_panel(make_panel(values), horizon=2).params["guard"]
    mean_rule = forecast_panel(make_panel(values), horizon=2, guard_level=0.5).params["guard"]
    assert default["rule"] == "weight" and default["level"] == 0.9
    assert default["weights"][0] == 0.0 < mean_rule["weights"][0]
    assert default["methods"][0] == "naive" and mean_rule["methods"][0] == "weighted"
    # one earlier origin: the 90 % bound needs two, so the default is naive; the mean rule is not
    four = make_panel(shared_trend_panel(40, 4, trend=1.0, noise=0.0, walk=0.1))
    assert forecast_panel(four, horizon=1).params["guard"]["weights"] == [0.0]
    assert forecast_panel(four, horizon=1, guard_level=0.5).params["guard"]["weights"] == [1 / 3]


def test_a_level_missing_in_a_component_or_at_an_earlier_origin_is_handled():
    rng = np.random.default_rng(5)
    one = make_panel(10 + np.cumsum(rng.normal(0, 1, (1, 12)), axis=1))
    # the pooled component of a single series has no 95 % bound: neither has the combination
    fc = forecast_panel(one, 1, method="combination").forecasts
    assert fc[["lo95", "hi95"]].isna().all().all() and fc[["lo80", "hi80"]].notna().all().all()
    # 12 series: the earliest recalibration origins pool fewer than 19 errors (no 95 % quantile
    # there), the forecast origin more; the recalibrated 95 % interval is still given
    panel = make_panel(10 + np.cumsum(rng.normal(0, 1, (12, 12)), axis=1))
    res = forecast_panel(panel, 1, recalibrate=True)
    assert res.forecasts[["lo95", "hi95"]].notna().all().all()
    assert np.isfinite(res.params["guard"]["interval_factor"]).all()


def test_remembered_point_forecasts_change_nothing(monkeypatch):
    """Cross-validation and calibration reuse per-series fits; the results are those of fresh fits."""
    import analysis.forecast as fc

    rng = np.random.default_rng(11)
    values = 10 + np.cumsum(rng.normal(0.1, 0.4, (2, 12)), axis=1)
    panel = make_panel(values)
    kwargs = dict(method="auto", origins=4, horizon=2, candidates=("naive", "drift", "ets"))
    calls = []
    original = fc._fit_one

    def counting(*args, **kw):
        calls.append(args[0])
        return original(*args, **kw)

    monkeypatch.setattr(fc, "_fit_one", counting)
    fc._POINT_FORECASTS.clear()
    remembered = backtest(panel, **kwargs)
    first = len(calls)
    assert 0 < len(fc._POINT_FORECASTS) < first  # the point fits are remembered
    again = backtest(panel, **kwargs)  # only the fits with intervals run again
    assert 0 < len(calls) - first == first - len(fc._POINT_FORECASTS)
    monkeypatch.setattr(fc, "_POINT_FORECASTS_MAX", 0)  # remembers nothing
    fc._POINT_FORECASTS.clear()
    fresh = backtest(panel, **kwargs)
    assert not fc._POINT_FORECASTS
    for res in (again, fresh):
        pd.testing.assert_frame_equal(res.errors, remembered.errors, check_exact=True)
        pd.testing.assert_frame_equal(res.pooled, remembered.pooled, check_exact=True)


def test_remembered_point_forecast_is_keyed_by_values_breaks_and_method():
    import analysis.forecast as fc

    y = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0])
    plain = fc._point_forecast("drift", y, 2, [], None)
    broken = fc._point_forecast("drift", y, 2, [4], None)
    naive = fc._point_forecast("naive", y, 2, [], None)
    other = fc._point_forecast("drift", y + 1, 2, [], None)
    np.testing.assert_allclose(naive, [12.0, 12.0])
    assert not np.allclose(plain, broken)
    np.testing.assert_allclose(other, plain + 1)
    plain[:] = -1  # a copy: the remembered forecast is not changed through it
    assert fc._point_forecast("drift", y, 2, [], None)[0] != -1


def test_remembered_point_forecast_keys_horizon_and_season_and_forgets_failures(monkeypatch):
    import analysis.forecast as fc

    y = np.array([5.0, 9.0, 5.5, 9.5, 6.0, 10.0, 6.5, 10.5, 7.0, 11.0])
    assert len(fc._point_forecast("ets", y, 1, [], None)) == 1
    assert len(fc._point_forecast("ets", y, 2, [], None)) == 2
    seasonal = fc._point_forecast("ets", y, 2, [], 2)
    plain = fc._point_forecast("ets", y, 2, [], None)
    assert not np.allclose(seasonal, plain)  # the half-year pattern is forecast only with a season

    def failing(*args, **kwargs):
        raise RuntimeError("once")

    monkeypatch.setitem(fc._SERIES_FITTERS, "theta", failing)
    fallback = fc._point_forecast("theta", y, 1, [], None)
    np.testing.assert_allclose(fallback, [11.0])  # naive, and not remembered:
    monkeypatch.undo()
    assert fc._point_forecast("theta", y, 1, [], None)[0] != 11.0
