"""Loading CBS indicators from the cache: stitching, seams, breaks, regions, schema."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.cbs import (
    TABLES,
    cached_indicators,
    cached_municipalities,
    import_paths,
    load_indicator,
    region_resolver,
    seams,
    series_breaks,
    table_switches,
)
from analysis.cbs.catalogue import WMO_WIJK_TABLES, is_table_switch, switched_tables
from analysis.errors import InputError
from analysis.schema import COLUMNS, validate_observations

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"
JEUGD = [
    "jeugdhulp_pct",
    "jeugdhulp_verblijf_pct",
    "jeugdbescherming_pct",
    "jeugdbescherming_verblijf_pct",
    "jeugdreclassering_pct",
]
WIJK_HEADER = (
    "ID;Financieringsvorm;Wijken;Perioden;Gemeentenaam_1;SoortRegio_2;Codering_3;"
    "IndelingswijzigingWijken_4;WmoClienten_5;WmoClientenPer1000Inwoners_6"
)
WMO_HEADER = "ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2"


def write(folder: Path, name: str, *rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\ufeff" + "\n".join(rows) + "\n").encode())
    return path


def series(obs: pd.DataFrame, region: str, period_type: str | None = None) -> dict[str, float]:
    sel = obs[obs["region_code"] == region]
    if period_type:
        sel = sel[sel["period_type"] == period_type]
    return dict(zip(sel["period"], sel["value"], strict=True))


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """82972NED + 85098NED + a regions table (hand-written fixtures), imported once."""
    folder = tmp_path_factory.mktemp("load") / "cbs"
    import_paths(
        [FIXTURES / "82972NED.csv", FIXTURES / "85098NED.csv", FIXTURES / "85755NED.csv"],
        cache_dir=folder,
        vintage="fixture",
    )
    return folder


@pytest.fixture(scope="module")
def jeugdhulp(cache) -> pd.DataFrame:
    return load_indicator("jeugdhulp_pct", cache_dir=cache)


# --------------------------------------------------------------------------------------
# Stitching
# --------------------------------------------------------------------------------------


def test_stitched_series_for_utrecht(jeugdhulp):
    utrecht = jeugdhulp[jeugdhulp["region_code"] == "GM0344"]
    got = list(zip(utrecht["period"], utrecht["value"], utrecht["source"], strict=True))
    assert got == [
        ("2015", 7.5, "82972NED"),
        ("2016", 12.5, "82972NED"),
        ("2020", 16.2, "85098NED"),  # both tables have 2020: the later one wins
        ("2021", 16.4, "85098NED"),
        ("2020H1", 13.0, "82972NED"),
        ("2020H2", 13.2, "82972NED"),
        ("2021H1", 13.5, "85098NED"),
        ("2024H1", 11.5, "85098NED"),
        ("2015Q1", 5.0, "82972NED"),
    ]
    assert set(utrecht["region_name"]) == {"Utrecht"}


def test_later_table_wins_for_every_overlapping_region(jeugdhulp):
    nl = jeugdhulp[(jeugdhulp["region_code"] == "NL01") & (jeugdhulp["period"] == "2020")]
    assert nl[["value", "source"]].values.tolist() == [[12.4, "85098NED"]]
    # regions that only the old table has for 2020 keep the old value
    assert series(jeugdhulp, "PV26") == {"2015": 7.0, "2020": 11.0}
    assert set(jeugdhulp.loc[jeugdhulp["region_code"] == "PV26", "source"]) == {"82972NED"}
    assert not jeugdhulp.duplicated(["region_code", "period"]).any()


def test_seams(jeugdhulp):
    s = seams(jeugdhulp)
    assert list(s.columns) == [
        "indicator",
        "region_code",
        "period_type",
        "last_period",
        "source_before",
        "first_period",
        "source_after",
    ]
    utrecht = s[s["region_code"] == "GM0344"].set_index("period_type")
    assert utrecht.loc["year", ["last_period", "first_period"]].tolist() == ["2016", "2020"]
    assert utrecht.loc["halfyear", ["last_period", "first_period"]].tolist() == ["2020H2", "2021H1"]
    assert set(utrecht["source_before"]) == {"82972NED"}
    assert set(utrecht["source_after"]) == {"85098NED"}
    assert "quarter" not in utrecht.index  # one table only: no seam
    assert "PV26" not in set(s["region_code"])
    assert set(s["indicator"]) == {"jeugdhulp_pct"}


def test_seams_table_writes_each_switch_for_readers(jeugdhulp):
    """The table switches as a reader sees them under notebook 04: one row per seam of the
    region, with the periods in words and each period's table, in Dutch or English."""
    from analysis.cbs import seams_table
    from analysis.labels import period_label

    utrecht = jeugdhulp[jeugdhulp["region_code"] == "GM0344"]
    found = seams(utrecht)
    assert len(found) == 2
    for language, headers in (
        ("nl", ["Indicator", "Soort cijfer", "Tot en met (oude tabel)", "Vanaf (nieuwe tabel)"]),
        ("en", ["Indicator", "Kind of figure", "Up to (old table)", "From (new table)"]),
    ):
        shown = seams_table(utrecht, language)
        assert list(shown.columns) == headers
        assert len(shown) == len(found)
        for row, seam in zip(shown.itertuples(index=False), found.itertuples(), strict=True):
            assert row[2] == f"{period_label(seam.last_period, language)} ({seam.source_before})"
            assert row[3] == f"{period_label(seam.first_period, language)} ({seam.source_after})"
            assert seam.last_period not in row[2] or seam.period_type == "year"
    assert seams_table(utrecht, "nl")["Soort cijfer"].tolist() == ["Jaar", "Halfjaar"]
    assert seams_table(utrecht.iloc[0:0], "nl").empty


