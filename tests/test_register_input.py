"""The register loader refuses what it must not take in (issue 13, cases 3 and 10).

Future dates (or dates after a snapshot date the user gives), a cases table
without rows, and columns of personal identifiers are refused with one line
naming the file, line and column; identifiers can be left out explicitly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from test_register import CASES_HEADER, CASES_ROWS, SURVEYS_HEADER, SURVEYS_ROWS, _write

from analysis.errors import InputError, ParameterError
from analysis.parquet import write_parquet
from analysis.register import load_register, passes_11_proef, personal_data_problem

FUTURE_YEAR = pd.Timestamp.today().year + 5


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ------------------------------------------------------------------------------ future dates


def _future_rows() -> list[str]:
    rows = list(CASES_ROWS)
    rows[4] = f"SO-4,C4,sociaal,WK034408,{FUTURE_YEAR}-02-01,,,false,45-64,"
    return rows


def test_registration_date_in_the_future_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, "cases.csv", CASES_HEADER, _future_rows())
    with pytest.raises(InputError) as info:
        load_register(path)
    assert info.value.row == 6 and info.value.column == "registration_date"
    assert f"{FUTURE_YEAR}-02-01" in info.value.message and "snapshot" in info.value.message
    assert "\n" not in info.value.message


def test_a_snapshot_date_given_accepts_dates_up_to_it_and_becomes_the_snapshot(tmp_path):
    path = _write(tmp_path, "cases.csv", CASES_HEADER, _future_rows())
    reg = load_register(path, snapshot_date=f"{FUTURE_YEAR}-06-30")
    assert reg.snapshot_date == pd.Timestamp(f"{FUTURE_YEAR}-06-30")
    assert len(reg.cases) == len(CASES_ROWS)
    with pytest.raises(InputError, match="after the snapshot date") as info:
        load_register(path, snapshot_date=f"{FUTURE_YEAR}-01-31")
    assert info.value.row == 6
    # an earlier snapshot refuses what lies after it, in any table and date column
    with pytest.raises(
        InputError, match="2024-06-30 lies after the snapshot date 2024-03-01"
    ) as info:
        load_register(
            _write(tmp_path / "b", "cases.csv", CASES_HEADER, CASES_ROWS),
            snapshot_date="2024-03-01",
        )
    assert info.value.column == "end_date" and info.value.row == 7
    with pytest.raises(ParameterError, match="snapshot_date"):
        load_register(path, snapshot_date="gisteren")


def test_snapshot_date_in_metadata_bounds_the_dates(tmp_path):
    root = tmp_path / "reg"
    _write(root, "cases.csv", CASES_HEADER, CASES_ROWS)
    _write(root, "surveys.csv", SURVEYS_HEADER, SURVEYS_ROWS)
    (root / "register.json").write_text(json.dumps({"snapshot_date": "2024-07-16"}))
    with pytest.raises(InputError, match="after the snapshot date 2024-07-16") as info:
        load_register(root)
    assert info.value.file.endswith("surveys.csv") and info.value.row == 5
    assert load_register(root, snapshot_date="2024-12-31").snapshot_date == pd.Timestamp(
        "2024-12-31"
    )


# ------------------------------------------------------------------------------ no rows


@pytest.mark.parametrize("body", ["", "\n\n", ",,,,,,,,,\n"])
def test_a_header_only_cases_table_is_refused_in_one_line(tmp_path, body):
    path = tmp_path / "cases.csv"
    path.write_text(CASES_HEADER + "\n" + body, encoding="utf-8")
    with pytest.raises(InputError, match="header but no rows") as info:
        load_register(path)
    assert info.value.file == str(path) and "\n" not in info.value.message


def test_a_header_only_parquet_cases_table_is_refused(tmp_path):
    frame = load_register(_write(tmp_path / "a", "cases.csv", CASES_HEADER, CASES_ROWS)).cases.iloc[
        :0
    ]
    write_parquet(frame, tmp_path / "cases.parquet")
    with pytest.raises(InputError, match="header but no rows"):
        load_register(tmp_path / "cases.parquet")


# ------------------------------------------------------------------------------ personal data


def _with_column(name: str, values: list[str]) -> tuple[str, list[str]]:
    return CASES_HEADER + f",{name}", [f"{r},{v}" for r, v in zip(CASES_ROWS, values, strict=True)]


BSNS = [
    "111222333",
    "123456782",
    "999999990",
    "111111110",
    "222222220",
    "100000010",
    "100000022",
    "100000034",
]


@pytest.mark.parametrize(
    ("name", "values", "words"),
    [
        ("bsn", ["x"] * 8, "a BSN"),
        ("Naam", ["Jan"] * 8, "a name"),
        ("client_achternaam", ["Jansen"] * 8, "a name"),
        ("adres", ["Oudegracht 1"] * 8, "an address"),
        ("geboortedatum", ["2001-01-01"] * 8, "date of birth"),
        ("date_of_birth", ["2001-01-01"] * 8, "date of birth"),
        ("postcode", ["3511AB"] * 8, "a postcode"),
        ("opmerking", BSNS, "BSN 11-proef"),
        (
            "kenmerk",
            ["3511 AB", "3512CD", "3513 EF", "3514GH", "3515 IJ", "3516KL", "3517 MN", "3518OP"],
            "postcodes",
        ),
        ("contact", ["", "", "", "a@b.nl", "", "", "", ""], "e-mail"),
    ],
)
def test_personal_identifiers_are_refused_naming_the_column(tmp_path, name, values, words):
    header, rows = _with_column(name, values)
    path = _write(tmp_path, "cases.csv", header, rows)
    before = _digest(tmp_path)
    with pytest.raises(InputError, match=words) as info:
        load_register(path)
    assert info.value.column == name.lower() and info.value.file == str(path)
    assert "drop_columns" in info.value.message and "\n" not in info.value.message
    assert all(
        v not in info.value.message for v in values if len(v) > 1
    )  # the values are never repeated
    assert _digest(tmp_path) == before


def test_bsns_as_client_numbers_are_refused(tmp_path):
    rows = [
        r.replace(f",{c},", f",{b},", 1)
        for r, c, b in zip(
            CASES_ROWS,
            ["C1", "C2", "C3", "C1", "C4", "K1", "K2", "K3"],
            [
                "111222333",
                "123456782",
                "100000010",
                "111222333",
                "100000022",
                "999999990",
                "111111110",
                "222222220",
            ],
            strict=True,
        )
    ]
    with pytest.raises(InputError, match="BSN") as info:
        load_register(_write(tmp_path, "cases.csv", CASES_HEADER, rows))
    assert info.value.column == "client_id"


def test_pseudonymous_nine_digit_numbers_are_not_bsns(tmp_path):
    numbers = [f"{n:09d}" for n in range(100000000, 100000080)]
    assert 0 < sum(passes_11_proef(n) for n in numbers) < 20  # about one in eleven passes by chance
    frame = pd.DataFrame({"client_id": numbers, "case_id": [f"SO-{i}" for i in range(80)]})
    assert personal_data_problem(frame) is None


def test_dropped_columns_are_never_read(tmp_path, monkeypatch):
    header, rows = _with_column("bsn", BSNS)
    header, rows = header + ",naam", [r + ",Jan" for r in rows]
    path = _write(tmp_path, "cases.csv", header, rows)
    reg = load_register(path, drop_columns=["BSN", "naam"])
    assert "bsn" not in reg.cases.columns and "naam" not in reg.cases.columns
    assert len(reg.cases) == len(CASES_ROWS)
    parquet = tmp_path / "p" / "cases.parquet"
    parquet.parent.mkdir()
    write_parquet(pd.read_csv(path, dtype=str, keep_default_na=False), parquet)
    assert "bsn" not in load_register(parquet, drop_columns=("bsn", "naam")).cases.columns
    with pytest.raises(InputError, match="naam"):
        load_register(parquet, drop_columns=("bsn",))


def test_drop_columns_in_metadata_and_own_columns_kept(tmp_path):
    root = tmp_path / "reg"
    header, rows = _with_column("bsn", BSNS)
    _write(root, "cases.csv", header, rows)
    (root / "register.json").write_text(json.dumps({"drop_columns": ["bsn"]}))
    assert "bsn" not in load_register(root).cases.columns
    with pytest.raises(ParameterError, match="client_id.*cannot be dropped"):
        load_register(root, drop_columns=["client_id"])
    (root / "register.json").write_text(json.dumps({"drop_columns": "bsn"}))
    with pytest.raises(InputError, match="register.json.*drop_columns"):
        load_register(root)


def test_the_synthetic_register_holds_no_personal_identifiers():
    reg = load_register()
    for frame in (reg.cases, reg.surveys, reg.care):
        assert personal_data_problem(frame) is None


# ------------------------------------------------------------------------------ found by the fuzzer


@pytest.mark.parametrize("date", ["0023-01-01", "1677-09-21", "9999-12-31"])
def test_implausible_years_are_refused_in_one_line(tmp_path, date):
    rows = [f"SO-1,C1,sociaal,WK034401,{date},,,false,23-44,"]
    with pytest.raises(InputError, match=f"implausible date '{date}'") as info:
        load_register(_write(tmp_path, "cases.csv", CASES_HEADER, rows), snapshot_date="2030-01-01")
    assert info.value.row == 2 and info.value.column == "registration_date"


def test_a_huge_mark_is_refused_in_one_line(tmp_path):
    root = tmp_path / "reg"
    _write(root, "cases.csv", CASES_HEADER, CASES_ROWS)
    _write(root, "surveys.csv", SURVEYS_HEADER, ["SO-1,2023-04-01,8,8,7," + "9" * 40 + ",ja"])
    with pytest.raises(InputError, match="not a whole number from 1 to 10") as info:
        load_register(root, snapshot_date="2030-01-01")
    assert info.value.row == 2 and info.value.column == "rapportcijfer"
