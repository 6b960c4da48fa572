"""What the Overview and History pages show: the state of play, and every change."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..domain import lifecycle
from ..domain.records import PAPER_STATUSES, SHOWN_KINDS, kind_of, parse_date
from ..domain.rights import SYSTEM
from ..store.versions import META_FIELDS
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
        counts = self.records.store.tally("paper", "session", "status")
        return [{"session": s, "status": st, "papers": n}
                for (s, st), n in sorted(counts.items(), key=lambda item: (-(item[0][0] or 0), item[0][1] or ""))]

    def session_progress(self) -> list[dict]:
        """Per session, the latest first: its papers per status, and its decision points adopted,
        still pending, deferred and withdrawn (tallied from the listings' summaries: no record read,
        no row built beyond the sessions')."""
        sessions = sorted(self.records.heads("session"), key=lambda h: -(h.get("number") or 0))
        wanted = {i for session in sessions for i in session.get("paper_ids", [])}
        status_of = {paper_id: status for (paper_id, status) in self.records.store.tally(
            "paper", "id", "status", where=lambda head: head.id in wanted)}
        decisions: dict[str, Counter] = {}
        for (paper_id, status), n in self.records.store.tally(
                "decision", "paper_id", "status", where=lambda head: head.get("paper_id") in wanted).items():
            decisions.setdefault(paper_id, Counter())[status] += n
        rows = []
        for session in sessions:
            ids = [i for i in session.get("paper_ids", []) if i in status_of]
            by_paper = Counter(status_of[i] or "" for i in ids)
            counts = sum((decisions.get(i, Counter()) for i in ids), Counter())
            rows.append({"session": session.get("number"), "opening": session.get("opening", ""),
                         "closing": session.get("closing", ""),
                         "papers": {status: by_paper[status] for status in PAPER_STATUSES if by_paper[status]},
                         "adopted": sum(counts[s] for s in lifecycle.ADOPTED),
                         "pending": sum(counts[s] for s in lifecycle.PENDING),
                         "deferred": counts["deferred"], "withdrawn": counts["withdrawn"]})
        return rows

    def pending_revisions(self, *, limit: int = 15) -> tuple[int, list[dict]]:
        """How many revisions are proposed and not yet in force, and rows for those of the first
        ``limit`` indicators that have any."""
        total, pairs = self.frameworks.pending_revisions(limit=limit)
        return total, [{"indicator": ind["id"], "label": ind.get("label", ""), "type": rev["type"],
                        "decision": rev.get("decision_id", ""), "reason": rev["reason"],
                        "proposed_on": rev.get("proposed_on", "")} for ind, rev in pairs]

    def changes(self, *, kind: str = "", author: str = "", since: str = "", until: str = "",
                record_id: str = "", limit: int = 200) -> list[dict]:
        """The audit trail newest first; dates are whole days (``until`` includes its day)."""
        since_at = parse_date(since).isoformat() if since else None
        until_at = parse_date(until).isoformat() + "T23:59:59.999999Z" if until else None
        if kind:
            shown_kind(kind)
        if record_id:
            return self._record_changes(kind, author, since_at, until_at, record_id, limit)
        asked = limit
        while True:  # secret kinds (credentials) are never shown: ask for more until ``limit`` are left
            found = self.records.store.changes(kind=kind or None, author=author or None, since=since_at,
                                               until=until_at, record_id=record_id or None, limit=asked)
            shown = [change for change in found if not kind_of(change["kind"]).secret]
            if len(shown) >= limit or len(found) < asked:
                return shown[:limit]
            asked *= 4

    def _record_changes(self, kind: str, author: str, since_at: str | None, until_at: str | None,
                        record_id: str, limit: int) -> list[dict]:
        """One record's changes from its own history (a few reads), not from the whole audit trail:
        the record of each kind shown with that id (or of ``kind``), filtered as ``changes`` does."""
        found = []
        for shown in ([kind] if kind else SHOWN_KINDS):
            for version in self.records.store.history(shown, record_id):
                if ((not author or version.author == author) and (since_at is None or version.recorded_at >= since_at)
                        and (until_at is None or version.recorded_at <= until_at)):
                    found.append({name: getattr(version, name) for name in META_FIELDS})
        return sorted(found, key=lambda change: change["seq"], reverse=True)[:limit]

    def authors(self) -> list[str]:
        """Everyone who recorded a version people see (the program itself only keeps secrets)."""
        return [author for author in self.records.store.authors() if author != SYSTEM.label]