def test_seams_of_an_unstitched_series_is_empty(cache):
    obs = load_indicator("jeugdhulp_pct", "PV26", cache_dir=cache)
    assert seams(obs).empty


def test_seams_of_several_indicators_and_of_nothing(cache, jeugdhulp):
    both = pd.concat(
        [jeugdhulp, load_indicator("jeugdreclassering_pct", "GM0344", cache_dir=cache)]
    )
    s = seams(both)
    assert set(s["indicator"]) == {"jeugdhulp_pct", "jeugdreclassering_pct"}
    assert len(s[s["indicator"] == "jeugdreclassering_pct"]) == 2  # year and half-year
    assert seams(jeugdhulp.iloc[0:0]).empty


def test_series_breaks():
    breaks = series_breaks("jeugdhulp_pct")
    assert len(breaks) == 1
    before, after, text = breaks[0]
    assert (before, after) == ("2015", "2016")
    assert "2016" in text and "buurtteam" in text
    en = series_breaks("jeugdhulp_pct", language="en")
    assert en[0][:2] == ("2015", "2016") and "neighbourhood" in en[0][2]
    assert en[0][2] != text
    assert series_breaks("jeugdzorg_personen")[0][:2] == ("2015", "2016")
    assert series_breaks("jeugdreclassering_pct") == []
    assert series_breaks("wmo_clienten") == []


def _lines(rows: list[tuple[str, str, str, float, str]], indicator: str = "jeugdhulp_pct"):
    """Observations from (region, period, source, value, period type) rows."""
    return pd.DataFrame(
        [
            {
                "indicator": indicator,
                "region_code": r,
                "period": p,
                "period_type": t,
                "value": v,
                "source": src,
            }
            for r, p, src, v, t in rows
        ]
    )


def test_switched_tables_knows_editions_and_pairs():
    assert switched_tables("82972NED", "85098NED") == [("82972NED", "85098NED")]
    assert is_table_switch("83262NED", "86050NED")
    first, second = list(WMO_WIJK_TABLES)[:2]
    assert not is_table_switch(first, second)  # yearly editions of the wijk statistic
    assert not is_table_switch("82972NED", "82972NED")
    assert not is_table_switch("82972ENG", "82972NED")  # the English edition of the same table
    assert not is_table_switch("register", "82972NED")  # no CBS table on one side
    assert not is_table_switch("Begroting 2026 (2025)", "Jaarstukken 2018 (2019)")
    # a figure computed from two tables (costs per youth) switches where one of them does
    assert switched_tables("83454NED / 84134NED", "83454NED / 85099NED") == [
        ("84134NED", "85099NED")
    ]
    assert not is_table_switch("83454NED / 84134NED", "85099NED")  # not comparable part by part


