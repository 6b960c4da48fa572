"""Text that Word cannot hold, made safe: never a crash, nothing silently reinterpreted.

XML 1.0 (and so Word) refuses most C0 control characters, lone surrogates and U+FFFE/U+FFFF.
They are removed. A few controls mean something on a page and are kept as their meaning:
``\\n``, ``\\r\\n``, ``\\r`` and ``\\v`` (vertical tab, Word's own manual line break) become line
breaks, ``\\f`` (form feed) a page break, ``\\t`` a tab.
"""

from __future__ import annotations

import re
from typing import Iterator

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL_KEEP_LAYOUT = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LAYOUT = re.compile("(\r\n|[\n\r\v\f\t])")
TEXT, LINE_BREAK, PAGE_BREAK, TAB = "t", "br", "page", "tab"
_PIECE = {"\r\n": LINE_BREAK, "\n": LINE_BREAK, "\r": LINE_BREAK, "\v": LINE_BREAK, "\f": PAGE_BREAK,
          "\t": TAB}
_NEEDS_WORK = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")



def clean(text: object) -> str:
    """Plain text safe for an XML attribute or a one-line field: layout controls become spaces."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if not _NEEDS_WORK.search(text):
        return text
    text = _LAYOUT.sub(" ", text)
    return _ILLEGAL.sub("", text)


def pieces(text: object) -> Iterator[tuple[str, str]]:
    """Split text into ("t", text), ("br", ""), ("page", ""), ("tab", "") pieces, cleaned.

    Only legal XML characters reach a ("t", …) piece; empty texts are skipped.
    """
    if text is None:
        return
    if not isinstance(text, str):
        text = str(text)
    if not _NEEDS_WORK.search(text):
        if text:
            yield TEXT, text
        return
    text = _ILLEGAL_KEEP_LAYOUT.sub("", text)
    for part in _LAYOUT.split(text):
        if not part:
            continue
        kind = _PIECE.get(part)
        if kind:
            yield kind, ""
        else:
            yield TEXT, part


def plain(text: object) -> str:
    """What a reader gets as text: legal characters, line and page breaks as newlines."""
    out = []
    for kind, value in pieces(text):
        out.append(value if kind == TEXT else ("\t" if kind == TAB else "\n"))
    return "".join(out)
