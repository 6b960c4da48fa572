"""Sessions: their agenda, and the documents of a session (record of decisions, pack, minutes' contents).

A session is a record like any other (kind ``session``: saved through RecordService with its
rules), so the CLI's get/put and the app's form meet the same checks. The documents are built
from the latest version of each paper and decision, and name the versions they used.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from typing import TYPE_CHECKING, Callable

from ..domain.agenda import agenda, minutes_toc, record_of_decisions
from ..domain.labels import session_ordinal
from ..domain.symbols import parse_symbol
from ..errors import NotFound, ValidationError
from ..word import minutes_toc_docx, record_of_decisions_docx
from .exports import check_template

if TYPE_CHECKING:
    from pathlib import Path

    from ..store import Version
    from .exports import ExportService
    from .papers import PaperService
    from .records import RecordService

#: the languages the session documents are written in (labels in domain/labels.py)
DOCUMENT_LANGUAGES = ("en", "zh")


def blank_session(number: int, opening: str = "", closing: str = "") -> dict:
    """A new session in Geneva with no agenda yet."""
    return {"number": number, "place": "Geneva", "opening": opening, "closing": closing, "note": "", "sections": []}


class SessionService:
    def __init__(self, records: "RecordService", papers: "PaperService", exports: "ExportService"):
        self.records = records
        self.papers = papers
        self.exports = exports

    def list(self) -> list[dict]:
        """Sessions, the latest first."""
        return sorted(self.records.heads("session"), key=lambda h: -(h.get("number") or 0))

    def get(self, number: int | str, version: int | None = None) -> "Version":
        return self.records.get("session", str(session_number(number)), version)

    def save(self, data: dict, *, why: str, base_version: int | None) -> "Version":
        return self.records.save("session", data, why=why, base_version=base_version)

    def add_paper(self, number: int | str, paper: str, *, item: int | None = None, sub_item: int | None = None,
                  title: str = "", segment: str = "", why: str) -> "Version":
        """Put a paper on the agenda under its section: item ``item`` (by default the item its symbol
        names), created with ``title`` (by default the paper's) if the agenda has no such item yet."""
        session = self.get(number)
        found = self.records.get("paper", paper)
        symbol = parse_symbol(found.data["symbol"])
        item = item or symbol.item
        sub_item = sub_item if sub_item is not None else symbol.sub_item
        data = copy.deepcopy(session.data)
        sections = data["sections"]
        section = next((s for s in sections if s["code"] == symbol.section), None)
        if section is None:
            section = {"code": symbol.section, "segments": [segment] if segment else [], "items": []}
            sections.append(section)
        elif segment and segment not in section["segments"]:
            section["segments"].append(segment)
        entry = next((i for i in section["items"] if i["number"] == item and i.get("sub_item") == sub_item), None)
        if entry is None:
            entry = {"number": item, "sub_item": sub_item, "title": title.strip() or " ".join(found.data["title"].split()),
                     "segment": segment, "papers": [], "outcome": ""}
            section["items"].append(entry)
            section["items"].sort(key=lambda i: (i["number"], i.get("sub_item") or 0))
        elif segment:
            entry["segment"] = segment
        if found.id not in entry["papers"]:
            entry["papers"].append(found.id)
        return self.save(data, why=why, base_version=session.version)

    # -- what the documents are built from ---------------------------------------------------------
    def papers_of(self, number: int | str) -> list["Version"]:
        """The latest version of every paper on the agenda, in agenda order."""
        session = self.get(number).data
        return [self.records.get("paper", paper_id) for _, item in agenda(session) for paper_id in item["papers"]
                if self.records.exists("paper", paper_id)]

    def _gathered(self, number):
        session = self.get(number)
        papers, decisions, paragraphs = {}, {}, {}
        sources = {f"session:{session.id}": session.version}
        for paper in self.papers_of(number):
            papers[paper.id] = paper.data
            sources[f"paper:{paper.id}"] = paper.version
            for decision_id in paper.data["decision_ids"]:
                if self.records.exists("decision", decision_id):
                    decision = self.records.get("decision", decision_id)
                    decisions[decision_id] = decision.data
                    paragraphs[decision_id] = self.papers.decision_paragraph(paper.data, decision_id)
                    sources[f"decision:{decision_id}"] = decision.version
        return session, papers, decisions, paragraphs, sources

    def record_of_decisions(self, number: int | str, language: str = "en"):
        session, papers, decisions, paragraphs, sources = self._gathered(number)
        record = record_of_decisions(session.data, papers, decisions, paragraphs, _language(language))
        record.sources = sources
        return record

    def record_of_decisions_docx(self, number: int | str, language: str = "en", *,
                                 template: "str | Path | None" = None) -> tuple[bytes, str]:
        template = check_template(template)
        record = self.record_of_decisions(number, language)
        return record_of_decisions_docx(record, template=template), f"GB.{record.number}-record-of-decisions.docx"

    def minutes_toc(self, number: int | str, language: str = "en"):
        session, papers, _, paragraphs, _ = self._gathered(number)
        return minutes_toc(session.data, papers, paragraphs, _language(language))

    def minutes_toc_docx(self, number: int | str, language: str = "en", *,
                         template: "str | Path | None" = None) -> tuple[bytes, str]:
        template = check_template(template)
        toc = self.minutes_toc(number, language)
        return minutes_toc_docx(toc, template=template), f"GB.{toc.number}-minutes-contents.docx"

    def pack(self, number: int | str, *, template: "str | Path | None" = None,
             progress: Callable[[int, int, str], None] | None = None) -> tuple[bytes, str]:
        """Every paper of the session exported at once: a .zip of .docx files named by symbol.
        ``progress(done, total, symbol)`` is called after each paper (the app's bar, the CLI's count)."""
        template = check_template(template)
        session = self.get(number)
        papers = self.papers_of(number)
        if not papers:
            raise ValidationError(f"the agenda of the {session_ordinal(int(session.id))} Session has no papers yet; "
                                  "add them first",
                                  field="session")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:   # .docx files are zips already
            for done, paper in enumerate(papers, start=1):
                data, name = self.exports.paper_docx(paper.id, template=template)
                archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
                if progress is not None:
                    progress(done, len(papers), paper.data["symbol"])
        return buffer.getvalue(), f"GB.{session.id}-papers.zip"


def _language(language: str) -> str:
    if language not in DOCUMENT_LANGUAGES:
        raise ValidationError(f"'{language}' is not a language the session documents are written in; use "
                              f"{' or '.join(DOCUMENT_LANGUAGES)}", field="language")
    return language


def session_number(text: str) -> int:
    """'316', 'GB.316' or '316th' → 316, or a refusal that says how to name a session."""
    match = re.fullmatch(r"\s*(?:GB\.)?(\d{1,4})(?:st|nd|rd|th)?\s*", str(text or ""), re.IGNORECASE)
    if not match:
        raise NotFound(f"'{text}' is not a session; name it by its number, e.g. 316")
    return int(match.group(1))
