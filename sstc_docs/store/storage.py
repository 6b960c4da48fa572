"""JSON files that are re-read only when they change on disk and replaced atomically.

``JSONFile`` is the small base: ``load()`` returns the parsed content, cached against the file's
stat signature so that a second process's write is noticed with one ``stat`` and an unchanged
file is never parsed twice; ``save()`` goes through ``atomic_write_bytes``. What to do when the
file is missing or unreadable is left to hooks, because a shard and a cache differ exactly there:
an unreadable shard is data at risk and must stop everything (``ShardStorage``), an unreadable
cache is simply rebuilt (``catalog.CatalogFile``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

from tinydb.storages import Storage

from ..errors import StoreError
from .atomic import Signature, atomic_write_bytes, signature_of

RESTORE_ADVICE = ("restore this file from a backup copy of it, or restore the whole database with "
                  "`python -m sstc_docs restore BACKUP.json` into an empty folder")


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON: shards and the commit log hold every version in it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


#: A shard file as ``encode_shard`` writes it: the versions table, one version to a line.
SHARD_HEAD, SHARD_TAIL = b'{"versions":{\n', b"\n}}"
#: The start of each line: the TinyDB document number, then the version's kind and id, always first.
_SHARD_LINE = re.compile(rb'"([1-9][0-9]*)":\{"kind":"[a-z][a-z0-9_]*","id":')
#: Every line break, with the document number of the line after it when that line starts as
#: ``_SHARD_LINE`` (else the group is empty): the whole file checked in one pass.
_SHARD_LINE_BREAK = re.compile(rb'\n(?:"([1-9][0-9]*)":\{"kind":"[a-z][a-z0-9_]*","id":)?')
_ID_FIELD = b'","id":'  # what ends _SHARD_LINE, from the quote closing the kind


def encode_shard(content: dict[str, dict[str, Any]]) -> bytes:
    """A shard file: valid JSON of TinyDB's shape (any JSON reader takes it whole), written one
    version to a line with its kind and id first, so one record's versions can be found without
    parsing the others (``ShardStorage.read_lines``). Compact JSON never holds a raw newline (one
    inside a string is written ``\\n``), so a line break can only be one of these."""
    if list(content) != ["versions"]:
        return encode_json(content)
    return SHARD_HEAD + b",\n".join(_shard_line(key, d) for key, d in content["versions"].items()) + SHARD_TAIL


def _shard_line(key: str, document: dict) -> bytes:
    return b'"%s":%s' % (key.encode(), encode_json({"kind": document["kind"], "id": document["id"], **document}))


class ScannedShard(NamedTuple):
    """What ``scan_shard`` found: the highest TinyDB document number, and the wanted records'
    versions, decoded and as the bytes of their lines (``ScanMemo`` keeps those)."""

    last_number: int
    documents: list[dict]
    lines: list[bytes]


def scan_shard(raw: bytes, record_ids: Iterable[str]) -> ScannedShard | None:
    """Scan a shard file as ``encode_shard`` writes it, decoding only the lines of ``record_ids``;
    None when it is in another layout or one of those lines does not decode (then it must be
    parsed whole: every line's start is checked, so a file edited into another layout is never
    half read). The work runs in C (one regex pass over the file for the line starts, then
    ``bytes.find`` for each record's id after one), not a Python step a line: a save scans the
    shard it appends to, and a read the one it reads."""
    if not (raw.startswith(SHARD_HEAD) and raw.endswith(SHARD_TAIL)):
        return None
    end = len(raw) - len(SHARD_TAIL)
    first = len(SHARD_HEAD) - 1  # the line break that ends SHARD_HEAD: every line follows one
    if first + 1 == end:
        return ScannedShard(0, [], [])  # an empty table
    numbers = _SHARD_LINE_BREAK.findall(raw, first, end)
    if b"" in numbers:
        return None  # a line that does not start as encode_shard starts one
    found, lines = [], []
    for record_id in dict.fromkeys(record_ids):
        needle = _ID_FIELD + encode_json(record_id) + b","
        at = raw.find(needle, first, end)
        while at >= 0:
            line = raw.rfind(b"\n", first, at) + 1
            start = _SHARD_LINE.match(raw, line, end)
            if start is not None and start.end() == at + len(_ID_FIELD):  # the line's own id, not one in its data
                newline = raw.find(b"\n", at, end)
                line = raw[start.end(1) + 2:end if newline < 0 else newline - 1]  # without the comma before the next
                try:
                    found.append(json.loads(line))
                except ValueError:
                    return None
                lines.append(line)
            at = raw.find(needle, at + len(needle), end)
    return ScannedShard(max(map(int, numbers)), found, lines)


def appended_to_shard(raw: bytes | None, last_number: int, documents: list[dict]) -> bytes:
    """A shard file as ``encode_shard`` writes it (``raw``; None: no file yet) with ``documents``
    added after document number ``last_number``: exactly the bytes ``encode_shard`` writes for the
    whole content, without decoding or encoding the versions already there."""
    lines = b",\n".join(_shard_line(str(last_number + n), d) for n, d in enumerate(documents, start=1))
    if raw is None or raw == SHARD_HEAD + SHARD_TAIL:
        return SHARD_HEAD + lines + SHARD_TAIL
    return raw[:-len(SHARD_TAIL)] + b",\n" + lines + SHARD_TAIL


class ShardHash(NamedTuple):
    """A shard file's content digest, with the SHA-256 state of every byte before its closing
    ``SHARD_TAIL``: a commit puts its lines where that tail is (commit.py), so the digest of the
    file it leaves costs hashing only the new lines, not the whole file again."""

    digest: str
    before_tail: Any  # a hashlib sha256 object; None for a file not as ``encode_shard`` writes it

    @classmethod
    def of(cls, raw: bytes) -> "ShardHash":
        if not raw.endswith(SHARD_TAIL):
            return cls(content_digest(raw), None)
        before_tail = hashlib.sha256(memoryview(raw)[:-len(SHARD_TAIL)])
        whole = before_tail.copy()
        whole.update(SHARD_TAIL)
        return cls(whole.hexdigest(), before_tail)

    def appended(self, payload: bytes) -> str:
        """The digest of the file once ``payload`` (which ends with the tail) replaced its tail."""
        whole = self.before_tail.copy()
        whole.update(payload)
        return whole.hexdigest()


def content_digest(raw: bytes) -> str:
    """What the file holds, whatever its inode or mtime: a copy (cp, rsync, untar) keeps it, any
    edit changes it. SHA-256 because this machine hashes it in hardware (about 1.5 GB/s)."""
    return hashlib.sha256(raw).hexdigest()


def read_digest(path: Path) -> tuple[Signature, str] | None:
    """The file's stat signature and content digest, read together from one open handle (so they
    describe the same bytes even if another process replaces the file meanwhile); None if absent.
    Reading and hashing costs a small fraction of parsing, which is what a cold open avoids."""
    try:
        with open(path, "rb") as handle:
            signature = Signature.of(os.fstat(handle.fileno()))
            return signature, content_digest(handle.read())
    except FileNotFoundError:
        return None


class JSONFile:
    """One JSON document in one file, cached in memory until the file's signature changes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.signature: Signature | None = None  # of the content in ``_content``
        self.digest: str | None = None           # content_digest of the bytes last read whole (or written)
        self._content: Any = None

    # -- hooks -------------------------------------------------------------------------------
    def missing(self) -> Any:
        """Content to use when the file does not exist (yet)."""
        return None

    def unreadable(self, reason: str) -> Any:
        """The file exists but is not what it should be; the base refuses to go on."""
        raise StoreError(f"The database file {self.path} cannot be read ({reason}). It has been left "
                         f"untouched. To recover, {RESTORE_ADVICE}.")

    def problem_with(self, content: Any) -> str | None:
        """Why parsed content is not acceptable (wrong shape), or None when it is fine."""
        return None

    def decode(self, raw: bytes) -> Any:
        """The content of the file's bytes (ValueError when they are not what ``encode`` writes)."""
        return json.loads(raw)

    def encode(self, content: Any) -> bytes:
        """The file's bytes for ``content``."""
        return encode_json(content)

    # -- reading and writing -----------------------------------------------------------------
    def load(self) -> Any:
        """The file's content, parsed; re-read only if the file changed since it was last seen."""
        current = signature_of(self.path)
        if current is not None and current == self.signature:
            return self._content
        try:
            with open(self.path, "rb") as handle:
                # fstat of the open handle: the signature of exactly the bytes read, even if
                # another process replaces the file between the stat above and this open.
                current = Signature.of(os.fstat(handle.fileno()))
                raw = handle.read()
        except FileNotFoundError:
            self.signature, self.digest, self._content = None, None, None
            return self.missing()
        except OSError as error:
            return self.unreadable(error.strerror or str(error))
        if not raw:
            return self.unreadable("the file is empty")
        try:
            content = self.decode(raw)
        except UnicodeDecodeError:
            return self.unreadable("it is not UTF-8 text")
        except ValueError as error:
            return self.unreadable(f"invalid or truncated JSON: {error}")
        problem = self.problem_with(content)
        if problem:
            return self.unreadable(problem)
        self.signature, self.digest, self._content = current, content_digest(raw), content
        return content

    def forget(self) -> None:
        """Drop the cached content (for large files read once, such as a catalog)."""
        self.signature, self.digest, self._content = None, None, None

    def save(self, content: Any) -> Signature:
        """Replace the file with ``content`` (all or nothing) and remember it as the cached copy."""
        raw = self.encode(content)
        self.signature = atomic_write_bytes(self.path, raw)
        self.digest, self._content = content_digest(raw), content
        return self.signature


