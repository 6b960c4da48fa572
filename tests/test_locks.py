"""The write lock's failures are database errors that say what to do, whatever the operating system says."""

from __future__ import annotations

import errno

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
