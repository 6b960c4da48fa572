"""Where each record's versions live: one small TinyDB file per (kind, hash of record id).

Why shards: TinyDB reads and rewrites its whole file on every change, so one file holding the
design point (50,000 paper versions, 100,000 evidence records) would make each save cost seconds.
Split by a stable hash of the id into enough files that each stays around 100 KB, a save rewrites
one small file and a read parses one small file, whatever the size of the archive.

Layout: ``<db>/shards/<kind>.<count>/<nnnn>.json``. The shard count is part of the folder name so
that a database describes itself: changing a kind's shard count later (it is declared with the kind,
domain/records.py) never strands existing records (the folder already on disk wins).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tinydb import TinyDB, where

from ..errors import StoreError
from .atomic import Signature, signature_of
from .commit import Write
from .storage import (SHARD_TAIL, ScanMemo, ShardHash, ShardStorage, appended_to_shard, content_digest,
                      encode_shard, versions_taken)
from .versions import json_copy

#: For a kind whose count is not given (the store serves any kind the services declare).
DEFAULT_SHARD_COUNT = 64
SHARD_FILE = re.compile(r"^(\d{4})\.json$")


def shard_number(record_id: str, count: int) -> int:
    """Stable across processes and Python versions (unlike ``hash()``, which is salted per run)."""
    digest = hashlib.blake2b(record_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


class ShardLayout:
    """Maps a kind and record id to a shard file, and lists a kind's shard files with signatures."""

    def __init__(self, root: Path, counts: dict[str, int] | None = None):
        self.root = Path(root)
        self._wanted = dict(counts or {})
        self._counts: dict[str, int] = {}

    def count(self, kind: str) -> int:
        if kind not in self._counts:
            found = [int(p.name.split(".", 1)[1]) for p in self._kind_folders() if p.name.split(".", 1)[0] == kind]
            if len(found) > 1:
                raise StoreError(f"{self.root} holds several shard folders for '{kind}' "
                                 f"({', '.join(f'{kind}.{n}' for n in found)}); keep only one.")
            self._counts[kind] = found[0] if found else self._wanted.get(kind, DEFAULT_SHARD_COUNT)
        return self._counts[kind]

    def kinds(self) -> list[str]:
        """Every kind that has a shard folder on disk."""
        return sorted(p.name.split(".", 1)[0] for p in self._kind_folders())

    def folder(self, kind: str) -> Path:
        return self.root / f"{kind}.{self.count(kind)}"

    def path(self, kind: str, number: int) -> Path:
        return self.folder(kind) / f"{number:04d}.json"

    def number(self, kind: str, record_id: str) -> int:
        return shard_number(record_id, self.count(kind))

    def signatures(self, kind: str) -> dict[int, Signature]:
        """The signature of every shard file of ``kind`` now on disk: a few µs per file, no reads."""
        result: dict[int, Signature] = {}
        try:
            entries = os.scandir(self.folder(kind))
        except FileNotFoundError:
            return result
        with entries:
            for entry in entries:
                match = SHARD_FILE.match(entry.name)
                if match:
                    try:
                        result[int(match.group(1))] = Signature.of(entry.stat())
                    except FileNotFoundError:
                        continue
        return result

    def has_shards(self) -> bool:
        return any(self.signatures(kind) for kind in self.kinds())

    def _kind_folders(self) -> list[Path]:
        try:
            return [p for p in self.root.iterdir() if p.is_dir() and re.fullmatch(r"[a-z][a-z0-9_]*\.\d+", p.name)]
        except FileNotFoundError:
            return []


