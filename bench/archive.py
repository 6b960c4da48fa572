"""The synthetic archive every store benchmark uses: one generator, records the app accepts.

Scale 1.0 is the design point: 10,000 papers with 50,000 versions between them, 100,000 evidence
records, 2,000 indicators (2 versions each), 5,000 decisions and one strategy. Every record's data
goes through its kind's own validation (domain/records.py), and papers carry real Governing Body
symbols (``GB.316/INS/5/12``) that domain/symbols.py parses, so what a benchmark measures is an
archive the app can open, list and export, not a mock-up.

``versions()`` yields the version documents in the order they were recorded, each with its seq and
its hash chained to the record's previous version (format 2 of a backup); ``legacy=True`` leaves
seq and hash out (format 1, which a restore sequences and hashes itself). ``write()`` streams them
into a backup file, so the generator never holds the archive in memory either.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sstc_docs.domain.records import validate  # noqa: E402
from sstc_docs.domain.symbols import parse_symbol  # noqa: E402
from sstc_docs.store.backup import write_backup  # noqa: E402
from sstc_docs.store.versions import version_hash  # noqa: E402

DESIGN = {"papers": 10_000, "paper_versions": 50_000, "evidence": 100_000, "indicators": 2_000, "decisions": 5_000}
WORDS = ("governing body office decision programme budget cooperation partners member states strategy "
         "indicator outcome report session document capacity development decent work social protection "
         "employment rights dialogue tripartite knowledge results implementation evaluation funding "
         "南南合作 业务守则 三方合作 指标").split()
SECTIONS = ("INS", "POL", "LILS", "PFA")
AUTHORS = ("Ana Lopez", "Bo Chen", "Clerk", "d.muller")
STRATEGY = "S-1"


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


class Archive:
    """Counts, ids and random valid data at one scale; deterministic for a seed."""

    def __init__(self, scale: float, seed: int = 20261201):
        self.scale = scale
        self.seed = seed
        self.count = {name: max(1, round(n * scale)) for name, n in DESIGN.items()}
        self.count["paper_versions"] = max(self.count["paper_versions"], self.count["papers"])
        papers = self.count["papers"]
        self.papers = [f"GB.{300 + n % 50}/{SECTIONS[n % 4]}/{n // 200 + 1}/{n % 200 + 1}" for n in range(papers)]
        assert all(parse_symbol(symbol) for symbol in self.papers[:50])
        self.sessions = sorted({parse_symbol(symbol).session for symbol in self.papers})
        self.evidence = [f"EV-{n:06d}" for n in range(self.count["evidence"])]
        self.indicators = [f"{STRATEGY}/O1/I{n}" for n in range(self.count["indicators"])]
        self.decisions = [f"{self.papers[n % papers]}:D{n // papers + 1}" for n in range(self.count["decisions"])]

    def records(self) -> list[tuple[str, str]]:
        return ([("paper", p) for p in self.papers] + [("evidence", e) for e in self.evidence]
                + [("indicator", i) for i in self.indicators] + [("decision", d) for d in self.decisions]
                + [("strategy", STRATEGY)])

    # -- random valid data for any record (the benchmarks' saves use these too) ------------------
    def data(self, kind: str, record_id: str, rng: random.Random) -> dict:
        if kind == "paper":
            return validate(kind, {"symbol": record_id, "title": text(rng, 8), "language": "en",
                                   "status": rng.choice(("draft", "in_review")),
                                   "front_matter": {"purpose": text(rng, 20)},
                                   "body": [{"type": "paragraph", "text": text(rng, 70)} for _ in range(6)]})
        if kind == "evidence":
            return validate(kind, {"id": record_id, "kind": rng.choice(("report", "meeting", "agreement")),
                                   "title": text(rng, 10), "date": f"20{rng.randint(12, 25)}-06-01",
                                   "source": "ILO", "notes": text(rng, 30)})
        if kind == "indicator":
            return validate(kind, {"id": record_id, "strategy_id": STRATEGY, "outcome": 1, "text": text(rng, 15),
                                   "baseline": rng.randint(0, 20), "target": rng.randint(20, 40),
                                   "period": "2012-13"})
        if kind == "decision":
            paper = record_id.rsplit(":", 1)[0]
            return validate(kind, {"id": record_id, "paper_id": paper, "text": "The Governing Body " + text(rng, 20),
                                   "status": "draft"})
        return validate(kind, {"id": record_id, "title": "Strategy", "period": "2012-13",
                               "outcomes": [{"number": 1, "statement": text(rng, 12), "indicator_ids": []}]})

    # -- the whole archive --------------------------------------------------------------------
    def versions(self, *, legacy: bool = False) -> Iterator[dict]:
        rng = random.Random(self.seed)
        counts = {("paper", p): 1 for p in self.papers}
        for _ in range(self.count["paper_versions"] - len(self.papers)):
            counts[("paper", rng.choice(self.papers))] += 1
        counts.update({("indicator", i): 2 for i in self.indicators})
        plan = [(kind, record_id, number) for (kind, record_id), n in counts.items() for number in range(1, n + 1)]
        plan += [(kind, record_id, 1) for kind, record_id in self.records() if kind not in ("paper", "indicator")]
        plan.sort(key=lambda step: (step[2], rng.random()))  # first versions first, then revisions
        clock = dt.datetime(2012, 1, 1, tzinfo=dt.timezone.utc)
        previous: dict[tuple[str, str], str] = {}
        for seq, (kind, record_id, number) in enumerate(plan, start=1):
            clock += dt.timedelta(seconds=rng.randint(1, 60))
            stamp = clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            data = self.data(kind, record_id, rng)
            document = {"kind": kind, "id": data.get("id", record_id), "version": number,
                        "based_on": number - 1 or None, "author": rng.choice(AUTHORS), "recorded_at": stamp,
                        "why": text(rng, 6), "effective_from": stamp[:10], "deleted": False, "data": data}
            if not legacy:
                document["seq"] = seq
                document["hash"] = previous[(kind, record_id)] = version_hash({**document, "seq": seq},
                                                                              previous.get((kind, record_id), ""))
            yield document

    def write(self, path: Path, *, legacy: bool = False) -> int:
        """The archive as a backup file (format 2, or 1 with ``legacy``); returns the version count."""
        count = write_backup(path, "2026-12-01T00:00:00.000000Z", self.versions(legacy=legacy), [])
        if legacy:  # write_backup always says format 2; a legacy archive says what it is
            with open(path, "r+b") as handle:
                head = handle.read(200)
                handle.seek(head.index(b'"format_version":2'))
                handle.write(b'"format_version":1')
        return count
