"""The catalog: the heads index of one kind saved to disk, so a cold open need not read shards.

It is a cache and nothing but a cache. Each shard's entry carries the signature and the content
digest of the shard its heads were taken from; on open, a shard whose file signature differs is
hashed (unless only its inode differs: index.KindIndex.is_moved_only), and read again only if
its content differs too (so a copied folder opens from its catalog: a copy changes inodes and
often mtimes, never content). A missing, damaged, outdated or foreign catalog is ignored and
rebuilt from the shards, which are the only source of truth; that is never an error.

Why per kind: the evidence catalog (100,000 heads) is by far the largest; listing papers should
not have to parse it, and rewriting the paper catalog should not mean rewriting it.
"""

from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .atomic import PendingFile, Signature, atomic_writer
from .index import Head, KindIndex, Summarize, collector_paused
from .storage import JSONFile, encode_json

CATALOG_FORMAT = 6  # 6: a header line, then a line per shard


def summarizer_fingerprint(summarize: Summarize | None) -> str:
    """Identifies the summary hook, so summaries made by a different hook (or an edited one) are
    not served from the catalog: its name, bytecode, constants and names are hashed."""
    if summarize is None:
        return "none"
    name = f"{getattr(summarize, '__module__', '')}.{getattr(summarize, '__qualname__', type(summarize).__name__)}"
    code = getattr(summarize, "__code__", None)
    return hashlib.sha256(f"{name}\n{_code_text(code) if code else ''}".encode()).hexdigest()[:16]


def _code_text(code: Any) -> str:
    """Bytecode and constants as text that is the same in every process: frozensets are sorted
    (their order follows the per-process string hash seed) and nested code is described, not
    shown by its memory address."""
    def const(value: Any) -> str:
        if hasattr(value, "co_code"):
            return "code(" + _code_text(value) + ")"
        if isinstance(value, frozenset):
            return "frozenset(" + ",".join(sorted(const(v) for v in value)) + ")"
        if isinstance(value, tuple):
            return "(" + ",".join(const(v) for v in value) + ")"
        return repr(value)
    return f"{code.co_code.hex()}|{const(code.co_consts)}|{code.co_names}"


class CatalogContent:
    """A catalog as read: its header (format, kind, shard count, summarizer, summary keys) parsed,
    its shards' lines not yet. A line is parsed only when ``shards()`` reaches it, so opening the
    design point's evidence catalog holds one shard's parsed rows beside the heads at a time, not
    all 100,000 rows at once (whose freed remains kept the server's memory 70 MB larger)."""

    def __init__(self, header: Any, raw: bytes, lines_from: int):
        self.header = header
        self._raw = raw  # the file's bytes; its shards' lines start at ``lines_from``
        self._lines_from = lines_from

    def get(self, name: str, default: Any = None) -> Any:
        return self.header.get(name, default) if isinstance(self.header, dict) else default

    def shards(self) -> Iterator[tuple[int, Signature, str, list]]:
        """(number, signature, digest, rows) of each shard, in the file's order (ValueError,
        TypeError when a line is not what ``CatalogLines`` writes)."""
        raw, start = self._raw, self._lines_from
        while start < len(raw):
            end = raw.find(b"\n", start)
            end = len(raw) if end < 0 else end
            yield _parsed_line(raw[start:end])
            start = end + 1


def _parsed_line(line: bytes) -> tuple[int, Signature, str, list]:
    """A shard's line as ``CatalogLines`` writes it (ValueError, TypeError when it is not one)."""
    number, signature, digest, rows = json.loads(line)
    if not isinstance(number, int) or not isinstance(digest, str) or not isinstance(rows, list):
        raise ValueError("not a catalog line")
    return number, Signature(*signature), digest, rows


class CatalogFile(JSONFile):
    """The catalog's bytes: the SHA-256 of the body on the first line, then the body — a header
    line, then one line per shard. A hand edit that keeps the shards' signatures (so the file looks
    current) still changes the body, and the catalog is then rebuilt instead of believed. The
    checksum is of the bytes as written, so a cold open checks it at hashing speed instead of
    encoding 100,000 heads again to compare. (Written by ``CatalogLines``, a shard at a time.)

    An unreadable catalog is not a problem: it is reported as absent and then rebuilt."""

    def decode(self, raw: bytes) -> CatalogContent:
        # offsets into ``raw``, not slices of it: the evidence catalog is 36 MB, and each copy of its
        # body cost a cold open some 20 ms
        body_from = raw.find(b"\n") + 1
        if not body_from or raw[:body_from - 1] != hashlib.sha256(memoryview(raw)[body_from:]).hexdigest().encode():
            raise ValueError("its checksum does not match its content")
        lines_from = raw.find(b"\n", body_from) + 1 or len(raw)
        return CatalogContent(json.loads(raw[body_from:lines_from]), raw, lines_from)

    def unreadable(self, reason: str) -> Any:
        return None