class Shard:
    """One TinyDB file of version documents. ``stage`` (then a commit) is the only way a shard
    ever changes; TinyDB reads and queries it."""

    TABLE = "versions"

    def __init__(self, path: Path, settle: Callable[[], bool] | None = None, scans: ScanMemo | None = None):
        """``settle``: see ``ShardStorage`` (None: a file that does not read whole is damaged);
        ``scans``: the memo the store's shards share (``ScanMemo``)."""
        self.path = Path(path)
        self._db = TinyDB(str(self.path), storage=ShardStorage, settle=settle, scans=scans)
        # No query cache: another process may change the file, and TinyDB's cache would not know.
        self._table = self._db.table(self.TABLE, cache_size=0)

    @property
    def signature(self) -> Signature | None:
        """Signature of the content last parsed (None while there is none: no file, or a commit
        replaced it since)."""
        return self._db.storage.signature

    @property
    def digest(self) -> str | None:
        """Content digest of what was last parsed or written (storage.content_digest)."""
        return self._db.storage.digest

    def documents(self) -> list[dict]:
        """Every version document in the shard, as stored (read-only by convention: callers copy)."""
        return list(self._table.all())

    def versions_of(self, record_id: str) -> list[dict]:
        """One record's version documents, oldest first, decoded or copied for the caller alone. A
        file changed since it was last parsed (or never parsed: a read of a record chosen at
        random) is not parsed whole: its lines are scanned and only the record's own are decoded
        (``read_lines``), a small part of the cost."""
        found = self._db.storage.read_lines(record_id)
        if found is None:
            found = [json_copy(d) for d in self._table.search(where("id") == record_id)]
        return sorted(found, key=lambda d: d["version"])

    @property
    def seen(self) -> Signature | None:
        """Signature of the bytes the last read came from, parsed whole or scanned by lines."""
        return self._db.storage.seen

    def stage(self, documents: list[dict], trusted: str | None = None) -> "StagedShard":
        """The shard's next content, with ``documents`` added, as the write a commit makes
        (commit.py): from where the closing ``}}`` is, the new lines and a new ``}}``. Nothing is
        written here. Refuses if any (id, version) is already present, so even a bug higher up
        cannot overwrite a stored version.

        A file whose bytes are known whole — their digest is ``trusted`` (the heads index's, of the
        content it was built from) or the one this shard last read whole or wrote — is not parsed
        again; any other is parsed whole first, so a damaged shard is refused and left as it is.
        Then its lines are scanned, only the staged records' own decoded, and the new lines put
        after them (``appended_to_shard``); a file in another layout is written anew, one version
        to a line (a write from the start of the file)."""
        storage = self._db.storage
        found = storage.raw()
        scanned = (0, frozenset()) if found is None else None  # (highest document number, versions held)
        if found is not None:
            hashed = ShardHash.of(found[1])  # every time: an edit may keep size, time and inode
            if hashed.digest not in {trusted, storage.digest}:
                storage.load()  # parsed whole: a damaged file is refused here
            if hashed.digest in {trusted, storage.digest} and hashed.before_tail is not None:
                scanned = storage.scans.versions(self.path, found[1], {d["id"] for d in documents})
        if scanned is not None:
            last_number, taken = scanned
            self._refuse_overwriting(taken, documents)
            payload = appended_to_shard(found[1] if found else None, last_number, documents)
            if found is None:
                return StagedShard(self, Write(self.path, 0, payload), content_digest(payload))
            offset = len(found[1]) - len(SHARD_TAIL)  # appended_to_shard keeps every byte before
            return StagedShard(self, Write(self.path, offset, payload[offset:]), hashed.appended(payload[offset:]))
        current = storage.read() or {}
        table = dict(current.get(self.TABLE, {}))
        self._refuse_overwriting(versions_taken(table.values()), documents)
        first = max((int(k) for k in table), default=0) + 1
        for number, document in enumerate(documents, start=first):
            table[str(number)] = document
        payload = encode_shard({**current, self.TABLE: table})
        return StagedShard(self, Write(self.path, 0, payload), content_digest(payload))

    def _refuse_overwriting(self, stored: frozenset[tuple[str, int]], documents: list[dict]) -> None:
        taken = set(stored)
        for document in documents:
            key = (document["id"], document["version"])
            if key in taken:
                raise StoreError(f"{self.path} already holds version {key[1]} of {key[0]}; versions are "
                                 "never overwritten.")
            taken.add(key)

    def close(self) -> None:
        self._db.close()


@dataclass
class StagedShard:
    shard: Shard
    write: Write
    digest: str  # of the whole file once written

    def published(self) -> Signature | None:
        """The write is made: the file is the shard's new content, with this signature."""
        signature = signature_of(self.shard.path)
        self.shard._db.storage.written(signature, self.digest)
        return signature


def shard_content(documents: list[dict]) -> bytes:
    """A whole shard file holding ``documents`` (for a restore, which writes shards afresh)."""
    return encode_shard({Shard.TABLE: {str(i + 1): d for i, d in enumerate(documents)}})


class ShardCache:
    """The most recently used shards, kept open with their parsed content.

    Bounded because the whole archive parsed into Python objects would take gigabytes; the
    index of heads, not this cache, is what keeps listings fast.
    """

    def __init__(self, layout: ShardLayout, capacity: int = 64, settle: Callable[[], bool] | None = None):
        self.layout = layout
        self.capacity = capacity
        self._settle = settle
        self._scans = ScanMemo()
        self._open: OrderedDict[tuple[str, int], Shard] = OrderedDict()

    def get(self, kind: str, number: int) -> Shard:
        key = (kind, number)
        shard = self._open.get(key)
        if shard is None:
            shard = self._open[key] = Shard(self.layout.path(kind, number), self._settle, self._scans)
            while len(self._open) > self.capacity:
                self._open.popitem(last=False)[1].close()
        else:
            self._open.move_to_end(key)
        return shard

    def clear(self) -> None:
        while self._open:
            self._open.popitem()[1].close()
