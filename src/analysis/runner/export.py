"""HTML output: report pages (with and without code) and the run's ``index.html``.

Pages are rendered in-process with nbconvert's :class:`HTMLExporter` (lab
template). Exporters are built once per export thread and reused. The
template is nbconvert's lab template with its CDN scripts (require.js,
MathJax, Mermaid) removed and a Content-Security-Policy that forbids every
network load, so a report opens offline and never contacts a third party:
figures are embedded as ``data:`` URIs.

The reviewer page (``<name>.review.html``) hides every code cell's input
(``exclude_input``) and the prompts; cells tagged ``remove-cell`` are left
out of both pages and cells tagged ``hide-input`` lose their code there too.

Scripts: with require.js, MathJax and Mermaid gone, the lab template inlines
script only for outputs of type ``application/javascript`` and for widget
state; the reports have neither (figures are PNG, tables HTML). So the
reviewer page's policy allows no script at all (``script-src 'none'``), and
the page with code allows inline script only when its notebook holds such
outputs (:func:`needs_scripts`). Whatever data-derived text slipped into a
page unescaped could then not run. Data-derived text is escaped before it
reaches the pages anyway (:mod:`analysis.markup`).

Every string in ``index.html`` that comes from a notebook, a parameter, a data
file or an error is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

from jinja2 import DictLoader

#: The pages' Content-Security-Policy: nothing from the network, images and fonts
#: from ``data:`` URIs, inline styles (nbconvert's and pandas'), and no script.
CSP_NO_SCRIPT = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; script-src 'none'"
#: The same with inline script, for a page with code whose notebook has JavaScript outputs.
CSP_INLINE_SCRIPT = CSP_NO_SCRIPT.replace("script-src 'none'", "script-src 'unsafe-inline'")
#: Output types the lab template writes as inline ``<script>`` elements.
SCRIPT_MIME_TYPES = ("application/javascript", "text/javascript", "application/vnd.jupyter.widget-view+json",
                     "application/vnd.jupyter.widget-state+json")

# the policy comes from resources["analysis_csp"] (set by render_pages); a page rendered
# without it gets the strict one
_OFFLINE_TEMPLATE = ("""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}
<meta http-equiv="Content-Security-Policy" content="{{ resources.get('analysis_csp') or \"""" + CSP_NO_SCRIPT + """\" }}">
<meta name="generator" content="analysis.runner">
{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
""")

_local = threading.local()
_QUIET_LOG = logging.getLogger("analysis.runner.nbconvert")
_QUIET_LOG.setLevel(logging.ERROR)


def make_exporters() -> tuple[Any, Any]:
    """(page with code, reviewer page without code) exporters."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    def build(**kw: Any) -> Any:
        exporter = HTMLExporter(
            template_name="lab",
            extra_loaders=[DictLoader({"analysis_offline.html.j2": _OFFLINE_TEMPLATE})],
            template_file="analysis_offline.html.j2",
            **kw,
        )
        # nbconvert warns for every figure without alt text; keep its errors only
        exporter.log = _QUIET_LOG
        exporter.register_preprocessor(TagRemovePreprocessor(
            remove_cell_tags={"remove-cell", "remove_cell"},
            remove_input_tags={"hide-input", "remove-input", "remove_input"},
            enabled=True,
        ), enabled=True)
        return exporter

    full = build()
    review = build(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    return full, review


def thread_exporters() -> tuple[Any, Any]:
    """This thread's exporters, built on first use."""
    pair = getattr(_local, "pair", None)
    if pair is None:
        pair = _local.pair = make_exporters()
    return pair


def parameters_note(parameters: Mapping[str, Any]) -> str:
    """An HTML paragraph (escaped) listing a report's parameters, for its pages."""
    items = " · ".join(f"<code>{_e(k)}</code> = <code>{_e(_value(v))}</code>"
                       for k, v in parameters.items())
    return f'<p class="analysis-parameters"><small>Parameters: {items}</small></p>'