class Catalog:
    """Reads a kind's catalog into a ``KindIndex`` and writes the index back."""

    def __init__(self, path: Path, kind: str, shard_count: int, summarize: Summarize | None):
        self.file = CatalogFile(path)
        self.kind = kind
        self.shard_count = shard_count
        self.fingerprint = summarizer_fingerprint(summarize)

    def load_into(self, index: KindIndex) -> bool:
        """Fill ``index`` from the catalog; False (index untouched) if there is no usable catalog."""
        with collector_paused():
            return self._load_into(index)

    def _load_into(self, index: KindIndex) -> bool:
        content = self._usable()
        if content is None:
            return False
        try:
            shards = list(_with_heads(content.get("summary_keys") or [], content.shards()))
        except (TypeError, ValueError, KeyError, IndexError):
            return False
        for number, signature, digest, heads in shards:
            index.load_shard(number, heads, signature, digest)
        return True

    def scan(self) -> "CatalogScan":
        """The catalog read a line at a time, its checksum checked as it goes (for ``verify``)."""
        return CatalogScan(self)

    def _usable(self) -> CatalogContent | None:
        """The catalog as read, if it is one of this kind, shard count and summary hook: anything
        else (absent, damaged, edited by hand, outdated) is rebuilt from the shards."""
        content = self.file.load()
        self.file.forget()
        return content if content is not None and self.fits(content.header) else None

    def fits(self, header: Any) -> bool:
        """The header is of a catalog of this format, kind, shard count and summary hook."""
        return isinstance(header, dict) and (header.get("format"), header.get("kind"), header.get("shard_count"),
                                             header.get("summarizer")) == (CATALOG_FORMAT, self.kind,
                                                                           self.shard_count, self.fingerprint)

    @contextmanager
    def writing(self, summary_keys: list[str]) -> Iterator["CatalogLines"]:
        """Write the catalog a shard at a time (``CatalogLines.add``, in shard order), replacing
        the file in one step when the block ends; ``summary_keys`` are the keys of the first
        record's summary (the first shard's lowest id), which rows with the same keys share."""
        header = self._header(summary_keys)
        with collector_paused(), atomic_writer(self.file.path) as pending:  # paused: see save_from
            lines = CatalogLines(pending, header)
            yield lines
            lines.finish()
        self.file.forget()

    def _header(self, summary_keys: list[str]) -> dict:
        return {"format": CATALOG_FORMAT, "kind": self.kind, "shard_count": self.shard_count,
                "summarizer": self.fingerprint, "summary_keys": summary_keys}

    def save_from(self, index: KindIndex) -> None:
        """A shard's line is encoded again only if the catalog on disk has none made from the same
        content (its digest): the periodic rewrite after a quarter of the shards changed, and the
        one after a copied folder's signatures were restamped, copy every other line from the file
        (whose checksum is checked first) instead of encoding 100,000 heads again, a second of work
        at the design point. A line's heads follow from its shard's content and the summary hook
        alone (the header names the hook), so a copied line is the line encoding would give."""
        with collector_paused():  # a collection met on the way would scan every head (index.py)
            self._save_from(index)

    def _save_from(self, index: KindIndex) -> None:
        first = next((ids[0] for number in sorted(index.signatures) if (ids := index.members.get(number))), None)
        keys = list(index.heads[first].summary) if first is not None else []
        kept = self._lines_on_disk(self._header(keys), index.digests)
        with self.writing(keys) as lines:
            for number, signature in sorted(index.signatures.items()):
                digest = index.digests[number]
                rows = kept.pop(number, None)
                if rows is None:
                    lines.add(number, signature, digest, index.heads_of_shard(number))
                else:
                    lines.add_encoded(number, signature, digest, rows)
        index.unsaved.clear()
        index.restamped.clear()

    def _lines_on_disk(self, header: dict, digests: dict[int, str]) -> dict[int, bytes]:
        """From the catalog file, if it has this header and its checksum holds: each line made
        from a shard content indexed now (its digest in ``digests``), without its stamp (number,
        signature, digest). Read a line at a time, so the file is never held whole beside the
        lines kept."""
        kept: dict[int, bytes] = {}
        reading = _CheckedLines(self.file.path)
        lines = iter(reading)
        try:
            if json.loads(next(lines, b"null")) != header:
                return {}
        except ValueError:
            return {}
        for line in lines:
            stamp = _STAMP.match(line)
            if stamp is None:
                return {}
            number = int(stamp.group(1))
            if digests.get(number) == stamp.group(2).decode():
                kept[number] = line[stamp.end():].rstrip(b"\n")
        return kept if reading.intact else {}


