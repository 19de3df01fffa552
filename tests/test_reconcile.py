"""Checking published figures against their sources (analysis.reconcile, ``python -m analysis reconcile``).

The unit tests build small made-up tables of published figures and source values,
so every classification is hit with a figure whose answer is known. The
integration tests run the command, and the real CBS files in ../shared/realdata
(skipped with a reason where absent) against the figures in data/published.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pandas as pd
import pytest

from analysis import config
from analysis import reconcile as rc
from analysis.cli import main
from analysis.labels import capitalised, label

# --- made-up figures and sources ------------------------------------------------------------


def fig(
    indicator="jeugdhulp_pct",
    period="2023",
    value=15.0,
    unit="procent",
    *,
    region="GM0344",
    status="definitief",
    source="Begroting 2025 gemeente X",
    published="Begroting 2025 (2024)",
):
    """One published figure, as a row of the published table."""
    from analysis.periods import period_type_of

    return {
        "indicator": indicator,
        "region_code": region,
        "region_name": "Utrecht",
        "period": period,
        "period_type": period_type_of(period),
        "value": value,
        "unit": unit,
        "status": status,
        "source": source,
        "source_ref": "tabel 1",
        "published": published,
        "note": None,
    }


def src(
    indicator="jeugdhulp_pct",
    period="2023",
    value=15.0,
    unit="procent",
    *,
    region="GM0344",
    table="85098NED",
    step=0.1,
    kind="cbs",
    rank=1,
    status="definitief",
    vintage="opgehaald 2025-04-22",
):
    """One source value, as a row of a source-observations frame."""
    from analysis.periods import period_type_of

    return {
        "indicator": indicator,
        "region_code": region,
        "period": period,
        "period_type": period_type_of(period),
        "value": value,
        "unit": unit,
        "status": status,
        "source_table": table,
        "vintage": vintage,
        "step": step,
        "kind": kind,
        "rank": rank,
    }


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def classify(figure, *sources, others=(), reason=None):
    src_frame = frame(*sources) if sources else rc.empty_sources()
    other_frame = frame(*others) if others else pd.DataFrame(columns=["published", "value"])
    reason = reason if reason is not None else rc.reason("no_series", indicator=figure["indicator"])
    out = rc.classify_figure(figure, src_frame, other_frame, no_source_reason=reason)
    return {**out, "evidence": rc.evidence(out["reasons"], "nl")}  # the text a Dutch reader sees


# --- rounding, units, periods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals"), [(7.3, 1), (2.05, 2), (12163.0, 0), (15.0, 0), (0.4, 1), (510, 0)]
)
def test_value_decimals_as_written(value, decimals):
    assert rc.value_decimals(value) == decimals


@pytest.mark.parametrize(
    ("published", "source", "source_step", "expected"),
    [
        (15.0, 15.0, 0.1, True),  # 15 vs CBS 15.0: the publication rounds to whole numbers
        (15.0, 15.4, 0.1, True),
        (15.0, 15.6, 0.1, False),
        (7.3, 7.3, 0.1, True),
        (7.2, 7.3, 0.1, False),  # one decimal each: a difference of 0.1 is a real difference
        (2.05, 2.1, 0.1, True),  # more decimals than the source: within the source's rounding
        (11322.0, 11320.0, 5.0, True),  # CBS counts are multiples of 5
        (11320.0, 11350.0, 5.0, False),
        (7.6, 7.599971, 0.0, True),  # an unrounded register value
        (7.6, 7.66, 0.0, False),
    ],
)
def test_within_rounding(published, source, source_step, expected):
    tol = rc.tolerance(rc.rounding_step(published), source_step)
    assert rc.within(published, source, tol) is expected


def test_unit_factors():
    assert rc.unit_factor("per 1000 inwoners", "per 10000 inwoners") == 10
    assert rc.unit_factor("per 1000 inwoners", "procent") == pytest.approx(0.1)
    assert rc.unit_factor("aantal", "aantal") == 1
    assert rc.unit_factor("aantal", "procent") is None


@pytest.mark.parametrize(
    ("published", "source", "relation"),
    [
        ("2017", "2017", "same"),
        ("2017", "2017H2", "overlap"),
        ("2024", "2024H1", "overlap"),
        ("2017H1", "2017", "overlap"),
        ("2015-12-31", "2015", "overlap"),
        ("2016", "2015", "adjacent"),
        ("2016", "2017", "adjacent"),
        ("2016-12-31", "2015-12-31", "adjacent"),
        ("2016", "2014", None),
        ("2016", "2015H2", None),
    ],
)
def test_period_relation(published, source, relation):
    assert rc.period_relation(published, source) == relation


# --- every classification ------------------------------------------------------------------------


def test_matches_within_the_publications_rounding():
    out = classify(fig(value=15.0), src(value=15.0), src(period="2023H1", value=12.9))
    assert out["classification"] == "matches"
    assert (out["source_table"], out["source_period"], out["source_value"]) == (
        "85098NED",
        "2023",
        15.0,
    )
    assert "85098NED" in out["evidence"]


def test_matches_after_converting_per_1000_to_per_10000():
    figure = fig("wmo_maatwerk_per_10000", "2015", 550.0, "per 10000 inwoners")
    out = classify(
        figure,
        src("wmo_clienten_per_1000", "2015", 55.0, "per 1000 inwoners", table="83262NED", step=1),
    )
    assert out["classification"] == "matches"
    assert "550 per 10.000 inwoners" in out["evidence"]


def test_a_half_year_figure_quoted_as_a_year_figure():
    out = classify(
        fig(period="2024", value=11.7),
        src(period="2024H1", value=11.7),
        src(period="2023", value=15.0),
    )
    assert out["classification"] == "matches_other_period"
    assert out["source_period"] == "2024H1"


def test_the_half_year_ending_with_the_year_is_preferred_and_the_year_itself_is_named():
    out = classify(
        fig(period="2017", value=0.4),
        src(period="2017", value=0.5),
        src(period="2017H1", value=0.4),
        src(period="2017H2", value=0.4),
    )
    assert out["classification"] == "matches_other_period"
    assert out["source_period"] == "2017H2"
    assert "2017 zelf: 0,5%" in out["evidence"]


def test_a_distinctive_figure_shifted_by_a_year():
    figure = fig(
        "buurtteam_jg_clienten", "2016", 12163.0, "aantal", published="monitor, versie 2020"
    )
    out = classify(
        figure,
        src(
            "buurtteam_jg_clienten",
            "2015",
            12163.0,
            "aantal",
            table="synthetisch register",
            step=0,
            kind="synthetic_register",
            rank=0,
        ),
        src(
            "buurtteam_jg_clienten",
            "2016",
            19000.0,
            "aantal",
            table="synthetisch register",
            step=0,
            kind="synthetic_register",
            rank=0,
        ),
    )
    assert out["classification"] == "matches_other_period"
    assert out["source_period"] == "2015"
    assert out["evidence"].startswith(
        label("reconcile_ev_synthetic")
    )  # never presented as verification


def test_a_small_figure_is_not_matched_to_another_year_by_chance():
    out = classify(
        fig(period="2016", value=1.1), src(period="2016", value=1.0), src(period="2015", value=1.1)
    )
    assert out["classification"] == "unexplained"
    assert out["source_period"] == "2016"


def test_a_percentage_labelled_as_per_10000():
    figure = fig(
        "wmo_maatwerk_per_10000",
        "2016",
        5.1,
        "per 10000 inwoners",
        published="Jaarstukken 2016 (2017)",
    )
    out = classify(
        figure,
        src("wmo_clienten_per_1000", "2016", 51.0, "per 1000 inwoners", table="83262NED", step=1),
    )
    assert out["classification"] == "matches_other_unit"
    assert "5,1%" in out["evidence"] and "per 10.000 inwoners" in out["evidence"]


def test_per_1000_labelled_as_per_10000():
    figure = fig("wmo_maatwerk_per_10000", "2016", 51.0, "per 10000 inwoners")
    out = classify(
        figure,
        src("wmo_clienten_per_1000", "2016", 51.0, "per 1000 inwoners", table="83262NED", step=1),
    )
    assert out["classification"] == "matches_other_unit"


def test_a_provisional_cbs_table_page_is_revised():
    figure = fig(
        region="NL01",
        period="2019",
        value=12.2,
        status="voorlopig",
        source="82972NED",
        published="cbs.nl tabelpagina 82972NED",
    )
    out = classify(figure, src(region="NL01", period="2019", value=12.3, table="82972NED", rank=0))
    assert out["classification"] == "revised"
    assert "voorlopig" in out["evidence"] and "82972NED" in out["evidence"]


def test_two_publications_of_one_figure_are_evidence_of_revision():
    figure = fig(
        "buurtteam_jg_gezinnen", "2017", 8100.0, "aantal", published="monitor, versie tot juli 2019"
    )
    other = fig("buurtteam_jg_gezinnen", "2017", 8542.0, "aantal", published="monitor, versie 2020")
    out = classify(
        figure,
        src(
            "buurtteam_jg_gezinnen",
            "2017",
            8542.0,
            "aantal",
            table="casusregister",
            step=0,
            kind="register",
            rank=0,
        ),
        others=[other],
    )
    assert out["classification"] == "revised"
    assert "monitor, versie 2020 geeft 8.542" in out["evidence"]


def test_a_large_difference_is_no_revision():
    figure = fig(region="NL01", period="2019", value=10.2, status="voorlopig", source="82972NED")
    out = classify(figure, src(region="NL01", period="2019", value=12.3, table="82972NED"))
    assert out["classification"] == "unexplained"
    assert "2,1" in out["evidence"]


def test_unexplained_difference():
    out = classify(
        fig(value=14.0),
        src(value=15.0),
        src(period="2023H2", value=12.4),
        src(period="2022", value=16.0),
    )
    assert out["classification"] == "unexplained"
    assert out["source_value"] == 15.0
    assert "±0,55" in out["evidence"]


def test_no_source_series():
    out = classify(
        fig("buurtteam_sociaal_wachttijd_norm", value=5.0, unit="werkdagen"),
        reason=rc.reason("no_series", indicator="buurtteam_sociaal_wachttijd_norm"),
    )
    assert out["classification"] == "no_source"
    assert [r.code for r in out["reasons"]] == ["no_series"]
    assert (
        out["evidence"]
        == "geen bronreeks: de indicator staat niet in de CBS-catalogus en komt niet uit het register"
    )
    assert out["source_table"] is None and pd.isna(out["source_value"])


def test_no_source_for_the_period():
    out = classify(fig(period="2016", value=13.1), src(period="2023", value=15.0))
    assert out["classification"] == "no_source"
    assert "geen cijfer voor 2016" in out["evidence"]


def test_a_figure_without_value_has_nothing_to_check():
    out = classify(fig(value=float("nan"), status="missing"), src(value=15.0))
    assert out["classification"] == "no_source"
    assert out["reasons"] == (rc.reason("no_value", status="missing"),)
    assert "ontbreekt" in out["evidence"]  # the status is a code, written in the reader's language


def test_a_figure_without_value_is_shown_as_a_dash_not_as_a_status_word():
    """A missing value reads ``–`` in the value column (as in every table), not ``ontbreekt``."""
    published = frame(fig(value=float("nan"), status="missing"), fig(period="2022", value=14.0))
    table = rc.reconcile(published, frame(src(value=15.0), src(period="2022", value=14.0)))
    for language in ("nl", "en"):
        shown = rc.reader_table(table, language)
        values = shown[capitalised(label("reconcile_published_value", language))].tolist()
        assert values[0] == "\u2013" and values[1] != "\u2013"
        assert label("missing", language) not in values


def test_evidence_follows_the_language():
    figure = fig(period="2017", value=12.7)
    out = rc.classify_figure(
        figure, frame(src(period="2017H2", value=12.7), src(period="2017", value=15.0))
    )
    assert [r.code for r in out["reasons"]] == ["other_period", "itself"]
    text = rc.evidence(out["reasons"], "en")
    assert "2nd half 2017" in text and "2017 itself: 15.0%" in text
    assert "2e halfjaar 2017" in rc.evidence(out["reasons"], "nl")


def test_the_result_holds_codes_and_is_written_in_the_session_language(made_up, restore_language):
    from analysis import labels

    published, cbs, register = made_up
    table = rc.reconcile(published, cbs, register)
    assert "evidence" not in table.columns
    assert all(isinstance(r, rc.Reason) for reasons in table["reasons"] for r in reasons)
    synthetic = table.iloc[-1]["reasons"]
    assert [r.code for r in synthetic] == ["synthetic", "match"]
    labels.set_language("en")
    shown = rc.reader_table(table)
    assert "Evidence" in {c.capitalize() for c in shown.columns}
    evidence = shown[capitalised(label("reconcile_evidence", "en"))]
    assert evidence.iloc[-1].startswith("Only compared with the synthetic register")
    assert (
        shown[capitalised(label("reconcile_source_table", "en"))].iloc[-1] == "synthetic register"
    )
    assert shown[capitalised(label("reconcile_classification", "en"))].iloc[0] == "matches"
    labels.set_language("nl")
    assert (
        rc.reader_table(table)[capitalised(label("reconcile_evidence", "nl"))]
        .iloc[-1]
        .startswith("Alleen vergeleken met het synthetische register")
    )


def test_a_provisional_status_is_written_in_the_readers_language():
    figure = fig(
        region="NL01",
        period="2019",
        value=12.2,
        status="voorlopig",
        source="82972NED",
        published="cbs.nl tabelpagina 82972NED",
    )
    out = classify(figure, src(region="NL01", period="2019", value=12.3, table="82972NED", rank=0))
    text = rc.evidence(out["reasons"], "en")
    assert "published as provisional, in the source final" in text
    assert "the cache holds vintage retrieved 2025-04-22" in text
    assert "voorlopig" not in text and "definitief" not in text and "opgehaald" not in text


def test_reason_codes_are_known():
    with pytest.raises(KeyError, match="unknown reason code"):
        rc.reason("looks_fine")


# --- the whole table ----------------------------------------------------------------------------


@pytest.fixture
def made_up():
    published = frame(
        fig(period="2015", value=7.3),
        fig(period="2017", value=12.7),
        fig(
            "wmo_maatwerk_per_10000",
            "2016",
            5.1,
            "per 10000 inwoners",
            published="Jaarstukken 2016 (2017)",
        ),
        fig("wmo_maatwerk_per_10000", "2016", 510.0, "per 10000 inwoners"),
        fig(
            region="NL01",
            period="2019",
            value=12.2,
            status="voorlopig",
            source="82972NED",
            published="cbs.nl tabelpagina 82972NED",
        ),
        fig(period="2016", value=1.1, published="Begroting 2018 (2017)"),
        fig("buurtteam_sociaal_wachttijd_norm", "2024", 5.0, "werkdagen"),
        fig("buurtteam_sociaal_clienten", "2018", 16083.0, "aantal"),
    )
    cbs = frame(
        src(period="2015", value=7.3, table="82972NED", rank=0),
        src(period="2016", value=13.1, table="82972NED", rank=0),
        src(period="2017", value=15.0, table="82972NED", rank=0),
        src(period="2017H2", value=12.7, table="82972NED", rank=0),
        src(region="NL01", period="2019", value=12.3, table="82972NED", rank=0),
        src(
            "wmo_clienten_per_1000",
            "2016",
            54.0,
            "per 1000 inwoners",
            table="83262NED",
            step=1,
            rank=0,
        ),
        src(
            "wmo_clienten_per_1000",
            "2016H2",
            51.0,
            "per 1000 inwoners",
            table="83262NED",
            step=1,
            rank=0,
        ),
    )
    register = rc.register_source(
        pd.DataFrame(
            {
                "indicator": ["buurtteam_sociaal_clienten"],
                "region_code": ["GM0344"],
                "period": ["2018"],
                "period_type": ["year"],
                "value": [16083.0],
                "unit": ["aantal"],
                "status": ["definitief"],
                "published": ["synthetisch, gegenereerd v1.0"],
            }
        ),
        synthetic=True,
    )
    return published, cbs, register


def test_reconcile_classifies_every_figure(made_up):
    published, cbs, register = made_up
    table = rc.reconcile(published, cbs, register)
    assert list(table.columns) == rc.OUTPUT_COLUMNS
    assert len(table) == len(published)
    assert table["classification"].tolist() == [
        "matches",
        "matches_other_period",
        "matches_other_unit",
        "matches_other_period",
        "revised",
        "unexplained",
        "no_source",
        "matches",
    ]
    assert set(table["classification"]) | {"no_source"} <= set(rc.CLASSIFICATIONS)
    synthetic = table.iloc[-1]
    assert synthetic["source_table"] == "synthetisch register"
    text = rc.evidence(synthetic["reasons"], "nl")
    assert "vergeleken met het synthetische register" in text and "geen verificatie" in text


def test_without_cbs_cache_cbs_figures_have_no_source_and_the_evidence_says_how_to_import(made_up):
    published, _, register = made_up
    table = rc.reconcile(published, None, register)
    cbs_rows = table[table["indicator"].isin(["jeugdhulp_pct", "wmo_maatwerk_per_10000"])]
    assert (cbs_rows["classification"] == "no_source").all()
    assert cbs_rows["reasons"].map(lambda r: r[0].code == "no_cache").all()
    assert (
        cbs_rows["reasons"]
        .map(lambda r: "python -m analysis cbs import PATH" in rc.evidence(r))
        .all()
    )
    assert table.iloc[-1]["classification"] == "matches"  # the register is still compared


def test_counts_and_summary(made_up):
    published, cbs, register = made_up
    table = rc.reconcile(published, cbs, register)
    counts = rc.classification_counts(table)
    assert counts["classification"].tolist() == list(rc.CLASSIFICATIONS)
    assert counts.set_index("classification")["total"].to_dict() == {
        "matches": 2,
        "matches_other_period": 2,
        "matches_other_unit": 1,
        "revised": 1,
        "unexplained": 1,
        "no_source": 1,
    }
    assert counts.set_index("classification").loc["matches", "synthetic_register"] == 1
    text = rc.summary(table, cbs_consulted=True)
    # the real checks come first and are the only ones counted; the synthetic comparison is apart
    assert "**klopt**: 1 (CBS 1)" in text
    assert "synthetisch register" not in text.split("\n\n")[2]
    assert (
        "Tegen een echte bron gecontroleerd (CBS, een echt register) of zonder bron: 7 cijfers."
        in text
    )
    assert (
        "1 cijfers zijn alleen vergeleken met het **synthetische** register en tellen hierboven niet mee"
        in text
    )
    assert "geen verificatie" in text
    assert len(rc.real_checks(table)) == 7 and len(rc.synthetic_checks(table)) == 1
    apart = rc.synthetic_summary(table)
    assert apart.startswith("**Geen verificatie.** Deze 1 cijfers") and "- klopt: 1" in apart
    assert (
        rc.synthetic_summary(rc.real_checks(table))
        == "Geen vergelijkingen met het synthetische register."
    )
    assert "Geen CBS-cache" in rc.summary(
        rc.reconcile(published, None, register), cbs_consulted=False
    )
    key = rc.key_figures(table, rc.publication_conflicts(published))
    assert "matches: 1 (cbs 1, register 0)" in key
    assert "compared only with the synthetic register (no verification): 1\n  matches: 1" in key


def test_reader_tables_are_labelled(made_up):
    published, cbs, register = made_up
    parts = rc.by_publication(rc.reconcile(published, cbs, register), "nl")
    assert [p for p, _ in parts] == [
        "Begroting 2018 (2017)",
        "Jaarstukken 2016 (2017)",
        "Begroting 2025 (2024)",
        "cbs.nl tabelpagina 82972NED",
    ]  # oldest vintage first, undated last
    first = parts[1][1]
    assert list(first.columns)[-2:] == ["Oordeel", "Onderbouwing"]
    assert first["Oordeel"].tolist() == ["klopt in een andere eenheid"]
    assert first["Gepubliceerde waarde"].tolist() == ["5,1 per 10.000 inwoners"]
    assert first["Indicator"].tolist() == [
        "Cliënten met een maatwerkarrangement Wmo (BBV-indicator)"
    ]  # no ids
    assert first["Gebied"].tolist() == ["Utrecht"]  # no codes
    english = rc.reader_table(rc.reconcile(published, cbs, register), "en")
    assert "Netherlands" in english["Area"].tolist()


def test_an_unrounded_register_value_is_shown_one_decimal_finer_than_the_publication():
    figure = fig("buurtteam_sociaal_wachttijd", "2024", 7.5, "werkdagen")
    out = rc.classify_figure(
        figure,
        frame(
            src(
                "buurtteam_sociaal_wachttijd",
                "2024",
                7.498734,
                "werkdagen",
                table="casusregister",
                step=0,
                kind="register",
                rank=0,
            )
        ),
    )
    assert out["classification"] == "matches"
    table = pd.DataFrame(
        [
            {
                "publication": "p",
                "indicator": figure["indicator"],
                "region_code": "GM0344",
                "period": "2024",
                "published_value": 7.5,
                "published_unit": "werkdagen",
                **out,
            }
        ]
    )
    shown = rc.reader_table(table, "nl").iloc[0]
    assert shown["Bronwaarde"] == "7,50"
    assert shown["Brontabel"] == "casusregister"
    assert "7,50 werkdagen" in shown["Onderbouwing"] and "7,498734" not in shown["Onderbouwing"]
    assert rc.reader_table(table, "en").iloc[0]["Source table"] == "case register"


# --- conflicts between publications -------------------------------------------------------------------


def test_conflicts_list_both_publications_with_their_sources():
    published = frame(
        fig(
            "buurtteam_jg_clienten",
            "2015",
            12500.0,
            "aantal",
            source="Persbericht",
            published="Persbericht (2016)",
        ),
        fig(
            "buurtteam_jg_clienten",
            "2015",
            12163.0,
            "aantal",
            source="monitor",
            published="monitor, versie tot juli 2019",
        ),
        fig(
            "buurtteam_jg_rapportcijfer",
            "2015",
            7.5,
            "rapportcijfer",
            published="Persbericht (2016)",
        ),
        fig(
            "buurtteam_jg_rapportcijfer",
            "2015",
            7.5,
            "rapportcijfer",
            published="monitor, versie tot juli 2019",
        ),
        fig("jongeren_delict_pct", "2016", float("nan"), status="missing"),
    )
    conflicts = rc.publication_conflicts(published)
    assert list(conflicts.columns) == rc.CONFLICT_COLUMNS
    assert len(conflicts) == 1
    row = conflicts.iloc[0]
    assert (row["publication_a"], row["value_a"], row["source_a"]) == (
        "Persbericht (2016)",
        12500.0,
        "Persbericht",
    )
    assert (row["publication_b"], row["value_b"], row["source_b"]) == (
        "monitor, versie tot juli 2019",
        12163.0,
        "monitor",
    )
    table = rc.conflicts_table(conflicts)
    assert table.iloc[0]["Bron A"] == "Persbericht (tabel 1)"


def test_figure_columns_label_indicator_region_and_period():
    frame = pd.DataFrame(
        {"indicator": ["jeugdhulp_pct"], "region_code": ["GM0344"], "period": ["2023H1"]}
    )
    dutch = rc.figure_columns(frame, "nl")
    assert list(dutch) == ["Indicator", "Gebied", "Periode"]
    assert dutch["Gebied"].tolist() == [rc.region_text("GM0344", "nl")]
    assert dutch["Indicator"].tolist() == [rc.indicator_text("jeugdhulp_pct", "nl")]
    assert dutch["Periode"].iloc[0] != "2023H1"  # written for readers
    assert list(rc.figure_columns(frame, "en")) == ["Indicator", "Area", "Period"]


def test_the_published_conflicts_are_found():
    from analysis.published import load_published

    conflicts = rc.publication_conflicts(load_published())
    found = set(zip(conflicts["indicator"], conflicts["period"], strict=True))
    assert ("buurtteam_jg_clienten", "2015") in found
    assert ("wmo_maatwerk_per_10000", "2016") in found
    assert ("aanvullende_zorg_individuele_begeleiding", "2016-12-31") in found
    assert ("buurtteam_jg_rapportcijfer", "2015") not in found  # both publications say 7.5


# --- the command --------------------------------------------------------------------------------


def test_command_prints_csv_and_checks_against_the_cbs_extract(tmp_path):
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp_path / "empty"), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "reconcile", "--format", "csv"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == ",".join([*rc.OUTPUT_COLUMNS, "evidence"])
    table = pd.read_csv(io.StringIO(proc.stdout), dtype=str, keep_default_na=False)
    assert len(table) > 200
    assert set(table["classification"]) <= set(rc.CLASSIFICATIONS)
    # no cache: the embedded extract is the source; the 2018 figure of Begroting 2020 is CBS's 2nd half-year
    cbs_based = table[
        (table["indicator"] == "jeugdhulp_pct") & (table["publication"] == "Begroting 2020 (2019)")
    ]
    got = dict(
        zip(
            cbs_based["period"],
            zip(cbs_based["classification"], cbs_based["source_period"], strict=True),
            strict=True,
        )
    )
    assert got["2018"] == ("matches_other_period", "2018H2")
    assert got["2017"] == ("matches_other_period", "2017H2")
    assert got["2015"][0] == "matches"
    assert (
        "note: CBS figures from CBS-extract data/cbs (CBS StatLine, opgehaald 2025-04-22)"
        in proc.stderr
    )
    assert "SYNTHETIC" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_command_rejects_a_missing_source_in_one_line(capsys, tmp_cache):
    assert main(["reconcile", "--source", str(tmp_cache / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: parameter 'source'") and err.count("\n") == 1


def test_command_with_cbs_cache_source_and_no_cache_is_an_error(capsys, tmp_cache):
    assert main(["reconcile", "--source", "cbs-cache", "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "python -m analysis cbs import PATH" in err and err.count("\n") == 1


# --- real CBS files ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_table(tmp_path_factory):
    """data/published checked against ../shared/realdata, imported into a temporary cache."""
    from analysis.cbs import import_paths
    from analysis.published import load_published

    folder = config.realdata_dir()
    if not folder.is_dir():
        pytest.skip(f"third-party CBS files not found at {folder} (a fresh clone has no ../shared)")
    cache = tmp_path_factory.mktemp("reconcile") / "cbs"
    import_paths([folder], cache_dir=cache, vintage="CBS StatLine, opgehaald 2025-04-22")
    published = load_published()
    cbs = rc.cbs_observations(
        rc.cbs_indicators(published["indicator"].unique()),
        cache,
        regions=sorted(published["region_code"].unique()),
    )
    return rc.reconcile(published, cbs, None)


def pick(table, indicator, region, period, publication=None):
    sel = table[
        (table["indicator"] == indicator)
        & (table["region_code"] == region)
        & (table["period"] == period)
    ]
    if publication is not None:
        sel = sel[sel["publication"] == publication]
    assert len(sel) == 1, f"{indicator} {region} {period}: {len(sel)} rows"
    return sel.iloc[0]


@pytest.mark.realdata
def test_cbs_table_pages_match_or_are_revised(real_table):
    pages = real_table[real_table["publication"] == "cbs.nl tabelpagina 82972NED"]
    assert len(pages) == 5
    assert set(pages["classification"]) <= {"matches", "revised"}
    assert (
        pick(real_table, "jeugdhulp_pct", "NL01", "2019")["classification"] == "revised"
    )  # 12.2* -> 12.3


@pytest.mark.realdata
def test_utrecht_jeugdhulp_in_the_budget(real_table):
    for period in ("2015", "2016"):
        row = pick(real_table, "jeugdhulp_pct", "GM0344", period)
        assert (row["classification"], row["source_table"], row["source_period"]) == (
            "matches",
            "82972NED",
            period,
        )
    for period in ("2017", "2018"):  # 12.7 and 12.8 are the second half-years, not the years (15.0)
        row = pick(real_table, "jeugdhulp_pct", "GM0344", period)
        assert (row["classification"], row["source_period"]) == (
            "matches_other_period",
            f"{period}H2",
        )


@pytest.mark.realdata
def test_wmo_bbv_indicator_in_both_units(real_table):
    assert (
        pick(real_table, "wmo_maatwerk_per_10000", "GM0344", "2015")["classification"] == "matches"
    )
    for period in ("2016", "2017", "2018"):
        row = pick(
            real_table, "wmo_maatwerk_per_10000", "GM0344", period, "Jaarstukken 2018 (2019)"
        )
        assert row["classification"] == "matches_other_unit"  # 5,1 'per 10.000' is a percentage
        row = pick(real_table, "wmo_maatwerk_per_10000", "GM0344", period, "Begroting 2020 (2019)")
        assert row["classification"] == "matches_other_period"  # a half-year figure


@pytest.mark.realdata
def test_register_figures_have_no_source_without_a_register(real_table):
    row = pick(real_table, "buurtteam_sociaal_clienten", "GM0344", "2018")
    assert row["classification"] == "no_source"
    assert (real_table["source_table"].map(rc.basis) != "synthetic_register").all()


# --- the embedded CBS extract ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extract_table():
    """data/published checked against the embedded CBS extract (no cache, no ../shared needed)."""
    from analysis.cbs import extract_dir
    from analysis.published import load_published

    published = load_published()
    cbs = rc.cbs_observations(
        rc.cbs_indicators(published["indicator"].unique()),
        extract_dir(),
        regions=sorted(published["region_code"].unique()),
    )
    return rc.reconcile(published, cbs, None)


def test_2017_jeugdzorg_figures_are_checked_against_the_table_they_cite(extract_table):
    row = pick(extract_table, "jeugdzorg_personen", "GM0344", "2017", "cbs.nl tabelpagina 82966NED")
    assert row["classification"] == "matches" and row["source_table"] == "82966NED"
    assert row["source_value"] == 11320
    for indicator in (
        "jeugdhulp_personen",
        "jeugdbescherming_personen",
        "jeugdzorg_alleen_jeugdreclassering",
    ):
        row = pick(extract_table, indicator, "GM0344", "2017")
        assert (row["classification"], row["source_table"]) == ("matches", "82966NED"), indicator
    cited = extract_table[extract_table["publication"] == "cbs.nl tabelpagina 82966NED"]
    assert (cited["classification"] == "matches").all()


def test_half_year_figures_printed_as_year_figures_are_found_in_the_extract(extract_table):
    for period, half in (("2017", "2017H2"), ("2018", "2018H2")):
        row = pick(extract_table, "jeugdhulp_pct", "GM0344", period, "Begroting 2020 (2019)")
        assert (row["classification"], row["source_period"]) == ("matches_other_period", half)


def test_load_sources_reads_the_extract_for_an_embedded_session(tmp_cache):
    from analysis.published import load_published
    from analysis.sources import resolve_source

    source = resolve_source("embedded")
    published = load_published()
    published = published[published["indicator"].isin(["jeugdhulp_pct", "jeugdzorg_personen"])]
    cbs, reg = rc.load_sources(published, source)
    assert cbs is not None and reg.empty
    assert {"82966NED", "82972NED", "85098NED", "84134NED"} <= set(cbs["source_table"])
    assert (
        source.used["jeugdhulp_pct"] == "CBS-extract data/cbs (CBS StatLine, opgehaald 2025-04-22)"
    )
    assert "82966NED" in source.tables
