"""One w:p read into text, the way a reader of the printed page sees it.

``ParagraphReader`` walks a paragraph's content in document order: text, tabs and breaks; footnote
and endnote references (handed to a callback that returns the ``[^key]`` marker); hyperlinks
(their targets recorded, never fetched); tracked insertions and deletions (text kept as it was
before the change unless the change's id is accepted); comment anchors; and anything it cannot
represent as text (drawings, embedded objects, equations), reported as an unrecognised piece.
Content controls, smart tags and custom XML are read through. Field codes are skipped, their
results kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import unquote

from ..oxml import qn
from .formatting import Numbering, StyleInfo, StyleSheet, on
from .result import Link, TrackedChange

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_T, _DELTEXT, _R, _TAB, _BR, _CR = qn("w:t"), qn("w:delText"), qn("w:r"), qn("w:tab"), qn("w:br"), qn("w:cr")
_PPR, _RPR, _PSTYLE, _RSTYLE = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:rStyle")
_NUMPR, _NUMID, _ILVL, _OUTLINE = qn("w:numPr"), qn("w:numId"), qn("w:ilvl"), qn("w:outlineLvl")
_B, _SZ, _VAL, _ID, _RID = qn("w:b"), qn("w:sz"), qn("w:val"), qn("w:id"), qn("r:id")
_NOTE_REFS = {qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote"}
_INSERTED = {qn("w:ins"), qn("w:moveTo")}
_DELETED = {qn("w:del"), qn("w:moveFrom")}
_READ_THROUGH = {qn("w:smartTag"), qn("w:customXml"), qn("w:sdtContent"), qn("w:fldSimple"), qn("w:dir"),
                 qn("w:bdo"), qn("w:sdt")}
_COMMENT_ANCHORS = {qn("w:commentRangeStart"), qn("w:commentReference")}
_SKIP = {_PPR, _RPR, qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr"), qn("w:instrText"),
         qn("w:fldChar"), qn("w:lastRenderedPageBreak"), qn("w:footnoteRef"), qn("w:endnoteRef"),
         qn("w:separator"), qn("w:continuationSeparator"), qn("w:commentRangeEnd"), qn("w:sdtPr"),
         qn("w:sdtEndPr"), qn("w:permStart"), qn("w:permEnd"), qn("w:softHyphen"), qn("w:annotationRef"),
         qn("w:moveFromRangeStart"), qn("w:moveFromRangeEnd"), qn("w:moveToRangeStart"),
         qn("w:moveToRangeEnd"), qn("w:delInstrText"), qn("w:smartTagPr"), qn("w:customXmlPr"),
         qn("w:noProof"), qn("w:rsid")}
_UNREPRESENTABLE = {qn("w:drawing"): "a drawing or picture", qn("w:pict"): "a picture or text box",
                    qn("w:object"): "an embedded object", f"{{{MC}}}AlternateContent": "a drawing or text box",
                    "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath": "an equation",
                    "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara": "an equation",
                    qn("w:sym"): "a symbol-font character", qn("w:ptab"): None, qn("w:noBreakHyphen"): None}


@dataclass
class Para:
    """A paragraph as read: text with [^key] markers, and what its formatting says."""

    text: str
    style: StyleInfo
    num_format: str                   # '' (no list), 'decimal', 'lowerLetter', 'bullet' …
    outline: int | None               # heading level from the style or the paragraph (0 = top)
    all_bold: bool                    # every visible character bold (direct or by style)
    size: int | None                  # the smallest type size of its visible text (half-points)
    comment_ids: list[str] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)   # (what, the text inside it)

    @property
    def style_name(self) -> str:
        return self.style.name.lower()


class ParagraphReader:
    """Reads paragraphs of one part (document, footnotes, comments) with its relationships."""

    def __init__(self, styles: StyleSheet, numbering: Numbering, hyperlinks: dict[str, str], *,
                 accepted: frozenset, changes: list[TrackedChange], links: list[Link], seen_changes: set[str],
                 note_marker: Callable[[str, str], str] | None = None):
        self.styles, self.numbering, self.hyperlinks = styles, numbering, hyperlinks
        self.accepted, self.changes, self.links = accepted, changes, links
        self.note_marker = note_marker
        self._seen_changes = seen_changes     # shared by the readers of every part: ids unique in the file

    def read(self, p, where: str) -> Para:
        ppr = p.find(_PPR)
        style_id = ""
        num, outline = None, None
        if ppr is not None:
            ps = ppr.find(_PSTYLE)
            style_id = ps.get(_VAL, "") if ps is not None else ""
            numpr = ppr.find(_NUMPR)
            if numpr is not None:
                num_id, ilvl = numpr.find(_NUMID), numpr.find(_ILVL)
                num = (num_id.get(_VAL, "") if num_id is not None else "",
                       ilvl.get(_VAL, "0") if ilvl is not None else "0")
            level = ppr.find(_OUTLINE)
            if level is not None and (level.get(_VAL) or "").isdigit() and int(level.get(_VAL)) < 9:
                outline = int(level.get(_VAL))
        style = self.styles.info(style_id or self.styles.default_paragraph)
        num = num or style.num
        state = _State(style, where)
        self._content(p, state, True)
        para = Para("".join(state.parts), style, self.numbering.format(*num) if num else "",
                    outline if outline is not None else style.outline, state.bold is not False and state.visible,
                    state.size, state.comments, state.unknown)
        return para

    # ---- the walk ------------------------------------------------------------------------------
    def _content(self, parent, state: "_State", included: bool) -> None:
        for child in parent:
            tag = child.tag
            if tag == _R:
                self._run(child, state, included)
            elif tag in _SKIP or not isinstance(tag, str):
                continue
            elif tag == qn("w:hyperlink"):
                start = len(state.parts)
                self._content(child, state, included)
                text = "".join(state.parts[start:])
                target = self.hyperlinks.get(child.get(_RID, ""), "")
                if target:
                    if not text.strip():
                        state.parts.append(target)
                    elif unquote(target) not in unquote(text):
                        state.parts.append(f" ({target})")
                    self.links.append(Link(target, "hyperlink", text.strip(), state.where))
            elif tag in _INSERTED or tag in _DELETED:
                inserted = tag in _INSERTED
                change_id = self._change(child, state, inserted)
                accepted = change_id in self.accepted
                self._content(child, state, included and (accepted if inserted else not accepted))
            elif tag in _COMMENT_ANCHORS:
                cid = child.get(_ID, "")
                if cid not in state.comments:
                    state.comments.append(cid)
            elif tag in _READ_THROUGH:
                self._content(child, state, included)
            elif tag in _UNREPRESENTABLE:
                if _UNREPRESENTABLE[tag]:
                    state.unknown.append((_UNREPRESENTABLE[tag], _inner_text(child)))
            else:
                state.unknown.append((f"an element Word calls {child.tag.rsplit('}', 1)[-1]}", _inner_text(child)))

    def _change(self, node, state: "_State", inserted: bool) -> str:
        """Record a tracked change (each node is met once per read) under an id unique in the file."""
        change_id = node.get(_ID, "") or "change"
        key, n = change_id, 2
        while key in self._seen_changes:
            key, n = f"{change_id}.{n}", n + 1
        self._seen_changes.add(key)
        text = "".join((t.text or "") for t in node.iter(_T, _DELTEXT))
        self.changes.append(TrackedChange(key, "insertion" if inserted else "deletion",
                                          node.get(qn("w:author"), ""), node.get(qn("w:date"), ""),
                                          text, state.where))
        return key

    def _run(self, run, state: "_State", included: bool) -> None:
        rpr = run.find(_RPR)
        bold, size = state.style.bold, state.style.size
        if rpr is not None:
            rs = rpr.find(_RSTYLE)
            if rs is not None:
                char = self.styles.info(rs.get(_VAL, ""))
                bold = bold or char.bold
                size = char.size or size
            b = rpr.find(_B)
            if b is not None:
                bold = on(b)
            sz = rpr.find(_SZ)
            if sz is not None and (sz.get(_VAL) or "").isdigit():
                size = int(sz.get(_VAL))
        for child in run:
            tag = child.tag
            if tag == _T or tag == _DELTEXT:
                text = child.text or ""
                if included and text:
                    state.parts.append(text)
                    if text.strip():
                        state.visible = True
                        state.bold = bool(bold) if state.bold is None else (state.bold and bool(bold))
                        size = size or self.styles.default_size
                        state.size = size if state.size is None else min(state.size, size)
            elif not included or tag in _SKIP:
                continue
            elif tag == _TAB or tag == qn("w:ptab"):
                state.parts.append("\t")
            elif tag == _BR:
                if child.get(qn("w:type")) not in ("page", "column"):
                    state.parts.append("\n")
            elif tag == _CR:
                state.parts.append("\n")
            elif tag == qn("w:noBreakHyphen"):
                state.parts.append("\u2011")
            elif tag in _NOTE_REFS:
                kind, note_id = _NOTE_REFS[tag], child.get(_ID, "")
                if self.note_marker:
                    state.parts.append(self.note_marker(kind, note_id))
            elif tag in _COMMENT_ANCHORS:
                cid = child.get(_ID, "")
                if cid not in state.comments:
                    state.comments.append(cid)
            elif tag in _UNREPRESENTABLE:
                if _UNREPRESENTABLE[tag]:
                    state.unknown.append((_UNREPRESENTABLE[tag], _inner_text(child)))
            elif isinstance(tag, str):
                state.unknown.append((f"an element Word calls {tag.rsplit('}', 1)[-1]}", _inner_text(child)))


def _inner_text(node) -> str:
    """The words inside something that cannot be kept as text (a text box, a WordArt), for the review."""
    return " ".join("".join(t.text or "" for t in node.iter(_T)).split())[:300]


class _State:
    __slots__ = ("style", "where", "parts", "notes", "comments", "unknown", "bold", "size", "visible")

    def __init__(self, style: StyleInfo, where: str):
        self.style, self.where = style, where
        self.parts: list[str] = []
        self.comments: list[str] = []
        self.unknown: list[tuple[str, str]] = []
        self.bold: bool | None = None
        self.size: int | None = None
        self.visible = False
