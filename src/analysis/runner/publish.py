"""Atomic publication of a run.

A run writes into ``reports/.<run-id>.partial/``. Only when every report,
``run.json`` and ``index.html`` are written is that folder renamed to
``reports/<run-id>/`` (one ``rename`` on the same file system) and
``reports/latest`` switched to it: a new symlink is made beside it and moved
over the old one with :func:`os.replace`, so ``latest`` always points to a
complete run. An interrupted or crashed run leaves no ``reports/<run-id>``;
its partial folder is removed on the way out, and one left behind by a
killed process (its owner pid is gone) is swept by the next run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import export

RUN_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
LATEST = "latest"
_OWNER = ".owner"


def new_run_id() -> str:
    """A timestamp run id, e.g. ``20251123T185012``."""
    return time.strftime("%Y%m%dT%H%M%S")


def check_run_id(run_id: str) -> str:
    if not RUN_ID_PATTERN.match(run_id) or run_id == LATEST or run_id.endswith(".partial"):
        raise InputError(f"invalid run id {run_id!r}: use letters, digits, '.', '_' or '-'"
                         " (not 'latest'), starting with a letter or digit")
    return run_id


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(root: Path) -> list[Path]:
    """Remove ``.<id>.partial`` folders whose owning process is gone."""
    removed = []
    if not root.is_dir():
        return removed
    for path in root.glob(".*.partial"):
        try:
            pid = int((path / _OWNER).read_text().strip())
        except (OSError, ValueError):
            pid = 0
        if pid and _pid_alive(pid) and pid != os.getpid():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


class Publisher:
    """The output folder of one run, from partial to published."""

    def __init__(self, root: Path, run_id: str | None = None, *, auto_id: bool | None = None) -> None:
        self.root = Path(root)
        self.auto_id = run_id is None if auto_id is None else auto_id
        self.run_id = check_run_id(run_id) if run_id else new_run_id()
        self.published = False
        self.partial: Path | None = None

    @property
    def final(self) -> Path:
        return self.root / self.run_id

    def _partial_path(self) -> Path:
        return self.root / f".{self.run_id}.partial"

    def open(self) -> Path:
        """Create the partial folder (the run id must be new)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the reports folder: {exc.strerror}", file=self.root) from None
        sweep_stale(self.root)
        base, n = self.run_id, 1
        while True:
            taken = self.final.exists() or self.final.is_symlink() or self._partial_path().exists()
            if not taken:
                break
            if not self.auto_id:
                raise InputError(f"run {self.run_id!r} already exists in {self.root};"
                                 " choose another --run-id")
            n += 1
            self.run_id = f"{base}-{n}"
        partial = self._partial_path()
        partial.mkdir()
        (partial / _OWNER).write_text(str(os.getpid()))
        self.partial = partial
        return partial

    def publish(self, record: dict[str, Any]) -> Path:
        """Write ``run.json`` and ``index.html``, move the run in place, point ``latest`` at it."""
        assert self.partial is not None, "open() first"
        write_file(self.partial / "run.json",
                   json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n")
        write_file(self.partial / "index.html", export.render_index(record))
        (self.partial / _OWNER).unlink(missing_ok=True)
        _fsync_dir(self.partial)
        if self.final.exists() or self.final.is_symlink():
            raise RuntimeError(f"{self.final} appeared while the run was in progress")
        os.rename(self.partial, self.final)
        self.published = True
        _fsync_dir(self.root)
        update_latest(self.root, self.run_id)
        return self.final

    def discard(self) -> None:
        """Remove the partial folder of a run that did not complete (idempotent)."""
        if self.partial is not None and not self.published:
            shutil.rmtree(self.partial, ignore_errors=True)


def write_file(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def update_latest(root: Path, run_id: str) -> None:
    """Point ``root/latest`` at ``run_id`` atomically (relative symlink)."""
    link = root / LATEST
    if link.exists() and not link.is_symlink():
        raise InputError(f"{link} exists and is not a symlink; remove it to let runs update it")
    tmp = root / f".{LATEST}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(run_id, tmp)
    os.replace(tmp, link)


def prune_runs(root: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest published runs in ``root``; returns what was removed.

    A run is a folder with a valid run id that holds a ``run.json``; newest
    means the latest ``finished`` time in it (the last published; then
    ``started``, then the name). Never removed: a
    run that a symlink in ``root`` points to (``latest``), a run in progress
    (its ``.<id>.partial`` folder is not a run), and any folder without a
    ``run.json``. A run is first renamed to ``.<id>.pruning`` (so it vanishes
    from the folder at once), then deleted.
    """
    if keep < 1:
        raise InputError("--keep must be at least 1")
    root = Path(root)
    if not root.is_dir():
        return []
    for leftover in root.glob(".*.pruning"):  # a prune that was interrupted
        shutil.rmtree(leftover, ignore_errors=True)
    runs = []
    for path in root.iterdir():
        if path.is_symlink() or not path.is_dir() or path.name == LATEST or \
                not RUN_ID_PATTERN.match(path.name) or not (path / "run.json").is_file():
            continue
        runs.append((_age(path), path.name, path))
    runs.sort(reverse=True)
    removed = []
    for _, name, path in runs[keep:]:
        if name in _pinned(root):  # read again for every run: another process may publish now
            continue
        doomed = root / f".{name}.pruning"
        try:
            os.rename(path, doomed)
        except OSError:  # gone already (another prune) or not ours to move
            continue
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(path)
    return removed


def _pinned(root: Path) -> set[str]:
    """Names of the runs that a symlink in ``root`` (``latest``) points to."""
    names = set()
    for link in root.iterdir():
        if link.is_symlink():
            with contextlib.suppress(OSError):
                names.add(link.resolve().name)
    return names


def _age(run: Path) -> tuple[float, float]:
    """(finished, started) of a run in seconds since the epoch, from its run.json."""
    import datetime as dt

    try:
        record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    times = []
    for field in ("finished", "started"):
        try:
            times.append(dt.datetime.strptime(record[field], "%Y-%m-%dT%H:%M:%S%z").timestamp())
        except (KeyError, TypeError, ValueError):
            times.append(float("nan"))
    if times[0] != times[0]:  # no finished time: the started time, else the folder's mtime
        times[0] = times[1]
    if times[0] != times[0]:
        try:
            times[0] = run.stat().st_mtime
        except OSError:
            times[0] = 0.0
    if times[1] != times[1]:
        times[1] = times[0]
    return times[0], times[1]
