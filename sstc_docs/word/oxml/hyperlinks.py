"""Live hyperlinks: an external relationship on the part, and w:hyperlink r:id around the runs.

``Relationships`` is one part's .rels: the template's relationships kept as they are, new ones
numbered after the highest rId, external targets deduplicated.
"""

from __future__ import annotations

import re

from lxml import etree

from . import PR, RT_HYPERLINK, qn

URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
                 r"\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’»"


def split_urls(text: str) -> list[tuple[str, str | None]]:
    """[(text, None), (url_text, target), …]: URLs found in text, trailing punctuation left out."""
    if "://" not in text and "www." not in text.lower():
        return [(text, None)]
    out: list[tuple[str, str | None]] = []
    position = 0
    for match in URL.finditer(text):
        url = match.group(0)
        while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
            url = url[:-1]
        if len(url) < 5 or url.lower() in ("www.", "http://", "https://", "ftp://"):
            continue
        start, end = match.start(), match.start() + len(url)
        if start > position:
            out.append((text[position:start], None))
        target = url if "://" in url else "http://" + url
        out.append((url, target))
        position = end
    if position < len(text):
        out.append((text[position:], None))
    return out


class Relationships:
    """One part's relationships: existing ones kept, new ones added with fresh ids."""

    def __init__(self, xml: bytes | None = None):
        self.items: list[tuple[str, str, str, str | None]] = []   # (id, type, target, mode)
        self._external: dict[tuple[str, str], str] = {}
        self._next = 1
        if xml:
            root = etree.fromstring(xml)
            for rel in root:
                if not isinstance(rel.tag, str):
                    continue
                rid, rtype = rel.get("Id", ""), rel.get("Type", "")
                target, mode = rel.get("Target", ""), rel.get("TargetMode")
                self.items.append((rid, rtype, target, mode))
                match = re.fullmatch(r"rId(\d+)", rid)
                if match:
                    self._next = max(self._next, int(match.group(1)) + 1)

    def copy(self) -> "Relationships":
        other = Relationships()
        other.items = list(self.items)
        other._external = dict(self._external)
        other._next = self._next
        return other

    def find(self, rtype: str) -> list[tuple[str, str]]:
        """[(id, target)] of internal relationships of a type."""
        return [(rid, target) for rid, t, target, mode in self.items if t == rtype and mode != "External"]

    def by_id(self, rid: str) -> tuple[str, str, str | None] | None:
        for i, t, target, mode in self.items:
            if i == rid:
                return t, target, mode
        return None

    def add(self, rtype: str, target: str, external: bool = False) -> str:
        if external:
            key = (rtype, target)
            if key in self._external:
                return self._external[key]
        rid = f"rId{self._next}"
        while self.by_id(rid) is not None:
            self._next += 1
            rid = f"rId{self._next}"
        self._next += 1
        self.items.append((rid, rtype, target, "External" if external else None))
        if external:
            self._external[(rtype, target)] = rid
        return rid

    def hyperlink(self, url: str) -> str:
        return self.add(RT_HYPERLINK, url, external=True)

    def __len__(self) -> int:
        return len(self.items)

    def to_xml(self) -> bytes:
        root = etree.Element(f"{{{PR}}}Relationships", nsmap={None: PR})
        for rid, rtype, target, mode in self.items:
            rel = etree.SubElement(root, f"{{{PR}}}Relationship")
            rel.set("Id", rid)
            rel.set("Type", rtype)
            rel.set("Target", target)
            if mode:
                rel.set("TargetMode", mode)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def hyperlink(parent, rid: str):
    """Append a w:hyperlink pointing at relationship ``rid``; the caller puts runs inside."""
    node = etree.SubElement(parent, qn("w:hyperlink"))
    node.set(qn("r:id"), rid)
    node.set(qn("w:history"), "1")
    return node
