"""The synthetic archive every benchmark uses: one generator, realistic records the app accepts.

Scale 1.0 is the design point: 10,000 papers with 50,000 versions between them, 5,000 decisions,
2,000 indicators (2 versions each, the second proposing a revision), 10 strategies whose two
outcomes list their indicators, and 100,000 evidence records, each linked to an indicator, a
decision and that decision's paper; every count scales with the others (at least one of each).

The content is what search and the pages meet in an office's archive: half the papers (and their
decisions), half the indicators and strategies and a quarter of the evidence in Chinese, the rest
in English; Chinese sentences citing English names and symbols; the rare words ``RARE_EN`` and
``RARE_ZH`` that bench_search.py looks for; six numbered paragraphs with a footnote, each version
of a paper rewriting one paragraph of the version before and the last one issued; decisions in
parts, a third adopted; indicators with baseline and target. Every record's data goes through its
kind's own validation (domain/records.py), and papers carry Governing Body symbols with sub-items
(``GB.316/INS/5/2``) that domain/symbols.py parses, so what a benchmark measures is an archive the
app can open, list, search and export, not a mock-up.

``versions()`` yields the version documents in the order they were recorded (first versions, then
revisions, interleaved at random), each with its seq and its hash chained to the record's previous
version (format 2 of a backup); ``legacy=True`` leaves seq and hash out (format 1, which a restore
sequences and hashes itself). A version is rebuilt from its record's own random stream, so only
ids, version counts and each record's last hash are kept between versions, and ``write()`` streams
them into a backup file: the generator never holds the archive in memory. A seed gives one archive.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import zlib
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sstc_docs.domain.records import validate  # noqa: E402
from sstc_docs.domain.symbols import parse_symbol  # noqa: E402
from sstc_docs.store.backup import write_backup  # noqa: E402
from sstc_docs.store.versions import version_hash  # noqa: E402

DESIGN = {"papers": 10_000, "paper_versions": 50_000, "decisions": 5_000, "indicators": 2_000, "strategies": 10,
          "evidence": 100_000}
EN_WORDS = ("governing body office decision decisions decided programme programmes budget south-south triangular "
            "cooperation cooperating partner partners partnership partnerships member states strategy strategies "
            "indicator indicators outcome outcomes report reported reporting session item document approach "
            "capacity development developing decent work social protection employment rights dialogue tripartite "
            "knowledge sharing results framework implementation implemented evaluation funding resources region "
            "africa asia americas europe arab technical assistance approve approves approved approving revise "
            "revised revision the the the of of and and to in for with on by").split()
ZH_WORDS = ("理事会 批准 指标 成果 战略 南南合作 三角形合作 伙伴关系 国际劳工组织 计划 预算 会议 技术 国家 政府间组织 "
            "体面劳动 议程 贡献 框架 实施 评估 资源 能力 发展 社会 保护 就业 权利 对话 知识 分享 文件 决定 草案 "
            "修订 基线 目标 两年期 每年 新的 已修订 关于 以及 根据 的 的 的 和 和 在").split()
RARE_EN, RARE_ZH = "zirconium", "业务守则"
SECTIONS = ("INS", "POL", "LILS", "PFA")
AUTHORS = ("Ana Lopez", "Bo Chen", "Clerk", "d.muller")


def sentence(rng: random.Random, zh: bool, words: int) -> str:
    if zh:
        text = "".join(rng.choices(ZH_WORDS, k=words))
        if rng.random() < 0.02:
            text += RARE_ZH
        if rng.random() < 0.2:  # Chinese papers cite English names and symbols
            text += f" {rng.choice(EN_WORDS)} GB.{rng.randint(300, 349)}/POL/{rng.randint(1, 9)}"
        return text + "。"
    text = " ".join(rng.choices(EN_WORDS, k=words))
    if rng.random() < 0.001:
        text += " " + RARE_EN
    return text.capitalize() + "."


def chinese(record_id: str, share: float = 0.5) -> bool:
    """Whether a record is written in Chinese: fixed by its id, so each save of it keeps its language."""
    return zlib.crc32(record_id.encode()) % 100 < share * 100


class Archive:
    """Ids, random valid data and the recorded versions at one scale; deterministic for a seed."""

    def __init__(self, scale: float, seed: int = 20261201):
        self.seed = seed
        self.count = {name: max(1, round(n * scale)) for name, n in DESIGN.items()}
        self.count["paper_versions"] = max(self.count["paper_versions"], self.count["papers"])
        papers = self.count["papers"]
        # session, section, item and sub-item are n's digits in bases 50, 4 and 10 and the rest: unique
        self.papers = [f"GB.{300 + n % 50}/{SECTIONS[n // 50 % 4]}/{n // 200 % 10 + 1}/{n // 2000 + 1}"
                       for n in range(papers)]
        self.sessions = sorted({parse_symbol(symbol).session for symbol in self.papers})
        self.decisions = [f"{self.papers[n % papers]}:D{n // papers + 1}" for n in range(self.count["decisions"])]
        self.strategies = [f"S-{n}" for n in range(self.count["strategies"])]
        # indicator n belongs to strategy n % strategies, outcome 1 + n // strategies % 2 (see _strategy)
        self.indicators = [f"{self.strategies[n % len(self.strategies)]}/I{n}"
                           for n in range(self.count["indicators"])]
        self.evidence = [f"EV-{n:06d}" for n in range(self.count["evidence"])]

    def records(self) -> list[tuple[str, str]]:
        return ([("paper", p) for p in self.papers] + [("decision", d) for d in self.decisions]
                + [("indicator", i) for i in self.indicators] + [("strategy", s) for s in self.strategies]
                + [("evidence", e) for e in self.evidence])

    def data(self, kind: str, record_id: str, rng: random.Random) -> dict:
        """Random valid data for the record (what a benchmark's save of it writes), validated."""
        return validate(kind, getattr(self, f"_{kind}")(record_id, rng))

    # -- each kind's data, before validation ------------------------------------------------------
    def _paper(self, symbol: str, rng: random.Random) -> dict:
        zh = chinese(symbol)
        body = [{"type": "paragraph", "numbered": True, "text": sentence(rng, zh, rng.randint(30, 60))}
                for _ in range(6)]
        body[0]["text"] += "[^1]"
        body[0]["footnotes"] = [{"key": "1", "text": f"GB.313/PV, paragraph {rng.randint(1, 500)}."}]
        return {"symbol": symbol, "title": sentence(rng, zh, 8), "language": "zh" if zh else "en",
                "status": rng.choice(("draft", "in_review")),
                "date": f"{rng.randint(2000, 2024)}-11-0{rng.randint(1, 9)}",
                "front_matter": {"purpose": sentence(rng, zh, 20), "author_unit": "PARDEV"}, "body": body}

    def _decision(self, record_id: str, rng: random.Random) -> dict:
        paper = record_id.rsplit(":", 1)[0]
        zh = chinese(paper)
        adopted = rng.random() < 1 / 3
        return {"id": record_id, "paper_id": paper, "language": "zh" if zh else "en", "text": sentence(rng, zh, 25),
                "parts": [sentence(rng, zh, 12) for _ in range(2)], "status": "adopted" if adopted else "submitted",
                "adopted_on": "2012-11-16" if adopted else "", "session": parse_symbol(paper).session}

    def _indicator(self, record_id: str, rng: random.Random) -> dict:
        strategy, number = record_id.rsplit("/I", 1)
        zh = chinese(record_id)
        return {"id": record_id, "strategy_id": strategy, "outcome": 1 + int(number) // len(self.strategies) % 2,
                "text": sentence(rng, zh, 20), "period": "2012-13",
                "baseline": {"text": sentence(rng, zh, 8), "value": rng.randint(1, 10)},
                "target": {"text": sentence(rng, zh, 8), "value": rng.randint(10, 20)}}

    def _strategy(self, record_id: str, rng: random.Random) -> dict:
        zh, every = chinese(record_id), len(self.strategies)
        first = self.strategies.index(record_id)
        return {"id": record_id, "title": sentence(rng, zh, 8), "language": "zh" if zh else "en", "period": "2012-13",
                "adopted_on": "2012-03-22",
                "outcomes": [{"number": outcome, "statement": sentence(rng, zh, 20),
                              "indicator_ids": self.indicators[first + every * (outcome - 1)::2 * every]}
                             for outcome in (1, 2)]}

    def _evidence(self, record_id: str, rng: random.Random) -> dict:
        zh = chinese(record_id, 0.25)
        decision = rng.choice(self.decisions)
        return {"id": record_id, "kind": rng.choice(("report", "meeting", "agreement")), "title": sentence(rng, zh, 10),
                "date": f"{rng.randint(2000, 2024)}-{rng.randint(1, 12):02d}-15", "source": sentence(rng, zh, 6),
                "reference": f"REF/{record_id}", "notes": sentence(rng, zh, 25),
                "links": {"indicators": [{"id": rng.choice(self.indicators), "value": 1, "period": ""}],
                          "decisions": [decision], "papers": [decision.rsplit(":", 1)[0]]}}

    # -- the whole archive --------------------------------------------------------------------
    def _version_data(self, kind: str, record_id: str, number: int, last: int) -> dict:
        """Version ``number`` of a record that has ``last`` versions, validated: the first from the
        record's own random stream, each later one changing the one before it (a paragraph of a
        paper rewritten, a revision of an indicator proposed)."""
        rng = random.Random(f"{self.seed}/{kind}/{record_id}")
        data = getattr(self, f"_{kind}")(record_id, rng)
        zh = chinese(record_id)  # the language of papers and indicators, the kinds with later versions
        for _ in range(1, number):
            if kind == "paper":
                data["body"][rng.randrange(1, 6)]["text"] = sentence(rng, zh, rng.randint(30, 60))
            elif kind == "indicator":
                data["revisions"] = [{"id": "R1", "type": "revised", "reason": sentence(rng, False, 15),
                                      "new": {"text": sentence(rng, zh, 20)}, "status": "proposed"}]
        if kind == "paper":
            data["status"] = "issued" if number == last else "draft"
        return validate(kind, data)

    def versions(self, *, legacy: bool = False) -> Iterator[dict]:
        rng = random.Random(self.seed)
        counts = dict.fromkeys(self.records(), 1)
        for _ in range(self.count["paper_versions"] - len(self.papers)):
            counts[("paper", rng.choice(self.papers))] += 1
        counts.update({("indicator", i): 2 for i in self.indicators})
        plan = [(kind, record_id, number) for (kind, record_id), n in counts.items() for number in range(1, n + 1)]
        plan.sort(key=lambda step: (step[2], rng.random()))  # first versions first, then revisions
        clock = dt.datetime(2012, 1, 1, tzinfo=dt.timezone.utc)
        previous: dict[tuple[str, str], str] = {}
        for seq, (kind, record_id, number) in enumerate(plan, start=1):
            key = (kind, record_id)
            clock += dt.timedelta(seconds=rng.randint(1, 60))
            stamp = clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            document = {"kind": kind, "id": record_id, "version": number, "based_on": number - 1 or None,
                        "author": rng.choice(AUTHORS), "recorded_at": stamp, "why": sentence(rng, False, 6),
                        "effective_from": stamp[:10], "deleted": False,
                        "data": self._version_data(kind, record_id, number, counts[key])}
            if not legacy:
                document["seq"] = seq
                document["hash"] = previous[key] = version_hash(document, previous.get(key, ""))
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
