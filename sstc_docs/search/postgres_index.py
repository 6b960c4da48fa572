"""The search index inside PostgreSQL, beside a PostgresStore: a tsvector of our terms, GIN.

The terms are the analyser's, exactly as for SQLite: the tsvector and the tsquery are written
out as literals (``'业务':3B``, ``'业务' <-> '务守'``), not passed through a text-search
configuration, so PostgreSQL's parser (which, under the C locale, does not see CJK characters
as letters) never re-cuts them; this is the 'simple' configuration's behaviour — no stemming,
no stop words — with our terms. Title terms carry weight A, the others B; single characters
are lexemes of their own, marked with ``CHAR_MARK``, in the same vector, so one GIN index and
one ``@@`` serve every query. A position is skipped between two fields, so no phrase spans two.

Ranking is ``ts_rank_cd`` (PostgreSQL has no BM25), on at most the newest ``RANKED_AT_MOST``
matches, as SQLite. PostgreSQL keeps at most 256 positions per term and positions up to 16,383
per vector: a phrase is not found past those (a record of more than some 16,000 terms).
"""

from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from typing import Iterable, Iterator

import psycopg

from ..errors import StoreError
from .analyser import ANALYSER_VERSION, CHARS, analyse
from .documents import Field, SearchDocument
from .index import Filters, Match, Ranking, SearchIndex, VersionState, date_sql, equal_filters
from .query import Clause, ParsedQuery, Variant
from .sqlite_index import RANKED_AT_MOST, VERSIONS_PER_RESULT

SCHEMA_VERSION = "1"
CHAR_MARK = "\ue001"  # never produced by the analyser: a single character's lexeme starts with it
MAX_POSITION = 16_383

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sstc_search_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS sstc_search_texts (id bigserial PRIMARY KEY, hash bytea NOT NULL UNIQUE, body text NOT NULL);
CREATE TABLE IF NOT EXISTS sstc_search_docs (
    id bigserial PRIMARY KEY, kind text NOT NULL, record_id text NOT NULL, version integer NOT NULL,
    seq bigint NOT NULL, current boolean NOT NULL, deleted boolean NOT NULL, session integer,
    section text NOT NULL, status text NOT NULL, day text NOT NULL, title text NOT NULL,
    language text NOT NULL, fields jsonb NOT NULL, terms tsvector NOT NULL, UNIQUE (kind, record_id, version));
