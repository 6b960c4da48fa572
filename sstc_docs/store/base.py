"""What every storage engine offers the services: one small interface, two engines behind it.

The services never ask which engine they run on. An engine implements the abstract methods; the
single-record ``save`` and ``delete`` are units of work of one version each, so every change of
every engine passes through one method, ``unit()``'s commit.
"""

from __future__ import annotations

import heapq

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from pathlib import Path
from collections import Counter
from typing import IO, Any, Callable, Iterable, NamedTuple

from ..errors import NotFound, ValidationError
from .backup import read_backup
from .index import Head, collector_paused
from .unit import UnitOfWork
from .verify import Report
from .versions import Version, check_date, check_kind, check_record_id

#: ``summarize(kind, data) -> dict``: the few fields listings show (kept in the heads index).
Summarize = Callable[[str, dict], dict]
#: ``validate(kind, data) -> dict``: the kind's own validation, raising ValidationError; a restore
#: checks every version with it, exactly as a save would.
Validate = Callable[[str, Any], dict]


class StoreBase(ABC):
    """Versioned JSON records: every save appends an immutable version; nothing rewrites one."""

    #: The kinds' validation (``Validate``), applied to every version a restore reads; None: none.
    _validate: Validate | None

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
    def heads_page(self, kind: str, *, where: "Where | None" = None, order: "Order | None" = None,
                   descending: bool = False, offset: int = 0, limit: int = 50,
                   ids: Iterable[str] | None = None) -> "HeadsPage":
        """One page of ``heads(kind)`` (deleted records left out) and how many rows match in all:
        filtered by ``where(head)``, ordered by ``order(head)`` (else by id), only ``ids`` when
        given. Only the page's rows are built, so a list of 100,000 records costs what 50 do."""

    @abstractmethod
    def tally(self, kind: str, *fields: str, where: "Where | None" = None) -> Counter:
        """How many undeleted records have each combination of ``fields`` values (a tuple of them;
        None where a record lacks one): counts for lists and their filters, without any row built."""

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

    def restore(self, file: str | Path | IO[bytes]) -> int:
        """Load a backup into this empty database, all or nothing; returns the version count.
        Every version is checked first (shape, numbering, times, hashes, the kind's own
        validation, ``read_backup``): a damaged backup is refused with nothing written."""
        with read_backup(file, validate=self._validate) as backup:
            return self.load(backup.versions(), backup.blobs())

    @abstractmethod
    def load(self, versions: Iterable[dict], blobs: Iterable[tuple[str, bytes]]) -> int:
        """Put version documents (any order) and attachments (sha, bytes) into this empty database,
        all or nothing; returns the version count. The caller vouches for them: ``restore`` checks
        a backup file first, ``copy`` compares the result with its source."""

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


# -- rules every engine's reads share ---------------------------------------------------------
# The engines differ in where a record's versions come from, never in what a read answers or in
# the words of its refusal; so the choosing lives here, once.

def no_summary(kind: str, data: dict) -> dict:
    return {}


def is_possible_id(record_id: Any) -> bool:
    """Reads answer "not found" for ids no save would accept (e.g. an empty search box) rather
    than refusing the question; saves refuse them with a ValidationError."""
    try:
        check_record_id(record_id)
    except ValidationError:
        return False
    return True


def read_arguments(kind: str, record_id: str, version: int | None, as_of: str | None,
                   as_recorded: str | None) -> tuple[str, str | None, str | None]:
    """``get``'s arguments checked: (kind, as_of, as_recorded), or ValidationError / NotFound."""
    kind = check_kind(kind)
    if not is_possible_id(record_id):
        raise NotFound(f"There is no {kind} with id '{record_id}'.")
    if version is not None and (as_of is not None or as_recorded is not None):
        raise ValidationError("give either a version number or a date, not both", field="as_of")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise ValidationError(f"must be a version number (1 or more), not {version!r}", field="version")
    return (kind, check_date(as_of, "as_of") if as_of is not None else None,
            check_date(as_recorded, "as_recorded") if as_recorded is not None else None)


