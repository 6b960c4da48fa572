"""What every storage engine offers the services: one small interface, two engines behind it.

The services never ask which engine they run on. An engine implements the abstract methods; the
single-record ``save`` and ``delete`` are units of work of one version each, so every change of
every engine passes through one method, ``unit()``'s commit.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, Callable

from .unit import UnitOfWork
from .verify import Report
from .versions import Version

#: ``summarize(kind, data) -> dict``: the few fields listings show (kept in the heads index).
Summarize = Callable[[str, dict], dict]
#: ``validate(kind, data) -> dict``: the kind's own validation, raising ValidationError; a restore
#: checks every version with it, exactly as a save would.
Validate = Callable[[str, Any], dict]


class StoreBase(ABC):
    """Versioned JSON records: every save appends an immutable version; nothing rewrites one."""

    # -- writing -----------------------------------------------------------------------------
    @abstractmethod
    def unit(self) -> AbstractContextManager[UnitOfWork]:
        """``with store.unit() as unit: unit.save(...); unit.delete(...)`` — all visible or none.

        The unit holds the write lock throughout; reads in the same thread see what it staged.
        A unit opened inside another joins it (commits with the outer one)."""

    def save(self, kind: str, record_id: str, data: dict, *, author: str, why: str,
             base_version: int | None, effective_from: str | None = None) -> Version:
        """Append one version (a unit of one); ConflictError if ``base_version`` is not the latest."""
        with self.unit() as unit:
            saved = unit.save(kind, record_id, data, author=author, why=why, base_version=base_version,
                              effective_from=effective_from)
        return saved

    def delete(self, kind: str, record_id: str, *, author: str, why: str, base_version: int,
               effective_from: str | None = None) -> Version:
        """Append a tombstone (a unit of one)."""
        with self.unit() as unit:
            tombstone = unit.delete(kind, record_id, author=author, why=why, base_version=base_version,
                                    effective_from=effective_from)
        return tombstone

    # -- reading -----------------------------------------------------------------------------
    @abstractmethod
    def get(self, kind: str, record_id: str, version: int | None = None, *, as_of: str | None = None,
            as_recorded: str | None = None) -> Version:
        """The latest version; or number ``version``; or the one in force on ``as_of``; or the one
        the record showed on ``as_recorded`` (the latest recorded by then)."""

    @abstractmethod
    def history(self, kind: str, record_id: str) -> list[Version]:
        """Every version, oldest first, tombstones included; [] for a record that never existed."""

    @abstractmethod
    def exists(self, kind: str, record_id: str) -> bool:
        """The record exists and its latest version is not a tombstone."""

    @abstractmethod
    def heads(self, kind: str, *, include_deleted: bool = False) -> list[dict]:
        """One row per record: its latest version's metadata and summary, ordered by id."""

    @abstractmethod
    def find(self, kind: str, **equals: Any) -> list[dict]:
        """The rows of ``heads(kind)`` whose fields equal the values given."""

    @abstractmethod
    def kinds(self) -> list[str]:
        """Every kind that holds at least one record version."""

    @abstractmethod
    def authors(self) -> list[str]:
        """Everyone who has saved a version, alphabetically."""

    @abstractmethod
    def changes(self, *, kind: str | None = None, author: str | None = None, since: str | None = None,
                until: str | None = None, record_id: str | None = None, limit: int = 200) -> list[dict]:
        """The audit trail, newest first: one metadata dict per version."""

    @abstractmethod
    def last_seq(self) -> int:
        """The ``seq`` of the newest version recorded (0 for an empty database): one number that
        says whether anything changed, for caches that follow the store (search, heads)."""

    @abstractmethod
    def versions_since(self, seq: int, *, limit: int = 1000) -> list[Version]:
        """Versions with ``seq`` above the one given, oldest first, at most ``limit``: how an index
        kept beside the store catches up after a crash or another process's saves."""

    # -- drafts -----------------------------------------------------------------------------
    @abstractmethod
    def save_draft(self, owner: str, key: str, value: dict | None) -> None:
        """Keep what ``owner`` is typing for ``key`` (a record being edited), or drop it (None).
        Drafts are not history: they are replaced as the person types, and gone once saved."""

    @abstractmethod
    def drafts(self, owner: str) -> dict[str, dict]:
        """Every draft ``owner`` keeps: key → {"value": …, "saved_at": UTC timestamp}."""

    # -- attachments -------------------------------------------------------------------------
    @abstractmethod
    def put_blob(self, data: bytes) -> str:
        """Store an attachment by content; returns its SHA-256."""

    @abstractmethod
    def read_blob(self, sha: str) -> bytes:
        """An attachment's bytes, checked against its hash."""

    @abstractmethod
    def has_blob(self, sha: str) -> bool:
        """Whether an attachment is stored."""

    # -- the whole database ------------------------------------------------------------------
    @abstractmethod
    def backup(self, file: str | Path | IO[bytes]) -> int:
        """Write every version and attachment, one consistent moment; returns the version count.
        Refuses (StoreError, nothing written) when the data fails ``verify``; writes everything
        else and then raises PartialBackup when only attachments are damaged."""

    @abstractmethod
    def restore(self, file: str | Path | IO[bytes]) -> int:
        """Load a backup into this empty database, all or nothing; returns the version count."""

    @abstractmethod
    def verify(self, *, repair: bool = False) -> "Report":
        """Check every version, the chain, the caches and the attachments against the hashes
        (verify.py); ``repair`` rebuilds caches that disagree with the data, never the data."""

    @abstractmethod
    def close(self) -> None:
        """Let go of files and connections."""

    def __enter__(self) -> "StoreBase":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
