"""Who may touch the database when: one thread at a time in a process, one writer across processes.

Why two locks: TinyDB is not thread-safe (Streamlit serves each browser session from its own
thread), so every read and write in a process goes through one re-entrant thread lock. TinyDB is
not process-safe either, and two ``streamlit run`` processes or the app plus the CLI may share a
database, so every write also holds an exclusive lock on ``<db>/.lock``. Reads do not take the
file lock: files are only ever replaced atomically, so a reader always sees a whole file.
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


class Timeout(Exception):
    """Another process held the lock file for the whole timeout."""


class FileLock:
    """An exclusive ``flock`` on one file, re-entrant within the process (a count: the thread lock
    of ``StoreLock`` already lets one thread at a time in, and a nested ``writing()`` must not wait
    for itself). The file is opened for each outermost acquire and closed at its release, so a
    forked child never takes the parent's lock for its own, and a lock file removed by hand is made
    again; one replaced between the open and the lock is opened again (a lock on a file no one
    else opens would exclude no one).

    Why not the filelock package: taking and letting go of its lock cost about 120 µs, a tenth
    of a save, where the system calls take a few."""

    def __init__(self, path: Path, timeout: float, poll_interval: float):
        self.path = path
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._fd: int | None = None
        self._depth = 0
        self._pid = os.getpid()

    def acquire(self) -> None:
        self._forget_if_forked()
        if self._depth:
            self._depth += 1
            return
        deadline = time.monotonic() + self.timeout
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise Timeout() from None
                time.sleep(self.poll_interval)
                continue
            except BaseException:
                os.close(fd)
                raise
            if self._is_the_file(fd):
                self._fd, self._depth = fd, 1
                return
            os.close(fd)  # replaced or removed since it was opened: take the lock of the file there now

    def release(self) -> None:
        if self._forget_if_forked():
            return  # forked inside writing(): the lock is the parent's to let go
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)  # explicitly: a forked child may hold a copy of the fd
            finally:
                os.close(fd)

    def _forget_if_forked(self) -> bool:
        """In a forked child, what the parent held is not its own: forget it (closing the child's
        copy of the file only; unlocking it would let go of the parent's lock)."""
        if self._pid == os.getpid():
            return False
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._depth, self._pid = None, 0, os.getpid()
        return True

    def _is_the_file(self, fd: int) -> bool:
        try:
            named = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        held = os.fstat(fd)
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


class StoreLock:
    """``reading()`` for anything that only reads; ``writing()`` for anything that changes a file."""

    def __init__(self, folder: Path, timeout: float = 60.0):
        self.path = Path(folder) / ".lock"
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(self.path, timeout=timeout, poll_interval=0.002)

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._thread_lock:
            yield

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._thread_lock:
            try:
                self._file_lock.acquire()
            except Timeout:
                raise StoreError(f"The database is busy: another program has held {self.path} for more than "
                                 f"{self.timeout:.0f} seconds. Try again; if it persists, check that no "
                                 "stuck sstc-docs process is running.") from None
            except OSError as error:
                raise self._unusable(error) from None
            try:
                yield
            finally:
                self._file_lock.release()

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
