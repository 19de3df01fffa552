"""HTML output: report pages (with and without code) and the run's ``index.html``.

Pages are rendered in-process with nbconvert's :class:`HTMLExporter` (lab
template). Exporters are built once per export thread and language and
reused. The template is nbconvert's lab template with its CDN scripts
(require.js, MathJax, Mermaid) removed and a Content-Security-Policy that
forbids every network load, so a report opens offline and never contacts a
third party: figures are embedded as ``data:`` URIs.

Both pages are in the report's language: ``<html lang>`` says it, and the
narrative cells tagged with the other language (:data:`LANGUAGE_TAGS`, e.g. a
Dutch cell tagged ``nl`` in an English report) are left out of both pages by
nbconvert's :class:`~nbconvert.preprocessors.TagRemovePreprocessor`. An image
output whose metadata carries an alt text (``metadata["image/png"]["alt"]``,
as IPython's ``display(..., metadata=...)`` writes it) gets it as its
``alt``; nbconvert would write "No description has been provided for this
image" otherwise.

The reviewer page (``<name>.review.html``) hides every code cell's input
(``exclude_input``) and the prompts, and leaves out the cells tagged
:data:`CHECK_TAG` (the ``# NBVAL_CHECK_OUTPUT`` cells: what nbval compares is
for testers, not readers), stderr output (warnings of libraries) and every
error output; for a failed report it shows one box in the report's language
("Dit rapport kon niet worden gemaakt: <the error in one line>") instead of
papermill's banner and the traceback, which the page with code keeps. Cells
tagged ``remove-cell`` are left out of both pages and cells tagged
``hide-input`` lose their code there too.

Scripts: with require.js, MathJax and Mermaid gone, the lab template inlines
script only for outputs of type ``application/javascript`` and for widget
state; the reports have neither (figures are PNG, tables HTML). So the
reviewer page's policy allows no script at all (``script-src 'none'``), and
the page with code allows inline script only when its notebook holds such
outputs (:func:`needs_scripts`). Whatever data-derived text slipped into a
page unescaped could then not run. Data-derived text is escaped before it
reaches the pages anyway (:mod:`analysis.markup`).

``index.html`` is rendered from the Jinja2 template
``templates/index.html.j2`` (autoescaped); its one script, the filter box,
is allowed by its hash (:data:`INDEX_SCRIPT`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import DictLoader

from ..errors import one_line
from ..labels import format_number, recorded_text

#: The pages' Content-Security-Policy: nothing from the network, images and fonts
#: from ``data:`` URIs, inline styles (nbconvert's and pandas'), and no script.
CSP_NO_SCRIPT = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; script-src 'none'"
#: The same with inline script, for a page with code whose notebook has JavaScript outputs.
CSP_INLINE_SCRIPT = CSP_NO_SCRIPT.replace("script-src 'none'", "script-src 'unsafe-inline'")
#: Output types the lab template writes as inline ``<script>`` elements.
SCRIPT_MIME_TYPES = (
    "application/javascript",
    "text/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)

#: Tag of the cells nbval checks (``# NBVAL_CHECK_OUTPUT``): left out of the reviewer page.
CHECK_TAG = "nbval-check"
#: Tags of narrative cells in one language: a cell tagged with another language than the
#: report's is left out of both pages.
LANGUAGE_TAGS = ("nl", "en")
#: Tags of cells left out of both pages whatever the language.
REMOVE_TAGS = ("remove-cell", "remove_cell")
#: papermill's tag of its error banner and anchor cells (left out of the reviewer page).
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
#: What a failed report's reviewer page says, per language.
FAILURE_TEXT = {
    "nl": "Dit rapport kon niet worden gemaakt: {message}",
    "en": "This report could not be made: {message}",
}

_IMG_ATTRS = """
{%- set width = output | get_metadata('width', mime) -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif -%}
{%- set height = output | get_metadata('height', mime) -%}
{%- if height is not none %} height="{{ height | escape_html }}"{% endif -%}
{%- set alt = output | get_metadata('alt', mime) -%}
{%- if alt %} alt="{{ alt | escape_html }}"{% endif -%}
"""


def _image_block(block: str, mime: str, div_attributes: str, data_filter: str = "") -> str:
    """A template block writing an image output as ``<img>`` with its width, height and alt text.

    Parameters
    ----------
    block : str
        The lab template's block (``data_png``, ``data_jpg``, ``data_svg``).
    mime : str
        The output's MIME type.
    div_attributes : str
        The attributes of the ``<div>`` around the image.
    data_filter : str, default ""
        Jinja filters applied to the data before ``escape_html`` (``" | text_base64"``
        for SVG, which the notebook stores as text).

    Returns
    -------
    str
    """
    return (
        f"{{% block {block} scoped -%}}\n"
        f"{{%- set mime = '{mime}' -%}}\n"
        f"<div {div_attributes}>\n"
        f"<img src=\"data:{mime};base64,{{{{ output.data['{mime}']{data_filter} | escape_html }}}}\" "
        + _IMG_ATTRS
        + f">\n</div>\n{{%- endblock {block} %}}\n"
    )


# the policy comes from resources["analysis_csp"] (set by render_pages); a page rendered
# without it gets the strict one
_OFFLINE_TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}
<meta http-equiv="Content-Security-Policy" content="{{ resources.get('analysis_csp') or \""""
    + CSP_NO_SCRIPT
    + """\" }}">
<meta name="generator" content="analysis.runner">
{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style>
.jp-RenderedHTMLCommon table.analysis-sources th,.jp-RenderedHTMLCommon table.analysis-sources td{text-align:left;
vertical-align:top}
.analysis-failure{margin:1rem 0;padding:.8rem 1rem;border-left:4px solid #b00020;background:#fdecea;color:#5f0010;
font-size:1rem}
body .jp-OutputArea-output pre{word-break:normal;overflow-wrap:anywhere}
.analysis-stamp{margin:2rem 0 1rem;padding-top:.5rem;border-top:1px solid #ddd;color:#4a4a4a;font-size:.85rem;
font-family:var(--jp-content-font-family)}
{%- if resources.get('analysis_review') %}
body .jp-RenderedText,body .jp-RenderedText pre{font-family:var(--jp-content-font-family);
font-size:var(--jp-content-font-size1)}
{%- endif %}
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{%- if resources.get('analysis_failure') %}
<div class="analysis-failure" role="alert"><p>{{ resources.get('analysis_failure') | escape_html }}</p></div>
{%- endif -%}
{%- endblock body_header -%}
{%- block body_footer -%}
{%- if resources.get('analysis_stamp') %}
<footer class="analysis-stamp"><p>{{ resources.get('analysis_stamp') | escape_html }}</p></footer>
{%- endif %}
{{ super() }}
{%- endblock body_footer -%}
"""
    + _image_block(
        "data_png", "image/png", 'class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}"'
    )
    + _image_block(
        "data_jpg", "image/jpeg", 'class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}"'
    )
    + _image_block(
        "data_svg",
        "image/svg+xml",
        'class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml"',
        " | text_base64",
    )
)

