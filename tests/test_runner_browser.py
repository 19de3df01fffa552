"""Runner: the index and a reviewer page open in headless Chromium without errors.

For each page Chromium runs twice with a fresh profile: once with
``--dump-dom`` and console logging on stderr (a copy of the page carries a
small probe script that records, after ``load``, how many images there are
and which did not decode), once with ``--screenshot``. The test fails on any
console message (script errors, blocked or failed loads, CSP violations),
on a broken image, or on an empty screenshot.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.cli.runner import run_plan
from analysis.runner import config as C
from analysis.runner.notebooks import discover

CHROMIUM = Path("/usr/bin/chromium")
FIXTURES = Path(__file__).parent / "runner_fixtures" / "notebooks"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900"]
PROBE = """<script>window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                   .map(function (i) { return i.getAttribute('src').slice(0, 80); });
  document.body.setAttribute('data-probe', JSON.stringify({images: imgs.length, broken: broken}));
});</script>"""
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]? ?(.*)$")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.notebooks,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium"
                                                      " (apt-get install chromium)"),
]


def chromium(tmp_path: Path, page: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *extra,
                           page.as_uri()], capture_output=True, text=True, timeout=120)


def _allow_probe(text: str) -> str:
    """The page with the probe script, its hash added to the page's policy (which allows no script)."""
    body = PROBE[len("<script>"):-len("</script>")]
    digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
    assert "script-src 'none'" in text, "a report page allows no script"
    return text.replace("script-src 'none'", f"script-src 'sha256-{digest}'").replace("</body>", PROBE + "</body>")


def check_page(tmp_path: Path, page: Path, min_images: int) -> Path:
    probe = page.with_name(f".probe-{page.name}")
    text = page.read_text(encoding="utf-8")
    probe.write_text(_allow_probe(text) if min_images else text, encoding="utf-8")
    try:
        # the index forbids scripts (CSP): check its images with the DOM alone
        dom_run = chromium(tmp_path, probe if min_images else page,
                           "--enable-logging=stderr", "--v=0", "--dump-dom")
    finally:
        probe.unlink()
    assert dom_run.returncode == 0, dom_run.stderr[-2000:]
    console = [m.group(1) for line in dom_run.stderr.splitlines() if (m := CONSOLE.search(line))]
    assert console == [], f"console messages on {page.name}: {console}"
    dom = dom_run.stdout
    for src in re.findall(r"<img[^>]*\ssrc=\"([^\"]*)\"", dom):
        src = html.unescape(src)
        assert src.startswith("data:") or (page.parent / src).is_file(), f"missing image {src[:80]}"
    if min_images:
        found = re.search(r'data-probe="([^"]*)"', dom)
        assert found, "the probe did not run"
        result = json.loads(html.unescape(found.group(1)))
        assert result["images"] >= min_images and result["broken"] == [], result
    shot = tmp_path / f"{page.stem}.png"
    shot_run = chromium(tmp_path, page, f"--screenshot={shot}")
    assert shot_run.returncode == 0 and shot.is_file(), shot_run.stderr[-2000:]
    assert shot.stat().st_size > 5000, "the screenshot is (nearly) empty"
    return shot


def test_index_and_reviewer_page_render_without_errors(tmp_path):
    collection = discover(FIXTURES)
    runs = tmp_path / "runs.yml"
    runs.write_text("""
runs:
  - notebooks: [01_basic, 02_plot]
    parameters: {region: "<b>GM0344</b>"}
  - notebooks: [03_fail]
    parameters: {message: "<img src=x onerror=alert(1)>"}
""")
    plan = C.build_plan(collection, batch=C.load_batch(runs))
    out = tmp_path / "reports"
    status = run_plan(plan, out=out, run_id="browser", jobs=2, quiet=True,
                      warm_modules=["matplotlib.pyplot", "analysis.provenance"])
    assert status == 1  # 03_fail fails on purpose, with markup in its message
    run = out / "browser"
    check_page(tmp_path, run / "index.html", min_images=0)
    review = next(run.glob("02_plot__*.review.html"))
    check_page(tmp_path, review, min_images=1)
    check_page(tmp_path, next(run.glob("03_fail__*.review.html")), min_images=0)
    keep = Path(__import__("os").environ.get("RUNNER_SCREENSHOTS", ""))
    if keep.name:
        keep.mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, keep / png.name)
