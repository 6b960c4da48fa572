"""The write lock's failures are database errors that say what to do, whatever the operating system says."""

from __future__ import annotations

import errno
import os

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


def test_a_forked_child_waits_for_the_lock_its_parent_holds_and_takes_it_once_let_go(tmp_path):
    """The child inherits the parent's open lock file; it must not count the parent's hold as its
    own (nor, by closing its copy, let go of the parent's)."""
    lock = StoreLock(tmp_path, timeout=0.3)

    def in_child(check) -> int:
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(0 if check() else 1)
            except BaseException:
                os._exit(2)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    def busy() -> bool:
        try:
            with lock.writing():
                return False
        except StoreError as error:
            return "busy" in str(error)

    def free() -> bool:
        with lock.writing():
            return True

    with lock.writing():
        assert in_child(busy) == 0
        with lock.writing():  # the parent re-enters its own hold
            assert in_child(busy) == 0
        assert in_child(busy) == 0  # still held after the inner release
    assert in_child(free) == 0
    with lock.writing():  # the children's copies let go of nothing the parent took again
        assert in_child(busy) == 0


def test_a_lock_file_removed_while_unheld_is_made_again(tmp_path):
    lock = StoreLock(tmp_path)
    with lock.writing():
        pass
    (tmp_path / ".lock").unlink()
    with lock.writing():
        assert (tmp_path / ".lock").is_file()


def test_a_child_forked_inside_the_lock_leaves_it_held_by_the_parent(tmp_path):
    lock = StoreLock(tmp_path, timeout=0.3)
    pid = None
    try:
        with lock.writing():
            pid = os.fork()
            if pid:
                os.waitpid(pid, 0)  # the child has left the block: its release must not be the parent's
                with pytest.raises(StoreError, match="busy"):
                    with StoreLock(tmp_path, timeout=0.3).writing():
                        pass
    finally:
        if pid == 0:
            os._exit(0)
