"""The overview of the stelselindicatoren: rows, sources, published beside, the table (analysis.overview)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import notebook, overview, plotting, sources
from analysis import published as published_mod
from analysis.indicators import INDICATORS
from analysis.register import load_register

CASES_HEADER = (
    "case_id,client_id,team,wijk_code,registration_date,first_conversation_date,"
    "end_date,urgent,age_band,end_reason"
)
# Waiting times of Buurtteam Sociaal in working days (norm: 5):
#   2023: S1 Tue 01-10 -> Thu 01-12 = 2; S2 Wed 02-01 -> Wed 02-15 = 10  => mean 6, within norm 50 %
#   2024: S3 Fri 03-15 -> Wed 03-20 = 3                                   => mean 3, within norm 100 %
CASES_ROWS = [
    "S1,A,sociaal,WK034401,2023-01-10,2023-01-12,2023-03-15,false,23-44,zelfstandig_verder",
    "S2,B,sociaal,WK034401,2023-02-01,2023-02-15,,false,45-64,",
    "S3,A,sociaal,WK034403,2024-03-15,2024-03-20,,false,23-44,",
    "J1,K1,jeugd_en_gezin,WK034401,2023-06-01,2023-06-05,2024-02-01,false,4-11,zelfstandig_verder",
]
SURVEYS_HEADER = (
    "case_id,survey_date,toegankelijkheid,kwaliteit,effect,rapportcijfer,verder_zonder_hulp"
)
SURVEYS_ROWS = ["S1,2023-04-01,8,8,7,8,ja", "J1,2024-03-01,9,9,9,9,nee"]
META = {
    "synthetic": True,
    "seed": 7,
    "generator_version": "t1",
    "municipality": "GM0344",
    "snapshot_date": "2024-12-31",
}
SYNTHETIC = "synthetisch register (analysis.synthetic, seed 7)"


@pytest.fixture
def reg(tmp_path: Path):
    root = tmp_path / "register"
    root.mkdir()
    (root / "cases.csv").write_text("\n".join([CASES_HEADER, *CASES_ROWS]) + "\n", encoding="utf-8")
    (root / "surveys.csv").write_text(
        "\n".join([SURVEYS_HEADER, *SURVEYS_ROWS]) + "\n", encoding="utf-8"
    )
    (root / "register.json").write_text(json.dumps(META), encoding="utf-8")
    return load_register(root)


def _obs(
    indicator: str,
    values: dict,
    *,
    region: str = "GM0344",
    source: str = SYNTHETIC,
    published: str = "synthetisch, gegenereerd vt1",
    status: str = "definitief",
) -> pd.DataFrame:
    periods = list(values)
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": region,
            "region_name": "Utrecht",
            "period": periods,
            "period_type": ["halfyear" if "H" in p else "year" for p in periods],
            "value": [float(v) for v in values.values()],
            "unit": INDICATORS[indicator].unit,
            "status": status,
            "source": source,
            "source_ref": None,
            "published": published,
            "note": None,
        }
    )


def _value(obs, indicator, period):
    rows = obs[(obs["indicator"] == indicator) & (obs["period"] == period)]
    assert len(rows) == 1, (indicator, period)
    return float(rows["value"].iloc[0])


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.concat(
        [
            _obs("buurtteam_sociaal_clienten", {"2023": 10114, "2024": 9936}),
            _obs("buurtteam_sociaal_wachttijd", {"2023": 7.6, "2024": 7.9}),
            _obs(
                "jeugdhulp_pct",
                {"2022": 14.0, "2023": 14.2},
                source="85098NED",
                published="CBS StatLine 85098NED (CBS StatLine, opgehaald 2025-04-22)",
            ),
            _obs(
                "jeugdhulp_pct",
                {"2024H1": 11.0},
                source="85098NED",
                published="CBS StatLine 85098NED (x)",
            ),
            _obs("buurtteam_jg_rapportcijfer", {"2023": 8.3}),
        ],
        ignore_index=True,
    )


@pytest.fixture
def published() -> pd.DataFrame:
    return pd.concat(
        [
            _obs(
                "buurtteam_sociaal_wachttijd",
                {"2018": 4.3},
                source="Jaarstukken 2018",
                published="Jaarstukken 2018 (2019)",
            ),
            _obs(
                "buurtteam_sociaal_wachttijd",
                {"2024": 7.9},
                source="Begroting 2026",
                published="Begroting 2026 (2025)",
            ),
            _obs(
                "buurtteam_sociaal_clienten",
                {"2018": 16083},
                source="monitor",
                published="node/85, versie 2020",
            ),
            _obs(
                "buurtteam_sociaal_clienten",
                {"2018": 16000},
                source="monitor",
                published="versie tot juli 2019",
                status="voorlopig",
            ),
        ],
        ignore_index=True,
    )


# --- the rows ------------------------------------------------------------------------------


def test_the_headline_lists_cover_the_three_themes():
    assert overview.THEMES == ("bereik", "beschikbaarheid", "kwaliteit")
    assert set(overview.REGISTER_HEADLINES) | set(overview.CBS_HEADLINES) == {
        i for t in overview.THEMES for i in overview.HEADLINES[t]
    }
    assert overview.NORMS == {"buurtteam_sociaal_wachttijd": 5.0}
    assert all(i in INDICATORS for t in overview.THEMES for i in overview.HEADLINES[t])


def test_register_headlines_include_the_share_within_the_norm(reg):
    obs = overview.register_headlines(reg)
    assert set(obs["indicator"]) <= set(overview.REGISTER_HEADLINES)
    assert _value(obs, "buurtteam_sociaal_wachttijd", "2023") == pytest.approx(6.0)
    assert _value(obs, "buurtteam_sociaal_wachttijd_binnen_norm_pct", "2023") == pytest.approx(50.0)
    assert _value(obs, "buurtteam_sociaal_wachttijd_binnen_norm_pct", "2024") == pytest.approx(
        100.0
    )
    assert _value(obs, "buurtteam_sociaal_clienten", "2024") == 2, "B (still running) and A (again)"
    assert (obs["source"] == SYNTHETIC).all() and (obs["note"] == "synthetisch").all()
    assert "display" in obs.columns, "passed through disclosure control"


def test_one_per_period_keeps_the_latest_vintage(published):
    kept = published_mod.one_per_period(published)
    clients = kept[kept["indicator"] == "buurtteam_sociaal_clienten"]
    assert list(clients["value"]) == [16083.0], "versie 2020 beats versie tot juli 2019"
    assert len(kept) == 3
    twins = pd.concat(
        [
            _obs("jeugdhulp_pct", {"2020": 1.0}, published="A (2020)"),
            _obs("jeugdhulp_pct", {"2020": 2.0}, published="B (2020)"),
        ]
    )
    assert list(published_mod.one_per_period(twins)["value"]) == [1.0], "a tie keeps the first row"


def test_headline_observations_read_through_the_session(reg):
    session = notebook.start(region="GM0344", source="embedded", start="2015")
    obs = overview.headline_observations(session, reg)
    assert set(obs.loc[obs["source"] == SYNTHETIC, "indicator"]) >= {"buurtteam_sociaal_wachttijd"}
    jeugdhulp = obs[obs["indicator"] == "jeugdhulp_pct"]
    assert len(jeugdhulp) and not jeugdhulp.duplicated("period").any()
    assert (obs["period_type"] == "year").all()
    assert "jeugdhulp_pct" in session.source.used
    pub = overview.published_observations(session, reg)
    assert set(pub["indicator"]) <= set(overview.REGISTER_HEADLINES)
    assert "buurtteam_sociaal_wachttijd" in set(pub["indicator"])


def test_another_municipality_gets_no_register_rows():
    session = notebook.start(region="GM0363", source="embedded")
    scope = session.register(whole_region=True)
    assert not scope.applies and scope.used is None
    obs = overview.headline_observations(session, scope.used)
    assert not obs["source"].str.startswith("synthetisch").any()
    assert overview.published_observations(session, scope.used).empty
    assert "buurtteam_sociaal_clienten" not in session.source.used, "nothing read that is not shown"


# --- the extra columns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "published", "language", "expected"),
    [
        (SYNTHETIC, "synthetisch, gegenereerd v1.0", "nl", "register (synthetisch)"),
        (SYNTHETIC, "synthetisch, gegenereerd v1.0", "en", "register (synthetic)"),
        ("casusregister (export)", "casusregister, peildatum 2024-12-31", "nl", "register"),
        (
            "86050NED",
            "CBS StatLine 86050NED (CBS StatLine, opgehaald 2025-04-22)",
            "nl",
            "CBS 86050NED (CBS StatLine, opgehaald 2025-04-22)",
        ),
        (
            "86050NED",
            "CBS StatLine 86050NED (CBS StatLine, opgehaald 2025-04-22)",
            "en",
            "CBS 86050NED (CBS StatLine, retrieved 2025-04-22)",
        ),
        ("86050NED", None, "nl", "CBS 86050NED"),
        ("Begroting 2020 gemeente Utrecht", "Begroting 2020 (2019)", "nl", "Begroting 2020 (2019)"),
        (None, None, "nl", ""),
    ],
)
def test_row_source(source, published, language, expected):
    assert sources.row_source(source, published, language) == expected


def test_the_latest_publication_is_set_beside(published):
    assert (
        overview.published_text(published, "buurtteam_sociaal_wachttijd", "GM0344")
        == "7,9 werkdagen (2024, Begroting 2026 (2025))"
    )
    assert (
        overview.published_text(published, "buurtteam_sociaal_clienten", "GM0344", "en")
        == "16,083 (2018, node/85, versie 2020)"
    )
    assert overview.published_text(published, "buurtteam_jg_clienten", "GM0344") == ""
    assert (
        overview.published_text(published.iloc[0:0], "buurtteam_sociaal_wachttijd", "GM0344") == ""
    )


def test_value_text():
    assert overview.value_text(7.94, "werkdagen") == "7,9 werkdagen"
    assert overview.value_text(12.8, "procent", "voorlopig") == "12,8%*"
    assert overview.value_text(np.nan, "aantal", "suppressed", "<10") == "<10"
    assert overview.value_text(np.nan, "aantal") == "\u2013"
    assert overview.value_text(9936, "aantal", language="en") == "9,936"


def test_with_columns_keeps_the_table_and_escapes_the_new_text(rows):
    styler = plotting.headline_table(
        rows, indicators=["buurtteam_sociaal_clienten"], region="GM0344", period_type="year"
    )
    out = overview.with_columns(styler, {"Bron": ["<b>register</b>"]})
    assert list(out.data.columns) == [*styler.data.columns, "Bron"]
    html = out.to_html()
    assert "&lt;b&gt;register&lt;/b&gt;" in html and "<b>register</b>" not in html
    assert "<img" in html, "the sparkline stays an image"
    assert styler.caption and styler.caption in html and 'class="headline-table"' in html
    with pytest.raises(ValueError, match="1 rows"):
        overview.with_columns(styler, {"Bron": ["a", "b"]})


# --- the table -------------------------------------------------------------------------------


def test_headline_frame(rows, published):
    frame = overview.headline_frame(rows, published, region="GM0344")
    assert list(frame["indicator"]) == [
        "buurtteam_sociaal_clienten",
        "jeugdhulp_pct",
        "wmo_clienten_per_1000",
        "buurtteam_sociaal_wachttijd",
        "buurtteam_jg_rapportcijfer",
    ]
    by = frame.set_index("indicator")
    assert by.loc["jeugdhulp_pct", "period"] == "2023", "yearly figures, not the later half-year"
    assert (
        by.loc["jeugdhulp_pct", "row_source"] == "CBS 85098NED (CBS StatLine, opgehaald 2025-04-22)"
    )
    assert by.loc["jeugdhulp_pct", "published_beside"] == "", "nothing beside a CBS row"
    assert by.loc["wmo_clienten_per_1000", "row_source"] == "geen gegevens"
    assert by.loc["buurtteam_sociaal_wachttijd", "norm"] == 5.0
    assert by.loc["buurtteam_sociaal_wachttijd", "change"] == pytest.approx(0.3)
    assert by.loc["buurtteam_sociaal_wachttijd", "published_beside"].startswith(
        "7,9 werkdagen (2024"
    )
    assert list(frame["theme"]) == ["bereik", "bereik", "bereik", "beschikbaarheid", "kwaliteit"]
    assert overview.headline_frame(rows.iloc[0:0], region="GM0344").empty


def test_headline_overview_per_theme(rows, published):
    table = overview.headline_overview(rows, published, theme="beschikbaarheid", region="GM0344")
    data = table.data
    assert list(data.columns)[-2:] == ["Bron", "Gepubliceerd"]
    assert data["Laatste waarde"].tolist() == ["7,9 werkdagen"], (
        "one decimal, not the house default 8"
    )
    assert data["Verandering"].tolist() == ["+0,3 werkdagen"]
    assert data["Bron"].tolist() == ["register (synthetisch)"]
    assert "synthetische gegevens" in table.to_html()
    bereik = overview.headline_overview(rows, None, theme="bereik", region="GM0344", language="en")
    assert "Published" not in bereik.data.columns, "no column when nothing is published beside"
    assert bereik.data["Latest value"].tolist()[0] == "9,936"
    assert (
        overview.headline_overview(
            rows[rows["indicator"] == "jeugdhulp_pct"], None, theme="kwaliteit", region="GM0344"
        )
        is None
    )
    with pytest.raises(ValueError, match="theme"):
        overview.headline_overview(rows, theme="financien", region="GM0344")


def test_headline_summary_is_plain_text(rows, published):
    summary = overview.headline_summary(rows, published, region="GM0344")
    wait = summary.set_index("indicator").loc["buurtteam_sociaal_wachttijd"]
    assert wait.to_dict() == {
        "theme": "beschikbaarheid",
        "period": "2024",
        "value": "7,9 werkdagen",
        "previous": "7,6 werkdagen",
        "change": "+0,3 werkdagen",
        "norm": "5 werkdagen",
        "source": "register (synthetisch)",
        "published": "7,9 werkdagen (2024, Begroting 2026 (2025))",
    }
    assert summary.set_index("indicator").loc["wmo_clienten_per_1000", "value"] == "\u2013"
    assert overview.headline_summary(rows.iloc[0:0], region="GM0344").empty


# --- breaks and sources of the trend line ------------------------------------------------------


def _cbs_youth() -> pd.DataFrame:
    """Jongeren met jeugdhulp from two CBS tables, with the 2015/16 break of the definition."""
    vintage = "CBS StatLine 82972NED (CBS StatLine, opgehaald 2025-04-22)"
    return pd.concat(
        [
            _obs(
                "jeugdhulp_pct",
                {"2015": 7.3, "2016": 12.0},
                source="82972NED",
                published=vintage,
            ),
            _obs(
                "jeugdhulp_pct",
                {"2017": 13.0, "2018": 15.0},
                source="85098NED",
                published=vintage.replace("82972NED", "85098NED"),
            ),
        ],
        ignore_index=True,
    )


def _published_waits() -> pd.DataFrame:
    """Mean waiting times as published: 2016-2018 (melding - start ondersteuning), 2023-2024."""
    return pd.concat(
        [
            _obs(
                "buurtteam_sociaal_wachttijd",
                {"2016": 4.7, "2017": 5.5, "2018": 4.3},
                source="monitor",
                published="utrecht-monitor.nl node/85, versie 2020",
            ),
            _obs(
                "buurtteam_sociaal_wachttijd",
                {"2023": 7.6, "2024": 7.9},
                source="Begroting 2026",
                published="Begroting 2026 (2025)",
            ),
        ],
        ignore_index=True,
    )


def _alt_texts(html_text: str) -> list[str]:
    import html as html_mod
    import re

    return [html_mod.unescape(a) for a in re.findall(r'alt="([^"]*)"', html_text)]


def test_trend_source_names_every_source_with_its_years():
    youth = _cbs_youth()
    assert overview.trend_source(youth, "jeugdhulp_pct", "GM0344") == (
        "2015\u20132016: CBS 82972NED (CBS StatLine, opgehaald 2025-04-22); "
        "2017\u20132018: CBS 85098NED (CBS StatLine, opgehaald 2025-04-22)"
    )
    assert overview.trend_source(youth, "jeugdhulp_pct", "GM0344", "en") == (
        "2015\u20132016: CBS 82972NED (CBS StatLine, retrieved 2025-04-22); "
        "2017\u20132018: CBS 85098NED (CBS StatLine, retrieved 2025-04-22)"
    )
    waits = overview.trend_source(_published_waits(), "buurtteam_sociaal_wachttijd", "GM0344")
    assert waits == (
        "2016\u20132018: utrecht-monitor.nl node/85, versie 2020; "
        "2023\u20132024: Begroting 2026 (2025)"
    )
    one = _obs("jeugdhulp_pct", {"2022": 14.0, "2023": 14.2}, source="85098NED", published="x")
    assert overview.trend_source(one, "jeugdhulp_pct", "GM0344") == "CBS 85098NED"
    assert overview.trend_source(one, "jeugdhulp_pct", "GM0363") == ""
    frame = overview.headline_frame(youth, region="GM0344", indicators=["jeugdhulp_pct"])
    assert frame["row_source"].iloc[0].startswith("2015\u20132016: CBS 82972NED")


def test_headline_breaks_cbs_definition_and_published_definitions():
    youth = overview.headline_breaks(_cbs_youth(), "jeugdhulp_pct", "GM0344")
    # the definition break, then the table switch of the fixture (82972NED up to 2016)
    assert [(b, a) for b, a, _ in youth] == [("2015", "2016"), ("2016", "2017")]
    assert youth[1][2].startswith("tabelwissel: 82972NED \u2192 85098NED (jeugdzorg")
    waits = overview.headline_breaks(_published_waits(), "buurtteam_sociaal_wachttijd", "GM0344")
    assert [(b, a) for b, a, _ in waits] == [("2018", "2023")]
    assert "melding tot start ondersteuning" in waits[0][2]
    assert "aanmelding tot keukentafelgesprek" in waits[0][2]
    english = overview.headline_breaks(
        _published_waits(), "buurtteam_sociaal_wachttijd", "GM0344", "en"
    )
    assert english[0][2].startswith("series break: different definition")
    register = _obs("buurtteam_sociaal_wachttijd", {"2016": 4.7, "2023": 7.6, "2024": 7.9})
    assert overview.headline_breaks(register, "buurtteam_sociaal_wachttijd", "GM0344") == [], (
        "the register measures one definition throughout"
    )
    only_new = _published_waits().query("period >= '2023'")
    assert overview.headline_breaks(only_new, "buurtteam_sociaal_wachttijd", "GM0344") == []


def _families() -> pd.DataFrame:
    """Two monitor versions that date the same 6.000 families a year apart (as Utrecht's did)."""
    old, new = "utrecht-monitor 2019", "utrecht-monitor 2020"
    return pd.concat(
        [
            _obs("buurtteam_jg_gezinnen", {"2015": 6000, "2016": 8600}, source="m", published=old),
            _obs("buurtteam_jg_gezinnen", {"2016": 6000, "2017": 8542}, source="m", published=new),
        ],
        ignore_index=True,
    )


def test_a_trend_that_moves_between_contradicting_publications_breaks_there():
    every = _families()
    shown = every[(every["period"] == "2015") | (every["published"] == "utrecht-monitor 2020")]
    found = overview.headline_breaks(shown, "buurtteam_jg_gezinnen", "GM0344", published=every)
    assert found == [
        (
            "2015",
            "2016",
            "bronwissel: utrecht-monitor 2019 \u2192 utrecht-monitor 2020, die voor dezelfde "
            "jaren andere cijfers geven",
        )
    ]
    # publications that agree where they overlap: no break; without the vintages: none either
    agree = every.assign(value=every["value"].where(every["period"] != "2016", 6000.0))
    agree.loc[agree["period"] == "2015", "value"] = 5000.0
    assert overview.headline_breaks(shown, "buurtteam_jg_gezinnen", "GM0344", published=agree) == []
    assert overview.headline_breaks(shown, "buurtteam_jg_gezinnen", "GM0344") == []
    # the overview says it under the sparkline and in its alt text, and shows no change across it
    frame = overview.headline_frame(shown, every, region="GM0344")
    assert frame["breaks"].iloc[0][0][:2] == ("2015", "2016")
    table = overview.headline_overview(
        overview.real_observations(shown, every), every, theme="bereik", region="GM0344"
    )
    html_text = table.to_html()
    assert "bronwissel 2016" in html_text
    assert any("bronwissel tussen 2015 en 2016" in a for a in _alt_texts(html_text))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_headline_overview_shows_the_breaks_and_every_source(language):
    waits = overview.headline_overview(
        _published_waits(), theme="beschikbaarheid", region="GM0344", language=language
    )
    html_text = waits.to_html()
    (alt,) = _alt_texts(html_text)
    word, between = {"nl": ("werkdagen", "tussen"), "en": ("working days", "between")}[language]
    assert f"4{',' if language == 'nl' else '.'}3 {word}; " in alt, "values carry their unit"
    assert f" {between} 2018 {'en' if language == 'nl' else 'and'} 2023" in alt
    assert "\u2192" not in alt.split(";")[1], "no change from one definition to the next"
    assert 'class="series-break-note"' in html_text
    source = waits.data.iloc[0, -1]
    assert "2016\u20132018: utrecht-monitor.nl" in source and "2023\u20132024: Begroting" in source
    youth = overview.headline_overview(
        _cbs_youth(), theme="bereik", region="GM0344", language=language
    )
    (alt,) = _alt_texts(youth.to_html())
    assert alt.endswith("15,0%" if language == "nl" else "15.0%")
    assert ("7,3%; " if language == "nl" else "7.3%; ") in alt


def test_a_change_across_a_break_is_not_given_as_a_change():
    youth = _cbs_youth().query("period <= '2016'")
    table = overview.headline_overview(youth, theme="bereik", region="GM0344")
    assert table.data["Verandering"].iloc[0] == "\u2013 (trendbreuk 2016)"
    summary = overview.headline_summary(youth, region="GM0344", language="en")
    assert summary.set_index("indicator").loc["jeugdhulp_pct", "change"] == (
        "\u2013 (series break 2016)"
    )
    later = overview.headline_overview(_cbs_youth(), theme="bereik", region="GM0344")
    assert later.data["Verandering"].iloc[0] == "+2,0 %-punt"


def test_the_change_column_names_the_break_the_sparkline_draws():
    """One rule (analysis.plotting.break_between) for the change text and the sparkline."""
    import re

    youth = _cbs_youth().query("period <= '2016'")
    table = overview.headline_overview(youth, theme="bereik", region="GM0344")
    (note,) = re.findall(r'series-break-note"[^>]*>([^<]*)<', table.to_html())
    assert table.data["Verandering"].iloc[0] == f"\u2013 ({note})" == "\u2013 (trendbreuk 2016)"
    row = overview.headline_frame(youth, region="GM0344", indicators=["jeugdhulp_pct"]).iloc[0]
    assert plotting.break_between(row["breaks"], row["previous_period"], row["period"]) == (
        plotting.SeriesBreak(*row["breaks"][0])
    )
    # 2016 alone: the break lies before the only year, so no change text and no break drawn
    alone = _cbs_youth().query("period == '2016'")
    frame = overview.headline_frame(alone, region="GM0344", indicators=["jeugdhulp_pct"])
    assert frame["change_text"].iloc[0] is None
    html_text = overview.headline_overview(alone, theme="bereik", region="GM0344").to_html()
    assert "series-break-note" not in html_text and "trendbreuk" not in html_text
