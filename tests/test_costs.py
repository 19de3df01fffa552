"""Tests of analysis.costs: CBS youth-care costs, budget lines with saldo, cost per client."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import compare, costs, plotting
from analysis.published import load_published


def obs(
    indicator,
    codes,
    values,
    period="2023",
    unit="euro x 1000",
    status="definitief",
    source="83454NED",
    period_type="year",
):
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": codes,
            "region_name": codes,
            "period": period,
            "period_type": period_type,
            "value": values,
            "unit": unit,
            "status": status,
            "source": source,
            "source_ref": None,
            "published": f"CBS StatLine {source}",
        }
    )


def test_per_youth_divides_realised_costs_by_youths_of_the_same_year_and_names_both_tables():
    cost = pd.concat(
        [
            obs("jeugdzorg_kosten_gerealiseerd", ["GM0344"], [127714.0]),
            obs(
                "jeugdzorg_kosten_gerealiseerd",
                ["GM0344"],
                [60000.0],
                period="2023H1",
                period_type="halfyear",
            ),
        ]
    )
    youths = pd.concat(
        [
            obs(
                "jeugdzorg_personen",
                ["GM0344"],
                [11780.0],
                unit="aantal",
                status="voorlopig",
                source="85099NED",
            ),
            obs(
                "jeugdzorg_personen",
                ["GM0344"],
                [9000.0],
                period="2023H1",
                period_type="halfyear",
                unit="aantal",
                source="85099NED",
            ),
        ]
    )
    out = costs.per_youth(cost, youths)
    assert len(out) == 1  # the half-year is left out
    row = out.iloc[0]
    assert row["value"] == pytest.approx(127714000 / 11780)
    assert row["unit"] == "euro" and row["indicator"] == costs.PER_YOUTH
    assert row["source"] == "83454NED / 85099NED" and row["status"] == "voorlopig"
    assert "jeugdzorg_personen (2023)" in row["source_ref"]


def test_per_youth_without_a_matching_year_is_empty():
    out = costs.per_youth(
        obs("jeugdzorg_kosten_gerealiseerd", ["GM0344"], [1.0], period="2017"),
        obs("jeugdzorg_personen", ["GM0344"], [10.0], unit="aantal"),
    )
    assert out.empty


def test_per_youth_keeps_a_missing_year_so_the_chart_leaves_a_gap():
    years = ["2016", "2017", "2018", "2019"]
    cost = obs("jeugdzorg_kosten_gerealiseerd", "GM0344", [68515.0, None, 80604.0, 88102.0], years)
    youths = obs(  # 2018 has no row at all in the youths table
        "jeugdzorg_personen",
        "GM0344",
        [9950.0, 11350.0, 12640.0],
        ["2016", "2017", "2019"],
        unit="aantal",
        source="84134NED",
    )
    out = costs.per_youth(cost, youths)
    assert out["period"].tolist() == years  # every year from the first to the last in both
    assert out["value"].isna().tolist() == [False, True, True, False]
    assert out.loc[out["value"].isna(), "status"].eq("missing").all()
    assert out["value"].iloc[0] == pytest.approx(68515000 / 9950)
    fig = plotting.line_chart(out, focus="GM0344")
    line = next(line for line in fig.axes[0].lines if line.get_label() == "GM0344")
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    between = (x > plotting.period_x("2016")) & (x < plotting.period_x("2019"))
    assert between.any() and np.isnan(y[between]).all()  # no line from 2016 to 2019


def test_per_youth_source_line_names_the_tables_and_the_vintage_once():
    vintage = " (CBS StatLine, opgehaald 2025-04-22)"
    cost = obs("jeugdzorg_kosten_gerealiseerd", "GM0344", [90560.0, 100489.0], ["2020", "2021"])
    youths = pd.concat(
        [
            obs(
                "jeugdzorg_personen", "GM0344", [13090.0], "2020", unit="aantal", source="84134NED"
            ),
            obs(
                "jeugdzorg_personen", "GM0344", [13235.0], "2021", unit="aantal", source="85099NED"
            ),
        ]
    )
    cost["published"] += vintage
    youths["published"] += vintage
    out = costs.per_youth(cost, youths)
    assert out["source"].tolist() == ["83454NED / 84134NED", "83454NED / 85099NED"]
    assert plotting.source_text(out) == (
        "Bron: CBS 83454NED, 84134NED en 85099NED (CBS StatLine, opgehaald 2025-04-22)"
    )
    assert plotting.source_text(out, "en") == (
        "Source: CBS 83454NED, 84134NED and 85099NED (CBS StatLine, retrieved 2025-04-22)"
    )
    later = youths.assign(published="CBS StatLine 85099NED (CBS StatLine, opgehaald 2025-06-01)")
    assert plotting.source_text(costs.per_youth(cost, later.iloc[1:])) == (
        "Bron: CBS 83454NED (CBS StatLine, opgehaald 2025-04-22), "
        "85099NED (CBS StatLine, opgehaald 2025-06-01)"
    )  # two vintages: each table with its own


def test_all_municipalities_median_stands_in_for_nederland():
    data = obs(
        "jeugdzorg_kosten_gerealiseerd_per_1000",
        ["GM0001", "GM0002", "GM0003", "PV26"],
        [100.0, 300.0, 200.0, 999.0],
        unit="euro x 1000 per 1000 inwoners",
    )
    out = costs.all_municipalities_median(data)
    assert out["region_code"].tolist() == [compare.ALL_CODE] and out["value"].tolist() == [200.0]
    assert (
        compare.display_name(compare.ALL_CODE, out["region_name"].iloc[0], "en")
        == "median of all municipalities (3)"
    )


def test_budget_lines_of_utrecht_hold_the_saldo_rows_and_print_as_the_budget_does():
    lines = costs.budget_lines(load_published(), "GM0344")
    assert (lines["unit"] == "euro x 1000").all()
    tables = dict(costs.budget_tables(lines, "nl"))
    basiszorg = tables["Begroting 2026 (2025): doelstelling Passende basiszorg (x € 1.000)"]
    assert list(basiszorg.columns)[:3] == ["Regel", "2024 rekening", "2025 begroting"]
    saldo = basiszorg.set_index("Regel").loc["Saldo baten en lasten"]
    assert saldo["2024 rekening"] == "-31.985" and saldo["2029 begroting"] == "-27.348"
    assert basiszorg["Regel"].tolist() == [
        "Baten",
        "Lasten",
        "Saldo baten en lasten",
        "Onttrekking reserves",
        "Toevoeging reserves",
        "Saldo onttrekkingen en toevoegingen reserves",
        "Totaal",
    ]
    jaarstukken = tables[
        "Jaarstukken 2018 (2019): programma Maatschappelijke Ondersteuning (x € 1.000)"
    ]
    assert (
        jaarstukken.set_index("Regel").loc[
            "Afwijking lasten (begroot min gerealiseerd)", "2018 afwijking"
        ]
        == "1.167"
    )


def test_another_municipality_has_no_budget_lines():
    assert costs.budget_lines(load_published(), "GM0363").empty
    assert costs.budget_tables(costs.budget_lines(load_published(), "GM0363")) == []
    assert costs.cost_per_client(load_published(), "GM0363").empty


def test_split_budget_id():
    assert costs.split_budget_id("saldo_baten_lasten_begroot_passende_basiszorg") == (
        "saldo_baten_lasten",
        "begroot",
        "passende_basiszorg",
    )
    assert costs.split_budget_id("lasten_gerealiseerd_passende_basiszorg") == (
        "lasten",
        "gerealiseerd",
        "passende_basiszorg",
    )
    assert costs.split_budget_id("lasten_afwijking_maatschappelijke_ondersteuning") == (
        "lasten_afwijking",
        "",
        "maatschappelijke_ondersteuning",
    )
    assert costs.split_budget_id("buurtteam_sociaal_clienten") is None


def test_cost_per_client_of_passende_basiszorg_states_both_sources_and_periods():
    ratios = costs.cost_per_client(load_published(), "GM0344")
    assert ratios["period"].tolist() == ["2024"]
    row = ratios.iloc[0]
    assert row["value"] == pytest.approx(32012 * 1000 / 9936)  # about 3 222 euro per client
    assert row["numerator_source"].startswith(
        "Begroting 2026 (2025), Doelstelling 1 Passende basiszorg, Financiën"
    )
    assert row["numerator_source"].endswith("(2024)") and row["denominator_source"].endswith(
        "Bereik (2024)"
    )
    text = costs.ratio_table(ratios, "nl")
    assert text.iloc[0]["Per cliënt"] == "3.222 euro"


def test_cost_per_client_needs_both_sides_in_the_same_year():
    pub = load_published()
    pub = pub[~((pub["indicator"] == "buurtteam_sociaal_clienten") & (pub["period"] == "2024"))]
    assert costs.cost_per_client(pub, "GM0344").empty


def test_cbs_costs_of_utrecht_in_the_embedded_extract():
    from analysis.sources import load_observations, resolve_source

    source = resolve_source("embedded")
    data = pd.concat(
        [
            load_observations(ind, source, regions=["GM0344"], period_type="year")
            for ind in (*costs.CBS_COSTS, *costs.CBS_COSTS_PER_1000)
        ]
    )
    table = costs.cbs_cost_table(data, "GM0344", "nl").set_index("Periode")
    assert table.loc["2023", "Kosten jeugdzorg, gerealiseerd (x € 1.000)"] == "127.714"
    assert (
        table.loc[
            "2023", "Kosten jeugdzorg per 1.000 inwoners, begroot (x € 1.000 per 1.000 inwoners)"
        ]
        == "345"
    )
    assert (
        table.loc["2017", "Kosten jeugdzorg, gerealiseerd (x € 1.000)"] == "–"
    )  # no 2017 year figure in CBS
    # status and source in the reader's language, the source as the sources table names it
    assert table.loc["2023", "Status"] == "definitief"
    assert table.loc["2023", "Bron"] == "CBS 83454NED (CBS StatLine, opgehaald 2025-04-22)"
    english = costs.cbs_cost_table(data, "GM0344", "en").set_index("Period")
    assert english.loc["2023", "Status"] == "final"
    assert english.loc["2023", "Source"] == "CBS 83454NED (CBS StatLine, retrieved 2025-04-22)"
    figures = costs.key_figures(
        data,
        costs.per_youth(
            data[data["indicator"] == "jeugdzorg_kosten_gerealiseerd"],
            load_observations("jeugdzorg_personen", source, regions=["GM0344"]),
        ),
        costs.cost_per_client(load_published(), "GM0344"),
        costs.budget_lines(load_published(), "GM0344"),
        "GM0344",
    )
    assert "jeugdzorg_kosten_gerealiseerd 2023: 127714 (definitief, 83454NED)" in figures
    assert "jeugdzorg_kosten_per_jongere 2023: 10842 euro (83454NED / 85099NED)" in figures
    assert "saldo_baten_lasten_gerealiseerd_passende_basiszorg 2024: -31985" in figures


def test_with_medians_leaves_out_a_comparison_region_without_any_figure():
    groups = {"nederland": ["NL01"], "g4": ["GM0363", "GM0599", "GM0518"], "grootteklasse": []}
    data = obs(
        "jeugdzorg_kosten_gerealiseerd_per_1000",
        ["GM0344", "GM0363", "GM0599", "GM0518"],
        [347.0, 392.0, None, 403.0],
        unit="euro x 1000 per 1000 inwoners",
    )
    out = costs.with_medians(data, "GM0344", groups)
    assert "GM0599" not in set(out["region_code"])  # Rotterdam reports no costs to CBS
    assert costs.without_figures(data, ["GM0363", "GM0599", "GM0518"]) == ["GM0599"]
    assert out.loc[out["region_code"] == compare.ALL_CODE, "value"].tolist() == [392.0]
    empty = costs.with_medians(data.assign(value=None), "GM0344", groups)
    assert set(empty["region_code"]) == {
        "GM0344"
    }  # the focus region stays, to say it has no figures