def warm_up() -> None:
    """Build this thread's exporters and render a small notebook once.

    The first export loads templates, CSS, Pygments and the Markdown and HTML
    sanitiser machinery (about a second); the runner does it while its
    kernels start, so no report pays for it.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
    nb = new_notebook(cells=[
        new_markdown_cell("# Warm-up\n\nSome *text* with `code` and a [link](https://example.org)."),
        new_code_cell("import pandas as pd\npd.DataFrame({'a': [1]})", execution_count=1, outputs=[
            new_output("execute_result", execution_count=1, data={
                "text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "a 1"}),
            new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
            new_output("stream", name="stdout", text="hello\n"),
            new_output("error", ename="ValueError", evalue="x", traceback=["ValueError: x"]),
        ]),
    ])
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


def render_pages(nb: Any, title: str) -> tuple[str, str]:
    """(HTML with code, reviewer HTML) of an executed notebook.

    The reviewer page never allows script (:data:`CSP_NO_SCRIPT`); the page
    with code allows inline script only when :func:`needs_scripts`.
    """
    full, review = thread_exporters()
    csp_full = CSP_INLINE_SCRIPT if needs_scripts(nb) else CSP_NO_SCRIPT
    body_full, _ = full.from_notebook_node(nb, resources={"metadata": {"name": title}, "analysis_csp": csp_full})
    body_review, _ = review.from_notebook_node(nb, resources={"metadata": {"name": title},
                                                              "analysis_csp": CSP_NO_SCRIPT})
    return body_full, body_review


# --------------------------------------------------------------------------- index.html
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1b1b;max-width:80rem}
h1{font-size:1.5rem;margin-bottom:.25rem} .meta{color:#555;margin:.1rem 0}
table{border-collapse:collapse;width:100%;margin-top:1rem;font-size:.92rem}
th,td{border-bottom:1px solid #ddd;padding:.45rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} code{font-size:.85rem}
.ok{color:#0a6b2e;font-weight:600} .failed{color:#b00020;font-weight:600}
.params,.sources{margin:0;padding-left:1rem} .sources li,.params li{margin:.1rem 0}
.synthetic{background:#fff3cd;padding:0 .25rem;border-radius:.2rem;font-size:.8rem}
pre.error{white-space:pre-wrap;background:#fdecea;border-left:3px solid #b00020;padding:.4rem .6rem;margin:.3rem 0 0;font-size:.82rem}
.summary{margin-top:.5rem} .links a{margin-right:.6rem}
details{margin-top:1.5rem;color:#444} details table{width:auto}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _sources_html(sources: list[Mapping[str, Any]]) -> str:
    if not sources:
        return '<span class="meta">not declared</span>'
    items = []
    for src in sources:
        bits = [f"<strong>{_e(src.get('source', '?'))}</strong>"]
        if src.get("vintage"):
            bits.append(_e(src["vintage"]))
        if src.get("synthetic"):
            bits.append('<span class="synthetic">synthetic</span>')
        if src.get("path"):
            bits.append(f"<code>{_e(src['path'])}</code>")
        if src.get("checksum"):
            checksum = str(src["checksum"])
            bits.append(f'<code title="{_e(checksum)}">{_e(checksum[:19])}…</code>')
        items.append("<li>" + " · ".join(bits) + "</li>")
    return '<ul class="sources">' + "".join(items) + "</ul>"


def render_index(record: Mapping[str, Any]) -> str:
    """The run's ``index.html`` (self-contained, no script, no network)."""
    reports = record.get("reports", [])
    summary = record.get("summary", {})
    rows = []
    for rep in reports:
        params = rep.get("parameters") or {}
        params_html = ('<ul class="params">' + "".join(
            f"<li><code>{_e(k)}</code> = <code>{_e(_value(v))}</code></li>" for k, v in params.items()
        ) + "</ul>") if params else '<span class="meta">defaults</span>'
        out = rep.get("outputs", {})
        links = " ".join(
            f'<a href="{_e(out[key])}">{label}</a>'
            for key, label in (("review", "report"), ("html", "with code"), ("ipynb", "notebook"))
            if out.get(key)
        )
        title = rep.get("title") or ""
        name_html = (f'<a href="{_e(out["review"])}"><strong>{_e(rep["notebook"])}</strong></a>'
                     if out.get("review") else f"<strong>{_e(rep['notebook'])}</strong>")
        if title:
            name_html += f'<div class="meta">{_e(title)}</div>'
        status = rep.get("status", "?")
        status_html = f'<span class="{_e(status)}">{_e(status)}</span>'
        error = rep.get("error")
        if error:
            status_html += f'<pre class="error">{_e(error.get("message", ""))}</pre>'
        rows.append(
            "<tr>"
            f"<td>{name_html}<div class=\"links\">{links}</div></td>"
            f"<td>{params_html}</td>"
            f"<td>{_sources_html(rep.get('sources') or [])}</td>"
            f"<td>{status_html}</td>"
            f"<td>{rep.get('duration_s', 0):.1f}&nbsp;s</td>"
            "</tr>"
        )
    packages = record.get("packages", {})
    pkg_rows = "".join(f"<tr><td>{_e(k)}</td><td><code>{_e(v)}</code></td></tr>"
                       for k, v in packages.items())
    run_status = record.get("status", "?")
    description = record.get("batch", {}).get("description") if record.get("batch") else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Reports {_e(record.get('run_id', ''))}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Reports — run {_e(record.get('run_id', ''))}</h1>
{f'<p class="meta">{_e(description)}</p>' if description else ''}
<p class="meta">Started {_e(record.get('started', ''))} · {_e(f"{record.get('duration_s', 0):.1f}")} s ·
status <span class="{_e(run_status)}">{_e(run_status)}</span></p>
<p class="summary">{_e(summary.get('total', 0))} reports: {_e(summary.get('ok', 0))} ok,
{_e(summary.get('failed', 0))} failed.</p>
<table>
<thead><tr><th>Report</th><th>Parameters</th><th>Data sources</th><th>Status</th><th>Duration</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody>
</table>
<details><summary>Software versions</summary><table>{pkg_rows}</table></details>
<p class="meta">Details of this run: <a href="run.json">run.json</a>. In the reports folder, <code>latest</code> opens the last run in which every report succeeded, <code>last</code> the most recent run{'' if run_status == 'ok' else ' (this one, which has failed reports)'}.</p>
</body>
</html>
"""
