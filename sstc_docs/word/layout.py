"""A PaperBundle laid out in the house format (PRODUCT.md, "Word output"), as a Flow.

Pure: labels come from domain.labels, nothing here knows XML. The plain export and the redline
lay both versions out with this same function, so what they print cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re

from ..domain.bundle import (DecisionBlock, OutcomeBlock, PaperBundle, decision_paragraph_numbers, is_numbered,
                             split_footnote_markers)
from ..domain.labels import (agenda_line, in_every_language, label, language_name, none_text, number_list,
                             paragraph_refs, section_name, session_line)
from ..domain.records import FRONT_MATTER_KEYS
from ..domain.symbols import Symbol, parse_symbol
from .flow import Flow, Note, Para, Row, Seg, Table

FRAMEWORK_WIDTHS = (0.27, 0.73)
BOX_WIDTHS = (1.0,)
# printed only when the paper has them: entries the house format added after the seed's time
OPTIONAL_FRONT_MATTER = ("main_outcome",)


def labelled(text: str) -> str:
    """A label followed by what it labels: a space after ':' but none after a full-width '：'."""
    return text if text.endswith(("：", "，", " ")) else text + " "


def format_date(value: str, language: str) -> str:
    """2012-11-16 → '16 November 2012' / '2012 年 11 月 16 日' / '16 de noviembre de 2012'; else as given."""
    if not value:
        return ""
    try:
        day = _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return label("date_pattern", language, year=day.year, month=label(f"month.{day.month}", language),
                 day=label("first_day", language) if day.day == 1 else day.day)


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


def _symbol(symbol_text: str) -> Symbol | None:
    try:
        return parse_symbol(symbol_text)
    except Exception:  # a symbol the store let through in another shape: print what the paper has
        return None


def _replaced_symbol(symbol: Symbol) -> str:
    """What a revision replaces: (Rev.) and (Rev.1) the original, (Rev.2) the (Rev.), then (Rev.N-1)."""
    n = int(symbol.suffix[4:] or 1)
    if n <= 1:
        return symbol.base
    return str(dataclasses.replace(symbol, suffix="Rev." if n == 2 else f"Rev.{n - 1}"))


def revision_note(symbol: Symbol | None, revised: tuple[int, ...], language: str) -> list[Para]:
    """A (Rev.) paper says what it replaces and, when known, which paragraphs changed."""
    if symbol is None or not symbol.suffix.startswith("Rev."):
        return []
    sentences = [label("replaces", language, symbol=_replaced_symbol(symbol))]
    numbers = sorted(set(revised))
    if len(numbers) == 1:
        sentences.append(label("revised_paragraph", language, n=numbers[0]))
    elif numbers:
        sentences.append(label("revised_paragraphs", language, list=number_list(numbers, language)))
    return [Para("revision_note", [Seg(label("sentence_gap", language).join(sentences))])]


def cover(bundle: PaperBundle, symbol_text: str) -> list[Para]:
    """The cover block: office and symbol; Governing Body; session; section and its code; segment;
    date and original language on the right; agenda line, action label, title, (Rev.) note.

    A part the paper does not have (session dates, date, segment) is left out, never printed empty.
    """
    paper, language = bundle.paper, bundle.language
    symbol = _symbol(symbol_text)
    session = symbol.session if symbol else paper.get("session")
    code = symbol.section if symbol else str(paper.get("section") or "")
    paras = [Para("cover", [Seg(label("office", language), "label"), Seg("\t"), Seg(symbol_text, "cover_symbol")]),
             Para("cover", [Seg(label("governing_body", language), "label")])]
    if session:
        paras.append(Para("cover", [Seg(session_line(session, str(paper.get("session_dates") or ""), language))]))
    if code:
        paras.append(Para("cover", [Seg(section_name(code, language)), Seg("\t"), Seg(code, "cover_symbol")]))
    if bundle.segment:
        paras.append(Para("cover", [Seg(bundle.segment)]))
    date = format_date(paper.get("date", ""), language)
    if date:
        paras.append(Para("cover", [Seg("\t"), Seg(labelled(label("date", language)) + date)]))
    original = language_name(paper.get("original_language", "en"), language)
    paras.append(Para("cover", [Seg("\t"), Seg(labelled(label("original", language)) + original)]))
    try:
        agenda = int(paper.get("agenda_item") or 0)
    except (TypeError, ValueError):
        agenda = 0
    if agenda > 0:
        paras.append(Para("agenda", [Seg(agenda_line(agenda, language))]))
    action = "action." + (paper.get("action") or "decision")
    try:
        paras.append(Para("action", [Seg(label(action, language))]))
    except KeyError:
        pass
    paras.append(Para("title", [Seg(str(paper.get("title") or ""))]))
    return paras + revision_note(symbol, bundle.revised_paragraphs, language)


# a pointer to the draft decision a drafter typed: a parenthesis naming the draft decision (in any
# language, singular or plural) with a number in it — "(see the draft decision in paragraph 4)"
_TYPED_POINTER = re.compile(
    r"\s*[(（](?=[^()（）]*\d)(?=[^()（）]*(?:" +
    "|".join(r"\s+".join(re.escape(word) + "s?" for word in name.split())
             for name in in_every_language("draft_decision")) +
    r"))[^()（）]*[)）]", re.IGNORECASE)


def with_decision_pointer(purpose: str, numbers: list[int], language: str) -> str:
    """The purpose entry ending with the pointer to the draft decision, computed from the numbering.

    A pointer typed into the text goes stale when paragraphs are added, so it is taken out and the
    current one put before the closing full stop: "… (see the draft decision in paragraph 4)."
    """
    text = _TYPED_POINTER.sub("", purpose).strip()
    if not numbers or not text:
        return text
    pointer = label("decision_pointer" if len(numbers) == 1 else "decision_pointer_many", language,
                    paragraphs=paragraph_refs(numbers, language))
    stop = text[-1] if text.endswith((".", "。")) else ""
    body = text[:-1].rstrip() if stop else text
    return f"{body}{label('sentence_gap', language)}{pointer}{stop}"


def front_matter(paper: dict, language: str, decision_numbers: list[int]) -> list:
    """The front matter in its fixed order, all in one frame; an empty entry prints "None"."""
    front = paper.get("front_matter") or {}
    none = none_text(language)
    paras = []
    for key in FRONT_MATTER_KEYS:
        value = str(front.get(key) or "").strip()
        if key == "purpose":
            value = with_decision_pointer(value, decision_numbers, language)
        if not value and key in OPTIONAL_FRONT_MATTER:
            continue
        name = label("front." + key, language)
        if key == "purpose":
            paras += [Para("front", [Seg(name, "label")]), Para("front", [Seg(value or none)])]
        else:
            paras.append(Para("front", [Seg(labelled(name), "label"), Seg(value or none)]))
    # Word gives a table no space after it: an empty paragraph keeps the body off the frame's border
    return [Table("front_box", "front_matter", BOX_WIDTHS, [Row([paras])]), Para("normal", [])]


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
    """Each decision in its box: the numbered text, then the parts, label and text on a tab stop."""
    if not decisions:
        return []
    items: list = [Para("heading1", [Seg(label("draft_decision", language))])]
    for decision in decisions:
        cell = [Para("numbered", [Seg(decision.text)], numbered=True)]
        cell += [Para("decision_part", [Seg(name), Seg("\t"), Seg(body)]) for name, body in decision.parts]
        items.append(Table("decision_box", f"decision:{decision.id}", BOX_WIDTHS, [Row([cell])]))
    return items


def decision_numbers(bundle: PaperBundle) -> list[int]:
    return decision_paragraph_numbers(bundle.blocks, len(bundle.decisions))


def block_items(block, language: str) -> list:
    """The items one body block prints as (the redline compares a paper block by block)."""
    if isinstance(block, OutcomeBlock):
        return outcome_items(block, language)
    if isinstance(block, dict) and block.get("type") == "heading":
        return [Para("heading1", [Seg(str(block.get("text") or ""))])]
    if isinstance(block, dict):
        numbered = is_numbered(block)
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
    for key, digest in (bundle.hashes or {}).items():
        props[f"sstc.hash:{key}"] = str(digest)
    return props


def paper_flow(bundle: PaperBundle, *, symbol: str | None = None) -> Flow:
    """The whole paper in the house format; ``symbol`` overrides the printed symbol (redline)."""
    paper = bundle.paper
    language = bundle.language
    symbol_text = symbol if symbol is not None else str(paper.get("symbol") or paper.get("id") or "")
    items = cover(bundle, symbol_text) + front_matter(paper, language, decision_numbers(bundle))
    items += body(bundle) + decision_items(bundle.decisions, language)
    title = " ".join(str(paper.get("title") or "").split())
    return Flow(items, language, title=title, subject=symbol_text, header_text=symbol_text,
                creator=bundle.author or "sstc-docs", created=bundle.recorded_at or paper.get("date", "") or "",
                custom=provenance(bundle))
