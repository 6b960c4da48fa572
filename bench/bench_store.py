"""Benchmark the sharded store against plain TinyDB at the design point of the archive.

Design point (scale 1.0): 10,000 papers with 50,000 versions between them, 100,000 evidence
records, 2,000 indicators (2 versions each), plus 5,000 decisions and 10 strategies.

The archive is built the way a real one would arrive in bulk: as a backup document restored into
an empty folder (``Store.restore``), which writes each shard once through the same storage
classes a save uses and checks every version, so the result is a valid store, not a mock-up.
The same versions go into one plain TinyDB file (default ``JSONStorage``) for comparison.

Measured, as medians over repeated runs on randomly chosen records (so caches do not flatter):
save one version, read one record, read a record's full history (10 versions), list the papers
of one session, the changes of one record, and cold open (a new store on the database, every
kind's heads loaded); then 8 writer processes saving at once (saves per second, and a check that
no version was lost or duplicated).

``--engine postgresql`` measures PostgreSQL beside the embedded engine in the same run, on the same
archive (restored into both): a throwaway server with fsync on (tests/pg_server.py), or the
database of ``--pg-url``, which must be empty.

    python bench/bench_store.py                     # design point, and 1% for the save ratio
    python bench/bench_store.py --scale 0.01 --no-compare
    python bench/bench_store.py --engine postgresql --scale 0.1 --no-compare
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # pg_server.py

from tinydb import Query, TinyDB  # noqa: E402

from sstc_docs.domain.records import summarize  # noqa: E402
from sstc_docs.errors import ConflictError  # noqa: E402
from sstc_docs.store import open_store  # noqa: E402
from sstc_docs.store.backup import write_backup  # noqa: E402
from sstc_docs.store.versions import version_hash  # noqa: E402

DESIGN = {"papers": 10_000, "paper_versions": 50_000, "evidence": 100_000, "indicators": 2_000,
          "decisions": 5_000, "strategies": 10}
HISTORY_VERSIONS = 10
GOALS_MS = {"save": 20, "read": 20, "history": 20, "list": 100, "changes": 100, "open": 2000}
PG_GOALS_MS = {"save": 10, "read": 5, "history": 5, "list": 50}
WRITERS, SAVES_PER_WRITER, WRITERS_GOAL = 8, 60, 300  # goal: saves per second, all writers together
WORDS = ("governing body office decision programme budget south-south triangular cooperation partners "
         "member states strategy indicator outcome report session item document approach capacity "
         "development decent work social protection employment rights dialogue tripartite knowledge "
         "sharing results framework implementation evaluation funding resources region africa asia "
         "americas europe arab states technical assistance").split()


class Archive:
    """Generates the synthetic archive's versions deterministically from a seed."""

    def __init__(self, scale: float, seed: int = 20240301):
        self.rng = random.Random(seed)
        self.count = {name: max(1, round(n * scale)) for name, n in DESIGN.items()}
        self.count["paper_versions"] = max(self.count["paper_versions"], self.count["papers"] + HISTORY_VERSIONS)
        self.paragraphs = [" ".join(self.rng.choices(WORDS, k=70)).capitalize() + "." for _ in range(300)]
        self.sessions = list(range(300, 350))
        self.clock = dt.datetime(2012, 1, 1, tzinfo=dt.timezone.utc)
        self.history_paper = "GB.300/INS/0"

    def _stamp(self) -> str:
        self.clock += dt.timedelta(seconds=self.rng.randint(1, 900))
        return self.clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def paper_ids(self) -> list[str]:
        return [f"GB.{self.sessions[n % len(self.sessions)]}/INS/{n}" for n in range(self.count["papers"])]

    def paper(self, record_id: str, version: int) -> dict:
        session = int(record_id.split(".")[1].split("/")[0])
        return {"id": record_id, "symbol": record_id, "session": session, "section": "INS",
                "title": f"{' '.join(self.rng.choices(WORDS, k=8)).capitalize()} (v{version})",
                "status": self.rng.choice(("draft", "in_review", "issued")), "language": "en",
                "action": "decision", "date": "2024-03-01", "agenda_item": "3",
                "front_matter": {"purpose": self.rng.choice(self.paragraphs)[:200], "follow_up": "Yes."},
                "body": [{"type": "paragraph", "numbered": True, "text": self.rng.choice(self.paragraphs),
                          "footnotes": []} for _ in range(6)],
                "decision_ids": [f"D/{record_id}"]}

    def versions(self) -> Iterator[dict]:
        """Every version document, ordered by time of recording (as a real archive accrues)."""
        papers = self.paper_ids()
        extra = self.count["paper_versions"] - len(papers) - (HISTORY_VERSIONS - 1)
        counts = {pid: 1 for pid in papers}
        counts[self.history_paper] = HISTORY_VERSIONS
        for _ in range(extra):
            counts[self.rng.choice(papers)] += 1
        plan = [("paper", pid, v) for pid, n in counts.items() for v in range(1, n + 1)]
        plan += [("evidence", f"EV-{n:06d}", 1) for n in range(self.count["evidence"])]
        plan += [("indicator", f"IND-{n:04d}", v) for n in range(self.count["indicators"]) for v in (1, 2)]
        plan += [("decision", f"D/{papers[n % len(papers)]}", 1) for n in range(self.count["decisions"])]
        plan += [("strategy", f"SSTC-{n}", 1) for n in range(self.count["strategies"])]
        plan.sort(key=lambda step: (step[2], self.rng.random()))  # first versions first, then revisions
        previous: dict[tuple[str, str], str] = {}
        for seq, (kind, record_id, version) in enumerate(plan, start=1):
            stamp = self._stamp()
            document = {"kind": kind, "id": record_id, "version": version, "based_on": version - 1 or None,
                        "author": self.rng.choice(("ana.perez", "b.ngozi", "chen.li", "d.muller")),
                        "recorded_at": stamp, "why": "synthetic archive", "effective_from": stamp[:10],
                        "deleted": False, "seq": seq, "hash": "", "data": self.data(kind, record_id, version)}
            document["hash"] = previous[(kind, record_id)] = version_hash(document, previous.get((kind, record_id), ""))
            yield document

    def data(self, kind: str, record_id: str, version: int) -> dict:
        if kind == "paper":
            return self.paper(record_id, version)
        if kind == "evidence":
            return {"id": record_id, "kind": self.rng.choice(("meeting", "report", "agreement")),
                    "title": " ".join(self.rng.choices(WORDS, k=9)), "date": "2023-05-04", "source": "ILO",
                    "reference": record_id, "url": "", "reliability": "confirmed",
                    "notes": self.rng.choice(self.paragraphs)[:240],
                    "links": {"indicators": [{"id": "IND-0001", "value": 1, "period": "2024"}], "decisions": [],
                              "papers": []}}
        if kind == "indicator":
            return {"id": record_id, "strategy_id": "SSTC-0", "outcome": 1, "label": record_id[-4:],
                    "text": self.rng.choice(self.paragraphs)[:300], "baseline": {"text": "0", "value": 0, "unit": ""},
                    "target": {"text": "10", "value": 10 * version, "unit": ""}, "unit": "countries",
                    "period": "2022-2025", "measure": "count", "revisions": []}
        if kind == "decision":
            return {"id": record_id, "paper_id": record_id[2:], "language": "en",
                    "text": self.rng.choice(self.paragraphs), "parts": [], "status": "adopted"}
        return {"id": record_id, "title": "South-South and triangular cooperation strategy", "period": "2022-2025",
                "outcomes": [{"number": n, "statement": self.rng.choice(self.paragraphs)[:200], "indicator_ids": []}
                             for n in range(1, 4)]}


