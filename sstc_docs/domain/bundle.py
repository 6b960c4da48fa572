"""Everything one exported paper is made of, gathered and resolved, ready to print.

The services assemble a PaperBundle from exact stored versions; the Word exporter prints it and
knows nothing of the store. The same bundle serves the plain export, the redline (two bundles)
and the app's preview, so what a user sees and what Word gets cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import demo
from .framework import indicator_as_of
from .lifecycle import decision_parts, part_line
from .records import FOOTNOTE_MARKER, quantity_text

ROW_KINDS = ("indicator", "baseline", "target", "new_indicator", "revised_indicator",
             "revised_baseline", "revised_target")


@dataclass(frozen=True)
class FrameworkRow:
    kind: str          # one of ROW_KINDS; the exporter turns it into a label in the paper's language
    text: str
    label: str = ""    # "(A)", "(B)" for new indicators
    indicator_id: str = ""


@dataclass(frozen=True)
class OutcomeBlock:
    """A results-framework block: the outcome statement, its narrative, and its indicator rows."""

    strategy_id: str
    number: int
    statement: str
    text: str                       # narrative paragraph, may hold [^key] markers
    footnotes: tuple[dict, ...]
    rows: tuple[FrameworkRow, ...]


@dataclass(frozen=True)
class DecisionBlock:
    """A decision as printed: its text, then its parts as (label, text) — ("(a)", "approves …;").

    The label is kept apart from the text so the page can hang the text after it on a tab stop.
    """

    id: str
    version: int
    text: str
    parts: tuple[tuple[str, str], ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """One line a paragraph, the label before its part: for previews and plain text."""
        return (self.text, *(part_line(name, body) for name, body in self.parts))


@dataclass
class PaperBundle:
    paper: dict                     # the paper record (one exact version)
    paper_version: int
    blocks: list                    # body in order: dict (heading/paragraph) or OutcomeBlock
    decisions: list[DecisionBlock] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)   # "kind:id" -> version used, for traceability
    author: str = ""                # who made this paper version (for tracked changes)
    recorded_at: str = ""           # when (UTC ISO)
    segment: str = ""               # the session segment the item belongs to, printed on the cover
    revised_paragraphs: tuple[int, ...] = ()   # a (Rev.) paper's changed paragraphs, for the cover note
    hashes: dict[str, str] = field(default_factory=dict)   # "kind:id" -> hash of the version used

    @property
    def language(self) -> str:
        return self.paper.get("language", "en")


def outcome_rows(indicators: list[dict], decision_ids: set[str], on: str | None = None) -> list[FrameworkRow]:
    """The rows a paper prints for an outcome's indicators, as the house format lays them out.

    An indicator introduced by one of this paper's decisions is printed as "New indicator (A)";
    a revision proposed or adopted by one of them gets its own revised rows under the original.
    Indicators retired or not yet in force for another reason are left out.
    """
    rows: list[FrameworkRow] = []
    for indicator in indicators:
        view = indicator_as_of(indicator, on)
        introduced_here = any(r["type"] == "new" and r.get("decision_id") in decision_ids
                              for r in indicator.get("revisions", []))
        if view.retired or (not view.in_force and not introduced_here):
            continue
        ours = [r for r in indicator.get("revisions", [])
                if r["type"] == "revised" and r.get("decision_id") in decision_ids and r["status"] != "lapsed"]
        shown = view.original if ours else view.values
        head = "new_indicator" if introduced_here else "indicator"
        rows += [FrameworkRow(head, shown.get("text", ""), indicator.get("label", ""), indicator["id"]),
                 FrameworkRow("baseline", quantity_text(shown.get("baseline")), "", indicator["id"]),
                 FrameworkRow("target", quantity_text(shown.get("target")), "", indicator["id"])]
        for revision in ours:
            new = revision.get("new") or {}
            for key, kind in (("text", "revised_indicator"), ("baseline", "revised_baseline"),
                              ("target", "revised_target")):
                if key in new:
                    value = new[key] if key == "text" else quantity_text(new[key])
                    rows.append(FrameworkRow(kind, value, "", indicator["id"]))
    return rows


def is_numbered(block) -> bool:
    """A body paragraph that takes a number (headings and framework blocks do not)."""
    return isinstance(block, dict) and block.get("type") == "paragraph" and bool(block.get("numbered", True))


def decision_paragraph_numbers(blocks: list, decision_count: int) -> list[int]:
    """The paragraph numbers the decisions take: the next ones after the body's numbered paragraphs."""
    last = sum(is_numbered(block) for block in blocks)
    return [last + i for i in range(1, decision_count + 1)]


def decision_block(decision: dict, version: int, language: str) -> DecisionBlock:
    (_, text), *parts = decision_parts(decision["text"], decision.get("parts", []), language)
    return DecisionBlock(decision["id"], version, text, tuple(parts))


def split_footnote_markers(text: str) -> list[tuple[str, str]]:
    """Split text into ("text", s) and ("note", key) pieces, in order, for the printer."""
    pieces, position = [], 0
    for match in FOOTNOTE_MARKER.finditer(text):
        if match.start() > position:
            pieces.append(("text", text[position:match.start()]))
        pieces.append(("note", match.group(1)))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces


def assemble(paper: dict, paper_version: int, *, strategies: dict[str, dict], indicators: dict[str, dict],
             decisions: list[tuple[dict, int]], sources: dict[str, int] | None = None,
             on: str | None = None, author: str = "", recorded_at: str = "", segment: str = "",
             revised_paragraphs: tuple[int, ...] = ()) -> PaperBundle:
    """Resolve a paper's framework blocks and decisions from the exact records given.

    ``strategies`` and ``indicators`` map ids to records; ``decisions`` pairs each decision record
    with its version number; ``on`` is the as-at date that decides which revisions count.
    ``segment`` (from the session record) and ``revised_paragraphs`` (a (Rev.) paper's changed
    paragraph numbers, from the diff against the version it replaces) are printed on the cover.
    """
    language = paper.get("language", "en")
    decision_ids = {d["id"] for d, _ in decisions}
    blocks: list = []
    for block in paper.get("body", []):
        if block["type"] != "framework":
            blocks.append(block)
            continue
        strategy = strategies.get(block["strategy_id"], {})
        outcome = next((o for o in strategy.get("outcomes", []) if o["number"] == block["outcome"]), None)
        members = [indicators[i] for i in (outcome or {}).get("indicator_ids", []) if i in indicators]
        blocks.append(OutcomeBlock(block["strategy_id"], block["outcome"],
                                   (outcome or {}).get("statement", ""), block.get("text", ""),
                                   tuple(block.get("footnotes", [])),
                                   tuple(outcome_rows(members, decision_ids, on))))
    return PaperBundle(paper, paper_version, blocks,
                       [decision_block(d, v, language) for d, v in decisions],
                       dict(sources or {}), author, recorded_at, segment, tuple(revised_paragraphs))


def demo_bundle() -> PaperBundle:
    """The seed paper as a bundle straight from the demo records (no store): for tests and benches."""
    indicators = {i["id"]: i for i in (demo.INDICATOR_MEETINGS, demo.INDICATOR_PROGRAMMES,
                                       demo.INDICATOR_COUNTRIES, demo.INDICATOR_PARTNERSHIPS_V2)}
    return assemble(demo.PAPER, 1, strategies={demo.STRATEGY_ID: demo.STRATEGY_V2}, indicators=indicators,
                    decisions=[(demo.DECISION, 1)], author=demo.AUTHOR)
