"""Search for the app and the CLI: parse, catch the index up with the store, rank, cut snippets.

Never stale, without any hook in the store: the index remembers the highest ``seq`` it absorbed,
and before every query ``catch_up`` compares it with ``store.last_seq()`` (one read of the
journal's last line) and absorbs what is missing from ``store.versions_since``. Saves made by
another process, a crash between a save and its indexing, a deleted index file — all end the
same way: the next query catches up. ``after_save`` is the same call, for a caller who wants
the index warm right after saving. ``rebuild`` starts from nothing (``verify --repair``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain.records import check_kind, parse_date
from ..domain.symbols import record_order
from ..errors import ValidationError
from ..search.documents import document_for
from ..search.index import Filters, Match, SearchIndex, VersionState
from ..search.query import parse_query
from ..search.snippets import Snippet, best_snippet
from ..search.sqlite_index import SqliteSearchIndex

if TYPE_CHECKING:
    from ..store import Store
    from ..store.base import Where

BATCH = 5000  # versions per transaction
SUGGESTIONS = 50  # the most a picker offers: a list someone can read, whatever the archive's size
INDEX_FILE = "search.sqlite"


@dataclass(frozen=True)
class Appearance:
    """A stretch of versions the text was in: from ``appeared`` until ``disappeared`` (None: still there)."""

    appeared: int
    disappeared: int | None
    deleted: bool = False  # it disappeared because the record was deleted

    def __str__(self) -> str:
        """How the app and the command line say it: "appeared in v1, gone in v3"."""
        gone = ("still in the latest version" if self.disappeared is None else
                f"{'deleted' if self.deleted else 'gone'} in v{self.disappeared}")
        return f"appeared in v{self.appeared}, {gone}"


@dataclass
class SearchResult:
    kind: str
    record_id: str
    version: int
    title: str
    current: bool
    snippet: Snippet | None
    score: float
    latest_version: int
    matched_versions: list[int] = field(default_factory=list)
    appearances: list[Appearance] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"kind": self.kind, "id": self.record_id, "version": self.version, "current": self.current,
                "latest_version": self.latest_version, "title": self.title, "score": round(self.score, 4),
                "snippet": self.snippet.to_json() if self.snippet else None,
                "matched_versions": self.matched_versions,
                "appearances": [{"appeared": a.appeared, "disappeared": a.disappeared, "deleted": a.deleted}
                                for a in self.appearances]}


class SearchResults(list):
    """The results, best first, and whether every match was ranked (False: the query matched more
    than the engine ranks, and the newest matches were ranked — more words narrow it)."""

    def __init__(self, results=(), *, ranked_all: bool = True):
        super().__init__(results)
        self.ranked_all = ranked_all


class SearchService:
    """One search index kept beside one store; safe to share between a server's sessions."""

    def __init__(self, store: "Store", index: SearchIndex | None = None):
        self.store = store
        self.index = index or open_index(store)
        self._catching_up = threading.Lock()
        self._history_checked = False

    def search(self, text: str, *, kind: str = "", session: int | None = None, section: str = "",
               status: str = "", since: str = "", until: str = "", any_version: bool = False,
               limit: int = 20) -> "SearchResults":
        """Results best first; current text only unless ``any_version``."""
        query = parse_query(text)
        filters = _filters(kind, session, section, status, since, until)
        self.catch_up()
        ranking = self.index.search(query, filters, any_version=any_version, limit=limit)
        return SearchResults((self._result(m, query, any_version) for m in ranking.matches),
                             ranked_all=ranking.complete)

    def suggest(self, kind: str, text: str, *, limit: int = SUGGESTIONS, where: "Where | None" = None) -> list[dict]:
        """What a picker offers for what someone typed: at most ``limit`` head rows of ``kind``.

        Nothing typed: the first records in list order. Else, best first: the record whose id (or a
        paper's symbol) is exactly the text; records whose id, symbol or title holds every word typed
        (in list order); then full-text matches from the index. Only the rows offered are built, so a
        picker over 100,000 records costs what one over 50 does."""
        kind = check_kind(kind)
        order = suggestion_order(kind)
        text = " ".join((text or "").split())
        if not text:
            return self.store.heads_page(kind, where=where, order=order, limit=limit).rows
        words = text.casefold().split()
        exact = self.store.heads_page(kind, where=where, ids=[text, text.upper()], limit=1).rows
        if kind == "paper" and not exact:
            exact = self.store.heads_page(kind, limit=1, where=lambda head: head.get("symbol") == text
                                          and (where is None or where(head))).rows

        def holds_the_words(head) -> bool:
            said = f"{head.id} {head.get('symbol') or ''} {head.get('title') or ''}".casefold()
            return all(word in said for word in words) and (where is None or where(head))

        rows = {row["id"]: row for row in exact}
        for row in self.store.heads_page(kind, where=holds_the_words, order=order, limit=limit).rows:
            rows.setdefault(row["id"], row)
        if len(rows) < limit:
            try:
                ranked = [result.record_id for result in self.search(text, kind=kind, limit=limit)]
            except ValidationError:  # text the query language refuses (a lone "-"): the plain matches stand
                ranked = []
            found = {row["id"]: row for row in self.store.heads_page(kind, where=where, ids=ranked, limit=limit).rows}
            for record_id in ranked:
                if record_id in found:
                    rows.setdefault(record_id, found[record_id])
        return list(rows.values())[:limit]

    def catch_up(self) -> int:
        """Absorb every version the store recorded since the index's high water; returns how many."""
        with self._catching_up:
            if not self._history_checked:
                self._forget_another_history()
            absorbed = 0
            while True:
                high_water, newest = self.index.high_water(), self.store.last_seq()
                if newest < high_water:  # the index describes another history (a restored database)
                    self.index.clear()
                    continue
                if newest == high_water:
                    return absorbed
                batch = self.store.versions_since(high_water, limit=BATCH)
                if not batch:
                    return absorbed
                absorbed += self.index.absorb(document_for(v) for v in batch)

    after_save = catch_up

    def _forget_another_history(self) -> None:
        """Once per service: clear an index whose last version is not the store's version of that
        ``seq`` (a database restored or replaced under an old index file)."""
        high_water, expected = self.index.high_water(), self.index.high_water_hash()
        if high_water and expected:
            there = self.store.versions_since(high_water - 1, limit=1)
            if not there or there[0].seq != high_water or there[0].hash != expected:
                self.index.clear()
        self._history_checked = True

    def rebuild(self) -> int:
        """Forget the index and absorb every version again; returns how many."""
        self.index.clear()
        return self.catch_up()

    def stats(self) -> dict:
        return self.index.stats()

    def close(self) -> None:
        self.index.close()

    def _result(self, match: Match, query, any_version: bool) -> SearchResult:
        states = self.index.versions(match.kind, match.record_id)
        result = SearchResult(match.kind, match.record_id, match.version, match.title, match.current,
                              best_snippet(match.fields, match.language, query), match.score,
                              latest_version=states[-1].version if states else match.version)
        if any_version:
            result.matched_versions = match.matched_versions
            result.appearances = appearances(match.matched_versions, states)
        return result


