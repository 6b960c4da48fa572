"""Where a record matched, cut out of its original text with the hits marked.

The engine says which records match; this says where, by running the same analyser over the
stored texts and finding the query's phrases in them — so a snippet marks exactly what the
engine matched, in the text as it was written (Chinese, stems and all), on any engine.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .analyser import CHARS, Term, analyse, is_spaceless
from .documents import KIND_FIELD, Field
from .query import ParsedQuery, Variant

WIDTH = 160  # characters of text around the hits


@dataclass(frozen=True)
class Snippet:
    """``text`` with ``hits`` as [start, end) offsets into it; ``where`` names the field."""

    where: str
    text: str
    hits: tuple[tuple[int, int], ...]

    def marked(self, before: str = "«", after: str = "»") -> str:
        """The text with every hit wrapped, e.g. for a terminal."""
        out, last = [], 0
        for start, end in self.hits:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        return "".join(out) + self.text[last:]

    def to_json(self) -> dict:
        return {"where": self.where, "text": self.text, "hits": [list(h) for h in self.hits]}


def hits_in(text: str, language: str, query: ParsedQuery) -> tuple[list[tuple[int, int]], int]:
    """The spans of ``text`` the query's required clauses match, merged, and how many clauses hit."""
    variants = [v for clause in query.required for v in clause.variants]
    if all(_cannot_be_in(text, v) for v in variants):
        return [], 0
    terms = analyse(text, language, characters=any(v.stream == CHARS for v in variants))
    main = [t for t in terms if t.stream != CHARS]
    chars = [t for t in terms if t.stream == CHARS]
    spans, clauses_hit = [], 0
    for clause in query.required:
        found = [span for v in clause.variants for span in _find(v, chars if v.stream == CHARS else main)]
        clauses_hit += bool(found)
        spans += found
    return _merge(spans), clauses_hit


def _cannot_be_in(text: str, variant: Variant) -> bool:
    """A quick no, before analysing: a phrase of characters whose characters are not in the text.

    Only for variants made of characters alone (the common case in Chinese); stemmed words
    need the analyser, as a stem need not be a piece of the word it came from."""
    if not all(is_spaceless(ch) for term in variant.terms for ch in term):
        return False
    needle = variant.terms[0] + "".join(term[-1] for term in variant.terms[1:])
    return needle not in text and needle not in unicodedata.normalize("NFKC", text)


def best_snippet(fields: list[Field], language: str, query: ParsedQuery) -> Snippet | None:
    """The first field that matches every clause — texts before titles, as the result shows its
    title anyway — else the one that matches the most; cut around its first hit.

    A record found only by its kind's name ("指标") shows the start of its own first text."""
    own = [f for f in fields if f.where != KIND_FIELD]
    best = None
    for field in sorted(own, key=lambda f: f.is_title):
        spans, clauses_hit = hits_in(field.text, language, query)
        if spans and (best is None or clauses_hit > best[0]):
            best = (clauses_hit, field, spans)
            if clauses_hit == len(query.required):
                break
    if best is None:
        return cut(own[0].where, own[0].text, []) if own else None
    _, field, spans = best
    return cut(field.where, field.text, spans)


def cut(where: str, text: str, spans: list[tuple[int, int]]) -> Snippet:
    """About WIDTH characters around the first hit, on word boundaries, ellipses where cut."""
    first = spans[0][0] if spans else 0
    start = max(0, first - WIDTH // 3)
    end = min(len(text), start + WIDTH)
    start = max(0, min(start, end - WIDTH))
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if 0 <= space < first and space - start < 20 else start
    if end < len(text):
        space = text.rfind(" ", spans[0][1] if spans else 0, end)
        end = space if space > 0 and end - space < 20 else end
    piece = text[start:end].replace("\n", " ")
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    hits = tuple((s - start + len(lead), e - start + len(lead)) for s, e in spans if s >= start and e <= end)
    return Snippet(where, lead + piece + tail, hits)


def _find(variant: Variant, terms: list[Term]) -> list[tuple[int, int]]:
    wanted, n = variant.terms, len(variant.terms)
    first = wanted[0]
    found = []
    for i in range(len(terms) - n + 1):
        if n > 1 and terms[i].text != first:
            continue
        window = terms[i:i + n]
        if all(t.text == w for t, w in zip(window[:-1], wanted[:-1])) and _last_matches(window[-1].text, variant):
            found.append((window[0].start, window[-1].end))
    return found


def _last_matches(term: str, variant: Variant) -> bool:
    wanted = variant.terms[-1]
    return term.startswith(wanted) if variant.prefix_last else term == wanted


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
