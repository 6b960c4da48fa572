"""The Store: versioned JSON records on TinyDB shards, safe for threads and for several processes.

What lives where under the database folder (see each module for why):

    shards/<kind>.<count>/<nnnn>.json   TinyDB files holding every version (shards.py) - the truth
    catalog/<kind>.json                 heads index saved for fast cold opens (catalog.py) - a cache
    changes.jsonl                       audit trail of version metadata (journal.py)
    blobs/ab/cdef…                      attachments by SHA-256 (blobs.py)
    .lock                               cross-process write lock (locks.py)

The store knows nothing of papers or decisions: it stores JSON objects under a kind and an id,
and asks the ``summarize`` hook which few fields of the latest version listings should show.
"""

from __future__ import annotations

import atexit
import os
import shutil
import weakref
from collections import defaultdict
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from ..errors import ConflictError, NotFound, StoreError, ValidationError
from .atomic import ensure_folder
from .backup import read_backup, write_backup
from .blobs import BlobStore
from .catalog import Catalog
from .index import Head, KindIndex, Summarize, collector_paused
from .journal import ChangeJournal
from .locks import StoreLock
from .shards import Shard, ShardCache, ShardLayout
from .versions import (META_FIELDS, Version, check_base_version, check_data, check_date, check_kind,
                       check_record_id, check_text, json_copy, later_timestamp, now_timestamp)

_OPEN_STORES: "weakref.WeakSet[Store]" = weakref.WeakSet()


def _no_summary(kind: str, data: dict) -> dict:
    return {}


def _is_possible_id(record_id: Any) -> bool:
    """Reads answer "not found" for ids no save would accept (e.g. an empty search box) rather
    than refusing the question; saves refuse them with a ValidationError."""
    try:
        check_record_id(record_id)
    except ValidationError:
        return False
    return True


