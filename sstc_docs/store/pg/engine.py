"""PostgresStore: the same versioned records as the embedded engine, in one PostgreSQL database.

Why a second engine: the embedded one keeps the database in a folder, so every app server must
run on the machine that holds it. Here any number of servers share one database server.

The guarantees are the embedded engine's, kept by the database where it can (schema.sql):

- a version is never changed: key (kind, id, version), unique seq, a trigger refusing UPDATE and
  DELETE, and an app role granted only SELECT and INSERT on the versions;
- a unit of work is one transaction. It begins by locking the one row of ``sstc_chain`` (the
  newest seq and store-wide chain) FOR UPDATE: writers queue there, so seq has no gaps, the chain
  is linear and the unit's conflict checks read what is really the latest. A unique violation on
  (kind, id, version) — a writer that bypassed the lock — is the same ConflictError;
- the heads table is maintained in that transaction; each server caches the heads of the kinds it
  lists and catches up with one indexed query per read (``seq`` above what it holds) and, in the
  background, whenever another server's commit is announced (listen.py).

Reads of a record are one indexed query for its versions; the choice among them (as of, as
recorded) is base.py's, shared with the embedded engine.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterable
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import IO, Any, Iterator

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from ...errors import ConflictError, NotFound, PartialBackup, StoreError, ValidationError
from ...limits import check_json_limits
from ..backup import write_backup
from ..base import (HeadsPage, Order, StoreBase, Summarize, Validate, Where, changes_arguments, chosen_version,
                    is_possible_id, listed, matching, no_summary, paged, read_arguments, tallied)
from ..blobs import CHUNK, check_sha, file_digest
from ..catalog import summarizer_fingerprint
from ..index import Head, collector_paused, summary_of
from ..journal import chain_link
from ..unit import UnitOfWork
from ..verify import ERROR, WARNING, Finding, Report, backup_refused
from ..versions import META_FIELDS, Version, check_kind, check_text, json_copy, now_timestamp
from .listen import CHANNEL, ChangeListener
from .load import load_into
from .rows import VERSION_COLUMNS, as_json, document_of
from .schema import ensure_schema
from .verify import repair_derived, verify_database

HEAD_COLUMNS = "id, version, deleted, author, recorded_at, why, effective_from, seq, hash"
_INSERT_VERSION = (f"INSERT INTO sstc_versions ({VERSION_COLUMNS}, chain) "
                   f"VALUES ({', '.join(['%s'] * (len(META_FIELDS) + 2))})")
_UPSERT_HEAD = ("INSERT INTO sstc_heads (kind, id, version, deleted, author, recorded_at, why, effective_from, seq, "
                "hash, summarizer, summary) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, "
                "author = excluded.author, recorded_at = excluded.recorded_at, why = excluded.why, "
                "effective_from = excluded.effective_from, seq = excluded.seq, hash = excluded.hash, "
                "summarizer = excluded.summarizer, summary = excluded.summary")
#: A transaction of its own that writes to the WAL and commits as the server's synchronous_commit
#: says (on, by default): it returns once the WAL up to it, the unit's commit included, is flushed.
_WAIT_FOR_FLUSH = "SELECT pg_logical_emit_message(true, 'sstc-docs', 'flushed')"
_INSERT_NAME = "INSERT INTO sstc_names (what, name) VALUES (%s, %s) ON CONFLICT DO NOTHING"
_LATEST_VERSION = (f"SELECT {VERSION_COLUMNS} FROM sstc_versions WHERE kind = %s AND id = %s "
                   "ORDER BY version DESC LIMIT 1")
#: An attachment stored once; stored again only over a damaged copy (its bytes no longer its hash).
_PUT_BLOB = ("INSERT INTO sstc_blobs (sha, data) SELECT given.sha, given.data FROM {source} ON CONFLICT (sha) "
             "DO UPDATE SET data = excluded.data WHERE sha256(sstc_blobs.data) <> decode(excluded.sha, 'hex')")


class _KindHeads:
    """One kind's heads as this server last read them. ``seq``: every row of the kind up to it has
    been read. ``heads`` is replaced, never changed in place, so a reader may iterate it unlocked."""

    def __init__(self) -> None:
        self.heads: dict[str, Head] = {}
        self.seq = 0

    def absorb(self, heads: list[Head], *, complete: bool = True) -> None:
        """Keep the newer of two heads (a catch-up read begun before a commit may end after it).
        ``complete``: the heads are every row of the kind above ``seq`` (a catch-up), not just
        this server's own commit, which may follow others' not yet read."""
        merged = dict(self.heads)
        for head in heads:
            known = merged.get(head.id)
            if known is None or head.seq > known.seq:
                merged[head.id] = head
            if complete:
                self.seq = max(self.seq, head.seq)
        self.heads = merged


class _Active:
    """This thread's open unit and the connection whose transaction holds it."""

    def __init__(self, unit: UnitOfWork, conn: psycopg.Connection):
        self.unit, self.conn = unit, conn