def test_table_switches_mark_where_most_lines_change_table():
    rows = []
    for region in ("GM0344", "GM0363", "GM0599", "NL01"):
        rows += [
            (region, "2019", "82972NED", 10.0, "year"),
            (region, "2020", "82972NED", 11.0, "year"),
            (region, "2021", "85098NED", 12.0, "year"),
        ]
    # one municipality's 2020 value comes from the newer table (an empty cell in the older one):
    # a switch of that line alone, no switch of the chart
    rows.append(("GM0518", "2019", "82972NED", 9.0, "year"))
    rows.append(("GM0518", "2020", "85098NED", 9.5, "year"))
    rows.append(("GM0518", "2021", "85098NED", 9.7, "year"))
    found = table_switches(_lines(rows))
    assert found == [
        (
            "2020",
            "2021",
            "tabelwissel: 82972NED \u2192 85098NED (jeugdzorg \u2192 jeugdzorg in natura)",
        )
    ]
    en = table_switches(_lines(rows), language="en")
    assert (
        en[0][2] == "table change: 82972NED \u2192 85098NED (youth care \u2192 youth care in kind)"
    )
    # a value of another source between the two tables does not hide the switch; data without
    # period_type get it from the periods
    between = _lines(rows[:3] + [("GM0344", "2020", "register", 11.0, "year")])
    between = between.drop(index=1)  # 2020 now from the register only
    assert [s[:2] for s in table_switches(between.drop(columns="period_type"))] == [
        ("2019", "2021")
    ]
    # a line whose value is missing on one side does not count, a missing value is skipped
    gap = _lines([("GM0344", "2020", "82972NED", float("nan"), "year")])
    assert table_switches(pd.concat([_lines(rows[:3]), gap])) == found
    assert table_switches(_lines(rows).drop(columns="source")) == []
    assert table_switches(_lines(rows).iloc[0:0]) == []


def test_table_switches_judge_municipalities_and_wijken_apart():
    wijk_a, wijk_b = list(WMO_WIJK_TABLES)[1:3]
    rows = [
        ("GM0344", "2016", "83262NED", 54.0, "year"),
        ("GM0344", "2017", "86050NED", 55.0, "year"),
    ]
    for k in range(6):  # six wijken moving between two editions of the wijk table: no switch
        rows += [(f"WK03440{k}", "2016", wijk_a, 50.0, "year")]
        rows += [(f"WK03440{k}", "2017", wijk_b, 51.0, "year")]
    assert table_switches(_lines(rows, "wmo_clienten_per_1000")) == [
        (
            "2016",
            "2017",
            "tabelwissel: 83262NED \u2192 86050NED (maatwerkarrangementen \u2192 "
            "maatwerkvoorzieningen)",
        )
    ]


# --------------------------------------------------------------------------------------
# Filters and regions
# --------------------------------------------------------------------------------------


def test_period_type_filter(cache, jeugdhulp):
    half = load_indicator("jeugdhulp_pct", period_type="halfyear", cache_dir=cache)
    assert set(half["period_type"]) == {"halfyear"}
    assert len(half) == (jeugdhulp["period_type"] == "halfyear").sum()
    quarter = load_indicator("jeugdhulp_pct", "GM0344", period_type="quarter", cache_dir=cache)
    assert quarter[["period", "value"]].values.tolist() == [["2015Q1", 5.0]]


def test_period_type_without_data_gives_empty_observations(cache):
    obs = load_indicator("jeugdhulp_pct", period_type="date", cache_dir=cache)
    assert obs.empty
    assert list(obs.columns)[: len(COLUMNS)] == COLUMNS


