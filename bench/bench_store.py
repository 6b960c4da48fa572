"""The store beside SQLite, on the same archive in the same run: save, read, history, list, cold open.

The archive (bench/archive.py; scale 1.0 = the design point: 10,000 papers with 50,000 versions,
100,000 evidence records, 2,000 indicators, 5,000 decisions, 10 strategies) is written as a
backup and restored, so the store holds records the app accepts. SQLite (the standard library's sqlite3) is the
yardstick an engineer would pick instead: one table of versions with the same fields and primary
key (kind, id, version), WAL, ``synchronous=FULL`` (the store fsyncs every save too), and a save
that hashes and chains the version as the store does. Goal: the store within 3x of SQLite on save,
read and history at the design point.

What is measured, honestly:
- every operation on a record chosen at random from the whole archive, each time (no warm record);
- saves: new random valid data for random records of every kind, enough of them that the periodic
  catalog rewrite (a kind's catalog is rewritten once a quarter of its shards changed) happens
  inside the measured saves; median, mean, 99th percentile and the rewrites counted are printed;
- cold open in a fresh process (``python -c``: open, load every kind's heads index), timed inside the
  process and as the whole process; then the same after the folder was copied (shutil.copytree,
  then flushed to disk).

    python bench/bench_store.py                       # 10% of the design point (make bench)
    python bench/bench_store.py --scale 1             # the design point (about 15 minutes)
    python bench/bench_store.py --engine postgresql   # PostgreSQL too (a throwaway server)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # pg_server.py

from archive import Archive  # noqa: E402

from sstc_docs.domain.records import SHARD_COUNTS, summarize, validate  # noqa: E402
from sstc_docs.errors import ConflictError  # noqa: E402
from sstc_docs.store import open_store  # noqa: E402
from sstc_docs.store.versions import META_FIELDS, now_timestamp, version_hash  # noqa: E402

KINDS = ("paper", "evidence", "indicator", "decision", "strategy")
WITHIN = 3.0  # goal: the store's save, read and history within this factor of SQLite's
WRITERS, SAVES_PER_WRITER = 8, 60
ROOT = Path(__file__).resolve().parents[1]


class Figures:
    """Wall times in ms of one operation, summarised."""

    def __init__(self) -> None:
        self.ms: list[float] = []

    def time(self, action: Callable[[], object]) -> None:
        start = time.perf_counter()
        action()
        self.ms.append((time.perf_counter() - start) * 1000)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    def line(self) -> str:
        ordered = sorted(self.ms)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (f"median {self.median:7.2f}  mean {statistics.fmean(self.ms):7.2f}  p99 {p99:7.2f}  "
                f"max {ordered[-1]:7.2f}  (n={len(ordered)})")


# -- the store (embedded or PostgreSQL) ------------------------------------------------------------
def measure_store(location: object, archive: Archive, repeats: int, saves: int) -> dict[str, Figures]:
    rng = random.Random(7)
    records = archive.records()
    store = open_store(location, summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS)
    for kind in KINDS:
        store.heads(kind)  # the app lists each kind; saves then keep every index (and catalog) current
    results = {name: Figures() for name in ("save", "read", "history", "list", "changes")}
    catalogs = Path(str(location)) / "catalog" if isinstance(location, Path) else None
    rewrites = 0
    for _ in range(saves):
        kind, record_id = rng.choice(records)
        latest = store.get(kind, record_id)
        data = archive.data(kind, record_id, rng)
        before = _catalog_times(catalogs)
        results["save"].time(lambda: store.save(kind, record_id, data, author="bench", why="benchmark save",
                                                base_version=latest.version))
        rewrites += before != _catalog_times(catalogs)
    for _ in range(repeats):
        kind, record_id = rng.choice(records)
        results["read"].time(lambda: store.get(kind, record_id))
        paper = rng.choice(archive.papers)
        results["history"].time(lambda: store.history("paper", paper))
        session = rng.choice(archive.sessions)
        results["list"].time(lambda: store.find("paper", session=session))
        results["changes"].time(lambda: store.changes(kind="paper", record_id=rng.choice(archive.papers)))
    store.close()
    results["rewrites"] = rewrites  # type: ignore[assignment]
    return results


def _catalog_times(folder: Path | None) -> tuple:
    if folder is None or not folder.exists():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.iterdir()))


COLD_OPEN = """
import sys, time
began = time.perf_counter()
from sstc_docs.domain.records import SHARD_COUNTS, summarize, validate
from sstc_docs.store import open_store
imported = time.perf_counter()
store = open_store(sys.argv[1], summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS)
for kind in sys.argv[2:]:
    store.find(kind, id="")  # loads (and syncs) the kind's heads index; matches nothing, builds no rows
