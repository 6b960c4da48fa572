"""What provable history costs: hashing on the save path, and `verify` of a whole archive.

The archive (scale 1.0 = the design point: 10,000 papers with 50,000 versions, 100,000 evidence
records, 2,000 indicators with 2 versions each, 5,000 decisions) is made of records the app
accepts (each kind's own validation passes), written as a backup of the earlier format and
restored: the restore checks every version, gives it its sequence number and hash, and chains
them, exactly as for a real archive moved into this release.

Measured on random records (medians): save one version (a unit of work of one, hashed), read one
record, read a record's history, and beside them the time hashing takes for the same versions;
then one full `verify` (every data file, every hash, the chain, the catalogs) — the goal is under
a minute at the design point — and a restore of the same archive.

    python bench/bench_integrity.py              # 10% of the design point (about a minute)
    python bench/bench_integrity.py --scale 1    # the design point
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sstc_docs.domain.records import SHARD_COUNTS, summarize, validate  # noqa: E402
from sstc_docs.store import Store  # noqa: E402
from sstc_docs.store.versions import version_hash  # noqa: E402

DESIGN = {"papers": 10_000, "paper_versions": 50_000, "evidence": 100_000, "indicators": 2_000, "decisions": 5_000}
GOALS = {"save": 20.0, "read": 20.0, "history": 20.0, "verify_s": 60.0}
WORDS = ("governing body office decision programme budget cooperation partners member states strategy "
         "indicator outcome report session document capacity development decent work social protection "
         "employment rights dialogue tripartite knowledge results implementation evaluation funding").split()
SECTIONS = ("INS", "POL", "LILS", "PFA")


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def archive(scale: float, rng: random.Random) -> list[dict]:
    """Format-1 version documents (no seq, no hash: the restore adds them), in recorded order."""
    count = {name: max(1, round(n * scale)) for name, n in DESIGN.items()}
    clock = dt.datetime(2012, 1, 1, tzinfo=dt.timezone.utc)
    versions: list[dict] = []

    def add(kind: str, data: dict, number: int) -> None:
        nonlocal clock
        clock += dt.timedelta(seconds=rng.randint(1, 60))
        stamp = clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        checked = validate(kind, data)
        versions.append({"kind": kind, "id": checked["id"], "version": number, "based_on": number - 1 or None,
                         "author": rng.choice(("Ana Lopez", "Bo Chen", "Clerk")), "recorded_at": stamp,
                         "why": text(rng, 6), "effective_from": stamp[:10], "deleted": False, "data": checked})

    add("strategy", {"id": "S-1", "title": "Strategy", "period": "2012-13", "outcomes": [
        {"number": 1, "statement": text(rng, 12), "indicator_ids": []}]}, 1)
    papers = [f"GB.{300 + n % 50}/{SECTIONS[n % 4]}/{n // 200 + 1}/{n % 200 + 1}" for n in range(count["papers"])]
    per_paper = max(1, count["paper_versions"] // count["papers"])
    for symbol in papers:
        for number in range(1, per_paper + 1):
            add("paper", {"symbol": symbol, "title": text(rng, 8), "language": "en", "status": "draft",
                          "front_matter": {"purpose": text(rng, 20)},
                          "body": [{"type": "paragraph", "text": text(rng, 70)} for _ in range(6)]}, number)
    for n in range(count["decisions"]):
        add("decision", {"id": f"{papers[n % len(papers)]}:D1", "paper_id": papers[n % len(papers)],
                         "text": "The Governing Body " + text(rng, 20), "status": "draft"}, 1)
    for n in range(count["indicators"]):
        for number in (1, 2):
            add("indicator", {"id": f"S-1/O1/I{n}", "strategy_id": "S-1", "outcome": 1, "text": text(rng, 15),
                              "baseline": rng.randint(0, 20), "target": rng.randint(20, 40), "period": "2012-13"},
                number)
    for n in range(count["evidence"]):
        add("evidence", {"id": f"EV-{n:06d}", "kind": "report", "title": text(rng, 10), "date": "2012-06-01",
                         "source": "ILO", "notes": text(rng, 30)}, 1)
    return versions


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
    versions = archive(args.scale, rng)
    folder = Path(tempfile.mkdtemp(prefix="sstc-integrity-"))
    backup = folder / "archive.json"
    backup.write_text(json.dumps({"format": "sstc-docs backup", "format_version": 1, "created_at": "",
                                  "versions": versions, "blobs": {}}, ensure_ascii=False))
    print(f"archive: {len(versions):,} versions ({backup.stat().st_size / 1e6:.0f} MB as a backup), scale {args.scale}")
    store = Store(folder / "db", summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS)
    start = time.perf_counter()
    store.restore(backup)
    print(f"restore (every version checked, sequenced, hashed, chained): {time.perf_counter() - start:.1f} s")

    records = sorted({(d["kind"], d["id"]) for d in versions})
    chosen = rng.sample(records, min(args.samples, len(records)))
    read = median_ms(lambda r: store.get(*r), chosen)
    history = median_ms(lambda r: store.history(*r), chosen)
    latest = {r: store.get(*r) for r in chosen}
    save = median_ms(lambda r: store.save(r[0], r[1], dict(latest[r].data, notes_bench=rng.random()),
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
