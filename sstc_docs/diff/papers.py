"""Comparing two versions of a paper: its fields, and its body block by block.

Every block of both versions gets one entry, in reading order (new order, with deleted blocks
where they stood), so a UI can render the whole paper with the changes marked:

* ``unchanged`` — aligned in place, same text, footnotes and attributes;
* ``edited``    — aligned in place, something changed (``segments`` show the text changes,
  ``footnotes`` the footnote changes, ``changes`` any other attribute such as ``numbered``);
* ``inserted`` / ``deleted`` — only in the new / only in the old version;
* ``moved``     — not aligned in place, but the same or nearly the same (similarity >= 0.8)
  block stands elsewhere in the other version; ``text_changed`` says whether it was also edited.

Alignment: blocks equal in full (type, attributes, text, footnote texts) are aligned first — the
longest common subsequence (when two blocks swap places, the one that went down is the one that
moved); the blocks left between two aligned ones are paired as edited when their text is
similar (>= 0.5), unless a near-identical counterpart elsewhere makes it a move; blocks left
over are moved if a near-identical counterpart is left over elsewhere, else inserted/deleted.

Footnotes follow their blocks. They are matched by text, then key, then similarity, so a
renumbered footnote (``[^3]`` became ``[^4]`` because one was added earlier) is not a change:
the old text's markers are renamed to the new keys before the text is compared, and the
footnote entry keeps ``old_key``. Markers are single tokens, so text around them diffs cleanly.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Indel

from ..domain.records import FOOTNOTE_MARKER
from .engine import Alphabet, opcodes, ratio
from .records import FieldChange, RecordDiff, diff_fields, diff_records
from .text import DELETE, INSERT, Segment, content_tokens, diff_text, is_unchanged, segments_to_json, similarity

MOVE_THRESHOLD = 0.8
EDIT_THRESHOLD = 0.5
FOOTNOTE_MATCH_THRESHOLD = 0.5
UNCHANGED, EDITED, INSERTED, DELETED, MOVED = "unchanged", "edited", "inserted", "deleted", "moved"
STATUSES = (UNCHANGED, EDITED, INSERTED, DELETED, MOVED)
_MARKER_STAND_IN = "\ufffc"
_LCS_CELL_LIMIT = 4_000_000
_ROWS_AT_ONCE = 256


@dataclass(frozen=True)
class FootnoteDiff:
    """One footnote of a block: ``key`` is its key now (the old key if it was removed)."""

    key: str
    old_key: str | None
    op: str  # unchanged | changed | added | removed
    old_text: str | None
    new_text: str | None
    segments: tuple[Segment, ...] = ()

    @property
    def renumbered(self) -> bool:
        return self.old_key is not None and self.op != "removed" and self.old_key != self.key

    def to_json(self) -> dict:
        return {"key": self.key, "old_key": self.old_key, "op": self.op, "renumbered": self.renumbered,
                "old_text": self.old_text, "new_text": self.new_text,
                "segments": segments_to_json(self.segments)}


@dataclass(frozen=True)
class BlockDiff:
    """One body block and what happened to it (see the module docstring for ``status``).

    ``old_number``/``new_number`` are paragraph numbers (numbered paragraphs only).
    ``segments`` always cover the whole text: all equal when unchanged, one insert when
    inserted, one delete when deleted.
    """

    status: str
    type: str
    old_index: int | None
    new_index: int | None
    old_number: int | None
    new_number: int | None
    old: dict | None
    new: dict | None
    segments: tuple[Segment, ...] = ()
    footnotes: tuple[FootnoteDiff, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    similarity: float | None = None

    @property
    def text_changed(self) -> bool:
        return not is_unchanged(self.segments)

    @property
    def footnotes_changed(self) -> bool:
        return any(f.op != UNCHANGED for f in self.footnotes)

    @property
    def number(self) -> int | None:
        """The paragraph number the block had (the new one for inserted blocks)."""
        return self.old_number if self.old is not None else self.new_number

    @property
    def label(self) -> str:
        """How a person would name the block: "paragraph 3", "heading “Outcome 1”", "block 5"."""
        block = self.old if self.old is not None else self.new or {}
        index = self.old_index if self.old is not None else self.new_index
        if self.number is not None:
            return f"paragraph {self.number}"
        if self.type == "heading":
            text = FOOTNOTE_MARKER.sub("", block.get("text", "")).strip()
            return f"heading “{text[:40]}{'…' if len(text) > 40 else ''}”"
        if self.type == "framework":
            return f"framework block (outcome {block.get('outcome')})"
        return f"block {(index or 0) + 1}"

    def footnote(self, key: str) -> FootnoteDiff | None:
        return next((f for f in self.footnotes if f.key == key), None)

    def to_json(self) -> dict:
        return {"status": self.status, "type": self.type, "label": self.label,
                "old_index": self.old_index, "new_index": self.new_index,
                "old_number": self.old_number, "new_number": self.new_number,
                "text_changed": self.text_changed, "footnotes_changed": self.footnotes_changed,
                "similarity": None if self.similarity is None else round(self.similarity, 4),
                "old": self.old, "new": self.new,
                "segments": segments_to_json(self.segments),
                "footnotes": [f.to_json() for f in self.footnotes],
                "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class PaperDiff:
    """A paper's field changes (everything but the body) and its body, block by block."""

    id: str
    fields: RecordDiff
    blocks: tuple[BlockDiff, ...] = field(default_factory=tuple)

    def with_status(self, status: str) -> list[BlockDiff]:
        return [b for b in self.blocks if b.status == status]

    @property
    def edited(self) -> list[BlockDiff]:
        return self.with_status(EDITED)

    @property
    def inserted(self) -> list[BlockDiff]:
        return self.with_status(INSERTED)

    @property
    def deleted(self) -> list[BlockDiff]:
        return self.with_status(DELETED)

    @property
    def moved(self) -> list[BlockDiff]:
        return self.with_status(MOVED)

    @property
    def unchanged(self) -> list[BlockDiff]:
        return self.with_status(UNCHANGED)

    @property
    def counts(self) -> dict[str, int]:
        return {status: len(self.with_status(status)) for status in STATUSES}

    @property
    def changed(self) -> bool:
        return bool(self.fields.changes) or any(b.status != UNCHANGED for b in self.blocks)

    def __bool__(self) -> bool:
        return self.changed

    def to_json(self) -> dict:
        from .render import summary  # render imports this module: import at call time to avoid a cycle
        return {"kind": "paper", "id": self.id, "summary": summary(self), "counts": self.counts,
                "fields": [c.to_json() for c in self.fields.changes],
                "blocks": [b.to_json() for b in self.blocks]}


