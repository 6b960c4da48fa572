"""The search index in one SQLite file beside the database: FTS5 for terms, BM25 and filters.

Why SQLite FTS5: it is in the standard library (no native wheel to keep), one file that several
processes — two app servers and the CLI — read and write safely (WAL; a writer waits for the
lock instead of failing), and the postings and the high water commit in the same transaction, so
a crash can only leave the index behind the store, never ahead of it or half-written.

The FTS5 table is contentless: it stores postings of our terms (fed as space-separated text
to the ``unicode61`` tokenizer, which keeps them as they are), not the text. The filter facts
sit in the ordinary table ``docs``, whose ``rowid`` is the FTS row; the original texts, for
snippets, in ``texts``, once each however many versions share them (a paper's next version
usually changes a paragraph or two). ``current`` marks each record's latest, undeleted version; absorbing a version
moves the mark, so a query on current text never reads history.

The file is derived data: deleted, it is created again and filled from the store; built by
another analyser version, it is cleared and filled again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import StoreError
from .analyser import ANALYSER_VERSION, CHARS, analyse
from .documents import Field, SearchDocument
from .fts5 import match_expression
from .index import Filters, Match, Ranking, SearchIndex, VersionState, date_sql, equal_filters
from .query import ParsedQuery

SCHEMA_VERSION = "4"
#: Between two fields: a term the analyser never produces, so no phrase spans two fields.
FIELD_BREAK = "\ue000"
#: BM25 weights of the columns title, body, chars, facets: a hit in a title counts most; the
#: facets (kind, session, section, status and the year of ``day`` as terms, so FTS5 filters by
#: them) do not rank.
WEIGHTS = (4.0, 1.0, 0.5, 0.0)
#: Any version: how many ranked versions are read per result wanted, to group them by record.
VERSIONS_PER_RESULT = 5
#: The most matching versions ranked by BM25 (the newest recorded); see ``Ranking.complete``.
RANKED_AT_MOST = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL, version INTEGER NOT NULL,
    seq INTEGER NOT NULL, current INTEGER NOT NULL, deleted INTEGER NOT NULL, session INTEGER,
    section TEXT NOT NULL, status TEXT NOT NULL, day TEXT NOT NULL, title TEXT NOT NULL,
    language TEXT NOT NULL, fields TEXT NOT NULL, UNIQUE (kind, record_id, version));
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_current ON docs (kind, record_id) WHERE current = 1;
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(title, body, chars, facets, content='',
    tokenize = "unicode61 remove_diacritics 0");
"""


