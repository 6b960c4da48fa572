"""Which item of one version is which item of the other — decided by the diff package.

The redline never aligns anything itself, so it cannot disagree with the compare view:

* body blocks are paired exactly as ``diff.diff_bodies`` pairs them (the compare view and the CLI
  ``diff`` show that same result);
* table rows and the paragraphs of a table cell are aligned by the same block alignment, run on
  their texts;
* the fixed parts of the page (cover, front matter, the draft decision heading and boxes) are
  paired by their place: the same slot (paragraph style, or table identity) in the same order.

A match is ``(old index, new index)``, either may be ``None``, listed in reading order: accept
all and the new items come in the new order, reject all and the old ones in the old order. A
block that moved is a deletion where it stood and an insertion where it now stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diff import BlockDiff, diff_bodies
from ..diff.engine import opcodes
from ..diff.papers import MOVED
from .flow import Para, Table


@dataclass(frozen=True)
class Match:
    old: int | None
    new: int | None
    block: BlockDiff | None = None     # the compare view's entry, for body blocks and texts


def _from_block_diffs(entries: tuple[BlockDiff, ...]) -> list[Match]:
    matches = [Match(None if e.status == MOVED else e.old_index, e.new_index, e) for e in entries]
    for entry in entries:
        if entry.status != MOVED:
            continue
        # the old copy of a moved block goes back where it stood: before the first later old block
        at = next((k for k, m in enumerate(matches) if m.old is not None and m.old > entry.old_index),
                  len(matches))
        matches.insert(at, Match(entry.old_index, None, entry))
    return matches


def body_matches(old_body: list, new_body: list) -> list[Match]:
    """The paper's body blocks, paired as the compare view pairs them."""
    return _from_block_diffs(diff_bodies(old_body, new_body))


def text_matches(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[Match]:
    """Rows, or the paragraphs of a cell, as (kind, text), aligned by the block alignment.

    Only items of the same kind (a paragraph style, "row") are ever paired.
    """
    def blocks(items: list[tuple[str, str]]) -> list[dict]:
        return [{"type": kind, "text": text} for kind, text in items]
    return _from_block_diffs(diff_bodies(blocks(old), blocks(new)))


def slot(item) -> tuple:
    return ("t", item.key) if isinstance(item, Table) else ("p", item.style)


def slot_matches(old_items: list, new_items: list) -> list[Match]:
    """Fixed parts of the page paired by slot, in order; a slot on one side only is ins/del."""
    matches: list[Match] = []
    for tag, i1, i2, j1, j2 in opcodes([repr(slot(x)) for x in old_items], [repr(slot(x)) for x in new_items]):
        if tag == "equal":
            matches += [Match(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            matches += [Match(i, None) for i in range(i1, i2)] + [Match(None, j) for j in range(j1, j2)]
    return matches


def row_text(cells: list[list[Para]]) -> str:
    return "\t".join("\n".join(p.text() for p in cell) for cell in cells)
