"""Runner: batch files, parameters, names, provenance, index escaping, publication.

These tests start no kernel; see test_runner_exec.py for execution.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import provenance
from analysis.cli.runner import main as runner_main
from analysis.errors import InputError
from analysis.runner import config as C
from analysis.runner import export, params, publish
from analysis.runner.notebooks import discover, select

FIXTURES = Path(__file__).parent / "runner_fixtures"
NOTEBOOKS = FIXTURES / "notebooks"
COLLECTION = FIXTURES / "collection"
ROOT = Path(__file__).resolve().parents[1]

INJECTION = "'); import os; os.system('touch /tmp/pwned') #"


@pytest.fixture(scope="module")
def fixtures():
    return discover(NOTEBOOKS)


@pytest.fixture(scope="module")
def collection():
    return discover(COLLECTION)


def batch(text: str, tmp_path: Path, **kw):
    path = tmp_path / "runs.yml"
    path.write_text(text)
    return C.load_batch(path, **kw)


# --------------------------------------------------------------------------- discovery
def test_discovery_reads_parameters_types_defaults_and_help(fixtures):
    by_name = {nb.name: nb for nb in fixtures}
    assert list(by_name) == [
        "01_basic",
        "02_plot",
        "03_fail",
        "04_sleep",
        "05_die",
        "06_leak",
        "07_noparams",
    ]
    basic = by_name["01_basic"].parameters
    assert [(p.name, p.type) for p in basic.values()] == [
        ("region", "str"),
        ("year", "int"),
        ("label", "str"),
        ("values", "list"),
        ("scale", "float"),
        ("flag", "bool"),
    ]
    assert basic["region"].default == '"GM0344"'
    assert basic["region"].help == "CBS region code"
    assert basic["year"].default_value == 2024
    assert by_name["01_basic"].title == "Basic report"
    assert by_name["07_noparams"].parameters == {}


def test_select_by_name_number_and_slug(fixtures):
    assert [nb.name for nb in select(fixtures, ["03", "04_sleep", "die"])] == [
        "03_fail",
        "04_sleep",
        "05_die",
    ]
    with pytest.raises(InputError, match="unknown notebook 'nope' .*known: 01_basic"):
        select(fixtures, ["nope"])


# --------------------------------------------------------------------------- runs.yml
def test_grid_sets_and_named_value_sets(collection, tmp_path):
    b = batch(
        """
common: {source: embedded}
runs:
  - notebooks: [04_jeugdzorg_cbs]
    grid: {region: g4}
  - notebooks: 01_bereik
    grid: {region: utrecht-wijken}
  - notebooks: [05]
    sets: [{region: GM0363}, {region: GM0599}]
