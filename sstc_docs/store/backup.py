"""The backup file: the whole database, every version of every record plus attachments, as one
JSON document.

Why one plain JSON document: it can be read by anyone in twenty years without this program,
checked into an archive, and diffed (one version per line). Restoring validates the whole file
before anything is written, so a damaged backup is refused instead of half-restored. Both ways
stream: a backup is written one version at a time, and read one version at a time into a spool
(``read_backup``), so neither holds the archive in memory.

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
import codecs
import datetime as _dt
import hashlib
import itertools
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

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


def read_backup(source: str | Path | IO[bytes], *, validate: Callable[[str, Any], dict] | None = None,
                spool_in: Path | None = None) -> "CheckedBackup":
    """Read and check a backup completely, as a stream; returns the checked backup (a context
    manager: use it inside ``with``) or raises StoreError listing every problem found.
    ``validate`` is the kinds' own validation, as a save applies it.

    Why a stream and a spool: a backup of the design point is hundreds of MB, and parsed whole it
    took four times that in memory. Here the file is read in chunks, one version or attachment is
    parsed at a time, and each is put into a temporary SQLite file (``spool_in``, else the system's
    temporary folder), which the checks that span versions (numbering, hash chains, seq) then read
    back in order. Memory stays that of one version, whatever the size of the backup."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "the backup file")
    backup = CheckedBackup(name, spool_in)
    try:
        if isinstance(source, (str, Path)):
            try:
                handle = open(source, "rb")
            except FileNotFoundError:
                raise StoreError(f"There is no backup file {name}.") from None
            with handle:
                backup.read(handle, validate)
        else:
            backup.read(source, validate)
    except BaseException:
        backup.close()
        raise
    return backup


class _Problems:
    """Every problem is counted; only those shown are kept (a hostile file may hold millions)."""

    def __init__(self) -> None:
        self.count = 0
        self.kept: list[str] = []

    def append(self, problem: str) -> None:
        self.count += 1
        if len(self.kept) < SHOWN_PROBLEMS:
            self.kept.append(problem)


class _JSONStream:
    """The outer structure of one JSON document read by hand, its members parsed one at a time
    by the standard library's decoder: nothing but the member being parsed is held in memory."""

    CHUNK = 1 << 20

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.text = ""
        self.position = 0
        self.ended = False
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder()

    def _more(self) -> bool:
        if self.ended:
            return False
        chunk = self.handle.read(max(self.CHUNK, len(self.text) - self.position))
        self.ended = not chunk
        self.text = self.text[self.position:] + self._decoder.decode(chunk, final=self.ended)
        self.position = 0
        return bool(chunk)

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            while self.position < len(self.text) and self.text[self.position] in " \t\n\r":
                self.position += 1
            if self.position < len(self.text):
                return self.text[self.position]
            if not self._more():
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise ValueError(f"expected {expected!r} but found {found[:1]!r} near character {self.position}")
        self.position += 1

    def value(self) -> tuple[Any, str]:
        """The next JSON value, and its text as it stands in the file."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.text, self.position)
            except ValueError:
                if self._more():
                    continue  # the value runs on into the part not yet read
                raise
            if end == len(self.text) and self._more():
                continue  # a number at the end of what was read may go on
            text = self.text[self.position:end]
            self.position = end
            return value, text

    def key(self) -> str:
        """An object member's name and the colon after it."""
        name = self.value()[0] if self.peek() == '"' else None
        if name is None:
            raise ValueError(f"expected a member name in quotes near character {self.position}")
        self.take(":")
        return name

    def members(self, opening: str, closing: str) -> Iterator[None]:
        """Step through an array's or object's members; the caller parses each."""
        self.take(opening)
        if self.peek() == closing:
            self.position += 1
            return
        while True:
            yield None
            following = self.peek()
            if following == closing:
                self.position += 1
                return
            self.take(",")


