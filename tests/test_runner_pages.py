"""Reviewer pages and the page with code: language, check cells, alt texts, failed reports, index.

The pages are rendered from small fixture notebooks built here, so these tests
need no kernel and no browser (the browser test, test_runner_browser.py, opens
the real reports).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.runner import export
from analysis.runner.execute import error_record

ROOT = Path(__file__).resolve().parents[1]
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
TRACEBACK = "Traceback (most recent call last) in fixture"


def _tagged(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def fixture_notebook(*, failed: bool = False):
    """A notebook as the runner hands it to the exporter: both languages, a check cell,
    charts with and without alt text, warnings on stderr and (optionally) a failure."""
    chart = new_output(
        "display_data",
        data={"image/png": PNG, "text/plain": "<Figure>"},
        metadata={
            "image/png": {"alt": "Jongeren met jeugdhulp, Utrecht, 2015-2023: van 7,3 naar 15,0 %"}
        },
    )
    svg = new_output(
        "display_data",
        data={"image/svg+xml": SVG, "text/plain": "<Figure>"},
        metadata={"image/svg+xml": {"alt": "Wmo-cliënten per 1.000 inwoners"}},
    )
    bare = new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})
    cells = [
        new_markdown_cell("# Titel van het rapport"),
        _tagged(new_markdown_cell("Dit is de Nederlandse toelichting."), "nl"),
        _tagged(new_markdown_cell("This is the English narrative."), "en"),
        new_code_cell(
            "chart()",
            execution_count=1,
            outputs=[
                chart,
                svg,
                bare,
                new_output(
                    "stream", name="stderr", text="/home/someone/lib/x.py:1: FutureWarning: old\n"
                ),
                new_output("stream", name="stdout", text="\n"),
            ],
        ),
        _tagged(new_markdown_cell("## De cijfers"), export.CHECK_TAG),
        _tagged(
            new_code_cell(
                "# NBVAL_CHECK_OUTPUT\nprint(table.to_string())",
                execution_count=2,
                outputs=[
                    new_output(
                        "stream",
                        name="stdout",
                        text="indicator  period  value\nbereik     2023    9.936\n",
                    )
                ],
            ),
            export.CHECK_TAG,
        ),
    ]
    if failed:
        cells.append(
            new_code_cell(
                "boom()",
                execution_count=3,
                outputs=[
                    new_output(
                        "error",
                        ename="ValueError",
                        evalue="de kolom 'x' ontbreekt",
                        traceback=[TRACEBACK, "ValueError: de kolom 'x' ontbreekt"],
                    )
                ],
            )
        )
        top = _tagged(
            new_markdown_cell(
                '<span style="color:red">An Exception was encountered at '
                '<a href="#papermill-error-cell">In [3]</a>.</span>'
            ),
            export.PAPERMILL_ERROR_TAG,
        )
        cells.insert(0, top)
    nb = new_notebook(cells=cells)
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nbformat.validate(nb)
    return nb


def _html_lang(page: str) -> str:
    return re.search(r"<html[^>]*\slang=\"([^\"]*)\"", page).group(1)


def _img_alts(page: str) -> list[str | None]:
    alts = []
    for tag in re.findall(r"<img\b[^>]*>", page):
        found = re.search(r'\salt="([^"]*)"', tag)
        alts.append(found.group(1) if found else None)
    return alts


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pages_are_in_the_report_language(language):
    full, review = export.render_pages(fixture_notebook(), "t", language=language)
    other = {"nl": "en", "en": "nl"}[language]
    texts = {"nl": "Nederlandse toelichting", "en": "English narrative"}
    for page in (full, review):
        assert _html_lang(page) == language
        assert texts[language] in page and texts[other] not in page


def test_check_cells_stay_out_of_the_reviewer_page_only():
    full, review = export.render_pages(fixture_notebook(), "t")
    assert "NBVAL_CHECK_OUTPUT" in full and "9.936" in full and "De cijfers" in full
    assert "NBVAL" not in review and "9.936" not in review and "De cijfers" not in review
    assert "Titel van het rapport" in review


def test_chart_alt_text_comes_from_the_output_metadata():
    full, review = export.render_pages(fixture_notebook(), "t")
    for page in (full, review):
        alts = _img_alts(page)
        assert alts[0] == "Jongeren met jeugdhulp, Utrecht, 2015-2023: van 7,3 naar 15,0 %"
        assert alts[1] == "Wmo-cliënten per 1.000 inwoners"
        # without metadata nbconvert's placeholder remains: the browser test fails on it
        assert alts[2] == "No description has been provided for this image"
        assert len(alts) == 3


def test_reviewer_page_has_no_warnings_or_blank_outputs():
    full, review = export.render_pages(fixture_notebook(), "t")
    assert "FutureWarning" in full and "FutureWarning" not in review and "/home/" not in review
    assert not re.search(r"<pre>\s*</pre>", review) and not re.search(r"<pre>\s*</pre>", full)


@pytest.mark.parametrize(
    ("language", "lead"),
    [("nl", "Dit rapport kon niet worden gemaakt: "), ("en", "This report could not be made: ")],
)
def test_failed_report_shows_one_box_in_its_language(language, lead):
    error = error_record(
        "error", "ValueError: de kolom 'x'\nontbreekt <b> (cell 3)", ename="ValueError", cell=3
    )
    full, review = export.render_pages(
        fixture_notebook(failed=True), "t", language=language, failure=error["message"]
    )
    box = re.findall(r'<div class="analysis-failure" role="alert"><p>(.*?)</p></div>', review)
    assert box == [lead + "ValueError: de kolom 'x' ontbreekt &lt;b&gt; (cell 3)"]
    assert TRACEBACK not in review and "An Exception was encountered" not in review
    assert "jp-RenderedText" not in review or "Traceback" not in review
    # the page with code keeps papermill's banner and the traceback, and has no box
    assert TRACEBACK in full and "An Exception was encountered" in full
    assert "analysis-failure" not in full.split("</style>")[-1]


def test_render_pages_leaves_the_notebook_unchanged():
    nb = fixture_notebook(failed=True)
    before = nbformat.writes(nb)
    export.render_pages(nb, "t", language="en", failure="x")
    assert nbformat.writes(nb) == before


def test_every_check_cell_of_the_notebooks_is_tagged():
    checked = 0
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in cell.source:
                assert export.CHECK_TAG in cell.metadata.get("tags", []), (
                    f"{path.name} cell {cell.get('id')}: a # NBVAL_CHECK_OUTPUT cell without the "
                    f"{export.CHECK_TAG!r} tag would show on the reviewer page"
                )
                checked += 1
    assert checked >= 7


def test_removed_tags_per_page():
    assert export.removed_tags("en", review=True) == {
        "remove-cell",
        "remove_cell",
        "nl",
        export.CHECK_TAG,
    }
    assert export.removed_tags("nl", review=False) == {"remove-cell", "remove_cell", "en"}


# --------------------------------------------------------------------------- index.html
def _report(notebook, region, status="ok", language="nl", **extra):
    slug = f"{notebook}__region-{region}"
    return {
        "notebook": notebook,
        "title": f"Titel {notebook}",
        "parameters": {"region": region},
        "language": language,
        "status": status,
        "duration_s": 1.5,
        "sources": [],
        "outputs": {
            "review": f"{slug}.review.html",
            "html": f"{slug}.html",
            "ipynb": f"{slug}.ipynb",
        },
        **extra,
    }


def _record(reports, status="ok"):
    failed = sum(r["status"] == "failed" for r in reports)
    return {
        "run_id": "r1",
        "status": status,
        "started": "2026-12-02T23:00:00+00:00",
        "duration_s": 3.0,
        "summary": {"total": len(reports), "ok": len(reports) - failed, "failed": failed},
        "reports": reports,
        "packages": {"pandas": "2"},
    }


def test_index_groups_by_notebook_and_region_in_the_run_language():
    reports = [
        _report("04_jeugdzorg_cbs", "GM0363"),
        _report("04_jeugdzorg_cbs", "GM0344"),
        _report(
            "00_overzicht", "GM0344", status="failed", error={"message": "ValueError: <kapot>"}
        ),
    ]
    page = export.render_index(_record(reports, "failed"))
    assert _html_lang(page) == "nl"
    groups = re.findall(r'<details class="notebook" open data-group>\s*<summary><h2>(\S+)', page)
    assert groups == ["00_overzicht", "04_jeugdzorg_cbs"]
    regions = re.findall(r'<th scope="rowgroup"[^>]*>([^<]*)', page)
    assert regions == ["Utrecht", "Amsterdam", "Utrecht"]  # by name within each notebook
    assert page.count("<tbody data-filter-group>") == 3
    for rep in reports:
        for key in ("review", "html"):
            assert f'href="{rep["outputs"][key]}" hreflang="nl"' in page
    assert '<span class="failed">mislukt</span>' in page and "ValueError: &lt;kapot&gt;" in page
    assert '<label for="filter">' in page and 'id="filter"' in page
    assert "3 rapporten: 2 gelukt, 1 mislukt." in page
    assert "<code>last</code> de meest recente run (deze, met mislukte rapporten)" in page


def test_index_of_an_english_run_is_english_and_a_mixed_run_marks_each_report():
    english = export.render_index(_record([_report("04_jeugdzorg_cbs", "GM0344", language="en")]))
    assert _html_lang(english) == "en" and "1 report: 1 ok, 0 failed." in english
    assert "<code>latest</code> opens the last run in which every report succeeded" in english
    assert ' lang="' not in english.split("<body>")[1]
    mixed = export.render_index(
        _record(
            [
                _report("04_jeugdzorg_cbs", "GM0344", language="en"),
                _report("04_jeugdzorg_cbs", "GM0363", language="nl"),
            ]
        )
    )
    assert _html_lang(mixed) == "nl"
    rows = re.findall(r"<tr data-filter-text=\"[^\"]*\"( lang=\"en\")?>", mixed)
    assert sorted(rows) == ["", ' lang="en"']
    assert 'hreflang="en"' in mixed and 'hreflang="nl"' in mixed


def test_index_shows_the_batch_description_in_the_run_language():
    both = {"nl": "Alle rapporten voor Utrecht", "en": "All reports for Utrecht"}
    for language, other in (("nl", "en"), ("en", "nl")):
        record = _record([_report("04_jeugdzorg_cbs", "GM0344", language=language)])
        record["batch"] = {"description": both}
        page = export.render_index(record)
        assert f'<p class="meta">{both[language]}</p>' in page and both[other] not in page
    record["batch"] = {"description": "Eén tekst <b>"}  # one text is shown as it is, escaped
    assert "Eén tekst &lt;b&gt;" in export.render_index(record)
    # and the default batch says it in both languages
    from analysis.runner import config as C

    default = C.load_batch(Path(__file__).parents[1] / "runs" / "default.yml")
    assert set(default.spec.description) == {"nl", "en"}


def test_index_script_is_the_only_script_and_allowed_by_hash():
    page = export.render_index(_record([_report("04_jeugdzorg_cbs", "GM0344")]))
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert scripts == [export.INDEX_SCRIPT]
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert (
        f"script-src {export.script_hash(export.INDEX_SCRIPT)}" in csp
        and "unsafe-inline'" not in csp.split("script-src")[1]
    )
    # without script the filter stays hidden (no dead control)
    assert '<div id="filter-area" class="filter" hidden>' in page


def test_index_of_hundreds_of_reports_has_one_group_per_region():
    codes = [f"GM{n:04d}" for n in range(1, 401)]
    page = export.render_index(_record([_report("04_jeugdzorg_cbs", c) for c in codes]))
    assert (
        page.count("<tbody data-filter-group>") == 400
        and page.count('<details class="notebook"') == 1
    )


def test_page_title_is_the_heading_in_the_report_language():
    from analysis.runner.execute import page_title

    nb = new_notebook(
        cells=[
            _tagged(new_markdown_cell("# Overzicht\n\ntekst"), "nl"),
            _tagged(new_markdown_cell("# Overview\n\ntext"), "en"),
            new_code_cell("x = 1"),
        ]
    )
    assert page_title(nb, "nl") == "Overzicht" and page_title(nb, "en") == "Overview"
    assert page_title(new_notebook(cells=[new_markdown_cell("# Eén titel")]), "en") == "Eén titel"


def test_the_parameters_note_follows_both_title_cells_and_the_title_stays_english(tmp_path):
    """The note the runner inserts goes after the Dutch and the English heading, and the
    English report is still titled by its English heading (not the Dutch fallback)."""
    import nbformat

    from analysis.runner.config import ReportSpec
    from analysis.runner.execute import write_outputs
    from analysis.runner.notebooks import Notebook

    nb = new_notebook(
        cells=[
            _tagged(new_markdown_cell("# Overzicht\n\ntekst"), "nl"),
            _tagged(new_markdown_cell("# Overview\n\ntext"), "en"),
            new_code_cell("x = 1"),
        ]
    )
    info = Notebook(name="00_x", path=tmp_path / "00_x.ipynb", title="Overzicht")
    spec = ReportSpec(notebook=info, parameters={"language": "en"}, slug="00_x__language-en")
    names, _, title = write_outputs(nb, spec, tmp_path)
    assert title == "Overview"
    written = nbformat.read(tmp_path / names["ipynb"], as_version=4)
    assert [c.metadata.get("tags", []) for c in nb.cells[:3]] == [
        ["nl"],
        ["en"],
        ["analysis-parameters"],
    ]
    assert written.cells[0].source.startswith("# Overzicht")
    review = (tmp_path / names["review"]).read_text(encoding="utf-8")
    assert review.index("Overview") < review.index("language")


def test_remembered_highlighting_equals_nbconverts_and_stays_bounded():
    from nbconvert.filters.highlight import Highlight2HTML

    plain = Highlight2HTML(pygments_lexer="ipython3")
    remembered = export.RememberedHighlight(size=2)
    cells = [
        ("x = 1  # één", None, None),
        ("%%bash\necho hi", None, {"magics_language": "bash"}),
        ("%%bash\necho hi", None, None),  # same source, other metadata: other result
        ("SELECT 1", "sql", None),
        ("", None, None),
    ]
    for source, language, metadata in cells * 2:
        assert remembered(source, language, metadata) == plain(source, language, metadata)
    assert remembered("%%bash\necho hi", None, {"magics_language": "bash"}) != remembered(
        "%%bash\necho hi", None, None
    )
    assert len(remembered) == 2
    # a notebook that names only its language is highlighted with that lexer, as nbconvert does
    python = Highlight2HTML(pygments_lexer="python")
    remembered.use_notebook(new_notebook(metadata={"language_info": {"name": "python"}}))
    assert remembered("x = 1", None, None) == python("x = 1", None, None)
    assert remembered("x = 1", None, None) != plain("x = 1", None, None)


@pytest.mark.parametrize(
    "language_info",
    [{"name": "python"}, {"name": "python", "pygments_lexer": "ipython3"}, None],
)
def test_pages_highlight_code_as_nbconvert_does(language_info):
    """The page with code equals a plain HTMLExporter's code blocks, whatever lexer the notebook names."""
    from nbconvert import HTMLExporter

    nb = new_notebook(
        cells=[new_code_cell("%matplotlib inline\nimport pandas as pd  # één\nx = {'a': 1}")],
        metadata={"language_info": language_info} if language_info else {},
    )
    page, _ = export.render_pages(nb, "t")
    plain, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    blocks = re.compile(r'<div class="highlight hl-[^"]*">.*?</div>', re.S)
    assert blocks.findall(page) == blocks.findall(plain) != []