class PostgresStore(StoreBase):
    """Versioned records in PostgreSQL; thread-safe, and safe for any number of servers at once."""

    def __init__(self, url: str, *, summarize: Summarize | None = None, validate: Validate | None = None,
                 pool_size: int = 10, listen: bool = True):
        """``summarize`` and ``validate`` are the kinds' hooks (base.py), as for the embedded engine;
        ``pool_size`` bounds the connections this process holds; ``listen=False`` for a one-off
        command that need not hear other servers."""
        self.url = url
        self.where = _redacted(url)
        self._summarize: Summarize = summarize or no_summary
        self._fingerprint = summarizer_fingerprint(summarize)
        self._validate = validate
        self._local = threading.local()
        self._cache: dict[str, _KindHeads] = {}
        self._cache_lock = threading.Lock()
        self._closed = False
        try:  # one connection first: a wrong URL or a server that is down is said at once, and why
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                ensure_schema(conn, self.where)
        except psycopg.OperationalError as error:
            raise StoreError(f"Cannot connect to the PostgreSQL database {self.where} ({_first_line(error)}); "
                             "check that the server runs, that the database exists and that the URL's user "
                             "may log in.") from None
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True, name="sstc",
                                    kwargs={"autocommit": True}, check=ConnectionPool.check_connection)
        self._listener = ChangeListener(url, self._catch_up_cached, self._forget_cache) if listen else None
        if self._listener is not None:
            self._listener.start()

    def __repr__(self) -> str:
        return f"PostgresStore({self.where!r})"

    # -- writing -----------------------------------------------------------------------------
    def unit(self) -> AbstractContextManager[UnitOfWork]:
        return self._unit()

    def save(self, kind: str, record_id: str, data: dict, *, author: str, why: str,
             base_version: int | None, effective_from: str | None = None) -> Version:
        """A unit of one, as StoreBase's, whose record is read in the round trip that takes the lock."""
        with self._unit(record=(kind, record_id)) as unit:
            saved = unit.save(kind, record_id, data, author=author, why=why, base_version=base_version,
                              effective_from=effective_from)
        return saved

    def delete(self, kind: str, record_id: str, *, author: str, why: str, base_version: int,
               effective_from: str | None = None) -> Version:
        with self._unit(record=(kind, record_id)) as unit:
            tombstone = unit.delete(kind, record_id, author=author, why=why, base_version=base_version,
                                    effective_from=effective_from)
        return tombstone

    @contextmanager
    def _unit(self, record: tuple[str, str] | None = None) -> Iterator[UnitOfWork]:
        """The unit's transaction. Writers queue on the chain row, so what happens between taking
        it and committing is kept to two round trips: the lock (with the one record a single save
        builds on, if known), then the writes with the commit.

        The commit does not wait for its flush while holding the row (``synchronous_commit`` off
        for this transaction only); the statement after it does (``_WAIT_FOR_FLUSH``), so a save
        still returns only once it is on disk, but the next writer takes the row meanwhile, and
        the flushes of writers waiting together are shared (PostgreSQL's group commit). A save
        waiting for its flush is visible to other sessions already: only a crash of the database
        server in that moment (a millisecond) could take it back, and then its writer is told the
        save is not confirmed, never that it was saved; servers forget their cached heads when
        their listener reconnects (listen.py)."""
        self._check_open()
        active: _Active | None = getattr(self._local, "active", None)
        if active is not None:
            yield active.unit  # joins the unit already open in this thread: one transaction for both
            return
        known = record if record is not None and all(isinstance(part, str) for part in record) else None
        with self._database_errors(), self._pool.connection() as conn:
            with conn.pipeline():
                conn.execute("BEGIN")
                locked = conn.execute("SELECT seq, chain FROM sstc_chain FOR UPDATE")
                latest = conn.execute(_LATEST_VERSION, known) if known else None
            seq, chain = locked.fetchone()
            read_with_lock = {}
            if latest is not None:
                row = latest.fetchone()
                read_with_lock[known] = document_of(row) if row else None
            unit = UnitOfWork(partial(self._stored_latest, conn), seq + 1, read_with_lock)
            try:
                self._local.active = _Active(unit, conn)
                try:
                    yield unit
                finally:
                    self._local.active = None
                with conn.pipeline():  # the writes, the commit and its flush: one round trip
                    if unit.documents:
                        summaries = self._write(conn, unit.documents, chain)
                        conn.execute("SET LOCAL synchronous_commit = off")
                        conn.execute("COMMIT")  # the chain row is free for the next writer from here
                        conn.execute(_WAIT_FOR_FLUSH)
                    else:
                        summaries = {}
                        conn.execute("ROLLBACK")
            except psycopg.errors.UniqueViolation as error:
                _rollback(conn)
                raise self._conflict_from(error, unit) from None
            except BaseException:
                _rollback(conn)
                raise
        if unit.documents:
            self._absorb_own(unit.documents, summaries)

    def _write(self, conn: psycopg.Connection, documents: list[dict], chain: str) -> dict:
        """Queue the inserts of the unit's versions with their chain, its heads, names and the new
        chain head (the caller's pipeline sends them with the commit); returns the summaries.
        Summaries are made first: a hook that fails writes nothing."""
        latest = {(d["kind"], d["id"]): d for d in documents}
        summaries = {key: self._summary(key[0], d["data"]) for key, d in latest.items()}
        rows = []
        for document in documents:
            chain = chain_link(chain, document["hash"])
            rows.append([document[name] for name in META_FIELDS] + [as_json(document["data"]), chain])
        heads = [(d["kind"], d["id"], d["version"], d["deleted"], d["author"], d["recorded_at"], d["why"],
                  d["effective_from"], d["seq"], d["hash"], self._fingerprint, as_json(summaries[key]))
                 for key, d in latest.items()]
        names = sorted({("author", d["author"]) for d in documents} | {("kind", d["kind"]) for d in documents})
        with conn.cursor() as cursor:
            cursor.executemany(_INSERT_VERSION, rows)
            cursor.executemany(_UPSERT_HEAD, heads)
            cursor.executemany(_INSERT_NAME, names)
            cursor.execute("UPDATE sstc_chain SET seq = %s, chain = %s", (documents[-1]["seq"], chain))
            cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(documents[-1]["seq"])))
        return summaries

    def _conflict_from(self, error: psycopg.errors.UniqueViolation, unit: UnitOfWork) -> Exception:
        """A writer that did not take the chain lock saved the same version number first: the same
        ConflictError a check inside the unit raises, with the version that won."""
        if error.diag.constraint_name != "sstc_versions_record_version":
            return StoreError(f"The database {self.where} refused a save ({error.diag.message_primary}); "
                              "nothing of it was written.")
        for kind, record_id in unit.records():
            staged = unit.versions_of(kind, record_id)
            with self._connection() as conn:
                stored = self._stored_latest(conn, kind, record_id)
            if stored and stored["version"] >= staged[0]["version"]:
                return ConflictError(kind, record_id, staged[0]["based_on"], Version.from_document(stored),
                                     json_copy(staged[-1]["data"]))
        return StoreError(f"The database {self.where} refused a save as a duplicate; nothing of it was written.")

    # -- reading -----------------------------------------------------------------------------
    def get(self, kind: str, record_id: str, version: int | None = None, *, as_of: str | None = None,
            as_recorded: str | None = None) -> Version:
        """As the embedded engine answers (base.py's ``chosen_version``), from the record's rows."""
        kind, as_of, as_recorded = read_arguments(kind, record_id, version, as_of, as_recorded)
        return chosen_version(kind, record_id, self._versions(kind, record_id), version, as_of, as_recorded)

    def history(self, kind: str, record_id: str) -> list[Version]:
        kind = check_kind(kind)
        if not is_possible_id(record_id):
            return []
        return [Version.from_document(d) for d in self._versions(kind, record_id)]

    def exists(self, kind: str, record_id: str) -> bool:
        kind = check_kind(kind)
        if not is_possible_id(record_id):
            return False
        active = self._active()
        staged = active.unit.versions_of(kind, record_id) if active else []
        if staged:
            return not staged[-1]["deleted"]
        with self._connection() as conn:
            row = conn.execute("SELECT deleted FROM sstc_versions WHERE kind = %s AND id = %s ORDER BY version DESC "
                               "LIMIT 1", (kind, record_id)).fetchone()
        return row is not None and not row[0]

    def heads(self, kind: str, *, include_deleted: bool = False) -> list[dict]:
        return listed(self._current_heads(check_kind(kind)), include_deleted=include_deleted)

    def find(self, kind: str, **equals: Any) -> list[dict]:
        return matching(self._current_heads(check_kind(kind)), equals)

    def heads_page(self, kind: str, *, where: Where | None = None, order: Order | None = None,
                   descending: bool = False, offset: int = 0, limit: int = 50,
                   ids: Iterable[str] | None = None) -> HeadsPage:
        """From the heads this server keeps in memory (caught up by one indexed query), as ``heads``."""
        return paged(self._current_heads(check_kind(kind)), where=where, order=order, descending=descending,
                     offset=offset, limit=limit, ids=ids)

    def tally(self, kind: str, *fields: str, where: Where | None = None) -> Counter:
        return tallied(self._current_heads(check_kind(kind)), fields, where)

    def kinds(self) -> list[str]:
        return self._names("kind")

    def authors(self) -> list[str]:
        return self._names("author")

    def changes(self, *, kind: str | None = None, author: str | None = None, since: str | None = None,
                until: str | None = None, record_id: str | None = None, limit: int = 200) -> list[dict]:
        """The audit trail, newest first, filtered by the database through its indexes."""
        kind = changes_arguments(kind, since, until, limit)
        where, values = [], []
        for column, value in (("kind", kind), ("author", author), ("id", record_id)):
            if value is not None:
                where.append(f"{column} = %s")
                values.append(value)
        if since is not None:
            where.append("recorded_at >= %s")
            values.append(since)
        if until is not None:  # a bare date includes that whole day
            where.append("left(recorded_at, 10) <= %s" if len(until) == 10 else "recorded_at <= %s")
            values.append(until)
        query = (f"SELECT {', '.join(META_FIELDS)} FROM sstc_versions"
                 f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY seq DESC LIMIT %s")
        with self._connection() as conn:
            return [dict(zip(META_FIELDS, row)) for row in conn.execute(query, (*values, limit))]

    def last_seq(self) -> int:
        with self._connection() as conn:
            return conn.execute("SELECT seq FROM sstc_chain").fetchone()[0]

    def versions_since(self, seq: int, *, limit: int = 1000) -> list[Version]:
        with self._connection() as conn:
            rows = conn.execute(f"SELECT {VERSION_COLUMNS} FROM sstc_versions WHERE seq > %s ORDER BY seq LIMIT %s",
                                (seq, limit))
            return [Version.from_document(document_of(row)) for row in rows]

    # -- drafts ------------------------------------------------------------------------------
    def save_draft(self, owner: str, key: str, value: dict | None) -> None:
        owner, key = check_text(owner, "author"), check_text(key, "key")
        if value is not None:
            check_json_limits(value, "draft")
        with self._outside_unit() as conn:
            if value is None:
                conn.execute("DELETE FROM sstc_drafts WHERE owner = %s AND key = %s", (owner, key))
            else:
                conn.execute("INSERT INTO sstc_drafts (owner, key, value, saved_at) VALUES (%s, %s, %s, %s) "
                             "ON CONFLICT (owner, key) DO UPDATE SET value = excluded.value, saved_at = "
                             "excluded.saved_at", (owner, key, as_json(json_copy(value)), now_timestamp()))

    def drafts(self, owner: str) -> dict[str, dict]:
        owner = check_text(owner, "author")
        with self._outside_unit() as conn:
            rows = conn.execute("SELECT key, value, saved_at FROM sstc_drafts WHERE owner = %s ORDER BY key", (owner,))
            return {key: {"value": value, "saved_at": saved_at} for key, value, saved_at in rows}

    # -- attachments -------------------------------------------------------------------------
    def put_blob(self, data: bytes | Path) -> str:
        """Store an attachment (bytes, or a file read in chunks) once by content, visible at once
        (as a file the embedded engine writes); returns its SHA-256. Storing a damaged
        attachment's content again repairs it (the one update the table's trigger allows)."""
        if isinstance(data, Path):
            return self._put_file(data)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValidationError(f"an attachment must be bytes or a file, not {type(data).__name__}", field="data")
        data = bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        with self._outside_unit() as conn:
            conn.execute(_PUT_BLOB.format(source="(VALUES (%s, %s::bytea)) given (sha, data)"), (sha, data))
        return sha

    def _put_file(self, source: Path) -> str:
        """Hash, then stream the file into a COPY as hex, hashing again: memory stays one chunk,
        and a file that changed in between is refused (all rolled back) rather than misnamed."""
        try:
            sha, _ = file_digest(source)
        except OSError as error:
            raise ValidationError(f"cannot read {source}: {error.strerror or error}", field="file") from None
        with self._outside_unit() as conn:
            intact = conn.execute("SELECT sha256(data) = decode(sha, 'hex') FROM sstc_blobs WHERE sha = %s",
                                  (sha,)).fetchone()
            if intact is not None and intact[0]:
                return sha
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("CREATE TEMP TABLE sstc_upload (sha text, data bytea) ON COMMIT DROP")
                with cursor.copy("COPY sstc_upload (sha, data) FROM STDIN") as copy, open(source, "rb") as file:
                    hasher = hashlib.sha256()
                    copy.write(f"{sha}\t\\\\x".encode())  # a bytea in hex, escaped for COPY's text format
                    while chunk := file.read(CHUNK):
                        hasher.update(chunk)
                        copy.write(chunk.hex().encode())
                    copy.write(b"\n")
                    if hasher.hexdigest() != sha:
                        raise ValidationError(f"{source} changed while it was being stored; nothing was written. "
                                              "Attach it again once nothing is changing it.", field="file")
                cursor.execute(_PUT_BLOB.format(source="sstc_upload given"))
        return sha

    def read_blob(self, sha: str) -> bytes:
        with self._outside_unit() as conn:
            row = conn.execute("SELECT data FROM sstc_blobs WHERE sha = %s", (check_sha(sha),)).fetchone()
        if row is None:
            raise NotFound(f"There is no attachment {sha} in the database.")
        data = bytes(row[0])
        if hashlib.sha256(data).hexdigest() != sha:
            raise StoreError(f"The attachment {sha} in the database {self.where} is damaged (its content no "
                             "longer matches its hash). Attach the original file again (that replaces the damaged "
                             "copy) or restore a backup.")
        return data

    def has_blob(self, sha: str) -> bool:
        with self._outside_unit() as conn:
            return conn.execute("SELECT EXISTS (SELECT 1 FROM sstc_blobs WHERE sha = %s)",
                                (check_sha(sha),)).fetchone()[0]

    # -- the whole database ------------------------------------------------------------------
    def backup(self, file: str | Path | IO[bytes]) -> int:
        """Every version and attachment as of one moment (one repeatable-read snapshot), streamed
        through server-side cursors: the archive never sits in memory. Checked first, in that same
        snapshot (``verify``): a damaged database is refused, damaged attachments left out and said."""
        self._check_open()
        with self._database_errors(), self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            report = verify_database(conn, self._summary, self._fingerprint)
            wrong = [f for f in report.findings if f.severity == ERROR and not f.file.startswith("sstc_blobs/")]
            if wrong:
                raise backup_refused(wrong)
            damaged = sorted({f.file.split("/", 1)[1] for f in report.findings if f.severity == ERROR})
            versions = conn.cursor(name="sstc_backup_versions")
            versions.itersize = 2000
            versions.execute(f"SELECT {VERSION_COLUMNS} FROM sstc_versions ORDER BY kind, id, version")
            blobs = conn.cursor(name="sstc_backup_blobs", binary=True)
            blobs.itersize = 20
            blobs.execute("SELECT sha, data FROM sstc_blobs WHERE NOT sha = ANY(%s) ORDER BY sha", (damaged,))
            count = write_backup(file, now_timestamp(), (document_of(row) for row in versions),
                                 ((sha, bytes(data)) for sha, data in blobs))
        if damaged:
            raise PartialBackup(str(getattr(file, "name", file)), count, damaged)
        return count

    def verify(self, *, repair: bool = False) -> Report:
        """verify.py's checks over the tables (pg/verify.py), streamed; ``repair`` rebuilds the
        derived tables from the versions (as the owner: the app role may not delete heads)."""
        self._check_open()
        with self._database_errors(), self._pool.connection() as conn:
            report = self._verified(conn)
            if not repair:
                return report
            with conn.transaction():
                conn.execute("SELECT FROM sstc_chain FOR UPDATE")
                repair_derived(conn, self._summary, self._fingerprint)
            self._forget_cache()
            repaired = self._verified(conn)
        fixed = [Finding(WARNING, f.file, f.record, f.problem, "repaired: rebuilt from the versions")
                 for f in report.findings if f not in repaired.findings]
        return Report(repaired.findings + fixed, repaired.versions, repaired.records, repaired.attachments,
                      repaired.head)

    def _verified(self, conn: psycopg.Connection) -> Report:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return verify_database(conn, self._summary, self._fingerprint)

    def load(self, versions: Iterable[dict], blobs: Iterable[tuple[str, bytes]]) -> int:
        """In one transaction, streaming: a load cut short leaves the database empty, and can be
        run again."""
        self._check_open()
        try:
            with self._database_errors(), self._pool.connection() as conn, conn.transaction():
                count = load_into(conn, versions, blobs, self._summary, self._fingerprint, self.where)
        except psycopg.errors.UniqueViolation as error:
            raise StoreError(f"The versions to load into {self.where} name one version twice "
                             f"({error.diag.message_detail}); nothing was loaded.") from None
        self._forget_cache()
        return count

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._listener is not None:
            try:
                with self._pool.connection(timeout=1) as conn:
                    self._listener.stop(conn)
            except (psycopg.Error, PoolTimeout):
                self._listener.stop()
        self._pool.close()
        self._forget_cache()

    # -- internals ---------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The database {self.where} has been closed; open it again.")

    def _active(self) -> _Active | None:
        return getattr(self._local, "active", None)

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """Inside a unit, its own connection (it reads what its transaction may build on);
        otherwise one from the pool. Database failures become StoreErrors."""
        self._check_open()
        active = self._active()
        if active is not None:
            with self._database_errors():
                yield active.conn
            return
        with self._database_errors(), self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _outside_unit(self) -> Iterator[psycopg.Connection]:
        """Attachments and drafts never wait for a unit: stored at once, as files are in the
        embedded engine, and kept if the unit fails."""
        self._check_open()
        with self._database_errors(), self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _database_errors(self) -> Iterator[None]:
        try:
            yield
        except psycopg.OperationalError as error:
            raise StoreError(f"The connection to the PostgreSQL database {self.where} failed ({_first_line(error)}); "
                             "what was being saved was not committed unless a later read shows it.") from error
        except PoolTimeout:
            raise StoreError(f"No connection to the PostgreSQL database {self.where} came free in time; the "
                             "server may be overloaded or unreachable.") from None
        except psycopg.errors.InsufficientPrivilege as error:
            raise StoreError(f"The database {self.where} refused: {_first_line(error)}.") from error
        except psycopg.DataError as error:  # e.g. a NUL character, which PostgreSQL text cannot hold
            raise ValidationError(f"PostgreSQL cannot store this value: {_first_line(error)}") from None

    def _stored_latest(self, conn: psycopg.Connection, kind: str, record_id: str) -> dict | None:
        """What a unit builds on: the latest stored version, one indexed row."""
        row = conn.execute(_LATEST_VERSION, (kind, record_id)).fetchone()
        return document_of(row) if row else None

    def _versions(self, kind: str, record_id: str) -> list[dict]:
        """A record's stored versions, oldest first, then those this thread's unit staged."""
        with self._connection() as conn:
            rows = conn.execute(f"SELECT {VERSION_COLUMNS} FROM sstc_versions WHERE kind = %s AND id = %s "
                                "ORDER BY version", (kind, record_id)).fetchall()
        documents = [document_of(row) for row in rows]
        active = self._active()
        return documents + active.unit.versions_of(kind, record_id) if active else documents

    def _names(self, what: str) -> list[str]:
        with self._connection() as conn:
            return [name for (name,) in conn.execute("SELECT name FROM sstc_names WHERE what = %s ORDER BY name",
                                                     (what,))]

    def _summary(self, kind: str, data: dict) -> dict:
        return summary_of(self._summarize, kind, data)

    def _current_heads(self, kind: str) -> dict[str, Head]:
        """The kind's heads as of now, with what this thread's open unit staged on top."""
        with self._connection() as conn:
            heads = self._caught_up(conn, kind)
        active = self._active()
        staged = [record_id for k, record_id in active.unit.records() if k == kind] if active else []
        if not staged:
            return heads
        heads = dict(heads)
        for record_id in staged:
            document = active.unit.versions_of(kind, record_id)[-1]
            heads[record_id] = Head.of(document, self._summary(kind, document["data"]))
        return heads

    def _caught_up(self, conn: psycopg.Connection, kind: str) -> dict[str, Head]:
        """The cached heads of ``kind`` after one indexed query for the rows changed since; rows a
        server with another summary hook wrote are summarised again here, from their data."""
        with self._cache_lock:
            cache = self._cache.setdefault(kind, _KindHeads())
            since = cache.seq
        rows = conn.execute(
            f"SELECT {', '.join('h.' + c for c in HEAD_COLUMNS.split(', '))}, h.summary, v.data FROM sstc_heads h "
            "LEFT JOIN sstc_versions v ON h.summarizer <> %(fingerprint)s AND v.kind = h.kind AND v.id = h.id "
            "AND v.version = h.version WHERE h.kind = %(kind)s AND h.seq > %(since)s",
            {"kind": kind, "since": since, "fingerprint": self._fingerprint}).fetchall()
        with collector_paused():
            fresh = [Head.from_values([*row[:9], self._summary(kind, row[10]) if row[10] is not None else row[9]])
                     for row in rows]
        with self._cache_lock:
            if fresh:
                cache.absorb(fresh)
            return cache.heads

    def _catch_up_cached(self) -> None:
        """Another server committed (or the listener reconnected): bring every cached kind up to date.
        A process that has listed nothing (a writer, a command) asks nothing: every commit of every
        server is heard by every other, so a pooled connection taken for nothing would cost each
        save a round trip per listening process."""
        if self._closed:
            return
        with self._cache_lock:
            kinds = list(self._cache)
        if not kinds:
            return
        with self._database_errors(), self._pool.connection() as conn:
            for kind in kinds:
                self._caught_up(conn, kind)

    def _absorb_own(self, documents: list[dict], summaries: dict) -> None:
        """What this server just committed, into the caches of its kinds (their seq stays: other
        servers' versions before these may not have been read yet)."""
        latest = {(d["kind"], d["id"]): d for d in documents}
        with self._cache_lock:
            for kind in {kind for kind, _ in latest}:
                cache = self._cache.get(kind)
                if cache is not None:
                    cache.absorb([Head.of(d, summaries[key]) for key, d in latest.items() if key[0] == kind],
                                 complete=False)

    def _forget_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()


def _rollback(conn: psycopg.Connection) -> None:
    """End a failed unit's transaction; a connection that broke is dropped by the pool instead."""
    try:
        conn.execute("ROLLBACK")
    except psycopg.Error:
        pass


def _redacted(url: str) -> str:
    """The URL as messages show it: never the password."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise StoreError("The PostgreSQL URL cannot be read; write it as "
                         "postgresql://USER@HOST:PORT/DATABASE.") from None
    params.pop("password", None)
    host, port, dbname = params.get("host", "localhost"), params.get("port"), params.get("dbname", "")
    return f"postgresql://{params.get('user', '') + '@' if params.get('user') else ''}{host}" \
           f"{':' + str(port) if port else ''}/{dbname}"


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
