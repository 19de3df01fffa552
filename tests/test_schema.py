import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.schema import COLUMNS, validate_observations

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
