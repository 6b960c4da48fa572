"""A session's agenda read for printing: where a paper sits, and the record of decisions (pure).

The session record (records.py, kind ``session``) says where and when, and which papers each
agenda item has; the paper's cover takes its session dates and segment from it. After the
session the secretariat publishes the record of decisions: every decision point of the session
in agenda order, in the past tense, each ending with its citation. ``record_of_decisions`` builds
it from records the service has already read; word/session.py prints it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import date_range, label, ordinal_word, session_ordinal
from .lifecycle import ADOPTED, citation, record_citation, record_lines
from .records import item_number
from .symbols import parse_symbol


def agenda(session: dict):
    """(section, item) for every agenda item, in the order of the session."""
    for section in session.get("sections", []):
        for item in section["items"]:
            yield section, item


def placement(session: dict | None, paper_id: str) -> tuple[dict, dict] | None:
    """The (section, item) a paper is on, or None when it is not on this session's agenda."""
    return next(((s, i) for s, i in agenda(session or {}) if paper_id in i["papers"]), None)


def cover_dates(session: dict, language: str) -> str:
    """The session's dates as the cover prints them: '1–16 November 2012'."""
    return date_range(session["opening"], session["closing"], language)


def decision_symbol(symbol: str, language: str) -> str:
    """GB.347/POL/2/1(Rev.1) → GB.347/POL/2/1/Decision: the item's symbol, without (Rev.)/(Add.)."""
    return label("record.decision_symbol", language, symbol=parse_symbol(symbol).base)


def _heading(kind: str, item: dict, language: str) -> str:
    """'Decision on the fifth item on the agenda: <title>'; a sub-item has no ordinal of its own,
    so, as the Office writes it, 'Decision concerning <title>' (and 'Outcome of the discussion on …')."""
    if item.get("sub_item"):
        return label(f"record.{kind}_concerning", language, title=item["title"])
    ordinal = ordinal_word(item["number"], language)
    return label(f"record.{kind}_on_item", language, title=item["title"],
                 ordinal=ordinal if language == "zh" else ordinal.lower())


@dataclass(frozen=True)
class RecordEntry:
    """One paper's part of the record: its decision symbol, the heading, the text as (label, text)
    lines, and the citation that ends it (empty for an item without a paper)."""

    section: str
    segment: str
    symbol: str
    heading: str
    lines: tuple[tuple[str, str], ...]
    citation: str = ""


@dataclass
class RecordOfDecisions:
    number: int
    dates: str
    language: str
    entries: list[RecordEntry] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)    # "kind:id" -> version, for provenance


def _trailing_citation(symbol: str) -> re.Pattern:
    return re.compile(r"\s*[(（][^()（）]*" + re.escape(parse_symbol(symbol).base) + r"[^（）]*[)）]\s*$")


def decision_lines(decision: dict, cite: str, language: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """What one decision point reads in the record, and its citation."""
    status = decision.get("status", "draft")
    if status in ADOPTED:
        voted = decision.get("adopted_text") or {"text": decision["text"], "parts": decision.get("parts", [])}
        lines = tuple(record_lines(voted["text"], voted.get("parts", []), language))
        # a record the clerk corrected by hand is printed as written, without the citation it ends with
        typed = (decision.get("record") or "").strip()
        symbol = cite.split(label("citation_separator", language))[0]
        typed = _trailing_citation(symbol).sub("", typed) if typed else ""
        generated = label("sentence_gap", language).join(
            f"{name} {body}" if name else body for name, body in lines)
        if typed and " ".join(typed.split()) != " ".join(generated.split()):
            lines = (("", typed),)
        return lines, record_citation(cite, language, amended=status == "adopted_as_amended")
    if status == "deferred":
        text = label("record.deferred", language, ordinal=session_ordinal(decision.get("deferred_to") or 0, language))
    elif status == "withdrawn":
        text = label("record.withdrawn", language)
    else:
        text = label("record.pending", language)
    return (("", text),), record_citation(cite, language)


def record_of_decisions(session: dict, papers: dict[str, dict], decisions: dict[str, dict],
                        paragraphs: dict[str, int], language: str) -> RecordOfDecisions:
    """Every decision point of the session in agenda order; an item without one says the outcome
    of its discussion. ``papers`` and ``decisions`` map ids to records; ``paragraphs`` gives the
    paragraph each decision is printed under in its paper."""
    record = RecordOfDecisions(session["number"], cover_dates(session, language), language)
    for section, item in agenda(session):
        found = [papers[p] for p in item["papers"] if p in papers]
        if not found:
            outcome = item.get("outcome") or label("record.no_decision", language)
            record.entries.append(RecordEntry(section["code"], item.get("segment", ""), "",
                                              _heading("outcome", item, language), (("", outcome),)))
            continue
        for paper in found:
            ids = [d for d in paper.get("decision_ids", []) if d in decisions]
            if not ids:
                outcome = item.get("outcome") or label("record.no_decision", language)
                record.entries.append(RecordEntry(
                    section["code"], item.get("segment", ""), "", _heading("outcome", item, language),
                    (("", outcome),), record_citation(paper["symbol"], language)))
                continue
            # the agenda's titles are kept in English; a record in another language takes the title of
            # a paper written in that language, as it prints it
            translated = language != "en" and paper.get("language") == language
            titled = dict(item, title=" ".join(paper["title"].split())) if translated else item
            for decision_id in ids:
                decision = decisions[decision_id]
                spoken = decision.get("language", language)   # the decision reads in its own language
                lines, cite = decision_lines(decision, citation(paper["symbol"], paragraphs[decision_id], spoken),
                                             spoken)
                record.entries.append(RecordEntry(
                    section["code"], item.get("segment", ""), decision_symbol(paper["symbol"], language),
                    _heading("decision", titled, language), lines, cite))
    return record


@dataclass(frozen=True)
class TocRow:
    """One line of the minutes' table of contents. The page is not known here: the minutes are
    paginated in Word when they are finished, so the column is left for Word (see word/session.py)."""

    item: str                    # "5", or "3/1" for a sub-item
    document: str                # the paper's symbol, "" for an item without one
    title: str
    decision_paragraphs: str     # the paragraph(s) of the paper that carry its draft decision(s)


@dataclass
class MinutesToc:
    number: int
    dates: str
    language: str
    sections: list[tuple[str, list[TocRow]]] = field(default_factory=list)


def minutes_toc(session: dict, papers: dict[str, dict], paragraphs: dict[str, int], language: str) -> MinutesToc:
    """Item No. / Document No. / Title / Page / Decision paragraph No., section by section."""
    toc = MinutesToc(session["number"], cover_dates(session, language), language)
    for section in session.get("sections", []):
        rows = []
        for item in section["items"]:
            found = [papers[p] for p in item["papers"] if p in papers]
            for paper in found or [None]:
                if paper is None:
                    rows.append(TocRow(item_number(item), "", item["title"], ""))
                    continue
                numbers = [paragraphs[d] for d in paper.get("decision_ids", []) if d in paragraphs]
                translated = language != "en" and paper.get("language") == language   # as in the record
                title = " ".join(paper["title"].split()) if translated else item["title"]
                rows.append(TocRow(item_number(item), paper["symbol"], title,
                                   label("list_separator", language).join(str(n) for n in numbers)))
        toc.sections.append((section["code"], rows))
    return toc
