"""How a unit of work reaches the disk all or nothing: a commit log that holds what it writes.

Why: a unit may touch several shard files and the journal, and no file system writes several
files in one step. So:

1. the unit's writes — for each shard its new lines, for the journal its lines, each with the
   offset it goes at — are appended to ``<db>/commit.log`` as one record with its length and
   SHA-256, and the log is fsynced: the moment of commit (a record torn by a crash fails its
   checksum and counts as never written);
2. each write is made in place: the bytes put at their offset, the file then ending there. A
   shard's new lines go where its closing ``}}`` was (storage.py: the lines before are never
   touched), the journal's after its last line. The record is then marked carried out (a line
   ``applied`` after it). None of this is fsynced;
3. once the log holds ``CHECKPOINT_RECORDS`` records (and when the store closes), a checkpoint
   fsyncs every file the records wrote and the folders of files they created or renamed into,
   then empties the log and fsyncs it.

So a save costs one fsync (the log's) and a share of a checkpoint — as SQLite's WAL does, and for
the same reason: on a busy disk each fsync costs a fraction of a millisecond to milliseconds, and
they were most of a save. Why the two that remain are needed, for a save durable when it returns:

- the log's: it is the commit point, and it holds every byte the unit writes. After it, whatever
  of step 2 a power cut undoes or tears — lines not yet written back, a shard cut off halfway, the
  ``applied`` line — is redone from the record: the bytes before a write's offset were there
  before the unit (durable since a checkpoint, or written by an earlier record in the log), so
  putting the record's bytes at the offset again rebuilds the file exactly. Writing in place
  assumes, as SQLite does (its "powersafe overwrite"), that a power cut damages no byte a write
  did not change;
- the checkpoint's: a record may leave the log only once what it did is durable by itself. The
  log is fsynced empty, so a record emptied away cannot come back after a later change to a file
  (``verify --repair``, a restore) and be "redone" over it.

The ``applied`` line is not trusted across a power cut (a file system may write it back before
the bytes it vouches for), so every process redoes the whole log once, the first time it touches
the database, and checkpoints it: a redo of what is already in place changes nothing (bytes that
are already there are not written again). Within a process's life the line is trusted: it saves
each reader the write lock (and a reader that cannot have the lock, on a read-only copy, reads by
the line: nothing else could finish a unit there).

A write in place is not atomic for a reader in another process, which takes no lock: for an
instant it may see a shard cut off halfway. It is never taken for damage: a shard that does not
read whole is read again once the writer is done, under the write lock (storage.py,
``ShardStorage``), and only then reported.

A crash or a full disk before step 1 ends leaves nothing: the record fails its checksum. A full
disk in step 2 (a file grows; nothing else needs space) undoes the unit: every write made so far
is cut back to the bytes that were there, and the record is removed. After step 1 a crash is
redone: whoever touches the database next — a reader included — carries the records out; every
step is idempotent. A restore puts a whole database built beside it in place with renames, named
in a record of the same log, and checkpoints at once.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, NamedTuple

from ..errors import StoreError
from .atomic import Signature, ensure_folder, fsync_folder, signature_of

COMMIT_FILE = "commit.log"
HEADER = b"sstc-commit"
APPLIED = b"applied\n"
#: Records the log holds before a checkpoint: each checkpoint fsyncs the files the records wrote,
#: the log and a few folders, so 32 makes its share of a save small while a redo after a crash
#: stays a few dozen cheap steps and the log a few dozen versions long.
CHECKPOINT_RECORDS = 32


class Write(NamedTuple):
    """Bytes a unit puts at an offset of a file, which then ends where they end."""

    path: Path
    offset: int
    payload: bytes


def discard(paths: list[Path]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


def write_in_place(write: Write) -> bytes | None:
    """Make ``write.path`` hold ``write.payload`` at ``write.offset`` and end there; returns the
    bytes that were there from the offset on (None: there was no file), to undo it with.

    Idempotent: bytes already in place are not written again (a redo that finds part of the
    payload there writes the rest, so a reader never sees the journal shrink). A write that fails
    (a full disk) is undone before the error is raised. Call with the write lock held."""
    path, offset, payload = write
    try:
        descriptor, created = os.open(path, os.O_RDWR), False
    except FileNotFoundError:
        ensure_folder(path.parent)
        descriptor, created = os.open(path, os.O_RDWR | os.O_CREAT, 0o644), True
    try:
        size = os.fstat(descriptor).st_size
        if size < offset:
            raise StoreError(f"The database file {path} is {size} bytes long, but a committed change goes at "
                             f"byte {offset}: it was cut short by hand or by the disk. Restore the database "
                             "from a backup.")
        present = os.pread(descriptor, size - offset, offset)
        if present == payload:
            return None if created else present
        same = len(present) if payload.startswith(present) else 0
        try:
            _write_all(descriptor, payload[same:], offset + same)
            if size > offset + len(payload):
                os.ftruncate(descriptor, offset + len(payload))
        except OSError:
            _put_back(descriptor, offset, present)
            if created:
                discard([path])
            raise
        return None if created else present
    finally:
        os.close(descriptor)


def undo_write(write: Write, replaced: bytes | None) -> None:
    """Put back what ``write_in_place`` replaced (the bytes it returned): needs no free space."""
    if replaced is None:
        discard([write.path])  # the write made the file
        return
    descriptor = os.open(write.path, os.O_RDWR)
    try:
        _put_back(descriptor, write.offset, replaced)
    finally:
        os.close(descriptor)


def _write_all(descriptor: int, payload: bytes, offset: int) -> None:
    view = memoryview(payload)
    while view:
        written = os.pwrite(descriptor, view, offset)
        view, offset = view[written:], offset + written


def _put_back(descriptor: int, offset: int, replaced: bytes) -> None:
    _write_all(descriptor, replaced, offset)
    os.ftruncate(descriptor, offset + len(replaced))


def composed(writes: Iterable[Write]) -> list[Write]:
    """For each file, what a series of writes (in order) leaves from the first offset on: one
    write per file, so a redo puts each file's bytes once and a reader never sees it shrink."""
    by_path: dict[Path, tuple[int, bytes]] = {}
    for path, offset, payload in writes:
        if path in by_path:
            base, before = by_path[path]
            if offset > base + len(before):
                raise StoreError(f"The commit log holds writes to {path} that do not follow on from each other; "
                                 "restore the database from a backup.")
            if offset >= base:
                payload, offset = before[:offset - base] + payload, base
        by_path[path] = (offset, payload)
    return [Write(path, offset, payload) for path, (offset, payload) in by_path.items()]


