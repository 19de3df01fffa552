"""``--keep N``: old runs pruned, never the one ``latest`` points to nor a run in progress."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from analysis.cli.runner import main as runner_main
from analysis.errors import InputError
from analysis.runner.publish import prune_runs, update_latest

FIXTURES = Path(__file__).parent / "runner_fixtures" / "notebooks"


def fake_run(root: Path, run_id: str, started: str, finished: str | None = None) -> Path:
    run = root / run_id
    run.mkdir(parents=True)
    record = {"run_id": run_id, "started": started}
    if finished:
        record["finished"] = finished
    (run / "run.json").write_text(json.dumps(record))
    (run / "index.html").write_text("<html></html>")
    return run


@pytest.fixture
def reports(tmp_path) -> Path:
    root = tmp_path / "reports"
    # names deliberately not in time order: the age comes from run.json
    fake_run(root, "b-oldest", "2025-01-01T10:00:00+0100")
    fake_run(root, "a-old", "2025-02-01T10:00:00+0000")
    fake_run(root, "z-middle", "2025-03-01T10:00:00+0000")
    fake_run(root, "c-new", "2025-04-01T10:00:00+0000")
    fake_run(root, "d-newest", "2025-05-01T10:00:00+0000")
    return root


def test_keeps_the_newest_and_removes_the_rest(reports):
    update_latest(reports, "d-newest")
    removed = prune_runs(reports, keep=2)
    assert sorted(p.name for p in removed) == ["a-old", "b-oldest", "z-middle"]
    assert sorted(p.name for p in reports.iterdir()) == ["c-new", "d-newest", "latest"]
    assert os.readlink(reports / "latest") == "d-newest"


def test_never_removes_the_run_latest_points_to(reports):
    update_latest(reports, "b-oldest")  # e.g. the newer runs were published elsewhere by hand
    prune_runs(reports, keep=1)
    assert sorted(p.name for p in reports.iterdir()) == ["b-oldest", "d-newest", "latest"]
    assert (reports / "latest" / "run.json").is_file()


def test_never_touches_runs_in_progress_or_foreign_folders(reports):
    partial = reports / ".e-running.partial"
    partial.mkdir()
    (partial / ".owner").write_text(str(os.getpid()))
    foreign = reports / "notes"
    foreign.mkdir()  # no run.json: not a run
    (reports / "README.txt").write_text("mine")
    prune_runs(reports, keep=1)
    assert partial.is_dir() and foreign.is_dir() and (reports / "README.txt").is_file()
    assert (reports / "d-newest").is_dir() and not (reports / "c-new").exists()


def test_the_last_published_run_counts_as_newest(reports):
    # started before d-newest but published after it (two batches overlapping)
    fake_run(reports, "e-long", "2025-04-15T10:00:00+0000", finished="2025-06-01T10:00:00+0000")
    update_latest(reports, "e-long")
    prune_runs(reports, keep=1)
    assert sorted(p.name for p in reports.iterdir()) == ["e-long", "latest"]


def test_keep_must_be_positive_and_a_missing_folder_is_fine(tmp_path):
    with pytest.raises(InputError):
        prune_runs(tmp_path, keep=0)
    assert prune_runs(tmp_path / "absent", keep=3) == []


def test_an_interrupted_prune_is_cleaned_up(reports):
    leftover = reports / ".a-old.pruning"
    (reports / "a-old").rename(leftover)
    prune_runs(reports, keep=5)
    assert not leftover.exists() and len(list(reports.iterdir())) == 4


def test_cli_keep_is_checked_before_anything_runs(tmp_path, capsys):
    out = tmp_path / "reports"
    code = runner_main(
        ["run", "07", "--notebooks", str(FIXTURES), "--out", str(out), "--keep", "0"]
    )
    assert code == 2 and not out.exists()
    assert "--keep" in capsys.readouterr().err


@pytest.mark.notebooks
def test_cli_run_with_keep_prunes_after_publishing(reports, monkeypatch, capsys):
    monkeypatch.setenv("ANALYSIS_RUNNER_WARM", "analysis.provenance")
    code = runner_main(
        [
            "run",
            "07",
            "--notebooks",
            str(FIXTURES),
            "--out",
            str(reports),
            "--run-id",
            "f-now",
            "--keep",
            "2",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in reports.iterdir()) == ["d-newest", "f-now", "last", "latest"]
    assert os.readlink(reports / "latest") == "f-now"
    assert "removed old run" in capsys.readouterr().err