def test_the_html_title_follows_the_report_language_not_the_saved_notebook_title(tmp_path):
    """A notebook saved with a Dutch ``metadata.title`` still gets an English ``<title>``
    on both pages of an English report (WCAG 2.4.2 and 3.1.2: the title is in the page's
    language), and a Dutch report keeps its Dutch heading."""
    import re

    from analysis.runner.config import ReportSpec
    from analysis.runner.execute import write_outputs
    from analysis.runner.notebooks import Notebook

    def notebook():
        nb = new_notebook(
            cells=[
                _tagged(new_markdown_cell("# Overzicht\n\ntekst"), "nl"),
                _tagged(new_markdown_cell("# Overview\n\ntext"), "en"),
                new_code_cell("x = 1"),
            ]
        )
        nb.metadata["title"] = "Overzicht"  # as the notebooks are saved
        return nb

    info = Notebook(name="00_x", path=tmp_path / "00_x.ipynb", title="Overzicht")
    for language, heading in (("en", "Overview"), ("nl", "Overzicht")):
        folder = tmp_path / language
        folder.mkdir()
        spec = ReportSpec(
            notebook=info, parameters={"language": language}, slug=f"00_x__language-{language}"
        )
        names, _, _ = write_outputs(notebook(), spec, folder)
        for page in (names["html"], names["review"]):
            text = (folder / page).read_text(encoding="utf-8")
            titles = re.findall(r"<title>(.*?)</title>", text, flags=re.S)
            assert titles == [f"{heading} (language={language})"], (language, page, titles)


