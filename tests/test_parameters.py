import pytest

from analysis.errors import InputError
from analysis.parameters import validate_parameters


def test_defaults_are_utrecht_auto_dutch():
    p = validate_parameters()
    assert (p.region, p.wijk, p.source, p.language) == ("GM0344", None, "auto", "nl")
    assert p.horizon >= 1


@pytest.mark.parametrize(
    ("values", "name", "fragment"),
    [
        ({"region": "GM9999"}, "region", "unknown region code 'GM9999'"),
        ({"region": "Utrecht"}, "region", "unknown region code"),
        ({"start": "2020", "end": "2016"}, "end", "before start"),
        ({"horizon": 0}, "horizon", "at least 1"),
        ({"source": "no/such/place"}, "source", "neither one of"),
        ({"wijk": "WK036301"}, "wijk", "not a wijk of GM0344"),
        ({"wijk": "GM0344"}, "wijk", "not a wijk code"),
        ({"language": "fr"}, "language", "'nl' or 'en'"),
        ({"start": "2016H3"}, "start", "not a period"),
        ({"colour": "red"}, "colour", "unknown parameter"),
    ],
)
def test_invalid_parameters_fail_with_one_line_naming_the_parameter(values, name, fragment):
    with pytest.raises(InputError) as err:
        validate_parameters(**values)
    msg = err.value.message
    assert msg.startswith(f"parameter '{name}':"), msg
    assert fragment in msg and "\n" not in msg


def test_valid_non_defaults(tmp_path):
    p = validate_parameters(region="GM0363", start="2016H1", end="2024H1", horizon=4, language="en",
                            source=str(tmp_path), wijk=None)
    assert p.region == "GM0363" and p.horizon == 4 and p.source == str(tmp_path)
    assert validate_parameters(wijk="WK034409").wijk == "WK034409"


def test_periods_given_as_numbers_are_read_as_periods():
    # papermill -p start 2016 passes an int
    params = validate_parameters(start=2016, end=2023)
    assert (params.start, params.end) == ("2016", "2023")