class Store:
    """Every save appends an immutable version; nothing rewrites or removes one.

    Thread-safe (one lock per Store) and process-safe (writes hold ``<db>/.lock``; before any read
    the files involved are checked with ``stat`` and re-read only if another process changed them).
    """

    def __init__(self, path: str | Path, *, summarize: Callable[[str, dict], dict] | None = None):
        self.path = Path(path).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a database folder; point SSTC_DB at a folder.")
        try:
            ensure_folder(self.path)
        except OSError as error:
            raise StoreError(f"Cannot create the database folder {self.path}: {error.strerror}.") from None
        self._summarize_hook = summarize
        self._summarize: Summarize = summarize or _no_summary
        self._lock = StoreLock(self.path)
        self._layout = ShardLayout(self.path / "shards")
        self._shards = ShardCache(self._layout)
        self._journal = ChangeJournal(self.path / "changes.jsonl")
        self._blobs = BlobStore(self.path / "blobs")
        self._indexes: dict[str, KindIndex] = {}
        self._closed = False
        _OPEN_STORES.add(self)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------
    def save(self, kind: str, record_id: str, data: dict, *, author: str, why: str,
             base_version: int | None, effective_from: str | None = None) -> Version:
        """Append a new version of a record and return it.

        ``base_version`` is the version the caller loaded (None to create). If someone saved in
        between, ConflictError carries their version and the attempted data; nothing is written.
        Saving onto a tombstone (base = its number, or None) brings the record back.
        """
        kind, record_id = check_kind(kind), check_record_id(record_id)
        author, why = check_text(author, "author"), check_text(why, "why")
        base_version = check_base_version(base_version)
        effective = check_date(effective_from, "effective_from") if effective_from is not None else None
        record = check_data(data)
        with self._lock.writing():
            self._check_open()
            number, shard, documents = self._fresh_versions(kind, record_id)
            latest = documents[-1] if documents else None
            if base_version is None:
                if latest is not None and not latest["deleted"]:
                    raise ConflictError(kind, record_id, None, Version.from_document(latest), record)
            elif latest is None:
                raise NotFound(f"There is no {kind} '{record_id}' to save version {base_version} on; "
                               "create it with base_version=None.")
            elif base_version != latest["version"]:
                raise ConflictError(kind, record_id, base_version, Version.from_document(latest), record)
            return self._append(kind, record_id, number, shard, latest, record, author=author, why=why,
                                based_on=base_version, effective_from=effective, deleted=False)

    def delete(self, kind: str, record_id: str, *, author: str, why: str, base_version: int,
               effective_from: str | None = None) -> Version:
        """Append a tombstone: the record disappears from listings, its history stays readable."""
        kind, record_id = check_kind(kind), check_record_id(record_id)
        author, why = check_text(author, "author"), check_text(why, "why")
        base_version = check_base_version(base_version)
        effective = check_date(effective_from, "effective_from") if effective_from is not None else None
        with self._lock.writing():
            self._check_open()
            number, shard, documents = self._fresh_versions(kind, record_id)
            if not documents:
                raise NotFound(f"There is no {kind} '{record_id}' to delete.")
            latest = documents[-1]
            if base_version != latest["version"]:
                raise ConflictError(kind, record_id, base_version, Version.from_document(latest), {})
            if latest["deleted"]:
                raise NotFound(f"{kind} {record_id} was already deleted in version {latest['version']}.")
            return self._append(kind, record_id, number, shard, latest, json_copy(latest["data"]), author=author,
                                why=why, based_on=base_version, effective_from=effective, deleted=True)

    def _append(self, kind: str, record_id: str, number: int, shard: Shard, latest: dict | None,
                record: dict, *, author: str, why: str, based_on: int | None, effective_from: str | None,
                deleted: bool) -> Version:
        """The one write path for saves and deletes: journal line, then the shard, then the index
        (the journal goes first; journal.py says why)."""
        recorded_at = later_timestamp(latest["recorded_at"] if latest else None)
        document = {"kind": kind, "id": record_id, "version": (latest["version"] + 1) if latest else 1,
                    "based_on": based_on, "author": author, "recorded_at": recorded_at, "why": why,
                    "effective_from": effective_from or recorded_at[:10], "deleted": deleted, "data": record}
        index = self._indexes.get(kind)
        # The summary is made before anything is written: a hook that fails writes nothing.
        summary = index.summary_of(record) if index is not None else {}
        self._journal.append([{name: document[name] for name in META_FIELDS}])
        signature = shard.append([document])
        if index is not None:
            index.absorb_version(number, Head.of(document, summary), signature)
            self._save_catalog_if_due(kind, index)
        return Version.from_document(document)

    # -- reading -----------------------------------------------------------------------------
    def get(self, kind: str, record_id: str, version: int | None = None, *, as_of: str | None = None) -> Version:
        """The latest version; or version number ``version``; or the version in effect on ``as_of``
        (the highest-numbered version whose effective_from is on or before that date)."""
        kind = check_kind(kind)
        if not _is_possible_id(record_id):
            raise NotFound(f"There is no {kind} with id '{record_id}'.")
        if version is not None and as_of is not None:
            raise ValidationError("give either a version number or an as_of date, not both", field="as_of")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
            raise ValidationError(f"must be a version number (1 or more), not {version!r}", field="version")
        if as_of is not None:
            as_of = check_date(as_of, "as_of")
        with self._lock.reading():
            self._check_open()
            documents = self._existing_versions(kind, record_id)
            latest = documents[-1]
            if version is not None:
                if version > latest["version"]:
                    raise NotFound(f"{kind} {record_id} has no version {version}; its versions are 1 to "
                                   f"{latest['version']}.")
                return Version.from_document(next(d for d in documents if d["version"] == version))
            if as_of is not None:
                in_effect = [d for d in documents if d["effective_from"] <= as_of]
                if not in_effect:
                    earliest = min(d["effective_from"] for d in documents)
                    raise NotFound(f"{kind} {record_id} had no version in effect on {as_of}; its earliest "
                                   f"version takes effect on {earliest}.")
                chosen = max(in_effect, key=lambda d: d["version"])
                if chosen["deleted"]:
                    raise NotFound(f"{kind} {record_id} was deleted as of {as_of} (version {chosen['version']}, "
                                   f"effective {chosen['effective_from']}); its history can still be read.")
                return Version.from_document(chosen)
            if latest["deleted"]:
                raise NotFound(f"{kind} {record_id} was deleted in version {latest['version']} by "
                               f"{latest['author']} on {latest['recorded_at'][:10]} ({latest['why']}); "
                               "its earlier versions can still be read from its history.")
            return Version.from_document(latest)

    def history(self, kind: str, record_id: str) -> list[Version]:
        """Every version, oldest first, tombstones included; [] for a record that never existed
        (so "has this been saved before?" needs no try/except)."""
        kind = check_kind(kind)
        if not _is_possible_id(record_id):
            return []
        with self._lock.reading():
            self._check_open()
            return [Version.from_document(d) for d in self._fresh_versions(kind, record_id)[2]]

    def exists(self, kind: str, record_id: str) -> bool:
        """True if the record exists and its latest version is not a tombstone."""
        kind = check_kind(kind)
        if not _is_possible_id(record_id):
            return False
        with self._lock.reading():
            self._check_open()
            documents = self._fresh_versions(kind, record_id)[2]
            return bool(documents) and not documents[-1]["deleted"]

    def heads(self, kind: str, *, include_deleted: bool = False) -> list[dict]:
        """One row per record (its latest version's metadata plus its summary), ordered by id.
        Served from the in-memory index: no shard is read unless another process changed it."""
        kind = check_kind(kind)
        with self._lock.reading():
            self._check_open()
            index = self._index(kind)
            with collector_paused():
                heads = index.heads
                return [heads[record_id].as_dict() for record_id in sorted(heads)
                        if include_deleted or not heads[record_id].deleted]

    def find(self, kind: str, **equals: Any) -> list[dict]:
        """The rows of ``heads(kind)`` (deleted records left out) whose fields equal the given values."""
        kind = check_kind(kind)
        with self._lock.reading():
            self._check_open()
            index = self._index(kind)
            with collector_paused():
                matches = [head for head in index.heads.values() if not head.deleted
                           and all(head.value(name) == wanted for name, wanted in equals.items())]
                return [head.as_dict() for head in sorted(matches, key=lambda head: head.id)]

    def authors(self) -> list[str]:
        """Everyone who has saved a version, in alphabetical order; cheap to ask on every page run."""
        with self._lock.reading():
            self._check_open()
            return sorted(self._journal.authors())

    def changes(self, *, kind: str | None = None, author: str | None = None, since: str | None = None,
                until: str | None = None, record_id: str | None = None, limit: int = 200) -> list[dict]:
        """The audit trail, newest first: one metadata dict per stored version.

        ``since``/``until`` compare with recorded_at; a bare date 'YYYY-MM-DD' as ``until`` includes
        that whole day. Journal lines for versions that never reached a shard are left out.
        """
        if kind is not None:
            kind = check_kind(kind)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValidationError(f"must be a whole number, 0 or more, not {limit!r}", field="limit")
        for name, value in (("since", since), ("until", until)):
            if value is not None and not isinstance(value, str):
                raise ValidationError("must be a date YYYY-MM-DD or a UTC timestamp", field=name)
        until_day = until is not None and len(until) == 10
        results: list[dict] = []
        with self._lock.reading():
            self._check_open()
            indexes: dict[str, KindIndex] = {}
            seen: set[tuple] = set()
            for entry in self._journal.newest_first():
                key = (entry.get("kind"), entry.get("id"), entry.get("version"))
                if len(results) >= limit:
                    break
                if key in seen:
                    continue  # a later line for the same version wins (see journal.py)
                seen.add(key)
                stamp = entry.get("recorded_at")
                if (not isinstance(stamp, str)
                        or (kind is not None and entry.get("kind") != kind)
                        or (author is not None and entry.get("author") != author)
                        or (record_id is not None and entry.get("id") != record_id)
                        or (since is not None and stamp < since)
                        or (until is not None and (stamp[:10] if until_day else stamp) > until)):
                    continue
                if not self._is_stored(entry, indexes):
                    continue
                results.append({name: entry.get(name) for name in META_FIELDS})
        return results

    # -- attachments -------------------------------------------------------------------------
    def put_blob(self, data: bytes) -> str:
        """Store an attachment once; returns its SHA-256 hex digest (the same for the same bytes)."""
        with self._lock.writing():
            self._check_open()
            return self._blobs.put(data)

    def blob_path(self, sha: str) -> Path:
        return self._blobs.path(sha)

    def read_blob(self, sha: str) -> bytes:
        with self._lock.reading():
            self._check_open()
            return self._blobs.read(sha)

    def has_blob(self, sha: str) -> bool:
        with self._lock.reading():
            return self._blobs.has(sha)

    # -- backup and restore ------------------------------------------------------------------
    def backup(self, file: str | Path | IO[bytes]) -> int:
        """Write every version of every record and every attachment as one JSON document.
        Holds the write lock throughout, so the backup is one consistent moment of the database."""
        with self._lock.writing():
            self._check_open()
            blobs = ((sha, self._blobs.read(sha)) for sha in self._blobs.all())
            return write_backup(file, now_timestamp(), self._all_documents(), blobs)

    def restore(self, file: str | Path | IO[bytes]) -> int:
        """Load a backup into this database, which must be empty; versions, authors, times and
        reasons come back exactly. The whole backup is checked before anything is written."""
        versions, blobs = read_backup(file)
        with self._lock.writing():
            self._check_open()
            if self._layout.has_shards() or any(True for _ in self._blobs.all()):
                raise StoreError(f"The database {self.path} is not empty; a backup can only be restored "
                                 "into an empty database. Restore into a new folder (set SSTC_DB to it and "
                                 "run `python -m sstc_docs restore BACKUP.json`).")
            self._forget_everything()
            shutil.rmtree(self.path / "catalog", ignore_errors=True)  # caches of a former database
            grouped: dict[tuple[str, int], list[dict]] = defaultdict(list)
            for document in sorted(versions, key=lambda d: (d["kind"], d["id"], d["version"])):
                grouped[(document["kind"], self._layout.number(document["kind"], document["id"]))].append(document)
            self._journal.append({name: d[name] for name in META_FIELDS}
                                 for d in sorted(versions, key=lambda d: d["recorded_at"]))
            for (kind, number), documents in grouped.items():
                shard = Shard(self._layout.path(kind, number))
                shard.append(documents)
                shard.close()
            for data in blobs.values():
                self._blobs.put(data)
            for kind in self._layout.kinds():
                index = self._index(kind)  # build each kind's catalog now, not at first use
                if index.unsaved:
                    self._save_catalog(kind, index)
            return len(versions)

    def close(self) -> None:
        """Save the catalogs (a cache: a failure here loses nothing) and let go of open files."""
        with self._lock.reading():
            if self._closed:
                return
            for kind, index in self._indexes.items():
                if index.unsaved:
                    try:
                        self._save_catalog(kind, index)
                    except StoreError:
                        pass
            self._forget_everything()
            self._closed = True
        _OPEN_STORES.discard(self)

    # -- internals ---------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The database {self.path} has been closed; open it again.")

    def _fresh_versions(self, kind: str, record_id: str) -> tuple[int, Shard, list[dict]]:
        """A record's shard and its version documents as they are on disk now (re-read if another
        process changed the file); a loaded index of that kind is brought up to date on the way."""
        number = self._layout.number(kind, record_id)
        shard = self._shards.get(kind, number)
        documents = shard.versions_of(record_id)
        index = self._indexes.get(kind)
        if index is not None and not index.is_current(number, shard.signature):
            index.absorb_shard(number, shard.documents(), shard.signature)
            self._save_catalog_if_due(kind, index)
        return number, shard, documents

    def _existing_versions(self, kind: str, record_id: str) -> list[dict]:
        documents = self._fresh_versions(kind, record_id)[2]
        if not documents:
            raise NotFound(f"There is no {kind} with id '{record_id}'.")
        return documents

    def _index(self, kind: str) -> KindIndex:
        """The kind's heads index, loaded from its catalog on first use, then synced with the shards
        on disk: one ``stat`` per shard file, and a read only of the shards that changed."""
        index = self._indexes.get(kind)
        if index is None:
            index = KindIndex(kind, self._summarize)
            self._catalog(kind).load_into(index)
            self._indexes[kind] = index
        on_disk = self._layout.signatures(kind)
        for number in sorted(index.signatures.keys() - on_disk.keys()):
            raise StoreError(f"The database file {self._layout.path(kind, number)} is missing, yet it held "
                             f"{len(index.members.get(number, ()))} {kind} record(s). Restore it from a backup "
                             "copy, or restore the whole database with `python -m sstc_docs restore "
                             "BACKUP.json` into an empty folder.")
        with collector_paused():  # a rebuild parses every shard of the kind (see catalog.py)
            for number, signature in on_disk.items():
                if not index.is_current(number, signature):
                    shard = self._shards.get(kind, number)
                    index.absorb_shard(number, shard.documents(), shard.signature)
        self._save_catalog_if_due(kind, index)
        return index

    def _is_stored(self, entry: dict, indexes: dict[str, KindIndex]) -> bool:
        """Whether a journal line describes a version that reached its shard (see journal.py)."""
        kind = entry.get("kind")
        if not isinstance(kind, str) or not isinstance(entry.get("id"), str):
            return False
        if kind not in indexes:
            try:
                indexes[kind] = self._index(check_kind(kind))
            except ValidationError:
                return False
        head = indexes[kind].heads.get(entry["id"])
        return head is not None and isinstance(entry.get("version"), int) and entry["version"] <= head.version

    def _catalog(self, kind: str) -> Catalog:
        return Catalog(self.path / "catalog" / f"{kind}.json", kind, self._layout.count(kind), self._summarize_hook)

    def _save_catalog_if_due(self, kind: str, index: KindIndex) -> None:
        """Rewrite the catalog once a quarter of the kind's shards changed since it was written:
        often enough that a cold open re-reads few shards, rarely enough that saves stay cheap."""
        if len(index.unsaved) >= max(8, self._layout.count(kind) // 4):
            try:
                self._save_catalog(kind, index)
            except StoreError:
                pass  # a cache that could not be written costs time at the next open, nothing else

    def _save_catalog(self, kind: str, index: KindIndex) -> None:
        self._catalog(kind).save_from(index)

    def _all_documents(self) -> Iterator[dict]:
        for kind in self._layout.kinds():
            for number in sorted(self._layout.signatures(kind)):
                shard = Shard(self._layout.path(kind, number))
                documents = sorted(shard.documents(), key=lambda d: (d["id"], d["version"]))
                shard.close()
                for document in documents:
                    yield dict(document)

    def _forget_everything(self) -> None:
        self._shards.clear()
        self._indexes.clear()


def default_db_path() -> Path:
    """$SSTC_DB if set, else the ``db`` folder at the project root (beside the sstc_docs package)."""
    configured = os.environ.get("SSTC_DB")
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[2] / "db"


def open_store(path: str | Path | None = None, *, summarize: Callable[[str, dict], dict] | None = None) -> Store:
    return Store(path if path is not None else default_db_path(), summarize=summarize)


@atexit.register
def _close_open_stores() -> None:
    """Save catalogs of stores still open when the interpreter exits (Streamlit never calls close)."""
    for store in list(_OPEN_STORES):
        try:
            store.close()
        except Exception:  # noqa: BLE001 - nothing useful can be done at exit; the catalog is a cache
            pass