class SqliteSearchIndex(SearchIndex):
    """``SearchIndex`` in ``path`` (``<db folder>/search.sqlite``); safe to share between threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._connect()

    # -- the file ------------------------------------------------------------------------------
    def _connect(self) -> None:
        """Open the file; one that is not an index (damaged, or built by another analyser or
        schema) is replaced by an empty one, which the next catch-up fills from the store."""
        try:
            if self._open():
                return
        except sqlite3.OperationalError as error:  # locked, full disk, no permission: nothing to replace
            raise StoreError(f"The search index {self.path} cannot be used ({error}).") from None
        except sqlite3.DatabaseError:
            pass  # not a database, or a damaged one
        self._replace_file()
        self._open()

    def _open(self) -> bool:
        """Connect; True if the file holds an index of this analyser and schema (or a new one)."""
        if not self.path.exists():
            self._remove_logs()  # a log of a deleted file must not replay into the new one
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._connection = connection
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            built_with = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            if not built_with:
                connection.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("analyser", ANALYSER_VERSION), ("schema", SCHEMA_VERSION), ("high_water", "0")])
                built_with = {"analyser": ANALYSER_VERSION, "schema": SCHEMA_VERSION}
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        stat = os.stat(self.path)
        self._identity = (stat.st_dev, stat.st_ino)
        return (built_with.get("analyser"), built_with.get("schema")) == (ANALYSER_VERSION, SCHEMA_VERSION)

    def _replace_file(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.path.unlink(missing_ok=True)
        self._remove_logs()

    def _remove_logs(self) -> None:
        for suffix in ("-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """The connection, opened again if the file was deleted or replaced since."""
        with self._lock:
            try:
                stat = os.stat(self.path)
                same = (stat.st_dev, stat.st_ino) == self._identity
            except FileNotFoundError:
                same = False
            if not same:
                self._connection.close()
                self._connect()
            yield self._connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- SearchIndex -----------------------------------------------------------------------------
    def high_water(self) -> int:
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'high_water'").fetchone()
        return int(row[0]) if row else 0

    def high_water_hash(self) -> str:
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'high_water_hash'").fetchone()
        return row[0] if row else ""

    def absorb(self, documents: Iterable[SearchDocument]) -> int:
        added = 0
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'high_water'").fetchone()
            high_water = int(row[0]) if row else 0
            for document in documents:
                if document.seq <= high_water:
                    continue
                self._insert(db, document)
                high_water = document.seq
                db.execute("INSERT OR REPLACE INTO meta VALUES ('high_water_hash', ?)", (document.hash,))
                added += 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('high_water', ?)", (str(high_water),))
        return added

    def _insert(self, db: sqlite3.Connection, document: SearchDocument) -> None:
        fields = json.dumps([[f.where, _text_id(db, f.text), f.is_title] for f in document.fields],
                            ensure_ascii=False)
        cursor = db.execute(
            "INSERT OR IGNORE INTO docs (kind, record_id, version, seq, current, deleted, session, section, status,"
            " day, title, language, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (document.kind, document.record_id, document.version, document.seq, int(not document.deleted),
             int(document.deleted), document.session, document.section, document.status, document.day,
             document.title, document.language, fields))
        if not cursor.rowcount:
            return
        db.execute("UPDATE docs SET current = 0 WHERE kind = ? AND record_id = ? AND current = 1 AND rowid <> ?",
                   (document.kind, document.record_id, cursor.lastrowid))
        if document.fields:
            facts = [(column, getattr(document, column)) for column in FACETS] + [("year", document.day[:4])]
            facets = " ".join(facet_term(column, value) for column, value in facts if value not in ("", None))
            db.execute("INSERT INTO terms (rowid, title, body, chars, facets) VALUES (?, ?, ?, ?, ?)",
                       (cursor.lastrowid, *_columns(document), facets))

    def search(self, query: ParsedQuery, filters: Filters, *, any_version: bool, limit: int) -> Ranking:
        where, parameters = date_sql(filters)
        if not any_version:
            where.append("current = 1")
        expression = match_expression(query)
        facets = [f'"{facet_term(column, value)}"' for column, value in equal_filters(filters)]
        years = _years(filters)
        if years:
            facets.append("(" + " OR ".join(f'"{facet_term("year", year)}"' for year in years) + ")")
        if facets:  # postings intersect in FTS5: cheaper than looking up each match's row
            expression = f"({expression}) AND facets : (" + " AND ".join(facets) + ")"
        # BM25 costs about a microsecond per matching row: a word in most records would cost more
        # than the answer is worth, so at most RANKED_AT_MOST matches, the newest, are ranked.
        sql = (f"WITH m AS MATERIALIZED (SELECT d.kind AS kind, d.record_id AS record_id, d.version AS version,"
               f" d.rowid AS rowid, bm25(terms, {', '.join(map(str, WEIGHTS))}) AS score"
               f" FROM terms JOIN docs d ON d.rowid = terms.rowid WHERE terms MATCH ?"
               + "".join(f" AND {condition}" for condition in where)
               + " ORDER BY terms.rowid DESC LIMIT ?) SELECT *, (SELECT count(*) FROM m) FROM m ORDER BY score LIMIT ?")
        # Any version: the best versions, grouped by record; a record's versions rarely fill more
        # than a few places, so a few times the limit is enough to fill the page.
        wanted = limit * VERSIONS_PER_RESULT if any_version else limit
        with self._db() as db:
            try:
                ranked = db.execute(sql, (expression, *parameters, RANKED_AT_MOST, wanted)).fetchall()
                complete = not ranked or ranked[0][-1] < RANKED_AT_MOST
                if not any_version:
                    return Ranking([self._match(db, score, {version: rowid})
                                    for _, _, version, rowid, score, _ in ranked], complete)
                best: dict[tuple[str, str], float] = {}
                for kind, record_id, _, _, score, _ in ranked:
                    best.setdefault((kind, record_id), score)
                return Ranking([self._match(db, score, self._matching_versions(db, key, expression))
                                for key, score in list(best.items())[:limit]], complete)
            except sqlite3.OperationalError as error:
                raise StoreError(f"The search index could not answer ({error}).") from None

    @staticmethod
    def _matching_versions(db: sqlite3.Connection, key: tuple[str, str], expression: str) -> dict[int, int]:
        """Every version of one record that matches (version → rowid): FTS5 seeks each rowid."""
        rows = dict(db.execute("SELECT rowid, version FROM docs WHERE kind = ? AND record_id = ?", key).fetchall())
        hits = db.execute(f"SELECT rowid FROM terms WHERE terms MATCH ? AND rowid IN ({', '.join('?' * len(rows))})",
                          (expression, *rows)).fetchall()
        return {rows[rowid]: rowid for (rowid,) in hits}

    def _match(self, db: sqlite3.Connection, score: float, versions: dict[int, int]) -> Match:
        """The record's latest matching version stands for it (the current one, when it matches)."""
        latest = max(versions)
        kind, record_id, version, current, title, language, fields = db.execute(
            "SELECT kind, record_id, version, current, title, language, fields FROM docs WHERE rowid = ?",
            (versions[latest],)).fetchone()
        fields = json.loads(fields)
        text_ids = sorted({text_id for _, text_id, _ in fields})
        texts = dict(db.execute(f"SELECT id, body FROM texts WHERE id IN ({', '.join('?' * len(text_ids))})",
                                text_ids).fetchall())
        return Match(kind, record_id, version, score, bool(current), title, language,
                     [Field(where, texts[text_id], is_title) for where, text_id, is_title in fields],
                     sorted(versions))

    def versions(self, kind: str, record_id: str) -> list[VersionState]:
        with self._db() as db:
            rows = db.execute("SELECT version, deleted, current FROM docs WHERE kind = ? AND record_id = ?"
                              " ORDER BY version", (kind, record_id)).fetchall()
        return [VersionState(v, bool(d), bool(c)) for v, d, c in rows]

    def clear(self) -> None:
        """A new, empty file in place of the old one: other processes notice and open it."""
        with self._lock:
            self._replace_file()
            self._connect()

    def stats(self) -> dict:
        with self._db() as db:
            documents, current = db.execute("SELECT count(*), coalesce(sum(current), 0) FROM docs").fetchone()
        size = sum(p.stat().st_size for p in (self.path, self.path.with_name(self.path.name + "-wal")) if p.exists())
        return {"engine": "sqlite-fts5", "file": str(self.path), "versions": documents, "current": current,
                "high_water": self.high_water(), "bytes": size}

    def optimize(self) -> None:
        """Merge FTS5's segments into one (after a bulk build): smaller, a little faster to query."""
        with self._db() as db:
            db.execute("INSERT INTO terms (terms) VALUES ('optimize')")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


