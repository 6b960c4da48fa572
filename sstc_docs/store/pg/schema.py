"""The PostgreSQL tables: created on first open, checked on every open.

Why on first open: a new database then needs nothing but its URL, as a new folder does for the
embedded engine. Two servers opening a new database at once create the tables once: creation runs
under a transaction-level advisory lock. A role without the right to create tables (the app role
of the README) gets a sentence saying who must open the database first.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from ...errors import StoreError

SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("schema.sql")
#: pg_advisory_xact_lock key held while the tables are created ("sstc" in ASCII).
CREATE_LOCK = 0x73737463


def ensure_schema(conn: psycopg.Connection, where: str) -> None:
    """Create the tables if the database has none; refuse a database of another schema version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (CREATE_LOCK,))
        if conn.execute("SELECT to_regclass('sstc_schema')").fetchone()[0] is None:
            try:
                conn.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
            except psycopg.errors.InsufficientPrivilege:
                raise StoreError(f"The database {where} holds no sstc-docs tables yet, and this role may not "
                                 "create them. Open it once as the database's owner (the tables are created "
                                 "then), or have the owner run sstc_docs/store/pg/schema.sql.") from None
            return
        found = conn.execute("SELECT version FROM sstc_schema").fetchone()
    if found is None or found[0] != SCHEMA_VERSION:
        raise StoreError(f"The database {where} holds sstc-docs tables of schema version "
                         f"{found[0] if found else 'unknown'}; this version of sstc-docs reads version "
                         f"{SCHEMA_VERSION}.")