# --------------------------------------------------------------------------- preparing blocks


@dataclass
class _Block:
    index: int
    block: dict
    type: str
    text: str
    number: int | None
    footnotes: list[tuple[str, str]]
    key: str
    code: str | list[int]       # content tokens, one code point each (engine.Alphabet)


def _ordered_footnotes(block: dict) -> list[tuple[str, str]]:
    """(key, text) of a block's footnotes, in the order of their markers in the text."""
    notes = [(str(n.get("key", "")), str(n.get("text", ""))) for n in block.get("footnotes") or []
             if isinstance(n, dict)]
    order = {key: i for i, key in enumerate(FOOTNOTE_MARKER.findall(block.get("text") or ""))}
    return sorted(notes, key=lambda note: order.get(note[0], len(order)))


def _attributes(block: dict) -> dict:
    return {k: v for k, v in block.items() if k not in ("text", "footnotes")}


def _prepare(body: list, alphabet: Alphabet) -> list[_Block]:
    blocks, number = [], 0
    for index, block in enumerate(body or []):
        if not isinstance(block, dict):
            block = {"type": "paragraph", "text": str(block)}
        kind = block.get("type", "paragraph")
        text = block.get("text") or ""
        numbered = kind == "paragraph" and block.get("numbered", True)
        if numbered:
            number += 1
        notes = _ordered_footnotes(block)
        canonical = FOOTNOTE_MARKER.sub(_MARKER_STAND_IN, text)
        key = json.dumps([_attributes(block), canonical, [t for _, t in notes]],
                         sort_keys=True, ensure_ascii=False, default=str)
        blocks.append(_Block(index, block, kind, text, number if numbered else None, notes, key,
                             alphabet.encode(content_tokens(canonical))))
    return blocks


