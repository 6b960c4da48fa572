"""Who may touch the database when: one thread at a time in a process, one writer across processes.

Why two locks: TinyDB is not thread-safe (Streamlit serves each browser session from its own
thread), so every read and write in a process goes through one re-entrant thread lock. TinyDB is
not process-safe either, and two ``streamlit run`` processes or the app plus the CLI may share a
database, so every write also holds an exclusive lock on ``<db>/.lock``. Reads do not take the
file lock: a file written in place may for an instant be seen cut off, and a reader that finds
one waits for the lock and reads it again before calling it damaged (storage.ShardStorage).
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import StoreError


class LockTimeout(Exception):
    """Another process held the lock file for the whole timeout."""


class FileLock:
    """An exclusive ``flock(2)`` on one file, re-entrant, with the file kept open between uses.

    Why not the ``filelock`` package: every save takes this lock, and that package opens, checks
    and closes the file on each acquisition, with fork tracking besides: 110 µs a save, a tenth of
    it, where a kept descriptor costs a few µs. What it did that matters here is kept: a lock file
    removed or replaced while nobody held it is opened again (the lock is on the file the path
    names, not on a file that is gone), a process forked from this one opens its own (a lock
    inherited across ``fork`` would be shared with the parent), and the descriptor is not passed
    to programs started from this one (LibreOffice)."""

    def __init__(self, path: Path, timeout: float, poll_interval: float = 0.002):
        self.path = Path(path)
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._descriptor: int | None = None
        self._owner = 0  # the process that opened the descriptor
        self._depth = 0

    def acquire(self) -> None:
        if self._depth and self._owner == os.getpid():
            self._depth += 1
            return
        deadline = time.monotonic() + self.timeout
        while True:
            descriptor = self._opened()
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(str(self.path)) from None
                time.sleep(self.poll_interval)
                continue
            if self._names_the_open_file(descriptor):
                self._depth = 1
                return
            self.close()  # removed or replaced while we waited: lock the file the path names now

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        descriptor, self._descriptor, self._depth = self._descriptor, None, 0
        if descriptor is not None and self._owner == os.getpid():
            os.close(descriptor)  # closing also lets go of the lock

    def __del__(self) -> None:  # a store dropped without close() must not leave its descriptor open
        self.close()

    def _opened(self) -> int:
        if self._descriptor is not None and self._owner != os.getpid():
            self._descriptor = None  # the parent's, inherited across fork: never unlocked or closed here
        if self._descriptor is None:
            self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._owner = os.getpid()
        return self._descriptor

    def _names_the_open_file(self, descriptor: int) -> bool:
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            return False
        held = os.fstat(descriptor)
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


class StoreLock:
    """``reading()`` for anything that only reads; ``writing()`` for anything that changes a file."""

    def __init__(self, folder: Path, timeout: float = 60.0):
        self.path = Path(folder) / ".lock"
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        # Re-entrant: a nested writing() (restore calling the save path) takes no second flock.
        self._file_lock = FileLock(self.path, timeout)

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._thread_lock:
            yield

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._thread_lock:
            try:
                self._file_lock.acquire()
            except LockTimeout:
                raise StoreError(f"The database is busy: another program has held {self.path} for more than "
                                 f"{self.timeout:.0f} seconds. Try again; if it persists, check that no "
                                 "stuck sstc-docs process is running.") from None
            except OSError as error:
                raise self._unusable(error) from None
            try:
                yield
            finally:
                self._file_lock.release()

    def close(self) -> None:
        """Let go of the lock file (it is kept open between writes)."""
        with self._thread_lock:
            self._file_lock.close()

    def _unusable(self, error: OSError) -> StoreError:
        """Why the lock file cannot be taken, and what to do: nothing has been written yet."""
        folder = self.path.parent
        if self.path.is_dir():
            return StoreError(f"{self.path} is a folder, but it must be the database's lock file. Nothing was "
                              f"written. Remove the folder (rmdir '{self.path}', after checking it holds nothing "
                              "you need) and try again; sstc-docs creates the lock file itself.")
        if error.errno == errno.EROFS:
            return StoreError(f"The database folder {folder} is on a read-only file system, so nothing can be "
                              "saved (reading still works). Nothing was written; use a writable copy of the "
                              "folder (restore a backup into it) to make changes.")
        if error.errno in (errno.EACCES, errno.EPERM):
            return StoreError(f"You may not write to the database: {self.path} cannot be opened for writing "
                              f"(permission denied). Nothing was written. Saving needs write access to {folder} "
                              "and the files in it; ask its owner to grant it, or run as the user who owns it.")
        return StoreError(f"The lock file {self.path} cannot be used: {error.strerror or error}. Nothing was "
                          "written; fix the database folder and try again.")
