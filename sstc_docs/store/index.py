"""The in-memory index of heads: the latest version's metadata and summary for every record.

Why: listing 10,000 papers by opening 1,024 shards would take seconds; the index answers
``heads`` and ``find`` from memory. It is kept per shard (which records a shard holds and the
signature of the shard content it was built from), so when a shard changes on disk only that
shard is re-read, and when a shard file is put back from an older copy the index follows it.

Each shard's entry also keeps the digest of the content it was built from: when a shard's stat
signature differs but its content does not (the folder was copied: new inodes, perhaps new
mtimes), the entry is restamped with the new signature instead of parsing the shard again; when
only the inode differs, without even hashing the file (``is_moved_only``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from .atomic import Signature
from .versions import json_copy

Summarize = Callable[[str, dict], dict]
_ABSENT = object()
#: Strings up to this length in a head are held once however many heads repeat them (``Head.from_values``)
_SHARED_UP_TO = 64


def summary_of(summarize: Summarize, kind: str, data: dict) -> dict:
    """What listings show of a version, from the kind's hook. The hook gets its own copy: it must
    not be able to alter stored data, even by mistake."""
    return dict(summarize(kind, json_copy(data)) or {})


def head_digest(version: int, hash: str, summary: dict) -> bytes:
    """What a head says of its record's latest version (number, hash, summary) in 16 bytes: how
    ``verify`` compares a cached head with the data without keeping either."""
    encoded = json.dumps([version, hash, summary], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(encoded.encode("utf-8"), digest_size=16).digest()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading or listing 100,000 heads creates several hundred thousand containers, none of them
    garbage; the cyclic collector would scan the whole index again and again (it doubled the
    evidence catalog's load time and tripled a full evidence listing). Pausing it for such a burst
    is safe: reference counting still frees everything, and the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def keep_out_of_collections() -> None:
    """Call at the end of a paused burst whose objects then live as long as the store (a kind's
    heads, just loaded): every object the cyclic collector tracks is moved to its permanent
    generation (``gc.freeze``), which no collection visits. Else the design point's 560,000
    containers of heads are visited by the next middle and the next full collection, whatever
    the requests after an open are: 0.7 s of work, met by the first page. Reference counting still
    frees them when the index is dropped; what freezing costs is that a reference cycle that is
    already garbage at that moment is never collected: a few, once per kind and process (and
    again after a restore or a repair, which drop the indexes)."""
    gc.freeze()


class Head(NamedTuple):
    """The latest version of one record, as listings need it. ``summary`` comes from the hook."""

    id: str
    version: int
    deleted: bool
    author: str
    recorded_at: str
    why: str
    effective_from: str
    seq: int
    hash: str
    summary: dict

    @classmethod
    def of(cls, document: dict, summary: dict) -> "Head":
        return cls.from_values([document["id"], document["version"], document["deleted"], document["author"],
                                document["recorded_at"], document["why"], document["effective_from"],
                                document.get("seq", 0), document.get("hash", ""), summary])

    @classmethod
    def from_values(cls, values: list) -> "Head":
        """A head from its fields in order (a catalog row, a database row). ``values`` and the
        summary dict at its end are taken over, not copied.

        Short strings are interned: authors, dates, a summary's kind, status or session repeat
        across 100,000 heads, and each decoded copy costs 50-100 bytes; shared, the design point's
        index is tens of megabytes smaller. Written out rather than a helper called per value: a
        cold open meets 1,250,000 values, and the calls were a fifth of its time."""
        intern = sys.intern
        for field in _REPEATED_FIELDS:
            value = values[field]
            if type(value) is str and len(value) <= _SHARED_UP_TO:
                values[field] = intern(value)
        summary = values[-1]
        for key, value in summary.items():
            if type(value) is str and len(value) <= _SHARED_UP_TO:
                summary[key] = intern(value)
        return tuple.__new__(cls, values)  # Head(*values) costs a Python-level __new__; 100,000 add up

    def digest(self) -> bytes:
        return head_digest(self.version, self.hash, self.summary)

    def as_dict(self) -> dict:
        """The listing row; a fresh dict each time so callers cannot alter the index."""
        summary = {k: _copy(v) if isinstance(v, (dict, list)) else v for k, v in self.summary.items()}
        return {"id": self.id, "version": self.version, "versions": self.version, "deleted": self.deleted,
                "author": self.author, "recorded_at": self.recorded_at, "why": self.why,
                "effective_from": self.effective_from, **summary}

    def value(self, name: str) -> Any:
        """One field of ``as_dict()`` without building it (summary fields win, as they do there)."""
        if name in self.summary:
            return self.summary[name]
        if name == "versions":
            return self.version
        return getattr(self, name) if name in Head._fields and name != "summary" else _ABSENT

    def get(self, name: str, default: Any = None) -> Any:
        """``value(name)``, or ``default`` for a field this head does not have (a filter's view)."""
        found = self.value(name)
        return default if found is _ABSENT else found


_REPEATED_FIELDS = tuple(Head._fields.index(name) for name in ("author", "why", "effective_from"))


def latest_versions(documents: Iterable[dict]) -> dict[str, dict]:
    """Each record's latest version document among ``documents`` (a shard's), by record id."""
    latest: dict[str, dict] = {}
    for document in documents:
        seen = latest.get(document["id"])
        if seen is None or document["version"] > seen["version"]:
            latest[document["id"]] = document
    return latest


def _copy(value: Any) -> Any:
    """Deep copy of small JSON values (summaries hold short lists of ids); far cheaper than
    ``copy.deepcopy`` when listing 100,000 rows."""
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


class KindIndex:
    """Heads of every record of one kind, grouped by the shard that holds them."""

    def __init__(self, kind: str, summarize: Summarize):
        self.kind = kind
        self._summarize = summarize
        self.heads: dict[str, Head] = {}
        self.members: dict[int, tuple[str, ...]] = {} # shard number -> ids of the records it holds, sorted
        self.signatures: dict[int, Signature] = {}    # shard number -> signature indexed
        self.digests: dict[int, str] = {}             # shard number -> content digest indexed
        self.unsaved: set[int] = set()                # shards changed since the catalog was written
        self.restamped: set[int] = set()              # shards whose signature alone changed since then
        self.shards_parsed = 0                        # shards read and summarised (not from the catalog)
        self._newest: int | None = None               # the highest seq of any head, once asked (None: not known)

    def summary_of(self, data: dict) -> dict:
        return summary_of(self._summarize, self.kind, data)

    def newest_seq(self) -> int:
        """The seq of the latest version any head holds (0 for none): asked on every read of the
        audit trail, so kept, and worked out again only after shards were read in."""
        if self._newest is None:
            self._newest = max((head.seq for head in self.heads.values()), default=0)
        return self._newest

    def is_current(self, number: int, signature: Signature | None) -> bool:
        return self.signatures.get(number) == signature

    def is_moved_only(self, number: int, signature: Signature) -> bool:
        """The same size and modification time as indexed, only another inode: the folder was
        copied keeping times (``cp -a``, ``rsync -a``, ``shutil.copytree``) or moved to another
        file system. Trusted without hashing the file, which is no weaker than trusting an
        unchanged signature: an edit that puts the file's time back is believed either way (a
        save still checks the content it appends to, and ``verify`` every hash)."""
        indexed = self.signatures.get(number)
        return indexed is not None and (indexed.size, indexed.mtime_ns) == (signature.size, signature.mtime_ns)

    def restamp(self, number: int, signature: Signature) -> None:
        """The shard's file is new but its content is the one indexed (a copy): trust it as is."""
        self.signatures[number] = signature
        self.restamped.add(number)

    def absorb_shard(self, number: int, documents: list[dict], signature: Signature | None,
                     digest: str | None) -> None:
        """Make the index match a shard's content; only records whose head changed are summarised."""
        self.shards_parsed += 1
        latest = latest_versions(documents)
        for gone in set(self.members.get(number, ())) - latest.keys():
            self.heads.pop(gone, None)
        self._newest = None
        for record_id, document in latest.items():
            known = self.heads.get(record_id)
            if known is None or known.version != document["version"] or known.recorded_at != document["recorded_at"]:
                self.heads[record_id] = Head.of(document, self.summary_of(document["data"]))
        self._set_shard(number, latest, signature, digest)

    def absorb_version(self, number: int, head: Head, signature: Signature, digest: str) -> None:
        """Record a version this process just appended (the shard was current before the append)."""
        self.heads[head.id] = head
        if self._newest is not None:
            self._newest = max(self._newest, head.seq)
        self._set_shard(number, {*self.members.get(number, ()), head.id}, signature, digest)

    def load_shard(self, number: int, heads: list[Head], signature: Signature, digest: str) -> None:
        """Take a shard's heads from the catalog as they were when it was written."""
        self._newest = None
        for head in heads:
            self.heads[head.id] = head
        self.members[number] = tuple(sorted(head.id for head in heads))
        self.signatures[number] = signature
        self.digests[number] = digest

    def heads_of_shard(self, number: int) -> list[Head]:
        return [self.heads[record_id] for record_id in self.members.get(number, ())]

    def _set_shard(self, number: int, members: Iterable[str], signature: Signature | None, digest: str | None) -> None:
        # a sorted tuple: a set of a shard's hundred ids costs about ten times the memory
        self.members[number] = tuple(sorted(members))
        if signature is None or digest is None:
            self.signatures.pop(number, None)
            self.digests.pop(number, None)
        else:
            self.signatures[number] = signature
            self.digests[number] = digest
        self.unsaved.add(number)
