"""Splitting text into the units a diff compares.

Papers are written in English, in Chinese, or in both at once ("2012 年 3 月份 GB.313/POL/7"),
so one tokeniser serves every script:

* a run of whitespace is one token;
* a word of a script written with spaces (Latin, Cyrillic, Arabic, …, digits included) is one
  token, and so is a word joined by ``. , / : - – ' ’ & @`` between letters or digits, so that
  a symbol such as ``GB.313/POL/7``, a biennium ``2012-13`` or a figure ``1,000`` stays whole;
* each character of a script written without spaces (Chinese, Japanese, Korean, Thai, Lao,
  Khmer, Myanmar, Tibetan) is its own token, so those texts are compared character by character;
* a footnote marker ``[^key]`` is one token, so editing around it never splits it;
* any other character (punctuation, symbols) is a token by itself, with the combining marks
  that follow it.

Joining the tokens always gives back the text exactly.

Speed: applying these rules character by character in Python made tokenising the bulk of a
paper diff, so the tokens they can be seen to give without it — whitespace runs, markers, words
of the common alphabets (``SIMPLE_WORD_CHARS``), ASCII punctuation, Chinese characters and
punctuation (``SINGLE_CHARS``) — are cut by one regular expression, each only when what follows
shows the token is complete (``_ENDS_WORD``, ``_NOT_A_MARK``); anything else is cut by the rules
(:func:`token_end`). The tests check that every character in these classes obeys the rules.
"""

from __future__ import annotations

import re
import unicodedata

from ..domain.records import FOOTNOTE_MARKER

SPACE, WORD, SPACELESS, OTHER = "space", "word", "spaceless", "other"

# Characters that keep a word together when they sit between two word characters.
JOINERS = frozenset(".,/:-–'’&@")

# Word characters of the common alphabets (letters and digits only, no marks or symbols).
SIMPLE_WORD_CHARS = ("0-9A-Z_a-z"
                     "\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F"                                  # Latin
                     "\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u03FF"      # Greek, Coptic
                     "\u0400-\u0481\u048A-\u04FF")                                              # Cyrillic
# Characters that are always a token of their own unless a combining mark follows: ASCII
# punctuation and symbols, CJK punctuation, Chinese characters, full-width punctuation.
SINGLE_CHARS = "!-/:-@\\[-^`{-~\u3001-\u3029\u4E00-\u9FFF\uFF01-\uFF0F\uFF1A-\uFF20"
# Characters that are neither combining marks nor able to continue a word.
NOT_A_MARK_CHARS = "\x00-\u02FF\u3000-\u3029\u4E00-\u9FFF\uFF01-\uFF0F\uFF1A-\uFF20"
_JOINERS_CLASS = re.escape("".join(sorted(JOINERS)))
_NOT_A_MARK = f"(?=\\Z|[{NOT_A_MARK_CHARS}])"
_STOPS_WORD = f"(?:\\s|(?![{_JOINERS_CLASS}])[{SINGLE_CHARS}])"     # whitespace, or a single that is no joiner
_ENDS_WORD = f"(?=\\Z|{_STOPS_WORD}|[{_JOINERS_CLASS}](?:\\Z|\\s|[{SINGLE_CHARS}]))"
_FAST = re.compile(
    FOOTNOTE_MARKER.pattern
    + r"|\s+"
    + f"|[{SIMPLE_WORD_CHARS}](?:[{SIMPLE_WORD_CHARS}]|[{_JOINERS_CLASS}](?=[{SIMPLE_WORD_CHARS}]))*+{_ENDS_WORD}"
    + f"|[{SINGLE_CHARS}]{_NOT_A_MARK}"
    + "|(?P<rules>.)", re.S)

# Unicode blocks of scripts written without spaces between words (compared by characters).
_SPACELESS_RANGES = (
    (0x0E00, 0x0EFF),    # Thai, Lao
    (0x0F00, 0x0FFF),    # Tibetan
    (0x1000, 0x109F),    # Myanmar
    (0x1100, 0x11FF),    # Hangul Jamo
    (0x1780, 0x17FF),    # Khmer
    (0x2E80, 0x2FDF),    # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),    # 々 〆 〇
    (0x3021, 0x3029),    # Hangzhou numerals
    (0x3031, 0x3035),    # kana repeat marks
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3100, 0x31FF),    # Bopomofo, Hangul compatibility Jamo, Kanbun, Katakana extension
    (0x3400, 0x4DBF),    # CJK extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xA960, 0xA97F),    # Hangul Jamo extended A
    (0xAC00, 0xD7FF),    # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0xFF66, 0xFFDC),    # half-width Katakana and Hangul
    (0x1B000, 0x1B16F),  # Kana supplement / extended
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)


def is_spaceless(ch: str) -> bool:
    """True for a character of a script written without spaces between words."""
    code = ord(ch)
    if code < 0x0E00:
        return False
    return any(lo <= code <= hi for lo, hi in _SPACELESS_RANGES)


def char_class(ch: str) -> str:
    """SPACE, SPACELESS, WORD or OTHER for one character."""
    if ch.isspace():
        return SPACE
    if is_spaceless(ch):
        return SPACELESS
    category = unicodedata.category(ch)
    if category[0] in "LNM" or ch == "_":
        return WORD
    return OTHER


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def token_end(text: str, i: int) -> int:
    """Where the token starting at ``text[i]`` ends, by the rules of the module docstring."""
    if text[i] == "[":
        marker = FOOTNOTE_MARKER.match(text, i)
        if marker:
            return marker.end()
    n = len(text)
    kind = char_class(text[i])
    j = i + 1
    if kind == SPACE:
        while j < n and text[j].isspace():
            j += 1
    elif kind == WORD:
        while j < n:
            nxt = char_class(text[j])
            if nxt == WORD:
                j += 1
            elif text[j] in JOINERS and j + 1 < n and char_class(text[j + 1]) == WORD:
                j += 2
            else:
                break
    else:  # one spaceless-script character or one symbol, with its combining marks
        while j < n and _is_mark(text[j]):
            j += 1
    return j


def tokenize(text: str | None) -> list[str]:
    """The tokens of ``text``; ``"".join(tokenize(text)) == text`` always holds."""
    text = text or ""
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        for match in _FAST.finditer(text, i):
            if match.lastgroup == "rules":
                i = token_end(text, match.start())
                tokens.append(text[match.start():i])
                break
            tokens.append(match.group())
        else:
            i = n
    return tokens