def test_region_filter(cache):
    one = load_indicator("jeugdhulp_pct", "GM9901", cache_dir=cache)
    assert set(one["region_code"]) == {"GM9901"}
    two = load_indicator("jeugdhulp_pct", ["GM9901", "NL01"], cache_dir=cache)
    assert set(two["region_code"]) == {"GM9901", "NL01"}
    none = load_indicator("jeugdhulp_pct", ["GM0363"], cache_dir=cache)
    assert none.empty


def test_labels_resolved_through_regions_table_and_unknown_labels_dropped(jeugdhulp):
    codes = set(jeugdhulp["region_code"])
    assert {"NL01", "PV26", "GM0344", "GM9901", "GM9902"} == codes  # Oud-Elzenburg has no code
    assert jeugdhulp["region_code"].notna().all()
    names = dict(zip(jeugdhulp["region_code"], jeugdhulp["region_name"], strict=False))
    assert names["GM9901"] == "Elzenburg"
    assert names["NL01"] == "Nederland"
    assert names["PV26"] == "Utrecht"


def test_missing_values_and_notes(cache, jeugdhulp):
    hoog = jeugdhulp[(jeugdhulp["region_code"] == "GM9902") & (jeugdhulp["period"] == "2024H1")]
    assert hoog["status"].tolist() == ["missing"] and hoog["value"].isna().all()
    verblijf = load_indicator("jeugdbescherming_verblijf_pct", "GM9901", cache_dir=cache)
    above = verblijf[verblijf["value"] > 100]
    assert above["period"].tolist() == ["2016"]
    assert above["note"].str.contains("boven 100%").all()
    assert verblijf.loc[verblijf["value"] <= 100, "note"].isna().all()


def test_output_validates_against_schema(cache):
    for indicator in JEUGD:
        obs = load_indicator(indicator, cache_dir=cache)
        assert list(obs.columns) == COLUMNS + ["note"]
        again = validate_observations(obs)
        pd.testing.assert_frame_equal(obs, again)
        assert set(obs["indicator"]) == {indicator}
        assert set(obs["unit"]) == {"procent"}
        assert set(obs["status"]) <= {"definitief", "missing"}
        assert obs["published"].str.match(r"CBS StatLine (82972NED|85098NED) \(fixture\)").all()
        measure = {m.indicator: m.key_prefix for m in TABLES["85098NED"].measures}[indicator]
        expected = "opendata.cbs.nl/#/CBS/nl/dataset/" + obs["source"] + ", " + measure
        assert (obs["source_ref"] == expected).all()


def test_sorted_by_region_type_and_period(jeugdhulp):
    utrecht = jeugdhulp[jeugdhulp["region_code"] == "GM0344"]
    years = utrecht.loc[utrecht["period_type"] == "year", "period"].tolist()
    assert years == sorted(years)
    assert jeugdhulp["region_code"].is_monotonic_increasing


def test_resolver_can_be_reused(cache, jeugdhulp):
    resolver = region_resolver(cache)
    again = load_indicator("jeugdhulp_pct", cache_dir=cache, resolver=resolver)
    pd.testing.assert_frame_equal(again, jeugdhulp)


def test_cached_indicators(cache, tmp_path):
    assert cached_indicators(cache) == sorted(JEUGD)
    assert cached_indicators(tmp_path / "nothing") == []


def test_cached_municipalities(cache):
    # the latest period (2024H1) has rows for Utrecht, Elzenburg and Hoogveld (value missing)
    assert cached_municipalities("jeugdhulp_pct", cache_dir=cache) == ["GM0344", "GM9901", "GM9902"]


def test_cached_municipalities_without_regions_table(tmp_path):
    cache = tmp_path / "cbs"
    import_paths([FIXTURES / "82972NED.csv", FIXTURES / "85098NED.csv"], cache_dir=cache)
    # only Utrecht's label is known without a regions table
    assert cached_municipalities(cache_dir=cache) == ["GM0344"]


