import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.parameters import check_parameters, data_periods, validate_parameters


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
    p = validate_parameters(
        region="GM0363",
        start="2016H1",
        end="2024H1",
        horizon=4,
        language="en",
        source=str(tmp_path),
        wijk=None,
    )
    assert p.region == "GM0363" and p.horizon == 4 and p.source == str(tmp_path)
    assert validate_parameters(wijk="WK034409").wijk == "WK034409"


def test_periods_given_as_numbers_are_read_as_periods():
    # papermill -p start 2016 passes an int
    params = validate_parameters(start=2016, end=2023)
    assert (params.start, params.end) == ("2016", "2023")


# --------------------------------------------------------------------------- issue 13: suggestions, data periods
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"region": "Utrecht"},
            "did you mean GM0344 (Utrecht)?",
        ),  # the gemeente, not the provincie
        ({"region": "gm0363"}, "did you mean GM0363 (Amsterdam)?"),
        ({"region": "0599"}, "did you mean GM0599 (Rotterdam)?"),
        ({"region": "Amsterdm"}, "did you mean GM0363 (Amsterdam)?"),
        ({"wijk": "Overvecht"}, "did you mean WK034403 (Overvecht)?"),
        ({"wijk": "leidsche rijn"}, "did you mean WK034409 (Leidsche Rijn)?"),
        ({"wijk": "WK034499"}, "unknown wijk code 'WK034499' of GM0344 (Utrecht)"),
        (
            {"region": "GM0363", "wijk": "WK034403"},
            "WK034403 is not a wijk of GM0363 (Amsterdam); it lies in GM0344 (Utrecht)",
        ),
    ],
)
def test_wrong_regions_and_wijken_come_with_a_suggestion(values, expected):
    with pytest.raises(InputError) as err:
        validate_parameters(**values)
    assert expected in err.value.message and "\n" not in err.value.message


def test_a_wijk_with_no_close_match_lists_the_wijken_of_the_region():
    with pytest.raises(InputError) as err:
        validate_parameters(wijk="Nowhere")
    assert err.value.message.endswith(
        "the wijken of GM0344 (Utrecht): WK034401 (West), WK034402 (Noordwest),"
        " WK034403 (Overvecht), WK034404 (Noordoost), WK034405 (Oost),"
        " WK034406 (Binnenstad), WK034407 (Zuid), WK034408 (Zuidwest),"
        " WK034409 (Leidsche Rijn), WK034410 (Vleuten-De Meern)"
    )


def test_region_catalogue_takes_regions_from_the_cbs_region_data(monkeypatch):
    from analysis import cbs
    from analysis.parameters import RegionCatalogue
    from analysis.regions import RegionResolver

    crosswalk = pd.DataFrame(
        {
            "region_code": ["GM0014", "WK001401"],
            "region_name": ["Groningen", "Centrum"],
            "label": ["Groningen (gemeente)", "Centrum"],
        }
    )
    monkeypatch.setattr(cbs, "region_resolver", lambda cache_dir=None: RegionResolver(crosswalk))
    catalogue = RegionCatalogue.load()
    assert catalogue.wijken("GM0014") == ["WK001401"]
    assert validate_parameters(region="GM0014", wijk="WK001401").wijk == "WK001401"
    with pytest.raises(InputError, match="did you mean WK001401 \\(Centrum\\)"):
        check_parameters({"region": "GM0014", "wijk": "centrum"}, regions=catalogue)


def test_notebook_start_checks_periods_against_the_chosen_source(tmp_cache):
    from analysis import notebook
    from analysis.sources import resolve_source

    span = data_periods(resolve_source("embedded"))
    assert span is not None and span.last == "2029"
    assert notebook.start(start="2029", source="embedded").params.start == "2029"
    with pytest.raises(InputError) as err:
        notebook.start(start="2030", source="embedded")
    assert err.value.message.startswith(
        "parameter 'start': 2030 lies after the last period with data"
    )
    with pytest.raises(
        InputError, match="parameter 'end': 2014 lies before the first period with data"
    ):
        notebook.start(end="2014", source="embedded")
    # an empty cache as the only source: no data, nothing to check against (the notebook says so)
    assert data_periods(resolve_source("cbs-cache")) is None
    assert notebook.start(start="2030", source="cbs-cache").params.start == "2030"