SPOOL = """
CREATE TABLE entries (position INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE versions (kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL,
                       text TEXT NOT NULL);
CREATE TABLE seqs (seq INTEGER PRIMARY KEY, place TEXT NOT NULL);
CREATE TABLE blobs (sha TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


class CheckedBackup:
    """A backup read and checked whole (``read``), then handed out as streams: its versions in
    any order asked for, and its attachments. Close it (or use ``with``) to remove the spool."""

    def __init__(self, name: str, spool_in: Path | None):
        self.name = name
        self.count = 0
        self._folder = tempfile.mkdtemp(prefix="sstc-restore-spool-", dir=spool_in)
        self._db = sqlite3.connect(Path(self._folder) / "spool.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(SPOOL)
        self._db.execute("BEGIN")

    def __enter__(self) -> "CheckedBackup":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    # -- handing out -----------------------------------------------------------------------
    def versions(self, group: Callable[[str, str], int] | None = None) -> Iterator[dict]:
        """Every version document, ordered kind, id, version, or by kind, ``group(kind, id)``
        (a shard number), id, version."""
        if group is None:
            rows = self._db.execute("SELECT text FROM versions ORDER BY kind, id, version")
        else:
            self._db.create_function("grouped", 2, group, deterministic=True)
            rows = self._db.execute("SELECT text FROM versions ORDER BY kind, grouped(kind, id), id, version")
        for (text,) in rows:
            yield json.loads(text)

    def in_seq_order(self) -> Iterator[dict]:
        for (text,) in self._db.execute("SELECT text FROM versions ORDER BY seq"):
            yield json.loads(text)

    def blobs(self) -> Iterator[tuple[str, bytes]]:
        for sha, data in self._db.execute("SELECT sha, data FROM blobs ORDER BY sha"):
            yield sha, bytes(data)

    # -- reading and checking --------------------------------------------------------------
    def read(self, handle: IO[bytes], validate: Callable[[str, Any], dict] | None) -> None:
        problems = _Problems()
        try:
            header = self._parse(_JSONStream(handle), problems)
        except RecursionError:
            raise StoreError(f"{self.name} is not a readable backup (nested too deeply); nothing was restored.") from None
        except ValueError as error:  # UnicodeDecodeError is one too
            raise StoreError(f"{self.name} is not a readable backup (invalid or truncated JSON: {error}); "
                             "nothing was restored.") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise StoreError(f"{self.name} is not an sstc-docs backup; nothing was restored.")
        format_version = header.get("format_version")
        if format_version not in READABLE_VERSIONS:
            raise StoreError(f"{self.name} is a backup of format version {format_version}, which this "
                             f"version of sstc-docs cannot read (it reads versions 1 and {FORMAT_VERSION}).")
        if header.get("versions") is not list or header.get("blobs") is not dict:
            raise StoreError(f"{self.name} is damaged: it lacks its versions or blobs section; nothing was restored.")
        documents = self._sequenced(problems) if format_version == 1 else self._entries()
        self._check_each(documents, problems, validate)
        self._check_records(problems, hashed=format_version >= 2)
        self._db.execute("COMMIT")
        if problems.count:
            shown = "\n".join(f"  - {p}" for p in problems.kept)
            more = f"\n  … and {problems.count - len(problems.kept)} more" if problems.count > len(problems.kept) else ""
            raise StoreError(f"{self.name} was refused; nothing was restored. {problems.count} problem(s):\n"
                             f"{shown}{more}")

    def _parse(self, stream: _JSONStream, problems: _Problems) -> Any:
        """Spool the versions and blobs; returns the other members, with the type of those two
        sections in their place (or the whole document, if it is not an object)."""
        if stream.peek() != "{":
            document = stream.value()[0]
        else:
            document = {}
            for _ in stream.members("{", "}"):
                key = stream.key()
                if key == "versions" and stream.peek() == "[" and "versions" not in document:
                    for position, _ in enumerate(stream.members("[", "]"), start=1):
                        self._db.execute("INSERT INTO entries VALUES (?, ?)", (position, stream.value()[1]))
                    document[key] = list
                elif key == "blobs" and stream.peek() == "{" and "blobs" not in document:
                    for _ in stream.members("{", "}"):
                        sha = stream.key()
                        self._spool_blob(sha, stream.value()[0], problems)
                    document[key] = dict
                else:
                    value = stream.value()[0]
                    document[key] = type(value) if key in ("versions", "blobs") else value
        if stream.peek() != "":
            raise ValueError(f"extra data after the document, near character {stream.position}")
        return document

    def _spool_blob(self, sha: Any, text: Any, problems: _Problems) -> None:
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, TypeError, ValueError):
            data = None
        if not SHA256.match(str(sha)) or data is None or hashlib.sha256(data).hexdigest() != sha:
            problems.append(f"attachment {str(sha)[:70]!r} does not match its content")
            return
        self._db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", (sha, data))

    def _entries(self) -> Iterator[tuple[int, Any]]:
        for position, text in self._db.execute("SELECT position, text FROM entries ORDER BY position"):
            yield position, json.loads(text)

    def _sequenced(self, problems: _Problems) -> Iterator[tuple[int, Any]]:
        """Format 1 versions given what format 2 records: seq in recorded order, and hashes."""
        self._db.execute("CREATE TABLE legacy (position INTEGER PRIMARY KEY, recorded_at TEXT, kind TEXT, id TEXT, "
                         "version INTEGER)")
        objects = 0
        for position, document in self._entries():
            if isinstance(document, dict):
                objects += 1
                version = document.get("version")
                self._db.execute("INSERT INTO legacy VALUES (?, ?, ?, ?, ?)", (
                    position, str(document.get("recorded_at")), str(document.get("kind")), str(document.get("id")),
                    version if isinstance(version, int) and not isinstance(version, bool) and abs(version) < 2**62
                    else 0))
        if objects != self._db.execute("SELECT count(*) FROM entries").fetchone()[0]:
            problems.append("a version entry is not a JSON object")
        previous: dict[tuple, str] = {}
        ordered = self._db.execute("SELECT l.position, e.text FROM legacy l JOIN entries e USING (position) "
                                   "ORDER BY l.recorded_at, l.kind, l.id, l.version, l.position").fetchall()
        for seq, (position, text) in enumerate(ordered, start=1):
            document = {**json.loads(text), "seq": seq, "hash": ""}
            key = (str(document.get("kind")), str(document.get("id")))
            if isinstance(document.get("data"), dict) and all(n in document for n in META_FIELDS):
                try:
                    document["hash"] = version_hash(document, previous.get(key, ""))
                except (TypeError, ValueError):
                    pass
            previous[key] = document["hash"]
            yield position, document

    def _check_each(self, documents: Iterable[tuple[int, Any]], problems: _Problems, validate) -> None:
        """Every rule one version written by this program obeys, checked on one written by anyone."""
        for position, document in documents:
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
            if max(document["version"], document["seq"]) >= 2**62:
                problems.append(f"{where}: its version or seq number is too large")
                continue
            try:
                text = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            except UnicodeEncodeError:
                problems.append(f"{where}: it holds text that is not valid Unicode (a lone surrogate)")
                continue
            taken = self._db.execute("SELECT place FROM seqs WHERE seq = ?", (document["seq"],)).fetchone()
            if taken:
                problems.append(f"{where}: seq {document['seq']} is also used by {taken[0]}")
            self._db.execute("INSERT OR REPLACE INTO seqs VALUES (?, ?)", (document["seq"], where))
            self._db.execute("INSERT INTO versions VALUES (?, ?, ?, ?, ?)",
                             (document["kind"], document["id"], document["version"], document["seq"], text))
        self._db.execute("DELETE FROM entries")
        self.count = self._db.execute("SELECT count(*) FROM versions").fetchone()[0]
        seqs, first, last = self._db.execute("SELECT count(*), min(seq), max(seq) FROM seqs").fetchone()
        if seqs and (first != 1 or last != seqs) and not problems.count:
            problems.append(f"the versions' seq numbers are not 1 to {seqs} without gaps: a version was removed "
                            "or added by hand")

    def _check_records(self, problems: _Problems, *, hashed: bool) -> None:
        """Each record's versions, in order: numbered 1 to n, each based on the one before, recorded
        after it, and (format 2) its hash chained to it."""
        rows = self._db.execute("SELECT kind, id, text FROM versions ORDER BY kind, id, version, rowid")
        for (kind, record_id), group in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
            found = [json.loads(text) for *_, text in group]
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
                    problems.append(f"{kind} {record_id} version {number} is based on version "
                                    f"{document['based_on']}, which is not the version before it")
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
