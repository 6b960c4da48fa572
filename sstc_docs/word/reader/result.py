"""What reading a .docx found: the records it proposes, and everything else, each with its place.

Plain dataclasses so that the service, the CLI and the app page show the same review. ``where``
strings name the place a person would look in Word: "body ¶ 7 (“The Office has …”)".
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Piece:
    """Something in the file that was not understood (or not kept), and where it is."""

    where: str
    what: str
    text: str = ""
    at: int | None = None             # the body item it is in (see ImportResult.places), to show it in place


@dataclass
class TrackedChange:
    """A tracked insertion or deletion: a proposal, applied only when accepted."""

    id: str
    kind: str          # "insertion" | "deletion"
    author: str
    date: str
    text: str
    where: str


@dataclass
class Comment:
    id: str
    author: str
    date: str
    text: str
    where: str


@dataclass
class Link:
    """An external relationship: recorded, never fetched."""

    target: str
    kind: str          # hyperlink, image, attachedTemplate …
    text: str = ""
    where: str = ""


@dataclass
class FrameworkIndicator:
    label: str                        # "(A)" or ""
    text: str
    baseline: str = ""
    target: str = ""
    new: bool = False                 # printed as "New indicator (A)"
    revised: dict = field(default_factory=dict)   # text / baseline / target of the revised rows


@dataclass
class FrameworkTable:
    """A results-framework block: the outcome, its narrative and its indicator rows as printed."""

    outcome: int
    statement: str
    text: str                         # narrative paragraph with [^key] markers
    footnotes: list[dict]
    indicators: list[FrameworkIndicator]
    heading: str                      # the nearest heading above it (the framework's title)
    where: str


@dataclass
class ImportResult:
    name: str
    paper: dict                       # valid for validate("paper", …) when ``missing`` is empty
    decisions: list[dict]
    frameworks: list[FrameworkTable]
    provenance: dict                  # paper_id, paper_version, decisions{id: v}, sources{"kind:id": v}
    tracked_changes: list[TrackedChange]
    comments: list[Comment]
    links: list[Link]
    unrecognised: list[Piece]
    missing: list[str]                # what an importable paper lacks (symbol, title, decision …)
    accepted_changes: frozenset = frozenset()
    places: list[int] = field(default_factory=list)   # for each paper body block, the body item it came from

    def in_place(self) -> list[tuple[str, object]]:
        """The body blocks with the unrecognised pieces among them, in the order of the file:
        ("block", block dict) and ("piece", Piece). A piece with no place comes first."""
        body = list(zip(self.places, self.paper.get("body", [])))
        out: list[tuple[str, object]] = [("piece", p) for p in self.unrecognised if p.at is None]
        i = 0
        for piece in sorted((p for p in self.unrecognised if p.at is not None), key=lambda p: p.at):
            while i < len(body) and body[i][0] <= piece.at:
                out.append(("block", body[i][1]))
                i += 1
            out.append(("piece", piece))
        return out + [("block", block) for _, block in body[i:]]

    @property
    def exported_by_us(self) -> bool:
        return bool(self.provenance.get("paper_id"))
