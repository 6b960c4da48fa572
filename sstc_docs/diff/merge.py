"""Three-way merges: my edits and someone else's, both made on the same base, put together.

Two people editing the same paper must not have to choose between their texts when they touched
different things. The merge compares each side with the base (the same token diff the rest of the
package uses, so words stay whole, Chinese goes character by character, ``[^1]`` stays one token)
and takes every change that only one side made. Only where both sides changed the same stretch
differently is there a conflict; the merged text then holds *my* words there, and the conflict
says so, with both texts, so a caller can ask the person and never drop either text silently.

Changes "touch" when their stretches of the base overlap, or when one side inserts at a point the
other side replaces around or also inserts at (the order of the two would be a guess).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Hashable, Iterator, Sequence

from .engine import opcodes
from .tokens import tokenize


@dataclass(frozen=True)
class TextConflict:
    """One stretch both sides changed differently: the base's words, mine, theirs."""

    base: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class FieldConflict:
    """A field (``body[1].text``, ``title`` …) both sides changed where the merge cannot decide.
    ``merged`` is what the merge keeps meanwhile: every change that did not overlap, mine where
    they did."""

    path: str
    base: Any
    mine: Any
    theirs: Any
    merged: Any


def _hunks(base: Sequence[str], side: Sequence[str]) -> list[tuple[int, int, list]]:
    """The changes from ``base`` to ``side``: (start, end, replacement) over base positions."""
    return [(i1, i2, list(side[j1:j2])) for tag, i1, i2, j1, j2 in opcodes(base, side) if tag != "equal"]


def _touch(a: tuple[int, int], b: tuple[int, int]) -> bool:
    (s1, e1), (s2, e2) = a, b
    if s1 < e2 and s2 < e1:
        return True                      # their stretches overlap
    if s1 == e1 and s2 <= s1 <= e2:      # an insertion at, or inside, the other's stretch
        return True
    return s2 == e2 and s1 <= s2 <= e1


def regions(base: Sequence[Hashable], mine: Sequence[Hashable], theirs: Sequence[Hashable]
            ) -> Iterator[tuple[list, list, list]]:
    """The merge as consecutive stretches of the base: (base items, my items, their items).
    Where a side did not change the stretch, its items are the base's."""
    # opcodes compares strings: the items are mapped to stand-ins and back
    names: dict[Hashable, str] = {}
    b, m, t = ([names.setdefault(x, str(len(names))) for x in seq] for seq in (base, mine, theirs))
    back = {name: item for item, name in names.items()}
    changes = sorted([(s, e, r, 0) for s, e, r in _hunks(b, m)] + [(s, e, r, 1) for s, e, r in _hunks(b, t)],
                     key=lambda h: (h[0], h[1]))
    groups: list[list] = []
    for hunk in changes:
        if groups and any(_touch((hunk[0], hunk[1]), (h[0], h[1])) for h in groups[-1]):
            groups[-1].append(hunk)
        else:
            groups.append([hunk])
    position = 0
    for group in groups:
        start, end = min(h[0] for h in group), max(h[1] for h in group)
        if position < start:
            same = [back[x] for x in b[position:start]]
            yield same, same, same
        sides = []
        for side in (0, 1):
            out, at = [], start
            for s, e, replacement, who in group:
                if who == side:
                    out += b[at:s] + replacement
                    at = e
            sides.append([back[x] for x in out + b[at:end]])
        yield [back[x] for x in b[start:end]], sides[0], sides[1]
        position = end
    if position < len(b):
        same = [back[x] for x in b[position:]]
        yield same, same, same


def merge3(base: str | None, mine: str | None, theirs: str | None) -> tuple[str, list[TextConflict]]:
    """My changes and theirs to ``base``, together. Returns the merged text and the stretches both
    changed differently (there the merged text has mine)."""
    base, mine, theirs = base or "", mine or "", theirs or ""
    if mine == theirs or theirs == base:
        return mine, []
    if mine == base:
        return theirs, []
    merged, conflicts = [], []
    for b, m, t in regions(tokenize(base), tokenize(mine), tokenize(theirs)):
        if m == t or t == b:
            merged += m
        elif m == b:
            merged += t
        else:
            merged += m
            conflicts.append(TextConflict("".join(b), "".join(m), "".join(t)))
    return "".join(merged), conflicts


def _item_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def merge_values(base: Any, mine: Any, theirs: Any, path: str = "") -> tuple[Any, list[FieldConflict]]:
    """A three-way merge of JSON-like records: fields and list items one side changed are taken
    from it; text both changed is merged word by word (``merge3``); anything else both changed
    differently is a FieldConflict (its ``merged`` value is in the result meanwhile)."""
    if mine == theirs or theirs == base:
        return copy.deepcopy(mine), []
    if mine == base:
        return copy.deepcopy(theirs), []
    if isinstance(mine, str) and isinstance(theirs, str) and isinstance(base, (str, type(None))):
        text, overlaps = merge3(base, mine, theirs)
        return text, [FieldConflict(path, base, mine, theirs, text)] if overlaps else []
    if isinstance(mine, dict) and isinstance(theirs, dict):
        base = base if isinstance(base, dict) else {}
        result, conflicts = {}, []
        for key in [*theirs, *(k for k in mine if k not in theirs)]:
            if key not in mine and key in base and theirs[key] == base[key]:
                continue                                    # I removed it, they left it alone
            if key not in theirs and key in base and mine[key] == base[key]:
                continue                                    # they removed it, I left it alone
            value, found = merge_values(base.get(key), mine.get(key), theirs.get(key), f"{path}.{key}" if path else key)
            result[key] = value
            conflicts += found
        return result, conflicts
    if isinstance(mine, list) and isinstance(theirs, list):
        base = base if isinstance(base, list) else []
        result, conflicts, index = [], [], 0
        for b, m, t in _list_regions(base, mine, theirs):
            if m == t or t == b:
                part = m
            elif m == b:
                part = t
            elif len(b) == len(m) == len(t):               # the same items, both edited: field by field
                part = []
                for offset, (bi, mi, ti) in enumerate(zip(b, m, t)):
                    value, found = merge_values(bi, mi, ti, f"{path}[{index + offset}]")
                    part.append(value)
                    conflicts += found
            else:
                part = m
                conflicts.append(FieldConflict(f"{path}[{index}]", b, m, t, m))
            result += copy.deepcopy(part)
            index += len(part)
        return result, conflicts
    return copy.deepcopy(mine), [FieldConflict(path, base, mine, theirs, mine)]


def _list_regions(base: list, mine: list, theirs: list) -> Iterator[tuple[list, list, list]]:
    """``regions`` over list items (compared by their JSON)."""
    originals: dict[str, Any] = {}
    for item in [*base, *mine, *theirs]:
        originals.setdefault(_item_key(item), item)
    for b, m, t in regions(*([_item_key(x) for x in seq] for seq in (base, mine, theirs))):
        yield [originals[x] for x in b], [originals[x] for x in m], [originals[x] for x in t]