# --------------------------------------------------------------------------- alignment


class _Similarity:
    """Block similarity (engine.ratio over content tokens); 0 across block types; cached.

    :meth:`near` finds the pairs at or above a floor among many blocks at once: rapidfuzz scores
    a slice of old blocks against all candidates in C++ and gives up on a pair as soon as it
    cannot reach the floor, so a rewritten 1,000-paragraph paper costs milliseconds, and memory
    grows with the pairs found (and one slice of scores), not with the pairs possible.
    """

    def __init__(self, olds: list[_Block], news: list[_Block]):
        self.olds, self.news = olds, news
        self.cache: dict[tuple[int, int], float] = {}

    def __call__(self, i: int, j: int) -> float:
        if (i, j) not in self.cache:
            self.cache[(i, j)] = self._measure(self.olds[i], self.news[j])
        return self.cache[(i, j)]

    @staticmethod
    def _measure(a: _Block, b: _Block) -> float:
        if a.type != b.type:
            return 0.0
        if a.type == "framework" and not a.code and not b.code:
            same = (a.block.get("strategy_id"), a.block.get("outcome")) == \
                (b.block.get("strategy_id"), b.block.get("outcome"))
            return 1.0 if same else 0.0
        return ratio(a.code, b.code)

    def near(self, old_ids: list[int], new_ids: list[int], floor: float) -> dict[int, dict[int, float]]:
        """{old i: {new j: similarity}} for the pairs of old_ids × new_ids at or above ``floor``."""
        import numpy  # here, not at the top: loading it costs every command's start-up, most never diff

        def group(block: _Block) -> tuple[str, bool]:
            return block.type, bool(block.code)
        news_by: dict[tuple[str, bool], list[int]] = {}
        for j in new_ids:
            news_by.setdefault(group(self.news[j]), []).append(j)
        found: dict[int, dict[int, float]] = {}
        for key, columns in news_by.items():
            rows = [i for i in old_ids if group(self.olds[i]) == key]
            if not key[1]:  # no content tokens on either side: empty paragraphs, bare framework blocks
                for i in rows:
                    for j in columns:
                        if (score := self._measure(self.olds[i], self.news[j])) >= floor:
                            found.setdefault(i, {})[j] = score
                continue
            choices = [self.news[j].code for j in columns]
            for start in range(0, len(rows), _ROWS_AT_ONCE):  # memory: a slice of rows at a time
                chunk = rows[start:start + _ROWS_AT_ONCE]
                scores = process.cdist([self.olds[i].code for i in chunk], choices, scorer=Indel.normalized_similarity,
                                       score_cutoff=floor, dtype=numpy.float64, workers=1)
                for r, c in zip(*numpy.nonzero(scores)):
                    found.setdefault(chunk[r], {})[columns[c]] = float(scores[r, c])
        for i, hits in found.items():
            for j, score in hits.items():
                self.cache[(i, j)] = score
        return found


