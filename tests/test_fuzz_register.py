"""Property-based tests of the register loader (issue 13, "keep them found").

Whatever CSV text a cases (or surveys) file holds, :func:`analysis.register.load_register`
either returns a valid register or raises the project's one-line
:class:`~analysis.errors.InputError`; never another exception, and the file is never
changed. Bounded in ``make test`` (profile ``ci``), long in ``make fuzz``.
"""

from __future__ import annotations

import hashlib
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.register import (
    AGE_BANDS,
    CASE_COLUMNS,
    END_REASONS,
    SURVEY_COLUMNS,
    TEAMS,
    load_register,
    personal_data_problem,
)

pytestmark = pytest.mark.fuzz

_SNAPSHOT = "2030-12-31"

# Cells: mostly plausible values, with the odd hostile one (separators, quotes, huge
# numbers, far dates, control characters, BSN-like numbers, markup).
_DATES = st.one_of(
    st.dates(
        min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2035-12-31").date()
    ).map(lambda d: d.strftime("%Y-%m-%d")),
    st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
    st.sampled_from(
        [
            "",
            "2023-02-30",
            "0023-01-01",
            "9999-12-31",
            "31/12/2023",
            "2023-13-01",
            "gisteren",
            "1677-09-21",
            "2262-04-12",
            "2023-01-01T10:00:00",
            "  2023-01-05  ",
        ]
    ),
)
_HOSTILE = st.sampled_from(
    [
        "",
        " ",
        '"',
        '""',
        ",",
        ";",
        "\t",
        "\\",
        "\x00",
        "\r",
        "NaN",
        "nan",
        "None",
        "null",
        "-0",
        "1e400",
        "123456782",
        "3511 AB",
        "a@b.nl",
        "<script>alert(1)</script>",
        "é",
        "\u202e",
        "9" * 40,
    ]
)
_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "-_ .,;\"'\n", max_size=12)


def _cell(column: str) -> st.SearchStrategy[str]:
    plausible = {
        "case_id": st.sampled_from(["SO-1", "SO-2", "JG-1", "X"]),
        "client_id": st.sampled_from(["C1", "C2", "C3", "K1"]),
        "team": st.sampled_from([*TEAMS, "Sociaal", "jeugd"]),
        "wijk_code": st.sampled_from(["WK034401", "WK034403", "WK036301", "wk034401", "WK0344"]),
        "urgent": st.sampled_from(["true", "false", "ja", "nee", "1", "0", "misschien", ""]),
        "age_band": st.sampled_from([*AGE_BANDS, "3-4", ""]),
        "end_reason": st.sampled_from([*END_REASONS, "", "weg"]),
        "synthetic": st.sampled_from(["true", "false", ""]),
        "verder_zonder_hulp": st.sampled_from(["true", "false", "", "ja", "2"]),
    }
    if column.endswith("_date"):
        base = _DATES
    elif column in ("toegankelijkheid", "kwaliteit", "effect", "rapportcijfer"):
        base = st.sampled_from(["", "1", "7", "10", "11", "0", "7.5", "8.0", "-3", "acht"])
    else:
        base = plausible.get(column, _TEXT)
    return st.one_of(base, base, base, _HOSTILE, _TEXT)


@st.composite
def _csv(draw, columns: list[str]) -> str:
    header = list(columns)
    if draw(
        st.booleans()
    ):  # now and then a changed header: shuffled, dropped, duplicated or an extra column
        kind = draw(st.sampled_from(["shuffle", "drop", "duplicate", "extra", "upper"]))
        if kind == "shuffle":
            header = draw(st.permutations(header))
        elif kind == "drop":
            header.pop(draw(st.integers(0, len(header) - 1)))
        elif kind == "duplicate":
            header.append(draw(st.sampled_from(header)))
        elif kind == "extra":
            header.append(
                draw(st.sampled_from(["opmerking", "bsn", "naam", "postcode", "note", ""]))
            )
        else:
            header = [h.upper() for h in header]
    sep = draw(st.sampled_from([",", ";"]))
    lines = [sep.join(header)]
    for _ in range(draw(st.integers(0, 6))):
        cells = [draw(_cell(c.lower())) for c in header]
        if draw(st.integers(0, 9)) == 0:  # a ragged line
            cells = cells[: draw(st.integers(0, len(cells)))] + draw(st.lists(_TEXT, max_size=2))
        lines.append(sep.join(cells))
    ending = draw(st.sampled_from(["\n", "\r\n", ""]))
    return ending.join(lines) + ending if ending else "\n".join(lines)


def _digest(path) -> dict[str, str]:
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def _check(path, **kwargs) -> None:
    before = _digest(path)
    try:
        reg = load_register(path, **kwargs)
    except InputError as exc:
        assert "\n" not in exc.message and exc.message.strip()
        assert type(exc).__name__ in ("InputError", "ParameterError")
    else:
        assert len(reg.cases) > 0
        assert list(reg.cases.columns[: len(CASE_COLUMNS)]) == CASE_COLUMNS
        assert reg.cases["registration_date"].notna().all()
        assert (reg.cases["registration_date"] <= pd.Timestamp(_SNAPSHOT)).all()
        assert reg.cases["team"].isin(TEAMS).all()
        assert personal_data_problem(reg.cases) is None
    assert _digest(path) == before


_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@_SETTINGS
@given(text=_csv(CASE_COLUMNS))
def test_any_cases_csv_gives_a_register_or_one_input_error(tmp_path, text):
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8", newline="")
    _check(path, snapshot_date=_SNAPSHOT)


@_SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_register_or_one_input_error(tmp_path, data):
    path = tmp_path / "cases.csv"
    path.write_bytes(",".join(CASE_COLUMNS).encode() + b"\n" + data)
    _check(path, snapshot_date=_SNAPSHOT)


_VALID_CASE = (
    "SO-1,C1,sociaal,WK034401,2023-01-10,2023-01-12,2023-03-15,false,23-44,zelfstandig_verder"
)


@_SETTINGS
@given(text=_csv(SURVEY_COLUMNS))
def test_any_surveys_csv_gives_a_register_or_one_input_error(tmp_path, text):
    root = tmp_path / "reg"
    root.mkdir(exist_ok=True)
    (root / "cases.csv").write_text(
        ",".join(CASE_COLUMNS) + "\n" + _VALID_CASE + "\n", encoding="utf-8"
    )
    path = root / "surveys.csv"
    path.write_text(text, encoding="utf-8", newline="")
    _check(path.parent, snapshot_date=_SNAPSHOT)
    _check(path.parent)  # the default snapshot: today
