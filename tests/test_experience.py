"""Tests for analysis.experience: marks, shares, group tests, disclosure of small groups, charts.

Every expected number is computed by hand in the comment next to it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import experience, plotting
from analysis.plotting import figure_texts
from analysis.register import Register, empty_table

SYNTH = "synthetisch register (analysis.synthetic, seed 1)"


def groups_frame(samples: dict, column: str = "rapportcijfer") -> pd.DataFrame:
    return pd.DataFrame(
        [{"wijk_code": g, column: v} for g, values in samples.items() for v in values]
    )


# --------------------------------------------------------------------------------------
# Tests for differences between groups
# --------------------------------------------------------------------------------------


def test_welch_anova_two_groups_by_hand():
    # A = 1..10, B = 4..13: means 5.5 and 8.5, both variances 9.1667.
    # Welch t = 3 / sqrt(2 * 9.1667 / 10) = 2.2156, F = t^2 = 4.9091;
    # df = (2 * 0.91667)^2 / (2 * 0.91667^2 / 9) = 18.
    # eta^2: grand mean 7, SS between = 2 * 10 * 1.5^2 = 45, SS within = 2 * 82.5 = 165 -> 45 / 210 = 0.2143.
    a, b = list(range(1, 11)), list(range(4, 14))
    res = experience.compare_groups(
        groups_frame({"A": a, "B": b}), value="rapportcijfer", group="wijk_code"
    )
    assert res["statistic"] == pytest.approx(4.909091, rel=1e-6)
    assert (res["df1"], res["df2"]) == (1.0, pytest.approx(18.0))
    assert res["effect_size"] == pytest.approx(45 / 210)
    assert res["p_value"] == pytest.approx(
        stats.ttest_ind(a, b, equal_var=False).pvalue
    )  # same test
    assert res["p_value"] < 0.05
    assert (res["n"], res["groups"], res["left_out"]) == (20, 2, ())


def test_welch_anova_with_unequal_variances_by_hand():
    # A = 1..5 (n 5, mean 3, variance 2.5); B = 2, 6, .., 30 (n 8, mean 16, variance 4^2 * 8 * 9 / 12 = 96).
    # Welch: F = 13^2 / (2.5/5 + 96/8) = 169 / 12.5 = 13.52; df = 12.5^2 / (0.5^2/4 + 12^2/7) = 7.5725.
    # (A classic ANOVA would give F = 11.30 on 1 and 11 df.)
    frame = groups_frame({"A": [1, 2, 3, 4, 5], "B": list(range(2, 31, 4))})
    res = experience.compare_groups(frame, value="rapportcijfer", group="wijk_code", min_n=5)
    assert res["statistic"] == pytest.approx(13.52)
    assert res["df2"] == pytest.approx(7.5725, abs=1e-4)


def test_groups_that_truly_differ_give_a_small_p_and_equal_groups_a_large_one():
    rng = np.random.default_rng(7)
    differ = {
        "A": rng.normal(6.5, 1, 40).round(),
        "B": rng.normal(8.0, 1, 40).round(),
        "C": rng.normal(7.0, 1.5, 40).round(),
    }
    same = {g: [6, 7, 8, 7, 6, 8, 7, 7, 8, 6, 7, 8] for g in "ABC"}  # identical distributions
    for method in ("welch", "kruskal"):
        assert (
            experience.compare_groups(
                groups_frame(differ), value="rapportcijfer", group="wijk_code", method=method
            )["p_value"]
            < 0.001
        )
        assert (
            experience.compare_groups(
                groups_frame(same), value="rapportcijfer", group="wijk_code", method=method
            )["p_value"]
            > 0.9
        )


def test_kruskal_wallis_by_hand():
    # ranks 1..6, R_A = 6, R_B = 15: H = 12 / (6 * 7) * (6^2/3 + 15^2/3) - 3 * 7 = 3.8571; eps^2 = H / (n - 1) = 0.7714
    res = experience.compare_groups(
        groups_frame({"A": [1, 2, 3], "B": [4, 5, 6]}),
        value="rapportcijfer",
        group="wijk_code",
        method="kruskal",
        min_n=3,
    )
    assert res["statistic"] == pytest.approx(3.857143, rel=1e-6)
    assert res["df1"] == 1 and np.isnan(res["df2"])
    assert res["effect_size"] == pytest.approx(3.857143 / 5, rel=1e-6)
    assert res["effect_measure"] == "epsilon2"


def test_chi_square_on_the_share_by_hand():
    # A: 8 of 10 yes, B: 2 of 10 yes. Expected 5 in every cell: chi^2 = 4 * 3^2 / 5 = 7.2, df 1,
    # p = 0.00729; Cramer's V = sqrt(7.2 / 20) = 0.6
    frame = pd.DataFrame(
        {
            "wijk_code": ["A"] * 10 + ["B"] * 10,
            "verder_zonder_hulp": [True] * 8 + [False] * 2 + [True] * 2 + [False] * 8,
        }
    )
    res = experience.compare_shares(frame, group="wijk_code")
    assert res["statistic"] == pytest.approx(7.2)
    assert res["df1"] == 1
    assert res["p_value"] == pytest.approx(0.0072904, rel=1e-4)
    assert res["effect_size"] == pytest.approx(0.6)
    equal = pd.DataFrame(
        {"wijk_code": ["A"] * 10 + ["B"] * 10, "verder_zonder_hulp": [True, False] * 10}
    )
    assert experience.compare_shares(equal, group="wijk_code")["p_value"] == pytest.approx(1.0)


def test_small_groups_are_left_out_and_named():
    frame = groups_frame({"A": list(range(1, 11)), "B": list(range(4, 14)), "C": [9] * 9})
    res = experience.compare_groups(frame, value="rapportcijfer", group="wijk_code")
    assert res["left_out"] == ("C",) and res["groups"] == 2 and res["n"] == 20
    alone = experience.compare_groups(
        groups_frame({"A": list(range(1, 11)), "C": [9] * 9}),
        value="rapportcijfer",
        group="wijk_code",
    )
    assert np.isnan(alone["p_value"]) and alone["groups"] == 1
    shares = pd.DataFrame({"wijk_code": ["A"] * 10 + ["C"] * 3, "verder_zonder_hulp": [True] * 13})
    assert np.isnan(experience.compare_shares(shares, group="wijk_code")["p_value"])


def test_group_tests_adjust_p_values_with_holm():
    rng = np.random.default_rng(3)
    rows = []
    for team, shift in (("sociaal", 0.0), ("jeugd_en_gezin", 1.5)):
        for g in ("A", "B"):
            for v in rng.normal(7 + (shift if g == "B" else 0), 1, 30).round():
                rows.append({"team": team, "wijk_code": g, "rapportcijfer": v})
    tests = experience.group_tests(
        pd.DataFrame(rows),
        group="wijk_code",
        per=("team",),
        measures=("rapportcijfer",),
        methods=("welch",),
        share=None,
    )
    p = tests.set_index("team")["p_value"]
    holm = tests.set_index("team")["p_holm"]
    # two tests: the smaller p times 2, the larger p times 1 (but never below the first)
    low, high = sorted(p)
    assert sorted(holm) == pytest.approx([min(1, 2 * low), min(1, max(2 * low, high))])
    assert tests.set_index("team").loc["jeugd_en_gezin", "significant"]
    assert not tests.set_index("team").loc["sociaal", "significant"]
    text = experience.describe_tests(tests, between="between_wijken")
    assert "**significant verschil** tussen wijken" in text
    assert "**geen significant verschil** tussen wijken" in text
    # each p-value stays on one line with its name and sign (no-break spaces)
    assert "p\u00a0(Holm)\u00a0" in text and "p (Holm) " not in text
    assert re.search(r"; p\u00a0(=\u00a0|<\u00a0)\d,\d{3}", text)
    table = plotting.tests_table(tests)
    assert list(table["Conclusie"]).count("geen significant verschil") == 1


def test_left_out_groups_are_named_with_the_minimum_the_tests_used():
    rows = [
        {"team": "sociaal", "wijk_code": g, "rapportcijfer": v}
        for g, n in (("WK034401", 30), ("WK034402", 30), ("WK034403", 12))
        for v in [7.0, 8.0] * (n // 2)
    ]
    tests = experience.group_tests(
        pd.DataFrame(rows),
        group="wijk_code",
        measures=("rapportcijfer",),
        methods=("welch",),
        share=None,
        min_n=20,
    )
    assert list(tests["left_out"].iloc[0]) == ["WK034403"] and tests["min_n"].iloc[0] == 20
    assert "minder dan 20 antwoorden" in experience.describe_tests(tests, between="between_wijken")
    assert "minder dan 20 antwoorden" in plotting.tests_table(tests)["Conclusie"].iloc[0]


# --------------------------------------------------------------------------------------
# Summaries and disclosure control
# --------------------------------------------------------------------------------------


def test_protect_summary_withholds_small_wijk_groups_with_their_intervals():
    frame = pd.DataFrame(
        {
            "wijk_code": ["WK034401", "WK034402"],
            "n": [9, 10],
            "mean": [7.0, 8.0],
            "ci_low": [6.0, 7.5],
            "ci_high": [8.0, 8.5],
        }
    )
    out = experience.protect_summary(frame, ["mean", "ci_low", "ci_high"])
    small, shown = out.iloc[0], out.iloc[1]
    assert small[["n", "mean", "ci_low", "ci_high"]].isna().all() and small["display"] == "x"
    assert shown["mean"] == 8.0 and shown["n"] == 10 and pd.isna(shown["display"])
    city = experience.protect_summary(
        frame.drop(columns="wijk_code"), ["mean", "ci_low", "ci_high"]
    )
    assert city["mean"].tolist() == [7.0, 8.0]  # the municipality is not protected
    assert frame["mean"].tolist() == [7.0, 8.0]  # the input is left alone


def survey_register() -> Register:
    cases = pd.DataFrame(
        {
            "case_id": [f"c{i}" for i in range(13)],
            "client_id": [f"k{i}" for i in range(13)],
            "team": "sociaal",
            "wijk_code": ["WK034401"] * 3 + ["WK034402"] * 10,
            "registration_date": pd.Timestamp("2024-01-02"),
            "first_conversation_date": pd.NaT,
            "end_date": pd.Timestamp("2024-02-01"),
            "urgent": False,
            "age_band": "23-44",
            "end_reason": "zelfstandig_verder",
        }
    )
    marks = [7, 8, 9] + [8] * 10
    surveys = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "survey_date": pd.Timestamp("2024-03-01"),
            "toegankelijkheid": pd.array(marks, dtype="Int64"),
            "kwaliteit": pd.array(marks, dtype="Int64"),
            "effect": pd.array(marks, dtype="Int64"),
            "rapportcijfer": pd.array(marks, dtype="Int64"),
            "verder_zonder_hulp": pd.array(
                [True, True, False] + [True] * 5 + [False] * 5, dtype="boolean"
            ),
        }
    )
    return Register(
        cases,
        surveys,
        empty_table("care"),
        True,
        "test",
        {"seed": 1, "generator_version": "1.0", "municipality": "GM0344"},
    )


def test_shown_summary_protects_keeps_one_wijk_and_cites_the_register():
    reg = survey_register()
    summary = pd.DataFrame(
        {
            "period": "2024",
            "team": "sociaal",
            "wijk_code": ["WK034401", "WK034402"],
            "n": [3, 10],
            "mean": [8.0, 8.0],
        }
    )
    small = experience.shown_summary(summary, ["mean"], reg, wijk="WK034401")
    assert "wijk_code" not in small.columns and small.index.tolist() == [0]
    assert pd.isna(small["mean"].iloc[0]) and small["display"].iloc[0] == "x"
    assert small["source"].iloc[0].startswith("synthetisch")
    big = experience.shown_summary(summary, ["mean"], reg, wijk="WK034402", threshold=11)
    assert pd.isna(big["mean"].iloc[0])  # the threshold is passed on
    city = experience.shown_summary(summary.drop(columns="wijk_code"), ["mean"], reg)
    assert city["mean"].tolist() == [8.0, 8.0] and len(city) == 2


def test_mark_summary_for_a_wijk_by_hand_and_withheld():
    reg = survey_register()
    # WK034401: marks 7, 8, 9 -> 3 responses, fewer than 10: withheld
    small = experience.mark_summary(reg.surveys, reg.cases, reg, wijk="WK034401")
    assert small["mean"].isna().all() and (small["display"] == "x").all()
    assert small["source"].iloc[0].startswith("synthetisch")
    # the city: 7, 8, 9 and ten 8s -> mean 8, sd sqrt(2/12) = 0.40825, t(0.975, 12) = 2.17881
    # half width 2.17881 * 0.40825 / sqrt(13) = 0.24670
    city = experience.mark_summary(reg.surveys, reg.cases, reg, measures=("rapportcijfer",)).iloc[0]
    assert city["n"] == 13 and city["mean"] == pytest.approx(8.0)
    assert (city["ci_low"], city["ci_high"]) == (
        pytest.approx(8 - 0.24670, abs=1e-4),
        pytest.approx(8.24670, abs=1e-4),
    )
    big = experience.mark_summary(
        reg.surveys, reg.cases, reg, wijk="WK034402", measures=("rapportcijfer",)
    )
    assert big["mean"].tolist() == [8.0] and big["n"].tolist() == [10]


def test_share_summary_wilson_interval_by_hand():
    reg = survey_register()
    # WK034402: 5 of 10 yes. Wilson, z = 1.96: centre (0.5 + 1.96^2/20) / (1 + 1.96^2/10) = 0.5,
    # half = 1.96 * sqrt(0.25/10 + 1.96^2/400) / 1.38416 = 0.26340 -> 23.7 .. 76.3 %
    share = experience.share_summary(reg.surveys, reg.cases, reg, wijk="WK034402").iloc[0]
    assert share["pct"] == 50
    assert share["ci_low"] == pytest.approx(23.66, abs=0.01) and share["ci_high"] == pytest.approx(
        76.34, abs=0.01
    )
    assert (
        experience.share_summary(reg.surveys, reg.cases, reg, wijk="WK034401")["pct"].isna().all()
    )


def test_responses_carry_team_wijk_and_period_and_filter():
    reg = survey_register()
    resp = experience.responses(reg.surveys, reg.cases)
    assert set(resp["period"]) == {"2024"} and resp["team"].eq("sociaal").all()
    assert len(experience.responses(reg.surveys, reg.cases, wijk="WK034401")) == 3
    assert experience.responses(reg.surveys, reg.cases, start="2025").empty
    assert len(experience.responses(reg.surveys, reg.cases, freq="month", end="2024-03")) == 13


def test_beside_published_keeps_every_publication():
    frame = pd.DataFrame({"period": ["2015", "2016"], "mean": [7.62, 7.81]})
    pub = pd.DataFrame(
        {
            "period": ["2015", "2015", "2017"],
            "value": [7.6, 7.5, 7.7],
            "published": ["Persbericht (2016)", "Monitor (2019)", "Monitor (2020)"],
            "source": "x",
        }
    )
    out = experience.beside_published(frame, pub, value="mean")
    assert out["period"].tolist() == ["2015", "2015", "2016", "2017"]
    # register 7.62 -> 7.6 (one decimal, as published); differences 0.0 and 0.1
    assert out["difference"].iloc[:2].tolist() == pytest.approx([0.1, 0.0])
    assert np.isnan(out["published_value"].iloc[2]) and np.isnan(out["register"].iloc[3])
    table = plotting.published_table(out, unit="rapportcijfer")
    assert table["Gepubliceerd"].tolist() == ["7,5", "7,6", "\u2013", "7,7"]


def test_summary_table_shows_withheld_values_as_x():
    reg = survey_register()
    small = experience.mark_summary(reg.surveys, reg.cases, reg, wijk="WK034401")
    table = plotting.summary_table(
        small,
        team="sociaal",
        measure="rapportcijfer",
        value="mean",
        low="ci_low",
        high="ci_high",
        unit="rapportcijfer",
    )
    assert table.iloc[0].tolist()[1:4] == ["x", "x", "x"]


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def test_charts_are_marked_synthetic_and_name_their_sources():
    reg = survey_register()
    marks = experience.mark_summary(reg.surveys, reg.cases, reg)
    pub = pd.DataFrame(
        {
            "period": ["2024"],
            "period_type": ["year"],
            "value": [7.9],
            "source": ["Begroting 2026"],
            "published": ["Begroting 2026 (2025)"],
        }
    )
    fig = plotting.marks_chart(marks, published={"sociaal": pub})
    texts = " ".join(figure_texts(fig))
    assert "synthetisch" in texts and "Begroting 2026" in texts and "gepubliceerd" in texts
    share = experience.share_summary(reg.surveys, reg.cases, reg)
    fig = plotting.interval_chart(
        share, value="pct", low="ci_low", high="ci_high", unit="procent", title="T"
    )
    assert "synthetisch" in " ".join(figure_texts(fig))
    with pytest.raises(ValueError, match="mix"):  # a year and a half-year never on one line
        plotting.interval_chart(
            pd.concat([share, share.assign(period="2024H1")]),
            value="pct",
            unit="procent",
            title="T",
        )


def test_group_interval_chart_writes_x_for_withheld_groups():
    reg = survey_register()
    frame = experience.wijk_comparison(reg.surveys, reg.cases, reg, team="sociaal", period="2024")
    assert frame.attrs["reference"] == pytest.approx(8.0)
    assert frame.set_index("wijk_code").loc["WK034401", "display"] == "x"
    texts = figure_texts(plotting.group_interval_chart(frame, title="T", highlight="WK034402"))
    assert "x" in texts and "West" in texts and "Noordwest" in texts
    assert any("gemeente: 8,0" in t for t in texts)


def test_a_small_p_value_keeps_its_sign_and_number_together():
    from analysis.experience import p_text

    assert p_text(0.0001, "nl") == "<\u00a00,001" and p_text(0.0001, "en") == "<\u00a00.001"
    assert p_text(0.4721, "nl") == "0,472" and p_text(float("nan"), "nl") == "–"
