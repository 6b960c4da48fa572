"""``read_paper``: a .docx read into the paper record, its decisions and frameworks, and a review.

The body is first read into a flat list of paragraphs and tables (``Item``), every piece with
the place a person would look for it in Word; then one pass (``classify.Classifier``) walks the
list the way the house format reads: cover → front matter → body (paragraphs, headings, framework
blocks) → "Draft decision". Whatever does not fit is kept in ``unrecognised`` with its place, never
dropped silently; whatever a paper needs and the file lacks is listed in ``missing``.
"""

from __future__ import annotations

from ...domain.records import FOOTNOTE_MARKER, validate
from ...domain.symbols import parse_symbol
from ...errors import ValidationError
from ..oxml import qn
from . import cover as _cover
from .classify import Classifier, Item
from .formatting import Numbering, StyleSheet
from .framework import proposed_records
from .notes import read_comments, read_notes
from .package import DEFAULT_MAX_UPLOAD_MB, Package, refuse
from .paragraphs import ParagraphReader
from .properties import core_subject, provenance
from .result import ImportResult, Link, Piece

__all__ = ["read_paper", "proposed_records"]

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T = qn("w:t")
_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
_LAYOUT = {qn("w:sectPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr"), qn("w:sdtPr"),
           qn("w:sdtEndPr"), qn("w:permStart"), qn("w:permEnd"), qn("w:commentRangeStart"),
           qn("w:commentRangeEnd"), qn("w:moveFromRangeStart"), qn("w:moveFromRangeEnd"),
           qn("w:moveToRangeStart"), qn("w:moveToRangeEnd"), qn("w:customXmlPr")}
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def snippet(text: str, size: int = 40) -> str:
    flat = " ".join(FOOTNOTE_MARKER.sub("", text).split())
    return flat if len(flat) <= size else flat[:size - 1] + "…"


