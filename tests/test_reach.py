"""Reach: which register applies (analysis.register.register_scope), its reach figures, rows for charts, published beside register (analysis.reach)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import compare, config, reach
from analysis.disclosure import apply_disclosure_control
from analysis.indicators import INDICATORS
from analysis.plotting import figure_texts, line_chart
from analysis.register import load_register, register_record, register_scope

CASES_HEADER = (
    "case_id,client_id,team,wijk_code,registration_date,first_conversation_date,"
    "end_date,urgent,age_band,end_reason"
)
# Hand-computed figures per year (2023, 2024):
#   S1  Sociaal, client A, West, 2023-01-10 .. 2023-03-15
#   S2  Sociaal, clients B and C, West, registered 2023-02-01, still running
#   S3  Sociaal, client A again, Overvecht, registered 2024-03-15, still running
#   J1  Jeugd en Gezin, family K1 + K2, West, 2023-06-01 .. 2024-02-01
# Sociaal: clients 3 / 3, cases 2 / 2, new cases 2 / 1; J&G: clients 2 / 2, families 1 / 1, new 1 / 0.
CASES_ROWS = [
    "S1,A,sociaal,WK034401,2023-01-10,2023-01-12,2023-03-15,false,23-44,zelfstandig_verder",
    "S2,B,sociaal,WK034401,2023-02-01,2023-02-15,,false,45-64,",
    "S2,C,sociaal,WK034401,2023-02-01,2023-02-15,,false,45-64,",
    "S3,A,sociaal,WK034403,2024-03-15,2024-03-20,,false,23-44,",
    "J1,K1,jeugd_en_gezin,WK034401,2023-06-01,2023-06-05,2024-02-01,false,4-11,zelfstandig_verder",
    "J1,K2,jeugd_en_gezin,WK034401,2023-06-01,2023-06-05,2024-02-01,false,23-44,zelfstandig_verder",
]
# Aanvullende zorg: Sociaal client X 2023-05-01 (running): 1 / 1; Jeugd K1 from 2024-03-01: 0 / 1.
# Beweging naar voren: Sociaal 3 / (3 + 1) = 75 % both years (base 4); Jeugd 2 / 2 = 100 % (base 2),
# then 2 / (2 + 1) = 66.7 % (base 3).
CARE_HEADER = (
    "trajectory_id,client_id,domain,wijk_code,care_type,start_date,end_date,referred_by_case_id"
)
CARE_ROWS = [
    "Z1,X,sociaal,WK034401,individuele_begeleiding,2023-05-01,,",
    "Z2,K1,jeugd,WK034401,ambulante_jeugdhulp,2024-03-01,,J1",
]
META = {
    "synthetic": True,
    "seed": 7,
    "generator_version": "t1",
    "municipality": "GM0344",
    "snapshot_date": "2024-12-31",
}


def _register(tmp_path: Path, *, cases=CASES_ROWS, care=CARE_ROWS, meta=META, name="register"):
    root = tmp_path / name
    root.mkdir()
    (root / "cases.csv").write_text("\n".join([CASES_HEADER, *cases]) + "\n", encoding="utf-8")
    if care is not None:
        (root / "aanvullende_zorg.csv").write_text(
            "\n".join([CARE_HEADER, *care]) + "\n", encoding="utf-8"
        )
    if meta is not None:
        (root / "register.json").write_text(json.dumps(meta), encoding="utf-8")
    return load_register(root)


@pytest.fixture
def reg(tmp_path):
    return _register(tmp_path)


def _value(obs: pd.DataFrame, indicator: str, period: str, region: str = "GM0344") -> float:
    rows = obs[
        (obs["indicator"] == indicator) & (obs["period"] == period) & (obs["region_code"] == region)
    ]
    assert len(rows) == 1, (indicator, period, region, len(rows))
    return float(rows["value"].iloc[0])


def _obs(
    indicator: str,
    values: dict,
    *,
    region: str = "GM0344",
    name: str = "Utrecht",
    source: str = "synthetisch register (analysis.synthetic, seed 7)",
    published: str = "synthetisch, gegenereerd vt1",
    status: str = "definitief",
) -> pd.DataFrame:
    periods = list(values)
    return pd.DataFrame(
        {
            "indicator": indicator,
            "region_code": region,
            "region_name": name,
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


# --- does the register apply? (analysis.register.register_scope) --------------------------------


def test_the_register_applies_to_its_own_municipality_only(reg, tmp_path):
    assert register_scope("GM0344", path=tmp_path / "register").applies
    assert not register_scope("GM0363", path=tmp_path / "register").applies
    assert register_scope("GM0344", wijk="WK034401", path=tmp_path / "register").applies
    assert not register_scope("GM0344", wijk="WK034405", path=tmp_path / "register").applies, (
        "no cases in Oost"
    )


def test_a_register_of_several_municipalities_is_cut_to_the_region(tmp_path):
    rows = [*CASES_ROWS, "A1,Q,sociaal,WK036301,2023-05-01,2023-05-02,,false,23-44,"]
    care = [*CARE_ROWS, "Z9,Q,sociaal,WK036301,individuele_begeleiding,2023-06-01,,"]
    meta = {k: v for k, v in META.items() if k not in ("municipality", "snapshot_date")}
    both = _register(tmp_path, cases=rows, care=care, meta=meta)
    utrecht = register_scope("GM0344", path=tmp_path / "register")
    assert utrecht.applies and utrecht.message is None and utrecht.used is utrecht.register
    assert set(utrecht.cases["case_id"]) == {"S1", "S2", "S3", "J1"}
    assert set(utrecht.register.care["trajectory_id"]) == {"Z1", "Z2"}
    amsterdam = register_scope("GM0363", path=tmp_path / "register").register
    assert list(amsterdam.cases["case_id"]) == ["A1"]
    # the snapshot stays the whole register's (its latest date), not the part's
    assert amsterdam.snapshot_date == both.snapshot_date == pd.Timestamp("2024-03-20")
    # Utrecht's figures are the same as from a register of Utrecht alone
    alone = _register(tmp_path, meta=meta, name="alone")
    pd.testing.assert_frame_equal(
        reach.reach_observations(utrecht.register), reach.reach_observations(alone)
    )
    # a municipality without cases: not used, and the message names the register
    rotterdam = register_scope("GM0599", path=tmp_path / "register")
    assert (
        not rotterdam.applies
        and rotterdam.used is None
        and "Rotterdam (GM0599)" in rotterdam.message
    )


def test_the_note_says_which_municipality_the_synthetic_register_describes(reg, tmp_path):
    assert (
        register_scope("GM0344", path=tmp_path / "register")
        .source_line()
        .startswith("Casusregister: synthetisch")
    )
    nl = register_scope("GM0363", path=tmp_path / "register").message
    assert "synthetische register beschrijft Utrecht (GM0344), niet Amsterdam (GM0363)" in nl
    assert "overgeslagen" in nl
    en = register_scope("GM0363", path=tmp_path / "register", language="en").message
    assert en.startswith(
        "The synthetic register describes Utrecht (GM0344), not Amsterdam (GM0363)"
    )
    assert "Oost" in register_scope("GM0344", wijk="WK034405", path=tmp_path / "register").message


def test_the_note_for_a_real_register_of_another_municipality_names_the_file(tmp_path):
    real = _register(tmp_path, meta=None, name="export_2024")
    assert not real.synthetic
    note = register_scope("GM0363", path=tmp_path / "export_2024").message
    assert "export_2024" in note and "Amsterdam (GM0363)" in note
    assert "/" not in note.split("export_2024")[0][-2:], "only the folder name, not the whole path"


def test_unknown_regions_are_named_by_code(reg, tmp_path):
    assert reach.region_name("GM0363") == "Amsterdam (GM0363)"
    assert reach.region_name("GM0999") == "GM0999"
    assert "Amsterdam (GM0363)" in register_scope("GM0363", path=tmp_path / "register").message
    assert "GM0999" in register_scope("GM0999", path=tmp_path / "register").message


def test_the_register_is_declared_as_synthetic(reg, tmp_path):
    record = register_record(reg)
    assert record == {
        "source": "synthetisch register (analysis.synthetic, seed 7)",
        "path": str(config.synthetic_dir()),
        "vintage": "synthetisch, gegenereerd vt1",
        "synthetic": True,
    }
    assert register_record(reg, "/elders")["path"] == "/elders"
    line = register_scope("GM0344", path=tmp_path / "register").source_line()
    assert line.startswith("Casusregister: synthetisch register") and "geen echte cliënten" in line
    other = register_scope("GM0363", path=tmp_path / "register")
    assert other.source_line() == other.message


# --- the register's reach figures --------------------------------------------------------------


def test_city_figures_match_the_hand_count(reg):
    obs = reach.reach_observations(reg)
    assert list(dict.fromkeys(obs["indicator"])) == list(reach.REACH_INDICATORS)
    expected = {
        "buurtteam_sociaal_clienten": (3, 3),
        "buurtteam_sociaal_casussen": (2, 2),
        "buurtteam_sociaal_nieuwe_casussen": (2, 1),
        "buurtteam_jg_clienten": (2, 2),
        "buurtteam_jg_gezinnen": (1, 1),
        "buurtteam_jg_trajecten": (1, 1),
        "buurtteam_jg_nieuwe_casussen": (1, 0),
        "aanvullende_zorg_sociaal_clienten": (1, 1),
        "aanvullende_zorg_jeugd_clienten": (0, 1),
        "buurtteam_aanvullende_zorg_verhouding": (75.0, 75.0),
        "buurtteam_jg_aanvullende_zorg_verhouding": (100.0, 200 / 3),
    }
    for indicator, (y2023, y2024) in expected.items():
        assert _value(obs, indicator, "2023") == pytest.approx(y2023), indicator
        assert _value(obs, indicator, "2024") == pytest.approx(y2024, abs=1e-5), indicator
    assert set(obs["period"]) == {"2023", "2024"}
    assert (obs["note"] == "synthetisch").all()


def test_every_share_carries_its_base_and_counts_do_not(reg):
    obs = reach.reach_observations(reg)
    shares = obs[obs["unit"] == "procent"].set_index(["indicator", "period"])["n"]
    assert shares[("buurtteam_aanvullende_zorg_verhouding", "2023")] == 4
    assert shares[("buurtteam_jg_aanvullende_zorg_verhouding", "2023")] == 2
    assert shares[("buurtteam_jg_aanvullende_zorg_verhouding", "2024")] == 3
    assert obs.loc[obs["unit"] == "aantal", "n"].isna().all()


def test_wijk_figures(reg):
    obs = reach.reach_observations(reg, by_wijk=True)
    assert set(obs["region_code"]) == {"WK034401", "WK034403"}
    assert _value(obs, "buurtteam_sociaal_clienten", "2024", "WK034401") == 2
    assert _value(obs, "buurtteam_sociaal_clienten", "2024", "WK034403") == 1
    assert _value(obs, "buurtteam_sociaal_clienten", "2023", "WK034403") == 0
    assert set(obs.loc[obs["region_code"] == "WK034403", "region_name"]) == {"Overvecht"}


def test_small_wijk_figures_are_withheld_after_disclosure_control(reg):
    protected = apply_disclosure_control(reach.reach_observations(reg, by_wijk=True), base_col="n")
    counts = protected[protected["unit"] == "aantal"]
    assert counts["value"].isna().all() and set(counts["display"]) == {"<10"}
    shares = protected[protected["unit"] == "procent"]
    assert shares["value"].isna().all() and set(shares["display"]) == {"x"}, (
        "a share of fewer than 10 persons"
    )
    city = apply_disclosure_control(reach.reach_observations(reg), base_col="n")
    assert city["value"].notna().all(), "the city is not protected"


def test_without_aanvullende_zorg_there_is_no_care_or_forward_share(tmp_path):
    obs = reach.reach_observations(_register(tmp_path, care=None))
    assert not obs["indicator"].str.contains("aanvullende_zorg").any()
    assert _value(obs, "buurtteam_sociaal_clienten", "2023") == 3


# --- rows and titles for the charts ----------------------------------------------------------------


def test_select_keeps_the_order_of_the_indicators_and_the_regions_asked_for():
    city = pd.concat(
        [
            _obs("buurtteam_sociaal_clienten", {"2023": 3}),
            _obs("buurtteam_jg_clienten", {"2023": 2}),
        ]
    )
    wijk = _obs("buurtteam_jg_clienten", {"2023": 1}, region="WK034401", name="West")
    rows = reach.select([city, wijk], ["buurtteam_jg_clienten", "buurtteam_sociaal_clienten"])
    assert list(rows["indicator"]) == [
        "buurtteam_jg_clienten",
        "buurtteam_jg_clienten",
        "buurtteam_sociaal_clienten",
    ]
    only = reach.select([city, wijk], "buurtteam_jg_clienten", ["WK034401"])
    assert list(only["region_code"]) == ["WK034401"]
    assert reach.select([], "buurtteam_jg_clienten").empty


def test_wijk_regions():
    assert reach.wijk_regions("GM0344", "WK034403") == ["WK034403", "GM0344"]
    everything = reach.wijk_regions("GM0344")
    assert len(everything) == 11 and everything[-1] == "GM0344" and everything[0] == "WK034401"
    assert reach.wijk_regions("GM0363") == ["GM0363"], "no wijken known by heart for Amsterdam"


def test_group_title_names_the_region_drawn():
    rows = _obs("buurtteam_sociaal_clienten", {"2023": 3})
    assert reach.group_title("sociaal", rows) == "Buurtteams Sociaal, Utrecht"
    assert (
        reach.group_title("jeugd_en_gezin", rows, "en")
        == "Youth and family neighbourhood teams, Utrecht"
    )
    two = pd.concat(
        [rows, _obs("buurtteam_sociaal_clienten", {"2023": 1}, region="WK034401", name="West")]
    )
    assert reach.group_title("aanvullende_zorg", two) == "Aanvullende zorg"


# --- published beside the register --------------------------------------------------------------


@pytest.fixture
def register_and_published():
    register = _obs("buurtteam_sociaal_clienten", {"2016": 14340, "2017": 15154, "2024": 9936})
    published = pd.concat(
        [
            _obs(
                "buurtteam_sociaal_clienten",
                {"2024": 9936},
                source="Begroting 2026",
                published="Begroting 2026 (2025)",
            ),
            _obs(
                "buurtteam_sociaal_clienten",
                {"2016": 13700},
                source="monitor",
                published="utrecht-monitor.nl, versie tot juli 2019",
            ),
            _obs(
                "buurtteam_sociaal_clienten",
                {"2016": 14340, "2017": 15154},
                source="monitor",
                published="utrecht-monitor.nl node/85, versie 2020",
            ),
            _obs(
                "buurtteam_sociaal_clienten",
                {"2016H1": 9000},
                source="monitor",
                published="halfjaar (2020)",
            ),
        ],
        ignore_index=True,
    )
    return register, published


def test_every_publication_becomes_a_line_of_its_own(register_and_published):
    register, published = register_and_published
    rows = reach.beside_published(register, published, "buurtteam_sociaal_clienten")
    reg_rows = rows[rows["region_code"] == "GM0344"]
    assert set(reg_rows["region_name"]) == {"Register (synthetisch)"}
    pubs = (
        rows[rows["region_code"] != "GM0344"]
        .drop_duplicates("region_code")
        .set_index("region_code")
    )
    assert list(pubs.index) == ["PUB1", "PUB2", "PUB3"], "oldest vintage first"
    assert (
        pubs.loc["PUB1", "region_name"] == "Gepubliceerd: utrecht-monitor.nl, versie tot juli 2019"
    )
    assert pubs.loc["PUB3", "region_name"] == "Gepubliceerd: Begroting 2026 (2025)"
    assert set(rows["period_type"]) == {"year"}, (
        "the half-year publication is not mixed into yearly lines"
    )
    fig = line_chart(rows, focus=None)
    texts = " ".join(figure_texts(fig))
    assert "Gepubliceerd: Begroting 2026 (2025)" in texts and "synthetisch" in texts


def test_nothing_beside_when_nothing_was_published(register_and_published):
    register, published = register_and_published
    assert reach.beside_published(register, published.iloc[0:0], "buurtteam_sociaal_clienten").empty
    assert reach.beside_published(register, published, "buurtteam_jg_clienten").empty
    real = register.assign(source="casusregister (export.csv)")
    rows = reach.beside_published(real, published, "buurtteam_sociaal_clienten", language="en")
    assert set(rows.loc[rows["region_code"] == "GM0344", "region_name"]) == {"Register"}
    assert rows.loc[rows["region_code"] == "PUB1", "region_name"].iloc[0].startswith("Published: ")


def test_published_comparison(register_and_published):
    register, published = register_and_published
    table = reach.published_comparison(register, [published])
    assert list(table.columns) == [
        "indicator",
        "period",
        "register",
        "published",
        "difference_pct",
        "publication",
    ]
    assert len(table) == 4, "the half-year has no register figure to compare with"
    row = table[(table["period"] == "2016") & (table["published"] == 13700)].iloc[0]
    assert row["difference_pct"] == pytest.approx(round(100 * (14340 - 13700) / 13700, 1))
    assert list(table["period"]) == ["2016", "2016", "2017", "2024"]
    assert reach.published_comparison(register, []).empty


def test_latest_values_are_formatted_and_keep_the_withheld_text():
    rows = pd.concat(
        [
            _obs("buurtteam_sociaal_clienten", {"2023": 10114, "2024": 9936}),
            _obs("buurtteam_aanvullende_zorg_verhouding", {"2024": 84.73}),
            _obs(
                "buurtteam_sociaal_clienten", {"2024": np.nan}, region="WK034406", name="Binnenstad"
            ).assign(status="suppressed", display="<10"),
        ],
        ignore_index=True,
    )
    table = reach.latest_values(rows)
    assert table.to_dict("records") == [
        {
            "indicator": "buurtteam_sociaal_clienten",
            "region_code": "GM0344",
            "period": "2024",
            "value": "9.936",
        },
        {
            "indicator": "buurtteam_aanvullende_zorg_verhouding",
            "region_code": "GM0344",
            "period": "2024",
            "value": "84,7%",
        },
        {
            "indicator": "buurtteam_sociaal_clienten",
            "region_code": "WK034406",
            "period": "2024",
            "value": "<10",
        },
    ]
    assert reach.latest_values(rows, "en")["value"].iloc[0] == "9,936"


def test_a_size_class_of_only_the_g4_is_not_drawn_twice():
    g4_city = {
        "nederland": ["NL01"],
        "g4": ["GM0363", "GM0599", "GM0518"],
        "grootteklasse": ["GM0518", "GM0599", "GM0363"],
    }
    assert compare.distinct_groups(g4_city)["grootteklasse"] == []
    assert g4_city["grootteklasse"], "the input is not changed"
    other = {
        "nederland": ["NL01"],
        "g4": ["GM0363", "GM0599", "GM0518", "GM0344"],
        "grootteklasse": ["GM0034", "GM0772"],
    }
    assert compare.distinct_groups(other) == other
