"""The services the app and the CLI call: one facade over the store, built once per process.

``open_services`` gives services that act as nobody: they read, and refuse every change. A page
or a command acts as the signed-in account through ``services.acting_as(actor)``, a view over the
same store whose every save is checked against that account's rights and authored by it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import rights
from ..domain.records import SHARD_COUNTS, summarize, validate
from ..domain.rights import Actor
from ..store import open_store
from ..store.base import StoreBase
from .accounts import AccountService
from .decisions import DecisionService
from .demo import load_demo
from .diffs import DiffService
from .drafts import DraftService
from .evidence import EvidenceService
from .exports import ExportService
from .frameworks import FrameworkService
from .overview import OverviewService
from .papers import PaperService
from .records import RecordService
from .sessions import SessionService

#: how many evidence records a word search takes from the full-text index, best first
FULL_TEXT_MATCHES = 500

if TYPE_CHECKING:  # imported when first searched: the index and its analysers cost every command start-up
    from .search import SearchService


class Services:
    """Everything a page or a command needs, sharing one store (and so one set of locks)."""

    def __init__(self, store: StoreBase, actor: Actor | None = None, *, opened: "Services | None" = None):
        self.store = store
        self.actor = actor
        self._opened = opened or self  # the services open_services made, which own the search index
        self.records = RecordService(store, actor)
        self.papers = PaperService(self.records)
        self.frameworks = FrameworkService(self.records)
        self.decisions = DecisionService(self.records, self.papers, self.frameworks)
        self.diffs = DiffService(self.records)
        self.drafts = DraftService(store)
        self.exports = ExportService(self.records, self.papers, self.decisions)
        self.evidence = EvidenceService(self.records, full_text=self._evidence_in_full_text)
        self.overview = OverviewService(self.records, self.papers, self.frameworks, self.decisions)
        self.sessions = SessionService(self.records, self.papers, self.exports)
        self.accounts = AccountService(self.records)
        self._search: SearchService | None = None

    def acting_as(self, actor: Actor | None) -> "Services":
        """The same services over the same store (and search index), acting as ``actor``: cheap,
        one per page run; closing the services open_services made closes it too."""
        return Services(self.store, actor, opened=self._opened)

    @property
    def search(self) -> SearchService:
        """The search index beside the store, opened on first use (most commands never search)."""
        opened = self._opened
        if opened._search is None:
            from .search import SearchService
            opened._search = SearchService(self.store)
        return opened._search

    def _evidence_in_full_text(self, text: str) -> list[str]:
        """Ids of the evidence whose text the search index finds (the Evidence page's word search)."""
        return [result.record_id for result in self.search.search(text, kind="evidence", limit=FULL_TEXT_MATCHES)]

    def restore(self, file) -> int:
        """Restore a backup. Into a database with accounts only an administrator may; the store
        restores only into an empty folder, which has none, so there whoever may write to the
        folder restores, and the accounts come back with the backup."""
        if self.store.heads("account", include_deleted=True):
            rights.require(self.actor, rights.RESTORE)
        return self.store.restore(file)

    def verify(self, *, repair: bool = False):
        """The whole record checked against its hashes (store/verify.py): anyone may; ``repair``
        rebuilds the caches — the store's, and the search index — from the data: administrators only."""
        if repair:
            rights.require(self.actor, rights.REPAIR)
        report = self.store.verify(repair=repair)
        if repair:
            self.search.rebuild()
        return report

    def rebuild_search(self) -> int:
        """Forget the search index and absorb every version again (minutes at archive scale, and
        every search waits meanwhile): like the other repairs, administrators only."""
        rights.require(self.actor, rights.REPAIR)
        return self.search.rebuild()

    def warm_up(self) -> None:
        """Load now what the first page run would otherwise wait for (the app's server does this
        before it listens): every kind's listing from its catalog, the audit trail's tail (the
        Overview's latest changes check it against every kind), and the search index caught up
        (every page's sidebar box asks for that)."""
        for kind in self.store.kinds():
            self.store.heads_page(kind, limit=0)   # counts only: the listing loaded, no row built
        self.store.changes(limit=1)
        self.search.catch_up()

    def load_demo(self) -> int:
        return load_demo(self.records)

    def close(self) -> None:
        if self._opened._search is not None:
            self._opened._search.close()
        self.store.close()


def open_services(path: str | Path | None = None) -> Services:
    return Services(open_store(path, summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS))
