"""A unit of work: several saves and deletes, of any kinds, that become visible together or not at all.

Why: adopting a decision changes the decision and every indicator revision it brings into force;
creating a decision point changes the decision and its paper. Done as loose saves, a failure
halfway leaves a decision adopted with revisions still proposed — and adopted is final. A unit
stages every new version in memory (reads inside the unit see them: the store overlays staged
versions on what is stored), checks each against the latest version as it is staged, and hands
the whole list to the engine's ``commit`` in one step; an exception inside the unit discards it.

The unit knows nothing of files or SQL: an engine gives it the latest stored version of a record
(all a new version builds on: its number, its time and its hash) and the next sequence number,
and receives finished version documents.
"""

from __future__ import annotations

from typing import Callable

from ..errors import ConflictError, NotFound
from ..limits import check_json_limits
from .versions import (Version, check_base_version, check_data, check_date, check_kind, check_record_id,
                       check_text, json_copy, later_timestamp, version_hash)


class UnitOfWork:
    """Staged versions, in the order they were staged; committed by the store that opened the unit."""

    def __init__(self, stored_latest: Callable[[str, str], dict | None], first_seq: int,
                 read: dict[tuple[str, str], dict | None] | None = None):
        """``stored_latest(kind, id)``: the record's latest stored version document, or None. It
        is asked once per record (to check, then to chain the hash, it would be asked twice): the
        unit holds the write lock, so what is stored cannot change while it is open. ``read``:
        latest versions the engine already has, by (kind, id) (PostgreSQL reads the record a
        save names in the same round trip as it takes the lock)."""
        self._ask_stored_latest = stored_latest
        self._stored: dict[tuple[str, str], dict | None] = dict(read or {})
        self._first_seq = first_seq
        self._staged: list[dict] = []
        self._by_record: dict[tuple[str, str], list[dict]] = {}

    # -- staging -----------------------------------------------------------------------------
    def save(self, kind: str, record_id: str, data: dict, *, author: str, why: str,
             base_version: int | None, effective_from: str | None = None) -> Version:
        """Stage a new version; ``base_version`` is the version the caller loaded (None to create).

        Raises ConflictError (with the latest version) when someone saved in between, and nothing
        of the unit is written. Saving onto a tombstone (base = its number, or None) brings the
        record back.
        """
        kind, record_id = check_kind(kind), check_record_id(record_id)
        author, why = check_text(author, "author"), check_text(why, "why")
        base_version = check_base_version(base_version)
        effective = check_date(effective_from, "effective_from") if effective_from is not None else None
        check_json_limits(data, "data")
        record = check_data(data)
        latest = self.latest(kind, record_id)
        if base_version is None:
            if latest is not None and not latest["deleted"]:
                raise ConflictError(kind, record_id, None, Version.from_document(latest), record)
        elif latest is None:
            raise NotFound(f"There is no {kind} '{record_id}' to save version {base_version} on; "
                           "create it with base_version=None.")
        elif base_version != latest["version"]:
            raise ConflictError(kind, record_id, base_version, Version.from_document(latest), record)
        return self._stage(kind, record_id, latest, record, author=author, why=why, based_on=base_version,
                           effective_from=effective, deleted=False)

    def delete(self, kind: str, record_id: str, *, author: str, why: str, base_version: int,
               effective_from: str | None = None) -> Version:
        """Stage a tombstone: the record leaves listings, its history stays readable."""
        kind, record_id = check_kind(kind), check_record_id(record_id)
        author, why = check_text(author, "author"), check_text(why, "why")
        base_version = check_base_version(base_version)
        effective = check_date(effective_from, "effective_from") if effective_from is not None else None
        latest = self.latest(kind, record_id)
        if latest is None:
            raise NotFound(f"There is no {kind} '{record_id}' to delete.")
        if base_version != latest["version"]:
            raise ConflictError(kind, record_id, base_version, Version.from_document(latest), {})
        if latest["deleted"]:
            raise NotFound(f"{kind} {record_id} was already deleted in version {latest['version']}.")
        return self._stage(kind, record_id, latest, json_copy(latest["data"]), author=author, why=why,
                           based_on=base_version, effective_from=effective, deleted=True)

    def restage(self, kind: str, record_id: str, data: dict) -> Version:
        """Replace the data of the version this unit staged last for a record (before it commits):
        for derived fields, such as the record versions a paper pins, known only at the end."""
        document = self._by_record[(kind, record_id)][-1]
        document["data"] = check_data(data)
        self._rehash(kind, record_id)
        return Version.from_document(document)

    # -- what the store asks -----------------------------------------------------------------
    def versions_of(self, kind: str, record_id: str) -> list[dict]:
        """The versions of a record staged here, oldest first."""
        return self._by_record.get((kind, record_id), [])

    def latest(self, kind: str, record_id: str) -> dict | None:
        staged = self.versions_of(kind, record_id)
        if staged:
            return staged[-1]
        return self._stored_latest(kind, record_id)

    def staged_version(self, kind: str, record_id: str) -> Version | None:
        staged = self.versions_of(kind, record_id)
        return Version.from_document(staged[-1]) if staged else None

    @property
    def documents(self) -> list[dict]:
        """Every staged version document, in the order staged (= ``seq`` order)."""
        return self._staged

    def records(self) -> list[tuple[str, str]]:
        """(kind, id) of every record this unit changes, in the order first staged."""
        return list(self._by_record)

    # -- internals ---------------------------------------------------------------------------
    def _stored_latest(self, kind: str, record_id: str) -> dict | None:
        if (kind, record_id) not in self._stored:
            self._stored[(kind, record_id)] = self._ask_stored_latest(kind, record_id)
        return self._stored[(kind, record_id)]

    def _stage(self, kind: str, record_id: str, latest: dict | None, record: dict, *, author: str, why: str,
               based_on: int | None, effective_from: str | None, deleted: bool) -> Version:
        recorded_at = later_timestamp(latest["recorded_at"] if latest else None)
        document = {"kind": kind, "id": record_id, "version": (latest["version"] + 1) if latest else 1,
                    "based_on": based_on, "author": author, "recorded_at": recorded_at, "why": why,
                    "effective_from": effective_from or recorded_at[:10], "deleted": deleted,
                    "seq": self._first_seq + len(self._staged), "hash": "", "data": record}
        self._staged.append(document)
        self._by_record.setdefault((kind, record_id), []).append(document)
        self._rehash(kind, record_id)
        return Version.from_document(document)

    def _rehash(self, kind: str, record_id: str) -> None:
        """Hashes chain through a record's versions, so a restaged one re-hashes those after it."""
        staged = self._by_record[(kind, record_id)]
        stored = self._stored_latest(kind, record_id)
        previous = stored.get("hash", "") if stored else ""
        for document in staged:
            document["hash"] = version_hash(document, previous)
            previous = document["hash"]
