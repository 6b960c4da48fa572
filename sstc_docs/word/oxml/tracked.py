"""Native tracked changes: w:ins / w:del around runs, marked paragraph marks and table rows.

Every change carries w:id (unique in the document, footnotes included), w:author and w:date, so
Word's Review pane shows who made it and when. Deleted text lives in w:delText, not w:t.
"""

from __future__ import annotations

import datetime as _dt
import re

from lxml import etree

from ..text import clean
from . import qn

INS, DEL = "ins", "del"
_TAGS = {INS: qn("w:ins"), DEL: qn("w:del")}
_ID, _AUTHOR, _DATE = qn("w:id"), qn("w:author"), qn("w:date")


def w3c_datetime(value: str) -> str:
    """'2012-11-01' → '2012-11-01T00:00:00Z'; an ISO datetime (any offset, 'UTC' suffix) → UTC 'Z' form.

    Returns "" when no date can be read from ``value``.
    """
    text = str(value or "").strip()
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*"
                     r"(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?", text)
    if not match:
        return ""
    day, clock, zone = match.group(1), match.group(2) or "00:00:00", match.group(3) or "Z"
    if len(clock) == 5:
        clock += ":00"
    if zone in ("Z", "UTC", "GMT"):
        zone = "+00:00"
    elif ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    try:
        moment = _dt.datetime.fromisoformat(f"{day}T{clock}{zone}").astimezone(_dt.timezone.utc)
    except ValueError:
        return ""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ChangeTracker:
    """Hands out change ids and stamps each change element with who made it and when.

    Each call may name its own ``by`` (anything with ``author`` and ``date``, e.g. a
    ``flow.Change``): a redline across several versions credits every change to the version
    that made it. Without one, the tracker's default author and date are used.
    """

    def __init__(self, author: str = "", date: str = "", first_id: int = 1):
        self.default = self._normalise(author, date)
        self.next_id = first_id
        self._seen: dict[tuple[str, str], tuple[str, str]] = {}

    @staticmethod
    def _normalise(author: str, date: str) -> tuple[str, str]:
        return (clean(author or "").strip()[:255] or "sstc-docs",
                w3c_datetime(date) or "1970-01-01T00:00:00Z")

    def _stamp(self, node, by=None) -> None:
        node.set(_ID, str(self.next_id))
        self.next_id += 1
        author, date = self.default
        if by is not None:
            raw = (by.author, by.date)
            if raw not in self._seen:
                self._seen[raw] = self._normalise(*raw)
            author, date = self._seen[raw]
        node.set(_AUTHOR, author)
        node.set(_DATE, date)

    def wrapper(self, parent, kind: str, by=None):
        """Append a w:ins or w:del to ``parent``; runs go inside it."""
        node = etree.SubElement(parent, _TAGS[kind])
        self._stamp(node, by)
        return node

    def mark_paragraph(self, ppr, kind: str, by=None) -> None:
        """Mark a paragraph's mark as inserted/deleted: w:pPr/w:rPr/w:ins|w:del (rPr comes last)."""
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.SubElement(ppr, qn("w:rPr"))
        self._stamp(etree.SubElement(rpr, _TAGS[kind]), by)

    def mark_row(self, trpr, kind: str, by=None) -> None:
        self._stamp(etree.SubElement(trpr, _TAGS[kind]), by)


def as_deleted(run) -> None:
    """Turn a run's w:t into w:delText (text inside w:del must be delText)."""
    for node in run.iter(qn("w:t")):
        node.tag = qn("w:delText")
    for node in run.iter(qn("w:instrText")):
        node.tag = qn("w:delInstrText")