def test_printed_text_wraps_between_words_and_reads_as_prose_on_the_reviewer_page():
    # JupyterLab's CSS breaks printed text anywhere ("(2e halfjaar 201 / 5)"); the pages
    # override it, and the reviewer page shows printed sentences in the page's font. The
    # overrides come before JupyterLab's rules in the page, so they win by a "body" more
    full, review = export.render_pages(fixture_notebook(), "t")
    rule = "body .jp-OutputArea-output pre{word-break:normal;overflow-wrap:anywhere}"
    assert ".jp-OutputArea-output pre {" in full  # the rule overridden, one selector less
    for page in (full, review):
        assert rule in page
    prose = (
        "body .jp-RenderedText,body .jp-RenderedText pre{font-family:var(--jp-content-font-family)"
    )
    assert prose in review and prose not in full


def test_the_stamp_says_when_which_run_and_which_version_in_the_report_language():
    import datetime as dt

    when = dt.datetime(2026, 12, 3, 23, 10)
    stamp = export.page_stamp("20261203T231012", "6d3ab85c1f2e9a7b")
    nl = export.stamp_text(stamp, "nl", when)
    assert nl == (
        f"Gemaakt op 3 december 2026 om 23:10 in run 20261203T231012 met analysis "
        f"{stamp['version']} (commit 6d3ab85c1f2e)."
    )
    aware = when.replace(tzinfo=dt.UTC)  # the time says its zone
    assert " om 23:10 UTC in run " in export.stamp_text(stamp, "nl", aware)
    en = export.stamp_text(export.page_stamp("r1"), "en", when)
    assert en.startswith("Made on 3 December 2026 at 23:10 in run r1 with analysis ")
    assert "commit" not in en
    full, review = export.render_pages(fixture_notebook(), "t", stamp=nl)
    for page in (full, review):
        assert f'<footer class="analysis-stamp"><p>{nl}</p></footer>' in page
        assert page.index('analysis-stamp"><p>') > page.index("Titel van het rapport")
    assert 'analysis-stamp"><p>' not in export.render_pages(fixture_notebook(), "t")[1]


def test_index_writes_times_and_durations_as_its_language_does():
    reports = [_report("04_jeugdzorg_cbs", "GM0344")]
    reports[0]["duration_s"] = 6.84
    record = {**_record(reports), "duration_s": 23.46, "started": "2026-12-03T23:10:12+0000"}
    page = export.render_index(record)
    assert '<time datetime="2026-12-03T23:10:12+0000">3 december 2026, 23:10</time>' in page
    assert "· 23,5 s ·" in page and "<td>6,8&nbsp;s</td>" in page and "23.5" not in page
    english = [{**reports[0], "language": "en"}]
    page_en = export.render_index({**record, "reports": english})
    assert "3 December 2026, 23:10" in page_en and "· 23.5 s ·" in page_en
    assert export.moment_text("not a moment") == "not a moment"
