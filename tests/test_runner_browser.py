"""Runner: the index and the reviewer pages, opened in headless Chromium as a reviewer would.

Two parts.

* The fixture collection (tests/runner_fixtures): the index and a reviewer page
  render without console messages or broken images, with markup in parameters
  and in an error message; a failed report's reviewer page shows one line.
* The real collection: the default run (runs/default.yml, embedded data) and the
  same notebooks with ``language: en``, each run once per test session. Every
  reviewer page fails on: a traceback, an absolute path, "NBVAL", a pandas index
  column, a DataFrame printed as text, a word of the other language, a console
  message, a missing image, an image without its own alt text, a wrong
  ``<html lang>`` or a serious or critical axe-core violation (WCAG 2.1 A/AA).

For each page Chromium runs with a fresh profile and ``--dump-dom``; a copy of
the page carries a probe script (and axe-core, where installed with ``npm
ci``), their hashes added to the page's Content-Security-Policy, which write
their findings into attributes of ``<body>``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.runner import export

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FIXTURES = Path(__file__).parent / "runner_fixtures" / "notebooks"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
]
PROBE = """window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                   .map(function (i) { return (i.getAttribute('src') || '').slice(0, 80); });
  var filter = document.getElementById('filter-area');
  var result = {images: imgs.length, broken: broken, filter: filter ? !filter.hidden : null};
  if (filter) {  // type into the filter box: nothing, then the first notebook's name
    var box = document.getElementById('filter');
    var shown = function (text) {
      box.value = text; box.dispatchEvent(new Event('input'));
      return document.querySelectorAll('details[data-group]:not([hidden])').length;
    };
    var first = document.querySelector('details[data-group] h2').textContent.trim().split(' ')[0];
    result.filtered = [shown('no-such-report-zz'), shown(first), shown('')];
  }
  document.body.setAttribute('data-probe', JSON.stringify(result));
});"""
AXE_RUN = """window.addEventListener('load', function () {
  axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                     resultTypes: ['violations']})
    .then(function (r) {
      var bad = r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
        .map(function (v) { return {id: v.id, impact: v.impact, nodes: v.nodes.length,
                                    first: v.nodes[0].html.slice(0, 160)}; });
      document.body.setAttribute('data-axe', JSON.stringify(bad));
    })
    .catch(function (e) { document.body.setAttribute('data-axe', JSON.stringify([{id: 'axe-error',
                                                                                 first: String(e)}])); });
});"""
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]? ?(.*)$")
NBCONVERT_ALT = "No description has been provided for this image"

#: Words that mark a Dutch text (labels and headings; none is part of a proper name the
#: pages quote: CBS table titles and publication names are left out of the check).
DUTCH_WORDS = (
    "het",
    "niet",
    "wordt",
    "worden",
    "zijn",
    "voor",
    "cijfers",
    "kerncijfers",
    "aandeel",
    "wachttijd",
    "bron",
    "bronnen",
    "gegevensbronnen",
    "synthetisch",
    "voorlopig",
    "definitief",
    "halfjaar",
    "gemiddeld",
    "gemiddelde",
    "aantal",
    "tabel",
    "rapport",
    "toelichting",
    "opgehaald",
    "streefwaarde",
    "realisatie",
    "prognose",
    "laatste",
    "waarde",
    "overzicht",
    "inwoners",
    "verandering",
    "ten opzichte",
    "per jaar",
    "ontbreken",
    "indicatoren",
    "controlegetal",
    "vindplaats",
    "jongeren",
    "cliënten",
    "gezinnen",
    "wijk",
    "wijken",
    "peildatum",
)
#: Words that mark an English text (none is also a Dutch word: not "in", "is", "of", "data").
ENGLISH_WORDS = (
    "the",
    "and",
    "with",
    "from",
    "which",
    "this",
    "that",
    "source",
    "sources",
    "figures",
    "share",
    "waiting",
    "provisional",
    "final",
    "synthetic",
    "average",
    "number",
    "report",
    "forecast",
    "clients",
    "youths",
    "families",
    "year",
    "half-year",
    "latest",
    "value",
    "change",
    "target",
    "retrieved",
    "checksum",
    "location",
    "indicators",
    "not",
)
ABSOLUTE = re.compile(r"(?<![\w.:/-])/(?:work|tmp|home|root|Users|var|private)/")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.notebooks,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="headless Chromium not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
]


# --------------------------------------------------------------------------- Chromium
def chromium(tmp_path: Path, page: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    try:
        return subprocess.run(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _sha(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'"
    )


def with_scripts(text: str, scripts: list[str]) -> str:
    """The page with ``scripts`` appended to its body, their hashes added to its policy."""
    meta = re.search(r"<meta\b[^>]*http-equiv=\"Content-Security-Policy\"[^>]*>", text)
    assert meta, "a report page carries its Content-Security-Policy"
    content = re.search(r'\scontent="([^"]*)"', meta.group(0))
    hashes = " ".join(_sha(s) for s in scripts)
    directives = html.unescape(content.group(1))
    found = re.search(r"script-src ([^;]*)", directives)
    assert found, "the policy names its scripts"
    allowed = found.group(1).replace("'none'", "").strip()
    new = directives.replace(found.group(0), f"script-src {allowed} {hashes}".replace("  ", " "))
    text = text.replace(
        meta.group(0), f'<meta http-equiv="Content-Security-Policy" content="{html.escape(new)}">'
    )
    tags = "".join(f"<script>{s}</script>" for s in scripts)
    return text.replace("</body>", tags + "</body>")


def open_page(tmp_path: Path, page: Path, *, axe: bool) -> tuple[str, list[str], dict, list | None]:
    """(DOM after load, console messages, probe result, serious axe violations or None)."""
    scripts = [PROBE] + ([AXE.read_text(encoding="utf-8"), AXE_RUN] if axe else [])
    copy = page.with_name(f".probe-{page.name}")
    copy.write_text(with_scripts(page.read_text(encoding="utf-8"), scripts), encoding="utf-8")
    try:
        run = chromium(
            tmp_path,
            copy,
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=30000",
            "--dump-dom",
        )
    finally:
        copy.unlink()
    assert run.returncode == 0, run.stderr[-2000:]
    console = [m.group(1) for line in run.stderr.splitlines() if (m := CONSOLE.search(line))]
    dom = run.stdout
    probe = re.search(r'data-probe="([^"]*)"', dom)
    assert probe, f"the probe did not run on {page.name}"
    violations = None
    if axe:
        found = re.search(r'data-axe="([^"]*)"', dom)
        assert found, f"axe-core did not finish on {page.name}"
        violations = json.loads(html.unescape(found.group(1)))
    return dom, console, json.loads(html.unescape(probe.group(1))), violations


def screenshot(tmp_path: Path, page: Path) -> None:
    """Keep a screenshot in $RUNNER_SCREENSHOTS (for the closing note of a change), if set."""
    keep = os.environ.get("RUNNER_SCREENSHOTS")
    if not keep:
        return
    Path(keep).mkdir(parents=True, exist_ok=True)
    shot = Path(keep) / f"{page.parent.name}-{page.stem}.png"
    chromium(tmp_path, page, "--window-size=1280,4000", f"--screenshot={shot}")


# --------------------------------------------------------------------------- page checks
def visible_text(dom: str) -> str:
    """The page's reader-visible text, without code, styles, scripts, data URIs and quoted names
    (the sources table's source and table-or-publication columns: CBS titles, publications)."""
    text = re.sub(
        r"<(script|style|code|pre class=\"[^\"]*highlight)[^>]*>.*?</\1>", " ", dom, flags=re.S
    )
    text = re.sub(
        r'(<table class="analysis-sources">.*?</table>)',
        lambda m: re.sub(r'<th scope="row">.*?</th>\s*<td>.*?</td>', " ", m.group(1), flags=re.S),
        text,
        flags=re.S,
    )
    text = re.sub(r"<title>.*?</title>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


@functools.cache
def proper_names() -> tuple[str, ...]:
    """Names a page quotes in their own language: the publications and their sections
    (``data/published``: ``source``, ``source_ref``, ``published``) and CBS table titles.
    WCAG 3.1.2 exempts proper names from the language of parts; the word check skips them."""
    from analysis.cbs.catalogue import TABLES
    from analysis.published import load_published

    pub = load_published()
    names = {
        str(v) for col in ("source", "source_ref", "published") for v in pub[col].dropna().unique()
    }
    names |= {str(getattr(t, "title", "") or "") for t in TABLES.values()}
    return tuple(sorted((n for n in names if len(n) > 3), key=len, reverse=True))


def without_proper_names(text: str) -> str:
    for name in proper_names():
        text = text.replace(name, " ")
    return text


def words_of(language: str, text: str) -> list[str]:
    words = DUTCH_WORDS if language == "nl" else ENGLISH_WORDS
    found = []
    for word in words:
        # a whole word, not part of a dotted name (analysis.synthetic), a path or a compound
        if re.search(rf"(?<![\w./-]){re.escape(word)}(?![\w/-]|\.\w)", text, flags=re.I):
            found.append(word)
    return found


def tabular_pre(dom: str) -> list[str]:
    """``<pre>`` blocks that hold column-aligned text (a DataFrame printed with print)."""
    found = []
    for block in re.findall(r"<pre[^>]*>(.*?)</pre>", dom, flags=re.S):
        lines = [
            ln for ln in html.unescape(re.sub(r"<[^>]+>", "", block)).splitlines() if ln.strip()
        ]
        columned = [ln for ln in lines if len(re.findall(r"\S {2,}(?=\S)", ln)) >= 2]
        if len(lines) >= 3 and len(columned) >= 3:
            found.append("\n".join(lines[:3]))
    return found


class _Tables(HTMLParser):
    """Every ``<table>`` of a page as (class, rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._stack: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append((dict(attrs).get("class") or "", []))
        elif tag == "tr" and self._stack:
            self._stack[-1][1].append([])
        elif tag in ("td", "th") and self._stack and self._stack[-1][1]:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._stack and self._stack[-1][1]:
            self._stack[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def bron_disagreements(text: str, language: str) -> list[str]:
    """Values of the tables' Bron (Source) columns that the page's sources table does not list.

    A value is ``<source>`` or ``<source> (<vintage>)`` for a row of the sources table, or,
    where a row's numbers come from several sources, such values each after its years
    (``2015–2020: <source> (<vintage>); 2021–2023: <source> (<vintage>)``).
    """
    parser = _Tables()
    parser.feed(text)
    sources = [t for cls, t in parser.tables if "analysis-sources" in cls]
    if not sources:
        return ["no sources table"]
    known = set()
    for row in sources[0][1:]:
        if len(row) >= 3:
            known |= {row[0], f"{row[0]} ({row[2]})"}
    head = "Bron" if language == "nl" else "Source"
    wrong = []
    for cls, rows in parser.tables:
        if "analysis-sources" in cls or not rows or head not in rows[0]:
            continue
        at = rows[0].index(head)
        wrong += [
            row[at] for row in rows[1:] if len(row) > at and row[at] and not _listed(row[at], known)
        ]
    return sorted(set(wrong))


def _listed(value: str, known: set[str]) -> bool:
    """Whether a Bron value names only sources of the sources table (see :func:`bron_disagreements`)."""
    if value in known:
        return True
    years = r"\d{4}(?:\u2013\d{4})?"  # 2015 or 2015–2017, in a list: 2015–2017, 2019
    parts = [re.fullmatch(rf"{years}(?:, {years})*: (.+)", part) for part in value.split("; ")]
    return len(parts) > 1 and all(part and part.group(1) in known for part in parts)


def page_problems(
    page: Path, language: str, dom: str, console: list[str], probe: dict, violations: list | None
) -> list[str]:
    """Every problem a reviewer would see on ``page`` (an empty list for a good page)."""
    text = page.read_text(encoding="utf-8")
    problems = []
    lang = re.search(r"<html[^>]*\slang=\"([^\"]*)\"", text)
    if not lang or lang.group(1) != language:
        problems.append(f"<html lang> is {lang.group(1) if lang else None!r}, not {language!r}")
    without_data = re.sub(r"data:[a-z+/.-]+;base64,[A-Za-z0-9+/=]+", "data:", text)
    content = re.sub(
        r"<style[^>]*>.*?</style>", " ", without_data, flags=re.S
    )  # nbconvert's CSS names them
    if "Traceback" in content or re.search(
        r"data-mime-type=\"application/vnd\.jupyter\.stderr\"", content
    ):
        problems.append("a traceback or error output")
    hits = set(ABSOLUTE.findall(without_data)) | (
        {str(ROOT)} if str(ROOT) in without_data else set()
    )
    problems += [f"an absolute path ({hit}…)" for hit in sorted(hits)]
    if "NBVAL" in without_data:
        problems.append("NBVAL in the page")
    index_cells = (
        re.findall(r'<th[^>]*class="[^"]*\b(?:row_heading|blank)\b', text)
        + re.findall(r"<tr[^>]*>\s*<th[^>]*>\s*</th>", text)
        + re.findall(r"<tbody>\s*<tr[^>]*>\s*<th[^>]*>\d+</th>", text)
    )
    if index_cells:
        problems.append(
            f"a pandas index column ({len(index_cells)} cells, e.g. {index_cells[0][:60]!r})"
        )
    for block in tabular_pre(text):
        problems.append(f"a DataFrame printed as text: {block[:160]!r}")
    other = "en" if language == "nl" else "nl"
    wrong = words_of(other, without_proper_names(visible_text(text)))
    if wrong:
        problems.append(f"words of the other language ({other}): {', '.join(wrong)}")
    disagree = bron_disagreements(text, language)
    if disagree:
        problems.append(f"Bron values the sources table does not list: {disagree[:4]}")
    if console:
        problems.append(f"console messages: {console[:3]}")
    if probe["broken"]:
        problems.append(f"missing images: {probe['broken']}")
    alts = []
    for tag in re.findall(r"<img\b[^>]*>", text):
        alt = re.search(r'\salt="([^"]*)"', tag)
        alts.append(html.unescape(alt.group(1)).strip() if alt else None)
    bad_alts = [a for a in alts if not a or a == NBCONVERT_ALT]
    if bad_alts:
        problems.append(f"{len(bad_alts)} of {len(alts)} images without their own alt text")
    repeated = sorted({a for a in alts if a and alts.count(a) > 1})
    if repeated:
        problems.append(f"images sharing an alt text: {repeated[:2]}")
    if violations:
        problems.append(
            "axe-core: "
            + "; ".join(
                f"{v['impact']} {v['id']} ({v.get('nodes', '?')} nodes, e.g. {v['first']!r})"
                for v in violations
            )
        )
    return problems


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def real_runs(tmp_path_factory, run_batch):
    """The default run, and the same notebooks in English for one wijk from 2016, each run once
    per session. The English run is also the collection's wijk run (every notebook must run for a
    wijk and a later start without an error), so that each notebook runs once per variant."""
    base = tmp_path_factory.mktemp("real-runs")
    default = (ROOT / "runs" / "default.yml").read_text(encoding="utf-8")
    english = default.replace(
        "  source: embedded\n",
        "  source: embedded\n  language: en\n  wijk: WK034403\n  start: '2016'\n",
    )
    assert english != default
    runs = {}
    for language, text in (("nl", default), ("en", english)):
        status, folder = run_batch(
            text, base / "reports", f"default-{language}", ROOT / "notebooks"
        )
        runs[language] = {
            "status": status,
            "run": folder,
            "record": json.loads((folder / "run.json").read_text(encoding="utf-8")),
        }
    return runs


def test_the_bron_check_accepts_listed_sources_per_period_and_nothing_else():
    page = """
<table class="analysis-sources"><tr><th>Bron</th><th>Tabel</th><th>Versie</th></tr>
<tr><td>CBS 82972NED</td><td>x</td><td>opgehaald 2025-04-22</td></tr>
<tr><td>Begroting 2026 (2025)</td><td>y</td><td></td></tr></table>
<table><tr><th>Indicator</th><th>Bron</th></tr>
<tr><td>a</td><td>CBS 82972NED (opgehaald 2025-04-22)</td></tr>
<tr><td>b</td><td>2015\u20132020: CBS 82972NED (opgehaald 2025-04-22); 2024: Begroting 2026 (2025)</td></tr>
<tr><td>f</td><td>2015\u20132016, 2019: CBS 82972NED; 2017\u20132018: Begroting 2026 (2025)</td></tr>
<tr><td>c</td><td>2015: CBS 82972NED; 2016: CBS 85098NED</td></tr>
<tr><td>d</td><td>CBS 82972NED; Begroting 2026 (2025)</td></tr>
<tr><td>e</td><td>2015: CBS 82972NED</td></tr></table>"""
    assert bron_disagreements(page, "nl") == [
        "2015: CBS 82972NED",  # a period prefix on a single source is not how the pages write it
        "2015: CBS 82972NED; 2016: CBS 85098NED",  # 85098NED is not in the sources table
        "CBS 82972NED; Begroting 2026 (2025)",  # several sources, but without their periods
    ]


def test_fixture_index_and_reviewer_pages_render_without_errors(tmp_path, run_batch):
    status, run = run_batch(
        """
runs:
  - notebooks: [01_basic, 02_plot]
    parameters: {region: "<b>GM0344</b>"}
  - notebooks: [03_fail]
    parameters: {message: "<img src=x onerror=alert(1)>"}
""",
        tmp_path / "reports",
        "browser",
        FIXTURES,
    )
    assert status == 1  # 03_fail fails on purpose, with markup in its message
    dom, console, probe, _ = open_page(tmp_path, run / "index.html", axe=False)
    assert (
        console == [] and probe["filter"] is True
    )  # the filter script runs under the index's policy
    assert probe["filtered"] == [0, 1, 3]  # typing filters the notebook groups
    review = next(run.glob("02_plot__*.review.html"))
    dom, console, probe, _ = open_page(tmp_path, review, axe=False)
    assert console == [] and probe["images"] >= 1 and probe["broken"] == []
    failed = next(run.glob("03_fail__*.review.html"))
    dom, console, probe, _ = open_page(tmp_path, failed, axe=False)
    assert console == []
    boxes = re.findall(
        r'<div class="analysis-failure" role="alert"><p>(.*?)</p></div>', dom, flags=re.S
    )
    assert len(boxes) == 1 and boxes[0].startswith(
        "Dit rapport kon niet worden gemaakt: ValueError: "
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in boxes[0]
    assert (
        "Traceback" not in dom
        and "An Exception was encountered" not in dom
        and '<img src="x"' not in dom
    )
    full = failed.with_name(failed.name.replace(".review.html", ".html")).read_text(
        encoding="utf-8"
    )
    assert (
        "An Exception was encountered" in full and "ValueError" in full
    )  # the page with code keeps it


NO_AXE = f"axe-core not installed ({AXE.relative_to(ROOT)}): run `make browser-tools` (npm ci)"


def skip_without_axe(what: str) -> None:
    """After every other check passed: skip (with the reason) where axe-core is missing."""
    if not AXE.is_file():
        pytest.skip(f"{NO_AXE}; the other checks of {what} passed")


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_reviewer_page_is_fit_for_a_council_member(real_runs, tmp_path, language, notebook):
    run = real_runs[language]["run"]
    report = next(r for r in real_runs[language]["record"]["reports"] if r["notebook"] == notebook)
    assert report["language"] == language
    page = run / report["outputs"]["review"]
    dom, console, probe, violations = open_page(tmp_path, page, axe=AXE.is_file())
    screenshot(tmp_path, page)
    problems = page_problems(page, language, dom, console, probe, violations)
    assert problems == [], f"{page.name}:\n- " + "\n- ".join(problems)
    skip_without_axe(page.name)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_code_pages_say_their_language_and_hide_no_machine_paths(real_runs, language):
    run = real_runs[language]["run"]
    pages = sorted(run.glob("*.html"))
    assert len(pages) == 2 * len(NOTEBOOKS) + 1
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r"<html[^>]*\slang=\"([^\"]*)\"", text).group(1) == language, page.name
        without_data = re.sub(r"data:[a-z+/.-]+;base64,[A-Za-z0-9+/=]+", "data:", text)
        assert str(ROOT) not in without_data and not ABSOLUTE.search(without_data), page.name
    assert all(r["status"] == "ok" for r in real_runs[language]["record"]["reports"]), [
        (r["name"], r["error"])
        for r in real_runs[language]["record"]["reports"]
        if r["status"] != "ok"
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_index_is_in_the_run_language_and_keyboard_usable(real_runs, tmp_path, language):
    run = real_runs[language]["run"]
    index = run / "index.html"
    dom, console, probe, violations = open_page(tmp_path, index, axe=AXE.is_file())
    screenshot(tmp_path, index)
    text = index.read_text(encoding="utf-8")
    assert re.search(r"<html lang=\"([a-z]+)\"", text).group(1) == language
    assert console == [] and probe["filter"] is True and not violations, (console, violations)
    assert probe["filtered"] == [0, 1, len(NOTEBOOKS)]
    assert '<label for="filter">' in text
    without_data = re.sub(r"data:[a-z+/.-]+;base64,[A-Za-z0-9+/=]+", "data:", text)
    assert str(ROOT) not in without_data
    for report in real_runs[language]["record"]["reports"]:
        assert (
            f'href="{report["outputs"]["review"]}"' in text
            and f'href="{report["outputs"]["html"]}"' in text
        )
    assert (
        words_of("en" if language == "nl" else "nl", without_proper_names(visible_text(text))) == []
    )
    assert text.count('<details class="notebook" open data-group>') == len(NOTEBOOKS)
    assert export.script_hash(export.INDEX_SCRIPT) in text
    skip_without_axe("index.html")
