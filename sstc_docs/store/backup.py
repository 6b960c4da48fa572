"""The backup file: the whole database, every version of every record plus attachments, as one
JSON document.

Why one plain JSON document: it can be read by anyone in twenty years without this program,
checked into an archive, and diffed (one version per line). Restoring validates the whole file
before anything is written, so a damaged backup is refused instead of half-restored.

    {"format": "sstc-docs backup", "format_version": 1, "created_at": "...",
     "versions": [ {version}, ... ],          # exactly Version.to_json(), ordered kind, id, version
     "blobs": {"<sha256>": "<base64>", ...}}
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import IO, Any, Iterable

from ..errors import StoreError
from .atomic import atomic_writer
from .blobs import SHA256
from .versions import version_problem

FORMAT = "sstc-docs backup"
FORMAT_VERSION = 1


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


def read_backup(source: str | Path | IO[bytes]) -> tuple[list[dict], dict[str, bytes]]:
    """Parse and check a backup completely; returns (versions, blobs) or raises StoreError."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "the backup file")
    try:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as handle:
                content = json.load(handle)
        else:
            content = json.load(source)
    except FileNotFoundError:
        raise StoreError(f"There is no backup file {name}.") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise StoreError(f"{name} is not a readable backup (invalid or truncated JSON: {error}); "
                         "nothing was restored.") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise StoreError(f"{name} is not an sstc-docs backup; nothing was restored.")
    if content.get("format_version") != FORMAT_VERSION:
        raise StoreError(f"{name} is a backup of format version {content.get('format_version')}, which this "
                         f"version of sstc-docs cannot read (it reads version {FORMAT_VERSION}).")
    versions, blobs = content.get("versions"), content.get("blobs")
    if not isinstance(versions, list) or not isinstance(blobs, dict):
        raise StoreError(f"{name} is damaged: it lacks its versions or blobs section; nothing was restored.")
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, document in enumerate(versions):
        problem = version_problem(document)
        if problem:
            raise StoreError(f"{name} is damaged at version entry {position + 1}: {problem}; nothing was restored.")
        numbers[(document["kind"], document["id"])].append(document["version"])
    for (kind, record_id), found in numbers.items():
        if sorted(found) != list(range(1, len(found) + 1)):
            raise StoreError(f"{name} is damaged: {kind} {record_id} has versions {sorted(found)}, not 1 to "
                             f"{len(found)} each once; nothing was restored.")
    decoded: dict[str, bytes] = {}
    for sha, text in blobs.items():
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, TypeError, ValueError):
            data = None
        if not SHA256.match(str(sha)) or data is None or hashlib.sha256(data).hexdigest() != sha:
            raise StoreError(f"{name} is damaged: attachment {str(sha)[:70]} does not match its content; "
                             "nothing was restored.")
        decoded[sha] = data
    return versions, decoded