_local = threading.local()
_QUIET_LOG = logging.getLogger("analysis.runner.nbconvert")
_QUIET_LOG.setLevel(logging.ERROR)


def _reader_preprocessor() -> Any:
    """A preprocessor that leaves out what is not for readers of the reviewer page."""
    from nbconvert.preprocessors import Preprocessor

    class ReaderPreprocessor(Preprocessor):
        """Drops papermill's error cells, error and stderr outputs, and empty text outputs."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            nb.cells = [
                c for c in nb.cells if PAPERMILL_ERROR_TAG not in c.metadata.get("tags", [])
            ]
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = [o for o in cell.outputs if _for_readers(o)]
            return nb, resources

    return ReaderPreprocessor(enabled=True)


def _blank_stream(output: Any) -> bool:
    text = output.get("text", "")
    return output.get("output_type") == "stream" and not "".join(text).strip()


def _for_readers(output: Any) -> bool:
    kind = output.get("output_type")
    if kind == "error" or (kind == "stream" and output.get("name") == "stderr"):
        return False
    return not _blank_stream(output)


def _drop_blank_streams() -> Any:
    """A preprocessor that drops text outputs holding only whitespace (e.g. an empty ``print``)."""
    from nbconvert.preprocessors import Preprocessor

    class BlankStreamPreprocessor(Preprocessor):
        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = [o for o in cell.outputs if not _blank_stream(o)]
            return nb, resources

    return BlankStreamPreprocessor(enabled=True)


def removed_tags(language: str, *, review: bool) -> set[str]:
    """The cell tags left out of a page in ``language`` (the reviewer page or the page with code)."""
    tags = set(REMOVE_TAGS) | {tag for tag in LANGUAGE_TAGS if tag != language}
    return tags | {CHECK_TAG} if review else tags


class RememberedHighlight:
    """nbconvert's code highlighting (``highlight_code``), remembered per cell source.

    The code cells of a notebook are the same in every report of a batch but
    the parameters cell, and highlighting them with pygments took about a
    third of the page with code's export. Each exporter gets its own instance
    (exporters are per thread), holding at most ``size`` results. Call
    :meth:`use_notebook` before exporting a notebook: it picks the lexer
    nbconvert would pick for it (``language_info.pygments_lexer``, else its
    ``name``, else ``ipython3``).
    """

    def __init__(self, size: int = 1024) -> None:
        self.pygments_lexer: str | None = None
        self._highlighters: dict[str, Any] = {}
        self._memo: OrderedDict[tuple[str, str, str | None, str | None], str] = OrderedDict()
        self._size = size

    def use_notebook(self, nb: Any) -> None:
        """Highlight the next cells with the lexer of ``nb``, as nbconvert's HTMLExporter does."""
        info = nb.metadata.get("language_info", {})
        self.pygments_lexer = info.get("pygments_lexer", info.get("name", None))

    def __call__(self, source: str, language: str | None = None, metadata: Any = None) -> str:
        from nbconvert.filters.highlight import Highlight2HTML

        lexer = self.pygments_lexer or "ipython3"
        magics = metadata.get("magics_language") if metadata else None
        key = (lexer, source, language, magics)
        hit = self._memo.get(key)
        if hit is None:
            if lexer not in self._highlighters:
                self._highlighters[lexer] = Highlight2HTML(pygments_lexer=lexer)
            hit = self._memo[key] = self._highlighters[lexer](source, language, metadata)
            if len(self._memo) > self._size:
                self._memo.popitem(last=False)
        else:
            self._memo.move_to_end(key)
        return hit

    def __len__(self) -> int:
        """How many results are remembered."""
        return len(self._memo)


