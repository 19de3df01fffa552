import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.schema import COLUMNS, map_unique, strip_text, validate_observations

ROW = dict(
    indicator="jeugdhulp_pct",
    region_code="GM0344",
    region_name="Utrecht",
    period="2015",
    period_type="year",
    value="7.3",
    unit="procent",
    status="definitief",
    source="82972NED",
    source_ref="Begroting 2020, BBV-indicatoren",
    published="Begroting 2020 (2019)",
)


def _check(*rows, **kw):
    return validate_observations(pd.DataFrame(list(rows)), file="x.csv", **kw)


def test_valid_rows_pass_and_get_clean_types():
    out = _check(ROW, {**ROW, "period": "2016H1", "period_type": "halfyear", "value": "10.3"})
    assert list(out.columns) == COLUMNS
    assert out["value"].tolist() == [7.3, 10.3]


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"value": "130"}, "value", "percentage"),
        ({"value": "-1", "indicator": "wmo_clienten", "unit": "aantal"}, "value", "not negative"),
        (
            {"value": "11", "indicator": "buurtteam_jg_rapportcijfer", "unit": "rapportcijfer"},
            "value",
            "mark",
        ),
        ({"indicator": "no_such_indicator"}, "indicator", "known indicator"),
        ({"region_code": "Utrecht"}, "region_code", "region code"),
        ({"period": "2016H1"}, "period", "period_type"),
        ({"status": "final"}, "status", "status"),
        ({"unit": "stuks"}, "unit", "unit"),
        ({"value": "7,3"}, "value", "not a number"),
        ({"value": ""}, "value", "value present"),
        ({"source": ""}, "source", "source"),
    ],
)
def test_each_rule_names_file_line_and_column(change, column, fragment):
    with pytest.raises(InputError) as err:
        _check(
            ROW,
            {**ROW, "period": "2016", **change} if "period" not in change else {**ROW, **change},
        )
    msg = err.value.message
    assert msg.startswith("x.csv, line 3"), msg
    assert f"column '{column}'" in msg and fragment in msg
    assert "\n" not in msg


def test_missing_value_allowed_for_missing_status_and_published_above_100_needs_note():
    _check({**ROW, "value": "", "status": "missing"})
    with pytest.raises(InputError):
        _check({**ROW, "value": "107"})
    out = _check({**ROW, "value": "107", "note": "zoals gepubliceerd"})
    assert out["value"].iloc[0] == 107


def test_conflicting_duplicates_rejected_identical_kept():
    with pytest.raises(InputError, match="conflicting duplicate rows"):
        _check(ROW, {**ROW, "value": "7.4"})
    assert len(_check(ROW, dict(ROW))) == 2


def test_missing_and_extra_columns():
    row = dict(ROW)
    del row["published"]
    with pytest.raises(InputError, match="missing column"):
        _check(row)
    with pytest.raises(InputError, match="unexpected column"):
        _check({**ROW, "extra": "1"})


_TEXTS = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.integers(-3, 3),
    st.sampled_from(["GM0344", " GM0344", "GM0344 ", "\tWK034401", "", "  ", "x y", "GM0363"]),
    st.text(alphabet=" \t\nab", max_size=4),
)


def _same(a: pd.Series, b: pd.Series) -> bool:
    """Equal value by value, a missing value equal to a missing value."""
    return len(a) == len(b) and all(
        (pd.isna(x) and pd.isna(y)) if (x is None or x != x) else (type(x) is type(y) and x == y)
        for x, y in zip(a.astype(object), b.astype(object), strict=True)
    )


@settings(max_examples=150, deadline=None)
@given(values=st.lists(_TEXTS, max_size=30), as_text=st.booleans())
def test_strip_and_map_per_distinct_value_equal_the_row_by_row_map(values, as_text):
    series = pd.Series(values, dtype=object, index=range(100, 100 + len(values)))
    if as_text:  # a text column as pandas reads it: text or missing only
        series = series.map(lambda v: v if isinstance(v, str) else None).astype("str")
    # row by row, without the dtype inference of Series.map ([None, 0] would become [nan, 0.0])
    by_row = pd.Series([v.strip() if isinstance(v, str) else v for v in series], dtype=object)
    stripped = strip_text(series)
    assert stripped.index.equals(series.index)
    assert _same(stripped, by_row)
    mapped = map_unique(series, lambda v: isinstance(v, str) and v.startswith("GM"))
    assert mapped.index.equals(series.index)
    assert mapped.tolist() == [isinstance(v, str) and v.startswith("GM") for v in series]


def test_strip_text_returns_a_clean_column_unchanged_and_strips_only_text():
    clean = pd.Series(["GM0344", None, "WK034401"], dtype=object)
    assert strip_text(clean) is clean
    mixed = pd.Series([" GM0344 ", 7, None, "GM0344"], dtype=object)
    assert strip_text(mixed).tolist() == ["GM0344", 7, None, "GM0344"]


def test_padded_codes_and_unknown_codes_in_a_large_table():
    rows = pd.DataFrame([ROW] * 5000)
    rows.loc[17, "region_code"] = " GM0344 "
    assert (_check(*rows.to_dict("records"))["region_code"] == "GM0344").all()
    rows.loc[4321, "region_code"] = "Utrecht"
    with pytest.raises(InputError, match=r"x\.csv.*4323.*region_code"):
        _check(*rows.to_dict("records"))
