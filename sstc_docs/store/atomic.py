"""Durable, all-or-nothing file replacement: the only way the store puts bytes on disk.

Why: TinyDB's JSONStorage rewrites its file in place, so a crash or a full disk halfway through a
write leaves a truncated JSON file and the whole shard is lost. Here a new file is written beside
the old one, flushed and fsynced, then swapped in with ``os.replace`` (atomic on POSIX), and the
folder is fsynced so the swap itself survives a power cut. A reader therefore sees either the old
file or the new one, never a mixture, and a failed write leaves the old file untouched.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator, NamedTuple

from ..errors import StoreError


class Signature(NamedTuple):
    """What a file looks like from ``stat``: enough to tell, without reading it, that it changed.

    Shards and the journal only ever grow (versions are appended, never removed), and every other
    file is replaced by a new inode, so (size, mtime_ns, inode) differs after every write even when
    the clock tick is coarse.
    """

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> "Signature":
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def signature_of(path: Path) -> Signature | None:
    """The file's signature, or None if there is no such file."""
    try:
        return Signature.of(os.stat(path))
    except FileNotFoundError:
        return None


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new entry in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def ensure_folder(folder: Path) -> None:
    """Create ``folder`` (and parents) durably, so a file renamed into it cannot vanish with it."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        try:
            created.mkdir()
        except FileExistsError:
            pass  # another process made it first: just as good
        fsync_folder(created.parent)


class PendingFile:
    """The new content being written; ``signature`` is set once it has replaced the target."""

    def __init__(self, handle: BinaryIO):
        self._handle = handle
        self.signature: Signature | None = None

    def write(self, payload: bytes) -> int:
        return self._handle.write(payload)

    def write_at(self, offset: int, payload: bytes) -> None:
        """Overwrite bytes written before: a fixed-width field at the start (a checksum) filled in
        once the rest has streamed out, so a large file need not be held in memory to write it."""
        self._handle.flush()
        if os.pwrite(self._handle.fileno(), payload, offset) != len(payload):
            raise OSError(errno.ENOSPC, "the disk took only part of the write")


@contextmanager
def atomic_writer(path: Path) -> Iterator[PendingFile]:
    """Yield a file to write; when the block ends normally it replaces ``path`` in one step.

    On any error the temporary file is removed, ``path`` is left exactly as it was, and the error
    is raised as a StoreError naming the file (an OSError such as a full disk becomes one).
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        ensure_folder(path.parent)
        handle = open(temp, "xb")
    except OSError as error:
        raise _write_failed(path, error) from error
    pending = PendingFile(handle)
    try:
        yield pending
        handle.flush()
        os.fsync(handle.fileno())
        signature = Signature.of(os.fstat(handle.fileno()))
        handle.close()
        os.replace(temp, path)
    except BaseException as error:
        try:
            handle.close()  # may try to flush what a full disk refused once more, and fail again
        except OSError:
            pass
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise _write_failed(path, error) from error
        raise
    fsync_folder(path.parent)
    pending.signature = signature  # rename keeps inode, size and mtime, so this is the file's now


def _write_failed(path: Path, error: OSError) -> StoreError:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        remedy = (f"the folder {path.parent} is read-only for you; ask its owner for write access, or use a "
                  "writable copy of the database")
    else:
        remedy = "free some disk space (or fix the folder's permissions) and try again"
    return StoreError(f"Could not write {path}: {error.strerror or error}. Nothing was changed; {remedy}.")


def atomic_write_bytes(path: Path, payload: bytes) -> Signature:
    """Replace ``path`` with ``payload`` atomically and durably; returns the new file's signature."""
    with atomic_writer(path) as pending:
        pending.write(payload)
    assert pending.signature is not None
    return pending.signature


# The temporary name atomic_writer gives: .{target name}.{pid}.{8 hex digits}.tmp
_TEMPORARY = re.compile(r"^\..+\.(?P<pid>[1-9][0-9]{0,9})\.[0-9a-f]{8}\.tmp$")


def remove_stale_temporaries(folder: Path) -> int:
    """Delete the temporary files that killed writers left in ``folder`` and below; returns how many.

    Why: a writer killed between creating its temporary file and renaming it (SIGKILL, power cut)
    leaves the file for ever, and they add up. Only a temporary whose writer is gone is removed:
    its name carries the writer's pid, and ``os.kill(pid, 0)`` says whether that process still
    exists. So this is safe while other processes write: a live writer's file is never touched,
    and a dead writer's file is never renamed by anyone. A pid reused by an unrelated process only
    keeps a stale file until a later call. It assumes the writers run on this machine (in this pid
    namespace), as the file lock does.
    """
    removed = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            match = _TEMPORARY.match(name)
            if match and not _process_exists(int(match.group("pid"))):
                try:
                    os.unlink(os.path.join(parent, name))
                except FileNotFoundError:
                    continue  # another process cleaned it up first
                removed += 1
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process; a number no pid can be
        return False
    except PermissionError:  # it exists, run by another user
        return True
    return True
