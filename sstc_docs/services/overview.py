"""What the Overview and History pages show: the state of play, and every change."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..domain import lifecycle
from ..domain.records import PAPER_STATUSES, kind_of, parse_date
from ..domain.rights import SYSTEM
from .records import shown_kind

if TYPE_CHECKING:
    from .decisions import DecisionService
    from .frameworks import FrameworkService
    from .papers import PaperService
    from .records import RecordService


class OverviewService:
    def __init__(self, records: "RecordService", papers: "PaperService", frameworks: "FrameworkService",
                 decisions: "DecisionService"):
        self.records = records
        self.papers = papers
        self.frameworks = frameworks
        self.decisions = decisions

    def papers_by_session(self) -> list[dict]:
        """One row per (session, status) with the number of papers, newest session first."""
        counts = Counter((h.get("session"), h.get("status")) for h in self.papers.list())
        return [{"session": s, "status": st, "papers": n}
                for (s, st), n in sorted(counts.items(), key=lambda item: (-(item[0][0] or 0), item[0][1] or ""))]

    def session_progress(self) -> list[dict]:
        """Per session, the latest first: its papers per status, and its decision points adopted,
        still pending, deferred and withdrawn (from the listings' summaries, no record read)."""
        papers = {h["id"]: h for h in self.papers.list()}
        decisions: dict[str, Counter] = {}
        for head in self.records.heads("decision"):
            decisions.setdefault(head.get("paper_id", ""), Counter())[head.get("status", "")] += 1
        rows = []
        for session in sorted(self.records.heads("session"), key=lambda h: -(h.get("number") or 0)):
            ids = [i for i in session.get("paper_ids", []) if i in papers]
            by_paper = Counter(papers[i].get("status", "") for i in ids)
            counts = sum((decisions.get(i, Counter()) for i in ids), Counter())
            rows.append({"session": session.get("number"), "opening": session.get("opening", ""),
                         "closing": session.get("closing", ""),
                         "papers": {status: by_paper[status] for status in PAPER_STATUSES if by_paper[status]},
                         "adopted": sum(counts[s] for s in lifecycle.ADOPTED),
                         "pending": sum(counts[s] for s in lifecycle.PENDING),
                         "deferred": counts["deferred"], "withdrawn": counts["withdrawn"]})
        return rows

    def pending_revisions(self) -> list[dict]:
        return [{"indicator": ind["id"], "label": ind.get("label", ""), "type": rev["type"],
                 "decision": rev.get("decision_id", ""), "reason": rev["reason"], "proposed_on": rev.get("proposed_on", "")}
                for ind, rev in self.frameworks.pending_revisions()]

    def changes(self, *, kind: str = "", author: str = "", since: str = "", until: str = "",
                record_id: str = "", limit: int = 200) -> list[dict]:
        """The audit trail newest first; dates are whole days (``until`` includes its day)."""
        since_at = parse_date(since).isoformat() if since else None
        until_at = parse_date(until).isoformat() + "T23:59:59.999999Z" if until else None
        if kind:
            shown_kind(kind)
        asked = limit
        while True:  # secret kinds (credentials) are never shown: ask for more until ``limit`` are left
            found = self.records.store.changes(kind=kind or None, author=author or None, since=since_at,
                                               until=until_at, record_id=record_id or None, limit=asked)
            shown = [change for change in found if not kind_of(change["kind"]).secret]
            if len(shown) >= limit or len(found) < asked:
                return shown[:limit]
            asked *= 4

    def authors(self) -> list[str]:
        """Everyone who recorded a version people see (the program itself only keeps secrets)."""
        return [author for author in self.records.store.authors() if author != SYSTEM.label]
