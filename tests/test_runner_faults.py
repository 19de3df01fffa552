"""Runner faults of issue 13: which run ``latest`` shows (case 6), the publish/sweep race
(case 7) and the temporary folders of a killed run (case 8).

Cases 6 and 7 start no kernel; case 8 kills a real run (marked ``notebooks``).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from analysis.runner import kernels, publish

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "runner_fixtures" / "notebooks"


def _record(run_id: str, status: str) -> dict:
    failed = int(status != "ok")
    return {
        "run_id": run_id,
        "status": status,
        "summary": {"total": 2, "ok": 2 - failed, "failed": failed},
        "reports": [],
    }


def _publish(root: Path, run_id: str, status: str) -> Path:
    publisher = publish.Publisher(root, run_id)
    publisher.open()
    return publisher.publish(_record(run_id, status))


def _dead_pid() -> int:
    """The pid of a process that has ended (and was reaped)."""
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


# --------------------------------------------------------------------------- case 6
def test_latest_stays_on_the_last_run_without_a_failure_and_last_follows_every_run(tmp_path):
    _publish(tmp_path, "full", "ok")
    assert os.readlink(tmp_path / "latest") == "full" and os.readlink(tmp_path / "last") == "full"

    _publish(tmp_path, "one-failed", "failed")
    assert os.readlink(tmp_path / "latest") == "full"  # a reviewer's link still opens the full run
    assert os.readlink(tmp_path / "last") == "one-failed"
    assert json.loads((tmp_path / "latest" / "run.json").read_text())["status"] == "ok"

    _publish(tmp_path, "repaired", "ok")
    assert (
        os.readlink(tmp_path / "latest") == "repaired"
        and os.readlink(tmp_path / "last") == "repaired"
    )


def test_index_says_which_link_is_which(tmp_path):
    final = _publish(tmp_path, "one-failed", "failed")
    index = (final / "index.html").read_text()
    # the fixture notebooks have no language parameter: Dutch, like the reports
    assert "<code>latest</code> de laatste run waarin elk rapport gelukt is" in index
    assert "<code>last</code> de meest recente run (deze, met mislukte rapporten)" in index


@pytest.mark.parametrize("reserved", ["latest", "last"])
def test_link_names_are_not_run_ids(reserved, tmp_path):
    from analysis.errors import InputError

    with pytest.raises(InputError, match="not 'latest' or 'last'"):
        publish.Publisher(tmp_path, reserved)


# --------------------------------------------------------------------------- case 7
def _start_other_run(root: Path) -> subprocess.CompletedProcess:
    """Another run starting now, in its own process: it sweeps stale partial folders."""
    code = (
        "import sys; from pathlib import Path; from analysis.runner.publish import Publisher\n"
        "p = Publisher(Path(sys.argv[1]), 'other'); p.open(); p.discard()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=120
    )


def test_a_run_starting_while_another_publishes_does_not_sweep_it(tmp_path, monkeypatch):
    """The window between 'the run is complete' and 'the folder has its final name' is
    injected: every filesystem step of publish() that touches the partial folder first lets
    another run start (and sweep). None of them may take the folder away."""
    publisher = publish.Publisher(tmp_path, "first")
    partial = publisher.open()
    (partial / "report.html").write_text("done")
    others: list[subprocess.CompletedProcess] = []

    real_rename, real_unlink = os.rename, Path.unlink

    def rename(src, dst, *args, **kwargs):
        if str(src) == str(partial):
            others.append(_start_other_run(tmp_path))
        return real_rename(src, dst, *args, **kwargs)

    def unlink(self, *args, **kwargs):
        if self.name == ".owner":
            others.append(_start_other_run(tmp_path))
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(Path, "unlink", unlink)
    final = publisher.publish(_record("first", "ok"))
    monkeypatch.undo()

    assert others and all(o.returncode == 0 for o in others), [o.stderr for o in others]
    assert (final / "report.html").read_text() == "done"
    assert not (final / ".owner").exists()
    assert os.readlink(tmp_path / "latest") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "last", "latest"]


def test_a_new_partial_folder_is_never_seen_without_its_owner(tmp_path, monkeypatch):
    """open() of one run against the sweep of another, in the moment after the folder exists."""
    seen: list[set[str]] = []
    real_rename = os.rename

    def rename(src, dst, *args, **kwargs):
        seen.append({p.name for p in Path(src).iterdir()})
        proc = _start_other_run(tmp_path)  # sweeps before the folder gets its .partial name
        assert proc.returncode == 0, proc.stderr
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    partial = publish.Publisher(tmp_path, "mine").open()
    monkeypatch.undo()
    assert seen == [{".owner"}]
    assert partial.is_dir() and (partial / ".owner").read_text() == str(os.getpid())


def test_sweeping_passes_over_folders_that_vanish_and_removes_dead_ones(tmp_path, monkeypatch):
    gone = tmp_path / ".gone.partial"
    gone.mkdir()
    (gone / ".owner").write_text(str(_dead_pid()))
    stale_new = tmp_path / f".born.{_dead_pid()}.new"  # killed between mkdir and its marker
    stale_new.mkdir()
    living = tmp_path / f".busy.{os.getppid()}.new"
    living.mkdir()

    real_read = Path.read_text

    def read_text(self, *args, **kwargs):
        if self.parent == gone:  # its owner renames it away just as the sweep looks
            os.rename(gone, tmp_path / "gone")
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    removed = publish.sweep_stale(tmp_path)
    monkeypatch.undo()
    assert removed == [stale_new]
    assert (tmp_path / "gone").is_dir() and living.is_dir() and not stale_new.exists()


# --------------------------------------------------------------------------- case 8
def _mode(path: Path) -> int:
    """Permission bits (jupyter_client adds the sticky bit to the folder: not a permission)."""
    return stat.S_IMODE(path.stat().st_mode) & 0o777


def test_orphaned_temp_folders_of_dead_runs_are_swept_and_private(tmp_path, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    dead = tmp / f"analysis-run-{_dead_pid()}-abc"
    dead.mkdir()
    (dead / "k0-1.json").write_text('{"key": "secret"}')
    living = tmp / f"analysis-run-{os.getppid()}-def"
    living.mkdir()
    unrelated = tmp / "other-tool-123"
    unrelated.mkdir()

    workdir = kernels.new_run_workdir()
    assert not dead.exists() and living.is_dir() and unrelated.is_dir()
    assert workdir.parent == tmp and workdir.name.startswith(f"analysis-run-{os.getpid()}-")
    assert _mode(workdir) == 0o700
    assert kernels.sweep_orphaned_workdirs() == []  # our own folder is not an orphan


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _kill_kernels_of(tmp: Path) -> None:
    """SIGKILL the kernel processes this test started (found by their connection file)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if str(tmp).encode() in cmdline and b"ipykernel" in cmdline:
            try:
                os.kill(int(proc.name), signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.notebooks
def test_a_run_killed_with_sigkill_leaves_no_kernel_keys_behind(tmp_path):
    """Kill a real run (SIGKILL: no clean-up runs), start another: the orphan is gone."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "ANALYSIS_RUNNER_WARM": ""}
    run = [
        sys.executable,
        "-m",
        "analysis.runner",
        "run",
        "--notebooks",
        str(FIXTURES),
        "--quiet",
        "--jobs",
        "1",
    ]
    victim = subprocess.Popen(
        [*run, "04", "-p", "seconds", "600", "--out", str(tmp_path / "a")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        connection = _wait_for(
            lambda: next(iter(tmp.glob("analysis-run-*/k0-*.json")), None),
            120,
            "the kernel's connection file",
        )
        _wait_for(lambda: list((tmp_path / "a").glob(".*.partial")), 30, "the partial run")
        workdir = connection.parent
        assert _mode(workdir) == 0o700
        assert _mode(connection) == 0o600
        assert json.loads(connection.read_text())["key"]  # the secret these modes protect
        log = workdir / "k0.log"
        assert _mode(log) == 0o600
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # the runner: nothing of it cleans up
        victim.wait(timeout=30)
        _kill_kernels_of(tmp)  # they would exit by themselves (parent poller); do not wait for it
    assert workdir.is_dir(), "SIGKILL leaves the folder behind"

    proc = subprocess.run(
        [*run, "07", "--out", str(tmp_path / "b")],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert not workdir.exists()
    assert list(tmp.glob("analysis-run-*")) == []  # the second run cleaned up after itself too
