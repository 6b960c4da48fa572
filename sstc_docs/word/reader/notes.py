"""Footnotes, endnotes and comments: the parts the text points into, read into plain text.

A note's first run holds w:footnoteRef (Word prints the number there); what follows is the note's
text, its links with their targets. The separator notes (w:type separator / continuationSeparator)
are layout and skipped.
"""

from __future__ import annotations

from ..oxml import qn
from .paragraphs import ParagraphReader
from .result import Comment

_P = qn("w:p")


def _text(reader: ParagraphReader, element, where: str) -> tuple[str, list[tuple[str, str]]]:
    paras = [reader.read(p, where) for p in element.iter(_P)]
    unknown = [u for para in paras for u in para.unknown]
    return "\n".join(para.text.strip() for para in paras if para.text.strip()), unknown


def read_notes(root, reader: ParagraphReader, kind: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """note id → (text, unrecognised pieces) for one footnotes or endnotes part."""
    notes = {}
    if root is None:
        return notes
    for note in root:
        if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        note_id = note.get(qn("w:id"), "")
        notes[note_id] = _text(reader, note, f"{kind} {note_id}")
    return notes


def read_comments(root, reader: ParagraphReader) -> dict[str, Comment]:
    comments = {}
    if root is None:
        return comments
    for node in root.iter(qn("w:comment")):
        cid = node.get(qn("w:id"), "")
        text, _ = _text(reader, node, f"comment {cid}")
        comments[cid] = Comment(cid, node.get(qn("w:author"), ""), node.get(qn("w:date"), ""), text, "")
    return comments
