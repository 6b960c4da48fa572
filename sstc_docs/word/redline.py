"""Redline: the last of a run of paper versions in the house format, with native tracked changes
against the first, each change credited to the version that made it.

Every version is laid out by the plain export's own layout functions, all with the last
version's symbol as it stands (an internal draft gets no "(Rev.)": the symbol is the paper's).
The first and the last are then merged part by part — cover and front matter by slot, the body
block by block as the compare view pairs blocks (``alignment``), text token by token along the
compare view's segments (``merge``) — so the Word file, the compare view and the CLI ``diff``
agree about every edit. The merged Flow carries INS/DEL marks and who made each (``lineage``);
PaperWriter writes them as w:ins/w:del.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..domain.bundle import OutcomeBlock, PaperBundle
from .alignment import Match, body_matches, slot_matches
from .flow import DEL, INS, Change, Flow, Table
from .layout import block_items, cover, decision_items, decision_numbers, front_matter, paper_flow
from .lineage import Lineage
from .merge import Merger
from .oxml.tracked import ChangeTracker
from .paper import PaperWriter


def _record_block(block) -> dict:
    """A printed block as the paper record holds it (an outcome block is the framework block it
    came from), so the body is aligned exactly as the compare view aligns the record's body."""
    if isinstance(block, OutcomeBlock):
        return {"type": "framework", "strategy_id": block.strategy_id, "outcome": block.number,
                "text": block.text, "footnotes": list(block.footnotes)}
    return block


@dataclass
class _Page:
    """One version laid out in the parts the redline compares each in its own way."""

    front: list                 # cover and front matter
    body: list[dict]            # the body blocks as the paper record holds them
    blocks: list[list]          # the items each body block prints as
    decisions: list

    @classmethod
    def of(cls, bundle: PaperBundle, symbol: str) -> "_Page":
        language = bundle.language
        return cls(cover(bundle, symbol) + front_matter(bundle.paper, language, decision_numbers(bundle)),
                   [_record_block(block) for block in bundle.blocks],
                   [block_items(block, language) for block in bundle.blocks],
                   decision_items(bundle.decisions, language))


def _renames(match: Match) -> dict[str, str]:
    """Old footnote key → new key for the footnotes the compare view found renumbered."""
    return {note.old_key: note.key for note in match.block.footnotes if note.renumbered}


def _within_block(before: list, after: list) -> list[Match]:
    """A paragraph is one item whatever its style (numbered or not: formatting, not tracked);
    a framework block's items (statement, narrative, table) pair by slot."""
    if len(before) == len(after) == 1 and not isinstance(before[0], Table) and not isinstance(after[0], Table):
        return [Match(0, 0)]
    return slot_matches(before, after)


def merge_pages(old: _Page, new: _Page, merger: Merger) -> list:
    items = merger.items(old.front, new.front, slot_matches(old.front, new.front))
    for match in body_matches(old.body, new.body):
        if match.old is None:
            items += [merger.mark_item(item, INS) for item in new.blocks[match.new]]
        elif match.new is None:
            items += [merger.mark_item(item, DEL) for item in old.blocks[match.old]]
        else:
            before, after = old.blocks[match.old], new.blocks[match.new]
            items += merger.items(before, after, _within_block(before, after), _renames(match))
    return items + merger.items(old.decisions, new.decisions, slot_matches(old.decisions, new.decisions))


def _version(bundle: PaperBundle) -> str:
    return f"{bundle.paper.get('id') or bundle.paper.get('symbol', '')}@{bundle.paper_version}"


def redline_flow(bundles: list[PaperBundle]) -> Flow:
    """The Flow of the last bundle, marked against the first; see :func:`redline_docx`."""
    if len(bundles) < 2:
        raise ValueError("a redline needs at least two versions: the first and the last")
    first, last = bundles[0], bundles[-1]
    symbol = str(last.paper.get("symbol") or last.paper.get("id") or "")
    pages = [_Page.of(bundle, symbol) for bundle in bundles]
    lineage = Lineage([Change(b.author, b.recorded_at) for b in bundles])
    stepper = Merger(link=lineage.link)
    for before, after in zip(pages, pages[1:]):
        merge_pages(before, after, stepper)
    items = merge_pages(pages[0], pages[-1], Merger(credit=lineage.credit))
    flow = dataclasses.replace(paper_flow(last), items=items)
    flow.custom = dict(flow.custom)
    flow.custom["sstc.redline_from"] = _version(first)
    flow.custom["sstc.redline_to"] = _version(last)
    return flow


def redline_docx(bundles: list[PaperBundle], *, template: str | Path | None = None) -> bytes:
    """The last bundle's paper with tracked changes against the first's.

    ``bundles`` are the versions in order, first to last (each with the ``author`` and
    ``recorded_at`` of its paper version); every change is credited to the version of the run
    that last changed the paragraph, footnote or table row it is in.
    """
    flow = redline_flow(bundles)
    tracker = ChangeTracker(bundles[-1].author, bundles[-1].recorded_at)
    return PaperWriter(template, tracker=tracker).write(flow)
