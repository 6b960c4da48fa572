"""The services the app and the CLI call: one facade over the store, built once per process."""

from __future__ import annotations

from pathlib import Path

from ..domain.records import SHARD_COUNTS, summarize, validate
from ..store import open_store
from ..store.base import StoreBase
from .decisions import DecisionService
from .demo import load_demo
from .diffs import DiffService
from .evidence import EvidenceService
from .exports import ExportService
from .frameworks import FrameworkService
from .overview import OverviewService
from .papers import PaperService
from .records import RecordService
from .search import SearchService
from .sessions import SessionService


class Services:
    """Everything a page or a command needs, sharing one store (and so one set of locks)."""

    def __init__(self, store: StoreBase):
        self.store = store
        self.records = RecordService(store)
        self.papers = PaperService(self.records)
        self.frameworks = FrameworkService(self.records)
        self.decisions = DecisionService(self.records, self.papers, self.frameworks)
        self.diffs = DiffService(self.records)
        self.exports = ExportService(self.records, self.papers, self.decisions)
        self.evidence = EvidenceService(self.records)
        self.overview = OverviewService(self.records, self.papers, self.frameworks, self.decisions)
        self.sessions = SessionService(self.records, self.papers, self.exports)
        self._search: SearchService | None = None

    @property
    def search(self) -> SearchService:
        """The search index beside the store, opened on first use (most commands never search)."""
        if self._search is None:
            self._search = SearchService(self.store)
        return self._search

    def verify(self, *, repair: bool = False):
        """The whole record checked against its hashes (store/verify.py); ``repair`` rebuilds the
        caches — the store's, and the search index — from the data."""
        report = self.store.verify(repair=repair)
        if repair:
            self.search.rebuild()
        return report

    def load_demo(self) -> int:
        return load_demo(self.records)

    def close(self) -> None:
        if self._search is not None:
            self._search.close()
        self.store.close()


def open_services(path: str | Path | None = None) -> Services:
    return Services(open_store(path, summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS))
