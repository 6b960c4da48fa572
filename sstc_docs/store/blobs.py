"""Attachments stored by content: the file's SHA-256 is its name, so it is written once.

Why content addressing: an evidence record points at its attachment by hash, so a record's
versions can share one file, the same upload twice costs nothing, and a damaged file is detected
on read (its content no longer matches its name). Layout ``<db>/blobs/ab/cdef…`` keeps any one
folder small.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterator

from ..errors import NotFound, StoreError, ValidationError
from .atomic import atomic_write_bytes

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        if not isinstance(sha, str) or not SHA256.match(sha):
            raise ValidationError(f"'{sha}' is not a SHA-256 hash (64 lower-case hex digits)", field="sha")
        return self.root / sha[:2] / sha[2:]

    def put(self, data: bytes) -> str:
        """Store ``data`` once; saving the same bytes again changes nothing and returns the same hash."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValidationError(f"an attachment must be bytes, not {type(data).__name__}", field="data")
        data = bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        path = self.path(sha)
        if not (path.exists() and path.stat().st_size == len(data)):
            atomic_write_bytes(path, data)
        return sha

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def read(self, sha: str) -> bytes:
        path = self.path(sha)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"There is no attachment {sha} in the database.") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise StoreError(f"The attachment file {path} is damaged (its content no longer matches its "
                             "name). Restore it from a backup.")
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
