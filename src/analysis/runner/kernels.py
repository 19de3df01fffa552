"""A long-lived, pre-warmed Jupyter kernel that is reset between reports.

Starting a kernel and importing pandas, statsmodels and matplotlib costs a
few seconds; executing a small report costs a fraction of that. A
:class:`WarmKernel` pays the start-up once: it starts an IPython kernel
(jupyter_client, IPC transport: no TCP port is opened), imports
:data:`WARM_MODULES` in it and snapshots the process state. Before each
report :meth:`WarmKernel.reset` empties the namespace and restores that state
(see :mod:`analysis.runner.kernel_side`). A kernel that died or ran past a
timeout is replaced with :meth:`WarmKernel.replace`.

Kernel output that bypasses Jupyter's messages (e.g. a C library writing to
fd 2, or Python's fatal-error dump) goes to a log file per kernel; its tail
is attached to a "kernel died" error.

Each run keeps its kernels' connection files (with their signing keys), IPC
sockets and logs in a private folder, ``$TMPDIR/analysis-run-<pid>-XXXX``
(mode 0700; connection files and logs 0600), made by
:func:`new_run_workdir`. A run that ends removes it; one killed outright
(SIGKILL) cannot, so every new run first removes the folders of runs whose
process is gone (:func:`sweep_orphaned_workdirs`).
"""

from __future__ import annotations

import asyncio
import codecs
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager

#: Imported once per kernel before the first report.
WARM_MODULES = [
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "statsmodels.api",
    "seaborn",
    "pyarrow.parquet",
    "analysis",
    "analysis.provenance",
    # the project's own heavier modules (a missing one is skipped)
    "analysis.cbs",
    "analysis.compare",
    "analysis.forecast",
    "analysis.notebook",
    "analysis.plotting",
    "analysis.register",
    "analysis.sources",
]

#: Environment variable that replaces WARM_MODULES (comma-separated; empty: import nothing).
WARM_ENV = "ANALYSIS_RUNNER_WARM"


def default_warm_modules() -> list[str]:
    value = os.environ.get(WARM_ENV)
    if value is None:
        return list(WARM_MODULES)
    return [m.strip() for m in value.split(",") if m.strip()]


