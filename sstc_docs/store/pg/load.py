"""Filling an empty PostgreSQL database in one transaction, streaming: for restore and copy.

Why through a temporary table: versions may arrive in any order (a backup lists them by record),
but each row's store-wide ``chain`` needs every version before it in seq order, and a version
row can never be changed once inserted. So the versions are copied in as they come, their chain
computed from (seq, hash) alone read back in seq order, and only then inserted, with the heads
(the newest version of each record, summarised) and names. Record data crosses the wire in and
back once; Python holds a batch at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Callable

import psycopg

from ...errors import StoreError
from ..journal import chain_link
from ..versions import META_FIELDS
from .listen import CHANNEL
from .rows import VERSION_COLUMNS, as_json

BATCH = 2000


def load_into(conn: psycopg.Connection, versions: Iterable[dict], blobs: Iterable[tuple[str, bytes]],
              summarize: Callable[[str, dict], dict], fingerprint: str, where: str) -> int:
    """Call inside a transaction; returns the number of versions loaded."""
    seq = conn.execute("SELECT seq FROM sstc_chain FOR UPDATE").fetchone()[0]
    if seq or conn.execute("SELECT EXISTS (SELECT FROM sstc_versions) OR EXISTS (SELECT FROM sstc_blobs)"
                           ).fetchone()[0]:
        raise StoreError(f"The database {where} is not empty; a backup can only be restored into an empty "
                         "database. Restore into a new database (create it, point SSTC_DB at its URL and run "
                         "`python -m sstc_docs restore BACKUP.json`).")
    conn.execute(f"CREATE TEMP TABLE sstc_load ON COMMIT DROP AS SELECT {VERSION_COLUMNS} FROM sstc_versions "
                 "WITH NO DATA")
    conn.execute("CREATE TEMP TABLE sstc_load_chain (seq bigint PRIMARY KEY, chain text NOT NULL) ON COMMIT DROP")
    with conn.cursor() as cursor:
        with cursor.copy(f"COPY sstc_load ({VERSION_COLUMNS}) FROM STDIN") as copy:
            for document in versions:
                copy.write_row([document[name] for name in META_FIELDS] + [as_json(document["data"])])
        count, first, last = cursor.execute("SELECT count(*), min(seq), max(seq) FROM sstc_load").fetchone()
        if count and (first != 1 or last != count):
            raise StoreError(f"The versions to load into {where} do not carry the seq numbers 1 to {count} "
                             "each once; nothing was loaded.")
        chain = _chain(conn, cursor)
        loaded = ", ".join("l." + column for column in VERSION_COLUMNS.split(", "))
        cursor.execute(f"INSERT INTO sstc_versions ({VERSION_COLUMNS}, chain) SELECT {loaded}, c.chain "
                       "FROM sstc_load l JOIN sstc_load_chain c USING (seq) ORDER BY seq")
        _heads(conn, cursor, summarize, fingerprint)
        cursor.execute("INSERT INTO sstc_names (what, name) SELECT DISTINCT 'author', author FROM sstc_load "
                       "UNION SELECT DISTINCT 'kind', kind FROM sstc_load")
        with cursor.copy("COPY sstc_blobs (sha, data) FROM STDIN") as copy:
            for sha, data in blobs:
                if hashlib.sha256(data).hexdigest() != sha:
                    raise StoreError(f"The attachment {sha} to load into {where} does not match its content; "
                                     "nothing was loaded.")
                copy.write_row((sha, data))
        cursor.execute("UPDATE sstc_chain SET seq = %s, chain = %s", (count, chain))
        cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(count)))
    return count


def _chain(conn: psycopg.Connection, cursor: psycopg.Cursor) -> str:
    """Each version's store-wide chain, in seq order, into ``sstc_load_chain``; returns the last."""
    chain = ""
    with conn.cursor(name="sstc_load_order") as ordered:
        ordered.execute("SELECT seq, hash FROM sstc_load ORDER BY seq")
        while rows := ordered.fetchmany(BATCH * 10):
            with cursor.copy("COPY sstc_load_chain (seq, chain) FROM STDIN") as copy:
                for seq, version_hash in rows:
                    chain = chain_link(chain, version_hash)
                    copy.write_row((seq, chain))
    return chain


def _heads(conn: psycopg.Connection, cursor: psycopg.Cursor, summarize: Callable[[str, dict], dict],
           fingerprint: str) -> None:
    """The newest version of each record, summarised by this server's hook, into ``sstc_heads``."""
    with conn.cursor(name="sstc_load_heads") as newest:
        newest.execute("SELECT DISTINCT ON (kind, id) kind, id, version, deleted, author, recorded_at, why, "
                       "effective_from, seq, hash, data FROM sstc_load ORDER BY kind, id, version DESC")
        while rows := newest.fetchmany(BATCH):
            with cursor.copy("COPY sstc_heads (kind, id, version, deleted, author, recorded_at, why, effective_from, "
                             "seq, hash, summarizer, summary) FROM STDIN") as copy:
                for *head, data in rows:
                    copy.write_row(head + [fingerprint, as_json(summarize(head[0], data))])
