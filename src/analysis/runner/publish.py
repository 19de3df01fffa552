"""Atomic publication of a run.

A run writes into ``reports/.<run-id>.partial/``. Only when every report,
``run.json`` and ``index.html`` are written is that folder renamed to
``reports/<run-id>/`` (one ``rename`` on the same file system). Then
``reports/last`` is switched to it, and ``reports/latest`` too if every
report of the run succeeded: a new symlink is made beside the old one and
moved over it with :func:`os.replace`. So ``latest`` always points to a
complete run in which every report succeeded, ``last`` to the most recent
published run, failed reports or not.

Ownership protocol (several runs may share a reports folder): a partial
folder is born with its ``.owner`` file (the pid), because it is made under a
private name (``.<run-id>.<pid>.new``) and renamed to ``.<run-id>.partial``
only once ``.owner`` is in it. It keeps ``.owner`` until it has been renamed
to its final name; only then is the marker removed. A run that starts sweeps
every ``.*.partial`` (and ``.*.new``) folder whose owner is gone; a folder
that vanishes while it looks (renamed by its owner) is simply passed over.
An interrupted or crashed run leaves no ``reports/<run-id>``; its partial
folder is removed on the way out, or by the next run if the process was
killed.
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
#: Link to the most recent published run, whatever its status.
LAST = "last"
_OWNER = ".owner"


def new_run_id() -> str:
    """A timestamp run id, e.g. ``20251123T185012``."""
    return time.strftime("%Y%m%dT%H%M%S")


def check_run_id(run_id: str) -> str:
    if (
        not RUN_ID_PATTERN.match(run_id)
        or run_id in (LATEST, LAST)
        or run_id.endswith((".partial", ".new"))
    ):
        raise InputError(
            f"invalid run id {run_id!r}: use letters, digits, '.', '_' or '-'"
            " (not 'latest' or 'last'), starting with a letter or digit"
        )
    return run_id


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_of(path: Path) -> int | None:
    """The pid in ``path/.owner``; 0 when the folder has no readable marker; None when the
    folder itself is gone (renamed or removed by its owner meanwhile)."""
    try:
        return int((path / _OWNER).read_text().strip())
    except FileNotFoundError:
        return None if not path.is_dir() else 0
    except (OSError, ValueError):
        return 0 if path.is_dir() else None


def sweep_stale(root: Path) -> list[Path]:
    """Remove ``.<id>.partial`` (and ``.<id>.<pid>.new``) folders whose owning process is gone.

    A folder that disappears while it is looked at (its owner renamed it to
    its final name) is passed over, never an error.
    """
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    candidates = [*root.glob(".*.partial"), *root.glob(".*.new")]
    for path in candidates:
        pid = _owner_of(path)
        if pid is None:
            continue  # vanished: published or discarded by its owner
        if not pid and path.name.endswith(".new"):
            # born a moment ago, before its marker: the pid is in its name
            with contextlib.suppress(ValueError, IndexError):
                pid = int(path.name.rsplit(".", 2)[-2])
        if pid and _pid_alive(pid) and pid != os.getpid():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


class Publisher:
    """The output folder of one run, from partial to published."""

    def __init__(
        self, root: Path, run_id: str | None = None, *, auto_id: bool | None = None
    ) -> None:
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
            raise InputError(
                f"cannot create the reports folder: {exc.strerror}", file=self.root
            ) from None
        sweep_stale(self.root)
        base, n = self.run_id, 1
        while True:
            taken = self.final.exists() or self.final.is_symlink() or self._partial_path().exists()
            if not taken:
                break
            if not self.auto_id:
                raise InputError(
                    f"run {self.run_id!r} already exists in {self.root}; choose another --run-id"
                )
            n += 1
            self.run_id = f"{base}-{n}"
        try:
            self.partial = claim_partial(self._partial_path())
        except OSError:  # another run took this id a moment ago
            raise InputError(
                f"run {self.run_id!r} already exists in {self.root}; choose another --run-id"
            ) from None
        return self.partial

    def publish(self, record: dict[str, Any]) -> Path:
        """Write ``run.json`` and ``index.html``, move the run in place, point ``latest`` at it."""
        assert self.partial is not None, "open() first"
        write_file(
            self.partial / "run.json",
            json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n",
        )
        write_file(self.partial / "index.html", export.render_index(record))
        _fsync_dir(self.partial)
        if self.final.exists() or self.final.is_symlink():
            raise RuntimeError(f"{self.final} appeared while the run was in progress")
        # Rename first, then drop the marker: until the rename the partial folder still
        # names its (living) owner, so a run starting now cannot sweep it away.
        os.rename(self.partial, self.final)
        self.published = True
        (self.final / _OWNER).unlink(missing_ok=True)
        _fsync_dir(self.root)
        update_links(self.root, self.run_id, complete=record.get("status") == "ok")
        return self.final

    def discard(self) -> None:
        """Remove the partial folder of a run that did not complete (idempotent)."""
        if self.partial is not None and not self.published:
            shutil.rmtree(self.partial, ignore_errors=True)


def claim_partial(partial: Path) -> Path:
    """Create ``partial`` with its ``.owner`` marker already inside (see the module docstring).

    The folder is made as ``.<run-id>.<pid>.new``, the marker written, then
    renamed: no other run ever sees ``partial`` without its owner.
    """
    born = partial.with_name(f"{partial.name.removesuffix('.partial')}.{os.getpid()}.new")
    born.mkdir()
    try:
        (born / _OWNER).write_text(str(os.getpid()))
        if partial.exists():  # rename() would replace an empty folder; never take one over
            raise FileExistsError(partial)
        os.rename(born, partial)
    except BaseException:
        shutil.rmtree(born, ignore_errors=True)
        raise
    return partial


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


def update_latest(root: Path, run_id: str, name: str = LATEST) -> None:
    """Point ``root/<name>`` (default ``latest``) at ``run_id`` atomically (relative symlink)."""
    link = root / name
    if link.exists() and not link.is_symlink():
        raise InputError(f"{link} exists and is not a symlink; remove it to let runs update it")
    tmp = root / f".{name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(run_id, tmp)
    os.replace(tmp, link)


def update_links(root: Path, run_id: str, *, complete: bool) -> None:
    """``last`` follows every published run; ``latest`` only a run whose every report succeeded."""
    update_latest(root, run_id, LAST)
    if complete:
        update_latest(root, run_id, LATEST)


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
        if (
            path.is_symlink()
            or not path.is_dir()
            or path.name == LATEST
            or not RUN_ID_PATTERN.match(path.name)
            or not (path / "run.json").is_file()
        ):
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
