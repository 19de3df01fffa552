"""The case register: loader, validation and aggregations (analysis.register)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.parquet import write_parquet
from analysis.register import (
    active_cases,
    average_monthly_active,
    care_clients,
    case_level,
    case_periods,
    ended_as_planned,
    flows,
    forward_share,
    load_register,
    new_cases,
    register_observations,
    stock_at,
    survey_marks,
    to_observations,
    unique_clients,
    waiting_times,
    without_help_share,
    zero_filled,
)
from analysis.stats import wilson_interval

CASES_HEADER = (
    "case_id,client_id,team,wijk_code,registration_date,first_conversation_date,"
    "end_date,urgent,age_band,end_reason"
)
# A tiny register with answers computed by hand:
#   SO-1  Sociaal, client C1, registered Tue 2023-01-10, conversation Thu 01-12 (2 working days), closed 03-15
#   SO-2  Sociaal, household C2 + C3, registered and seen Wed 2023-02-01 (0 days), still running
#   SO-3  Sociaal, C1 again, registered Wed 2023-03-15, conversation Mon 03-20 (3 days), closed 2024-01-10
#   SO-4  Sociaal, C4, registered 2024-02-01, no conversation, closed 2024-02-20
#   JG-1  J&G family K1 K2 K3, registered Fri 2023-12-22, conversation Wed 12-27: 1 working day
#         (Christmas on 25 and 26 December), closed 2024-06-30
CASES_ROWS = [
    "SO-1,C1,sociaal,WK034401,2023-01-10,2023-01-12,2023-03-15,false,23-44,zelfstandig_verder",
    "SO-2,C2,sociaal,WK034403,2023-02-01,2023-02-01,,true,75+,",
    "SO-2,C3,sociaal,WK034403,2023-02-01,2023-02-01,,true,65-74,",
    "SO-3,C1,sociaal,WK034401,2023-03-15,2023-03-20,2024-01-10,false,23-44,doorverwezen_aanvullende_zorg",
    "SO-4,C4,sociaal,WK034408,2024-02-01,,2024-02-20,false,45-64,voortijdig_gestopt",
    "JG-1,K1,jeugd_en_gezin,WK034409,2023-12-22,2023-12-27,2024-06-30,false,4-11,zelfstandig_verder",
    "JG-1,K2,jeugd_en_gezin,WK034409,2023-12-22,2023-12-27,2024-06-30,false,0-3,zelfstandig_verder",
    "JG-1,K3,jeugd_en_gezin,WK034409,2023-12-22,2023-12-27,2024-06-30,false,23-44,zelfstandig_verder",
]
SURVEYS_HEADER = (
    "case_id,survey_date,toegankelijkheid,kwaliteit,effect,rapportcijfer,verder_zonder_hulp"
)
SURVEYS_ROWS = [
    "SO-1,2023-04-01,8,8,7,8,ja",
    "SO-3,2024-02-01,6,7,,7,nee",
    "JG-1,2024-07-15,9,9,9,9,true",
    "JG-1,2024-07-20,,,,,",
]
CARE_HEADER = (
    "trajectory_id,client_id,domain,wijk_code,care_type,start_date,end_date,referred_by_case_id"
)
CARE_ROWS = [
    "AZ-1,C1,sociaal,WK034401,individuele_begeleiding,2024-01-15,,SO-3",
    "AZ-2,X9,sociaal,WK034402,beschermd_wonen,2022-06-01,2023-05-31,",
    "AZ-3,K1,jeugd,WK034409,ambulante_jeugdhulp,2023-06-01,2023-09-30,",
]


def _write(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "register"
    _write(root, "cases.csv", CASES_HEADER, CASES_ROWS)
    _write(root, "surveys.csv", SURVEYS_HEADER, SURVEYS_ROWS)
    _write(root, "aanvullende_zorg.csv", CARE_HEADER, CARE_ROWS)
    return root


@pytest.fixture
def reg(folder):
    return load_register(folder)


def _value(frame: pd.DataFrame, column: str, **where):
    sub = frame
    for key, val in where.items():
        sub = sub[sub[key] == val]
    assert len(sub) == 1, sub
    return sub[column].iloc[0]


# ------------------------------------------------------------------------------ loading


def test_loads_with_proper_dtypes(reg):
    cases, surveys, care = reg.cases, reg.surveys, reg.care
    assert len(cases) == 8 and len(surveys) == 4 and len(care) == 3
    for col in ("registration_date", "first_conversation_date", "end_date"):
        assert pd.api.types.is_datetime64_dtype(cases[col])
    assert cases["urgent"].dtype == bool
    assert cases["end_reason"].isna().sum() == 2
    assert str(surveys["rapportcijfer"].dtype) == "Int64"
    assert str(surveys["verder_zonder_hulp"].dtype) == "boolean"
    assert surveys["verder_zonder_hulp"].tolist()[:3] == [True, False, True]
    assert pd.isna(surveys["verder_zonder_hulp"].iloc[3])
    assert pd.isna(care["end_date"].iloc[0]) and care["referred_by_case_id"].iloc[0] == "SO-3"
    assert reg.synthetic is False
    assert reg.municipality == "GM0344"
    assert reg.snapshot_date == pd.Timestamp("2024-07-20")
    assert reg.provenance()["note"] is None


def test_source_files_are_not_modified(folder):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    load_register(folder)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes


def test_gzip_parquet_semicolons_and_dutch_dates(tmp_path, reg):
    gz = tmp_path / "gz"
    gz.mkdir()
    with gzip.open(gz / "cases.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join([CASES_HEADER, *CASES_ROWS]) + "\n")
    pd.testing.assert_frame_equal(load_register(gz).cases, reg.cases)

    pq = tmp_path / "pq"
    pq.mkdir()
    write_parquet(reg.cases, pq / "cases.parquet")
    write_parquet(reg.surveys, pq / "surveys.parquet")
    loaded = load_register(pq)
    pd.testing.assert_frame_equal(loaded.cases, reg.cases)
    pd.testing.assert_frame_equal(loaded.surveys, reg.surveys)

    dutch = [";".join(r.split(",")) for r in CASES_ROWS]
    dutch = [r.replace("2023-01-10", "10-01-2023") for r in dutch]
    single = _write(tmp_path / "nl", "mijn_export.csv", CASES_HEADER.replace(",", ";"), dutch)
    pd.testing.assert_frame_equal(load_register(single).cases, reg.cases)


def test_a_single_file_is_the_cases_table(folder):
    register = load_register(folder / "cases.csv")
    assert len(register.cases) == 8 and register.surveys.empty and register.care.empty


def _replace(rows: list[str], index: int, old: str, new: str) -> list[str]:
    out = list(rows)
    assert old in out[index]
    out[index] = out[index].replace(old, new, 1)
    return out


BAD_CASES = [
    # (rows, line, column, words in the message)
    (
        _replace(CASES_ROWS, 0, "2023-03-15,false", "2022-03-15,false"),
        2,
        "end_date",
        "end date before registration date",
    ),
    (_replace(CASES_ROWS, 4, "sociaal", "wmo"), 6, "team", "unknown team"),
    (
        _replace(CASES_ROWS, 3, "2023-03-20", "2023-03-32"),
        5,
        "first_conversation_date",
        "unparsable date",
    ),
    (
        _replace(CASES_ROWS, 3, "2023-03-20", "20/3/23x"),
        5,
        "first_conversation_date",
        "unparsable date",
    ),
    (
        _replace(CASES_ROWS, 0, "2023-01-12", "2023-01-09"),
        2,
        "first_conversation_date",
        "before registration",
    ),
    (
        _replace(CASES_ROWS, 0, "2023-01-12", "2023-04-01"),
        2,
        "end_date",
        "before first conversation",
    ),
    (_replace(CASES_ROWS, 0, "WK034401", "0344-01"), 2, "wijk_code", "WK034401"),
    (_replace(CASES_ROWS, 0, "false", "misschien"), 2, "urgent", "yes/no"),
    (_replace(CASES_ROWS, 0, "23-44", "25-30"), 2, "age_band", "unknown age band"),
    (_replace(CASES_ROWS, 0, "zelfstandig_verder", "weg"), 2, "end_reason", "unknown end reason"),
    (_replace(CASES_ROWS, 0, ",zelfstandig_verder", ","), 2, "end_reason", "exactly when end_date"),
    (
        _replace(CASES_ROWS, 1, "2023-02-01,,", "2023-02-01,,,"),
        3,
        None,
        None,
    ),  # too many cells: any error
    (_replace(CASES_ROWS, 2, "true", "false"), 4, "urgent", "case 'SO-2' has urgent false"),
    (_replace(CASES_ROWS, 2, "C3", "C2"), 4, "client_id", "duplicate"),
    (_replace(CASES_ROWS, 0, "C1,", ","), 2, "client_id", "required value missing"),
    (_replace(CASES_ROWS, 0, "2023-01-10,", ","), 2, "registration_date", "required"),
]


@pytest.mark.parametrize(("rows", "line", "column", "words"), BAD_CASES)
def test_bad_cases_name_file_line_and_column(tmp_path, rows, line, column, words):
    path = _write(tmp_path, "cases.csv", CASES_HEADER, rows)
    with pytest.raises(InputError) as info:
        load_register(tmp_path)
    exc = info.value
    assert exc.file == str(path)
    if column is None:  # a malformed line: the reader's own message, naming the file
        return
    assert exc.row == line
    assert exc.column == column
    assert words in exc.message
    assert "\n" not in exc.message
    assert exc.message.startswith(f"{path}, line {line}, column '{column}': ")


def test_blank_lines_keep_line_numbers_right(tmp_path):
    rows = [CASES_ROWS[0], "", _replace(CASES_ROWS, 4, "sociaal", "wmo")[4]]
    _write(tmp_path, "cases.csv", CASES_HEADER, rows)
    with pytest.raises(InputError) as info:
        load_register(tmp_path)
    assert info.value.row == 4 and info.value.column == "team"


@pytest.mark.parametrize(
    ("rows", "line", "column", "words"),
    [
        (_replace(SURVEYS_ROWS, 0, ",8,ja", ",11,ja"), 2, "rapportcijfer", "mark outside 1-10"),
        (_replace(SURVEYS_ROWS, 1, "6,7,,7", "6,7,,0"), 3, "rapportcijfer", "mark outside 1-10"),
        (_replace(SURVEYS_ROWS, 0, "8,8,7", "8,7.5,7"), 2, "kwaliteit", "whole number"),
        (
            _replace(SURVEYS_ROWS, 0, "8,8,7", "8,7,5,7"),
            2,
            None,
            None,
        ),  # a Dutch decimal comma: wrong cell count
        (_replace(SURVEYS_ROWS, 2, "JG-1", "JG-9"), 4, "case_id", "not in the cases table"),
        (_replace(SURVEYS_ROWS, 2, "true", "wellicht"), 4, "verder_zonder_hulp", "yes/no"),
    ],
)
def test_bad_surveys(folder, rows, line, column, words):
    path = _write(folder, "surveys.csv", SURVEYS_HEADER, rows)
    with pytest.raises(InputError) as info:
        load_register(folder)
    assert info.value.file == str(path)
    if column is not None:
        assert (info.value.row, info.value.column) == (line, column)
        assert words in info.value.message


@pytest.mark.parametrize(
    ("rows", "line", "column", "words"),
    [
        (
            _replace(CARE_ROWS, 1, "2023-05-31", "2021-05-31"),
            3,
            "end_date",
            "care end date before start date",
        ),
        (
            _replace(CARE_ROWS, 2, "ambulante_jeugdhulp", "dagbegeleiding"),
            4,
            "care_type",
            "does not belong",
        ),
        (
            _replace(CARE_ROWS, 0, "SO-3", "SO-8"),
            2,
            "referred_by_case_id",
            "not in the cases table",
        ),
        (_replace(CARE_ROWS, 2, "jeugd,", "ggz,"), 4, "domain", "unknown domain"),
        (_replace(CARE_ROWS, 2, "AZ-3", "AZ-1"), 4, "trajectory_id", "duplicate"),
    ],
)
def test_bad_care(folder, rows, line, column, words):
    _write(folder, "aanvullende_zorg.csv", CARE_HEADER, rows)
    with pytest.raises(InputError) as info:
        load_register(folder)
    assert (info.value.row, info.value.column) == (line, column)
    assert words in info.value.message


def test_parquet_errors_name_the_row(tmp_path, reg):
    bad = reg.cases.copy()
    bad.loc[3, "end_date"] = pd.Timestamp("2020-01-01")
    write_parquet(bad, tmp_path / "cases.parquet")
    with pytest.raises(InputError) as info:
        load_register(tmp_path)
    assert info.value.column == "end_date"
    assert (
        "row 4:" in info.value.message and "end date before registration date" in info.value.message
    )


def test_missing_column_and_missing_files(tmp_path, folder):
    path = _write(
        tmp_path / "a",
        "cases.csv",
        CASES_HEADER.replace(",urgent", ""),
        [",".join(r.split(",")[:7] + r.split(",")[8:]) for r in CASES_ROWS],
    )
    with pytest.raises(InputError, match="missing column.*urgent") as info:
        load_register(path)
    assert info.value.file == str(path)
    with pytest.raises(InputError, match="no cases table"):
        load_register(tmp_path / "a" / "..")
    with pytest.raises(InputError, match="not found"):
        load_register(tmp_path / "nothing")
    write_parquet(load_register(folder).cases, folder / "cases.parquet")
    with pytest.raises(InputError, match="more than one cases table"):
        load_register(folder)


def test_synthetic_flag_from_metadata_and_column(folder):
    (folder / "register.json").write_text(
        json.dumps({"synthetic": True, "seed": 7, "generator_version": "9"})
    )
    register = load_register(folder)
    assert register.synthetic is True
    assert register.provenance() == {
        "source": "synthetisch register (analysis.synthetic, seed 7)",
        "published": "synthetisch, gegenereerd v9",
        "note": "synthetisch",
    }
    (folder / "register.json").unlink()
    rows = [r + (",true" if i != 3 else ",false") for i, r in enumerate(CASES_ROWS)]
    _write(folder, "cases.csv", CASES_HEADER + ",synthetic", rows)
    with pytest.raises(InputError, match="mixes synthetic and real rows"):
        load_register(folder)
    _write(folder, "cases.csv", CASES_HEADER + ",synthetic", [r + ",true" for r in CASES_ROWS])
    assert load_register(folder).synthetic is True


# -------------------------------------------------------------------------- aggregations


def test_case_level(reg):
    cl = case_level(reg.cases)
    assert cl["case_id"].tolist() == ["SO-1", "SO-2", "SO-3", "SO-4", "JG-1"]
    assert cl["n_clients"].tolist() == [1, 2, 1, 1, 3]


def test_case_periods_span_the_first_registration_to_the_last_end(reg):
    cl, periods = case_periods(reg.cases, "quarter")
    assert cl["case_id"].tolist() == ["SO-1", "SO-2", "SO-3", "SO-4", "JG-1"]
    assert periods["period"].tolist() == [
        "2023Q1",
        "2023Q2",
        "2023Q3",
        "2023Q4",
        "2024Q1",
        "2024Q2",
    ]
    _, given = case_periods(reg.cases, "year", start="2022", end="2023")
    assert given["period"].tolist() == ["2022", "2023"]
    empty_cl, empty = case_periods(reg.cases.iloc[0:0])
    assert empty_cl.empty and empty.empty and list(empty.columns) == ["period", "start", "end"]


def test_zero_filled_keeps_the_grid_and_fills_only_the_counts():
    grid = pd.DataFrame({"period": ["2023", "2023", "2024"], "team": ["a", "b", "a"]})
    counts = pd.DataFrame({"period": ["2023"], "team": ["b"], "n": [4.0], "mean": [2.5]})
    out = zero_filled(grid, counts, ["period", "team"], ["n"])
    assert out[["period", "team"]].equals(grid)
    assert out["n"].tolist() == [0, 4, 0] and out["n"].dtype.kind == "i"
    assert out["mean"].isna().tolist() == [True, False, True]


def test_new_active_and_clients(reg):
    new = new_cases(reg.cases)
    assert new.set_index(["period", "team"])["new_cases"].to_dict() == {
        ("2023", "jeugd_en_gezin"): 1,
        ("2023", "sociaal"): 3,
        ("2024", "jeugd_en_gezin"): 0,
        ("2024", "sociaal"): 1,
    }
    active = active_cases(reg.cases).set_index(["period", "team"])["active_cases"]
    assert active[("2023", "sociaal")] == 3 and active[("2024", "sociaal")] == 3
    assert active[("2023", "jeugd_en_gezin")] == 1 and active[("2024", "jeugd_en_gezin")] == 1
    clients = unique_clients(reg.cases).set_index(["period", "team"])["clients"]
    assert clients[("2023", "sociaal")] == 3  # C1 had two cases in 2023, counted once
    assert clients[("2024", "sociaal")] == 4  # C1 (SO-3 until 10 January), C2, C3, C4
    assert clients[("2024", "jeugd_en_gezin")] == 3
    monthly = new_cases(reg.cases, freq="month", by=())
    assert len(monthly) == 18 and monthly["new_cases"].sum() == 5  # 2023-01 .. 2024-06
    assert _value(monthly, "new_cases", period="2023-03") == 1
    by_wijk = new_cases(reg.cases, by=("team", "wijk_code"))
    assert _value(by_wijk, "new_cases", period="2023", team="sociaal", wijk_code="WK034401") == 2
    assert _value(by_wijk, "new_cases", period="2023", team="sociaal", wijk_code="WK034408") == 0


def test_stock_at_a_date(reg):
    stock = stock_at(reg.cases, "2023-03-15").set_index("team")["stock"]
    # SO-1 closed on 15 March is no longer running at its end; SO-3 registered that day is
    assert stock["sociaal"] == 2 and stock["jeugd_en_gezin"] == 0
    assert stock_at(reg.cases, "2024-12-31", by=())["stock"].iloc[0] == 1  # only SO-2


def test_flows_satisfy_the_stock_flow_identity(reg):
    f = flows(reg.cases, freq="month", by=("team",))
    march = f[(f["period"] == "2023-03") & (f["team"] == "sociaal")].iloc[0]
    assert (march.stock_begin, march.inflow, march.outflow, march.stock_end) == (2, 1, 1, 2)
    assert (f["difference"] == 0).all()
    for _, g in f.groupby("team"):  # the chain: each period begins where the last ended
        assert (g["stock_begin"].iloc[1:].to_numpy() == g["stock_end"].iloc[:-1].to_numpy()).all()
    yearly = flows(reg.cases, freq="year", by=())
    assert yearly[["inflow", "outflow"]].sum().tolist() == [5, 4]
    assert (yearly["difference"] == 0).all()


def test_flows_show_an_inconsistent_record():
    bad = pd.DataFrame(
        {
            "case_id": ["A"],
            "client_id": ["a"],
            "team": ["sociaal"],
            "wijk_code": ["WK034401"],
            "registration_date": [pd.Timestamp("2023-05-10")],
            "first_conversation_date": [pd.NaT],
            "end_date": [pd.Timestamp("2023-04-01")],
            "urgent": [False],
            "age_band": ["23-44"],
            "end_reason": ["anders"],
        }
    )
    f = flows(bad, freq="month", by=())
    assert f.set_index("period").loc["2023-04", "difference"] == 1
    assert f.set_index("period").loc["2023-05", "difference"] == -1


def test_waiting_times_in_working_days(reg):
    w = waiting_times(reg.cases)
    so23 = w[(w["period"] == "2023") & (w["team"] == "sociaal")].iloc[0]
    assert so23["n"] == 3
    assert so23["mean"] == pytest.approx(5 / 3)  # 2, 0 and 3 working days
    assert so23["median"] == 2
    assert so23["within_norm_pct"] == 100
    jg23 = w[(w["period"] == "2023") & (w["team"] == "jeugd_en_gezin")].iloc[0]
    assert jg23["mean"] == 1  # Friday 22 December -> Wednesday 27 December, over Christmas
    so24 = w[(w["period"] == "2024") & (w["team"] == "sociaal")].iloc[0]
    assert so24["n"] == 0 and so24["no_conversation"] == 1 and np.isnan(so24["mean"])
    by_conv = waiting_times(reg.cases, basis="conversation", by=())
    assert _value(by_conv, "n", period="2023") == 4
    urgent = waiting_times(reg.cases, by=("team", "urgent"))
    assert _value(urgent, "mean", period="2023", team="sociaal", urgent=True) == 0
    assert _value(urgent, "mean", period="2023", team="sociaal", urgent=False) == 2.5
    assert _value(waiting_times(reg.cases, by=(), norm=2), "within_norm_pct", period="2023") == 75


def test_survey_aggregates(reg):
    marks = survey_marks(reg.surveys, reg.cases)
    rc = marks[marks["measure"] == "rapportcijfer"].set_index(["period", "team"])
    assert rc.loc[("2023", "sociaal"), "mean"] == 8
    assert rc.loc[("2024", "sociaal"), "n"] == 1
    assert rc.loc[("2024", "jeugd_en_gezin"), "n"] == 1  # the empty response is not a mark
    effect = marks[(marks["measure"] == "effect") & (marks["period"] == "2024")].set_index("team")
    assert effect.loc["sociaal", "n"] == 0
    share = without_help_share(reg.surveys, reg.cases, by=())
    assert _value(share, "n", period="2024") == 2 and _value(share, "pct", period="2024") == 50
    low, high = wilson_interval(1, 2)
    assert _value(share, "ci_low", period="2024") == pytest.approx(100 * low)
    assert _value(share, "ci_high", period="2024") == pytest.approx(100 * high)


def test_ended_as_planned(reg):
    planned = ended_as_planned(reg.cases, by=()).set_index("period")
    assert planned.loc["2023", "pct"] == 100  # SO-1
    assert planned.loc["2024", ["ended", "as_planned"]].tolist() == [3, 2]  # SO-3, SO-4, JG-1


def test_average_monthly_active(reg):
    avg = average_monthly_active(reg.cases, start="2023", end="2024").set_index(["period", "team"])
    assert avg.loc[("2023", "jeugd_en_gezin"), "average_active"] == pytest.approx(1 / 12)
    assert avg.loc[("2024", "jeugd_en_gezin"), "average_active"] == pytest.approx(6 / 12)


def test_care_and_the_forward_share(reg):
    care = care_clients(reg.care, start="2023", end="2024").set_index(["period", "domain"])
    assert care.loc[("2023", "sociaal"), "clients"] == 1  # X9 until May 2023
    assert care.loc[
        ("2024", "sociaal"), ["clients", "started", "referred", "running_end"]
    ].tolist() == [1, 1, 1, 1]
    share = forward_share(reg.cases, reg.care).set_index(["period", "domain"])
    assert share.loc[("2023", "sociaal"), "buurtteam_pct"] == pytest.approx(75)  # 3 : 1
    assert share.loc[("2023", "jeugd"), "buurtteam_pct"] == pytest.approx(75)  # K1 K2 K3 : K1
    assert share.loc[("2024", "sociaal"), "buurtteam_pct"] == pytest.approx(80)  # 4 : 1


def test_to_observations(reg, folder):
    obs = to_observations(
        new_cases(reg.cases),
        "buurtteam_sociaal_nieuwe_casussen",
        value="new_cases",
        source="casusregister test",
        published="test 2025",
    )
    assert obs[
        ["region_code", "region_name", "period", "value", "unit", "status"]
    ].values.tolist() == [
        ["GM0344", "Utrecht", "2023", 3.0, "aantal", "definitief"],
        ["GM0344", "Utrecht", "2024", 1.0, "aantal", "definitief"],
    ]
    wijk = to_observations(
        new_cases(reg.cases, by=("team", "wijk_code")),
        "buurtteam_jg_nieuwe_casussen",
        value="new_cases",
        source="s",
        published="p",
    )
    assert set(wijk["region_code"]) == {"WK034401", "WK034403", "WK034408", "WK034409"}
    assert _value(wijk, "region_name", region_code="WK034409", period="2023") == "Leidsche Rijn"
    assert _value(wijk, "value", region_code="WK034409", period="2023") == 1
    waits = to_observations(
        waiting_times(reg.cases),
        "buurtteam_sociaal_wachttijd",
        value="mean",
        source="s",
        published="p",
    )
    assert _value(waits, "status", period="2024") == "missing"
    (folder / "register.json").write_text(
        json.dumps({"synthetic": True, "seed": 3, "generator_version": "1.0"})
    )
    synthetic = load_register(folder)
    obs = to_observations(
        unique_clients(synthetic.cases),
        "buurtteam_jg_clienten",
        value="clients",
        register=synthetic,
    )
    assert set(obs["source"]) == {"synthetisch register (analysis.synthetic, seed 3)"}
    assert set(obs["published"]) == {"synthetisch, gegenereerd v1.0"}
    assert set(obs["note"]) == {"synthetisch"}
    with pytest.raises(ValueError, match="value"):
        to_observations(
            new_cases(reg.cases), "buurtteam_sociaal_nieuwe_casussen", register=synthetic
        )
    with pytest.raises(KeyError):
        to_observations(
            new_cases(reg.cases), "no_such_indicator", value="new_cases", register=synthetic
        )


def test_other_municipality(tmp_path):
    rows = [r.replace("WK0344", "WK0363") for r in CASES_ROWS]
    _write(tmp_path, "cases.csv", CASES_HEADER, rows)
    register = load_register(tmp_path)
    assert register.municipality == "GM0363"
    obs = to_observations(
        new_cases(register.cases),
        "buurtteam_sociaal_nieuwe_casussen",
        value="new_cases",
        register=register,
    )
    assert set(obs["region_code"]) == {"GM0363"}
    assert obs["source"].iloc[0].startswith("casusregister (")


def test_register_observations(reg):
    obs = register_observations(reg)
    got = obs.set_index(["indicator", "period"])["value"]
    assert got[("buurtteam_sociaal_nieuwe_casussen", "2023")] == 3
    assert got[("buurtteam_sociaal_clienten", "2024")] == 4
    assert got[("buurtteam_jg_gezinnen", "2024")] == 1
    assert got[("buurtteam_sociaal_wachttijd", "2023")] == pytest.approx(5 / 3)
    assert got[("buurtteam_aanvullende_zorg_verhouding", "2024")] == pytest.approx(80)
    assert set(obs["region_code"]) == {"GM0344"}
    wijk = register_observations(reg, by_wijk=True)
    assert set(wijk["region_code"]) <= {"WK034401", "WK034402", "WK034403", "WK034408", "WK034409"}


def test_of_municipality_keeps_the_cases_surveys_and_care_there(reg):
    part = reg.of_municipality("GM0344")
    assert len(part.cases) == len(reg.cases) > 0 and len(part.surveys) == len(reg.surveys) > 0
    assert part.municipality == "GM0344" and part.snapshot_date == reg.snapshot_date
    none = reg.of_municipality("GM0363")
    assert none.cases.empty and none.surveys.empty and none.care.empty
    assert none.municipality == "GM0363" and list(none.cases.columns) == list(reg.cases.columns)
    assert len(reg.cases) == len(part.cases)  # the register itself is not changed
