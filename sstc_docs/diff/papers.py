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

import difflib
import json
from collections import Counter
from dataclasses import dataclass, field

from ..domain.records import FOOTNOTE_MARKER
from .records import FieldChange, RecordDiff, diff_fields, diff_records
from .text import DELETE, INSERT, Segment, content_tokens, diff_text, is_unchanged, segments_to_json, similarity

MOVE_THRESHOLD = 0.8
EDIT_THRESHOLD = 0.5
FOOTNOTE_MATCH_THRESHOLD = 0.5
UNCHANGED, EDITED, INSERTED, DELETED, MOVED = "unchanged", "edited", "inserted", "deleted", "moved"
STATUSES = (UNCHANGED, EDITED, INSERTED, DELETED, MOVED)
_MARKER_STAND_IN = "\ufffc"
_LCS_CELL_LIMIT = 4_000_000


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
    tokens: list[str]
    bigrams: Counter


def _ordered_footnotes(block: dict) -> list[tuple[str, str]]:
    """(key, text) of a block's footnotes, in the order of their markers in the text."""
    notes = [(str(n.get("key", "")), str(n.get("text", ""))) for n in block.get("footnotes") or []
             if isinstance(n, dict)]
    order = {key: i for i, key in enumerate(FOOTNOTE_MARKER.findall(block.get("text") or ""))}
    return sorted(notes, key=lambda note: order.get(note[0], len(order)))


def _attributes(block: dict) -> dict:
    return {k: v for k, v in block.items() if k not in ("text", "footnotes")}


def _prepare(body: list) -> list[_Block]:
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
        tokens = content_tokens(canonical)
        blocks.append(_Block(index, block, kind, text, number if numbered else None, notes, key,
                             tokens, Counter(zip(tokens, tokens[1:]))))
    return blocks


# --------------------------------------------------------------------------- alignment


def _dice(a: Counter, b: Counter, total: int) -> float:
    if not total:
        return 1.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return 2 * sum(min(count, large[gram]) for gram, count in small.items() if gram in large) / total


class _Similarity:
    """Cached block similarity (difflib ratio over content tokens); 0 across block types.

    Asked with a ``floor``, pairs that clearly fall below it are not measured exactly: difflib's
    cheap upper bounds, then the overlap of token pairs (bigrams), which stays well above
    ``floor * PREFILTER`` for texts that differ only by scattered edits, rule them out early.
    """

    PREFILTER = 0.6

    def __init__(self, olds: list[_Block], news: list[_Block]):
        self.olds, self.news = olds, news
        self.cache: dict[tuple[int, int], float] = {}
        self.below: dict[tuple[int, int], float] = {}  # pairs known to fall under this floor
        self.matcher = difflib.SequenceMatcher(None, autojunk=False)
        self.seq2: int | None = None

    def __call__(self, i: int, j: int, floor: float = 0.0) -> float:
        """Similarity of old block i and new block j; values under ``floor`` may come back as 0."""
        if (i, j) in self.cache:
            return self.cache[(i, j)]
        if floor and self.below.get((i, j), 2.0) <= floor:
            return 0.0
        a, b = self.olds[i], self.news[j]
        if a.type != b.type:
            ratio = 0.0
        elif a.type == "framework" and not a.tokens and not b.tokens:
            same = (a.block.get("strategy_id"), a.block.get("outcome")) == \
                (b.block.get("strategy_id"), b.block.get("outcome"))
            ratio = 1.0 if same else 0.0
        elif not a.tokens and not b.tokens:
            ratio = 1.0
        else:
            la, lb = len(a.tokens), len(b.tokens)
            if floor and (2 * min(la, lb) / (la + lb) < floor
                          or (la > 3 and lb > 3 and _dice(a.bigrams, b.bigrams, la + lb - 2) < floor * self.PREFILTER)):
                self.below[(i, j)] = floor  # only known to be under this floor
                return 0.0
            if self.seq2 != j:
                self.matcher.set_seq2(b.tokens)
                self.seq2 = j
            self.matcher.set_seq1(a.tokens)
            if floor and self.matcher.quick_ratio() < floor:
                self.below[(i, j)] = floor
                return 0.0
            ratio = self.matcher.ratio()
        self.cache[(i, j)] = ratio
        return ratio


