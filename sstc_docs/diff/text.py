"""Comparing two texts: a list of equal / insert / delete segments.

Texts are split by :func:`tokens.tokenize` (words for spaced scripts, characters for Chinese and
the other scripts written without spaces, footnote markers whole) and compared with
``engine.opcodes`` (a longest common subsequence of tokens, in C++). Adjacent segments of the same
kind are merged, a replacement is a delete followed by an insert, and whitespace left alone
between two replacements is folded into them ("[-the quick-]{+a slow+}" rather than "[-the-]{+a+} [-quick-]{+slow+}").

Round trip, always: the equal and delete segments joined give the old text, the equal and insert
segments joined give the new text (:func:`old_text`, :func:`new_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .engine import encode_pair, opcodes, ratio
from .tokens import tokenize

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
OPS = (EQUAL, INSERT, DELETE)


@dataclass(frozen=True)
class Segment:
    """A piece of text that is the same on both sides, only in the new, or only in the old."""

    op: str
    text: str

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"segment op must be one of {', '.join(OPS)}, not {self.op!r}")

    def to_json(self) -> dict:
        return {"op": self.op, "text": self.text}


def old_text(segments: Iterable[Segment]) -> str:
    """The old text: equal and deleted segments joined."""
    return "".join(s.text for s in segments if s.op != INSERT)


def new_text(segments: Iterable[Segment]) -> str:
    """The new text: equal and inserted segments joined."""
    return "".join(s.text for s in segments if s.op != DELETE)


def is_unchanged(segments: Iterable[Segment]) -> bool:
    return all(s.op == EQUAL for s in segments)


def segments_to_json(segments: Iterable[Segment] | None) -> list[dict] | None:
    return None if segments is None else [s.to_json() for s in segments]


def diff_tokens(old_tokens: Sequence[str], new_tokens: Sequence[str], *,
                cleanup: bool = True) -> list[Segment]:
    """Segments for two token lists (joined, they give the old and the new text)."""
    # Runs alternate between ("equal", text) and ("change", deleted, inserted).
    runs: list[list] = []
    for tag, i1, i2, j1, j2 in opcodes(old_tokens, new_tokens):
        if tag == "equal":
            runs.append([EQUAL, "".join(old_tokens[i1:i2])])
            continue
        deleted, inserted = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if runs and runs[-1][0] == "change":
            runs[-1][1] += deleted
            runs[-1][2] += inserted
        else:
            runs.append(["change", deleted, inserted])
    if cleanup:
        runs = _fold_lone_whitespace(runs)
    segments: list[Segment] = []
    for run in runs:
        if run[0] == EQUAL:
            if run[1]:
                segments.append(Segment(EQUAL, run[1]))
        else:
            if run[1]:
                segments.append(Segment(DELETE, run[1]))
            if run[2]:
                segments.append(Segment(INSERT, run[2]))
    return segments


def _is_replacement(run: list) -> bool:
    return run[0] == "change" and bool(run[1]) and bool(run[2])


def _fold_lone_whitespace(runs: list[list]) -> list[list]:
    """Fold whitespace-only equal runs that sit between two replacements into them."""
    out: list[list] = []
    i = 0
    while i < len(runs):
        run = runs[i]
        if (run[0] == EQUAL and run[1].isspace() and out and _is_replacement(out[-1])
                and i + 1 < len(runs) and _is_replacement(runs[i + 1])):
            nxt = runs[i + 1]
            out[-1] = ["change", out[-1][1] + run[1] + nxt[1], out[-1][2] + run[1] + nxt[2]]
            i += 2
            continue
        out.append(list(run))
        i += 1
    return out


def diff_text(old: str | None, new: str | None, *, cleanup: bool = True) -> list[Segment]:
    """The segments that turn ``old`` into ``new`` (see the module docstring).

    ``None`` is read as the empty text. Identical texts give one equal segment (none if empty).
    """
    old, new = old or "", new or ""
    if old == new:
        return [Segment(EQUAL, old)] if old else []
    return diff_tokens(tokenize(old), tokenize(new), cleanup=cleanup)


def content_tokens(text: str | None) -> list[str]:
    """The tokens that carry content: all but whitespace (which would make any two English
    texts look alike)."""
    return [t for t in tokenize(text) if not t.isspace()]


def similarity(old: str | None, new: str | None) -> float:
    """How alike two texts are, 0.0 to 1.0: 2·LCS / total length, over their content tokens."""
    return token_similarity(content_tokens(old), content_tokens(new))


def token_similarity(old_tokens: Sequence[str], new_tokens: Sequence[str]) -> float:
    return ratio(*encode_pair(old_tokens, new_tokens))


def changed_text(segments: Iterable[Segment]) -> tuple[str, str]:
    """What was deleted and what was inserted, each joined (handy in tests and summaries)."""
    segments = list(segments)
    return ("".join(s.text for s in segments if s.op == DELETE),
            "".join(s.text for s in segments if s.op == INSERT))
