"""Live fetch with cbsodata, tested with recorded-style responses (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.cbs import (
    TABLES,
    fetch_tables,
    import_paths,
    load_indicator,
    read_cached,
    region_resolver,
)
from analysis.cbs.fetch import download, from_odata, vintage_of
from analysis.errors import InputError

JEUGD_KEYS = [
    "JongerenMetJeugdhulpInNatura_1",
    "JongerenMetJeugdhMetVerblInNat_2",
    "JongerenMetJeugdbescherming_3",
    "JeugdbeschEnJeugdhMetVerblInNat_4",
    "JongerenMetJeugdreclassering_5",
]
JEUGD = [
    "jeugdhulp_pct",
    "jeugdhulp_verblijf_pct",
    "jeugdbescherming_pct",
    "jeugdbescherming_verblijf_pct",
    "jeugdreclassering_pct",
]

REGIONS = {
    "NL01  ": "Nederland",
    "PV26  ": "Utrecht (PV)",
    "GM0344  ": "Utrecht (gemeente)",
    "GM0017  ": "Haren",  # merged away in 2019: CBS keeps the key
}
PERIODS = {
    "2023JJ00": ("2023", "Definitief"),
    "2023HJ02": ("2e halfjaar 2023", "Nader voorlopig"),
    "2024HJ01": ("1e halfjaar 2024", "Voorlopig"),
}


def response(
    rows: list[dict],
    *,
    title: str = "Jongeren met jeugdzorg in natura in % van alle jongeren; regio",
    modified: str = "2024-10-31T02:00:00",
    regions: dict | None = None,
    periods: dict | None = None,
    measures: list[str] | None = None,
    **dimensions: list[dict],
) -> dict:
    """A dict shaped like ``cbsodata.download_data(table_id, typed=True)`` returns it."""
    regions = REGIONS if regions is None else regions
    periods = PERIODS if periods is None else periods
    measures = JEUGD_KEYS if measures is None else measures
    typed = []
    for i, rec in enumerate(rows):
        full = {"ID": i, **{k: None for k in measures}, **rec}
        typed.append(full)
    out = {
        "TableInfos": [
            {
                "ID": 0,
                "Title": title,
                "ShortTitle": title[:40],
                "Identifier": "xxx",
                "Modified": modified,
                "Language": "nl",
                "Catalog": "CBS",
            }
        ],
        "DataProperties": [
            {"ID": i, "Key": k, "Title": k.rsplit("_", 1)[0], "Type": "Topic", "Unit": "%"}
            for i, k in enumerate(measures)
        ],
        "TypedDataSet": typed,
        "RegioS": [{"Key": k, "Title": v, "Description": ""} for k, v in regions.items()],
        "Perioden": [
            {"Key": k, "Title": t, "Description": "", "Status": s} for k, (t, s) in periods.items()
        ],
    }
    out.update(dimensions)
    return out


def jeugd_row(region: str, period: str, *values) -> dict:
    return {"RegioS": region, "Perioden": period, **dict(zip(JEUGD_KEYS, values, strict=False))}


def recorded(responses: dict[str, dict]):
    calls = []

    def downloader(table_id: str) -> dict:
        calls.append(table_id)
        return responses[table_id]

    downloader.calls = calls
    return downloader


@pytest.fixture
def jeugd_response() -> dict:
    return response(
        [
            jeugd_row("NL01  ", "2023JJ00", 13.0, 9.0, 1.1, 47.0, 0.3),
            jeugd_row("PV26  ", "2023JJ00", 12.0, 8.5, 1.0, 45.0, 0.3),
            jeugd_row("GM0344  ", "2023JJ00", 15.0, 4.1, 0.8, 42.0, 0.3),
            jeugd_row("GM0344  ", "2023HJ02", 12.4, 4.0, 0.7, 41.0, None),
            jeugd_row("GM0344  ", "2024HJ01", 11.7, 4.2, 0.8, 43.0, 0.2),
            jeugd_row("GM0017  ", "2023JJ00", 9.9, None, None, None, None),
        ]
    )


# --------------------------------------------------------------------------------------
# fetch_tables
# --------------------------------------------------------------------------------------


def test_fetch_writes_cache_with_codes_statuses_and_vintage(tmp_path, jeugd_response):
    downloader = recorded({"85098NED": jeugd_response})
    result = fetch_tables(["85098NED"], cache_dir=tmp_path, downloader=downloader)
    assert downloader.calls == ["85098NED"]
    meta = result.written[0]
    assert meta["table"] == "85098NED"
    assert meta["source"] == "cbsodata"
    assert meta["format"] == "odata-json"
    assert meta["vintage"] == "CBS-versie 2024-10-31"
    assert "opendata.cbs.nl" in meta["origin"] and "85098NED" in meta["origin"]
    assert meta["rows"] == 6 * 5
    assert meta["title"] == "Jongeren met jeugdzorg in natura in % van alle jongeren; regio"

    frame, _ = read_cached("85098NED", tmp_path)
    assert frame["region_code"].notna().all()  # codes straight from the keys, padding stripped
    assert set(frame["region_code"]) == {"NL01", "PV26", "GM0344", "GM0017"}
    utrecht = frame[frame["region_code"] == "GM0344"]
    assert set(utrecht["region_label"]) == {"Utrecht (gemeente)"}

    obs = load_indicator("jeugdhulp_pct", "GM0344", cache_dir=tmp_path)
    got = {p: (v, s) for p, v, s in zip(obs["period"], obs["value"], obs["status"], strict=True)}
    assert got == {
        "2023": (15.0, "definitief"),
        "2023H2": (12.4, "nader voorlopig"),
        "2024H1": (11.7, "voorlopig"),
    }
    assert set(obs["published"]) == {"CBS StatLine 85098NED (CBS-versie 2024-10-31)"}

    haren = load_indicator("jeugdhulp_pct", "GM0017", cache_dir=tmp_path)
    assert haren[["region_name", "value"]].values.tolist() == [["Haren", 9.9]]
    assert region_resolver(tmp_path).code_for("Haren") == "GM0017"


def test_missing_values_get_status_missing(tmp_path, jeugd_response):
    fetch_tables(
        ["85098NED"], cache_dir=tmp_path, downloader=recorded({"85098NED": jeugd_response})
    )
    obs = load_indicator("jeugdreclassering_pct", "GM0344", cache_dir=tmp_path)
    h2 = obs[obs["period"] == "2023H2"]
    assert h2["status"].tolist() == ["missing"]
    assert h2["value"].isna().all()


def test_status_from_period_title_when_status_is_absent(tmp_path):
    periods = {"2023JJ00": ("2023**", ""), "2024HJ01": ("1e halfjaar 2024*", None)}
    resp = response(
        [jeugd_row("GM0344", "2023JJ00", 15.0), jeugd_row("GM0344", "2024HJ01", 11.7)],
        periods=periods,
    )
    for rec in resp["Perioden"]:
        if rec["Status"] is None:
            del rec["Status"]
    table = from_odata("85098NED", resp)
    f = table.frame[table.frame["indicator"] == "jeugdhulp_pct"]
    assert dict(zip(f["period"], f["status"], strict=True)) == {
        "2023": "nader voorlopig",
        "2024H1": "voorlopig",
    }


def test_vintage_of():
    assert (
        vintage_of({"TableInfos": [{"Modified": "2024-06-28T02:00:00"}]}) == "CBS-versie 2024-06-28"
    )
    assert vintage_of({"TableInfos": [{}]}) is None
    assert vintage_of({}) is None


def test_fetch_without_modified_date_records_retrieval_date(tmp_path, jeugd_response):
    del jeugd_response["TableInfos"][0]["Modified"]
    meta = fetch_tables(
        ["85098NED"], cache_dir=tmp_path, downloader=recorded({"85098NED": jeugd_response})
    )
    assert meta.written[0]["vintage"].startswith("opgehaald 20")


def test_filters_by_category_title(tmp_path):
    keys = ["JongerenMetJeugdzorg_1", "JongerenMetJeugdzorgRelatief_2", "Jeugdzorgtrajecten_3"]
    resp = response(
        [
            {
                "VormenVanJeugdzorg": "T001",
                "RegioS": "GM0344",
                "Perioden": "2020JJ00",
                "JongerenMetJeugdzorg_1": 13090.0,
                "JongerenMetJeugdzorgRelatief_2": 13.5,
            },
            {
                "VormenVanJeugdzorg": "A045",
                "RegioS": "GM0344",
                "Perioden": "2020JJ00",
                "JongerenMetJeugdzorg_1": 12000.0,
                "JongerenMetJeugdzorgRelatief_2": 12.4,
            },
            {
                "VormenVanJeugdzorg": "A046",
                "RegioS": "GM0344",
                "Perioden": "2020JJ00",
                "JongerenMetJeugdzorg_1": 11000.0,
                "JongerenMetJeugdzorgRelatief_2": 11.0,
            },
        ],
        title="Jongeren met jeugdzorg; vorm, regio",
        measures=keys,
        periods={"2020JJ00": ("2020", "Definitief")},
        VormenVanJeugdzorg=[
            {"Key": "T001", "Title": "JZ Totaal jeugdzorg", "Description": ""},
            {"Key": "A045", "Title": "JZ Totaal jeugdzorg in natura", "Description": ""},
            {"Key": "A046", "Title": "JH 1 Totaal jeugdhulp", "Description": ""},
        ],
    )
    fetch_tables(["84134NED"], cache_dir=tmp_path, downloader=recorded({"84134NED": resp}))
    persons = load_indicator("jeugdzorg_personen", cache_dir=tmp_path)
    assert persons[["region_code", "period", "value"]].values.tolist() == [
        ["GM0344", "2020", 13090.0]
    ]
    pct = load_indicator("jeugdzorg_pct", cache_dir=tmp_path)
    assert pct["value"].tolist() == [13.5]


def test_filters_on_several_dimensions(tmp_path):
    keys = ["WmoClienten_1", "WmoClientenPer1000Inwoners_2"]
    combos = [
        ("T001038", "T009002", "T001", 19190.0),
        ("3000", "T009002", "T001", 8000.0),
        ("T001038", "10000", "T001", 9000.0),
        ("T001038", "T009002", "A001", 7000.0),
    ]
    rows = [
        {
            "Geslacht": g,
            "KenmerkenVanPersonen": k,
            "TypeMaatwerkarrangement": t,
            "RegioS": "GM0344",
            "Perioden": "2015JJ00",
            "WmoClienten_1": v,
            "WmoClientenPer1000Inwoners_2": 55.0,
        }
        for g, k, t, v in combos
    ]
    resp = response(
        rows,
        title="Wmo-cliënten; geslacht, kenmerken, type maatwerkarrangement, regio",
        measures=keys,
        periods={"2015JJ00": ("2015", "Definitief")},
        Geslacht=[
            {"Key": "T001038", "Title": "Totaal mannen en vrouwen"},
            {"Key": "3000", "Title": "Mannen"},
        ],
        KenmerkenVanPersonen=[
            {"Key": "T009002", "Title": "Totaal personen"},
            {"Key": "10000", "Title": "Jonger dan 65 jaar"},
        ],
        TypeMaatwerkarrangement=[
            {"Key": "T001", "Title": "Totaal"},
            {"Key": "A001", "Title": "Hulp bij het huishouden"},
        ],
    )
    table = from_odata("83262NED", resp)
    wmo = table.frame[table.frame["indicator"] == "wmo_clienten"]
    assert wmo["value"].tolist() == [19190.0]


def test_wijk_table_fetch_gives_wijk_codes(tmp_path):
    keys = [
        "Gemeentenaam_1",
        "SoortRegio_2",
        "Codering_3",
        "WmoClienten_5",
        "WmoClientenPer1000Inwoners_6",
    ]
    resp = response(
        [
            {
                "Financieringsvorm": "T001",
                "Wijken": "GM0344  ",
                "Perioden": "2023JJ00",
                "Codering_3": "GM0344  ",
                "WmoClienten_5": 19000.0,
                "WmoClientenPer1000Inwoners_6": 50.0,
            },
            {
                "Financieringsvorm": "T001",
                "Wijken": "WK034401",
                "Perioden": "2023JJ00",
                "Codering_3": "WK034401",
                "WmoClienten_5": 1105.0,
                "WmoClientenPer1000Inwoners_6": 40.0,
            },
        ],
        title="Wmo-cliënten; financieringsvorm, wijken, 2023",
        measures=keys,
        regions={},
        periods={"2023JJ00": ("2023", "Definitief")},
        Financieringsvorm=[{"Key": "T001", "Title": "Totaal"}],
        Wijken=[
            {"Key": "GM0344  ", "Title": "Utrecht"},
            {"Key": "WK034401", "Title": "Wijk 01 West"},
        ],
    )
    fetch_tables(["85638NED"], cache_dir=tmp_path, downloader=recorded({"85638NED": resp}))
    obs = load_indicator("wmo_clienten", cache_dir=tmp_path)
    assert obs[["region_code", "region_name", "value"]].values.tolist() == [
        ["WK034401", "West", 1105.0]
    ]


def test_regions_table_fetch(tmp_path):
    keys = ["Code_1", "Naam_2", "SorteringNaam_3", "Code_18", "Naam_19", "Code_28", "Naam_29"]
    resp = response(
        [
            {
                "RegioS": "GM0344  ",
                "Code_1": "GM0344    ",
                "Naam_2": "Utrecht    ",
                "SorteringNaam_3": "Utrecht",
                "Code_18": "JZ22      ",
                "Naam_19": "Utrecht Stad   ",
                "Code_28": "PV26      ",
                "Naam_29": "Utrecht  ",
            },
            {
                "RegioS": "GM9901  ",
                "Code_1": "GM9901    ",
                "Naam_2": "Elzenburg",
                "SorteringNaam_3": "Elzenburg",
                "Code_18": "JZ99      ",
                "Naam_19": "Elzenland",
                "Code_28": "PV26      ",
                "Naam_29": "Utrecht",
            },
        ],
        title="Gebieden in Nederland 2024",
        measures=keys,
        periods={},
        regions={"GM0344  ": "Utrecht (gemeente)", "GM9901  ": "Elzenburg"},
    )
    fetch_tables(["85755NED"], cache_dir=tmp_path, downloader=recorded({"85755NED": resp}))
    resolver = region_resolver(tmp_path)
    assert resolver.code_for("Utrecht (gemeente)") == "GM0344"
    assert resolver.code_for("Elzenburg") == "GM9901"
    assert resolver.code_for("Utrecht Stad (JZ)") == "JZ22"
    assert resolver.code_for("Elzenland (JZ)") == "JZ99"
    assert resolver.code_for("Utrecht (PV)") == "PV26"


# --------------------------------------------------------------------------------------
# Impossible values, bad responses
# --------------------------------------------------------------------------------------


def test_percentage_above_100_rejected(tmp_path):
    resp = response([jeugd_row("GM0344", "2023JJ00", 15.0), jeugd_row("GM9901", "2023JJ00", 100.5)])
    with pytest.raises(InputError) as info:
        fetch_tables(["85098NED"], cache_dir=tmp_path, downloader=recorded({"85098NED": resp}))
    msg = str(info.value)
    assert "100.5" in msg and "outside 0-100" in msg and "85098NED" in msg and "2023JJ00" in msg
    assert not any(tmp_path.iterdir())  # nothing cached


def test_percentage_below_0_rejected(tmp_path):
    resp = response([jeugd_row("GM0344", "2023JJ00", -0.5)])
    with pytest.raises(InputError, match="outside 0-100"):
        fetch_tables(["85098NED"], cache_dir=tmp_path, downloader=recorded({"85098NED": resp}))
    assert not any(tmp_path.iterdir())


def test_percentage_above_100_kept_with_note_where_marked(tmp_path):
    resp = response([jeugd_row("GM0344", "2023JJ00", 15.0, 4.0, 0.8, 107.0, 0.3)])
    fetch_tables(["85098NED"], cache_dir=tmp_path, downloader=recorded({"85098NED": resp}))
    obs = load_indicator("jeugdbescherming_verblijf_pct", cache_dir=tmp_path)
    assert obs["value"].tolist() == [107.0]
    assert obs["note"].str.contains("boven 100%").all()


def test_negative_count_rejected(tmp_path):
    resp = response(
        [
            {
                "TypeMaatwerkvoorziening": "T001",
                "RegioS": "GM0344",
                "Perioden": "2023JJ00",
                "WmoClienten_1": -5.0,
                "WmoClientenPer1000Inwoners_2": 1.0,
            }
        ],
        measures=["WmoClienten_1", "WmoClientenPer1000Inwoners_2"],
        periods={"2023JJ00": ("2023", "Definitief")},
        TypeMaatwerkvoorziening=[{"Key": "T001", "Title": "Totaal"}],
    )
    with pytest.raises(InputError, match="negative count"):
        from_odata("86050NED", resp)


def test_conflicting_rows_rejected():
    resp = response(
        [jeugd_row("GM0344", "2023JJ00", 15.0), jeugd_row("GM0344  ", "2023JJ00", 15.5)]
    )
    with pytest.raises(InputError, match="conflicting duplicate"):
        from_odata("85098NED", resp)


@pytest.mark.parametrize(
    ("table_id", "resp", "fragment"),
    [
        ("12345NED", {"TypedDataSet": []}, "not in the catalogue"),
        ("85098NED", {"TableInfos": [{}]}, "no TypedDataSet"),
        (
            "85098NED",
            {
                "TypedDataSet": [
                    {"ID": 0, "Perioden": "2023JJ00", "JongerenMetJeugdhulpInNatura_1": 1.0}
                ]
            },
            "no region",
        ),
        (
            "85098NED",
            {
                "TypedDataSet": [
                    {
                        "ID": 0,
                        "RegioS": "GM0344",
                        "Perioden": "2023XX99",
                        "JongerenMetJeugdhulpInNatura_1": 1.0,
                    }
                ]
            },
            "unknown period key",
        ),
    ],
)
def test_bad_responses(table_id, resp, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        from_odata(table_id, resp)
    assert "\n" not in str(info.value)


def test_unknown_table_id_is_refused_before_any_download(tmp_path):
    downloader = recorded({})
    with pytest.raises(InputError, match="unknown table"):
        fetch_tables(["85098NED", "99999NED"], cache_dir=tmp_path, downloader=downloader)
    assert downloader.calls == []


def test_nan_in_typed_data_is_missing():
    resp = response([jeugd_row("GM0344", "2023JJ00", float("nan"), 4.0)])
    frame = from_odata("85098NED", resp).frame
    row = frame[frame["indicator"] == "jeugdhulp_pct"].iloc[0]
    assert row["status"] == "missing" and pd.isna(row["value"])


# --------------------------------------------------------------------------------------
# Fetch and import give the same observations
# --------------------------------------------------------------------------------------


def test_fetch_and_csv_import_give_identical_observations(tmp_path, jeugd_response):
    csv = tmp_path / "in" / "85098NED.csv"
    csv.parent.mkdir()
    header = "ID;RegioS;Perioden;" + ";".join(JEUGD_KEYS)
    csv.write_text(
        "\n".join(
            [
                header,
                "0;Nederland;2023;13.0;9.0;1.1;47.0;0.3",
                "1;Utrecht (PV);2023;12.0;8.5;1.0;45.0;0.3",
                "2;Utrecht (gemeente);2023;15.0;4.1;0.8;42.0;0.3",
                "3;Utrecht (gemeente);2e halfjaar 2023**;12.4;4.0;0.7;41.0;",
                "4;Utrecht (gemeente);1e halfjaar 2024*;11.7;4.2;0.8;43.0;0.2",
            ]
        )
        + "\n",
        encoding="utf-8-sig",
    )
    # Haren is not in the CSV: a label-only file cannot give a merged-away municipality a code
    jeugd_response["TypedDataSet"] = [
        r for r in jeugd_response["TypedDataSet"] if r["RegioS"] != "GM0017  "
    ]
    imported, fetched = tmp_path / "imported", tmp_path / "fetched"
    import_paths([csv], cache_dir=imported)
    fetch_tables(["85098NED"], cache_dir=fetched, downloader=recorded({"85098NED": jeugd_response}))
    for indicator in JEUGD:
        a = load_indicator(indicator, cache_dir=imported)
        b = load_indicator(indicator, cache_dir=fetched)
        assert len(a) == 5
        cols = [c for c in a.columns if c != "published"]  # the vintage differs, nothing else
        pd.testing.assert_frame_equal(a[cols], b[cols])


# --------------------------------------------------------------------------------------
# download(): network failures become InputError
# --------------------------------------------------------------------------------------


def test_download_network_failure_is_an_input_error(monkeypatch):
    import cbsodata
    import requests

    def offline(table_id, *args, **kwargs):
        raise requests.ConnectionError(
            "HTTPSConnectionPool(host='opendata.cbs.nl', port=443): Max retries exceeded\nwith url: /ODataApi"
        )

    monkeypatch.setattr(cbsodata, "download_data", offline)
    with pytest.raises(InputError) as info:
        download("85098NED")
    msg = str(info.value)
    assert msg.startswith("fetching CBS table 85098NED failed")
    assert "Max retries exceeded" in msg
    assert "\n" not in msg


def test_download_error_without_message(monkeypatch):
    import cbsodata
    import requests

    def offline(table_id, *args, **kwargs):
        raise requests.Timeout()

    monkeypatch.setattr(cbsodata, "download_data", offline)
    with pytest.raises(InputError, match="failed: Timeout"):
        download("85098NED")


def test_fetch_tables_default_downloader_offline_writes_nothing(monkeypatch, tmp_path):
    import cbsodata
    import requests

    calls = []

    def offline(table_id, *args, **kwargs):
        calls.append((table_id, kwargs))
        raise requests.ConnectionError("Failed to establish a new connection")

    monkeypatch.setattr(cbsodata, "download_data", offline)
    with pytest.raises(InputError, match="85098NED"):
        fetch_tables(["85098NED"], cache_dir=tmp_path / "cbs")
    assert calls == [("85098NED", {"typed": True})]
    assert not (tmp_path / "cbs").exists()


def test_download_passes_the_response_through(monkeypatch, jeugd_response):
    import cbsodata

    monkeypatch.setattr(cbsodata, "download_data", lambda table_id, typed=False: jeugd_response)
    assert download("85098NED") is jeugd_response


# --------------------------------------------------------------------------------------
# Real CBS metadata (85984NED DataProperties) against the catalogue's measure matching
# --------------------------------------------------------------------------------------

UNIT_OF = {
    "aantal": "aantal",
    "%": "procent",
    "per 1 000 inwoners": "per 1000 inwoners",
    "code": "code",
}


def _real_topics(realdata_dir: Path) -> list[dict]:
    path = realdata_dir / "cbs-odata-meta-85984NED" / "DataProperties.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    props = json.loads(path.read_text(encoding="utf-8"))
    return [p for p in props if p.get("Type") == "Topic"]


@pytest.mark.realdata
def test_real_metadata_keys_match_by_prefix_not_suffix(realdata_dir):
    topics = _real_topics(realdata_dir)
    assert len(topics) == 128
    wmo = TABLES["86050NED"]
    by_key = {p["Key"]: p for p in topics}
    # same measure, other suffix than in 86050NED (WmoClienten_1): still matched
    assert "WmoClienten_100" in by_key
    assert wmo.measure_for("WmoClienten_100").indicator == "wmo_clienten"
    assert (
        wmo.measure_for(by_key["WmoClienten_100"]["Title"]).indicator == "wmo_clienten"
    )  # 'Wmo-cliënten'
    # and the match holds for every table that uses the measure, incl. the wijk tables
    for table_id in ("83262NED", "86050NED", "83267NED", "85995NED"):
        assert TABLES[table_id].measure_for("WmoClienten_100").indicator == "wmo_clienten"


@pytest.mark.realdata
def test_real_metadata_gives_no_false_matches(realdata_dir):
    topics = _real_topics(realdata_dir)
    matched = {}
    for table in TABLES.values():
        for p in topics:
            for name in (p["Key"], p["Title"]):
                m = table.measure_for(name)
                if m is not None:
                    matched[(table.id, p["Key"])] = (m.indicator, p["Unit"])
    # only the Wmo-client count, its rate per 1,000 and the wijk's Indelingswijziging (the wijk tables'
    # IndelingswijzigingWijken, by title) are the same measures; nothing else may be claimed
    assert {key for _, key in matched} == {
        "WmoClienten_100",
        "WmoClientenRelatief_101",
        "IndelingswijzigingGemeenteWijkBuurt_4",
    }
    assert {m for (table, key), (m, _) in matched.items() if key.startswith("Indeling")} == {
        "wijk_indelingswijziging"
    }
    for indicator, unit in matched.values():
        from analysis.indicators import INDICATORS

        assert UNIT_OF[unit.strip()] == INDICATORS[indicator].unit


@pytest.mark.realdata
def test_real_metadata_keys_through_from_odata(realdata_dir):
    topics = {p["Key"]: p for p in _real_topics(realdata_dir)}
    keys = ["WmoClienten_100", "WmoClientenRelatief_101"]
    assert all(k in topics for k in keys)
    resp = response(
        [
            {
                "TypeMaatwerkvoorziening": "T001",
                "RegioS": "GM0344",
                "Perioden": "2023JJ00",
                "WmoClienten_100": 19810.0,
                "WmoClientenRelatief_101": 54.0,
            }
        ],
        measures=keys,
        periods={"2023JJ00": ("2023", "Definitief")},
        TypeMaatwerkvoorziening=[{"Key": "T001", "Title": "Totaal"}],
    )
    frame = from_odata("86050NED", resp).frame
    clients = frame[frame["indicator"] == "wmo_clienten"]
    assert clients[["region_code", "period", "value"]].values.tolist() == [
        ["GM0344", "2023", 19810.0]
    ]


@pytest.mark.realdata
def test_real_metadata_wmo_rate_is_matched(realdata_dir):
    topics = {p["Key"]: p for p in _real_topics(realdata_dir)}
    assert topics["WmoClientenRelatief_101"]["Unit"].strip() == "per 1 000 inwoners"
    measure = TABLES["86050NED"].measure_for("WmoClientenRelatief_101")
    assert measure is not None and measure.indicator == "wmo_clienten_per_1000"
