"""How a unit of work reaches the disk all or nothing: staged files, one commit record, renames.

Why: a unit may touch several shard files and the journal. Each file is replaced atomically, but
several replacements are not. So:

1. every new file is written beside its target under a temporary name and fsynced;
2. one small commit record lists the renames and the journal lines with the offset they go at,
   written into ``<db>/commit.log`` with its length and SHA-256 and fsynced — the moment of
   commit (a record torn by a crash fails its checksum and counts as never written);
3. the journal lines are written at their offset, the files renamed into place;
4. the log is emptied.

Why one log file that stays, rather than a new file per commit: a file that already exists is
made durable by one fsync of itself, where a new file, its rename and its removal each need the
folder fsynced too — on a busy disk that was half the cost of a save.

A crash or a full disk before step 2 leaves only temporary files: nothing changed (they are swept
up later). A full disk in step 3's journal write, before any rename, undoes the unit (the journal
is cut back, the record removed). After step 2 a crash is redone: whoever opens the database next
— a reader included — carries the record out to the end; every step is idempotent. Renames need
no free space, so once the journal is written nothing can stop the unit. A restore uses the same record to swap a whole staged database in.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

from ..errors import StoreError
from .atomic import Signature, ensure_folder, fsync_folder
from .journal import ChangeJournal

COMMIT_FILE = "commit.log"
HEADER = b"sstc-commit"


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


class CommitRecord:
    """The commit log of a database folder: written, carried out, emptied."""

    def __init__(self, root: Path, journal: ChangeJournal):
        self.root = Path(root)
        self.path = self.root / COMMIT_FILE
        self.journal = journal

    def pending(self) -> bool:
        """One ``stat``: cheap enough to ask before every read."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def commit(self, renames: list[tuple[Path, Path]], journal_offset: int | None = None,
               journal_payload: bytes = b"") -> None:
        """Write the record (the commit point), then carry it out. Before the record is written a
        failure discards the staged files and raises: nothing changed."""
        content = json.dumps({"renames": [[self._relative(temp), self._relative(target)] for temp, target in renames],
                              "journal": None if journal_offset is None else
                              {"offset": journal_offset, "payload": journal_payload.decode("utf-8")}},
                             ensure_ascii=False).encode("utf-8")
        record = b"%s %d %s\n%s" % (HEADER, len(content), hashlib.sha256(content).hexdigest().encode(), content)
        try:
            self._write(record)
        except OSError as error:
            self._empty()
            discard([temp for temp, _ in renames])
            raise StoreError(f"Could not write {self.path}: {error.strerror or error}. Nothing was saved; free "
                             "some disk space (or fix the folder's permissions) and try again.") from error
        if journal_offset is not None:
            try:
                self.journal.write_at(journal_offset, journal_payload)
            except StoreError as error:
                # Nothing is in place yet, so the unit can still be undone rather than redone.
                self.journal.cut_at(journal_offset)
                self._empty()
                discard([temp for temp, _ in renames])
                raise StoreError(f"Could not write {self.journal.path}: {error.__cause__ or error}. Nothing "
                                 "was saved; free some disk space and try again.") from error
        self.carry_out()

    def carry_out(self) -> None:
        """Finish a committed unit: journal lines at their offset, renames, then empty the log."""
        content = self._read()
        if content is None:
            return
        try:
            record = json.loads(content)
            renames = [(self.root / temp, self.root / target) for temp, target in record["renames"]]
            journal = record["journal"]
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(f"The commit log {self.path} holds a record that passes its checksum but cannot be "
                             f"read ({error}); restore the database from a backup.") from None
        if journal is not None:
            self.journal.write_at(journal["offset"], journal["payload"].encode("utf-8"))
        folders = set()
        try:
            for temp, target in renames:
                if os.path.lexists(temp):
                    ensure_folder(target.parent)
                    os.replace(temp, target)
                    folders.add(target.parent)
            for folder in folders:
                fsync_folder(folder)
        except OSError as error:
            raise StoreError(f"A saved change could not be completed ({error.strerror or error}); it will be "
                             f"completed when the database {self.root} is next opened.") from error
        # No fsync after this: a record that comes back after a power cut is carried out again,
        # and every step above finds its work already done.
        self._empty()

    def _write(self, record: bytes) -> None:
        created = not self.path.exists()
        with open(self.path, "r+b" if not created else "wb") as handle:
            handle.write(record)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            fsync_folder(self.root)

    def _read(self) -> bytes | None:
        """The committed record, or None: no record, or one torn before it was whole (never committed)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        head, _, content = raw.partition(b"\n")
        parts = head.split(b" ")
        if (len(parts) != 3 or parts[0] != HEADER or not parts[1].isdigit() or len(content) != int(parts[1])
                or hashlib.sha256(content).hexdigest().encode() != parts[2]):
            if raw:
                self._empty()  # torn while being written: the unit never committed
            return None
        return content

    def _empty(self) -> None:
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(0)
        except FileNotFoundError:
            pass

    def _relative(self, path: Path) -> str:
        """Paths inside the database folder, so a copied or moved folder still recovers."""
        return str(Path(path).relative_to(self.root))
