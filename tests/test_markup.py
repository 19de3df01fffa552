"""Data-derived text is inert in Markdown, Stylers and the report pages (issue 13, case 1).

A region name from a CBS region table such as ``<img src=x onerror=alert(1)><script>alert(3)</script>``
must show as text in notebook 00 and in both of its pages; the pages' policy allows no
script where they need none.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import papermill as pm
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from analysis import config, markup, reconcile
from analysis.overview import with_columns
from analysis.plotting import headline_table
from analysis.regions import RegionResolver
from analysis.runner import export

EVIL = "<img src=x onerror=alert(1)><script>alert(3)</script>"
FIXTURES = Path(__file__).parent / "fixtures" / "cbs"


class _Live(HTMLParser):
    """Collects what a browser would run: script elements and on* attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.live.append("<script>")
        self.live += [f"<{tag} {name}>" for name, _ in attrs if name.lower().startswith("on")]
        self.live += [
            f"<{tag} {name}=javascript:>"
            for name, value in attrs
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")
        ]


def live_elements(html_text: str) -> list[str]:
    parser = _Live()
    parser.feed(html_text)
    return parser.live


def test_the_live_element_finder_can_fail():
    assert live_elements(EVIL) == ["<img onerror>", "<script>"]


# ------------------------------------------------------------------------------ Markdown


@pytest.mark.parametrize(
    "text",
    [
        EVIL,
        "[klik](javascript:alert(1))",
        "*vet* _schuin_ `code` # kop",
        "a & b < c",
        "<a href='javascript:alert(1)'>x</a>",
        "tekst\nmet <b>regel</b>",
    ],
)
def test_markdown_text_renders_as_exactly_that_text(text):
    rendered = markdown2html_mistune(markup.markdown_text(text))
    assert live_elements(rendered) == []
    assert (
        "<b>" not in rendered
        and "<em>" not in rendered
        and "<code>" not in rendered
        and "<h1" not in rendered
    )
    plain = HTMLParser()
    shown: list[str] = []
    plain.handle_data = shown.append
    plain.feed(rendered)
    plain.close()
    assert "".join(shown).strip() == " ".join(text.split())


def test_sentence_escapes_the_whole_text_and_may_be_italic():
    md = markup.sentence(f"De regio {EVIL} heeft geen register", emphasis=True)
    assert md.data.startswith("*") and md.data.endswith("*")
    assert live_elements(markdown2html_mistune(md.data)) == []
    assert markup.sentence(None).data == ""


def test_register_note_with_a_hostile_region_name_is_inert_as_a_sentence():
    resolver = RegionResolver(
        pd.DataFrame({"region_code": ["GM9901"], "region_name": [EVIL], "label": [EVIL]})
    )
    from analysis.register import register_scope

    note = register_scope("GM9901", resolver=resolver).message
    assert EVIL in note  # a plain sentence, as printed
    assert live_elements(markdown2html_mistune(markup.sentence(note).data)) == []
    assert live_elements(markdown2html_mistune(note)) != []  # what Markdown(note) did


# ------------------------------------------------------------------------------ Stylers


def test_table_escapes_cells_headers_index_and_caption_but_not_html_columns():
    frame = pd.DataFrame(
        {EVIL: [EVIL, 1.5], "trend": ['<img src="data:image/png;base64,AA" alt="t">', ""]},
        index=[EVIL, "b"],
    )
    html_text = markup.table(frame, html_columns=["trend"], caption=EVIL).to_html()
    assert live_elements(html_text) == []
    assert html_text.count("&lt;script&gt;") == 4  # cell, column header, index label, caption
    assert '<img src="data:image/png;base64,AA" alt="t">' in html_text


def test_reconcile_styled_escapes_data():
    frame = pd.DataFrame({"Publicatie": [EVIL], "Bewijs": ["<b>vet</b>"]})
    html_text = reconcile.styled(frame).to_html()
    assert live_elements(html_text) == [] and "<b>" not in html_text
    assert "&lt;b&gt;vet&lt;/b&gt;" in html_text


def test_headline_tables_escape_data_in_cells_caption_and_added_columns():
    obs = pd.DataFrame(
        {
            "indicator": ["jeugdhulp_pct"] * 2,
            "region_code": ["GM9901"] * 2,
            "region_name": [EVIL] * 2,
            "period": ["2022", "2023"],
            "period_type": ["year"] * 2,
            "value": [10.0, 11.0],
            "unit": ["procent"] * 2,
            "status": ["definitief"] * 2,
            "source": [EVIL] * 2,
            "source_ref": [None] * 2,
            "published": [EVIL] * 2,
            "note": [None] * 2,
        }
    )
    styler = headline_table(obs, indicators=["jeugdhulp_pct"], region="GM9901")
    assert live_elements(styler.to_html()) == []
    assert "&lt;script&gt;" in styler.to_html()
    extended = with_columns(styler, {"Gepubliceerd": [EVIL]})
    assert (
        live_elements(extended.to_html()) == [] and extended.to_html().count("&lt;script&gt;") >= 2
    )


# ------------------------------------------------------------------------------ the pages' policy


def _nb(*outputs):
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nb = new_notebook(
        cells=[
            new_code_cell(
                "x",
                execution_count=1,
                outputs=[new_output("display_data", data=data) for data in outputs],
            )
        ]
    )
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def _csp(page: str) -> str:
    head = page[: page.index("</head>")]
    start = head.index("Content-Security-Policy")
    tag = head[head.rindex("<meta", 0, start) : head.index(">", start)]
    return tag


def test_reviewer_page_allows_no_script_and_code_page_only_when_needed():
    full, review = export.render_pages(
        _nb({"text/html": "<table><tr><td>1</td></tr></table>"}), "t"
    )
    for page in (full, review):
        assert (
            "script-src 'none'" in _csp(page)
            and "unsafe-inline'; font" not in _csp(page).split("script-src")[1]
        )
        assert "<script" not in page
    full, review = export.render_pages(_nb({"application/javascript": "console.log(1)"}), "t")
    assert "script-src 'unsafe-inline'" in _csp(full)
    assert "script-src 'none'" in _csp(review)
    assert export.needs_scripts(_nb({"application/javascript": "1"})) and not export.needs_scripts(
        _nb({"text/plain": "1"})
    )


# ------------------------------------------------------------------------------ notebook 00, end to end


@pytest.mark.notebooks
def test_a_hostile_region_name_in_a_cbs_region_table_is_inert_in_both_pages_of_00(
    tmp_path, monkeypatch
):
    from analysis.cbs import import_paths

    text = (FIXTURES / "85755NED.csv").read_text(encoding="utf-8-sig")
    regions = tmp_path / "85755NED.csv"
    regions.write_text(
        text.replace("0;Elzenburg;GM9901    ;Elzenburg ", f"0;{EVIL};GM9901    ;{EVIL} "),
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    import_paths([regions], cache_dir=cache / "cbs")
    assert (
        __import__("analysis.cbs", fromlist=["x"])
        .region_resolver(cache / "cbs")
        .name_of("GM9901")
        .startswith(EVIL)
    )
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(cache))
    path = config.notebooks_dir() / "00_overzicht.ipynb"
    nb = pm.execute_notebook(
        str(path),
        str(tmp_path / path.name),
        parameters={"region": "GM9901"},
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("text/markdown" in o.get("data", {}) for o in outputs), (
        "the region note is shown as Markdown"
    )
    full, review = export.render_pages(nb, "00_overzicht")
    for page in (full, review):
        assert live_elements(page) == []
        assert "alert" in page  # the name is there, as text
    assert "script-src 'none'" in _csp(review)
