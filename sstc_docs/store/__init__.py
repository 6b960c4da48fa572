"""Storage layer: versioned JSON records kept in TinyDB shards (the only package that imports TinyDB).

Use ``open_store()`` (or ``Store(path)``); every record is a chain of immutable ``Version``s.
"""

from .store import Store, default_db_path, open_store
from .versions import Version

__all__ = ["Store", "Version", "open_store", "default_db_path"]
