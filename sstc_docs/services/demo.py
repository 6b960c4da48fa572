"""Loading the demo data idempotently: each step is one expected version of one record."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..demo import demo_steps

if TYPE_CHECKING:
    from .records import RecordService


def load_demo(records: "RecordService") -> int:
    """Save every demo version not yet in the store, all in one unit of work, as the account
    ``records`` acts for; returns how many were
    saved (0 the second time). A step is identified by the version number it should become, so a
    database that holds part of the demo (an older release loaded it step by step) is completed
    instead of duplicated."""
    seen: Counter[tuple[str, str]] = Counter()
    saved = 0
    with records.unit(why="Demo data: the reference case."):
        for kind, record, why, effective_from in demo_steps():
            seen[(kind, record["id"])] += 1
            number = seen[(kind, record["id"])]
            existing = records.store.history(kind, record["id"])
            if len(existing) >= number:
                continue
            records.save(kind, record, why=why, base_version=number - 1 if number > 1 else None,
                         effective_from=effective_from)
            saved += 1
    return saved