def suggestion_order(kind: str):
    """The order records of ``kind`` are listed in: papers and their decision points by symbol (GB.316
    after GB.99, item 10 after item 9), everything else by id."""
    return (lambda head: record_order(head.id)) if kind in ("paper", "decision") else None


def open_index(store) -> SearchIndex:
    """The index beside a store: in PostgreSQL for a PostgreSQL store (it has a ``url``), else the
    file ``search.sqlite`` in the database folder."""
    url = getattr(store, "url", None)
    if url:
        from ..search.postgres_index import PostgresSearchIndex  # psycopg only for those who use it

        return PostgresSearchIndex(url)
    return SqliteSearchIndex(store.path / INDEX_FILE)


def appearances(matched: list[int], states: list[VersionState]) -> list[Appearance]:
    """The stretches of consecutive versions that matched, each with the version that dropped it."""
    found, wanted = [], set(matched)
    start = None
    for state in states:
        if state.version in wanted and start is None:
            start = state.version
        elif state.version not in wanted and start is not None:
            found.append(Appearance(start, state.version, state.deleted))
            start = None
    if start is not None:
        found.append(Appearance(start, None))
    return found


def _filters(kind, session, section, status, since, until) -> Filters:
    if kind:
        check_kind(kind)
    if session is not None and (isinstance(session, bool) or not isinstance(session, int) or session < 1):
        raise ValidationError(f"'{session}' is not a session number (e.g. 316)", field="session")
    since = parse_date(since).isoformat() if since else ""
    until = parse_date(until).isoformat() if until else ""
    if since and until and since > until:
        raise ValidationError(f"the period ends ({until}) before it starts ({since})", field="until")
    return Filters(kind or "", session, (section or "").strip().upper(), (status or "").strip(), since, until)
