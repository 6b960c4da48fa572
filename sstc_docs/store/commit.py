"""How a unit of work reaches the disk all or nothing: staged files, a commit log, renames.

Why: a unit may touch several shard files and the journal. Each file is replaced atomically, but
several replacements are not. So:

1. every new shard file is written beside its target under a temporary name and fsynced;
2. one commit record — the renames, and the journal lines with the offset they go at — is appended
   to ``<db>/commit.log`` with its length and SHA-256, and the log is fsynced: the moment of commit
   (a record torn by a crash fails its checksum and counts as never written);
3. the journal lines are written at their offset, the files renamed into place, and the record is
   marked carried out (a line ``applied`` after it). None of this is fsynced;
4. once the log holds ``CHECKPOINT_RECORDS`` records (and when the store closes), a checkpoint
   fsyncs the journal and the folders the renames went into, then empties the log and fsyncs it.

So a save costs two fsyncs (its staged file, the log) and a share of a checkpoint, rather than
one for each step (on a busy disk each fsync costs milliseconds: they were most of a save).
Why each remaining fsync is needed, for a save that is durable when it returns:

- the staged file's: the record names it, and a record that survives a power cut must find the
  bytes it names (the log alone does not hold them). Its new name rides on the same fsync, as
  journalling file systems (ext4, XFS) commit it with the file; one that wants the folder
  fsynced for that too would need one more fsync here;
- the log's: it is the commit point. After it, whatever of step 3 a power cut undoes — a rename
  not yet in its folder on disk, journal lines not yet written back, the ``applied`` line — is
  redone from the record; an undone rename leaves the staged file under its temporary name, with
  the bytes its fsync made durable, and the record still names it;
- the checkpoint's: a record may leave the log only once what it did is durable itself (the
  journal's lines, the renames' folders). The log is fsynced empty, so a record emptied away
  cannot come back after a later change to the journal (``verify --repair``, a restore) and be
  "redone" over it.

The ``applied`` line is not trusted across a power cut (a file system may write it back before
the renames it vouches for), so every process redoes the whole log once, the first time it
touches the database, and checkpoints it: a redo of what is already in place changes nothing
(a rename whose staged file is gone is done; journal lines already at their offset are not
written again). Within a process's life the line is trusted: it saves each reader the write lock
(and a reader that cannot have the lock, on a read-only copy, reads by the line: nothing else
could finish a unit there).

A crash or a full disk before step 2 leaves only temporary files: nothing changed (they are swept
up later). A full disk in step 3's journal write, before any rename, undoes the unit (the journal
is cut back, the record removed). After step 2 a crash is redone: whoever touches the database
next — a reader included — carries the records out; every step is idempotent. Renames need no
free space, so once the journal is written nothing can stop the unit. A restore uses the same
log to swap a whole staged database in, and checkpoints at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import NamedTuple

from ..errors import StoreError
from .atomic import Signature, ensure_folder, fsync_folder, signature_of
from .journal import ChangeJournal

COMMIT_FILE = "commit.log"
HEADER = b"sstc-commit"
APPLIED = b"applied\n"
#: Records the log holds before a checkpoint: each checkpoint costs a few fsyncs (the journal,
#: the folders renamed into, the log), so 32 makes it a small share of a save, while a redo after
#: a crash stays a few dozen cheap steps.
CHECKPOINT_RECORDS = 32


def temporary_name(target: Path) -> Path:
    """Where a file is staged: beside its target, named so a sweep knows the writer's process."""
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def stage_file(target: Path, payload: bytes) -> tuple[Path, Signature]:
    """Write ``payload`` durably under a temporary name beside ``target``; returns the temporary
    path and the signature the target will have once renamed (a rename keeps inode and mtime)."""
    temp = temporary_name(target)
    try:
        ensure_folder(target.parent)
        with open(temp, "xb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
            signature = Signature.of(os.fstat(handle.fileno()))
    except OSError as error:
        discard([temp])
        raise StoreError(f"Could not write {target}: {error.strerror or error}. Nothing was saved; free "
                         "some disk space (or fix the folder's permissions) and try again.") from error
    return temp, signature


def discard(paths: list[Path]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


class Record(NamedTuple):
    """One committed unit as the log holds it: checked against its checksum, decoded on demand
    (finding where the log ends, on every save, needs no decoding)."""

    content: bytes
    applied: bool
    end: int  # where the next record goes

    def decoded(self, root: Path) -> tuple[list[tuple[Path, Path]], tuple[int, bytes] | None]:
        """The renames (temporary, target) and the journal lines (offset, bytes) or None."""
        try:
            record = json.loads(self.content)
            renames = [(root / temp, root / target) for temp, target in record["renames"]]
            journal = record["journal"]
            return renames, None if journal is None else (int(journal["offset"]), journal["payload"].encode("utf-8"))
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(f"The commit log {root / COMMIT_FILE} holds a record that passes its checksum but "
                             f"cannot be read ({error}); restore the database from a backup.") from None


class CommitRecord:
    """The commit log of a database folder: records appended, carried out, checkpointed away."""

    def __init__(self, root: Path, journal: ChangeJournal):
        self.root = Path(root)
        self.path = self.root / COMMIT_FILE
        self.journal = journal
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

    def commit(self, renames: list[tuple[Path, Path]], journal_offset: int | None = None,
               journal_payload: bytes = b"") -> None:
        """Append the record (the commit point), then carry it out. Before the record is written a
        failure discards the staged files and raises: nothing changed. Call with the write lock
        held and nothing pending (``carry_out`` first)."""
        content = json.dumps({"renames": [[self._relative(temp), self._relative(target)] for temp, target in renames],
                              "journal": None if journal_offset is None else
                              {"offset": journal_offset, "payload": journal_payload.decode("utf-8")}},
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
        if journal_offset is not None:
            try:
                self.journal.write_at(journal_offset, journal_payload)
            except StoreError as error:
                # Nothing is in place yet, so the unit can still be undone rather than redone.
                self.journal.cut_at(journal_offset)
                self._cut(start)
                discard([temp for temp, _ in renames])
                raise StoreError(f"Could not write {self.journal.path}: {error.__cause__ or error}. Nothing "
                                 "was saved; free some disk space and try again.") from error
        self._rename(renames)
        self._mark_applied(start + len(record), count + 1)

    def carry_out(self) -> None:
        """Redo every record in the log (what is already in place is left alone), then checkpoint."""
        decoded = [record.decoded(self.root) for record in self._records()]
        journal = [lines for _, lines in decoded if lines is not None]
        if journal:
            offset, payload = journal[0][0], b""
            for at, lines in journal:
                if at != offset + len(payload):
                    raise StoreError(f"The commit log {self.path} holds journal lines that do not follow on "
                                     "from each other; restore the database from a backup.")
                payload += lines
            self.journal.write_at(offset, payload)
        # Only the last staged file for a target goes in; an earlier one still there was
        # overtaken (its rename was undone by a power cut after the later one's was not).
        renames = [rename for found, _ in decoded for rename in found]
        last = {target: temp for temp, target in renames}
        discard([temp for temp, target in renames if last[target] != temp])
        self._rename([(temp, target) for target, temp in last.items()])
        self.checkpoint()
        self._redone = True

    def checkpoint(self) -> None:
        """Make what the log's records did durable by itself, then empty the log (see above)."""
        decoded = [record.decoded(self.root) for record in self._records()]
        if any(lines is not None for _, lines in decoded):
            self.journal.sync()
        try:
            for folder in sorted({target.parent for renames, _ in decoded for _, target in renames}):
                if folder.exists():
                    fsync_folder(folder)
        except OSError as error:
            raise StoreError(f"A saved change could not be made durable ({error.strerror or error}); it will be "
                             f"when the database {self.root} is next opened.") from error
        self._empty()

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
        with open(self.path, "r+b" if not created else "wb") as handle:
            handle.seek(start)
            handle.write(record)
            if handle.seek(0, os.SEEK_END) != start + len(record):
                handle.truncate(start + len(record))
            handle.flush()
            os.fsync(handle.fileno())
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

    def _rename(self, renames: list[tuple[Path, Path]]) -> None:
        try:
            for temp, target in renames:
                if os.path.lexists(temp):
                    ensure_folder(target.parent)
                    os.replace(temp, target)
        except OSError as error:
            raise StoreError(f"A saved change could not be completed ({error.strerror or error}); it will be "
                             f"completed when the database {self.root} is next opened.") from error

    def _cut(self, position: int) -> None:
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(position)
        except FileNotFoundError:
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
