"""The one pass that says what each part of the body is, the way the house format reads.

cover → front matter → body (paragraphs, headings, framework blocks) → "Draft decision" → after it.
Each phase method takes an item and either consumes it (returns None) or names the phase it belongs
to, where it is read again. Whatever fits no phase is kept in the reader's ``unrecognised`` list
with its place; nothing is dropped silently.
"""

from __future__ import annotations

import re

from ...domain.records import FOOTNOTE_MARKER, FRONT_MATTER_KEYS
from . import cover as _cover
from .decision import LETTERED, DecisionBuilder
from .framework import outcome_line, read_column_rows, read_label_rows
from .paragraphs import Para
from .result import FrameworkTable, Piece

NUMBER_FORMATS = {"decimal", "decimalZero", "decimalFullWidth", "decimalHalfWidth", "decimalEnclosedCircle",
                  "decimalEnclosedFullstop", "decimalEnclosedParen", "chineseCounting", "chineseCountingThousand",
                  "ideographDigital", "japaneseCounting"}
_TYPED_NUMBER = re.compile(r"^(\d{1,3})(?:[.．][ \t\u3000\u00a0]+|[\t\u3000]+)(?=\S)")


class Item:
    """A body paragraph (``para``) or table (``rows``: cells of paragraphs), with its place."""

    __slots__ = ("para", "rows", "where")

    def __init__(self, where: str, para: Para | None = None, rows: list | None = None):
        self.where, self.para, self.rows = where, para, rows

    def cell_texts(self) -> list[list[str]]:
        return [["\n".join(p.text.strip() for p in cell if p.text.strip()) for cell in row] for row in self.rows]


class Classifier:
    """One pass over the items: cover → front matter → body → draft decision → after it."""

    def __init__(self, reader):          # document._Reader: its items, footnotes and unrecognised list
        self.r = reader
        self.found = {"symbol": "", "section": "", "session_dates": "", "agenda_item": 0, "action": "", "date": "",
                      "original_language": "", "language": "", "title": "", "body": [], "frameworks": [],
                      "front_matter": {k: "" for k in FRONT_MATTER_KEYS}, "decisions": [], "comment_places": {},
                      "places": []}
        self.votes = dict.fromkeys(_cover.LANGS, 0)    # which language the cover labels are in
        self.numbered = 0
        self.heading = ""
        self.pending_front = ""
        self.pending_outcome: FrameworkTable | None = None
        self.decisions = DecisionBuilder()

    def _block(self, block: dict) -> None:
        self.found["body"].append(block)
        self.found["places"].append(self.r.current)

    def unknown(self, where: str, what: str, text: str = "") -> None:
        self.r.unrecognised.append(Piece(where, what, text, self.r.current))

    def run(self) -> dict:
        items = self.r.items
        phase = "cover"
        for i, item in enumerate(items):
            self.r.current = i
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
    def cover(self, item: Item, nxt) -> str | None:
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

    def _front_table(self, item: Item) -> bool:
        first = next((p.text.strip() for row in item.rows for cell in row for p in cell if p.text.strip()), "")
        return _cover.front_label(first) is not None

    def front(self, item: Item, nxt) -> str | None:
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

    def body(self, item: Item, nxt) -> str | None:
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
            self._block({"type": "framework", "strategy_id": "", "outcome": number, "text": "",
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
            self._block({"type": "heading", "text": self.heading})
            return None
        if numbered:
            self.numbered += 1
        self._block({"type": "paragraph", "numbered": numbered, "text": text,
                              "footnotes": self.r.footnotes(text, item.where)})
        return None

    def _to_decision(self) -> str:
        self.pending_outcome = None
        return "decision"

    def _table(self, item: Item) -> str | None:
        texts = item.cell_texts()
        indicators = read_label_rows(texts)
        if indicators is not None:
            table = self.pending_outcome
            if table is None or table.indicators:
                number = max((t.outcome for t in self.found["frameworks"]), default=0) + 1
                table = FrameworkTable(number, "", "", [], [], self.heading, item.where)
                self.found["frameworks"].append(table)
                self._block({"type": "framework", "strategy_id": "", "outcome": number, "text": "",
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
                self._block({"type": "framework", "strategy_id": "", "outcome": number, "text": "",
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

    def _table_notes(self, item: Item) -> None:
        for row in item.rows:
            for cell in row:
                for p in cell:
                    self.r.drop_notes(p.text, item.where, "a framework table")

    def decision(self, item: Item, nxt) -> str | None:
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

    def after(self, item: Item, nxt) -> str:
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