def median_ms(run: Callable[[int], object], repeats: int, setup: Callable[[int], object] | None = None) -> float:
    """Median wall time of ``run(i)`` over ``repeats`` runs; ``setup(i)`` runs untimed before each."""
    times = []
    for i in range(repeats):
        if setup is not None:
            setup(i)
        start = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build(folder: Path, archive: Archive, databases: dict[str, object]) -> tuple[Path, int]:
    """Write the archive as a backup, restore it into each database, and load it into plain TinyDB."""
    backup = folder / "archive-backup.json"
    versions = list(archive.versions())
    write_backup(backup, archive._stamp(), versions, [])
    restored = 0
    for location in databases.values():
        with open_store(location, summarize=summarize) as store:
            restored = store.restore(backup)
    plain_path = folder / "plain-tinydb.json"
    plain = TinyDB(plain_path)  # default JSONStorage: one file, rewritten in place on every change
    plain.insert_multiple(versions)
    plain.close()
    backup.unlink()
    return plain_path, restored


def measure_store(location: object, archive: Archive, repeats: int) -> dict[str, float]:
    rng = random.Random(7)
    papers = archive.paper_ids()
    store = open_store(location, summarize=summarize)
    store.heads("paper")  # the app lists papers first; saves then keep this index current
    results: dict[str, float] = {}
    pending: dict[int, tuple[str, int]] = {}

    def pick(i: int) -> None:
        record_id = rng.choice(papers)
        pending[i] = (record_id, store.get("paper", record_id).version)

    results["save"] = median_ms(
        lambda i: store.save("paper", pending[i][0], archive.paper(pending[i][0], pending[i][1] + 1),
                             author="bench", why="benchmark save", base_version=pending[i][1]), repeats, pick)
    results["read"] = median_ms(lambda i: store.get("paper", rng.choice(papers)), repeats)
    results["history"] = median_ms(lambda i: store.history("paper", archive.history_paper), repeats)
    assert len(store.history("paper", archive.history_paper)) >= HISTORY_VERSIONS
    results["list"] = median_ms(lambda i: store.find("paper", session=rng.choice(archive.sessions)), repeats)
    results["changes"] = median_ms(lambda i: store.changes(kind="paper", record_id=rng.choice(papers)), repeats)
    store.close()

    def cold_open(i: int) -> None:
        opened = open_store(location, summarize=summarize)
        for kind in ("paper", "evidence", "indicator", "decision", "strategy"):
            opened.find(kind, id="")  # loads (and syncs) the kind's index; matches nothing
        opened.close()

    results["open"] = median_ms(cold_open, max(3, repeats // 6), lambda i: gc.collect())
    results["writers"] = measure_writers(location)
    return results


def _writer(location: object, name: str, start, saves: int) -> tuple[int, float]:
    """One of the writer processes: new records and revisions of its own, then one more version of
    the shared record on every tenth save (retried on conflict). Returns (conflicts, seconds)."""
    store = open_store(location, summarize=summarize)
    conflicts = 0
    start.wait()
    began = time.perf_counter()
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
            record_id = f"bench-{name}-{n % 20}"
            base = n // 20 if n >= 20 else None
            store.save("evidence", record_id, {"title": f"{name} {n}"}, author=name, why="writers", base_version=base)
    seconds = time.perf_counter() - began
    store.close()
    return conflicts, seconds


def measure_writers(location: object) -> float:
    """Saves per second of WRITERS processes at once; asserts nothing was lost or duplicated."""
    with open_store(location, summarize=summarize) as store:
        store.save("decision", "bench-shared", {"n": 0}, author="bench", why="writers", base_version=None)
        before = store.last_seq()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(WRITERS) as pool:
            waiting = pool.starmap_async(_writer, [(location, f"w{k}", start, SAVES_PER_WRITER) for k in range(WRITERS)])
            time.sleep(2.0)  # every writer has opened its store
            began = time.perf_counter()
            start.set()
            outcomes = waiting.get()
            elapsed = time.perf_counter() - began
    total = WRITERS * SAVES_PER_WRITER
    with open_store(location, summarize=summarize) as store:
        added = store.versions_since(before, limit=total + 1)
        keys = {(v.kind, v.id, v.version) for v in added}
        assert len(added) == total and len(keys) == total, "a version was lost or duplicated"
        assert [v.seq for v in added] == list(range(before + 1, before + total + 1)), "seq has a gap"
        assert store.get("decision", "bench-shared").data["n"] == WRITERS * (SAVES_PER_WRITER // 10)
    return total / elapsed


def measure_plain(path: Path, archive: Archive, repeats: int) -> dict[str, float]:
    rng = random.Random(7)
    papers = archive.paper_ids()
    record = Query()
    plain = TinyDB(path)
    results: dict[str, float] = {}

    def versions_of(record_id: str) -> list[dict]:
        return sorted(plain.search((record.kind == "paper") & (record.id == record_id)), key=lambda d: d["version"])

    def save(i: int) -> None:
        record_id = rng.choice(papers)
        latest = versions_of(record_id)[-1]
        plain.insert({**latest, "version": latest["version"] + 1, "based_on": latest["version"],
                      "data": archive.paper(record_id, latest["version"] + 1)})

    def list_session(i: int) -> list[dict]:
        latest: dict[str, dict] = {}
        for doc in plain.search(record.kind == "paper"):
            if doc["id"] not in latest or doc["version"] > latest[doc["id"]]["version"]:
                latest[doc["id"]] = doc
        session = rng.choice(archive.sessions)
        return [d for d in latest.values() if d["data"]["session"] == session]

    results["save"] = median_ms(save, repeats)
    results["read"] = median_ms(lambda i: versions_of(rng.choice(papers))[-1], repeats)
    results["history"] = median_ms(lambda i: versions_of(archive.history_paper), repeats,
                                   lambda i: plain.clear_cache())
    results["list"] = median_ms(list_session, repeats, lambda i: plain.clear_cache())
    plain.close()
    results["open"] = median_ms(lambda i: TinyDB(path).search(record.id == papers[0]), repeats,
                                lambda i: gc.collect())
    return results


LABELS = {"save": "save one version", "read": "read one record",
          "history": f"full history ({HISTORY_VERSIONS} versions)",
          "list": "list papers of one session", "changes": "changes of one record", "open": "cold open"}


def run_scale(scale: float, repeats: int, plain_repeats: int, engine: str, pg_url: str | None) -> dict[str, dict]:
    archive = Archive(scale)
    folder = Path(tempfile.mkdtemp(prefix=f"sstc-bench-{scale}-"))
    server = None
    databases: dict[str, object] = {"store": folder / "store"}
    if engine == "postgresql":
        if pg_url is None:
            from pg_server import ThrowawayServer
            server = ThrowawayServer(durable=True).start()
            pg_url = server.create_database("bench")
        databases["postgresql"] = pg_url
    try:
        started = time.perf_counter()
        plain_path, count = build(folder, archive, databases)
        print(f"\nscale {scale}: built {count:,} versions ({archive.count['papers']:,} papers, "
              f"{archive.count['evidence']:,} evidence, {archive.count['indicators']:,} indicators) "
              f"in {time.perf_counter() - started:.1f} s; shards {folder_size(folder / 'store') / 1e6:.0f} MB, "
              f"plain TinyDB file {plain_path.stat().st_size / 1e6:.0f} MB", flush=True)
        results = {name: measure_store(location, archive, repeats) for name, location in databases.items()}
        results["plain"] = measure_plain(plain_path, archive, plain_repeats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if server is not None:
            server.stop()
    columns = [("store", "sharded store"), *([("postgresql", "PostgreSQL")] if engine == "postgresql" else []),
               ("plain", "plain TinyDB")]
    print(f"{'median, ms':<32}" + "".join(f"{title:>15}" for _, title in columns) + f"{'goal':>9}")
    for key, label in LABELS.items():
        verdict = "ok" if results["store"][key] < GOALS_MS[key] else "MISSED"
        if engine == "postgresql" and key in PG_GOALS_MS:
            verdict += f"; PostgreSQL < {PG_GOALS_MS[key]}: " + (
                "ok" if results["postgresql"][key] < PG_GOALS_MS[key] else "MISSED")
        print(f"{label:<32}" + "".join(f"{results[name].get(key, float('nan')):>15.2f}" for name, _ in columns)
              + f"{'< ' + str(GOALS_MS[key]):>9}  {verdict}")
    for name, title in columns[:-1]:
        rate = results[name]["writers"]
        print(f"{WRITERS} writer processes, {title}: {rate:,.0f} saves/s, nothing lost or duplicated"
              + (f" (goal {WRITERS_GOAL}: {'ok' if rate >= WRITERS_GOAL else 'MISSED'})" if name == "postgresql" else ""))
    return results


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = design point (default)")
    parser.add_argument("--repeats", type=int, default=31, help="runs per measurement of the sharded store")
    parser.add_argument("--plain-repeats", type=int, default=0,
                        help="runs per measurement of plain TinyDB (default: 3 at the design point, more when small)")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help="skip the 1%% run used for the save-time ratio")
    parser.add_argument("--compare-scales", dest="compare", action="store_true", help="(the default)")
    parser.add_argument("--engine", choices=("tinydb", "postgresql"), default="tinydb",
                        help="postgresql: measure PostgreSQL too, beside the embedded engine")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use (default: a throwaway server)")
    parser.set_defaults(compare=True)
    args = parser.parse_args()

    def plain_repeats(scale: float) -> int:
        return args.plain_repeats or (3 if scale >= 0.5 else 5 if scale >= 0.05 else 11)

    small = (run_scale(0.01, args.repeats, plain_repeats(0.01), "tinydb", None)
             if args.compare and args.scale != 0.01 else None)
    main_run = run_scale(args.scale, args.repeats, plain_repeats(args.scale), args.engine, args.pg_url)
    if small:
        ratio = main_run["store"]["save"] / small["store"]["save"]
        print(f"\nsave time at scale {args.scale} vs 0.01: {main_run['store']['save']:.2f} ms / "
              f"{small['store']['save']:.2f} ms = {ratio:.2f}x (goal: at most 2x) {'ok' if ratio <= 2 else 'MISSED'}")
        plain_ratio = main_run["plain"]["save"] / small["plain"]["save"]
        print(f"plain TinyDB for comparison: {plain_ratio:.0f}x")


if __name__ == "__main__":
    main()