def make_exporters(language: str = "nl") -> tuple[Any, Any]:
    """(page with code, reviewer page without code) exporters for reports in ``language``."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    def build(review: bool, **kw: Any) -> Any:
        exporter = HTMLExporter(
            template_name="lab",
            extra_loaders=[DictLoader({"analysis_offline.html.j2": _OFFLINE_TEMPLATE})],
            template_file="analysis_offline.html.j2",
            language_code=language,
            filters={"highlight_code": RememberedHighlight()},
            **kw,
        )
        # nbconvert warns for every figure without alt text; keep its errors only
        exporter.log = _QUIET_LOG
        exporter.register_preprocessor(
            TagRemovePreprocessor(
                remove_cell_tags=removed_tags(language, review=review),
                remove_input_tags={"hide-input", "remove-input", "remove_input"},
                enabled=True,
            ),
            enabled=True,
        )
        exporter.register_preprocessor(
            _reader_preprocessor() if review else _drop_blank_streams(), enabled=True
        )
        return exporter

    full = build(False)
    review = build(True, exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    return full, review


def thread_exporters(language: str = "nl") -> tuple[Any, Any]:
    """This thread's exporters for ``language``, built on first use."""
    cache = getattr(_local, "exporters", None)
    if cache is None:
        cache = _local.exporters = {}
    if language not in cache:
        cache[language] = make_exporters(language)
    return cache[language]


def parameters_note(parameters: Mapping[str, Any]) -> str:
    """An HTML paragraph (escaped) listing a report's parameters, for its pages."""
    items = " · ".join(
        f"<code>{_e(k)}</code> = <code>{_e(_value(v))}</code>" for k, v in parameters.items()
    )
    return f'<p class="analysis-parameters"><small>Parameters: {items}</small></p>'