def test_cached_municipalities_leaves_out_merged_away_municipalities(tmp_path):
    # CBS keeps rows for municipalities merged away in later periods, with empty values
    folder = tmp_path / "in"
    write(
        folder,
        "85098NED.csv",
        "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1",
        "0;Elzenburg;2021;10.0",
        "1;Elzenburg;1e half jaar 2024;9.0",
        "2;Hoogveld;2021;11.0",
        "3;Hoogveld;1e half jaar 2024;",
        "4;Utrecht (gemeente);1e half jaar 2024;11.5",
    )
    write(
        folder,
        "84929NED.csv",  # an older division (2021)
        "ID;RegioS;Code_1;Naam_2",
        "0;Hoogveld;GM9902;Hoogveld",
        "1;Elzenburg;GM9901;Elzenburg",
    )
    cache = tmp_path / "cbs"
    import_paths([folder, FIXTURES / "85755NED.csv"], cache_dir=cache)
    assert cached_municipalities(cache_dir=cache) == ["GM0344", "GM9901", "GM9902"]
    reduced = write(
        tmp_path / "r",
        "85755NED.csv",
        "ID;RegioS;Code_1;Naam_2",
        "0;Elzenburg;GM9901;Elzenburg",
        "1;Utrecht (gemeente);GM0344;Utrecht",
    )
    import_paths(
        [reduced], cache_dir=cache
    )  # Hoogveld merged into Elzenburg in the newest division
    assert cached_municipalities(cache_dir=cache) == ["GM0344", "GM9901"]


# --------------------------------------------------------------------------------------
# Wijk tables
# --------------------------------------------------------------------------------------


@pytest.fixture
def wmo_cache(tmp_path) -> Path:
    folder = tmp_path / "in"
    write(
        folder,
        "86050NED.csv",
        WMO_HEADER,
        "0;Totaal;Utrecht (gemeente);2022;19500.0;53.0",
        "1;Totaal;Utrecht (gemeente);2023;19810.0;54.0",
    )
    write(
        folder,
        "85638NED.csv",
        WIJK_HEADER,
        "0;Totaal;Utrecht;2023;Utrecht ;Gemeente ;GM0344  ;1.0;19000.0;50.0",
        "1;Totaal;Wijk 01 West;2023;Utrecht ;Wijk     ;WK034401;1.0;1105.0;40.0",
        "2;Totaal;Wijk 03 Overvecht;2023;Utrecht ;Wijk     ;WK034403;1.0;3450.0;99.0",
        "3;Totaal;Wijk 01 West;1e halfjaar 2023;Utrecht ;Wijk     ;WK034401;1.0;1000.0;36.0",
    )
    cache = tmp_path / "cbs"
    import_paths([folder], cache_dir=cache)
    return cache


def test_wijk_tables_only_feed_wijk_regions(wmo_cache):
    obs = load_indicator("wmo_clienten", cache_dir=wmo_cache)
    utrecht = obs[obs["region_code"] == "GM0344"]
    assert utrecht[["period", "value", "source"]].values.tolist() == [
        ["2022", 19500.0, "86050NED"],
        ["2023", 19810.0, "86050NED"],  # not 19000 from the wijk table
    ]
    wijken = obs[obs["region_code"].str.startswith("WK")]
    assert set(wijken["source"]) == {"85638NED"}
    assert series(obs, "WK034401") == {"2023": 1105.0, "2023H1": 1000.0}
    assert series(obs, "WK034403") == {"2023": 3450.0}
    assert dict(zip(wijken["region_code"], wijken["region_name"], strict=False)) == {
        "WK034401": "West",
        "WK034403": "Overvecht",
    }


def test_wijk_table_alone_gives_no_municipality(tmp_path):
    src = write(
        tmp_path / "in",
        "85638NED.csv",
        WIJK_HEADER,
        "0;Totaal;Utrecht;2023;Utrecht ;Gemeente ;GM0344  ;1.0;19000.0;50.0",
        "1;Totaal;Wijk 01 West;2023;Utrecht ;Wijk     ;WK034401;1.0;1105.0;40.0",
    )
    import_paths([src], cache_dir=tmp_path / "cbs")
    obs = load_indicator("wmo_clienten", cache_dir=tmp_path / "cbs")
    assert set(obs["region_code"]) == {"WK034401"}


