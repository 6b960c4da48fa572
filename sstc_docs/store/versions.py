"""One immutable version of one record, and the checks on what the store is asked to write.

A version is stored as exactly ``Version.to_json()``: one flat JSON object per version, so that a
shard, a backup and the audit journal all describe a version with the same field names.

Every version carries two facts that make history provable: ``seq``, its place in the order the
whole database recorded versions (1, 2, 3 … without gaps, across every kind), and ``hash``, the
SHA-256 of its content and metadata together with the hash of the record's previous version.
Editing a version breaks its own hash; removing one breaks the next version's hash and the gap
in ``seq`` shows; the journal chains every ``hash`` in ``seq`` order (journal.py).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import ValidationError

META_FIELDS = ("kind", "id", "version", "based_on", "author", "recorded_at", "why", "effective_from", "deleted",
               "seq", "hash")
#: Versions recorded before hashes existed read with these values; ``verify`` names them.
LEGACY = {"seq": 0, "hash": ""}
HASHED_FIELDS = tuple(name for name in META_FIELDS if name != "hash")
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
TIMESTAMP_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


@dataclass(frozen=True)
class Version:
    """A record as it was saved once. ``data`` belongs to this object alone: it is a deep copy, so
    changing it can never change what the store holds."""

    kind: str
    id: str
    version: int
    based_on: int | None
    author: str
    recorded_at: str
    why: str
    effective_from: str
    deleted: bool
    seq: int
    hash: str
    data: dict = field(repr=False)

    @classmethod
    def from_document(cls, document: dict, *, owned: bool = False) -> "Version":
        """Build from a stored document, copying ``data`` so the caller cannot reach stored state;
        ``owned``: the document was decoded (or copied) for this one Version, so it is not copied
        again (a history's copies cost as much as reading it)."""
        return cls(**{name: document.get(name, LEGACY.get(name)) for name in META_FIELDS},
                   data=document["data"] if owned else json_copy(document["data"]))

    def meta(self) -> dict:
        """Everything but the record itself, ready for ``json.dumps`` (the audit-trail shape)."""
        return {name: getattr(self, name) for name in META_FIELDS}

    def to_json(self) -> dict:
        """Everything, ready for ``json.dumps``; the exact shape kept in shards and backups."""
        return {**self.meta(), "data": json_copy(self.data)}


def canonical_json(value: Any) -> bytes:
    """The one byte form that hashes are computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def version_hash(document: dict, previous_hash: str) -> str:
    """SHA-256 over the version's metadata (``hash`` itself left out), its data, and the hash of
    the version before it ("" for version 1): the link that makes a record's history a chain."""
    content = {name: document[name] for name in HASHED_FIELDS}
    content["data"] = document["data"]
    content["previous"] = previous_hash
    return hashlib.sha256(canonical_json(content)).hexdigest()


def json_copy(value: Any) -> Any:
    """A deep copy through JSON: faster than ``copy.deepcopy`` for plain JSON and proves the value
    is JSON (a tuple or a date would otherwise come back different from what was stored)."""
    return json.loads(json.dumps(value, allow_nan=False))


def now_timestamp() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime(TIMESTAMP_FORMAT)


def later_timestamp(previous: str | None) -> str:
    """Now, but never earlier than ``previous``: a record's versions keep their order in time even
    if the clock is stepped back (NTP) between two saves."""
    stamp = now_timestamp()
    if previous is None or stamp > previous:
        return stamp
    moment = _dt.datetime.strptime(previous, TIMESTAMP_FORMAT) + _dt.timedelta(microseconds=1)
    return moment.strftime(TIMESTAMP_FORMAT)


def check_kind(kind: Any) -> str:
    """Kinds name folders on disk, so they are kept to safe lower-case words."""
    if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
        raise ValidationError(f"'{kind}' is not a record kind: use lower-case letters, digits and _", field="kind")
    return kind


def check_record_id(record_id: Any) -> str:
    if not isinstance(record_id, str) or not record_id.strip() or len(record_id) > 200:
        raise ValidationError("a record id must be non-empty text of at most 200 characters", field="id")
    return record_id


def check_text(value: Any, name: str) -> str:
    """Author and reason are the audit trail's point: refused when empty or only spaces."""
    if not isinstance(value, str) or not value.strip():
        what = "who is making the change" if name == "author" else "why the change is made"
        raise ValidationError(f"is required: say {what}", field=name)
    return value.strip()


def check_date(value: Any, name: str) -> str:
    """A calendar date written exactly YYYY-MM-DD (it is compared as text against other dates)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            _dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise ValidationError(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-15", field=name)


def check_base_version(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    raise ValidationError(f"must be a version number (1 or more) or None to create, not {value!r}",
                          field="base_version")


def check_data(data: Any) -> dict:
    """The record must be a JSON object; returns the store's own copy of it."""
    if not isinstance(data, dict):
        raise ValidationError(f"a record must be a JSON object, not {type(data).__name__}", field="data")
    try:
        return json_copy(data)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"the record cannot be stored as JSON: {error}", field="data") from None


def version_problem(document: Any) -> str | None:
    """What is wrong with a version document read from outside (a backup), or None."""
    if not isinstance(document, dict):
        return "a version must be a JSON object"
    expected = set(META_FIELDS) | {"data"}
    if set(document) != expected:
        return f"a version must have exactly the fields {', '.join(sorted(expected))}"
    kind, number, based_on = document["kind"], document["version"], document["based_on"]
    checks = [
        (isinstance(kind, str) and KIND_PATTERN.match(kind), "kind"),
        (isinstance(document["id"], str) and document["id"].strip(), "id"),
        (isinstance(number, int) and not isinstance(number, bool) and number >= 1, "version"),
        (based_on is None or (isinstance(based_on, int) and not isinstance(based_on, bool)), "based_on"),
        (isinstance(document["author"], str) and document["author"].strip(), "author"),
        (isinstance(document["why"], str) and document["why"].strip(), "why"),
        (isinstance(document["recorded_at"], str) and TIMESTAMP_PATTERN.match(document["recorded_at"]),
         "recorded_at"),
        (isinstance(document["effective_from"], str)
         and re.fullmatch(r"\d{4}-\d{2}-\d{2}", document["effective_from"]), "effective_from"),
        (isinstance(document["deleted"], bool), "deleted"),
        (isinstance(document["seq"], int) and not isinstance(document["seq"], bool) and document["seq"] >= 1, "seq"),
        (isinstance(document["hash"], str) and re.fullmatch(r"[0-9a-f]{64}", document["hash"]), "hash"),
        (isinstance(document["data"], dict), "data"),
    ]
    for ok, name in checks:
        if not ok:
            return f"field '{name}' has an invalid value {document[name]!r}"[:300]
    return None

