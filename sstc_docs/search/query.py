"""Reading what the user typed into clauses that every engine compiles its own way.

Syntax, kept small enough to explain in one line: words are all required; "a quoted phrase"
must appear as written; a leading minus (-word, -"a phrase") leaves out what contains it.
Each clause becomes its terms under every stemmer (``query_variants``): a result has to match
one variant of every required clause and no variant of an excluded one.

A clause of one character of a script written without spaces looks in the stream of single
characters; any other clause is a phrase on the main stream (so "业务守则" requires the bigrams
业务 务守 守则 in that order, and "GB.313/POL/7" its four terms in order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ValidationError
from .analyser import CHARS, MAIN, Term, is_spaceless, query_variants

MAX_QUERY = 500
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


@dataclass(frozen=True)
class Variant:
    """One way a clause can be written in the index: a phrase of terms on one stream."""

    terms: tuple[str, ...]
    stream: str = MAIN
    #: the last term may be the start of a longer one: a lone character at the end of a phrase
    #: ("2012年") is indexed inside the bigram of the next character when the text goes on.
    prefix_last: bool = False


@dataclass(frozen=True)
class Clause:
    text: str
    variants: tuple[Variant, ...]
    excluded: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def required(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.excluded)


def parse_query(text: str) -> ParsedQuery:
    """The clauses of a query, or a ValidationError that says what to type instead."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY:
        raise ValidationError(f"a search is at most {MAX_QUERY} characters; keep the words that matter most",
                              field="query")
    clauses = []
    for match in _PIECE.finditer(text):
        excluded = bool(match.group(1) or match.group(3))
        words = match.group(2) if match.group(2) is not None else match.group(4)
        variants = tuple(dict.fromkeys(_variant(terms) for terms in query_variants(words)))
        if variants:
            clauses.append(Clause(words, variants, excluded))
    if not clauses:
        raise ValidationError("type a word to search for: letters, digits or characters (punctuation "
                              "alone finds nothing)", field="query")
    if all(c.excluded for c in clauses):
        raise ValidationError("say what to find as well as what to leave out: a minus only excludes",
                              field="query")
    return ParsedQuery(text, tuple(clauses))


def _variant(terms: list[Term]) -> Variant:
    main = [t.text for t in terms if t.stream == MAIN]
    if len(main) == 1 and _is_character(main[0]):
        return Variant((main[0],), CHARS)
    return Variant(tuple(main), MAIN, prefix_last=len(main) > 1 and _is_character(main[-1]))


def _is_character(term: str) -> bool:
    return len(term) == 1 and is_spaceless(term)
