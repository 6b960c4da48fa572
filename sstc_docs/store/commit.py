"""How a unit of work reaches the disk all or nothing: staged files, one commit record, renames.

Why: a unit may touch several shard files and the journal. Each file is replaced atomically, but
several replacements are not. So:

1. every new file is written beside its target under a temporary name and fsynced;
2. one small commit record (``<db>/commit.json``) lists the renames and the journal lines with
   the offset they go at, and is itself written atomically — this is the moment of commit;
3. the journal lines are written at their offset, the files renamed into place;
4. the record is removed.

A crash or a full disk before step 2 leaves only temporary files: nothing changed (they are swept
up later). A full disk in step 3's journal write, before any rename, undoes the unit (the journal
is cut back, the record removed). After step 2 a crash is redone: whoever opens the database next
— a reader included — carries the record out to the end; every step is idempotent. Renames need
no free space, so once the journal is written nothing can stop the unit. A restore uses the same record to swap a whole staged database in.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from ..errors import StoreError
from .atomic import Signature, atomic_write_bytes, ensure_folder, fsync_folder
from .journal import ChangeJournal

COMMIT_FILE = "commit.json"


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
    """The one commit record of a database folder: written, carried out, removed."""

    def __init__(self, root: Path, journal: ChangeJournal):
        self.root = Path(root)
        self.path = self.root / COMMIT_FILE
        self.journal = journal

    def pending(self) -> bool:
        """One ``stat``: cheap enough to ask before every read."""
        return self.path.exists()

    def commit(self, renames: list[tuple[Path, Path]], journal_offset: int | None = None,
               journal_payload: bytes = b"") -> None:
        """Write the record (the commit point), then carry it out. Before the record is written a
        failure discards the staged files and raises: nothing changed."""
        content = {"renames": [[self._relative(temp), self._relative(target)] for temp, target in renames],
                   "journal": None if journal_offset is None else
                   {"offset": journal_offset, "payload": journal_payload.decode("utf-8")}}
        try:
            atomic_write_bytes(self.path, json.dumps(content, ensure_ascii=False).encode("utf-8"))
        except StoreError:
            discard([temp for temp, _ in renames])
            raise
        if journal_offset is not None:
            try:
                self.journal.write_at(journal_offset, journal_payload)
            except StoreError as error:
                # Nothing is in place yet, so the unit can still be undone rather than redone.
                self.journal.cut_at(journal_offset)
                discard([self.path, *(temp for temp, _ in renames)])
                raise StoreError(f"Could not write {self.journal.path}: {error.__cause__ or error}. Nothing "
                                 "was saved; free some disk space and try again.") from error
        self.carry_out()

    def carry_out(self) -> None:
        """Finish a committed unit: journal lines at their offset, renames, then remove the record."""
        try:
            content = json.loads(self.path.read_bytes())
            renames = [(self.root / temp, self.root / target) for temp, target in content["renames"]]
            journal = content["journal"]
        except FileNotFoundError:
            return
        except (ValueError, KeyError, TypeError) as error:
            raise StoreError(f"The commit record {self.path} is damaged ({error}); it was written atomically, "
                             "so this is not a crash. Restore the database from a backup.") from None
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
            os.unlink(self.path)
        except OSError as error:
            raise StoreError(f"A saved change could not be completed ({error.strerror or error}); it will be "
                             f"completed when the database {self.root} is next opened.") from error
        fsync_folder(self.root)

    def _relative(self, path: Path) -> str:
        """Paths inside the database folder, so a copied or moved folder still recovers."""
        return str(Path(path).relative_to(self.root))