def chosen_version(kind: str, record_id: str, documents: list[dict], version: int | None, as_of: str | None,
                   as_recorded: str | None, *, owned: bool = False) -> Version:
    """What ``get`` answers from a record's version documents (oldest first, staged ones last);
    ``owned``: the documents are the caller's own (``Version.from_document``)."""
    if not documents:
        raise NotFound(f"There is no {kind} with id '{record_id}'.")
    latest = documents[-1]
    if version is not None:
        if version > latest["version"]:
            raise NotFound(f"{kind} {record_id} has no version {version}; its versions are 1 to "
                           f"{latest['version']}.")
        return Version.from_document(next(d for d in documents if d["version"] == version), owned=owned)
    if as_recorded is not None:
        documents = [d for d in documents if d["recorded_at"][:10] <= as_recorded]
        if not documents:
            raise NotFound(f"{kind} {record_id} was not yet recorded on {as_recorded}; its first version "
                           f"was recorded on {latest['recorded_at'][:10] if latest['version'] == 1 else 'a later day'}.")
        if as_of is None:
            chosen = documents[-1]
            if chosen["deleted"]:
                raise NotFound(f"{kind} {record_id} stood deleted on {as_recorded} (version "
                               f"{chosen['version']}); its history can still be read.")
            return Version.from_document(chosen, owned=owned)
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
        return Version.from_document(chosen, owned=owned)
    if latest["deleted"]:
        raise NotFound(f"{kind} {record_id} was deleted in version {latest['version']} by "
                       f"{latest['author']} on {latest['recorded_at'][:10]} ({latest['why']}); "
                       "its earlier versions can still be read from its history.")
    return Version.from_document(latest, owned=owned)


def listed(heads: dict[str, Head], *, include_deleted: bool = False) -> list[dict]:
    """``heads()``'s answer from a kind's heads: rows ordered by id."""
    with collector_paused():
        return [heads[record_id].as_dict() for record_id in sorted(heads)
                if include_deleted or not heads[record_id].deleted]


def matching(heads: dict[str, Head], equals: dict[str, Any]) -> list[dict]:
    """``find()``'s answer: the undeleted rows whose fields equal the values given, by id."""
    with collector_paused():
        found = [head for head in heads.values() if not head.deleted
                 and all(head.value(name) == wanted for name, wanted in equals.items())]
        return [head.as_dict() for head in sorted(found, key=lambda head: head.id)]


class HeadsPage(NamedTuple):
    """``heads_page()``'s answer: the rows of one page and how many match on every page."""

    total: int
    rows: list[dict]


#: ``where(head) -> bool`` and ``order(head) -> key`` see a ``Head`` (index.py): its metadata
#: and ``summary``; ``head.get(name)`` reads either.
Where = Callable[[Head], bool]
Order = Callable[[Head], Any]


def paged(heads: dict[str, Head], *, where: Where | None, order: Order | None, descending: bool, offset: int,
          limit: int, ids: Iterable[str] | None) -> HeadsPage:
    """``heads_page()``'s answer from a kind's heads: ordering touches only the matching heads,
    and only the page's rows become dicts."""
    for name, value in (("offset", offset), ("limit", limit)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"must be a whole number, 0 or more, not {value!r}", field=name)
    with collector_paused():
        chosen = heads.values() if ids is None else [heads[i] for i in dict.fromkeys(ids) if i in heads]
        found = [head for head in chosen if not head.deleted and (where is None or where(head))]
        if not limit:
            return HeadsPage(len(found), [])
        key = (lambda head: head.id) if order is None else (lambda head: (order(head), head.id))
        total, wanted = len(found), offset + limit
        if wanted * 8 < total:
            # An early page of a long list (the first 50 of 100,000 evidence records): picking the
            # best ``wanted`` costs n·log(wanted) instead of sorting all n (1 s at the design point).
            # heapq's picks equal sorted(...)[:wanted], so every page agrees with the full order.
            found = (heapq.nlargest if descending else heapq.nsmallest)(wanted, found, key=key)
        else:
            found.sort(key=key, reverse=descending)
        return HeadsPage(total, [head.as_dict() for head in found[offset:wanted]])


def tallied(heads: dict[str, Head], fields: tuple[str, ...], where: Where | None) -> Counter:
    """``tally()``'s answer from a kind's heads."""
    with collector_paused():
        return Counter(tuple(head.get(name) for name in fields) for head in heads.values()
                       if not head.deleted and (where is None or where(head)))


def changes_arguments(kind: str | None, since: Any, until: Any, limit: Any) -> str | None:
    """``changes()``'s arguments checked; returns the kind (checked) or None."""
    kind = check_kind(kind) if kind is not None else None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValidationError(f"must be a whole number, 0 or more, not {limit!r}", field="limit")
    for name, value in (("since", since), ("until", until)):
        if value is not None and not isinstance(value, str):
            raise ValidationError("must be a date YYYY-MM-DD or a UTC timestamp", field=name)
    return kind
