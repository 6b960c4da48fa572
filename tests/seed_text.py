"""The seed paper cut into the sentences the product must give back, read from ../shared/seeds.

Markdown decoration (bold, headings, <sup> footnote digits, list numbers, escapes, link syntax)
is the seed's typesetting, not its text; label prefixes like "**基线：**" are the house format's
labels, which the exporter prints from its own table. What remains is every sentence of content.
"""

from __future__ import annotations

import re
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_305d6783e3ab735c.txt"
if not SEED.exists():  # a checkout placed elsewhere: look beside the repository's parent too
    SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_305d6783e3ab735c.txt"

_LABEL = re.compile(r"^\*\*[^*]{1,20}?[:：]\s*\*\*\s*|^\*\*[^*]*\*\*\s*(?=\S)")


def seed_lines() -> list[str]:
    lines = []
    for raw in SEED.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        line = re.sub(r"<sup>\d+</sup>", "", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)   # [url](url) → url
        line = line.replace("\\_", "_").replace("\\", "")
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"^\d+\.\s+", "", line)                      # list numbering "1. "
        line = _LABEL.sub("", line)                                 # "**指标:** " label prefixes
        line = line.replace("**", "").strip()
        if line:
            lines.append(line)
    return lines


def seed_sentences() -> list[str]:
    """Every sentence of content, split after 。 so a missing one is named precisely."""
    sentences = []
    for line in seed_lines():
        sentences += [s for s in re.split(r"(?<=。)", line) if s.strip()]
    return sentences


def squash(text: str) -> str:
    """Compare text regardless of spacing and line breaks (the seed wraps the title)."""
    return re.sub(r"\s+", "", text)


def missing_sentences(haystack: str) -> list[str]:
    flat = squash(haystack)
    return [s for s in seed_sentences() if squash(s) not in flat]
