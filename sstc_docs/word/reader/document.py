"""``read_paper``: a .docx read into the paper record, its decisions and frameworks, and a review.

The body is first read into a flat list of paragraphs and tables (``_items``), every piece with
the place a person would look for it in Word; then one pass (``_Classifier``) walks the list the
way the house format reads: cover → front matter → body (paragraphs, headings, framework blocks)
→ "Draft decision". Whatever does not fit is kept in ``unrecognised`` with its place, never
dropped silently; whatever a paper needs and the file lacks is listed in ``missing``.
"""

from __future__ import annotations

import re

from ...domain.records import FOOTNOTE_MARKER, FRONT_MATTER_KEYS, validate
from ...domain.symbols import parse_symbol
from ...errors import ValidationError
from ..oxml import qn
from . import cover as _cover
from .decision import LETTERED, DecisionBuilder
from .formatting import Numbering, StyleSheet
from .framework import outcome_line, proposed_records, read_column_rows, read_label_rows
from .notes import read_comments, read_notes
from .package import DEFAULT_MAX_UPLOAD_MB, Package, refuse
from .paragraphs import Para, ParagraphReader
from .properties import core_subject, provenance
from .result import FrameworkTable, ImportResult, Link, Piece

__all__ = ["read_paper", "proposed_records"]

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T = qn("w:t")
_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
_LAYOUT = {qn("w:sectPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr"), qn("w:sdtPr"),
           qn("w:sdtEndPr"), qn("w:permStart"), qn("w:permEnd"), qn("w:commentRangeStart"),
           qn("w:commentRangeEnd"), qn("w:moveFromRangeStart"), qn("w:moveFromRangeEnd"),
           qn("w:moveToRangeStart"), qn("w:moveToRangeEnd"), qn("w:customXmlPr")}
NUMBER_FORMATS = {"decimal", "decimalZero", "decimalFullWidth", "decimalHalfWidth", "decimalEnclosedCircle",
                  "decimalEnclosedFullstop", "decimalEnclosedParen", "chineseCounting", "chineseCountingThousand",
                  "ideographDigital", "japaneseCounting"}
_TYPED_NUMBER = re.compile(r"^(\d{1,3})(?:[.．][ \t\u3000\u00a0]+|[\t\u3000]+)(?=\S)")
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def snippet(text: str, size: int = 40) -> str:
    flat = " ".join(FOOTNOTE_MARKER.sub("", text).split())
    return flat if len(flat) <= size else flat[:size - 1] + "…"


class _Item:
    """A body paragraph (``para``) or table (``rows``: cells of paragraphs), with its place."""

    __slots__ = ("para", "rows", "where")

    def __init__(self, where: str, para: Para | None = None, rows: list | None = None):
        self.where, self.para, self.rows = where, para, rows

    def cell_texts(self) -> list[list[str]]:
        return [["\n".join(p.text.strip() for p in cell if p.text.strip()) for cell in row] for row in self.rows]


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
        self.items: list[_Item] = []
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
                self.items.append(_Item(where, para=para))
            elif tag == _TBL:
                self.counter["t"] += 1
                number = self.counter["t"]
                rows = []
                for r, tr in enumerate(child.iter(_TR), start=1):
                    rows.append([[self.reader.read(p, f"table {number}, row {r}, cell {c}") for p in tc.iter(_P)]
                                 for c, tc in enumerate(tr.iter(_TC), start=1)])
                self.items.append(_Item(f"table {number}", rows=rows))
            elif tag in _CONTAINERS:
                self._collect(child)
            elif isinstance(tag, str) and tag not in _LAYOUT:
                self.unrecognised.append(Piece(f"after ¶ {self.counter['p']}",
                                               f"an element Word calls {tag.rsplit('}', 1)[-1]}"))

    # ---- footnotes of a block --------------------------------------------------------------------
    def footnotes(self, text: str, where: str) -> list[dict]:
        keyed = {key: (kind, nid) for key, kind, nid in self.note_order}
        out = []
        for key in FOOTNOTE_MARKER.findall(text):
            if key in keyed:
                kind, nid = keyed[key]
                note_text, unknown = self.notes[kind].get(nid, ("", []))
                for what, inside in unknown:
                    self.unrecognised.append(Piece(f"{kind} {key} of {where}", what, inside))
                if kind == "endnote":
                    self.unrecognised.append(Piece(where, f"endnote {key}, kept as a footnote", note_text))
                if not note_text:
                    self.unrecognised.append(Piece(where, f"{kind} {key} is empty or missing from the notes part"))
                out.append({"key": key, "text": note_text or "(empty note)"})
        return out

    def drop_notes(self, text: str, where: str, place: str) -> str:
        """Text of a block that cannot hold footnotes: markers out, each note kept as unrecognised."""
        for note in self.footnotes(text, where):
            self.unrecognised.append(Piece(where, f"a footnote in {place} (footnotes belong to paragraphs)",
                                           note["text"]))
        return FOOTNOTE_MARKER.sub("", text)

    # ---- the result ----------------------------------------------------------------------------------
    def result(self) -> ImportResult:
        found = _Classifier(self).run()
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
                            self.accepted)

    def _symbol_elsewhere(self) -> str:
        """The symbol from the running header or the document's subject, where papers also print it."""
        for rel in self.main_rels:
            if rel.type == _REL + "header" and not rel.external and self.package.has(rel.target):
                text = "".join(t.text or "" for t in self.package.xml(rel.target).iter(_T))
                symbol = _cover.find_symbol(text)
                if symbol:
                    return symbol
        return _cover.find_symbol(core_subject(self.package)) or self.provenance.get("symbol", "")