class _CheckedLines:
    """A catalog file's lines, its header's first, read one at a time with the checksum of the
    body worked out on the way: ``intact`` is True once they were read to the end and the
    checksum holds. Nothing read is to be believed before then."""

    def __init__(self, path: Path):
        self.path = path
        self.intact = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            with open(self.path, "rb") as handle:
                checksum = handle.readline().rstrip(b"\n")
                body = hashlib.sha256()
                for line in handle:
                    body.update(line)
                    yield line
        except OSError:
            return
        self.intact = body.hexdigest().encode() == checksum


class CatalogLines:
    """A catalog being written: its lines go out as they come and the SHA-256 of the body is
    worked out on the way, then written over the placeholder that opens the file. Rows are
    lists, and summaries lists of values under shared keys: about half the size of a list of
    objects, and parsed about twice as fast on a cold open."""

    def __init__(self, pending: PendingFile, header: dict):
        self._pending = pending
        self._keys = header["summary_keys"]
        self._body = hashlib.sha256()
        pending.write(b"0" * self._body.digest_size * 2 + b"\n")
        self._write(encode_json(header))

    def add(self, number: int, signature: Signature, digest: str, heads: list[Head]) -> None:
        """The line of shard ``number``: its stamp (signature, content digest) and its heads, by id."""
        rows = []
        for head in heads:
            summary = list(head.summary.values()) if list(head.summary) == self._keys else head.summary
            rows.append([*head[:-1], summary])
        self.add_encoded(number, signature, digest, encode_json(rows) + b"]")

    def add_encoded(self, number: int, signature: Signature, digest: str, rows: bytes) -> None:
        """As ``add``, with the rows encoded as a line on disk has them, the bracket closing the
        line included (``_lines_on_disk``)."""
        # = encode_json([number, list(signature), digest, rows])
        self._write(b'\n[%d,%s,"%s",%s' % (number, encode_json(list(signature)), digest.encode(), rows))

    def finish(self) -> None:
        self._pending.write_at(0, self._body.hexdigest().encode())

    def _write(self, part: bytes) -> None:
        self._body.update(part)
        self._pending.write(part)


def _with_heads(keys: list[str], lines: Iterator[tuple[int, Signature, str, list]]
                ) -> Iterator[tuple[int, Signature, str, list[Head]]]:
    """(number, signature, digest, heads) of each shard's line, a line at a time (ValueError for
    a row that is not a head); ``keys`` are the header's summary keys."""
    for number, signature, digest, rows in lines:
        heads = []
        for row in rows:
            if len(row) != len(Head._fields):
                raise ValueError("not a head")
            summary = row[-1]
            row[-1] = dict(zip(keys, summary)) if isinstance(summary, list) else dict(summary)
            heads.append(Head.from_values(row))
        yield number, signature, digest, heads


class CatalogScan:
    """A catalog read from its file a line at a time beside the data files, for ``verify``, which
    walks both in shard order: no more than a line is held (the evidence catalog read whole, with
    a digest of each head, took 56 MB at the design point). Whether the file is whole is known
    only at its end: ``finish`` says so, and a caller believes nothing it was told before."""

    def __init__(self, catalog: Catalog):
        self._catalog = catalog
        self._intact = False
        self._lines = self._shards()
        self._ahead = next(self._lines, None)
        #: a record the catalog holds in a shard the data files do not have, if any
        self.unmatched: str | None = None

    def digests_of(self, number: int) -> dict[str, bytes]:
        """``Head.digest`` of each head the catalog holds for shard ``number`` by record id (call
        with rising numbers); the first record of a shard passed over is noted in ``unmatched``."""
        found: dict[str, bytes] = {}
        while self._ahead is not None and self._ahead[0] <= number:
            shard, heads = self._ahead
            if shard == number:
                found = {head.id: head.digest() for head in heads}
            elif heads and self.unmatched is None:
                self.unmatched = heads[0].id
            self._ahead = next(self._lines, None)
        return found

    def finish(self) -> bool:
        """Read to the end; True if the catalog fits and its checksum holds (else it is not one)."""
        self.digests_of(2**62)
        return self._intact

    def _shards(self) -> Iterator[tuple[int, list[Head]]]:
        reading = _CheckedLines(self._catalog.file.path)
        lines = iter(reading)
        try:
            header = json.loads(next(lines, b"null"))
            if not self._catalog.fits(header):
                return
            for number, _, _, heads in _with_heads(header.get("summary_keys") or [], map(_parsed_line, lines)):
                yield number, heads
        except (ValueError, TypeError, KeyError, IndexError):
            return
        self._intact = reading.intact


#: The start of a catalog line: ``[number,[size,mtime_ns,inode],"digest",``.
_STAMP = re.compile(rb'\[([0-9]+),\[[0-9]+,[0-9]+,[0-9]+\],"([0-9a-f]{64})",')