""",
        tmp_path,
    )
    plan = C.build_plan(collection, batch=b)
    names = [r.slug for r in plan.reports]
    assert names[:4] == [
        f"04_jeugdzorg_cbs__region-{c}" for c in ("GM0363", "GM0599", "GM0518", "GM0344")
    ]
    assert names[4:14] == [f"01_bereik__region-WK0344{i:02d}" for i in range(1, 11)]
    assert names[14:] == [
        "05_trends_prognoses__region-GM0363",
        "05_trends_prognoses__region-GM0599",
    ]
    assert all(r.parameters["source"] == "embedded" for r in plan.reports)


def test_default_batch_runs_every_notebook_for_utrecht_on_embedded_data(collection):
    plan = C.build_plan(collection, batch=C.load_batch(ROOT / "runs" / "default.yml"))
    assert [r.notebook.name for r in plan.reports] == [nb.name for nb in collection]
    assert all(r.parameters == {"region": "GM0344", "source": "embedded"} for r in plan.reports)
    assert [r.slug for r in plan.reports] == [nb.name for nb in collection]


@pytest.mark.parametrize("name", ["g4", "wijken", "gemeenten"])
def test_the_example_batches_are_valid(name):
    # municipalities the built-in region list knows (a fresh clone has no CBS cache to know others)
    sets = {**C.VALUE_SETS, "cbs-cache-municipalities": lambda: ["GM0363", "GM0599", "GM0344"]}
    plan = C.build_plan(
        discover(ROOT / "notebooks"),
        batch=C.load_batch(ROOT / "runs" / f"{name}.yml", value_sets=sets),
        value_sets=sets,
    )
    per_notebook = {r.notebook.name for r in plan.reports}
    expected = {"g4": 4 * 4, "wijken": 4 * 10, "gemeenten": 3}[name]
    assert len(plan.reports) == expected and per_notebook
    assert len({r.slug for r in plan.reports}) == expected, "every report gets its own output name"


def test_cbs_cache_municipalities_uses_injected_resolver(collection, tmp_path):
    sets = {**C.VALUE_SETS, "cbs-cache-municipalities": lambda: ["GM0014", "GM0034"]}
    b = batch(
        "runs:\n  - notebooks: [04]\n    grid:\n      region: cbs-cache-municipalities\n",
        tmp_path,
        value_sets=sets,
    )
    plan = C.build_plan(collection, batch=b, value_sets=sets)
    assert [r.parameters["region"] for r in plan.reports] == ["GM0014", "GM0034"]


def test_cbs_cache_hook_without_analysis_cbs_is_a_clear_input_error(
    monkeypatch, collection, tmp_path
):
    monkeypatch.setitem(sys.modules, "analysis.cbs", None)  # import fails
    with pytest.raises(InputError) as err:
        C.cbs_cache_municipalities()
    assert "cached_municipalities" in err.value.message
    b = batch(
        "runs:\n  - notebooks: [04]\n    grid:\n      region: cbs-cache-municipalities\n", tmp_path
    )
    with pytest.raises(InputError) as err:
        C.build_plan(collection, batch=b)
    assert err.value.message.startswith(f"{tmp_path / 'runs.yml'}, line 4: runs[0].grid.region:")


def test_cbs_cache_hook_accepts_codes_pairs_and_frames():
    import pandas as pd

    assert C._codes(["GM1", "GM2", "GM1"]) == ["GM1", "GM2"]
    assert C._codes([("GM1", "A"), ("GM2", "B")]) == ["GM1", "GM2"]
    assert C._codes(pd.DataFrame({"region_code": ["GM3"], "name": ["x"]})) == ["GM3"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "runs:\n  - notebooks: all\n    parameterz: {}\n",
            "line 3: runs[0].parameterz: unknown key 'parameterz' (allowed: notebooks, parameters, grid, sets)",
        ),
        (
            "runs:\n  - notebooks: all\nextra: 1\n",
            "line 3: extra: unknown key 'extra' (allowed: description, common, timeout, jobs, runs)",
        ),
        ("description: x\n", "runs: required key missing"),
        (
            "runs:\n  - notebooks: [04]\n    grid:\n      region: all-of-them\n",
            "line 4: runs[0].grid.region: unknown value set 'all-of-them'",
        ),
        (
            "runs:\n  - notebooks: [04]\n    grid:\n      region: []\n",
            "line 4: runs[0].grid.region: a grid axis is a non-empty list",
        ),
        (
            "runs:\n  - parameters: {region: {a: 1}}\n",
            "line 2: runs[0].parameters.region: a parameter value must be a text, number",
        ),
        (
            "runs:\n  - parameters: {'not valid': 1}\n",
            "line 2: runs[0].parameters.not valid: invalid parameter name 'not valid'",
        ),
        ("timeout: -1\nruns: [{}]\n", "line 1: timeout: Input should be greater than 0"),
        ("runs: [\n", "invalid YAML"),
        ("just text\n", "a batch file is a mapping with a 'runs:' list"),
    ],
)
def test_batch_validation_errors_are_one_line_with_file_line_and_key(tmp_path, text, expected):
    with pytest.raises(InputError) as err:
        batch(text, tmp_path)
    message = err.value.message
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "runs.yml"))
    assert expected in message


def test_unknown_parameter_names_it_and_the_notebook(collection, tmp_path):
    b = batch("runs:\n  - notebooks: [04]\n    parameters:\n      regio: GM0363\n", tmp_path)
    with pytest.raises(InputError) as err:
        C.build_plan(collection, batch=b)
    assert err.value.message == (
        f"{tmp_path / 'runs.yml'}, line 4: runs[0].parameters.regio: notebook 04_jeugdzorg_cbs"
        " has no parameter 'regio' (declared: region, source)"
    )


def test_wrong_type_is_reported_against_the_declaration(fixtures, tmp_path):
    b = batch("runs:\n  - notebooks: [01]\n    grid:\n      year: [2023, '2024']\n", tmp_path)
    with pytest.raises(
        InputError,
        match=r"line 4: runs\[0\].grid.year: parameter 'year' of notebook"
        r" 01_basic: expected a int, got \"2024\"",
    ):
        C.build_plan(fixtures, batch=b)
    b = batch("runs:\n  - notebooks: [01]\n    parameters: {region: 363}\n", tmp_path)
    with pytest.raises(InputError, match=r"expected a str, got 363 \(quote it in YAML\)"):
        C.build_plan(fixtures, batch=b)


def test_common_parameter_nobody_declares_is_an_error(fixtures, tmp_path):
    b = batch("common: {regoin: GM0344}\nruns:\n  - notebooks: [01, 02]\n", tmp_path)
    with pytest.raises(InputError, match=r"line 1: common.regoin: no selected notebook declares"):
        C.build_plan(fixtures, batch=b)


def test_command_line_parameters(fixtures):
    plan = C.build_plan(
        fixtures,
        names=["01"],
        cli_params=[
            ("region", "0363"),
            ("year", "2023"),
            ("values", "[1, 2.5]"),
            ("flag", "yes"),
            ("scale", "2"),
        ],
    )
    (report,) = plan.reports
    assert report.parameters == {
        "region": "0363",
        "year": 2023,
        "values": [1, 2.5],
        "scale": 2.0,
        "flag": True,
    }
    with pytest.raises(
        InputError,
        match="-p regoin: no selected notebook declares parameter 'regoin'"
        r" \(notebooks: 01_basic\)",
    ):
        C.build_plan(fixtures, names=["01"], cli_params=[("regoin", "x")])
    with pytest.raises(InputError, match="parameter 'year': expected an integer, got 'soon'"):
        C.build_plan(fixtures, names=["01"], cli_params=[("year", "soon")])
    with pytest.raises(InputError, match="invalid parameter name 'import os'"):
        C.build_plan(fixtures, names=["01"], cli_params=[("import os", "1")])


def test_repeated_command_line_parameter_runs_once_per_value(fixtures):
    plan = C.build_plan(
        fixtures, names=["02"], cli_params=[("region", "GM0363"), ("region", "GM0599")]
    )
    assert [r.slug for r in plan.reports] == ["02_plot__region-GM0363", "02_plot__region-GM0599"]


# --------------------------------------------------------------------------- names
def test_output_names_are_safe_slugs_built_from_parameters(fixtures):
    nb = select(fixtures, ["01"])[0]
    assert params.report_slug(nb, {"region": "GM0363"}) == "01_basic__region-GM0363"
    slug = params.report_slug(
        nb, {"label": "../../etc/passwd <x> é", "values": [1, 2], "flag": True}
    )
    assert slug == "01_basic__label-etc_passwd_x__values-1+2__flag-true"
    assert "/" not in slug and not slug.startswith(".")
    long = params.report_slug(nb, {"label": "x" * 500, "region": "y" * 300})
    assert len(long) <= params.MAX_SLUG


def test_colliding_names_are_made_unique(fixtures):
    nb = select(fixtures, ["01"])[0]
    reports = [C.ReportSpec(nb, {"label": "a/b"}), C.ReportSpec(nb, {"label": "a b"})]
    C.assign_slugs(reports)
    assert reports[0].slug == "01_basic__label-a_b"
    assert (
        reports[1].slug.startswith("01_basic__label-a_b__") and reports[1].slug != reports[0].slug
    )


# --------------------------------------------------------------------------- injection
def test_parameter_values_must_be_json_scalars_or_lists():
    for bad in (float("nan"), float("inf"), {"a": 1}, object(), b"x"):
        with pytest.raises(ValueError):
            params.check_value(bad)
    assert params.check_value([1, "a", None, [True, 2.5]]) == [1, "a", None, [True, 2.5]]
    for bad in ("1x", "a-b", "class", "__import__", "a b", ""):
        with pytest.raises(ValueError):
            params.check_name(bad)


def test_injected_cell_is_literals_only_and_equal_to_the_values(fixtures):
    from analysis.runner.execute import Templates, prepare_notebook

    nb = select(fixtures, ["01"])[0]
    values = {"region": INJECTION, "label": 'a"b\\"c\n\'; os.system("x")', "values": [INJECTION, 1]}
    spec = C.ReportSpec(nb, values)
    prepared = prepare_notebook(Templates(), spec)
    (cell,) = [c for c in prepared.cells if "injected-parameters" in c.metadata["tags"]]
    tree = ast.parse(cell.source)
    assert all(isinstance(node, ast.Assign) for node in tree.body)
    assert {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body} == values
    with pytest.raises(RuntimeError):
        params.check_injected_cell("region = 'x'\nimport os\n", {"region": "x"})
    with pytest.raises(RuntimeError):
        params.check_injected_cell("region = 'y'\n", {"region": "x"})
    with pytest.raises(RuntimeError):
        params.check_injected_cell("region = __import__('os')\n", {"region": "x"})


# --------------------------------------------------------------------------- provenance
def test_record_sources_validates_and_computes_checksums(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("a\n1\n")
    (item,) = [
        provenance.normalise_source({"source": "CBS 84908NED", "path": str(data), "vintage": 2024})
    ]
    assert item["checksum"] == provenance.file_checksum(data)
    assert item["vintage"] == "2024" and item["synthetic"] is False
    folder = provenance.normalise_source({"source": "published", "path": str(tmp_path)})
    assert folder["checksum"] == provenance.folder_checksum(tmp_path)
    data.write_text("a\n2\n")
    assert provenance.folder_checksum(tmp_path) != folder["checksum"]
    with pytest.raises(ValueError, match="unknown field"):
        provenance.normalise_source({"source": "x", "url": "y"})
    with pytest.raises(ValueError, match="non-empty"):
        provenance.normalise_source({"path": "y"})


def test_collect_sources_from_outputs():
    record = {"source": "s", "path": None, "checksum": None, "vintage": None, "synthetic": True}
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [
                    {"output_type": "display_data", "data": {provenance.SOURCES_MIME: [record]}},
                    {
                        "output_type": "display_data",
                        "data": {provenance.SOURCES_MIME: [record, {"bad": 1}]},
                    },
                ],
            },
            {"cell_type": "markdown", "source": "x"},
        ]
    }
    found = provenance.collect_sources(nb)
    assert found[0] == record
    assert found[1]["problem"].startswith("unknown field")
    assert len(found) == 2


# --------------------------------------------------------------------------- index.html
def test_index_escapes_parameters_errors_and_sources():
    evil = "<script>alert(1)</script>"
    html = export.render_index(
        {
            "run_id": "r1",
            "status": "failed",
            "summary": {"total": 1, "ok": 0, "failed": 1},
            "reports": [
                {
                    "notebook": "01_basic",
                    "title": evil,
                    "parameters": {"label": evil},
                    "status": "failed",
                    "duration_s": 1.0,
                    "error": {"message": f"ValueError: {evil}"},
                    "sources": [
                        {
                            "source": evil,
                            "path": evil,
                            "checksum": "sha256:" + "0" * 64,
                            "vintage": evil,
                            "synthetic": True,
                        }
                    ],
                    "outputs": {"review": "x.review.html", "html": "x.html", "ipynb": "x.ipynb"},
                }
            ],
            "packages": {"pandas": evil},
        }
    )
    assert (
        html.count("<script") == 1 and f"<script>{export.INDEX_SCRIPT}</script>" in html
    )  # the filter only
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6
    assert "Content-Security-Policy" in html and export.script_hash(export.INDEX_SCRIPT) in html


# --------------------------------------------------------------------------- publication
def test_publish_is_atomic_and_latest_follows_complete_runs(tmp_path):
    first = publish.Publisher(tmp_path, "run-1")
    part = first.open()
    assert part.name == ".run-1.partial"
    (part / "a.html").write_text("x")
    first.publish({"run_id": "run-1", "status": "ok", "reports": []})
    assert os.readlink(tmp_path / "latest") == "run-1"
    assert (tmp_path / "run-1" / "index.html").is_file() and not part.exists()

    second = publish.Publisher(tmp_path, "run-2")
    second.open()
    second.discard()
    assert not (tmp_path / ".run-2.partial").exists() and not (tmp_path / "run-2").exists()
    assert os.readlink(tmp_path / "latest") == "run-1"

    with pytest.raises(InputError, match="already exists"):
        publish.Publisher(tmp_path, "run-1").open()
    auto = publish.Publisher(tmp_path, None)
    auto.run_id = "run-1"  # an automatic id that is taken gets a suffix
    assert auto.open().name == ".run-1-2.partial"
    auto.discard()


def test_stale_partial_of_a_dead_process_is_swept(tmp_path):
    stale = tmp_path / ".old.partial"
    stale.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    (stale / ".owner").write_text(dead)
    alive = tmp_path / ".busy.partial"
    alive.mkdir()
    (alive / ".owner").write_text(str(os.getppid()))
    publish.sweep_stale(tmp_path)
    assert not stale.exists() and alive.exists()


@pytest.mark.parametrize("bad", ["latest", "../x", ".hidden", "a/b", "x.partial", ""])
def test_run_id_must_be_a_plain_name(bad, tmp_path):
    with pytest.raises(InputError):
        publish.Publisher(tmp_path, bad or "/").open()


# --------------------------------------------------------------------------- CLI
def test_list_shows_notebooks_and_parameters(capsys):
    assert runner_main(["list", "--notebooks", str(NOTEBOOKS)]) == 0
    out = capsys.readouterr().out
    assert "01_basic  Basic report" in out
    lines = out.splitlines()
    header = lines.index("01_basic  Basic report") + 1
    assert lines[header].split() == ["NAME", "TYPE", "DEFAULT", "HELP"]
    assert lines[header + 1].split() == ["region", "str", '"GM0344"', "CBS", "region", "code"]
    assert lines[header + 2].split() == ["year", "int", "2024", "reporting", "year"]
    assert "07_noparams  No parameters\n    (no cell tagged 'parameters')" in out


def test_input_errors_exit_2_with_one_line_and_run_nothing(tmp_path, capsys):
    out = tmp_path / "reports"
    status = runner_main(
        ["run", "01", "-p", "regoin", "GM0363", "--notebooks", str(NOTEBOOKS), "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert err == (
        "error: -p regoin: no selected notebook declares parameter 'regoin' (notebooks: 01_basic)\n"
    )
    assert not out.exists()


def test_dry_run_prints_the_plan(capsys):
    assert (
        runner_main(
            [
                "run",
                "--config",
                str(ROOT / "runs" / "default.yml"),
                "--notebooks",
                str(COLLECTION),
                "--dry-run",
            ]
        )
        == 0
    )
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == [
        "00_overzicht",
        "00_overzicht",
        json.dumps({"region": "GM0344", "source": "embedded"}),
    ]
    assert len(rows) == 6


def test_commands_are_registered_in_the_main_cli():
    from analysis import cli

    assert "analysis.cli.runner" in cli.COMMAND_MODULES
    try:
        cli.build_parser()
    except ImportError as exc:  # another command module is not importable yet
        pytest.skip(f"python -m analysis does not import yet: {exc}")
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "list", "--notebooks", str(NOTEBOOKS), "03_fail"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "03_fail  Fails on request"
    assert 'message  str   "boom"   the exception\'s message' in proc.stdout
