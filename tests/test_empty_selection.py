"""Empty selections give a sentence, never a library error (issue 13, cases 3 and 4).

A single cases file as register (no surveys, no additional care), a wijk with three
cases and a start after the data (``start=2030``) used to break notebooks 01, 02 and 03
with pandas and plotting errors. The library now returns empty tables for them, and a
notebook section calls :func:`analysis.plotting.chart_or_note` (or a section function
such as :func:`analysis.plotting.tests_report`), which gives the chart or a sentence.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import Markdown
from matplotlib.figure import Figure
from test_register import CASES_HEADER, CASES_ROWS, _write

from analysis import config, experience, flow, plotting, reach
from analysis.register import load_register, survey_marks, without_help_share


@pytest.fixture(scope="module")
def single_file(tmp_path_factory) -> Path:
    """A register that is one cases file (documented as allowed): no surveys, no care."""
    return _write(tmp_path_factory.mktemp("single"), "cases.csv", CASES_HEADER, CASES_ROWS)


@pytest.fixture(scope="module")
def reg(single_file):
    return load_register(single_file)


def _obs(values, status=None) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "indicator": ["buurtteam_sociaal_clienten"] * n,
            "region_code": ["GM0344"] * n,
            "region_name": ["Utrecht"] * n,
            "period": [str(2020 + i) for i in range(n)],
            "period_type": ["year"] * n,
            "value": values,
            "unit": ["aantal"] * n,
            "status": status or ["definitief"] * n,
            "source": ["x"] * n,
            "source_ref": [None] * n,
            "published": ["x"] * n,
            "note": [None] * n,
        }
    )


# ------------------------------------------------------------------------------ the helpers


def test_has_values():
    assert not plotting.has_values(None)
    assert not plotting.has_values(pd.DataFrame())
    assert not plotting.has_values(_obs([float("nan")] * 2))
    assert plotting.has_values(_obs([float("nan"), 3.0]))
    assert plotting.has_values(
        _obs([float("nan")], status=["suppressed"])
    )  # withheld is shown as <10
    assert plotting.has_values(pd.DataFrame({"value": ["12.163", ""]}))  # formatted text counts
    assert not plotting.has_values(pd.DataFrame({"value": ["", None]}))
    assert plotting.has_values([pd.DataFrame(), _obs([1.0])]) and not plotting.has_values(
        {"a": pd.DataFrame()}
    )


def test_chart_or_note_draws_or_says_why_not():
    fig = plotting.chart_or_note(plotting.line_chart, _obs([1.0, 2.0]), focus=None, language="nl")
    assert isinstance(fig, Figure)
    note = plotting.chart_or_note(
        plotting.line_chart,
        _obs([]),
        title="Cliënten <b>",
        language="en",
        selection=plotting.selection_text("2030", None, language="en"),
    )
    assert isinstance(note, Markdown)
    assert note.data == r"*Cliënten &lt;b&gt;\: no data for this selection \(from 2030\)\.*"
    assert (
        plotting.chart_or_note(plotting.line_chart, _obs([]), language="nl").data
        == r"*Geen gegevens voor deze selectie\.*"
    )


def test_chart_or_note_passes_a_charts_own_value_argument_through():
    frame = pd.DataFrame(
        {
            "period": ["2023", "2024"],
            "team": ["sociaal"] * 2,
            "pct": [70.0, 72.0],
            "source": ["x"] * 2,
            "published": ["x"] * 2,
        }
    )
    fig = plotting.chart_or_note(
        plotting.interval_chart, frame, value="pct", unit="procent", title="t", check="pct"
    )
    assert isinstance(fig, Figure)
    empty = frame.assign(pct=float("nan"))
    assert isinstance(
        plotting.chart_or_note(
            plotting.interval_chart, empty, value="pct", unit="procent", title="t", check="pct"
        ),
        Markdown,
    )


def test_selection_text_and_text_or_note():
    assert plotting.selection_text(None, None) is None
    assert (
        plotting.selection_text("2030", "2031", area="Overvecht")
        == "Overvecht, periode 2030 tot en met 2031"
    )
    assert plotting.selection_text(None, "2020H1", language="en") == "up to H1 2020"
    assert plotting.text_or_note(pd.DataFrame({"value": [1.5]})) == pd.DataFrame(
        {"value": [1.5]}
    ).to_string(index=False)
    assert (
        plotting.text_or_note(pd.DataFrame(columns=["value"]), selection="vanaf 2030")
        == "Geen gegevens voor deze selectie (vanaf 2030)."
    )


# ------------------------------------------------------------------------------ a single cases file


def test_survey_aggregates_of_a_register_without_surveys(reg):
    assert reg.surveys.empty
    marks = survey_marks(
        reg.surveys, reg.cases, by=["team"]
    )  # was: merge on float64 and object columns
    assert marks.empty and marks["team"].dtype == object
    assert without_help_share(reg.surveys, reg.cases, by=["team", "wijk_code"]).empty
    summary = experience.mark_summary(reg.surveys, reg.cases, reg)
    assert summary.empty
    assert isinstance(
        plotting.chart_or_note(plotting.marks_chart, summary, check="mean", title="x"), Markdown
    )
    assert experience.latest_period(summary) is None


def test_reach_of_a_register_without_care_gives_sentences_for_the_care_chart(reg):
    city = reach.reach_observations(reg)
    care = reach.select(city, reach.GROUPS["aanvullende_zorg"])
    assert not plotting.has_values(care)
    with pytest.raises(ValueError, match="no observations to draw"):
        plotting.line_chart(care, by="indicator", focus=None)  # what notebook 01 called
    out = plotting.chart_or_note(
        plotting.line_chart,
        care,
        by="indicator",
        focus=None,
        title=reach.group_title("aanvullende_zorg", care, "nl"),
        language="nl",
    )
    assert isinstance(out, Markdown) and "geen gegevens voor deze selectie" in out.data
    drawn = plotting.chart_or_note(
        plotting.line_chart, reach.select(city, reach.GROUPS["sociaal"]), by="indicator", focus=None
    )
    assert isinstance(drawn, Figure)


# ------------------------------------------------------------------------------ no period in the selection


def test_flows_after_the_data(reg):
    table = flow.stock_flow(reg.cases, freq="year", start="2030", end="2024")
    assert table.empty
    obs = flow.flow_observations(table, reg)  # was: No objects to concatenate
    assert obs.empty and {"indicator", "value", "display"} <= set(obs.columns)
    assert isinstance(plotting.chart_or_note(plotting.flow_chart, obs, language="nl"), Markdown)
    report = plotting.identity_report({"month": table, "year": table}, language="en")
    assert [type(r) for r in report] == [Markdown, Markdown]
    assert all("no data for this selection" in r.data for r in report)
    waits = flow.waiting_summary(reg.cases, start="2030", end="2024")  # end: the snapshot year
    assert plotting.waiting_table(waits, team="sociaal").empty  # was: cannot infer number of levels
    comparison = experience.beside_published(
        waits[waits["team"] == "sociaal"],
        pd.DataFrame({"period": ["2023"], "value": [7.9], "published": ["p"], "source": ["s"]}),
        value="mean",
    )
    assert (
        comparison["register"].isna().all()
    )  # was: merge on float64 and str columns for key 'period'
    assert isinstance(
        plotting.chart_or_note(
            plotting.published_table, comparison, check="register", unit="werkdagen"
        ),
        Markdown,
    )


def test_tests_of_no_period_give_a_sentence(reg):
    tests = experience.period_tests(reg.surveys, reg.cases, period=None, group="wijk_code")
    assert tests.empty and {"team", "test", "p_holm", "significant"} <= set(tests.columns)
    report = plotting.tests_report(
        tests, period=None, between="between_wijken", language="nl", selection="vanaf 2030"
    )
    assert len(report) == 1 and isinstance(report[0], Markdown) and "vanaf 2030" in report[0].data
    comparison = experience.wijk_comparison(
        reg.surveys, reg.cases, reg, team="sociaal", period=None
    )
    assert comparison.empty and comparison.attrs["reference"] is None
    assert isinstance(
        plotting.chart_or_note(plotting.group_interval_chart, comparison, check="mean"), Markdown
    )


def test_tests_of_a_period_with_responses_still_show_text_and_table():
    full = load_register()
    tests = experience.period_tests(full.surveys, full.cases, period="2024", group="team", per=())
    report = plotting.tests_report(tests, period="2024", between="between_teams", language="nl")
    assert isinstance(report[0], Markdown) and report[0].data.startswith("**Periode: 2024**")
    assert isinstance(report[1], plotting.ReaderTable) and len(report[1]) == len(tests)
    assert report[1].caption == "Toetsen tussen teams"  # no source columns: what it shows only
    # with the register's provenance the caption names the data, synthetic included
    sourced = plotting.tests_report(
        experience.with_provenance(tests, full), period="2024", between="between_teams"
    )
    assert sourced[1].caption.startswith("Toetsen tussen teams. Bron: synthetisch register")
    assert "synthetische gegevens" in sourced[1].caption


# ------------------------------------------------------------------------------ the notebooks


def _wijk_of_three(folder: Path) -> Path:
    """Part of the synthetic register: wijk WK034401 whole, WK034405 with three Sociaal cases."""
    with gzip.open(config.synthetic_dir() / "cases.csv.gz", "rt", encoding="utf-8") as handle:
        cases = pd.read_csv(handle, dtype=str, keep_default_na=False)
    cases = cases[cases["registration_date"] >= "2022-01-01"]
    few = cases[(cases["wijk_code"] == "WK034405") & (cases["team"] == "sociaal")][
        "case_id"
    ].drop_duplicates()[:3]
    cases = cases[(cases["wijk_code"] == "WK034401") | cases["case_id"].isin(few)]
    folder.mkdir(parents=True, exist_ok=True)
    cases.to_csv(folder / "cases.csv", index=False)
    return folder


def _errors(nb) -> list[str]:
    return [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def _markdown(nb) -> str:
    return "\n".join(
        o["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    )


SCENARIOS = [
    ("01_bereik", "single"),
    ("03_ervaring", "single"),
    ("02_instroom_uitstroom", "wijk3"),
    ("03_ervaring", "wijk3"),
    ("01_bereik", "start2027"),
    ("02_instroom_uitstroom", "start2027"),
    ("03_ervaring", "start2027"),
]


@pytest.fixture(scope="module")
def empty_runs(
    tmp_path_factory, single_file, run_collection
) -> dict[tuple[str, str], tuple[dict, object]]:
    """Every scenario run once, as a batch of the project's runner (two warm kernels side by side).

    Returns, per (notebook, scenario), the report's record in run.json and its executed notebook.
    """
    base = tmp_path_factory.mktemp("empty-selections")
    parameters = {
        "single": {"register": str(single_file)},
        "wijk3": {"register": str(_wijk_of_three(base / "wijk3")), "wijk": "WK034405"},
        # 2030 is refused up front now (after every source's data); 2027 lies within the published
        # figures (budgets to 2029) but after the register (to 2024): an empty register selection
        "start2027": {"start": "2027"},
    }
    batch = {
        "runs": [
            {"notebooks": [name], "parameters": parameters[scenario]}
            for name, scenario in SCENARIOS
        ]
    }
    reports = run_collection(batch, base, "empty")
    found = {}
    for name, scenario in SCENARIOS:
        matches = [
            (record, nb)
            for record, nb in reports
            if record["notebook"] == name and record["parameters"] == parameters[scenario]
        ]
        assert len(matches) == 1, f"{name} ({scenario}): {len(matches)} reports in run.json"
        found[(name, scenario)] = matches[0]
    return found


@pytest.mark.notebooks
@pytest.mark.parametrize(
    ("name", "scenario"), SCENARIOS, ids=[f"{n[:2]}-{s}" for n, s in SCENARIOS]
)
def test_register_notebooks_handle_empty_selections_with_a_sentence(name, scenario, empty_runs):
    record, nb = empty_runs[(name, scenario)]
    assert record["status"] == "ok", f"{name} ({scenario}): {record['error']}"
    assert _errors(nb) == []
    assert "geen gegevens voor deze selectie" in _markdown(nb).lower()


def test_a_table_says_what_it_shows_and_its_source_under_it():
    synthetic = _obs([1.0, 2.0]).assign(
        source="synthetisch register (analysis.synthetic, seed 1)", published="synthetisch"
    )

    def as_table(frame, language=None):
        return frame[["period", "value"]].set_index("period")

    table = plotting.chart_or_note(as_table, synthetic, what="Wachttijd: Sociaal", language="nl")
    caption = table.caption
    assert caption.startswith("Wachttijd: Sociaal. Bron: synthetisch register"), caption
    assert "synthetische gegevens" in caption and 'scope="col"' in table.to_html()
    assert "<caption>" in table.to_html() and "Wachttijd: Sociaal" in table.to_html()
    # without a source column: what it shows only; with neither: no caption
    bare = synthetic.drop(columns=["source", "published"])
    assert plotting.chart_or_note(as_table, bare, what="Wachttijd", language="nl").caption == (
        "Wachttijd"
    )
    assert plotting.chart_or_note(as_table, bare, language="nl").caption is None
    assert plotting.table_caption(None, synthetic, "nl").startswith("Bron: synthetisch register")
    # a comparison made from sourced data: its caption names the data it was made from
    compared = plotting.chart_or_note(
        as_table, bare, what="Register", caption_sources=synthetic, language="nl"
    )
    assert compared.caption.startswith("Register. Bron: synthetisch register")
    # a blank source is no source; a value that is not text is no title
    blank = synthetic.assign(source=" ")
    assert plotting.table_caption(float("nan"), blank, "nl") is None
    # the cells carry no * marks: provisional periods are named, not given a * legend
    marked = synthetic.assign(status=["definitief", "voorlopig"])
    caption = plotting.table_caption("Wachttijd", marked, "nl")
    assert "voorlopig: 2021" in caption and "* voorlopig" not in caption
