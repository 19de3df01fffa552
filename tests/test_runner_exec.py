"""Runner: executing batches on warm kernels (faults, safety, state, publication, Ctrl-C).

Each module-scoped run below is one batch executed once and inspected by
several tests, to keep kernel start-ups few. Kernels import only matplotlib
here (WARM), not the whole scientific stack, which keeps start-up short.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from analysis.cli.runner import main as runner_main
from analysis.cli.runner import run_plan
from analysis.runner import config as C
from analysis.runner import export
from analysis.runner.notebooks import discover

FIXTURES = Path(__file__).parent / "runner_fixtures" / "notebooks"
ROOT = Path(__file__).resolve().parents[1]
INJECTION = "'); import os; os.system('touch /tmp/pwned') #"
EVIL = "<script>alert('x')</script>"
WARM = ["matplotlib.pyplot", "analysis.provenance"]
LIGHT = {**os.environ, "ANALYSIS_RUNNER_WARM": ",".join(WARM)}

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def collection():
    return discover(FIXTURES)


def plan_of(collection, text: str, tmp: Path) -> C.Plan:
    path = tmp / "runs.yml"
    path.write_text(text)
    return C.build_plan(collection, batch=C.load_batch(path))


def load_run(out: Path) -> dict:
    """The run just published (``last``; ``latest`` only follows runs without a failure)."""
    return json.loads((out / "last" / "run.json").read_text())


def outputs_text(nb_path: Path) -> str:
    nb = nbformat.read(nb_path, as_version=4)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", "") or json.dumps(out.get("data", {})) or "")
            if out.get("output_type") == "error":
                texts.append(f"{out['ename']}: {out['evalue']}")
    return "\n".join(texts)


# --------------------------------------------------------------------------- batch with a failure
@pytest.fixture(scope="module")
def mixed_run(collection, tmp_path_factory):
    """01_basic twice (one with an injection attempt), 02_plot, 03_fail with '<script>'."""
    tmp = tmp_path_factory.mktemp("mixed")
    Path("/tmp/pwned").unlink(missing_ok=True)
    plan = plan_of(
        collection,
        f"""
runs:
  - notebooks: [01_basic]
    sets:
      - {{}}
      - {{label: {json.dumps(INJECTION)}, region: GM0363}}
  - notebooks: [02_plot]
    parameters: {{region: {json.dumps(EVIL)}}}
  - notebooks: [03_fail]
    parameters: {{message: {json.dumps(EVIL)}}}
