"""How the benches time things: one warm-up, then the median of repeated runs.

In process and as a process are timed by the same function, so two columns of one table are
always measured the same way; a bench that compares us with another tool picks the same column
for both (in process beside in process, whole process beside whole process).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path


def median_ms(action, runs: int) -> float:
    """The median wall time of ``action()`` over ``runs`` runs, after one warm-up (imports, caches)."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def process_ms(command: list[str], runs: int, env: dict | None = None) -> float:
    """``median_ms`` of running ``command`` as a whole process, start-up included."""
    return median_ms(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL, env=env), runs)


def installed_env(folder: Path) -> dict:
    """The environment of an installed program: it runs from compiled bytecode, which the warm-up
    run writes here, outside the tree (the Makefile's PYTHONDONTWRITEBYTECODE would make every
    run compile every module again, which no installed program does)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
    return env
