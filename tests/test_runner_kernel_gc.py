"""The runner's kernels collect each report's garbage and freeze what survives it.

Runs :mod:`analysis.runner.kernel_side` in an IPython shell of a subprocess
(``reset`` changes process-wide state: rcParams, warning filters, the
working folder), reports being cells run between two resets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import gc, json, sys, weakref
    from IPython.core.interactiveshell import InteractiveShell
    from analysis.runner import kernel_side as ks

    shell = InteractiveShell.instance()
    ks.warm([])

    def reset():  # as the runner does it: a cell in the kernel
        result = shell.run_cell("__import__('analysis.runner.kernel_side', fromlist=['_']).reset('.')")
        result.raise_error()

    out = {"every": ks.FULL_COLLECTION_EVERY}

    # a report leaves a reference cycle behind in its namespace
    shell.run_cell(
        "import sys, weakref\\n"
        "class Node: pass\\n"
        "a = Node(); a.me = a\\n"
        "sys.modules['__probe__'] = type(sys)('__probe__')\\n"
        "sys.modules['__probe__'].ref = weakref.ref(a)\\n"
        "keep = Node(); keep.me = keep\\n"
        "sys.modules['__probe__'].keep = keep\\n"
        "sys.modules['__probe__'].keep_ref = weakref.ref(keep)\\n"
    )
    probe = sys.modules["__probe__"]
    frozen_before = gc.get_freeze_count()
    reset()
    out["report_cycle_freed"] = probe.ref() is None
    # frozen objects are left out of gc.get_objects()
    out["survivor_frozen"] = gc.get_freeze_count() > frozen_before and not any(
        o is probe.keep for o in gc.get_objects()
    )

    # a failed report: its traceback (and the frames' locals) must not outlive the reset
    shell.run_cell(
        "import sys, weakref\\n"
        "class Big: pass\\n"
        "def fail():\\n"
        "    local = Big(); local.me = local\\n"
        "    sys.modules['__probe__'].failed_ref = weakref.ref(local)\\n"
        "    raise ValueError('boom')\\n"
        "fail()\\n"
    )
    reset()
    out["failed_locals_freed"] = probe.failed_ref() is None

    # the survivor becomes garbage later: frozen, it waits for the next full collection
    del probe.keep
    alive = []
    for _ in range(2 * ks.FULL_COLLECTION_EVERY):
        reset()
        alive.append(probe.keep_ref() is not None)
    out["alive_after_each_reset"] = alive
    print(json.dumps(out))
    """
)


def _run() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_reset_frees_a_reports_garbage_freezes_survivors_and_periodically_collects_all():
    out = _run()
    assert out["report_cycle_freed"], "a cycle the report left in its namespace was not collected"
    assert out["survivor_frozen"], "what survived the reset was not frozen"
    assert out["failed_locals_freed"], "a failed report's traceback kept its locals alive"
    alive = out["alive_after_each_reset"]
    # frozen garbage is freed at the next full collection, within FULL_COLLECTION_EVERY resets
    assert not alive[-1]
    assert alive.index(False) < out["every"]
    assert alive[0], "a frozen cycle was freed at once: the freeze had no effect"
