"""Redline: the new paper in the house format, with native tracked changes against the old one.

Both versions are laid out by the same ``layout.paper_flow`` (with the same printed symbol, the
new one's with (Rev.)), then merged: items (paragraphs, tables) are aligned with difflib; a
paragraph present in both is compared token by token — Chinese by character, Latin by word —
so the change reads as Word would show an editor's typing; a paragraph, table row or footnote on
one side only is inserted or deleted whole. The merged Flow carries INS/DEL marks and
PaperWriter writes them as w:ins/w:del with the author and date given.

Deliberately small and self-contained (the diff package elsewhere in the tree is not used).
Formatting-only changes (a paragraph's style) are taken from the new version, not tracked.
"""

from __future__ import annotations

import dataclasses
import re
from difflib import SequenceMatcher
from pathlib import Path

from ..domain.bundle import PaperBundle
from ..domain.symbols import parse_symbol
from .flow import DEL, INS, Flow, Note, Para, Row, Seg, Table
from .layout import paper_flow
from .oxml.tracked import ChangeTracker
from .paper import PaperWriter

TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F_]+(?:['’][A-Za-z]+)*|[^\S\n\v\f]+|.", re.S)
SIMILAR = 0.5


def revised_symbol(symbol: str) -> str:
    """GB.316/POL/5 → GB.316/POL/5(Rev.); a symbol that already has a suffix is kept."""
    try:
        parsed = parse_symbol(symbol)
    except Exception:
        return symbol if "(Rev" in symbol else f"{symbol}(Rev.)"
    return str(parsed if parsed.suffix else parsed.revised())


# ---- keys and similarity ---------------------------------------------------------------------------
def _note_key(note: Note | None):
    if note is None:
        return None
    return tuple(tuple((s.text, s.style) for s in para) for para in note.paras)


def para_key(para: Para):
    return ("p", para.style, para.numbered,
            tuple((s.text, s.style, _note_key(s.note)) for s in para.segs))


def _plain(item) -> str:
    if isinstance(item, Para):
        return item.text()
    if isinstance(item, Row):
        return "\n".join(p.text() for cell in item.cells for p in cell)
    return ""


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _item_key(item):
    if isinstance(item, Table):
        return ("t", item.style, item.key)
    return para_key(item)


def _items_similar(a, b) -> bool:
    if isinstance(a, Table) or isinstance(b, Table):
        return isinstance(a, Table) and isinstance(b, Table) and a.key == b.key
    return a.style == b.style and _ratio(a.text(), b.text()) >= SIMILAR


def _rows_similar(a: Row, b: Row) -> bool:
    first = (_plain_cell(a, 0), _plain_cell(b, 0))
    if len(a.cells) > 1 and first[0] == first[1] and first[0]:
        return _ratio(_plain(a), _plain(b)) >= SIMILAR / 2
    return _ratio(_plain(a), _plain(b)) >= SIMILAR


def _plain_cell(row: Row, i: int) -> str:
    return "\n".join(p.text() for p in row.cells[i]) if i < len(row.cells) else ""


def _row_key(row: Row):
    return tuple(tuple(para_key(p) for p in cell) for cell in row.cells)


# ---- marking whole things ----------------------------------------------------------------------------
def _mark_note(note: Note, mark: str) -> Note:
    return Note([[dataclasses.replace(s, mark=mark) for s in para] for para in note.paras], mark)


def _mark_segs(segs: list[Seg], mark: str) -> list[Seg]:
    return [dataclasses.replace(s, mark=mark, note=_mark_note(s.note, mark) if s.note else None) for s in segs]


def mark_para(para: Para, mark: str) -> Para:
    return Para(para.style, _mark_segs(para.segs, mark), para.numbered, mark)


def mark_row(row: Row, mark: str) -> Row:
    return Row([[mark_para(p, mark) for p in cell] for cell in row.cells], mark)


def mark_item(item, mark: str):
    if isinstance(item, Table):
        return Table(item.style, item.key, item.widths, [mark_row(r, mark) for r in item.rows])
    return mark_para(item, mark)


# ---- sequences -----------------------------------------------------------------------------------------
def merge_sequence(old: list, new: list, key, similar, merge_pair, mark) -> list:
    """Align two sequences; equal or similar items are merged, the rest marked deleted/inserted."""
    matcher = SequenceMatcher(None, [key(x) for x in old], [key(x) for x in new], autojunk=False)
    out: list = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [merge_pair(o, n) for o, n in zip(old[i1:i2], new[j1:j2])]
            continue
        olds, news = old[i1:i2], new[j1:j2]
        i = j = 0
        while i < len(olds) and j < len(news):
            if similar(olds[i], news[j]):
                out.append(merge_pair(olds[i], news[j]))
                i += 1
                j += 1
            elif any(similar(olds[i], n) for n in news[j + 1:]):
                out.append(mark(news[j], INS))
                j += 1
            else:
                out.append(mark(olds[i], DEL))
                i += 1
        out += [mark(o, DEL) for o in olds[i:]]
        out += [mark(n, INS) for n in news[j:]]
    return out


def _tokens(segs: list[Seg]) -> list[tuple]:
    tokens = []
    for seg in segs:
        if seg.note is not None:
            tokens.append(("\0note", None, seg.note))
        elif seg.text:
            tokens += [(t, seg.style, None) for t in TOKEN.findall(seg.text)]
    return tokens


def _emit(out: list[Seg], token: tuple, mark: str | None, note: Note | None = None) -> None:
    text, style, _ = token
    if note is not None:
        out.append(Seg(note=note, mark=mark))
        return
    last = out[-1] if out else None
    if last is not None and last.note is None and last.style == style and last.mark == mark:
        last.text += text
    else:
        out.append(Seg(text, style, mark=mark))


def merge_segs(old: list[Seg], new: list[Seg]) -> list[Seg]:
    a, b = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, [t[:2] for t in a], [t[:2] for t in b], autojunk=False)
    out: list[Seg] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for ta, tb in zip(a[i1:i2], b[j1:j2]):
                _emit(out, tb, None, merge_notes(ta[2], tb[2]) if tb[2] is not None else None)
            continue
        for token in a[i1:i2]:
            _emit(out, token, DEL, _mark_note(token[2], DEL) if token[2] is not None else None)
        for token in b[j1:j2]:
            _emit(out, token, INS, _mark_note(token[2], INS) if token[2] is not None else None)
    return out


def merge_notes(old: Note, new: Note) -> Note:
    if _note_key(old) == _note_key(new):
        return new
    paras = []
    for i in range(max(len(old.paras), len(new.paras))):
        if i < len(old.paras) and i < len(new.paras):
            paras.append(merge_segs(old.paras[i], new.paras[i]))
        elif i < len(old.paras):
            paras.append(_mark_segs(old.paras[i], DEL))
        else:
            paras.append(_mark_segs(new.paras[i], INS))
    return Note(paras)


def merge_paras(old: Para, new: Para) -> Para:
    if para_key(old) == para_key(new):
        return new
    return Para(new.style, merge_segs(old.segs, new.segs), new.numbered)


def merge_rows(old: Row, new: Row) -> Row:
    cells = []
    for i in range(max(len(old.cells), len(new.cells))):
        a = old.cells[i] if i < len(old.cells) else []
        b = new.cells[i] if i < len(new.cells) else []
        cells.append(merge_sequence(a, b, para_key, _items_similar, merge_paras, mark_para))
    return Row(cells)


def merge_items(old: list, new: list) -> list:
    def pair(a, b):
        if isinstance(b, Table):
            rows = merge_sequence(a.rows, b.rows, _row_key, _rows_similar, merge_rows, mark_row)
            return Table(b.style, b.key, b.widths, rows)
        return merge_paras(a, b)
    return merge_sequence(old, new, _item_key, _items_similar, pair, mark_item)


def redline_flow(old: PaperBundle, new: PaperBundle) -> Flow:
    symbol = revised_symbol(str(new.paper.get("symbol") or new.paper.get("id") or ""))
    before = paper_flow(old, symbol=symbol)
    after = paper_flow(new, symbol=symbol)
    flow = dataclasses.replace(after, items=merge_items(before.items, after.items))
    flow.custom = dict(after.custom)
    flow.custom["sstc.redline_from"] = (f"{old.paper.get('id') or old.paper.get('symbol', '')}"
                                        f"@{old.paper_version}")
    flow.custom["sstc.redline_to"] = f"{new.paper.get('id') or new.paper.get('symbol', '')}@{new.paper_version}"
    return flow


def redline_docx(old: PaperBundle, new: PaperBundle, *, template: str | Path | None = None,
                 author: str, date: str) -> bytes:
    """The new paper with tracked changes against ``old``, attributed to ``author`` on ``date``."""
    tracker = ChangeTracker(author, date)
    return PaperWriter(template, tracker=tracker).write(redline_flow(old, new))