""",
        tmp,
    )
    out = tmp / "reports"
    started = time.perf_counter()
    status = run_plan(
        plan, out=out, run_id="mixed", jobs=2, timeout=60, quiet=True, warm_modules=WARM
    )
    return {
        "status": status,
        "out": out,
        "run": out / "mixed",
        "record": load_run(out),
        "seconds": time.perf_counter() - started,
    }


def test_failing_report_fails_alone_and_the_run_exits_1(mixed_run):
    assert mixed_run["status"] == 1
    by_name = {r["name"]: r for r in mixed_run["record"]["reports"]}
    assert {k: v["status"] for k, v in by_name.items()} == {
        "01_basic": "ok",
        "01_basic__region-GM0363__label-import_os_os.system_touch_tmp_pwned": "ok",
        "02_plot__region-script_alert_x_script": "ok",
        "03_fail__message-script_alert_x_script": "failed",
    }
    error = by_name["03_fail__message-script_alert_x_script"]["error"]
    assert error["kind"] == "error" and error["ename"] == "ValueError"
    assert error["evalue"] == EVIL and error["cell"] == 4  # the injected cell counts
    assert mixed_run["record"]["status"] == "failed"
    assert mixed_run["record"]["summary"] == {"total": 4, "ok": 3, "failed": 1}


def test_failed_report_keeps_its_partial_notebook_and_pages(mixed_run):
    run = mixed_run["run"]
    nb = nbformat.read(run / "03_fail__message-script_alert_x_script.ipynb", as_version=4)
    text = outputs_text(run / "03_fail__message-script_alert_x_script.ipynb")
    assert "before the failure" in text and "after the failure" not in text
    assert "papermill-error-cell" in nb.cells[0].source  # papermill's marker on top
    review = (run / "03_fail__message-script_alert_x_script.review.html").read_text()
    assert "ValueError" in review and "before the failure" in review
    assert EVIL not in review  # the exception message is escaped in the page too


def test_every_report_has_notebook_page_and_reviewer_page(mixed_run):
    run = mixed_run["run"]
    for report in mixed_run["record"]["reports"]:
        outputs = report["outputs"]
        assert set(outputs) == {"ipynb", "html", "review"}
        assert all((run / name).is_file() for name in outputs.values())
    full = (run / "02_plot__region-script_alert_x_script.html").read_text()
    review = (run / "02_plot__region-script_alert_x_script.review.html").read_text()
    assert "set_title" in full and "set_title" not in review  # the reviewer page has no code
    assert "data:image/png;base64," in review  # the figure is embedded
    # the pages say which parameters made them, escaped
    assert (
        "Parameters: <code>region</code> = <code>&lt;script&gt;alert('x')&lt;/script&gt;</code>"
    ) in review
    assert EVIL not in review and EVIL not in full
    assert "cdnjs" not in full and "require.min.js" not in full  # no third-party scripts


def test_injected_value_stays_a_string(mixed_run):
    run = mixed_run["run"]
    text = outputs_text(
        run / "01_basic__region-GM0363__label-import_os_os.system_touch_tmp_pwned.ipynb"
    )
    assert f"label={INJECTION!r} type=str" in text
    assert not Path("/tmp/pwned").exists()


def test_index_lists_reports_with_parameters_sources_status_and_escaped_errors(mixed_run):
    index = (mixed_run["run"] / "index.html").read_text()
    assert index.count("<script") == 1 and index.count(export.script_hash(export.INDEX_SCRIPT)) == 1
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in index
    assert index.count('class="failed"') >= 2  # the run and the report
    for report in mixed_run["record"]["reports"]:
        assert f'href="{report["outputs"]["review"]}"' in index
    assert "fixture table" in index and "synthetic register" in index


def test_run_json_has_parameters_sources_versions_and_durations(mixed_run):
    record = mixed_run["record"]
    basic = next(r for r in record["reports"] if r["name"] == "01_basic")
    assert basic["parameters"] == {}
    fixture_csv = FIXTURES / "fixture_data.csv"
    import hashlib

    assert basic["sources"][0] == {
        "source": "fixture table",
        "path": "tests/runner_fixtures/notebooks/fixture_data.csv",
        "checksum": "sha256:" + hashlib.sha256(fixture_csv.read_bytes()).hexdigest(),
        "vintage": "2024",
        "synthetic": False,
    }
    assert basic["sources"][1]["synthetic"] is True
    assert basic["notebook_sha256"].startswith("sha256:")
    assert basic["duration_s"] > 0 and basic["execute_s"] > 0 and basic["export_s"] > 0
    for name in ("python", "pandas", "papermill", "nbclient", "nbconvert", "matplotlib"):
        assert name in record["packages"]
    assert os.readlink(mixed_run["out"] / "last") == "mixed"
    assert not (mixed_run["out"] / "latest").exists()  # a run with a failed report is never latest


# --------------------------------------------------------------------------- one kernel, faults
@pytest.fixture(scope="module")
def serial_run(collection, tmp_path_factory):
    """On one kernel: a leak probe (set, then check), a timeout, a dead kernel, then a report."""
    tmp = tmp_path_factory.mktemp("serial")
    plan = plan_of(
        collection,
        """
runs:
  - notebooks: [06_leak]
    sets: [{phase: set}, {phase: check}]
  - notebooks: [04_sleep]
    parameters: {seconds: 60}
  - notebooks: [05_die]
  - notebooks: [02_plot]