class ScanMemo:
    """The last shard scan made, for the next one: a unit of work reads a record's latest version
    (a scan of its shard), then stages the new one, which needs the same scan of the same bytes
    (the highest document number, the versions already there); the page that opened the record
    read it just before the save, with the same scan. One slot for a whole store, so at most one
    shard's bytes are held; used only for the same file, byte for byte, and records it covered:
    a write by anyone in between just means scanning again."""

    def __init__(self) -> None:
        # (path, bytes, records scanned for, highest document number, (id, version, line) of each version found)
        self._slot: tuple[Path, bytes, frozenset[str], int, list[tuple[str, int, bytes]]] | None = None

    def scan(self, path: Path, raw: bytes, record_ids: Iterable[str]) -> ScannedShard | None:
        """``scan_shard(raw, record_ids)``, from the slot where it holds that scan (the documents
        decoded again from the lines kept: each caller's own)."""
        wanted = frozenset(record_ids)
        kept = self._recall(path, raw, wanted)
        if kept is None:
            return self._scan(path, raw, wanted)
        found = [line for record_id, _, line in kept[1] if record_id in wanted]
        return ScannedShard(kept[0], [json.loads(line) for line in found], found)

    def versions(self, path: Path, raw: bytes, record_ids: Iterable[str]) -> tuple[int, frozenset[tuple[str, int]]] | None:
        """(highest document number, (id, version) held of ``record_ids``): what a save appending
        to the shard needs, without decoding the versions again."""
        wanted = frozenset(record_ids)
        kept = self._recall(path, raw, wanted)
        if kept is None:
            scanned = self._scan(path, raw, wanted)
            return None if scanned is None else (scanned.last_number, versions_taken(scanned.documents))
        return kept[0], frozenset((record_id, version) for record_id, version, _ in kept[1] if record_id in wanted)

    def _recall(self, path: Path, raw: bytes, wanted: frozenset[str]) -> tuple[int, list[tuple[str, int, bytes]]] | None:
        slot = self._slot
        if slot is None or slot[0] != path or not wanted <= slot[2] or slot[1] != raw:
            return None
        return slot[3], slot[4]

    def _scan(self, path: Path, raw: bytes, wanted: frozenset[str]) -> ScannedShard | None:
        scanned = scan_shard(raw, wanted)
        if scanned is not None:
            self._slot = (path, raw, wanted, scanned.last_number,
                          [(d["id"], d["version"], line) for d, line in zip(scanned.documents, scanned.lines)])
        return scanned


