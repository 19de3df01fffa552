"""Runner on Dask (``--cluster``): a LocalCluster on loopback, two worker processes.

The same batch runs once locally and once on the cluster: same reports, same
statuses, same run.json fields, same files. A notebook that kills its Dask
worker process fails alone (after one retry), the other reports finish.
Kernels import only matplotlib here, as in test_runner_exec.py.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("distributed", reason="the 'cluster' extra (dask.distributed) is not installed")

from analysis.cli.runner import main as runner_main  # noqa: E402
from analysis.cli.runner import run_plan  # noqa: E402
from analysis.errors import InputError  # noqa: E402
from analysis.runner import config as C  # noqa: E402
from analysis.runner.cluster import parse_cluster  # noqa: E402
from analysis.runner.notebooks import discover  # noqa: E402

FIXTURES = Path(__file__).parent / "runner_fixtures" / "notebooks"
WARM = ["matplotlib.pyplot", "analysis.provenance"]

pytestmark = pytest.mark.notebooks

KILLER = """\
import os
import signal
import time

print("killing my Dask worker", flush=True)
os.kill(os.getppid(), signal.SIGKILL)  # the kernel's parent is the worker process
time.sleep(60)
print("survived")
"""


def _killer_notebook(path: Path) -> None:
    params = nbformat.v4.new_code_cell("kill = True  # kill the worker")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Killer"), params, nbformat.v4.new_code_cell(KILLER)]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def collection_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cluster") / "notebooks"
    folder.mkdir()
    for name in (
        "01_basic.ipynb",
        "02_plot.ipynb",
        "03_fail.ipynb",
        "04_sleep.ipynb",
        "07_noparams.ipynb",
        "fixture_data.csv",
    ):
        shutil.copy(FIXTURES / name, folder / name)
    _killer_notebook(folder / "08_killer.ipynb")
    return folder


def _plan(collection_dir: Path, text: str) -> C.Plan:
    path = collection_dir.parent / f"runs-{abs(hash(text))}.yml"
    path.write_text(text)
    return C.build_plan(discover(collection_dir), batch=C.load_batch(path))


BATCH = """
runs:
  - notebooks: [01_basic]
    sets: [{}, {region: GM0363}]
  - notebooks: [02_plot, 03_fail, 07_noparams]
"""


@pytest.fixture(scope="module")
def both_runs(collection_dir):
    out = collection_dir.parent / "reports"
    runs = {}
    for name, cluster in (("local", None), ("cluster", "local:2")):
        status = run_plan(
            _plan(collection_dir, BATCH),
            out=out,
            run_id=name,
            jobs=2,
            timeout=60,
            quiet=True,
            warm_modules=WARM,
            cluster=cluster,
        )
        record = json.loads((out / name / "run.json").read_text())
        runs[name] = {"status": status, "record": record, "dir": out / name}
    return runs


def _shape(value):
    """The field names of a record, recursively (values left out)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value[:1]]
    return None


def test_cluster_run_has_the_same_reports_statuses_and_exit_code(both_runs):
    local, cluster = both_runs["local"], both_runs["cluster"]
    assert local["status"] == cluster["status"] == 1  # 03_fail fails in both
    status = {r["name"]: r["status"] for r in local["record"]["reports"]}
    assert status == {r["name"]: r["status"] for r in cluster["record"]["reports"]}
    assert status["03_fail"] == "failed" and list(status.values()).count("ok") == 4
    errors = {r["name"]: r["error"] for r in cluster["record"]["reports"] if r["error"]}
    assert errors["03_fail"]["kind"] == "error" and errors["03_fail"]["ename"] == "ValueError"
    assert cluster["record"]["summary"] == local["record"]["summary"]


def test_cluster_run_json_has_the_same_fields(both_runs):
    local, cluster = both_runs["local"]["record"], both_runs["cluster"]["record"]
    assert _shape(local) == _shape(cluster)
    for a, b in zip(
        sorted(local["reports"], key=lambda r: r["name"]),
        sorted(cluster["reports"], key=lambda r: r["name"]),
        strict=True,
    ):
        assert set(a) == set(b)
        assert a["parameters"] == b["parameters"] and a["sources"] == b["sources"]
        assert a["outputs"] == b["outputs"]
    assert cluster["options"]["cluster"] == "local:2" and local["options"]["cluster"] is None


def test_cluster_run_publishes_the_same_files(both_runs):
    local, cluster = both_runs["local"]["dir"], both_runs["cluster"]["dir"]
    assert sorted(p.name for p in local.iterdir()) == sorted(p.name for p in cluster.iterdir())
    review = (cluster / "02_plot.review.html").read_text()
    assert "data:image/png;base64," in review
    text = (cluster / "01_basic__region-GM0363.ipynb").read_text()
    assert "region=GM0363" in text
    assert (
        os.readlink(cluster.parent / "last") == "cluster"
    )  # latest: only runs with no failed report
    assert not list(cluster.parent.glob(".*.partial"))


def _kernel_dirs() -> set[Path]:
    """The workers' kernel folders in the temporary folder, also inside Dask's own worker folders."""
    tmp = Path(tempfile.gettempdir())
    return set(tmp.glob("analysis-worker-*")) | set(
        tmp.glob("dask-scratch-space/*/analysis-worker-*")
    )


def test_a_killed_worker_fails_only_its_report(collection_dir):
    out = collection_dir.parent / "killed"
    before = _kernel_dirs()
    plan = _plan(
        collection_dir,
        """
runs:
  - notebooks: [08_killer]
  - notebooks: [04_sleep]
    sets: [{seconds: 2}, {seconds: 3}]
  - notebooks: [01_basic, 07_noparams]
""",
    )
    status = run_plan(
        plan,
        out=out,
        run_id="killed",
        jobs=2,
        timeout=60,
        quiet=True,
        warm_modules=WARM,
        cluster="local:2",
    )
    record = json.loads((out / "killed" / "run.json").read_text())
    by_name = {r["name"]: r for r in record["reports"]}
    assert status == 1
    killer = by_name["08_killer"]
    assert killer["status"] == "failed" and killer["error"]["kind"] == "dead-worker"
    others = {name: r["status"] for name, r in by_name.items() if name != "08_killer"}
    assert others == {
        "04_sleep__seconds-2": "ok",
        "04_sleep__seconds-3": "ok",
        "01_basic": "ok",
        "07_noparams": "ok",
    }
    assert (out / "killed" / "index.html").is_file()
    # no kernel folder (with its connection files) is left behind, not even the killed worker's
    assert _kernel_dirs() <= before


def test_cluster_option_is_checked_before_anything_runs(collection_dir, capsys):
    for bad in ("local:0", "local:x", "somewhere"):
        with pytest.raises(InputError):
            parse_cluster(bad)
    assert parse_cluster("local:3") == ("local", 3)
    assert parse_cluster("tcp://10.0.0.5:8786") == ("address", "tcp://10.0.0.5:8786")
    out = collection_dir.parent / "never"
    code = runner_main(
        ["run", "07", "--notebooks", str(collection_dir), "--out", str(out), "--cluster", "local:0"]
    )
    assert code == 2 and not out.exists()
    assert "local:N" in capsys.readouterr().err
