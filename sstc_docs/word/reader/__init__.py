"""Reading Word files back: a .docx (ours or anyone's) into the paper record and a review.

Public API:
    read_paper(data, *, name, accepted_changes=(), symbol=None, strategy_id=None) -> ImportResult
    proposed_records(frameworks, …) -> (strategy, indicators)
"""

from .document import proposed_records, read_paper
from .result import Comment, FrameworkIndicator, FrameworkTable, ImportResult, Link, Piece, TrackedChange

__all__ = ["read_paper", "proposed_records", "ImportResult", "FrameworkTable", "FrameworkIndicator",
           "TrackedChange", "Comment", "Link", "Piece"]