FACETS = ("kind", "section", "status", "session")
MAX_YEARS = 50


def _years(filters: Filters) -> list[int]:
    """The years a closed period spans, when few enough to list (the days are compared in SQL)."""
    if not (filters.since and filters.until):
        return []
    first, last = int(filters.since[:4]), int(filters.until[:4])
    return list(range(first, last + 1)) if last - first < MAX_YEARS else []


def facet_term(column: str, value) -> str:
    """One filter fact as one FTS5 term: letters and digits only, as the tokenizer keeps them."""
    return column + "".join(ch for ch in str(value).casefold() if ch.isalnum())


def _text_id(db: sqlite3.Connection, text: str) -> int:
    digest = hashlib.sha1(text.encode("utf-8")).digest()
    db.execute("INSERT OR IGNORE INTO texts (hash, body) VALUES (?, ?)", (digest, text))
    return db.execute("SELECT id FROM texts WHERE hash = ?", (digest,)).fetchone()[0]


def _columns(document: SearchDocument) -> tuple[str, str, str]:
    """The three FTS columns: main-stream terms of title fields, of the other fields, and characters."""
    title, body, chars = [], [], []
    for field_ in document.fields:
        main, characters = _field_terms(field_.text, document.language)
        (title if field_.is_title else body).append(main)
        chars.append(characters)
    join = f" {FIELD_BREAK} ".join
    return join(p for p in title if p), join(p for p in body if p), join(p for p in chars if p)


@lru_cache(maxsize=16_384)
def _field_terms(text: str, language: str) -> tuple[str, str]:
    """One field's main-stream terms and characters, space-separated; remembered, as the versions of
    one record repeat most of their texts."""
    terms = analyse(text, language)
    return (" ".join(t.text for t in terms if t.stream != CHARS),
            " ".join(t.text for t in terms if t.stream == CHARS))