def warm_up() -> None:
    """Build this thread's exporters and render a small notebook once.

    The first export loads templates, CSS, Pygments and the Markdown and HTML
    sanitiser machinery (about a second); the runner does it while its
    kernels start, so no report pays for it.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# Warm-up\n\nSome *text* with `code` and a [link](https://example.org)."
            ),
            new_code_cell(
                "import pandas as pd\npd.DataFrame({'a': [1]})",
                execution_count=1,
                outputs=[
                    new_output(
                        "execute_result",
                        execution_count=1,
                        data={
                            "text/html": "<table><tr><td>1</td></tr></table>",
                            "text/plain": "a 1",
                        },
                    ),
                    new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
                    new_output("stream", name="stdout", text="hello\n"),
                    new_output(
                        "error", ename="ValueError", evalue="x", traceback=["ValueError: x"]
                    ),
                ],
            ),
        ]
    )
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nbformat.validate(nb)
    render_pages(nb, "warm-up")


def needs_scripts(nb: Any) -> bool:
    """Whether a notebook has outputs the lab template writes as inline script (JavaScript, widgets)."""
    if "widgets" in nb.get("metadata", {}):
        return True
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if any(mime in output.get("data", {}) for mime in SCRIPT_MIME_TYPES):
                return True
    return False


def failure_text(message: str, language: str = "nl") -> str:
    """The one line a failed report's reviewer page shows, in ``language``."""
    return FAILURE_TEXT.get(language, FAILURE_TEXT["nl"]).format(message=one_line(message))


def titled(nb: Any, title: str) -> Any:
    """A copy of ``nb`` whose metadata title is ``title``.

    nbconvert writes the notebook's own ``metadata.title`` (the Dutch title the
    notebook was saved with) as the page's ``<title>`` and uses the title passed
    in ``resources`` only when there is none; the pages' title must be the one in
    the report's language (WCAG 2.4.2), so it replaces the saved one.
    """
    import copy

    copied = copy.deepcopy(nb)
    copied.metadata["title"] = title
    return copied


def page_stamp(run_id: str, commit: str | None = None) -> dict[str, str]:
    """What every page of a run says about the run: its id, the project's commit and version.

    Parameters
    ----------
    run_id : str
        The run's folder name under ``reports/``.
    commit : str, optional
        The project's git commit (:func:`analysis.runner.execute.git_commit`); its
        first 12 characters are shown.

    Returns
    -------
    dict
        ``run_id``, ``version`` and, where known, ``commit``: the
        :attr:`analysis.runner.execute.RunOptions.stamp` given to every report.
    """
    from .. import __version__

    stamp = {"run_id": str(run_id), "version": __version__}
    if commit:
        stamp["commit"] = str(commit)[:12]
    return stamp


def stamp_text(stamp: dict[str, str], language: str = "nl", when: dt.datetime | None = None) -> str:
    """The line at the foot of a page: when it was made, in which run, by which version.

    ``Gemaakt op 3 december 2026 om 23:10 CET in run 20261203T231012 met analysis 0.1.0
    (commit 6d3ab85c1f2e).`` ``when`` defaults to now, in the local time zone of the
    machine that writes the page (named after the time: a cluster worker may lie in
    another zone than the runner); the pages are written right after their report ran.
    """
    from ..labels import label, period_label

    when = when or dt.datetime.now().astimezone()
    commit = stamp.get("commit")
    key = "page_stamp" if commit else "page_stamp_no_commit"
    return label(key, language).format(
        date=period_label(when.strftime("%Y-%m-%d"), language, style="long"),
        time=when.strftime("%H:%M") + (f" {when.strftime('%Z')}" if when.tzinfo else ""),
        run_id=stamp.get("run_id", ""),
        version=stamp.get("version", ""),
        commit=commit or "",
    )


