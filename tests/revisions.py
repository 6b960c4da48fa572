"""The way tests change the demo's issued paper, as a user must: through its revised paper (Rev.)."""

from __future__ import annotations

from sstc_docs import demo as seed
from sstc_docs.domain.symbols import parse_symbol

REVISED = f"{seed.PAPER_ID}(Rev.)"


def start_revision(services, paper_id: str = seed.PAPER_ID, *, why: str = "Revision started"):
    """Save the issued paper's successor (Rev.), in draft and otherwise unchanged, as its next
    version: what the Papers page's "Start the revision" does before anyone types."""
    latest = services.records.get("paper", paper_id)
    successor = str(parse_symbol(latest.data["symbol"]).revised())
    return services.papers.update(paper_id, dict(latest.data, symbol=successor, status="draft"), why=why,
                                  base_version=latest.version)
