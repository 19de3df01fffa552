"""Property-based tests (Hypothesis) of the parameter validator and the batch loader.

Whatever the values (``-p NAME VALUE`` text, notebook parameters, runs.yml
content), the outcome is a valid plan or the project's InputError (or
ParameterError) with a one-line message, never another exception; and no
kernel is started. Bounded in ``make test`` (profile "ci"), long in
``make fuzz``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError, ParameterError
from analysis.parameters import RegionCatalogue, check_data_periods, check_parameters
from analysis.runner import config as C
from analysis.runner import execute
from analysis.runner.notebooks import discover

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[1]
COLLECTION = discover(ROOT / "notebooks")
CATALOGUE = RegionCatalogue.load()
NAMES = ["region", "wijk", "start", "end", "source", "horizon", "language", "register", "regions"]
CODES = [
    "GM0344",
    "GM0363",
    "NL01",
    "PV26",
    "WK034403",
    "WK034499",
    "WK036301",
    "GM9999",
    "Utrecht",
    "Overvecht",
    "gm0344",
    "0344",
    "",
]
PERIODS = [
    "2015",
    "2019H1",
    "2019H3",
    "2024Q4",
    "2030",
    "1899",
    "0000",
    "9999",
    "2023-02-30",
    "2023-06",
    "2016-06-30",
    "2262",
    "1677",
    "2019h1",
    " 2020 ",
]

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
    st.sampled_from(CODES + PERIODS + ["auto", "embedded", "cbs-cache", "nl", "en", "fr"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=2),
    max_leaves=6,
)


def _one_line(exc: InputError) -> None:
    assert exc.message and "\n" not in exc.message and "\r" not in exc.message, exc.message


@pytest.fixture(autouse=True)
def no_kernels(monkeypatch):
    def refuse(self):
        raise AssertionError("a kernel was about to start")

    monkeypatch.setattr(execute.Batch, "run", refuse)


# --------------------------------------------------------------------------- the validator
@given(st.dictionaries(st.sampled_from(NAMES + ["colour"]), values, max_size=6))
@example({"start": "0000"})
@example({"end": "1677", "start": "1600"})
@example({"wijk": "Overvecht"})
def test_validator_gives_parameters_or_one_line_parameter_error(given_values):
    try:
        params = check_parameters(given_values, regions=CATALOGUE)
    except ParameterError as exc:
        _one_line(exc)
        return
    assert CATALOGUE.knows(params.region)
    if params.wijk is not None:
        assert params.wijk.startswith("WK")
    from analysis.parameters import PeriodSpan

    try:
        check_data_periods(params, PeriodSpan("2015", "2029"), "auto")
    except ParameterError as exc:
        _one_line(exc)


# --------------------------------------------------------------------------- -p values
cli_name = st.one_of(st.sampled_from(NAMES), text)
cli_value = st.one_of(
    text,
    st.sampled_from(
        CODES + PERIODS + ["none", "null", "[1, 2]", '{"a": 1}', "0", "-1", "1e400", "true"]
    ),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    cli_params=st.lists(st.tuples(cli_name, cli_value), min_size=1, max_size=3),
    names=st.lists(st.sampled_from(["00", "01", "02", "04", "05", "06", "99", "all"]), max_size=2),
)
@example(cli_params=[("region", "Utrecht")], names=[])
@example(cli_params=[("wijk", "Overvecht")], names=["01"])
@example(cli_params=[("start", "2019H3")], names=[])
@example(cli_params=[("start", "2030")], names=[])
def test_command_line_values_give_a_plan_or_one_line_input_error(cli_params, names, tmp_cache):
    names = [n for n in names if n != "all"]
    try:
        plan = C.build_plan(COLLECTION, names=names, cli_params=cli_params)
    except InputError as exc:
        _one_line(exc)
        return
    assert plan.reports and all(r.slug for r in plan.reports)


# --------------------------------------------------------------------------- runs.yml
keys = st.sampled_from(
    [
        "description",
        "common",
        "timeout",
        "jobs",
        "runs",
        "notebooks",
        "parameters",
        "grid",
        "sets",
        *NAMES,
        "all",
        "g4",
        "utrecht-wijken",
        "cbs-cache-municipalities",
    ]
)
# mostly well-typed, plausible documents (so that many reach the value checks), sometimes anything
plausible = (
    st.sampled_from(CODES + PERIODS + ["auto", "embedded", "cbs-cache", "nl", "en", "fr"])
    | st.none()
    | st.integers(-3, 5)
)
param_value = st.one_of(plausible, plausible, values)
params_map = st.dictionaries(st.sampled_from(NAMES), plausible, max_size=3)
wild_map = st.dictionaries(st.sampled_from(NAMES) | text, param_value, max_size=3)
notebooks = st.one_of(
    st.sampled_from(["all", "01", "04_jeugdzorg_cbs", "nope"]),
    st.lists(st.sampled_from(["00", "02", "03", "05", "06", 4, "x"]), max_size=3),
)
axis = st.sampled_from(["g4", "utrecht-wijken", "cbs-cache-municipalities", "nope"]) | st.lists(
    plausible, min_size=1, max_size=3
)
entry = st.fixed_dictionaries(
    {"notebooks": notebooks},
    optional={
        "parameters": params_map,
        "grid": st.dictionaries(st.sampled_from(NAMES), axis, max_size=2),
        "sets": st.lists(params_map, max_size=3),
    },
)
wild_entry = st.fixed_dictionaries(
    {},
    optional={
        "notebooks": notebooks | values,
        "parameters": wild_map | values,
        "grid": st.dictionaries(st.sampled_from(NAMES) | text, axis | values, max_size=2) | values,
        "sets": st.lists(wild_map, max_size=3) | values,
        "extra": values,
    },
)
plausible_document = st.fixed_dictionaries(
    {"runs": st.lists(entry, min_size=1, max_size=3)},
    optional={
        "description": text,
        "common": params_map,
        "timeout": st.floats(0, 1e6) | st.integers(-5, 10**9),
        "jobs": st.integers(-1, 100),
    },
)
document = st.one_of(
    plausible_document,
    plausible_document,
    plausible_document,
    st.fixed_dictionaries(
        {"runs": st.lists(wild_entry, max_size=3) | values},
        optional={
            "description": values,
            "common": wild_map | values,
            "timeout": values,
            "jobs": values,
        },
    ),
    st.dictionaries(keys, values, max_size=3),
    values,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=document)
def test_batch_files_give_a_plan_or_one_line_input_error(data, tmp_cache):
    try:
        body = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    _batch_outcome(body)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    body=st.text(max_size=200)
    | st.sampled_from(
        [
            "runs: [" * 200,
            "- " * 300 + "x",
            "runs:\n  - &a [*a]\n",
            "runs: !!python/object:os.system x\n",
            "\ufeffruns: []\n",
        ]
    )
)
def test_batch_file_text_gives_a_plan_or_one_line_input_error(body, tmp_cache):
    _batch_outcome(body)


def _batch_outcome(body: str) -> None:
    sets = {**C.VALUE_SETS, "cbs-cache-municipalities": lambda: ["GM0344", "GM0363"]}
    try:
        batch = C.parse_batch(body, path=Path("runs.yml"), value_sets=sets)
        plan = C.build_plan(COLLECTION, batch=batch, value_sets=sets)
    except InputError as exc:
        _one_line(exc)
        return
    assert plan.reports