def render_pages(
    nb: Any,
    title: str,
    *,
    language: str = "nl",
    failure: str | None = None,
    stamp: str | None = None,
) -> tuple[str, str]:
    """(HTML with code, reviewer HTML) of an executed notebook, in ``language``.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (not changed: each page works on its own copy).
    title : str
        The pages' ``<title>``, in ``language`` (it replaces the notebook's ``metadata.title``).
    language : {'nl', 'en'}
        The report's language: ``<html lang>`` and which language-tagged cells stay.
    failure : str, optional
        For a failed report, its error in one line: the reviewer page shows
        :func:`failure_text` instead of the traceback.
    stamp : str, optional
        A line at the foot of both pages (:func:`stamp_text`): when, which run,
        which version, so a printed page can be traced to its run.

    The reviewer page never allows script (:data:`CSP_NO_SCRIPT`); the page
    with code allows inline script only when :func:`needs_scripts`.
    """
    full, review = thread_exporters(language)
    for exporter in (full, review):
        highlight = exporter.filters.get("highlight_code")
        if isinstance(highlight, RememberedHighlight):
            highlight.use_notebook(nb)
    csp_full = CSP_INLINE_SCRIPT if needs_scripts(nb) else CSP_NO_SCRIPT
    body_full, _ = full.from_notebook_node(
        titled(nb, title),
        resources={
            "metadata": {"name": title},
            "analysis_csp": csp_full,
            "analysis_stamp": stamp,
        },
    )
    body_review, _ = review.from_notebook_node(
        titled(nb, title),
        resources={
            "metadata": {"name": title},
            "analysis_csp": CSP_NO_SCRIPT,
            "analysis_failure": failure_text(failure, language) if failure else None,
            # printed text reads as the page's prose, wrapped between words (not mid-number)
            "analysis_review": True,
            "analysis_stamp": stamp,
        },
    )
    return body_full, body_review


