"""Checking a whole PostgreSQL database against its own hashes: verify.py's checks, streamed.

The same questions as for a folder, asked of the tables: every record's versions numbered 1, 2, 3 …
with hashes that chain (verify.py's ``check_versions``, one record at a time as a server-side
cursor brings them, so the archive never sits in memory); seq 1 … N without gaps
(``check_seq``); the store-wide chain recomputed in seq order against every row's ``chain`` and
the ``sstc_chain`` row; the derived tables (heads, names) against the versions; every attachment's
content against its hash, and every attachment a version names present.

The database refuses to change a version, so a finding here means someone disabled its triggers,
or the disk failed. Repair rebuilds only what is derived — heads, names, the chain row — in one
transaction; never a version.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Iterator

import psycopg

from ..journal import chain_link
from ..versions import json_copy
from ..verify import ERROR, WARNING, Finding, Report, check_seq, check_versions
from .rows import VERSION_COLUMNS, as_json, document_of

RESTORE = ("restore the database from a backup into an empty database (`python -m sstc_docs restore "
           "BACKUP.json`)")
REPAIR = "run `verify --repair` to rebuild it from the versions; listings are rebuilt from them"
BATCH = 2000


def verify_database(conn: psycopg.Connection, summarize: Callable[[str, dict], dict],
                    fingerprint: str) -> Report:
    """Every check, inside the caller's (repeatable-read) transaction: one moment of the database."""
    findings: list[Finding] = []
    versions = records = 0
    for (kind, record_id), documents in _records(conn):
        findings += check_versions({(kind, record_id): documents}, {(kind, record_id): "sstc_versions"},
                                   RESTORE)
        versions, records = versions + len(documents), records + 1
    seqs = (seq for (seq,) in conn.execute("SELECT seq FROM sstc_versions ORDER BY seq"))
    findings += [Finding(f.severity, "sstc_versions", f.record, f.problem, RESTORE) for f in check_seq(seqs)]
    chain_findings, head = _chain(conn)
    findings += chain_findings
    findings += _derived(conn, summarize, fingerprint)
    blob_findings, attachments = _blobs(conn)
    findings += blob_findings
    return Report(findings, versions, records, attachments, head)


def repair_derived(conn: psycopg.Connection, summarize: Callable[[str, dict], dict], fingerprint: str) -> None:
    """Rebuild heads, names and the chain row from the versions, inside the caller's transaction
    (which holds the chain lock: no unit commits meanwhile)."""
    conn.execute("DELETE FROM sstc_heads")
    conn.execute("DELETE FROM sstc_names")
    with conn.cursor(name="sstc_repair_heads") as newest, conn.cursor() as cursor:
        newest.execute("SELECT DISTINCT ON (kind, id) kind, id, version, deleted, author, recorded_at, why, "
                       "effective_from, seq, hash, data FROM sstc_versions ORDER BY kind, id, version DESC")
        while rows := newest.fetchmany(BATCH):
            cursor.executemany("INSERT INTO sstc_heads (kind, id, version, deleted, author, recorded_at, why, "
                               "effective_from, seq, hash, summarizer, summary) VALUES (%s, %s, %s, %s, %s, %s, %s, "
                               "%s, %s, %s, %s, %s)",
                               [(*row[:10], fingerprint, as_json(summarize(row[0], row[10]))) for row in rows])
    conn.execute("INSERT INTO sstc_names (what, name) SELECT DISTINCT 'author', author FROM sstc_versions "
                 "UNION SELECT DISTINCT 'kind', kind FROM sstc_versions")
    conn.execute("UPDATE sstc_chain SET seq = coalesce(last.seq, 0), chain = coalesce(last.chain, '') FROM "
                 "(SELECT max(seq) AS seq FROM sstc_versions) top LEFT JOIN sstc_versions last ON last.seq = top.seq")


def _records(conn: psycopg.Connection) -> Iterator[tuple[tuple[str, str], list[dict]]]:
    """Each record's versions, oldest first, one record at a time."""
    with conn.cursor(name="sstc_verify_records") as cursor:
        cursor.itersize = BATCH
        cursor.execute(f"SELECT {VERSION_COLUMNS} FROM sstc_versions ORDER BY kind, id, version")
        key, documents = None, []
        for row in cursor:
            document = document_of(row)
            if (document["kind"], document["id"]) != key:
                if documents:
                    yield key, documents
                key, documents = (document["kind"], document["id"]), []
            documents.append(document)
        if documents:
            yield key, documents