opened = time.perf_counter()
indexes = getattr(store, "_indexes", {}).values()  # the embedded engine's; PostgreSQL keeps none
heads = sum(len(index.heads) for index in indexes)
parsed = sum(index.shards_parsed for index in indexes)
store.close()
print(f"{(opened - imported) * 1000:.0f} {(opened - began) * 1000:.0f} {heads} {parsed}")
"""


def cold_open(location: object) -> str:
    """A fresh process opens the database and loads every kind's heads."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COLD_OPEN, str(location), *KINDS], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    whole = (time.perf_counter() - start) * 1000
    open_ms, after_start_ms, heads, parsed = done.stdout.split()
    return (f"open + every kind's heads index {int(open_ms):6,} ms in the process, {whole:6,.0f} ms as a whole process "
            f"({int(heads):,} heads, {int(parsed):,} shards parsed)")


def _writer(location: object, name: str, ready, saves: int) -> int:
    """One writer process: records of its own, and every tenth save one more version of a shared
    record (retried on conflict). Returns its conflicts."""
    store = open_store(location, summarize=summarize)
    conflicts = 0
    ready.wait()
    for n in range(saves):
        if n % 10 == 9:
            while True:
                latest = store.get("decision", "bench-shared")
                try:
                    store.save("decision", "bench-shared", {"n": latest.data["n"] + 1}, author=name, why="shared",
                               base_version=latest.version)
                    break
                except ConflictError:
                    conflicts += 1
        else:
            base = n // 20 if n >= 20 else None
            store.save("evidence", f"bench-{name}-{n % 20}", {"title": f"{name} {n}"}, author=name, why="writers",
                       base_version=base)
    store.close()
    return conflicts


def measure_writers(location: object) -> float:
    """Saves per second of WRITERS processes at once; asserts nothing was lost or duplicated."""
    with open_store(location, summarize=summarize) as store:
        store.save("decision", "bench-shared", {"n": 0}, author="bench", why="writers", base_version=None)
        before = store.last_seq()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        ready = manager.Barrier(WRITERS + 1)  # the clock starts once every writer has opened its store
        with context.Pool(WRITERS) as pool:
            waiting = pool.starmap_async(_writer, [(location, f"w{k}", ready, SAVES_PER_WRITER) for k in range(WRITERS)])
            ready.wait(timeout=120)
            began = time.perf_counter()
            waiting.get()
            elapsed = time.perf_counter() - began
    total = WRITERS * SAVES_PER_WRITER
    with open_store(location, summarize=summarize) as store:
        added = store.versions_since(before, limit=total + 1)
        assert len(added) == total and len({(v.kind, v.id, v.version) for v in added}) == total, "lost or duplicated"
        assert [v.seq for v in added] == list(range(before + 1, before + total + 1)), "seq has a gap"
    return total / elapsed


# -- SQLite, the yardstick -------------------------------------------------------------------------
SCHEMA = """
CREATE TABLE versions (kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, based_on INTEGER,
  author TEXT NOT NULL, recorded_at TEXT NOT NULL, why TEXT NOT NULL, effective_from TEXT NOT NULL,
  deleted INTEGER NOT NULL, seq INTEGER NOT NULL UNIQUE, hash TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (kind, id, version));
"""


def sqlite_connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def sqlite_build(path: Path, archive: Archive) -> None:
    connection = sqlite_connect(path)
    connection.executescript(SCHEMA)
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO versions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                           ((*(d[n] for n in META_FIELDS), json.dumps(d["data"], ensure_ascii=False))
                            for d in archive.versions()))
    connection.execute("COMMIT")
    connection.close()


