"""Faults a test child process inflicts on itself, so a kill lands at an exact step, not a guessed time."""

from __future__ import annotations

import os
import signal


def die_at_durable_step(step: int) -> None:
    """From now on in this process, count the calls that make a write durable or visible (fsync,
    rename, unlink, a write or cut in place) and die by SIGKILL at the ``step``-th: raising N from 1 until a child gets
    through untouched hits every step of a write once."""
    calls = {"n": 0}

    def deadly(original):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == step:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        return wrapper

    os.fsync, os.replace, os.unlink = deadly(os.fsync), deadly(os.replace), deadly(os.unlink)
    os.pwrite, os.ftruncate = deadly(os.pwrite), deadly(os.ftruncate)