def read_paper(data: bytes, *, name: str, accepted_changes=(), symbol: str | None = None,
               strategy_id: str | None = None, max_upload_mb: float | None = None) -> ImportResult:
    """Read an uploaded .docx into the paper structure; refuses unsafe or non-Word input.

    ``accepted_changes``: ids of tracked changes to accept; the default accepts none, so the text
    is the text as it stood before the tracked changes and every change is listed as a proposal.
    ``symbol`` overrides (or supplies) the document symbol; ``strategy_id`` names the strategy the
    framework tables belong to (else the one the file was exported from, else a new one).
    """
    limit = int((max_upload_mb or DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024)
    package = Package(data, name, max_bytes=limit)
    return _Reader(package, frozenset(accepted_changes or ()), symbol, strategy_id).result()


class _Reader:
    def __init__(self, package: Package, accepted: frozenset, symbol: str | None, strategy_id: str | None):
        self.package, self.accepted = package, accepted
        self.given_symbol, self.given_strategy = (symbol or "").strip(), (strategy_id or "").strip()
        self.changes, self.links, self.unrecognised = [], [], []
        self.note_order: list[tuple[str, str, str]] = []      # (key, kind, note id) in document order
        main = package.main
        self.main_rels = package.rels(main)
        self.styles = StyleSheet(self._related_xml("styles"))
        self.numbering = Numbering(self._related_xml("numbering"))
        self.seen_changes: set[str] = set()
        self.reader = ParagraphReader(self.styles, self.numbering, self._hyperlinks(main, self.main_rels),
                                      accepted=accepted, changes=self.changes, links=self.links,
                                      seen_changes=self.seen_changes, note_marker=self._marker)
        self.provenance = provenance(package)
        root = package.xml(main)
        body = root.find(qn("w:body"))
        if body is None:
            raise refuse(package.name, "word/document.xml has no body", "a Word document with text is needed")
        self.counter = {"p": 0, "t": 0}
        self.items: list[Item] = []
        self.current: int | None = None     # the item being classified: where a piece found now belongs
        self._collect(body)          # first, so tracked changes are listed in reading order: body, then notes
        self.notes = {"footnote": self._notes("footnotes", "footnote"), "endnote": self._notes("endnotes", "endnote")}
        comments_part = self._related("comments")
        self.comments = read_comments(package.xml(comments_part),
                                      self._part_reader(comments_part)) if comments_part else {}

    # ---- parts ---------------------------------------------------------------------------------
    def _related(self, kind: str) -> str:
        for rel in self.main_rels:
            if rel.type == _REL + kind and not rel.external and self.package.has(rel.target):
                return rel.target
        return ""

    def _related_xml(self, kind: str):
        part = self._related(kind)
        return self.package.xml(part) if part else None

    def _hyperlinks(self, part: str, rels) -> dict[str, str]:
        found = {}
        for rel in rels:
            if rel.external:
                if rel.kind == "hyperlink":
                    found[rel.id] = rel.target
                else:
                    self.links.append(Link(rel.target, rel.kind, "", f"{part} (external {rel.kind}, not fetched)"))
        return found

    def _part_reader(self, part: str) -> ParagraphReader:
        return ParagraphReader(self.styles, self.numbering, self._hyperlinks(part, self.package.rels(part)),
                               accepted=self.accepted, changes=self.changes, links=self.links,
                               seen_changes=self.seen_changes)

    def _notes(self, kind: str, name: str) -> dict:
        part = self._related(kind)
        return read_notes(self.package.xml(part), self._part_reader(part), name) if part else {}

    def _marker(self, kind: str, note_id: str) -> str:
        key = str(len(self.note_order) + 1)
        self.note_order.append((key, kind, note_id))
        return f"[^{key}]"

    # ---- the body as items -------------------------------------------------------------------------
    def _collect(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self.counter["p"] += 1
                where = f"¶ {self.counter['p']}"
                changes, links = len(self.changes), len(self.links)
                para = self.reader.read(child, where)
                where = f"{where} (“{snippet(para.text)}”)"
                for found in self.changes[changes:] + self.links[links:]:
                    found.where = where
                self.items.append(Item(where, para=para))
            elif tag == _TBL:
                self.counter["t"] += 1
                number = self.counter["t"]
                rows = []
                for r, tr in enumerate(child.iter(_TR), start=1):
                    rows.append([[self.reader.read(p, f"table {number}, row {r}, cell {c}") for p in tc.iter(_P)]
                                 for c, tc in enumerate(tr.iter(_TC), start=1)])
                self.items.append(Item(f"table {number}", rows=rows))
            elif tag in _CONTAINERS:
                self._collect(child)
            elif isinstance(tag, str) and tag not in _LAYOUT:
                self.unrecognised.append(Piece(f"after ¶ {self.counter['p']}",
                                               f"an element Word calls {tag.rsplit('}', 1)[-1]}", at=len(self.items)))

    # ---- footnotes of a block --------------------------------------------------------------------
    def footnotes(self, text: str, where: str) -> list[dict]:
        keyed = {key: (kind, nid) for key, kind, nid in self.note_order}
        out = []
        for key in FOOTNOTE_MARKER.findall(text):
            if key in keyed:
                kind, nid = keyed[key]
                note_text, unknown = self.notes[kind].get(nid, ("", []))
                for what, inside in unknown:
                    self.unrecognised.append(Piece(f"{kind} {key} of {where}", what, inside, self.current))
                if kind == "endnote":
                    self.unrecognised.append(Piece(where, f"endnote {key}, kept as a footnote", note_text, self.current))
                if not note_text:
                    self.unrecognised.append(Piece(where, f"{kind} {key} is empty or missing from the notes part",
                                                   at=self.current))
                out.append({"key": key, "text": note_text or "(empty note)"})
        return out

    def drop_notes(self, text: str, where: str, place: str) -> str:
        """Text of a block that cannot hold footnotes: markers out, each note kept as unrecognised."""
        for note in self.footnotes(text, where):
            self.unrecognised.append(Piece(where, f"a footnote in {place} (footnotes belong to paragraphs)",
                                           note["text"], self.current))
        return FOOTNOTE_MARKER.sub("", text)

    # ---- the result ----------------------------------------------------------------------------------
    def result(self) -> ImportResult:
        found = Classifier(self).run()
        symbol = self.given_symbol or found["symbol"] or self._symbol_elsewhere()
        missing = []
        if not symbol:
            missing.append("no document symbol (GB.<session>/<section>/<item>, e.g. GB.316/POL/5) was found on "
                           "the cover, in the header or in the document properties: supply the symbol")
        else:
            try:
                symbol = str(parse_symbol(symbol))
            except ValidationError as error:
                missing.append(str(error))
        if not found["title"]:
            missing.append("no title was found on the cover (the paragraph after the agenda and action lines)")
        if not found["decisions"]:
            missing.append("no draft decision was found: a 'Draft decision' (决定草案) heading followed by the "
                           "decision text")
        paper_id = self.provenance.get("paper_id") or symbol
        strategy_id = (self.given_strategy or next((k.split(":", 1)[1] for k in self.provenance.get("sources", {})
                                                    if k.startswith("strategy:")), "") or f"FW:{symbol or 'imported'}")
        for block in found["body"]:
            if block["type"] == "framework":
                block["strategy_id"] = strategy_id
        session = None
        try:
            session = parse_symbol(symbol).session if symbol else None
        except ValidationError:
            pass
        decision_ids = list(self.provenance.get("decisions", {}))
        decisions = []
        for i, point in enumerate(found["decisions"]):
            decision_id = decision_ids[i] if i < len(decision_ids) else f"{paper_id}:D{i + 1}"
            decisions.append({"id": decision_id, "paper_id": paper_id, "language": found["language"],
                              "text": point["text"], "parts": point["parts"], "status": "draft",
                              "session": session})
        paper = {"id": paper_id, "symbol": symbol, "session_dates": found["session_dates"],
                 "agenda_item": found["agenda_item"] or None, "action": found["action"] or "decision",
                 "date": found["date"], "original_language": found["original_language"] or found["language"],
                 "language": found["language"], "title": found["title"], "status": "draft",
                 "front_matter": found["front_matter"], "body": found["body"],
                 "decision_ids": [d["id"] for d in decisions]}
        if not missing:
            try:
                paper = validate("paper", paper)
            except ValidationError as error:
                missing += [str(p) for p in error.problems]
        for cid, comment in self.comments.items():
            comment.where = found["comment_places"].get(cid, "not anchored in the text")
        return ImportResult(self.package.name, paper, decisions, found["frameworks"], self.provenance,
                            self.changes, list(self.comments.values()), self.links, self.unrecognised, missing,
                            self.accepted, found["places"])

    def _symbol_elsewhere(self) -> str:
        """The symbol from the running header or the document's subject, where papers also print it."""
        for rel in self.main_rels:
            if rel.type == _REL + "header" and not rel.external and self.package.has(rel.target):
                text = "".join(t.text or "" for t in self.package.xml(rel.target).iter(_T))
                symbol = _cover.find_symbol(text)
                if symbol:
                    return symbol
        return _cover.find_symbol(core_subject(self.package)) or self.provenance.get("symbol", "")