def _chain(conn: psycopg.Connection) -> tuple[list[Finding], str]:
    """The store-wide chain recomputed in seq order, against each row and the chain row."""
    chain, findings = "", []
    with conn.cursor(name="sstc_verify_chain") as cursor:
        cursor.itersize = BATCH * 5
        cursor.execute("SELECT kind, id, version, hash, chain FROM sstc_versions ORDER BY seq")
        for kind, record_id, number, version_hash, stored in cursor:
            chain = chain_link(chain, version_hash)
            if stored != chain:
                findings.append(Finding(ERROR, "sstc_versions", f"{kind} {record_id} v{number}", "breaks the "
                                        "store-wide chain: a version before it was edited or removed", RESTORE))
                break
    if not findings:
        last = conn.execute("SELECT chain FROM sstc_chain").fetchone()
        if last is None or last[0] != chain:
            findings.append(Finding(WARNING, "sstc_chain", "", "the newest seq and chain disagree with the versions",
                                    REPAIR))
    return findings, chain


def _derived(conn: psycopg.Connection, summarize: Callable[[str, dict], dict], fingerprint: str) -> list[Finding]:
    """Heads (version, hash, summary) and names against the versions: caches, never believed."""
    findings = []
    with conn.cursor(name="sstc_verify_heads") as cursor:
        cursor.itersize = BATCH
        cursor.execute("SELECT v.kind, v.id, h.version IS DISTINCT FROM v.version OR h.hash IS DISTINCT FROM v.hash "
                       "OR h.seq IS DISTINCT FROM v.seq OR h.deleted IS DISTINCT FROM v.deleted, "
                       "h.summarizer = %s, h.summary, v.data FROM (SELECT DISTINCT ON (kind, id) kind, id, version, "
                       "hash, seq, deleted, data FROM sstc_versions ORDER BY kind, id, version DESC) v "
                       "LEFT JOIN sstc_heads h ON h.kind = v.kind AND h.id = v.id", (fingerprint,))
        for kind, record_id, differs, ours, summary, data in cursor:
            if differs or (ours and summary != json_copy(summarize(kind, data))):
                findings.append(Finding(WARNING, "sstc_heads", f"{kind} {record_id}", "the heads table disagrees "
                                        "with the versions (edited by hand, or stale)", REPAIR))
                break
    extra = conn.execute("SELECT count(*) FROM sstc_heads h WHERE NOT EXISTS (SELECT FROM sstc_versions v "
                         "WHERE v.kind = h.kind AND v.id = h.id)").fetchone()[0]
    if extra:
        findings.append(Finding(WARNING, "sstc_heads", "", f"{extra} head(s) name records without versions", REPAIR))
    missing = conn.execute("SELECT count(*) FROM (SELECT DISTINCT 'author' AS what, author AS name FROM sstc_versions "
                           "UNION SELECT DISTINCT 'kind', kind FROM sstc_versions) n WHERE NOT EXISTS "
                           "(SELECT FROM sstc_names s WHERE s.what = n.what AND s.name = n.name)").fetchone()[0]
    if missing:
        findings.append(Finding(WARNING, "sstc_names", "", f"{missing} author(s) or kind(s) are missing", REPAIR))
    return findings


def _blobs(conn: psycopg.Connection) -> tuple[list[Finding], int]:
    """Every attachment against its hash, and every attachment a version names, present."""
    findings, count = [], 0
    with conn.cursor(name="sstc_verify_blobs", binary=True) as cursor:
        cursor.itersize = 20
        cursor.execute("SELECT sha, data FROM sstc_blobs ORDER BY sha")
        for sha, data in cursor:
            count += 1
            if hashlib.sha256(data).hexdigest() != sha:
                findings.append(Finding(ERROR, f"sstc_blobs/{sha}", "", "is damaged: its content no longer matches "
                                        "its hash", "attach the original file again (it repairs the copy), or "
                                        "restore from a backup"))
    for sha, kind, record_id, number in conn.execute(
            "SELECT DISTINCT ON (sha) sha, kind, id, version FROM (SELECT data->'attachment'->>'sha256' AS sha, kind, "
            "id, version FROM sstc_versions WHERE json_typeof(data->'attachment') = 'object') named WHERE sha IS NOT "
            "NULL AND NOT EXISTS (SELECT FROM sstc_blobs b WHERE b.sha = named.sha) ORDER BY sha, kind, id, version"):
        findings.append(Finding(ERROR, f"sstc_blobs/{sha}", f"{kind} {record_id} v{number}", "the attachment it "
                                "names is missing", "attach the original file again, or restore from a backup"))
    return findings, count
