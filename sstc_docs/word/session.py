"""The documents of a session as .docx: the record of decisions and the minutes' table of contents.

Laid out as Flows from the pure structures of domain/agenda.py and written by PaperWriter on the
same template as the papers, so the house styles (and an office's own) apply. The session pack
is the papers themselves, each exported as usual (services/sessions.py zips them).

The minutes' table of contents leaves the Page column empty: the minutes are paginated in Word
when they are finished, and this table is a separate file, so no field could point at their
pages; the secretariat fills the column in (or pastes the table into the minutes) at the end.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.agenda import MinutesToc, RecordOfDecisions
from ..domain.labels import label, section_name, session_line
from .flow import Flow, Para, Row, Seg, Table
from .paper import PaperWriter

TOC_WIDTHS = (0.1, 0.22, 0.43, 0.1, 0.15)


def _cover(number: int, dates: str, language: str, title: str) -> list:
    return [Para("cover", [Seg(label("office", language), "label")]),
            Para("cover", [Seg(label("governing_body", language), "label")]),
            Para("cover", [Seg(session_line(number, dates, language))]),
            Para("title", [Seg(title)])]


def record_flow(record: RecordOfDecisions) -> Flow:
    """Section by section (and segment), each decision under its heading: symbol, text, citation."""
    language = record.language
    title = label("record.title", language)
    items = _cover(record.number, record.dates, language, title)
    section = segment = None
    for entry in record.entries:
        if entry.section != section:
            section, segment = entry.section, None
            items.append(Para("heading1", [Seg(section_name(entry.section, language))]))
        if entry.segment and entry.segment != segment:
            segment = entry.segment
            items.append(Para("heading2", [Seg(entry.segment)]))
        if entry.symbol:
            items.append(Para("cover", [Seg("\t"), Seg(entry.symbol, "cover_symbol")]))
        items.append(Para("heading3", [Seg(entry.heading)]))
        for name, text in entry.lines:
            items.append(Para("decision_part", [Seg(name), Seg("\t"), Seg(text)]) if name else
                         Para("body", [Seg(text)]))
        if entry.citation:
            items.append(Para("body", [Seg(entry.citation)]))
    custom = {"sstc.generator": "sstc-docs record of decisions", "sstc.session": record.number,
              **{f"sstc.source:{key}": version for key, version in record.sources.items()}}
    heading = f"GB.{record.number}"
    return Flow(items, language, title=f"{title}: {session_line(record.number, record.dates, language)}",
                subject=heading, header_text=heading, creator="sstc-docs", custom=custom)


def record_of_decisions_docx(record: RecordOfDecisions, *, template: str | Path | None = None) -> bytes:
    return PaperWriter(template).write(record_flow(record))


def toc_flow(toc: MinutesToc) -> Flow:
    """One table per section: Item No. / Document No. / Title / Page (left for Word) / Decision paragraph No."""
    language = toc.language
    title = label("toc.title", language)
    items = _cover(toc.number, toc.dates, language, title)
    head = Row([[Para("table_text", [Seg(label(f"toc.{key}", language), "label")])]
                for key in ("item", "document", "title_column", "page", "decision_paragraph")])
    for code, rows in toc.sections:
        items.append(Para("heading1", [Seg(section_name(code, language))]))
        body = [Row([[Para("table_text", [Seg(text)])] for text in
                     (row.item, row.document, row.title, "", row.decision_paragraphs)]) for row in rows]
        items.append(Table("framework", f"toc:{code}", TOC_WIDTHS, [head, *body]))
    heading = f"GB.{toc.number}"
    return Flow(items, language, title=f"{title}: {session_line(toc.number, toc.dates, language)}",
                subject=heading, header_text=heading, creator="sstc-docs",
                custom={"sstc.generator": "sstc-docs minutes table of contents", "sstc.session": toc.number})


def minutes_toc_docx(toc: MinutesToc, *, template: str | Path | None = None) -> bytes:
    return PaperWriter(template).write(toc_flow(toc))
