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
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from ..errors import StoreError


class StoreLock:
    """``reading()`` for anything that only reads; ``writing()`` for anything that changes a file."""

    def __init__(self, folder: Path, timeout: float = 60.0):
        self.path = Path(folder) / ".lock"
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        # thread_local=False: the thread lock already serialises threads, and a shared counter lets
        # a nested writing() (restore calling the save path) re-enter without a second flock.
        self._file_lock = FileLock(str(self.path), timeout=timeout, thread_local=False,
                                   poll_interval=0.002, preserve_lock_file=True)

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