class Record(NamedTuple):
    """One committed unit as the log holds it: checked against its checksum, decoded on demand
    (finding where the log ends, on every save, needs no decoding)."""

    content: bytes
    applied: bool
    end: int  # where the next record goes

    def decoded(self, root: Path) -> tuple[list[tuple[Path, Path]], list[Write]]:
        """The renames (temporary, target) and the writes, in the order they are carried out."""
        try:
            record = json.loads(self.content)
            renames = [(root / temp, root / target) for temp, target in record["renames"]]
            writes = [Write(root / path, int(offset), payload.encode("utf-8"))
                      for path, offset, payload in record.get("writes", ())]
            if record.get("journal") is not None:  # a record of the layout before shards were written in place
                journal = record["journal"]
                writes.append(Write(root / "changes.jsonl", int(journal["offset"]), journal["payload"].encode("utf-8")))
            return renames, writes
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(f"The commit log {root / COMMIT_FILE} holds a record that passes its checksum but "
                             f"cannot be read ({error}); restore the database from a backup.") from None


class CommitRecord:
    """The commit log of a database folder: records appended, carried out, checkpointed away."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = self.root / COMMIT_FILE
        self._redone = False  # this process has redone the log once (see the module docstring)
        self._seen: Signature | None = None  # the log as last seen with nothing left to carry out
        self._seen_count: int | None = None  # how many records it then held, if this process wrote it last

    def pending(self) -> bool:
        """Whether a committed unit may not be all in place. One ``stat`` while the log is empty or
        as this process last left it; a read of the (small) log after another process wrote it."""
        current = signature_of(self.path)
        if current is None or current.size == 0 or current == self._seen:
            return False
        if not self._redone:
            return True
        if not self.marked_applied():
            return True
        self._seen, self._seen_count = current, None
        return False

    def marked_applied(self) -> bool:
        """Whether the log's last record is marked carried out (or there is none): enough to read
        by, within the life of the machine, where the log cannot be redone (a read-only copy)."""
        records = self._records(repair=False)  # no write lock: a record being written is not torn
        return not records or records[-1].applied

    def holds_records(self) -> bool:
        """One ``stat``: whether a checkpoint has anything to do."""
        current = signature_of(self.path)
        return current is not None and current.size > 0

    def commit(self, *, writes: list[Write] = (), renames: list[tuple[Path, Path]] = ()) -> None:
        """Append the record (the commit point), then carry it out: the writes, then the renames.
        Until the writes are all made a failure undoes them, removes the record, discards the
        staged files of the renames and raises: nothing changed. Call with the write lock held and
        nothing pending (``carry_out`` first)."""
        content = json.dumps({"renames": [[self._relative(temp), self._relative(target)] for temp, target in renames],
                              "writes": [[self._relative(path), offset, payload.decode("utf-8")]
                                         for path, offset, payload in writes]},
                             ensure_ascii=False).encode("utf-8")
        record = b"%s %d %s\n%s\n" % (HEADER, len(content), hashlib.sha256(content).hexdigest().encode(), content)
        start, count = self._end()
        try:
            self._append(start, record)
        except OSError as error:
            self._cut(start)
            discard([temp for temp, _ in renames])
            raise StoreError(f"Could not write {self.path}: {error.strerror or error}. Nothing was saved; free "
                             "some disk space (or fix the folder's permissions) and try again.") from error
        done: list[tuple[Write, bytes | None]] = []
        try:
            for write in writes:
                done.append((write, write_in_place(write)))
        except (OSError, StoreError) as error:
            failed = write.path
            try:  # nothing is complete yet, so the unit can still be undone rather than redone
                for undone, replaced in reversed(done):
                    undo_write(undone, replaced)
            except OSError:
                raise StoreError(f"A saved change could not be completed ({error}); it will be completed when "
                                 f"the database {self.root} is next opened with enough free disk space.") from error
            self._cut(start)
            discard([temp for temp, _ in renames])
            reason = error.strerror if isinstance(error, OSError) else error
            raise StoreError(f"Could not write {failed}: {reason or error}. Nothing was saved; free some disk "
                             "space and try again.") from error
        self._rename(renames)
        self._mark_applied(start + len(record), count + 1)

    def carry_out(self) -> None:
        """Redo every record in the log (what is already in place is left alone), then checkpoint."""
        writes: list[Write] = []
        for renames, found in (record.decoded(self.root) for record in self._records()):
            writes += found
            if renames:  # a record's writes go in before its renames, and before later records' writes
                self._write(composed(writes))
                writes = []
                self._rename(renames)
        self._write(composed(writes))
        self.checkpoint()
        self._redone = True

    def checkpoint(self) -> None:
        """Make what the log's records did durable by itself, then empty the log (see above)."""
        decoded = [record.decoded(self.root) for record in self._records()]
        written = {write.path for _, writes in decoded for write in writes}
        folders = ({target.parent for renames, _ in decoded for _, target in renames}
                   | {write.path.parent for _, writes in decoded for write in writes if write.offset == 0})
        try:
            for path in sorted(written):
                _fsync_file(path)
            for folder in sorted(folders):
                if folder.exists():
                    fsync_folder(folder)
        except OSError as error:
            raise StoreError(f"A saved change could not be made durable ({error.strerror or error}); it will be "
                             f"when the database {self.root} is next opened.") from error
        self._empty()

    # -- carrying out ------------------------------------------------------------------------
    def _write(self, writes: list[Write]) -> None:
        try:
            for write in writes:
                write_in_place(write)
        except OSError as error:
            raise StoreError(f"A saved change could not be completed ({error.strerror or error}); it will be "
                             f"completed when the database {self.root} is next opened with enough free disk "
                             "space.") from error

    def _rename(self, renames: Iterable[tuple[Path, Path]]) -> None:
        try:
            for temp, target in renames:
                if os.path.lexists(temp):
                    ensure_folder(target.parent)
                    os.replace(temp, target)
        except OSError as error:
            raise StoreError(f"A saved change could not be completed ({error.strerror or error}); it will be "
                             f"completed when the database {self.root} is next opened.") from error

    # -- the log file --------------------------------------------------------------------------
    def _records(self, repair: bool = True) -> list[Record]:
        """The whole records in the log; a torn one at the end (never committed) is cut off, with
        ``repair`` (which needs the write lock)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        records, position = [], 0
        while position < len(raw):
            found = self._parse(raw, position)
            if found is None:
                if repair:
                    self._cut(position)  # torn while being written: that unit never committed
                break
            records.append(found)
            position = found.end
        return records

    def _parse(self, raw: bytes, position: int) -> Record | None:
        newline = raw.find(b"\n", position)
        parts = raw[position:newline].split(b" ") if newline >= 0 else []
        if len(parts) != 3 or parts[0] != HEADER or not parts[1].isdigit():
            return None
        start = newline + 1
        end = start + int(parts[1])
        content = raw[start:end]
        if len(content) != int(parts[1]) or hashlib.sha256(content).hexdigest().encode() != parts[2]:
            return None
        if raw[end:end + 1] == b"\n":  # a record written before the log held several has none
            end += 1
        applied = raw[end:end + len(APPLIED)] == APPLIED
        return Record(content, applied, end + (len(APPLIED) if applied else 0))

    def _end(self) -> tuple[int, int]:
        """Where the next record goes and how many records come before it: after the last whole one
        (``_records`` cuts a torn tail), or at the start once the log holds enough records to
        checkpoint. The log as this process left it (one ``stat`` says so) is not read again."""
        current = signature_of(self.path)
        if current is not None and current == self._seen and self._seen_count is not None:
            count, end = self._seen_count, current.size  # as left by _mark_applied or _empty
        else:
            records = self._records()
            count, end = len(records), records[-1].end if records else 0
        if count >= CHECKPOINT_RECORDS:
            self.checkpoint()
            return 0, 0
        return end, count

    def _append(self, start: int, record: bytes) -> None:
        created = not self.path.exists()
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _write_all(descriptor, record, start)
            if os.fstat(descriptor).st_size != start + len(record):
                os.ftruncate(descriptor, start + len(record))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if created:
            fsync_folder(self.root)

    def _mark_applied(self, end: int, count: int) -> None:
        """No fsync: a mark lost to a power cut only means a redo that finds everything in place.
        A mark that cannot be written (a full disk) means the same, sooner: the unit is done."""
        try:
            with open(self.path, "r+b") as handle:
                handle.seek(end)
                handle.write(APPLIED)
                handle.flush()
                self._seen = Signature.of(os.fstat(handle.fileno()))
                self._seen_count = count
        except OSError:
            pass

    def _cut(self, position: int) -> None:
        """Best effort: a record left torn behind (a disk that refuses even this) fails its
        checksum, and the next writer cuts it."""
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(position)
        except OSError:
            pass

    def _empty(self) -> None:
        """Fsynced: an emptied record must not come back (see the module docstring)."""
        try:
            with open(self.path, "r+b") as handle:
                if handle.seek(0, os.SEEK_END):
                    handle.truncate(0)
                    os.fsync(handle.fileno())
                self._seen, self._seen_count = Signature.of(os.fstat(handle.fileno())), 0
        except FileNotFoundError:
            pass

    def _relative(self, path: Path) -> str:
        """Paths inside the database folder, so a copied or moved folder still recovers."""
        return str(Path(path).relative_to(self.root))


def _fsync_file(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # a shard or journal a later record renamed away (a restore)
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
