"""Papers: drafting, numbering, and the exact versions an export is built from."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..diff import diff_papers
from ..domain.agenda import cover_dates, placement
from ..domain.bundle import PaperBundle, assemble, decision_paragraph_numbers
from ..domain.records import parse_date
from ..domain.symbols import parse_symbol, symbol_order
from ..errors import NotFound
from .records import MAX_LISTED

if TYPE_CHECKING:
    from ..store import Version
    from ..store.base import HeadsPage
    from .records import RecordService


def blank_paper(symbol: str, title: str, language: str = "en") -> dict:
    """A new paper with every front-matter entry present and empty (printed as None)."""
    parsed = parse_symbol(symbol)
    return {"symbol": str(parsed), "title": title, "language": language, "original_language": language,
            "agenda_item": parsed.item, "action": "decision", "status": "draft", "body": [],
            "decision_ids": [], "front_matter": {}}


class PaperService:
    def __init__(self, records: "RecordService"):
        self.records = records

    def list(self, *, session: int | None = None, section: str = "", status: str = "", language: str = "",
             text: str = "") -> list[dict]:
        """Every paper matching the filters, in ``page``'s order (the command line's list)."""
        return self.page(session=session, section=section, status=status, language=language, text=text,
                         limit=MAX_LISTED).rows

    def page(self, *, session: int | None = None, section: str = "", status: str = "", language: str = "",
             text: str = "", offset: int = 0, limit: int = 50) -> "HeadsPage":
        """One page of the papers, newest session first, then in symbol order (items as numbers),
        filtered; ``text`` matches symbol or title, any case; and how many match in all."""
        needle = text.strip().lower()

        def wanted(head) -> bool:
            return ((session is None or head.get("session") == session)
                    and (not section or head.get("section") == section)
                    and (not status or head.get("status") == status)
                    and (not language or head.get("language") == language)
                    and (not needle or needle in (head.get("symbol") or "").lower()
                         or needle in (head.get("title") or "").lower()))

        return self.records.store.heads_page(
            "paper", where=wanted, offset=offset, limit=limit,
            order=lambda head: (-(head.get("session") or 0), symbol_order(head.get("symbol") or "")))

    def sessions(self) -> list[int]:
        """The sessions papers belong to, newest first (for a filter: a few dozen, whatever the archive)."""
        return sorted((s for (s,) in self.records.store.tally("paper", "session") if s), reverse=True)

    def create(self, data: dict, *, why: str) -> "Version":
        return self.records.save("paper", data, why=why, base_version=None)

    def update(self, paper_id: str, data: dict, *, why: str, base_version: int) -> "Version":
        data = dict(data, id=self.records.resolve_id("paper", paper_id))
        return self.records.save("paper", data, why=why, base_version=base_version)

    def decision_paragraph(self, paper: dict, decision_id: str) -> int:
        """The paragraph number a decision prints under: the next after the numbered paragraphs."""
        ids = paper.get("decision_ids", [])
        if decision_id not in ids:
            raise NotFound(f"decision {decision_id} is not part of paper {paper.get('symbol')}")
        return decision_paragraph_numbers(paper.get("body", []), len(ids))[ids.index(decision_id)]

    def _related(self, kind: str, record_id: str, as_of: str | None, recorded_by: str | None) -> "Version | None":
        """For a paper version recorded before papers pinned their parts: one referenced record, as
        at a date (valid time) or as it was when the paper version was saved."""
        try:
            if as_of:
                return self.records.get(kind, record_id, as_of=as_of)
            if recorded_by is None:
                return self.records.get(kind, record_id)
            versions = [v for v in self.records.history(kind, record_id)
                        if v.recorded_at <= recorded_by and not v.deleted]
            return versions[-1] if versions else None
        except NotFound:
            return None

    def _part(self, paper: dict, kind: str, record_id: str, as_of: str | None, recorded_by: str | None,
              ) -> "Version | None":
        """The exact version of a part the paper version pins (or, unpinned, the best match)."""
        pinned = paper.get("pinned")
        if not pinned:
            return self._related(kind, record_id, as_of, recorded_by)
        number = pinned.get(f"{kind}:{record_id}")
        return self.records.get(kind, record_id, number) if number else None

    def bundle(self, paper_id: str, version: int | None = None, *, as_of: str | None = None) -> PaperBundle:
        """Everything one paper version prints, with the exact version of each record it used.

        A paper version pins its parts, so version N prints the same forever. ``as_of`` chooses
        the paper version in force that day (and which indicator revisions count on it).
        """
        if as_of:
            as_of = parse_date(as_of).isoformat()
        paper_version = self.records.get("paper", paper_id, version, as_of=as_of)
        if paper_version.deleted:
            raise NotFound(f"paper {paper_id} was deleted in version {paper_version.version}")
        latest = self.records.get("paper", paper_id).version if version is not None else paper_version.version
        recorded_by = None if (as_of or paper_version.version == latest) else paper_version.recorded_at
        paper = copy.deepcopy(paper_version.data)
        sources = {f"paper:{paper['id']}": paper_version.version}
        hashes = {f"paper:{paper['id']}": paper_version.hash}
        strategies, indicators, decisions = {}, {}, []
        for block in paper["body"]:
            if block["type"] != "framework" or block["strategy_id"] in strategies:
                continue
            strategy = self._part(paper, "strategy", block["strategy_id"], as_of, recorded_by)
            if strategy is None:
                continue
            strategies[strategy.id] = strategy.data
            sources[f"strategy:{strategy.id}"] = strategy.version
            hashes[f"strategy:{strategy.id}"] = strategy.hash
            for outcome in strategy.data["outcomes"]:
                for indicator_id in outcome["indicator_ids"]:
                    indicator = self._part(paper, "indicator", indicator_id, as_of, recorded_by)
                    if indicator is not None:
                        indicators[indicator_id] = indicator.data
                        sources[f"indicator:{indicator_id}"] = indicator.version
                        hashes[f"indicator:{indicator_id}"] = indicator.hash
        segment = ""
        session = self._part(paper, "session", str(paper["session"]), as_of, recorded_by) if paper.get("session") \
            else None
        if session is not None:
            # the cover prints the session's own dates, and the segment of the paper's agenda item
            paper["session_dates"] = cover_dates(session.data, paper.get("language", "en"))
            placed = placement(session.data, paper["id"])
            segment = placed[1]["segment"] if placed else ""
            sources[f"session:{session.id}"] = session.version
            hashes[f"session:{session.id}"] = session.hash
        for decision_id in paper["decision_ids"]:
            decision = self._part(paper, "decision", decision_id, as_of, recorded_by)
            if decision is not None:
                decisions.append((decision.data, decision.version))
                sources[f"decision:{decision_id}"] = decision.version
                hashes[f"decision:{decision_id}"] = decision.hash
        bundle = assemble(paper, paper_version.version, strategies=strategies, indicators=indicators,
                          decisions=decisions, sources=sources, on=as_of, author=paper_version.author,
                          recorded_at=paper_version.recorded_at, segment=segment,
                          revised_paragraphs=self.revised_paragraphs(paper_id, paper_version))
        bundle.hashes = hashes
        return bundle

    def revised_paragraphs(self, paper_id: str, version: "Version") -> tuple[int, ...]:
        """For a revised paper (its symbol has (Rev.)), the numbers of the paragraphs that differ
        from the version it replaces: the latest earlier version printed under another symbol."""
        symbol = parse_symbol(version.data["symbol"])
        if not symbol.suffix.startswith("Rev"):
            return ()
        replaced = next((v for v in reversed(self.records.history("paper", paper_id)[:version.version - 1])
                         if not v.deleted and v.data.get("symbol") != version.data["symbol"]), None)
        if replaced is None:
            return ()
        changed = diff_papers(replaced.data, version.data).blocks
        return tuple(sorted({block.new_number for block in changed if block.new_number is not None
                             and block.status in ("edited", "inserted", "moved")
                             and (block.status != "moved" or block.text_changed)}))
