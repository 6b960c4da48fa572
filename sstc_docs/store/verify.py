"""Checking a whole embedded database against its own hashes: the store's ``fsck``.

What is checked, and why each check exists:

* every data file reads, and every version in it is whole, in the right file, and numbered
  1, 2, 3 … for its record;
* every version's hash matches its content and the hash of the version before it — an edited
  version (content, author, time) breaks its own hash, a removed middle version the next one's;
* the ``seq`` numbers of all versions are 1 … N without gaps — a removed latest version or a
  removed record leaves a gap;
* the journal's lines are 1 … N in order, its chain recomputes, and lines and versions match one
  to one — a version removed from a data file still has its line, a line removed breaks the chain;
* the heads catalog agrees with the data (it is only a cache: a disagreement is rebuilt, never
  believed);
* every attachment's content matches its name, and every attachment a record names is there.

Each finding names the file, the record and what to do. Git's ``fsck`` and SQLite's
``PRAGMA integrity_check`` are the models: report everything, change nothing unless asked.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..errors import StoreError
from .journal import chain_link
from .shards import SHARD_FILE, shard_number
from .versions import version_hash, version_problem

ERROR, WARNING = "error", "warning"
RESTORE = "restore the database from a backup into an empty folder (`python -m sstc_docs restore BACKUP.json`)"


def backup_refused(damage: list["Finding"]) -> StoreError:
    """Why no backup was written, in both engines' words: a backup of a database that fails its
    checks would carry the damage on (damaged attachments alone are left out instead)."""
    shown = "\n".join(f"  - {f}" for f in damage[:20])
    return StoreError(f"No backup was written: the database fails its checks, and a backup of it would carry the "
                      f"damage on. {len(damage)} problem(s):\n{shown}")


@dataclass(frozen=True)
class Finding:
    severity: str   # error: the record cannot be trusted as it is; warning: a cache or a legacy version
    file: str       # relative to the database folder
    record: str     # "kind id vN", or "" for the whole file
    problem: str
    fix: str

    def to_json(self) -> dict:
        return {"severity": self.severity, "file": self.file, "record": self.record, "problem": self.problem,
                "fix": self.fix}

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}: " if self.record else f"{self.file}: "
        return f"{self.severity}: {where}{self.problem} — {self.fix}"


@dataclass
class Report:
    findings: list[Finding]
    versions: int
    records: int
    attachments: int
    head: str        # the journal's last chain value: write it down to compare later

    @property
    def ok(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    def to_json(self) -> dict:
        return {"ok": self.ok, "versions": self.versions, "records": self.records, "attachments": self.attachments,
                "chain_head": self.head, "findings": [f.to_json() for f in self.findings]}


def check_versions(documents: dict[tuple[str, str], list[dict]], where: dict[tuple, str],
                   remedy: str) -> list[Finding]:
    """Numbering, based-on, times and the hash chain of every record's versions; ``remedy`` is
    what to do about a damaged one, in the engine's words (a folder's RESTORE, or a database's)."""
    findings = []
    for (kind, record_id), versions in sorted(documents.items()):
        versions.sort(key=lambda d: d["version"])
        numbers = [d["version"] for d in versions]
        file = where.get((kind, record_id), "")
        if numbers != list(range(1, len(numbers) + 1)):
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            findings.append(Finding(ERROR, file, f"{kind} {record_id}", f"has versions {numbers[:12]}: version(s) "
                                    f"{missing[:12] or 'repeated'} missing or doubled", remedy))
        previous_hash, previous_time = "", ""
        for document in versions:
            label = f"{kind} {record_id} v{document['version']}"
            if not document.get("hash"):
                findings.append(Finding(WARNING, file, label, "was recorded before versions carried hashes",
                                        "back it up and restore it to give it its hash"))
                previous_hash, previous_time = "", document["recorded_at"]
                continue
            if version_hash(document, previous_hash) != document["hash"]:
                findings.append(Finding(ERROR, file, label, "its content or metadata (author, time, reason) is not "
                                        "what was recorded: the hash does not match", remedy))
            if document["recorded_at"] <= previous_time:
                findings.append(Finding(ERROR, file, label, "is recorded before the version it follows", remedy))
            if document["version"] > 1 and document["based_on"] not in (None, document["version"] - 1):
                findings.append(Finding(ERROR, file, label, f"claims to be based on v{document['based_on']}", remedy))
            previous_hash, previous_time = document["hash"], document["recorded_at"]
    return findings


class VersionTally:
    """An order-free digest of a collection of versions, each as (kind, id, version, seq, hash).

    Why: the data files are read a file at a time and the journal in seq order, and both must
    hold exactly the same versions. Matching them line by line needs a table of every version
    (some 140 MB at the design point, and a backup verifies first); their tallies compared need
    two numbers. Each version adds its 512-bit BLAKE2b digest, modulo 2**512 (a multiset hash:
    the order does not matter, and a version held twice counts twice), so equal tallies of
    different collections would take a hash collision. Unequal tallies do not say which version
    differs: the exact check, with the table, then runs to name it."""

    _MODULUS = 1 << 512

    def __init__(self) -> None:
        self.total = 0
        self.count = 0

    def add(self, kind: Any, record_id: Any, version: Any, seq: Any, hash: Any) -> None:
        described = repr((kind, record_id, version, seq, hash)).encode("utf-8", "backslashreplace")
        self.total = (self.total + int.from_bytes(hashlib.blake2b(described).digest(), "big")) % self._MODULUS
        self.count += 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VersionTally) and (self.total, self.count) == (other.total, other.count)

    __hash__ = None  # type: ignore[assignment]  # mutable


