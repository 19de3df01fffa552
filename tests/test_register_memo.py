"""City-wide tables of a loaded register: computed once per register version, copies, own wijk slices."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from statsmodels.stats.multitest import multipletests

import analysis.reach as reach_module
from analysis import datacache, experience, reach, synthetic, trends
from analysis.register import RegisterVersion, derived, load_register
from analysis.stats import holm

WIJKEN = ["WK034401", "WK034402"]


@pytest.fixture(autouse=True)
def empty_cache():
    datacache.clear()
    yield
    datacache.clear()


@pytest.fixture(scope="module")
def small_register(tmp_path_factory) -> Path:
    """Two wijken of the synthetic register from 2023 on, written as a register folder."""
    whole = load_register()
    cases = whole.cases[
        whole.cases["wijk_code"].isin(WIJKEN) & (whole.cases["registration_date"] >= "2023-01-01")
    ]
    ids = set(cases["case_id"])
    care = whole.care[
        whole.care["wijk_code"].isin(WIJKEN)
        & (whole.care["start_date"] >= "2023-01-01")
        & (whole.care["referred_by_case_id"].isna() | whole.care["referred_by_case_id"].isin(ids))
    ]
    small = dataclasses.replace(
        whole,
        cases=cases.reset_index(drop=True),
        surveys=whole.surveys[whole.surveys["case_id"].isin(ids)].reset_index(drop=True),
        care=care.reset_index(drop=True),
    )
    folder = tmp_path_factory.mktemp("memo") / "register"
    synthetic.write(folder, register=small)
    return folder


def copy_of(folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "register"
    shutil.copytree(folder, out)
    return out


def counting(monkeypatch, module, name: str) -> list:
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_loaded_register_carries_its_version(small_register):
    reg = load_register(small_register)
    assert isinstance(reg.version, RegisterVersion)
    assert {Path(f.path).name for f in reg.version.files} >= {"cases.csv.gz", "register.json"}
    part = reg.of_municipality("GM0344")
    assert part.version == reg.version._replace(municipality="GM0344")
    # a register with other tables never carries the version of the files
    other = dataclasses.replace(reg, cases=reg.cases.iloc[:10])
    assert other.version is None
    assert other.of_municipality("GM0344").version is None


def test_computed_once_per_version_and_equal_to_the_computation(small_register, monkeypatch):
    compute = reach_module._reach_observations
    calls = counting(monkeypatch, reach_module, "_reach_observations")
    first = reach.reach_observations(load_register(small_register), by_wijk=True)
    second = reach.reach_observations(load_register(small_register), by_wijk=True)
    assert len(calls) == 1
    pdt.assert_frame_equal(first, second)
    pdt.assert_frame_equal(first, compute(load_register(small_register), by_wijk=True))
    reach.reach_observations(load_register(small_register), by_wijk=False)
    assert len(calls) == 2  # another parameter is another table


def test_results_are_copies(small_register):
    reg = load_register(small_register)
    first = reach.reach_observations(reg, by_wijk=True)
    first.loc[0, "value"] = -1.0
    first["extra"] = 1
    second = reach.reach_observations(load_register(small_register), by_wijk=True)
    assert -1.0 not in second["value"].tolist() and "extra" not in second.columns


def test_a_changed_register_file_gives_new_results(small_register, tmp_path):
    folder = copy_of(small_register, tmp_path)
    before = reach.reach_observations(load_register(folder), by_wijk=True)
    cases = pd.read_csv(folder / "cases.csv.gz", dtype=str, keep_default_na=False)
    cases = cases[cases["wijk_code"] != WIJKEN[1]]
    surveys = pd.read_csv(folder / "surveys.csv.gz", dtype=str, keep_default_na=False)
    surveys = surveys[surveys["case_id"].isin(set(cases["case_id"]))]
    care = pd.read_csv(folder / "aanvullende_zorg.csv.gz", dtype=str, keep_default_na=False)
    care = care[
        (care["wijk_code"] != WIJKEN[1])
        & ((care["referred_by_case_id"] == "") | care["referred_by_case_id"].isin(cases["case_id"]))
    ]
    for frame, name in ((cases, "cases"), (surveys, "surveys"), (care, "aanvullende_zorg")):
        frame.to_csv(folder / f"{name}.csv.gz", index=False, compression="gzip")
    reg = load_register(folder)
    after = reach.reach_observations(reg, by_wijk=True)
    assert set(before["region_code"]) >= set(WIJKEN)
    assert WIJKEN[1] not in set(after["region_code"])
    pdt.assert_frame_equal(after, reach_module._reach_observations(reg, by_wijk=True))


def test_two_wijken_get_their_own_slices(small_register, monkeypatch):
    reg = load_register(small_register).of_municipality("GM0344")
    one = trends.register_series(reg, wijk=WIJKEN[0])
    two = trends.register_series(
        load_register(small_register).of_municipality("GM0344"), wijk=WIJKEN[1]
    )
    assert set(one["region_code"]) == {WIJKEN[0]} and set(two["region_code"]) == {WIJKEN[1]}
    monkeypatch.setenv("ANALYSIS_DATA_CACHE", "0")
    pdt.assert_frame_equal(one, trends.register_series(reg, wijk=WIJKEN[0]))
    pdt.assert_frame_equal(two, trends.register_series(reg, wijk=WIJKEN[1]))


def test_experience_summaries_equal_the_computation(small_register, monkeypatch):
    reg = load_register(small_register).of_municipality("GM0344")
    args = (reg.surveys, reg.cases, reg)
    cached = [
        experience.mark_summary(*args, wijk=WIJKEN[0]),
        experience.mark_summary(*args, wijk=WIJKEN[1]),
        experience.share_summary(*args, wijk=WIJKEN[1]),
    ]
    assert datacache.info().entries >= 2
    monkeypatch.setenv("ANALYSIS_DATA_CACHE", "0")
    computed = [
        experience.mark_summary(*args, wijk=WIJKEN[0]),
        experience.mark_summary(*args, wijk=WIJKEN[1]),
        experience.share_summary(*args, wijk=WIJKEN[1]),
    ]
    for got, want in zip(cached, computed, strict=True):
        pdt.assert_frame_equal(got, want)


def test_frames_other_than_the_registers_own_are_computed(small_register):
    reg = load_register(small_register)
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"n": [len(calls)]})

    derived(reg, "test", compute, frames=(reg.cases,))
    derived(reg, "test", compute, frames=(reg.cases,))
    assert len(calls) == 1
    derived(reg, "test", compute, frames=(reg.cases.copy(),))
    assert len(calls) == 2
    built = dataclasses.replace(reg, cases=reg.cases.copy())
    derived(built, "test", compute)
    derived(built, "test", compute)
    assert len(calls) == 4


def test_an_outlook_is_computed_once_per_panel(monkeypatch):
    rng = np.random.default_rng(3)
    years = [str(y) for y in range(2012, 2024)]
    panel = pd.DataFrame(
        [
            dict(
                indicator="wmo_clienten_per_1000",
                region_code=region,
                region_name=region,
                period=year,
                period_type="year",
                value=float(40 + i + rng.normal(0, 0.5)),
                unit="per 1000 inwoners",
                status="definitief",
                source="86050NED",
                source_ref="test",
                published="2025-01-01",
            )
            for region in ("GM0344", "GM0363")
            for i, year in enumerate(years)
        ]
    )
    calls = counting(monkeypatch, trends, "_outlook")
    first = trends.outlook(panel, "GM0344", horizon=2)
    second = trends.outlook(panel.copy(), "GM0344", horizon=2)
    assert len(calls) == 1 and first.has_forecast
    pdt.assert_frame_equal(first.forecasts, second.forecasts)
    first.forecasts.loc[:, "mean"] = -1.0
    assert (trends.outlook(panel, "GM0344", horizon=2).forecasts["mean"] != -1.0).all()
    changed = panel.copy()
    changed.loc[len(years) - 1, "value"] = 80.0
    third = trends.outlook(changed, "GM0344", horizon=2)
    assert len(calls) == 2
    assert not third.forecasts["mean"].equals(second.forecasts["mean"])
    trends.outlook(panel, "GM0344", horizon=3)
    assert len(calls) == 3


def test_holm_equals_statsmodels():
    rng = np.random.default_rng(1)
    for p in (rng.uniform(0, 0.2, 7), np.array([0.01, 0.01, 0.04, 0.5, 0.03]), np.array([0.9])):
        np.testing.assert_array_equal(holm(p), multipletests(p, method="holm")[1])


def test_flow_observations_once_per_table_and_own_wijk_slices(small_register, monkeypatch):
    import analysis.flow as flow

    reg = load_register(small_register).of_municipality("GM0344")
    table = flow.stock_flow(reg.cases, freq="month", wijk=WIJKEN[0])
    calls = counting(monkeypatch, flow, "_protected_observations")
    one = flow.flow_observations(table, reg, wijk=WIJKEN[0])
    two = flow.flow_observations(table.copy(), reg, wijk=WIJKEN[1])
    assert len(calls) == 1
    assert set(one["region_code"]) == {WIJKEN[0]} and set(two["region_code"]) == {WIJKEN[1]}
    one.loc[0, "value"] = -1.0
    again = flow.flow_observations(table, reg, wijk=WIJKEN[0])
    assert -1.0 not in again["value"].tolist()
    monkeypatch.setenv("ANALYSIS_DATA_CACHE", "0")
    pdt.assert_frame_equal(again, flow.flow_observations(table, reg, wijk=WIJKEN[0]))
    pdt.assert_frame_equal(two, flow.flow_observations(table, reg, wijk=WIJKEN[1]))
    changed = table.copy()
    changed.loc[changed.index[0], "inflow"] += 5
    monkeypatch.setenv("ANALYSIS_DATA_CACHE", "1")
    flow.flow_observations(changed, reg, wijk=WIJKEN[0])
    assert len(calls) == 4


def test_doelgroep_counts_once_per_version(small_register, monkeypatch):
    import analysis.doelgroepen as doelgroepen

    compute = doelgroepen._doelgroep_counts
    calls = counting(monkeypatch, doelgroepen, "_doelgroep_counts")
    first = doelgroepen.doelgroep_counts(load_register(small_register), by_wijk=True)
    second = doelgroepen.doelgroep_counts(load_register(small_register), by_wijk=True)
    assert len(calls) == 1
    pdt.assert_frame_equal(first, second)
    pdt.assert_frame_equal(
        first, compute(load_register(small_register), by_wijk=True, start=None, end=None)
    )
