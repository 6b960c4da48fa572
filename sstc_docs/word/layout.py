"""A PaperBundle laid out in the house format (PRODUCT.md, "Word output"), as a Flow.

Pure: labels come from domain.labels, nothing here knows XML. The plain export and the redline
lay both versions out with this same function, so what they print cannot drift apart.
"""

from __future__ import annotations

import datetime as _dt

from ..domain.bundle import DecisionBlock, OutcomeBlock, PaperBundle, split_footnote_markers
from ..domain.labels import agenda_line, label, language_name, none_text, session_line
from ..domain.records import FRONT_MATTER_KEYS
from ..domain.symbols import SECTIONS, parse_symbol
from .flow import Flow, Note, Para, Row, Seg, Table

FRAMEWORK_WIDTHS = (0.27, 0.73)
DECISION_WIDTHS = (1.0,)

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def labelled(text: str) -> str:
    """A label followed by what it labels: a space after ':' but none after a full-width '：'."""
    return text if text.endswith(("：", "，", " ")) else text + " "


def format_date(value: str, language: str) -> str:
    """2012-11-16 → '16 November 2012' / '2012 年 11 月 16 日'; anything else printed as given."""
    if not value:
        return ""
    try:
        day = _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if language == "zh":
        return f"{day.year} 年 {day.month} 月 {day.day} 日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def row_label(kind: str, row_label_text: str, language: str) -> str:
    if kind == "new_indicator":
        text = label("new_indicator", language, label=row_label_text)
    else:
        text = label(kind, language)
    return " ".join(text.split()).replace(" :", ":")


def text_segs(text: str, footnotes: list[dict] | tuple = ()) -> list[Seg]:
    """Block text with [^key] markers → text segments and footnote references.

    A marker without a footnote stays as typed; a footnote without a marker is anchored at the
    end of the paragraph, so nothing the record holds is lost from the page.
    """
    notes = {}
    for note in footnotes or ():
        if isinstance(note, dict):
            notes.setdefault(str(note.get("key", "")), str(note.get("text", "") or ""))
    if not notes:
        return [Seg(text)] if text else []
    segs: list[Seg] = []
    used = set()
    for kind, value in split_footnote_markers(text or ""):
        if kind == "note" and value in notes and value not in used:
            used.add(value)
            segs.append(Seg(note=Note([[Seg(notes[value])]], key=value)))
        elif kind == "note":
            segs.append(Seg(f"[^{value}]"))
        else:
            segs.append(Seg(value))
    for key, note_text in notes.items():
        if key not in used:
            segs.append(Seg(note=Note([[Seg(note_text)]], key=key)))
    return segs


def _section_name(paper: dict, symbol_text: str, language: str) -> str:
    section = paper.get("section") or ""
    try:
        section = parse_symbol(symbol_text).section
    except Exception:  # a symbol the store let through in another shape: print what we have
        pass
    names = SECTIONS.get(section)
    return names.get(language, names["en"]) if names else section


def _session(paper: dict, symbol_text: str) -> int | None:
    try:
        return parse_symbol(symbol_text).session
    except Exception:
        return paper.get("session")


def cover(paper: dict, symbol_text: str, language: str) -> list[Para]:
    session = _session(paper, symbol_text)
    session_text = session_line(session, str(paper.get("session_dates") or ""), language) if session else ""
    date = labelled(label("date", language)) + format_date(paper.get("date", ""), language)
    original = labelled(label("original", language)) + language_name(
        paper.get("original_language", "en"), language)
    action = "action." + (paper.get("action") or "decision")
    paras = [
        Para("cover", [Seg(label("office", language), "label"), Seg("\t"), Seg(symbol_text, "cover_symbol")]),
        Para("cover", [Seg(label("governing_body", language), "label"), Seg("\t"),
                       Seg(_section_name(paper, symbol_text, language))]),
        Para("cover", [Seg(session_text), Seg("\t"), Seg(date.rstrip())]),
        Para("cover", [Seg("\t"), Seg(original)]),
    ]
    try:
        agenda = int(paper.get("agenda_item") or 0)
    except (TypeError, ValueError):
        agenda = 0
    if agenda > 0:
        paras.append(Para("agenda", [Seg(agenda_line(agenda, language))]))
    try:
        action_text = label(action, language)
    except KeyError:
        action_text = ""
    if action_text:
        paras.append(Para("action", [Seg(action_text)]))
    paras.append(Para("title", [Seg(str(paper.get("title") or ""))]))
    return paras


