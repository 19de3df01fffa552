"""The forecast benchmark's own helpers (benchmarks/forecast_cbs.py): reference rows, coverage table, panels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.forecast import backtest


@pytest.fixture(scope="module")
def bench(load_benchmark):
    return load_benchmark("forecast_cbs")


def _panel(values: dict[str, list[float]], first: int = 2020) -> pd.DataFrame:
    rows = []
    for region, series in values.items():
        for i, v in enumerate(series):
            rows.append(
                {"region_code": region, "period": f"{first + i // 2}H{i % 2 + 1}", "value": v}
            )
    return pd.DataFrame(rows)


def _random_walks(
    n_regions: int = 30, n: int = 10, common: float = 0.4, seed: int = 1
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return _panel(
        {
            f"GM{i:04d}": list(np.round(10 + np.cumsum(common + rng.normal(0, 0.3, n)), 1))
            for i in range(n_regions)
        }
    )


def test_oracle_of_naive_is_exact_when_every_region_moves_alike(bench):
    # each region moves by the same amount each period: knowing that common change leaves no error
    steps = [0.5, -0.2, 0.3, 0.1, 0.4, -0.1, 0.2, 0.6]
    rng = np.random.default_rng(0)
    panel = _panel(
        {f"GM{i:04d}": list(rng.uniform(5, 15) + np.cumsum([0.0] + steps)) for i in range(12)}
    )
    naive = backtest(panel, method="naive", origins=4, horizon=2)
    assert (naive.pooled["mase"] > 0.3).all()
    oracle = bench.oracle_common_change(naive.errors, panel).set_index("horizon")
    assert oracle["mase"].to_list() == pytest.approx([0.0, 0.0], abs=1e-9)


def test_oracle_moves_each_forecast_by_the_realised_minus_the_forecast_median_change(bench):
    panel = _random_walks()
    res = backtest(panel, method="drift", origins=3, horizon=1)
    oracle = bench.oracle_common_change(res.errors, panel).set_index("horizon")
    # by hand: shift each origin's forecasts so their median change equals the realised median change
    wide = panel.pivot(index="region_code", columns="period", values="value")
    e = res.errors.copy()
    for origin, g in e.groupby("origin"):
        last = wide.loc[g["region_code"], origin].to_numpy()
        realised = np.median(wide.loc[g["region_code"], g["period"].iloc[0]].to_numpy() - last)
        e.loc[g.index, "mean"] += realised - np.median(g["mean"].to_numpy() - last)
    expected = float(np.mean(np.abs(e["actual"] - e["mean"]) / e["scale"]))
    assert oracle.loc[1, "mase"] == pytest.approx(expected)
    assert oracle.loc[1, "mase"] != pytest.approx(res.pooled.set_index("horizon").loc[1, "mase"])


def test_oracle_leaves_a_forecast_with_the_realised_median_change_alone(bench):
    panel = _random_walks(common=0.0)
    res = backtest(panel, method="naive", origins=3, horizon=1)
    e = res.errors.copy()
    wide = panel.pivot(index="region_code", columns="period", values="value")
    for origin, g in e.groupby("origin"):
        realised = np.median(
            wide.loc[g["region_code"], g["period"].iloc[0]].to_numpy()
            - wide.loc[g["region_code"], origin].to_numpy()
        )
        e.loc[g.index, ["mean", "lo80", "hi80", "lo95", "hi95"]] += realised
    again = bench.oracle_common_change(e, panel).set_index("horizon")
    first = bench.oracle_common_change(res.errors, panel).set_index("horizon")
    assert again.loc[1, "mase"] == pytest.approx(first.loc[1, "mase"])


def test_oracle_refuses_a_target_not_after_its_origin(bench):
    panel = _random_walks(n_regions=3, n=4)
    e = backtest(panel, method="naive", origins=2, horizon=1).errors
    e["period"] = e["origin"]
    with pytest.raises(ValueError, match="is not after origin"):
        bench.oracle_common_change(e, panel)


def test_coverage_by_origin_counts_outcomes_inside_the_80_interval(bench):
    errors = pd.DataFrame(
        {
            "origin": ["2023H1", "2023H1", "2022H2", "2022H2", "2022H2"],
            "horizon": [1, 1, 1, 1, 2],
            "actual": [1.0, 5.0, 2.0, 2.0, 3.0],
            "lo80": [0.0, 0.0, 2.0, 2.5, 0.0],
            "hi80": [2.0, 2.0, 2.0, 3.0, 1.0],
        }
    )
    table = bench.coverage_by_origin(errors)
    assert list(table.columns) == [
        "2022H2",
        "2023H1",
        "all",
    ]  # origins in time order, then the mean
    assert (
        table.loc[1, "2022H2"] == 0.5
    )  # closed interval: 2.0 in [2.0, 2.0]; 2.0 not in [2.5, 3.0]
    assert table.loc[1, "2023H1"] == 0.5
    assert table.loc[1, "all"] == 0.5
    assert table.loc[2, "2022H2"] == 0.0
    assert np.isnan(table.loc[2, "2023H1"])


def test_benchmark_without_the_cbs_files_says_where_to_put_them(
    bench, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("ANALYSIS_REALDATA_DIR", str(tmp_path / "nowhere"))
    assert bench.main(["--no-statsforecast"]) == 2
    err = capsys.readouterr().err
    assert "the CBS files are not there" in err and "ANALYSIS_REALDATA_DIR" in err


def test_balanced_panel_keeps_only_complete_series(bench):
    panel = _panel({"A": [1, 2, 3, 4], "B": [1, np.nan, 3, 4], "C": [1, 2, 3]})
    out = bench.balanced_panel(panel, first="2020H1", last="2021H2")
    assert sorted(out["region_code"].unique()) == ["A"]
    assert len(out) == 4


def test_benchmark_panels_come_from_the_cbs_data_layer(bench, realdata_dir):
    with bench.realdata_cache(realdata_dir) as cache:
        panel = bench.balanced_panel(bench.load_observations("jeugdhulp_pct", cache))
        leading = bench.load_leading("jeugdhulp_pct", cache)
        assert bench.load_leading("wmo_clienten_per_1000", cache) is None
    assert not cache.exists()  # the temporary cache is gone
    assert panel["region_code"].str.fullmatch(r"GM\d{4}").all()
    assert (
        panel.groupby("region_code")["period"].nunique().eq(17).all()
    )  # 2016H1 .. 2024H1, no gaps
    assert {"82972NED", "85098NED"} <= set(panel["source"])  # the seam is visible to the forecast
    assert "GM0344" in set(panel["region_code"]) and "GM0344" in set(leading["region_code"])
    assert leading["period_type"].eq("date").all()


def test_benchmark_runs_on_the_real_panel(bench, realdata_dir, capsys):
    assert bench.main(["--no-statsforecast", "--only", "jeugdbescherming_pct"]) == 0
    out = capsys.readouterr().out
    assert "(oracle: default + realised panel change)" in out
    assert "80 % interval coverage of the default per origin" in out
    row = next(
        line
        for line in out.splitlines()
        if line.strip().startswith("jeugdbescherming_pct") and "pooled (default)" in line
    )
    mase_h1 = float(row.split("pooled (default)")[1].split()[0])
    assert 0.5 < mase_h1 < 1.5
    # the main evaluation: every origin from 2018H1, half-years and years, with the 90 % interval
    main = [
        line for line in out.splitlines() if line.strip().startswith("jeugdbescherming_pct +lead")
    ]
    assert len(main) == 4  # half-years and years, horizons 1 and 2
    assert "2018H1-2023H2 (11)" in main[0] and "2018-2022 (4)" in main[2]
    assert all(
        word in out for word in ("90 % bootstrap interval", "WORSE if the interval lies above 0")
    )


def test_origins_from_makes_the_given_origin_the_first(bench):
    panel = _random_walks(n_regions=3, n=17)  # 2020H1 .. 2028H1
    n = bench.origins_from(panel, "2022H1")
    res = backtest(panel, method="naive", origins=n, horizon=1)
    origins = sorted(res.errors["origin"].unique())
    assert origins[0] == "2022H1" and origins[-1] == "2027H2" and n == 12
    with pytest.raises(ValueError, match="not a period before the last"):
        bench.origins_from(panel, "2028H1")


def test_paired_difference_is_seeded_and_its_interval_narrows_with_the_level(bench):
    panel = _random_walks(n_regions=60, n=12)
    a = backtest(panel, method="drift", origins=4, horizon=1).errors
    b = backtest(panel, method="naive", origins=4, horizon=1).errors
    d90, lo90, hi90 = bench.paired_difference(a, b, 1)
    assert bench.paired_difference(a, b, 1) == (d90, lo90, hi90)  # reproducible
    d95, lo95, hi95 = bench.paired_difference(a, b, 1, level=0.95)
    assert d95 == d90 and lo95 < lo90 <= d90 <= hi90 < hi95
    assert d90 == pytest.approx(a["scaled_error"].mean() - b["scaled_error"].mean())


def test_compare_with_naive_gives_the_verdict_of_the_interval(bench):
    panel = _random_walks(n_regions=80, n=14, common=0.6)  # a strong shared trend: pooled wins
    pooled = backtest(panel, origins=4, horizon=2)
    naive = backtest(panel, method="naive", origins=4, horizon=2)
    rows = bench.compare_with_naive(pooled.errors, naive.errors, pooled.pooled, naive.pooled)
    assert [r["h"] for r in rows] == [1, 2]
    assert all(r["verdict"] == "better" and r["hi"] < 0 for r in rows)
    back = bench.compare_with_naive(naive.errors, pooled.errors, naive.pooled, pooled.pooled)
    assert all(r["verdict"] == "WORSE" and r["lo"] > 0 for r in back)
    same = bench.compare_with_naive(naive.errors, naive.errors, naive.pooled, naive.pooled)
    assert all(r["verdict"] == "tie" and r["diff"] == 0 for r in same)


def test_the_evaluated_indicators_are_the_catalogue_without_the_stocks(bench):
    ids = bench.halfyear_indicators()
    assert {"jeugdhulp_pct", "wmo_instroom", "jeugdzorg_personen"} <= set(ids)
    assert not {"jeugdhulptrajecten", "jeugdbeschermingstrajecten"} & set(ids)


def test_trend_share_counts_the_origins_whose_nested_rule_gave_the_trend_a_weight(bench):
    errors = pd.DataFrame(
        {
            "origin": ["2022H1", "2022H1", "2022H2", "2022H2", "2023H1", "2022H1"],
            "horizon": [1, 1, 1, 1, 1, 2],
            "method": ["pooled", "pooled", "naive", "naive", "weighted", "naive"],
        }
    )
    assert bench.trend_share(errors, 1) == "2/3"  # one method per origin and horizon, counted once
    assert bench.trend_share(errors, 2) == "0/1"


def test_variants_are_forecast_options(bench):
    panel = _random_walks(n_regions=30, n=12, common=0.6)
    for name, options in bench.VARIANTS.items():
        rows, info = bench.evaluate(panel, None, "2023H1", options)
        assert [r["h"] for r in rows] == [1, 2], name
        assert all("/" in r["trend at"] for r in rows)
        assert not info["leading"], name  # options are not a leading stock ("+lead" in the table)
    unguarded = bench.evaluate(panel, None, "2023H1", bench.VARIANTS["unguarded"])[1]["errors"]
    assert set(unguarded["method"]) == {"pooled"}


def test_an_indicator_that_starts_later_is_evaluated_from_its_own_start(bench):
    full = _panel({f"GM{i:04d}": list(range(10, 20)) for i in range(12)})  # 2020H1 .. 2024H2
    panel, origin = bench.evaluation_panel(full, "2020H1", "2024H2", "2021H1")
    assert panel["period"].min() == "2020H1" and origin == "2021H1" and len(panel) == 120
    late = full[
        full["period"] >= "2022H1"
    ]  # starts in 2022: the panel from there, the origin its third period
    panel, origin = bench.evaluation_panel(late, "2020H1", "2024H2", "2021H1")
    assert panel["period"].min() == "2022H1" and origin == "2023H1"
    assert (
        bench.evaluation_panel(full[full["period"] >= "2023H2"], "2020H1", "2024H2", "2021H1")
        is None
    )  # 3 periods
    assert (
        bench.evaluation_panel(full[full["region_code"] < "GM0009"], "2020H1", "2024H2", "2021H1")
        is None
    )


def test_an_indicator_without_a_table_in_the_realdata_is_left_out(bench, realdata_dir, capsys):
    # wijk_indelingswijziging lives in a wijk-level table the benchmark does not import: said, not a crash
    errors = None
    with bench.realdata_cache(realdata_dir) as cache:
        errors = bench.main_evaluation(cache, ["wijk_indelingswijziging"])
    out = capsys.readouterr().out
    assert "wijk_indelingswijziging (halfyear): no table in the realdata, left out" in out
    assert "wijk_indelingswijziging (year): no table in the realdata, left out" in out
    assert errors == {} and "no indicator has a panel to evaluate" in out


def test_coverage_interval_resamples_origins_not_forecasts(bench):
    # two origins of 100 outcomes: one all inside, one all outside. Resampling forecasts would give a
    # narrow interval around 0.5; resampling origins says that another pair of origins could give 0 or 1
    rows = []
    for origin, inside in (("2022H1", True), ("2022H2", False)):
        for _ in range(100):
            rows.append(
                {
                    "origin": origin,
                    "horizon": 1,
                    "actual": 1.0 if inside else 5.0,
                    "lo80": 0.0,
                    "hi80": 2.0,
                }
            )
    errors = pd.DataFrame(rows)
    cov, lo, hi = bench.coverage_interval(errors, 1)
    assert cov == 0.5 and lo == 0.0 and hi == 1.0
    # the same origin repeated: no spread
    assert bench.coverage_interval(errors.assign(actual=1.0), 1) == (1.0, 1.0, 1.0)
    assert np.isnan(bench.coverage_interval(errors, 2)).all()  # no outcome at horizon 2


def test_coverage_interval_counts_outcomes_not_origins_and_misses_without_an_interval(bench):
    # origin A: 1 outcome, inside; origin B: 3 outcomes, one inside, one outside, one without an interval
    # (a miss, as score_backtest counts it); one row without an outcome is not scored at all
    errors = pd.DataFrame(
        {
            "origin": ["A", "B", "B", "B", "B"],
            "horizon": [1] * 5,
            "actual": [1.0, 1.0, 5.0, 1.0, np.nan],
            "lo80": [0.0, 0.0, 0.0, np.nan, 0.0],
            "hi80": [2.0, 2.0, 2.0, np.nan, 2.0],
        }
    )
    cov, lo, hi = bench.coverage_interval(errors, 1, n_boot=500)
    assert cov == pytest.approx(2 / 4)  # not the mean of the origins' shares (1 and 1/3)
    assert lo == pytest.approx(1 / 3) and hi == 1.0  # B twice, A twice


def test_calibration_verdict_needs_enough_origins(bench):
    assert bench.calibration_verdict(0.82, 0.9, origins=11) == "too wide"
    assert bench.calibration_verdict(0.6, 0.7, origins=11) == "too narrow"
    assert bench.calibration_verdict(0.7, 0.9, origins=11) == "ok"
    assert bench.calibration_verdict(0.82, 0.9, origins=bench.MIN_VERDICT_ORIGINS - 1) == "n/a"
    assert bench.calibration_verdict(np.nan, np.nan, origins=11) == "n/a"


def test_coverage_summary_names_the_cells_outside_the_band(bench):
    table = pd.DataFrame(
        {
            "indicator": ["a", "b", "c", "d"],
            "type": ["halfyear", "year", "year", "year"],
            "h": [1, 2, 1, 1],
            "cov80": [0.80, 0.86, 0.70, np.nan],
            "cov80 lo": [0.75, 0.82, 0.55, np.nan],
            "cov80 hi": [0.85, 0.90, 0.85, np.nan],
            "calibration": ["ok", "too wide", "n/a", "n/a"],
        }
    )
    text = bench.coverage_summary(table)
    assert "1 of 4 cells in 0.75-0.85" in text
    assert "b year h2 0.860 [0.82, 0.90] too wide" in text and "c year h1 0.700" in text
    assert "d year h1 nan" in text  # no coverage is not inside the band
    assert "1 ok, 1 too wide, 0 too narrow; 2 cells n/a" in text


def _counts(shares: dict[str, float], size: int = 100) -> pd.DataFrame:
    """coverage_counts-shaped frame: per origin, outcomes inside (``sum``) and scored (``size``)."""
    return pd.DataFrame(
        {"sum": [s * size for s in shares.values()], "size": [float(size)] * len(shares)},
        index=list(shares),
    )


def test_coverage_counts_per_origin_count_a_missing_interval_as_a_miss(bench):
    errors = pd.DataFrame(
        {
            "origin": ["A", "A", "B", "B", "B"],
            "horizon": [1, 1, 1, 1, 2],
            "actual": [1.0, 5.0, 1.0, np.nan, 1.0],
            "lo80": [0.0, 0.0, np.nan, 0.0, 0.0],
            "hi80": [2.0, 2.0, np.nan, 2.0, 2.0],
        }
    )
    counts = bench.coverage_counts(errors, 1)
    assert counts.loc["A"].tolist() == [1.0, 2.0]
    assert counts.loc["B"].tolist() == [0.0, 1.0]  # no interval: a miss; no outcome: not scored
    by_period = bench.coverage_counts(
        errors.assign(period=["p1", "p2", "p1", "p2", "p1"]), 1, "period"
    )
    assert by_period.loc["p1"].tolist() == [1.0, 2.0] and by_period.loc["p2"].tolist() == [0.0, 1.0]


def test_band_misses_if_calibrated_keeps_the_spread_and_removes_the_miscalibration(bench):
    periods = ["2018H1", "2018H2", "2019H1", "2019H2", "2020H1", "2020H2"]
    steady = _counts(dict.fromkeys(periods, 0.95))  # too wide, but the same in every period
    spread = _counts(dict(zip(periods, [0.55, 0.6, 0.95, 0.97, 0.9, 0.95], strict=True)))
    share, misses = bench.band_misses_if_calibrated([steady, spread], n_boot=4000, seed=1)
    # moved to 0.80 without spread, a cell never leaves the band; with this spread it often does
    assert share[0] == 0.0
    assert 0.3 < share[1] < 0.9
    assert misses.shape == (4000, 2) and not misses[:, 0].any()
    alone = bench.band_misses_if_calibrated([spread], n_boot=4000, seed=1)[1]
    assert np.array_equal(misses[:, 1], alone[:, 0])  # the other cell changes nothing
    again = bench.band_misses_if_calibrated([steady, spread], n_boot=4000, seed=1)
    assert np.array_equal(again[0], share) and np.array_equal(again[1], misses)  # seeded


def test_band_misses_if_calibrated_draws_calendar_years_for_every_cell(bench):
    # a half-year cell and a yearly cell with the same bad year miss together: the year is drawn once
    halves = _counts({"2018H1": 0.5, "2018H2": 0.5, "2019H1": 0.95, "2019H2": 0.95, "2020H1": 0.95})
    years = _counts({"2018": 0.5, "2019": 0.95, "2020": 0.95})
    share, misses = bench.band_misses_if_calibrated([halves, years], n_boot=2000)
    assert share[0] > 0 and share[1] > 0
    assert (misses[:, 0] == misses[:, 1]).mean() > 0.9
    # a cell that lacks a year is scored on the drawn years it has (here all alike: never out)
    partial = _counts({"2019": 0.95, "2020": 0.95})
    share, misses = bench.band_misses_if_calibrated([partial, years], n_boot=2000)
    assert share[0] == 0.0 and share[1] > 0


def test_band_summary_counts_per_type_and_in_total_from_the_same_draws(bench):
    misses = np.array(
        [
            [False, False, False],
            [True, False, False],
            [True, True, True],
            [False, False, True],
        ]
    )
    text = bench.band_summary(misses, ["halfyear", "halfyear", "year"], [0.9, 0.8, np.nan])
    # half-years: 0, 1, 2, 0 -> mean 0.75, none in 2 of 4 draws; one observed outside (0.9)
    assert "halfyear: expected 0.8" in text and "none in 50.0% of draws, observed 1" in text
    # years: 0, 0, 1, 1; a cell without coverage is not counted as observed outside
    assert "year: expected 0.5" in text and "observed 0" in text
    # all cells: 0, 1, 3, 1 -> mean 1.25, none in 1 of 4 draws
    assert "all cells: expected 1.2" in text and "none in 25.0% of draws, observed 1" in text


def test_mase_difference_by_origin_shows_where_a_gain_comes_from(bench):
    errors = pd.DataFrame(
        {
            "region_code": ["a", "b", "a", "b", "a"],
            "origin": ["2018H1", "2018H1", "2018H2", "2018H2", "2018H2"],
            "horizon": [1, 1, 1, 1, 2],
            "scaled_error": [-0.5, 1.0, 2.0, np.nan, 1.0],
            "naive_scaled_error": [1.0, 1.0, 1.0, 3.0, 1.0],
        }
    )
    table = bench.mase_difference_by_origin(errors)
    assert table.loc[1, "2018H1"] == pytest.approx(-0.25)  # |errors|: (0.5 - 1 + 1 - 1) / 2
    assert table.loc[1, "2018H2"] == pytest.approx(1.0)  # the pair without an error is left out
    assert table.loc[1, "all"] == pytest.approx((-0.5 + 0 + 1) / 3)
    assert np.isnan(table.loc[2, "2018H1"]) and table.loc[2, "2018H2"] == 0.0
    assert list(table.columns) == ["2018H1", "2018H2", "all"]


def test_with_naive_errors_pairs_the_same_region_origin_and_horizon(bench):
    key = {"region_code": ["a", "b"], "origin": ["2018H1", "2018H1"], "horizon": [1, 1]}
    default = pd.DataFrame({**key, "scaled_error": [0.5, 1.0]})
    naive = pd.DataFrame({**key, "scaled_error": [2.0, 3.0]}).iloc[::-1]
    merged = bench.with_naive_errors(default, naive)
    assert merged["naive_scaled_error"].tolist() == [2.0, 3.0]
    with pytest.raises(pd.errors.MergeError):
        bench.with_naive_errors(default, pd.concat([naive, naive]))