class _Classifier:
    """One pass over the items: cover → front matter → body → draft decision → after it."""

    def __init__(self, reader: _Reader):
        self.r = reader
        self.found = {"symbol": "", "section": "", "session_dates": "", "agenda_item": 0, "action": "", "date": "",
                      "original_language": "", "language": "", "title": "", "body": [], "frameworks": [],
                      "front_matter": {k: "" for k in FRONT_MATTER_KEYS}, "decisions": [], "comment_places": {}}
        self.votes = dict.fromkeys(_cover.LANGS, 0)    # which language the cover labels are in
        self.numbered = 0
        self.heading = ""
        self.pending_front = ""
        self.pending_outcome: FrameworkTable | None = None
        self.decisions = DecisionBuilder()

    def unknown(self, where: str, what: str, text: str = "") -> None:
        self.r.unrecognised.append(Piece(where, what, text))

    def run(self) -> dict:
        items = self.r.items
        phase = "cover"
        for i, item in enumerate(items):
            paras = [item.para] if item.para else [p for row in item.rows for cell in row for p in cell]
            for para in paras:
                for what, inside in para.unknown:
                    self.unknown(item.where, what, inside)
                for cid in para.comment_ids:
                    self.found["comment_places"].setdefault(cid, item.where)
            if item.para is not None and not item.para.text.strip():
                continue
            nxt = items[i + 1] if i + 1 < len(items) else None
            while True:
                following = getattr(self, phase)(item, nxt)
                if following is None or following == phase:
                    break
                phase = following
                if phase in ("decision", "after"):
                    break
        self.found["decisions"] = self.decisions.points
        text = self.found["title"] + "".join(b.get("text", "") for b in self.found["body"][:5])
        ranked = sorted(self.votes.items(), key=lambda vote: -vote[1])
        self.found["language"] = (ranked[0][0] if ranked[0][1] > ranked[1][1] else _cover.text_language(text))
        return self.found

    # ---- phases: each returns the phase the item belongs to (re-run there) or None when consumed --
    def cover(self, item: _Item, nxt) -> str | None:
        if item.rows is not None:
            return "front" if self._front_table(item) else "body"
        para, text = item.para, item.para.text.strip()
        if (self.found["title"] or _cover.front_label(text) or self._numbered(para, text)[0]
                or _cover.is_draft_decision(text)):
            return "front"
        is_title = para.style_name in ("title", "标题")
        if not is_title:
            unknown = [cell for cell in _cover.cover_cells(text) if not self._cover_cell(cell)]
            if not unknown:
                return None
            if self.found["agenda_item"] or self.found["action"] or self._heading(para, text) or self.found["symbol"]:
                is_title = True
            else:
                for cell in unknown:
                    self.unknown(item.where, "a cover line that was not understood (not kept)", cell)
                return None
        self.found["title"] = self.r.drop_notes(text, item.where, "the title").strip()
        return None

    def _cover_cell(self, cell: str) -> bool:
        found = self.found
        language = _cover.heading_label(cell)
        if language:
            self.votes[language] += 1
            return True
        symbol = _cover.find_symbol(cell)
        if symbol and len(cell.replace(" ", "")) <= len(symbol) + 2:
            found["symbol"] = found["symbol"] or symbol
            return True
        for key, parse in (("section", _cover.section), ("agenda_item", _cover.agenda_item),
                           ("action", _cover.action)):
            value = parse(cell)
            if value:
                found[key] = value[0]
                if value[1]:
                    self.votes[value[1]] += 1
                return True
        session = _cover.session(cell)
        if session:
            found["session_dates"] = session[0]
            return True
        dated = _cover.labelled(cell, "date")
        if dated is not None:
            self.votes[dated[0]] += 1
            found["date"] = _cover.parse_date(dated[1])
            if dated[1] and not found["date"]:
                self.unknown("cover", "a date that could not be read (write it as 16 November 2012)", dated[1])
            return True
        original = _cover.labelled(cell, "original")
        if original is not None:
            self.votes[original[0]] += 1
            found["original_language"] = _cover.language_code(original[1]) or ""
            return True
        return False

    def _front_table(self, item: _Item) -> bool:
        first = next((p.text.strip() for row in item.rows for cell in row for p in cell if p.text.strip()), "")
        return _cover.front_label(first) is not None

    def front(self, item: _Item, nxt) -> str | None:
        if item.rows is not None:
            if not self._front_table(item):
                return "body"
            for para in (p for row in item.rows for cell in row for p in cell if p.text.strip()):
                if self._front_paragraph(para, para.text.strip(), item.where) is not None:
                    self.unknown(item.where, "a line in the front matter that was not understood", para.text)
            return None
        return self._front_paragraph(item.para, item.para.text.strip(), item.where)

    def _front_paragraph(self, para: Para, text: str, where: str) -> str | None:
        if _cover.is_revision_note(text):
            return None               # "This document replaces …": printed from the symbol
        entry = _cover.front_label(text)
        if entry:
            key, _, value = entry
            self.found["front_matter"][key] = _cover.front_value(self.r.drop_notes(value, where, "the front matter"))
            self.pending_front = key if not value else ""      # the value is on the next line
            return None
        if self.pending_front and not self._numbered(para, text)[0] and not _cover.is_draft_decision(text):
            self.found["front_matter"][self.pending_front] = _cover.front_value(
                self.r.drop_notes(text, where, "the front matter"))
            self.pending_front = ""
            return None
        self.pending_front = ""
        return "body"

    def body(self, item: _Item, nxt) -> str | None:
        found = self.found
        if item.rows is not None:
            return self._table(item)
        para, text = item.para, item.para.text.strip()
        if _cover.is_draft_decision(text):
            return self._to_decision()
        outcome = outcome_line(FOOTNOTE_MARKER.sub("", text)) if not para.num_format else None
        if outcome:
            number, statement = outcome
            table = FrameworkTable(number, statement, "", [], [], self.heading, item.where)
            found["frameworks"].append(table)
            found["body"].append({"type": "framework", "strategy_id": "", "outcome": number, "text": "",
                                  "footnotes": []})
            self.pending_outcome = table
            return None
        numbered, text = self._numbered(para, text)
        if (self.pending_outcome is not None and not self.pending_outcome.text and not numbered
                and not self._heading(para, text) and nxt is not None and nxt.rows is not None):
            self.pending_outcome.text = text
            self.pending_outcome.footnotes = self.r.footnotes(text, item.where)
            found["body"][-1].update(text=text, footnotes=self.pending_outcome.footnotes)
            return None
        self.pending_outcome = None
        if not numbered and self._heading(para, text):
            self.heading = self.r.drop_notes(text, item.where, "a heading").strip()
            found["body"].append({"type": "heading", "text": self.heading})
            return None
        if numbered:
            self.numbered += 1
        found["body"].append({"type": "paragraph", "numbered": numbered, "text": text,
                              "footnotes": self.r.footnotes(text, item.where)})
        return None

    def _to_decision(self) -> str:
        self.pending_outcome = None
        return "decision"

    def _table(self, item: _Item) -> str | None:
        texts = item.cell_texts()
        indicators = read_label_rows(texts)
        if indicators is not None:
            table = self.pending_outcome
            if table is None or table.indicators:
                number = max((t.outcome for t in self.found["frameworks"]), default=0) + 1
                table = FrameworkTable(number, "", "", [], [], self.heading, item.where)
                self.found["frameworks"].append(table)
                self.found["body"].append({"type": "framework", "strategy_id": "", "outcome": number, "text": "",
                                           "footnotes": []})
                self.unknown(item.where, f"a framework table without an 'Outcome n:' line; read as outcome {number}")
            table.indicators = indicators
            self.pending_outcome = None
            self._table_notes(item)
            return None
        outcomes = read_column_rows(texts)
        if outcomes is not None:
            for number, (statement, rows) in outcomes.items():
                self.found["frameworks"].append(FrameworkTable(number, statement, "", [], rows, self.heading,
                                                               item.where))
                self.found["body"].append({"type": "framework", "strategy_id": "", "outcome": number, "text": "",
                                           "footnotes": []})
            self._table_notes(item)
            return None
        first = next((p.text.strip() for row in item.rows for cell in row for p in cell if p.text.strip()), "")
        if _cover.is_draft_decision(first) or (len(item.rows) == 1 and len(item.rows[0]) == 1
                                               and self._numbered(item.rows[0][0][0], first)[0]
                                               and not self.decisions.points and item is self._last_tables()):
            return self._to_decision()
        self.pending_outcome = None
        self.unknown(item.where, "a table that is neither a results framework nor the draft decision",
                     " | ".join(" / ".join(c for c in row if c) for row in texts)[:500])
        return None

    def _last_tables(self):
        return next((i for i in reversed(self.r.items) if i.rows is not None), None)

    def _table_notes(self, item: _Item) -> None:
        for row in item.rows:
            for cell in row:
                for p in cell:
                    self.r.drop_notes(p.text, item.where, "a framework table")

    def decision(self, item: _Item, nxt) -> str | None:
        paras = [(item.where, item.para)] if item.para else [
            (p_where, p) for r, row in enumerate(item.rows, start=1) for c, cell in enumerate(row, start=1)
            for p in cell for p_where in [f"{item.where}, row {r}, cell {c}"]]
        if item.para is not None and self.decisions.points and self._heading(item.para, item.para.text.strip()) \
                and not item.para.num_format and not _cover.is_draft_decision(item.para.text):
            return self.after(item, nxt)
        for where, para in paras:
            text = para.text.strip()
            if not text or _cover.is_draft_decision(text):
                continue
            text = self.r.drop_notes(text, where, "the draft decision").strip()
            typed = _TYPED_NUMBER.match(text)
            if typed:
                text = text[typed.end():]
            self.decisions.add(text, numbered=bool(typed) or para.num_format in NUMBER_FORMATS,
                               lettered=para.num_format in LETTERED)
        return None

    def after(self, item: _Item, nxt) -> str:
        texts = [item.para.text] if item.para else [" | ".join(c for c in row if c) for row in item.cell_texts()]
        self.unknown(item.where, "content after the draft decision (a paper ends with its decision)",
                     "\n".join(texts)[:500])
        return "after"

    # ---- what a paragraph is ----------------------------------------------------------------------
    def _numbered(self, para: Para, text: str) -> tuple[bool, str]:
        """Numbered by Word (a decimal list) or by typed digits that continue the paper's numbering."""
        if para.num_format in NUMBER_FORMATS and para.outline is None:
            return True, text
        match = _TYPED_NUMBER.match(text)
        if match and int(match.group(1)) == self.numbered + 1:
            return True, text[match.end():]
        return False, text

    def _heading(self, para: Para, text: str) -> bool:
        if para.outline is not None or para.style_name.startswith(("heading", "标题")) \
                or para.style_name in ("title", "subtitle"):
            return True
        if para.num_format or len(text) > 200 or "\n" in text or FOOTNOTE_MARKER.search(text):
            return False
        return para.all_bold or bool(para.size and para.size >= self.r.styles.default_size + 4)
