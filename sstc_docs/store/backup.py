"""The backup file: the whole database, every version of every record plus attachments, as one
JSON document.

Why one plain JSON document: it can be read by anyone in twenty years without this program,
checked into an archive, and diffed (one version per line). Restoring validates the whole file
before anything is written, so a damaged backup is refused instead of half-restored.

    {"format": "sstc-docs backup", "format_version": 2, "created_at": "...",
     "versions": [ {version}, ... ],          # exactly Version.to_json(), ordered kind, id, version
     "blobs": {"<sha256>": "<base64>", ...}}

Format 1 (before versions carried ``seq`` and ``hash``) is still read: its versions are given
their sequence in the order they were recorded, and hashed, as they are restored.

A backup is input from outside, so a restore trusts nothing in it: every problem found is listed
(the first few dozen), and one problem is enough to refuse the whole file.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from ..errors import StoreError, ValidationError
from .atomic import atomic_writer
from .blobs import SHA256
from .versions import META_FIELDS, TIMESTAMP_FORMAT, check_date, check_record_id, version_hash, version_problem

FORMAT = "sstc-docs backup"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
SHOWN_PROBLEMS = 40


def _line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_document(out: Any, created_at: str, versions: Iterable[dict], blobs: Iterable[tuple[str, bytes]]) -> int:
    count = 0
    out.write(b'{"format":' + _line(FORMAT) + b',"format_version":' + _line(FORMAT_VERSION)
              + b',"created_at":' + _line(created_at) + b',\n"versions":[')
    for document in versions:
        out.write((b"\n" if count == 0 else b",\n") + _line(document))
        count += 1
    out.write(b'\n],\n"blobs":{')
    for number, (sha, data) in enumerate(blobs):
        out.write((b"\n" if number == 0 else b",\n") + _line(sha) + b":" + _line(base64.b64encode(data).decode()))
    out.write(b"\n}}\n")
    return count


def write_backup(target: str | Path | IO[bytes], created_at: str, versions: Iterable[dict],
                 blobs: Iterable[tuple[str, bytes]]) -> int:
    """Stream the backup to a path (replaced atomically: a failed backup never leaves half a file
    under the backup's name) or to a binary file object. Returns the number of versions."""
    if isinstance(target, (str, Path)):
        with atomic_writer(Path(target)) as out:
            return _write_document(out, created_at, versions, blobs)
    return _write_document(target, created_at, versions, blobs)


def read_backup(source: str | Path | IO[bytes], *,
                validate: Callable[[str, Any], dict] | None = None) -> tuple[list[dict], dict[str, bytes]]:
    """Parse and check a backup completely; returns (versions, blobs) or raises StoreError listing
    every problem found. ``validate`` is the kinds' own validation, as a save applies it."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "the backup file")
    try:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as handle:
                content = json.load(handle)
        else:
            content = json.load(source)
    except FileNotFoundError:
        raise StoreError(f"There is no backup file {name}.") from None
    except RecursionError:
        raise StoreError(f"{name} is not a readable backup (nested too deeply); nothing was restored.") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise StoreError(f"{name} is not a readable backup (invalid or truncated JSON: {error}); "
                         "nothing was restored.") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise StoreError(f"{name} is not an sstc-docs backup; nothing was restored.")
    format_version = content.get("format_version")
    if format_version not in READABLE_VERSIONS:
        raise StoreError(f"{name} is a backup of format version {format_version}, which this "
                         f"version of sstc-docs cannot read (it reads versions 1 and {FORMAT_VERSION}).")
    versions, blobs = content.get("versions"), content.get("blobs")
    if not isinstance(versions, list) or not isinstance(blobs, dict):
        raise StoreError(f"{name} is damaged: it lacks its versions or blobs section; nothing was restored.")
    problems: list[str] = []
    if format_version == 1:
        versions = _sequenced(versions, problems)
    _check_versions(versions, problems, validate, hashed=format_version >= 2)
    decoded: dict[str, bytes] = {}
    for sha, text in blobs.items():
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, TypeError, ValueError):
            data = None
        if not SHA256.match(str(sha)) or data is None or hashlib.sha256(data).hexdigest() != sha:
            problems.append(f"attachment {str(sha)[:70]!r} does not match its content")
            continue
        decoded[sha] = data
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:SHOWN_PROBLEMS])
        more = f"\n  … and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
        raise StoreError(f"{name} was refused; nothing was restored. {len(problems)} problem(s):\n{shown}{more}")
    return versions, decoded


def _sequenced(versions: list, problems: list[str]) -> list[dict]:
    """Format 1 versions given what format 2 records: seq in recorded order, and hashes."""
    legacy = [d for d in versions if isinstance(d, dict)]
    if len(legacy) != len(versions):
        problems.append("a version entry is not a JSON object")
    try:
        ordered = sorted(legacy, key=lambda d: (str(d.get("recorded_at")), str(d.get("kind")), str(d.get("id")),
                                                d.get("version") if isinstance(d.get("version"), int) else 0))
    except TypeError:
        ordered = legacy
    upgraded, previous = [], {}
    for seq, document in enumerate(ordered, start=1):
        document = {**document, "seq": seq, "hash": ""}
        key = (document.get("kind"), document.get("id"))
        if isinstance(document.get("data"), dict) and all(n in document for n in META_FIELDS):
            try:
                document["hash"] = version_hash(document, previous.get(key, ""))
            except (TypeError, ValueError):
                pass
        previous[key] = document["hash"]
        upgraded.append(document)
    return sorted(upgraded, key=lambda d: (str(d.get("kind")), str(d.get("id")), str(d.get("version"))))


def _check_versions(versions: list, problems: list[str], validate, *, hashed: bool) -> None:
    """Every rule a version written by this program obeys, checked on one written by anyone."""
    records: dict[tuple[str, str], list[dict]] = defaultdict(list)
    seqs: dict[int, str] = {}
    for position, document in enumerate(versions, start=1):
        problem = version_problem(document)
        where = _where(document, position)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        try:
            check_record_id(document["id"])
            check_date(document["effective_from"], "effective_from")
            _dt.datetime.strptime(document["recorded_at"], TIMESTAMP_FORMAT)
        except (ValidationError, ValueError) as error:
            problems.append(f"{where}: {error}")
            continue
        if any(ord(ch) < 32 for ch in document["id"]) or ".." in document["id"].split("/"):
            problems.append(f"{where}: the id {document['id']!r} holds control characters or a '..' step")
            continue
        if validate is not None:
            try:
                checked = validate(document["kind"], document["data"])
            except ValidationError as error:
                problems.append(f"{where}: its data is not a valid {document['kind']}: {error}"[:400])
                continue
            if checked.get("id", document["id"]) != document["id"]:
                problems.append(f"{where}: its data names the id {checked.get('id')!r}, not {document['id']!r}")
                continue
        if document["seq"] in seqs:
            problems.append(f"{where}: seq {document['seq']} is also used by {seqs[document['seq']]}")
        seqs[document["seq"]] = where
        records[(document["kind"], document["id"])].append(document)
    if seqs and sorted(seqs) != list(range(1, len(seqs) + 1)) and not problems:
        problems.append(f"the versions' seq numbers are not 1 to {len(seqs)} without gaps: a version was removed "
                        "or added by hand")
    for (kind, record_id), found in records.items():
        found.sort(key=lambda d: d["version"])
        numbers = [d["version"] for d in found]
        if numbers != list(range(1, len(found) + 1)):
            problems.append(f"{kind} {record_id} has versions {numbers[:20]}, not 1 to {len(found)} each once")
            continue
        previous_hash, previous_time = "", ""
        for document in found:
            number = document["version"]
            if number == 1 and (document["deleted"] or document["based_on"] is not None):
                problems.append(f"{kind} {record_id} version 1 " + ("is a deletion" if document["deleted"]
                                                                     else "claims to be based on another version"))
            if number > 1 and document["based_on"] not in (None, number - 1):
                problems.append(f"{kind} {record_id} version {number} is based on version {document['based_on']}, "
                                f"which is not the version before it")
            if document["recorded_at"] <= previous_time:
                problems.append(f"{kind} {record_id} version {number} was recorded at {document['recorded_at']}, "
                                f"not after version {number - 1} ({previous_time})")
            if hashed and version_hash(document, previous_hash) != document["hash"]:
                problems.append(f"{kind} {record_id} version {number}: its hash does not match its content "
                                "(edited after it was recorded, or a version before it was changed or removed)")
            previous_hash, previous_time = document["hash"], document["recorded_at"]


def _where(document: Any, position: int) -> str:
    if isinstance(document, dict) and isinstance(document.get("kind"), str) and isinstance(document.get("id"), str):
        return f"{document['kind']} {document['id'][:80]!r} version {document.get('version')!r}"
    return f"version entry {position}"
