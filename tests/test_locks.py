"""The write lock's failures are database errors that say what to do, whatever the operating system says."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time

import pytest

from sstc_docs.errors import StoreError
from sstc_docs.store.locks import StoreLock


@pytest.mark.parametrize("code, phrase", [(errno.EROFS, "read-only file system"), (errno.EACCES, "permission denied"),
                                          (errno.EIO, "cannot be used")])
def test_an_os_error_taking_the_lock_says_what_to_do(tmp_path, monkeypatch, code, phrase):
    lock = StoreLock(tmp_path)

    def refuse(*args, **kwargs):
        raise OSError(code, "simulated")

    monkeypatch.setattr(lock._file_lock, "acquire", refuse)
    with pytest.raises(StoreError, match=f"{phrase}.*Nothing was written"):
        with lock.writing():
            pytest.fail("the block must not run without the lock")
    with lock.reading():  # reading needs no file lock
        pass


def test_a_lock_folder_is_named_with_the_command_to_remove_it(tmp_path):
    (tmp_path / ".lock").mkdir()
    with pytest.raises(StoreError, match=r"is a folder.*rmdir"):
        with StoreLock(tmp_path).writing():
            pass


def test_a_lock_file_removed_while_unheld_is_made_again(tmp_path):
    lock = StoreLock(tmp_path)
    with lock.writing():
        pass
    (tmp_path / ".lock").unlink()
    with lock.writing():
        assert (tmp_path / ".lock").is_file()


HOLD = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


def _holder(path):
    """Another process holding the lock file, until its stdin is closed."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_writer_in_another_process_is_waited_for_then_named_as_busy(tmp_path):
    holder = _holder(tmp_path / ".lock")
    try:
        lock = StoreLock(tmp_path, timeout=0.3)
        began = time.monotonic()
        with pytest.raises(StoreError, match="busy.*Try again"):
            with lock.writing():
                pytest.fail("two writers at once")
        assert time.monotonic() - began >= 0.3
    finally:
        holder.communicate("")
    with lock.writing():  # let go of: taken at once
        pass


def test_a_lock_file_replaced_while_another_process_held_it_is_the_file_locked_next(tmp_path):
    """A writer keeps the lock file open between writes; one that waited on a file since removed
    (and made anew) must lock the new one, or two processes would write at once."""
    lock = StoreLock(tmp_path, timeout=5)
    with lock.writing():
        pass  # the descriptor is now open on the first file
    (tmp_path / ".lock").unlink()
    holder = _holder(tmp_path / ".lock")  # makes and holds the new file
    try:
        with pytest.raises(StoreError, match="busy"):
            with StoreLock(tmp_path, timeout=0.2).writing():
                pass
        lock.timeout = lock._file_lock.timeout = 0.2
        with pytest.raises(StoreError, match="busy"):
            with lock.writing():
                pytest.fail("locked the removed file, not the one other writers lock")
    finally:
        holder.communicate("")
    with lock.writing():
        assert os.path.samestat(os.stat(tmp_path / ".lock"), os.fstat(lock._file_lock._descriptor))


def test_a_process_forked_while_the_lock_is_held_does_not_share_it(tmp_path):
    lock = StoreLock(tmp_path, timeout=0.2)
    with lock.writing():
        child = os.fork()
        if child == 0:  # the child: the parent still holds the lock, so this must time out
            try:
                with lock.writing():
                    os._exit(1)
            except StoreError:
                os._exit(0)
            os._exit(2)
        _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with lock.writing():  # the child's attempt did not let go of the parent's lock file
        pass
