"""Showing diffs to people: HTML for the app, plain text for the CLI, a one-line summary."""

from __future__ import annotations

import html
from typing import Iterable

from .papers import DELETED, EDITED, INSERTED, MOVED, PaperDiff
from .records import RecordDiff
from .text import DELETE, INSERT, Segment

INS_STYLE = "background-color:#e6ffec;color:#116329;text-decoration:underline"
DEL_STYLE = "background-color:#ffebe9;color:#a40e26;text-decoration:line-through"


def segments_to_html(segments: Iterable[Segment], *, line_breaks: bool = False) -> str:
    """The text with HTML escaped, insertions in green ``<ins>``, deletions in red struck-through
    ``<del>`` (inline styles, so it renders the same anywhere); ``line_breaks`` turns newlines
    into ``<br>``."""
    out = []
    for segment in segments:
        text = html.escape(segment.text, quote=True)
        if line_breaks:
            text = text.replace("\n", "<br>\n")
        if segment.op == INSERT:
            out.append(f'<ins style="{INS_STYLE}">{text}</ins>')
        elif segment.op == DELETE:
            out.append(f'<del style="{DEL_STYLE}">{text}</del>')
        else:
            out.append(text)
    return "".join(out)


def segments_to_text(segments: Iterable[Segment]) -> str:
    """The text with ``[-deleted-]`` and ``{+inserted+}`` marked (wdiff convention)."""
    out = []
    for segment in segments:
        if segment.op == INSERT:
            out.append("{+" + segment.text + "+}")
        elif segment.op == DELETE:
            out.append("[-" + segment.text + "-]")
        else:
            out.append(segment.text)
    return "".join(out)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(labels: list[str]) -> str:
    """"paragraph 2" / "paragraphs 2 and 5" / "paragraph 2 and heading “Scope”"."""
    numbers = [label.split(" ", 1)[1] for label in labels if label.startswith("paragraph ")]
    if len(numbers) == len(labels) and len(numbers) > 1:
        return "paragraphs " + _and(numbers)
    return _and(labels)


def _fields_phrase(diff: RecordDiff) -> str:
    return _plural(len(diff.changes), "field") + " changed" if diff.changes else ""


def summary(diff: RecordDiff | PaperDiff) -> str:
    """One line: "3 fields changed; paragraph 2 edited, 1 inserted, paragraph 3 moved".

    Edited and moved blocks are named (by their number in the old version) when there are
    three or fewer, else counted; inserted and deleted blocks are counted.
    """
    if isinstance(diff, RecordDiff):
        if diff.op == "added":
            return f"new {diff.kind}"
        if diff.op == "removed":
            return f"{diff.kind} removed"
        return _fields_phrase(diff) or "no changes"
    if diff.fields.op == "added":
        return f"new paper with {_plural(len(diff.blocks), 'block')}"
    if diff.fields.op == "removed":
        return "paper removed"
    pieces = []
    for status in (EDITED, INSERTED, DELETED, MOVED):
        blocks = diff.with_status(status)
        if not blocks:
            continue
        if status in (EDITED, MOVED) and len(blocks) <= 3:
            pieces.append(f"{_names([b.label for b in blocks])} {status}")
        else:
            pieces.append(f"{len(blocks)} {status}")
    parts = [p for p in (_fields_phrase(diff.fields), ", ".join(pieces)) if p]
    return "; ".join(parts) or "no changes"