def versions_taken(documents: Iterable[dict]) -> frozenset[tuple[str, int]]:
    return frozenset((d["id"], d["version"]) for d in documents)


class ShardStorage(JSONFile, Storage):
    """TinyDB storage for one shard: TinyDB stays the query engine, this reads the bytes a commit
    wrote (commit.py; TinyDB itself never writes a shard) and refuses to treat a damaged file as
    empty.

    A commit writes a shard in place, so a reader in another process (which takes no lock) may,
    for an instant, find one cut off halfway. ``settle`` — a call that waits for whoever holds the
    write lock to finish, and says False where there is no lock to wait on (a read-only copy) or
    this thread holds it — is made before such a file is called damaged, and the file read again.
    """

    def __init__(self, path: str | Path, settle: Callable[[], bool] | None = None, scans: ScanMemo | None = None):
        super().__init__(path)
        self._settle = settle
        self._settling = False
        self.scans = scans or ScanMemo()

    def unreadable(self, reason: str) -> Any:
        if self._settle is not None and not self._settling:
            self._settling = True
            try:
                if self._settle():
                    return self.load()
            finally:
                self._settling = False
        return super().unreadable(reason)

    def problem_with(self, content: Any) -> str | None:
        if not isinstance(content, dict) or not all(isinstance(t, dict) for t in content.values()):
            return "it is not a TinyDB file: expected an object of tables"
        return None

    seen: Signature | None = None  # of the bytes last read, parsed whole or scanned by lines

    def load(self) -> Any:
        content = super().load()
        self.seen = self.signature
        return content

    def written(self, signature: Signature | None, digest: str) -> None:
        """The file is now what a commit put in place (commit.py), whole: its ``digest`` is kept as
        that of the content last known whole, and the parsed copy is dropped rather than brought up
        to date (a read scans the new file's lines; only an index rebuild parses it again)."""
        self.signature, self.digest, self._content = None, digest, None
        self.seen = signature

    def raw(self) -> tuple[Signature, bytes] | None:
        """The file's bytes with the signature of exactly those bytes (one open handle), or None
        when there is no file."""
        try:
            with open(self.path, "rb") as handle:
                return Signature.of(os.fstat(handle.fileno())), handle.read()
        except FileNotFoundError:
            return None

    def read_lines(self, record_id: str) -> list[dict] | None:
        """The record's version documents, found by scanning the file's lines and decoding only
        its own (``scan_shard``); None when the parsed copy is current (TinyDB's search over it is
        cheaper) or the file is not as ``encode_shard`` writes it (then it is parsed whole)."""
        found = self.raw()
        if found is None or found[0] == self.signature:
            return None
        scanned = self.scans.scan(self.path, found[1], (record_id,))
        if scanned is None:
            return None
        self.seen = found[0]
        return scanned.documents

    def read(self) -> dict[str, dict[str, Any]] | None:
        content = self.load()
        if content is None:
            return None
        # TinyDB assigns into the dict it gets back before writing it; hand it fresh outer dicts
        # so a failed write cannot leave the cached copy claiming something that is not on disk.
        return {name: dict(table) for name, table in content.items()}

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.save(data)
