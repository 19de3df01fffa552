"""Bad parameter values never reach a kernel (issue 13, cases 4 and 5).

The runner checks every report of a batch with the notebooks' own validator
(:mod:`analysis.parameters`) before anything starts; these tests use the real
collection in notebooks/ and make sure no kernel is started.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.cli.runner import main as runner_main
from analysis.errors import InputError
from analysis.runner import config as C
from analysis.runner import execute, params
from analysis.runner.notebooks import discover

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = ROOT / "tests" / "runner_fixtures" / "notebooks"


@pytest.fixture(scope="module")
def collection():
    return discover(NOTEBOOKS)


@pytest.fixture
def no_kernels(monkeypatch, tmp_cache):
    """Fail the test if the runner gets as far as executing (starting kernels); an empty CBS
    cache, so the regions and periods known are those of the embedded data."""

    def refuse(self):
        raise AssertionError(f"kernels were started for {len(self.reports)} report(s)")

    monkeypatch.setattr(execute.Batch, "run", refuse)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "region",
            "Utrecht",
            "parameter 'region': unknown region code 'Utrecht' (expected a CBS code such as"
            " GM0344); did you mean GM0344 (Utrecht)?",
        ),
        (
            "wijk",
            "Overvecht",
            "parameter 'wijk': 'Overvecht' is not a wijk code (expected e.g. WK034401);"
            " did you mean WK034403 (Overvecht)?",
        ),
        (
            "wijk",
            "Nowhere",
            "parameter 'wijk': 'Nowhere' is not a wijk code (expected e.g. WK034401);"
            " the wijken of GM0344 (Utrecht): WK034401 (West),",
        ),
        ("start", "2019H3", "parameter 'start': not a period: '2019H3'"),
        (
            "start",
            "2030",
            "parameter 'start': 2030 lies after the last period with data: the data of source"
            " 'auto' cover",
        ),
    ],
)
def test_a_bad_value_is_refused_up_front_with_exit_2(
    name, value, expected, no_kernels, tmp_path, capsys
):
    out = tmp_path / "reports"
    status = runner_main(["run", "-p", name, value, "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith(
        f"error: -p {name}: report 00_overzicht__{name}-"
    ), err
    assert expected in err
    assert err.rstrip().endswith("(and 7 more reports)")
    assert not out.exists()  # nothing made, nothing published


def test_dry_run_validates_the_values_too(no_kernels, capsys):
    assert runner_main(["run", "--dry-run", "01", "-p", "wijk", "WK034499"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: -p wijk: report 01_bereik__wijk-WK034499: parameter 'wijk': unknown wijk code"
        " 'WK034499' of GM0344 (Utrecht); did you mean WK034409 (Leidsche Rijn)?\n"
    )


def test_batch_file_errors_name_the_line_key_and_report(collection, tmp_cache, tmp_path):
    path = tmp_path / "runs.yml"
    path.write_text(
        "common:\n  source: embedded\nruns:\n  - notebooks: [02, 03]\n"
        "    grid:\n      wijk: [WK034401, WK036301]\n"
    )
    with pytest.raises(InputError) as err:
        C.build_plan(collection, batch=C.load_batch(path))
    assert err.value.message == (
        f"{path}, line 6: runs[0].grid.wijk: report 02_instroom_uitstroom__wijk-WK036301: parameter"
        " 'wijk': WK036301 is not a wijk of GM0344 (Utrecht); it lies in GM0363 (Amsterdam)"
        " (and 1 more report)"
    )


def test_end_before_start_and_periods_outside_the_data_of_the_chosen_source(collection, tmp_cache):
    with pytest.raises(InputError) as err:  # 04 starts in 2015 by default
        C.build_plan(collection, names=["04"], cli_params=[("end", "2014")])
    assert (
        err.value.message
        == "-p end: report 04_jeugdzorg_cbs__end-2014: parameter 'end': end 2014 lies"
        " before start 2015"
    )
    # the embedded figures end in 2029: 2029 is fine, 2030 is not
    C.build_plan(collection, names=["02"], cli_params=[("start", "2029"), ("source", "embedded")])
    with pytest.raises(
        InputError,
        match="data of source 'embedded' cover 2015.* to 2029; choose a start up to 2029",
    ):
        C.build_plan(
            collection, names=["02"], cli_params=[("start", "2030"), ("source", "embedded")]
        )


def test_periods_are_checked_against_the_cbs_cache_when_that_is_the_source(collection, tmp_cache):
    import json

    folder = tmp_cache / "cbs"
    folder.mkdir(parents=True)
    (folder / "85098NED.json").write_text(
        json.dumps(
            {
                "table": "85098NED",
                "indicators": ["jeugdhulp_pct"],
                "periods": ["2021", "2022H1", "2024H1"],
            }
        )
    )
    (folder / "85098NED.parquet").write_bytes(b"")
    C.build_plan(
        collection, names=["04"], cli_params=[("start", "2024H1"), ("source", "cbs-cache")]
    )
    with pytest.raises(InputError, match=r"2024H2 lies after .* 'cbs-cache' cover 2021 to 2024H1"):
        C.build_plan(
            collection, names=["04"], cli_params=[("start", "2024H2"), ("source", "cbs-cache")]
        )
    # auto also has the embedded figures, which go on to 2029
    C.build_plan(collection, names=["04"], cli_params=[("start", "2024H2"), ("source", "auto")])


def test_notebooks_that_do_not_call_the_validator_are_left_alone(tmp_cache):
    fixtures = discover(FIXTURES)
    plan = C.build_plan(fixtures, names=["02"], cli_params=[("region", "<b>not a code</b>")])
    assert plan.reports[0].parameters == {"region": "<b>not a code</b>"}


def test_the_validator_call_is_read_from_the_notebook(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    def nb(*cells: str) -> Path:
        path = tmp_path / f"{len(list(tmp_path.iterdir())):02d}_x.ipynb"
        nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
        return path

    call = params.validator_arguments(
        nb(
            "%matplotlib inline\nfrom analysis import notebook as n",
            "s = n.start(region=region, language='en')",
        )
    )
    assert call == {
        "region": params.Argument(parameter="region"),
        "language": params.Argument(value="en"),
    }
    assert params.validator_arguments(nb("from analysis.notebook import start\nstart(wijk=w)")) == {
        "wijk": params.Argument(parameter="w")
    }
    assert (
        params.validator_arguments(nb("import analysis.notebook\nanalysis.notebook.start()")) == {}
    )
    assert (
        params.validator_arguments(nb("from analysis import notebook\nnotebook.start(**p)")) is None
    )
    assert (
        params.validator_arguments(nb("from analysis import notebook\nnotebook.start(region=f(x))"))
        is None
    )
    assert params.validator_arguments(nb("start(region='GM0344')")) is None  # not ours


def test_the_validator_is_read_once_per_batch(collection, monkeypatch, tmp_cache):
    from analysis import parameters

    loads = []
    real = parameters.RegionCatalogue.load

    def counting(*args, **kwargs):
        loads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(parameters.RegionCatalogue, "load", counting)
    plan = C.build_plan(collection, batch=C.load_batch(ROOT / "runs" / "wijken.yml"))
    assert len(plan.reports) == 40 and len(loads) == 1


def test_a_default_that_is_an_expression_is_left_to_the_notebook(tmp_path, tmp_cache):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cell = new_code_cell(
        'wijk = "Overvecht"  # a literal: checked\nregion = "GM" + "0344"  # an expression'
    )
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[
            cell,
            new_code_cell(
                "from analysis import notebook\nsession = notebook.start(region=region, wijk=wijk)"
            ),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    collection = discover(tmp_path)
    C.build_plan(collection)  # the region is unknown until the kernel runs: not checked here
    with pytest.raises(InputError, match="parameter 'region': unknown region code 'Utrecht'"):
        C.build_plan(collection, cli_params=[("region", "Utrecht")])
    with pytest.raises(
        InputError,
        match=r"report 01_x__region-GM0344: parameter 'wijk': 'Overvecht' is not a"
        r" wijk code .*; did you mean WK034403 \(Overvecht\)\? \(the"
        r" notebook's default\)",
    ):
        C.build_plan(collection, cli_params=[("region", "GM0344")])
