"""From text to the terms the index keeps, and from a query word to the terms it looks for.

Written once here, not left to the engine, so that every engine (SQLite FTS5, PostgreSQL) holds
exactly the same terms and a query means the same thing on both:

* Words of scripts written with spaces are case-folded, NFKC-normalised (full-width ``２０１２``
  is ``2012``), stemmed (Snowball: English, French or Spanish by the record's language, English
  for the Latin words of a Chinese paper) and stripped of accents, so "approves", "approved"
  and "approving" are one term. Joiners split words (``GB.313/POL/7`` is four terms, found as
  a phrase), and words with digits are not stemmed.
* A run of characters of a script written without spaces (Chinese, Japanese, Korean, Thai …,
  as ``sstc_docs.diff.tokens`` defines them) gives its overlapping bigrams in order on the
  main stream — so "业务守则" is the phrase 业务 务守 守则 — and every character again on a
  separate stream of unigrams, so a one-character word is found too. A run of one character
  goes on both.

Each term keeps the span of the original text it came from, so snippets can mark hits in the
text exactly as it was written. ``ANALYSER_VERSION`` names this behaviour: an index built with
another version is rebuilt rather than half-matching.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from ..diff import tokens

ANALYSER_VERSION = "1"
MAIN, CHARS = "main", "chars"
STEMMED_LANGUAGES = {"en": "english", "fr": "french", "es": "spanish"}
_WORD_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One indexed term, where it came from in the original text, and which stream it is on."""

    text: str
    start: int
    end: int
    stream: str = MAIN


def stemming_language(language: str | None) -> str:
    """The stemmer for a record's language: its own when Snowball has one, else English."""
    return language if language in STEMMED_LANGUAGES else "en"


@lru_cache(maxsize=65_536)
def is_spaceless(ch: str) -> bool:
    """``sstc_docs.diff.tokens.is_spaceless``, remembered per character: it is asked for every one."""
    return tokens.is_spaceless(ch)


@lru_cache(maxsize=None)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMED_LANGUAGES[language])


@lru_cache(maxsize=200_000)
def normalise_word(word: str, language: str = "en") -> str:
    """The term for one word: folded, normalised, stemmed (unless it holds a digit), unaccented."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    if not any(ch.isdigit() for ch in folded):
        folded = _stemmer(language).stemWord(folded)
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def analyse(text: str, language: str = "en", *, characters: bool = True) -> list[Term]:
    """The terms of ``text`` in reading order: main stream first per run, unigrams beside it
    (left out with ``characters=False``, when only the main stream is wanted)."""
    language = stemming_language(language)
    terms: list[Term] = []
    for match in _WORD_RUN.finditer(text or ""):
        run, offset = match.group(), match.start()
        if run.isascii():
            terms.append(Term(normalise_word(run, language), offset, match.end()))
            continue
        for piece_start, piece_end, spaceless in _split_scripts(run):
            start, end = offset + piece_start, offset + piece_end
            if spaceless:
                terms.extend(_character_terms(text, start, end, characters))
            else:
                word = normalise_word(text[start:end], language)
                if word:
                    terms.append(Term(word, start, end))
    return terms


def _split_scripts(run: str) -> list[tuple[int, int, bool]]:
    """Cut a run of word characters where it passes between spaceless and spaced scripts."""
    pieces: list[tuple[int, int, bool]] = []
    start, current = 0, is_spaceless(run[0])
    for i in range(1, len(run)):
        spaceless = is_spaceless(run[i])
        if spaceless != current:
            pieces.append((start, i, current))
            start, current = i, spaceless
    pieces.append((start, len(run), current))
    return pieces


def _character_terms(text: str, start: int, end: int, characters: bool) -> list[Term]:
    """Bigrams on the main stream (a lone character stands for itself), every character on CHARS."""
    chars = [unicodedata.normalize("NFKC", ch) for ch in text[start:end]]
    if len(chars) == 1:
        main = [Term(chars[0], start, end)]
    else:
        main = [Term(chars[i] + chars[i + 1], start + i, start + i + 2) for i in range(len(chars) - 1)]
    if not characters:
        return main
    return main + [Term(ch, start + i, start + i + 1, CHARS) for i, ch in enumerate(chars)]


def query_variants(text: str) -> list[list[Term]]:
    """What a query word or phrase looks for: its terms under each stemmer, duplicates dropped.

    A query does not say its language, so a word is looked for as English, French and Spanish
    would stem it; one record is in one language, so each variant is a whole phrase."""
    variants: list[list[Term]] = []
    for language in STEMMED_LANGUAGES:
        terms = analyse(text, language)
        if terms and terms not in variants:
            variants.append(terms)
    return variants
