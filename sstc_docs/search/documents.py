"""What of each record version is searchable, and the facts results are filtered on.

One version becomes one ``SearchDocument``: its texts as labelled fields (so a hit can say it is
in "paragraph 2" or "footnote 3"), a title for the result list, and the filter facts — kind,
session, section, status and a date. Footnote markers ``[^1]`` are left out of the texts: they
are not words, and a snippet reads better without them.

The date a filter compares is the record's own date when it has one (a paper's date, an
evidence record's date, a decision's adoption, a strategy's adoption), else the day the version's
content took effect — never the day it happened to be typed in.

Each document also carries its kind's name in English and Chinese (field ``kind``), so that
"指标" or "indicator" finds the indicators even where their own wording never says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.records import FOOTNOTE_MARKER, quantity_text
from ..domain.symbols import parse_symbol
from ..errors import ValidationError


KIND_FIELD = "kind"
KIND_NAMES = {"paper": "paper · 文件", "decision": "decision point · 决定", "indicator": "indicator · 指标",
              "strategy": "strategy · 战略", "evidence": "evidence · 证据", "session": "session · 届会议"}


@dataclass(frozen=True)
class Field:
    where: str
    text: str
    is_title: bool = False


@dataclass
class SearchDocument:
    kind: str
    record_id: str
    version: int
    seq: int
    deleted: bool
    hash: str = ""  # the version's own, so an index can tell the history it follows
    title: str = ""
    language: str = "en"
    session: int | None = None
    section: str = ""
    status: str = ""
    day: str = ""
    fields: list[Field] = field(default_factory=list)


def document_for(version) -> SearchDocument:
    """The searchable form of one stored ``Version`` (a tombstone has no fields)."""
    data = version.data or {}
    document = SearchDocument(kind=version.kind, record_id=version.id, version=version.version, seq=version.seq,
                              deleted=bool(version.deleted), hash=version.hash or "",
                              day=version.effective_from or "")
    if version.deleted:
        return document
    describe = _DESCRIBE.get(version.kind)
    if describe:
        describe(document, data)
        _add(document, KIND_FIELD, KIND_NAMES[version.kind])
    document.fields = [f for f in document.fields if f.text.strip()]
    return document


def _text(value) -> str:
    return FOOTNOTE_MARKER.sub("", value) if isinstance(value, str) else ""


def _add(document: SearchDocument, where: str, value, *, is_title: bool = False) -> None:
    text = _text(value)
    if text.strip():
        document.fields.append(Field(where, text, is_title))


def _symbol_facts(document: SearchDocument, symbol: str) -> None:
    try:
        parsed = parse_symbol(symbol)
    except ValidationError:
        return
    document.session = document.session or parsed.session
    document.section = document.section or parsed.section


def _paper(document: SearchDocument, data: dict) -> None:
    document.title = f"{data.get('symbol', '')} — {data.get('title', '')}".replace("\n", " ")
    document.language = data.get("language") or "en"
    document.session, document.section = data.get("session"), data.get("section") or ""
    document.status = data.get("status") or ""
    document.day = data.get("date") or document.day
    _add(document, "symbol", data.get("symbol"), is_title=True)
    _add(document, "title", data.get("title"), is_title=True)
    _add(document, "symbol note", data.get("symbol_note"))
    for key, value in (data.get("front_matter") or {}).items():
        _add(document, f"front matter: {key.replace('_', ' ')}", value)
    number = 0
    for block in data.get("body") or []:
        if block.get("type") == "heading":
            _add(document, "heading", block.get("text"))
            continue
        if block.get("type") == "paragraph" and block.get("numbered", True):
            number += 1
            where = f"paragraph {number}"
        elif block.get("type") == "paragraph":
            where = "unnumbered paragraph"
        else:
            where = f"framework, outcome {block.get('outcome')}"
        _add(document, where, block.get("text"))
        for note in block.get("footnotes") or []:
            _add(document, f"footnote {note.get('key')} ({where})", note.get("text"))


def _decision(document: SearchDocument, data: dict) -> None:
    document.title = f"{data.get('id', '')} — {data.get('text', '')}".replace("\n", " ")
    document.language = data.get("language") or "en"
    document.session = data.get("session")
    document.status = data.get("status") or ""
    document.day = data.get("adopted_on") or document.day
    _symbol_facts(document, data.get("paper_id") or "")
    _add(document, "decision", data.get("text"), is_title=True)
    for letter, part in zip("abcdefghijklmnopqrstuvwxyz", data.get("parts") or []):
        _add(document, f"part ({letter})", part)
    adopted = data.get("adopted_text") or {}
    _add(document, "text as adopted", adopted.get("text"))
    for letter, part in zip("abcdefghijklmnopqrstuvwxyz", adopted.get("parts") or []):
        _add(document, f"part ({letter}) as adopted", part)
    _add(document, "amendment", data.get("amendment"))
    _add(document, "record of decision", data.get("record"))


def _indicator(document: SearchDocument, data: dict) -> None:
    document.title = f"{data.get('label') or ''} {data.get('text', '')}".strip()
    _add(document, "indicator", data.get("text"), is_title=True)
    _add(document, "baseline", quantity_text(data.get("baseline")))
    _add(document, "target", quantity_text(data.get("target")))
    _add(document, "unit", data.get("unit"))
    for revision in data.get("revisions") or []:
        name = f"revision {revision.get('id')}"
        _add(document, f"{name}: reason", revision.get("reason"))
        for side in ("old", "new"):
            values = revision.get(side) or {}
            _add(document, f"{name}: {side} text", values.get("text"))
            _add(document, f"{name}: {side} baseline", quantity_text(values.get("baseline")))
            _add(document, f"{name}: {side} target", quantity_text(values.get("target")))


def _strategy(document: SearchDocument, data: dict) -> None:
    document.title = data.get("title", "")
    document.language = data.get("language") or "en"
    document.day = data.get("adopted_on") or document.day
    _add(document, "title", data.get("title"), is_title=True)
    _add(document, "adopted by", data.get("adopted_by"))
    for outcome in data.get("outcomes") or []:
        _add(document, f"outcome {outcome.get('number')}", outcome.get("statement"))


def _evidence(document: SearchDocument, data: dict) -> None:
    document.title = data.get("title", "")
    document.day = data.get("date") or document.day
    _add(document, "title", data.get("title"), is_title=True)
    _add(document, "source", data.get("source"))
    _add(document, "reference", data.get("reference"))
    _add(document, "notes", data.get("notes"))
    attachment = data.get("attachment") or {}
    _add(document, "attached file", attachment.get("name"))


def _session(document: SearchDocument, data: dict) -> None:
    document.title = f"GB.{data.get('number')} ({data.get('place', '')})"
    document.session = data.get("number")
    document.day = data.get("opening") or document.day
    _add(document, "session", document.title, is_title=True)
    _add(document, "note", data.get("note"))
    for section in data.get("sections") or []:
        for item in section.get("items") or []:
            _add(document, f"{section.get('code')} item {item.get('number')}", item.get("title"))
            _add(document, f"{section.get('code')} item {item.get('number')} outcome", item.get("outcome"))


_DESCRIBE = {"paper": _paper, "decision": _decision, "indicator": _indicator, "strategy": _strategy,
             "evidence": _evidence, "session": _session}
