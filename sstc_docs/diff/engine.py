"""The one sequence comparison every diff in sstc-docs runs on: a longest common subsequence.

Why not difflib: ``SequenceMatcher`` is pure Python and slows down sharply on long inputs (a
2,000-word paragraph took the better part of a second, a rewritten 1,000-paragraph paper eight).
rapidfuzz's ``Indel`` (insertions and deletions only, i.e. the LCS) is bit-parallel C++ and gives
the same kind of answer — a minimal edit — in microseconds per paragraph.

rapidfuzz compares strings fastest, so the tokens of one comparison are first given one code
point each (:class:`Alphabet`): equal tokens become equal characters, and the LCS of the coded
strings is exactly the LCS of the token lists.
"""

from __future__ import annotations

from typing import Sequence

from rapidfuzz.distance import Indel

Opcode = tuple[str, int, int, int, int]

_SURROGATES = 0xD800, 0xE000        # code points a Python str may hold but some tools choke on
_LAST_CODE = 0x10FFFF


class Alphabet:
    """Tokens → code points, shared by every text of one comparison (so codes mean the same)."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def code(self, token: str) -> int:
        code = self._codes.get(token)
        if code is None:
            code = len(self._codes)
            if code >= _SURROGATES[0]:
                code += _SURROGATES[1] - _SURROGATES[0]
            self._codes[token] = code
        return code

    def encode(self, tokens: Sequence[str]) -> str | list[int]:
        """The tokens as one string; as a list of ints past the last code point (rapidfuzz
        compares a list of ints and a string consistently: a character is its ordinal)."""
        known = self._codes
        codes = [known[t] if t in known else self.code(t) for t in tokens]
        if len(known) > _LAST_CODE - (_SURROGATES[1] - _SURROGATES[0]):
            return codes
        return "".join(map(chr, codes))


def encode_pair(old_tokens: Sequence[str], new_tokens: Sequence[str]):
    alphabet = Alphabet()
    return alphabet.encode(old_tokens), alphabet.encode(new_tokens)


def opcodes(old_tokens: Sequence[str], new_tokens: Sequence[str]) -> list[Opcode]:
    """difflib-style opcodes (equal / replace / delete / insert) of a minimal edit of two token lists.

    A delete next to an insert is reported as one ``replace``, as difflib does, so callers can
    pair what was replaced.
    """
    old, new = encode_pair(old_tokens, new_tokens)
    out: list[list] = []
    for op in Indel.opcodes(old, new):
        tag, i1, i2, j1, j2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if i1 == i2 and j1 == j2:
            continue
        if out and tag != "equal" and out[-1][0] != "equal":
            last = out[-1]
            last[2], last[4] = i2, j2
            last[0] = "replace" if last[1] < last[2] and last[3] < last[4] else last[0]
        else:
            out.append([tag, i1, i2, j1, j2])
    return [tuple(op) for op in out]


def ratio(old: str | Sequence, new: str | Sequence, cutoff: float = 0.0) -> float:
    """2·LCS / (len(old) + len(new)), 1.0 for two empty inputs; 0.0 when under ``cutoff``."""
    if not old and not new:
        return 1.0
    return Indel.normalized_similarity(old, new, score_cutoff=cutoff or None)
