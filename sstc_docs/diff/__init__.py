"""Diffs of texts, values, records and papers — pure functions over JSON-shaped dicts.

* :func:`diff_text` — word-level for spaced scripts, character-level for Chinese and other
  scripts written without spaces, mixed text handled token by token (``tokens.tokenize``);
* :func:`diff_value` — one value, old → new (texts with segments, numbers with their delta,
  baselines/targets with the segments of how they read);
* :func:`diff_records` — every changed field of a record by dotted path;
* :func:`diff_papers` — a paper's fields and its body block by block (edited, inserted,
  deleted, moved, unchanged), footnotes following their blocks;
* :func:`segments_to_html`, :func:`segments_to_text`, :func:`summary` — for the app and CLI.

Everything returned is a frozen dataclass with ``to_json()``. No I/O happens here.
"""

from .papers import (EDIT_THRESHOLD, MOVE_THRESHOLD, BlockDiff, FootnoteDiff, PaperDiff, diff_bodies,
                     diff_papers)
from .records import FieldChange, RecordDiff, diff_fields, diff_records, diff_value, is_quantity
from .render import segments_to_html, segments_to_text, summary
from .text import (DELETE, EQUAL, INSERT, Segment, changed_text, diff_text, diff_tokens, new_text, old_text,
                   similarity)
from .tokens import tokenize

__all__ = [
    "BlockDiff", "DELETE", "EDIT_THRESHOLD", "EQUAL", "FieldChange", "FootnoteDiff", "INSERT",
    "MOVE_THRESHOLD", "PaperDiff", "RecordDiff", "Segment", "changed_text", "diff_bodies", "diff_fields",
    "diff_papers", "diff_records", "diff_text", "diff_tokens", "diff_value", "is_quantity", "new_text",
    "old_text", "segments_to_html", "segments_to_text", "similarity", "summary", "tokenize",
]