def _lcs(olds: list[_Block], news: list[_Block], o0: int, o1: int, n0: int, n1: int) -> list[tuple[int, int]]:
    """Longest common subsequence of equal blocks in old[o0:o1], new[n0:n1].

    Among equally long ones, the one that matches the earliest new blocks: when blocks swap
    places, the one that went down is the one reported as moved ("paragraph 3 moved to the end").
    Blocks whose key is on one side only cannot be in it and are left out first, so a rewritten
    paper costs nothing here.
    """
    common = {x.key for x in olds[o0:o1]} & {x.key for x in news[n0:n1]}
    at_a = [i for i in range(o0, o1) if olds[i].key in common]
    at_b = [j for j in range(n0, n1) if news[j].key in common]
    keys_a = [olds[i].key for i in at_a]
    keys_b = [news[j].key for j in at_b]
    a, b = len(keys_a), len(keys_b)
    if a == 0 or b == 0:
        return []
    if a * b > _LCS_CELL_LIMIT:
        return [(at_a[i1 + k], at_b[j1 + k]) for tag, i1, i2, j1, _ in opcodes(keys_a, keys_b)
                if tag == "equal" for k in range(i2 - i1)]
    score = [[0] * (b + 1) for _ in range(a + 1)]
    for i in range(a - 1, -1, -1):
        row, below = score[i], score[i + 1]
        key = keys_a[i]
        for j in range(b - 1, -1, -1):
            if key == keys_b[j]:
                row[j] = below[j + 1] + 1
            else:
                row[j] = below[j] if below[j] >= row[j + 1] else row[j + 1]
    pairs, i, j = [], 0, 0
    while i < a and j < b:
        if keys_a[i] == keys_b[j]:
            pairs.append((at_a[i], at_b[j]))
            i, j = i + 1, j + 1
        elif score[i + 1][j] >= score[i][j + 1]:
            i += 1  # keep new block j available: earlier new blocks are matched first
        else:
            j += 1
    return pairs


