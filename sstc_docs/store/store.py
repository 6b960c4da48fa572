"""The Store: versioned JSON records on TinyDB shards, safe for threads and for several processes.

What lives where under the database folder (see each module for why):

    shards/<kind>.<count>/<nnnn>.json   TinyDB files holding every version (shards.py) - the truth
    catalog/<kind>.json                 heads index saved for fast cold opens (catalog.py) - a cache
    catalog/changes.json                who wrote and which records exist, read from the journal - a cache
    changes.jsonl                       audit trail and hash chain, in seq order (journal.py)
    blobs/ab/cdef…                      attachments by SHA-256 (blobs.py)
    commit.log                          what units of work wrote, until a checkpoint empties it (commit.py)
    restore.partial/                    only while a restore is being built
    .lock                               cross-process write lock (locks.py)

The store knows nothing of papers or decisions: it stores JSON objects under a kind and an id,
and asks the ``summarize`` hook which few fields of the latest version listings should show.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import os
import shutil
import weakref
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from ..errors import NotFound, PartialBackup, StoreError
from ..limits import check_json_limits
from .atomic import Signature, atomic_write_bytes, atomic_writer, ensure_folder, remove_stale_temporaries
from .backup import read_backup, write_backup
from .base import (HeadsPage, Order, StoreBase, Summarize, Validate, Where, changes_arguments, chosen_version,
                   is_possible_id, listed, matching, no_summary, paged, read_arguments, tallied)
from .blobs import SHA256, BlobStore
from .catalog import Catalog
from .commit import CommitRecord, Write
from .index import (Head, KindIndex, collector_paused, head_digest, keep_out_of_collections, latest_versions,
                    summary_of)
from .journal import ChangeJournal, chain_link, encode_lines
from .locks import StoreLock
from .shards import Shard, ShardCache, ShardLayout, shard_content
from .storage import JSONFile, content_digest, read_digest
from .unit import UnitOfWork
from .verify import (ERROR, RESTORE, WARNING, Finding, Report, VersionTally, backup_refused, check_blob,
                     check_journal, check_seq, check_shard_file, check_versions)
from .versions import META_FIELDS, Version, check_kind, check_text, json_copy, now_timestamp

_OPEN_STORES: "weakref.WeakSet[Store]" = weakref.WeakSet()


class Store(StoreBase):
    """The embedded engine: every save appends an immutable version; nothing rewrites or removes one.

    Thread-safe (one lock per Store) and process-safe (writes hold ``<db>/.lock``; before any read
    the files involved are checked with ``stat`` and re-read only if another process changed them).
    """

    def __init__(self, path: str | Path, *, summarize: Summarize | None = None, validate: Validate | None = None,
                 shard_counts: dict[str, int] | None = None):
        """``summarize`` and ``validate`` are the kinds' hooks (base.py); ``shard_counts`` how many
        files each kind is spread over in a new database."""
        self.path = Path(path).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a database folder; point SSTC_DB at a folder.")
        try:
            ensure_folder(self.path)
        except OSError as error:
            raise StoreError(f"Cannot create the database folder {self.path}: {error.strerror}.") from None
        self._summarize_hook = summarize
        self._summarize: Summarize = summarize or no_summary
        self._validate = validate
        self._lock = StoreLock(self.path)
        self._shard_counts = dict(shard_counts or {})
        self._layout = ShardLayout(self.path / "shards", self._shard_counts)
        self._shards = ShardCache(self._layout, settle=self._wait_for_writer)
        self._journal = ChangeJournal(self.path / "changes.jsonl", summary=self.path / "catalog" / "changes.json")
        self._blobs = BlobStore(self.path / "blobs")
        self._indexes: dict[str, KindIndex] = {}
        self._commit_record = CommitRecord(self.path)
        self._active: UnitOfWork | None = None  # only its own thread gets past the lock while set
        self._swept = False
        self._draft_files: dict[str, DraftFile] = {}
        self._closed = False
        _OPEN_STORES.add(self)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------
    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        with self._lock.writing():
            self._check_open()
            if self._active is not None:
                yield self._active  # joins the unit already open: one commit for both
                return
            self._finish_pending()
            if not self._swept:  # what killed writers left, once per process, after any redo above
                remove_stale_temporaries(self.path)
                self._swept = True
            last = self._journal.last() or {}
            unit = UnitOfWork(self._stored_latest, int(last.get("seq") or 0) + 1)
            self._active = unit
            try:
                yield unit
                if unit.documents:
                    self._commit(unit.documents, str(last.get("chain") or ""))
            finally:
                self._active = None

    def _commit(self, documents: list[dict], chain: str) -> None:
        """The one write path: the new lines of every shard the unit touches and of the journal, in one commit."""
        by_shard: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for document in documents:
            by_shard[(document["kind"], self._layout.number(document["kind"], document["id"]))].append(document)
        # Summaries are made before anything is written: a hook that fails writes nothing.
        summaries = {id(d): self._indexes[d["kind"]].summary_of(d["data"])
                     for d in documents if d["kind"] in self._indexes}
        staged = []
        for (kind, number), group in by_shard.items():
            index = self._indexes.get(kind)
            trusted = index.digests.get(number) if index is not None else None
            staged.append((kind, number, group, self._shards.get(kind, number).stage(group, trusted)))
        lines = []
        for document in documents:
            chain = chain_link(chain, document["hash"])
            lines.append({**{name: document[name] for name in META_FIELDS}, "chain": chain})
        self._commit_record.commit(writes=[*(shard.write for *_, shard in staged),
                                           Write(self._journal.path, self._journal.end(), encode_lines(lines))])
        for kind, number, group, shard in staged:
            signature = shard.published()
            index = self._indexes.get(kind)
            if index is not None:
                for document in group:
                    index.absorb_version(number, Head.of(document, summaries[id(document)]), signature, shard.digest)
        for kind in {kind for kind, *_ in staged}:
            if kind in self._indexes:
                self._save_catalog_if_due(kind, self._indexes[kind])

    def _finish_pending(self) -> None:
        """Carry out a unit that committed but was cut off before it was all in place (a crash,
        a kill): call with the write lock held."""
        if self._commit_record.pending():
            self._commit_record.carry_out()

    def _wait_for_writer(self) -> bool:
        """For a shard that did not read whole (``ShardStorage``): wait for another process writing
        it in place to finish, or finish what one killed meanwhile left; False where no other
        process can be writing (this thread holds the lock) or there is no lock (read-only)."""
        if self._active is not None:
            return False
        try:
            with self._lock.writing():
                self._finish_pending()
        except StoreError:
            return False
        return True

    def _finish_pending_before_reading(self) -> None:
        """One ``stat`` per read: a committed unit must be read whole, never half in place."""
        if self._commit_record.pending():
            try:
                with self._lock.writing():
                    self._finish_pending()
            except StoreError:
                # No write lock (a read-only copy, a busy writer): units marked carried out are
                # in place for every reader, so reading goes on; a unit left half done does not.
                if not self._commit_record.marked_applied():
                    raise

    # -- reading -----------------------------------------------------------------------------
    def get(self, kind: str, record_id: str, version: int | None = None, *, as_of: str | None = None,
            as_recorded: str | None = None) -> Version:
        """The latest version; or version number ``version``; or the version in effect on ``as_of``
        (the highest-numbered version whose effective_from is on or before that date). With
        ``as_recorded`` only versions recorded by the end of that day count: what the record
        showed then, even if a later version was back-dated to before it (base.chosen_version)."""
        kind, as_of, as_recorded = read_arguments(kind, record_id, version, as_of, as_recorded)
        with self._reading():
            return chosen_version(kind, record_id, self._existing_versions(kind, record_id), version, as_of,
                                  as_recorded, owned=True)

    def history(self, kind: str, record_id: str) -> list[Version]:
        """Every version, oldest first, tombstones included; [] for a record that never existed
        (so "has this been saved before?" needs no try/except)."""
        kind = check_kind(kind)
        if not is_possible_id(record_id):
            return []
        with self._reading():
            return [Version.from_document(d, owned=True) for d in self._fresh_versions(kind, record_id)[2]]

    def exists(self, kind: str, record_id: str) -> bool:
        """True if the record exists and its latest version is not a tombstone."""
        kind = check_kind(kind)
        if not is_possible_id(record_id):
            return False
        with self._reading():
            documents = self._fresh_versions(kind, record_id)[2]
            return bool(documents) and not documents[-1]["deleted"]

    def heads(self, kind: str, *, include_deleted: bool = False) -> list[dict]:
        """One row per record (its latest version's metadata plus its summary), ordered by id.
        Served from the in-memory index: no shard is read unless another process changed it."""
        kind = check_kind(kind)
        with self._reading():
            return listed(self._current_heads(kind), include_deleted=include_deleted)

    def find(self, kind: str, **equals: Any) -> list[dict]:
        """The rows of ``heads(kind)`` (deleted records left out) whose fields equal the given values."""
        kind = check_kind(kind)
        with self._reading():
            return matching(self._current_heads(kind), equals)

    def heads_page(self, kind: str, *, where: Where | None = None, order: Order | None = None,
                   descending: bool = False, offset: int = 0, limit: int = 50,
                   ids: Iterable[str] | None = None) -> HeadsPage:
        kind = check_kind(kind)
        with self._reading():
            return paged(self._current_heads(kind), where=where, order=order, descending=descending, offset=offset,
                         limit=limit, ids=ids)

    def tally(self, kind: str, *fields: str, where: Where | None = None) -> Counter:
        kind = check_kind(kind)
        with self._reading():
            return tallied(self._current_heads(kind), fields, where)

    def authors(self) -> list[str]:
        """Everyone who has saved a version, in alphabetical order; cheap to ask on every page run."""
        with self._reading():
            return sorted(self._journal.authors())

    def changes(self, *, kind: str | None = None, author: str | None = None, since: str | None = None,
                until: str | None = None, record_id: str | None = None, limit: int = 200) -> list[dict]:
        """The audit trail, newest first: one metadata dict per stored version.

        ``since``/``until`` compare with recorded_at; a bare date 'YYYY-MM-DD' as ``until`` includes
        that whole day.
        """
        kind = changes_arguments(kind, since, until, limit)
        until_day = until is not None and len(until) == 10
        results: list[dict] = []
        with self._reading():
            self._check_journal_tail()
            entries = self._journal.newest_first() if record_id is None else self._record_entries(kind, record_id)
            for entry in entries:
                if len(results) >= limit:
                    break
                stamp = entry.get("recorded_at")
                if (not isinstance(stamp, str)
                        or (kind is not None and entry.get("kind") != kind)
                        or (author is not None and entry.get("author") != author)
                        or (record_id is not None and entry.get("id") != record_id)
                        or (since is not None and stamp < since)
                        or (until is not None and (stamp[:10] if until_day else stamp) > until)):
                    continue
                results.append({name: entry.get(name) for name in META_FIELDS})
        return results

    def _record_entries(self, kind: str | None, record_id: Any) -> list[dict]:
        """One record's versions, newest first, from its data file: what the journal holds for it,
        found by one shard read instead of a walk back through the whole journal (the History page
        filtered by a record)."""
        if not is_possible_id(record_id):
            return []
        kinds = [kind] if kind is not None else self._layout.kinds()
        documents = [document for k in kinds if self._journal.recorded(k, record_id)
                     for document in self._fresh_versions(k, record_id, staged=False)[2]]
        return sorted(documents, key=lambda document: document["seq"], reverse=True)

    def kinds(self) -> list[str]:
        with self._reading():
            return self._layout.kinds()

    def last_seq(self) -> int:
        with self._reading():
            return int((self._journal.last() or {}).get("seq") or 0)

    def versions_since(self, seq: int, *, limit: int = 1000) -> list[Version]:
        with self._reading():
            wanted = self._journal.after(seq, limit)
            found = []
            for entry in wanted:
                documents = self._fresh_versions(entry["kind"], entry["id"], staged=False)[2]
                match = next((d for d in documents if d["version"] == entry["version"]), None)
                if match is None:
                    raise StoreError(f"The journal names {entry['kind']} {entry['id']} version {entry['version']}, "
                                     "which no data file holds; run `python -m sstc_docs verify`.")
                found.append(Version.from_document(match, owned=True))
            return found

    # -- drafts --------------------------------------------------------------------------------
    def save_draft(self, owner: str, key: str, value: dict | None) -> None:
        owner, key = check_text(owner, "author"), check_text(key, "key")
        if value is not None:
            check_json_limits(value, "draft")
        with self._lock.writing():
            self._check_open()
            file = self._draft_file(owner)
            kept = dict(file.load() or {})
            if value is None:
                if kept.pop(key, None) is None:
                    return
            else:
                kept[key] = {"value": json_copy(value), "saved_at": now_timestamp()}
            if kept:
                file.save(kept)
            else:
                file.path.unlink(missing_ok=True)
                file.forget()

    def drafts(self, owner: str) -> dict[str, dict]:
        owner = check_text(owner, "author")
        with self._reading():
            return json_copy(self._draft_file(owner).load() or {})

    def _draft_file(self, owner: str) -> DraftFile:
        """One small file per person: a name can hold any character, so the file is named by its hash."""
        name = hashlib.sha256(owner.encode("utf-8")).hexdigest()[:32]
        return self._draft_files.setdefault(name, DraftFile(self.path / "drafts" / f"{name}.json"))

    # -- attachments -------------------------------------------------------------------------
    def put_blob(self, data: bytes | Path) -> str:
        """Store an attachment once (bytes, or a file read in chunks); returns its SHA-256 hex digest
        (the same for the same bytes). Storing a damaged attachment's bytes again repairs it."""
        with self._lock.writing():
            self._check_open()
            return self._blobs.put(data)

    def blob_path(self, sha: str) -> Path:
        return self._blobs.path(sha)

    def read_blob(self, sha: str) -> bytes:
        with self._reading():
            return self._blobs.read(sha)

    def has_blob(self, sha: str) -> bool:
        with self._reading():
            return self._blobs.has(sha)

    # -- backup and restore ------------------------------------------------------------------
    def backup(self, file: str | Path | IO[bytes]) -> int:
        """Write every version of every record and every attachment as one JSON document.
        Holds the write lock throughout, so the backup is one consistent moment of the database;
        checks the whole database first (``verify``), so a backup never hides a loss."""
        with self._lock.writing():
            self._check_open()
            self._finish_pending()
            report = self._verified()
            wrong = [f for f in report.findings if f.severity == ERROR and not f.file.startswith("blobs/")]
            if wrong:
                raise backup_refused(wrong)
            damaged = sorted(f.file.replace("/", "")[5:] for f in report.findings
                             if f.severity == ERROR and f.file.startswith("blobs/"))
            blobs = ((sha, self._blobs.read(sha)) for sha in self._blobs.all() if sha not in damaged)
            count = write_backup(file, now_timestamp(), self._stored_documents(), blobs)
        if damaged:
            raise PartialBackup(str(getattr(file, "name", file)), count, damaged)
        return count

    def verify(self, *, repair: bool = False) -> Report:
        with self._lock.writing():
            self._check_open()
            self._finish_pending()
            report = self._verified()
            if repair:
                report = self._repair(report)
            return report

    def _verified(self) -> Report:
        """Every check of verify.py over the whole folder, one data file at a time (a record's
        versions all live in one file) beside the same shard's line of the heads catalog, then the
        journal one line at a time. What a version leaves behind is its share of a
        ``VersionTally``: a backup, which verifies first, holds neither every version's metadata
        nor every head (840 MB at the design point, once; now no more than a data file). Only
        when the journal and the data disagree is every version's (seq, hash) gathered, in a
        second pass, to name the versions that differ."""
        findings: list[Finding] = []
        catalog_findings: list[Finding] = []
        data = VersionTally()
        missing: dict[str, str] = {}  # an attachment a version names and the folder lacks → that version
        records = 0
        for kind, shards in itertools.groupby(self._checked_shards(), key=lambda checked: checked[0]):
            index = KindIndex(kind, self._summarize)
            catalog = self._catalog(kind).scan()
            disagreeing: str | None = None
            for _, number, relative, documents, problems in shards:
                findings += problems
                cached = catalog.digests_of(number)
                by_record: dict[tuple[str, str], list[dict]] = defaultdict(list)
                for document in documents:
                    by_record[(kind, document["id"])].append(document)
                    data.add(kind, document["id"], document["version"], document.get("seq"), document.get("hash"))
                    attachment = document["data"].get("attachment")
                    sha = attachment.get("sha256") if isinstance(attachment, dict) else None
                    if isinstance(sha, str) and not (SHA256.match(sha) and self._blobs.has(sha)):
                        missing[sha] = f"{kind} {document['id']} v{document['version']}"
                findings += check_versions(by_record, {key: relative for key in by_record}, RESTORE)
                for (_, record_id), versions in by_record.items():
                    if record_id in cached:
                        latest = max(versions, key=lambda d: d["version"])
                        data_says = head_digest(latest["version"], latest.get("hash", ""),
                                                index.summary_of(latest["data"]))
                        if cached.pop(record_id) != data_says and disagreeing is None:
                            disagreeing = record_id
                disagreeing = disagreeing or next(iter(cached), None)  # cached for a record the data lacks
                records += len(by_record)
            intact = catalog.finish()  # else there is no usable catalog, and none to check
            disagreeing = disagreeing or catalog.unmatched
            if intact and disagreeing is not None:
                catalog_findings.append(Finding(
                    WARNING, f"catalog/{kind}.json", f"{kind} {disagreeing}",
                    "the heads cache disagrees with the data (edited by hand, or stale)",
                    "run `verify --repair` to rebuild it; listings are rebuilt from the data"))
        journal = check_journal(self._journal.oldest_first(), None)
        if journal.findings or journal.tally != data:
            stored = {(kind, document["id"], document["version"]): (document.get("seq"), document.get("hash"))
                      for kind, _, _, documents, _ in self._checked_shards() for document in documents}
            findings += check_seq(sorted(seq or 0 for seq, _ in stored.values()))
            journal = check_journal(self._journal.oldest_first(), stored)
        findings += journal.findings
        findings += catalog_findings
        attachments = 0
        for sha in self._blobs.all():
            attachments += 1
            problem = check_blob(self._blobs.path(sha), sha)
            if problem:
                findings.append(problem)
        for sha, record in sorted(missing.items()):
            findings.append(Finding(ERROR, f"blobs/{sha[:2]}/{sha[2:]}", record, "the attachment it names is "
                                    "missing", "attach the original file again, or restore from a backup"))
        return Report(findings, data.count, records, attachments, journal.head)

    def _checked_shards(self) -> Iterator[tuple[str, int, str, list[dict], list[Finding]]]:
        """(kind, number, file, whole versions, problems) of every data file, one at a time, in
        shard order."""
        for kind in self._layout.kinds():
            count = self._layout.count(kind)
            for number in sorted(self._layout.signatures(kind)):
                path = self._layout.path(kind, number)
                relative = str(path.relative_to(self.path))
                yield (kind, number, relative, *check_shard_file(path, relative, kind, count))

    def _metas_in_seq_order(self) -> list[dict]:
        """Every version's metadata, in seq order: what a journal rebuilt from the data holds
        (only a repair of the journal, once every data file verified, needs them all at once)."""
        metas = [{name: document.get(name) for name in META_FIELDS} for document in self._stored_documents()]
        return sorted(metas, key=lambda meta: meta.get("seq") or 0)

    def _stored_documents(self) -> Iterator[dict]:
        """Every version document, one data file at a time (for a backup: never all in memory)."""
        for kind in self._layout.kinds():
            for number in sorted(self._layout.signatures(kind)):
                shard = Shard(self._layout.path(kind, number))
                documents = sorted(shard.documents(), key=lambda d: (d["id"], d["version"]))
                shard.close()
                yield from documents

    def _repair(self, report: Report) -> Report:
        """Rebuild what is only a cache or a copy: the catalogs always, the journal when only the
        journal is wrong (the data is whole: every version verified, seq without gaps)."""
        shutil.rmtree(self.path / "catalog", ignore_errors=True)
        self._forget_everything()
        self._commit_record.checkpoint()  # no record left to be redone over a rebuilt journal
        data_ok = not any(f.severity == ERROR and f.file != "changes.jsonl" and not f.file.startswith("blobs/")
                          for f in report.findings)
        journal_wrong = any(f.file == "changes.jsonl" for f in report.findings)
        if data_ok and journal_wrong:
            lines, chain = [], ""
            for meta in self._metas_in_seq_order():
                chain = chain_link(chain, meta["hash"])
                lines.append({**meta, "chain": chain})
            self._journal.rewrite(lines)
        repaired = self._verified()
        fixed = [Finding(WARNING, f.file, f.record, f.problem, "repaired: rebuilt from the data files")
                 for f in report.findings if f not in repaired.findings]
        return Report(repaired.findings + fixed, repaired.versions, repaired.records, repaired.attachments,
                      repaired.head)

    def restore(self, file: str | Path | IO[bytes]) -> int:
        """As ``StoreBase.restore``, with the checked backup spooled inside ``restore.partial/``
        and the database built from it as it streams: memory does not grow with the backup."""
        with self._lock.writing():
            self._check_open()
            self._finish_pending()
            staging = self.path / "restore.partial"
            shutil.rmtree(staging, ignore_errors=True)  # what a restore cut short left
            ensure_folder(staging)
            try:
                with read_backup(file, validate=self._validate, spool_in=staging) as backup:
                    layout = self._refuse_unless_empty(staging)
                    self._build(staging, backup.versions(group=layout.number), backup.blobs(), backup.in_seq_order())
                return self._put_in_place(staging, backup.count)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise

    def load(self, versions: Iterable[dict], blobs: Iterable[tuple[str, bytes]]) -> int:
        """Into this empty folder: the database is built in ``restore.partial/`` and swapped in by
        one commit record, so a load cut short by a kill or a full disk leaves the folder as it
        was, and can simply be run again. Versions, authors, times, reasons and hashes come back
        exactly. (The versions are sorted here, so they are held in memory; ``restore`` streams.)"""
        versions = list(versions)
        with self._lock.writing():
            self._check_open()
            self._finish_pending()
            staging = self.path / "restore.partial"
            layout = self._refuse_unless_empty(staging)
            shutil.rmtree(staging, ignore_errors=True)  # what a restore cut short left
            by_shard = sorted(versions, key=lambda d: (d["kind"], layout.number(*_key(d)), d["id"], d["version"]))
            self._build(staging, by_shard, blobs, sorted(versions, key=lambda d: d["seq"]))
            return self._put_in_place(staging, len(versions))

    def _refuse_unless_empty(self, staging: Path) -> ShardLayout:
        """Call with the write lock held; returns the layout the new shards get in ``staging``."""
        if not self._is_empty():
            raise StoreError(f"The database {self.path} is not empty; a backup can only be restored "
                             "into an empty database. Restore into a new folder (set SSTC_DB to it and "
                             "run `python -m sstc_docs restore BACKUP.json`).")
        return ShardLayout(staging / "shards", self._shard_counts)

    def _put_in_place(self, staging: Path, count: int) -> int:
        """Swap the database built in ``staging`` in (one commit record), then build the catalogs."""
        for leftover in ("shards", "blobs"):  # empty folders of an empty database make way
            shutil.rmtree(self.path / leftover, ignore_errors=True)
        self._forget_everything()
        self._commit_record.commit(renames=[(staging / name, self.path / name)
                                            for name in ("shards", "blobs", "changes.jsonl")])
        self._commit_record.checkpoint()
        shutil.rmtree(self.path / "catalog", ignore_errors=True)  # caches of a former database
        try:  # a cache: if it cannot be put in place, the first use rebuilds it from the shards
            os.replace(staging / "catalog", self.path / "catalog")
        except OSError:
            pass
        shutil.rmtree(staging, ignore_errors=True)
        return count

    def _build(self, folder: Path, by_shard: Iterable[dict], blobs: Iterable[tuple[str, bytes]],
               by_seq: Iterable[dict]) -> None:
        """A whole database in ``folder``: shards with their catalogs, attachments and the journal
        with its chain, each written as its versions stream in (``by_shard`` ordered kind, shard,
        id, version; ``by_seq`` the same versions in seq order): one shard's versions in memory at
        a time, never a kind's heads."""
        layout = ShardLayout(folder / "shards", self._shard_counts)
        for kind, documents in itertools.groupby(by_shard, key=lambda d: d["kind"]):
            shards = itertools.groupby(documents, key=lambda d: layout.number(kind, d["id"]))
            written = (self._write_shard(layout, kind, number, list(versions)) for number, versions in shards)
            first = next(written)
            _, _, _, first_heads = first
            catalog = Catalog(folder / "catalog" / f"{kind}.json", kind, layout.count(kind), self._summarize_hook)
            with catalog.writing(list(first_heads[0].summary)) as lines:
                for number, signature, digest, heads in itertools.chain([first], written):
                    lines.add(number, signature, digest, heads)
        staged_blobs = BlobStore(folder / "blobs")
        ensure_folder(folder / "blobs")
        for sha, data in blobs:
            if staged_blobs.put(data) != sha:
                raise StoreError(f"The attachment {sha} to load into {self.path} does not match its content; "
                                 "nothing was loaded.")
        with atomic_writer(folder / "changes.jsonl") as journal:
            chain = ""
            for document in by_seq:
                chain = chain_link(chain, document["hash"])
                journal.write(encode_lines([{**{name: document[name] for name in META_FIELDS}, "chain": chain}]))

    def _write_shard(self, layout: ShardLayout, kind: str, number: int,
                     documents: list[dict]) -> tuple[int, Signature, str, list[Head]]:
        """Write a shard of a database being built; returns its catalog entry (number, signature,
        content digest, heads by id)."""
        content = shard_content(documents)
        signature = atomic_write_bytes(layout.path(kind, number), content)
        latest = latest_versions(documents)
        heads = [Head.of(latest[record_id], summary_of(self._summarize, kind, latest[record_id]["data"]))
                 for record_id in sorted(latest)]
        return number, signature, content_digest(content), heads

    def _is_empty(self) -> bool:
        return (not self._layout.has_shards() and not any(True for _ in self._blobs.all())
                and self._journal.size() == 0)

    def close(self) -> None:
        """Save the catalogs (a cache: a failure here loses nothing) and let go of open files."""
        with self._lock.reading():
            if self._closed:
                return
            if self._commit_record.holds_records():
                try:  # leaves the log empty; else the next process to open the database does it
                    with self._lock.writing():
                        self._commit_record.checkpoint()
                except StoreError:
                    pass
            for kind, index in self._indexes.items():
                if index.unsaved or index.restamped:
                    try:
                        self._save_catalog(kind, index)
                    except StoreError:
                        pass
            try:
                self._journal.save_summary()
            except StoreError:
                pass
            self._forget_everything()
            self._lock.close()
            self._closed = True
        _OPEN_STORES.discard(self)

    # -- internals ---------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The database {self.path} has been closed; open it again.")

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._lock.reading():
            self._check_open()
            if self._active is None:
                self._finish_pending_before_reading()
            yield

    def _check_journal_tail(self) -> None:
        """The audit trail must reach the newest version the data holds: a cut or deleted journal
        is said, never shown as an empty or shorter history."""
        newest = max((self._index(kind).newest_seq() for kind in self._layout.kinds()), default=0)
        last = int((self._journal.last() or {}).get("seq") or 0)
        if last < newest:
            raise StoreError(f"The audit trail {self._journal.path} ends at version {last} of the database, but the "
                             f"data files hold versions up to {newest}: it was cut or removed. Run `python -m "
                             "sstc_docs verify` to see what else is wrong; `verify --repair` rebuilds the trail from "
                             "the data files when they are whole.")

    def _stored_latest(self, kind: str, record_id: str) -> dict | None:
        """What the unit of work builds on: the latest version on disk, without anything staged."""
        documents = self._fresh_versions(kind, record_id, staged=False)[2]
        return documents[-1] if documents else None

    def _current_heads(self, kind: str) -> dict[str, Head]:
        """The kind's heads, with what the open unit of work (this thread's) has staged on top."""
        index = self._index(kind)
        staged = [record_id for k, record_id in self._active.records() if k == kind] if self._active else []
        if not staged:
            return index.heads
        heads = dict(index.heads)
        for record_id in staged:
            document = self._active.versions_of(kind, record_id)[-1]
            heads[record_id] = Head.of(document, index.summary_of(document["data"]))
        return heads

    def _fresh_versions(self, kind: str, record_id: str, *, staged: bool = True) -> tuple[int, Shard, list[dict]]:
        """A record's shard and its version documents as they are on disk now (re-read if another
        process changed the file), then copies of those the open unit of work staged: every
        document the caller's own; a loaded index of that kind is brought up to date on the way."""
        number = self._layout.number(kind, record_id)
        shard = self._shards.get(kind, number)
        documents = shard.versions_of(record_id)
        index = self._indexes.get(kind)
        if index is not None and not index.is_current(number, shard.seen):
            index.absorb_shard(number, shard.documents(), shard.signature, shard.digest)
            self._save_catalog_if_due(kind, index)
        if not documents and self._journal.recorded(kind, record_id):
            raise StoreError(f"{kind} {record_id} was recorded, but the data file {shard.path} no longer holds it "
                             "(removed or replaced by hand). Nothing will be read or saved for it until it is back: "
                             "restore that file from a backup copy, or restore the whole database with `python -m "
                             "sstc_docs restore BACKUP.json` into an empty folder; `python -m sstc_docs verify` lists "
                             "everything that is wrong.")
        if staged and self._active is not None:
            documents = documents + [json_copy(d) for d in self._active.versions_of(kind, record_id)]
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
        if index is not None:
            return self._synced(kind, index)
        with collector_paused():
            index = KindIndex(kind, self._summarize)
            self._catalog(kind).load_into(index)
            self._indexes[kind] = index
            self._synced(kind, index)
            keep_out_of_collections()  # they live as long as the store
        return index

    def _synced(self, kind: str, index: KindIndex) -> KindIndex:
        on_disk = self._layout.signatures(kind)
        for number in sorted(index.signatures.keys() - on_disk.keys()):
            raise StoreError(f"The database file {self._layout.path(kind, number)} is missing, yet it held "
                             f"{len(index.members.get(number, ()))} {kind} record(s). Restore it from a backup "
                             "copy, or restore the whole database with `python -m sstc_docs restore "
                             "BACKUP.json` into an empty folder.")
        with collector_paused():  # a rebuild parses every shard of the kind (see catalog.py)
            for number, signature in on_disk.items():
                if index.is_current(number, signature):
                    continue
                if index.is_moved_only(number, signature):
                    index.restamp(number, signature)
                    continue
                if number in index.digests:  # changed on disk, or only copied? (catalog.py)
                    found = read_digest(self._layout.path(kind, number))
                    if found is not None and found[1] == index.digests[number]:
                        index.restamp(number, found[0])
                        continue
                shard = self._shards.get(kind, number)
                index.absorb_shard(number, shard.documents(), shard.signature, shard.digest)
        recorded = self._journal.record_count(kind)
        if len(index.heads) < recorded:
            raise StoreError(f"{recorded - len(index.heads)} {kind} record(s) were recorded but are in no data file "
                             f"under {self._layout.folder(kind)} (a file was removed or replaced by hand). Run "
                             "`python -m sstc_docs verify` to see which, then restore from a backup.")
        self._save_catalog_if_due(kind, index)
        return index

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

    def _forget_everything(self) -> None:
        self._shards.clear()
        self._indexes.clear()


def _key(document: dict) -> tuple[str, str]:
    return document["kind"], document["id"]


class DraftFile(JSONFile):
    """A person's drafts: an unreadable file is reported, never taken as "no drafts" and overwritten."""

    def problem_with(self, content: Any) -> str | None:
        return None if isinstance(content, dict) else "it is not an object of drafts"


def default_db_path() -> Path:
    """$SSTC_DB if set, else the ``db`` folder at the project root (beside the sstc_docs package)."""
    configured = os.environ.get("SSTC_DB")
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[2] / "db"


def open_store(path: str | Path | None = None, *, summarize: Summarize | None = None,
               validate: Validate | None = None, shard_counts: dict[str, int] | None = None) -> Store:
    return Store(path if path is not None else default_db_path(), summarize=summarize, validate=validate,
                 shard_counts=shard_counts)


@atexit.register
def _close_open_stores() -> None:
    """Save catalogs of stores still open when the interpreter exits (Streamlit never calls close)."""
    for store in list(_OPEN_STORES):
        try:
            store.close()
        except Exception:  # noqa: BLE001 - nothing useful can be done at exit; the catalog is a cache
            pass
