"""What provable history costs: hashing on the save path, and `verify` of a whole archive.

The archive (bench/archive.py, the one bench_store.py uses too; scale 1.0 = the design point:
10,000 papers with 50,000 versions, 100,000 evidence records, 2,000 indicators with 2 versions
each, 5,000 decisions, 10 strategies) is made of records the app accepts (each kind's own
validation passes), written as a backup of the earlier format and restored: the restore checks
every version, gives it its sequence number and hash, and chains them, exactly as for a real
archive moved into this release.

Measured on random records (medians): save one version (a unit of work of one, hashed), read one
record, read a record's history, and beside them the time hashing takes for the same versions;
then one full `verify` (every data file, every hash, the chain, the catalogs) — the goal is under
a minute at the design point — and a restore of the same archive.

    python bench/bench_integrity.py              # 10% of the design point (about a minute)
    python bench/bench_integrity.py --scale 1    # the design point
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import Archive  # noqa: E402

from sstc_docs.domain.records import SHARD_COUNTS, summarize, validate  # noqa: E402
from sstc_docs.store import Store  # noqa: E402
from sstc_docs.store.versions import version_hash  # noqa: E402

GOALS = {"save": 20.0, "read": 20.0, "history": 20.0, "verify_s": 60.0}


def median_ms(action, samples: list) -> float:
    times = []
    for sample in samples:
        start = time.perf_counter()
        action(sample)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(20261201)
    archive = Archive(args.scale)
    folder = Path(tempfile.mkdtemp(prefix="sstc-integrity-"))
    backup = folder / "archive.json"
    count = archive.write(backup, legacy=True)
    print(f"archive: {count:,} versions ({backup.stat().st_size / 1e6:.0f} MB as a backup), scale {args.scale}")
    store = Store(folder / "db", summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS)
    start = time.perf_counter()
    store.restore(backup)
    print(f"restore (every version checked, sequenced, hashed, chained): {time.perf_counter() - start:.1f} s")

    records = archive.records()
    chosen = rng.sample(records, min(args.samples, len(records)))
    read = median_ms(lambda r: store.get(*r), chosen)
    history = median_ms(lambda r: store.history(*r), chosen)
    latest = {r: store.get(*r) for r in chosen}
    save = median_ms(lambda r: store.save(r[0], r[1], archive.data(r[0], r[1], rng),
                                          author="bench", why="bench", base_version=latest[r].version), chosen)
    documents = [store.get(*r).to_json() for r in chosen]
    hashing = median_ms(lambda d: version_hash(d, ""), documents)
    print(f"save   {save:7.2f} ms (goal < {GOALS['save']:.0f}); of which hashing {hashing * 1000:6.1f} µs")
    print(f"read   {read:7.2f} ms (goal < {GOALS['read']:.0f})")
    print(f"history{history:7.2f} ms (goal < {GOALS['history']:.0f})")
    store.close()

    fresh = Store(folder / "db", summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS)
    start = time.perf_counter()
    report = fresh.verify()
    seconds = time.perf_counter() - start
    print(f"verify {seconds:7.1f} s for {report.versions:,} versions of {report.records:,} records "
          f"(goal < {GOALS['verify_s']:.0f} s at the design point): {'OK' if report.ok else 'NOT OK'}, "
          f"{len(report.findings)} finding(s)")
    fresh.close()
    print(f"(archive left in {folder}; remove it when done)")


if __name__ == "__main__":
    main()