def _weighted_alignment(candidates: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The in-order (non-crossing) subset of candidate (old, new, weight) pairs of largest total weight.

    Sparse dynamic programming: candidates are taken by old index, each extending the best chain
    that ends at a smaller old and a smaller new index (a Fenwick tree of prefix maxima over the
    new index), so the cost grows with the number of candidates, not with the size of the gap.
    """
    if not candidates:
        return []
    candidates = sorted(candidates)
    rank = {j: r + 1 for r, j in enumerate(sorted({j for _, j, _ in candidates}))}
    tree: list[tuple[float, int]] = [(0.0, -1)] * (len(rank) + 1)
    best, back = [0.0] * len(candidates), [-1] * len(candidates)
    start = 0
    while start < len(candidates):
        end = start
        while end < len(candidates) and candidates[end][0] == candidates[start][0]:
            end += 1
        for k in range(start, end):  # pairs of one old block never extend each other
            total, previous, r = 0.0, -1, rank[candidates[k][1]] - 1
            while r > 0:
                if tree[r][0] > total:
                    total, previous = tree[r]
                r -= r & -r
            best[k], back[k] = total + candidates[k][2], previous
        for k in range(start, end):
            r = rank[candidates[k][1]]
            while r < len(tree):
                if best[k] > tree[r][0]:
                    tree[r] = (best[k], k)
                r += r & -r
        start = end
    k = max(range(len(candidates)), key=lambda c: best[c])
    pairs = []
    while k >= 0:
        pairs.append(candidates[k][:2])
        k = back[k]
    return pairs[::-1]


def _align(olds: list[_Block], news: list[_Block]):
    """Aligned pairs (in place, in order) and moved pairs, as (old index, new index)."""
    n, m = len(olds), len(news)
    lo = 0
    while lo < n and lo < m and olds[lo].key == news[lo].key:
        lo += 1
    hi_o, hi_n = n, m
    while hi_o > lo and hi_n > lo and olds[hi_o - 1].key == news[hi_n - 1].key:
        hi_o, hi_n = hi_o - 1, hi_n - 1
    anchors = [(i, i) for i in range(lo)] + _lcs(olds, news, lo, hi_o, lo, hi_n) + \
        [(hi_o + k, hi_n + k) for k in range(n - hi_o)]
    used_old = {i for i, _ in anchors}
    used_new = {j for _, j in anchors}

    # Blocks equal in full that are out of order: moved.
    moved: list[tuple[int, int]] = []
    free_new: dict[str, list[int]] = {}
    for j in range(m):
        if j not in used_new:
            free_new.setdefault(news[j].key, []).append(j)
    for i in range(n):
        if i not in used_old and free_new.get(olds[i].key):
            j = free_new[olds[i].key].pop(0)
            moved.append((i, j))
            used_old.add(i)
            used_new.add(j)

    sim = _Similarity(olds, news)
    rest_old = [i for i in range(n) if i not in used_old]
    rest_new = [j for j in range(m) if j not in used_new]
    near = sim.near(rest_old, rest_new, MOVE_THRESHOLD)   # near-identical pairs anywhere
    near_new: dict[int, list[int]] = {}
    for i, hits in near.items():
        for j in hits:
            near_new.setdefault(j, []).append(i)
    edited: list[tuple[int, int]] = []
    bounds = [(-1, -1)] + sorted(anchors) + [(n, m)]
    for (a_o, a_n), (b_o, b_n) in zip(bounds, bounds[1:]):
        gap_old = rest_old[bisect.bisect_right(rest_old, a_o):bisect.bisect_left(rest_old, b_o)]
        gap_new = rest_new[bisect.bisect_right(rest_new, a_n):bisect.bisect_left(rest_new, b_n)]
        if not gap_old or not gap_new:
            continue
        candidates = []
        for i, hits in sim.near(gap_old, gap_new, EDIT_THRESHOLD).items():
            for j, ratio_ij in hits.items():
                # A loosely similar pair in place loses to a near-identical counterpart elsewhere:
                # that is a move, not an edit here.
                if ratio_ij < MOVE_THRESHOLD and (any(not a_n < k < b_n for k in near.get(i, ()))
                                                  or any(not a_o < k < b_o for k in near_new.get(j, ()))):
                    continue
                candidates.append((i, j, ratio_ij))
        edited.extend(_weighted_alignment(candidates))
    used_old.update(i for i, _ in edited)
    used_new.update(j for _, j in edited)

    # Near-identical leftovers at other positions: moved.
    candidates = sorted(((ratio_ij, -abs(i - j), i, j) for i, hits in near.items() if i not in used_old
                         for j, ratio_ij in hits.items() if j not in used_new), reverse=True)
    for _, _, i, j in candidates:
        if i not in used_old and j not in used_new:
            moved.append((i, j))
            used_old.add(i)
            used_new.add(j)
    aligned = sorted(anchors + edited)
    return aligned, moved, sim


# --------------------------------------------------------------------------- footnotes


def _match_footnotes(old_notes: list[tuple[str, str]], new_notes: list[tuple[str, str]]):
    """Pairs (old key, new key) of the same footnote, matched by text, key, then similarity."""
    old_left, new_left = dict(old_notes), dict(new_notes)
    pairs: list[tuple[str, str]] = []

    def take(ok: str, nk: str) -> None:
        pairs.append((ok, nk))
        del old_left[ok], new_left[nk]

    for ok in list(old_left):  # same key, same text
        if ok in new_left and new_left[ok] == old_left[ok]:
            take(ok, ok)
    for ok in list(old_left):  # same text under another key: renumbered
        nk = next((k for k, t in new_left.items() if t == old_left[ok]), None)
        if nk is not None:
            take(ok, nk)
    for ok in list(old_left):  # same key, similar text: edited
        if ok in new_left and similarity(old_left[ok], new_left[ok]) >= FOOTNOTE_MATCH_THRESHOLD:
            take(ok, ok)
    scored = sorted(((similarity(ot, nt), ok, nk) for ok, ot in old_left.items() for nk, nt in new_left.items()),
                    key=lambda s: -s[0])
    for ratio, ok, nk in scored:  # similar text under another key: renumbered and edited
        if ratio >= FOOTNOTE_MATCH_THRESHOLD and ok in old_left and nk in new_left:
            take(ok, nk)
    for ok in list(old_left):  # same key, rewritten
        if ok in new_left:
            take(ok, ok)
    return pairs


def _footnote_diffs(old_notes, new_notes) -> tuple[dict[str, str], tuple[FootnoteDiff, ...]]:
    pairs = _match_footnotes(old_notes, new_notes)
    old_text = dict(old_notes)
    by_new = {nk: ok for ok, nk in pairs}
    paired_old = {ok for ok, _ in pairs}
    out = []
    for key, text in new_notes:
        ok = by_new.get(key)
        if ok is None:
            out.append(FootnoteDiff(key, None, "added", None, text, tuple(diff_text("", text))))
        else:
            segments = tuple(diff_text(old_text[ok], text))
            op = UNCHANGED if old_text[ok] == text else "changed"
            out.append(FootnoteDiff(key, ok, op, old_text[ok], text, segments))
    for key, text in old_notes:
        if key not in paired_old:
            out.append(FootnoteDiff(key, key, "removed", text, None, tuple(diff_text(text, ""))))
    renames = {ok: nk for ok, nk in pairs if ok != nk}
    return renames, tuple(out)


def _rename_markers(text: str, renames: dict[str, str]) -> str:
    if not renames:
        return text
    return FOOTNOTE_MARKER.sub(lambda m: f"[^{renames.get(m.group(1), m.group(1))}]", text)


# --------------------------------------------------------------------------- entries


def _pair_entry(old: _Block, new: _Block, moved: bool, ratio: float | None) -> BlockDiff:
    renames, notes = _footnote_diffs(old.footnotes, new.footnotes)
    segments = tuple(diff_text(_rename_markers(old.text, renames), new.text))
    changes = tuple(diff_fields(_attributes(old.block), _attributes(new.block)))
    changed = not is_unchanged(segments) or any(f.op != UNCHANGED for f in notes) or bool(changes)
    status = MOVED if moved else EDITED if changed else UNCHANGED
    return BlockDiff(status, new.type, old.index, new.index, old.number, new.number, old.block, new.block,
                     segments, notes, changes, ratio)


def _single_entry(block: _Block, inserted: bool) -> BlockDiff:
    if inserted:
        notes = tuple(FootnoteDiff(k, None, "added", None, t, (Segment(INSERT, t),) if t else ())
                      for k, t in block.footnotes)
        segments = (Segment(INSERT, block.text),) if block.text else ()
        return BlockDiff(INSERTED, block.type, None, block.index, None, block.number, None, block.block,
                         segments, notes)
    notes = tuple(FootnoteDiff(k, k, "removed", t, None, (Segment(DELETE, t),) if t else ())
                  for k, t in block.footnotes)
    segments = (Segment(DELETE, block.text),) if block.text else ()
    return BlockDiff(DELETED, block.type, block.index, None, block.number, None, block.block, None,
                     segments, notes)


def diff_bodies(old_body: list | None, new_body: list | None) -> tuple[BlockDiff, ...]:
    """The block entries for two paper bodies, in reading order (see the module docstring)."""
    alphabet = Alphabet()
    olds, news = _prepare(old_body or [], alphabet), _prepare(new_body or [], alphabet)
    aligned, moved, sim = _align(olds, news)
    moved_to = {j: i for i, j in moved}
    moved_from = {i for i, _ in moved}
    entries: list[BlockDiff] = []
    next_old = next_new = 0
    for o, n in aligned + [(len(olds), len(news))]:
        for i in range(next_old, o):
            if i not in moved_from:
                entries.append(_single_entry(olds[i], inserted=False))
        for j in range(next_new, n):
            if j in moved_to:
                i = moved_to[j]
                ratio = 1.0 if olds[i].key == news[j].key else sim(i, j)
                entries.append(_pair_entry(olds[i], news[j], True, ratio))
            else:
                entries.append(_single_entry(news[j], inserted=True))
        if o < len(olds):
            ratio = 1.0 if olds[o].key == news[n].key else sim(o, n)
            entries.append(_pair_entry(olds[o], news[n], False, ratio))
        next_old, next_new = o + 1, n + 1
    return tuple(entries)


def diff_papers(old_paper: dict | None, new_paper: dict | None) -> PaperDiff:
    """How a paper changed: its fields (everything but ``body`` and the versions of its parts it
    pins, via diff_records) and its body. The parts themselves are compared where the paper's
    two versions pin different versions of them (services/diffs.py)."""
    def front(paper: dict | None) -> dict | None:
        return None if paper is None else {k: v for k, v in paper.items() if k not in ("body", "pinned")}

    fields = diff_records("paper", front(old_paper), front(new_paper))
    old_paper, new_paper = old_paper or {}, new_paper or {}
    paper_id = str(new_paper.get("id") or old_paper.get("id") or "")
    return PaperDiff(paper_id, fields, diff_bodies(old_paper.get("body"), new_paper.get("body")))