def front_matter(paper: dict, language: str) -> list[Para]:
    front = paper.get("front_matter") or {}
    none = none_text(language)
    paras = []
    for key in FRONT_MATTER_KEYS:
        value = str(front.get(key) or "").strip() or none
        name = label("front." + key, language)
        if key == "purpose":
            paras += [Para("purpose", [Seg(name, "label")]), Para("purpose", [Seg(value)])]
        else:
            paras.append(Para("front", [Seg(labelled(name), "label"), Seg(value)]))
    return paras


def outcome_items(block: OutcomeBlock, language: str) -> list:
    items: list = [Para("outcome", [Seg(labelled(label("outcome", language, n=block.number)), "label"),
                                    Seg(str(block.statement or ""))])]
    if block.text:
        items.append(Para("body", text_segs(str(block.text), block.footnotes)))
    if block.rows:
        rows = [Row([[Para("table_text", [Seg(row_label(r.kind, r.label, language), "label")])],
                     [Para("table_text", [Seg(str(r.text or ""))])]]) for r in block.rows]
        items.append(Table("framework", f"outcome:{block.strategy_id}:{block.number}", FRAMEWORK_WIDTHS, rows))
    return items


def decision_items(decisions: list[DecisionBlock], language: str) -> list:
    if not decisions:
        return []
    items: list = [Para("heading1", [Seg(label("draft_decision", language))])]
    for decision in decisions:
        paragraphs = list(decision.paragraphs) or [""]
        cell = [Para("numbered", [Seg(str(paragraphs[0] or ""))], numbered=True)]
        cell += [Para("decision_part", [Seg(str(p or ""))]) for p in paragraphs[1:]]
        items.append(Table("decision_box", f"decision:{decision.id}", DECISION_WIDTHS, [Row([cell])]))
    return items


def block_items(block, language: str) -> list:
    """The items one body block prints as (the redline compares a paper block by block)."""
    if isinstance(block, OutcomeBlock):
        return outcome_items(block, language)
    if isinstance(block, dict) and block.get("type") == "heading":
        return [Para("heading1", [Seg(str(block.get("text") or ""))])]
    if isinstance(block, dict):
        numbered = bool(block.get("numbered", True))
        return [Para("numbered" if numbered else "body",
                     text_segs(str(block.get("text") or ""), block.get("footnotes") or ()), numbered)]
    return []


def body(bundle: PaperBundle) -> list:
    return [item for block in bundle.blocks for item in block_items(block, bundle.language)]


def provenance(bundle: PaperBundle) -> dict:
    """Custom properties naming the exact record versions the file was built from."""
    paper = bundle.paper
    props: dict = {"sstc.generator": "sstc-docs Word export",
                   "sstc.paper_id": str(paper.get("id") or paper.get("symbol") or ""),
                   "sstc.paper_version": int(bundle.paper_version or 0),
                   "sstc.symbol": str(paper.get("symbol", ""))}
    sources = {f"paper:{props['sstc.paper_id']}": props["sstc.paper_version"]}
    for decision in bundle.decisions:
        props[f"sstc.decision:{decision.id}"] = int(decision.version or 0)
        sources[f"decision:{decision.id}"] = int(decision.version or 0)
    for key, version in (bundle.sources or {}).items():
        try:
            number = int(version)
        except (TypeError, ValueError):
            number = 0
        props[f"sstc.source:{key}"] = number
        sources[str(key)] = number
    props["sstc.sources"] = "; ".join(f"{k}@{v}" for k, v in sources.items())
    return props


def paper_flow(bundle: PaperBundle, *, symbol: str | None = None) -> Flow:
    """The whole paper in the house format; ``symbol`` overrides the printed symbol (redline)."""
    paper = bundle.paper
    language = bundle.language
    symbol_text = symbol if symbol is not None else str(paper.get("symbol") or paper.get("id") or "")
    items = cover(paper, symbol_text, language) + front_matter(paper, language)
    items += body(bundle) + decision_items(bundle.decisions, language)
    title = " ".join(str(paper.get("title") or "").split())
    return Flow(items, language, title=title, subject=symbol_text, header_text=symbol_text,
                creator=bundle.author or "sstc-docs", created=bundle.recorded_at or paper.get("date", "") or "",
                custom=provenance(bundle))