""",
        tmp,
    )
    out = tmp / "reports"
    status = run_plan(
        plan, out=out, run_id="serial", jobs=1, timeout=2, quiet=True, warm_modules=WARM
    )
    record = load_run(out)
    return {
        "status": status,
        "run": out / "serial",
        "by_name": {r["name"]: r for r in record["reports"]},
    }


def test_no_state_leaks_from_one_report_into_the_next(serial_run):
    by_name = serial_run["by_name"]
    assert by_name["06_leak__phase-set"]["status"] == "ok"
    check = by_name["06_leak__phase-check"]
    assert check["status"] == "ok", check["error"]
    text = outputs_text(serial_run["run"] / "06_leak__phase-check.ipynb")
    state = json.loads(text.split("STATE ", 1)[1].splitlines()[0])
    assert state == {
        "global": False,
        "rcParams": False,
        "figures": 0,
        "pandas": False,
        "environ": False,
        "sys.path": False,
        "cwd": "notebooks",
    }


def test_cell_past_the_timeout_fails_that_report_only(serial_run):
    report = serial_run["by_name"]["04_sleep__seconds-60"]
    assert report["status"] == "failed"
    assert report["error"]["kind"] == "timeout"
    assert "timeout of 2 s" in report["error"]["message"]
    assert report["duration_s"] < 30
    # the page with code shows the error output; the reviewer page one line in the report's language
    assert "CellTimeoutError" in (serial_run["run"] / "04_sleep__seconds-60.html").read_text()
    review = (serial_run["run"] / "04_sleep__seconds-60.review.html").read_text()
    assert f"Dit rapport kon niet worden gemaakt: {report['error']['message']}" in review
    assert "CellTimeoutError" not in review


def test_dead_kernel_fails_that_report_and_the_kernel_is_replaced(serial_run):
    report = serial_run["by_name"]["05_die"]
    assert report["status"] == "failed" and report["error"]["kind"] == "dead-kernel"
    assert "about to die" in outputs_text(serial_run["run"] / "05_die.ipynb")
    after = serial_run["by_name"]["02_plot"]  # ran on the replacement kernel
    assert after["status"] == "ok", after["error"]
    assert serial_run["status"] == 1


# --------------------------------------------------------------------------- atomic publication
def test_crash_while_publishing_leaves_the_previous_run_in_place(collection, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    plan = C.build_plan(collection, names=["07"])
    assert run_plan(plan, out=out, run_id="good", jobs=1, quiet=True, warm_modules=[]) == 0
    good_index = (out / "good" / "index.html").read_text()

    def crash(record):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(export, "render_index", crash)
    with pytest.raises(RuntimeError, match="simulated"):
        run_plan(plan, out=out, run_id="bad", jobs=1, quiet=True, warm_modules=[])
    assert os.readlink(out / "latest") == "good"
    assert (out / "latest" / "index.html").read_text() == good_index
    assert os.readlink(out / "last") == "good"
    assert sorted(p.name for p in out.iterdir()) == [
        "good",
        "last",
        "latest",
    ]  # no bad, no .bad.partial


# --------------------------------------------------------------------------- the command line
def _children(pid: int) -> list[int]:
    psutil = pytest.importorskip("psutil")
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pids: list[int]) -> list[int]:
    psutil = pytest.importorskip("psutil")
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            continue
    return alive


_DEFAULT_SIGINT_EXEC = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def test_ctrl_c_stops_cleanly_without_orphans_or_half_written_runs(tmp_path):
    out = tmp_path / "reports"
    cmd = [
        sys.executable,
        "-m",
        "analysis.runner",
        "run",
        "04_sleep",
        "-p",
        "seconds",
        "60",
        "-p",
        "seconds",
        "61",
        "--notebooks",
        str(FIXTURES),
        "--out",
        str(out),
        "--jobs",
        "2",
    ]
    # A shell without job control starts background jobs with SIGINT ignored, and a child
    # inherits that (POSIX): a suite started with ``make test &`` would test nothing but the
    # shell. The runner is started as from an interactive terminal, SIGINT at its default: a
    # small Python sets it and execs the runner in its own process (no preexec_fn in a
    # process with threads).
    proc = subprocess.Popen(
        [sys.executable, "-c", _DEFAULT_SIGINT_EXEC, *cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=LIGHT,
    )
    try:
        deadline = time.monotonic() + 60
        kernels: list[int] = []
        while time.monotonic() < deadline and len(kernels) < 2:
            time.sleep(0.2)
            kernels = _children(proc.pid)
        assert len(kernels) >= 2, "the kernels did not start"
        time.sleep(3)  # let them warm up and start sleeping
        assert any(p.name.endswith(".partial") for p in out.iterdir())
        proc.send_signal(signal.SIGINT)
        try:
            stdout, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err_text = proc.communicate()
            pytest.fail(
                "the runner had not stopped 30 s after SIGINT; its stderr: "
                + (err_text or "")[-2000:]
            )
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert stdout == ""
    assert stderr.strip().endswith("interrupted")
    time.sleep(0.5)
    assert _alive(kernels) == []
    assert list(out.iterdir()) == []  # nothing published, the partial run removed


def test_cli_prints_the_index_path_and_logs_one_line_per_report(tmp_path):
    out = tmp_path / "reports"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.runner",
            "run",
            "07_noparams",
            "03",
            "-p",
            "fail",
            "false",
            "--notebooks",
            str(FIXTURES),
            "--out",
            str(out),
            "--run-id",
            "cli",
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=LIGHT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out / "cli" / "index.html")
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith(("ok", "failed"))]
    assert len(lines) == 2
    assert lines[0].split()[0] == "ok" and lines[0].split()[-1].endswith(".review.html")
    assert "1 report(s)" not in proc.stderr and "2 report(s): 2 ok, 0 failed" in proc.stderr


def test_quiet_run_prints_only_the_index(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ANALYSIS_RUNNER_WARM", "")
    out = tmp_path / "reports"
    status = runner_main(
        [
            "run",
            "07",
            "--notebooks",
            str(FIXTURES),
            "--out",
            str(out),
            "--quiet",
            "--jobs",
            "1",
            "--run-id",
            "q",
        ]
    )
    captured = capsys.readouterr()
    assert status == 0
    assert captured.out == f"{out / 'q' / 'index.html'}\n"
    assert captured.err == ""


AUDIT = """
import os, socket, sys

