"""The audit trail and the chain: an append-only JSON-lines file, one line per version, in ``seq`` order.

Why a journal rather than deriving ``changes()`` from the shards: "the last 200 changes by
anyone" would otherwise mean reading every shard (hundreds of MB at the design point), or
keeping every version's metadata in memory. Reading the file backwards gives the newest first.

Why a chain: each line carries ``chain`` = SHA-256 of the previous line's chain and this
version's hash, so the journal as a whole commits to every version ever recorded, in order.
Removing a version or a whole record from the shards leaves its line (and the chain) pointing at
it; removing the line breaks the chain at the next one. ``verify`` checks both directions.

Lines are written only inside a commit (commit.py): at a known offset, all of a unit's lines in
one write, redone from the commit record after a crash. So every line stands for a stored
version; none is a leftover to be skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from .atomic import atomic_write_bytes

BLOCK = 1 << 16
#: The first block read from the end: a line is a few hundred bytes, and a save reads the last
#: line twice (the chain to continue, where to write), so it should not cost a whole BLOCK.
TAIL_BLOCK = 1 << 12


#: A summary this far behind the journal is rewritten when the store closes; closer, the lines
#: after it are simply read again by the next process (a megabyte is a few dozen milliseconds).
SUMMARY_LAG = 1 << 20
SUMMARY_FORMAT = 1


class ChangeJournal:
    def __init__(self, path: Path, summary: Path | None = None):
        """``summary``: where who has written and which records exist are kept between processes
        (a cache, like the catalogs): without it every process reads the whole journal once."""
        self.path = Path(path)
        self.summary = Path(summary) if summary is not None else None
        # Who has written and which records exist, read forward once and then only from where the
        # last read stopped (see _follow).
        self._authors: set[str] = set()
        self._records: dict[str, set[int]] = {}   # kind -> record_key(id): small at 100,000 records
        self._read: tuple[int, int] = (0, 0)  # (inode, bytes read)
        self._summarized = 0  # the offset the summary on disk reaches, as far as this process knows
        self._resume: tuple[int, int, int] = (0, -1, 0)  # (inode, seq, offset just after its line)

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def end(self) -> int:
        """Where the next line goes: after the last complete line (a torn tail is cut off)."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return 0
        with handle:
            position = handle.seek(0, os.SEEK_END)
            block = TAIL_BLOCK
            while position > 0:
                step = min(block, position)
                handle.seek(position - step)
                newline = handle.read(step).rfind(b"\n")
                if newline >= 0:
                    return position - step + newline + 1
                position -= step
                block = BLOCK
            return 0

    def last(self) -> dict | None:
        """The newest readable line (the chain continues from it), or None for an empty journal."""
        return next(self.newest_first(), None)

    def newest_first(self) -> Iterator[dict]:
        """Every readable entry, last written first; torn or damaged lines are skipped."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return
        with handle:
            position = handle.seek(0, os.SEEK_END)
            carry = b""
            block = TAIL_BLOCK
            while position > 0:
                step = min(block, position)
                block = BLOCK
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
        """Everyone with a line in the journal."""
        self._follow()
        return set(self._authors)

    def recorded(self, kind: str, record_id: str) -> bool:
        """Whether the record ever had a version: so a data file that lost it is an error, never
        "not found" followed by a new version 1 that replaces its history."""
        self._follow()
        return record_key(record_id) in self._records.get(kind, ())

    def record_count(self, kind: str) -> int:
        """How many records of ``kind`` ever had a version."""
        self._follow()
        return len(self._records.get(kind, ()))

    def after(self, seq: int, limit: int) -> list[dict]:
        """Lines with ``seq`` above the one given, oldest first, at most ``limit``. Near the end it
        reads backwards; further back it reads forwards from where the previous call stopped, so an
        index catching up from the start reads the journal once, not once per batch."""
        last = self.last()
        if last is None or int(last.get("seq") or 0) <= seq:
            return []
        if int(last["seq"]) - seq <= limit:
            found = []
            for entry in self.newest_first():
                if not isinstance(entry.get("seq"), int) or entry["seq"] <= seq:
                    break
                found.append(entry)
            return found[::-1]
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return []
        with handle:
            inode = os.fstat(handle.fileno()).st_ino
            resume = self._resume
            offset = resume[2] if resume[:2] == (inode, seq) else 0
            handle.seek(offset)
            found: list[dict] = []
            for line in handle:
                offset += len(line)
                entry = _parse(line)
                if entry is None or not isinstance(entry.get("seq"), int) or entry["seq"] <= seq:
                    continue
                found.append(entry)
                if len(found) >= limit:
                    break
        if found:
            self._resume = (inode, found[-1]["seq"], offset)
        return found

    def oldest_first(self) -> Iterator[dict | None]:
        """Every line in order, None for one that cannot be read (for ``verify``), read as it goes:
        the design point's journal parsed whole would hold some 200 MB."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                if line.strip():
                    yield _parse(line)

    def save_summary(self) -> None:
        """Keep what ``_follow`` has read for the next process, if it is well ahead of the summary
        on disk. The summary names the chain of the line it reaches: the chain commits to every
        line before it, so a journal rewritten, restored or cut since is recognised and read afresh."""
        inode, offset = self._read
        if self.summary is None or offset == 0 or offset - self._summarized < SUMMARY_LAG:
            return
        try:
            with open(self.path, "rb") as handle:
                if os.fstat(handle.fileno()).st_ino != inode:
                    return
                chain = _chain_ending_at(handle, offset)
        except FileNotFoundError:
            return
        if chain is None:
            return
        atomic_write_bytes(self.summary, json.dumps({
            "format": SUMMARY_FORMAT, "offset": offset, "chain": chain, "authors": sorted(self._authors),
            "records": {kind: sorted(keys) for kind, keys in self._records.items()}}).encode("utf-8"))
        self._summarized = offset

    def _load_summary(self, handle, size: int) -> int:
        """Fill authors and records from the summary if it describes the start of this journal;
        returns the offset it reaches (0: none usable, read it all)."""
        if self.summary is None:
            return 0
        try:
            summary = json.loads(self.summary.read_bytes())
            offset, chain = summary["offset"], summary["chain"]
            if (summary["format"] != SUMMARY_FORMAT or not isinstance(offset, int) or not 0 < offset <= size
                    or _chain_ending_at(handle, offset) != chain):
                return 0
            authors = {a for a in summary["authors"] if isinstance(a, str)}
            records = {kind: set(keys) for kind, keys in summary["records"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return 0  # missing or damaged: only a cache
        self._authors, self._records, self._summarized = authors, records, offset
        return offset

    def rewrite(self, entries: Iterable[dict]) -> None:
        """Replace the whole journal (``verify --repair`` rebuilding it from the data files)."""
        atomic_write_bytes(self.path, encode_lines(entries))
        self._authors, self._records, self._read = set(), {}, (0, 0)

    def _follow(self) -> None:
        """Read what was appended since the last call: the file only grows, so what was read stays
        true (a rewrite or a restore replaces it: a new inode, and it is read afresh). Fields are
        picked out by pattern, not parsed: the first read of a 30 MB journal stays well under a second."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            self._authors, self._records, self._read = set(), {}, (0, 0)
            return
        with handle:
            status = os.fstat(handle.fileno())
            inode, offset = self._read
            if status.st_ino != inode or offset > status.st_size:
                self._authors, self._records = set(), {}
                offset = self._load_summary(handle, status.st_size)
            handle.seek(offset)
            data = handle.read()
        complete = data.rfind(b"\n") + 1  # a last line without its newline may still be being written
        chunk = data[:complete]
        for kind, record_id in _RECORD.findall(chunk):
            self._records.setdefault(kind.decode(), set()).add(record_key(_unquote(record_id)))
        for author in set(_AUTHOR.findall(chunk)):
            self._authors.add(_unquote(author))
        self._read = (status.st_ino, offset + complete)


_RECORD = re.compile(rb'^\{"kind":"([a-z0-9_]+)","id":"((?:[^"\\]|\\.)*)"', re.M)
_AUTHOR = re.compile(rb'"author":"((?:[^"\\]|\\.)*)"')


def record_key(record_id: str) -> int:
    """What ``recorded`` keeps of an id: 8 bytes, the same in every process (``hash`` is salted per
    run), so the summary can carry it; a collision among 100,000 ids has odds of about 1 in 10^9."""
    return int.from_bytes(hashlib.blake2b(record_id.encode("utf-8"), digest_size=8).digest(), "big")


def _chain_ending_at(handle, offset: int) -> str | None:
    """The chain of the journal line that ends exactly at ``offset``, or None."""
    start = max(0, offset - BLOCK)
    handle.seek(start)
    tail = handle.read(offset - start)
    if not tail.endswith(b"\n"):
        return None
    newline = tail.rfind(b"\n", 0, len(tail) - 1)
    if newline < 0 and start > 0:
        return None
    entry = _parse(tail[newline + 1:])
    chain = entry.get("chain") if entry else None
    return chain if isinstance(chain, str) else None


def _unquote(raw: bytes) -> str:
    return json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode("utf-8", "replace")


def chain_link(previous_chain: str, version_hash: str) -> str:
    """The journal's running hash: each line commits to every line before it."""
    return hashlib.sha256(f"{previous_chain}:{version_hash}".encode()).hexdigest()


def encode_lines(entries: Iterable[dict]) -> bytes:
    return b"".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for e in entries)


def _parse(line: bytes) -> dict | None:
    if not line.strip():
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None
