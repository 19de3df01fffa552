"""Tests for analysis.flow: stock and flow, survival, waiting times, CBS Wmo flows, register scope.

Every expected number is computed by hand in the comment next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import cbs, flow, plotting
from analysis.periods import STATUS_SUPPRESSED
from analysis.plotting import figure_texts
from analysis.register import Register, empty_table, register_scope

SYNTH = "synthetisch register (analysis.synthetic, seed 1)"
PUB = "synthetisch, gegenereerd v1.0"


def make_cases(rows) -> pd.DataFrame:
    """A cases table from (case_id, team, wijk, registration, conversation, end, urgent) tuples."""
    records = []
    for case_id, team, wijk, reg, conv, end, urgent in rows:
        records.append(
            {
                "case_id": case_id,
                "client_id": f"C{case_id}",
                "team": team,
                "wijk_code": wijk,
                "registration_date": pd.Timestamp(reg),
                "first_conversation_date": pd.Timestamp(conv) if conv else pd.NaT,
                "end_date": pd.Timestamp(end) if end else pd.NaT,
                "urgent": urgent,
                "age_band": "23-44",
                "end_reason": "zelfstandig_verder" if end else None,
            }
        )
    return pd.DataFrame(records)


def make_register(cases: pd.DataFrame) -> Register:
    return Register(
        cases,
        empty_table("surveys"),
        empty_table("care"),
        True,
        "test",
        {
            "seed": 1,
            "generator_version": "1.0",
            "municipality": "GM0344",
            "snapshot_date": "2024-12-31",
        },
    )


# --------------------------------------------------------------------------------------
# Stock and flow
# --------------------------------------------------------------------------------------


def test_stock_flow_counts_and_identity_by_hand():
    cases = make_cases(
        [
            ("1", "sociaal", "WK034401", "2024-01-10", None, "2024-02-05", False),
            ("2", "sociaal", "WK034401", "2024-01-20", None, None, False),
            ("3", "sociaal", "WK034401", "2024-02-01", None, "2024-02-28", False),
        ]
    )
    table = flow.stock_flow(cases, freq="month", start="2024-01", end="2024-03")
    # Jan: 0 + 2 in - 0 out = 2; Feb: 2 + 1 in - 2 out = 1; Mar: 1 + 0 - 0 = 1
    assert table["stock_begin"].tolist() == [0, 2, 1]
    assert table["inflow"].tolist() == [2, 1, 0]
    assert table["outflow"].tolist() == [0, 2, 0]
    assert table["stock_end"].tolist() == [2, 1, 1]
    assert table["identity_holds"].all()
    summary = flow.identity_summary(table)
    assert summary[["periods", "periods_with_difference", "largest_difference"]].iloc[
        0
    ].tolist() == [3, 0, 0]
    assert "klopt in alle 3 perioden" in flow.identity_text(summary, what="maand")


def test_identity_summary_reports_an_inconsistent_record():
    # Case 2 ends (15 Jan) before it was registered (10 Mar): a record the stocks and flows see differently.
    # Jan: outflow 1, stocks 0 and 0 -> difference 0 - (0 + 0 - 1) = +1.
    # Mar: inflow 1, stocks 0 and 0 (ended before) -> difference 0 - (0 + 1 - 0) = -1.
    cases = make_cases(
        [
            ("1", "sociaal", "WK034401", "2023-12-01", None, None, False),
            ("2", "sociaal", "WK034401", "2024-03-10", None, "2024-01-15", False),
        ]
    )
    table = flow.stock_flow(cases, freq="month", start="2024-01", end="2024-03")
    assert table["difference"].tolist() == [1, 0, -1]
    summary = flow.identity_summary(table)
    row = summary.iloc[0]
    assert row["periods_with_difference"] == 2
    assert row["largest_difference"] == 1  # first of the two with |difference| 1
    assert row["first_period_with_difference"] == "2024-01"
    assert "niet in 2 van de 3" in flow.identity_text(summary, what="maand")
    shown = plotting.identity_table(table)
    assert shown["Periode"].tolist() == ["2024-01", "2024-03"]
    report = plotting.identity_report({"month": table})
    assert len(report) == 3  # sentence, summary table, failing rows


def test_identity_table_hides_small_wijk_counts():
    cases = make_cases([("2", "sociaal", "WK034401", "2024-03-10", None, "2024-01-15", False)])
    table = flow.stock_flow(cases, freq="month", wijk="WK034401", start="2024-01", end="2024-03")
    shown = plotting.identity_table(table, wijk="WK034401")
    assert set(shown["Uitstroom"]) <= {"<10"}
    assert not shown.apply(lambda col: col.astype(str).str.fullmatch(r"-?[1-9]")).any().any()


def flow_obs(values: dict, periods=("2024-01", "2024-02")) -> pd.DataFrame:
    """Observations of the three Sociaal flow indicators per wijk and period from {(wijk, role): [values]}."""
    rows = []
    for (wijk, role), vals in values.items():
        for period, value in zip(periods, vals, strict=True):
            rows.append(
                {
                    "indicator": flow.FLOW_INDICATORS["sociaal"][role],
                    "region_code": wijk,
                    "region_name": wijk,
                    "period": period,
                    "period_type": "month",
                    "value": float(value),
                    "unit": "aantal",
                    "status": "definitief",
                    "source": SYNTH,
                    "source_ref": None,
                    "published": PUB,
                    "note": "synthetisch",
                }
            )
    return pd.DataFrame(rows)


def withheld(out: pd.DataFrame) -> pd.Series:
    return out["status"].eq(STATUS_SUPPRESSED) & out["value"].isna()


def test_protect_flows_withholds_small_counts_and_what_gives_them_away():
    values = {}
    for i, wijk in enumerate(["WK034401", "WK034402", "WK034403"]):
        values[(wijk, "inflow")] = [5 if i == 0 else 40 + i, 50 + i]
        values[(wijk, "outflow")] = [30 + i, 35 + i]
        values[(wijk, "stock_end")] = [200 + i, 210 + i]
    values[("GM0344", "inflow")] = [5 + 41 + 42, 153]  # the city: never protected
    out = flow.protect_flows(flow_obs(values))

    def row(wijk, role, period):
        return out[
            (out["region_code"] == wijk)
            & (out["indicator"] == flow.FLOW_INDICATORS["sociaal"][role])
            & (out["period"] == period)
        ].iloc[0]

    assert row("WK034401", "inflow", "2024-01")["display"] == "<10"
    # linked: the outflow of the same wijk and month goes too, the stocks stay
    assert pd.isna(row("WK034401", "outflow", "2024-01")["value"])
    assert row("WK034401", "stock_end", "2024-01")["value"] == 200
    # the city is shown as it is
    assert row("GM0344", "inflow", "2024-01")["value"] == 88
    wijken = out[out["region_code"].str.startswith("WK")]
    w = withheld(wijken)
    # never exactly one withheld wijk per indicator and period (secondary suppression)
    assert not (w.groupby([wijken["indicator"], wijken["period"]]).sum() == 1).any()
    # never exactly one withheld month per indicator, wijk and year (year total minus the other months)
    assert not (w.groupby([wijken["indicator"], wijken["region_code"]]).sum() == 1).any()
    # inflow and outflow withheld together
    flows_only = wijken[wijken["indicator"] != flow.FLOW_INDICATORS["sociaal"]["stock_end"]]
    both = withheld(flows_only).groupby([flows_only["region_code"], flows_only["period"]]).sum()
    assert set(both) <= {0, 2}
    assert out.loc[withheld(out), "display"].isin(["<10", "x"]).all()


def test_protect_flows_withheld_stock_takes_the_next_flows_along():
    values = {
        ("WK034401", "inflow"): [20, 20],
        ("WK034401", "outflow"): [15, 15],
        ("WK034401", "stock_end"): [4, 9],
        ("WK034402", "inflow"): [30, 30],
        ("WK034402", "outflow"): [25, 25],
        ("WK034402", "stock_end"): [100, 100],
    }
    out = flow.protect_flows(flow_obs(values))
    first = out[(out["region_code"] == "WK034401")]
    # stock 4 and 9 < 10 -> withheld; then inflow and outflow of both months (stock(t) = stock(t-1) + in - out)
    assert withheld(first).all()


def test_flow_observations_selects_the_wijk_after_protecting_all():
    cases = make_cases(
        [
            (
                str(i),
                "sociaal",
                "WK034401" if i < 3 else "WK034402",
                "2024-01-10",
                None,
                None,
                False,
            )
            for i in range(30)
        ]
    )
    table = flow.stock_flow(cases, freq="month", wijk="WK034401", start="2024-01", end="2024-01")
    obs = flow.flow_observations(table, make_register(cases), wijk="WK034401")
    assert set(obs["region_code"]) == {"WK034401"}
    assert withheld(obs).all()  # 3 cases: every count below 10
    city = flow.flow_observations(
        flow.stock_flow(cases, freq="month", start="2024-01", end="2024-01"), make_register(cases)
    )
    assert set(city["region_code"]) == {"GM0344"}
    assert city.loc[city["indicator"] == "buurtteam_sociaal_nieuwe_casussen", "value"].tolist() == [
        30
    ]


def test_flow_chart_marks_synthetic_and_suppression():
    cases = make_cases(
        [
            (str(i), "sociaal", "WK034401", f"2024-0{1 + i % 3}-10", None, None, False)
            for i in range(40)
        ]
    )
    table = flow.stock_flow(cases, freq="month", start="2024-01", end="2024-03")
    fig = plotting.flow_chart(flow.flow_observations(table, make_register(cases)))
    texts = " ".join(figure_texts(fig))
    assert "synthetisch" in texts and "Sociaal" in texts and "Bron" in texts


# --------------------------------------------------------------------------------------
# Durations
# --------------------------------------------------------------------------------------


def km_example() -> pd.DataFrame:
    # durations 2 (closed), 3 (running), 3 (closed), 5 (closed), 8 (running)
    return pd.DataFrame(
        {
            "team": "sociaal",
            "duration_days": [2, 3, 3, 5, 8],
            "ended": [True, False, True, True, False],
        }
    )


def test_survival_curve_is_kaplan_meier_by_hand():
    curve = flow.survival_curves(km_example(), min_at_risk=1)
    # t=2: 5 at risk, 1 closes -> 4/5 = 0.8
    # t=3: 4 at risk (the running case counts until after t), 1 closes -> 0.8 * 3/4 = 0.6
    # t=5: 2 at risk, 1 closes -> 0.6 * 1/2 = 0.3
    assert curve["time"].tolist() == [0, 2, 3, 5]
    assert curve["surv_prob"].tolist() == pytest.approx([1.0, 0.8, 0.6, 0.3])
    assert curve["n_risk"].tolist() == [5, 5, 4, 2]
    # Greenwood at t=2: se = 0.8 * sqrt(1 / (5 * 4)) = 0.17889; log(-log) scale: se / (0.8 * |ln 0.8|) = 1.00208
    # band: 0.8 ** exp(+-1.96 * 1.00208) = 0.2038 .. 0.9692
    at2 = curve[curve["time"] == 2].iloc[0]
    assert at2["ci_low"] == pytest.approx(0.2038, abs=1e-4)
    assert at2["ci_high"] == pytest.approx(0.9692, abs=1e-4)
    assert (curve["ci_low"] <= curve["surv_prob"]).all() and (
        curve["surv_prob"] <= curve["ci_high"]
    ).all()


def test_survival_curve_stops_where_few_cases_remain():
    curve = flow.survival_curves(km_example(), min_at_risk=3)
    assert curve["time"].tolist() == [0, 2, 3]  # at t=5 only 2 cases are at risk
    assert flow.survival_curves(km_example(), min_at_risk=10).empty  # 5 cases: no curve at all


def test_median_duration_by_hand_and_when_not_estimable():
    med = flow.median_durations(km_example(), min_n=1).iloc[0]
    assert med["median"] == 5  # first time the curve is at or below 0.5 (0.3 at t=5)
    assert (med["cases"], med["ended"], med["running"]) == (5, 3, 2)
    assert med["ci_low"] <= 5
    assert np.isnan(med["ci_high"])  # the curve never drops far enough for an upper bound
    # only one of four closes: the curve stays at 0.75, the median cannot be estimated
    few = pd.DataFrame(
        {"team": "x", "duration_days": [1, 2, 3, 4], "ended": [True, False, False, False]}
    )
    assert np.isnan(flow.median_durations(few, min_n=1)["median"].iloc[0])
    assert (
        plotting.median_table(flow.median_durations(few, min_n=1))["Mediane duur (dagen)"].iloc[0]
        == "niet te schatten"
    )
    withheld_row = flow.median_durations(km_example(), min_n=10).iloc[0]
    assert withheld_row["display"] == "x" and np.isnan(withheld_row["cases"])


def test_median_durations_for_a_wijk_withhold_small_linked_counts():
    d = pd.DataFrame(
        {"team": "sociaal", "duration_days": range(1, 16), "ended": [True] * 12 + [False] * 3}
    )
    city = flow.median_durations(d).iloc[0]
    assert (city["ended"], city["running"]) == (12, 3)  # the municipality: shown
    wijk = flow.median_durations(d, wijk="WK034401").iloc[0]
    # 3 running < 10: withheld, and 12 closed with it (15 cases - 12 closed = 3)
    assert np.isnan(wijk["running"]) and np.isnan(wijk["ended"]) and wijk["cases"] == 15
    assert wijk["median"] == 8  # 15 cases, first 12 close on days 1..12: S(8) = 7/15 <= 0.5
    shown = plotting.median_table(flow.median_durations(d, wijk="WK034401")).iloc[0]
    assert (shown["Afgesloten"], shown["Nog lopend"], shown["Casussen"]) == ("<10", "<10", "15")


def test_durations_censor_at_the_snapshot_and_count_cases_once():
    cases = make_cases(
        [
            (
                "1",
                "sociaal",
                "WK034401",
                "2024-01-01",
                None,
                "2024-01-11",
                False,
            ),  # 10 days, closed
            (
                "2",
                "sociaal",
                "WK034401",
                "2024-12-01",
                None,
                None,
                False,
            ),  # running: 30 days to snapshot
            (
                "3",
                "sociaal",
                "WK034402",
                "2024-12-21",
                None,
                "2025-02-01",
                False,
            ),  # closes after snapshot: running, 10
            (
                "4",
                "sociaal",
                "WK034401",
                "2023-06-01",
                None,
                "2023-07-01",
                False,
            ),  # outside the cohort
        ]
    )
    cases = pd.concat(
        [cases, cases.iloc[[0]].assign(client_id="C1b")], ignore_index=True
    )  # 2 clients, 1 case
    d = flow.durations(cases, snapshot="2024-12-31", start="2024", end="2024")
    assert d.set_index("case_id")["duration_days"].to_dict() == {"1": 10, "2": 30, "3": 10}
    assert d.set_index("case_id")["ended"].to_dict() == {"1": True, "2": False, "3": False}
    assert flow.durations(cases, snapshot="2024-12-31", wijk="WK034402")["case_id"].tolist() == [
        "3"
    ]


def test_survival_chart_names_medians_and_is_marked_synthetic():
    d = pd.concat([km_example()] * 3, ignore_index=True)
    fig = plotting.survival_chart(
        flow.survival_curves(d),
        flow.median_durations(d),
        sources=pd.DataFrame({"source": [SYNTH], "published": [PUB]}),
        snapshot="2024-12-31",
    )
    texts = " ".join(figure_texts(fig))
    assert "mediaan 5 dagen" in texts and "synthetisch" in texts and "2024-12-31" in texts


# --------------------------------------------------------------------------------------
# Waiting times
# --------------------------------------------------------------------------------------


def test_waiting_summary_by_hand():
    cases = make_cases(
        [
            (
                "1",
                "sociaal",
                "WK034401",
                "2024-01-08",
                "2024-01-15",
                None,
                False,
            ),  # Mon -> Mon: 5 working days
            ("2", "sociaal", "WK034401", "2024-01-05", "2024-01-08", None, False),  # Fri -> Mon: 1
            (
                "3",
                "sociaal",
                "WK034401",
                "2024-01-08",
                "2024-01-17",
                None,
                False,
            ),  # Mon -> Wed next week: 7
            (
                "4",
                "sociaal",
                "WK034401",
                "2024-01-10",
                "2024-01-10",
                None,
                True,
            ),  # urgent, same day: 0
            ("5", "sociaal", "WK034401", "2024-01-10", None, None, False),  # no conversation yet
            (
                "6",
                "sociaal",
                "WK034401",
                "2023-12-21",
                "2023-12-27",
                None,
                False,
            ),  # Thu -> Wed over Christmas: 2
        ]
    )
    s = flow.waiting_summary(cases, start="2023", end="2024").set_index(["period", "group"])
    # 2024, not urgent: 5, 1, 7 -> mean 4.33, median 5, within 5 days 2 of 3
    assert s.loc[("2024", "not_urgent"), "mean"] == pytest.approx(13 / 3)
    assert s.loc[("2024", "not_urgent"), "median"] == 5
    assert s.loc[("2024", "not_urgent"), "within_norm_pct"] == pytest.approx(200 / 3)
    assert s.loc[("2024", "not_urgent"), "no_conversation"] == 1
    assert s.loc[("2024", "urgent"), "mean"] == 0
    # all cases of 2024: 5, 1, 7, 0 -> mean 3.25, median 3, within norm 3 of 4
    assert s.loc[("2024", "all_cases"), "mean"] == pytest.approx(3.25)
    assert s.loc[("2024", "all_cases"), "median"] == 3
    assert s.loc[("2024", "all_cases"), "within_norm_pct"] == 75
    assert s.loc[("2023", "all_cases"), "mean"] == 2  # Christmas days do not count
    assert s.reset_index()["group"].tolist()[:3] == ["all_cases", "not_urgent", "urgent"]


def test_waiting_summary_withholds_small_wijk_groups():
    cases = make_cases(
        [
            (str(i), "sociaal", "WK034401", "2024-01-08", "2024-01-09", None, i == 0)
            for i in range(12)
        ]
    )
    s = flow.waiting_summary(cases, wijk="WK034401").set_index("group")
    assert s.loc["all_cases", "mean"] == 1  # 12 conversations: shown
    assert np.isnan(s.loc["urgent", "mean"]) and s.loc["urgent", "display"] == "x"  # 1 conversation
    assert np.isnan(s.loc["urgent", "n"])
    # all = urgent + not urgent: with urgent withheld, the count of the not urgent goes too (11 = 12 - 1)
    assert np.isnan(s.loc["not_urgent", "n"]) and s.loc["not_urgent", "mean"] == 1
    assert s.loc["all_cases", "n"] == 12
    table = plotting.waiting_table(s.reset_index().assign(team="sociaal"), team="sociaal")
    assert (table[("spoed", "gemiddelde")] == "x").all()
    assert (table[("niet spoed", "casussen")] == "x").all() and (
        table[("alle casussen", "casussen")] == "12"
    ).all()


# --------------------------------------------------------------------------------------
# CBS Wmo flows
# --------------------------------------------------------------------------------------


def cbs_obs(indicator: str, values: dict, source: dict | None = None) -> pd.DataFrame:
    rows = [
        {
            "indicator": indicator,
            "region_code": "GM0344",
            "period": p,
            "period_type": "halfyear" if "H" in p else "year",
            "value": v,
            "source": (source or {}).get(p, "86051NED"),
        }
        for p, v in values.items()
    ]
    return pd.DataFrame(rows)


def test_cbs_flow_table_identity_with_stock_at_the_start():
    stand = cbs_obs("wmo_stand", {"2017H1": 100, "2017H2": 120, "2018H1": 40, "2017": 100})
    inflow = cbs_obs("wmo_instroom", {"2017H1": 50, "2017H2": 10, "2018H1": 20, "2017": 60})
    outflow = cbs_obs("wmo_uitstroom", {"2017H1": 30, "2017H2": 100, "2018H1": 20, "2017": 130})
    t = flow.cbs_flow_table(stand, inflow, outflow).set_index(["period_type", "period"])
    # 2017H1: 100 + 50 - 30 = 120 = stand of 2017H2 -> difference 0
    assert t.loc[("halfyear", "2017H1"), "difference"] == 0
    # 2017H2: 120 + 10 - 100 = 30, next stand 40 -> +10: within CBS rounding (four counts, each +-2.5)
    assert t.loc[("halfyear", "2017H2"), "difference"] == 10
    assert not t.loc[("halfyear", "2017H2"), "beyond_rounding"]
    assert np.isnan(t.loc[("halfyear", "2018H1"), "difference"])  # no next period
    # outflow 100 against the median outflow 30 of the half-years: 3.3 times -> exceptional
    assert t.loc[("halfyear", "2017H2"), "outflow_ratio"] == pytest.approx(100 / 30)
    assert t.loc[("halfyear", "2017H2"), "exceptional"]
    assert not t.loc[("halfyear", "2017H1"), "exceptional"]
    assert np.isnan(t.loc[("year", "2017"), "stand_next"])  # years only with years
    text = flow.cbs_flow_text(t.reset_index())
    assert "uitzonderlijk hoge uitstroom" in text and "2e halfjaar 2017" in text


def test_cbs_table_change_becomes_a_break():
    src = {"2016H2": "83268NED"}
    stand = cbs_obs("wmo_stand", {"2016H2": 100, "2017H1": 90}, src)
    inflow = cbs_obs("wmo_instroom", {"2016H2": 10, "2017H1": 10}, src)
    outflow = cbs_obs("wmo_uitstroom", {"2016H2": 5, "2017H1": 5}, src)
    t = flow.cbs_flow_table(stand, inflow, outflow)
    assert t["table_change"].tolist() == [True, False]
    assert t["difference"].iloc[0] == -15 and t["beyond_rounding"].iloc[0]  # 90 - (100 + 10 - 5)
    brk = cbs.table_switches(pd.concat([stand, inflow, outflow]))
    assert brk == [
        (
            "2016H2",
            "2017H1",
            "tabelwissel: 83268NED \u2192 86051NED (maatwerkarrangementen \u2192 "
            "maatwerkvoorzieningen)",
        )
    ]
    assert "tabelwissel" in plotting.cbs_reader_table(t)["Opmerking"].iloc[0]


def test_cbs_flow_table_of_nothing_is_empty():
    empty = pd.DataFrame(
        columns=["indicator", "region_code", "period", "period_type", "value", "source"]
    )
    assert flow.cbs_flow_table(empty, empty, empty).empty


# --------------------------------------------------------------------------------------
# Which register
# --------------------------------------------------------------------------------------


def test_synthetic_register_is_not_read_for_another_municipality():
    scope = register_scope("GM0363")
    assert not scope.applies and scope.register is None and scope.record is None
    assert "Utrecht (GM0344)" in scope.message and "Amsterdam (GM0363)" in scope.message
    assert "Amsterdam" in scope.skip_note()
    assert "describes Utrecht" in register_scope("GM0363", language="en").message


def write_register(folder, cases: pd.DataFrame) -> str:
    out = cases.copy()
    for col in ("registration_date", "first_conversation_date", "end_date"):
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    out.to_csv(folder / "cases.csv", index=False)
    return str(folder)


def test_own_register_of_another_municipality_or_without_the_wijk(tmp_path):
    cases = make_cases([("1", "sociaal", "WK034401", "2024-01-08", None, None, False)])
    path = write_register(tmp_path, cases)
    other = register_scope("GM0363", path=path)
    assert not other.applies and "geen casussen van Amsterdam" in other.message
    no_wijk = register_scope("GM0344", wijk="WK034405", path=path)
    assert not no_wijk.applies and "Oost (WK034405)" in no_wijk.message
    ok = register_scope("GM0344", wijk="WK034401", path=path, end="2024")
    assert ok.applies and not ok.synthetic and len(ok.cases) == 1
    assert ok.record["synthetic"] is False and ok.record["vintage"].endswith("peildatum 2024-01-08")
    assert "West (WK034401)" in ok.description() and "SYNTHETISCH" not in ok.description()


def test_own_register_of_several_municipalities_is_cut_to_the_region(tmp_path):
    cases = make_cases(
        [
            ("1", "sociaal", "WK034401", "2024-01-08", "2024-01-10", None, False),
            ("2", "sociaal", "WK036305", "2024-02-01", "2024-02-05", None, False),
        ]
    )
    path = write_register(tmp_path, cases)
    for region, wijk, case in (("GM0344", "WK034401", "1"), ("GM0363", "WK036305", "2")):
        scope = register_scope(region, path=path)
        assert scope.applies and list(scope.cases["case_id"]) == [case]
        assert scope.register.municipality == region and list(scope.register.cases["case_id"]) == [
            case
        ]
        assert scope.snapshot == pd.Timestamp("2024-02-05")  # the whole register's latest date
        # figures of the municipality (its code comes from the register) and of the wijk
        city = flow.flow_observations(
            flow.stock_flow(scope.cases, freq="month", end="2024"), scope.register
        )
        assert set(city["region_code"]) == {region}
        monthly = flow.stock_flow(scope.cases, freq="month", wijk=wijk, end="2024")
        assert set(flow.flow_observations(monthly, scope.register, wijk=wijk)["region_code"]) == {
            wijk
        }
    assert not register_scope("GM0599", path=path).applies


def test_cbs_reader_tables_keep_half_years_and_years_apart_each_with_its_source():
    values = {"2017H1": 100, "2017H2": 120, "2018H1": 40, "2017": 100, "2018": 110}
    parts = [
        cbs_obs(name, values).assign(
            published="CBS StatLine 86051NED (CBS StatLine, opgehaald 2025-04-22)",
            status=lambda f: np.where(f["period"] == "2018H1", "voorlopig", "definitief"),
        )
        for name in ("wmo_stand", "wmo_instroom", "wmo_uitstroom")
    ]
    table = flow.cbs_flow_table(*parts)
    half, year = plotting.cbs_reader_tables(table, pd.concat(parts), language="nl")
    assert list(half.data["Periode"]) == [
        "1e halfjaar 2017",
        "2e halfjaar 2017",
        "1e halfjaar 2018",
    ]
    assert list(year.data["Periode"]) == ["2017", "2018"]
    assert half.caption.startswith("Halfjaarcijfers") and year.caption.startswith("Jaarcijfers")
    assert "86051NED (CBS StatLine, opgehaald 2025-04-22)" in half.caption
    # no * in the cells, so the provisional period is named, in the table it belongs to
    assert "voorlopig: 1e halfjaar 2018" in half.caption and "* voorlopig" not in half.caption
    assert "voorlopig" not in year.caption
    only_years = table[table["period_type"] == "year"]
    assert len(plotting.cbs_reader_tables(only_years, pd.concat(parts))) == 1