_LOG = os.environ["RUNNER_NET_LOG"]

def _hook(event, args):
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo"):
        if event != "socket.getaddrinfo" and getattr(args[0], "family", None) == socket.AF_UNIX:
            return
        if event == "socket.bind" and str(args[1][0]) in ("::1", "127.0.0.1", "localhost"):
            return  # a local bind sends nothing (urllib3 probes IPv6 this way at import)
        with open(_LOG, "a") as f:
            f.write(f"{os.getpid()} {event} {args[1:]!r}\\n")

sys.addaudithook(_hook)
"""


def test_default_run_makes_no_network_call(tmp_path):
    """Every Python process of the run (runner and kernels) logs socket use through an audit hook."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(AUDIT)
    log = tmp_path / "net.log"
    env = {
        **LIGHT,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        "RUNNER_NET_LOG": str(log),
    }
    collection = ROOT / "tests" / "runner_fixtures" / "collection"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.runner",
            "run",
            "--config",
            str(ROOT / "runs" / "default.yml"),
            "00",
            "04",
            "--notebooks",
            str(collection),
            "--out",
            str(tmp_path / "reports"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "reports" / "latest" / "index.html").is_file()
    assert not log.exists(), log.read_text()


@pytest.mark.parametrize(
    "value",
    [[], ["pandas", "analysis.nope"], ["a'b", 'c"d', "e\\f", "ü €"], {"x": [1, 2.5, None]}],
)
def test_kernel_values_come_back_as_json_not_through_ast(value):
    from analysis.runner.kernels import KernelError, json_from_repr

    # the kernel displays repr(json.dumps(value)); no ast.literal_eval in the runner's threads
    assert json_from_repr(repr(json.dumps(value))) == value
    with pytest.raises(KernelError, match="unexpected reply"):
        json_from_repr("[1, 2]")


def test_a_kernel_reports_the_modules_it_could_not_preload(tmp_path):
    import asyncio

    from analysis.runner.kernels import WarmKernel

    async def start_and_stop():
        kernel = WarmKernel(tmp_path, "k0", ["json", "analysis.no_such_module"], cwd=tmp_path)
        await kernel.start()
        try:
            return kernel.warm_failures
        finally:
            await kernel.shutdown()

    failures = asyncio.run(start_and_stop())
    assert len(failures) == 1
    assert failures[0].startswith("analysis.no_such_module: ModuleNotFoundError: No module named")


def test_lighter_imports_keep_the_uri_grammar_out_of_runner_and_worker_processes():
    code = (
        "import sys\n"
        "from analysis.runner import lighter_imports\n"
        "lighter_imports()\n"
        "import nbformat, jsonschema\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "print('lark' in sys.modules, sys.modules.get('rfc3987_syntax', 'absent'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # no lark grammar compiled (seconds, and not thread-safe on CPython 3.11); validation still works
    assert out.stdout.split() == ["False", "None"]


def test_every_page_says_which_run_and_version_made_it(mixed_run):
    # a printed page can be traced to its run: run id, the commit of run.json, the version
    run, record = mixed_run["run"], mixed_run["record"]
    commit = (record.get("git_commit") or "")[:12]
    for report in record["reports"]:
        for kind in ("html", "review"):
            page = (run / report["outputs"][kind]).read_text()
            stamp = re.search(r'<footer class="analysis-stamp"><p>([^<]*)</p></footer>', page)
            assert stamp, report["outputs"][kind]
            assert re.match(
                r"Gemaakt op \d{1,2} \w+ 20\d\d om \d\d:\d\d( \S+)? in run mixed ", stamp[1]
            )
            assert "met analysis " in stamp[1] and (not commit or f"(commit {commit})" in stamp[1])
