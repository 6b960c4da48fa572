"""Benchmark the diff engine (``sstc_docs.diff``) against difflib, in the same run.

Cases (synthetic English text from a fixed seed, Zipf-like word frequencies):

* ``paragraph`` — one 2,000-word paragraph, about 2% of its words replaced, a sentence inserted
  and one deleted: ``diff_text`` (the compare view's and the redline's text diff) against
  difflib's ``SequenceMatcher(autojunk=False).get_opcodes()`` on the same tokens;
* ``rewritten`` — a 1,000-paragraph paper whose every paragraph was rewritten: ``diff_papers``
  (block alignment included) against difflib comparing each paragraph with the one in the same
  place only — a lower bound for any difflib-based paper diff, which must also search for the
  paragraphs that moved or were edited elsewhere;
* ``edited`` — the same paper with a word changed in every paragraph, both ways again.

Time is the best of ``--repeat`` runs; peak memory is what Python allocated during one more
run, measured with tracemalloc (rapidfuzz's C++ working memory is not included: a bit matrix
of old × new tokens / 64 words, about 2 MB for the 2,000-word paragraph, freed at once).

    python bench/bench_diff.py
    python bench/bench_diff.py --repeat 5
"""

from __future__ import annotations

import argparse
import difflib
import random
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sstc_docs.diff import diff_papers, diff_text, tokenize  # noqa: E402
from sstc_docs.diff.text import content_tokens  # noqa: E402

GOALS = {"paragraph": 0.1, "rewritten": 1.0}   # seconds for the new engine (issue "A version never changes")


class Text:
    """Deterministic prose: a 3,000-word vocabulary drawn with Zipf-like weights."""

    SYLLABLES = "ka lo mi ne su ra ti po de va ge zu bo li na fe ro mu si te".split()

    def __init__(self, seed: int = 20121116):
        self.rng = random.Random(seed)
        vocabulary = {"".join(self.rng.choices(self.SYLLABLES, k=self.rng.randint(1, 4))) for _ in range(6000)}
        self.words = sorted(vocabulary)[:3000]
        self.rng.shuffle(self.words)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]

    def words_of(self, count: int) -> list[str]:
        return self.rng.choices(self.words, self.weights, k=count)

    def paragraph(self, count: int) -> str:
        return " ".join(self.words_of(count)).capitalize() + "."

    def edited(self, text: str, share: float) -> str:
        words = text.split(" ")
        for i in self.rng.sample(range(len(words)), max(1, int(len(words) * share))):
            words[i] = self.words_of(1)[0]
        return " ".join(words)


def measure(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best time in seconds, peak traced memory in MB)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak / 1e6


def difflib_text(old: str, new: str) -> list:
    return difflib.SequenceMatcher(None, tokenize(old), tokenize(new), autojunk=False).get_opcodes()


def difflib_in_place(old_body: list[dict], new_body: list[dict]) -> list:
    out = []
    for a, b in zip(old_body, new_body):
        matcher = difflib.SequenceMatcher(None, content_tokens(a["text"]), content_tokens(b["text"]), autojunk=False)
        out.append((matcher.ratio(), difflib_text(a["text"], b["text"])))
    return out


def cases(text: Text) -> dict[str, tuple[Callable, Callable, str]]:
    old = text.paragraph(2000)
    words = text.edited(old, 0.02).split(" ")
    words[700:700] = text.paragraph(25).split(" ")             # a sentence inserted
    del words[1500:1520]                                          # another deleted
    new = " ".join(words)
    paper = [{"type": "paragraph", "numbered": True, "text": text.paragraph(60)} for _ in range(1000)]
    rewritten = [{"type": "paragraph", "numbered": True, "text": text.paragraph(60)} for _ in range(1000)]
    edited = [dict(block, text=text.edited(block["text"], 1 / 60)) for block in paper]

    def papers(old_body, new_body):
        return lambda: diff_papers({"id": "p", "body": old_body}, {"id": "p", "body": new_body})
    return {
        "paragraph": (lambda: diff_text(old, new), lambda: difflib_text(old, new),
                      "2,000-word paragraph, ~2% of words replaced, a sentence in, one out"),
        "rewritten": (papers(paper, rewritten), lambda: difflib_in_place(paper, rewritten),
                      "1,000 paragraphs, every one rewritten"),
        "edited": (papers(paper, edited), lambda: difflib_in_place(paper, edited),
                   "1,000 paragraphs, a word changed in every one"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    failed = False
    print(f"{'case':<10} {'engine':<8} {'time ms':>9} {'peak MB':>8}   what")
    for name, (ours, theirs, what) in cases(Text()).items():
        for engine, run in (("sstc", ours), ("difflib", theirs)):
            seconds, peak = measure(run, args.repeat)
            goal = GOALS.get(name) if engine == "sstc" else None
            verdict = "" if goal is None else ("  ok" if seconds < goal else f"  SLOWER than {goal * 1000:.0f} ms")
            failed = failed or verdict.startswith("  SLOWER")
            print(f"{name:<10} {engine:<8} {seconds * 1000:>9.1f} {peak:>8.1f}   {what}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