@dataclass
class JournalCheck:
    findings: list[Finding]
    head: str             # the chain value of the last line read in order
    tally: VersionTally   # of the lines read in order, up to the first that is out of place


def check_journal(lines: Iterable[dict | None], stored: dict[tuple[str, str, int], tuple[Any, Any]] | None
                  ) -> JournalCheck:
    """The journal: one line per version, in seq order, chained. ``lines`` are read as they come
    (None for a line that cannot be read). Against ``stored``, each version's (seq, hash) by
    (kind, id, version), every line is matched with its version; without it (None) only the
    lines themselves are checked, and the tally of what they record is for the caller to
    compare with the data's (``VersionTally``)."""
    findings, chain, tally = [], "", VersionTally()
    journal = "changes.jsonl"
    seen, torn, position, broken = set(), 0, 0, False
    for line in lines:
        if line is None:
            torn += 1
            continue
        position += 1
        if broken:
            continue  # still counting the lines that cannot be read
        key = (line.get("kind"), line.get("id"), line.get("version"))
        label = f"{key[0]} {key[1]} v{key[2]}"
        if line.get("seq") != position:
            findings.append(Finding(ERROR, journal, label, f"is line {position} but says seq {line.get('seq')}: "
                                    "lines were removed, added or reordered", RESTORE))
            broken = True
            continue
        chain = chain_link(chain, str(line.get("hash")))
        if line.get("chain") != chain:
            findings.append(Finding(ERROR, journal, label, "breaks the chain: an earlier line was edited or removed",
                                    RESTORE))
            broken = True
            continue
        tally.add(*key, line.get("seq"), line.get("hash"))
        if stored is None:
            continue
        version = stored.get(key)
        if version is None:
            findings.append(Finding(ERROR, journal, label, "was recorded, but no data file holds it any more: a "
                                    "version or a whole record was removed", RESTORE))
        elif version[1] != line.get("hash"):
            findings.append(Finding(ERROR, journal, label, "differs from the version in the data file", RESTORE))
        seen.add(key)
    if torn:
        findings.insert(0, Finding(ERROR, journal, "", f"{torn} line(s) cannot be read", "run `verify --repair` "
                                   "to rebuild the journal from the data files (the chain is then anchored anew)"))
    first_unrecorded = min(((version[0] or 0, key) for key, version in (stored or {}).items()
                            if key not in seen and version[1]), default=None)
    if first_unrecorded is not None:
        key = first_unrecorded[1]
        findings.append(Finding(ERROR, journal, f"{key[0]} {key[1]} v{key[2]}", "is in a data file but not in "
                                "the journal: added by hand, or the journal was cut", RESTORE))
    return JournalCheck(findings, chain, tally)


def check_seq(seqs: Iterable[int | None]) -> list[Finding]:
    """The versions' seq numbers, in ascending order (None or 0 for a version recorded before they
    existed), are 1 … N: read as they come, the gaps named are the first ten."""
    expected, gaps, whole = 1, [], True
    for seq in seqs:
        if not seq:
            continue
        if seq != expected:
            whole = False
            gaps += range(expected, seq)[:10 - len(gaps)]  # none for a seq met twice
        expected = max(expected, seq + 1)
    if whole:
        return []
    if not gaps:
        return [Finding(ERROR, "shards/", "", "two versions carry the same seq number: a version was copied by hand",
                        RESTORE)]
    return [Finding(ERROR, "shards/", "", f"the versions' sequence has gaps ({gaps}): a recorded version "
                    "is no longer in any data file", RESTORE)]


def check_shard_file(path: Path, relative: str, kind: str, count: int) -> tuple[list[dict], list[Finding]]:
    """One data file: readable, TinyDB-shaped, every version whole and in the file its id hashes to."""
    try:
        content = json.loads(path.read_bytes())
        table = content["versions"]
        documents = list(table.values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return [], [Finding(ERROR, relative, "", f"cannot be read ({type(error).__name__})", RESTORE)]
    number = int(SHARD_FILE.match(path.name).group(1))
    good, findings = [], []
    for document in documents:
        problem = version_problem({"seq": 0, "hash": "0" * 64, **document}) if isinstance(document, dict) else \
            "a version must be a JSON object"
        if problem:
            findings.append(Finding(ERROR, relative, "", f"holds a damaged version: {problem}", RESTORE))
            continue
        if document["kind"] != kind or shard_number(document["id"], count) != number:
            findings.append(Finding(ERROR, relative, f"{document['kind']} {document['id']}",
                                    "is in the wrong data file (moved by hand)", RESTORE))
            continue
        good.append(document)
    return good, findings


def check_blob(path: Path, sha: str) -> Finding | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        return Finding(ERROR, f"blobs/{sha[:2]}/{sha[2:]}", "", f"cannot be read ({error.strerror})",
                       "attach the original file again (it repairs the copy), or restore from a backup")
    if digest.hexdigest() != sha:
        return Finding(ERROR, f"blobs/{sha[:2]}/{sha[2:]}", "", "is damaged: its content no longer matches its name",
                       "attach the original file again (it repairs the copy), or restore from a backup")
    return None
