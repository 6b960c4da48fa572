"""The printable shape of a document, before any XML: paragraphs of segments, tables of rows.

A paper, a redline and a report are all laid out as a Flow; ``paper.PaperWriter`` is the only
thing that turns a Flow into WordprocessingML. A redline is two Flows merged, with ``mark`` set
on what was inserted or deleted, and ``by`` naming who made that change and when, so the writer
needs to know nothing about diffs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INS, DEL = "ins", "del"


@dataclass(frozen=True, slots=True)
class Change:
    """Who made a tracked change and when (ISO date or datetime): one version of the record."""

    author: str
    date: str


@dataclass(slots=True)
class Note:
    """A footnote: its paragraphs (lists of segments); ``mark`` when the whole note is ins/del.

    ``key`` is the footnote's key in the record (``[^key]``), so a redline can match it to the
    same footnote of another version the way the compare view does.
    """

    paras: list[list["Seg"]]
    mark: str | None = None
    key: str = ""
    by: Change | None = None


@dataclass(slots=True)
class Seg:
    """A run of text with one character style, or a footnote reference when ``note`` is set.

    ``text`` may hold \\n/\\v (line break), \\f (page break), \\t and characters Word cannot hold;
    the writer cleans it. URLs in it become hyperlinks when written.
    """

    text: str = ""
    style: str | None = None      # character style key: "label", "cover_symbol"
    note: Note | None = None
    mark: str | None = None       # INS / DEL
    by: Change | None = None      # who made the change marked


@dataclass(slots=True)
class Para:
    style: str                    # paragraph style key, see oxml.styles.STYLES
    segs: list[Seg]
    numbered: bool = False        # takes the next number of the paper's paragraph numbering
    mark: str | None = None       # the paragraph (its mark) was inserted / deleted
    by: Change | None = None

    def text(self) -> str:
        return "".join(s.text for s in self.segs if s.note is None)


@dataclass(slots=True)
class Row:
    cells: list[list[Para]]
    mark: str | None = None
    by: Change | None = None


@dataclass(slots=True)
class Table:
    style: str                    # table style key
    key: str                      # identity for the redline (which outcome, which decision)
    widths: tuple[float, ...]     # column widths as fractions of the text width
    rows: list[Row]


@dataclass
class Flow:
    items: list                   # Para | Table, in order
    language: str = "en"
    title: str = ""               # core properties
    subject: str = ""
    header_text: str = ""         # replaces {symbol} in the template's header/footer
    creator: str = ""
    created: str = ""             # ISO date or datetime, "" for none
    custom: dict = field(default_factory=dict)   # custom properties name -> str | int