WORKDIR_PREFIX = "analysis-run-"
_WORKDIR_PATTERN = re.compile(rf"^{WORKDIR_PREFIX}(?P<pid>\d+)-[A-Za-z0-9_]+$")
#: A folder of an older version (no pid in its name) counts as orphaned after this many seconds.
LEGACY_WORKDIR_AGE_S = 24 * 3600


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_orphaned_workdirs(tmpdir: str | Path | None = None) -> list[Path]:
    """Remove the ``analysis-run-*`` folders of this user whose run is gone.

    A folder is orphaned when the pid in its name is no longer a process, or,
    for a folder without a pid in its name (made by an older version), when
    it has not changed for :data:`LEGACY_WORKDIR_AGE_S`. Folders that vanish
    meanwhile, belong to another user or to a living run are left alone.

    Returns
    -------
    list of Path
        The folders removed.
    """
    root = Path(tmpdir if tmpdir is not None else tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = list(root.glob(f"{WORKDIR_PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            info = path.lstat()
        except OSError:
            continue
        if not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid():
            continue
        m = _WORKDIR_PATTERN.match(path.name)
        if m:
            pid = int(m["pid"])
            if pid == os.getpid() or _pid_alive(pid):
                continue
        elif time.time() - info.st_mtime < LEGACY_WORKDIR_AGE_S:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def new_run_workdir() -> Path:
    """A private folder (0700) for one run's kernel files, after sweeping orphaned ones."""
    sweep_orphaned_workdirs()
    path = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    os.chmod(path, 0o700)  # mkdtemp's mode already; said explicitly
    return path


KERNEL_NAME = "python3"
START_TIMEOUT = 120.0
RESET_TIMEOUT = 60.0


def json_from_repr(text: str) -> Any:
    """The value behind ``repr(json.dumps(value))``, the way the kernel displays it.

    ``json.dumps`` writes ASCII, so ``repr`` only escapes backslashes and the
    quote character, which ``unicode_escape`` undoes.
    """
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'":
        raise KernelError(f"unexpected reply from the kernel: {text[:80]!r}")
    return json.loads(codecs.decode(text[1:-1], "unicode_escape"))


_KS = "__import__('analysis.runner.kernel_side', fromlist=['_']).{}"


class KernelError(RuntimeError):
    """The kernel could not be started, warmed or reset."""


class WarmKernel:
    """One worker's kernel.

    Parameters
    ----------
    workdir : Path
        Private folder for the connection file, IPC sockets and the kernel log.
    name : str
        Label used in file names (``k0``, ``k1``, ...).
    warm_modules : list of str
        Modules imported at start-up (failures are tolerated and listed in
        :attr:`warm_failures`).
    """

    def __init__(
        self,
        workdir: Path,
        name: str,
        warm_modules: list[str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.workdir = Path(workdir)
        self.name = name
        self.warm_modules = default_warm_modules() if warm_modules is None else list(warm_modules)
        self.cwd = Path(cwd) if cwd else Path.cwd()
        self.km: AsyncKernelManager | None = None
        self.kc: Any = None
        self.language_info: dict[str, Any] = {}
        self.warm_failures: list[str] = []
        self.generation = 0  # how many kernels this worker has started
        self.log_path = self.workdir / f"{name}.log"
        self._log: Any = None

    # ------------------------------------------------------------------ life cycle
    async def start(self) -> None:
        """Start and warm a new kernel (any previous one must be shut down)."""
        self.generation += 1
        ident = f"{self.name}-{self.generation}"
        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", ip=str(self.workdir / ident)
        )
        km.connection_file = str(self.workdir / f"{ident}.json")
        # the log may hold what a notebook printed to fd 2: owner only, like the connection file
        self._log = os.fdopen(
            os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb"
        )
        env = dict(os.environ)
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        env["ANALYSIS_RUNNER_KERNEL"] = "1"
        self.km = km
        await km.start_kernel(
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            cwd=str(self.cwd),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
        )
        # jupyter_client writes it 0600 unless JUPYTER_ALLOW_INSECURE_WRITES: it holds the key
        os.chmod(km.connection_file, 0o600)
        kc = km.client()
        kc.start_channels()
        self.kc = kc
        try:
            await kc.wait_for_ready(timeout=START_TIMEOUT)
            reply = await kc.kernel_info(reply=True, timeout=START_TIMEOUT)
            self.language_info = reply["content"].get("language_info", {})
            failures = await self.run_silent(
                _KS.format(f"warm({self.warm_modules!r})"),
                timeout=START_TIMEOUT,
                expression=_KS.format("warm_failures()"),
            )
            self.warm_failures = list(failures or [])
        except BaseException:
            await self.shutdown()
            raise

    async def run_silent(self, code: str, *, timeout: float, expression: str | None = None) -> Any:
        """Execute ``code`` without output or history; returns ``expression``'s value (a literal)."""
        if self.kc is None:
            raise KernelError("kernel is not running")
        # the kernel sends the value as JSON text (ASCII); no ast.literal_eval in this
        # thread: CPython 3.11's AST state is shared between threads (see
        # analysis.runner.cluster._import_task_modules)
        user_expressions = (
            {"value": f"__import__('json').dumps({expression})"} if expression else {}
        )
        msg_id = self.kc.execute(
            code,
            silent=True,
            store_history=False,
            user_expressions=user_expressions,
            allow_stdin=False,
            stop_on_error=False,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise KernelError(f"kernel {self.name} did not answer within {timeout:.0f}s")
            try:
                msg = await self.kc.get_shell_msg(timeout=min(remaining, 1.0))
            except Exception:  # queue.Empty: check the kernel is alive, then wait on
                if not await self.is_alive():
                    raise KernelError(f"kernel {self.name} died{self.log_tail()}") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if content.get("status") != "ok":
                raise KernelError(
                    f"kernel {self.name}: {content.get('ename')}: {content.get('evalue')}"
                )
            if not expression:
                return None
            result = content.get("user_expressions", {}).get("value", {})
            if result.get("status") != "ok":
                raise KernelError(
                    f"kernel {self.name}: {result.get('ename')}: {result.get('evalue')}"
                )
            return json_from_repr(result["data"]["text/plain"])

    async def reset(self, cwd: Path) -> None:
        """Fresh namespace and state for the next report, working directory ``cwd``."""
        await self.run_silent(_KS.format(f"reset({str(cwd)!r})"), timeout=RESET_TIMEOUT)

    async def is_alive(self) -> bool:
        return self.km is not None and bool(await self.km.is_alive())

    async def shutdown(self) -> None:
        """Stop the kernel now (no graceful wait: its state is disposable)."""
        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:
                pass
        if km is not None:
            try:
                if km.has_kernel:
                    await km.shutdown_kernel(now=True)
                else:
                    await km.cleanup_resources()
            except Exception:
                try:  # last resort: kill the process
                    await km.kill_kernel()
                except Exception:
                    pass
        if self._log is not None:
            self._log.close()
            self._log = None

    async def replace(self) -> None:
        """Shut this kernel down and start and warm a new one."""
        await self.shutdown()
        await self.start()

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def log_tail(self, lines: int = 3) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        tail = [ln for ln in text if ln.strip() and "Debugger warning" not in ln][-lines:]
        return (" (kernel log: " + " | ".join(tail) + ")") if tail else ""


def kernel_available() -> bool:
    """Whether the IPython kernel can be started with this Python."""
    try:
        import ipykernel  # noqa: F401
    except ImportError:
        return False
    return bool(sys.executable)