# --------------------------------------------------------------------------- index.html
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1b1b;max-width:80rem}
h1{font-size:1.5rem;margin-bottom:.25rem} .meta{color:#4a4a4a;margin:.1rem 0}
h2{display:inline;font-size:1.15rem;margin:0}
table{border-collapse:collapse;width:100%;margin-top:.5rem;font-size:.92rem}
th,td{border-bottom:1px solid #ddd;padding:.45rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f4f4f4} tbody th{font-weight:600;background:#fafafa} code{font-size:.85rem}
.ok{color:#0a6b2e;font-weight:600} .failed{color:#b00020;font-weight:600}
.params,.sources{margin:0;padding-left:1rem} .sources li,.params li{margin:.1rem 0}
.synthetic{background:#fff3cd;padding:0 .25rem;border-radius:.2rem;font-size:.8rem}
p.error{white-space:pre-wrap;background:#fdecea;border-left:3px solid #b00020;padding:.4rem .6rem;margin:.3rem 0 0;
font-size:.82rem;color:#5f0010}
.summary{margin-top:.5rem} .links a{margin-right:.6rem}
details.notebook{margin-top:1.25rem} summary{cursor:pointer;padding:.3rem 0}
details.versions{margin-top:1.5rem;color:#444} details.versions table{width:auto}
.filter{margin:1rem 0} .filter input{font-size:1rem;padding:.3rem .4rem;margin:0 .5rem;min-width:18rem}
a:focus,summary:focus,input:focus{outline:3px solid #1a5fb4;outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"""

#: The index's one script: the filter box (shown only where script runs). Allowed by its
#: hash in the index's Content-Security-Policy, so no other script can run there.
INDEX_SCRIPT = """(function () {
  var area = document.getElementById('filter-area');
  var box = document.getElementById('filter');
  var count = document.getElementById('filter-count');
  var groups = Array.prototype.slice.call(document.querySelectorAll('tbody[data-filter-group]'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('details[data-group]'));
  area.hidden = false;
  function apply() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    groups.forEach(function (g) {
      var text = Array.prototype.map.call(g.rows, function (r) {
        return r.getAttribute('data-filter-text'); }).join(' ');
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      g.hidden = !hit;
      if (hit) { shown += g.rows.length; }
    });
    sections.forEach(function (d) {
      d.hidden = d.querySelector('tbody[data-filter-group]:not([hidden])') === null;
    });
    count.textContent = words.length ? count.getAttribute('data-template').replace('{n}', shown) : '';
  }
  box.addEventListener('input', apply);
})();"""

_INDEX_TEXTS: dict[str, dict[str, Any]] = {
    "nl": {
        "lang": "nl",
        "title": "Rapporten",
        "run": "run",
        "started": "Gestart",
        "status": "status",
        "status_col": "Status",
        "statuses": {"ok": "gelukt", "failed": "mislukt", "pending": "niet uitgevoerd"},
        "summary": "{total} rapporten: {ok} gelukt, {failed} mislukt.",
        "summary_one": "1 rapport: {ok} gelukt, {failed} mislukt.",
        "filter_label": "Filter op notebook, regio, parameter of status:",
        "filter_count": "{n} rapporten zichtbaar",
        "count": "{n} rapporten, {failed} mislukt",
        "count_one": "1 rapport, {failed} mislukt",
        "region": "Regio",
        "report": "Rapport",
        "parameters": "Parameters",
        "sources": "Gegevensbronnen",
        "duration": "Duur",
        "with_code": "met code",
        "notebook": "notebook",
        "defaults": "standaardwaarden",
        "synthetic": "synthetisch",
        "not_declared": "niet opgegeven",
        "versions": "Softwareversies",
        "package": "Pakket",
        "version": "Versie",
        "details": "Details van deze run:",
        "links_latest": "In de map met rapporten opent <code>latest</code> de laatste run waarin elk rapport "
        "gelukt is, <code>last</code> de meest recente run",
        "links_this_failed": " (deze, met mislukte rapporten)",
        "no_region": "zonder regio",
    },
    "en": {
        "lang": "en",
        "title": "Reports",
        "run": "run",
        "started": "Started",
        "status": "status",
        "status_col": "Status",
        "statuses": {"ok": "ok", "failed": "failed", "pending": "not run"},
        "summary": "{total} reports: {ok} ok, {failed} failed.",
        "summary_one": "1 report: {ok} ok, {failed} failed.",
        "filter_label": "Filter by notebook, region, parameter or status:",
        "filter_count": "{n} reports shown",
        "count": "{n} reports, {failed} failed",
        "count_one": "1 report, {failed} failed",
        "region": "Region",
        "report": "Report",
        "parameters": "Parameters",
        "sources": "Data sources",
        "duration": "Duration",
        "with_code": "with code",
        "notebook": "notebook",
        "defaults": "defaults",
        "synthetic": "synthetic",
        "not_declared": "not declared",
        "versions": "Software versions",
        "package": "Package",
        "version": "Version",
        "details": "Details of this run:",
        "links_latest": "In the reports folder, <code>latest</code> opens the last run in which every report "
        "succeeded, <code>last</code> the most recent run",
        "links_this_failed": " (this one, which has failed reports)",
        "no_region": "no region",
    },
}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def script_hash(script: str) -> str:
    """The CSP source (``'sha256-...'``) that allows exactly the inline ``script``."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


#: The index's policy: like the pages', but its filter script may run (by hash, see INDEX_SCRIPT).
CSP_INDEX = CSP_NO_SCRIPT.replace("script-src 'none'", f"script-src {script_hash(INDEX_SCRIPT)}")


def run_language(reports: list[Mapping[str, Any]]) -> str:
    """The language of a run's index: that of its reports; Dutch for a run that mixes languages."""
    from ..labels import DEFAULT_LANGUAGE

    found = {rep.get("language") or DEFAULT_LANGUAGE for rep in reports}
    return found.pop() if len(found) == 1 else DEFAULT_LANGUAGE


def _region_names() -> dict[str, str]:
    from ..regions import builtin_regions

    table = builtin_regions()
    return dict(zip(table["region_code"], table["region_name"], strict=True))


def _index_groups(
    reports: list[Mapping[str, Any]], texts: Mapping[str, Any], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Reports grouped by notebook (in order of notebook name), then by region (by name)."""
    from ..labels import DEFAULT_LANGUAGE

    by_notebook: dict[str, dict[str, Any]] = {}
    for rep in reports:
        nb = str(rep.get("notebook", "?"))
        group = by_notebook.setdefault(
            nb,
            {
                "notebook": nb,
                "title": rep.get("title") or "",
                "regions": {},
                "count": 0,
                "failed": 0,
            },
        )
        params = rep.get("parameters") or {}
        code = params.get("region")
        code = str(code) if code is not None else ""
        name = names.get(code, code) if code else texts["no_region"]
        region = group["regions"].setdefault(code, {"code": code, "name": name, "reports": []})
        out = rep.get("outputs") or {}
        error = (rep.get("error") or {}).get("message") if rep.get("status") == "failed" else None
        pairs = [(str(k), _value(v)) for k, v in params.items()]
        status = str(rep.get("status", "?"))
        # the report's own parameters (code-like) name it; with none but the region, its notebook
        named = [(k, v) for k, v in pairs if k not in ("region", "source", "language")]
        label = ", ".join(f"{k}={v}" for k, v in named) or nb
        search = " ".join(
            [
                nb,
                group["title"],
                code,
                name,
                label,
                status,
                texts["statuses"].get(status, status),
                *(v for _, v in pairs),
            ]
        ).lower()
        region["reports"].append(
            {
                "label": label,
                "label_is_code": bool(named),
                "parameters": pairs,
                "status": status,
                "error": error,
                "review": out.get("review"),
                "html": out.get("html"),
                "ipynb": out.get("ipynb"),
                "sources": [_source_in(s, texts["lang"]) for s in rep.get("sources") or []],
                "duration": format_number(float(rep.get("duration_s") or 0), 1, texts["lang"]),
                "lang": rep.get("language") or DEFAULT_LANGUAGE,
                "search": search,
            }
        )
        group["count"] += 1
        group["failed"] += status == "failed"
    groups = []
    for nb in sorted(by_notebook):
        group = by_notebook[nb]
        group["regions"] = sorted(
            group["regions"].values(), key=lambda r: (r["name"].lower(), r["code"])
        )
        groups.append(group)
    return groups


def _source_in(record: Mapping[str, Any], language: str) -> dict[str, Any]:
    """A provenance record with its source and vintage texts in ``language``."""
    out = dict(record)
    for key in ("source", "vintage"):
        if out.get(key):
            out[key] = recorded_text(str(out[key]), language)
    return out


def _index_template() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = getattr(_local, "index_env", None)
    if env is None:
        env = _local.index_env = Environment(
            loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return env.get_template("index.html.j2")


def batch_description(description: str | Mapping[str, str] | None, language: str) -> str:
    """The batch file's description for an index in ``language``.

    A text per language (``{"nl": ..., "en": ...}``) gives that language's
    text, else the first one; a plain text is shown as it is.
    """
    if isinstance(description, Mapping):
        return str(description.get(language) or next(iter(description.values()), ""))
    return str(description or "")


def moment_text(iso: str, language: str = "nl") -> str:
    """A moment as ``run.json`` records it (``2026-12-03T23:10:12+0000``) for readers.

    ``3 december 2026, 23:10`` (English ``3 December 2026, 23:10``), in the
    time zone it was recorded in; text that is not such a moment comes back as it is.
    """
    from ..labels import period_label

    try:
        when = dt.datetime.strptime(str(iso), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return str(iso)
    day = period_label(when.strftime("%Y-%m-%d"), language, style="long")
    return f"{day}, {when:%H:%M}"


def render_index(record: Mapping[str, Any], region_names: Mapping[str, str] | None = None) -> str:
    """The run's ``index.html``: self-contained, in the run's language, grouped, with a filter box.

    Parameters
    ----------
    record : mapping
        The run record (what ``run.json`` holds).
    region_names : mapping, optional
        Region code -> name for the group headings (default: the names the
        package knows, :func:`analysis.regions.builtin_regions`; other codes are
        shown as they are).

    The language is :func:`run_language`; in a run that mixes languages each
    report's row and links carry their own ``lang``/``hreflang``. Every value
    from the record is escaped (the template autoescapes); the only script is
    :data:`INDEX_SCRIPT`, allowed by its hash (:data:`CSP_INDEX`).
    """
    reports = list(record.get("reports", []))
    language = run_language(reports)
    texts = _INDEX_TEXTS.get(language, _INDEX_TEXTS["nl"])
    names = dict(_region_names()) if region_names is None else dict(region_names)
    summary = record.get("summary") or {}
    batch = record.get("batch") or {}
    return _index_template().render(
        lang=language,
        t=texts,
        csp=CSP_INDEX,
        css=_CSS,
        script=INDEX_SCRIPT,
        run_id=record.get("run_id", ""),
        description=batch_description(batch.get("description"), language),
        started=record.get("started", ""),
        started_text=moment_text(record.get("started", ""), language),
        duration=format_number(float(record.get("duration_s") or 0), 1, language),
        run_status=str(record.get("status", "?")),
        summary={k: summary.get(k, 0) for k in ("total", "ok", "failed")},
        groups=_index_groups(reports, texts, names),
        packages=sorted((record.get("packages") or {}).items()),
    )
