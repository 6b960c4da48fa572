"""``copy --from SOURCE --to TARGET``: a whole database into an empty one, between engines.

Why through a backup file: it is the one form both engines write, streaming (the embedded engine
shard by shard, PostgreSQL through server-side cursors), and it carries every version exactly —
seq, hash and times included — so the copy is the same history, not a re-saving of it. The file
lives in a temporary folder and is gone afterwards.

The versions and attachments then stream from the file into the target's ``load`` (PostgreSQL
takes them in batches; the embedded engine sorts the versions into its files).

Verified, not trusted: the target is backed up in turn and both files are summed up — how many
versions and attachments, and one digest over every version (each in canonical JSON, so key order
and line order do not matter) and every attachment's content. The copy is reported done only if
the two agree.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Iterator, NamedTuple

from ..errors import StoreError, ValidationError
from ..services import Services, open_services
from ..store import is_postgres_url
from ..store.backup import FORMAT, FORMAT_VERSION
from ..store.versions import canonical_json

DIGEST_MODULUS = 1 << 256


def register(commands) -> None:
    copy = commands.add_parser("copy", help="copy a whole database into an empty one (a folder or a "
                               "postgresql:// URL, either way) and verify the copy")
    copy.add_argument("--from", dest="source", required=True, metavar="SOURCE", help="database folder or URL to copy")
    copy.add_argument("--to", dest="target", required=True, metavar="TARGET", help="empty database folder or URL")
    copy.set_defaults(handler=run_copy)


def run_copy(args) -> int:
    if not is_postgres_url(args.source) and not Path(args.source).is_dir():
        raise ValidationError(f"there is no database folder {args.source}", field="from")
    if args.source == args.target:
        raise ValidationError("the source and the target are the same database", field="to")
    source = open_services(args.source)
    try:
        target = open_services(args.target)
        try:
            summary = copy_database(source, target)
        finally:
            target.close()
    finally:
        source.close()
    print(f"copied {summary.versions} version(s) and {summary.blobs} attachment(s) from {_shown(source)} to "
          f"{_shown(target)}; the copy's backup matches the source's (digest {summary.digest[:16]}…)", file=sys.stderr)
    return 0


def _shown(services: Services) -> str:
    """A folder by its path, a database by its URL without the password."""
    return str(getattr(services.store, "where", None) or services.store.path)


class Summary(NamedTuple):
    """What a backup file holds, in a form two files can be compared by."""

    versions: int
    blobs: int
    digest: str


def copy_database(source: Services, target: Services) -> Summary:
    """Copy everything from ``source`` into the empty ``target``; StoreError if the target is not
    empty or the copy does not match."""
    if target.store.last_seq() != 0:
        raise StoreError("The target database is not empty; copy only into a new, empty database (a new "
                         "folder, or a newly created PostgreSQL database).")
    with tempfile.TemporaryDirectory(prefix="sstc-copy-") as work:
        exported, copied = Path(work) / "source.json", Path(work) / "copy.json"
        source.store.backup(exported)
        target.store.load(backup_versions(exported), backup_blobs(exported))
        target.store.backup(copied)
        expected, found = summarize_backup(exported), summarize_backup(copied)
    if found != expected:
        raise StoreError(f"The copy does not match its source: the source holds {expected.versions} version(s) "
                         f"and {expected.blobs} attachment(s), the copy {found.versions} and {found.blobs}"
                         f"{'' if found[:2] != expected[:2] else ' with different content'}. Do not use the "
                         "copy; empty it and run the copy again.")
    return expected


def summarize_backup(path: Path) -> Summary:
    """Counts and one order-independent digest (a sum of SHA-256s) of a backup file, streaming."""
    total = versions = blobs = 0
    for document in backup_versions(path):
        total += int.from_bytes(hashlib.sha256(canonical_json(document)).digest(), "big")
        versions += 1
    for sha, data in backup_blobs(path):
        total += int.from_bytes(hashlib.sha256(b"blob:" + data).digest(), "big")
        blobs += 1
    return Summary(versions, blobs, f"{total % DIGEST_MODULUS:064x}")


# -- reading a backup file as this program writes it, a line at a time -------------------------------
def backup_versions(path: Path) -> Iterator[dict]:
    """The versions of a backup written by ``write_backup``: one JSON object per line."""
    lines = _lines(path)
    header = next(lines, b"")
    if not header.startswith(b'{"format":' + json.dumps(FORMAT).encode() + b',"format_version":'
                             + str(FORMAT_VERSION).encode() + b",") or next(lines, b"") != b'"versions":[':
        raise _not_laid_out(path)
    for line in lines:
        if line == b"],":
            return
        yield json.loads(line.removesuffix(b","))
    raise _not_laid_out(path)


def backup_blobs(path: Path) -> Iterator[tuple[str, bytes]]:
    """The attachments of such a backup: one ``"sha":"base64"`` pair per line, after the versions."""
    lines = _lines(path)
    for line in lines:
        if line == b'"blobs":{':
            break
    for line in lines:
        if line == b"}}":
            return
        ((sha, text),) = json.loads(b"{" + line.removesuffix(b",") + b"}").items()
        yield sha, base64.b64decode(text, validate=True)
    raise _not_laid_out(path)


def _lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        for line in handle:
            yield line.rstrip(b"\n")


def _not_laid_out(path: Path) -> StoreError:
    return StoreError(f"{path} is not laid out as sstc-docs writes its backups (one version per line); "
                      "nothing was copied.")