def sqlite_document(row: tuple) -> dict:
    return {**dict(zip(META_FIELDS, row[:-1])), "data": json.loads(row[-1])}


def measure_sqlite(path: Path, archive: Archive, repeats: int, saves: int) -> dict[str, Figures]:
    rng = random.Random(7)
    records = archive.records()
    connection = sqlite_connect(path)
    columns = ", ".join((*META_FIELDS, "data"))
    results = {name: Figures() for name in ("save", "read", "history", "list")}

    def latest(kind: str, record_id: str) -> dict:
        return sqlite_document(connection.execute(f"SELECT {columns} FROM versions WHERE kind=? AND id=? "
                                                  "ORDER BY version DESC LIMIT 1", (kind, record_id)).fetchone())

    def save(kind: str, record_id: str, data: dict, base_version: int) -> None:
        checked = validate(kind, data)  # as the store's save: validated, hashed, chained, durable
        connection.execute("BEGIN IMMEDIATE")
        previous = latest(kind, record_id)
        if previous["version"] != base_version:
            raise ConflictError("changed since loaded")
        stamp = now_timestamp()
        seq = connection.execute("SELECT max(seq) FROM versions").fetchone()[0] + 1
        document = {"kind": kind, "id": record_id, "version": base_version + 1, "based_on": base_version,
                    "author": "bench", "recorded_at": stamp, "why": "benchmark save", "effective_from": stamp[:10],
                    "deleted": False, "seq": seq, "data": checked}
        document["hash"] = version_hash({**document, "hash": ""}, previous["hash"])
        connection.execute("INSERT INTO versions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                           (*(document[n] for n in META_FIELDS), json.dumps(checked, ensure_ascii=False)))
        connection.execute("COMMIT")

    for _ in range(saves):
        kind, record_id = rng.choice(records)
        version = latest(kind, record_id)["version"]
        data = archive.data(kind, record_id, rng)
        results["save"].time(lambda: save(kind, record_id, data, version))
    for _ in range(repeats):
        kind, record_id = rng.choice(records)
        results["read"].time(lambda: latest(kind, record_id))
        paper = rng.choice(archive.papers)
        results["history"].time(lambda: [sqlite_document(row) for row in connection.execute(
            f"SELECT {columns} FROM versions WHERE kind='paper' AND id=? ORDER BY version", (paper,))])
        session = rng.choice(archive.sessions)
        results["list"].time(lambda: connection.execute(
            "SELECT id, max(version), data FROM versions WHERE kind='paper' GROUP BY id "
            "HAVING json_extract(data, '$.session') = ?", (session,)).fetchall())
    connection.close()
    return results


# -- the run ---------------------------------------------------------------------------------------
def run(scale: float, repeats: int, saves: int, engine: str, pg_url: str | None, writers: bool) -> None:
    archive = Archive(scale)
    folder = Path(tempfile.mkdtemp(prefix=f"sstc-bench-store-{scale}-"))
    server = None
    databases: dict[str, object] = {"store": folder / "store"}
    if engine == "postgresql":
        if pg_url is None:
            from pg_server import ThrowawayServer
            server = ThrowawayServer(durable=True, settings=RECOMMENDED_SETTINGS).start()
            pg_url = server.create_database("bench")
        databases["postgresql"] = pg_url
    try:
        started = time.perf_counter()
        backup = folder / "archive-backup.json"
        count = archive.write(backup)
        for location in databases.values():
            with open_store(location, summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS) as store:
                store.restore(backup)
        sqlite_build(folder / "sqlite.db", archive)
        print(f"scale {scale}: {count:,} versions ({archive.count['papers']:,} papers, "
              f"{archive.count['evidence']:,} evidence, {archive.count['indicators']:,} indicators, "
              f"{archive.count['decisions']:,} decisions), backup {backup.stat().st_size / 1e6:.0f} MB, shards "
              f"{folder_size(folder / 'store' / 'shards') / 1e6:.0f} MB, SQLite {(folder / 'sqlite.db').stat().st_size / 1e6:.0f} MB; "
              f"built in {time.perf_counter() - started:.0f} s", flush=True)
        backup.unlink()
        results = {name: measure_store(location, archive, repeats, saves) for name, location in databases.items()}
        results["sqlite"] = measure_sqlite(folder / "sqlite.db", archive, repeats, saves)
        titles = {"store": "embedded store", "postgresql": "PostgreSQL", "sqlite": "SQLite (WAL, synchronous=FULL)"}
        for operation in ("save", "read", "history", "list", "changes"):
            print(f"\n{operation}" + (" (random record of any kind, new random valid data)" if operation == "save"
                                      else " (papers of one session)" if operation == "list" else ""))
            for name, figures in results.items():
                if operation in figures:
                    print(f"  {titles[name]:<32} {figures[operation].line()}")
            if operation in ("save", "read", "history"):
                ratio = results["store"][operation].median / results["sqlite"][operation].median
                print(f"  embedded store / SQLite: {ratio:.1f}x (goal at most {WITHIN:.0f}x) "
                      + ("ok" if ratio <= WITHIN else "MISSED"))
        print(f"\ncatalog rewrites inside the {saves} measured saves of the embedded store: {results['store']['rewrites']}")
        print("\ncold open in a fresh process")
        for name, location in databases.items():
            print(f"  {titles[name]:<16} {cold_open(location)}")
        copied = folder / "copied"
        copying = time.perf_counter()
        shutil.copytree(folder / "store", copied)
        os.sync()  # the copy's writeback is the copy's cost: the open after it is timed alone, as the first was
        print(f"  {'copied folder':<16} {cold_open(copied)}   (copied and flushed to disk in "
              f"{time.perf_counter() - copying:.1f} s before)")
        print(f"  {'  and again':<16} {cold_open(copied)}")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("
                        "'SELECT count(*) FROM versions').fetchone()", str(folder / "sqlite.db")], check=True)
        print(f"  {'SQLite':<16} connect and count the versions: {(time.perf_counter() - start) * 1000:,.0f} ms "
              "as a whole process")
        if writers:
            if "postgresql" in databases:
                print(f"PostgreSQL server settings: {server_settings(databases['postgresql'])}")
            for name, location in databases.items():
                print(f"{WRITERS} writer processes at once, {titles[name]}: {measure_writers(location):,.0f} saves/s, "
                      "nothing lost or duplicated")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if server is not None:
            server.stop()


