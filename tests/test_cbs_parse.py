"""Reading CBS files: OData/cbsodata CSV, StatLine web CSV, region tables, and bad input."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.cbs.parse import (
    MAX_LINE_CHARS,
    NOTE_ABOVE_100,
    RAW_COLUMNS,
    REGION_COLUMNS,
    read_table_file,
    sha256_of,
    strip_unit,
)
from analysis.errors import InputError
from analysis.periods import parse_cbs_period

FIXTURES = Path(__file__).parent / "fixtures" / "cbs"

JEUGD_HEADER = (
    "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1;JongerenMetJeugdhMetVerblInNat_2;"
    "JongerenMetJeugdbescherming_3;JeugdbeschEnJeugdhMetVerblInNat_4;JongerenMetJeugdreclassering_5"
)


def write(folder: Path, name: str, text: str, *, bom: bool = True) -> Path:
    """Write a CSV exactly as given (no newline translation), UTF-8 with BOM by default."""
    path = folder / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def value(frame: pd.DataFrame, indicator: str, region: str, period: str) -> float:
    """The single value of one indicator/region/period (region matched on label or code)."""
    sel = frame[
        (frame["indicator"] == indicator)
        & ((frame["region_label"] == region) | (frame["region_code"] == region))
        & (frame["period"] == period)
    ]
    assert len(sel) == 1, f"expected one row for {indicator} {region} {period}, got {len(sel)}"
    return sel["value"].iloc[0]


def row(frame: pd.DataFrame, indicator: str, region: str, period: str) -> pd.Series:
    sel = frame[
        (frame["indicator"] == indicator)
        & ((frame["region_label"] == region) | (frame["region_code"] == region))
        & (frame["period"] == period)
    ]
    assert len(sel) == 1
    return sel.iloc[0]


def expect_error(path: Path, *fragments: str, line: int | None = None, **kwargs) -> InputError:
    """read_table_file must raise one one-line InputError naming the file (and line)."""
    with pytest.raises(InputError) as info:
        read_table_file(path, **kwargs)
    msg = str(info.value)
    assert "\n" not in msg and "\r" not in msg
    assert str(path) in msg, msg
    if line is not None:
        assert f"line {line}" in msg, msg
        assert info.value.row == line
    for fragment in fragments:
        assert fragment.lower() in msg.lower(), msg
    return info.value


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "period", "period_type", "status"),
    [
        ("2015", "2015", "year", "definitief"),
        ("1e halfjaar 2016", "2016H1", "halfyear", "definitief"),
        ("2e halfjaar 2016", "2016H2", "halfyear", "definitief"),
        ("1e half jaar 2024", "2024H1", "halfyear", "definitief"),
        ("2015 1e halfjaar", "2015H1", "halfyear", "definitief"),
        ("1e kwartaal 2015", "2015Q1", "quarter", "definitief"),
        ("4e kwartaal 2019", "2019Q4", "quarter", "definitief"),
        ("30 juni 2015", "2015-06-30", "date", "definitief"),
        ("31 december 2020", "2020-12-31", "date", "definitief"),
        ("2016HJ01", "2016H1", "halfyear", "definitief"),
        ("2016HJ02", "2016H2", "halfyear", "definitief"),
        ("2023JJ00", "2023", "year", "definitief"),
        ("2015KW01", "2015Q1", "quarter", "definitief"),
        ("2015MM03", "2015-03", "month", "definitief"),
        ("2023*", "2023", "year", "voorlopig"),
        ("2023**", "2023", "year", "nader voorlopig"),
        ("1e halfjaar 2024*", "2024H1", "halfyear", "voorlopig"),
        ("  1e  halfjaar   2024 ** ", "2024H1", "halfyear", "nader voorlopig"),
    ],
)
def test_cbs_period_labels(label, period, period_type, status):
    p = parse_cbs_period(label)
    assert (p.period, p.period_type, p.status) == (period, period_type, status)


@pytest.mark.parametrize(
    "label",
    [
        "",
        "ergens in 2015",
        "3e halfjaar 2016",
        "2016HJ03",
        "2016JJ01",
        "31 juni 2015",
        "2015 Q5",
        "15",
    ],
)
def test_unknown_period_labels_raise(label):
    with pytest.raises(ValueError):
        parse_cbs_period(label)


# --------------------------------------------------------------------------------------
# OData / cbsodata CSV
# --------------------------------------------------------------------------------------


def test_odata_semicolon_bom_file(tmp_path):
    path = write(
        tmp_path,
        "82972NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Nederland;2015;8.2;12.0;1.1;47.0;0.4",
            "1;Utrecht (gemeente);2015;7.3;11.0;1.1;40.1;0.5",
            "2;Utrecht (gemeente);1e halfjaar 2016;10.3;9.0;0.9;39.5;",
        ),
    )
    table = read_table_file(path)
    assert table.table_id == "82972NED"
    assert table.kind == "data"
    assert table.file_format == "odata-csv"
    assert table.origin == str(path)
    assert table.checksum == sha256_of(path.read_bytes())
    frame = table.frame
    assert list(frame.columns) == RAW_COLUMNS
    # 3 rows x 5 measures
    assert len(frame) == 15
    assert set(frame["indicator"]) == {
        "jeugdhulp_pct",
        "jeugdhulp_verblijf_pct",
        "jeugdbescherming_pct",
        "jeugdbescherming_verblijf_pct",
        "jeugdreclassering_pct",
    }
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2015") == pytest.approx(7.3)
    assert value(
        frame, "jeugdbescherming_verblijf_pct", "Utrecht (gemeente)", "2015"
    ) == pytest.approx(40.1)
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2016H1") == pytest.approx(10.3)
    r = row(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2016H1")
    assert r["period_type"] == "halfyear"
    assert r["status"] == "definitief"
    assert r["measure"] == "JongerenMetJeugdhulpInNatura"
    assert pd.isna(r["region_code"])  # labels, not codes: resolved at load time
    assert r["line"] == 4
    # empty cell = missing
    missing = row(frame, "jeugdreclassering_pct", "Utrecht (gemeente)", "2016H1")
    assert math.isnan(missing["value"])
    assert missing["status"] == "missing"
    # the BOM did not end up in the first column name (the file was still recognised)
    assert row(frame, "jeugdhulp_pct", "Nederland", "2015")["line"] == 2


def test_odata_comma_delimiter_gives_same_values(tmp_path):
    semi = write(
        tmp_path,
        "a_82972NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2015;7.3;11.0;1.1;40.1;0.5",
            "1;Amsterdam;2015;9.1;12.2;1.4;45.0;0.7",
        ),
    )
    comma = write(
        tmp_path,
        "b_82972NED.csv",
        lines(
            JEUGD_HEADER.replace(";", ","),
            '0,"Utrecht (gemeente)",2015,7.3,11.0,1.1,40.1,0.5',
            "1,Amsterdam,2015,9.1,12.2,1.4,45.0,0.7",
        ),
        bom=False,
    )
    a = read_table_file(semi).frame.drop(columns="line")
    b = read_table_file(comma).frame.drop(columns="line")
    pd.testing.assert_frame_equal(a, b)
    assert value(b, "jeugdhulp_pct", "Amsterdam", "2015") == pytest.approx(9.1)


def test_odata_without_bom_and_with_crlf(tmp_path):
    path = write(
        tmp_path,
        "82972NED.csv",
        "\r\n".join(
            [
                JEUGD_HEADER,
                "0;Utrecht (gemeente);2016;13.1;10.0;1.0;41.0;0.5",
                "",
            ]
        ),
        bom=False,
    )
    frame = read_table_file(path).frame
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2016") == pytest.approx(13.1)


@pytest.mark.parametrize("suffix", ["1", "7", "42", "100"])
def test_measure_keys_match_whatever_the_numeric_suffix(tmp_path, suffix):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            f"ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_{suffix};Onbekend_{int(suffix) + 1}",
            "0;Utrecht (gemeente);2023;15.0;3.0",
        ),
    )
    frame = read_table_file(path).frame
    assert frame["indicator"].tolist() == ["jeugdhulp_pct"]  # the unknown measure is ignored
    assert frame["measure"].tolist() == ["JongerenMetJeugdhulpInNatura"]
    assert frame["value"].tolist() == [15.0]


def test_similar_measure_keys_are_not_confused(tmp_path):
    # JongerenMetJeugdzorg and JongerenMetJeugdzorgRelatief share a prefix: each keeps its own indicator
    path = write(
        tmp_path,
        "84134NED.csv",
        lines(
            "ID;VormenVanJeugdzorg;RegioS;Perioden;JongerenMetJeugdzorgRelatief_9;JongerenMetJeugdzorg_8;Jeugdzorgtrajecten_3",
            "0;JZ Totaal jeugdzorg;Utrecht (gemeente);2020;13.5;13090.0;20000.0",
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "jeugdzorg_personen", "Utrecht (gemeente)", "2020") == 13090
    assert value(frame, "jeugdzorg_pct", "Utrecht (gemeente)", "2020") == pytest.approx(13.5)
    assert len(frame) == 2


def test_numbers_written_as_float_strings(tmp_path):
    path = write(
        tmp_path,
        "86050NED.csv",
        lines(
            "ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2",
            "0;Totaal;Nederland;2017;1036255.0;61.0",
            "1;Totaal;Utrecht (gemeente);2023;258915.0;54.0",
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "wmo_clienten", "Utrecht (gemeente)", "2023") == 258915.0
    assert value(frame, "wmo_clienten", "Nederland", "2017") == 1036255.0
    assert value(frame, "wmo_clienten_per_1000", "Nederland", "2017") == 61.0


def test_odata_keys_in_dimension_columns(tmp_path):
    path = write(
        tmp_path,
        "85098NED_TypedDataSet.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1",
            "0;GM0344  ;2016HJ01;10.3",
            "1;PV26;2023JJ00;12.0",
            "2;NL01;2015KW01;7.1",
        ),
    )
    table = read_table_file(path)
    assert table.table_id == "85098NED"
    frame = table.frame
    r = row(frame, "jeugdhulp_pct", "GM0344", "2016H1")
    assert r["region_code"] == "GM0344"
    assert r["period_type"] == "halfyear"
    assert row(frame, "jeugdhulp_pct", "PV26", "2023")["period_type"] == "year"
    assert row(frame, "jeugdhulp_pct", "NL01", "2015Q1")["period_type"] == "quarter"


def test_all_period_label_forms_in_one_file(tmp_path):
    labels = {
        "2015": "2015",
        "1e halfjaar 2016": "2016H1",
        "1e half jaar 2024": "2024H1",
        "2017 1e halfjaar": "2017H1",
        "1e kwartaal 2015": "2015Q1",
        "2016HJ02": "2016H2",
    }
    body = [f"{i};Utrecht (gemeente);{label};{i + 1}.5" for i, label in enumerate(labels)]
    path = write(
        tmp_path, "82972NED.csv", lines("ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1", *body)
    )
    frame = read_table_file(path).frame
    assert dict(zip(frame["period"], frame["value"], strict=True)) == {
        p: i + 1.5 for i, p in enumerate(labels.values())
    }


def test_reference_dates(tmp_path):
    path = write(
        tmp_path,
        "82968NED.csv",
        lines(
            "ID;RegioS;Perioden;TotaalJeugdzorgtrajectenInNatura_1;TotaalJeugdhulptrajectenInNatura_2;"
            "TotaalJeugdhulpZonderVerblijf_3;UitgevoerdDoorHetWijkOfBuurtteam_4;TotaalJeugdbeschermingstrajecten_14",
            "0;Utrecht (gemeente);30 juni 2015;9000.0;8000.0;7000.0;4000.0;900.0",
            "1;Utrecht (gemeente);31 december 2019;9900.0;8800.0;7700.0;5300.0;870.0",
        ),
    )
    frame = read_table_file(path).frame
    assert set(frame["indicator"]) == {
        "jeugdhulptrajecten",
        "jeugdhulptrajecten_buurtteam",
        "jeugdbeschermingstrajecten",
    }
    assert value(frame, "jeugdbeschermingstrajecten", "Utrecht (gemeente)", "2019-12-31") == 870
    assert value(frame, "jeugdhulptrajecten_buurtteam", "Utrecht (gemeente)", "2019-12-31") == 5300
    assert set(frame["period_type"]) == {"date"}


def test_identical_duplicate_rows_are_kept_once(tmp_path):
    path = write(
        tmp_path,
        "82972NED.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1",
            "0;Utrecht (gemeente);2015;7.3",
            "1;Utrecht (gemeente);2015;7.3",
            "2;Utrecht (gemeente);2016;13.1",
        ),
    )
    frame = read_table_file(path).frame
    assert len(frame) == 2
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2015") == pytest.approx(7.3)


def test_same_period_under_two_labels_counts_as_duplicate(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1",
            "0;Utrecht (gemeente);1e halfjaar 2024;11.7",
            "1;Utrecht (gemeente);1e half jaar 2024;11.9",
        ),
    )
    expect_error(path, "conflicting duplicate", "lines 2, 3", "2024H1", line=3)


# --------------------------------------------------------------------------------------
# Extra dimensions: only the 'Totaal' slice
# --------------------------------------------------------------------------------------


def test_84134ned_keeps_only_totaal_jeugdzorg(tmp_path):
    path = write(
        tmp_path,
        "84134NED.csv",
        lines(
            "ID;VormenVanJeugdzorg;RegioS;Perioden;JongerenMetJeugdzorg_1;JongerenMetJeugdzorgRelatief_2;Jeugdzorgtrajecten_3",
            "0;JZ Totaal jeugdzorg;Utrecht (gemeente);2020;13090.0;13.5;",
            "1;JZ Totaal jeugdzorg in natura;Utrecht (gemeente);2020;12000.0;12.4;",
            "2;JH 1 Totaal jeugdhulp;Utrecht (gemeente);2020;11000.0;11.0;",
            "3;JZ Totaal jeugdzorg;Nederland;2020;400000.0;9.9;",
        ),
    )
    frame = read_table_file(path).frame
    assert len(frame) == 4  # 2 regions x 2 measures, no conflict from the other slices
    assert value(frame, "jeugdzorg_personen", "Utrecht (gemeente)", "2020") == 13090
    assert value(frame, "jeugdzorg_pct", "Utrecht (gemeente)", "2020") == pytest.approx(13.5)
    assert sorted(frame["line"].unique()) == [2, 5]


def test_83262ned_keeps_only_the_all_totaal_slice(tmp_path):
    path = write(
        tmp_path,
        "83262NED.csv",
        lines(
            "ID;Geslacht;KenmerkenVanPersonen;TypeMaatwerkarrangement;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2",
            "0;Totaal mannen en vrouwen;Totaal personen;Totaal;Utrecht (gemeente);2015;19190.0;55.0",
            "1;Mannen;Totaal personen;Totaal;Utrecht (gemeente);2015;8000.0;46.0",
            "2;Totaal mannen en vrouwen;Jonger dan 65 jaar;Totaal;Utrecht (gemeente);2015;9000.0;30.0",
            "3;Totaal mannen en vrouwen;Totaal personen;Hulp bij het huishouden;Utrecht (gemeente);2015;7000.0;20.0",
            "4;Totaal mannen en vrouwen;Totaal personen;Totaal;Utrecht (gemeente);1e halfjaar 2015;17000.0;49.0",
        ),
    )
    frame = read_table_file(path).frame
    assert len(frame) == 4
    assert value(frame, "wmo_clienten", "Utrecht (gemeente)", "2015") == 19190
    assert value(frame, "wmo_clienten_per_1000", "Utrecht (gemeente)", "2015") == 55
    assert value(frame, "wmo_clienten", "Utrecht (gemeente)", "2015H1") == 17000


def test_no_matching_slice_is_refused(tmp_path):
    # a table without rows in the catalogue's slice must not replace a cached one (issue 13)
    path = write(
        tmp_path,
        "84134NED.csv",
        lines(
            "ID;VormenVanJeugdzorg;RegioS;Perioden;JongerenMetJeugdzorg_1",
            "0;JZ Totaal jeugdzorg in natura;Utrecht (gemeente);2020;12000.0",
        ),
    )
    expect_error(path, "no rows in the slice", "JZ Totaal jeugdzorg", "nothing to import", line=1)


# --------------------------------------------------------------------------------------
# Wijk tables (codes in a Codering column)
# --------------------------------------------------------------------------------------

WIJK_HEADER = (
    "ID;Financieringsvorm;Wijken;Perioden;Gemeentenaam_1;SoortRegio_2;Codering_3;"
    "IndelingswijzigingWijken_4;WmoClienten_5;WmoClientenPer1000Inwoners_6"
)


def test_wijk_table_codes_from_codering(tmp_path):
    path = write(
        tmp_path,
        "85638NED.csv",
        lines(
            WIJK_HEADER,
            "0;Totaal;Utrecht;2023;Utrecht                                 ;Gemeente ;GM0344  ;1.0;19000.0;52.0",
            "1;Totaal;Wijk 01 West;2023;Utrecht                                 ;Wijk     ;WK034401;1.0;1100.0;40.0",
            "2;Totaal;Wijk 03 Overvecht;2023;Utrecht                                 ;Wijk     ;WK034403;1.0;3400.0;98.0",
            "3;Totaal;Centrum-AA;2023;Amsterdam                               ;Wijk     ;WK0363AA;1.0;2500.0;50.0",
            "4;PGB;Wijk 01 West;2023;Utrecht                                 ;Wijk     ;WK034401;1.0;100.0;4.0",
            "5;Totaal;Elzenburg;2023;                                        ;         ;        ;;;",
        ),
    )
    table = read_table_file(path)
    frame = table.frame
    wmo = frame[frame["indicator"] == "wmo_clienten"]
    codes = wmo["region_code"].astype(object).where(wmo["region_code"].notna(), None)
    assert dict(zip(wmo["region_label"], codes, strict=True)) == {
        "Utrecht": "GM0344",
        "Wijk 01 West": "WK034401",
        "Wijk 03 Overvecht": "WK034403",
        "Centrum-AA": "WK0363AA",
        "Elzenburg": None,
    }
    assert value(frame, "wmo_clienten", "WK034401", "2023") == 1100  # Totaal, not PGB
    assert value(frame, "wmo_clienten", "WK0363AA", "2023") == 2500
    # Codering_3, Gemeentenaam_1 etc. are not measures; IndelingswijzigingWijken_4 is (analysis.wijken)
    assert set(frame["indicator"]) == {
        "wmo_clienten",
        "wmo_clienten_per_1000",
        "wijk_indelingswijziging",
    }
    assert value(frame, "wijk_indelingswijziging", "WK034401", "2023") == 1


def test_wijk_labels_that_repeat_across_municipalities_are_not_duplicates(tmp_path):
    path = write(
        tmp_path,
        "85638NED.csv",
        lines(
            WIJK_HEADER,
            "0;Totaal;Wijk 01 West;2023;Utrecht ;Wijk ;WK034401;1.0;1100.0;40.0",
            "1;Totaal;Wijk 01 West;2023;Elzenburg ;Wijk ;WK990101;1.0;50.0;10.0",
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "wmo_clienten", "WK990101", "2023") == 50
    assert value(frame, "wmo_clienten", "WK034401", "2023") == 1100


# --------------------------------------------------------------------------------------
# StatLine web CSV
# --------------------------------------------------------------------------------------

WEB_TITLE = '"Jongeren met jeugdzorg in natura in % van alle jongeren; regio"'


def test_web_csv_units_in_parentheses_symbols_statuses_footer(tmp_path):
    path = write(
        tmp_path,
        "download.csv",
        lines(
            WEB_TITLE,
            '"Regio\'s";"Perioden";"Jongeren met jeugdhulp in natura (%)";"Jongeren met jeugdbescherming (%)";'
            '"Jeugdbescherming en jeugdhulp met verblijf in natura (%)"',
            '"Utrecht (gemeente)";"2022";"15,0";"0,8";"42,0"',
            '"Utrecht (gemeente)";"2023*";"7,3";".";"x"',
            '"Utrecht (gemeente)";"1e halfjaar 2024**";"-";"";"107,0"',
            '"Amsterdam";"2023*";"12,5";"1,2";"45,5"',
            "",
            '"Bron: CBS"',
            '"Gewijzigd op 1 juli 2024"',
        ),
        bom=False,
    )
    table = read_table_file(path)
    assert table.table_id == "85098NED"  # identified from the title line
    assert table.file_format == "statline-web-csv"
    frame = table.frame
    assert len(frame) == 12
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2022") == pytest.approx(15.0)
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2023") == pytest.approx(7.3)
    assert value(frame, "jeugdbescherming_verblijf_pct", "Amsterdam", "2023") == pytest.approx(45.5)
    r = row(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2023")
    assert r["status"] == "voorlopig"
    r = row(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2024H1")
    assert (r["value"], r["status"]) == (0.0, "nader voorlopig")  # '-' is nil
    r = row(frame, "jeugdbescherming_pct", "Utrecht (gemeente)", "2023")
    assert math.isnan(r["value"]) and r["status"] == "missing"  # '.'
    r = row(frame, "jeugdbescherming_pct", "Utrecht (gemeente)", "2024H1")
    assert math.isnan(r["value"]) and r["status"] == "missing"  # empty
    r = row(frame, "jeugdbescherming_verblijf_pct", "Utrecht (gemeente)", "2023")
    assert math.isnan(r["value"]) and r["status"] == "suppressed"  # 'x'
    r = row(frame, "jeugdbescherming_verblijf_pct", "Utrecht (gemeente)", "2024H1")
    assert r["value"] == pytest.approx(107.0) and r["note"] == NOTE_ABOVE_100
    assert r["line"] == 5
    assert any("above 100" in n for n in table.notes)


def test_web_csv_units_row_under_labels(tmp_path):
    path = write(
        tmp_path,
        "jeugd_85098NED.csv",
        lines(
            WEB_TITLE,
            '"Regio\'s";"Perioden";"Jongeren met jeugdhulp in natura";"Jongeren met jeugdreclassering"',
            '"";"";"%";"% van jongeren 12 tot 23 jaar"',
            '"Utrecht (gemeente)";"2023";"15,0";"0,3"',
            '"Bron: CBS"',
        ),
    )
    frame = read_table_file(path).frame
    assert len(frame) == 2
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2023") == pytest.approx(15.0)
    assert value(frame, "jeugdreclassering_pct", "Utrecht (gemeente)", "2023") == pytest.approx(0.3)
    assert frame["line"].tolist() == [4, 4]


def test_web_csv_units_row_over_labels(tmp_path):
    path = write(
        tmp_path,
        "jeugd_85098NED.csv",
        lines(
            WEB_TITLE,
            '"";"";"%";"%"',
            '"Regio\'s";"Perioden";"Jongeren met jeugdhulp in natura";"Jongeren met jeugdbescherming"',
            '"Utrecht (gemeente)";"2023";"15,0";"0,8"',
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2023") == pytest.approx(15.0)
    assert value(frame, "jeugdbescherming_pct", "Utrecht (gemeente)", "2023") == pytest.approx(0.8)


def test_web_csv_labels_over_a_units_row_that_holds_the_dimensions(tmp_path):
    path = write(
        tmp_path,
        "jeugd_85098NED.csv",
        lines(
            WEB_TITLE,
            '"";"";"Jongeren met jeugdhulp in natura";"Jongeren met jeugdbescherming"',
            '"Regio\'s";"Perioden";"%";"%"',
            '"Utrecht (gemeente)";"2023";"15,0";"0,8"',
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2023") == pytest.approx(15.0)
    assert value(frame, "jeugdbescherming_pct", "Utrecht (gemeente)", "2023") == pytest.approx(0.8)


def test_web_csv_thousands_separator_in_comma_decimal_file(tmp_path):
    path = write(
        tmp_path,
        "wmo_86050NED.csv",
        lines(
            '"Wmo-cliënten; type maatwerkvoorziening, regio"',
            '"Type maatwerkvoorziening";"Regio\'s";"Perioden";"Wmo-cliënten (aantal)";'
            '"Wmo-cliënten per 1 000 inwoners (per 1 000 inwoners)"',
            '"Totaal";"Utrecht (gemeente)";"2023";"12.163";"54,5"',
            '"Totaal";"Nederland";"2023";"1.236.040";"68,1"',
            '"Totaal";"Elzenburg";"2023";"950";"15,0"',
            '"Hulpmiddelen";"Utrecht (gemeente)";"2023";"3.000";"9,0"',
            '"Bron: CBS"',
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "wmo_clienten", "Utrecht (gemeente)", "2023") == 12163
    assert value(frame, "wmo_clienten", "Nederland", "2023") == 1236040
    assert value(frame, "wmo_clienten", "Elzenburg", "2023") == 950
    assert value(frame, "wmo_clienten_per_1000", "Utrecht (gemeente)", "2023") == pytest.approx(
        54.5
    )
    assert len(frame) == 6  # the Hulpmiddelen slice is filtered out


def test_web_csv_semicolon_title_is_not_taken_for_the_header(tmp_path):
    # the quoted title holds '; regio' - it must not be mistaken for a RegioS header cell
    path = write(
        tmp_path,
        "download.csv",
        lines(
            WEB_TITLE + ";;",
            '"Regio\'s";"Perioden";"Jongeren met jeugdhulp in natura (%)"',
            '"Utrecht (gemeente)";"2023";"15,0"',
        ),
    )
    table = read_table_file(path)
    assert table.table_id == "85098NED"
    assert value(table.frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2023") == pytest.approx(15.0)


def test_web_csv_period_first_layout_with_table_id_argument(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        lines(
            '"Een eigen titel"',
            '"Perioden";"Regio\'s";"Jongeren met jeugdhulp in natura (%)"',
            '"2015";"Utrecht (gemeente)";"7,3"',
            '"2016";"Utrecht (gemeente)";"13,1"',
        ),
    )
    with pytest.raises(InputError, match="cannot tell which CBS table"):
        read_table_file(path)
    table = read_table_file(path, table_id="82972NED")
    assert table.table_id == "82972NED"
    assert value(table.frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2016") == pytest.approx(13.1)


# --------------------------------------------------------------------------------------
# Region tables (Gebieden in Nederland)
# --------------------------------------------------------------------------------------


def test_regions_table_gives_crosswalk_rows():
    table = read_table_file(FIXTURES / "85755NED.csv")
    assert table.kind == "regions"
    assert table.table_id == "85755NED"
    frame = table.frame
    assert list(frame.columns) == REGION_COLUMNS
    by_label = dict(zip(frame["label"], frame["region_code"], strict=False))
    assert by_label["Utrecht (gemeente)"] == "GM0344"
    assert by_label["Elzenburg"] == "GM9901"
    assert by_label["Utrecht (PV)"] == "PV26"
    assert by_label["Utrecht Stad (JZ)"] == "JZ22"
    assert by_label["Elzenland (JZ)"] == "JZ99"
    assert by_label["West-Nederland (LD)"] == "LD03"
    gm = frame[frame["region_code"] == "GM0344"].iloc[0]
    assert gm["region_name"] == "Utrecht"  # padded cells are stripped
    assert gm["size_class"] == "250 000 inwoners of meer"
    assert gm["inhabitants"].isdigit() and int(gm["inhabitants"]) > 250_000
    assert gm["urbanity"] is None  # the fixture has no stedelijkheid column
    assert (
        frame.loc[frame["region_code"] == "PV26", "inhabitants"].isna().all()
    )  # municipalities only
    # size-class codes (plain numbers) are not region codes
    assert frame["region_code"].str.match(r"^[A-Z]{2}").all()
    assert not frame.duplicated(["region_code", "label"]).any()


def test_regions_table_wide_layout_up_to_code_28(tmp_path):
    names = ["ID", "RegioS", "Code_1", "Naam_2", "SorteringNaam_3"]
    pairs = {
        4: "AM13",
        6: "AR04",
        8: "CE0344",
        10: "CR17",
        12: "CS170",
        14: "CP1703",
        16: "GG2514",
        18: "JZ22",
        20: "KK41",
        22: "LB2603",
        24: "LG10",
        26: "LD03",
        28: "PV26",
    }
    pair_names = {18: "Utrecht Stad", 26: "West-Nederland"}
    cells = ["7", "Utrecht (gemeente)", "GM0344    ", "Utrecht   ", "Utrecht   "]
    for n, code in pairs.items():
        names += [f"Code_{n}", f"Naam_{n + 1}"]
        cells += [f"{code:<10}", f"{pair_names.get(n, 'Utrecht'):<50}"]
    path = write(tmp_path, "85755NED.csv", lines(";".join(names), ";".join(cells)))
    frame = read_table_file(path).frame
    by_label = dict(zip(frame["label"], frame["region_code"], strict=False))
    assert by_label["Utrecht (gemeente)"] == "GM0344"
    assert by_label["Utrecht (PV)"] == "PV26"
    assert by_label["Utrecht Stad (JZ)"] == "JZ22"
    assert by_label["Utrecht (CR)"] == "CR17"
    assert len(frame) == 1 + len(pairs)


# --------------------------------------------------------------------------------------
# Tables outside the catalogue, unidentifiable files
# --------------------------------------------------------------------------------------


def test_table_not_in_catalogue_is_skipped(tmp_path):
    path = write(
        tmp_path,
        "82977NED.csv",
        lines(
            "ID;RegioS;Perioden;Jeugdreclasseringstrajecten_1",
            "0;Nederland;2015;1.0",
        ),
    )
    assert read_table_file(path) is None


def test_unidentifiable_file(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1",
            "0;Nederland;2015;8.0",
        ),
    )
    expect_error(path, "cannot tell which CBS table")


def test_catalogue_table_without_catalogue_measures(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;Perioden;IetsAnders_1",
            "0;Nederland;2021;8.0",
        ),
    )
    expect_error(path, "none of the measures", "JongerenMetJeugdhulpInNatura", line=1)


def test_header_without_perioden(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;JongerenMetJeugdhulpInNatura_1",
            "0;Nederland;8.0",
        ),
    )
    expect_error(path, "Perioden", line=1)


# --------------------------------------------------------------------------------------
# Bad input: one-line InputError naming file, line and problem
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "85098NED.csv"
    path.write_bytes(content)
    expect_error(path, "empty")


def test_binary_file(tmp_path):
    path = tmp_path / "85098NED.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    expect_error(path, "binary")


def test_missing_file(tmp_path):
    expect_error(tmp_path / "85098NED.csv", "cannot read")


def test_truncated_last_row(tmp_path):
    text = lines(
        JEUGD_HEADER,
        "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4",
        "1;Utrecht (gemeente);2022;15.0;4.1;0.8;41.0;0.3",
    )
    cut = text[: text.rindex(";0.8;41") + 3]  # the file stops in the middle of line 3
    path = write(tmp_path, "85098NED.csv", cut)
    expect_error(path, "truncated", line=3)


def test_truncated_after_first_cell(tmp_path):
    text = lines(JEUGD_HEADER, "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4", "1;Utrecht (gem")
    path = write(tmp_path, "85098NED.csv", text.rstrip("\n"))
    expect_error(path, "truncated", line=3)


def test_truncated_web_file(tmp_path):
    text = lines(
        WEB_TITLE,
        '"Regio\'s";"Perioden";"Jongeren met jeugdhulp in natura (%)";"Jongeren met jeugdbescherming (%)"',
        '"Utrecht (gemeente)";"2022";"15,0";"0,8"',
        '"Utrecht (gemeente)";"2023";"15,0"',
    )
    path = write(tmp_path, "85098NED.csv", text)
    expect_error(path, "truncated", line=4)


def test_web_file_cut_after_the_first_cell_of_a_row(tmp_path):
    # unquoted web CSV (e.g. saved again from a spreadsheet) that stops inside the first cell
    text = (
        lines(
            "Jongeren met jeugdzorg in natura in % van alle jongeren",
            "Regio's;Perioden;Jongeren met jeugdhulp in natura (%);Jongeren met jeugdbescherming (%)",
            "Utrecht (gemeente);2022;15,0;0,8",
        )
        + "Utrecht (gem"
    )
    path = write(tmp_path, "85098NED.csv", text)
    expect_error(path, "truncated", line=4)


def test_web_file_footer_lines_without_final_line_break(tmp_path):
    text = (
        lines(
            "Jongeren met jeugdzorg in natura in % van alle jongeren",
            "Regio's;Perioden;Jongeren met jeugdhulp in natura (%);Jongeren met jeugdbescherming (%)",
            "Utrecht (gemeente);2022;15,0;0,8",
            "",
            "Gewijzigd op 1 juli 2024",
        )
        + "Bron: CBS"
    )
    path = write(tmp_path, "85098NED.csv", text)
    frame = read_table_file(path).frame
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2022") == pytest.approx(15.0)
    assert len(frame) == 2


def test_unclosed_quote_at_end_of_file(tmp_path):
    text = (
        lines(JEUGD_HEADER, "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4") + '1;"Utrecht (gem'
    )
    path = write(tmp_path, "85098NED.csv", text)
    expect_error(path, "malformed CSV", "truncated", line=3)


def test_stray_quote_inside_a_row(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            '0;"Utrecht" (gemeente);2021;16.6;4.0;0.8;40.0;0.4',
        ),
    )
    expect_error(path, "malformed CSV", line=2)


def test_pipe_delimited_file(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER.replace(";", "|"),
            "0|Utrecht (gemeente)|2021|16.6|4.0|0.8|40.0|0.4",
        ),
    )
    expect_error(path, "delimiter")


def test_pipe_delimited_file_with_decimal_commas(tmp_path):
    # the commas make ',' the likeliest delimiter, which leaves one column per line
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER.replace(";", "|"),
            "0|Utrecht (gemeente)|2021|16,6|4,0|0,8|40,0|0,4",
        ),
    )
    expect_error(path, "one column", "delimiter", line=1)


def test_single_column_file(tmp_path):
    path = write(tmp_path, "85098NED.csv", lines("Utrecht", "Amsterdam", "Rotterdam"))
    expect_error(path, "delimiter")


def test_row_with_too_many_fields(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4;99",
        ),
    )
    expect_error(path, "9 fields", line=2)


def test_unknown_period_label(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4",
            "1;Utrecht (gemeente);ergens in 2022;15.0;4.1;0.8;41.0;0.3",
        ),
    )
    err = expect_error(path, "unknown period label", "ergens in 2022", line=3)
    assert err.column == "Perioden"


@pytest.mark.parametrize("code", ["GMX", "GM1", "WKX1", "PVZ", "XY1"])
def test_malformed_region_code_in_region_column(tmp_path, code):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;GM0344;2021;16.6;4.0;0.8;40.0;0.4",
            f"1;{code};2021;15.0;4.1;0.8;41.0;0.3",
        ),
    )
    expect_error(path, "region code", code, line=3)


@pytest.mark.parametrize("code", ["GMX", "12345", "W034401", "GM 0344"])
def test_malformed_region_code_in_codering_column(tmp_path, code):
    path = write(
        tmp_path,
        "85638NED.csv",
        lines(
            WIJK_HEADER,
            "0;Totaal;Wijk 01 West;2023;Utrecht ;Wijk ;WK034401;1.0;1100.0;40.0",
            f"1;Totaal;Wijk 02 Noordwest;2023;Utrecht ;Wijk ;{code};1.0;2500.0;80.0",
        ),
    )
    expect_error(path, "region code", code, line=3)


def test_label_that_only_looks_odd_is_not_a_code(tmp_path):
    # CBS wijk labels may be capitals (e.g. an abbreviation); only code-like labels are checked
    path = write(
        tmp_path,
        "85638NED.csv",
        lines(
            WIJK_HEADER,
            "0;Totaal;KVL;2023;Eindhoven ;Wijk ;WK077209;1.0;500.0;40.0",
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "wmo_clienten", "KVL", "2023") == 500


def test_empty_region(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4",
            "1;  ;2021;15.0;4.1;0.8;41.0;0.3",
        ),
    )
    err = expect_error(path, "empty region", line=3)
    assert err.column == "RegioS"


@pytest.mark.parametrize("bad", ["100.1", "-0.5", "250.0"])
def test_percentage_outside_0_100(tmp_path, bad):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4",
            f"1;Elzenburg;2021;{bad};4.1;0.8;41.0;0.3",
        ),
    )
    err = expect_error(path, "percentage", "outside 0-100", line=3)
    assert err.column == "JongerenMetJeugdhulpInNatura_1"


def test_percentage_of_exactly_0_and_100_is_fine(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Elzenburg;2021;0.0;100.0;0;100;0.0",
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "jeugdhulp_verblijf_pct", "Elzenburg", "2021") == 100.0
    assert frame["note"].isna().all()


@pytest.mark.parametrize(
    "column", [2, 4]
)  # JongerenMetJeugdhMetVerblInNat_2, JeugdbeschEnJeugdhMetVerblInNat_4
def test_above_100_kept_with_note_on_the_two_marked_measures(tmp_path, column):
    cells = ["16.6", "4.0", "0.8", "40.0", "0.4"]
    cells[column - 1] = "107.0"
    path = write(
        tmp_path, "82972NED.csv", lines(JEUGD_HEADER, "0;Elzenburg;2016;" + ";".join(cells))
    )
    table = read_table_file(path)
    frame = table.frame
    above = frame[frame["value"] > 100]
    assert len(above) == 1
    assert above["note"].tolist() == [NOTE_ABOVE_100]
    assert above["value"].tolist() == [107.0]
    assert frame.loc[frame["value"] <= 100, "note"].isna().all()
    assert table.notes == ["1 percentage(s) above 100 kept as published, with a note"]


def test_marked_measure_still_rejects_negative(tmp_path):
    path = write(
        tmp_path, "82972NED.csv", lines(JEUGD_HEADER, "0;Elzenburg;2016;16.6;4.0;0.8;-3.0;0.4")
    )
    expect_error(path, "outside 0-100", line=2)


def test_negative_count(tmp_path):
    path = write(
        tmp_path,
        "86050NED.csv",
        lines(
            "ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2",
            "0;Totaal;Utrecht (gemeente);2023;19810.0;54.0",
            "1;Totaal;Elzenburg;2023;-5.0;3.0",
        ),
    )
    err = expect_error(path, "negative count", line=3)
    assert err.column == "WmoClienten_1"


def test_counts_and_rates_above_100_are_fine(tmp_path):
    path = write(
        tmp_path,
        "86050NED.csv",
        lines(
            "ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2",
            "0;Totaal;Elzenburg;2023;19810.0;154.0",
        ),
    )
    frame = read_table_file(path).frame
    assert value(frame, "wmo_clienten_per_1000", "Elzenburg", "2023") == 154


@pytest.mark.parametrize("bad", ["abc", "7.3.1", "12%"])
def test_value_that_is_not_a_number(tmp_path, bad):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            f"0;Utrecht (gemeente);2021;{bad};4.0;0.8;40.0;0.4",
        ),
    )
    expect_error(path, "not a number", line=2)


def test_conflicting_duplicate_rows(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4",
            "1;Amsterdam;2021;12.0;4.0;0.8;40.0;0.4",
            "2;Utrecht (gemeente);2021;16.9;4.0;0.8;40.0;0.4",
        ),
    )
    expect_error(path, "conflicting duplicate", "lines 2, 4", "Utrecht (gemeente)", "2021", line=4)


def test_conflicting_duplicate_value_against_missing(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1",
            "0;Utrecht (gemeente);2021;16.6",
            "1;Utrecht (gemeente);2021;",
        ),
    )
    expect_error(path, "conflicting duplicate", line=3)


# --------------------------------------------------------------------------------------
# Source files are only read
# --------------------------------------------------------------------------------------


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), os.stat(path).st_mtime_ns


@pytest.mark.parametrize(
    "content",
    [
        lines(JEUGD_HEADER, "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4"),
        lines(JEUGD_HEADER, "0;Utrecht (gemeente);2021;160.6;4.0;0.8;40.0;0.4"),
        lines(JEUGD_HEADER, "0;Utrecht (gemeente);ooit;16.6;4.0;0.8;40.0;0.4"),
        lines(JEUGD_HEADER, '0;"Utrecht (gemeente);2021;16.6'),
    ],
    ids=["good", "bad-percentage", "bad-period", "truncated"],
)
def test_source_file_is_never_modified(tmp_path, content):
    path = write(tmp_path, "85098NED.csv", content)
    old = 1_500_000_000_000_000_000
    os.utime(path, ns=(old, old))
    before = _snapshot(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    try:
        read_table_file(path)
    except InputError:
        pass
    assert _snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_committed_fixtures_parse():
    a = read_table_file(FIXTURES / "82972NED.csv")
    b = read_table_file(FIXTURES / "85098NED.csv")
    assert a.table_id == "82972NED" and b.table_id == "85098NED"
    assert value(a.frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2015") == pytest.approx(7.5)
    assert value(b.frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2024H1") == pytest.approx(11.5)
    assert (
        row(a.frame, "jeugdbescherming_verblijf_pct", "Elzenburg", "2016")["note"] == NOTE_ABOVE_100
    )


# --------------------------------------------------------------------------------------
# A StatLine website download (issue 11, item 6): titles with nested units, decimal
# commas, '2019*', '2e halfjaar 2017', '.' for unknown or secret cells
# --------------------------------------------------------------------------------------

STATLINE_DOWNLOAD = FIXTURES / "statline-download-82972NED.csv"


def test_statline_website_download_imports_by_measure_titles():
    table = read_table_file(STATLINE_DOWNLOAD)
    assert table.table_id == "82972NED"  # from the title line; the file name is not a table id
    assert table.file_format == "statline-web-csv"
    frame = table.frame
    assert set(frame["indicator"]) == {
        "jeugdhulp_pct",
        "jeugdhulp_verblijf_pct",
        "jeugdbescherming_pct",
        "jeugdbescherming_verblijf_pct",
        "jeugdreclassering_pct",
    }
    assert len(frame) == 12 * 5  # 12 rows x 5 measures; title, header and footer lines are no rows
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2017") == pytest.approx(
        13.6
    )  # '13,6'
    half = row(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2017H2")  # '2e halfjaar 2017'
    assert (half["value"], half["period_type"], half["status"], half["line"]) == (
        pytest.approx(11.7),
        "halfyear",
        "definitief",
        8,
    )
    assert row(frame, "jeugdhulp_pct", "Nederland", "2018")["status"] == "definitief"


def test_statline_website_download_marks_2019_star_voorlopig():
    frame = read_table_file(STATLINE_DOWNLOAD).frame
    r = row(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2019")
    assert (r["value"], r["status"]) == (pytest.approx(14.6), "voorlopig")
    assert set(frame.loc[frame["period"] == "2019", "status"]) >= {"voorlopig"}
    assert "voorlopig" not in set(frame.loc[frame["period"] != "2019", "status"])


def test_statline_website_download_2019_double_star_is_nader_voorlopig(tmp_path):
    text = STATLINE_DOWNLOAD.read_text(encoding="utf-8").replace('"2019*"', '"2019**"')
    path = tmp_path / "download.csv"
    path.write_text(text, encoding="utf-8")
    frame = read_table_file(path).frame
    r = row(frame, "jeugdhulp_pct", "Nederland", "2019")
    assert (r["value"], r["status"]) == (pytest.approx(11.3), "nader voorlopig")


def test_statline_website_download_dot_and_x_cells():
    table = read_table_file(STATLINE_DOWNLOAD)
    frame = table.frame
    dot = row(frame, "jeugdbescherming_pct", "Utrecht (gemeente)", "2019")
    assert math.isnan(dot["value"]) and dot["status"] == "missing"
    secret = row(frame, "jeugdbescherming_verblijf_pct", "Elzenburg", "2019")
    assert math.isnan(secret["value"]) and secret["status"] == "suppressed"
    assert (
        frame.loc[(frame["region_label"] == "Elzenburg") & (frame["period"] == "2018"), "value"]
        .isna()
        .all()
    )
    above = row(frame, "jeugdbescherming_verblijf_pct", "Elzenburg", "2017H2")
    assert above["value"] == pytest.approx(106.5) and above["note"] == NOTE_ABOVE_100


@pytest.mark.parametrize(
    ("title", "bare"),
    [
        (
            "Jongeren met jeugdhulp in natura (% (zie toelichting))",
            "Jongeren met jeugdhulp in natura",
        ),
        ("Wmo-cliënten per 1 000 inwoners (per 1 000 inwoners)", "Wmo-cliënten per 1 000 inwoners"),
        ("Jongeren met jeugdbescherming", "Jongeren met jeugdbescherming"),
        ("Onevenwichtig (% (zie", "Onevenwichtig (% (zie"),
    ],
)
def test_strip_unit(title, bare):
    assert strip_unit(title) == bare


# --------------------------------------------------------------------------------------
# Row-less tables, conflicting measure columns, implausible years (issue 13)
# --------------------------------------------------------------------------------------


def test_header_only_file_is_refused(tmp_path):
    path = write(tmp_path, "85098NED.csv", lines(JEUGD_HEADER))
    expect_error(path, "no data rows", "nothing to import", line=1)


def test_header_only_web_download_is_refused(tmp_path):
    header = STATLINE_DOWNLOAD.read_text(encoding="utf-8").splitlines()[:2]
    path = write(tmp_path, "download.csv", lines(*header, "", '"Bron: CBS"'))
    expect_error(path, "no data rows", line=2)


def test_table_without_a_single_figure_is_refused(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2021;;;;;",
            "1;Nederland;2021;;;;;",
        ),
    )
    expect_error(path, "no figures", "nothing to import", line=1)


def test_duplicated_measure_column_with_other_values_is_refused(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1;JongerenMetJeugdhulpInNatura_7",
            "0;Utrecht (gemeente);2021;16.6;16.6",
            "1;Nederland;2021;13.2;31.2",
        ),
    )
    err = expect_error(
        path, "repeats the measure", "JongerenMetJeugdhulpInNatura", "13.2", "31.2", line=3
    )
    assert err.column == "JongerenMetJeugdhulpInNatura_7"


def test_duplicated_measure_column_title_and_key_with_other_values_is_refused(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1;Jongeren met jeugdhulp in natura (%)",
            "0;Utrecht (gemeente);2021;16.6;",
        ),
    )
    expect_error(path, "repeats the measure", line=2)


def test_identical_duplicated_measure_columns_are_accepted(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;Perioden;JongerenMetJeugdhulpInNatura_1;JongerenMetJeugdhulpInNatura_7",
            "0;Utrecht (gemeente);2021;16.6;16.60",
            "1;Nederland;2021;;",
        ),
    )
    frame = read_table_file(path).frame
    assert len(frame) == 2
    assert value(frame, "jeugdhulp_pct", "Utrecht (gemeente)", "2021") == pytest.approx(16.6)


def test_two_period_columns_are_refused(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            "ID;RegioS;Perioden;Perioden;JongerenMetJeugdhulpInNatura_1",
            "0;Utrecht (gemeente);2021;2022;16.6",
        ),
    )
    expect_error(path, "two period columns", line=1)


@pytest.mark.parametrize("label", ["9999", "0023", "1e halfjaar 9999", "0023JJ00", "1899", "2101*"])
def test_implausible_years_are_refused(tmp_path, label):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(
            JEUGD_HEADER,
            "0;Utrecht (gemeente);2021;16.6;4.0;0.8;40.0;0.4",
            f"1;Utrecht (gemeente);{label};15.0;4.1;0.8;41.0;0.3",
        ),
    )
    err = expect_error(path, "implausible year", "1900-2100", line=3)
    assert err.column == "Perioden"


@pytest.mark.parametrize("label", ["1900", "2100", "2100**"])
def test_years_at_the_edges_of_the_plausible_range(label):
    assert parse_cbs_period(label).period in ("1900", "2100")


@pytest.mark.parametrize("label", ["٢٠١٩", "２０１９"])
def test_period_with_non_ascii_digits_is_refused(label):
    with pytest.raises(ValueError):
        parse_cbs_period(label)


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity", "1_000"])
def test_values_python_reads_but_cbs_never_writes(tmp_path, bad):
    path = write(
        tmp_path,
        "86050NED.csv",
        lines(
            "ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2",
            f"0;Totaal;Utrecht (gemeente);2023;{bad};54.0",
        ),
    )
    expect_error(path, "not a number", line=2)


def test_file_name_with_a_newline_gives_a_one_line_error(tmp_path):
    path = write(tmp_path, "85098NED\nfake: ok.csv", lines(JEUGD_HEADER))
    with pytest.raises(InputError) as info:
        read_table_file(path)
    msg = str(info.value)
    assert "\n" not in msg and "\r" not in msg
    assert repr(str(path)) in msg  # shown repr-style, so the reader sees the real name
    assert "no data rows" in msg


def test_overlong_line_is_refused(tmp_path):
    path = write(
        tmp_path,
        "85098NED.csv",
        lines(JEUGD_HEADER, "0;" + "x" * (MAX_LINE_CHARS + 5) + ";2021;1;1;1;1;1"),
    )
    expect_error(path, "longer than", line=2)


def test_cp1252_file_is_read(tmp_path):
    path = tmp_path / "86050NED.csv"
    path.write_bytes(
        lines(
            "ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2",
            "0;Totaal;Súdwest-Fryslân;2023;5000.0;54.0",
        ).encode("cp1252")
    )
    frame = read_table_file(path).frame
    assert value(frame, "wmo_clienten", "Súdwest-Fryslân", "2023") == 5000


def test_label_columns_are_compact():
    frame = read_table_file(FIXTURES / "82972NED.csv").frame
    for column in (
        "table_id",
        "indicator",
        "measure",
        "region_label",
        "region_code",
        "period",
        "period_type",
        "status",
        "note",
    ):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert frame["value"].dtype == "float64"
