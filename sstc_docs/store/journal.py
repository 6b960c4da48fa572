"""The audit trail: an append-only JSON-lines file of version metadata, one line per version.

Why a journal rather than deriving ``changes()`` from the shards: "the last 200 changes by
anyone" would otherwise mean reading every shard (hundreds of MB at the design point), or
keeping every version's metadata in memory. Appending one line is cheap and reading the file
backwards gives the newest changes first at once.

Why the line is written *before* the shard: a crash between the two then leaves a line for a
version that was never stored (a "phantom"), which readers can recognise and skip (the record's
latest stored version is lower, or a later line for the same version supersedes it), whereas
the other order would leave a stored version missing from the audit trail with no trace.
A line torn by a crash or a full disk is unreadable JSON and is skipped; the next append starts
on a fresh line so a torn line never swallows a good one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import StoreError
from .atomic import ensure_folder, fsync_folder

BLOCK = 1 << 16


class ChangeJournal:
    def __init__(self, path: Path):
        self.path = Path(path)
        # Who has written, read forward once and then only from where the last read stopped: the
        # file is append-only, so what was read stays true (a restore replaces the file: new inode).
        self._authors: set[str] = set()
        self._authors_read: tuple[int, int] = (0, 0)  # (inode, bytes read)

    def append(self, entries: Iterable[dict]) -> None:
        """Append entries durably (one write, one fsync). Call with the database's write lock held."""
        payload = b"".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                           for e in entries)
        if not payload:
            return
        ensure_folder(self.path.parent)
        created = not self.path.exists()
        try:
            with open(self.path, "ab+") as handle:
                if handle.tell() > 0:
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":
                        payload = b"\n" + payload  # the previous append was torn: start afresh
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise StoreError(f"Could not write {self.path}: {error.strerror or error}. Nothing was saved; "
                             "free some disk space and try again.") from error
        if created:
            fsync_folder(self.path.parent)

    def newest_first(self) -> Iterator[dict]:
        """Every readable entry, last written first; torn or damaged lines are skipped."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return
        with handle:
            position = handle.seek(0, os.SEEK_END)
            carry = b""
            while position > 0:
                step = min(BLOCK, position)
                position -= step
                handle.seek(position)
                lines = (handle.read(step) + carry).split(b"\n")
                carry = lines.pop(0)  # may be the tail end of a line that starts in the block before
                for line in reversed(lines):
                    entry = _parse(line)
                    if entry is not None:
                        yield entry
            entry = _parse(carry)
            if entry is not None:
                yield entry


    def authors(self) -> set[str]:
        """Everyone with a line in the journal (a phantom line's author too: only a crash makes one)."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return set()
        with handle:
            inode = os.fstat(handle.fileno()).st_ino
            known_inode, offset = self._authors_read
            if inode != known_inode or offset > os.fstat(handle.fileno()).st_size:
                self._authors, offset = set(), 0
            handle.seek(offset)
            data = handle.read()
        complete = data.rfind(b"\n") + 1  # a last line without its newline may still be being written
        for line in data[:complete].split(b"\n"):
            entry = _parse(line)
            if entry is not None and isinstance(entry.get("author"), str):
                self._authors.add(entry["author"])
        self._authors_read = (inode, offset + complete)
        return set(self._authors)


def _parse(line: bytes) -> dict | None:
    if not line.strip():
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None