def _lcs(olds: list[_Block], news: list[_Block], o0: int, o1: int, n0: int, n1: int) -> list[tuple[int, int]]:
    """Longest common subsequence of equal blocks in old[o0:o1], new[n0:n1].

    Among equally long ones, the one that matches the earliest new blocks: when blocks swap
    places, the one that went down is the one reported as moved ("paragraph 3 moved to the end").
    """
    a, b = o1 - o0, n1 - n0
    if a == 0 or b == 0:
        return []
    keys_a = [x.key for x in olds[o0:o1]]
    keys_b = [x.key for x in news[n0:n1]]
    if a * b > _LCS_CELL_LIMIT:
        matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
        return [(o0 + m.a + k, n0 + m.b + k) for m in matcher.get_matching_blocks() for k in range(m.size)]
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
            pairs.append((o0 + i, n0 + j))
            i, j = i + 1, j + 1
        elif score[i + 1][j] >= score[i][j + 1]:
            i += 1  # keep new block j available: earlier new blocks are matched first
        else:
            j += 1
    return pairs


def _weighted_alignment(olds: list[int], news: list[int], weight) -> list[tuple[int, int]]:
    """In-order pairs of olds × news maximising the total weight (pairs of weight 0 excluded)."""
    a, b = len(olds), len(news)
    if not a or not b:
        return []
    memo: dict[tuple[int, int], float] = {}

    def w_at(i: int, j: int) -> float:
        if (i, j) not in memo:
            memo[(i, j)] = weight(olds[i], news[j])
        return memo[(i, j)]

    score = [[0.0] * (b + 1) for _ in range(a + 1)]
    for i in range(a - 1, -1, -1):
        for j in range(b - 1, -1, -1):
            w = w_at(i, j)
            score[i][j] = max(score[i + 1][j], score[i][j + 1],
                              score[i + 1][j + 1] + w if w > 0 else 0.0)
    pairs, i, j = [], 0, 0
    while i < a and j < b:
        w = w_at(i, j)
        if w > 0 and score[i][j] == score[i + 1][j + 1] + w:
            pairs.append((olds[i], news[j]))
            i, j = i + 1, j + 1
        elif score[i + 1][j] >= score[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


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
    edited: list[tuple[int, int]] = []
    bounds = [(-1, -1)] + sorted(anchors) + [(n, m)]
    for (a_o, a_n), (b_o, b_n) in zip(bounds, bounds[1:]):
        gap_old = [i for i in rest_old if a_o < i < b_o]
        gap_new = [j for j in rest_new if a_n < j < b_n]
        if not gap_old or not gap_new:
            continue
        outside_new = [k for k in rest_new if not a_n < k < b_n]
        outside_old = [k for k in rest_old if not a_o < k < b_o]

        def weight(i: int, j: int) -> float:
            ratio = sim(i, j, EDIT_THRESHOLD)
            if ratio < EDIT_THRESHOLD:
                return 0.0
            # A loosely similar pair in place loses to a near-identical counterpart elsewhere:
            # that is a move, not an edit here.
            if ratio < MOVE_THRESHOLD:
                floor = max(ratio, MOVE_THRESHOLD)
                if any(sim(i, k, floor) > ratio for k in outside_new) or \
                        any(sim(k, j, floor) > ratio for k in outside_old):
                    return 0.0
            return ratio

        edited.extend(_weighted_alignment(gap_old, gap_new, weight))
    used_old.update(i for i, _ in edited)
    used_new.update(j for _, j in edited)

    # Near-identical leftovers at other positions: moved.
    candidates = sorted(((sim(i, j, MOVE_THRESHOLD), -abs(i - j), i, j)
                         for i in range(n) if i not in used_old
                         for j in range(m) if j not in used_new), reverse=True)
    for ratio, _, i, j in candidates:
        if ratio < MOVE_THRESHOLD:
            break
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
    olds, news = _prepare(old_body or []), _prepare(new_body or [])
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
    """How a paper changed: its fields (everything but ``body``, via diff_records) and its body."""
    def front(paper: dict | None) -> dict | None:
        return None if paper is None else {k: v for k, v in paper.items() if k != "body"}

    fields = diff_records("paper", front(old_paper), front(new_paper))
    old_paper, new_paper = old_paper or {}, new_paper or {}
    paper_id = str(new_paper.get("id") or old_paper.get("id") or "")
    return PaperDiff(paper_id, fields, diff_bodies(old_paper.get("body"), new_paper.get("body")))

