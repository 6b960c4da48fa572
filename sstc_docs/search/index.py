"""The interface every search engine implements, and the shapes it answers with.

An index is a derived copy of the store: it holds the searchable form of every version (heads
and history alike), knows which version of each record is current, and remembers the highest
``seq`` it has absorbed — its *high water*. ``absorb`` adds versions and moves the high water in
one transaction, skipping any at or below it, so catching up is idempotent: two processes
catching up at once, or one resuming after a crash, end with the same index.

The engine ranks (BM25) and filters; analysing text into terms (``analyser``) and cutting
snippets (``snippets``) happen outside it, so SQLite FTS5 here and a PostgreSQL implementation
(``tsvector`` built from our terms with the 'simple' configuration, a GIN index, ``ts_rank_cd``
or a BM25 expression) return the same results for the same query.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Iterable

from .documents import Field, SearchDocument
from .query import ParsedQuery


@dataclass(frozen=True)
class Filters:
    """What results are narrowed to; empty values filter nothing. Dates are YYYY-MM-DD."""

    kind: str = ""
    session: int | None = None
    section: str = ""
    status: str = ""
    since: str = ""
    until: str = ""


def equal_filters(filters: Filters) -> list[tuple[str, object]]:
    """The filters on one value each (kind, section, status, session): (column, value)."""
    wanted = [("kind", filters.kind), ("section", filters.section.upper()), ("status", filters.status),
              ("session", filters.session)]
    return [(column, value) for column, value in wanted if value not in ("", None)]


def date_sql(filters: Filters) -> tuple[list[str], list]:
    """SQL conditions (``?`` placeholders) on the column ``day``. A record without a date is
    outside any period that ends."""
    conditions, parameters = [], []
    if filters.since:
        conditions.append("day >= ?")
        parameters.append(filters.since)
    if filters.until:
        conditions.append("day <> '' AND day <= ?")
        parameters.append(filters.until)
    return conditions, parameters


@dataclass
class Match:
    """One record found: its latest matching version, ranked by its best (``score``: the engine's
    own, lower is better), and every version that matched."""

    kind: str
    record_id: str
    version: int
    score: float
    current: bool
    title: str
    language: str
    fields: list[Field]
    matched_versions: list[int] = field(default_factory=list)


@dataclass
class Ranking:
    """Matches best first; ``complete`` is False when the query matched more versions than the
    engine ranks (the newest were ranked): more words or a filter give an exact ranking."""

    matches: list[Match]
    complete: bool = True


@dataclass(frozen=True)
class VersionState:
    version: int
    deleted: bool
    current: bool


class SearchIndex(ABC):
    """Storage and ranking for search, fed with ``SearchDocument``s in ``seq`` order."""

    @abstractmethod
    def high_water(self) -> int:
        """The highest ``seq`` absorbed (0 for an empty index)."""

    @abstractmethod
    def high_water_hash(self) -> str:
        """The hash of the version at the high water ("" if none): which history the index follows."""

    @abstractmethod
    def absorb(self, documents: Iterable[SearchDocument]) -> int:
        """Add the documents above the high water, in ``seq`` order, and move the high water —
        all in one transaction. Returns how many were added."""

    @abstractmethod
    def search(self, query: ParsedQuery, filters: Filters, *, any_version: bool, limit: int) -> Ranking:
        """Best first. Current versions only, or (``any_version``) one Match per record whose
        versions matched, with every matching version number."""

    @abstractmethod
    def versions(self, kind: str, record_id: str) -> list[VersionState]:
        """Every absorbed version of one record, oldest first."""

    @abstractmethod
    def clear(self) -> None:
        """Forget everything (high water back to 0): the first step of a rebuild."""

    @abstractmethod
    def stats(self) -> dict:
        """Documents held, high water, and size on disk where the engine can tell."""

    @abstractmethod
    def close(self) -> None:
        """Let go of files and connections."""
