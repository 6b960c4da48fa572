"""The draft decision read back into decision points: text, then parts (a), (b) …

The house format prints each part as "(a) … ;" with "and" before the last and a full stop at the
end (``domain.lifecycle.decision_paragraphs``); reading strips exactly that, so a part reads back
as it was typed. A part may also be a Word list item lettered a), b) by numbering.
"""

from __future__ import annotations

import re

from ...domain.labels import in_every_language

_PART = re.compile(r"^\(?([a-z]{1,2})\)\s*", re.IGNORECASE)
_ENDING = re.compile("(?:" + "|".join(r"\s*" + re.escape(end.strip()) for key in ("part_penultimate", "part_next",
                                                                               "part_last")
                                      for end in sorted(in_every_language(key), key=len, reverse=True))
                     + r"|[\s;；.。,，]+)$")
LETTERED = ("lowerLetter", "upperLetter", "lowerRoman")


def part_text(text: str, lettered: bool) -> str | None:
    """The part's own words when ``text`` is a part ("(a) approves …; and"), else None."""
    match = _PART.match(text)
    if not match and not lettered:
        return None
    body = text[match.end():] if match else text
    return _ENDING.sub("", body.strip()).strip()


class DecisionBuilder:
    """Collects decision points from the paragraphs under "Draft decision", in order."""

    def __init__(self):
        self.points: list[dict] = []

    def add(self, text: str, *, numbered: bool, lettered: bool) -> None:
        part = part_text(text, lettered) if self.points else None
        if part is not None:
            self.points[-1]["parts"].append(part)
        elif numbered or not self.points or self.points[-1]["parts"]:
            self.points.append({"text": text.strip(), "parts": []})
        else:
            self.points[-1]["text"] += "\n" + text.strip()