#: The README's recommended settings for a server that takes saves all day (PostgreSQL section):
#: checkpoints further apart and compressed full-page images make each commit's WAL smaller.
RECOMMENDED_SETTINGS = {"wal_compression": "lz4", "checkpoint_timeout": "15min", "max_wal_size": "4GB"}
#: What bounds the writers' saves per second: each commit waits for its flush (README, PostgreSQL).
DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "commit_delay",
                       "commit_siblings", "wal_buffers", *RECOMMENDED_SETTINGS, "server_version")


def server_settings(url: str) -> str:
    with psycopg.connect(url) as conn:
        rows = dict(conn.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
                                 (list(DURABILITY_SETTINGS),)).fetchall())
    return ", ".join(f"{name}={rows[name]}" for name in DURABILITY_SETTINGS if name in rows)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = the design point (default 0.1)")
    parser.add_argument("--repeats", type=int, default=100, help="random reads, histories and listings")
    parser.add_argument("--saves", type=int, default=1500,
                        help="measured saves (enough for the periodic catalog rewrites to happen among them)")
    parser.add_argument("--engine", choices=("tinydb", "postgresql"), default="tinydb",
                        help="postgresql: measure PostgreSQL too, beside the embedded engine")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use (default: a throwaway server)")
    parser.add_argument("--no-writers", dest="writers", action="store_false", help="skip the 8 writer processes")
    args = parser.parse_args()
    run(args.scale, args.repeats, args.saves, args.engine, args.pg_url, args.writers)


if __name__ == "__main__":
    main()