def test_municipality_labels_never_resolve_to_a_wijk(tmp_path):
    # 'Haarveld' is a former municipality in the municipal table and, later, a wijk of
    # Hoogveld in a wijk table; its municipal rows must not become wijk figures.
    folder = tmp_path / "in"
    write(
        folder,
        "82972NED.csv",
        "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1",
        "0;Haarveld;2015;6.5",
        "1;Utrecht (gemeente);2015;7.3",
    )
    write(
        folder,
        "83267NED.csv",
        WIJK_HEADER.replace(";Wijken;", ";RegioS;"),
        "0;Totaal;Haarveld;2015;Hoogveld ;Wijk     ;WK990203;1.0;80.0;20.0",
    )
    cache = tmp_path / "cbs"
    import_paths([folder], cache_dir=cache)
    obs = load_indicator("jeugdhulp_pct", cache_dir=cache)
    assert set(obs["region_code"]) == {"GM0344"}
    wmo = load_indicator("wmo_clienten", cache_dir=cache)
    assert set(wmo["region_code"]) == {"WK990203"}
    # once a table gives Haarveld's municipality code, its rows load under that code
    write(
        folder,
        "85638NED.csv",
        WIJK_HEADER,
        "0;Totaal;Haarveld;2023;Haarveld ;Gemeente ;GM9904  ;1.0;900.0;20.0",
    )
    import_paths([folder], cache_dir=cache)
    obs = load_indicator("jeugdhulp_pct", cache_dir=cache)
    assert series(obs, "GM9904") == {"2015": 6.5}
    assert not obs["region_code"].str.startswith("WK").any()


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_nothing_cached(tmp_path):
    with pytest.raises(InputError) as info:
        load_indicator("jeugdhulp_pct", cache_dir=tmp_path / "empty")
    msg = str(info.value)
    assert "82972NED" in msg and "85098NED" in msg and "cbs import" in msg
    with pytest.raises(InputError):
        cached_municipalities(cache_dir=tmp_path / "empty")


def test_indicator_without_cbs_source(cache):
    with pytest.raises(KeyError, match="no CBS source"):
        load_indicator("buurtteam_jg_clienten", cache_dir=cache)
    with pytest.raises(KeyError):
        load_indicator("bestaat_niet", cache_dir=cache)


def test_other_indicator_of_a_cached_table_needs_its_own_table(cache):
    with pytest.raises(InputError, match="84134NED"):
        load_indicator("jeugdzorg_personen", cache_dir=cache)


def test_codes_for_labels_looks_up_only_rows_without_a_code():
    from analysis.cbs.load import codes_for_labels

    class Resolver:
        asked: list[str] = []

        def code_for(self, label):
            self.asked.append(label)
            return {"Elzenburg": "GM9901", "Noord": "WK990101"}.get(label)

    raw = pd.DataFrame(
        {
            "table_id": ["82972NED"] * 4 + ["83267NED"] * 2,
            "region_label": ["Elzenburg", "Elzenburg", "Hoog", "Noord", "Noord", "Elzenburg"],
            "region_code": [None, "GM9901", None, None, None, "GM9901"],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    resolver = Resolver()
    codes = codes_for_labels(raw, resolver)
    assert list(codes.index) == list(raw.index)
    # a wijk code only for a table that holds wijken; rows with a code are not looked up
    shown = [None if pd.isna(code) else code for code in codes]
    assert shown == ["GM9901", None, None, None, "WK990101", None]
    assert sorted(resolver.asked) == ["Elzenburg", "Hoog", "Noord", "Noord"]
    repeated = codes_for_labels(raw.set_axis([1, 1, 2, 2, 3, 3]), resolver)  # by position
    assert [None if pd.isna(c) else c for c in repeated] == shown
