"""Storage layer: versioned JSON records, in a folder of TinyDB shards (store.py, the only module
that imports TinyDB) or in PostgreSQL (pg/, the only package that imports psycopg).

Use ``open_store()``; every record is a chain of immutable ``Version``s, whichever the engine.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import StoreBase, Summarize, Validate
from .store import Store, default_db_path
from .versions import Version

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def open_store(location: str | Path | None = None, *, summarize: Summarize | None = None,
               validate: Validate | None = None, shard_counts: dict[str, int] | None = None) -> StoreBase:
    """A ``postgresql://`` URL opens PostgreSQL; anything else is a database folder. Without a
    location, $SSTC_DB decides (read here as text: a URL made a Path loses its ``//``).
    ``shard_counts`` shapes a new folder's files; a database server has no use for it."""
    if location is None:
        location = os.environ.get("SSTC_DB") or default_db_path()
    if is_postgres_url(location):
        from .pg import PostgresStore  # psycopg is loaded only by those who use it
        return PostgresStore(str(location), summarize=summarize, validate=validate)
    return Store(Path(location).expanduser(), summarize=summarize, validate=validate, shard_counts=shard_counts)


__all__ = ["Store", "StoreBase", "Version", "open_store", "default_db_path", "is_postgres_url"]
