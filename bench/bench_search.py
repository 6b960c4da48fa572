"""Benchmark search at the design point of the archive, beside a plain SQLite LIKE scan.

The archive is bench/archive.py's, the one every benchmark uses (scale 1.0 = the design point:
10,000 papers with 50,000 versions between them, half in Chinese, half in English, 5,000
decisions, 2,000 indicators with 2 versions each, the second proposing a revision, 10 strategies
and 100,000 evidence records, every record checked with ``sstc_docs.domain.records.validate``);
its versions go straight into the index (``SqliteSearchIndex.absorb``, in seq order), as a
rebuild would feed them.

Each size (1%, 10% and 100% of the scale) prints the index build time and size, then per query
class the median and p95 latency of ``SearchService.search`` (parse, rank, snippets — the whole
call the app and the CLI make), its median CPU time (the work, without the waits for a core on a
shared machine), and the latency of the yardstick: the same texts in a plain SQLite table,
found with ``LIKE '%word%'`` per word (no stems, no ranking, no snippets; case folding of ASCII
only), current versions only.

    python bench/bench_search.py                  # scale 0.1: 0.1%, 1%, 10% of the design point (quick)
    python bench/bench_search.py --scale 1        # the design point: 1%, 10%, 100%
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import RARE_EN, RARE_ZH, Archive  # noqa: E402

from sstc_docs.search.documents import document_for  # noqa: E402
from sstc_docs.search.sqlite_index import SqliteSearchIndex  # noqa: E402
from sstc_docs.services.search import SearchService  # noqa: E402
from sstc_docs.store.versions import Version  # noqa: E402

GOAL_MS = 100
REPEATS = 5
QUERIES = {  # class: [(query, filters)]
    "Chinese 2-char": [("指标", {}), ("伙伴", {}), ("预算", {})],
    "Chinese 4-char": [("南南合作", {}), ("体面劳动", {}), (RARE_ZH, {})],
    "English inflected": [("approving indicators", {}), ("partnership developed", {}), ("revising outcome", {})],
    "mixed": [("南南合作 partnership", {}), ("指标 indicator", {}), ("GB.316/POL/5", {})],
    "rare word": [(RARE_EN, {}), ("zirconium tripartite", {})],
    "common word": [("the", {}), ("的", {}), ("cooperation", {})],
    "filtered": [("指标", {"kind": "paper", "session": 316}), ("approve", {"kind": "decision", "status": "adopted"}),
                 ("partners", {"kind": "evidence", "since": "2015-01-01", "until": "2015-12-31"})],
    "any version": [("tripartite", {"any_version": True}), ("指标", {"any_version": True, "kind": "paper"})],
}


class _BuiltIndex:
    """What SearchService needs of a store when the index was fed directly: it is never behind, and
    the last version fed is the one the service checks the index's last hash against."""

    def __init__(self, index: SqliteSearchIndex, folder: Path, last: Version):
        self.index, self.path, self.last = index, folder, last

    def last_seq(self) -> int:
        return self.index.high_water()

    def versions_since(self, seq: int, limit: int) -> list[Version]:
        """Asked only for the index's last version (``seq`` one before it)."""
        return [self.last][:limit] if self.last.seq > seq else []


def build(scale: float, folder: Path) -> tuple[SearchService, sqlite3.Connection, float, int]:
    index = SqliteSearchIndex(folder / "search.sqlite")
    plain = sqlite3.connect(folder / "plain.sqlite", isolation_level=None)
    plain.execute("CREATE TABLE docs (kind, record_id, version, current, text)")
    started = time.perf_counter()
    batch, rows, count = [], {}, 0
    for stored in Archive(scale).versions():
        version = Version.from_document(stored, owned=True)
        document = document_for(version)
        batch.append(document)
        rows[(version.kind, version.id)] = (version.kind, version.id, version.version,
                                            "\n".join(f.text for f in document.fields))
        count += 1
        if len(batch) == 2000:
            index.absorb(batch)
            batch = []
    index.absorb(batch)
    index.optimize()
    elapsed = time.perf_counter() - started
    plain.execute("BEGIN")
    plain.executemany("INSERT INTO docs VALUES (?, ?, ?, 1, ?)", rows.values())
    plain.execute("COMMIT")
    return SearchService(_BuiltIndex(index, folder, version), index), plain, elapsed, count


def like_scan(plain: sqlite3.Connection, query: str, filters: dict) -> list:
    words = [w.strip('"') for w in query.split()]
    sql = "SELECT kind, record_id FROM docs WHERE current = 1" + " AND text LIKE ?" * len(words)
    parameters = [f"%{w}%" for w in words]
    if filters.get("kind"):
        sql += " AND kind = ?"
        parameters.append(filters["kind"])
    return plain.execute(sql, parameters).fetchall()


def timed(action) -> tuple[float, float]:
    """Wall time and this process's CPU time, in ms: on a shared machine the wall time also
    counts the waits for a core, the CPU time only the work (SQLite runs in this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(service: SearchService, plain: sqlite3.Connection) -> None:
    print(f"  {'query class':<18} {'search median':>14} {'p95':>8} {'(CPU median)':>13} {'LIKE median':>12} {'p95':>8}"
          f"  results")
    for name, queries in QUERIES.items():
        ours, cpu, like, found = [], [], [], []
        for query, filters in queries:
            service.search(query, **filters)  # warm the page cache once
            for _ in range(REPEATS):
                wall, work = timed(lambda: found.append(len(service.search(query, **filters))))
                ours.append(wall)
                cpu.append(work)
                like.append(timed(lambda: like_scan(plain, query, filters))[0])
        flag = "" if p95(ours) < GOAL_MS else f"  ABOVE {GOAL_MS} ms"
        print(f"  {name:<18} {statistics.median(ours):>11.1f} ms {p95(ours):>5.1f} ms {statistics.median(cpu):>10.1f} ms"
              f" {statistics.median(like):>9.1f} ms {p95(like):>5.1f} ms  {min(found)}–{max(found)}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="1 is the design point (default 0.1, quick)")
    args = parser.parse_args()
    for fraction in (0.01, 0.1, 1.0):
        scale = args.scale * fraction
        with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
            service, plain, elapsed, count = build(scale, Path(folder))
            stats = service.stats()
            plain_size = (Path(folder) / "plain.sqlite").stat().st_size
            print(f"\n{scale:.2%} of the design point: {count:,} versions ({stats['current']:,} current) indexed in "
                  f"{elapsed:.1f} s ({count / elapsed:,.0f}/s); index {stats['bytes'] / 2**20:.1f} MB "
                  f"(plain text table of current versions {plain_size / 2**20:.1f} MB)")
            measure(service, plain)
            service.close()
            plain.close()


if __name__ == "__main__":
    main()
