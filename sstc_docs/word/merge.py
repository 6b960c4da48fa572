"""Two laid-out versions of the same items merged into one marked list: kept, inserted, deleted.

Text is compared with the compare view's own tokens and engine (``diff.tokenize``,
``diff.diff_tokens``), a footnote reference being one token ``[^key]`` — the old version's keys
renamed to the new ones as the compare view renames them — so a paragraph's tracked changes are
the compare view's segments laid over the styled runs of the page. Formatting-only differences
(a run's style) are taken from the new version, not tracked.

Paragraphs outside tables, footnotes and table rows are the items a change is credited to. The
merger reports every pair of them it makes to ``link(old, new, changed)`` and asks
``credit(item, mark)`` who made each change it marks; ``redline`` uses the first to follow items
from version to version and the second to name the version that made each change.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, NamedTuple

from ..diff import DELETE, EQUAL, INSERT, diff_tokens, tokenize
from .alignment import Match, row_text, text_matches
from .flow import DEL, INS, Change, Note, Para, Row, Seg, Table

Credit = Callable[[object, str], "Change | None"]
Link = Callable[[object, object, bool], None]


class _Token(NamedTuple):
    text: str
    style: str | None
    note: Note | None


def _tokens(segs: list[Seg], renames: dict[str, str]) -> list[_Token]:
    tokens: list[_Token] = []
    for seg in segs:
        if seg.note is not None:
            tokens.append(_Token(f"[^{renames.get(seg.note.key, seg.note.key)}]", None, seg.note))
        elif seg.text:
            tokens += [_Token(t, seg.style, None) for t in tokenize(seg.text)]
    return tokens


def _take(tokens: list[_Token], start: int, length: int) -> tuple[list[_Token], int]:
    """The tokens from ``start`` that make up the next ``length`` characters (segments never split one)."""
    end, covered = start, 0
    while covered < length:
        covered += len(tokens[end].text)
        end += 1
    return tokens[start:end], end


def _no_credit(item: object, mark: str) -> None:
    return None


def _no_link(old: object, new: object, changed: bool) -> None:
    return None


class Merger:
    def __init__(self, credit: Credit = _no_credit, link: Link = _no_link):
        self.credit = credit
        self.link = link

    # ---- pairs --------------------------------------------------------------------------------
    def items(self, old: list, new: list, matches: list[Match], renames: dict[str, str] | None = None) -> list:
        """``old`` and ``new`` merged along ``matches``; paired items have the same slot."""
        out = []
        for m in matches:
            if m.old is None:
                out.append(self.mark_item(new[m.new], INS))
            elif m.new is None:
                out.append(self.mark_item(old[m.old], DEL))
            elif isinstance(new[m.new], Table):
                out.append(self.table(old[m.old], new[m.new]))
            else:
                out.append(self.paragraph(old[m.old], new[m.new], renames or {}))
        return out

    def paragraph(self, old: Para, new: Para, renames: dict[str, str]) -> Para:
        segs, changed = self.segs(old.segs, new.segs, renames, self.credit(old, DEL), self.credit(new, INS))
        self.link(old, new, changed)
        return Para(new.style, segs, new.numbered)

    def table(self, old: Table, new: Table) -> Table:
        matches = text_matches([("row", row_text(r.cells)) for r in old.rows],
                               [("row", row_text(r.cells)) for r in new.rows])
        rows = []
        for m in matches:
            if m.old is None:
                rows.append(self.mark_row(new.rows[m.new], INS))
            elif m.new is None:
                rows.append(self.mark_row(old.rows[m.old], DEL))
            else:
                rows.append(self.row(old.rows[m.old], new.rows[m.new]))
        return Table(new.style, new.key, new.widths, rows)

    def row(self, old: Row, new: Row) -> Row:
        """A row's cells merged paragraph by paragraph; every change in it is the row's."""
        by_del, by_ins = self.credit(old, DEL), self.credit(new, INS)
        cells, changed = [], False
        for i in range(max(len(old.cells), len(new.cells))):
            a = old.cells[i] if i < len(old.cells) else []
            b = new.cells[i] if i < len(new.cells) else []
            cell = []
            for m in text_matches([(p.style, p.text()) for p in a], [(p.style, p.text()) for p in b]):
                if m.old is None:
                    cell.append(self._marked_para(b[m.new], INS, by_ins))
                elif m.new is None:
                    cell.append(self._marked_para(a[m.old], DEL, by_del))
                else:
                    segs, para_changed = self.segs(a[m.old].segs, b[m.new].segs, {}, by_del, by_ins)
                    cell.append(Para(b[m.new].style, segs, b[m.new].numbered))
                    changed = changed or para_changed
                    continue
                changed = True
            cells.append(cell)
        self.link(old, new, changed)
        return Row(cells)

    def note(self, old: Note, new: Note) -> Note:
        by_del, by_ins = self.credit(old, DEL), self.credit(new, INS)
        paras, changed = [], False
        for i in range(max(len(old.paras), len(new.paras))):
            if i >= len(new.paras):
                paras.append(self._marked_segs(old.paras[i], DEL, by_del))
                changed = True
            elif i >= len(old.paras):
                paras.append(self._marked_segs(new.paras[i], INS, by_ins))
                changed = True
            else:
                segs, para_changed = self.segs(old.paras[i], new.paras[i], {}, by_del, by_ins)
                paras.append(segs)
                changed = changed or para_changed
        self.link(old, new, changed)
        return Note(paras, key=new.key)

    def segs(self, old: list[Seg], new: list[Seg], renames: dict[str, str], by_del: Change | None,
             by_ins: Change | None) -> tuple[list[Seg], bool]:
        """Runs of one paragraph merged token by token along the compare view's segments."""
        old_tokens, new_tokens = _tokens(old, renames), _tokens(new, {})
        out: list[Seg] = []
        changed = False
        at_old = at_new = 0
        for segment in diff_tokens([t.text for t in old_tokens], [t.text for t in new_tokens]):
            deleted: list[_Token] = []
            inserted: list[_Token] = []
            if segment.op != INSERT:
                deleted, at_old = _take(old_tokens, at_old, len(segment.text))
            if segment.op != DELETE:
                inserted, at_new = _take(new_tokens, at_new, len(segment.text))
            if segment.op == EQUAL:
                for a, b in zip(deleted, inserted):
                    if a.note is None and b.note is None:
                        self._emit(out, b.text, b.style, None, None)
                    elif a.note is not None and b.note is not None:
                        out.append(Seg(note=self.note(a.note, b.note)))
                    else:  # a typed "[^k]" on one side, a footnote on the other
                        self._emit_marked(out, a, DEL, by_del)
                        self._emit_marked(out, b, INS, by_ins)
                        changed = True
                continue
            changed = True
            for token in deleted:
                self._emit_marked(out, token, DEL, by_del)
            for token in inserted:
                self._emit_marked(out, token, INS, by_ins)
        return out, changed

    # ---- whole things -----------------------------------------------------------------------------
    def mark_item(self, item, mark: str):
        if isinstance(item, Table):
            return Table(item.style, item.key, item.widths, [self.mark_row(r, mark) for r in item.rows])
        by = self.credit(item, mark)
        self._link_whole(item, mark)
        return self._marked_para(item, mark, by)

    def mark_row(self, row: Row, mark: str) -> Row:
        by = self.credit(row, mark)
        self._link_whole(row, mark)
        return Row([[self._marked_para(p, mark, by) for p in cell] for cell in row.cells], mark, by)

    def mark_note(self, note: Note, mark: str) -> Note:
        by = self.credit(note, mark)
        self._link_whole(note, mark)
        return Note([[dataclasses.replace(s, mark=mark, by=by) for s in para] for para in note.paras],
                    mark, note.key, by)

    def _marked_para(self, para: Para, mark: str, by: Change | None) -> Para:
        return Para(para.style, self._marked_segs(para.segs, mark, by), para.numbered, mark, by)

    def _marked_segs(self, segs: list[Seg], mark: str, by: Change | None) -> list[Seg]:
        out = []
        for seg in segs:
            if seg.note is not None:
                out.append(Seg(note=self.mark_note(seg.note, mark), mark=mark, by=self.credit(seg.note, mark)))
            else:
                out.append(dataclasses.replace(seg, mark=mark, by=by))
        return out

    def _link_whole(self, item, mark: str) -> None:
        if mark == INS:
            self.link(None, item, True)
        else:
            self.link(item, None, True)

    def _emit_marked(self, out: list[Seg], token: _Token, mark: str, by: Change | None) -> None:
        if token.note is not None:
            out.append(Seg(note=self.mark_note(token.note, mark), mark=mark, by=self.credit(token.note, mark)))
        else:
            self._emit(out, token.text, token.style, mark, by)

    @staticmethod
    def _emit(out: list[Seg], text: str, style: str | None, mark: str | None, by: Change | None) -> None:
        last = out[-1] if out else None
        if last is not None and last.note is None and (last.style, last.mark, last.by) == (style, mark, by):
            last.text += text
        else:
            out.append(Seg(text, style, mark=mark, by=by))
