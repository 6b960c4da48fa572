"""Attachments stored by content: the file's SHA-256 is its name, so it is written once.

Why content addressing: an evidence record points at its attachment by hash, so a record's
versions can share one file, the same upload twice costs nothing, and a damaged file is detected
on read (its content no longer matches its name). Layout ``<db>/blobs/ab/cdef…`` keeps any one
folder small. Storing a file again checks the stored copy by its hash, not its size, and replaces
it if damaged: uploading the original is how a damaged attachment is repaired.

A file given by its path is read in chunks and hashed as it is written, never held in memory
whole, so large attachments cost memory in proportion to the chunk, not the file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterator

from ..errors import NotFound, StoreError, ValidationError
from .atomic import atomic_write_bytes, atomic_writer

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


def file_digest(path: Path, max_bytes: int | None = None) -> tuple[str, int]:
    """The SHA-256 and size of the file at ``path``, read in chunks. With ``max_bytes``, reading
    stops once more than that has been read: the size returned then only says "too large"."""
    hasher, size = hashlib.sha256(), 0
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                break
    return hasher.hexdigest(), size


def check_sha(sha: object) -> str:
    """An attachment's name as both engines take it: a SHA-256 in lower-case hex, else ValidationError."""
    if not isinstance(sha, str) or not SHA256.match(sha):
        raise ValidationError(f"'{sha}' is not a SHA-256 hash (64 lower-case hex digits)", field="sha")
    return sha


class BlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        sha = check_sha(sha)
        return self.root / sha[:2] / sha[2:]

    def put(self, data: bytes | Path) -> str:
        """Store ``data`` (bytes, or the path of a file) once and return its hash. Storing the same
        content again changes nothing, unless the stored copy is damaged: then it is replaced."""
        if isinstance(data, Path):
            return self._put_file(data)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValidationError(f"an attachment must be bytes or a file, not {type(data).__name__}", field="data")
        data = bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        path = self.path(sha)
        if not self._intact(path, sha):
            atomic_write_bytes(path, data)
        return sha

    def _put_file(self, source: Path) -> str:
        """Two reads, so that the blob's name is known before it is written: hash, then copy while
        hashing again, so a file that changed in between is refused rather than misnamed."""
        try:
            sha, _ = file_digest(source)
        except OSError as error:
            raise ValidationError(f"cannot read {source}: {error.strerror or error}", field="file") from None
        path = self.path(sha)
        if self._intact(path, sha):
            return sha
        with atomic_writer(path) as pending, open(source, "rb") as file:
            hasher = hashlib.sha256()
            while chunk := file.read(CHUNK):
                hasher.update(chunk)
                pending.write(chunk)
            if hasher.hexdigest() != sha:
                raise ValidationError(f"{source} changed while it was being stored; nothing was written. "
                                      "Attach it again once nothing is changing it.", field="file")
        return sha

    @staticmethod
    def _intact(path: Path, sha: str) -> bool:
        """Whether ``path`` holds exactly the content named ``sha``."""
        try:
            return file_digest(path)[0] == sha
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def read(self, sha: str) -> bytes:
        path = self.path(sha)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"There is no attachment {sha} in the database.") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise StoreError(f"The attachment file {path} is damaged (its content no longer matches its name). "
                             "Attach the original file again (that replaces the damaged copy) or restore a backup.")
        return data

    def all(self) -> Iterator[str]:
        """Every stored hash, in order."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and re.fullmatch(r"[0-9a-f]{2}", folder.name):
                for file in sorted(folder.iterdir()):
                    if SHA256.match(folder.name + file.name):
                        yield folder.name + file.name