CREATE INDEX IF NOT EXISTS sstc_search_docs_terms ON sstc_search_docs USING gin (terms);
CREATE INDEX IF NOT EXISTS sstc_search_docs_current ON sstc_search_docs (kind, record_id) WHERE current;
"""
#: Whether the tables must be created: only then is ``_SCHEMA`` run, so the app role of
#: grants.sql, which may use the tables but not create them, opens an index the owner made.
_MISSING_TABLES = ("SELECT to_regclass('sstc_search_meta') IS NULL OR to_regclass('sstc_search_texts') IS NULL "
                   "OR to_regclass('sstc_search_docs') IS NULL")


class PostgresSearchIndex(SearchIndex):
    """``SearchIndex`` in the tables ``sstc_search_*`` of the database at ``url``."""

    def __init__(self, url: str):
        self.url = url
        self._lock = threading.RLock()
        try:
            self._connection = psycopg.connect(url, autocommit=True)
            with self._connection.transaction():
                self._connection.execute("SELECT pg_advisory_xact_lock(hashtext('sstc search schema'))")
                if self._connection.execute(_MISSING_TABLES).fetchone()[0]:
                    self._connection.execute(_SCHEMA)
        except psycopg.errors.InsufficientPrivilege:
            raise StoreError("The database holds no search tables yet, and this role may not create them. Run "
                             "`python -m sstc_docs search --rebuild` once as the database's owner (the tables are "
                             "created then), then grant the app role its rights (sstc_docs/store/pg/grants.sql)."
                             ) from None
        except psycopg.Error as error:
            raise StoreError(f"The search index in PostgreSQL cannot be used ({error}).") from None
        built_with = dict(self._connection.execute("SELECT key, value FROM sstc_search_meta").fetchall())
        if (built_with.get("analyser"), built_with.get("schema")) != (ANALYSER_VERSION, SCHEMA_VERSION):
            self.clear()

    @contextmanager
    def _db(self) -> Iterator[psycopg.Connection]:
        with self._lock:
            try:
                yield self._connection
            except psycopg.Error as error:
                raise StoreError(f"The search index in PostgreSQL could not answer ({error}).") from None

    def high_water(self) -> int:
        with self._db() as db:
            row = db.execute("SELECT value FROM sstc_search_meta WHERE key = 'high_water'").fetchone()
        return int(row[0]) if row else 0

    def high_water_hash(self) -> str:
        with self._db() as db:
            row = db.execute("SELECT value FROM sstc_search_meta WHERE key = 'high_water_hash'").fetchone()
        return row[0] if row else ""

    def absorb(self, documents: Iterable[SearchDocument]) -> int:
        added, last_hash = 0, None
        with self._db() as db, db.transaction():
            row = db.execute("SELECT value FROM sstc_search_meta WHERE key = 'high_water' FOR UPDATE").fetchone()
            high_water = int(row[0]) if row else 0
            for document in documents:
                if document.seq <= high_water:
                    continue
                self._insert(db, document)
                high_water, last_hash = document.seq, document.hash
                added += 1
            marks = [("high_water", str(high_water))] + ([("high_water_hash", last_hash)] if added else [])
            db.cursor().executemany("INSERT INTO sstc_search_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE"
                                    " SET value = excluded.value", marks)
        return added

    def _insert(self, db: psycopg.Connection, document: SearchDocument) -> None:
        fields = [[f.where, _text_id(db, f.text), f.is_title] for f in document.fields]
        cursor = db.execute(
            "INSERT INTO sstc_search_docs (kind, record_id, version, seq, current, deleted, session, section, status,"
            " day, title, language, fields, terms) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " %s::tsvector) ON CONFLICT DO NOTHING RETURNING id",
            (document.kind, document.record_id, document.version, document.seq, not document.deleted,
             document.deleted, document.session, document.section, document.status, document.day,
             document.title, document.language, json.dumps(fields, ensure_ascii=False), _tsvector(document)))
        inserted = cursor.fetchone()
        if inserted:
            db.execute("UPDATE sstc_search_docs SET current = false WHERE kind = %s AND record_id = %s AND current"
                       " AND id <> %s", (document.kind, document.record_id, inserted[0]))

    def search(self, query: ParsedQuery, filters: Filters, *, any_version: bool, limit: int) -> Ranking:
        dates, parameters = date_sql(filters)
        equal = equal_filters(filters)
        where = [f"{column} = %s" for column, _ in equal] + [condition.replace("?", "%s") for condition in dates]
        parameters = [value for _, value in equal] + parameters
        if not any_version:
            where.append("current")
        tsquery = _tsquery(query)
        sql = ("WITH m AS MATERIALIZED (SELECT id, kind, record_id, version, ts_rank_cd(terms, %s::tsquery) AS rank"
               " FROM sstc_search_docs WHERE terms @@ %s::tsquery" + "".join(f" AND {c}" for c in where)
               + " ORDER BY id DESC LIMIT %s) SELECT kind, record_id, version, id, -rank,"
               " (SELECT count(*) FROM m) FROM m ORDER BY rank DESC, id DESC LIMIT %s")
        wanted = limit * VERSIONS_PER_RESULT if any_version else limit
        with self._db() as db:
            ranked = db.execute(sql, (tsquery, tsquery, *parameters, RANKED_AT_MOST, wanted)).fetchall()
            complete = not ranked or ranked[0][-1] < RANKED_AT_MOST
            if not any_version:
                return Ranking([self._match(db, score, {version: row_id})
                                for _, _, version, row_id, score, _ in ranked], complete)
            best: dict[tuple[str, str], float] = {}
            for kind, record_id, _, _, score, _ in ranked:
                best.setdefault((kind, record_id), score)
            return Ranking([self._match(db, score, dict(db.execute(
                "SELECT version, id FROM sstc_search_docs WHERE kind = %s AND record_id = %s AND terms @@ %s::tsquery",
                (*key, tsquery)).fetchall())) for key, score in list(best.items())[:limit]], complete)

    @staticmethod
    def _match(db: psycopg.Connection, score: float, versions: dict[int, int]) -> Match:
        kind, record_id, version, current, title, language, fields = db.execute(
            "SELECT kind, record_id, version, current, title, language, fields FROM sstc_search_docs WHERE id = %s",
            (versions[max(versions)],)).fetchone()
        texts = dict(db.execute("SELECT id, body FROM sstc_search_texts WHERE id = ANY(%s)",
                                ([text_id for _, text_id, _ in fields],)).fetchall())
        return Match(kind, record_id, version, score, current, title, language,
                     [Field(where, texts[text_id], is_title) for where, text_id, is_title in fields], sorted(versions))

    def versions(self, kind: str, record_id: str) -> list[VersionState]:
        with self._db() as db:
            rows = db.execute("SELECT version, deleted, current FROM sstc_search_docs WHERE kind = %s AND record_id = %s"
                              " ORDER BY version", (kind, record_id)).fetchall()
        return [VersionState(*row) for row in rows]

    def clear(self) -> None:
        with self._db() as db, db.transaction():
            db.execute("TRUNCATE sstc_search_docs, sstc_search_texts, sstc_search_meta")
            db.execute("INSERT INTO sstc_search_meta VALUES ('analyser', %s), ('schema', %s), ('high_water', '0')",
                       (ANALYSER_VERSION, SCHEMA_VERSION))

    def stats(self) -> dict:
        with self._db() as db:
            documents, current, size = db.execute(
                "SELECT count(*), count(*) FILTER (WHERE current), pg_total_relation_size('sstc_search_docs')"
                " + pg_total_relation_size('sstc_search_texts') FROM sstc_search_docs").fetchone()
        return {"engine": "postgresql-tsvector", "versions": documents, "current": current,
                "high_water": self.high_water(), "bytes": size}

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _text_id(db: psycopg.Connection, text: str) -> int:
    digest = hashlib.sha1(text.encode("utf-8")).digest()
    row = db.execute("INSERT INTO sstc_search_texts (hash, body) VALUES (%s, %s) ON CONFLICT (hash) DO NOTHING"
                     " RETURNING id", (digest, text)).fetchone()
    return row[0] if row else db.execute("SELECT id FROM sstc_search_texts WHERE hash = %s", (digest,)).fetchone()[0]


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsvector(document: SearchDocument) -> str:
    """Our terms as a tsvector literal: main-stream terms with positions and weights, characters
    as marked lexemes without positions."""
    positions: dict[str, list[str]] = {}
    characters: set[str] = set()
    position = 0
    for field in document.fields:
        weight = "A" if field.is_title else "B"
        for term in analyse(field.text, document.language):
            if term.stream == CHARS:
                characters.add(CHAR_MARK + term.text)
            else:
                position = min(position + 1, MAX_POSITION)
                positions.setdefault(term.text, []).append(f"{position}{weight}")
        position += 1  # a gap: no phrase runs from one field into the next
    lexemes = [f"{_lexeme(t)}:{','.join(p)}" for t, p in positions.items()]
    return " ".join(lexemes + [_lexeme(c) for c in sorted(characters)])


def _tsquery(query: ParsedQuery) -> str:
    required = " & ".join(_clause(c) for c in query.clauses if not c.excluded)
    excluded = "".join(f" & !{_clause(c)}" for c in query.clauses if c.excluded)
    return f"({required}){excluded}"


def _clause(clause: Clause) -> str:
    return "(" + " | ".join(_variant(v) for v in clause.variants) + ")"


def _variant(variant: Variant) -> str:
    if variant.stream == CHARS:
        return _lexeme(CHAR_MARK + variant.terms[0])
    terms = [_lexeme(t) for t in variant.terms]
    if variant.prefix_last:
        terms[-1] += ":*"
    return "(" + " <-> ".join(terms) + ")"

